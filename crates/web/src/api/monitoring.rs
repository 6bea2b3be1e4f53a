//! The monitoring lifecycle's JSON API (`/api/v1/monitoring/...`): clues, cases and their steps,
//! elimination proposals, plans, visits and their photos, due-for-visit, the village notice, data
//! checks and disaster lists; over the same use cases as the pages, with the caller's role.
//!
//! Closed lists are answered and accepted as their Chinese labels (`"乡镇审核"`, `"因病"`); steps
//! are also accepted by name (`township_review`). Dates are `2022-03-01`.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhenxing_app::monitoring::access::{Act, may};
use zhenxing_app::monitoring::cases::{CaseDetail, EliminationRequest, StepRequest, next_actions};
use zhenxing_app::monitoring::checks::{FindingRow, RuleCount};
use zhenxing_app::monitoring::clues::{ClueReport, ClueRequest, SubjectRef};
use zhenxing_app::monitoring::plans::PlanRequest;
use zhenxing_app::monitoring::visits::VisitRequest;
use zhenxing_app::store::monitoring::{
    ClueOutcome, StepRecord, StoredCase, StoredClue, StoredVisit,
};
use zhenxing_domain::monitoring::{
    Channel, CheckAnswer, Evidence, MeasureStatus, NewHousehold, PlannedMeasure, Verdict,
};
use zhenxing_domain::{
    AreaCode, EliminationMode, HouseholdNo, HouseholdType, IdNumber, Money, MonitorCategory,
    RiskTypes, today_in_china,
};

use super::RowErrorJson;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody, WebError, internal};
use crate::forms::household_no;
use crate::forms::{
    Upload, action_kind, action_name, build_action, decides, measure_status, optional_day,
    parse_day, past_day, risks,
};
use crate::pages::areas::{area_or_own, parse_area};
use crate::pages::monitoring::checks::AreaQuery;
use crate::pages::monitoring::form_policy;
use crate::pages::monitoring::visits::{DueQuery, due_cursor_text, parse_due_cursor};
use crate::pages::monitoring::work::{CaseListQuery, cursor_text};
use crate::state::AppState;
use crate::views::{day, place};

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| day(Some(d)))
}

fn risk_list(r: RiskTypes) -> Vec<String> {
    r.iter().map(|x| x.label().to_string()).collect()
}

fn parse_id(s: &str) -> Result<i64, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

/// A case of the identification (识别纳入) or elimination (风险消除) procedure.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseJson {
    pub id: i64,
    pub household_no: String,
    pub head_name: String,
    pub village_code: String,
    /// 乡镇和村的名称
    pub place: String,
    /// `识别纳入` or `风险消除`
    pub kind: String,
    /// 当前环节, e.g. `乡镇审核`; closed: `审批通过`, `已驳回`, `已撤回`, `已消除回退`.
    pub stage: String,
    /// 发现渠道
    pub channel: String,
    pub risks: Vec<String>,
    /// 拟纳入（或所属）监测对象类别
    pub category: Option<String>,
    pub disaster_kind: Option<String>,
    pub opened_on: String,
    /// Due day of the current step.
    pub due_step: Option<String>,
    /// Due day of the whole identification.
    pub due_whole: Option<String>,
    /// The earlier of the two: late after it.
    pub next_due: Option<String>,
    pub overdue: bool,
    pub green_channel_on: Option<String>,
    pub notice_from: Option<String>,
    /// The policy version the case was opened under, e.g. `62-2022第1版`.
    pub policy: String,
    /// Send it back with a step: a step decided on an older version is refused (409).
    pub version: i64,
}

pub fn case_json(
    tree: &zhenxing_domain::DivisionTree,
    c: &StoredCase,
    today: NaiveDate,
) -> CaseJson {
    CaseJson {
        id: c.id,
        household_no: c.household_no.to_string(),
        head_name: c.head_name.clone(),
        village_code: c.village.to_string(),
        place: place(tree, c.village),
        kind: c.kind().label().into(),
        stage: c.state.stage.label().into(),
        channel: c.channel.label().into(),
        risks: risk_list(c.risks),
        category: c.category.map(|x| x.label().to_string()),
        disaster_kind: c.disaster_kind.clone(),
        opened_on: day(Some(c.state.opened_on)),
        due_step: date(c.due.step),
        due_whole: date(c.due.whole),
        next_due: date(c.due.next()),
        overdue: c.due.is_overdue(today),
        green_channel_on: date(c.state.green_channel_on),
        notice_from: date(c.state.notice_from),
        policy: c.policy.to_string(),
        version: c.version,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseJson>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_page: Option<String>,
}

/// Cases per page of the API.
const PAGE: u32 = 100;

#[utoipa::path(get, path = "/api/v1/monitoring/cases", tag = "监测帮扶",
    params(CaseListQuery),
    responses((status = 200, body = CaseList, description = "Open cases of the area by next due day, filtered; keyset pages."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cases(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<CaseListQuery>,
) -> Result<Json<CaseList>, ApiError> {
    let today = today_in_china();
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let query = q.query(today, PAGE)?;
    let found = state
        .app
        .cases_matching(&caller.monitoring(), Some(area), &query)
        .await?;
    let tree = state.app.tree().await;
    let next_page = (found.len() as u32 == PAGE)
        .then(|| found.last())
        .flatten()
        .and_then(|c| Some(cursor_text((c.due.next()?, c.id))));
    Ok(Json(CaseList {
        items: found.iter().map(|c| case_json(&tree, c, today)).collect(),
        next_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/monitoring/cases/mine", tag = "监测帮扶",
    responses((status = 200, body = CaseList, description = "The caller's work queue: open cases at a step of the caller's level that their role may take, due by Sunday or late.")),
    security(("bearer" = [])))]
pub async fn my_cases(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
) -> Result<Json<CaseList>, ApiError> {
    let today = today_in_china();
    let found = state
        .app
        .my_cases_due_this_week(&caller.monitoring(), today, 500)
        .await?;
    let tree = state.app.tree().await;
    Ok(Json(CaseList {
        items: found.iter().map(|c| case_json(&tree, c, today)).collect(),
        next_page: None,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepJson {
    pub seq: i64,
    /// 办理事项, e.g. `入户核实`
    pub action: String,
    /// Approved (`true`), rejected (`false`), or no decision (green channel, withdrawal, roll-back).
    pub approved: Option<bool>,
    pub promise_signed: Option<bool>,
    /// 意见或理由
    pub remark: String,
    pub acted_on: String,
    pub stage_before: String,
    pub stage_after: String,
    /// The due day the step was taken against.
    pub due_on: Option<String>,
    pub late: bool,
    pub actor: String,
    pub recorded_at: String,
    /// The policy version in force when the step was taken.
    pub policy: String,
}

fn step_json(s: &StepRecord) -> StepJson {
    StepJson {
        seq: s.seq,
        action: s.action.label().into(),
        approved: s.approved,
        promise_signed: s.promise_signed,
        remark: s.remark.clone(),
        acted_on: day(Some(s.acted_on)),
        stage_before: s.stage_before.label().into(),
        stage_after: s.stage_after.label().into(),
        due_on: date(s.due_on),
        late: s.late,
        actor: s.actor.clone(),
        recorded_at: zhenxing_app::browse::china_time(&s.recorded_at),
        policy: s.policy.to_string(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckJson {
    pub check: String,
    pub passed: bool,
    /// The data behind it, e.g. `纳入监测7个月（2022-03-21至2022-10-10），要求至少6个月`.
    pub data: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockerJson {
    pub code: String,
    pub label: String,
    pub passed: bool,
    pub checks: Vec<CheckJson>,
}

/// The verdict on an elimination: every blocker (七不消) with pass or fail and its data.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerdictJson {
    pub policy: String,
    /// 帮扶消除 or 自然消除
    pub mode: String,
    pub passed: bool,
    pub blockers: Vec<BlockerJson>,
}

pub fn verdict_json(v: &Verdict) -> VerdictJson {
    VerdictJson {
        policy: v.policy.to_string(),
        mode: v.mode.label().into(),
        passed: v.passed,
        blockers: v
            .blockers
            .iter()
            .map(|b| BlockerJson {
                code: b.code.clone(),
                label: b.label.clone(),
                passed: b.passed,
                checks: b
                    .checks
                    .iter()
                    .map(|c| CheckJson {
                        check: c.check.clone(),
                        passed: c.passed,
                        data: c.data.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NextAction {
    /// For `action` of a step: `visit`, `compare`, `village_review`, `close_notice`,
    /// `township_review`, `county_approval`, `green_channel`, `withdraw`, `roll_back`.
    pub name: String,
    pub label: String,
    /// Approve or reject (else only a reason).
    pub decides: bool,
    /// Whether the caller's role may take it.
    pub allowed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetailJson {
    pub case: CaseJson,
    pub steps: Vec<StepJson>,
    pub next_actions: Vec<NextAction>,
    /// Eliminations: the verdict of the county's approval, or of the proposal.
    pub verdict: Option<VerdictJson>,
}

fn detail_json(
    d: &CaseDetail,
    caller: &zhenxing_app::monitoring::Caller,
    tree: &zhenxing_domain::DivisionTree,
) -> CaseDetailJson {
    let today = today_in_china();
    CaseDetailJson {
        case: case_json(tree, &d.case, today),
        steps: d.steps.iter().map(step_json).collect(),
        next_actions: next_actions(&d.case.state)
            .into_iter()
            .map(|k| NextAction {
                name: action_name(k).into(),
                label: k.label().into(),
                decides: decides(k),
                allowed: may(caller, Act::Step(k)),
            })
            .collect(),
        verdict: d
            .steps
            .iter()
            .rev()
            .find_map(|s| s.verdict.as_ref())
            .or(d.case.elimination.as_ref().map(|e| &e.verdict))
            .map(verdict_json),
    }
}

#[utoipa::path(get, path = "/api/v1/monitoring/cases/{id}", tag = "监测帮扶",
    params(("id" = i64, Path, description = "案件编号")),
    responses((status = 200, body = CaseDetailJson), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn case(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CaseDetailJson>, ApiError> {
    let m = caller.monitoring();
    let d = state
        .app
        .case_detail(&m, parse_id(&id)?, today_in_china())
        .await?;
    let tree = state.app.tree().await;
    Ok(Json(detail_json(&d, &m, &tree)))
}

/// A step to take on a case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StepInput {
    /// `visit`, `compare`, `village_review`, `close_notice`, `township_review`,
    /// `county_approval`, `green_channel`, `withdraw`, `roll_back` (or the Chinese label).
    pub action: String,
    /// `approve` (default) or `reject` (with the reason in `opinion`).
    pub decision: Option<String>,
    /// 意见或理由 (1-500 characters).
    pub opinion: String,
    /// The household signed the promise and authorisation (the identification's home visit).
    pub promise_signed: Option<bool>,
    /// The day it was done (today when absent; not later than today).
    pub on: Option<String>,
    /// The case version decided on (`version` of the case); absent: the current one.
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/monitoring/cases/{id}/steps", tag = "监测帮扶",
    params(("id" = i64, Path, description = "案件编号")),
    request_body = StepInput,
    responses((status = 200, body = CaseDetailJson, description = "The case after the step."),
        (status = 403, body = ErrorBody, description = "The caller's role may not take this step."),
        (status = 409, body = ErrorBody, description = "Someone acted on the case first: reload and decide again."),
        (status = 422, body = ErrorBody, description = "The procedure refuses the step (e.g. notice too short), with the reason."),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn step(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
    Json(input): Json<StepInput>,
) -> Result<Json<CaseDetailJson>, ApiError> {
    let id = parse_id(&id)?;
    let kind = action_kind(&input.action)?;
    let approve = match input.decision.as_deref() {
        None | Some("approve") => true,
        Some("reject") => false,
        Some(other) => return Err(WebError::BadRequest(format!("decision 无效：{other}")).into()),
    };
    let req = StepRequest {
        case_id: id,
        version: input.version,
        action: build_action(
            kind,
            approve,
            &input.opinion,
            input.promise_signed.unwrap_or(false),
        )?,
        on: past_day("办理日期", input.on.as_deref())?,
    };
    let m = caller.monitoring();
    state.app.act(&m, &req).await?;
    let d = state.app.case_detail(&m, id, today_in_china()).await?;
    let tree = state.app.tree().await;
    Ok(Json(detail_json(&d, &m, &tree)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceJson {
    /// 发现渠道
    pub channel: String,
    pub source: String,
    pub rule: Option<String>,
    pub note: Option<String>,
    pub found_on: String,
    /// Figures behind a department warning: (label, value).
    pub figures: Vec<(String, String)>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClueJson {
    pub id: i64,
    pub household_no: Option<String>,
    pub village_code: String,
    pub place: String,
    pub risks: Vec<String>,
    pub disaster_kind: Option<String>,
    pub found_on: String,
    pub status: String,
    pub case_id: Option<i64>,
    /// Every piece (merged clues keep all); matched members are not listed here.
    pub evidence: Vec<EvidenceJson>,
}

fn clue_json(tree: &zhenxing_domain::DivisionTree, c: &StoredClue) -> ClueJson {
    ClueJson {
        id: c.id,
        household_no: c.household_no.as_ref().map(|n| n.to_string()),
        village_code: c.village.to_string(),
        place: place(tree, c.village),
        risks: risk_list(c.risks),
        disaster_kind: c.disaster_kind.clone(),
        found_on: day(Some(c.found_on)),
        status: c.status.label().into(),
        case_id: c.case_id,
        evidence: c
            .evidence
            .iter()
            .map(|e| EvidenceJson {
                channel: e.channel.label().into(),
                source: e.source.clone(),
                rule: e.rule.clone(),
                note: e.note.clone(),
                found_on: day(Some(e.found_on)),
                figures: e
                    .figures
                    .iter()
                    .map(|f| (f.label.clone(), f.value.clone()))
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClueQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// At most this many, 1..1000 (default 200).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/monitoring/clues", tag = "监测帮扶",
    params(ClueQuery),
    responses((status = 200, body = Vec<ClueJson>, description = "Open clues of the area, oldest first."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn clues(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ClueQuery>,
) -> Result<Json<Vec<ClueJson>>, ApiError> {
    let area = q
        .area
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(parse_area)
        .transpose()?;
    let found = state
        .app
        .open_clues(
            &caller.monitoring(),
            area,
            q.limit.unwrap_or(200).clamp(1, 1000),
        )
        .await?;
    let tree = state.app.tree().await;
    Ok(Json(found.iter().map(|c| clue_json(&tree, c)).collect()))
}

/// A household not yet registered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewHouseholdInput {
    pub village: String,
    pub head_name: String,
    pub head_id: String,
    pub size: Option<u32>,
    /// `普通农户` (default) or `脱贫户`
    pub household_type: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// A clue: about a registered household (`household`: 户编号 or a member's ID number) or a new
/// one (`new_household`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClueInput {
    pub household: Option<String>,
    pub new_household: Option<NewHouseholdInput>,
    /// 风险类型 (1-5), e.g. `["因病", "因学"]`
    pub risks: Vec<String>,
    /// 发现渠道: `农户自主申报`, `基层干部排查` (default), `部门筛查预警`
    pub channel: Option<String>,
    /// Who reported it (the applicant, the cadre, the department); the caller when absent.
    pub source: Option<String>,
    /// The screening rule (department warnings).
    pub rule: Option<String>,
    pub note: Option<String>,
    /// Today when absent.
    pub found_on: Option<String>,
    /// 拟纳入类别; by default from the household type.
    pub category: Option<String>,
    pub disaster_kind: Option<String>,
    /// Take the green channel when the policy allows it for these risks (township and county).
    pub green_channel: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClueReportJson {
    /// `created` or `merged` (into the household's open clue).
    pub outcome: String,
    pub clue: Option<i64>,
    /// The identification case opened (or the open one merged into).
    pub case: Option<i64>,
    pub household_no: Option<String>,
    /// Due day of the home visit.
    pub due_step: Option<String>,
    pub note: Option<String>,
}

fn clue_request(input: ClueInput, caller_name: &str) -> Result<ClueRequest, WebError> {
    let subject = match (&input.household, input.new_household) {
        (Some(h), _) if !h.trim().is_empty() => match IdNumber::parse(h) {
            Ok(id) => SubjectRef::Person(id),
            Err(_) => SubjectRef::Household(
                HouseholdNo::parse(h).map_err(|e| WebError::BadRequest(e.to_string()))?,
            ),
        },
        (_, Some(n)) => SubjectRef::New(NewHousehold {
            village: AreaCode::parse(&n.village)
                .map_err(|_| WebError::BadRequest(format!("village 无效：{}", n.village)))?,
            head_name: n.head_name.trim().to_string(),
            head_id: IdNumber::parse(&n.head_id)
                .map_err(|e| WebError::BadRequest(format!("head_id：{e}")))?,
            size: n.size.unwrap_or(1),
            household_type: match n.household_type.as_deref() {
                Some(t) => {
                    HouseholdType::parse(t).map_err(|e| WebError::BadRequest(e.to_string()))?
                }
                None => HouseholdType::Ordinary,
            },
            phone: n.phone,
            address: n.address,
        }),
        _ => {
            return Err(WebError::BadRequest(
                "请给出 household（户编号或身份证号）或 new_household".into(),
            ));
        }
    };
    let risks = risks(input.risks.iter().map(String::as_str))?;
    let channel = match input.channel.as_deref() {
        Some(c) => Channel::parse(c).map_err(|e| WebError::BadRequest(e.to_string()))?,
        None => Channel::VisitFinding,
    };
    Ok(ClueRequest {
        subject,
        risks,
        disaster_kind: input.disaster_kind,
        evidence: Evidence {
            channel,
            source: input.source.unwrap_or_else(|| caller_name.to_string()),
            rule: input.rule,
            figures: Vec::new(),
            members: Vec::new(),
            note: input.note,
            found_on: past_day("发现日期", input.found_on.as_deref())?,
        },
        category: input
            .category
            .as_deref()
            .map(|c| MonitorCategory::parse(c).map_err(|e| WebError::BadRequest(e.to_string())))
            .transpose()?,
        green_channel: input.green_channel.unwrap_or(false),
    })
}

fn report_json(r: ClueReport) -> ClueReportJson {
    ClueReportJson {
        outcome: match r.outcome {
            ClueOutcome::Created { .. } => "created",
            ClueOutcome::Merged { .. } => "merged",
            ClueOutcome::Refused { .. } => "refused",
        }
        .into(),
        clue: r.outcome.clue(),
        case: r.outcome.case(),
        household_no: r.household_no.map(|n| n.to_string()),
        due_step: date(r.due.and_then(|d| d.step)),
        note: r.note,
    }
}

#[utoipa::path(post, path = "/api/v1/monitoring/clues", tag = "监测帮扶",
    request_body = ClueInput,
    responses((status = 200, body = ClueReportJson, description = "Recorded: a new clue (and its identification case), or merged into the household's open clue."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_clue(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(input): Json<ClueInput>,
) -> Result<Json<ClueReportJson>, ApiError> {
    let req = clue_request(input, &caller.user.name)?;
    let r = state.app.record_clue(&caller.monitoring(), &req).await?;
    Ok(Json(report_json(r)))
}

/// What the visit before an elimination verified.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EliminationInput {
    /// 户编号
    pub household: String,
    /// `帮扶消除` or `自然消除`
    pub mode: String,
    /// Today when absent.
    pub on: Option<String>,
    pub income_stable_months: Option<u32>,
    pub essential_spending_resolved: Option<bool>,
    /// Of the identified risks, those still present.
    #[serde(default)]
    pub risks_remaining: Vec<String>,
    #[serde(default)]
    pub new_risks: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EliminationJson {
    pub verdict: VerdictJson,
    /// The elimination case opened when every blocker passed.
    pub case: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/monitoring/eliminations", tag = "监测帮扶",
    request_body = EliminationInput,
    responses((status = 200, body = EliminationJson, description = "The verdict, each blocker with its data; the case when all passed."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn propose_elimination(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(input): Json<EliminationInput>,
) -> Result<Json<EliminationJson>, ApiError> {
    let req = EliminationRequest {
        household: household_no(&input.household)?,
        mode: EliminationMode::parse(&input.mode)
            .map_err(|e| WebError::BadRequest(e.to_string()))?,
        on: past_day("申请日期", input.on.as_deref())?,
        income_stable_months: input.income_stable_months,
        essential_spending_resolved: input.essential_spending_resolved,
        risks_remaining: risks(input.risks_remaining.iter().map(String::as_str))?,
        new_risks: risks(input.new_risks.iter().map(String::as_str))?,
    };
    let r = state
        .app
        .propose_elimination(&caller.monitoring(), &req)
        .await?;
    Ok(Json(EliminationJson {
        verdict: verdict_json(&r.verdict),
        case: r.case,
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeasureJson {
    /// The catalogue code, e.g. `microcredit`.
    pub measure: String,
    /// Its name in the catalogue (answers only).
    #[serde(default, skip_deserializing)]
    pub measure_label: Option<String>,
    /// 针对风险, e.g. `因病`
    pub risk: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    /// `计划`, `落实中`, `已落实`, `已取消` (default 计划).
    pub status: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingJson {
    pub code: String,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanJson {
    pub household_no: String,
    pub cadre_name: Option<String>,
    pub cadre_phone: Option<String>,
    pub measures: Vec<MeasureJson>,
    pub updated_by: Option<String>,
    pub updated_at: Option<String>,
    /// What is missing (a monitored household not eliminated).
    pub findings: Vec<FindingJson>,
}

#[utoipa::path(get, path = "/api/v1/monitoring/households/{no}/plan", tag = "监测帮扶",
    params(("no" = String, Path, description = "户编号")),
    responses((status = 200, body = PlanJson), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn plan(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
) -> Result<Json<PlanJson>, ApiError> {
    let no = household_no(&no)?;
    let view = state
        .app
        .plan_view(&caller.monitoring(), &no, today_in_china())
        .await?;
    let d = state.app.household(&caller, &no, false).await?;
    let policy = form_policy(&state, d.stored.household.village).await.ok();
    let p = view.plan.as_ref();
    Ok(Json(PlanJson {
        household_no: no.to_string(),
        cadre_name: p.and_then(|p| p.cadre_name.clone()),
        cadre_phone: p.and_then(|p| p.cadre_phone.clone()),
        measures: p
            .map(|p| {
                p.measures
                    .iter()
                    .map(|m| MeasureJson {
                        measure_label: policy
                            .as_ref()
                            .and_then(|x| x.measure(&m.measure))
                            .map(|x| x.label.clone()),
                        measure: m.measure.clone(),
                        risk: m.risk.label().into(),
                        starts_on: day(Some(m.starts_on)),
                        ends_on: date(m.ends_on),
                        status: Some(m.status.label().into()),
                        note: m.note.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        updated_by: p.map(|p| p.updated_by.clone()),
        updated_at: p.map(|p| zhenxing_app::browse::china_time(&p.updated_at)),
        findings: view
            .findings
            .iter()
            .map(|f| FindingJson {
                code: f.code().into(),
                text: f.to_string(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanInput {
    pub cadre_name: Option<String>,
    pub cadre_phone: Option<String>,
    /// The whole plan: it replaces the stored one.
    pub measures: Vec<MeasureJson>,
}

#[utoipa::path(put, path = "/api/v1/monitoring/households/{no}/plan", tag = "监测帮扶",
    params(("no" = String, Path, description = "户编号")),
    request_body = PlanInput,
    responses((status = 200, body = PlanJson, description = "The plan as stored, with its findings."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "A measure not in the catalogue or not for its risk.")),
    security(("bearer" = [])))]
pub async fn save_plan(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
    Json(input): Json<PlanInput>,
) -> Result<Json<PlanJson>, ApiError> {
    let household = household_no(&no)?;
    let mut measures = Vec::new();
    for (i, m) in input.measures.iter().enumerate() {
        let at = |what: &str| format!("第{}项措施的{what}", i + 1);
        measures.push(PlannedMeasure {
            measure: m.measure.trim().to_string(),
            risk: crate::forms::risk(&m.risk)?,
            starts_on: parse_day(&at("开始日期"), &m.starts_on)?,
            ends_on: optional_day(&at("结束日期"), m.ends_on.as_deref())?,
            status: match m.status.as_deref() {
                Some(s) => measure_status(s)?,
                None => MeasureStatus::Planned,
            },
            note: m.note.clone(),
        });
    }
    let req = PlanRequest {
        household,
        cadre_name: input.cadre_name,
        cadre_phone: input.cadre_phone,
        measures,
        today: today_in_china(),
    };
    state.app.save_plan(&caller.monitoring(), &req).await?;
    plan(State(state), ApiUser(caller), Path(no)).await
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AnswerJson {
    /// The policy's 六必查 code, e.g. `income`.
    pub check: String,
    /// No problem found.
    pub ok: bool,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitJson {
    pub id: i64,
    pub visited_on: String,
    pub visitor: String,
    pub answers: Vec<AnswerJson>,
    /// 元
    pub per_capita_income: Option<String>,
    pub finding: Option<String>,
    /// The 六必访 items that applied.
    pub triggers: Vec<String>,
    /// Addresses of the photos.
    pub photos: Vec<String>,
    pub recorded_by: String,
}

fn visit_json(v: &StoredVisit) -> VisitJson {
    VisitJson {
        id: v.id,
        visited_on: day(Some(v.visited_on)),
        visitor: v.visitor.clone(),
        answers: v
            .answers
            .iter()
            .map(|a| AnswerJson {
                check: a.check.clone(),
                ok: a.ok,
                note: a.note.clone(),
            })
            .collect(),
        per_capita_income: v.per_capita_income.map(|m| m.yuan_string()),
        finding: v.finding.clone(),
        triggers: v.triggers.clone(),
        photos: (1..=v.photos)
            .map(|s| format!("/api/v1/monitoring/visits/{}/photos/{s}", v.id))
            .collect(),
        recorded_by: v.recorded_by.clone(),
    }
}

#[utoipa::path(get, path = "/api/v1/monitoring/households/{no}/visits", tag = "监测帮扶",
    params(("no" = String, Path, description = "户编号")),
    responses((status = 200, body = Vec<VisitJson>, description = "The visit log, newest first."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn visits(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
) -> Result<Json<Vec<VisitJson>>, ApiError> {
    let no = household_no(&no)?;
    let found = state
        .app
        .household_visits(&caller.monitoring(), &no)
        .await?;
    Ok(Json(found.iter().map(visit_json).collect()))
}

/// The `visit` part of the multipart body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VisitInput {
    /// Today when absent.
    pub visited_on: Option<String>,
    /// The caller when absent.
    pub visitor: Option<String>,
    /// One answer for each of the policy's 六必查 items.
    pub answers: Vec<AnswerJson>,
    /// 元, as verified.
    pub per_capita_income: Option<String>,
    pub finding: Option<String>,
}

/// A visit: the `visit` JSON part and up to nine `photos` (JPEG or PNG, 2 MB each).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VisitForm {
    #[schema(value_type = VisitInput)]
    visit: String,
    #[schema(value_type = Option<Vec<String>>, format = Binary)]
    photos: Option<Vec<Vec<u8>>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedJson {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/monitoring/households/{no}/visits", tag = "监测帮扶",
    params(("no" = String, Path, description = "户编号")),
    request_body(content = VisitForm, content_type = "multipart/form-data"),
    responses((status = 200, body = RecordedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "Answers missing, a photo too large or not JPEG/PNG.")),
    security(("bearer" = [])))]
pub async fn record_visit(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
    multipart: Multipart,
) -> Result<Json<RecordedJson>, ApiError> {
    let no = household_no(&no)?;
    let up = Upload::read(multipart).await?;
    let part = up
        .fields
        .get("visit")
        .ok_or_else(|| WebError::BadRequest("缺少 visit 部分（JSON）".into()))?;
    let input: VisitInput = serde_json::from_str(part)
        .map_err(|e| WebError::BadRequest(format!("visit 无法读取：{e}")))?;
    let per_capita_income = input
        .per_capita_income
        .as_deref()
        .map(|s| Money::parse_yuan(s).map_err(|e| WebError::BadRequest(e.to_string())))
        .transpose()?;
    let req = VisitRequest {
        household: no,
        visited_on: past_day("走访日期", input.visited_on.as_deref())?,
        visitor: input.visitor.unwrap_or_else(|| caller.user.name.clone()),
        answers: input
            .answers
            .into_iter()
            .map(|a| CheckAnswer {
                check: a.check,
                ok: a.ok,
                note: a.note,
            })
            .collect(),
        per_capita_income,
        finding: input.finding,
        photos: up.files_named("photos").map(<[u8]>::to_vec).collect(),
    };
    let id = state.app.record_visit(&caller.monitoring(), req).await?;
    Ok(Json(RecordedJson { id }))
}

#[utoipa::path(get, path = "/api/v1/monitoring/visits/{id}/photos/{seq}", tag = "监测帮扶",
    params(("id" = i64, Path, description = "走访编号"), ("seq" = u32, Path, description = "第几张，从1起")),
    responses((status = 200, content_type = "image/jpeg", description = "The photo (JPEG or PNG)."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn visit_photo(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((visit, seq)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(
        crate::pages::monitoring::visits::photo_response(
            &state,
            &caller.monitoring(),
            &visit,
            &seq,
        )
        .await?,
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonJson {
    pub code: String,
    pub label: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueJson {
    pub household_no: String,
    pub village_code: String,
    pub place: String,
    pub head_name: String,
    /// The 六必访 items that apply, with why.
    pub reasons: Vec<ReasonJson>,
    pub last_visit: Option<String>,
    pub due: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueList {
    pub items: Vec<DueJson>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_page: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/monitoring/visits-due", tag = "监测帮扶",
    params(DueQuery),
    responses((status = 200, body = DueList, description = "Households due for a visit under 六必访, in (village, 户编号) order, a page at a time."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn visits_due(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<DueQuery>,
) -> Result<Json<DueList>, ApiError> {
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let after = q
        .after
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(parse_due_cursor)
        .transpose()?;
    let (due, next) = state
        .app
        .due_for_visit(
            &caller.monitoring(),
            Some(area),
            today_in_china(),
            PAGE,
            after,
        )
        .await?;
    let tree = state.app.tree().await;
    Ok(Json(DueList {
        items: due
            .iter()
            .map(|d| DueJson {
                household_no: d.household_no.to_string(),
                village_code: d.village.to_string(),
                place: place(&tree, d.village),
                head_name: d.head_name.clone(),
                reasons: d
                    .hits
                    .iter()
                    .map(|h| ReasonJson {
                        code: h.code.clone(),
                        label: h.label.clone(),
                        detail: h.detail.clone(),
                    })
                    .collect(),
                last_visit: date(d.last_visit),
                due: day(Some(d.due)),
            })
            .collect(),
        next_page: next.as_ref().map(due_cursor_text),
    }))
}

/// The village public notice: no ID number, phone, bank or health data.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeJson {
    pub village: String,
    pub title: String,
    pub headers: Vec<String>,
    /// 序号, 自然村, 户主姓名, 家庭人口, 公示事项, 公示期
    pub rows: Vec<Vec<String>>,
    pub footer: String,
}

#[utoipa::path(get, path = "/api/v1/monitoring/notice/{village}", tag = "监测帮扶",
    params(("village" = String, Path, description = "村的区划代码")),
    responses((status = 200, body = NoticeJson), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn notice(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(village): Path<String>,
) -> Result<Json<NoticeJson>, ApiError> {
    let village = parse_area(&village)?;
    let n = state
        .app
        .public_notice(&caller.monitoring(), village)
        .await?;
    Ok(Json(NoticeJson {
        village: n.village.to_string(),
        title: n.title(),
        headers: zhenxing_domain::monitoring::notice::PublicNotice::HEADERS
            .iter()
            .map(|h| h.to_string())
            .collect(),
        rows: n.cells().into_iter().map(|r| r.to_vec()).collect(),
        footer: n.footer(),
    }))
}

#[utoipa::path(get, path = "/api/v1/monitoring/notice/{village}/xlsx", tag = "监测帮扶",
    params(("village" = String, Path, description = "村的区划代码")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The notice as xlsx."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn notice_xlsx(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(village): Path<String>,
) -> Result<Response, ApiError> {
    let village = parse_area(&village)?;
    Ok(
        crate::pages::monitoring::notice::notice_xlsx(&state, &caller.monitoring(), village)
            .await?,
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleCountJson {
    pub rule: String,
    pub label: String,
    pub households: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VillageCountJson {
    pub code: String,
    pub name: String,
    pub households: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingRowJson {
    pub village_code: String,
    pub village_name: String,
    pub household_no: String,
    pub head_name: String,
    pub rule: String,
    pub label: String,
    pub detail: String,
}

impl From<&RuleCount> for RuleCountJson {
    fn from(t: &RuleCount) -> RuleCountJson {
        RuleCountJson {
            rule: t.rule.into(),
            label: t.label.into(),
            households: t.households,
        }
    }
}

impl From<&(AreaCode, String, u64)> for VillageCountJson {
    fn from((code, name, households): &(AreaCode, String, u64)) -> VillageCountJson {
        VillageCountJson {
            code: code.to_string(),
            name: name.clone(),
            households: *households,
        }
    }
}

impl From<&FindingRow> for FindingRowJson {
    fn from(f: &FindingRow) -> FindingRowJson {
        FindingRowJson {
            village_code: f.village.to_string(),
            village_name: f.village_name.clone(),
            household_no: f.household_no.to_string(),
            head_name: f.head_name.clone(),
            rule: f.rule.into(),
            label: f.label.into(),
            detail: f.detail.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChecksJson {
    pub area: String,
    pub area_name: String,
    pub as_of: String,
    pub monitored_households: u64,
    pub totals: Vec<RuleCountJson>,
    pub by_village: Vec<VillageCountJson>,
    pub findings: Vec<FindingRowJson>,
    /// Households left unchecked for want of a policy of the year they would be judged by.
    pub unchecked: Vec<UncheckedJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UncheckedJson {
    pub year: i32,
    pub households: u64,
}

#[utoipa::path(get, path = "/api/v1/monitoring/checks", tag = "监测帮扶",
    params(AreaQuery),
    responses((status = 200, body = ChecksJson, description = "The national data checks and plan findings of every monitored household of the area."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn checks(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<AreaQuery>,
) -> Result<Json<ChecksJson>, ApiError> {
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let r = state
        .app
        .data_check_report(&caller.monitoring(), Some(area), today_in_china())
        .await?;
    Ok(Json(ChecksJson {
        area: r.area.to_string(),
        area_name: r.area_name,
        as_of: day(Some(r.as_of)),
        monitored_households: r.monitored_households,
        totals: r.totals.iter().map(RuleCountJson::from).collect(),
        by_village: r.by_village.iter().map(VillageCountJson::from).collect(),
        findings: r.findings.iter().map(FindingRowJson::from).collect(),
        unchecked: r
            .unchecked
            .iter()
            .map(|(year, households)| UncheckedJson {
                year: *year,
                households: *households,
            })
            .collect(),
    }))
}

/// A disaster list: the `list` file (xlsx, xls or CSV: 户编号 or 证件号码 per row) and the batch's
/// fields.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DisasterForm {
    #[schema(value_type = String, format = Binary)]
    list: Vec<u8>,
    /// 灾害种类, e.g. 洪涝
    kind: String,
    /// 受灾日期 (today when absent)
    date: Option<String>,
    /// 报送部门
    source: Option<String>,
    /// `1`: take the green channel.
    green_channel: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DisasterJson {
    pub rows: u64,
    pub opened: u64,
    pub merged: u64,
    pub recorded: u64,
    pub errors: Vec<RowErrorJson>,
}

#[utoipa::path(post, path = "/api/v1/monitoring/disaster", tag = "监测帮扶",
    request_body(content = DisasterForm, content_type = "multipart/form-data"),
    responses((status = 200, body = DisasterJson, description = "Each row a clue (and case); refused rows with their reason."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disaster(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<DisasterJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let dir = tempfile::tempdir().map_err(internal)?;
    let (path, batch) = crate::pages::monitoring::disaster::batch_of(&up, dir.path()).await?;
    let r = state
        .app
        .include_disaster_list(&caller.monitoring(), &path, &batch)
        .await?;
    Ok(Json(DisasterJson {
        rows: r.rows,
        opened: r.opened,
        merged: r.merged,
        recorded: r.recorded,
        errors: r.errors.iter().map(RowErrorJson::of).collect(),
    }))
}

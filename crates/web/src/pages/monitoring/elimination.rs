//! The elimination proposal (风险消除): what the visit verified, judged against the policy's
//! blockers (七不消). The answer lists every blocker with pass or fail and the data behind it;
//! when all pass, the elimination case is opened.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenxing_app::monitoring::access::{Act, may};
use zhenxing_app::monitoring::cases::{EliminationReport, EliminationRequest};
use zhenxing_domain::{EliminationMode, HouseholdNo, RiskType, today_in_china};

use super::case::VerdictView;
use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::household_no;
use crate::forms::{Fields, past_day, risks};
use crate::pages::households::Choice;
use crate::state::AppState;
use crate::views::{UserCtx, day, render_with};

#[derive(Template)]
#[template(path = "monitoring/elimination.html")]
struct EliminationPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    no: String,
    head: String,
    facts: String,
    monitored: bool,
    may_propose: bool,
    own_risks: Vec<Choice>,
    all_risks: Vec<Choice>,
    modes: Vec<Choice>,
    f: Fields,
    today: String,
    error: Option<String>,
    verdict: Option<String>,
    case_id: Option<i64>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    no: &HouseholdNo,
    status: StatusCode,
    f: Fields,
    error: Option<String>,
    report: Option<EliminationReport>,
) -> Result<Response, PageError> {
    let caller = user.caller.monitoring();
    let d = state.app.household(&user.caller, no, false).await?;
    let h = &d.stored.household;
    let m = &h.monitoring;
    let chosen = |name: &str, code: i64| f.all(name).contains(&code.to_string().as_str());
    let facts = match m.category {
        Some(c) => format!(
            "{}，风险类型：{}，识别监测时间：{}，人均纯收入：{}元{}",
            c.label(),
            m.risks,
            m.identified_on.map(|d| d.to_string()).unwrap_or_default(),
            h.per_capita_income()
                .map(|x| x.to_string())
                .unwrap_or_else(|| "未填报".into()),
            if m.eliminated {
                "，风险已消除"
            } else {
                ""
            }
        ),
        None => "非监测对象".into(),
    };
    Ok(render_with(
        status,
        &EliminationPage {
            title: format!("风险消除 · {}户", h.head_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            no: h.no.to_string(),
            head: h.head_name.clone(),
            facts,
            monitored: m.category.is_some() && !m.eliminated,
            may_propose: may(&caller, Act::ProposeElimination),
            own_risks: m
                .risks
                .iter()
                .map(|r| Choice {
                    value: r.code().to_string(),
                    label: r.label().to_string(),
                    selected: chosen("risks_remaining", r.code()),
                })
                .collect(),
            all_risks: RiskType::ALL
                .iter()
                .map(|r| Choice {
                    value: r.code().to_string(),
                    label: r.label().to_string(),
                    selected: chosen("new_risks", r.code()),
                })
                .collect(),
            modes: EliminationMode::ALL
                .iter()
                .map(|x| Choice {
                    value: x.code().to_string(),
                    label: x.label().to_string(),
                    selected: f.get("mode") == Some(x.code().to_string().as_str()),
                })
                .collect(),
            today: f
                .get("on")
                .map(str::to_string)
                .unwrap_or_else(|| day(Some(today_in_china()))),
            f,
            error,
            case_id: report.as_ref().and_then(|r| r.case),
            verdict: report.map(|r| VerdictView::html(&r.verdict)),
        },
    ))
}

/// `/households/{no}/elimination`
pub async fn form(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    page(
        &state,
        &user,
        &no,
        StatusCode::OK,
        Fields::default(),
        None,
        None,
    )
    .await
}

/// The proposal the form describes.
pub fn elimination_request(no: HouseholdNo, f: &Fields) -> Result<EliminationRequest, WebError> {
    let mode = match f.get("mode") {
        Some(m) => m
            .parse::<i64>()
            .ok()
            .and_then(EliminationMode::from_code)
            .or_else(|| EliminationMode::parse(m).ok())
            .ok_or_else(|| WebError::BadRequest(format!("消除方式无效：{m}")))?,
        None => return Err(WebError::BadRequest("请选择消除方式".into())),
    };
    let months = f
        .get("income_stable_months")
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| WebError::BadRequest(format!("收入稳定月数应为整数：{s}")))
        })
        .transpose()?;
    let resolved = match f.get("essential_spending_resolved") {
        Some("yes") | Some("1") | Some("true") => Some(true),
        Some("no") | Some("0") | Some("false") => Some(false),
        _ => None,
    };
    Ok(EliminationRequest {
        household: no,
        mode,
        on: past_day("申请日期", f.get("on"))?,
        income_stable_months: months,
        essential_spending_resolved: resolved,
        risks_remaining: risks(f.all("risks_remaining"))?,
        new_risks: risks(f.all("new_risks"))?,
    })
}

/// POST `/households/{no}/elimination`: the verdict; the case when it passed.
pub async fn propose(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let f = Fields::parse(&body)?;
    let caller = user.caller.monitoring();
    let result = match elimination_request(no.clone(), &f) {
        Ok(req) => state
            .app
            .propose_elimination(&caller, &req)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => page(&state, &user, &no, StatusCode::OK, f, None, Some(report)).await,
        Err(e) if e.status() == StatusCode::NOT_FOUND => Err(PageError(e)),
        Err(e) => page(&state, &user, &no, e.status(), f, Some(e.message()), None).await,
    }
}

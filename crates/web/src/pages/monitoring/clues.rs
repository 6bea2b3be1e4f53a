//! Clues for cadres: the open clues of the area, and the entry form (a registered household by
//! 户编号 or a member's ID number, or a household not yet registered), which opens the
//! identification case, merges into an open clue, or is kept for a monitored household's plan.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use zhenxing_app::monitoring::clues::{ClueReport, ClueRequest, SubjectRef};
use zhenxing_app::store::monitoring::{ClueOutcome, StoredClue};
use zhenxing_domain::monitoring::{Channel, Evidence, NewHousehold};
use zhenxing_domain::{
    AreaCode, AreaLevel, DivisionTree, HouseholdNo, HouseholdType, IdNumber, MonitorCategory,
    RiskType, today_in_china,
};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::{Fields, past_day, risks};
use crate::pages::households::Choice;
use crate::state::AppState;
use crate::views::{UserCtx, day, place, render_with};

pub struct ClueRow {
    pub id: i64,
    pub no: String,
    pub place: String,
    pub risks: String,
    pub found_on: String,
    pub status: &'static str,
    pub case_id: Option<i64>,
    pub sources: String,
}

pub fn clue_row(tree: &DivisionTree, c: &StoredClue) -> ClueRow {
    ClueRow {
        id: c.id,
        no: c
            .household_no
            .as_ref()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        place: place(tree, c.village),
        risks: c.risks.to_string(),
        found_on: day(Some(c.found_on)),
        status: c.status.label(),
        case_id: c.case_id,
        sources: c
            .evidence
            .iter()
            .map(|e| format!("{}：{}", e.channel.label(), e.source))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

#[derive(Template)]
#[template(path = "monitoring/clues.html")]
struct CluesPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    rows: Vec<ClueRow>,
    may_record: bool,
    villages: Vec<Choice>,
    channels: Vec<Choice>,
    categories: Vec<Choice>,
    risks: Vec<Choice>,
    today: String,
    error: Option<String>,
    result: Option<String>,
    case_id: Option<i64>,
}

/// Villages offered in a list, at most (a county's); a larger area types the code.
const VILLAGE_CHOICES: usize = 1000;

fn villages(tree: &DivisionTree, area: AreaCode) -> Vec<Choice> {
    let all: Vec<_> = tree
        .subtree(area)
        .into_iter()
        .filter(|d| d.level == AreaLevel::Village)
        .collect();
    if all.len() > VILLAGE_CHOICES {
        return Vec::new();
    }
    all.into_iter()
        .map(|d| Choice {
            value: d.code.to_string(),
            label: place(tree, d.code),
            selected: d.code == area,
        })
        .collect()
}

fn labelled<T: Copy>(all: &[T], code: fn(T) -> i64, label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter()
        .map(|t| Choice {
            value: code(*t).to_string(),
            label: label(*t).to_string(),
            selected: false,
        })
        .collect()
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    error: Option<String>,
    done: Option<&ClueReport>,
) -> Result<Response, PageError> {
    use zhenxing_app::monitoring::access::{Act, may};
    let caller = user.caller.monitoring();
    let tree = state.app.tree().await;
    let rows = state
        .app
        .open_clues(&caller, None, 200)
        .await?
        .iter()
        .map(|c| clue_row(&tree, c))
        .collect();
    let result = done.map(report_text);
    Ok(render_with(
        status,
        &CluesPage {
            title: "风险线索".into(),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            rows,
            may_record: may(&caller, Act::RecordClue),
            villages: villages(&tree, user.caller.user.area),
            channels: labelled(Channel::ALL, Channel::code, Channel::label),
            categories: labelled(
                MonitorCategory::ALL,
                MonitorCategory::code,
                MonitorCategory::label,
            ),
            risks: labelled(RiskType::ALL, RiskType::code, RiskType::label),
            today: day(Some(today_in_china())),
            error,
            case_id: done.and_then(|r| r.outcome.case()),
            result,
        },
    ))
}

fn report_text(r: &ClueReport) -> String {
    let mut s = match &r.outcome {
        ClueOutcome::Created {
            clue,
            case: Some(c),
        } => {
            format!("已登记线索第{clue}号，并立案第{c}号识别案件")
        }
        ClueOutcome::Created { clue, case: None } => format!("已登记线索第{clue}号"),
        ClueOutcome::Merged { clue, .. } => format!("已并入未办结的线索第{clue}号"),
        ClueOutcome::Refused { reason } => format!("未登记：{reason}"),
    };
    if let Some(no) = &r.household_no {
        s.push_str(&format!("（户编号{no}）"));
    }
    if let Some(d) = r.due.and_then(|d| d.step) {
        s.push_str(&format!("，入户核实请于{}前完成", day(Some(d))));
    }
    if let Some(n) = &r.note {
        s.push_str(&format!("。{n}"));
    }
    s
}

/// `/monitoring/clues`
pub async fn list(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    page(&state, &user, StatusCode::OK, None, None).await
}

fn code_of<T>(
    s: Option<&str>,
    from: fn(i64) -> Option<T>,
    what: &str,
) -> Result<Option<T>, WebError> {
    match s {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .and_then(from)
            .map(Some)
            .ok_or_else(|| WebError::BadRequest(format!("{what}无效：{v}"))),
    }
}

/// Whom the form names: `household` (户编号 or a member's ID number), or a new household.
fn subject(f: &Fields) -> Result<SubjectRef, WebError> {
    if let Some(h) = f.get("household") {
        return Ok(match IdNumber::parse(h) {
            Ok(id) => SubjectRef::Person(id),
            Err(_) => SubjectRef::Household(
                HouseholdNo::parse(h).map_err(|e| WebError::BadRequest(e.to_string()))?,
            ),
        });
    }
    let name = f.get("head_name").ok_or_else(|| {
        WebError::BadRequest("请填写户编号或身份证号，新户请填写户主姓名和身份证号".into())
    })?;
    let id = IdNumber::parse(f.get("head_id").unwrap_or(""))
        .map_err(|e| WebError::BadRequest(format!("户主身份证号：{e}")))?;
    let village = AreaCode::parse(f.get("village").unwrap_or(""))
        .map_err(|_| WebError::BadRequest("请选择所在村".into()))?;
    let size = match f.get("size") {
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=30).contains(n))
            .ok_or_else(|| WebError::BadRequest(format!("家庭人口应为1到30：{s}")))?,
        None => 1,
    };
    Ok(SubjectRef::New(NewHousehold {
        village,
        head_name: name.to_string(),
        head_id: id,
        size,
        household_type: if f.get("household_type") == Some("2") {
            HouseholdType::ExPoor
        } else {
            HouseholdType::Ordinary
        },
        phone: f.get("phone").map(str::to_string),
        address: f.get("address").map(str::to_string),
    }))
}

/// The clue the form describes.
pub fn clue_request(f: &Fields, user_name: &str) -> Result<ClueRequest, WebError> {
    let channel =
        code_of(f.get("channel"), Channel::from_code, "发现渠道")?.unwrap_or(Channel::VisitFinding);
    let risks = risks(f.all("risks"))?;
    if risks.is_empty() {
        return Err(WebError::BadRequest("请至少选择一项风险类型".into()));
    }
    Ok(ClueRequest {
        subject: subject(f)?,
        risks,
        disaster_kind: f.get("disaster_kind").map(str::to_string),
        evidence: Evidence {
            channel,
            source: f.get("source").unwrap_or(user_name).to_string(),
            rule: None,
            figures: Vec::new(),
            members: Vec::new(),
            note: f.get("note").map(str::to_string),
            found_on: past_day("发现日期", f.get("found_on"))?,
        },
        category: code_of(
            f.get("category"),
            MonitorCategory::from_code,
            "监测对象类别",
        )?,
        green_channel: f.checked("green_channel"),
    })
}

/// POST `/monitoring/clues`
pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body)?;
    let caller = user.caller.monitoring();
    let result = match clue_request(&f, &user.caller.user.name) {
        Ok(req) => state
            .app
            .record_clue(&caller, &req)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => page(&state, &user, StatusCode::OK, None, Some(&report)).await,
        Err(e) => page(&state, &user, e.status(), Some(e.message()), None).await,
    }
}

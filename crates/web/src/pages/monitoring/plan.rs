//! 一户一策: a household's plan (the responsible cadre, the measures picked from the policy's
//! catalogue, each aimed at one risk, with dates and status) and what is missing from it.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenxing_app::monitoring::access::{Act, may};
use zhenxing_app::monitoring::plans::PlanRequest;
use zhenxing_domain::monitoring::{MeasureStatus, PlannedMeasure};
use zhenxing_domain::policy::Policy;
use zhenxing_domain::{HouseholdNo, RiskType, today_in_china};

use super::form_policy;
use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::household_no;
use crate::forms::{Fields, plan_measures};
use crate::state::AppState;
use crate::views::{UserCtx, day, render_with};

pub struct Opt {
    pub value: String,
    pub label: String,
}

pub struct Group {
    pub label: String,
    pub options: Vec<Opt>,
}

/// One row of the plan form, as text (a stored measure, a submitted row, or a blank).
pub struct MeasureRow {
    pub n: usize,
    pub measure: String,
    pub risk: String,
    pub starts: String,
    pub ends: String,
    pub status: String,
    pub note: String,
}

/// A stored measure as the list shows it.
pub struct MeasureLine {
    pub measure: String,
    pub kind: &'static str,
    pub risk: &'static str,
    pub starts: String,
    pub ends: String,
    pub status: &'static str,
    pub note: String,
}

#[derive(Template)]
#[template(path = "monitoring/plan.html")]
struct PlanPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    no: String,
    head: String,
    facts: String,
    cadre_name: String,
    cadre_phone: String,
    updated: String,
    lines: Vec<MeasureLine>,
    findings: Vec<String>,
    may_edit: bool,
    groups: Vec<Group>,
    risks: Vec<Opt>,
    statuses: Vec<Opt>,
    rows: Vec<MeasureRow>,
    error: Option<String>,
    saved: bool,
}

/// Blank rows offered after the plan's own.
const BLANK_ROWS: usize = 3;

fn catalogue(policy: &Policy) -> Vec<Group> {
    policy
        .measure_categories
        .iter()
        .map(|c| Group {
            label: format!("{}（{}）", c.label, c.kind.label()),
            options: policy
                .measures
                .iter()
                .filter(|m| m.category == c.code)
                .map(|m| Opt {
                    value: m.code.clone(),
                    label: m.label.clone(),
                })
                .collect(),
        })
        .collect()
}

fn measure_label(policy: Option<&Policy>, code: &str) -> (String, &'static str) {
    match policy.and_then(|p| p.measure(code).map(|m| (m, p.measure_kind(code)))) {
        Some((m, kind)) => (m.label.clone(), kind.map(|k| k.label()).unwrap_or("")),
        None => (code.to_string(), ""),
    }
}

fn rows_of(measures: &[PlannedMeasure]) -> Vec<MeasureRow> {
    measures
        .iter()
        .enumerate()
        .map(|(i, m)| MeasureRow {
            n: i + 1,
            measure: m.measure.clone(),
            risk: m.risk.code().to_string(),
            starts: day(Some(m.starts_on)),
            ends: day(m.ends_on),
            status: m.status.code().to_string(),
            note: m.note.clone().unwrap_or_default(),
        })
        .collect()
}

/// The rows as submitted (kept when the plan is refused, so nothing typed is lost).
fn rows_of_form(f: &Fields) -> Vec<MeasureRow> {
    let mut ns: Vec<usize> =
        f.0.iter()
            .filter_map(|(k, _)| k.strip_prefix("measure_")?.parse().ok())
            .collect();
    ns.sort_unstable();
    ns.dedup();
    ns.into_iter()
        .filter(|n| f.get(&format!("measure_{n}")).is_some())
        .enumerate()
        .map(|(i, n)| MeasureRow {
            n: i + 1,
            measure: f.text(&format!("measure_{n}")),
            risk: f.text(&format!("risk_{n}")),
            starts: f.text(&format!("starts_{n}")),
            ends: f.text(&format!("ends_{n}")),
            status: f.text(&format!("status_{n}")),
            note: f.text(&format!("note_{n}")),
        })
        .collect()
}

async fn page(
    state: &AppState,
    user: &PageUser,
    no: &HouseholdNo,
    status: StatusCode,
    submitted: Option<(&Fields, String)>,
    saved: bool,
) -> Result<Response, PageError> {
    let caller = user.caller.monitoring();
    let today = today_in_china();
    let d = state.app.household(&user.caller, no, false).await?;
    let view = state.app.plan_view(&caller, no, today).await?;
    let h = &d.stored.household;
    let policy = form_policy(state, h.village).await.ok();
    let m = &h.monitoring;
    let facts = match m.category {
        Some(c) => format!(
            "{}，风险类型：{}，识别监测时间：{}{}",
            c.label(),
            m.risks,
            m.identified_on.map(|d| d.to_string()).unwrap_or_default(),
            if m.eliminated {
                "，风险已消除"
            } else {
                ""
            }
        ),
        None => "非监测对象".into(),
    };
    let measures = view
        .plan
        .as_ref()
        .map(|p| p.measures.clone())
        .unwrap_or_default();
    let lines = measures
        .iter()
        .map(|x| {
            let (measure, kind) = measure_label(policy.as_ref(), &x.measure);
            MeasureLine {
                measure,
                kind,
                risk: x.risk.label(),
                starts: day(Some(x.starts_on)),
                ends: day(x.ends_on),
                status: x.status.label(),
                note: x.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    let (mut rows, error, cadre_name, cadre_phone) = match submitted {
        Some((f, e)) => (
            rows_of_form(f),
            Some(e),
            f.text("cadre_name"),
            f.text("cadre_phone"),
        ),
        None => (
            rows_of(&measures),
            None,
            view.plan
                .as_ref()
                .and_then(|p| p.cadre_name.clone())
                .unwrap_or_default(),
            view.plan
                .as_ref()
                .and_then(|p| p.cadre_phone.clone())
                .unwrap_or_default(),
        ),
    };
    let start = rows.len();
    for i in 0..BLANK_ROWS {
        rows.push(MeasureRow {
            n: start + i + 1,
            measure: String::new(),
            risk: m
                .risks
                .iter()
                .next()
                .map(|r| r.code().to_string())
                .unwrap_or_default(),
            starts: day(Some(today)),
            ends: String::new(),
            status: MeasureStatus::Planned.code().to_string(),
            note: String::new(),
        });
    }
    // The household's own risks first.
    let mut risk_order: Vec<RiskType> = m.risks.iter().collect();
    risk_order.extend(RiskType::ALL.iter().filter(|r| !m.risks.contains(**r)));
    Ok(render_with(
        status,
        &PlanPage {
            title: format!("帮扶计划 · {}户", h.head_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            no: h.no.to_string(),
            head: h.head_name.clone(),
            facts,
            cadre_name,
            cadre_phone,
            updated: view
                .plan
                .as_ref()
                .map(|p| {
                    format!(
                        "{}，{}",
                        zhenxing_app::browse::china_time(&p.updated_at),
                        p.updated_by
                    )
                })
                .unwrap_or_default(),
            lines,
            findings: view.findings.iter().map(|f| f.to_string()).collect(),
            may_edit: may(&caller, Act::EditPlan),
            groups: policy.as_ref().map(catalogue).unwrap_or_default(),
            risks: risk_order
                .into_iter()
                .map(|r| Opt {
                    value: r.code().to_string(),
                    label: r.label().to_string(),
                })
                .collect(),
            statuses: MeasureStatus::ALL
                .iter()
                .map(|s| Opt {
                    value: s.code().to_string(),
                    label: s.label().to_string(),
                })
                .collect(),
            rows,
            error,
            saved,
        },
    ))
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/households/{no}/plan`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    page(&state, &user, &no, StatusCode::OK, None, q.saved.is_some()).await
}

/// The plan the form (or the API) describes.
pub fn plan_request(no: HouseholdNo, f: &Fields) -> Result<PlanRequest, WebError> {
    Ok(PlanRequest {
        household: no,
        cadre_name: f.get("cadre_name").map(str::to_string),
        cadre_phone: f.get("cadre_phone").map(str::to_string),
        measures: plan_measures(f)?,
        today: today_in_china(),
    })
}

/// POST `/households/{no}/plan`: replaces the plan.
pub async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let f = Fields::parse(&body)?;
    let caller = user.caller.monitoring();
    let result = match plan_request(no.clone(), &f) {
        Ok(req) => state
            .app
            .save_plan(&caller, &req)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{no}/plan?saved=1")).into_response()),
        Err(e) if e.status() == StatusCode::NOT_FOUND => Err(PageError(e)),
        Err(e) => {
            page(
                &state,
                &user,
                &no,
                e.status(),
                Some((&f, e.message())),
                false,
            )
            .await
        }
    }
}

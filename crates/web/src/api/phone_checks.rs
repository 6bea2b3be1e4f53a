//! 电话抽查 over the API: a month's phone checks of the work teams of an area, a draw, and what
//! a call found (the cadres' ID numbers and phones masked).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhenxing_domain::work_team::{CallResult, CheckFigures};

use super::attendance::AttendanceParams;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody, WebError};
use crate::pages::areas::area_or_own;
use crate::pages::attendance::AttendanceQuery;
use crate::pages::phone_checks::check_key;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckFiguresJson {
    pub drawn: u64,
    pub in_post: u64,
    pub absent: u64,
    pub no_answer: u64,
    /// Drawn and not yet called.
    pub pending: u64,
    /// 在岗率 = in post ÷ (in post + absent), e.g. "90.00%" ("-" when none reached).
    pub in_post_rate: String,
}

impl From<&CheckFigures> for CheckFiguresJson {
    fn from(f: &CheckFigures) -> Self {
        CheckFiguresJson {
            drawn: f.drawn,
            in_post: f.in_post,
            absent: f.absent,
            no_answer: f.no_answer,
            pending: f.pending(),
            in_post_rate: f.in_post_rate(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneCheckJson {
    pub county_code: String,
    pub no: i64,
    pub name: String,
    /// The cadre's ID number, masked.
    pub id_number: String,
    /// The phone, masked.
    pub phone: Option<String>,
    pub village_code: String,
    pub village_name: String,
    pub post: String,
    pub unit: String,
    pub drawn_on: String,
    pub drawn_by: String,
    /// 在岗, 不在岗 or 未接通; absent until called.
    pub result: Option<String>,
    pub called_at: Option<String>,
    pub called_by: Option<String>,
    pub note: Option<String>,
    /// The cadre's own word on the day drawn (在岗, 请假, 公出), through the roster's 系统账号.
    pub checked_in: Option<String>,
    /// Found 不在岗 on a day the cadre's own word said 在岗.
    pub contradicts: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneCheckAreaJson {
    pub code: String,
    pub name: String,
    pub figures: CheckFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneChecksJson {
    pub area: String,
    pub area_name: String,
    pub month: String,
    pub summary: String,
    pub figures: CheckFiguresJson,
    pub by_area: Vec<PhoneCheckAreaJson>,
    pub checks: Vec<PhoneCheckJson>,
    /// Calls that found a cadre away on a day their own word said 在岗.
    pub contradicted: usize,
    /// Cadres in post today not yet drawn today.
    pub drawable: u64,
}

#[utoipa::path(get, path = "/api/v1/work-teams/phone-checks", tag = "驻村工作队",
    params(AttendanceParams),
    responses((status = 200, body = PhoneChecksJson, description = "The month's phone checks of the work teams of the area: each cadre drawn and what the call found, the 在岗率 per area under it."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn phone_checks(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<AttendanceParams>,
) -> Result<Json<PhoneChecksJson>, ApiError> {
    let q = AttendanceQuery {
        area: q.area,
        month: q.month,
    };
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let r = state
        .app
        .phone_check_report_as(&caller, area, q.month()?)
        .await?;
    Ok(Json(PhoneChecksJson {
        area: r.area.to_string(),
        area_name: r.area_name.clone(),
        month: r.from.format("%Y-%m").to_string(),
        summary: r.summary(),
        figures: (&r.figures).into(),
        by_area: r
            .by_area
            .iter()
            .map(|(code, name, f)| PhoneCheckAreaJson {
                code: code.to_string(),
                name: name.clone(),
                figures: f.into(),
            })
            .collect(),
        checks: r
            .checks
            .iter()
            .map(|c| PhoneCheckJson {
                county_code: c.county.to_string(),
                no: c.no,
                name: c.name.clone(),
                id_number: c.id_masked.clone(),
                phone: c.phone_masked.clone(),
                village_code: c.village.to_string(),
                village_name: c.village_name.clone(),
                post: c.post.label().to_string(),
                unit: c.unit.clone(),
                drawn_on: c.drawn_on.to_string(),
                drawn_by: c.drawn_by.clone(),
                result: c.result.map(|x| x.label().to_string()),
                called_at: c.called_at.clone(),
                called_by: c.called_by.clone(),
                note: c.note.clone(),
                checked_in: c.checked_in.map(|k| k.label().to_string()),
                contradicts: c.contradicts(),
            })
            .collect(),
        drawable: r.drawable,
        contradicted: r.contradicted(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DrawJson {
    /// The area to draw from; the caller's own when absent.
    #[serde(default)]
    pub area: Option<String>,
    /// How many cadres (1 to 200).
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DrawnJson {
    pub drawn: u64,
}

#[utoipa::path(post, path = "/api/v1/work-teams/phone-checks/draw", tag = "驻村工作队",
    request_body = DrawJson,
    responses((status = 200, body = DrawnJson, description = "Cadres in post today drawn at random for a phone check (those drawn today already left out)."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn draw(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(d): Json<DrawJson>,
) -> Result<Json<DrawnJson>, ApiError> {
    let area = area_or_own(d.area.as_deref(), caller.user.area)?;
    let drawn = state
        .app
        .draw_phone_checks_as(&caller, area, d.count)
        .await?;
    Ok(Json(DrawnJson { drawn }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CallJson {
    /// 在岗, 不在岗 or 未接通.
    pub result: String,
    /// What was found (at most 200 characters).
    #[serde(default)]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/work-teams/phone-checks/{county}/{no}", tag = "驻村工作队",
    params(("county" = String, Path, description = "The check's county (12 digits)"),
        ("no" = i64, Path, description = "The check's number in its county")),
    request_body = CallJson,
    responses((status = 204, description = "What the call found, kept (a later call's word replaces it)."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((county, no)): Path<(String, String)>,
    Json(c): Json<CallJson>,
) -> Result<axum::http::StatusCode, ApiError> {
    let (county, no) = check_key(&county, &no)?;
    let result = CallResult::parse(&c.result)
        .map_err(|_| WebError::BadRequest(format!("抽查结果“{}”无效", c.result.trim())))?;
    state
        .app
        .record_phone_check_as(&caller, county, no, result, c.note.as_deref())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

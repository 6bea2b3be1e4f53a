//! 驻村考勤 over the API: today's word, and a month's attendance of an area.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::pages::areas::area_or_own;
use crate::pages::attendance::{AttendanceQuery, kind_of};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttendanceParams {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The month, e.g. 2026-12 (this month when absent).
    pub month: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceRowJson {
    pub name: String,
    pub role: String,
    pub area_code: String,
    pub working_days: u32,
    pub present: u32,
    pub away: u32,
    pub leave: u32,
    pub absent: u32,
    /// (present + away) / working days, e.g. "95.0%".
    pub rate: String,
    /// Today's word: 在岗, 请假, 公出 (null: none, or not this month).
    pub today: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceJson {
    pub area: String,
    pub month: String,
    /// The last day counted.
    pub until: String,
    pub rows: Vec<AttendanceRowJson>,
}

#[utoipa::path(get, path = "/api/v1/attendance", tag = "驻村考勤",
    params(AttendanceParams),
    responses((status = 200, body = AttendanceJson, description = "The month's attendance of those of the area who check in (the work team, village cadres), on the province's calendar."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn attendance(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<AttendanceParams>,
) -> Result<Json<AttendanceJson>, ApiError> {
    let q = AttendanceQuery {
        area: q.area,
        month: q.month,
    };
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let a = state.app.attendance(&caller, area, q.month()?).await?;
    Ok(Json(AttendanceJson {
        area: a.area.to_string(),
        month: a.month.format("%Y-%m").to_string(),
        until: a.until.to_string(),
        rows: a
            .rows
            .iter()
            .map(|r| AttendanceRowJson {
                name: r.name.clone(),
                role: r.role.label().to_string(),
                area_code: r.area.to_string(),
                working_days: r.month.working_days,
                present: r.month.present,
                away: r.month.away,
                leave: r.month.leave,
                absent: r.month.absent,
                rate: r.month.rate(),
                today: r.today.map(|k| k.label().to_string()),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckinJson {
    /// present (在岗), away (公出), leave (请假).
    pub kind: String,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/checkins", tag = "驻村考勤",
    request_body = CheckinJson,
    responses((status = 204, description = "Today's word kept (a later one the same day replaces it)."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn check_in(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(c): Json<CheckinJson>,
) -> Result<axum::http::StatusCode, ApiError> {
    let kind = kind_of(&c.kind)?;
    state.app.check_in(&caller, kind, c.note.as_deref()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

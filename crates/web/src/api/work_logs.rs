//! 工作纪实 over the API: today's work log, and a month's logs of an area.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::attendance::AttendanceParams;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody, WebError};
use crate::pages::areas::area_or_own;
use crate::pages::attendance::AttendanceQuery;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkLogJson {
    pub day: String,
    pub name: String,
    /// The writer's role (null: an account since removed).
    pub role: Option<String>,
    pub area_name: String,
    pub body: String,
    /// The households visited, by number.
    pub households: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkLogsJson {
    pub area: String,
    pub month: String,
    /// Newest first.
    pub logs: Vec<WorkLogJson>,
}

#[utoipa::path(get, path = "/api/v1/work-logs", tag = "驻村考勤",
    params(AttendanceParams),
    responses((status = 200, body = WorkLogsJson, description = "The month's work logs of those of the area who write them (the work team, village cadres), newest first."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn work_logs(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<AttendanceParams>,
) -> Result<Json<WorkLogsJson>, ApiError> {
    let q = AttendanceQuery {
        area: q.area,
        month: q.month,
    };
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let w = state.app.work_logs(&caller, area, q.month()?).await?;
    Ok(Json(WorkLogsJson {
        area: w.area.to_string(),
        month: w.month.format("%Y-%m").to_string(),
        logs: w
            .rows
            .iter()
            .map(|r| WorkLogJson {
                day: r.day.to_string(),
                name: r.name.clone(),
                role: r.role.map(|r| r.label().to_string()),
                area_name: r.area_name.clone(),
                body: r.body.clone(),
                households: r.households.clone(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWorkLogJson {
    /// The day written for, e.g. `2026-12-05`: today when absent; a day before only within the
    /// province's `work_teams.log_days_back` (补写).
    #[serde(default)]
    pub day: Option<String>,
    /// What was done that day (at most 2000 characters).
    pub body: String,
    /// The households visited, by number (each registered within the caller's area).
    #[serde(default)]
    pub households: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/work-logs", tag = "驻村考勤",
    request_body = NewWorkLogJson,
    responses((status = 204, description = "The day's work log kept (a later one of the same day replaces it)."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn write(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(l): Json<NewWorkLogJson>,
) -> Result<axum::http::StatusCode, ApiError> {
    let day = match l.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ApiError(WebError::BadRequest(format!(
                    "日期“{d}”无效，应为如 2026-12-05 的日期"
                )))
            })?,
        ),
    };
    state
        .app
        .write_work_log(&caller, day, &l.body, &l.households.join(","))
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

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
    /// Its photos, each's address (`/api/v1/work-logs/{user}/{day}/photos/{n}`).
    pub photos: Vec<String>,
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
                photos: r
                    .photo_numbers()
                    .into_iter()
                    .map(|n| format!("/api/v1/work-logs/{}/{}/photos/{n}", r.user_id, r.day))
                    .collect(),
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
    /// Photos, each a JPEG or PNG file's bytes in base64 (at most 2 MB and nine): given, they
    /// replace the log's (`[]` removes them); absent, the log's stay.
    #[serde(default)]
    pub photos: Option<Vec<String>>,
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
    let photos = match l.photos {
        None => None,
        Some(list) => {
            use base64::Engine;
            let mut files = Vec::with_capacity(list.len());
            for (i, p) in list.iter().enumerate() {
                files.push(
                    base64::engine::general_purpose::STANDARD
                        .decode(p.trim())
                        .map_err(|_| {
                            WebError::BadRequest(format!("第{}张照片不是有效的base64", i + 1))
                        })?,
                );
            }
            Some(files)
        }
    };
    state
        .app
        .write_work_log(&caller, day, &l.body, &l.households.join(","), photos)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/work-logs/{user}/{day}/photos/{n}", tag = "驻村考勤",
    params(("user" = i64, Path, description = "The writer's user id."),
        ("day" = String, Path, description = "The log's day, e.g. 2026-12-05."),
        ("n" = u32, Path, description = "The photo's number, from 1.")),
    responses((status = 200, content_type = "image/jpeg", description = "The photo (JPEG or PNG)."),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn photo(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    axum::extract::Path((user, day, n)): axum::extract::Path<(String, String, String)>,
) -> Result<axum::response::Response, ApiError> {
    Ok(crate::pages::work_logs::photo_response(&state, &caller, &user, &day, &n).await?)
}

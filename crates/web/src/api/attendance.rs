//! 驻村考勤 over the API: today's word, and a month's attendance of an area.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::pages::areas::area_or_own;
use crate::pages::attendance::{AttendanceQuery, approves, day_of, kind_of};
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
    /// Of the days on leave, those no approved leave covers.
    pub leave_unapproved: u32,
    pub absent: u32,
    /// (present + away) / working days, e.g. "95.0%".
    pub rate: String,
    /// Today's word: 在岗, 请假, 公出 (null: none, or not this month).
    pub today: Option<String>,
    /// Who the account is on a roster (its 系统账号): name and post, e.g. 张明（第一书记）.
    pub cadre: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceJson {
    pub area: String,
    pub month: String,
    /// The last day counted.
    pub until: String,
    pub rows: Vec<AttendanceRowJson>,
    /// The requests for leave that overlap the month, the latest asked first.
    pub leave: Vec<LeaveJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveJson {
    pub id: i64,
    pub name: String,
    pub area_code: String,
    pub from: String,
    pub until: String,
    pub reason: String,
    /// 待审批, 已批准 or 未批准.
    pub status: String,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
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
                leave_unapproved: r.month.leave_unapproved,
                absent: r.month.absent,
                rate: r.month.rate(),
                today: r.today.map(|k| k.label().to_string()),
                cadre: r.cadre.clone(),
            })
            .collect(),
        leave: a
            .leave
            .iter()
            .map(|l| LeaveJson {
                id: l.request.id,
                name: l.name.clone(),
                area_code: l.request.area.to_string(),
                from: l.request.from.to_string(),
                until: l.request.until.to_string(),
                reason: l.request.reason.clone(),
                status: l.request.status.label().to_string(),
                decided_by: l.request.decided_by.clone(),
                decision_note: l.request.decision_note.clone(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LeaveRequestJson {
    /// The first day, e.g. 2026-12-07.
    pub from: String,
    /// The last day.
    pub until: String,
    /// Why (at most 200 characters).
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveIdJson {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/leave", tag = "驻村考勤",
    request_body = LeaveRequestJson,
    responses((status = 200, body = LeaveIdJson, description = "The caller's request for leave, pending approval."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn request_leave(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(l): Json<LeaveRequestJson>,
) -> Result<Json<LeaveIdJson>, ApiError> {
    let from = day_of("开始日期", &l.from)?;
    let until = day_of("结束日期", &l.until)?;
    let id = state
        .app
        .request_leave(&caller, from, until, &l.reason)
        .await?;
    Ok(Json(LeaveIdJson { id }))
}

#[utoipa::path(post, path = "/api/v1/leave/{id}/withdraw", tag = "驻村考勤",
    params(("id" = i64, Path, description = "The request's id")),
    responses((status = 204, description = "The caller's own request withdrawn (pending, or approved and not begun)."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw_leave(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| crate::error::WebError::NotFound)?;
    state.app.withdraw_leave(&caller, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionJson {
    /// approve (批准) or refuse (不批准).
    pub decision: String,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/leave/{id}", tag = "驻村考勤",
    params(("id" = i64, Path, description = "The request's id")),
    request_body = DecisionJson,
    responses((status = 204, description = "The pending request approved or refused."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide_leave(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
    Json(d): Json<DecisionJson>,
) -> Result<axum::http::StatusCode, ApiError> {
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| crate::error::WebError::NotFound)?;
    let approve = approves(&d.decision)?;
    state
        .app
        .decide_leave(&caller, id, approve, d.note.as_deref())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
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

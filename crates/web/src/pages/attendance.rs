//! 驻村考勤: today's word of who works in a village, and the month's attendance of the people
//! of an area; requests for leave, and their approval by who may approve them.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use zhenxing_app::attendance::Attendance;
use zhenxing_domain::LedgerDate;
use zhenxing_domain::attendance::CheckinKind;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::pages::areas::area_or_own;
use crate::state::AppState;
use crate::views::{UserCtx, render};

#[derive(Debug, Deserialize)]
pub struct AttendanceQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The month, e.g. 2026-12 (this month when absent).
    pub month: Option<String>,
}

impl AttendanceQuery {
    pub fn month(&self) -> Result<Option<NaiveDate>, WebError> {
        match self
            .month
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(None),
            Some(m) => match LedgerDate::parse(m) {
                Ok(d) => Ok(Some(d.first_day())),
                Err(_) => Err(WebError::BadRequest(format!(
                    "月份“{m}”无效，应为如 2026-12 的年月"
                ))),
            },
        }
    }
}

/// A kind from a form or a body: its code word or its label.
pub fn kind_of(s: &str) -> Result<CheckinKind, WebError> {
    match s.trim() {
        "present" => Ok(CheckinKind::Present),
        "leave" => Ok(CheckinKind::Leave),
        "away" => Ok(CheckinKind::Away),
        other => CheckinKind::parse(other).map_err(|_| {
            WebError::BadRequest(format!(
                "考勤类型“{other}”无效，应为 present、leave 或 away"
            ))
        }),
    }
}

#[derive(Template)]
#[template(path = "attendance.html")]
struct AttendancePage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    a: Attendance,
    month: String,
    /// The caller's own word today, when they check in.
    mine: Option<String>,
    /// Who the caller is (their own requests are not theirs to decide).
    me: i64,
    today: String,
    /// The caller's own requests they may still withdraw.
    withdrawable: Vec<i64>,
}

/// `/attendance`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AttendanceQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let a = state.app.attendance(&user.caller, area, q.month()?).await?;
    let mine = a
        .rows
        .iter()
        .find(|r| r.user_id == user.caller.user.id)
        .map(|r| r.today.map(|k| k.label().to_string()).unwrap_or_default());
    let today = zhenxing_domain::today_in_china();
    let withdrawable = a
        .leave
        .iter()
        .filter(|l| l.request.user_id == user.caller.user.id && l.request.withdrawable(today))
        .map(|l| l.request.id)
        .collect();
    Ok(render(&AttendancePage {
        withdrawable,
        title: format!("驻村考勤 · {}", a.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        csrf: user.csrf.clone(),
        month: a.month.format("%Y-%m").to_string(),
        mine,
        me: user.caller.user.id,
        today: today.to_string(),
        a,
    }))
}

#[derive(Debug, Deserialize)]
pub struct LeaveForm {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub reason: String,
}

/// A day from a form or a body.
pub fn day_of(field: &str, s: &str) -> Result<NaiveDate, WebError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        WebError::BadRequest(format!(
            "{field}“{}”无效，应为如 2026-12-07 的日期",
            s.trim()
        ))
    })
}

/// POST `/attendance/leave` (with the CSRF token): the caller's request for leave, then the page.
pub async fn request_leave(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<LeaveForm>,
) -> Result<Response, PageError> {
    let from = day_of("开始日期", &f.from)?;
    let until = day_of("结束日期", &f.until)?;
    state
        .app
        .request_leave(&user.caller, from, until, &f.reason)
        .await?;
    Ok(Redirect::to("/attendance").into_response())
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    /// 批准 or 不批准.
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// Whether a decision approves: 批准/approve or 不批准/refuse.
pub fn approves(s: &str) -> Result<bool, WebError> {
    match s.trim() {
        "approve" | "批准" | "同意" => Ok(true),
        "refuse" | "不批准" | "不同意" => Ok(false),
        other => Err(WebError::BadRequest(format!(
            "审批结果“{other}”无效，应为批准或不批准"
        ))),
    }
}

/// POST `/attendance/leave/{id}`: a request approved or refused, then the page.
pub async fn decide_leave(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let id: i64 = id.trim().parse().map_err(|_| WebError::NotFound)?;
    let approve = approves(&f.decision)?;
    let r = state
        .app
        .decide_leave(&user.caller, id, approve, Some(&f.note))
        .await?;
    Ok(Redirect::to(&format!("/attendance?month={}", r.from.format("%Y-%m"))).into_response())
}

/// POST `/attendance/leave/{id}/withdraw`: the caller's own request withdrawn, then the page.
pub async fn withdraw_leave(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: i64 = id.trim().parse().map_err(|_| WebError::NotFound)?;
    let r = state.app.withdraw_leave(&user.caller, id).await?;
    Ok(Redirect::to(&format!("/attendance?month={}", r.from.format("%Y-%m"))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CheckinForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub note: String,
    /// `home` when given from the 今日工作 of the home page, which it then returns to.
    #[serde(default)]
    pub back: String,
}

/// POST `/attendance` (with the CSRF token): today's word, then the page (or home).
pub async fn check_in(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<CheckinForm>,
) -> Result<Response, PageError> {
    let kind = kind_of(&f.kind)?;
    state
        .app
        .check_in(&user.caller, kind, Some(&f.note))
        .await?;
    Ok(Redirect::to(if f.back == "home" { "/" } else { "/attendance" }).into_response())
}

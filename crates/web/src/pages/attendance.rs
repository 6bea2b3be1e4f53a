//! 驻村考勤: today's word of who works in a village, and the month's attendance of the people
//! of an area.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
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
    Ok(render(&AttendancePage {
        title: format!("驻村考勤 · {}", a.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        csrf: user.csrf.clone(),
        month: a.month.format("%Y-%m").to_string(),
        mine,
        a,
    }))
}

#[derive(Debug, Deserialize)]
pub struct CheckinForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// POST `/attendance` (with the CSRF token): today's word, then the page.
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
    Ok(Redirect::to("/attendance").into_response())
}

//! 工作纪实: today's work log of who works in a village, and the month's logs of the people of an
//! area.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenxing_app::work_logs::WorkLogs;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::areas::area_or_own;
use crate::pages::attendance::AttendanceQuery as MonthQuery;
use crate::state::AppState;
use crate::views::{UserCtx, render};

#[derive(Template)]
#[template(path = "work_logs.html")]
struct WorkLogsPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    w: WorkLogs,
    month: String,
    /// The caller's own log of today, when there is one.
    mine: Option<String>,
    max_body: usize,
}

/// `/work-logs`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let w = state.app.work_logs(&user.caller, area, q.month()?).await?;
    let today = zhenxing_domain::today_in_china();
    let mine = w
        .rows
        .iter()
        .find(|r| r.user_id == user.caller.user.id && r.day == today)
        .map(|r| r.body.clone());
    Ok(render(&WorkLogsPage {
        title: format!("工作纪实 · {}", w.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        csrf: user.csrf.clone(),
        month: w.month.format("%Y-%m").to_string(),
        mine,
        max_body: zhenxing_app::work_logs::MAX_BODY,
        w,
    }))
}

#[derive(Debug, Deserialize)]
pub struct WorkLogForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub households: String,
}

/// POST `/work-logs` (with the CSRF token): today's log, then the page.
pub async fn write(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<WorkLogForm>,
) -> Result<Response, PageError> {
    state
        .app
        .write_work_log(&user.caller, &f.body, &f.households)
        .await?;
    Ok(Redirect::to("/work-logs").into_response())
}

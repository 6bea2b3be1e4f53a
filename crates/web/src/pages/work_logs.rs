//! 工作纪实: today's work log of who works in a village, and the month's logs of the people of an
//! area.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use zhenxing_app::work_logs::WorkLogs;
use zhenxing_domain::Permission;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
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
    /// The day the form writes (today, or a day before within the policy's days).
    day: NaiveDate,
    /// The days the caller may still write for, the latest first: (value, label).
    days: Vec<(NaiveDate, String)>,
    /// The caller's own log of that day, when there is one: its text and households.
    mine: Option<(String, String)>,
    max_body: usize,
    /// The caller's user id: their own logs of the days still open may be written again.
    me: i64,
}

impl WorkLogsPage {
    /// Whether the caller may still write again their own log of `day`.
    fn may_rewrite(&self, user_id: &i64, day: &NaiveDate) -> bool {
        *user_id == self.me && self.days.iter().any(|(d, _)| d == day)
    }
}

#[derive(Debug, Deserialize)]
pub struct DayQuery {
    /// The day to write, e.g. 2026-12-05 (today when absent).
    pub day: Option<String>,
}

/// `/work-logs`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<MonthQuery>,
    Query(d): Query<DayQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let w = state.app.work_logs(&user.caller, area, q.month()?).await?;
    let today = zhenxing_domain::today_in_china();
    let (mut days, mut day, mut mine) = (Vec::new(), today, None);
    if user.caller.user.role.may(Permission::CheckIn) {
        let (first, last) = state
            .app
            .work_log_days(user.caller.user.area, today)
            .await?;
        days = first
            .iter_days()
            .take_while(|x| *x <= last)
            .map(|x| (x, day_label(x, today)))
            .collect();
        days.reverse();
        if let Some(asked) = d.day.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            day = NaiveDate::parse_from_str(asked, "%Y-%m-%d")
                .ok()
                .filter(|x| days.iter().any(|(d, _)| d == x))
                .ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "日期“{asked}”不能填写工作纪实：只能填写今天或补写前{}天的",
                        days.len().saturating_sub(1)
                    ))
                })?;
        }
        mine = state
            .app
            .own_work_log(&user.caller, day)
            .await?
            .map(|(body, households)| (body, households.join("、")));
    }
    Ok(render(&WorkLogsPage {
        title: format!("工作纪实 · {}", w.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        csrf: user.csrf.clone(),
        month: w.month.format("%Y-%m").to_string(),
        day,
        days,
        mine,
        max_body: zhenxing_app::work_logs::MAX_BODY,
        me: user.caller.user.id,
        w,
    }))
}

/// 今天 12-06, 昨天 12-05, 12-04 (周五).
fn day_label(day: NaiveDate, today: NaiveDate) -> String {
    const WEEK: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let weekday = WEEK[day.weekday().num_days_from_monday() as usize];
    match (today - day).num_days() {
        0 => format!("今天 {}（周{weekday}）", day.format("%m-%d")),
        1 => format!("昨天 {}（周{weekday}）", day.format("%m-%d")),
        _ => format!("{}（周{weekday}）", day.format("%m-%d")),
    }
}

#[derive(Debug, Deserialize)]
pub struct WorkLogForm {
    /// The day written for (today when absent).
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub households: String,
}

/// POST `/work-logs` (with the CSRF token): the day's log, then the page of its month.
pub async fn write(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<WorkLogForm>,
) -> Result<Response, PageError> {
    let day = match f.day.trim() {
        "" => None,
        d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            WebError::BadRequest(format!("日期“{d}”无效，应为如 2026-12-05 的日期"))
        })?),
    };
    state
        .app
        .write_work_log(&user.caller, day, &f.body, &f.households)
        .await?;
    Ok(Redirect::to(&match day {
        Some(d) => format!("/work-logs?month={}", d.format("%Y-%m")),
        None => "/work-logs".to_string(),
    })
    .into_response())
}

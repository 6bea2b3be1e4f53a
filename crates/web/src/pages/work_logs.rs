//! 工作纪实: today's work log of who works in a village, and the month's logs of the people of an
//! area.

use askama::Template;
use axum::extract::{Path, Query, State};
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
    /// The caller's own log of that day, when there is one: its text, households and photos.
    mine: Option<(String, String, u32)>,
    /// A photo's largest size in bytes: larger ones are shrunk in the browser before sending.
    photo_limit: usize,
    max_body: usize,
    /// The caller's user id: their own logs of the days still open may be written again.
    me: i64,
    /// The day whose log was just saved.
    saved: Option<NaiveDate>,
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
    /// The day whose log was just saved (the page says so, and the browser lets its draft go).
    pub saved: Option<String>,
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
            .map(|l| (l.body, l.households.join("、"), l.photos));
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
        photo_limit: zhenxing_domain::monitoring::visit::Photo::MAX_BYTES,
        me: user.caller.user.id,
        saved: d
            .saved
            .as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
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

/// POST `/work-logs` (the form with the CSRF token, or multipart with `?csrf=` when photos
/// are sent): the day's log, then the page of its month. Photos chosen replace the log's;
/// `remove_photos` takes them away; neither leaves them as they are.
pub async fn write(
    State(state): State<AppState>,
    user: PageUser,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let up = crate::forms::Upload::read_either(req, &state).await?;
    let photos: Vec<Vec<u8>> = up.files_named("photos").map(<[u8]>::to_vec).collect();
    let fields = up.fields;
    let day = match fields.get("day").map(str::trim).unwrap_or("") {
        "" => None,
        d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            WebError::BadRequest(format!("日期“{d}”无效，应为如 2026-12-05 的日期"))
        })?),
    };
    let photos = if !photos.is_empty() {
        Some(photos)
    } else if fields.get("remove_photos").is_some() {
        Some(Vec::new())
    } else {
        None
    };
    state
        .app
        .write_work_log(
            &user.caller,
            day,
            &fields.text("body"),
            &fields.text("households"),
            photos,
        )
        .await?;
    let day = day.unwrap_or_else(zhenxing_domain::today_in_china);
    Ok(Redirect::to(&format!(
        "/work-logs?month={}&saved={day}",
        day.format("%Y-%m")
    ))
    .into_response())
}

/// `/work-logs/{user}/{day}/photos/{seq}`: a log's photo, for who may read the log.
pub async fn photo(
    State(state): State<AppState>,
    user: PageUser,
    Path((writer, day, seq)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    Ok(photo_response(&state, &user.caller, &writer, &day, &seq).await?)
}

/// A log's photo as an answer (the page's and the API's).
pub async fn photo_response(
    state: &AppState,
    caller: &zhenxing_app::auth::Caller,
    writer: &str,
    day: &str,
    seq: &str,
) -> Result<Response, WebError> {
    let (Ok(writer), Ok(day), Ok(seq)) = (
        writer.parse::<i64>(),
        NaiveDate::parse_from_str(day, "%Y-%m-%d"),
        seq.parse::<u32>(),
    ) else {
        return Err(WebError::NotFound);
    };
    let (kind, bytes) = state
        .app
        .work_log_photo(caller, writer, day, seq)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut r = (axum::http::StatusCode::OK, bytes).into_response();
    let kind = match kind.as_str() {
        "image/png" => "image/png",
        _ => "image/jpeg",
    };
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(kind),
    );
    Ok(r)
}

//! 今日工作 over the API: what today still asks of the caller (a phone's home screen).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnDayJson {
    /// A working day of the province's calendar (签到 is asked on those).
    pub working_day: bool,
    /// The word of the day (在岗, 公出, 请假), null when not given yet.
    pub checked_in: Option<String>,
    /// The day's work log (工作纪实) written.
    pub logged: bool,
    /// This month so far: working days (应出勤), days at work (在岗 or 公出), days absent.
    pub working_days: u32,
    pub attended: u32,
    pub absent: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyDayJson {
    pub day: String,
    /// For who checks in (work teams, village cadres): their own day; null otherwise.
    pub own: Option<OwnDayJson>,
    /// For who records visits in a village: its households due for a visit (六必访), counted
    /// to 100.
    pub visits_due: Option<usize>,
    /// Cases waiting at a step the caller takes, due this week or late, counted to 100; null
    /// for who takes no step.
    pub cases_due: Option<usize>,
    /// Of the open cases within the caller's area, those past their deadline, counted to 100;
    /// null for who takes no step.
    pub cases_overdue: Option<usize>,
    /// For who approves leave: the requests of others within their area waiting, any month.
    pub leave_waiting: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/my-day", tag = "驻村考勤",
    responses((status = 200, body = MyDayJson, description = "What today still asks of the caller; every part null when nothing is theirs to do."),
        (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_day(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
) -> Result<Json<MyDayJson>, ApiError> {
    let today = zhenxing_domain::today_in_china();
    let d = state.app.my_day(&caller, today).await?;
    Ok(Json(match d {
        None => MyDayJson {
            day: today.to_string(),
            own: None,
            visits_due: None,
            cases_due: None,
            cases_overdue: None,
            leave_waiting: None,
        },
        Some(d) => MyDayJson {
            day: d.day.to_string(),
            own: d.own.map(|o| OwnDayJson {
                working_day: o.working_day,
                checked_in: o.checked_in.map(|k| k.label().to_string()),
                logged: o.logged,
                working_days: o.month.working_days,
                attended: o.month.present + o.month.away,
                absent: o.month.absent,
            }),
            visits_due: d.visits_due,
            cases_due: d.takes_steps.then_some(d.cases_due),
            cases_overdue: d.takes_steps.then_some(d.cases_overdue),
            leave_waiting: d.leave_waiting,
        },
    }))
}

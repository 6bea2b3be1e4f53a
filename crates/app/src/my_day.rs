//! 今日工作: what today still asks of the caller, at one look on their own area's page (their
//! phone's home page). Who works in a village (checks in): their word of the day (签到), the
//! day's work log (工作纪实) and the households of their area due for a visit (六必访). Who
//! approves leave (a township, a county): the requests waiting for them, whatever month they
//! are for. Everyone who takes a step of the monitoring cases: the cases waiting at it.

use chrono::{Days, NaiveDate};
use serde::Serialize;
use zhenxing_domain::Permission;
use zhenxing_domain::attendance::{CheckinKind, LeaveStatus, MonthAttendance, month_start};

use crate::auth::Caller;
use crate::monitoring::access::{Act, may};
use crate::monitoring::cases::stage_action;
use crate::{App, AppError};
use zhenxing_domain::monitoring::Stage;

/// Most households or cases counted: past it the page says "99+" (the lists say the rest).
pub const MY_DAY_CAP: u32 = 99;

/// The caller's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyDay {
    pub day: NaiveDate,
    /// For who checks in: their own day.
    pub own: Option<OwnDay>,
    /// For who records visits: households of their area due for a visit today (at most
    /// [`MY_DAY_CAP`] + 1).
    pub visits_due: Option<usize>,
    /// The caller takes a step of the monitoring cases (at their level, in their role).
    pub takes_steps: bool,
    /// Cases waiting at a step the caller takes, due this week or late (at most
    /// [`MY_DAY_CAP`] + 1).
    pub cases_due: usize,
    /// Of the open cases within the caller's area, those past their deadline (at most
    /// [`MY_DAY_CAP`] + 1; for who takes a step).
    pub cases_overdue: usize,
    /// For who approves leave: the requests of others within their area waiting for a
    /// decision, of any month.
    pub leave_waiting: Option<usize>,
}

/// The day of who checks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OwnDay {
    /// A working day of the province's calendar (签到 is asked on those).
    pub working_day: bool,
    /// The word of the day, when given.
    pub checked_in: Option<CheckinKind>,
    /// The day's work log written.
    pub logged: bool,
    /// The month so far (出勤, 缺勤), as the attendance counts it.
    pub month: MonthAttendance,
}

impl MyDay {
    /// The households due for a visit as shown: "99+" past the cap.
    pub fn visits_shown(&self) -> String {
        shown(self.visits_due.unwrap_or(0))
    }

    /// The cases waiting as shown: "99+" past the cap.
    pub fn cases_shown(&self) -> String {
        shown(self.cases_due)
    }

    /// The area's overdue cases as shown: "99+" past the cap.
    pub fn overdue_shown(&self) -> String {
        shown(self.cases_overdue)
    }
}

fn shown(n: usize) -> String {
    if n > MY_DAY_CAP as usize {
        format!("{MY_DAY_CAP}+")
    } else {
        n.to_string()
    }
}

impl App {
    /// The caller's day on `today`; `None` when nothing of it is theirs to do (who only reads
    /// figures, above the counties).
    pub async fn my_day(
        &self,
        caller: &Caller,
        today: NaiveDate,
    ) -> Result<Option<MyDay>, AppError> {
        let role = caller.user.role;
        let area = caller.user.area;
        let monitoring = caller.monitoring();
        let own = if role.may(Permission::CheckIn) {
            let start = month_start(today);
            let words = self.words(area, start, today).await?;
            let me = caller.user.id;
            let checked_in = words.on(me, today);
            let month = words.month(me, start, today);
            let logged = self.own_work_log(caller, today).await?.is_some();
            Some(OwnDay {
                working_day: words.calendar.is_working_day(today),
                checked_in,
                logged,
                month,
            })
        } else {
            None
        };
        let visits_due = if may(&monitoring, Act::RecordVisit)
            && area.level() == zhenxing_domain::AreaLevel::Village
        {
            Some(
                self.due_for_visit(&monitoring, Some(area), today, MY_DAY_CAP + 1, None)
                    .await?
                    .0
                    .len(),
            )
        } else {
            None
        };
        let takes_steps = monitoring.level().is_some_and(|level| {
            Stage::ALL.iter().any(|s| {
                s.acting_level() == Some(level)
                    && stage_action(*s).is_some_and(|a| may(&monitoring, Act::Step(a)))
            })
        });
        let (cases_due, cases_overdue) = if takes_steps {
            (
                self.my_cases_due_this_week(&monitoring, today, MY_DAY_CAP + 1)
                    .await?
                    .len(),
                self.overdue_cases(&monitoring, None, today, MY_DAY_CAP + 1)
                    .await?
                    .len(),
            )
        } else {
            (0, 0)
        };
        let leave_waiting = if role.may(Permission::ApproveLeave) {
            let from = today.checked_sub_days(Days::new(366)).unwrap_or(today);
            let until = today.checked_add_days(Days::new(366)).unwrap_or(today);
            Some(
                self.store()
                    .leave_requests(area, from, until)
                    .await?
                    .iter()
                    .filter(|r| r.status == LeaveStatus::Pending && r.user_id != caller.user.id)
                    .count(),
            )
        } else {
            None
        };
        if own.is_none() && visits_due.is_none() && leave_waiting.is_none() && !takes_steps {
            return Ok(None);
        }
        Ok(Some(MyDay {
            day: today,
            own,
            visits_due,
            takes_steps,
            cases_due,
            cases_overdue,
            leave_waiting,
        }))
    }
}

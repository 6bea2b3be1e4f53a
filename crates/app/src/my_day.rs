//! 今日工作: what a person who works in a village (who checks in) still has to do today, at one
//! look on their phone — their word of the day (签到), the day's work log (工作纪实), the
//! households of their area due for a visit (六必访) and the cases waiting at their step.

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::Permission;
use zhenxing_domain::attendance::CheckinKind;

use crate::auth::Caller;
use crate::{App, AppError};

/// Most households or cases counted: past it the page says "N+" (the lists say the rest).
pub const MY_DAY_CAP: u32 = 99;

/// The caller's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyDay {
    pub day: NaiveDate,
    /// A working day of the province's calendar (签到 is asked on those).
    pub working_day: bool,
    /// The caller's word of the day, when given.
    pub checked_in: Option<CheckinKind>,
    /// The day's work log written.
    pub logged: bool,
    /// Households of the caller's area due for a visit today (at most [`MY_DAY_CAP`] + 1).
    pub visits_due: usize,
    /// Cases waiting at a step the caller takes, due this week or late (at most
    /// [`MY_DAY_CAP`] + 1).
    pub cases_due: usize,
}

impl MyDay {
    /// The households due for a visit as shown: "99+" past the cap.
    pub fn visits_shown(&self) -> String {
        shown(self.visits_due)
    }

    /// The cases waiting as shown: "99+" past the cap.
    pub fn cases_shown(&self) -> String {
        shown(self.cases_due)
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
    /// The caller's day on `today`; `None` for who does not check in (they work above the
    /// villages).
    pub async fn my_day(
        &self,
        caller: &Caller,
        today: NaiveDate,
    ) -> Result<Option<MyDay>, AppError> {
        if !caller.user.role.may(Permission::CheckIn) {
            return Ok(None);
        }
        let area = caller.user.area;
        let working_day = self.calendar_for(area, today).await.is_working_day(today);
        let checked_in = self
            .store()
            .checkins(area, today, today)
            .await?
            .into_iter()
            .find(|c| c.user_id == caller.user.id)
            .map(|c| c.kind);
        let logged = self.own_work_log(caller, today).await?.is_some();
        let monitoring = caller.monitoring();
        let visits_due = if caller.user.role.may(Permission::ReadRegistry) {
            self.due_for_visit(&monitoring, Some(area), today, MY_DAY_CAP + 1, None)
                .await?
                .0
                .len()
        } else {
            0
        };
        let cases_due = self
            .my_cases_due_this_week(&monitoring, today, MY_DAY_CAP + 1)
            .await?
            .len();
        Ok(Some(MyDay {
            day: today,
            working_day,
            checked_in,
            logged,
            visits_due,
            cases_due,
        }))
    }
}

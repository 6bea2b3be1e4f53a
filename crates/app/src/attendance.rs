//! 驻村考勤: those who work in a village (`Permission::CheckIn`: the work team, village cadres)
//! say each working day whether they are at work, on leave or away on duty; every level above
//! reads the month's attendance of the people of its area, counted on the province's calendar
//! (holidays and make-up working days) up to today.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::attendance::{CheckinKind, MonthAttendance, month_end, month_start};
use zhenxing_domain::policy::{Policy, WorkCalendar};
use zhenxing_domain::{AreaCode, Permission, Role, Scope, today_in_china};

use crate::auth::Caller;
use crate::{App, AppError};

/// Longest note a check-in keeps.
pub const MAX_NOTE: usize = 200;

/// One person's month.
#[derive(Debug, Clone, Serialize)]
pub struct AttendanceRow {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub area: AreaCode,
    /// The area by name below the one read.
    pub area_name: String,
    pub month: MonthAttendance,
    /// Today's word, when the month is this one.
    pub today: Option<CheckinKind>,
}

/// The attendance of the people of an area in a month.
#[derive(Debug, Clone, Serialize)]
pub struct Attendance {
    pub area: AreaCode,
    pub area_name: String,
    /// The month's first day.
    pub month: NaiveDate,
    /// The last day counted (the month's last, or today).
    pub until: NaiveDate,
    pub rows: Vec<AttendanceRow>,
}

impl App {
    /// The caller's word for today; a later one the same day replaces it.
    pub async fn check_in(
        &self,
        caller: &Caller,
        kind: CheckinKind,
        note: Option<&str>,
    ) -> Result<(), AppError> {
        caller.require(Permission::CheckIn)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = note
            && (n.chars().count() > MAX_NOTE || n.chars().any(char::is_control))
        {
            return Err(AppError::Invalid(format!(
                "说明最多{MAX_NOTE}个字，不能换行"
            )));
        }
        self.store()
            .check_in(
                caller.user.id,
                caller.user.area,
                today_in_china(),
                kind,
                note,
            )
            .await?;
        Ok(())
    }

    /// The working days of the province's calendar for `day`'s year (weekends only when the
    /// province has no policy that year).
    async fn calendar_for(&self, area: AreaCode, day: NaiveDate) -> WorkCalendar {
        let (Some(province), Ok(year)) = (
            Policy::province_of(area),
            crate::monitoring::policy::year_of(day),
        ) else {
            return WorkCalendar::weekends_only();
        };
        match self.policy_in_force(province, year).await {
            Ok(found) => found.policy.calendar,
            Err(_) => WorkCalendar::weekends_only(),
        }
    }

    /// The month's attendance of the people of `area` who check in, within the caller's area.
    pub async fn attendance(
        &self,
        caller: &Caller,
        area: AreaCode,
        month: Option<NaiveDate>,
    ) -> Result<Attendance, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let scope = caller.scope();
        if !scope.contains(area) {
            return Err(AppError::NotFound);
        }
        let tree = self.tree().await;
        let Some(root) = tree.get(area) else {
            return Err(AppError::NotFound);
        };
        let today = today_in_china();
        let start = month_start(month.unwrap_or(today));
        if start > today {
            return Err(AppError::Invalid(format!(
                "{}年{}月还没有到",
                chrono::Datelike::year(&start),
                chrono::Datelike::month(&start)
            )));
        }
        let until = month_end(start).min(today);
        let calendar = self.calendar_for(area, start).await;
        let people: Vec<_> = self
            .accounts()
            .users(Scope::Area(area))
            .await?
            .into_iter()
            .filter(|u| !u.disabled && u.role.may(Permission::CheckIn))
            .collect();
        let mut by_user: HashMap<i64, Vec<(NaiveDate, CheckinKind)>> = HashMap::new();
        for c in self.store().checkins(area, start, until).await? {
            by_user.entry(c.user_id).or_default().push((c.day, c.kind));
        }
        let skip = (area.level().number() as usize).clamp(2, 4);
        let rows = people
            .into_iter()
            .map(|u| {
                let days = by_user.remove(&u.id).unwrap_or_default();
                let today_kind = (until == today)
                    .then(|| {
                        days.iter()
                            .rev()
                            .find(|(d, _)| *d == today)
                            .map(|(_, k)| *k)
                    })
                    .flatten();
                AttendanceRow {
                    user_id: u.id,
                    area_name: tree
                        .path(u.area)
                        .iter()
                        .skip(skip)
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(""),
                    month: MonthAttendance::of(&days, start, until, &calendar),
                    today: today_kind,
                    name: u.name,
                    role: u.role,
                    area: u.area,
                }
            })
            .collect();
        Ok(Attendance {
            area,
            area_name: root.name.clone(),
            month: start,
            until,
            rows,
        })
    }
}

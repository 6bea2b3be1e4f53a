//! 驻村考勤 (DOMAIN §11): those who work in a village — the village-resident work team and the
//! village cadres — check in each working day (在岗), or say they are on leave (请假) or away on
//! duty (公出: training, meetings). A month's attendance counts the working days of the
//! province's calendar up to the day it is read.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::labelled_enum;
use crate::policy::WorkCalendar;

labelled_enum!(
    /// 考勤类型.
    CheckinKind, "考勤类型" {
        Present = 1 => "在岗" | "在岗签到" | "签到",
        Leave = 2 => "请假",
        Away = 3 => "公出" | "培训" | "会议" | "公差",
    }
);

/// A month's attendance of one person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MonthAttendance {
    /// Working days of the month up to the day read (应出勤天数).
    pub working_days: u32,
    pub present: u32,
    pub leave: u32,
    pub away: u32,
    /// Working days with nothing said (缺勤).
    pub absent: u32,
    /// Of the days on leave, those no approved leave covers (请假未审批).
    pub leave_unapproved: u32,
}

labelled_enum!(
    /// 请假审批状态.
    LeaveStatus, "审批状态" {
        Pending = 1 => "待审批",
        Approved = 2 => "已批准" | "批准" | "同意",
        Refused = 3 => "未批准" | "不批准" | "不同意",
        Withdrawn = 4 => "已撤回" | "撤回",
    }
);

/// A request for leave (请假) by who checks in, and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaveRequest {
    pub id: i64,
    pub user_id: i64,
    /// The requester's area when asking.
    pub area: crate::AreaCode,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub reason: String,
    pub status: LeaveStatus,
    pub requested_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

/// The longest leave one request asks for, in days.
pub const MAX_LEAVE_DAYS: i64 = 30;

/// How far back a leave may be asked for (补假), in days.
pub const LEAVE_BACK_DAYS: i64 = 7;

/// Why a leave cannot be asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeaveError {
    #[error("请假结束日期（{until}）早于开始日期（{from}）")]
    Backwards { from: NaiveDate, until: NaiveDate },
    #[error("一次请假最多{MAX_LEAVE_DAYS}天")]
    TooLong,
    #[error("只能补请{LEAVE_BACK_DAYS}天以内的假")]
    TooFarBack,
    #[error("请填写请假事由（最多200字）")]
    Reason,
}

impl LeaveRequest {
    /// Whether a leave from `from` to `until` with `reason` may be asked for on `today`.
    pub fn check(
        from: NaiveDate,
        until: NaiveDate,
        reason: &str,
        today: NaiveDate,
    ) -> Result<(), LeaveError> {
        if until < from {
            return Err(LeaveError::Backwards { from, until });
        }
        if (until - from).num_days() + 1 > MAX_LEAVE_DAYS {
            return Err(LeaveError::TooLong);
        }
        if (today - from).num_days() > LEAVE_BACK_DAYS {
            return Err(LeaveError::TooFarBack);
        }
        let n = reason.trim().chars().count();
        if n == 0 || n > 200 || reason.chars().any(|c| c.is_control() && c != '\n') {
            return Err(LeaveError::Reason);
        }
        Ok(())
    }

    /// Still asked for: pending or approved (not refused, not withdrawn).
    pub fn standing(&self) -> bool {
        matches!(self.status, LeaveStatus::Pending | LeaveStatus::Approved)
    }

    /// Whether its requester may withdraw it on `today`: pending, or approved and not begun.
    pub fn withdrawable(&self, today: NaiveDate) -> bool {
        match self.status {
            LeaveStatus::Pending => true,
            LeaveStatus::Approved => self.from > today,
            LeaveStatus::Refused | LeaveStatus::Withdrawn => false,
        }
    }

    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.until
    }

    /// Overlaps the days from `from` to `until`.
    pub fn overlaps(&self, from: NaiveDate, until: NaiveDate) -> bool {
        self.from <= until && from <= self.until
    }
}

/// The first day of `day`'s month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The last day of the month starting on `start`.
pub fn month_end(start: NaiveDate) -> NaiveDate {
    start
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start)
}

impl MonthAttendance {
    /// The attendance from `from` to `until` (inclusive) of one person's check-ins: only working
    /// days of `calendar` count; a day's last word decides it; a day with no word within an
    /// approved leave (`approved`, each from and until) is on leave, and a 请假 word outside
    /// every approved leave is counted unapproved.
    pub fn of(
        days: &[(NaiveDate, CheckinKind)],
        from: NaiveDate,
        until: NaiveDate,
        calendar: &WorkCalendar,
        approved: &[(NaiveDate, NaiveDate)],
    ) -> MonthAttendance {
        let on_leave = |d: NaiveDate| approved.iter().any(|(a, b)| *a <= d && d <= *b);
        let mut a = MonthAttendance::default();
        let mut d = from;
        while d <= until {
            if calendar.is_working_day(d) {
                a.working_days += 1;
                match days
                    .iter()
                    .rev()
                    .find(|(day, _)| *day == d)
                    .map(|(_, k)| *k)
                {
                    Some(CheckinKind::Present) => a.present += 1,
                    Some(CheckinKind::Leave) => {
                        a.leave += 1;
                        a.leave_unapproved += u32::from(!on_leave(d));
                    }
                    Some(CheckinKind::Away) => a.away += 1,
                    None if on_leave(d) => a.leave += 1,
                    None => a.absent += 1,
                }
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
        a
    }

    /// 出勤率: days at work (在岗 or 公出) over the working days, with one decimal.
    pub fn rate(&self) -> String {
        if self.working_days == 0 {
            return "-".into();
        }
        let per_mille =
            ((self.present + self.away) * 1000 + self.working_days / 2) / self.working_days;
        format!("{}.{}%", per_mille / 10, per_mille % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_month_counts_its_working_days_up_to_the_day() {
        // December 2026: the 1st is a Tuesday; up to Friday the 4th, four working days.
        let cal = WorkCalendar::weekends_only();
        let days = [
            (day("2026-12-01"), CheckinKind::Present),
            (day("2026-12-02"), CheckinKind::Leave),
            (day("2026-12-03"), CheckinKind::Present),
            (day("2026-12-03"), CheckinKind::Away),
            (day("2026-12-05"), CheckinKind::Present),
        ];
        let a = MonthAttendance::of(&days, day("2026-12-01"), day("2026-12-05"), &cal, &[]);
        assert_eq!(
            a,
            MonthAttendance {
                working_days: 4,
                present: 1,
                leave: 1,
                away: 1,
                absent: 1,
                leave_unapproved: 1,
            },
            "a Saturday's check-in does not count; the 3rd's last word is 公出"
        );
        assert_eq!(a.rate(), "50.0%");
        assert_eq!(MonthAttendance::default().rate(), "-");
        assert_eq!(month_start(day("2026-12-05")), day("2026-12-01"));
        assert_eq!(month_end(day("2026-02-01")), day("2026-02-28"));
        assert_eq!(CheckinKind::parse("培训"), Ok(CheckinKind::Away));
    }

    #[test]
    fn holidays_are_not_working_days() {
        let cal = WorkCalendar::new(
            vec![day("2026-10-01"), day("2026-10-02")],
            vec![day("2026-10-10")],
        )
        .unwrap();
        let a = MonthAttendance::of(&[], day("2026-10-01"), day("2026-10-10"), &cal, &[]);
        // 1st, 2nd holidays; 5th-9th working; the 10th (a Saturday) a make-up working day.
        assert_eq!((a.working_days, a.absent), (6, 6));
    }

    #[test]
    fn an_approved_leave_covers_its_days_and_a_leave_without_one_is_flagged() {
        let cal = WorkCalendar::weekends_only();
        let days = [
            (day("2026-12-01"), CheckinKind::Leave),
            (day("2026-12-02"), CheckinKind::Leave),
            (day("2026-12-07"), CheckinKind::Present),
        ];
        // Approved: the 2nd to the 4th (Wednesday to Friday).
        let approved = [(day("2026-12-02"), day("2026-12-04"))];
        let a = MonthAttendance::of(&days, day("2026-12-01"), day("2026-12-08"), &cal, &approved);
        assert_eq!(
            (
                a.working_days,
                a.present,
                a.leave,
                a.leave_unapproved,
                a.absent
            ),
            (6, 1, 4, 1, 1)
        );
        let today = day("2026-12-06");
        assert!(
            LeaveRequest::check(day("2026-12-07"), day("2026-12-08"), "家中有事", today).is_ok()
        );
        assert_eq!(
            LeaveRequest::check(day("2026-12-08"), day("2026-12-07"), "事", today),
            Err(LeaveError::Backwards {
                from: day("2026-12-08"),
                until: day("2026-12-07")
            })
        );
        assert_eq!(
            LeaveRequest::check(day("2026-12-07"), day("2027-01-06"), "事", today),
            Err(LeaveError::TooLong)
        );
        assert_eq!(
            LeaveRequest::check(day("2026-11-28"), day("2026-11-29"), "事", today),
            Err(LeaveError::TooFarBack)
        );
        assert_eq!(
            LeaveRequest::check(day("2026-12-07"), day("2026-12-07"), "  ", today),
            Err(LeaveError::Reason)
        );
    }
}

//! The working-day calendar of a policy: weekends are off, the State Council's holidays are off,
//! and the make-up working days (调休) on weekends are on. Deadlines count in calendar days or in
//! working days; both are policy data.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

/// How a period is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// 自然日
    Calendar,
    /// 工作日: weekdays that are not holidays, and make-up working days.
    Working,
}

impl Counting {
    pub fn label(self) -> &'static str {
        match self {
            Counting::Calendar => "自然日",
            Counting::Working => "工作日",
        }
    }
}

/// A number of days, counted one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    pub days: u32,
    pub counting: Counting,
}

impl Period {
    pub const fn working(days: u32) -> Period {
        Period {
            days,
            counting: Counting::Working,
        }
    }

    pub const fn calendar(days: u32) -> Period {
        Period {
            days,
            counting: Counting::Calendar,
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}个{}", self.days, self.counting.label())
    }
}

/// Holidays and make-up working days. Dates of any year may be listed (a policy for 2022 may
/// list the New Year holiday of 2023 that starts on 2022-12-31).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

/// Why two dates of a calendar do not go together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarConflict {
    BothHolidayAndWorkday(NaiveDate),
    WorkdayNotOnWeekend(NaiveDate),
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkCalendar {
    /// Weekends off, nothing else.
    pub fn weekends_only() -> WorkCalendar {
        WorkCalendar::default()
    }

    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<WorkCalendar, CalendarConflict> {
        let c = WorkCalendar {
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
        };
        if let Some(d) = c.holidays.intersection(&c.workdays).next() {
            return Err(CalendarConflict::BothHolidayAndWorkday(*d));
        }
        if let Some(d) = c.workdays.iter().find(|d| !is_weekend(**d)) {
            return Err(CalendarConflict::WorkdayNotOnWeekend(*d));
        }
        Ok(c)
    }

    /// This calendar with the dates of `other` added (e.g. the next year's, for a deadline that
    /// crosses the new year). Where they disagree, `self` wins.
    pub fn merged(&self, other: &WorkCalendar) -> WorkCalendar {
        let mut out = self.clone();
        for d in &other.holidays {
            if !self.workdays.contains(d) {
                out.holidays.insert(*d);
            }
        }
        for d in &other.workdays {
            if !self.holidays.contains(d) {
                out.workdays.insert(*d);
            }
        }
        out
    }

    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    pub fn workdays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.workdays.iter().copied()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !is_weekend(d) && !self.holidays.contains(&d)
    }

    /// The last day of `period` counted from `start` (which itself does not count): the day a
    /// step is due. `start + 0 days` is `start`.
    pub fn add(&self, start: NaiveDate, period: Period) -> NaiveDate {
        match period.counting {
            Counting::Calendar => start + Duration::days(i64::from(period.days)),
            Counting::Working => {
                let mut d = start;
                let mut left = period.days;
                while left > 0 {
                    d += Duration::days(1);
                    if self.is_working_day(d) {
                        left -= 1;
                    }
                }
                d
            }
        }
    }

    /// Days after `start` up to and including `end`, counted one way (0 when `end <= start`).
    pub fn count(&self, start: NaiveDate, end: NaiveDate, counting: Counting) -> u32 {
        if end <= start {
            return 0;
        }
        match counting {
            Counting::Calendar => u32::try_from((end - start).num_days()).unwrap_or(u32::MAX),
            Counting::Working => {
                let mut n = 0;
                let mut d = start;
                while d < end {
                    d += Duration::days(1);
                    if self.is_working_day(d) {
                        n += 1;
                    }
                }
                n
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Gansu 2022's Spring Festival: 01-31..02-06 off, 01-29 (Sat) and 01-30 (Sun) worked.
    fn spring_2022() -> WorkCalendar {
        let holidays = (0..7).map(|i| d("2022-01-31") + Duration::days(i));
        WorkCalendar::new(holidays, [d("2022-01-29"), d("2022-01-30")]).unwrap()
    }

    #[test]
    fn working_days_across_weekends_holidays_and_make_up_days() {
        let cal = spring_2022();
        // (start, period, due)
        let cases = [
            // A plain week: Monday + 5 working days is the next Monday.
            ("2022-01-10", Period::working(5), "2022-01-17"),
            // Friday + 1 working day skips the weekend.
            ("2022-01-14", Period::working(1), "2022-01-17"),
            // Thursday 01-27 + 1 = Friday 01-28; + 2 = the make-up Saturday 01-29; + 3 = Sunday 01-30.
            ("2022-01-27", Period::working(1), "2022-01-28"),
            ("2022-01-27", Period::working(2), "2022-01-29"),
            ("2022-01-27", Period::working(3), "2022-01-30"),
            // + 4 jumps the whole holiday to Monday 02-07.
            ("2022-01-27", Period::working(4), "2022-02-07"),
            // Starting inside the holiday.
            ("2022-02-02", Period::working(1), "2022-02-07"),
            ("2022-01-27", Period::working(15), "2022-02-22"),
            // Calendar days ignore all of it.
            ("2022-01-27", Period::calendar(5), "2022-02-01"),
            ("2022-01-27", Period::working(0), "2022-01-27"),
        ];
        for (start, period, due) in cases {
            assert_eq!(cal.add(d(start), period), d(due), "{start} + {period}");
            assert_eq!(
                cal.count(d(start), d(due), period.counting),
                period.days,
                "{start}..{due}"
            );
        }
        assert!(cal.is_working_day(d("2022-01-29")));
        assert!(!cal.is_working_day(d("2022-02-01")));
        assert!(!cal.is_working_day(d("2022-02-05")));
        assert!(WorkCalendar::weekends_only().is_working_day(d("2022-02-01")));
    }

    #[test]
    fn conflicts_and_merging() {
        assert_eq!(
            WorkCalendar::new([d("2022-01-29")], [d("2022-01-29")]),
            Err(CalendarConflict::BothHolidayAndWorkday(d("2022-01-29")))
        );
        assert_eq!(
            WorkCalendar::new([], [d("2022-01-28")]),
            Err(CalendarConflict::WorkdayNotOnWeekend(d("2022-01-28")))
        );
        let next = WorkCalendar::new([d("2023-01-02")], []).unwrap();
        let both = spring_2022().merged(&next);
        assert!(!both.is_working_day(d("2023-01-02")));
        assert!(both.is_working_day(d("2022-01-29")));
        // 2022-12-30 (Fri) + 1 working day: Monday 2023-01-02 is a holiday in the merged calendar.
        assert_eq!(
            both.add(d("2022-12-30"), Period::working(1)),
            d("2023-01-03")
        );
    }
}

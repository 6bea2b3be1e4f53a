//! Dates as ledgers write them. A ledger may give only a month (`202205`): that precision is kept,
//! not invented into a day.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::ParseError;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum LedgerDate {
    Day(NaiveDate),
    /// A month, stored as its first day.
    Month(NaiveDate),
}

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, ParseError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(ParseError::Date);
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or(ParseError::Date)
}

impl LedgerDate {
    /// Accepts `2022-05-03`, `2022/5/3`, `2022.5.3`, `2022年5月3日`, `20220503`, `2022-05-03
    /// 00:00:00`; months as `202205`, `2022-05`, `2022/5`, `2022年5月`; and Excel serial numbers
    /// (`44684`). Full-width digits are accepted.
    pub fn parse(input: &str) -> Result<LedgerDate, ParseError> {
        let normalized: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '／' => '/',
                '－' => '-',
                _ => c,
            })
            .collect();
        let s = normalized.as_str();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        // A time of day after the date, as spreadsheets write date-times.
        let s = s.split([' ', 'T']).next().unwrap_or(s);
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return match s.len() {
                8 => {
                    let (y, m, d) = (num(&s[..4])?, num(&s[4..6])?, num(&s[6..])?);
                    Ok(LedgerDate::Day(ymd(y as i32, m, d)?))
                }
                6 => {
                    let (y, m) = (num(&s[..4])?, num(&s[4..])?);
                    Ok(LedgerDate::Month(ymd(y as i32, m, 1)?))
                }
                1..=5 => LedgerDate::from_excel_serial(f64::from(num(s)?)),
                _ => Err(ParseError::Date),
            };
        }
        if let Some(serial) = s
            .strip_suffix(".0")
            .filter(|r| r.bytes().all(|b| b.is_ascii_digit()))
        {
            return LedgerDate::from_excel_serial(f64::from(num(serial)?));
        }
        let s = s.trim_end_matches('日');
        let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
        match parts.as_slice() {
            [y, m, d] if !d.is_empty() => {
                Ok(LedgerDate::Day(ymd(num(y)? as i32, num(m)?, num(d)?)?))
            }
            [y, m] | [y, m, ""] => Ok(LedgerDate::Month(ymd(num(y)? as i32, num(m)?, 1)?)),
            _ => Err(ParseError::Date),
        }
    }

    /// An Excel serial day number (1900 date system, with Excel's phantom 1900-02-29).
    pub fn from_excel_serial(serial: f64) -> Result<LedgerDate, ParseError> {
        if !serial.is_finite() || !(1.0..=73_050.0).contains(&serial) {
            return Err(ParseError::Date);
        }
        let days = serial.floor() as i64;
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or(ParseError::Date)?;
        // Serials 1..=59 are before Excel's phantom leap day and count from 1899-12-31.
        let days = if days < 60 { days + 1 } else { days };
        Ok(LedgerDate::Day(base + Duration::days(days)))
    }

    pub fn from_stored(s: &str) -> Result<LedgerDate, ParseError> {
        match s.len() {
            10 => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(LedgerDate::Day)
                .map_err(|_| ParseError::Date),
            7 => NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
                .map(LedgerDate::Month)
                .map_err(|_| ParseError::Date),
            _ => Err(ParseError::Date),
        }
    }

    /// The first day it can mean: the day itself, or the first of the month.
    pub fn first_day(self) -> NaiveDate {
        match self {
            LedgerDate::Day(d) | LedgerDate::Month(d) => d,
        }
    }

    pub fn is_month(self) -> bool {
        matches!(self, LedgerDate::Month(_))
    }

    pub fn year(self) -> i32 {
        self.first_day().year()
    }
}

fn num(s: &str) -> Result<u32, ParseError> {
    let s = s.trim();
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::Date);
    }
    s.parse().map_err(|_| ParseError::Date)
}

impl fmt::Display for LedgerDate {
    /// The stored form: `2022-05-03` for a day, `2022-05` for a month.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            LedgerDate::Month(d) => write!(f, "{}", d.format("%Y-%m")),
        }
    }
}

impl fmt::Debug for LedgerDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LedgerDate({self})")
    }
}

impl PartialOrd for LedgerDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LedgerDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.first_day(), !self.is_month()).cmp(&(other.first_day(), !other.is_month()))
    }
}

impl TryFrom<String> for LedgerDate {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        LedgerDate::from_stored(&s)
    }
}

impl From<LedgerDate> for String {
    fn from(d: LedgerDate) -> String {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_ledger_form() {
        let cases = [
            ("2022-05-03", "2022-05-03"),
            ("2022/5/3", "2022-05-03"),
            ("2022.5.3", "2022-05-03"),
            ("2022年5月3日", "2022-05-03"),
            ("20220503", "2022-05-03"),
            (" 2022-05-03 00:00:00 ", "2022-05-03"),
            ("２０２２/５/３", "2022-05-03"),
            ("202205", "2022-05"),
            ("2022-05", "2022-05"),
            ("2022/5", "2022-05"),
            ("2022年5月", "2022-05"),
            ("44684", "2022-05-03"),
            ("44684.0", "2022-05-03"),
            ("61", "1900-03-01"),
            ("1", "1900-01-01"),
        ];
        for (input, stored) in cases {
            let d = LedgerDate::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(d.to_string(), stored, "{input}");
            assert_eq!(LedgerDate::from_stored(stored), Ok(d));
        }
        for bad in [
            "",
            "2022-13-01",
            "2022-02-30",
            "abc",
            "2022-05-03-01",
            "1800-01-01",
            "123456789",
            "0",
        ] {
            assert!(LedgerDate::parse(bad).is_err(), "{bad}");
        }
        assert!(LedgerDate::parse("202205").unwrap().is_month());
        assert!(LedgerDate::parse("2022-05").unwrap() < LedgerDate::parse("2022-05-01").unwrap());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = LedgerDate::parse(&s);
        }

        #[test]
        fn stored_form_round_trips(days in 0i64..69_000) {
            let d = LedgerDate::Day(NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + Duration::days(days));
            prop_assert_eq!(LedgerDate::parse(&d.to_string()), Ok(d));
        }
    }
}

//! Money in integer fen (分). Never a float inside the product.

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

/// A trillion yuan: anything beyond is a typing error, not a household's income.
const LIMIT_FEN: i64 = 100_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses an amount in yuan as ledgers write it: `12,345.6`, `１２３４５`, `-50`, `800元`,
    /// and as Excel saves a cell in its currency format to CSV: `￥1,234.50`, `-¥50.00`,
    /// `¥-50.00`. More than two decimals are rounded to the nearest fen (half away from zero).
    pub fn parse_yuan(input: &str) -> Result<Money, ParseError> {
        let s = input.trim();
        let s = s.strip_suffix('元').unwrap_or(s).trim();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        // A number in 万 or 千 yuan (`1.2万`): refused with the cause rather than as a bad
        // amount; words (`五万`) stay a bad amount.
        if s.ends_with(['万', '千']) && s.chars().next().is_some_and(|c| !c.is_alphabetic()) {
            return Err(ParseError::MoneyNotYuan);
        }
        // A currency sign, after the minus sign or before it.
        let mut negative = false;
        let s = match s.strip_prefix(['-', '－']) {
            Some(rest) if rest.starts_with(['¥', '￥']) => {
                negative = true;
                rest
            }
            _ => s,
        };
        let s = s.strip_prefix(['¥', '￥']).map_or(s, str::trim_start);
        if s.is_empty() {
            return Err(ParseError::Money);
        }
        let mut int_part: i64 = 0;
        let mut frac: [u8; 3] = [0; 3];
        let mut frac_len = 0usize;
        let mut any_digit = false;
        let mut in_frac = false;
        for (i, c) in s.chars().enumerate() {
            let d = match c {
                '0'..='9' => c as u32 - '0' as u32,
                '０'..='９' => c as u32 - '０' as u32,
                ',' | '，' if !in_frac => continue,
                '.' | '．' if !in_frac => {
                    in_frac = true;
                    continue;
                }
                '-' | '－' if i == 0 && !negative => {
                    negative = true;
                    continue;
                }
                '+' if i == 0 => continue,
                _ => return Err(ParseError::Money),
            };
            any_digit = true;
            if in_frac {
                if frac_len < 3 {
                    frac[frac_len] = d as u8;
                }
                frac_len += 1;
            } else {
                int_part = int_part
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(i64::from(d)))
                    .ok_or(ParseError::MoneyRange)?;
            }
        }
        if !any_digit {
            return Err(ParseError::Money);
        }
        let mut fen = int_part
            .checked_mul(100)
            .and_then(|v| v.checked_add(i64::from(frac[0]) * 10 + i64::from(frac[1])))
            .ok_or(ParseError::MoneyRange)?;
        if frac[2] >= 5 {
            fen += 1;
        }
        if fen >= LIMIT_FEN {
            return Err(ParseError::MoneyRange);
        }
        Ok(Money(if negative { -fen } else { fen }))
    }

    /// Parses an amount in 万元 (ten thousand yuan), as project ledgers write them: `12.3456`,
    /// `1,200`, `12.5万元`; up to six decimals are exact (to the fen), more are rounded.
    pub fn parse_wan_yuan(input: &str) -> Result<Money, ParseError> {
        let s = input.trim();
        let s = s
            .strip_suffix("万元")
            .or_else(|| s.strip_suffix('万'))
            .unwrap_or(s)
            .trim();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        if s.ends_with('元') {
            return Err(ParseError::Money);
        }
        // The decimal point moved four places right: the same amount in yuan.
        let (int, frac) = match s.find(['.', '．']) {
            Some(i) => {
                let point = s[i..].chars().next().map_or(1, char::len_utf8);
                (&s[..i], &s[i + point..])
            }
            None => (s, ""),
        };
        let digits: Vec<char> = frac.chars().collect();
        if !digits
            .iter()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        {
            return Err(ParseError::Money);
        }
        let mut yuan = int.to_string();
        for i in 0..4 {
            yuan.push(digits.get(i).copied().unwrap_or('0'));
        }
        if digits.len() > 4 {
            yuan.push('.');
            yuan.extend(&digits[4..]);
        }
        Money::parse_yuan(&yuan)
    }

    /// From a spreadsheet number in yuan, rounded to the fen.
    pub fn from_yuan_f64(yuan: f64) -> Result<Money, ParseError> {
        if !yuan.is_finite() {
            return Err(ParseError::Money);
        }
        let fen = (yuan * 100.0).round();
        if fen.abs() >= LIMIT_FEN as f64 {
            return Err(ParseError::MoneyRange);
        }
        Ok(Money(fen as i64))
    }

    /// Yuan with two decimals and no grouping, as ledgers and CSV files carry it: `7701.34`.
    pub fn yuan_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Yuan as a float, only for spreadsheet cells and charts (never for arithmetic).
    pub fn yuan_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// This amount divided among `n` (e.g. per capita), rounded to the nearest fen.
    pub fn divide(self, n: u32) -> Money {
        if n == 0 {
            return Money::ZERO;
        }
        let n = i64::from(n);
        let half = n / 2;
        Money(if self.0 >= 0 {
            (self.0 + half) / n
        } else {
            (self.0 - half) / n
        })
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.yuan_string())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({}元)", self.yuan_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_amounts_in_wan_yuan() {
        for (input, fen) in [
            ("12.3456", 12_345_600),
            ("12.345678", 12_345_678),
            ("1,200", 1_200_000_000),
            (" 12.5万元 ", 12_500_000),
            ("0.0001", 100),
            ("３", 3_000_000),
            ("12.3456789", 12_345_679),
            ("100．5", 100_500_000),
        ] {
            assert_eq!(
                Money::parse_wan_yuan(input).map(Money::fen),
                Ok(fen),
                "{input}"
            );
        }
        for bad in ["", "万元", "12元", "1.2.3", "abc", "1e3"] {
            assert!(Money::parse_wan_yuan(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_ledger_amounts() {
        let cases = [
            ("7701.34", 770134),
            ("12,345.6", 1234560),
            (" 800元 ", 80000),
            ("１２３", 12300),
            ("-50", -5000),
            ("0.005", 1),
            ("0.004", 0),
            ("1,000,000", 100000000),
            // Excel's currency format, saved to CSV.
            ("￥1,234.50", 123450),
            ("¥ 800", 80000),
            ("-¥50.00", -5000),
            ("¥-50.00", -5000),
            ("－￥50", -5000),
        ];
        for (input, fen) in cases {
            assert_eq!(Money::parse_yuan(input).map(Money::fen), Ok(fen), "{input}");
        }
        for bad in [
            "",
            "abc",
            "1.2.3",
            "12-3",
            "1e5",
            "99999999999999999999",
            "¥",
            "¥¥5",
            "-¥-5",
            "5¥",
        ] {
            assert!(Money::parse_yuan(bad).is_err(), "{bad}");
        }
        for wan in ["1.2万", "1.2万元", "3千元", "￥1.5万"] {
            assert_eq!(
                Money::parse_yuan(wan),
                Err(ParseError::MoneyNotYuan),
                "{wan}"
            );
        }
        for bad in ["万", "万元"] {
            assert!(Money::parse_yuan(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Money::from_yuan_f64(7701.339999999).map(Money::fen),
            Ok(770134)
        );
        assert_eq!(Money::from_fen(-5).yuan_string(), "-0.05");
        assert_eq!(Money::from_fen(1000).divide(3).fen(), 333);
        assert_eq!(Money::from_fen(1001).divide(2).fen(), 501);
    }

    proptest! {
        #[test]
        fn yuan_string_round_trips(fen in -10_000_000_000i64..10_000_000_000) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse_yuan(&m.yuan_string()), Ok(m));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = Money::parse_yuan(&s);
        }
    }
}

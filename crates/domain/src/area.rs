//! The 12-digit statistical division code (统计用区划代码): `PP CC XX TTT VVV`.
//!
//! A code is stored as an integer: the descendants of an area are exactly the codes in
//! `area.range()`, so "everything under this county" is one range scan in any database.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

/// The width of each segment: province, prefecture, county, township, village.
const SEGMENTS: [u32; 5] = [2, 2, 2, 3, 3];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum AreaLevel {
    Province = 1,
    City = 2,
    County = 3,
    Township = 4,
    Village = 5,
}

impl AreaLevel {
    pub const ALL: [AreaLevel; 5] = [
        AreaLevel::Province,
        AreaLevel::City,
        AreaLevel::County,
        AreaLevel::Township,
        AreaLevel::Village,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Option<AreaLevel> {
        AreaLevel::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// How many leading digits identify an area of this level.
    pub fn prefix_digits(self) -> u32 {
        SEGMENTS[..self as usize].iter().sum()
    }

    pub fn label(self) -> &'static str {
        match self {
            AreaLevel::Province => "省",
            AreaLevel::City => "市(州)",
            AreaLevel::County => "县(市、区)",
            AreaLevel::Township => "乡(镇)",
            AreaLevel::Village => "村(社区)",
        }
    }

    pub fn child(self) -> Option<AreaLevel> {
        AreaLevel::from_number(self.number() + 1)
    }
}

impl TryFrom<u8> for AreaLevel {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        AreaLevel::from_number(n).ok_or_else(|| format!("invalid area level {n}"))
    }
}

impl From<AreaLevel> for u8 {
    fn from(l: AreaLevel) -> u8 {
        l.number()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaCode(u64);

const TEN_POW: [u64; 13] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
];

impl AreaCode {
    /// No area: the village of a ledger row that names none because it is not read (a row
    /// closing a household: [`crate::Household::closing`]).
    pub(crate) const UNREAD: AreaCode = AreaCode(0);

    /// Parses a code of 12 digits, or a shorter prefix of 2, 4, 6 or 9 digits (padded with zeros,
    /// so `620102` is the county `620102000000`). Full-width digits and surrounding spaces are
    /// accepted.
    pub fn parse(input: &str) -> Result<AreaCode, ParseError> {
        let mut digits: u64 = 0;
        let mut len = 0u32;
        for c in input.trim().chars() {
            let d = match c {
                '0'..='9' => c as u64 - '0' as u64,
                '０'..='９' => c as u64 - '０' as u64,
                _ if crate::error::is_scientific_notation(input) => {
                    return Err(ParseError::ScientificNotation("区划代码"));
                }
                _ => return Err(ParseError::AreaCodeFormat),
            };
            len += 1;
            if len > 12 {
                return Err(ParseError::AreaCodeFormat);
            }
            digits = digits * 10 + d;
        }
        if len == 0 {
            return Err(ParseError::Empty);
        }
        if ![2, 4, 6, 9, 12].contains(&len) {
            return Err(ParseError::AreaCodeFormat);
        }
        AreaCode::from_u64(digits * TEN_POW[(12 - len) as usize])
    }

    /// Builds a code from its integer form, checking its shape: a known province number and
    /// no non-zero segment after a zero one.
    pub fn from_u64(value: u64) -> Result<AreaCode, ParseError> {
        if value >= TEN_POW[12] {
            return Err(ParseError::AreaCodeFormat);
        }
        let code = AreaCode(value);
        let province = code.segment(0);
        if !(11..=82).contains(&province) {
            return Err(ParseError::AreaCodeShape);
        }
        let mut seen_zero = false;
        for i in 1..SEGMENTS.len() {
            let s = code.segment(i);
            if s == 0 {
                seen_zero = true;
            } else if seen_zero {
                return Err(ParseError::AreaCodeShape);
            }
        }
        Ok(code)
    }

    pub fn as_u64(self) -> u64 {
        self.0
    }

    pub fn as_i64(self) -> i64 {
        // Codes are below 10^12, far inside i64.
        self.0 as i64
    }

    pub fn from_i64(value: i64) -> Result<AreaCode, ParseError> {
        u64::try_from(value)
            .map_err(|_| ParseError::AreaCodeFormat)
            .and_then(AreaCode::from_u64)
    }

    /// The value of segment `i` (0 = province .. 4 = village).
    fn segment(self, i: usize) -> u64 {
        let after: u32 = SEGMENTS[i + 1..].iter().sum();
        (self.0 / TEN_POW[after as usize]) % TEN_POW[SEGMENTS[i] as usize]
    }

    pub fn level(self) -> AreaLevel {
        let mut level = AreaLevel::Province;
        for (i, l) in AreaLevel::ALL.iter().enumerate() {
            if self.segment(i) != 0 {
                level = *l;
            }
        }
        level
    }

    /// The code of the area of `level` that contains this one (itself at its own level).
    pub fn ancestor(self, level: AreaLevel) -> Option<AreaCode> {
        if level > self.level() {
            return None;
        }
        let keep = TEN_POW[(12 - level.prefix_digits()) as usize];
        Some(AreaCode(self.0 / keep * keep))
    }

    pub fn parent(self) -> Option<AreaCode> {
        let level = self.level();
        AreaLevel::from_number(level.number().checked_sub(1)?).and_then(|l| self.ancestor(l))
    }

    /// The county this area lies in; `None` for provinces and prefectures.
    pub fn county(self) -> Option<AreaCode> {
        self.ancestor(AreaLevel::County)
    }

    /// The inclusive range of integer codes of this area and everything under it.
    pub fn range(self) -> (u64, u64) {
        let span = TEN_POW[(12 - self.level().prefix_digits()) as usize];
        (self.0, self.0 + span - 1)
    }

    /// Whether `other` is this area or lies under it.
    pub fn contains(self, other: AreaCode) -> bool {
        let (lo, hi) = self.range();
        (lo..=hi).contains(&other.0)
    }

    /// The smallest area holding both this one and `other`; `None` when they lie in different
    /// provinces.
    pub fn common_ancestor(self, other: AreaCode) -> Option<AreaCode> {
        let mut area = self.ancestor(self.level().min(other.level()))?;
        loop {
            if area.contains(other) {
                return Some(area);
            }
            area = area.parent()?;
        }
    }

    /// The significant leading digits, e.g. `620102` for a county.
    pub fn prefix(self) -> String {
        let s = self.to_string();
        s[..self.level().prefix_digits() as usize].to_string()
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012}", self.0)
    }
}

impl fmt::Debug for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AreaCode({:012})", self.0)
    }
}

impl FromStr for AreaCode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AreaCode::parse(s)
    }
}

impl TryFrom<String> for AreaCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        AreaCode::parse(&s)
    }
}

impl From<AreaCode> for String {
    fn from(c: AreaCode) -> String {
        c.to_string()
    }
}

/// What a caller may read and change: one area and everything under it, or (for the operator at
/// the command line, who holds the database file) everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Area(AreaCode),
}

impl Scope {
    pub fn contains(self, code: AreaCode) -> bool {
        match self {
            Scope::All => true,
            Scope::Area(area) => area.contains(code),
        }
    }

    /// Inclusive integer range of the codes in scope.
    pub fn range(self) -> (u64, u64) {
        match self {
            Scope::All => (0, TEN_POW[12] - 1),
            Scope::Area(area) => area.range(),
        }
    }

    /// The scope restricted to `area`, if `area` is inside this scope.
    pub fn narrow(self, area: AreaCode) -> Option<Scope> {
        self.contains(area).then_some(Scope::Area(area))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> AreaCode {
        match AreaCode::parse(s) {
            Ok(c) => c,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn levels_parents_and_ranges() {
        let cases = [
            ("620000000000", AreaLevel::Province, None),
            ("620100000000", AreaLevel::City, Some("620000000000")),
            ("620102000000", AreaLevel::County, Some("620100000000")),
            ("620102001000", AreaLevel::Township, Some("620102000000")),
            ("620102001001", AreaLevel::Village, Some("620102001000")),
        ];
        for (s, level, parent) in cases {
            let c = code(s);
            assert_eq!(c.level(), level, "{s}");
            assert_eq!(
                c.parent().map(|p| p.to_string()),
                parent.map(String::from),
                "{s}"
            );
            assert_eq!(c.to_string(), s);
        }
        let county = code("620102");
        assert_eq!(county.to_string(), "620102000000");
        assert_eq!(county.range(), (620102000000, 620102999999));
        assert!(county.contains(code("620102001001")));
        assert!(!county.contains(code("620103001001")));
        assert_eq!(code("620102001001").county(), Some(county));
        assert_eq!(code("620100000000").county(), None);
        assert_eq!(county.prefix(), "620102");
        assert_eq!(code("６２０１０２００１００１").to_string(), "620102001001");
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "62010200100",
            "6201020010011",
            "62010200a001",
            "990000000000",
            "620100000001",
            "620000001000",
        ] {
            assert!(AreaCode::parse(bad).is_err(), "{bad} should be rejected");
        }
        // A village code Excel showed as 6.20102E+11 and saved so: told as such.
        assert_eq!(
            AreaCode::parse("6.20102E+11"),
            Err(ParseError::ScientificNotation("区划代码"))
        );
        assert_eq!(AreaCode::parse("6201.02"), Err(ParseError::AreaCodeFormat));
    }

    #[test]
    fn scope() {
        let county = code("620102000000");
        let s = Scope::Area(county);
        assert!(s.contains(code("620102001001")));
        assert!(!s.contains(code("620103001001")));
        assert!(s.narrow(code("620103000000")).is_none());
        assert_eq!(
            s.narrow(code("620102001000")),
            Some(Scope::Area(code("620102001000")))
        );
        assert!(Scope::All.contains(code("110101001001")));
    }

    #[test]
    fn common_ancestor_is_the_smallest_area_holding_both() {
        let cases = [
            ("620102001001", "620102001002", Some("620102001000")),
            ("620102001001", "620102002001", Some("620102000000")),
            ("620102001001", "620103001001", Some("620100000000")),
            ("620102001001", "620201001001", Some("620000000000")),
            ("620102001001", "620102001001", Some("620102001001")),
            ("620102000000", "620102001001", Some("620102000000")),
            ("620102001001", "620100000000", Some("620100000000")),
            ("620102001001", "630102001001", None),
        ];
        for (a, b, want) in cases {
            let got = code(a).common_ancestor(code(b));
            assert_eq!(
                got.map(|c| c.to_string()),
                want.map(String::from),
                "{a} {b}"
            );
            assert_eq!(code(b).common_ancestor(code(a)), got, "{b} {a}");
        }
    }
}

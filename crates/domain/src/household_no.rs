//! The national household number (户编号).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HouseholdNo(String);

impl HouseholdNo {
    pub const MAX_LEN: usize = 32;

    /// Letters, digits, `-` and `_`, at most 32; full-width digits and surrounding spaces are
    /// accepted. A number Excel turned into scientific notation (`6.2E+17`) is refused, since its
    /// digits are lost.
    pub fn parse(input: &str) -> Result<HouseholdNo, ParseError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '0'..='9' | 'a'..='z' | 'A'..='Z' | '-' | '_' => out.push(c),
                '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
                _ if crate::error::is_scientific_notation(s) => {
                    return Err(ParseError::ScientificNotation("户编号"));
                }
                _ => return Err(ParseError::HouseholdNo),
            }
        }
        if out.len() > Self::MAX_LEN {
            return Err(ParseError::HouseholdNo);
        }
        Ok(HouseholdNo(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HouseholdNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for HouseholdNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HouseholdNo({})", self.0)
    }
}

impl TryFrom<String> for HouseholdNo {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        HouseholdNo::parse(&s)
    }
}

impl From<HouseholdNo> for String {
    fn from(h: HouseholdNo) -> String {
        h.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(
            HouseholdNo::parse(" 6201020010010001 ").unwrap().as_str(),
            "6201020010010001"
        );
        assert_eq!(HouseholdNo::parse("１２3").unwrap().as_str(), "123");
        assert_eq!(
            HouseholdNo::parse("6.20102E+15"),
            Err(ParseError::ScientificNotation("户编号"))
        );
        assert_eq!(HouseholdNo::parse("6201.02"), Err(ParseError::HouseholdNo));
        assert!(HouseholdNo::parse("").is_err());
        assert!(HouseholdNo::parse(&"1".repeat(33)).is_err());
    }
}

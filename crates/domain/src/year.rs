//! The policy year (年度): thresholds, incomes and policies are set per year.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct PolicyYear(u16);

impl PolicyYear {
    pub fn new(year: u16) -> Result<PolicyYear, ParseError> {
        if (2000..=2100).contains(&year) {
            Ok(PolicyYear(year))
        } else {
            Err(ParseError::Year)
        }
    }

    pub fn parse(input: &str) -> Result<PolicyYear, ParseError> {
        let s = input.trim().trim_end_matches('年');
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        s.parse::<u16>()
            .map_err(|_| ParseError::Year)
            .and_then(PolicyYear::new)
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for PolicyYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for PolicyYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyYear({})", self.0)
    }
}

impl TryFrom<u16> for PolicyYear {
    type Error = ParseError;
    fn try_from(y: u16) -> Result<Self, Self::Error> {
        PolicyYear::new(y)
    }
}

impl From<PolicyYear> for u16 {
    fn from(y: PolicyYear) -> u16 {
        y.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(PolicyYear::parse("2022年").map(PolicyYear::get), Ok(2022));
        assert!(PolicyYear::parse("1999").is_err());
        assert!(PolicyYear::parse("二〇二二").is_err());
    }
}

//! Browsing the registry: a page of households under an area, searched and filtered, in
//! (village, household number) order with a keyset cursor, so the thousandth page costs what the
//! first does. A trait beside [`Store`](crate::Store), implemented in `sql::search`.

use async_trait::async_trait;
use zhenxing_domain::{
    AreaCode, HouseholdNo, HouseholdType, IdNumber, Money, MonitorCategory, RiskType, RiskTypes,
    Scope,
};

use crate::StoreResult;

/// What the search box holds, recognised by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchText {
    /// A person's ID number: the household they belong to.
    IdNumber(IdNumber),
    /// The national household number (户编号).
    HouseholdNo(HouseholdNo),
    /// The head's or a member's name (or its beginning).
    Name(String),
}

impl SearchText {
    /// `None` for empty input.
    pub fn parse(input: &str) -> Option<SearchText> {
        let s = input.trim();
        if s.is_empty() {
            return None;
        }
        if let Ok(id) = IdNumber::parse(s) {
            return Some(SearchText::IdNumber(id));
        }
        if s.is_ascii()
            && let Ok(no) = HouseholdNo::parse(s)
        {
            return Some(SearchText::HouseholdNo(no));
        }
        Some(SearchText::Name(s.chars().take(32).collect()))
    }
}

/// Filters besides the area (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdFilter {
    pub text: Option<SearchText>,
    pub household_type: Option<HouseholdType>,
    /// `Some(None)` is never used: to list monitored households of any category use `monitored`.
    pub category: Option<MonitorCategory>,
    pub monitored: Option<bool>,
    pub risk: Option<RiskType>,
    pub eliminated: Option<bool>,
    /// Closed households (销户) only; else only those not closed, unless searched by number.
    pub closed: bool,
}

/// Where a page ends: the last (village, household number) shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdCursor {
    pub village: AreaCode,
    pub no: HouseholdNo,
}

impl HouseholdCursor {
    /// `620102010201.S001`: opaque to clients, readable to us.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.village.as_u64(), self.no)
    }

    pub fn decode(s: &str) -> Option<HouseholdCursor> {
        let (v, no) = s.split_once('.')?;
        Some(HouseholdCursor {
            village: AreaCode::from_u64(v.parse().ok()?).ok()?,
            no: HouseholdNo::parse(no).ok()?,
        })
    }
}

/// A household as a list shows it: no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdSummary {
    pub county: AreaCode,
    pub no: HouseholdNo,
    pub village: AreaCode,
    pub head_name: String,
    pub size: u32,
    pub persons: u32,
    pub household_type: HouseholdType,
    pub category: Option<MonitorCategory>,
    pub risks: RiskTypes,
    pub eliminated: bool,
    pub per_capita_income: Option<Money>,
    /// Closed (销户): why and the day.
    pub closed: Option<crate::Closed>,
}

#[async_trait]
pub trait HouseholdSearch: Send + Sync {
    /// Up to `limit` households under `area` (which must lie in `scope`, else none) matching
    /// `filter`, after `after`.
    async fn search_households(
        &self,
        scope: Scope,
        area: AreaCode,
        filter: &HouseholdFilter,
        after: Option<&HouseholdCursor>,
        limit: u32,
    ) -> StoreResult<Vec<HouseholdSummary>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_search_text() {
        assert!(matches!(
            SearchText::parse("11010519491231002x"),
            Some(SearchText::IdNumber(_))
        ));
        assert!(matches!(
            SearchText::parse(" S001 "),
            Some(SearchText::HouseholdNo(_))
        ));
        assert_eq!(
            SearchText::parse("王伟"),
            Some(SearchText::Name("王伟".into()))
        );
        assert_eq!(SearchText::parse("  "), None);
        let c = HouseholdCursor {
            village: AreaCode::parse("620102010201").unwrap(),
            no: HouseholdNo::parse("S-1.x").unwrap_or_else(|_| HouseholdNo::parse("S1").unwrap()),
        };
        assert_eq!(HouseholdCursor::decode(&c.encode()), Some(c));
        assert_eq!(HouseholdCursor::decode("garbage"), None);
    }
}

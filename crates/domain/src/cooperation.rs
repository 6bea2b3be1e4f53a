//! Assistance forces (DOMAIN §11): east-west cooperation (东西部协作), central units' paired
//! assistance (中央单位定点帮扶) and cooperation within the province (省内协作). A county keeps,
//! per year and partner, each indicator's plan and what was done — funds planned and arrived,
//! workers placed, enterprises brought, cadres and professionals sent, consumption assistance —
//! and every level above follows the rates.
//!
//! Which indicators there are, their units and whether they are money (kept in fen, written in
//! 万元) is the province's policy (`[cooperation]`).

use serde::Serialize;

use crate::area::{AreaCode, AreaLevel};
use crate::labelled_enum;
use crate::money::Money;
use crate::project::percent;
use crate::year::PolicyYear;

labelled_enum!(
    /// 帮扶类型.
    Program, "帮扶类型" {
        EastWest = 1 => "东西部协作" | "东西协作" | "东西部扶贫协作",
        Paired = 2 => "中央单位定点帮扶" | "定点帮扶" | "中央定点帮扶",
        Provincial = 3 => "省内协作" | "省内对口帮扶" | "省内帮扶",
    }
);

/// An indicator of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// As ledgers name it: "财政援助资金".
    pub name: String,
    /// "万元", "人", "个".
    pub unit: String,
    /// Money: written in 万元, kept in fen.
    pub money: bool,
}

impl Indicator {
    /// A value as written: money in 万元 (exact to the fen), else a whole number; never negative.
    pub fn parse_value(&self, s: &str) -> Result<i64, String> {
        let t = s.trim();
        if self.money {
            match Money::parse_wan_yuan(t) {
                Ok(m) if m.fen() >= 0 => Ok(m.fen()),
                Ok(_) => Err("不能为负数".into()),
                Err(e) => Err(format!("{e}（以万元为单位）")),
            }
        } else {
            let bare = t.trim_end_matches(self.unit.as_str()).replace(',', "");
            bare.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("应为不小于0的整数（单位：{}）", self.unit))
        }
    }

    /// A value as shown: money in 万元 with up to six decimals, else the number.
    pub fn show(&self, v: i64) -> String {
        if self.money {
            let s = format!("{}.{:06}", v / 1_000_000, v % 1_000_000);
            let s = s.trim_end_matches('0');
            let s = s.strip_suffix('.').unwrap_or(s);
            s.to_string()
        } else {
            v.to_string()
        }
    }
}

/// The indicators of a province's policy (`[cooperation]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CooperationRule {
    pub indicators: Vec<Indicator>,
}

impl Default for CooperationRule {
    fn default() -> Self {
        let i = |name: &str, unit: &str, money: bool| Indicator {
            name: name.to_string(),
            unit: unit.to_string(),
            money,
        };
        CooperationRule {
            indicators: vec![
                i("财政援助资金", "万元", true),
                i("帮助农村劳动力就业", "人", false),
                i("其中脱贫劳动力", "人", false),
                i("引导落地企业", "个", false),
                i("企业实际到位投资", "万元", true),
                i("选派挂职干部", "人", false),
                i("选派专业技术人才", "人", false),
                i("消费帮扶", "万元", true),
            ],
        }
    }
}

impl CooperationRule {
    pub fn indicator(&self, name: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.name == name)
    }

    pub fn names(&self) -> String {
        self.indicators
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// One indicator of a county's year with one partner: its plan and what was done (fen for
/// money, else a count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CooperationEntry {
    pub county: AreaCode,
    pub year: PolicyYear,
    pub program: Program,
    /// 帮扶方: the partner (a district of the eastern province, a central unit, ...).
    pub partner: String,
    pub indicator: String,
    pub planned: i64,
    pub done: i64,
    pub note: Option<String>,
}

/// What is wrong with an entry's row; each names the column it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CooperationError {
    #[error("应为县级区划，实为{0}")]
    NotCounty(String),
    #[error("指标“{0}”不在本年度政策的协作帮扶指标中（{1}）")]
    UnknownIndicator(String, String),
}

impl CooperationError {
    pub fn column(&self) -> &'static str {
        match self {
            CooperationError::NotCounty(_) => "区划代码",
            CooperationError::UnknownIndicator(..) => "指标",
        }
    }
}

impl CooperationEntry {
    /// Its key within its county: "2026/1/天津市河西区/财政援助资金".
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.year.get(),
            self.program.code(),
            self.partner,
            self.indicator
        )
    }

    pub fn check(&self, rule: &CooperationRule) -> Vec<CooperationError> {
        let mut errors = Vec::new();
        if self.county.level() != AreaLevel::County {
            errors.push(CooperationError::NotCounty(self.county.to_string()));
        }
        if rule.indicator(&self.indicator).is_none() {
            errors.push(CooperationError::UnknownIndicator(
                self.indicator.clone(),
                rule.names(),
            ));
        }
        errors
    }
}

/// An indicator's sums over an area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IndicatorFigures {
    pub planned: i64,
    pub done: i64,
}

impl IndicatorFigures {
    pub fn add(&mut self, e: &CooperationEntry) {
        self.planned = self.planned.saturating_add(e.planned);
        self.done = self.done.saturating_add(e.done);
    }

    /// 完成率 = done / planned ("-" without a plan).
    pub fn rate(&self) -> String {
        percent(self.done, self.planned)
    }

    pub fn behind(&self) -> bool {
        self.done < self.planned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_in_the_indicator_s_unit() {
        let rule = CooperationRule::default();
        let funds = rule.indicator("财政援助资金").unwrap();
        assert_eq!(funds.parse_value("1,234.5"), Ok(1_234_500_000));
        assert_eq!(funds.show(12_345_000), "12.345");
        assert_eq!(funds.show(3_000_000), "3");
        assert!(funds.parse_value("-1").is_err());
        let workers = rule.indicator("帮助农村劳动力就业").unwrap();
        assert_eq!(workers.parse_value("1,200人"), Ok(1200));
        assert_eq!(
            workers.parse_value("12.5"),
            Err("应为不小于0的整数（单位：人）".to_string())
        );
        assert_eq!(workers.show(1200), "1200");
    }

    #[test]
    fn an_entry_is_a_county_s_and_of_a_known_indicator() {
        let rule = CooperationRule::default();
        let e = CooperationEntry {
            county: AreaCode::parse("620102000000").unwrap(),
            year: PolicyYear::new(2026).unwrap(),
            program: Program::EastWest,
            partner: "天津市河西区".into(),
            indicator: "财政援助资金".into(),
            planned: 5_000_000_000,
            done: 4_000_000_000,
            note: None,
        };
        assert!(e.check(&rule).is_empty());
        assert_eq!(e.key(), "2026/1/天津市河西区/财政援助资金");
        let bad = CooperationEntry {
            county: AreaCode::parse("620102001000").unwrap(),
            indicator: "修路".into(),
            ..e.clone()
        };
        let errors = bad.check(&rule);
        assert_eq!(
            errors[0],
            CooperationError::NotCounty("620102001000".into())
        );
        assert_eq!(errors[1].column(), "指标");
        let mut f = IndicatorFigures::default();
        assert_eq!(f.rate(), "-");
        f.add(&e);
        f.add(&e);
        assert_eq!((f.planned, f.done), (10_000_000_000, 8_000_000_000));
        assert_eq!(f.rate(), "80.00%");
        assert!(f.behind());
    }
}

//! The national data checks (DOMAIN §9) and the plan findings (§8), run on every monitored
//! household of an area.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::household::{EliminationMode, Household};
use crate::money::Money;
use crate::policy::Policy;

use super::elimination::months_between;
use super::plan::{PlanFinding, PlannedMeasure, plan_findings, risks_covered};

/// One rule a monitored household breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum DataFinding {
    /// 识别到消除不足6个月.
    EliminatedWithinSixMonths { months: i32 },
    /// 帮扶消除在识别当月或次月.
    AssistedInSameOrNextMonth,
    /// 帮扶消除但无帮扶措施.
    AssistedWithoutMeasure,
    /// 帮扶消除但人均纯收入低于监测范围.
    AssistedBelowLine {
        income: Option<Money>,
        threshold: Money,
    },
    /// 整户无劳动能力却已消除.
    EliminatedWithoutLabour,
    /// A finding of the assistance plan (not eliminated households).
    Plan(PlanFinding),
}

impl DataFinding {
    pub fn code(&self) -> &'static str {
        match self {
            DataFinding::EliminatedWithinSixMonths { .. } => "eliminated_within_six_months",
            DataFinding::AssistedInSameOrNextMonth => "assisted_same_or_next_month",
            DataFinding::AssistedWithoutMeasure => "assisted_without_measure",
            DataFinding::AssistedBelowLine { .. } => "assisted_below_line",
            DataFinding::EliminatedWithoutLabour => "eliminated_without_labour",
            DataFinding::Plan(p) => p.code(),
        }
    }

    /// Every rule code, in report order.
    pub const CODES: &'static [&'static str] = &[
        "eliminated_within_six_months",
        "assisted_same_or_next_month",
        "assisted_without_measure",
        "assisted_below_line",
        "eliminated_without_labour",
        "no_responsible_cadre",
        "risk_without_measure",
        "no_development_measure",
        "no_safety_net_measure",
    ];

    pub fn label_of(code: &str) -> &'static str {
        match code {
            "eliminated_within_six_months" => "识别到消除不足6个月",
            "assisted_same_or_next_month" => "帮扶消除在识别当月或次月",
            "assisted_without_measure" => "帮扶消除但无帮扶措施",
            "assisted_below_line" => "帮扶消除但收入低于监测范围",
            "eliminated_without_labour" => "整户无劳动能力却已消除",
            "no_responsible_cadre" => "未明确帮扶责任人",
            "risk_without_measure" => "风险无针对性措施",
            "no_development_measure" => "有劳动能力但无开发式帮扶措施",
            "no_safety_net_measure" => "无劳动能力但无兜底保障措施",
            _ => "其他",
        }
    }
}

impl std::fmt::Display for DataFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataFinding::EliminatedWithinSixMonths { months } => {
                write!(f, "识别到风险消除仅{months}个月，不足6个月")
            }
            DataFinding::AssistedInSameOrNextMonth => {
                write!(f, "帮扶消除的时间在识别当月或次月")
            }
            DataFinding::AssistedWithoutMeasure => write!(f, "帮扶消除但没有任何帮扶措施"),
            DataFinding::AssistedBelowLine { income, threshold } => match income {
                Some(i) => write!(f, "帮扶消除但人均纯收入{i}元低于监测范围{threshold}元"),
                None => write!(f, "帮扶消除但人均纯收入未填报"),
            },
            DataFinding::EliminatedWithoutLabour => {
                write!(f, "整户无劳动能力，不应消除风险")
            }
            DataFinding::Plan(p) => write!(f, "{p}"),
        }
    }
}

/// What the checks look at for one monitored household.
pub struct CheckSubject<'a> {
    pub household: &'a Household,
    pub without_labour: bool,
    pub has_cadre: bool,
    pub measures: &'a [PlannedMeasure],
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month() as i32
}

/// The findings of one monitored household. `policy` is the one of the year the household was
/// eliminated in (for eliminated households) or of `today`'s year.
pub fn data_checks(policy: &Policy, s: &CheckSubject, today: NaiveDate) -> Vec<DataFinding> {
    let h = s.household;
    let m = &h.monitoring;
    let Some(identified) = m.identified_on.filter(|_| m.category.is_some()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if m.eliminated {
        if let Some(eliminated) = m.eliminated_on {
            let months = months_between(identified.first_day(), eliminated.first_day());
            if months < 6 {
                out.push(DataFinding::EliminatedWithinSixMonths { months });
            }
            if m.elimination_mode == Some(EliminationMode::Assisted)
                && month_index(eliminated.first_day()) <= month_index(identified.first_day()) + 1
            {
                out.push(DataFinding::AssistedInSameOrNextMonth);
            }
        }
        if m.elimination_mode == Some(EliminationMode::Assisted) {
            if risks_covered(s.measures).is_empty() {
                out.push(DataFinding::AssistedWithoutMeasure);
            }
            let income = h.per_capita_income();
            if income.is_none_or(|i| i < policy.threshold) {
                out.push(DataFinding::AssistedBelowLine {
                    income,
                    threshold: policy.threshold,
                });
            }
        }
        if s.without_labour {
            out.push(DataFinding::EliminatedWithoutLabour);
        }
    } else {
        out.extend(
            plan_findings(
                policy,
                identified.first_day(),
                m.risks,
                s.without_labour,
                s.has_cadre,
                s.measures,
                today,
            )
            .into_iter()
            .map(DataFinding::Plan),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::AreaCode;
    use crate::date::LedgerDate;
    use crate::household::{HouseholdType, Income, MonitorCategory, Monitoring, RiskTypes};
    use crate::household_no::HouseholdNo;
    use crate::monitoring::plan::MeasureStatus;
    use crate::year::PolicyYear;

    fn policy() -> Policy {
        let text = crate::policy::shipped(
            AreaCode::parse("62").unwrap(),
            PolicyYear::new(2022).unwrap(),
        )
        .unwrap();
        Policy::parse(text).unwrap()
    }

    fn eliminated(identified: &str, on: &str, mode: EliminationMode, income: i64) -> Household {
        Household {
            income: Income {
                declared_per_capita: Some(Money::from_yuan(income)),
                ..Income::default()
            },
            monitoring: Monitoring {
                category: Some(MonitorCategory::UnstableExPoor),
                risks: RiskTypes::parse("因病").unwrap(),
                identified_on: LedgerDate::parse(identified).ok(),
                eliminated: true,
                eliminated_on: LedgerDate::parse(on).ok(),
                elimination_mode: Some(mode),
            },
            ..Household::bare(
                HouseholdNo::parse("H1").unwrap(),
                AreaCode::parse("620102010201").unwrap(),
                "王伟".into(),
                3,
                HouseholdType::ExPoor,
            )
        }
    }

    fn measure() -> PlannedMeasure {
        PlannedMeasure {
            measure: "medical_assistance".into(),
            risk: crate::household::RiskType::Illness,
            starts_on: NaiveDate::from_ymd_opt(2022, 3, 1).unwrap(),
            ends_on: None,
            status: MeasureStatus::Done,
            note: None,
        }
    }

    /// (household, without labour, with a measure, expected finding codes)
    #[test]
    fn national_checker_rules() {
        use EliminationMode::*;
        let p = policy();
        let today = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        let cases = [
            (
                eliminated("2022-01-10", "2022-09-10", Assisted, 8000),
                false,
                true,
                vec![],
            ),
            (
                eliminated("2022-01-10", "2022-05-10", Natural, 8000),
                false,
                false,
                vec!["eliminated_within_six_months"],
            ),
            (
                eliminated("2022-01-10", "2022-02-20", Assisted, 8000),
                false,
                true,
                vec![
                    "eliminated_within_six_months",
                    "assisted_same_or_next_month",
                ],
            ),
            (
                eliminated("2022-01-10", "2022-09-10", Assisted, 8000),
                false,
                false,
                vec!["assisted_without_measure"],
            ),
            (
                eliminated("2022-01-10", "2022-09-10", Assisted, 6000),
                false,
                true,
                vec!["assisted_below_line"],
            ),
            // A ledger month (202201) counts from its first day.
            (
                eliminated("202201", "202207", Natural, 6000),
                true,
                false,
                vec!["eliminated_without_labour"],
            ),
        ];
        for (h, without_labour, with_measure, expected) in cases {
            let measures = if with_measure {
                vec![measure()]
            } else {
                vec![]
            };
            let s = CheckSubject {
                household: &h,
                without_labour,
                has_cadre: true,
                measures: &measures,
            };
            let got: Vec<&str> = data_checks(&p, &s, today)
                .iter()
                .map(|f| f.code())
                .collect();
            assert_eq!(got, expected, "{:?}", h.monitoring);
        }
        for code in DataFinding::CODES {
            assert_ne!(DataFinding::label_of(code), "其他");
        }
    }
}

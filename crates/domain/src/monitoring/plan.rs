//! The assistance plan (一户一策, DOMAIN §8): a responsible cadre and measures from the
//! catalogue, each aimed at one risk, with dates and status; and what is missing from it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::household::{Household, RiskType, RiskTypes};
use crate::labelled_enum;
use crate::member::Member;
use crate::policy::{MeasureKind, Policy};

use super::error::MonitoringError;

labelled_enum!(
    /// 措施落实状态.
    MeasureStatus, "措施状态" {
        Planned = 1 => "计划" | "未开始",
        InProgress = 2 => "落实中" | "实施中",
        Done = 3 => "已落实" | "已完成",
        Cancelled = 4 => "已取消" | "取消",
    }
);

/// A measure of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedMeasure {
    /// The catalogue code.
    pub measure: String,
    pub risk: RiskType,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: MeasureStatus,
    pub note: Option<String>,
}

impl PlannedMeasure {
    /// Counts for the plan unless cancelled.
    pub fn is_active(&self) -> bool {
        self.status != MeasureStatus::Cancelled
    }

    /// Checks it against the policy's catalogue.
    pub fn check(&self, policy: &Policy) -> Result<(), MonitoringError> {
        let Some(item) = policy.measure(&self.measure) else {
            return Err(MonitoringError::MeasureNotInCatalogue(self.measure.clone()));
        };
        if !item.risks.is_empty() && !item.risks.contains(self.risk) {
            return Err(MonitoringError::MeasureNotForRisk {
                measure: item.label.clone(),
                risk: self.risk,
            });
        }
        if self.ends_on.is_some_and(|e| e < self.starts_on) {
            return Err(MonitoringError::MeasureDates);
        }
        Ok(())
    }
}

/// The risks a set of measures covers (cancelled ones do not count).
pub fn risks_covered(measures: &[PlannedMeasure]) -> RiskTypes {
    let mut covered = RiskTypes::default();
    for m in measures.iter().filter(|m| m.is_active()) {
        covered.insert(m.risk);
    }
    covered
}

/// Whether the whole household is without labour: so flagged, or every member registered with
/// a labour ability that cannot work (a member whose ability is not recorded is not counted as
/// unable).
pub fn whole_household_without_labour(h: &Household, members: &[Member]) -> bool {
    h.no_labour
        || (!members.is_empty()
            && members
                .iter()
                .all(|m| m.labour.is_some_and(|l| !l.can_work())))
}

/// What is missing from a monitored household's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum PlanFinding {
    NoResponsibleCadre,
    /// A risk with no measure aimed at it.
    RiskWithoutMeasure {
        risk: RiskType,
    },
    /// A household with labour and no development-type measure after the policy's period.
    NoDevelopmentMeasure {
        due: NaiveDate,
    },
    /// A household without labour and no safety-net measure after the same period.
    NoSafetyNetMeasure {
        due: NaiveDate,
    },
}

impl PlanFinding {
    pub fn code(&self) -> &'static str {
        match self {
            PlanFinding::NoResponsibleCadre => "no_responsible_cadre",
            PlanFinding::RiskWithoutMeasure { .. } => "risk_without_measure",
            PlanFinding::NoDevelopmentMeasure { .. } => "no_development_measure",
            PlanFinding::NoSafetyNetMeasure { .. } => "no_safety_net_measure",
        }
    }
}

impl std::fmt::Display for PlanFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanFinding::NoResponsibleCadre => write!(f, "未明确帮扶责任人"),
            PlanFinding::RiskWithoutMeasure { risk } => {
                write!(f, "“{risk}”风险没有针对性帮扶措施")
            }
            PlanFinding::NoDevelopmentMeasure { due } => {
                write!(f, "有劳动能力，识别后至{due}仍未落实开发式帮扶措施")
            }
            PlanFinding::NoSafetyNetMeasure { due } => {
                write!(f, "整户无劳动能力，识别后至{due}仍未落实兜底保障措施")
            }
        }
    }
}

/// The findings of a plan of a household monitored (not eliminated) since `identified_on`.
pub fn plan_findings(
    policy: &Policy,
    identified_on: NaiveDate,
    risks: RiskTypes,
    without_labour: bool,
    has_cadre: bool,
    measures: &[PlannedMeasure],
    today: NaiveDate,
) -> Vec<PlanFinding> {
    let mut out = Vec::new();
    if !has_cadre {
        out.push(PlanFinding::NoResponsibleCadre);
    }
    let covered = risks_covered(measures);
    for risk in risks.iter().filter(|r| !covered.contains(*r)) {
        out.push(PlanFinding::RiskWithoutMeasure { risk });
    }
    let due = policy.due(identified_on, policy.deadlines.development_measure);
    if today > due {
        let wanted = if without_labour {
            MeasureKind::SafetyNet
        } else {
            MeasureKind::Development
        };
        let has = measures
            .iter()
            .filter(|m| m.is_active())
            .any(|m| policy.measure_kind(&m.measure) == Some(wanted));
        if !has {
            out.push(if without_labour {
                PlanFinding::NoSafetyNetMeasure { due }
            } else {
                PlanFinding::NoDevelopmentMeasure { due }
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::AreaCode;
    use crate::year::PolicyYear;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn policy() -> Policy {
        let text = crate::policy::shipped(
            AreaCode::parse("62").unwrap(),
            PolicyYear::new(2022).unwrap(),
        )
        .unwrap();
        Policy::parse(text).unwrap()
    }

    fn m(code: &str, risk: &str, status: MeasureStatus) -> PlannedMeasure {
        PlannedMeasure {
            measure: code.into(),
            risk: RiskType::parse(risk).unwrap(),
            starts_on: d("2022-03-10"),
            ends_on: None,
            status,
            note: None,
        }
    }

    #[test]
    fn measures_against_the_catalogue() {
        let p = policy();
        assert!(
            m("microcredit", "因病", MeasureStatus::Planned)
                .check(&p)
                .is_ok()
        );
        let e = |x: PlannedMeasure| x.check(&p).err().map(|e| e.to_string());
        assert_eq!(
            e(m("lottery", "因病", MeasureStatus::Planned)).as_deref(),
            Some("措施“lottery”不在本年度政策的措施目录中")
        );
        assert_eq!(
            e(m("education_aid", "因病", MeasureStatus::Planned)).as_deref(),
            Some("措施“教育资助、控辍保学”按政策目录不能针对“因病”风险")
        );
        let mut late = m("microcredit", "因病", MeasureStatus::Planned);
        late.ends_on = Some(d("2022-03-01"));
        assert_eq!(e(late).as_deref(), Some("措施的结束日期早于开始日期"));
    }

    /// (labour?, cadre?, measures, today, expected finding codes)
    #[test]
    fn findings() {
        let p = policy();
        let risks = RiskTypes::parse("因病;因学").unwrap();
        use MeasureStatus::*;
        type Case<'a> = (bool, bool, Vec<PlannedMeasure>, &'a str, Vec<&'a str>);
        let cases: Vec<Case> = vec![
            (
                true,
                true,
                vec![],
                "2022-03-20",
                vec!["risk_without_measure", "risk_without_measure"],
            ),
            // 30 calendar days after 2022-03-01 is 03-31: a finding from 04-01.
            (
                true,
                true,
                vec![
                    m("medical_assistance", "因病", Done),
                    m("education_aid", "因学", InProgress),
                ],
                "2022-03-31",
                vec![],
            ),
            (
                true,
                true,
                vec![
                    m("medical_assistance", "因病", Done),
                    m("education_aid", "因学", InProgress),
                ],
                "2022-04-01",
                vec!["no_development_measure"],
            ),
            (
                true,
                false,
                vec![
                    m("microcredit", "因病", Planned),
                    m("education_aid", "因学", Done),
                ],
                "2022-06-01",
                vec!["no_responsible_cadre"],
            ),
            // A cancelled measure counts for nothing.
            (
                true,
                true,
                vec![
                    m("microcredit", "因病", Cancelled),
                    m("education_aid", "因学", Done),
                ],
                "2022-06-01",
                vec!["risk_without_measure", "no_development_measure"],
            ),
            // Without labour, safety-net measures are right.
            (
                false,
                true,
                vec![
                    m("medical_assistance", "因病", Done),
                    m("education_aid", "因学", Done),
                ],
                "2022-06-01",
                vec![],
            ),
            (
                false,
                true,
                vec![m("microcredit", "因病", Done), m("yulu_plan", "因学", Done)],
                "2022-06-01",
                vec!["no_safety_net_measure"],
            ),
        ];
        for (labour, cadre, measures, today, expected) in cases {
            let got: Vec<&str> = plan_findings(
                &p,
                d("2022-03-01"),
                risks,
                !labour,
                cadre,
                &measures,
                d(today),
            )
            .iter()
            .map(PlanFinding::code)
            .collect();
            assert_eq!(got, expected, "{today} {measures:?}");
        }
    }
}

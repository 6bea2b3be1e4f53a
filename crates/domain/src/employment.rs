//! 务工就业 (DOMAIN §11): the labour of ex-poor households (脱贫劳动力) and of monitoring objects
//! (监测对象劳动力) — members whose 劳动技能 the policy counts as labour — and how many of them are
//! in migrant work (务工: a place or months given) or in a public-welfare job (公益岗位). The
//! national dispatch follows the size of the ex-poor labour in work (务工就业规模) and the share.

use serde::{Deserialize, Serialize};

use crate::project::percent;
use crate::{AreaCode, AreaLevel, PolicyYear};

/// What the year's employment target (务工就业目标) is compared with: the ex-poor labour in work,
/// and — when the province counts them, as the national dispatch has since 2023
/// (脱贫人口（含监测对象）务工就业规模) — the monitoring objects' labour in work too. Policy data
/// (`[employment]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentRule {
    pub target_includes_monitored: bool,
}

impl Default for EmploymentRule {
    fn default() -> Self {
        EmploymentRule {
            target_includes_monitored: true,
        }
    }
}

impl EmploymentRule {
    /// The persons in work the target is compared with.
    pub fn counted(&self, f: &EmploymentFigures) -> u64 {
        if self.target_includes_monitored {
            f.ex_poor.employed + f.monitored.employed
        } else {
            f.ex_poor.employed
        }
    }

    /// What the target counts, as the tables head it.
    pub fn label(&self) -> &'static str {
        if self.target_includes_monitored {
            "脱贫人口（含监测对象）务工就业"
        } else {
            "脱贫人口务工就业"
        }
    }
}

/// A county's target for a year: the persons to be in work (务工就业规模), set it by the
/// province and the city (市州) and kept in the county's key like every ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmploymentTarget {
    pub county: AreaCode,
    pub year: PolicyYear,
    pub persons: u32,
    pub note: Option<String>,
}

/// Why a target cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("务工就业目标下达到县（市、区）：{0}不是县级区划")]
    NotCounty(AreaCode),
    #[error("目标人数应大于0")]
    Zero,
}

impl EmploymentTarget {
    /// The target's key within its county: its year.
    pub fn key(&self) -> String {
        self.year.get().to_string()
    }

    pub fn check(&self) -> Vec<TargetError> {
        let mut e = Vec::new();
        if self.county.level() != AreaLevel::County {
            e.push(TargetError::NotCounty(self.county));
        }
        if self.persons == 0 {
            e.push(TargetError::Zero);
        }
        e
    }
}

/// An area's progress against its counties' targets: the persons in work of the counties with a
/// target as the rule counts them, the sum of the targets (`None`: no county under it has one;
/// then the area's persons in work).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TargetProgress {
    pub counted: u64,
    pub target: Option<u64>,
}

impl TargetProgress {
    /// 完成率 = counted / target ("-" without a target).
    pub fn rate(&self) -> String {
        match self.target {
            Some(t) => percent(self.counted as i64, t as i64),
            None => "-".to_string(),
        }
    }

    /// Fewer in work than the target.
    pub fn behind(&self) -> bool {
        self.target.is_some_and(|t| self.counted < t)
    }

    /// How many more are to be in work to reach the target.
    pub fn short(&self) -> u64 {
        self.target
            .map(|t| t.saturating_sub(self.counted))
            .unwrap_or(0)
    }
}

/// A group's labour and its employment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LabourFigures {
    pub labour: u64,
    /// In migrant work.
    pub migrant: u64,
    /// In a public-welfare job.
    pub welfare_job: u64,
    /// In either (each person once, as the policy counts employment).
    pub employed: u64,
}

impl LabourFigures {
    pub fn add(&mut self, other: &LabourFigures) {
        self.labour += other.labour;
        self.migrant += other.migrant;
        self.welfare_job += other.welfare_job;
        self.employed += other.employed;
    }

    /// 就业率 = employed / labour.
    pub fn employment_rate(&self) -> String {
        percent(self.employed as i64, self.labour as i64)
    }
}

/// The labour of an area: of ex-poor households, and of monitoring objects that are not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EmploymentFigures {
    pub ex_poor: LabourFigures,
    pub monitored: LabourFigures,
}

impl EmploymentFigures {
    pub fn add(&mut self, other: &EmploymentFigures) {
        self.ex_poor.add(&other.ex_poor);
        self.monitored.add(&other.monitored);
    }

    /// Both groups.
    pub fn total(&self) -> LabourFigures {
        let mut t = self.ex_poor;
        t.add(&self.monitored);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_add_up_and_the_rate_rounds() {
        let mut f = EmploymentFigures::default();
        f.add(&EmploymentFigures {
            ex_poor: LabourFigures {
                labour: 3,
                migrant: 1,
                welfare_job: 1,
                employed: 2,
            },
            monitored: LabourFigures {
                labour: 1,
                migrant: 0,
                welfare_job: 0,
                employed: 0,
            },
        });
        assert_eq!(f.ex_poor.employment_rate(), "66.67%");
        assert_eq!(f.total().labour, 4);
        assert_eq!(f.total().employment_rate(), "50.00%");
        assert_eq!(LabourFigures::default().employment_rate(), "-");
    }

    #[test]
    fn the_target_counts_the_monitored_when_the_policy_says_so() {
        let f = EmploymentFigures {
            ex_poor: LabourFigures {
                employed: 70,
                ..LabourFigures::default()
            },
            monitored: LabourFigures {
                employed: 20,
                ..LabourFigures::default()
            },
        };
        assert_eq!(EmploymentRule::default().counted(&f), 90);
        let only = EmploymentRule {
            target_includes_monitored: false,
        };
        assert_eq!(only.counted(&f), 70);
        let p = TargetProgress {
            counted: 90,
            target: Some(120),
        };
        assert_eq!(
            (p.rate(), p.behind(), p.short()),
            ("75.00%".into(), true, 30)
        );
        let over = TargetProgress {
            counted: 130,
            target: Some(120),
        };
        assert_eq!(
            (over.rate(), over.behind(), over.short()),
            ("108.33%".into(), false, 0)
        );
        assert_eq!(TargetProgress::default().rate(), "-");
        assert!(!TargetProgress::default().behind());
    }

    #[test]
    fn a_target_is_a_countys_and_not_zero() {
        let t = |code: &str, persons| EmploymentTarget {
            county: AreaCode::parse(code).unwrap(),
            year: PolicyYear::new(2026).unwrap(),
            persons,
            note: None,
        };
        assert!(t("620102000000", 100).check().is_empty());
        assert_eq!(t("620102000000", 100).key(), "2026");
        assert_eq!(
            t("620100000000", 0).check(),
            vec![
                TargetError::NotCounty(AreaCode::parse("620100000000").unwrap()),
                TargetError::Zero
            ]
        );
    }
}

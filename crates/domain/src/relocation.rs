//! 易地扶贫搬迁安置区的就业帮扶 (DOMAIN §11): the floor task of the relocation sites — every
//! relocated household with labour has at least one member employed (一户一人就业). Judged on the
//! registry's members; which members count as labour and what counts as employment is the
//! province's policy ([`RelocationRule`]).

use serde::Serialize;

use crate::member::{Labour, Member};

/// What counts as employment for the floor task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentKind {
    /// 务工: a migrant work place or months given.
    Migrant,
    /// 公益岗位.
    WelfareJob,
}

impl EmploymentKind {
    pub const ALL: [EmploymentKind; 2] = [EmploymentKind::Migrant, EmploymentKind::WelfareJob];

    pub fn label(self) -> &'static str {
        match self {
            EmploymentKind::Migrant => "务工",
            EmploymentKind::WelfareJob => "公益岗位",
        }
    }

    pub fn parse(s: &str) -> Option<EmploymentKind> {
        Self::ALL.into_iter().find(|k| k.label() == s.trim())
    }
}

/// The floor task of a province's policy (`[relocation]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelocationRule {
    /// Employed members a relocated household with labour must have (its labour if fewer).
    pub min_employed: u8,
    /// The labour abilities that count as labour.
    pub labour: Vec<Labour>,
    /// What counts as employment.
    pub employment: Vec<EmploymentKind>,
}

impl Default for RelocationRule {
    /// 有劳动力的搬迁户每户至少一人就业; 普通、技能、弱劳动力 are labour; 务工 and 公益岗位 are
    /// employment *(default)*.
    fn default() -> Self {
        RelocationRule {
            min_employed: 1,
            labour: vec![Labour::Ordinary, Labour::Skilled, Labour::Weak],
            employment: EmploymentKind::ALL.to_vec(),
        }
    }
}

impl RelocationRule {
    /// Whether a member counts as labour.
    pub fn is_labour(&self, m: &Member) -> bool {
        m.labour.is_some_and(|l| self.labour.contains(&l))
    }

    /// Whether a member counts as employed, and how.
    pub fn employment_of(&self, m: &Member) -> (bool, bool) {
        let migrant = self.employment.contains(&EmploymentKind::Migrant)
            && (m
                .migrant_place
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty())
                || m.migrant_months.is_some_and(|n| n > 0));
        let welfare =
            self.employment.contains(&EmploymentKind::WelfareJob) && m.welfare_job == Some(true);
        (migrant, welfare)
    }

    /// A household's employment, judged on its current members.
    pub fn judge(&self, members: &[Member]) -> Employment {
        let mut e = Employment::default();
        for m in members.iter().filter(|m| m.leaving.is_none()) {
            e.persons += 1;
            if self.is_labour(m) {
                e.labour += 1;
            }
            let (migrant, welfare) = self.employment_of(m);
            if migrant {
                e.migrant += 1;
            }
            if welfare {
                e.welfare_job += 1;
            }
            if migrant || welfare {
                e.employed += 1;
            }
        }
        e.required = u32::from(self.min_employed).min(e.labour);
        e
    }
}

/// A relocated household's members as the floor task counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Employment {
    pub persons: u32,
    /// Members who count as labour.
    pub labour: u32,
    /// Members employed (务工 or 公益岗位, each person once).
    pub employed: u32,
    pub migrant: u32,
    pub welfare_job: u32,
    /// Employed members the household must have: the rule's minimum, or its labour if fewer.
    pub required: u32,
}

impl Employment {
    pub fn has_labour(&self) -> bool {
        self.labour > 0
    }

    /// A household with labour short of its employed members (the floor task's list to act on;
    /// with the default rule, 零就业户).
    pub fn short(&self) -> bool {
        self.has_labour() && self.employed < self.required
    }
}

/// The floor task's figures over a set of relocated households (a site, an area).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RelocationFigures {
    pub households: u64,
    pub persons: u64,
    /// Households with labour.
    pub labour_households: u64,
    pub labour: u64,
    pub employed: u64,
    pub migrant: u64,
    pub welfare_job: u64,
    /// Households with labour that have their employed members.
    pub households_met: u64,
    /// Households with labour short of them.
    pub households_short: u64,
}

impl RelocationFigures {
    pub fn add(&mut self, e: &Employment) {
        self.households += 1;
        self.persons += u64::from(e.persons);
        self.labour += u64::from(e.labour);
        self.employed += u64::from(e.employed);
        self.migrant += u64::from(e.migrant);
        self.welfare_job += u64::from(e.welfare_job);
        if e.has_labour() {
            self.labour_households += 1;
            if e.short() {
                self.households_short += 1;
            } else {
                self.households_met += 1;
            }
        }
    }

    /// Households with labour that have their employed members, in per mille of those with
    /// labour (`None` when none has labour).
    pub fn met_per_mille(&self) -> Option<u64> {
        (self.labour_households > 0).then(|| {
            (self.households_met * 1000 + self.labour_households / 2) / self.labour_households
        })
    }

    /// [`RelocationFigures::met_per_mille`] as a percentage with one decimal, "-" when none.
    pub fn met_rate(&self) -> String {
        match self.met_per_mille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "-".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HouseholdNo, IdNumber, Relation};

    fn member(
        labour: Option<Labour>,
        place: Option<&str>,
        months: Option<u8>,
        welfare: bool,
    ) -> Member {
        let mut m = Member::bare(
            HouseholdNo::parse("620102001001001").unwrap(),
            IdNumber::parse("11010519491231002X").unwrap(),
            "甲".into(),
            Relation::Head,
        );
        m.labour = labour;
        m.migrant_place = place.map(str::to_string);
        m.migrant_months = months;
        m.welfare_job = Some(welfare);
        m
    }

    #[test]
    fn a_household_with_labour_and_nobody_working_is_short() {
        let rule = RelocationRule::default();
        let e = rule.judge(&[
            member(Some(Labour::Ordinary), None, None, false),
            member(Some(Labour::None), None, None, false),
        ]);
        assert_eq!((e.persons, e.labour, e.employed, e.required), (2, 1, 0, 1));
        assert!(e.short());
        // One member working (a place without months, months without a place, or a 公益岗位).
        for working in [
            member(Some(Labour::Weak), Some("县内"), None, false),
            member(Some(Labour::Weak), Some(" "), Some(6), false),
            member(Some(Labour::Lost), None, None, true),
        ] {
            let e = rule.judge(&[member(Some(Labour::Skilled), None, None, false), working]);
            assert_eq!(e.employed, 1);
            assert!(!e.short(), "{e:?}");
        }
    }

    #[test]
    fn a_household_without_labour_is_not_on_the_list() {
        let rule = RelocationRule::default();
        let e = rule.judge(&[
            member(Some(Labour::Lost), None, None, false),
            member(None, None, None, false),
        ]);
        assert!(!e.has_labour());
        assert!(!e.short());
        let mut f = RelocationFigures::default();
        f.add(&e);
        assert_eq!(
            (f.households, f.labour_households, f.households_short),
            (1, 0, 0)
        );
        assert_eq!(f.met_rate(), "-");
    }

    #[test]
    fn the_rule_decides_what_counts() {
        // Weak labour not counted, welfare jobs not employment, two employed required.
        let rule = RelocationRule {
            min_employed: 2,
            labour: vec![Labour::Ordinary, Labour::Skilled],
            employment: vec![EmploymentKind::Migrant],
        };
        let weak_only = rule.judge(&[member(Some(Labour::Weak), None, None, false)]);
        assert!(!weak_only.has_labour());
        let welfare = rule.judge(&[
            member(Some(Labour::Ordinary), None, None, true),
            member(Some(Labour::Ordinary), Some("省外"), Some(10), false),
        ]);
        assert_eq!(
            (welfare.labour, welfare.employed, welfare.required),
            (2, 1, 2)
        );
        assert!(welfare.short());
        // One labour: one employed is all it can have.
        let one = rule.judge(&[member(Some(Labour::Ordinary), Some("省外"), None, false)]);
        assert_eq!(one.required, 1);
        assert!(!one.short());
    }

    #[test]
    fn members_leaving_are_not_counted() {
        let rule = RelocationRule::default();
        let mut gone = member(Some(Labour::Ordinary), Some("省外"), Some(8), false);
        gone.leaving = Some(crate::Leaving {
            reason: crate::LeaveReason::Death,
            on: None,
        });
        let e = rule.judge(&[member(Some(Labour::Ordinary), None, None, false), gone]);
        assert_eq!((e.persons, e.employed), (1, 0));
        assert!(e.short());
    }

    #[test]
    fn figures_sum_and_rate() {
        let rule = RelocationRule::default();
        let mut f = RelocationFigures::default();
        f.add(&rule.judge(&[member(Some(Labour::Ordinary), Some("县内"), Some(3), true)]));
        f.add(&rule.judge(&[member(Some(Labour::Ordinary), None, None, false)]));
        f.add(&rule.judge(&[member(Some(Labour::Ordinary), None, None, true)]));
        assert_eq!(
            (
                f.households,
                f.labour_households,
                f.households_met,
                f.households_short
            ),
            (3, 3, 2, 1)
        );
        assert_eq!((f.employed, f.migrant, f.welfare_job), (2, 1, 2));
        assert_eq!(f.met_rate(), "66.7%");
    }
}

//! Registry figures and how they roll up the division tree: every area's figures are the sum of
//! its villages'.

use std::collections::HashMap;
use std::ops::AddAssign;

use serde::Serialize;

use crate::area::{AreaCode, AreaLevel};
use crate::division::DivisionTree;

/// The figures of an area (DOMAIN §10). Registry counts are as registered now; monitoring counts
/// are as of the date asked for ("cumulative" = every household identified up to that date).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Registered households and persons.
    pub households: u64,
    pub persons: u64,
    /// Monitoring objects (监测对象, cumulative): households with a category, and their persons.
    pub monitored_households: u64,
    pub monitored_persons: u64,
    /// Of the monitoring objects, those whose risk is eliminated (风险消除).
    pub eliminated_households: u64,
    pub eliminated_persons: u64,
    /// By category: 脱贫不稳定户, 边缘易致贫户, 突发严重困难户.
    pub unstable_households: u64,
    pub unstable_persons: u64,
    pub marginal_households: u64,
    pub marginal_persons: u64,
    pub sudden_households: u64,
    pub sudden_persons: u64,
    /// Eliminated by mode: 帮扶消除, 自然消除.
    pub eliminated_assisted_households: u64,
    pub eliminated_natural_households: u64,
    /// Newly identified in the year of the date asked for.
    pub new_households: u64,
    pub new_persons: u64,
    /// Households with a member in 低保 or 特困.
    pub safety_net_households: u64,
}

/// The stored and exported order of the counts, with their machine names (for CSV/JSON and
/// the store's columns) and Chinese labels (for tables and xlsx).
pub const COUNT_FIELDS: [(&str, &str); 17] = [
    ("households", "户数"),
    ("persons", "人数"),
    ("monitored_households", "监测对象户数"),
    ("monitored_persons", "监测对象人数"),
    ("eliminated_households", "风险消除户数"),
    ("eliminated_persons", "风险消除人数"),
    ("unstable_households", "脱贫不稳定户户数"),
    ("unstable_persons", "脱贫不稳定户人数"),
    ("marginal_households", "边缘易致贫户户数"),
    ("marginal_persons", "边缘易致贫户人数"),
    ("sudden_households", "突发严重困难户户数"),
    ("sudden_persons", "突发严重困难户人数"),
    ("eliminated_assisted_households", "帮扶消除户数"),
    ("eliminated_natural_households", "自然消除户数"),
    ("new_households", "当年新识别户数"),
    ("new_persons", "当年新识别人数"),
    ("safety_net_households", "低保特困户数"),
];

impl Counts {
    pub fn values(&self) -> [u64; 17] {
        [
            self.households,
            self.persons,
            self.monitored_households,
            self.monitored_persons,
            self.eliminated_households,
            self.eliminated_persons,
            self.unstable_households,
            self.unstable_persons,
            self.marginal_households,
            self.marginal_persons,
            self.sudden_households,
            self.sudden_persons,
            self.eliminated_assisted_households,
            self.eliminated_natural_households,
            self.new_households,
            self.new_persons,
            self.safety_net_households,
        ]
    }

    pub fn from_values(v: [u64; 17]) -> Counts {
        Counts {
            households: v[0],
            persons: v[1],
            monitored_households: v[2],
            monitored_persons: v[3],
            eliminated_households: v[4],
            eliminated_persons: v[5],
            unstable_households: v[6],
            unstable_persons: v[7],
            marginal_households: v[8],
            marginal_persons: v[9],
            sudden_households: v[10],
            sudden_persons: v[11],
            eliminated_assisted_households: v[12],
            eliminated_natural_households: v[13],
            new_households: v[14],
            new_persons: v[15],
            safety_net_households: v[16],
        }
    }

    /// 未消除风险: monitoring objects whose risk is not (yet) eliminated.
    pub fn not_eliminated_households(&self) -> u64 {
        self.monitored_households
            .saturating_sub(self.eliminated_households)
    }

    pub fn not_eliminated_persons(&self) -> u64 {
        self.monitored_persons
            .saturating_sub(self.eliminated_persons)
    }

    /// 风险消除率 by households: eliminated / cumulative monitoring households.
    pub fn elimination_rate_households(&self) -> Option<f64> {
        ratio(self.eliminated_households, self.monitored_households)
    }

    /// 风险消除率 by persons: eliminated / cumulative monitoring persons.
    pub fn elimination_rate_persons(&self) -> Option<f64> {
        ratio(self.eliminated_persons, self.monitored_persons)
    }

    /// Counts one household (with `persons` members) into these counts.
    pub fn add_household(&mut self, h: &HouseholdState) {
        self.households += 1;
        self.persons += h.persons;
        if h.safety_net {
            self.safety_net_households += 1;
        }
        self.add_monitoring(h);
    }

    /// Counts only the monitoring part of a household.
    pub fn add_monitoring(&mut self, h: &HouseholdState) {
        use crate::household::{EliminationMode, MonitorCategory};
        let Some(category) = h.category else { return };
        let p = h.persons;
        self.monitored_households += 1;
        self.monitored_persons += p;
        match category {
            MonitorCategory::UnstableExPoor => {
                self.unstable_households += 1;
                self.unstable_persons += p;
            }
            MonitorCategory::MarginalAtRisk => {
                self.marginal_households += 1;
                self.marginal_persons += p;
            }
            MonitorCategory::SuddenHardship => {
                self.sudden_households += 1;
                self.sudden_persons += p;
            }
        }
        if h.eliminated {
            self.eliminated_households += 1;
            self.eliminated_persons += p;
            match h.mode {
                Some(EliminationMode::Assisted) => self.eliminated_assisted_households += 1,
                Some(EliminationMode::Natural) => self.eliminated_natural_households += 1,
                None => {}
            }
        }
        if h.identified_this_year {
            self.new_households += 1;
            self.new_persons += p;
        }
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// What the figures need of one household at one date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HouseholdState {
    pub persons: u64,
    pub safety_net: bool,
    pub category: Option<crate::household::MonitorCategory>,
    pub eliminated: bool,
    pub mode: Option<crate::household::EliminationMode>,
    pub identified_this_year: bool,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        let mut v = self.values();
        for (a, b) in v.iter_mut().zip(o.values()) {
            *a += b;
        }
        *self = Counts::from_values(v);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaFigures {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub counts: Counts,
}

/// The figures of `root` and of every area under it (down to `max_level`), in code order.
/// Villages no longer in the tree count towards their nearest ancestor that is.
pub fn rollup(
    tree: &DivisionTree,
    root: AreaCode,
    max_level: AreaLevel,
    villages: impl IntoIterator<Item = (AreaCode, Counts)>,
) -> Vec<AreaFigures> {
    let mut sums: HashMap<AreaCode, Counts> = HashMap::new();
    for (village, counts) in villages {
        if !root.contains(village) {
            continue;
        }
        let mut code = Some(village);
        while let Some(c) = code {
            if tree.get(c).is_some() {
                *sums.entry(c).or_default() += counts;
            }
            if c == root {
                break;
            }
            code = c.parent();
        }
    }
    tree.subtree(root)
        .into_iter()
        .filter(|d| d.level <= max_level)
        .map(|d| AreaFigures {
            code: d.code,
            name: d.name.clone(),
            level: d.level,
            counts: sums.get(&d.code).copied().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::division::Division;

    fn tree() -> DivisionTree {
        let d = |s: &str| {
            let code = AreaCode::parse(s).unwrap();
            Division {
                code,
                name: s.into(),
                level: code.level(),
                parent: code.parent(),
            }
        };
        DivisionTree::build(vec![
            d("620000000000"),
            d("620100000000"),
            d("620102000000"),
            d("620102001000"),
            d("620102001001"),
            d("620102001002"),
            d("620102002000"),
        ])
        .unwrap()
    }

    #[test]
    fn sums_up_the_tree() {
        let c = |h: u64| Counts {
            households: h,
            persons: 3 * h,
            ..Counts::default()
        };
        let v = |s: &str| AreaCode::parse(s).unwrap();
        let rows = rollup(
            &tree(),
            v("620100000000"),
            AreaLevel::Village,
            [
                (v("620102001001"), c(2)),
                (v("620102001002"), c(5)),
                (v("620102002003"), c(1)),
                (v("630102001001"), c(9)),
            ],
        );
        let by: HashMap<String, u64> = rows
            .iter()
            .map(|r| (r.code.to_string(), r.counts.households))
            .collect();
        assert_eq!(by["620100000000"], 8);
        assert_eq!(by["620102000000"], 8);
        assert_eq!(by["620102001000"], 7);
        // a village missing from the tree counts for its township
        assert_eq!(by["620102002000"], 1);
        assert_eq!(by.get("620000000000"), None);
        assert_eq!(rows.len(), 6);
        let counties = rollup(
            &tree(),
            v("620100000000"),
            AreaLevel::County,
            [(v("620102001001"), c(2))],
        );
        assert_eq!(counties.len(), 2);
    }
}

/// A share as basis points (1/10000): 3% is 300. Kept as an integer so that "above 3%" is
/// decided without rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct BasisPoints(pub u32);

impl BasisPoints {
    /// Whether `part / whole` is strictly above this share (never, for an empty whole).
    pub fn exceeded_by(self, part: u64, whole: u64) -> bool {
        whole > 0 && u128::from(part) * 10_000 > u128::from(self.0) * u128::from(whole)
    }

    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

/// An ex-poor village on the verification list (核查): its share of not-eliminated monitoring
/// persons is above the policy ratio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageOverRatio {
    pub code: AreaCode,
    pub name: String,
    pub not_eliminated_persons: u64,
    /// The denominator of the share (the village's registered persons, by default).
    pub base_persons: u64,
    pub share: f64,
}

/// The villages of `figures` (already restricted to ex-poor villages when the policy says so)
/// whose not-eliminated monitoring persons exceed `ratio` of their registered persons.
pub fn over_ratio(figures: &[AreaFigures], ratio: BasisPoints) -> Vec<VillageOverRatio> {
    figures
        .iter()
        .filter(|f| f.level == AreaLevel::Village)
        .filter(|f| ratio.exceeded_by(f.counts.not_eliminated_persons(), f.counts.persons))
        .map(|f| VillageOverRatio {
            code: f.code,
            name: f.name.clone(),
            not_eliminated_persons: f.counts.not_eliminated_persons(),
            base_persons: f.counts.persons,
            share: f.counts.not_eliminated_persons() as f64 / f.counts.persons as f64,
        })
        .collect()
}

#[cfg(test)]
mod ratio_tests {
    use super::*;

    #[test]
    fn strictly_above_the_share() {
        let r = BasisPoints(300);
        assert!(!r.exceeded_by(3, 100));
        assert!(r.exceeded_by(4, 100));
        assert!(r.exceeded_by(301, 10_000));
        assert!(!r.exceeded_by(1, 0));
        let mut c = Counts {
            persons: 100,
            monitored_persons: 10,
            eliminated_persons: 6,
            ..Counts::default()
        };
        let v = |c: Counts| AreaFigures {
            code: AreaCode::parse("620102010201").unwrap(),
            name: "红沟村".into(),
            level: AreaLevel::Village,
            counts: c,
        };
        assert_eq!(over_ratio(&[v(c)], r).len(), 1);
        c.eliminated_persons = 7;
        assert!(over_ratio(&[v(c)], r).is_empty());
    }
}

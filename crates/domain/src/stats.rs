//! Registry figures and how they roll up the division tree: every area's figures are the sum of
//! its villages'.

use std::collections::HashMap;
use std::ops::AddAssign;

use serde::Serialize;

use crate::area::{AreaCode, AreaLevel};
use crate::division::DivisionTree;

/// The figures of an area (DOMAIN §10). Registry counts are as registered now (as of a past date,
/// persons who have left a household since count where they were); monitoring counts are as of
/// the date asked for ("cumulative" = every household identified up to that date).
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
    /// Of the monitoring objects whose risk is not eliminated, those with at least one assistance
    /// measure in their plan (帮扶措施落实; as of a past date: a measure begun by then).
    pub covered_households: u64,
}

/// The stored and exported order of the counts, with their machine names (for CSV/JSON and
/// the store's columns) and Chinese labels (for tables and xlsx).
pub const COUNT_FIELDS: [(&str, &str); 18] = [
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
    ("covered_households", "已落实帮扶措施户数"),
];

impl Counts {
    pub fn values(&self) -> [u64; 18] {
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
            self.covered_households,
        ]
    }

    pub fn from_values(v: [u64; 18]) -> Counts {
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
            covered_households: v[17],
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

    /// 帮扶措施落实率: of the not-eliminated monitoring households, the share with a measure.
    pub fn coverage_rate(&self) -> Option<f64> {
        ratio(self.covered_households, self.not_eliminated_households())
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
        if !h.eliminated && h.has_measure {
            self.covered_households += 1;
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
    /// At least one assistance measure in the household's plan.
    pub has_measure: bool,
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

/// Days from the clue (or the opening of the case) to the county's approval of each approved
/// identification: a histogram (days → cases), so that areas add up and the median is exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Timeliness(pub std::collections::BTreeMap<u32, u64>);

impl Timeliness {
    pub fn add(&mut self, days: u32, cases: u64) {
        if cases > 0 {
            *self.0.entry(days).or_default() += cases;
        }
    }

    /// How many approvals.
    pub fn count(&self) -> u64 {
        self.0.values().sum()
    }

    /// The median of the days (the mean of the two middle ones for an even count), `None` when
    /// nothing was approved.
    pub fn median(&self) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        // The 0-based ranks of the middle element(s).
        let (lo, hi) = ((n - 1) / 2, n / 2);
        let (mut a, mut b) = (None, None);
        let mut seen = 0u64;
        for (&days, &k) in &self.0 {
            let next = seen + k;
            if a.is_none() && lo < next {
                a = Some(days);
            }
            if hi < next {
                b = Some(days);
                break;
            }
            seen = next;
        }
        Some((f64::from(a?) + f64::from(b?)) / 2.0)
    }
}

impl AddAssign<&Timeliness> for Timeliness {
    fn add_assign(&mut self, o: &Timeliness) {
        for (&d, &k) in &o.0 {
            self.add(d, k);
        }
    }
}

/// The work figures of an area on a day (DOMAIN §7, §10): what is late, and how fast
/// identification went in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Work {
    /// Open cases (identification or elimination) past a deadline on the day.
    pub overdue_cases: u64,
    /// Identifications approved from the first of the year up to the day.
    pub approvals: Timeliness,
}

impl AddAssign<&Work> for Work {
    fn add_assign(&mut self, o: &Work) {
        self.overdue_cases += o.overdue_cases;
        self.approvals += &o.approvals;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaFigures {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub counts: Counts,
    pub work: Work,
}

/// Sums village values up the tree: `root` and every area under it get the sum of their
/// villages (villages no longer in the tree count towards their nearest ancestor that is).
pub fn sum_up<T: Default + for<'a> AddAssign<&'a T>>(
    tree: &DivisionTree,
    root: AreaCode,
    villages: impl IntoIterator<Item = (AreaCode, T)>,
) -> HashMap<AreaCode, T> {
    let mut sums: HashMap<AreaCode, T> = HashMap::new();
    for (village, value) in villages {
        if !root.contains(village) {
            continue;
        }
        let mut code = Some(village);
        while let Some(c) = code {
            if tree.get(c).is_some() {
                *sums.entry(c).or_default() += &value;
            }
            if c == root {
                break;
            }
            code = c.parent();
        }
    }
    sums
}

impl<'a> AddAssign<&'a Counts> for Counts {
    fn add_assign(&mut self, o: &'a Counts) {
        *self += *o;
    }
}

/// The figures of `root` and of every area under it (down to `max_level`), in code order.
/// Villages no longer in the tree count towards their nearest ancestor that is.
pub fn rollup(
    tree: &DivisionTree,
    root: AreaCode,
    max_level: AreaLevel,
    villages: impl IntoIterator<Item = (AreaCode, Counts)>,
) -> Vec<AreaFigures> {
    let sums = sum_up(tree, root, villages);
    tree.subtree(root)
        .into_iter()
        .filter(|d| d.level <= max_level)
        .map(|d| AreaFigures {
            code: d.code,
            name: d.name.clone(),
            level: d.level,
            counts: sums.get(&d.code).copied().unwrap_or_default(),
            work: Work::default(),
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

    fn median_of_sorted(days: &[u32]) -> Option<f64> {
        let mut v = days.to_vec();
        v.sort_unstable();
        let n = v.len();
        (n > 0).then(|| (f64::from(v[(n - 1) / 2]) + f64::from(v[n / 2])) / 2.0)
    }

    #[test]
    fn median_of_the_days_to_approval() {
        let of = |days: &[u32]| {
            let mut t = Timeliness::default();
            for d in days {
                t.add(*d, 1);
            }
            t
        };
        assert_eq!(of(&[]).median(), None);
        assert_eq!(of(&[9]).median(), Some(9.0));
        assert_eq!(of(&[3, 20]).median(), Some(11.5));
        assert_eq!(of(&[14, 3, 15, 15]).median(), Some(14.5));
        assert_eq!(of(&[1, 1, 1, 30]).median(), Some(1.0));
        let mut a = of(&[2, 4]);
        a += &of(&[4, 100, 101]);
        assert_eq!(a.count(), 5);
        assert_eq!(a.median(), Some(4.0));
    }

    proptest::proptest! {
        #[test]
        fn the_histogram_median_is_the_median(days in proptest::collection::vec(0u32..60, 0..200),
                                              split in 0usize..200) {
            let split = split.min(days.len());
            let (mut a, mut b) = (Timeliness::default(), Timeliness::default());
            for d in &days[..split] { a.add(*d, 1); }
            for d in &days[split..] { b.add(*d, 1); }
            a += &b;
            proptest::prop_assert_eq!(a.count(), days.len() as u64);
            proptest::prop_assert_eq!(a.median(), median_of_sorted(&days));
        }
    }

    #[test]
    fn coverage_counts_not_eliminated_households_with_a_measure() {
        use crate::household::MonitorCategory;
        let mut c = Counts::default();
        let h = |eliminated: bool, has_measure: bool| HouseholdState {
            persons: 3,
            category: Some(MonitorCategory::MarginalAtRisk),
            eliminated,
            has_measure,
            ..HouseholdState::default()
        };
        c.add_household(&h(false, true));
        c.add_household(&h(false, false));
        c.add_household(&h(true, true));
        c.add_household(&HouseholdState {
            has_measure: true,
            ..HouseholdState::default()
        });
        assert_eq!(c.covered_households, 1);
        assert_eq!(c.not_eliminated_households(), 2);
        assert_eq!(c.coverage_rate(), Some(0.5));
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
            work: Work::default(),
        };
        assert_eq!(over_ratio(&[v(c)], r).len(), 1);
        c.eliminated_persons = 7;
        assert!(over_ratio(&[v(c)], r).is_empty());
    }
}

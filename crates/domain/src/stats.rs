//! Registry figures and how they roll up the division tree: every area's figures are the sum of
//! its villages'.

use std::collections::HashMap;
use std::ops::AddAssign;

use serde::Serialize;

use crate::area::{AreaCode, AreaLevel};
use crate::division::DivisionTree;

/// The counts of an area (DOMAIN §10, registry part).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Registered households and persons.
    pub households: u64,
    pub persons: u64,
    /// Monitoring objects (监测对象): households with a category, and their persons.
    pub monitored_households: u64,
    pub monitored_persons: u64,
    /// Of the monitoring objects, those whose risk is eliminated.
    pub eliminated_households: u64,
    pub eliminated_persons: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.households += o.households;
        self.persons += o.persons;
        self.monitored_households += o.monitored_households;
        self.monitored_persons += o.monitored_persons;
        self.eliminated_households += o.eliminated_households;
        self.eliminated_persons += o.eliminated_persons;
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

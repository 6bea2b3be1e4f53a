//! The division tree (province down to village) and resolving a village from its names.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::area::{AreaCode, AreaLevel};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
}

/// Why a division file or a set of names does not give one village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    UnknownName {
        level: AreaLevel,
        name: String,
    },
    AmbiguousName {
        level: AreaLevel,
        name: String,
        candidates: Vec<AreaCode>,
    },
    NoVillageName,
    NotAVillage(AreaCode),
    UnknownCode(AreaCode),
    BadParent {
        code: AreaCode,
        parent: Option<AreaCode>,
    },
    Duplicate(AreaCode),
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeError::UnknownName { level, name } => {
                write!(f, "{}“{name}”在区划中不存在", level.label())
            }
            TreeError::AmbiguousName {
                level,
                name,
                candidates,
            } => {
                let list: Vec<String> = candidates.iter().take(5).map(|c| c.to_string()).collect();
                write!(
                    f,
                    "{}“{name}”有多个同名区划（{}），请填写上级区划或所在村代码",
                    level.label(),
                    list.join("、")
                )
            }
            TreeError::NoVillageName => write!(f, "未填写所在村代码，也未填写行政村名称"),
            TreeError::NotAVillage(code) => write!(f, "区划代码{code}不是村级代码"),
            TreeError::UnknownCode(code) => write!(f, "区划代码{code}不在区划库中"),
            TreeError::BadParent { code, parent } => match parent {
                Some(p) => write!(f, "区划{code}的上级{p}不符合代码规则或不存在"),
                None => write!(f, "区划{code}缺少上级区划"),
            },
            TreeError::Duplicate(code) => write!(f, "区划代码{code}重复"),
        }
    }
}

impl TreeError {
    pub fn code(&self) -> &'static str {
        match self {
            TreeError::UnknownName { .. } => "unknown_area_name",
            TreeError::AmbiguousName { .. } => "ambiguous_area_name",
            TreeError::NoVillageName => "no_village",
            TreeError::NotAVillage(_) => "not_a_village",
            TreeError::UnknownCode(_) => "unknown_area_code",
            TreeError::BadParent { .. } => "bad_parent",
            TreeError::Duplicate(_) => "duplicate_area",
        }
    }
}

impl std::error::Error for TreeError {}

/// The whole tree in memory (Gansu: 19,224 divisions, a few MB).
#[derive(Debug, Clone, Default)]
pub struct DivisionTree {
    nodes: HashMap<AreaCode, Division>,
    children: HashMap<AreaCode, Vec<AreaCode>>,
    by_name: HashMap<(AreaLevel, String), Vec<AreaCode>>,
}

/// Official names carry suffixes ledgers often drop: `畅家巷社区居委会` is written `畅家巷社区`.
fn short_name(name: &str) -> &str {
    const SUFFIXES: [&str; 8] = [
        "社区居民委员会",
        "社区居委会",
        "村民委员会",
        "居民委员会",
        "村委会",
        "居委会",
        "社区",
        "村",
    ];
    let name = name.trim();
    for s in SUFFIXES {
        if let Some(stem) = name.strip_suffix(s)
            && !stem.is_empty()
        {
            return stem;
        }
    }
    name
}

impl DivisionTree {
    /// Builds the tree, checking that every code is unique, has the level its digits say, and
    /// hangs under an existing parent of the level above.
    pub fn build(divisions: Vec<Division>) -> Result<DivisionTree, TreeError> {
        let mut tree = DivisionTree::default();
        for d in divisions {
            if tree.nodes.contains_key(&d.code) {
                return Err(TreeError::Duplicate(d.code));
            }
            tree.nodes.insert(d.code, d);
        }
        for d in tree.nodes.values() {
            let expected_parent = d.code.parent();
            match (d.parent, expected_parent) {
                (None, None) => {}
                (Some(p), Some(e)) if p == e && tree.nodes.contains_key(&p) => {}
                _ => {
                    return Err(TreeError::BadParent {
                        code: d.code,
                        parent: d.parent,
                    });
                }
            }
            if d.level != d.code.level() {
                return Err(TreeError::BadParent {
                    code: d.code,
                    parent: d.parent,
                });
            }
        }
        for d in tree.nodes.values() {
            if let Some(p) = d.parent {
                tree.children.entry(p).or_default().push(d.code);
            }
            tree.by_name
                .entry((d.level, short_name(&d.name).to_string()))
                .or_default()
                .push(d.code);
        }
        for list in tree.children.values_mut() {
            list.sort();
        }
        for list in tree.by_name.values_mut() {
            list.sort();
        }
        Ok(tree)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn get(&self, code: AreaCode) -> Option<&Division> {
        self.nodes.get(&code)
    }

    pub fn name(&self, code: AreaCode) -> Option<&str> {
        self.nodes.get(&code).map(|d| d.name.as_str())
    }

    pub fn children(&self, code: AreaCode) -> &[AreaCode] {
        self.children.get(&code).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn roots(&self) -> Vec<AreaCode> {
        let mut roots: Vec<AreaCode> = self
            .nodes
            .values()
            .filter(|d| d.parent.is_none())
            .map(|d| d.code)
            .collect();
        roots.sort();
        roots
    }

    /// All divisions, sorted by code.
    pub fn all(&self) -> Vec<&Division> {
        let mut all: Vec<&Division> = self.nodes.values().collect();
        all.sort_by_key(|d| d.code);
        all
    }

    /// The area and all its descendants, sorted by code.
    pub fn subtree(&self, code: AreaCode) -> Vec<&Division> {
        let mut out = Vec::new();
        let mut stack = vec![code];
        while let Some(c) = stack.pop() {
            if let Some(d) = self.nodes.get(&c) {
                out.push(d);
                stack.extend(self.children(c).iter().rev());
            }
        }
        out.sort_by_key(|d| d.code);
        out
    }

    /// Names from the province down to the area itself.
    pub fn path(&self, code: AreaCode) -> Vec<&Division> {
        let mut out = Vec::new();
        let mut cur = self.nodes.get(&code);
        while let Some(d) = cur {
            out.push(d);
            cur = d.parent.and_then(|p| self.nodes.get(&p));
        }
        out.reverse();
        out
    }

    /// Whether `name` names the division `code` (exactly or without the usual suffixes).
    pub fn name_matches(&self, code: AreaCode, name: &str) -> bool {
        self.name(code)
            .is_some_and(|n| n == name.trim() || short_name(n) == short_name(name))
    }

    /// A village given by its code: it must exist and be a village.
    pub fn village(&self, code: AreaCode) -> Result<AreaCode, TreeError> {
        match self.nodes.get(&code) {
            None => Err(TreeError::UnknownCode(code)),
            Some(d) if d.level != AreaLevel::Village => Err(TreeError::NotAVillage(code)),
            Some(_) => Ok(code),
        }
    }

    /// Resolves a village from the names of its levels (any of the upper levels may be missing;
    /// the village is required). Names match exactly or without the usual suffixes.
    pub fn resolve(&self, names: &[(AreaLevel, &str)]) -> Result<AreaCode, TreeError> {
        let given: Vec<(AreaLevel, &str)> = names
            .iter()
            .filter(|(_, n)| !n.trim().is_empty())
            .map(|(l, n)| (*l, n.trim()))
            .collect();
        if !given.iter().any(|(l, _)| *l == AreaLevel::Village) {
            return Err(TreeError::NoVillageName);
        }
        let mut current: Option<AreaCode> = None;
        for (level, name) in given {
            let candidates = self.candidates(current, level, name);
            match candidates.as_slice() {
                [] => {
                    return Err(TreeError::UnknownName {
                        level,
                        name: name.to_string(),
                    });
                }
                [one] => current = Some(*one),
                many => {
                    return Err(TreeError::AmbiguousName {
                        level,
                        name: name.to_string(),
                        candidates: many.to_vec(),
                    });
                }
            }
        }
        current.ok_or(TreeError::NoVillageName)
    }

    fn candidates(&self, under: Option<AreaCode>, level: AreaLevel, name: &str) -> Vec<AreaCode> {
        let all = self
            .by_name
            .get(&(level, short_name(name).to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let inside: Vec<AreaCode> = all
            .iter()
            .copied()
            .filter(|c| under.is_none_or(|u| u.contains(*c)))
            .collect();
        // An exact name wins over a shortened match (两个村 "王家村" and "王家" both shorten to 王家).
        let exact: Vec<AreaCode> = inside
            .iter()
            .copied()
            .filter(|c| self.name(*c) == Some(name))
            .collect();
        if exact.len() == 1 { exact } else { inside }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(code: &str, name: &str) -> Division {
        let code = AreaCode::parse(code).unwrap();
        Division {
            code,
            name: name.into(),
            level: code.level(),
            parent: code.parent(),
        }
    }

    fn tree() -> DivisionTree {
        DivisionTree::build(vec![
            d("620000000000", "甘肃省"),
            d("620100000000", "兰州市"),
            d("620102000000", "城关区"),
            d("620102001000", "酒泉路街道"),
            d("620102001001", "畅家巷社区居委会"),
            d("620102001002", "王家村委会"),
            d("620200000000", "嘉峪关市"),
            d("620201000000", "嘉峪关市"),
            d("620201100000", "新城镇"),
            d("620201100201", "王家村委会"),
        ])
        .unwrap()
    }

    #[test]
    fn resolves_names() {
        use AreaLevel::*;
        let t = tree();
        let code = |s: &str| AreaCode::parse(s).unwrap();
        assert_eq!(
            t.resolve(&[
                (City, "兰州市"),
                (County, "城关区"),
                (Township, "酒泉路街道"),
                (Village, "畅家巷社区")
            ]),
            Ok(code("620102001001"))
        );
        assert_eq!(
            t.resolve(&[(Province, "甘肃省"), (Village, "畅家巷社区居委会")]),
            Ok(code("620102001001"))
        );
        assert_eq!(
            t.resolve(&[(County, "城关区"), (Village, "王家村")]),
            Ok(code("620102001002"))
        );
        match t.resolve(&[(Village, "王家村")]) {
            Err(TreeError::AmbiguousName { candidates, .. }) => assert_eq!(candidates.len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            t.resolve(&[(County, "七里河区"), (Village, "王家村")]),
            Err(TreeError::UnknownName { level: County, .. })
        ));
        assert_eq!(
            t.resolve(&[(County, "城关区")]),
            Err(TreeError::NoVillageName)
        );
        assert_eq!(
            t.village(code("620102001000")),
            Err(TreeError::NotAVillage(code("620102001000")))
        );
        assert_eq!(t.path(code("620102001001")).len(), 5);
        assert_eq!(t.subtree(code("620102000000")).len(), 4);
    }

    #[test]
    fn refuses_broken_trees() {
        assert!(matches!(
            DivisionTree::build(vec![d("620100000000", "兰州市")]),
            Err(TreeError::BadParent { .. })
        ));
        assert!(matches!(
            DivisionTree::build(vec![d("620000000000", "甘肃省"), d("620000000000", "甘肃")]),
            Err(TreeError::Duplicate(_))
        ));
    }
}

//! Key assistance counties (乡村振兴重点帮扶县, DOMAIN §11): the province's list loaded from a
//! file (each county by its code, or by its name and its city's; all or nothing), and the
//! figures of the key counties within an area, each county and the sum of each list, for
//! dispatch.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::key_county::KeyCountyKind;
use zhenxing_domain::stats::{AreaFigures, Counts, Work};
use zhenxing_domain::{AreaCode, AreaLevel, Scope};
use zhenxing_ledger::RowError;
use zhenxing_ledger::table::{Column, TableKind, read_table};

use crate::{App, AppError};

const COLUMNS: [Column; 4] = [
    ("code", &["县代码", "区划代码", "县（市、区）代码", "代码"]),
    ("county", &["县（市、区）", "县", "县区", "县名称"]),
    ("city", &["市（州）", "市州", "市"]),
    ("kind", &["类别", "帮扶县类别", "重点帮扶县类别"]),
];

const LIST: TableKind = TableKind {
    label: "重点帮扶县名单",
    columns: &COLUMNS,
    required: &[&[0, 1], &[3]],
    missing: "县代码或县（市、区）、类别",
};

/// What loading a list did: the counties of each kind, or every problem (nothing written).
#[derive(Debug, Clone, Default, Serialize)]
pub struct KeyCountyLoad {
    pub file: String,
    pub province: Option<AreaCode>,
    pub national: u64,
    pub provincial: u64,
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

/// The key counties within an area, with their figures and each list's sum.
#[derive(Debug, Clone, Serialize)]
pub struct KeyCountyFigures {
    /// Each key county: its kind and figures (its name with its city's when the area is a
    /// province).
    pub counties: Vec<(KeyCountyKind, AreaFigures)>,
    /// The sum of each list present, national first.
    pub totals: Vec<(KeyCountyKind, AreaFigures)>,
}

impl App {
    /// Loads the province's list of key counties from a file (CSV in any encoding, xls, xlsx):
    /// the list replaces the province's. Any row that cannot be taken — a county not in the
    /// tree, a name that is not one county, a kind not known, a county twice, counties of two
    /// provinces — is reported and nothing is written.
    pub async fn load_key_counties(&self, path: &Path) -> Result<KeyCountyLoad, AppError> {
        let table = read_table(path, &LIST)?;
        let tree = self.tree().await;
        let mut load = KeyCountyLoad {
            file: table.file.clone(),
            ..KeyCountyLoad::default()
        };
        let header = |k: usize| {
            table.headers[k]
                .clone()
                .unwrap_or_else(|| COLUMNS[k].1[0].to_string())
        };
        let counties: Vec<AreaCode> = tree
            .all()
            .iter()
            .filter(|d| d.level == AreaLevel::County)
            .map(|d| d.code)
            .collect();
        let mut list: Vec<(AreaCode, KeyCountyKind)> = Vec::new();
        let mut seen: HashMap<AreaCode, u64> = HashMap::new();
        for row in &table.rows {
            let error = |k: usize, value: &str, reason: String| RowError {
                file: table.file.clone(),
                sheet: row.sheet.clone(),
                row: row.row,
                column: header(k),
                value: value.to_string(),
                reason,
                code: "invalid_value",
            };
            let county = match (row.get(0), row.get(1)) {
                (Some(code), _) => match AreaCode::parse(code) {
                    Ok(c) if c.level() == AreaLevel::County && tree.get(c).is_some() => Ok(c),
                    _ => Err(error(0, code, "不是区划树中的县级代码".into())),
                },
                (None, Some(name)) => {
                    let city = row.get(2);
                    let found: Vec<AreaCode> = counties
                        .iter()
                        .copied()
                        .filter(|c| tree.name_matches(*c, name))
                        .filter(|c| {
                            city.is_none_or(|city| {
                                c.parent().is_some_and(|p| tree.name_matches(p, city))
                            })
                        })
                        .collect();
                    match found.as_slice() {
                        [one] => Ok(*one),
                        [] => Err(error(1, name, format!("区划树中没有名为“{name}”的县"))),
                        _ => Err(error(
                            1,
                            name,
                            format!("名为“{name}”的县不止一个，请填写市（州）或县代码"),
                        )),
                    }
                }
                (None, None) => Err(error(0, "", "县代码和县（市、区）至少填一项".into())),
            };
            let kind = match row.get(3) {
                Some(k) => KeyCountyKind::parse(k).map_err(|e| error(3, k, e.to_string())),
                None => Err(error(3, "", "不能为空".into())),
            };
            match (county, kind) {
                (Ok(c), Ok(kind)) => {
                    if let Some(first) = seen.get(&c) {
                        load.errors.push(error(
                            1,
                            tree.name(c).unwrap_or_default(),
                            format!("与第{first}行重复"),
                        ));
                        continue;
                    }
                    let province = c.ancestor(AreaLevel::Province);
                    match (load.province, province) {
                        (None, p) => load.province = p,
                        (Some(p), Some(q)) if p != q => {
                            load.errors.push(error(
                                0,
                                &c.to_string(),
                                "名单中的县应属于同一个省".into(),
                            ));
                            continue;
                        }
                        _ => {}
                    }
                    seen.insert(c, row.row);
                    list.push((c, kind));
                }
                (county, kind) => {
                    load.errors.extend(county.err());
                    load.errors.extend(kind.err());
                }
            }
        }
        let Some(province) = load.province else {
            return Ok(load);
        };
        if !load.errors.is_empty() {
            return Ok(load);
        }
        for (_, kind) in &list {
            match kind {
                KeyCountyKind::National => load.national += 1,
                KeyCountyKind::Provincial => load.provincial += 1,
            }
        }
        self.store().set_key_counties(province, &list).await?;
        Ok(load)
    }

    /// The key counties within `area` (in `scope`) with their figures today or as of `as_of`.
    pub async fn key_county_figures(
        &self,
        scope: Scope,
        area: AreaCode,
        as_of: Option<NaiveDate>,
    ) -> Result<KeyCountyFigures, AppError> {
        let key: HashMap<AreaCode, KeyCountyKind> = self
            .store()
            .key_counties(scope)
            .await?
            .into_iter()
            .filter(|(c, _)| area.contains(*c) || c.contains(area))
            .collect();
        if key.is_empty() {
            return Ok(KeyCountyFigures {
                counties: Vec::new(),
                totals: Vec::new(),
            });
        }
        // The figures down to the counties (or of the county the area is in, for an area below).
        let root = if area.level() > AreaLevel::County {
            area.county().unwrap_or(area)
        } else {
            area
        };
        if !scope.contains(root) {
            return Ok(KeyCountyFigures {
                counties: Vec::new(),
                totals: Vec::new(),
            });
        }
        let tree = self.tree().await;
        let rows = self
            .stats(scope, Some(root), AreaLevel::County, as_of)
            .await?;
        let mut counties = Vec::new();
        let mut sums: Vec<(KeyCountyKind, AreaFigures)> = Vec::new();
        for f in rows.into_iter().filter(|f| f.level == AreaLevel::County) {
            let Some(kind) = key.get(&f.code).copied() else {
                continue;
            };
            let at = match sums.iter().position(|(k, _)| *k == kind) {
                Some(at) => at,
                None => {
                    sums.push((
                        kind,
                        AreaFigures {
                            code: area,
                            name: format!("{}合计", kind.short()),
                            level: AreaLevel::County,
                            counts: Counts::default(),
                            work: Work::default(),
                        },
                    ));
                    sums.len() - 1
                }
            };
            let total = &mut sums[at].1;
            total.counts += &f.counts;
            total.work += &f.work;
            let mut f = f;
            if area.level() < AreaLevel::City
                && let Some(city) = f.code.parent().and_then(|p| tree.name(p))
            {
                f.name = format!("{city}{}", f.name);
            }
            counties.push((kind, f));
        }
        counties.sort_by_key(|(k, f)| (*k, f.code));
        sums.sort_by_key(|(k, _)| *k);
        Ok(KeyCountyFigures {
            counties,
            totals: sums,
        })
    }
}

impl App {
    /// The demo's list of key counties (not the official one: the province loads its own):
    /// the demo county and the next county of its city national, the two after provincial.
    pub async fn add_demo_key_counties(
        &self,
        county: AreaCode,
    ) -> Result<Vec<(AreaCode, KeyCountyKind)>, AppError> {
        let tree = self.tree().await;
        let Some(city) = county.parent() else {
            return Ok(Vec::new());
        };
        let mut counties: Vec<AreaCode> = tree.children(city).to_vec();
        counties.sort();
        let start = counties.iter().position(|c| *c == county).unwrap_or(0);
        counties.rotate_left(start);
        let list: Vec<(AreaCode, KeyCountyKind)> = counties
            .into_iter()
            .take(4)
            .enumerate()
            .map(|(i, c)| {
                let kind = if i < 2 {
                    KeyCountyKind::National
                } else {
                    KeyCountyKind::Provincial
                };
                (c, kind)
            })
            .collect();
        if let Some(province) = county.ancestor(AreaLevel::Province) {
            self.store().set_key_counties(province, &list).await?;
        }
        Ok(list)
    }
}

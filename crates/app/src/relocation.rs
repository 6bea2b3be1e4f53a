//! 易地扶贫搬迁安置区就业帮扶 (DOMAIN §11): the relocated households of an area judged against the
//! floor task of the province's policy (`zhenxing_domain::relocation`), summed per area under it
//! and per relocation site (安置点, as the registry names it), with the households short of it —
//! the list a county works through. Read through the relocated households' own index, a page
//! at a time in one snapshot.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use futures::StreamExt;
use serde::Serialize;
use zhenxing_domain::policy::Policy;
use zhenxing_domain::relocation::{RelocationFigures, RelocationRule};
use zhenxing_domain::{AreaCode, HouseholdNo, Permission, Scope, today_in_china};
use zhenxing_ledger::department::XlsxTableWriter;
use zhenxing_ledger::write::{Out, XLSX_MAX_DATA_ROWS};

use crate::auth::Caller;
use crate::registry_check::with_members;
use crate::{App, AppError, Progress};

/// What a relocated household's record names as its site when it names none.
pub const NO_SITE: &str = "（未填安置点）";

#[derive(Debug, Clone, Serialize)]
pub struct RelocationReport {
    pub area: AreaCode,
    pub area_name: String,
    /// The policy whose rule judged (its title), or `None`: no policy for the province and
    /// year, the default rule.
    pub policy: Option<String>,
    pub rule: RelocationRule,
    pub totals: RelocationFigures,
    /// Each area directly under `area` with relocated households.
    pub by_area: Vec<AreaRow>,
    /// Each site: by county, then the name the households give.
    pub sites: Vec<SiteRow>,
    /// Households with labour short of their employed members, in (village, number) order; at
    /// most the limit asked for (`totals.households_short` counts them all).
    pub short: Vec<ShortRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaRow {
    pub code: AreaCode,
    pub name: String,
    pub figures: RelocationFigures,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteRow {
    pub county: AreaCode,
    pub county_name: String,
    pub site: String,
    /// Villages its households are registered in.
    pub villages: u64,
    pub figures: RelocationFigures,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShortRow {
    pub village: AreaCode,
    pub village_name: String,
    pub household_no: HouseholdNo,
    pub head_name: String,
    pub site: String,
    pub persons: u32,
    pub labour: u32,
    pub employed: u32,
    pub required: u32,
}

impl App {
    /// Judges every relocated household under `area` within `scope`; lists at most `limit`
    /// of those short (all when `None`), counting them all.
    pub async fn relocation(
        &self,
        scope: Scope,
        area: AreaCode,
        limit: Option<usize>,
        progress: &dyn Progress,
    ) -> Result<RelocationReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let (rule, policy) = match self.relocation_rule(area).await? {
            Some(p) => (p.relocation, Some(p.title)),
            None => (RelocationRule::default(), None),
        };
        // A village by its township and village (a county's list), its county too for more.
        let skip = if area.level() >= zhenxing_domain::AreaLevel::County {
            3
        } else {
            2
        };
        let village_name = |code: AreaCode| {
            tree.path(code)
                .iter()
                .skip(skip)
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("")
        };
        let name_of = |code: AreaCode| tree.name(code).unwrap_or_default().to_string();
        let child_level = area.level().child();
        let mut totals = RelocationFigures::default();
        let mut by_area: BTreeMap<AreaCode, RelocationFigures> = BTreeMap::new();
        let mut sites: BTreeMap<(AreaCode, String), (RelocationFigures, BTreeSet<AreaCode>)> =
            BTreeMap::new();
        let mut short = Vec::new();
        progress.start("核查搬迁户就业", 0);
        let mut pages = self.store().relocated_pages(scope, area);
        while let Some(page) = pages.next().await {
            let (households, members) = page?;
            for (h, own) in with_members(households, members) {
                let e = rule.judge(&own);
                totals.add(&e);
                if let Some(child) = child_level.and_then(|l| h.village.ancestor(l)) {
                    by_area.entry(child).or_default().add(&e);
                }
                let site = h
                    .relocation_site
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .unwrap_or(NO_SITE)
                    .to_string();
                let county = h.village.county().unwrap_or(h.village);
                let entry = sites.entry((county, site.clone())).or_default();
                entry.0.add(&e);
                entry.1.insert(h.village);
                if e.short() && limit.is_none_or(|n| short.len() < n) {
                    short.push(ShortRow {
                        village: h.village,
                        village_name: village_name(h.village),
                        household_no: h.no.clone(),
                        head_name: h.head_name.clone(),
                        site,
                        persons: e.persons,
                        labour: e.labour,
                        employed: e.employed,
                        required: e.required,
                    });
                }
            }
            progress.set(totals.households);
        }
        progress.finish();
        Ok(RelocationReport {
            area,
            area_name: root.name.clone(),
            policy,
            rule,
            totals,
            by_area: by_area
                .into_iter()
                .map(|(code, figures)| AreaRow {
                    code,
                    name: name_of(code),
                    figures,
                })
                .collect(),
            sites: sites
                .into_iter()
                .map(|((county, site), (figures, villages))| SiteRow {
                    county,
                    county_name: name_of(county),
                    site,
                    villages: villages.len() as u64,
                    figures,
                })
                .collect(),
            short,
        })
    }

    /// The policy in force today for `area`'s province, `None` when it has none.
    async fn relocation_rule(&self, area: AreaCode) -> Result<Option<Policy>, AppError> {
        let Some(province) = Policy::province_of(area) else {
            return Ok(None);
        };
        let Ok(year) = crate::monitoring::policy::year_of(today_in_china()) else {
            return Ok(None);
        };
        match self.policy_in_force(province, year).await {
            Ok(found) => Ok(Some(found.policy)),
            Err(AppError::Monitoring(crate::monitoring::MonitoringFailure::NoPolicy {
                ..
            })) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// [`App::relocation`] for a user: their area (or one within it) only.
    pub async fn relocation_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        limit: Option<usize>,
        progress: &dyn Progress,
    ) -> Result<RelocationReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.relocation(caller.scope(), area, limit, progress).await
    }
}

/// The columns of the workbook's sheet of sites.
pub const SITE_HEADERS: [&str; 13] = [
    "县代码",
    "县（市、区）",
    "安置点",
    "涉及村数",
    "搬迁户数",
    "搬迁人数",
    "有劳动力户数",
    "劳动力人数",
    "就业人数",
    "其中务工",
    "其中公益岗位",
    "达到就业目标户数",
    "未达到户数",
];

/// The columns of the workbook's sheet of households short of the floor task.
pub const SHORT_HEADERS: [&str; 9] = [
    "村代码",
    "村",
    "户编号",
    "户主姓名",
    "安置点",
    "家庭人口数",
    "劳动力人数",
    "就业人数",
    "应就业人数",
];

/// Households short a workbook takes (one sheet).
pub const XLSX_SHORT: usize = XLSX_MAX_DATA_ROWS as usize;

fn figure_cells(f: &RelocationFigures) -> [Out; 9] {
    let n = |v: u64| Out::Int(v as i64);
    [
        n(f.households),
        n(f.persons),
        n(f.labour_households),
        n(f.labour),
        n(f.employed),
        n(f.migrant),
        n(f.welfare_job),
        n(f.households_met),
        n(f.households_short),
    ]
}

impl RelocationReport {
    /// The report's one-line summary (the workbook's titles, the CLI).
    pub fn summary(&self, as_of: chrono::NaiveDate) -> String {
        let t = &self.totals;
        format!(
            "{}易地扶贫搬迁户就业（{}）：搬迁户{}户{}人，有劳动力{}户，已达到每户至少{}人就业{}户（{}），未达到{}户",
            self.area_name,
            as_of,
            t.households,
            t.persons,
            t.labour_households,
            self.rule.min_employed,
            t.households_met,
            t.met_rate(),
            t.households_short,
        )
    }

    /// Writes the sites and the households short of the floor task as an xlsx workbook of two
    /// sheets.
    pub fn write_xlsx(&self, as_of: chrono::NaiveDate, out: &Path) -> Result<(), AppError> {
        let failed =
            |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
        let title = self.summary(as_of);
        let mut writer =
            XlsxTableWriter::create(out, "安置点", &title, &SITE_HEADERS).map_err(failed)?;
        for s in &self.sites {
            let mut cells = vec![
                Out::Text(s.county.to_string()),
                Out::Text(s.county_name.clone()),
                Out::Text(s.site.clone()),
                Out::Int(s.villages as i64),
            ];
            cells.extend(figure_cells(&s.figures));
            writer.row(&cells).map_err(failed)?;
        }
        let listed = if self.totals.households_short > self.short.len() as u64 {
            format!("，列出前{}户", self.short.len())
        } else {
            String::new()
        };
        writer
            .sheet(
                "未达到就业目标的户",
                &format!(
                    "有劳动力但就业人数不足的搬迁户：{}户{listed}",
                    self.totals.households_short
                ),
                &SHORT_HEADERS,
            )
            .map_err(failed)?;
        for h in &self.short {
            writer
                .row(&[
                    Out::Text(h.village.to_string()),
                    Out::Text(h.village_name.clone()),
                    Out::Text(h.household_no.to_string()),
                    Out::Text(h.head_name.clone()),
                    Out::Text(h.site.clone()),
                    Out::Int(i64::from(h.persons)),
                    Out::Int(i64::from(h.labour)),
                    Out::Int(i64::from(h.employed)),
                    Out::Int(i64::from(h.required)),
                ])
                .map_err(failed)?;
        }
        writer.finish().map_err(failed)?;
        Ok(())
    }
}

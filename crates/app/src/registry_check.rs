//! The registry's consistency report of an area (户籍信息核查): every registered household
//! judged against the members listed under it (`zhenxing_domain::registry_check`), counted per
//! rule and per village, with the findings. Read a page of households at a time in one
//! snapshot, so a province is checked in the memory of a page.

use std::collections::BTreeMap;
use std::path::Path;

use futures::StreamExt;
use serde::Serialize;
use zhenxing_domain::registry_check::{RegistryFinding, registry_checks};
use zhenxing_domain::{AreaCode, Permission, Scope};
use zhenxing_ledger::department::XlsxTableWriter;
use zhenxing_ledger::write::{Out, XLSX_MAX_DATA_ROWS};

use crate::auth::Caller;
use crate::monitoring::checks::{FindingRow, RuleCount};
use crate::{App, AppError, Progress};

#[derive(Debug, Clone, Serialize)]
pub struct RegistryCheckReport {
    pub area: AreaCode,
    pub area_name: String,
    pub households: u64,
    pub members: u64,
    /// Households with at least one finding.
    pub households_with_findings: u64,
    /// Per rule: households with that finding.
    pub totals: Vec<RuleCount>,
    /// Per village: (code, name, households with at least one finding), villages with none
    /// left out.
    pub by_village: Vec<(AreaCode, String, u64)>,
    /// The findings, in (village, household number) order; at most the limit asked for.
    pub findings: Vec<FindingRow>,
    /// Findings in all (more than `findings` holds when a limit cut them).
    pub found: u64,
}

impl App {
    /// Checks every household under `area` within `scope`; keeps at most `limit` findings
    /// (all when `None`), counting them all.
    pub async fn registry_check(
        &self,
        scope: Scope,
        area: AreaCode,
        limit: Option<usize>,
        progress: &dyn Progress,
    ) -> Result<RegistryCheckReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        // A village by its county, township and village (a province's list names villages of
        // the same name in many counties).
        let name = |code: AreaCode| {
            tree.path(code)
                .iter()
                .skip(2)
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("")
        };
        let total = self
            .store()
            .figures(scope, area)
            .await?
            .iter()
            .find(|(code, _)| *code == area)
            .map(|(_, c)| c.households)
            .unwrap_or(0);
        progress.start("核查户籍信息", total);
        let mut report = RegistryCheckReport {
            area,
            area_name: root.name.clone(),
            households: 0,
            members: 0,
            households_with_findings: 0,
            totals: Vec::new(),
            by_village: Vec::new(),
            findings: Vec::new(),
            found: 0,
        };
        let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut villages: BTreeMap<AreaCode, u64> = BTreeMap::new();
        let mut village_names: BTreeMap<AreaCode, String> = BTreeMap::new();
        let mut pages = self.store().household_pages(scope, area);
        while let Some(page) = pages.next().await {
            let (households, members) = page?;
            report.members += members.len() as u64;
            for (h, own) in with_members(households, members) {
                report.households += 1;
                let found = registry_checks(&h, &own);
                if found.is_empty() {
                    continue;
                }
                report.households_with_findings += 1;
                *villages.entry(h.village).or_default() += 1;
                let mut rules: Vec<&'static str> =
                    found.iter().map(RegistryFinding::code).collect();
                rules.dedup();
                for rule in rules {
                    *counts.entry(rule).or_default() += 1;
                }
                for f in found {
                    report.found += 1;
                    if limit.is_some_and(|n| report.findings.len() >= n) {
                        continue;
                    }
                    let rule = f.code();
                    let village_name = village_names
                        .entry(h.village)
                        .or_insert_with(|| name(h.village))
                        .clone();
                    report.findings.push(FindingRow {
                        village: h.village,
                        village_name,
                        household_no: h.no.clone(),
                        head_name: h.head_name.clone(),
                        rule,
                        label: RegistryFinding::label_of(rule),
                        detail: f.to_string(),
                    });
                }
            }
            progress.set(report.households);
        }
        progress.finish();
        report.totals = RegistryFinding::CODES
            .iter()
            .map(|rule| RuleCount {
                rule,
                label: RegistryFinding::label_of(rule),
                households: counts.get(rule).copied().unwrap_or(0),
            })
            .collect();
        report.by_village = villages.into_iter().map(|(v, n)| (v, name(v), n)).collect();
        Ok(report)
    }

    /// [`App::registry_check`] for a user: their area (or one within it) only.
    pub async fn registry_check_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        limit: Option<usize>,
        progress: &dyn Progress,
    ) -> Result<RegistryCheckReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.registry_check(caller.scope(), area, limit, progress)
            .await
    }
}

/// A page of [`zhenxing_store::Store::household_pages`] as each household with its members
/// (they come grouped in the page's household order).
pub fn with_members(
    households: Vec<zhenxing_store::StoredHousehold>,
    members: Vec<zhenxing_store::StoredMember>,
) -> Vec<(zhenxing_domain::Household, Vec<zhenxing_domain::Member>)> {
    let mut members = members.into_iter().map(|m| m.member).peekable();
    households
        .into_iter()
        .map(|h| {
            let h = h.household;
            let mut own = Vec::new();
            while let Some(m) = members.next_if(|m| m.household_no == h.no) {
                own.push(m);
            }
            (h, own)
        })
        .collect()
}

impl RegistryCheckReport {
    /// Writes the findings as an xlsx workbook (a title saying what was checked, then a row a
    /// finding).
    pub fn write_xlsx(&self, as_of: chrono::NaiveDate, out: &Path) -> Result<(), AppError> {
        let report = self;
        let title = format!(
            "{}户籍信息核查（{}）：核查{}户{}人，{}户有问题，共{}条{}",
            report.area_name,
            as_of,
            report.households,
            report.members,
            report.households_with_findings,
            report.found,
            if report.found > report.findings.len() as u64 {
                format!("，列出前{}条", report.findings.len())
            } else {
                String::new()
            }
        );
        let failed =
            |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
        let mut writer = XlsxTableWriter::create(out, "户籍信息核查", &title, &FINDING_HEADERS)
            .map_err(failed)?;
        for f in &report.findings {
            writer
                .row(&[
                    Out::Text(f.village.to_string()),
                    Out::Text(f.village_name.clone()),
                    Out::Text(f.household_no.to_string()),
                    Out::Text(f.head_name.clone()),
                    Out::Text(f.label.to_string()),
                    Out::Text(f.detail.clone()),
                ])
                .map_err(failed)?;
        }
        writer.finish().map_err(failed)?;
        Ok(())
    }
}

/// The columns of the findings' workbook.
pub const FINDING_HEADERS: [&str; 6] = ["村代码", "村", "户编号", "户主姓名", "问题", "说明"];

/// Findings a workbook takes (one sheet).
pub const XLSX_FINDINGS: usize = XLSX_MAX_DATA_ROWS as usize;

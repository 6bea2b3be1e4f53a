//! The data-check report of an area (DOMAIN §9, and the plan findings of §8): every monitored
//! household judged by the national checker rules, counted per rule and per village.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zhenxing_domain::monitoring::checks::{CheckSubject, DataFinding, data_checks};
use zhenxing_domain::monitoring::plan::whole_household_without_labour;
use zhenxing_domain::policy::Policy;
use zhenxing_domain::{AreaCode, HouseholdNo};
use zhenxing_store::monitoring::SubjectCursor;

use super::{Caller, MonitoringFailure};
use crate::{App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub village: AreaCode,
    pub village_name: String,
    pub household_no: HouseholdNo,
    pub head_name: String,
    pub rule: &'static str,
    pub label: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub rule: &'static str,
    pub label: &'static str,
    pub households: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataCheckReport {
    pub area: AreaCode,
    pub area_name: String,
    pub as_of: NaiveDate,
    pub monitored_households: u64,
    pub totals: Vec<RuleCount>,
    /// Per village: (code, name, households with at least one finding).
    pub by_village: Vec<(AreaCode, String, u64)>,
    pub findings: Vec<FindingRow>,
    /// Households not checked because no policy exists for the year they would be judged by
    /// (e.g. eliminated before the mechanism's first year): (year, households), by year.
    pub unchecked: Vec<(i32, u64)>,
}

const PAGE: u32 = 1000;

impl App {
    /// Runs the data checks on every monitored household of `area` (the caller's whole area
    /// when `None`).
    pub async fn data_check_report(
        &self,
        caller: &Caller,
        area: Option<AreaCode>,
        today: NaiveDate,
    ) -> Result<DataCheckReport, AppError> {
        let tree = self.tree().await;
        let root = match (area, caller.scope) {
            (Some(a), _) => a,
            (None, zhenxing_domain::Scope::Area(a)) => a,
            (None, zhenxing_domain::Scope::All) => {
                tree.roots().first().copied().ok_or(AppError::NoDivisions)?
            }
        };
        let scope = caller
            .scope
            .narrow(root)
            .ok_or_else(|| AppError::UnknownArea(root.to_string()))?;
        let name = |code: AreaCode| tree.get(code).map(|d| d.name.clone()).unwrap_or_default();
        // Policies by (province, year), parsed once; `None`: there is none for that year.
        let mut policies: BTreeMap<(AreaCode, i32), Option<Policy>> = BTreeMap::new();
        let mut unchecked: BTreeMap<i32, u64> = BTreeMap::new();
        let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut villages: BTreeMap<AreaCode, u64> = BTreeMap::new();
        let mut findings = Vec::new();
        let mut monitored = 0u64;
        let mut cursor: Option<SubjectCursor> = None;
        loop {
            let page = self
                .store()
                .monitoring()
                .subjects(scope, cursor.as_ref(), PAGE, true)
                .await?;
            let full = page.len() as u32 == PAGE;
            for s in &page {
                let h = &s.household;
                cursor = Some((h.village, h.no.clone()));
                monitored += 1;
                // The policy of the year the household was eliminated in, or of today's.
                let on = match (h.monitoring.eliminated, h.monitoring.eliminated_on) {
                    (true, Some(d)) => d.first_day(),
                    _ => today,
                };
                let Some(province) = Policy::province_of(h.village) else {
                    continue;
                };
                let key = (province, on.year());
                if let std::collections::btree_map::Entry::Vacant(slot) = policies.entry(key) {
                    // A year without a policy leaves its households unchecked (and said so),
                    // not the whole report failed.
                    slot.insert(match self.decision_policy(h.village, on).await {
                        Ok((p, _)) => Some(p),
                        Err(AppError::Monitoring(MonitoringFailure::NoPolicy { .. })) => None,
                        Err(e) => return Err(e),
                    });
                }
                let Some(Some(policy)) = policies.get(&key) else {
                    *unchecked.entry(on.year()).or_default() += 1;
                    continue;
                };
                let subject = CheckSubject {
                    household: h,
                    without_labour: whole_household_without_labour(h, &s.members),
                    has_cadre: s.has_cadre,
                    measures: &s.measures,
                };
                let found = data_checks(policy, &subject, today);
                if !found.is_empty() {
                    *villages.entry(h.village).or_default() += 1;
                }
                for f in found {
                    let rule = f.code();
                    *counts.entry(rule).or_default() += 1;
                    findings.push(FindingRow {
                        village: h.village,
                        village_name: name(h.village),
                        household_no: h.no.clone(),
                        head_name: h.head_name.clone(),
                        rule,
                        label: DataFinding::label_of(rule),
                        detail: f.to_string(),
                    });
                }
            }
            if !full {
                break;
            }
        }
        let totals = DataFinding::CODES
            .iter()
            .map(|rule| RuleCount {
                rule,
                label: DataFinding::label_of(rule),
                households: counts.get(rule).copied().unwrap_or(0),
            })
            .collect();
        Ok(DataCheckReport {
            area: root,
            area_name: name(root),
            as_of: today,
            monitored_households: monitored,
            totals,
            by_village: villages.into_iter().map(|(v, n)| (v, name(v), n)).collect(),
            findings,
            unchecked: unchecked.into_iter().collect(),
        })
    }
}

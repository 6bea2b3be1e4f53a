//! East-west cooperation and paired assistance (协作帮扶, DOMAIN §11): a county's ledger of
//! indicators per year, program and partner imported (each row checked against the tree, the
//! user's area and the year's policy — which indicators there are and their units; the rows
//! refused told with row, column and why; the rest written in one transaction, each change
//! kept), and the year's plan and what was done of any area per program and indicator, per area
//! under it, with the ledger exported as it is imported.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use zhenxing_domain::cooperation::{
    CooperationEntry, CooperationRule, Indicator, IndicatorFigures, Program,
};
use zhenxing_domain::{AreaCode, AreaLevel, Permission, PolicyYear, Scope, today_in_china};
use zhenxing_ledger::RowError;
use zhenxing_ledger::cooperation::{
    COLUMNS, COUNTY, DONE, EntryOut, INDICATOR, PLANNED, parse_entry, read_cooperation,
    write_cooperation,
};

use crate::auth::Caller;
use crate::own_ledgers::Tally;
use crate::{App, AppError};

/// What importing a cooperation ledger did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CooperationImport {
    pub file: String,
    pub rows: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

impl CooperationImport {
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }

    pub fn summary(&self) -> String {
        format!(
            "{}：读取{}行，新增指标{}项，更新{}项，未变{}项{}",
            self.file,
            self.rows,
            self.added,
            self.updated,
            self.unchanged,
            if self.rejected > 0 {
                format!("，{}行未导入（见错误明细）", self.rejected)
            } else {
                "，全部导入".to_string()
            }
        )
    }
}

/// A program's figures over an area: each indicator of the report's list.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramFigures {
    pub program: Program,
    /// The partners named under the area, in order.
    pub partners: Vec<String>,
    /// Per indicator, in the order of the report's `indicators`.
    pub figures: Vec<IndicatorFigures>,
}

/// An entry as the lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLine {
    pub entry: CooperationEntry,
    pub county_name: String,
    /// The indicator's unit and how values show (`None`: an indicator since dropped).
    pub indicator: Option<Indicator>,
}

impl EntryLine {
    fn show(&self, v: i64) -> String {
        match &self.indicator {
            Some(i) => i.show(v),
            None => v.to_string(),
        }
    }

    /// The plan as written: 万元 for money.
    pub fn planned(&self) -> String {
        self.show(self.entry.planned)
    }

    pub fn done(&self) -> String {
        self.show(self.entry.done)
    }

    pub fn rate(&self) -> String {
        zhenxing_domain::project::percent(self.entry.done, self.entry.planned)
    }
}

/// The year's cooperation and paired assistance of an area.
#[derive(Debug, Clone, Serialize)]
pub struct CooperationReport {
    pub area: AreaCode,
    pub area_name: String,
    pub year: PolicyYear,
    pub years: Vec<PolicyYear>,
    pub policy: Option<String>,
    /// The policy's indicators, then any other a stored row gives.
    pub indicators: Vec<Indicator>,
    /// Each program with entries under the area.
    pub programs: Vec<ProgramFigures>,
    /// Each area directly under `area` with entries (down to counties): its programs.
    pub by_area: Vec<(AreaCode, String, Vec<ProgramFigures>)>,
    pub entries: Vec<EntryLine>,
}

impl CooperationReport {
    /// "2026年城关区东西部协作：财政援助资金计划3000万元、完成2400万元（80.00%）；…".
    pub fn summary(&self) -> String {
        if self.programs.is_empty() {
            return format!("{}年{}尚无协作帮扶台账", self.year.get(), self.area_name);
        }
        let parts: Vec<String> = self
            .programs
            .iter()
            .map(|p| {
                let shown: Vec<String> = self
                    .indicators
                    .iter()
                    .zip(&p.figures)
                    .filter(|(_, f)| f.planned > 0 || f.done > 0)
                    .take(3)
                    .map(|(i, f)| {
                        format!(
                            "{}计划{}{}、完成{}{}（{}）",
                            i.name,
                            i.show(f.planned),
                            i.unit,
                            i.show(f.done),
                            i.unit,
                            f.rate()
                        )
                    })
                    .collect();
                format!("{}：{}", p.program.label(), shown.join("，"))
            })
            .collect();
        format!(
            "{}年{}{}",
            self.year.get(),
            self.area_name,
            parts.join("；")
        )
    }

    /// The ledger in the layout it is imported in (it imports back unchanged).
    pub fn write_ledger(&self, out: &Path) -> Result<(), AppError> {
        write_cooperation(
            out,
            &format!("{}年{}协作帮扶台账", self.year.get(), self.area_name),
            self.entries.iter().map(|e| EntryOut {
                entry: &e.entry,
                county_name: e.county_name.clone(),
                indicator: e.indicator.as_ref(),
            }),
        )
        .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))
    }
}

/// Sums entries into programs, each over the report's indicators.
fn add_to(
    programs: &mut Vec<ProgramFigures>,
    e: &CooperationEntry,
    index: &HashMap<String, usize>,
) {
    let n = index.len();
    let p = match programs.iter().position(|p| p.program == e.program) {
        Some(p) => p,
        None => {
            programs.push(ProgramFigures {
                program: e.program,
                partners: Vec::new(),
                figures: vec![IndicatorFigures::default(); n],
            });
            programs.len() - 1
        }
    };
    let p = &mut programs[p];
    if !p.partners.contains(&e.partner) {
        p.partners.push(e.partner.clone());
    }
    if let Some(&k) = index.get(&e.indicator) {
        p.figures[k].add(e);
    }
}

impl App {
    /// Imports a cooperation ledger for a user who may import, within their area. Audited.
    pub async fn import_cooperation(
        &self,
        caller: &Caller,
        path: &Path,
        name: Option<&str>,
    ) -> Result<CooperationImport, AppError> {
        self.import_audited(caller, "import_cooperation", |actor, scope| async move {
            self.import_cooperation_in(&actor, scope, path, name).await
        })
        .await
    }

    /// Imports a cooperation ledger as `actor`, its rows refused outside `scope`.
    pub async fn import_cooperation_in(
        &self,
        actor: &zhenxing_store::Actor,
        scope: Scope,
        path: &Path,
        name: Option<&str>,
    ) -> Result<CooperationImport, AppError> {
        let (table, file) = crate::own_ledgers::read_named(path, name, read_cooperation).await?;
        let tree = self.tree().await;
        let mut policies = crate::own_ledgers::Policies::default();
        let mut report = CooperationImport {
            file: file.clone(),
            rows: table.rows.len() as u64,
            ..CooperationImport::default()
        };
        let header = |k: usize| -> String {
            table.headers[k]
                .clone()
                .unwrap_or_else(|| COLUMNS[k].1[0].to_string())
        };
        let mut valid: Vec<CooperationEntry> = Vec::new();
        let mut seen: HashMap<(AreaCode, String), u64> = HashMap::new();
        for row in &table.rows {
            let error = |k: usize, value: String, reason: String, code: &'static str| RowError {
                file: file.clone(),
                sheet: row.sheet.clone(),
                row: row.row,
                column: header(k),
                value,
                reason,
                code,
            };
            let mut errors = Vec::new();
            match parse_entry(row) {
                Err(problems) => {
                    for (k, value, why) in problems {
                        errors.push(error(k, value, why, "invalid_value"));
                    }
                }
                Ok(parsed) => {
                    let mut e = parsed.entry;
                    if let Some((why, code)) = crate::own_ledgers::area_refused(
                        &tree,
                        scope,
                        e.county,
                        "该县不在您的管辖范围内",
                    ) {
                        errors.push(error(COUNTY, e.county.to_string(), why, code));
                    } else {
                        let rule = policies
                            .of(self, e.county, e.year)
                            .await?
                            .map(|p| p.cooperation.clone())
                            .unwrap_or_default();
                        for problem in e.check(&rule) {
                            let k = if problem.column() == "指标" {
                                INDICATOR
                            } else {
                                COUNTY
                            };
                            let value = if k == INDICATOR {
                                e.indicator.clone()
                            } else {
                                e.county.to_string()
                            };
                            errors.push(error(k, value, problem.to_string(), "rule"));
                        }
                        if let Some(indicator) = rule.indicator(&e.indicator) {
                            match indicator.parse_value(&parsed.planned) {
                                Ok(v) => e.planned = v,
                                Err(why) => errors.push(error(
                                    PLANNED,
                                    parsed.planned.clone(),
                                    why,
                                    "invalid_value",
                                )),
                            }
                            if let Some(done) = &parsed.done {
                                match indicator.parse_value(done) {
                                    Ok(v) => e.done = v,
                                    Err(why) => {
                                        errors.push(error(DONE, done.clone(), why, "invalid_value"))
                                    }
                                }
                            }
                        }
                        if errors.is_empty() {
                            let key = (e.county, e.key());
                            match seen.get(&key) {
                                Some(first) => errors.push(error(
                                    INDICATOR,
                                    e.indicator.clone(),
                                    format!("与第{first}行是同一县、年度、帮扶方的同一指标"),
                                    "duplicate",
                                )),
                                None => {
                                    seen.insert(key, row.row);
                                    valid.push(e);
                                }
                            }
                        }
                    }
                }
            }
            if !errors.is_empty() {
                report.rejected += 1;
                report.errors.extend(errors);
            }
        }
        drop(tree);
        if !valid.is_empty() {
            let saved = self
                .store()
                .cooperation()
                .save_cooperation(actor, scope, &valid)
                .await?;
            let t = Tally::of(&saved);
            (report.added, report.updated, report.unchanged) = (t.added, t.updated, t.unchanged);
        }
        Ok(report)
    }

    /// The year's cooperation of `area` (the latest year with entries when none is given, else
    /// this year), within `scope`.
    pub async fn cooperation_report(
        &self,
        scope: Scope,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> Result<CooperationReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let store = self.store().cooperation();
        let years = store.cooperation_years(scope, area).await?;
        let year = match year.or_else(|| years.first().copied()) {
            Some(y) => y,
            None => crate::monitoring::policy::year_of(today_in_china())?,
        };
        let (rule, policy) = match self.policy_or_none(area, year).await? {
            Some(p) => (p.cooperation, Some(p.title)),
            None => (CooperationRule::default(), None),
        };
        let stored = store.cooperation(scope, area, year).await?;
        let mut indicators = rule.indicators.clone();
        for e in &stored {
            if !indicators.iter().any(|i| i.name == e.indicator) {
                indicators.push(Indicator {
                    name: e.indicator.clone(),
                    unit: String::new(),
                    money: false,
                });
            }
        }
        let index: HashMap<String, usize> = indicators
            .iter()
            .enumerate()
            .map(|(k, i)| (i.name.clone(), k))
            .collect();
        let mut programs: Vec<ProgramFigures> = Vec::new();
        let mut by_area: BTreeMap<AreaCode, Vec<ProgramFigures>> = BTreeMap::new();
        let child_level = area.level().child().filter(|l| *l <= AreaLevel::County);
        let mut entries = Vec::with_capacity(stored.len());
        for e in stored {
            add_to(&mut programs, &e, &index);
            if let Some(child) = child_level.and_then(|l| e.county.ancestor(l)) {
                add_to(by_area.entry(child).or_default(), &e, &index);
            }
            entries.push(EntryLine {
                county_name: tree.name(e.county).unwrap_or_default().to_string(),
                indicator: rule.indicator(&e.indicator).cloned(),
                entry: e,
            });
        }
        programs.sort_by_key(|p| p.program);
        Ok(CooperationReport {
            area,
            area_name: root.name.clone(),
            year,
            years,
            policy,
            indicators,
            programs,
            by_area: by_area
                .into_iter()
                .map(|(code, mut p)| {
                    p.sort_by_key(|p| p.program);
                    (code, tree.name(code).unwrap_or_default().to_string(), p)
                })
                .collect(),
            entries,
        })
    }

    /// [`App::cooperation_report`] for a user: their area (or one within it) only.
    pub async fn cooperation_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> Result<CooperationReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.cooperation_report(caller.scope(), area, year).await
    }

    /// The demo's ledger: this year's east-west cooperation and a central unit's paired
    /// assistance of `county`, part done; partners said to be the demo's.
    pub async fn add_demo_cooperation(
        &self,
        county: AreaCode,
        today: chrono::NaiveDate,
    ) -> Result<CooperationReport, AppError> {
        use chrono::Datelike;
        let year =
            PolicyYear::new(today.year() as u16).map_err(|e| AppError::Invalid(e.to_string()))?;
        let wan = |w: i64| w * 1_000_000;
        let rows: [(Program, &str, &str, i64, i64); 11] = [
            (
                Program::EastWest,
                "结对东部区（演示）",
                "财政援助资金",
                wan(3000),
                wan(2400),
            ),
            (
                Program::EastWest,
                "结对东部区（演示）",
                "帮助农村劳动力就业",
                1500,
                1320,
            ),
            (
                Program::EastWest,
                "结对东部区（演示）",
                "其中脱贫劳动力",
                800,
                760,
            ),
            (
                Program::EastWest,
                "结对东部区（演示）",
                "引导落地企业",
                6,
                4,
            ),
            (
                Program::EastWest,
                "结对东部区（演示）",
                "企业实际到位投资",
                wan(20000),
                wan(12500),
            ),
            (
                Program::EastWest,
                "结对东部区（演示）",
                "选派挂职干部",
                3,
                3,
            ),
            (
                Program::EastWest,
                "结对东部区（演示）",
                "选派专业技术人才",
                40,
                36,
            ),
            (
                Program::EastWest,
                "结对东部区（演示）",
                "消费帮扶",
                wan(5000),
                wan(3100),
            ),
            (
                Program::Paired,
                "定点帮扶中央单位（演示）",
                "财政援助资金",
                wan(800),
                wan(800),
            ),
            (
                Program::Paired,
                "定点帮扶中央单位（演示）",
                "选派挂职干部",
                2,
                2,
            ),
            (
                Program::Paired,
                "定点帮扶中央单位（演示）",
                "消费帮扶",
                wan(1200),
                wan(950),
            ),
        ];
        let entries: Vec<CooperationEntry> = rows
            .iter()
            .map(
                |(program, partner, indicator, planned, done)| CooperationEntry {
                    county,
                    year,
                    program: *program,
                    partner: partner.to_string(),
                    indicator: indicator.to_string(),
                    planned: *planned,
                    done: *done,
                    note: None,
                },
            )
            .collect();
        self.store()
            .cooperation()
            .save_cooperation(
                &zhenxing_store::Actor {
                    user_id: None,
                    name: "演示数据".into(),
                },
                Scope::All,
                &entries,
            )
            .await?;
        self.cooperation_report(Scope::All, county, Some(year))
            .await
    }
}

impl crate::own_ledgers::Imported for CooperationImport {
    fn file(&self) -> &str {
        &self.file
    }
}

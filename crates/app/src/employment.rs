//! 务工就业 (DOMAIN §11): the labour of ex-poor households (脱贫劳动力) and of monitoring objects
//! (监测对象劳动力) of an area — which 劳动技能 count as labour, and whether 务工 and 公益岗位 count
//! as employment, are the policy's (its `[relocation]` section, the same judgement the
//! relocation sites' floor task uses) — in migrant work, in public-welfare jobs, employed, per
//! area under it. Summed in the database per village (`Store::labour_by_village`), never
//! member by member here. Against each county's target for the year (务工就业目标, imported as a
//! table by the province or the city; the policy's `[employment]` says whether the monitoring
//! objects count toward it): the rate per area and the counties behind.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zhenxing_domain::employment::{
    EmploymentFigures, EmploymentRule, EmploymentTarget, LabourFigures, TargetProgress,
};
use zhenxing_domain::relocation::{EmploymentKind, RelocationRule};
use zhenxing_domain::{AreaCode, AreaLevel, Permission, PolicyYear, Scope, today_in_china};
use zhenxing_ledger::RowError;
use zhenxing_ledger::department::XlsxTableWriter;
use zhenxing_ledger::employment::{
    COLUMNS, COUNTY, PERSONS, YEAR, parse_target, read_targets, write_targets,
};
use zhenxing_ledger::write::Out;
use zhenxing_store::VillageLabour;

use crate::auth::Caller;
use crate::own_ledgers::Tally;
use crate::{App, AppError};

/// What importing a table of employment targets did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TargetImport {
    pub file: String,
    pub rows: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

impl TargetImport {
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }

    pub fn summary(&self) -> String {
        format!(
            "{}：读取{}行，新增目标{}个，更新{}个，未变{}个{}",
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

impl crate::own_ledgers::Imported for TargetImport {
    fn file(&self) -> &str {
        &self.file
    }
}

/// An area under the one read: its labour and its progress against its counties' targets.
#[derive(Debug, Clone, Serialize)]
pub struct AreaEmployment {
    pub code: AreaCode,
    pub name: String,
    pub figures: EmploymentFigures,
    pub progress: TargetProgress,
}

/// A county whose persons in work are fewer than its target.
#[derive(Debug, Clone, Serialize)]
pub struct CountyBehind {
    pub code: AreaCode,
    pub name: String,
    pub progress: TargetProgress,
}

/// The labour of an area today.
#[derive(Debug, Clone, Serialize)]
pub struct EmploymentReport {
    pub area: AreaCode,
    pub area_name: String,
    pub day: NaiveDate,
    /// The policy the rule is from (`None`: the default).
    pub policy: Option<String>,
    pub rule: RelocationRule,
    pub totals: EmploymentFigures,
    /// The year of the targets (this year).
    pub year: PolicyYear,
    /// What the target counts.
    pub target_rule: EmploymentRule,
    /// The area's persons in work as the target counts them, against its counties' targets.
    pub progress: TargetProgress,
    /// Each area directly under `area` with labour to count or a target.
    pub by_area: Vec<AreaEmployment>,
    /// The counties under `area` (or it) behind their target, the furthest behind first.
    pub behind: Vec<CountyBehind>,
    /// The year's targets of the counties under `area`, in county order, each with its name.
    pub targets: Vec<(EmploymentTarget, String)>,
}

/// The figures' columns, as the workbook heads them.
const FIGURE_HEADERS: [&str; 12] = [
    "区划代码",
    "区划",
    "脱贫劳动力",
    "务工",
    "公益岗位",
    "就业",
    "就业率",
    "监测对象劳动力",
    "就业",
    "计入目标的就业人数",
    "务工就业目标（人）",
    "完成率",
];

/// A village's group as the rule counts it.
fn figures(v: &VillageLabour, rule: &RelocationRule) -> LabourFigures {
    let migrant = rule.employment.contains(&EmploymentKind::Migrant);
    let welfare = rule.employment.contains(&EmploymentKind::WelfareJob);
    let employed = match (migrant, welfare) {
        (true, true) => v.migrant + v.welfare_job - v.both,
        (true, false) => v.migrant,
        (false, true) => v.welfare_job,
        (false, false) => 0,
    };
    LabourFigures {
        labour: v.labour,
        migrant: v.migrant,
        welfare_job: v.welfare_job,
        employed,
    }
}

impl EmploymentReport {
    /// "截至2026-12-01，城关区脱贫劳动力N人，务工N人、公益岗位N人，就业N人（就业率X）；…".
    pub fn summary(&self) -> String {
        let line = |label: &str, f: &LabourFigures| {
            format!(
                "{label}{}人，务工{}人、公益岗位{}人，就业{}人（就业率{}）",
                f.labour,
                f.migrant,
                f.welfare_job,
                f.employed,
                f.employment_rate()
            )
        };
        let target = match self.progress.target {
            Some(t) => format!(
                "；{}年{}目标{}人，已{}人（完成率{}）{}",
                self.year.get(),
                self.target_rule.label(),
                t,
                self.progress.counted,
                self.progress.rate(),
                if self.behind.is_empty() {
                    String::new()
                } else {
                    format!("，{}个县未达目标", self.behind.len())
                }
            ),
            None => String::new(),
        };
        format!(
            "截至{}，{}{}；{}{}",
            self.day,
            self.area_name,
            line("脱贫劳动力", &self.totals.ex_poor),
            line("监测对象（非脱贫户）劳动力", &self.totals.monitored),
            target
        )
    }

    /// The figures per area under the one read and its total, as a workbook.
    pub fn write_figures(&self, out: &Path) -> Result<(), AppError> {
        let failed =
            |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
        let mut w = XlsxTableWriter::create(out, "务工就业", &self.summary(), &FIGURE_HEADERS)
            .map_err(failed)?;
        let total = (
            self.area,
            format!("{}合计", self.area_name),
            self.totals,
            self.progress,
        );
        let rows = self
            .by_area
            .iter()
            .map(|a| (a.code, a.name.clone(), a.figures, a.progress))
            .chain(std::iter::once(total));
        for (code, name, f, p) in rows {
            w.row(&[
                Out::Text(code.to_string()),
                Out::Text(name),
                Out::Int(f.ex_poor.labour as i64),
                Out::Int(f.ex_poor.migrant as i64),
                Out::Int(f.ex_poor.welfare_job as i64),
                Out::Int(f.ex_poor.employed as i64),
                Out::Text(f.ex_poor.employment_rate()),
                Out::Int(f.monitored.labour as i64),
                Out::Int(f.monitored.employed as i64),
                Out::Int(p.counted as i64),
                p.target
                    .map(|t| Out::Int(t as i64))
                    .unwrap_or(Out::Text(String::new())),
                Out::Text(p.rate()),
            ])
            .map_err(failed)?;
        }
        w.finish().map_err(failed)?;
        Ok(())
    }

    /// The year's targets in the layout they are imported in (they import back unchanged).
    pub fn write_targets(&self, out: &Path) -> Result<(), AppError> {
        write_targets(
            out,
            &format!("{}年{}务工就业目标任务", self.year.get(), self.area_name),
            self.targets.iter().map(|(t, name)| (t, name.clone())),
        )
        .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))
    }
}

impl App {
    /// The labour of ex-poor households and monitoring objects of `area` today, within `scope`,
    /// against the year's targets of its counties.
    pub async fn employment_report(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> Result<EmploymentReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let root_name = root.name.clone();
        let day = today_in_china();
        let year = crate::monitoring::policy::year_of(day)?;
        let (rule, target_rule, policy) = match self.policy_or_none(area, year).await? {
            Some(p) => (p.relocation, p.employment, Some(p.title)),
            None => (RelocationRule::default(), EmploymentRule::default(), None),
        };
        drop(tree);
        let villages = self
            .store()
            .labour_by_village(scope, area, &rule.labour)
            .await?;
        let targets = self
            .store()
            .employment()
            .employment_targets(scope, area, year)
            .await?;
        let tree = self.tree().await;
        let child_level = area.level().child();
        let county_level = (area.level() <= AreaLevel::County).then_some(AreaLevel::County);
        let mut totals = EmploymentFigures::default();
        let mut by_area: BTreeMap<AreaCode, EmploymentFigures> = BTreeMap::new();
        let mut by_county: HashMap<AreaCode, EmploymentFigures> = HashMap::new();
        for v in &villages {
            let f = figures(v, &rule);
            let mut one = EmploymentFigures::default();
            if v.ex_poor {
                one.ex_poor = f;
            } else {
                one.monitored = f;
            }
            totals.add(&one);
            if let Some(child) = child_level.and_then(|l| v.village.ancestor(l)) {
                by_area.entry(child).or_default().add(&one);
            }
            if let Some(county) = county_level.and_then(|l| v.village.ancestor(l)) {
                by_county.entry(county).or_default().add(&one);
            }
        }
        // Each child's target: the sum of its counties' (a child below a county has none),
        // against those counties' persons in work only — a county without a target is not
        // counted toward the targets of others.
        let counted_in = |county: AreaCode| {
            target_rule.counted(&by_county.get(&county).copied().unwrap_or_default())
        };
        let mut child_targets: HashMap<AreaCode, TargetProgress> = HashMap::new();
        let mut total_target: Option<TargetProgress> = None;
        for t in &targets {
            let add = |p: &mut TargetProgress| {
                p.counted += counted_in(t.county);
                *p.target.get_or_insert(0) += u64::from(t.persons);
            };
            add(total_target.get_or_insert_with(TargetProgress::default));
            if let Some(child) = child_level
                .filter(|l| *l <= AreaLevel::County)
                .and_then(|l| t.county.ancestor(l))
            {
                add(child_targets.entry(child).or_default());
                by_area.entry(child).or_default();
            }
        }
        let mut behind: Vec<CountyBehind> = targets
            .iter()
            .map(|t| CountyBehind {
                code: t.county,
                name: tree.name(t.county).unwrap_or_default().to_string(),
                progress: TargetProgress {
                    counted: counted_in(t.county),
                    target: Some(u64::from(t.persons)),
                },
            })
            .filter(|c| c.progress.behind())
            .collect();
        behind.sort_by(|a, b| {
            b.progress
                .short()
                .cmp(&a.progress.short())
                .then(a.code.cmp(&b.code))
        });
        Ok(EmploymentReport {
            area,
            area_name: root_name,
            day,
            policy,
            rule,
            progress: total_target.unwrap_or(TargetProgress {
                counted: target_rule.counted(&totals),
                target: None,
            }),
            totals,
            year,
            target_rule,
            by_area: by_area
                .into_iter()
                .map(|(code, f)| AreaEmployment {
                    code,
                    name: tree.name(code).unwrap_or_default().to_string(),
                    figures: f,
                    progress: child_targets.get(&code).copied().unwrap_or(TargetProgress {
                        counted: target_rule.counted(&f),
                        target: None,
                    }),
                })
                .collect(),
            behind,
            targets: targets
                .into_iter()
                .map(|t| {
                    let name = tree.name(t.county).unwrap_or_default().to_string();
                    (t, name)
                })
                .collect(),
        })
    }

    /// Imports a table of employment targets for a user who may set targets (the province,
    /// the cities, a county bureau), within their area. Audited.
    pub async fn import_employment_targets(
        &self,
        caller: &Caller,
        path: &Path,
        name: Option<&str>,
    ) -> Result<TargetImport, AppError> {
        self.import_audited_as(
            caller,
            Permission::Supervise,
            "import_employment_targets",
            |actor, scope| async move {
                self.import_employment_targets_in(&actor, scope, path, name)
                    .await
            },
        )
        .await
    }

    /// Imports a table of employment targets as `actor`, its rows refused outside `scope`.
    pub async fn import_employment_targets_in(
        &self,
        actor: &zhenxing_store::Actor,
        scope: Scope,
        path: &Path,
        name: Option<&str>,
    ) -> Result<TargetImport, AppError> {
        let (table, file) = crate::own_ledgers::read_named(path, name, read_targets).await?;
        let tree = self.tree().await;
        let mut report = TargetImport {
            file: file.clone(),
            rows: table.rows.len() as u64,
            ..TargetImport::default()
        };
        let header = |k: usize| -> String {
            table.headers[k]
                .clone()
                .unwrap_or_else(|| COLUMNS[k].1[0].to_string())
        };
        let this_year = today_in_china().year();
        let mut valid: Vec<EmploymentTarget> = Vec::new();
        let mut seen: HashMap<(AreaCode, PolicyYear), u64> = HashMap::new();
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
            match parse_target(row) {
                Err(problems) => {
                    for (k, value, why) in problems {
                        errors.push(error(k, value, why, "invalid_value"));
                    }
                }
                Ok(t) => {
                    if let Some((why, code)) = crate::own_ledgers::area_refused(
                        &tree,
                        scope,
                        t.county,
                        "该县不在您的管辖范围内",
                    ) {
                        errors.push(error(COUNTY, t.county.to_string(), why, code));
                    } else {
                        for problem in t.check() {
                            let (k, value) = match problem {
                                zhenxing_domain::employment::TargetError::Zero => {
                                    (PERSONS, t.persons.to_string())
                                }
                                _ => (COUNTY, t.county.to_string()),
                            };
                            errors.push(error(k, value, problem.to_string(), "rule"));
                        }
                    }
                    if i32::from(t.year.get()) > this_year + 1 {
                        errors.push(error(
                            YEAR,
                            t.year.get().to_string(),
                            format!("目标年度不能晚于{}年", this_year + 1),
                            "rule",
                        ));
                    }
                    if errors.is_empty() {
                        match seen.get(&(t.county, t.year)) {
                            Some(first) => errors.push(error(
                                COUNTY,
                                t.county.to_string(),
                                format!("与第{first}行是同一县同一年度的目标"),
                                "duplicate",
                            )),
                            None => {
                                seen.insert((t.county, t.year), row.row);
                                valid.push(t);
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
                .employment()
                .save_employment_targets(actor, scope, &valid)
                .await?;
            let t = Tally::of(&saved);
            (report.added, report.updated, report.unchanged) = (t.added, t.updated, t.unchanged);
        }
        Ok(report)
    }

    /// The demo's targets: each county under `area` with labour, its target a little above or
    /// below what it has in work today (deterministic by the county's code).
    pub async fn add_demo_employment_targets(
        &self,
        area: AreaCode,
    ) -> Result<EmploymentReport, AppError> {
        let r = self.employment_report(Scope::All, area).await?;
        let county_level = (area.level() <= AreaLevel::County).then_some(AreaLevel::County);
        let villages = self
            .store()
            .labour_by_village(Scope::All, area, &r.rule.labour)
            .await?;
        let mut by_county: BTreeMap<AreaCode, EmploymentFigures> = BTreeMap::new();
        for v in &villages {
            if let Some(c) = county_level.and_then(|l| v.village.ancestor(l)) {
                let mut one = EmploymentFigures::default();
                if v.ex_poor {
                    one.ex_poor = figures(v, &r.rule);
                } else {
                    one.monitored = figures(v, &r.rule);
                }
                by_county.entry(c).or_default().add(&one);
            }
        }
        let targets: Vec<EmploymentTarget> = by_county
            .into_iter()
            .filter_map(|(county, f)| {
                let counted = r.target_rule.counted(&f);
                // 90 % to 115 % of today's, by the county's code: some counties behind.
                let pct = 90 + (county.as_i64() / 1_000_000 % 26) as u64;
                let persons = u32::try_from(counted * pct / 100).ok()?;
                (persons > 0).then_some(EmploymentTarget {
                    county,
                    year: r.year,
                    persons,
                    note: Some("演示目标".into()),
                })
            })
            .collect();
        self.store()
            .employment()
            .save_employment_targets(
                &zhenxing_store::Actor {
                    user_id: None,
                    name: "演示数据".into(),
                },
                Scope::All,
                &targets,
            )
            .await?;
        self.employment_report(Scope::All, area).await
    }

    /// [`App::employment_report`] for a user: their area (or one within it) only.
    pub async fn employment_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
    ) -> Result<EmploymentReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.employment_report(caller.scope(), area).await
    }
}

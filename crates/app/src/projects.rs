//! Projects of 衔接资金 (项目台账, DOMAIN §11): a county's project ledger imported (every row
//! checked against the tree, the user's area and the year's policy; the rows refused reported
//! with file, row, column and why; the rest written in one transaction, each change kept), and
//! the year's progress of any area — 开工率, 完工率, 支出进度, the industry share against the
//! policy's floor — per area under it and per category, with the projects listed and the ledger
//! exported in the layout it is imported in.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use zhenxing_domain::policy::Policy;
use zhenxing_domain::project::{Project, ProjectFigures, ProjectNo, ProjectRule};
use zhenxing_domain::{AreaCode, Permission, PolicyYear, Scope, today_in_china};
use zhenxing_ledger::RowError;
use zhenxing_ledger::department::XlsxTableWriter;
use zhenxing_ledger::project::{COLUMNS, ProjectOut, parse_project, read_projects, write_projects};
use zhenxing_ledger::write::Out;
use zhenxing_store::project::StoredProject;

use crate::auth::Caller;
use crate::{App, AppError};

/// What importing a project ledger did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectImport {
    pub file: String,
    /// Data rows read.
    pub rows: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows refused (a row with several problems counts once).
    pub rejected: u64,
    /// Every problem of the rows refused, in row order.
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

impl ProjectImport {
    /// 0 when every row was taken, 2 when some were refused.
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }

    /// One line saying what was done, for the page and the command line.
    pub fn summary(&self) -> String {
        format!(
            "{}：读取{}行，新增项目{}个，更新{}个，未变{}个{}",
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

/// A project as the lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectRow {
    pub county: AreaCode,
    pub project: Project,
    /// Where it is built, by name below the area the list is of.
    pub area_name: String,
}

/// The year's projects of an area.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectReport {
    pub area: AreaCode,
    pub area_name: String,
    pub year: PolicyYear,
    /// Years with projects under the area, latest first.
    pub years: Vec<PolicyYear>,
    /// The policy the categories and the industry floor are from (`None`: no policy for the
    /// province and year, the default rule).
    pub policy: Option<String>,
    pub rule: ProjectRule,
    pub totals: ProjectFigures,
    /// Each area directly under `area` with projects.
    pub by_area: Vec<(AreaCode, String, ProjectFigures)>,
    /// Each category with projects, in the policy's order (others after).
    pub by_category: Vec<(String, ProjectFigures)>,
    pub projects: Vec<ProjectRow>,
}

/// A project with its changes, for its page.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectDetail {
    pub stored: StoredProject,
    pub area_name: String,
    /// Each change: when, who, and the fields it changed (label, before, after).
    pub changes: Vec<ChangeView>,
}

pub use crate::own_ledgers::ChangeView;

impl ProjectDetail {
    /// When the project was last changed, in China's time.
    pub fn changed_at_text(&self) -> String {
        crate::browse::china_time(&self.stored.changed_at)
    }
}

/// A project's fields in the ledger's order: its JSON key, its label, money in fen.
const FIELDS: crate::own_ledgers::Fields = &[
    ("no", "项目编号", false),
    ("year", "实施年度", false),
    ("name", "项目名称", false),
    ("area", "实施地点代码", false),
    ("category", "项目类别", false),
    ("stage", "项目状态", false),
    ("planned_fund", "计划投资（元）", true),
    ("allocated", "已下达资金（元）", true),
    ("spent", "已支出资金（元）", true),
    ("started_on", "开工时间", false),
    ("completed_on", "完工时间", false),
    ("accepted_on", "验收时间", false),
    ("beneficiary_households", "受益户数", false),
    ("poor_households", "其中脱贫户和监测户数", false),
    ("note", "备注", false),
];

impl App {
    /// The policy in force in the province of `area` for `year` (`None`: it has none).
    pub(crate) async fn policy_or_none(
        &self,
        area: AreaCode,
        year: PolicyYear,
    ) -> Result<Option<Policy>, AppError> {
        let Some(province) = Policy::province_of(area) else {
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

    /// Imports a project ledger for a user who may import, within their area. `name` is the
    /// file's name as the user knows it (an upload's), else the path's. Audited.
    pub async fn import_projects(
        &self,
        caller: &Caller,
        path: &Path,
        name: Option<&str>,
    ) -> Result<ProjectImport, AppError> {
        self.import_audited(caller, "import_projects", |actor, scope| async move {
            self.import_projects_in(&actor, scope, path, name).await
        })
        .await
    }

    /// Imports a project ledger as `actor`, its rows refused outside `scope` (the command line's
    /// is the whole tree).
    pub async fn import_projects_in(
        &self,
        actor: &zhenxing_store::Actor,
        scope: Scope,
        path: &Path,
        name: Option<&str>,
    ) -> Result<ProjectImport, AppError> {
        let (table, file) = crate::own_ledgers::read_named(path, name, read_projects).await?;
        let tree = self.tree().await;
        let today = today_in_china();
        let mut policies = crate::own_ledgers::Policies::default();
        let mut report = ProjectImport {
            file: file.clone(),
            rows: table.rows.len() as u64,
            ..ProjectImport::default()
        };
        let header = |k: usize| -> String {
            table.headers[k]
                .clone()
                .unwrap_or_else(|| COLUMNS[k].1[0].to_string())
        };
        let mut valid: Vec<Project> = Vec::new();
        // (county, number) → the row that gave it.
        let mut seen: HashMap<(AreaCode, ProjectNo), u64> = HashMap::new();
        for row in &table.rows {
            let error =
                |column: String, value: String, reason: String, code: &'static str| RowError {
                    file: file.clone(),
                    sheet: row.sheet.clone(),
                    row: row.row,
                    column,
                    value,
                    reason,
                    code,
                };
            let mut errors: Vec<RowError> = Vec::new();
            match parse_project(row) {
                Err(problems) => {
                    for (k, value, why) in problems {
                        errors.push(error(header(k), value, why, "invalid_value"));
                    }
                }
                Ok(p) => {
                    let area_column = header(zhenxing_ledger::project::AREA_CODE);
                    if let Some((why, code)) = crate::own_ledgers::area_refused(
                        &tree,
                        scope,
                        p.area,
                        "实施地点不在您的管辖范围内",
                    ) {
                        errors.push(error(area_column, p.area.to_string(), why, code));
                    } else {
                        let rule = policies
                            .of(self, p.area, p.year)
                            .await?
                            .map(|policy| policy.projects.clone())
                            .unwrap_or_default();
                        for e in p.check(&rule.categories, today) {
                            let value = match e.column() {
                                "项目类别" => p.category.clone(),
                                _ => String::new(),
                            };
                            let column = COLUMNS
                                .iter()
                                .position(|(_, names)| names[0] == e.column())
                                .map(header)
                                .unwrap_or_else(|| e.column().to_string());
                            errors.push(error(column, value, e.to_string(), "rule"));
                        }
                        if errors.is_empty()
                            && let Some(county) = p.county()
                        {
                            if let Some(first) = seen.get(&(county, p.no.clone())) {
                                errors.push(error(
                                    header(zhenxing_ledger::project::NO),
                                    p.no.to_string(),
                                    format!("与第{first}行的项目编号重复"),
                                    "duplicate",
                                ));
                            } else {
                                seen.insert((county, p.no.clone()), row.row);
                                valid.push(p);
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
        if !valid.is_empty() {
            let outcomes = self
                .store()
                .projects()
                .save_projects(actor, scope, &valid)
                .await?;
            let t = crate::own_ledgers::Tally::of(&outcomes);
            (report.added, report.updated, report.unchanged) = (t.added, t.updated, t.unchanged);
        }
        Ok(report)
    }

    /// The year's projects of `area` (the latest year with projects when none is given, else
    /// this year), within `scope`.
    pub async fn project_report(
        &self,
        scope: Scope,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> Result<ProjectReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let store = self.store().projects();
        let years = store.project_years(scope, area).await?;
        let year = match year.or_else(|| years.first().copied()) {
            Some(y) => y,
            None => crate::monitoring::policy::year_of(today_in_china())?,
        };
        let (rule, policy) = match self.policy_or_none(area, year).await? {
            Some(p) => (p.projects, Some(p.title)),
            None => (ProjectRule::default(), None),
        };
        let stored = store.projects(scope, area, Some(year)).await?;
        // Below the area: a county's list names township and village, a province's the county too.
        let skip = (area.level().number() as usize).clamp(2, 3);
        let name_below = |code: AreaCode| -> String {
            let names: Vec<&str> = tree
                .path(code)
                .iter()
                .skip(skip)
                .map(|d| d.name.as_str())
                .collect();
            if names.is_empty() {
                tree.name(code).unwrap_or_default().to_string()
            } else {
                names.join("")
            }
        };
        let child_level = area.level().child();
        let mut totals = ProjectFigures::default();
        let mut by_area: BTreeMap<AreaCode, ProjectFigures> = BTreeMap::new();
        let mut by_category: BTreeMap<String, ProjectFigures> = BTreeMap::new();
        let mut projects = Vec::with_capacity(stored.len());
        for s in stored {
            let p = &s.project;
            totals.add(p, &rule);
            if let Some(child) = child_level.and_then(|l| p.area.ancestor(l)) {
                by_area.entry(child).or_default().add(p, &rule);
            }
            by_category
                .entry(p.category.clone())
                .or_default()
                .add(p, &rule);
            projects.push(ProjectRow {
                county: s.county,
                area_name: name_below(p.area),
                project: s.project,
            });
        }
        let mut categories: Vec<(String, ProjectFigures)> = Vec::new();
        for c in &rule.categories {
            if let Some(f) = by_category.remove(c) {
                categories.push((c.clone(), f));
            }
        }
        categories.extend(by_category);
        Ok(ProjectReport {
            area,
            area_name: root.name.clone(),
            year,
            years,
            policy,
            rule,
            totals,
            by_area: by_area
                .into_iter()
                .map(|(code, f)| (code, tree.name(code).unwrap_or_default().to_string(), f))
                .collect(),
            by_category: categories,
            projects,
        })
    }

    /// [`App::project_report`] for a user: their area (or one within it) only.
    pub async fn project_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> Result<ProjectReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.project_report(caller.scope(), area, year).await
    }

    /// One project of a county's ledger with its changes, for a user within whose area it is.
    pub async fn project_detail(
        &self,
        caller: &Caller,
        county: AreaCode,
        no: &ProjectNo,
    ) -> Result<ProjectDetail, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let Some((stored, changes)) = self
            .store()
            .projects()
            .project(caller.scope(), county, no)
            .await?
        else {
            return Err(AppError::NotFound);
        };
        let tree = self.tree().await;
        let area_name = tree
            .path(stored.project.area)
            .iter()
            .skip(2)
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join("");
        Ok(ProjectDetail {
            area_name,
            stored,
            changes: changes
                .iter()
                .rev()
                .map(|c| crate::own_ledgers::change_view(c, FIELDS))
                .collect(),
        })
    }
}

/// The columns of the progress workbook.
pub const FIGURE_HEADERS: [&str; 15] = [
    "区划代码",
    "区划",
    "入库项目数",
    "计划项目数",
    "已开工",
    "已完工",
    "已验收",
    "开工率",
    "完工率",
    "计划投资（元）",
    "已下达资金（元）",
    "已支出资金（元）",
    "支出进度",
    "产业发展资金占比",
    "受益户数",
];

impl ProjectReport {
    /// "2025年城关区衔接资金项目：计划N个，开工率…".
    pub fn summary(&self) -> String {
        let t = &self.totals;
        format!(
            "{}年{}衔接资金项目：计划{}个（另有入库{}个），已开工{}个、开工率{}，已完工{}个、完工率{}，支出进度{}，产业发展资金占比{}（不低于{}）",
            self.year.get(),
            self.area_name,
            t.planned,
            t.library,
            t.started,
            t.start_rate(),
            t.completed,
            t.completion_rate(),
            t.spending_rate(),
            t.industry_share(),
            zhenxing_domain::project::percent(i64::from(self.rule.industry_share_min_bp), 10_000),
        )
    }

    /// The projects as a ledger of the layout they are imported in (an export imports back
    /// unchanged).
    pub fn write_ledger(&self, out: &Path) -> Result<(), AppError> {
        let title = format!("{}年{}衔接资金项目台账", self.year.get(), self.area_name);
        write_projects(
            out,
            &title,
            self.projects.iter().map(|r| ProjectOut {
                project: &r.project,
                area_name: r.area_name.clone(),
            }),
        )
        .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))
    }

    /// The progress per area under it, and the area's total, as a workbook.
    pub fn write_figures(&self, out: &Path) -> Result<(), AppError> {
        let failed =
            |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
        let mut w = XlsxTableWriter::create(out, "项目进度", &self.summary(), &FIGURE_HEADERS)
            .map_err(failed)?;
        let row = |code: &AreaCode, name: &str, f: &ProjectFigures| -> Vec<Out> {
            vec![
                Out::Text(code.to_string()),
                Out::Text(name.to_string()),
                Out::Int(f.library as i64),
                Out::Int(f.planned as i64),
                Out::Int(f.started as i64),
                Out::Int(f.completed as i64),
                Out::Int(f.accepted as i64),
                Out::Text(f.start_rate()),
                Out::Text(f.completion_rate()),
                Out::Yuan(f.planned_fund),
                Out::Yuan(f.allocated),
                Out::Yuan(f.spent),
                Out::Text(f.spending_rate()),
                Out::Text(f.industry_share()),
                Out::Int(f.beneficiary_households as i64),
            ]
        };
        for (code, name, f) in &self.by_area {
            w.row(&row(code, name, f)).map_err(failed)?;
        }
        w.row(&row(
            &self.area,
            &format!("{}合计", self.area_name),
            &self.totals,
        ))
        .map_err(failed)?;
        w.finish().map_err(failed)?;
        Ok(())
    }
}

/// A demo project's name per category.
const DEMO_NAMES: [(&str, &[&str]); 6] = [
    (
        "产业发展",
        &[
            "花椒产业园",
            "中药材种植基地",
            "肉牛养殖小区",
            "农产品冷链仓储",
            "食用菌大棚",
            "油橄榄加工车间",
        ],
    ),
    (
        "乡村建设行动",
        &["村组道路硬化", "人饮巩固提升", "公厕改造", "污水管网"],
    ),
    ("就业项目", &["帮扶车间", "劳务技能培训"]),
    ("易地搬迁后扶", &["安置区配套产业园"]),
    ("巩固三保障成果", &["农村危房改造"]),
    ("项目管理费", &["项目管理费"]),
];

impl App {
    /// The demo's projects: last year's and this year's ledgers of `county` (deterministic by
    /// `seed`), last year's mostly accepted, this year's at every stage; the year's report.
    pub async fn add_demo_projects(
        &self,
        county: AreaCode,
        today: chrono::NaiveDate,
        seed: u64,
    ) -> Result<ProjectReport, AppError> {
        use chrono::Datelike;
        use zhenxing_domain::Money;
        use zhenxing_domain::project::ProjectStage as S;
        let tree = self.tree().await;
        let villages: Vec<AreaCode> = tree
            .subtree(county)
            .iter()
            .filter(|d| d.level == zhenxing_domain::AreaLevel::Village)
            .map(|d| d.code)
            .collect();
        if villages.is_empty() {
            return Err(AppError::UnknownArea(county.to_string()));
        }
        drop(tree);
        let mut rng = crate::synth::Rng::new(seed ^ 0x5052_4f4a);
        let mut projects = Vec::new();
        for (year, count) in [(today.year() - 1, 30), (today.year(), 36)] {
            let Ok(py) = PolicyYear::new(year as u16) else {
                continue;
            };
            let this_year = year == today.year();
            for i in 0..count {
                // Six in ten industry projects, as the floor asks.
                let (category, names) = if rng.chance(0.6) {
                    DEMO_NAMES[0]
                } else {
                    *rng.pick(&DEMO_NAMES[1..])
                };
                let village = *rng.pick(&villages);
                let stage = if !this_year {
                    *rng.pick(&[S::Accepted, S::HandedOver, S::HandedOver, S::Completed])
                } else if i < 2 {
                    S::Library
                } else {
                    *rng.pick(&[
                        S::Planned,
                        S::Funded,
                        S::Tendered,
                        S::Started,
                        S::Started,
                        S::Started,
                        S::Completed,
                        S::Completed,
                        S::Accepted,
                    ])
                };
                let wan = 20 + rng.below(280) as i64;
                let planned_fund = Money::from_yuan(wan * 10_000);
                let allocated = if stage >= S::Funded {
                    planned_fund
                } else {
                    Money::ZERO
                };
                let spent_share = match stage {
                    s if s >= S::Accepted => 100,
                    S::Completed => 85 + rng.below(15) as i64,
                    S::Started => 20 + rng.below(50) as i64,
                    S::Tendered | S::Funded => rng.below(10) as i64,
                    _ => 0,
                };
                let spent = Money::from_fen(allocated.fen() / 100 * spent_share);
                // Days within the year, none after today.
                let start = chrono::NaiveDate::from_ymd_opt(year, 3, 1).unwrap_or(today);
                let day = |offset: u64| (start + chrono::Days::new(offset)).min(today);
                let started_on = (stage >= S::Started).then(|| day(rng.below(90)));
                let completed_on = (stage >= S::Completed)
                    .then(|| {
                        started_on.map(|d| (d + chrono::Days::new(60 + rng.below(60))).min(today))
                    })
                    .flatten();
                let accepted_on = (stage >= S::Accepted)
                    .then(|| {
                        completed_on.map(|d| (d + chrono::Days::new(10 + rng.below(20))).min(today))
                    })
                    .flatten();
                let households = 20 + rng.below(300) as u32;
                let Ok(no) = ProjectNo::parse(&format!("{}{year}{:03}", county.prefix(), i + 1))
                else {
                    continue;
                };
                projects.push(Project {
                    no,
                    year: py,
                    name: format!(
                        "{}{}",
                        rng.pick(names),
                        if category == "项目管理费" {
                            ""
                        } else {
                            "项目"
                        }
                    ),
                    area: village,
                    category: category.to_string(),
                    stage,
                    planned_fund,
                    allocated,
                    spent,
                    started_on,
                    completed_on,
                    accepted_on,
                    beneficiary_households: Some(households),
                    poor_households: Some(households / 3),
                    note: None,
                });
            }
        }
        self.store()
            .projects()
            .save_projects(
                &zhenxing_store::Actor {
                    user_id: None,
                    name: "演示数据".into(),
                },
                Scope::All,
                &projects,
            )
            .await?;
        self.project_report(Scope::All, county, None).await
    }
}

impl crate::own_ledgers::Imported for ProjectImport {
    fn file(&self) -> &str {
        &self.file
    }
}

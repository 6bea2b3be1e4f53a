//! Rural construction (乡村建设, DOMAIN §11): a county's ledger of items (village plans, toilets,
//! sewage, demonstration villages) and the targets set its counties, imported (every row
//! checked against the tree, the user's area and the year's policy; the rows refused reported
//! with file, row, column and why; the rest written in one transaction, each change kept); and
//! the year's progress of any area per task — target, items, planned and completed quantities,
//! 完成率 — per area under it, the items listed and the ledger exported as it is imported.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;
use zhenxing_domain::construction::{
    ConstructionFigures, ConstructionItem, ConstructionRule, ConstructionStage, ConstructionTarget,
};
use zhenxing_domain::project::ProjectNo;
use zhenxing_domain::{AreaCode, Permission, PolicyYear, Scope, today_in_china};
use zhenxing_ledger::RowError;
use zhenxing_ledger::construction::{
    AREA_CODE, ITEM_COLUMNS, ItemOut, NO, T_COUNTY, T_TASK, TARGET_COLUMNS, TargetOut, parse_item,
    parse_target, read_construction, write_construction,
};
use zhenxing_ledger::department::XlsxTableWriter;
use zhenxing_ledger::table::{Column, Table, TableRow};
use zhenxing_ledger::write::Out;

use crate::auth::Caller;
use crate::own_ledgers::Tally;
use crate::{App, AppError};

/// What importing a construction ledger did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConstructionImport {
    pub file: String,
    /// Data rows read: items, targets.
    pub item_rows: u64,
    pub target_rows: u64,
    pub items_added: u64,
    pub items_updated: u64,
    pub items_unchanged: u64,
    pub targets_added: u64,
    pub targets_updated: u64,
    pub targets_unchanged: u64,
    /// Rows refused (a row with several problems counts once).
    pub rejected: u64,
    /// Every problem of the rows refused, items' first, in row order.
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

impl ConstructionImport {
    /// 0 when every row was taken, 2 when some were refused.
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }

    /// One line saying what was done, for the page and the command line.
    pub fn summary(&self) -> String {
        format!(
            "{}：读取建设项目{}行（新增{}个，更新{}个，未变{}个），目标任务{}行（新增{}项，更新{}项，未变{}项）{}",
            self.file,
            self.item_rows,
            self.items_added,
            self.items_updated,
            self.items_unchanged,
            self.target_rows,
            self.targets_added,
            self.targets_updated,
            self.targets_unchanged,
            if self.rejected > 0 {
                format!("，{}行未导入（见错误明细）", self.rejected)
            } else {
                "，全部导入".to_string()
            }
        )
    }
}

/// An item as the lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub county: AreaCode,
    pub item: ConstructionItem,
    /// Where it is, by name below the area the list is of.
    pub area_name: String,
    /// Its task's unit.
    pub unit: String,
    /// Its version: 1 as first imported, one more with each change.
    pub version: i64,
}

/// A target as the lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub target: ConstructionTarget,
    pub county_name: String,
    pub unit: String,
}

/// A task of the year and its figures.
#[derive(Debug, Clone, Serialize)]
pub struct TaskFigures {
    pub task: String,
    pub unit: String,
    pub figures: ConstructionFigures,
}

/// The year's rural construction of an area.
#[derive(Debug, Clone, Serialize)]
pub struct ConstructionReport {
    pub area: AreaCode,
    pub area_name: String,
    pub year: PolicyYear,
    /// Years with items or targets under the area, latest first.
    pub years: Vec<PolicyYear>,
    /// The policy the tasks are from (`None`: no policy for the province and year, the default).
    pub policy: Option<String>,
    /// Each task of the policy, then any other the items give, with the area's figures.
    pub tasks: Vec<TaskFigures>,
    /// Each area directly under `area` with items or targets: its figures per task, in the
    /// order of `tasks`.
    pub by_area: Vec<(AreaCode, String, Vec<ConstructionFigures>)>,
    pub items: Vec<ItemRow>,
    pub targets: Vec<TargetRow>,
}

/// What a row of one sheet kind gives the import: the parsed value, else its problems told.
struct RowCheck<'t> {
    table: &'t Table,
    columns: &'static [Column],
    row: &'t TableRow,
    file: &'t str,
    errors: Vec<RowError>,
}

impl RowCheck<'_> {
    fn header(&self, k: usize) -> String {
        self.table.headers[k]
            .clone()
            .unwrap_or_else(|| self.columns[k].1[0].to_string())
    }

    /// The column a rule's error names (its canonical header) as written in the file.
    fn header_named(&self, canonical: &str) -> String {
        self.columns
            .iter()
            .position(|(_, names)| names[0] == canonical)
            .map(|k| self.header(k))
            .unwrap_or_else(|| canonical.to_string())
    }

    fn push(&mut self, column: String, value: String, reason: String, code: &'static str) {
        self.errors.push(RowError {
            file: self.file.to_string(),
            sheet: self.row.sheet.clone(),
            row: self.row.row,
            column,
            value,
            reason,
            code,
        });
    }

    fn cells(&mut self, problems: Vec<zhenxing_ledger::project::CellProblem>) {
        for (k, value, why) in problems {
            let column = self.header(k);
            self.push(column, value, why, "invalid_value");
        }
    }

    /// The area of column `k` known and within `scope`; else told.
    fn area_within(
        &mut self,
        k: usize,
        area: AreaCode,
        tree: &zhenxing_domain::DivisionTree,
        scope: Scope,
        outside: &str,
    ) -> bool {
        match crate::own_ledgers::area_refused(tree, scope, area, outside) {
            Some((why, code)) => {
                let column = self.header(k);
                self.push(column, area.to_string(), why, code);
                false
            }
            None => true,
        }
    }
}

impl App {
    /// Imports a construction ledger (its items' sheets, its targets' sheets, or both) for a
    /// user who may import, within their area. `name` is the file's name as the user knows it.
    /// Audited.
    pub async fn import_construction(
        &self,
        caller: &Caller,
        path: &Path,
        name: Option<&str>,
    ) -> Result<ConstructionImport, AppError> {
        self.import_audited(caller, "import_construction", |actor, scope| async move {
            self.import_construction_in(&actor, scope, path, name).await
        })
        .await
    }

    /// Imports a construction ledger as `actor`, its rows refused outside `scope` (the command
    /// line's is the whole tree).
    pub async fn import_construction_in(
        &self,
        actor: &zhenxing_store::Actor,
        scope: Scope,
        path: &Path,
        name: Option<&str>,
    ) -> Result<ConstructionImport, AppError> {
        let ((items, targets), file) =
            crate::own_ledgers::read_as_named(path, name, read_construction).await?;
        let tree = self.tree().await;
        let today = today_in_china();
        let mut policies = crate::own_ledgers::Policies::default();
        let mut report = ConstructionImport {
            file: file.clone(),
            item_rows: items.as_ref().map_or(0, |t| t.rows.len() as u64),
            target_rows: targets.as_ref().map_or(0, |t| t.rows.len() as u64),
            ..ConstructionImport::default()
        };
        let mut valid_items: Vec<ConstructionItem> = Vec::new();
        let mut seen_items: HashMap<(AreaCode, ProjectNo), u64> = HashMap::new();
        for table in items.iter() {
            for row in &table.rows {
                let mut check = RowCheck {
                    table,
                    columns: &ITEM_COLUMNS,
                    row,
                    file: &file,
                    errors: Vec::new(),
                };
                match parse_item(row) {
                    Err(problems) => check.cells(problems),
                    Ok(i) => {
                        if check.area_within(
                            AREA_CODE,
                            i.area,
                            &tree,
                            scope,
                            "所在地不在您的管辖范围内",
                        ) {
                            let rule = policies
                                .of(self, i.area, i.year)
                                .await?
                                .map(|p| p.construction.clone())
                                .unwrap_or_default();
                            for e in i.check(&rule, today) {
                                let value = match e.column() {
                                    "任务类别" => i.task.clone(),
                                    "完成数量" => i.done.to_string(),
                                    "计划数量" => i.planned.to_string(),
                                    _ => String::new(),
                                };
                                let column = check.header_named(e.column());
                                check.push(column, value, e.to_string(), "rule");
                            }
                            if check.errors.is_empty()
                                && let Some(county) = i.county()
                            {
                                match seen_items.get(&(county, i.no.clone())) {
                                    Some(first) => {
                                        let column = check.header(NO);
                                        check.push(
                                            column,
                                            i.no.to_string(),
                                            format!("与第{first}行的项目编号重复"),
                                            "duplicate",
                                        );
                                    }
                                    None => {
                                        seen_items.insert((county, i.no.clone()), row.row);
                                        valid_items.push(i);
                                    }
                                }
                            }
                        }
                    }
                }
                if !check.errors.is_empty() {
                    report.rejected += 1;
                    report.errors.extend(check.errors);
                }
            }
        }
        let mut valid_targets: Vec<ConstructionTarget> = Vec::new();
        let mut seen_targets: HashMap<(AreaCode, PolicyYear, String), u64> = HashMap::new();
        for table in targets.iter() {
            for row in &table.rows {
                let mut check = RowCheck {
                    table,
                    columns: &TARGET_COLUMNS,
                    row,
                    file: &file,
                    errors: Vec::new(),
                };
                match parse_target(row) {
                    Err(problems) => check.cells(problems),
                    Ok(t) => {
                        if check.area_within(
                            T_COUNTY,
                            t.county,
                            &tree,
                            scope,
                            "该县不在您的管辖范围内",
                        ) {
                            let rule = policies
                                .of(self, t.county, t.year)
                                .await?
                                .map(|p| p.construction.clone())
                                .unwrap_or_default();
                            for e in t.check(&rule) {
                                let value = match e.column() {
                                    "任务类别" => t.task.clone(),
                                    _ => t.county.to_string(),
                                };
                                let column = check.header_named(e.column());
                                check.push(column, value, e.to_string(), "rule");
                            }
                            if check.errors.is_empty() {
                                let key = (t.county, t.year, t.task.clone());
                                match seen_targets.get(&key) {
                                    Some(first) => {
                                        let column = check.header(T_TASK);
                                        check.push(
                                            column,
                                            t.task.clone(),
                                            format!("与第{first}行是同一县同一年度的同一任务"),
                                            "duplicate",
                                        );
                                    }
                                    None => {
                                        seen_targets.insert(key, row.row);
                                        valid_targets.push(t);
                                    }
                                }
                            }
                        }
                    }
                }
                if !check.errors.is_empty() {
                    report.rejected += 1;
                    report.errors.extend(check.errors);
                }
            }
        }
        drop(tree);
        if !valid_items.is_empty() || !valid_targets.is_empty() {
            let (items, targets) = self
                .store()
                .construction()
                .save_construction(actor, scope, &valid_items, &valid_targets)
                .await?;
            let t = Tally::of(&items);
            (
                report.items_added,
                report.items_updated,
                report.items_unchanged,
            ) = (t.added, t.updated, t.unchanged);
            let t = Tally::of(&targets);
            (
                report.targets_added,
                report.targets_updated,
                report.targets_unchanged,
            ) = (t.added, t.updated, t.unchanged);
        }
        Ok(report)
    }

    /// The year's rural construction of `area` (the latest year with any when none is given,
    /// else this year), within `scope`.
    pub async fn construction_report(
        &self,
        scope: Scope,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> Result<ConstructionReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let store = self.store().construction();
        let years = store.construction_years(scope, area).await?;
        let year = match year.or_else(|| years.first().copied()) {
            Some(y) => y,
            None => crate::monitoring::policy::year_of(today_in_china())?,
        };
        let (rule, policy) = match self.policy_or_none(area, year).await? {
            Some(p) => (p.construction, Some(p.title)),
            None => (ConstructionRule::default(), None),
        };
        let stored = store.construction_items(scope, area, year).await?;
        let targets = store.construction_targets(scope, area, year).await?;
        // The tasks: the policy's, then any other a stored row gives (a task since dropped).
        let mut tasks: Vec<(String, String)> = rule
            .tasks
            .iter()
            .map(|t| (t.name.clone(), t.unit.clone()))
            .collect();
        let mut known: HashSet<String> = tasks.iter().map(|(n, _)| n.clone()).collect();
        for task in stored
            .iter()
            .map(|s| &s.item.task)
            .chain(targets.iter().map(|t| &t.task))
        {
            if known.insert(task.clone()) {
                tasks.push((task.clone(), String::new()));
            }
        }
        let index: HashMap<&str, usize> = tasks
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.as_str(), i))
            .collect();
        let unit = |task: &str| -> String {
            index
                .get(task)
                .map(|&i| tasks[i].1.clone())
                .unwrap_or_default()
        };
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
        let mut totals = vec![ConstructionFigures::default(); tasks.len()];
        let mut by_area: BTreeMap<AreaCode, Vec<ConstructionFigures>> = BTreeMap::new();
        let mut item_rows = Vec::with_capacity(stored.len());
        for s in stored {
            let i = &s.item;
            let k = index[i.task.as_str()];
            totals[k].add_item(i);
            if let Some(child) = child_level.and_then(|l| i.area.ancestor(l)) {
                by_area
                    .entry(child)
                    .or_insert_with(|| vec![ConstructionFigures::default(); tasks.len()])[k]
                    .add_item(i);
            }
            item_rows.push(ItemRow {
                county: s.county,
                area_name: name_below(i.area),
                unit: unit(&i.task),
                version: s.version,
                item: s.item,
            });
        }
        let mut target_rows = Vec::with_capacity(targets.len());
        for t in targets {
            let k = index[t.task.as_str()];
            totals[k].add_target(t.quantity);
            // Below a county, targets are not split: its townships show their items only.
            if let Some(child) = child_level
                .filter(|l| *l <= zhenxing_domain::AreaLevel::County)
                .and_then(|l| t.county.ancestor(l))
            {
                by_area
                    .entry(child)
                    .or_insert_with(|| vec![ConstructionFigures::default(); tasks.len()])[k]
                    .add_target(t.quantity);
            }
            target_rows.push(TargetRow {
                county_name: tree.name(t.county).unwrap_or_default().to_string(),
                unit: unit(&t.task),
                target: t,
            });
        }
        Ok(ConstructionReport {
            area,
            area_name: root.name.clone(),
            year,
            years,
            policy,
            tasks: tasks
                .into_iter()
                .zip(totals)
                .map(|((task, unit), figures)| TaskFigures {
                    task,
                    unit,
                    figures,
                })
                .collect(),
            by_area: by_area
                .into_iter()
                .map(|(code, f)| (code, tree.name(code).unwrap_or_default().to_string(), f))
                .collect(),
            items: item_rows,
            targets: target_rows,
        })
    }

    /// [`App::construction_report`] for a user: their area (or one within it) only.
    pub async fn construction_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> Result<ConstructionReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.construction_report(caller.scope(), area, year).await
    }
}

/// An item with its changes, for its page.
#[derive(Debug, Clone, Serialize)]
pub struct ItemDetail {
    pub county: AreaCode,
    pub item: ConstructionItem,
    pub version: i64,
    pub area_name: String,
    pub unit: String,
    /// Newest first.
    pub changes: Vec<crate::own_ledgers::ChangeView>,
}

/// An item's fields in the ledger's order: its JSON key, its label, money in fen.
const ITEM_FIELDS: crate::own_ledgers::Fields = &[
    ("no", "项目编号", false),
    ("year", "实施年度", false),
    ("task", "任务类别", false),
    ("area", "所在地代码", false),
    ("name", "建设内容", false),
    ("planned", "计划数量", false),
    ("done", "完成数量", false),
    ("stage", "进展情况", false),
    ("completed_on", "完成时间", false),
    ("note", "备注", false),
];

impl App {
    /// One item of a county's ledger with its changes, for a user within whose area it is.
    pub async fn construction_item(
        &self,
        caller: &Caller,
        county: AreaCode,
        no: &ProjectNo,
    ) -> Result<ItemDetail, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let Some((stored, changes)) = self
            .store()
            .construction()
            .construction_item(caller.scope(), county, no)
            .await?
        else {
            return Err(AppError::NotFound);
        };
        let rule = self
            .policy_or_none(stored.item.area, stored.item.year)
            .await?
            .map(|p| p.construction)
            .unwrap_or_default();
        let tree = self.tree().await;
        let area_name = tree
            .path(stored.item.area)
            .iter()
            .skip(2)
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join("");
        Ok(ItemDetail {
            county: stored.county,
            unit: rule
                .task(&stored.item.task)
                .map(|t| t.unit.clone())
                .unwrap_or_default(),
            area_name,
            version: stored.version,
            item: stored.item,
            changes: changes
                .iter()
                .rev()
                .map(|c| crate::own_ledgers::change_view(c, ITEM_FIELDS))
                .collect(),
        })
    }
}

/// The columns of the progress workbook.
pub const FIGURE_HEADERS: [&str; 12] = [
    "区划代码",
    "区划",
    "任务类别",
    "单位",
    "目标任务",
    "建设项目数",
    "计划数量",
    "完成数量",
    "完成率",
    "已开工项目",
    "已完成项目",
    "已验收项目",
];

impl ConstructionReport {
    /// "2026年城关区乡村建设：农村户厕改造完成1200户/目标1500户（80.00%），…".
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .tasks
            .iter()
            .filter(|t| t.figures.items > 0 || t.figures.target.is_some())
            .map(|t| {
                let f = &t.figures;
                match f.target {
                    Some(target) => format!(
                        "{}完成{}{}、目标{}{}（{}）",
                        t.task,
                        f.done,
                        t.unit,
                        target,
                        t.unit,
                        f.completion_rate()
                    ),
                    None => format!("{}完成{}{}（未下达目标任务）", t.task, f.done, t.unit),
                }
            })
            .collect();
        format!(
            "{}年{}乡村建设：{}",
            self.year.get(),
            self.area_name,
            if parts.is_empty() {
                "尚无建设项目和目标任务".to_string()
            } else {
                parts.join("；")
            }
        )
    }

    /// The tasks whose target is set and not reached.
    pub fn behind(&self) -> Vec<&TaskFigures> {
        self.tasks.iter().filter(|t| t.figures.behind()).collect()
    }

    /// The items and targets as a ledger of the layout they are imported in.
    pub fn write_ledger(&self, out: &Path) -> Result<(), AppError> {
        let title = format!("{}年{}乡村建设台账", self.year.get(), self.area_name);
        write_construction(
            out,
            &title,
            self.items.iter().map(|r| ItemOut {
                item: &r.item,
                area_name: r.area_name.clone(),
                unit: r.unit.clone(),
            }),
            self.targets.iter().map(|t| TargetOut {
                target: &t.target,
                county_name: t.county_name.clone(),
                unit: t.unit.clone(),
            }),
        )
        .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))
    }

    /// The progress per area under it and task, and the area's total, as a workbook.
    pub fn write_figures(&self, out: &Path) -> Result<(), AppError> {
        let failed =
            |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
        let mut w = XlsxTableWriter::create(out, "完成情况", &self.summary(), &FIGURE_HEADERS)
            .map_err(failed)?;
        let rows = self
            .by_area
            .iter()
            .map(|(c, n, f)| (*c, n.clone(), f.as_slice()));
        let totals: Vec<ConstructionFigures> = self.tasks.iter().map(|t| t.figures).collect();
        let total = (
            self.area,
            format!("{}合计", self.area_name),
            totals.as_slice(),
        );
        for (code, name, figures) in rows.chain(std::iter::once(total)) {
            for (t, f) in self.tasks.iter().zip(figures) {
                if f.items == 0 && f.target.is_none() {
                    continue;
                }
                w.row(&[
                    Out::Text(code.to_string()),
                    Out::Text(name.clone()),
                    Out::Text(t.task.clone()),
                    Out::Text(t.unit.clone()),
                    f.target
                        .map(|n| Out::Int(n as i64))
                        .unwrap_or(Out::Text(String::new())),
                    Out::Int(f.items as i64),
                    Out::Int(f.planned as i64),
                    Out::Int(f.done as i64),
                    Out::Text(f.completion_rate()),
                    Out::Int(f.started as i64),
                    Out::Int(f.completed as i64),
                    Out::Int(f.accepted as i64),
                ])
                .map_err(failed)?;
            }
        }
        w.finish().map_err(failed)?;
        Ok(())
    }
}

/// A demo task: its name, what is built, how many items, each item's quantity range, the target.
type DemoTask = (&'static str, &'static str, usize, (u32, u32), u32);

impl App {
    /// The demo's rural construction: this year's targets of `county` and its items in its
    /// villages at every stage (deterministic by `seed`), short of some targets; the report.
    pub async fn add_demo_construction(
        &self,
        county: AreaCode,
        today: chrono::NaiveDate,
        seed: u64,
    ) -> Result<ConstructionReport, AppError> {
        use ConstructionStage as S;
        use chrono::Datelike;
        let tree = self.tree().await;
        let villages: Vec<AreaCode> = tree
            .subtree(county)
            .iter()
            .filter(|d| d.level == zhenxing_domain::AreaLevel::Village)
            .map(|d| d.code)
            .collect();
        drop(tree);
        if villages.is_empty() {
            return Err(AppError::UnknownArea(county.to_string()));
        }
        let year =
            PolicyYear::new(today.year() as u16).map_err(|e| AppError::Invalid(e.to_string()))?;
        let mut rng = crate::synth::Rng::new(seed ^ 0x4a49_4e53);
        let plan: [DemoTask; 5] = [
            ("村庄规划编制", "村庄规划", 12, (1, 1), 14),
            ("农村户厕改造", "户厕改造", 20, (20, 80), 1200),
            ("问题厕所整改", "问题厕所整改", 8, (3, 15), 60),
            ("生活污水治理", "生活污水治理", 6, (1, 1), 6),
            ("和美乡村示范村创建", "示范村创建", 3, (1, 1), 3),
        ];
        let mut items = Vec::new();
        let mut targets = Vec::new();
        let mut n = 0;
        for (task, what, count, (lo, hi), target) in plan {
            targets.push(ConstructionTarget {
                county,
                year,
                task: task.to_string(),
                quantity: target,
            });
            for _ in 0..count {
                n += 1;
                let village = *rng.pick(&villages);
                let planned = lo + rng.below(u64::from(hi - lo + 1)) as u32;
                let stage = *rng.pick(&[
                    S::NotStarted,
                    S::InProgress,
                    S::InProgress,
                    S::Completed,
                    S::Completed,
                    S::Accepted,
                ]);
                let done = match stage {
                    S::NotStarted => 0,
                    S::InProgress => planned / 2,
                    _ => planned,
                };
                let start = chrono::NaiveDate::from_ymd_opt(today.year(), 4, 1).unwrap_or(today);
                let completed_on = (stage >= S::Completed)
                    .then(|| (start + chrono::Days::new(rng.below(150))).min(today));
                let Ok(no) =
                    ProjectNo::parse(&format!("JS{}{}{:03}", county.prefix(), today.year(), n))
                else {
                    continue;
                };
                items.push(ConstructionItem {
                    no,
                    year,
                    task: task.to_string(),
                    area: village,
                    name: what.to_string(),
                    planned,
                    done,
                    stage,
                    completed_on,
                    note: None,
                });
            }
        }
        self.store()
            .construction()
            .save_construction(
                &zhenxing_store::Actor {
                    user_id: None,
                    name: "演示数据".into(),
                },
                Scope::All,
                &items,
                &targets,
            )
            .await?;
        self.construction_report(Scope::All, county, Some(year))
            .await
    }
}

impl crate::own_ledgers::Imported for ConstructionImport {
    fn file(&self) -> &str {
        &self.file
    }
}

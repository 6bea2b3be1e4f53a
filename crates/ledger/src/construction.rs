//! The rural-construction ledger (乡村建设台账): a sheet of items (where, what, how many planned
//! and done, how far) and a sheet of targets (目标任务, a county's per task and year); a file may
//! hold either or both. Each row parsed or its cells' problems told; both written back in the
//! layout they are read in, so an export imports back unchanged.

use std::path::Path;

use chrono::NaiveDate;
use zhenxing_domain::construction::{ConstructionItem, ConstructionStage, ConstructionTarget};
use zhenxing_domain::project::ProjectNo;
use zhenxing_domain::{AreaCode, LedgerDate, PolicyYear};

use crate::department::XlsxTableWriter;
use crate::error::{FileError, LedgerError};
use crate::project::CellProblem;
use crate::table::{Column, Table, TableKind, TableRow, read_table};
use crate::write::Out;

pub const NO: usize = 0;
pub const YEAR: usize = 1;
pub const TASK: usize = 2;
pub const AREA_CODE: usize = 3;
pub const AREA_NAME: usize = 4;
pub const NAME: usize = 5;
pub const PLANNED: usize = 6;
pub const DONE: usize = 7;
pub const UNIT: usize = 8;
pub const STAGE: usize = 9;
pub const COMPLETED: usize = 10;
pub const NOTE: usize = 11;

/// The items' columns, each with its canonical header first.
pub const ITEM_COLUMNS: [Column; 12] = [
    ("item_no", &["项目编号", "任务编号", "编号"]),
    ("year", &["实施年度", "年度", "计划年度"]),
    ("task", &["任务类别", "建设任务", "类别", "任务类型"]),
    (
        "area_code",
        &[
            "所在地代码",
            "所在村代码",
            "行政村代码",
            "实施地点代码",
            "区划代码",
        ],
    ),
    ("area_name", &["所在地", "所在村", "行政村", "实施地点"]),
    ("name", &["建设内容", "项目名称", "任务名称", "名称"]),
    ("planned", &["计划数量", "计划数", "计划任务数", "任务数量"]),
    ("done", &["完成数量", "已完成数量", "完成数", "累计完成"]),
    ("unit", &["单位", "计量单位"]),
    ("stage", &["进展情况", "进展", "建设进度", "状态"]),
    ("completed_on", &["完成时间", "完成日期", "竣工时间"]),
    ("note", &["备注", "说明"]),
];

pub const ITEMS: TableKind = TableKind {
    label: "乡村建设台账",
    columns: &ITEM_COLUMNS,
    required: &[&[NO], &[YEAR], &[TASK], &[AREA_CODE], &[PLANNED], &[STAGE]],
    missing: "项目编号、实施年度、任务类别、所在地代码、计划数量、进展情况",
};

pub const T_COUNTY: usize = 0;
pub const T_COUNTY_NAME: usize = 1;
pub const T_YEAR: usize = 2;
pub const T_TASK: usize = 3;
pub const T_QUANTITY: usize = 4;
pub const T_UNIT: usize = 5;

/// The targets' columns.
pub const TARGET_COLUMNS: [Column; 6] = [
    (
        "county_code",
        &["区划代码", "县区代码", "县（市、区）代码", "县级区划代码"],
    ),
    ("county_name", &["县（市、区）", "县区", "县", "区划名称"]),
    ("year", &["年度", "实施年度", "计划年度"]),
    ("task", &["任务类别", "建设任务", "类别", "任务类型"]),
    (
        "quantity",
        &["目标任务数", "目标任务", "目标数", "下达任务数", "任务数"],
    ),
    ("unit", &["单位", "计量单位"]),
];

pub const TARGETS: TableKind = TableKind {
    label: "乡村建设目标任务表",
    columns: &TARGET_COLUMNS,
    required: &[&[T_COUNTY], &[T_YEAR], &[T_TASK], &[T_QUANTITY]],
    missing: "区划代码、年度、任务类别、目标任务数",
};

/// The items' sheets of a file (`Ok(None)`: it has none).
pub fn read_items(path: &Path) -> Result<Option<Table>, LedgerError> {
    optional(read_table(path, &ITEMS))
}

/// The targets' sheets of a file (`Ok(None)`: it has none).
pub fn read_targets(path: &Path) -> Result<Option<Table>, LedgerError> {
    optional(read_table(path, &TARGETS))
}

/// A construction ledger: its items' sheets and its targets' sheets, at least one of them.
pub fn read_construction(path: &Path) -> Result<(Option<Table>, Option<Table>), LedgerError> {
    let items = read_items(path)?;
    let targets = read_targets(path)?;
    if items.is_none() && targets.is_none() {
        return Err(LedgerError {
            file: path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            sheet: None,
            error: FileError::NotLedger {
                kind: ITEMS.label,
                rows: crate::read::HEADER_SEARCH_ROWS,
                missing: format!("{}（或目标任务表的{}）", ITEMS.missing, TARGETS.missing),
            },
        });
    }
    Ok((items, targets))
}

fn optional(read: Result<Table, LedgerError>) -> Result<Option<Table>, LedgerError> {
    match read {
        Ok(t) => Ok(Some(t)),
        Err(e) if matches!(e.error, FileError::NotLedger { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The cells of one row, each parsed or its problem noted.
pub(crate) struct Cells<'r> {
    pub row: &'r TableRow,
    pub problems: Vec<CellProblem>,
}

impl<'r> Cells<'r> {
    pub fn of(row: &'r TableRow) -> Cells<'r> {
        Cells {
            row,
            problems: Vec::new(),
        }
    }

    pub fn required(&mut self, k: usize) -> Option<String> {
        let v = self.row.get(k).map(str::to_string);
        if v.is_none() {
            self.problems.push((k, String::new(), "不能为空".into()));
        }
        v
    }

    pub fn parsed<T, E: std::fmt::Display>(
        &mut self,
        k: usize,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = self.required(k)?;
        match parse(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problems.push((k, v, e.to_string()));
                None
            }
        }
    }

    pub fn year(&mut self, k: usize) -> Option<PolicyYear> {
        self.parsed(k, |v| PolicyYear::parse(v.trim_end_matches('年')))
    }

    pub fn area(&mut self, k: usize) -> Option<AreaCode> {
        self.parsed(k, AreaCode::parse)
    }

    /// A count (a unit written after it, as "40户", is let be); empty is 0 unless required.
    pub fn count(&mut self, k: usize, required: bool) -> Option<u32> {
        let Some(v) = self.row.get(k) else {
            if required {
                self.problems.push((k, String::new(), "不能为空".into()));
                return None;
            }
            return Some(0);
        };
        let digits = v.trim_end_matches(|c: char| !c.is_ascii_digit()).trim();
        match digits.replace(',', "").parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.problems
                    .push((k, v.to_string(), "应为不小于0的整数".into()));
                None
            }
        }
    }

    pub fn date(&mut self, k: usize) -> Option<NaiveDate> {
        let v = self.row.get(k)?;
        match LedgerDate::parse(v) {
            Ok(d) => Some(d.first_day()),
            Err(e) => {
                self.problems.push((k, v.to_string(), e.to_string()));
                None
            }
        }
    }
}

/// One row of an items' sheet as an item, or every problem of its cells.
pub fn parse_item(row: &TableRow) -> Result<ConstructionItem, Vec<CellProblem>> {
    let mut c = Cells::of(row);
    let no = c.parsed(NO, ProjectNo::parse);
    let year = c.year(YEAR);
    let task = c.required(TASK);
    let area = c.area(AREA_CODE);
    let planned = c.count(PLANNED, true);
    let done = c.count(DONE, false);
    let stage = c.parsed(STAGE, ConstructionStage::parse);
    let completed_on = c.date(COMPLETED);
    match (no, year, task, area, planned, done, stage) {
        (Some(no), Some(year), Some(task), Some(area), Some(planned), Some(done), Some(stage))
            if c.problems.is_empty() =>
        {
            Ok(ConstructionItem {
                no,
                year,
                task,
                area,
                name: row.get(NAME).unwrap_or_default().to_string(),
                planned,
                done,
                stage,
                completed_on,
                note: row.get(NOTE).map(str::to_string),
            })
        }
        _ => Err(c.problems),
    }
}

/// One row of a targets' sheet as a target, or every problem of its cells.
pub fn parse_target(row: &TableRow) -> Result<ConstructionTarget, Vec<CellProblem>> {
    let mut c = Cells::of(row);
    let county = c.area(T_COUNTY);
    let year = c.year(T_YEAR);
    let task = c.required(T_TASK);
    let quantity = c.count(T_QUANTITY, true);
    match (county, year, task, quantity) {
        (Some(county), Some(year), Some(task), Some(quantity)) if c.problems.is_empty() => {
            Ok(ConstructionTarget {
                county,
                year,
                task,
                quantity,
            })
        }
        _ => Err(c.problems),
    }
}

/// An item with its place's name and its task's unit, as the export writes it.
pub struct ItemOut<'a> {
    pub item: &'a ConstructionItem,
    pub area_name: String,
    pub unit: String,
}

/// A target with its county's name and its task's unit.
pub struct TargetOut<'a> {
    pub target: &'a ConstructionTarget,
    pub county_name: String,
    pub unit: String,
}

fn headers(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|(_, names)| names[0]).collect()
}

fn text(s: impl Into<String>) -> Out {
    Out::Text(s.into())
}

/// Writes the ledger in the layout it is read in: a sheet of items, a sheet of targets.
pub fn write_construction<'a>(
    path: &Path,
    title: &str,
    items: impl IntoIterator<Item = ItemOut<'a>>,
    targets: impl IntoIterator<Item = TargetOut<'a>>,
) -> Result<(), FileError> {
    let mut w = XlsxTableWriter::create(path, "乡村建设台账", title, &headers(&ITEM_COLUMNS))?;
    for out in items {
        let i = out.item;
        w.row(&[
            text(i.no.as_str()),
            Out::Int(i64::from(i.year.get())),
            text(&i.task),
            text(i.area.to_string()),
            text(out.area_name),
            text(&i.name),
            Out::Int(i64::from(i.planned)),
            Out::Int(i64::from(i.done)),
            text(out.unit),
            text(i.stage.label()),
            text(i.completed_on.map(|d| d.to_string()).unwrap_or_default()),
            text(i.note.clone().unwrap_or_default()),
        ])?;
    }
    w.sheet(
        "目标任务",
        &format!("{title}（目标任务）"),
        &headers(&TARGET_COLUMNS),
    )?;
    for out in targets {
        let t = out.target;
        w.row(&[
            text(t.county.to_string()),
            text(out.county_name),
            Out::Int(i64::from(t.year.get())),
            text(&t.task),
            Out::Int(i64::from(t.quantity)),
            text(out.unit),
        ])?;
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(usize, &str)], width: usize) -> TableRow {
        let mut all = vec![None; width];
        for (k, v) in cells {
            all[*k] = Some(v.to_string());
        }
        TableRow {
            sheet: None,
            row: 3,
            cells: all,
        }
    }

    #[test]
    fn an_item_row_is_read_with_its_units_and_an_empty_done_as_none_done() {
        let r = row(
            &[
                (NO, "GC2026-001"),
                (YEAR, "2026年"),
                (TASK, "农村户厕改造"),
                (AREA_CODE, "620102001001"),
                (NAME, "户厕改造"),
                (PLANNED, "1,200户"),
                (STAGE, "在建"),
            ],
            ITEM_COLUMNS.len(),
        );
        let i = parse_item(&r).unwrap();
        assert_eq!((i.planned, i.done), (1200, 0));
        assert_eq!(i.stage, ConstructionStage::InProgress);
        assert_eq!(i.year.get(), 2026);
    }

    #[test]
    fn every_bad_cell_of_a_row_is_told() {
        let r = row(
            &[
                (NO, "GC 1"),
                (YEAR, "明年"),
                (AREA_CODE, "62X1"),
                (PLANNED, "很多"),
                (DONE, "-3"),
                (STAGE, "差不多"),
                (COMPLETED, "2026-13-01"),
            ],
            ITEM_COLUMNS.len(),
        );
        let problems = parse_item(&r).unwrap_err();
        let columns: Vec<usize> = problems.iter().map(|p| p.0).collect();
        assert_eq!(
            columns,
            vec![NO, YEAR, TASK, AREA_CODE, PLANNED, DONE, STAGE, COMPLETED]
        );
        let t = parse_target(&row(
            &[(T_COUNTY, "620102000000"), (T_YEAR, "2026")],
            TARGET_COLUMNS.len(),
        ))
        .unwrap_err();
        assert_eq!(
            t.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![T_TASK, T_QUANTITY]
        );
    }
}

//! The ledger of east-west cooperation and paired assistance (协作帮扶台账): a row a county,
//! year, program, partner and indicator, with its plan and what was done; each row parsed (its
//! values kept as written until the indicator's unit is known) or the problems of its cells
//! told, and the ledger written back in the same layout.

use std::path::Path;

use zhenxing_domain::cooperation::{CooperationEntry, Indicator, Program};
use zhenxing_domain::{AreaCode, PolicyYear};

use crate::department::XlsxTableWriter;
use crate::error::{FileError, LedgerError};
use crate::project::CellProblem;
use crate::table::{Column, Table, TableKind, TableRow, read_table};
use crate::write::Out;

pub const COUNTY: usize = 0;
pub const COUNTY_NAME: usize = 1;
pub const YEAR: usize = 2;
pub const PROGRAM: usize = 3;
pub const PARTNER: usize = 4;
pub const INDICATOR: usize = 5;
pub const PLANNED: usize = 6;
pub const DONE: usize = 7;
pub const UNIT: usize = 8;
pub const NOTE: usize = 9;

/// The columns, each with its canonical header first.
pub const COLUMNS: [Column; 10] = [
    ("county_code", &["区划代码", "县区代码", "县级区划代码"]),
    ("county_name", &["县（市、区）", "县区", "受援县"]),
    ("year", &["年度", "实施年度", "计划年度"]),
    ("program", &["帮扶类型", "协作类型", "类型"]),
    ("partner", &["帮扶方", "协作方", "帮扶单位", "结对地区"]),
    ("indicator", &["指标", "指标名称", "帮扶指标"]),
    ("planned", &["计划", "计划数", "年度计划", "目标任务"]),
    ("done", &["完成", "完成数", "实际完成", "累计完成"]),
    ("unit", &["单位", "计量单位"]),
    ("note", &["备注", "说明"]),
];

pub const LEDGER: TableKind = TableKind {
    label: "协作帮扶台账",
    columns: &COLUMNS,
    required: &[
        &[COUNTY],
        &[YEAR],
        &[PROGRAM],
        &[PARTNER],
        &[INDICATOR],
        &[PLANNED],
    ],
    missing: "区划代码、年度、帮扶类型、帮扶方、指标、计划",
};

pub fn read_cooperation(path: &Path) -> Result<Table, LedgerError> {
    read_table(path, &LEDGER)
}

/// A row read: the entry (its values zero) and its plan and what was done as written.
pub struct EntryRow {
    pub entry: CooperationEntry,
    pub planned: String,
    pub done: Option<String>,
}

/// One row, or every problem of its cells.
pub fn parse_entry(row: &TableRow) -> Result<EntryRow, Vec<CellProblem>> {
    let mut problems: Vec<CellProblem> = Vec::new();
    let required = |k: usize, problems: &mut Vec<CellProblem>| -> Option<String> {
        let v = row.get(k).map(str::to_string);
        if v.is_none() {
            problems.push((k, String::new(), "不能为空".into()));
        }
        v
    };
    let county = required(COUNTY, &mut problems).and_then(|v| match AreaCode::parse(&v) {
        Ok(a) => Some(a),
        Err(e) => {
            problems.push((COUNTY, v, e.to_string()));
            None
        }
    });
    let year = required(YEAR, &mut problems).and_then(|v| {
        match PolicyYear::parse(v.trim_end_matches('年')) {
            Ok(y) => Some(y),
            Err(e) => {
                problems.push((YEAR, v, e.to_string()));
                None
            }
        }
    });
    let program = required(PROGRAM, &mut problems).and_then(|v| match Program::parse(&v) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push((PROGRAM, v, e.to_string()));
            None
        }
    });
    let partner = required(PARTNER, &mut problems);
    let indicator = required(INDICATOR, &mut problems);
    let planned = required(PLANNED, &mut problems);
    match (county, year, program, partner, indicator, planned) {
        (
            Some(county),
            Some(year),
            Some(program),
            Some(partner),
            Some(indicator),
            Some(planned),
        ) if problems.is_empty() => Ok(EntryRow {
            entry: CooperationEntry {
                county,
                year,
                program,
                partner,
                indicator,
                planned: 0,
                done: 0,
                note: row.get(NOTE).map(str::to_string),
            },
            planned,
            done: row.get(DONE).map(str::to_string),
        }),
        _ => Err(problems),
    }
}

/// An entry with its county's name and its indicator, as the export writes it.
pub struct EntryOut<'a> {
    pub entry: &'a CooperationEntry,
    pub county_name: String,
    pub indicator: Option<&'a Indicator>,
}

/// Writes the ledger in the layout it is read in.
pub fn write_cooperation<'a>(
    path: &Path,
    title: &str,
    entries: impl IntoIterator<Item = EntryOut<'a>>,
) -> Result<(), FileError> {
    let headers: Vec<&str> = COLUMNS.iter().map(|(_, names)| names[0]).collect();
    let mut w = XlsxTableWriter::create(path, "协作帮扶台账", title, &headers)?;
    for out in entries {
        let e = out.entry;
        let value = |v: i64| match out.indicator {
            Some(i) if i.money => Out::Text(i.show(v)),
            _ => Out::Int(v),
        };
        w.row(&[
            Out::Text(e.county.to_string()),
            Out::Text(out.county_name),
            Out::Int(i64::from(e.year.get())),
            Out::Text(e.program.label().to_string()),
            Out::Text(e.partner.clone()),
            Out::Text(e.indicator.clone()),
            value(e.planned),
            value(e.done),
            Out::Text(out.indicator.map(|i| i.unit.clone()).unwrap_or_default()),
            Out::Text(e.note.clone().unwrap_or_default()),
        ])?;
    }
    w.finish()?;
    Ok(())
}

//! The employment targets (务工就业目标任务表): a row a county and year, the persons to be in
//! work; each row parsed or the problems of its cells told, and the table written back in the
//! same layout.

use std::path::Path;

use zhenxing_domain::employment::EmploymentTarget;

use crate::construction::Cells;
use crate::department::XlsxTableWriter;
use crate::error::{FileError, LedgerError};
use crate::project::CellProblem;
use crate::table::{Column, Table, TableKind, TableRow, read_table};
use crate::write::Out;

pub const COUNTY: usize = 0;
pub const COUNTY_NAME: usize = 1;
pub const YEAR: usize = 2;
pub const PERSONS: usize = 3;
pub const NOTE: usize = 4;

/// The columns, each with its canonical header first.
pub const COLUMNS: [Column; 5] = [
    ("county_code", &["区划代码", "县区代码", "县级区划代码"]),
    ("county_name", &["县（市、区）", "县区", "县（市、区）名称"]),
    ("year", &["年度", "目标年度"]),
    (
        "persons",
        &[
            "务工就业目标（人）",
            "务工就业目标",
            "目标任务（人）",
            "目标任务",
            "务工就业规模目标",
            "目标人数",
        ],
    ),
    ("note", &["备注", "说明"]),
];

pub const TARGETS: TableKind = TableKind {
    label: "务工就业目标任务表",
    columns: &COLUMNS,
    required: &[&[COUNTY], &[YEAR], &[PERSONS]],
    missing: "区划代码、年度、务工就业目标（人）",
};

pub fn read_targets(path: &Path) -> Result<Table, LedgerError> {
    read_table(path, &TARGETS)
}

/// One row, or every problem of its cells.
pub fn parse_target(row: &TableRow) -> Result<EmploymentTarget, Vec<CellProblem>> {
    let mut c = Cells::of(row);
    let county = c.area(COUNTY);
    let year = c.year(YEAR);
    let persons = c.count(PERSONS, true);
    match (county, year, persons) {
        (Some(county), Some(year), Some(persons)) if c.problems.is_empty() => {
            Ok(EmploymentTarget {
                county,
                year,
                persons,
                note: row.get(NOTE).map(str::to_string),
            })
        }
        _ => Err(c.problems),
    }
}

/// Writes the targets in the layout they are read in, each with its county's name.
pub fn write_targets<'a>(
    path: &Path,
    title: &str,
    targets: impl IntoIterator<Item = (&'a EmploymentTarget, String)>,
) -> Result<(), FileError> {
    let headers: Vec<&str> = COLUMNS.iter().map(|(_, names)| names[0]).collect();
    let mut w = XlsxTableWriter::create(path, "务工就业目标", title, &headers)?;
    for (t, name) in targets {
        w.row(&[
            Out::Text(t.county.to_string()),
            Out::Text(name),
            Out::Int(i64::from(t.year.get())),
            Out::Int(i64::from(t.persons)),
            Out::Text(t.note.clone().unwrap_or_default()),
        ])?;
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> TableRow {
        TableRow {
            sheet: None,
            row: 2,
            cells: cells
                .iter()
                .map(|c| (!c.is_empty()).then(|| c.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_row_is_parsed_or_each_problem_told() {
        let t = parse_target(&row(&[
            "620102000000",
            "城关区",
            "2026年",
            "1,200人",
            "市下达",
        ]))
        .unwrap();
        assert_eq!(t.county.to_string(), "620102000000");
        assert_eq!((t.year.get(), t.persons), (2026, 1200));
        assert_eq!(t.note.as_deref(), Some("市下达"));
        let e = parse_target(&row(&["甘肃", "", "明年", "很多", ""])).unwrap_err();
        let columns: Vec<usize> = e.iter().map(|p| p.0).collect();
        assert_eq!(columns, vec![COUNTY, YEAR, PERSONS]);
    }
}

//! The project ledger of 衔接资金 (项目台账): its columns and the names they are known by, each
//! row parsed into a [`Project`] or the problems of its cells, and the ledger written in the same
//! layout (so an export imports back unchanged). Amounts are in 万元, as these ledgers keep them.

use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use zhenxing_domain::project::{Project, ProjectNo, ProjectStage};
use zhenxing_domain::{AreaCode, LedgerDate, Money, PolicyYear};

use crate::error::{FileError, LedgerError};
use crate::table::{Column, Table, TableKind, TableRow, read_table};

pub const NO: usize = 0;
pub const YEAR: usize = 1;
pub const NAME: usize = 2;
pub const AREA_CODE: usize = 3;
pub const AREA_NAME: usize = 4;
pub const CATEGORY: usize = 5;
pub const STAGE: usize = 6;
pub const PLANNED: usize = 7;
pub const ALLOCATED: usize = 8;
pub const SPENT: usize = 9;
pub const STARTED: usize = 10;
pub const COMPLETED: usize = 11;
pub const ACCEPTED: usize = 12;
pub const BENEFICIARIES: usize = 13;
pub const POOR: usize = 14;
pub const NOTE: usize = 15;

/// The columns, each with its canonical header first.
pub const COLUMNS: [Column; 16] = [
    ("project_no", &["项目编号", "项目代码", "项目库编号"]),
    ("year", &["实施年度", "年度", "计划年度", "项目年度"]),
    ("name", &["项目名称"]),
    (
        "area_code",
        &["实施地点代码", "所在地代码", "区划代码", "实施地点区划代码"],
    ),
    ("area_name", &["实施地点", "项目地点", "建设地点"]),
    ("category", &["项目类别", "项目类型", "类别"]),
    ("stage", &["项目状态", "实施进度", "进展情况", "状态"]),
    (
        "planned_fund",
        &[
            "计划投资（万元）",
            "衔接资金（万元）",
            "计划投资衔接资金（万元）",
            "衔接资金计划投资（万元）",
        ],
    ),
    (
        "allocated",
        &["已下达资金（万元）", "下达资金（万元）", "资金下达（万元）"],
    ),
    (
        "spent",
        &[
            "已支出资金（万元）",
            "支出资金（万元）",
            "已支出（万元）",
            "累计支出（万元）",
        ],
    ),
    ("started_on", &["开工时间", "开工日期"]),
    ("completed_on", &["完工时间", "完工日期", "竣工时间"]),
    ("accepted_on", &["验收时间", "验收日期"]),
    (
        "beneficiary_households",
        &["受益户数", "受益农户数", "带动户数"],
    ),
    (
        "poor_households",
        &[
            "其中脱贫户和监测户数",
            "受益脱贫户和监测户数",
            "带动脱贫户和监测户数",
            "受益脱贫户数",
        ],
    ),
    ("note", &["备注", "说明"]),
];

pub const LEDGER: TableKind = TableKind {
    label: "项目台账",
    columns: &COLUMNS,
    required: &[
        &[NO],
        &[YEAR],
        &[NAME],
        &[AREA_CODE],
        &[CATEGORY],
        &[STAGE],
        &[PLANNED],
    ],
    missing: "项目编号、实施年度、项目名称、实施地点代码、项目类别、项目状态、计划投资（万元）",
};

/// Reads a project ledger (CSV in any encoding ledgers come in, xls, xlsx, a web page's table).
pub fn read_projects(path: &Path) -> Result<Table, LedgerError> {
    read_table(path, &LEDGER)
}

/// A cell's problem: (column index, the value, why).
pub type CellProblem = (usize, String, String);

/// One row as a project, or every problem of its cells.
pub fn parse_project(row: &TableRow) -> Result<Project, Vec<CellProblem>> {
    let mut problems: Vec<CellProblem> = Vec::new();
    let required = |k: usize, problems: &mut Vec<CellProblem>| -> Option<String> {
        match row.get(k) {
            Some(v) => Some(v.to_string()),
            None => {
                problems.push((k, String::new(), "不能为空".into()));
                None
            }
        }
    };
    let no = required(NO, &mut problems).and_then(|v| match ProjectNo::parse(&v) {
        Ok(no) => Some(no),
        Err(e) => {
            problems.push((NO, v, e.to_string()));
            None
        }
    });
    let year = required(YEAR, &mut problems).and_then(|v| {
        let bare = v.trim_end_matches('年');
        match PolicyYear::parse(bare) {
            Ok(y) => Some(y),
            Err(e) => {
                problems.push((YEAR, v, e.to_string()));
                None
            }
        }
    });
    let name = required(NAME, &mut problems);
    let area = required(AREA_CODE, &mut problems).and_then(|v| match AreaCode::parse(&v) {
        Ok(a) => Some(a),
        Err(e) => {
            problems.push((AREA_CODE, v, e.to_string()));
            None
        }
    });
    let category = required(CATEGORY, &mut problems);
    let stage = required(STAGE, &mut problems).and_then(|v| match ProjectStage::parse(&v) {
        Ok(s) => Some(s),
        Err(e) => {
            problems.push((STAGE, v, e.to_string()));
            None
        }
    });
    let money = |k: usize, problems: &mut Vec<CellProblem>| -> Money {
        let Some(v) = row.get(k) else {
            if k == PLANNED {
                problems.push((k, String::new(), "不能为空".into()));
            }
            return Money::ZERO;
        };
        match Money::parse_wan_yuan(v) {
            Ok(m) if m.fen() < 0 => {
                problems.push((k, v.into(), "金额不能为负数".into()));
                Money::ZERO
            }
            Ok(m) => m,
            Err(e) => {
                problems.push((k, v.into(), format!("{e}（以万元为单位）")));
                Money::ZERO
            }
        }
    };
    let planned_fund = money(PLANNED, &mut problems);
    let allocated = money(ALLOCATED, &mut problems);
    let spent = money(SPENT, &mut problems);
    let date = |k: usize, problems: &mut Vec<CellProblem>| -> Option<NaiveDate> {
        let v = row.get(k)?;
        match LedgerDate::parse(v) {
            Ok(d) => Some(d.first_day()),
            Err(e) => {
                problems.push((k, v.into(), e.to_string()));
                None
            }
        }
    };
    let started_on = date(STARTED, &mut problems);
    let completed_on = date(COMPLETED, &mut problems);
    let accepted_on = date(ACCEPTED, &mut problems);
    let count = |k: usize, problems: &mut Vec<CellProblem>| -> Option<u32> {
        let v = row.get(k)?;
        match v.trim_end_matches('户').trim().parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push((k, v.into(), "应为不小于0的整数".into()));
                None
            }
        }
    };
    let beneficiary_households = count(BENEFICIARIES, &mut problems);
    let poor_households = count(POOR, &mut problems);
    match (no, year, name, area, category, stage) {
        (Some(no), Some(year), Some(name), Some(area), Some(category), Some(stage))
            if problems.is_empty() =>
        {
            Ok(Project {
                no,
                year,
                name,
                area,
                category,
                stage,
                planned_fund,
                allocated,
                spent,
                started_on,
                completed_on,
                accepted_on,
                beneficiary_households,
                poor_households,
                note: row.get(NOTE).map(str::to_string),
            })
        }
        _ => Err(problems),
    }
}

fn xlsx_err(e: XlsxError) -> FileError {
    FileError::Io(e.to_string())
}

/// A project with its area's name, as the export writes it.
pub struct ProjectOut<'a> {
    pub project: &'a Project,
    pub area_name: String,
}

/// Writes a project ledger in the layout it is read in: a title row, the canonical headers,
/// a row a project (amounts in 万元 with six decimals kept).
pub fn write_projects<'a>(
    path: &Path,
    title: &str,
    projects: impl IntoIterator<Item = ProjectOut<'a>>,
) -> Result<(), FileError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wan = Format::new().set_num_format("0.00####");
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_err)?;
    sheet.set_name("项目台账").map_err(xlsx_err)?;
    sheet
        .write_string_with_format(0, 0, title, &bold)
        .map_err(xlsx_err)?;
    for (c, (_, names)) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(1, c as u16, names[0], &bold)
            .map_err(xlsx_err)?;
    }
    let mut r = 2u32;
    for out in projects {
        let p = out.project;
        let cells: [Option<String>; 16] = [
            Some(p.no.to_string()),
            Some(p.year.get().to_string()),
            Some(p.name.clone()),
            Some(p.area.to_string()),
            Some(out.area_name.clone()),
            Some(p.category.clone()),
            Some(p.stage.label().to_string()),
            None,
            None,
            None,
            p.started_on.map(|d| d.to_string()),
            p.completed_on.map(|d| d.to_string()),
            p.accepted_on.map(|d| d.to_string()),
            p.beneficiary_households.map(|n| n.to_string()),
            p.poor_households.map(|n| n.to_string()),
            p.note.clone(),
        ];
        for (c, cell) in cells.iter().enumerate() {
            if let Some(s) = cell {
                sheet.write_string(r, c as u16, s).map_err(xlsx_err)?;
            }
        }
        for (c, m) in [
            (PLANNED, p.planned_fund),
            (ALLOCATED, p.allocated),
            (SPENT, p.spent),
        ] {
            sheet
                .write_number_with_format(r, c as u16, m.fen() as f64 / 1_000_000.0, &wan)
                .map_err(xlsx_err)?;
        }
        r += 1;
        if r > crate::write::XLSX_MAX_DATA_ROWS + 1 {
            return Err(FileError::Io(format!(
                "超过 Excel 的行数上限（{}行）",
                crate::write::XLSX_MAX_DATA_ROWS
            )));
        }
    }
    book.save(path).map_err(xlsx_err)?;
    Ok(())
}

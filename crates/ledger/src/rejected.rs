//! The rows of a ledger that were not taken, given back as they were (未导入的行): a workbook
//! with, for each sheet that had such rows, its header and those rows — every cell as the file
//! gave it, as text — followed by why each was not taken and where it was. A clerk corrects them
//! there and imports that workbook: its extra columns are ignored, its sheets found by their
//! headers, as the files they came from.
//!
//! A sheet of one row a person gives a row whose 户编号 was left to the row above (merged cells
//! saved to CSV) with that 户编号 written in: the rows around it are not there any more.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use crate::error::{FileError, LedgerError, RowError};
use crate::read::{Ledger, RawRow};
use crate::write::XLSX_MAX_DATA_ROWS;

/// Columns of an Excel sheet.
const MAX_COLUMNS: usize = 16_384;

/// The header of the column saying why a row was not taken.
pub const REASON_HEADER: &str = "未导入原因";
/// The header of the column saying where the row was.
pub const WHERE_HEADER: &str = "原文件位置";

/// The rows not taken, by file name, sheet and row, with their reasons.
#[derive(Debug, Default)]
pub struct Rejected {
    rows: HashMap<(String, Option<String>, u64), Vec<String>>,
}

impl Rejected {
    /// The rows the errors name (a row with several errors once, its reasons together).
    pub fn of(errors: &[RowError]) -> Rejected {
        let mut rows: HashMap<(String, Option<String>, u64), Vec<String>> = HashMap::new();
        for e in errors {
            let reason = if e.column.is_empty() {
                e.reason.clone()
            } else {
                format!("{}：{}", e.column, e.reason)
            };
            let reasons = rows
                .entry((e.file.clone(), e.sheet.clone(), e.row))
                .or_default();
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        Rejected { rows }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn reasons(&self, file: &str, sheet: &Option<String>, row: u64) -> Option<&Vec<String>> {
        self.rows.get(&(file.to_string(), sheet.clone(), row))
    }
}

/// Writes the rows of `ledgers` that `rejected` names to `out` (.xlsx), each file's rows once
/// (a file read as two ledgers — a sheet of one row a person — is given once); returns the rows
/// written.
pub fn write_rejected(
    ledgers: &[&Ledger],
    rejected: &Rejected,
    out: &Path,
) -> Result<u64, LedgerError> {
    let fail = |error: FileError| LedgerError {
        file: out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        sheet: None,
        error,
    };
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let mut written = 0u64;
    let mut names: HashSet<String> = HashSet::new();
    let mut files: HashSet<PathBuf> = HashSet::new();
    for ledger in ledgers {
        if !files.insert(ledger.path.clone()) {
            continue;
        }
        let file = ledger.file_name();
        // Per sheet of the file: its header, then its rows not taken.
        let header: RefCell<Option<RawRow>> = RefCell::new(None);
        // The sheet being written: its source sheet, next row and width.
        let mut sheet_at: Option<(Option<String>, u32, usize)> = None;
        let mut failed: Option<FileError> = None;
        ledger.read_rows_with_header(
            &mut |_, row| *header.borrow_mut() = Some(row.clone()),
            &mut |plan, row| {
                let Some(reasons) = rejected.reasons(&file, &plan.sheet, row.row) else {
                    return true;
                };
                let result = (|| -> Result<(), XlsxError> {
                    let (next, width) = match &sheet_at {
                        Some((sheet, r, w)) if *sheet == plan.sheet => (*r, *w),
                        _ => {
                            let name = sheet_name(&file, plan.sheet.as_deref(), &mut names);
                            let ws = book.add_worksheet_with_constant_memory()?;
                            ws.set_name(&name)?;
                            ws.write_string_with_format(
                                0,
                                0,
                                format!(
                                    "未导入的行：{file}{}（改正后可直接导入本文件，末尾两列不会读入）",
                                    plan.sheet
                                        .as_deref()
                                        .map(|s| format!("“{s}”工作表"))
                                        .unwrap_or_default()
                                ),
                                &bold,
                            )?;
                            let header = header.borrow();
                            let cells = header.as_ref().map(|h| h.cells.as_slice()).unwrap_or(&[]);
                            // The columns the header names (a cell past them was not read).
                            let width = cells
                                .iter()
                                .rposition(|c| !c.text.trim().is_empty())
                                .map_or(row.cells.len(), |i| i + 1)
                                // Excel's columns, the last two for why and where.
                                .min(MAX_COLUMNS - 2);
                            for (c, cell) in cells.iter().take(width).enumerate() {
                                ws.write_string_with_format(1, c as u16, cell.text.trim(), &bold)?;
                            }
                            ws.write_string_with_format(1, width as u16, REASON_HEADER, &bold)?;
                            ws.write_string_with_format(
                                1,
                                width as u16 + 1,
                                WHERE_HEADER,
                                &bold,
                            )?;
                            (2, width)
                        }
                    };
                    let last = book.worksheets_mut().len().saturating_sub(1);
                    let ws = book.worksheet_from_index(last)?;
                    for (c, cell) in row.cells.iter().take(width).enumerate() {
                        if !cell.text.is_empty() {
                            ws.write_string(next, c as u16, &cell.text)?;
                        }
                    }
                    ws.write_string(next, width as u16, reasons.join("；"))?;
                    ws.write_string(
                        next,
                        width as u16 + 1,
                        format!(
                            "{file}{} 第{}行",
                            plan.sheet
                                .as_deref()
                                .map(|s| format!(" {s}"))
                                .unwrap_or_default(),
                            row.row
                        ),
                    )?;
                    sheet_at = Some((plan.sheet.clone(), next + 1, width));
                    Ok(())
                })();
                if let Err(e) = result {
                    failed = Some(FileError::Io(e.to_string()));
                    return false;
                }
                written += 1;
                if sheet_at.as_ref().is_some_and(|(_, r, _)| *r > XLSX_MAX_DATA_ROWS) {
                    failed = Some(FileError::Io(format!(
                        "未导入的行超过 Excel 的行数上限（{XLSX_MAX_DATA_ROWS}行）"
                    )));
                    return false;
                }
                true
            },
        )?;
        if let Some(e) = failed {
            return Err(fail(e));
        }
    }
    if written == 0 {
        let ws = book.add_worksheet();
        ws.set_name("未导入的行")
            .and_then(|ws| ws.write_string(0, 0, "全部行均已导入"))
            .map_err(|e| fail(FileError::Io(e.to_string())))?;
    }
    book.save(out)
        .map_err(|e| fail(FileError::Io(e.to_string())))?;
    Ok(written)
}

/// A sheet's name: the file's and sheet's, at most 31 characters, without the characters Excel
/// refuses, unique in the workbook.
fn sheet_name(file: &str, sheet: Option<&str>, taken: &mut HashSet<String>) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let base: String = match sheet {
        Some(s) => format!("{stem}-{s}"),
        None => stem.to_string(),
    }
    .chars()
    .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
    .collect::<String>()
    .trim_matches('\'')
    .to_string();
    let base = if base.is_empty() {
        "未导入的行".to_string()
    } else {
        base
    };
    for n in 1.. {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("({n})")
        };
        let keep = 31 - suffix.chars().count();
        let name: String = base.chars().take(keep).collect::<String>() + &suffix;
        if taken.insert(name.to_lowercase()) {
            return name;
        }
    }
    unreachable!("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("户.csv", None, &mut taken), "户");
        assert_eq!(sheet_name("户.csv", None, &mut taken), "户(2)");
        let long = "很长的文件名".repeat(10);
        let name = sheet_name(&format!("{long}.xlsx"), Some("Sheet1"), &mut taken);
        assert_eq!(name.chars().count(), 31);
        assert_eq!(sheet_name("a[1]:b.xlsx", Some("x/y"), &mut taken), "a1b-xy");
    }
}

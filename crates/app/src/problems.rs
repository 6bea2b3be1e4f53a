//! Rows of a file that were not taken (an import's rejected rows, a screening's rows left out),
//! kept with what read the file: the same report read back later, and written as xlsx or CSV in
//! the layout of the import's error report.

use std::path::Path;

use zhenxing_ledger::RowError;
use zhenxing_ledger::write::{ReportLine, write_report_lines};
use zhenxing_store::RowProblem;

use crate::AppError;

/// A row error as it is kept.
pub fn kept(e: &RowError) -> RowProblem {
    RowProblem {
        file: e.file.clone(),
        sheet: e.sheet.clone(),
        row: e.row,
        column: e.column.clone(),
        value: e.value.clone(),
        reason: e.reason.clone(),
        code: e.code.to_string(),
    }
}

/// Writes kept lines: xlsx when `out` ends in `.xlsx` (its sheet named `sheet`), else CSV.
pub fn write_kept(out: &Path, sheet: &str, lines: &[RowProblem]) -> Result<(), AppError> {
    let lines: Vec<ReportLine<'_>> = lines
        .iter()
        .map(|p| ReportLine {
            file: &p.file,
            sheet: p.sheet.as_deref(),
            row: p.row,
            column: &p.column,
            value: &p.value,
            reason: &p.reason,
            code: &p.code,
        })
        .collect();
    write_report_lines(out, sheet, &lines)
        .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))
}

/// Lines read per page when all of them are wanted.
pub const PAGE: u32 = 5000;

/// Every line a paged reader gives: `page(after)` answers up to [`PAGE`] lines numbered above
/// `after`.
pub async fn every_line<F, Fut>(mut page: F) -> Result<Vec<RowProblem>, AppError>
where
    F: FnMut(Option<u64>) -> Fut,
    Fut: Future<Output = Result<Vec<(u64, RowProblem)>, AppError>>,
{
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let lines = page(after).await?;
        let full = lines.len() == PAGE as usize;
        after = lines.last().map(|(seq, _)| *seq);
        all.extend(lines.into_iter().map(|(_, p)| p));
        if !full {
            return Ok(all);
        }
    }
}

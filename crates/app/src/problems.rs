//! Rows of a file that were not taken (an import's rejected rows, a screening's rows left out),
//! kept with what read the file: the same report read back later, and written as xlsx or CSV in
//! the layout of the import's error report.

use std::path::Path;

use zhenxing_ledger::RowError;
use zhenxing_ledger::write::{ReportLine, ReportWriter};
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

/// Row errors as the store keeps them, each line made as it is written (not a second copy of
/// every refused row of a file refused whole).
#[derive(Debug)]
pub struct KeptErrors<'a>(pub &'a [RowError]);

impl zhenxing_store::ProblemLines for KeptErrors<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }

    fn line(&self, i: usize) -> RowProblem {
        self.0.get(i).map(kept).unwrap_or_default()
    }
}

/// Lines read per page when all of them are wanted.
pub const PAGE: u32 = 5000;

/// Writes every line a paged reader gives (`page(after)` answers up to [`PAGE`] lines numbered
/// above `after`) a page at a time: xlsx when `out` ends in `.xlsx` (its sheet named `sheet`),
/// else CSV. Constant memory for any number of lines; how many were written.
pub async fn write_every_line<F, Fut>(out: &Path, sheet: &str, mut page: F) -> Result<u64, AppError>
where
    F: FnMut(Option<u64>) -> Fut,
    Fut: Future<Output = Result<Vec<(u64, RowProblem)>, AppError>>,
{
    let failed =
        |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
    let mut w = ReportWriter::create(out, sheet).map_err(failed)?;
    let (mut after, mut written) = (None, 0u64);
    loop {
        let lines = page(after).await?;
        let full = lines.len() == PAGE as usize;
        after = lines.last().map(|(seq, _)| *seq);
        for (_, p) in &lines {
            w.line(&ReportLine {
                file: &p.file,
                sheet: p.sheet.as_deref(),
                row: p.row,
                column: &p.column,
                value: &p.value,
                reason: &p.reason,
                code: &p.code,
            })
            .map_err(failed)?;
            written += 1;
        }
        if !full {
            w.finish().map_err(failed)?;
            return Ok(written);
        }
    }
}

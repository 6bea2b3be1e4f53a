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

/// Row errors of one kind: the same file, column and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorKind {
    pub file: String,
    pub column: String,
    pub code: &'static str,
    /// How many rows.
    pub count: u64,
    /// The first such row's reason (the reasons of a kind differ in the values they name).
    pub example: String,
}

/// `errors` by kind, the most frequent first (ties in the order they first appear): what a file
/// refused whole or in part was refused for, at a glance (a county uploading the province's
/// ledger sees one line, "不在您的管辖范围内", for its million rows).
pub fn kinds(errors: &[RowError]) -> Vec<ErrorKind> {
    let mut index: std::collections::HashMap<(&str, &str, &str), usize> =
        std::collections::HashMap::new();
    let mut kinds: Vec<ErrorKind> = Vec::new();
    for e in errors {
        let at = *index
            .entry((e.file.as_str(), e.column.as_str(), e.code))
            .or_insert_with(|| {
                kinds.push(ErrorKind {
                    file: e.file.clone(),
                    column: e.column.clone(),
                    code: e.code,
                    count: 0,
                    example: e.reason.clone(),
                });
                kinds.len() - 1
            });
        kinds[at].count += 1;
    }
    // Stable: equal counts keep the order they first appeared in.
    kinds.sort_by_key(|k| std::cmp::Reverse(k.count));
    kinds
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

#[cfg(test)]
mod tests {
    use super::*;

    fn error(file: &str, row: u64, column: &str, reason: &str, code: &'static str) -> RowError {
        RowError {
            file: file.into(),
            sheet: None,
            row,
            column: column.into(),
            value: String::new(),
            reason: reason.into(),
            code,
        }
    }

    #[test]
    fn errors_by_kind_most_frequent_first_with_the_first_reason() {
        let errors = [
            error(
                "户.csv",
                2,
                "户编号",
                "户编号只能由字母组成",
                "household_no",
            ),
            error(
                "户.csv",
                3,
                "所在村代码",
                "区划代码1不在区划库中",
                "unknown_area_code",
            ),
            error(
                "户.csv",
                4,
                "所在村代码",
                "区划代码2不在区划库中",
                "unknown_area_code",
            ),
            error(
                "成员.csv",
                2,
                "所在村代码",
                "区划代码3不在区划库中",
                "unknown_area_code",
            ),
            error(
                "户.csv",
                5,
                "户编号",
                "户编号只能由字母组成",
                "household_no",
            ),
            error(
                "户.csv",
                6,
                "所在村代码",
                "区划代码4不在区划库中",
                "unknown_area_code",
            ),
        ];
        let found = kinds(&errors);
        let k: Vec<(&str, &str, &str, u64, &str)> = found
            .iter()
            .map(|k| {
                (
                    k.file.as_str(),
                    k.column.as_str(),
                    k.code,
                    k.count,
                    k.example.as_str(),
                )
            })
            .collect();
        assert_eq!(
            k,
            [
                (
                    "户.csv",
                    "所在村代码",
                    "unknown_area_code",
                    3,
                    "区划代码1不在区划库中"
                ),
                (
                    "户.csv",
                    "户编号",
                    "household_no",
                    2,
                    "户编号只能由字母组成"
                ),
                (
                    "成员.csv",
                    "所在村代码",
                    "unknown_area_code",
                    1,
                    "区划代码3不在区划库中"
                ),
            ]
        );
        assert!(kinds(&[]).is_empty());
    }
}

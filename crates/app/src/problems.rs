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

/// Row errors an import keeps in detail at most: past them, a file refused in bulk (a county
/// uploading the province's ledgers, 4.5 million errors, held 1.97 GB) has its errors counted by
/// kind and row only. The first of them show what is wrong; the rows are refused all the same.
pub const KEPT_ERRORS: usize = 200_000;

/// An import's row errors: each kept in detail up to a limit ([`KEPT_ERRORS`]), every one
/// counted, by kind too, and the rows they refuse. A row's errors are kept together or not at
/// all (they arrive one after another).
#[derive(Debug, Clone)]
pub struct RowErrors {
    kept: Vec<RowError>,
    limit: usize,
    total: u64,
    rows_not_kept: u64,
    /// Every error's kind, kept or not, in the order they first appeared.
    kinds: Vec<ErrorKind>,
    /// The last error's row, and whether it was kept.
    last: Option<(String, Option<String>, u64, bool)>,
}

impl Default for RowErrors {
    fn default() -> RowErrors {
        RowErrors::with_limit(KEPT_ERRORS)
    }
}

/// The errors kept in detail (all of them below the limit).
impl std::ops::Deref for RowErrors {
    type Target = [RowError];

    fn deref(&self) -> &[RowError] {
        &self.kept
    }
}

impl<'a> IntoIterator for &'a RowErrors {
    type Item = &'a RowError;
    type IntoIter = std::slice::Iter<'a, RowError>;

    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

impl RowErrors {
    /// Keeps at most `limit` errors in detail.
    pub fn with_limit(limit: usize) -> RowErrors {
        RowErrors {
            kept: Vec::new(),
            limit,
            total: 0,
            rows_not_kept: 0,
            kinds: Vec::new(),
            last: None,
        }
    }

    pub fn push(&mut self, e: RowError) {
        self.total += 1;
        match self
            .kinds
            .iter_mut()
            .find(|k| k.code == e.code && k.column == e.column && k.file == e.file)
        {
            Some(k) => k.count += 1,
            None => self.kinds.push(ErrorKind {
                file: e.file.clone(),
                column: e.column.clone(),
                code: e.code,
                count: 1,
                example: e.reason.clone(),
            }),
        }
        let same_row = self
            .last
            .as_ref()
            .filter(|(file, sheet, row, _)| *row == e.row && *file == e.file && *sheet == e.sheet);
        let keep = match same_row {
            Some((_, _, _, kept)) => *kept,
            None => {
                let keep = self.kept.len() < self.limit;
                if !keep {
                    self.rows_not_kept += 1;
                }
                self.last = Some((e.file.clone(), e.sheet.clone(), e.row, keep));
                keep
            }
        };
        if keep {
            self.kept.push(e);
        }
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = RowError>) {
        for e in errors {
            self.push(e);
        }
    }

    /// The errors kept in detail.
    pub fn kept(&self) -> &[RowError] {
        &self.kept
    }

    /// Every error, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Errors counted but not kept in detail.
    pub fn not_kept(&self) -> u64 {
        self.total - self.kept.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Rows refused (a row with several problems counts once).
    pub fn rows(&self) -> u64 {
        let mut rows: Vec<(&str, Option<&str>, u64)> = self
            .kept
            .iter()
            .map(|e| (e.file.as_str(), e.sheet.as_deref(), e.row))
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len() as u64 + self.rows_not_kept
    }

    /// Every error by kind, the most frequent first (as [`kinds`]).
    pub fn kinds(&self) -> Vec<ErrorKind> {
        let mut kinds = self.kinds.clone();
        kinds.sort_by_key(|k| std::cmp::Reverse(k.count));
        kinds
    }

    /// The kept errors in the order of their files, sheets and rows.
    pub fn sort(&mut self) {
        self.kept
            .sort_by(|a, b| (&a.file, &a.sheet, a.row).cmp(&(&b.file, &b.sheet, b.row)));
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

    #[test]
    fn past_the_limit_errors_are_counted_by_kind_and_row_not_kept() {
        let mut errors = RowErrors::with_limit(3);
        assert!(errors.is_empty());
        let scope = |row| error("户.csv", row, "所在村代码", "不在辖区", "out_of_scope");
        // Row 2 has two errors; row 4's two straddle the limit and go together.
        errors.push(scope(2));
        errors.push(error("户.csv", 2, "户编号", "空", "missing"));
        errors.push(scope(3));
        errors.push(scope(4));
        errors.push(error("户.csv", 4, "户编号", "空", "missing"));
        errors.extend([scope(5), scope(6)]);
        let kept: Vec<u64> = errors.kept().iter().map(|e| e.row).collect();
        assert_eq!(kept, [2, 2, 3]);
        assert_eq!(
            (errors.total(), errors.not_kept(), errors.rows()),
            (7, 4, 5)
        );
        let kinds: Vec<(&str, u64)> = errors.kinds().iter().map(|k| (k.code, k.count)).collect();
        assert_eq!(kinds, [("out_of_scope", 5), ("missing", 2)]);
        assert!(!errors.is_empty());
        // Below the limit every error is kept, sorted by file and row on demand.
        let mut all = RowErrors::default();
        all.extend([
            scope(9),
            error("成员.csv", 1, "姓名", "空", "missing"),
            scope(8),
        ]);
        all.sort();
        let order: Vec<(&str, u64)> = all.iter().map(|e| (e.file.as_str(), e.row)).collect();
        assert_eq!(order, [("成员.csv", 1), ("户.csv", 8), ("户.csv", 9)]);
        assert_eq!((all.total(), all.not_kept(), all.rows()), (3, 0, 3));
    }
}

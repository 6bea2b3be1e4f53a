//! Files of a few named columns (a list of households, a project ledger): read whole, from CSV
//! (any encoding the ledgers are read in), a web page's table, xls or xlsx (every sheet whose
//! header fits), the header found by its names below any title rows. Each row is handed on as
//! written, with its sheet and row number, for the use case to parse and report.

use std::path::Path;

use crate::error::{FileError, LedgerError};
use crate::layout::{normalize_header, split_unit};
use crate::read::{
    Format as FileFormat, HEADER_SEARCH_ROWS, RawRow, open_xlsx, read_as, read_text,
    read_xlsx_sheet,
};

/// A column: its key and the headers it is known by (the first is the canonical one).
pub type Column = (&'static str, &'static [&'static str]);

/// What a file of a kind must be.
pub struct TableKind {
    /// The kind, for the error: "户名单", "项目台账".
    pub label: &'static str,
    pub columns: &'static [Column],
    /// A header row must have one column of each of these sets (indices into `columns`).
    pub required: &'static [&'static [usize]],
    /// What a file without such a header misses, in words.
    pub missing: &'static str,
}

/// One row, as written: each column's text, trimmed, `None` when empty or absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub sheet: Option<String>,
    /// The row number as Excel shows it.
    pub row: u64,
    pub cells: Vec<Option<String>>,
}

impl TableRow {
    pub fn get(&self, column: usize) -> Option<&str> {
        self.cells.get(column).and_then(|c| c.as_deref())
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    /// The header each column was found under (`None`: not in the file), of the first sheet
    /// read.
    pub headers: Vec<Option<String>>,
    pub rows: Vec<TableRow>,
}

fn header_matches(names: &[&str], header: &str) -> bool {
    names.iter().any(|n| {
        let n = normalize_header(n);
        // A name in the kind's unit, or the same name without it.
        n == header || split_unit(&n).is_some_and(|(bare, _)| bare == header)
    })
}

/// Where each column of a kind is in a header row, and the header it was found under.
type Found = (Vec<Option<usize>>, Vec<Option<String>>);

fn find_columns(kind: &TableKind, row: &RawRow) -> Option<Found> {
    let mut found: Vec<Option<usize>> = vec![None; kind.columns.len()];
    let mut headers: Vec<Option<String>> = vec![None; kind.columns.len()];
    for (i, cell) in row.cells.iter().enumerate() {
        let h = normalize_header(cell.text.trim());
        if h.is_empty() {
            continue;
        }
        for (k, (_, names)) in kind.columns.iter().enumerate() {
            if found[k].is_none() && header_matches(names, &h) {
                found[k] = Some(i);
                headers[k] = Some(cell.text.trim().to_string());
                break;
            }
        }
    }
    kind.required
        .iter()
        .all(|set| set.iter().any(|&k| found[k].is_some()))
        .then_some((found, headers))
}

fn take(sheet: Option<&str>, row: &RawRow, columns: &[Option<usize>]) -> TableRow {
    TableRow {
        sheet: sheet.map(str::to_string),
        row: row.row,
        cells: columns
            .iter()
            .map(|c| {
                c.and_then(|i| row.cells.get(i))
                    .map(|c| c.text.trim().to_string())
                    .filter(|s| !s.is_empty())
            })
            .collect(),
    }
}

/// The rows of a file's sheets, each sheet's under its own header.
struct Collect<'k> {
    kind: &'k TableKind,
    rows: Vec<TableRow>,
    /// The first header found.
    headers: Option<Vec<Option<String>>>,
}

impl Collect<'_> {
    /// What reads one sheet (or the text): its header below any title rows, then its rows.
    fn sheet(&mut self, sheet: Option<String>) -> impl FnMut(&RawRow) -> bool + '_ {
        let mut columns: Option<Vec<Option<usize>>> = None;
        let mut seen = 0usize;
        move |r: &RawRow| {
            seen += 1;
            match &columns {
                None => {
                    if let Some((found, headers)) = find_columns(self.kind, r) {
                        columns = Some(found);
                        self.headers.get_or_insert(headers);
                    }
                    seen < HEADER_SEARCH_ROWS || columns.is_some()
                }
                Some(c) => {
                    if !r.is_blank() {
                        self.rows.push(take(sheet.as_deref(), r, c));
                    }
                    true
                }
            }
        }
    }
}

/// Reads every row under the header of a file of `kind`; blank rows are skipped.
pub fn read_table(path: &Path, kind: &TableKind) -> Result<Table, LedgerError> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let fail = |sheet: Option<&str>, error: FileError| LedgerError {
        file: file.clone(),
        sheet: sheet.map(str::to_string),
        error,
    };
    let not_table = || FileError::NotLedger {
        kind: kind.label,
        rows: HEADER_SEARCH_ROWS,
        missing: kind.missing.into(),
    };
    let ext = read_as(path).map_err(|e| fail(None, e))?;
    let mut collect = Collect {
        kind,
        rows: Vec::new(),
        headers: None,
    };
    match ext.as_str() {
        "csv" | "html" => {
            let format = FileFormat::of_text(path, &ext).map_err(|e| fail(None, e))?;
            let mut on_row = collect.sheet(None);
            read_text(path, format, &mut on_row).map_err(|e| fail(None, e))?;
        }
        "xlsx" => {
            let mut book = open_xlsx(path).map_err(|e| fail(None, e))?;
            for sheet in book.sheet_names() {
                let mut on_row = collect.sheet(Some(sheet.clone()));
                read_xlsx_sheet(&mut book, &sheet, &mut |r| on_row(&r))
                    .map_err(|e| fail(Some(&sheet), e))?;
            }
        }
        other => {
            return Err(fail(
                None,
                FileError::UnsupportedFormat(format!(".{other}")),
            ));
        }
    }
    let Collect { rows, headers, .. } = collect;
    let Some(headers) = headers else {
        return Err(fail(None, not_table()));
    };
    Ok(Table {
        file,
        headers,
        rows,
    })
}

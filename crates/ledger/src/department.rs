//! Department files for screening (部门筛查): CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or xlsx,
//! read with the ledger reader. Their columns are not fixed here but come from the policy's
//! [`ScreeningKind`]: the header row is found below any title rows by the kind's names, in any
//! order, and rows stream with the cells of the kind's columns. The results of a screening go
//! out as an xlsx table.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};
use zhenxing_domain::screening::{ColumnType, ScreeningKind, normalize_value};

use crate::error::{FileError, LedgerError};
use crate::read::{
    Encoding, Format, HEADER_SEARCH_ROWS, RawRow, closes_list, decode_borrowed, open_xlsx, read_as,
    read_csv_records, read_text, read_xlsx_sheet,
};
use crate::write::Out;

/// What [`DepartmentFile::read_rows`] calls for each row: the sheet, the row number as Excel
/// shows it, the cells of the kind's columns, and which of them held a spreadsheet number too
/// long to keep its digits (an ID number typed as a number); false stops the reading.
pub type RowVisitor<'a> = dyn FnMut(&DepartmentSheet, u64, &[Option<&str>], &[bool]) -> bool + 'a;

/// A sheet (or the CSV file) holding rows of the kind: where its header is and where each of the
/// kind's columns is.
#[derive(Debug, Clone)]
pub struct DepartmentSheet {
    pub sheet: Option<String>,
    pub header_row: u64,
    /// Per column of the kind: its index in the row, if the sheet has it.
    index: Vec<Option<usize>>,
    /// Per column of the kind: the header as the sheet writes it.
    headers: Vec<Option<String>>,
    /// Where the ID number is in the row (no row of data is without it).
    id: Option<usize>,
    /// Per column of the kind: read from within the number of another column (the sheet has
    /// none of its names; [`zhenxing_domain::screening::Column::within`]).
    within: Vec<bool>,
}

impl DepartmentSheet {
    /// The cells of the kind's columns in a row (`None`: no such column, or beyond the row).
    fn cells<'r>(&self, row: &'r RawRow) -> Vec<Option<&'r str>> {
        self.index
            .iter()
            .map(|i| i.and_then(|i| row.cells.get(i)).map(|c| c.text.as_str()))
            .collect()
    }

    /// Which of the kind's columns held a number too long to keep its digits.
    fn lost_digits(&self, row: &RawRow) -> Vec<bool> {
        self.index
            .iter()
            .map(|i| {
                i.and_then(|i| row.cells.get(i))
                    .is_some_and(|c| c.lossy_number)
            })
            .collect()
    }

    /// Per column of the kind: whether its value is read from within another column's number.
    pub fn within(&self) -> &[bool] {
        &self.within
    }

    /// Whether the sheet has the kind's column `i`.
    pub fn has_column(&self, i: usize) -> bool {
        self.index.get(i).is_some_and(Option::is_some)
    }

    /// The header of column `i` as written in the file, else the kind's canonical one.
    pub fn header<'a>(&'a self, kind: &'a ScreeningKind, i: usize) -> &'a str {
        self.headers
            .get(i)
            .and_then(|h| h.as_deref())
            .or_else(|| kind.columns.get(i).map(|c| c.header()))
            .unwrap_or("")
    }
}

/// A department file whose header has been found; rows are read by [`DepartmentFile::read_rows`].
#[derive(Debug, Clone)]
pub struct DepartmentFile {
    pub path: PathBuf,
    format: Format,
    pub sheets: Vec<DepartmentSheet>,
}

/// Finds the header among the first rows: the first row naming every required column (when the
/// next row does too, as under a merged group header, the lower one wins).
fn find_header(
    kind: &ScreeningKind,
    sheet: Option<String>,
    rows: &[RawRow],
) -> Result<DepartmentSheet, FileError> {
    let lookup: HashMap<String, usize> = kind
        .columns
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.names
                .iter()
                .chain(&c.fallback_names)
                .map(move |n| (normalize_value(n), i))
        })
        .collect();
    let fallback = |i: usize, header: &str| {
        let h = normalize_value(header);
        kind.columns[i]
            .fallback_names
            .iter()
            .any(|n| normalize_value(n) == h)
    };
    let mut found: Option<DepartmentSheet> = None;
    let mut best: Option<(usize, Vec<String>)> = None;
    for row in rows {
        let mut index = vec![None; kind.columns.len()];
        let mut headers: Vec<Option<String>> = vec![None; kind.columns.len()];
        for (at, cell) in row.cells.iter().enumerate() {
            let text = cell.text.trim();
            let Some(&i) = lookup.get(&normalize_value(text)) else {
                continue;
            };
            match &headers[i] {
                // One header cell merged across columns (filled by the reader): keep the first.
                Some(first) if first == text => {}
                // A column by one of its names and one holding it within a longer number
                // (`fallback_names`, 残疾人证号): the first is the one read.
                Some(first) if fallback(i, first) != fallback(i, text) => {
                    if fallback(i, first) {
                        index[i] = Some(at);
                        headers[i] = Some(text.to_string());
                    }
                }
                Some(first) => {
                    return Err(FileError::DuplicateColumn {
                        row: row.row,
                        first: first.clone(),
                        second: text.to_string(),
                    });
                }
                None => {
                    index[i] = Some(at);
                    headers[i] = Some(text.to_string());
                }
            }
        }
        // A column the sheet lacks may be read from within the number of one read by its
        // fallback names (残疾等级 from 残疾人证号).
        let mut within = vec![false; kind.columns.len()];
        for (i, c) in kind.columns.iter().enumerate() {
            let Some(w) = &c.within else { continue };
            let Some(source) = kind.column_index(&w.field) else {
                continue;
            };
            if index[i].is_none()
                && let (Some(at), Some(h)) = (index[source], &headers[source])
                && fallback(source, h)
            {
                index[i] = Some(at);
                headers[i] = Some(h.clone());
                within[i] = true;
            }
        }
        let missing: Vec<String> = kind
            .columns
            .iter()
            .zip(&index)
            .filter(|(c, i)| c.required && i.is_none())
            .map(|(c, _)| c.header().to_string())
            .collect();
        if missing.is_empty() {
            let id = kind
                .columns
                .iter()
                .position(|c| c.column_type == ColumnType::IdNumber)
                .and_then(|k| index[k]);
            let plan = DepartmentSheet {
                sheet: sheet.clone(),
                header_row: row.row,
                index,
                headers,
                id,
                within,
            };
            match &found {
                Some(prev) if prev.header_row + 1 == row.row => found = Some(plan),
                Some(_) => break,
                None => found = Some(plan),
            }
        } else if found.is_some() {
            break;
        } else {
            let present = index.iter().filter(|i| i.is_some()).count();
            if best.as_ref().is_none_or(|(n, _)| present > *n) {
                best = Some((present, missing));
            }
        }
    }
    found.ok_or_else(|| FileError::NotDepartmentFile {
        kind: kind.label.clone(),
        rows: HEADER_SEARCH_ROWS,
        missing: best.map(|(_, m)| m.join("、")).unwrap_or_else(|| {
            kind.columns
                .iter()
                .map(|c| c.header())
                .collect::<Vec<_>>()
                .join("、")
        }),
    })
}

impl DepartmentFile {
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    fn err(&self, sheet: Option<&str>, error: FileError) -> LedgerError {
        LedgerError {
            file: self.file_name(),
            sheet: sheet.map(str::to_string),
            error,
        }
    }

    /// Opens `path` and finds the kind's header: in a CSV file, or in every sheet of a workbook
    /// that has it. A file without it is refused before anything is read.
    pub fn open(path: &Path, kind: &ScreeningKind) -> Result<DepartmentFile, LedgerError> {
        let mut file = DepartmentFile {
            path: path.to_path_buf(),
            format: Format::Xlsx,
            sheets: Vec::new(),
        };
        let fail = |error: FileError| file.err(None, error);
        let ext = read_as(path).map_err(fail)?;
        match ext.as_str() {
            "csv" | "txt" | "html" => {
                let format = Format::of_text(path, &ext).map_err(fail)?;
                let mut first = Vec::new();
                read_text(path, format, &mut |row| {
                    first.push(row.clone());
                    first.len() < HEADER_SEARCH_ROWS
                })
                .map_err(fail)?;
                if first.is_empty() {
                    return Err(fail(FileError::Empty));
                }
                let sheet = find_header(kind, None, &first).map_err(fail)?;
                file.format = format;
                file.sheets.push(sheet);
            }
            "xlsx" | "xlsm" => {
                let mut book = open_xlsx(path).map_err(fail)?;
                let mut best_error = None;
                for name in book.sheet_names() {
                    let mut first = Vec::new();
                    read_xlsx_sheet(&mut book, &name, &mut |row| {
                        first.push(row);
                        first.len() < HEADER_SEARCH_ROWS
                    })
                    .map_err(|e| file.err(Some(&name), e))?;
                    match find_header(kind, Some(name.clone()), &first) {
                        Ok(sheet) => file.sheets.push(sheet),
                        Err(e) => {
                            if best_error.is_none()
                                || matches!(e, FileError::DuplicateColumn { .. })
                            {
                                best_error = Some(e);
                            }
                        }
                    }
                }
                if file.sheets.is_empty() {
                    return Err(file.err(None, best_error.unwrap_or(FileError::Empty)));
                }
            }
            other => {
                let name = file.file_name();
                return Err(file.err(
                    None,
                    FileError::UnsupportedFormat(if other.is_empty() {
                        name
                    } else {
                        format!(".{other}")
                    }),
                ));
            }
        }
        Ok(file)
    }

    /// Calls `on_row` for every data row below the header of every sheet (rows blank in the
    /// kind's columns skipped) with the sheet, the row number as Excel shows it, and the cells of
    /// the kind's columns (`None`: no such column). `on_row` returns false to stop. CSV fields
    /// are borrowed from the record when they are UTF-8 already: a large file is read without a
    /// copy of every cell. The totals and signature rows that close a list (`合计`,
    /// `填表人：…`, without an ID number) are skipped: their number is returned.
    pub fn read_rows(&self, on_row: &mut RowVisitor<'_>) -> Result<u64, LedgerError> {
        let mut notes = 0u64;
        // A row of a sheet (or a web page's table), as read.
        let mut visit = |sheet: &DepartmentSheet, row: &RawRow| {
            if row.row <= sheet.header_row || row.is_blank() {
                return true;
            }
            if row.is_note(sheet.id) {
                notes += 1;
                return true;
            }
            on_row(sheet, row.row, &sheet.cells(row), &sheet.lost_digits(row))
        };
        match self.format {
            Format::Csv(encoding) => {
                let Some(sheet) = self.sheets.first() else {
                    return Ok(0);
                };
                // Text has every digit it was written with.
                let no_loss = vec![false; sheet.index.len()];
                read_csv_records(&self.path, encoding, &mut |row, record| {
                    if row <= sheet.header_row {
                        return true;
                    }
                    // A row whose ID cell is not an ID number's start may close the list.
                    let id_cell = sheet.id.and_then(|i| record.get(i)).unwrap_or_default();
                    if sheet.id.is_some()
                        && !id_cell.first().is_some_and(u8::is_ascii_digit)
                        && note_record(record, encoding, sheet.id)
                    {
                        notes += 1;
                        return true;
                    }
                    let cells: Vec<Option<std::borrow::Cow<'_, str>>> = sheet
                        .index
                        .iter()
                        .map(|i| {
                            i.and_then(|i| record.get(i))
                                .map(|f| decode_borrowed(f, encoding))
                        })
                        .collect();
                    if cells.iter().flatten().all(|c| c.trim().is_empty()) {
                        return true;
                    }
                    let refs: Vec<Option<&str>> = cells.iter().map(|c| c.as_deref()).collect();
                    on_row(sheet, row, &refs, &no_loss)
                })
                .map_err(|e| self.err(None, e))?;
            }
            Format::Html(_) => {
                let Some(sheet) = self.sheets.first() else {
                    return Ok(0);
                };
                read_text(&self.path, self.format, &mut |row| visit(sheet, row))
                    .map_err(|e| self.err(None, e))?;
            }
            Format::Xlsx => {
                let mut book = open_xlsx(&self.path).map_err(|e| self.err(None, e))?;
                for sheet in &self.sheets {
                    let name = sheet.sheet.clone().unwrap_or_default();
                    let mut go_on = true;
                    read_xlsx_sheet(&mut book, &name, &mut |row| {
                        go_on = visit(sheet, &row);
                        go_on
                    })
                    .map_err(|e| self.err(Some(&name), e))?;
                    if !go_on {
                        break;
                    }
                }
            }
        }
        Ok(notes)
    }
}

/// [`RawRow::is_note`] for a CSV record, decoded only as far as its first filled cell.
fn note_record(record: &csv::ByteRecord, encoding: Encoding, key: Option<usize>) -> bool {
    let first = record
        .iter()
        .map(|f| decode_borrowed(f, encoding))
        .enumerate()
        .find(|(_, t)| !t.trim().is_empty());
    closes_list(first.as_ref().map(|(i, t)| (*i, t.trim())), key, |k| {
        record
            .get(k)
            .is_none_or(|f| decode_borrowed(f, encoding).trim().is_empty())
    })
}

fn xlsx_err(e: XlsxError) -> FileError {
    FileError::Io(e.to_string())
}

/// Writes a table (a title row, the header, the rows) as an xlsx workbook of one sheet, in
/// constant memory; e.g. the results of a screening for an area.
pub struct XlsxTableWriter {
    book: Workbook,
    path: PathBuf,
    /// The sheet being written (the last added).
    sheet: usize,
    rows: u32,
    yuan: CellFormat,
}

impl XlsxTableWriter {
    pub fn create(
        path: &Path,
        sheet_name: &str,
        title: &str,
        headers: &[&str],
    ) -> Result<XlsxTableWriter, FileError> {
        let mut writer = XlsxTableWriter {
            book: Workbook::new(),
            path: path.to_path_buf(),
            sheet: 0,
            rows: 0,
            yuan: CellFormat::new().set_num_format("0.00"),
        };
        writer.add_sheet(sheet_name, title, headers)?;
        Ok(writer)
    }

    /// Goes on in a new sheet of the workbook, with its own title and header; the rows after it
    /// go there.
    pub fn sheet(
        &mut self,
        sheet_name: &str,
        title: &str,
        headers: &[&str],
    ) -> Result<(), FileError> {
        self.sheet += 1;
        self.rows = 0;
        self.add_sheet(sheet_name, title, headers)
    }

    fn add_sheet(&mut self, name: &str, title: &str, headers: &[&str]) -> Result<(), FileError> {
        let bold = CellFormat::new().set_bold();
        let sheet = self
            .book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_err)?;
        sheet.set_name(name).map_err(xlsx_err)?;
        sheet
            .write_string_with_format(0, 0, title, &bold)
            .map_err(xlsx_err)?;
        for (c, h) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(1, c as u16, *h, &bold)
                .map_err(xlsx_err)?;
        }
        Ok(())
    }

    pub fn row(&mut self, cells: &[Out]) -> Result<(), FileError> {
        if self.rows >= crate::write::XLSX_MAX_DATA_ROWS {
            return Err(FileError::Io(format!(
                "超过 Excel 的行数上限（{}行）",
                crate::write::XLSX_MAX_DATA_ROWS
            )));
        }
        let r = self.rows + 2;
        let sheet = self
            .book
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_err)?;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Out::Text(s) if s.is_empty() => {}
                Out::Text(s) => {
                    sheet.write_string(r, c, s).map_err(xlsx_err)?;
                }
                Out::Int(i) => {
                    sheet.write_number(r, c, *i as f64).map_err(xlsx_err)?;
                }
                Out::Yuan(m) => {
                    sheet
                        .write_number_with_format(r, c, m.yuan_f64(), &self.yuan)
                        .map_err(xlsx_err)?;
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<PathBuf, FileError> {
        self.book.save(&self.path).map_err(xlsx_err)?;
        Ok(self.path)
    }
}

#[cfg(test)]
mod tests;

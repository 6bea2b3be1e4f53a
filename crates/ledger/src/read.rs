//! Reading ledger files: CSV in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 (Excel's
//! "Unicode text"), comma- or tab-separated, xlsx and xls, and web pages' tables, streamed row
//! by row; the header row is found by its names below any title rows.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use calamine::{DataRef, Dimensions, Reader, Xlsx};

use crate::error::{FileError, LedgerError};
use crate::layout::{ByName, F, LedgerKind, header, normalize_header};

/// How far down a title block may push the header row.
pub const HEADER_SEARCH_ROWS: usize = 30;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    /// A spreadsheet number too long to hold every digit (e.g. an ID number typed as a number).
    pub lossy_number: bool,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            lossy_number: false,
        }
    }

    /// A spreadsheet's number as text: whole numbers without a point; one of 15 digits or more
    /// marked as having lost digits (a double keeps 15 significant digits).
    pub(crate) fn number(f: f64) -> Cell {
        if !f.is_finite() {
            Cell::text(f.to_string())
        } else if f.fract() == 0.0 && f.abs() < 1e15 {
            Cell::text(format!("{}", f as i64))
        } else if f.abs() >= 1e15 {
            Cell {
                text: format!("{f:.0}"),
                lossy_number: true,
            }
        } else {
            Cell::text(f.to_string())
        }
    }
}

#[derive(Debug, Clone)]
pub struct RawRow {
    /// 1-based row number as Excel shows it.
    pub row: u64,
    pub cells: Vec<Cell>,
}

impl RawRow {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.text.trim().is_empty())
    }

    /// A totals or signature row below the data (`合计`, `填表人：…`): its first filled cell
    /// begins as [`is_note_text`] says, and the cell at `key` (a record's name or ID number,
    /// which no record is without) is empty or is that cell — or holds its text, merged over
    /// the key's column (`合计` spanning the first columns, read into each).
    pub fn is_note(&self, key: Option<usize>) -> bool {
        let first = self
            .cells
            .iter()
            .map(|c| c.text.trim())
            .enumerate()
            .find(|(_, t)| !t.is_empty());
        closes_list(first, key, |k| {
            self.cells.get(k).is_none_or(|c| {
                let t = c.text.trim();
                t.is_empty() || first.is_some_and(|(_, f)| f == t)
            })
        })
    }
}

/// Whether a row closes a list, from its first filled cell (where, and its text), the column of
/// the key (a record's name or ID number) and whether that cell is empty.
pub(crate) fn closes_list(
    first: Option<(usize, &str)>,
    key: Option<usize>,
    key_empty: impl FnOnce(usize) -> bool,
) -> bool {
    let (Some(key), Some((at, text))) = (key, first) else {
        return false;
    };
    // The key's emptiness first: a row of data has it, and its first cell is no note.
    (at == key || key_empty(key)) && is_note_text(text)
}

/// How the rows that close a ledger or a department's list begin: totals, signatures, dates,
/// remarks. Spaces inside are ignored (`合  计`).
const NOTE_STARTS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "共计",
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "审批人",
    "负责人",
    "联系人",
    "联系电话",
    "填表日期",
    "填报日期",
    "制表日期",
    "填报单位",
    "填表单位",
    "分管领导",
    "主要领导",
    "备注：",
    "备注:",
    "说明：",
    "说明:",
    "注：",
    "注:",
    "单位：",
    "单位:",
];

/// Whether a row's first filled cell is one of a closing row's ([`NOTE_STARTS`]).
pub(crate) fn is_note_text(first: &str) -> bool {
    let text: String = first
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(8)
        .collect();
    NOTE_STARTS.iter().any(|w| text.starts_with(w))
}

/// Where each field is in a sheet, and what its header says there.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The column of each field found, at `f as usize`: read for every field of every row
    /// (70 M times in a province's members file), so an array rather than a hashed map.
    index: Vec<Option<usize>>,
    headers: HashMap<F, String>,
}

impl Columns {
    pub fn get(&self, f: F) -> Option<usize> {
        self.index.get(f as usize).copied().flatten()
    }

    pub fn has(&self, f: F) -> bool {
        self.get(f).is_some()
    }

    /// The rightmost column of a field found.
    pub(crate) fn max_column(&self) -> Option<usize> {
        self.index.iter().flatten().max().copied()
    }

    pub(crate) fn insert(&mut self, f: F, column: usize) {
        let at = f as usize;
        if self.index.len() <= at {
            self.index.resize(at + 1, None);
        }
        self.index[at] = Some(column);
    }

    /// How many fields were found.
    fn found(&self) -> usize {
        self.headers.len()
    }

    /// The header as the file writes it (for error reports).
    pub fn header(&self, f: F) -> Option<&str> {
        self.headers.get(&f).map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv(Encoding),
    /// The tables of a web page (an HTML export named .xls), read as one sheet.
    Html(Encoding),
    Xlsx,
}

impl Format {
    /// How a file of one sheet of text (`csv` or `html` by [`read_as`]) is to be read: its
    /// encoding found from its first bytes.
    pub(crate) fn of_text(path: &Path, read_as: &str) -> Result<Format, FileError> {
        Ok(if read_as == "html" {
            Format::Html(crate::html::html_encoding(&crate::html::head_of(
                path, 4096,
            )?))
        } else {
            Format::Csv(detect_encoding(path)?)
        })
    }
}

/// Streams the rows of a file of one sheet of text (CSV or a web page's tables), each decoded;
/// nothing for a workbook (its sheets are read by [`read_xlsx_sheet`]).
pub(crate) fn read_text(
    path: &Path,
    format: Format,
    on_row: &mut dyn FnMut(&RawRow) -> bool,
) -> Result<(), FileError> {
    match format {
        Format::Csv(encoding) => read_csv(path, encoding, on_row),
        Format::Html(encoding) => crate::html::read_html(path, encoding, on_row),
        Format::Xlsx => Ok(()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
    /// Excel's "Unicode text" (UTF-16 with a BOM, tab-separated), made UTF-8 as it is read.
    Utf16Le,
    Utf16Be,
}

/// A sheet (or the CSV file) that holds a ledger of the wanted kind.
#[derive(Debug, Clone)]
pub struct SheetPlan {
    pub sheet: Option<String>,
    pub header_row: u64,
    pub columns: Columns,
    /// A households sheet of one row a person (一表式台账): its members' name and relation
    /// columns, by which [`crate::persons::HouseholdFolder`] folds each household's rows.
    pub persons: Option<PersonColumns>,
}

/// The member columns of a households sheet of one row a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonColumns {
    /// 姓名: the member's name.
    pub name: usize,
    /// 与户主关系.
    pub relation: usize,
    /// 减少原因, when the sheet has it: a row with one is a member leaving, neither counted in
    /// the household's persons nor its head.
    pub leaving: Option<usize>,
}

/// A ledger file whose header rows have been found; its rows are read by [`Ledger::read_rows`].
#[derive(Debug, Clone)]
pub struct Ledger {
    pub path: PathBuf,
    pub kind: LedgerKind,
    pub format: Format,
    pub sheets: Vec<SheetPlan>,
    pub size_bytes: u64,
}

impl Ledger {
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    /// Whether a sheet holds one row a person (一表式台账): the members' columns beside the
    /// household's ([`SheetPlan::persons`]).
    pub fn is_one_row_a_person(&self) -> bool {
        self.sheets.iter().any(|s| s.persons.is_some())
    }

    fn err(&self, sheet: Option<&str>, error: FileError) -> LedgerError {
        LedgerError {
            file: self.file_name(),
            sheet: sheet.map(str::to_string),
            error,
        }
    }

    /// Opens `path` and finds the header of a `kind` ledger: in a CSV file, or in every sheet of
    /// a workbook whose headers fit (an export may split a ledger over several sheets).
    pub fn open(path: &Path, kind: LedgerKind) -> Result<Ledger, LedgerError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let fail = |error: FileError| LedgerError {
            file: name.clone(),
            sheet: None,
            error,
        };
        let size_bytes = std::fs::metadata(path)
            .map_err(|e| fail(FileError::Io(e.to_string())))?
            .len();
        let ext = read_as(path).map_err(fail)?;
        let mut ledger = Ledger {
            path: path.to_path_buf(),
            kind,
            format: Format::Xlsx,
            sheets: Vec::new(),
            size_bytes,
        };
        match ext.as_str() {
            "csv" | "txt" | "html" => {
                ledger.format = Format::of_text(path, &ext).map_err(fail)?;
                let mut first = Vec::new();
                read_text(path, ledger.format, &mut |row| {
                    first.push(row.clone());
                    first.len() < HEADER_SEARCH_ROWS
                })
                .map_err(fail)?;
                if first.is_empty() {
                    return Err(fail(FileError::Empty));
                }
                let plan = find_header(kind, None, &first).map_err(fail)?;
                ledger.sheets.push(plan);
            }
            "xlsx" | "xlsm" => {
                let mut book = open_xlsx(path).map_err(fail)?;
                let mut best_error = None;
                for sheet in book.sheet_names() {
                    let mut first = Vec::new();
                    read_xlsx_sheet(&mut book, &sheet, &mut |row| {
                        first.push(row);
                        first.len() < HEADER_SEARCH_ROWS
                    })
                    .map_err(|e| ledger.err(Some(&sheet), e))?;
                    match find_header(kind, Some(sheet.clone()), &first) {
                        Ok(plan) => ledger.sheets.push(plan),
                        Err(e) => {
                            if best_error.is_none()
                                || matches!(e, FileError::DuplicateColumn { .. })
                            {
                                best_error = Some(e);
                            }
                        }
                    }
                }
                if ledger.sheets.is_empty() {
                    return Err(fail(best_error.unwrap_or(FileError::Empty)));
                }
            }
            other => {
                return Err(fail(FileError::UnsupportedFormat(if other.is_empty() {
                    name.clone()
                } else {
                    format!(".{other}")
                })));
            }
        }
        Ok(ledger)
    }

    /// Calls `on_row` for every data row below the header of every sheet, with the sheet plan
    /// it belongs to; `on_row` returns false to stop. Blank rows are skipped, and so are the
    /// totals and signature rows that close a ledger (`合计`, `填表人：…`, without a name): their
    /// number is returned.
    pub fn read_rows(
        &self,
        on_row: &mut dyn FnMut(&SheetPlan, &RawRow) -> bool,
    ) -> Result<u64, LedgerError> {
        self.read_rows_with_header(&mut |_, _| {}, on_row)
    }

    /// [`Ledger::read_rows`], with each sheet's header row handed to `on_header` first.
    pub fn read_rows_with_header(
        &self,
        on_header: &mut dyn FnMut(&SheetPlan, &RawRow),
        on_row: &mut dyn FnMut(&SheetPlan, &RawRow) -> bool,
    ) -> Result<u64, LedgerError> {
        let name = match self.kind {
            LedgerKind::Households => F::HeadName,
            LedgerKind::Members => F::Name,
        };
        let mut notes = 0u64;
        // A sheet of one row a person: the sheet and household number of the last row that had one.
        let mut last: Option<(Option<String>, String)> = None;
        let mut visit = |plan: &SheetPlan, row: &RawRow| {
            // A sheet of one row a person may have no 户主姓名: its rows name their person.
            let key = plan.columns.get(name).or(plan.persons.map(|p| p.name));
            if row.row == plan.header_row {
                on_header(plan, row);
            }
            if row.row <= plan.header_row || row.is_blank() {
                return true;
            }
            // A person's row without a 户编号 in a sheet of one row a person belongs to the
            // household above, as under a merged cell saved to CSV (which keeps its value on the
            // first row only).
            let filled;
            let row = match plan.persons.zip(plan.columns.get(F::HouseholdNo)) {
                Some((p, k)) => {
                    let text = |i: usize| row.cells.get(i).map_or("", |c| c.text.trim());
                    match &last {
                        _ if !text(k).is_empty() => {
                            last = Some((plan.sheet.clone(), text(k).to_string()));
                            row
                        }
                        Some((sheet, above))
                            if *sheet == plan.sheet && !text(p.name).is_empty() =>
                        {
                            let mut r = row.clone();
                            if r.cells.len() <= k {
                                r.cells.resize(k + 1, Cell::default());
                            }
                            r.cells[k] = Cell::text(above.clone());
                            filled = r;
                            &filled
                        }
                        _ => row,
                    }
                }
                None => row,
            };
            if self.kind == LedgerKind::Members
                && plan.persons.is_some()
                && crate::persons::no_person(plan, row)
            {
                // A household without members in a sheet of one row a person.
                true
            } else if row.is_note(key) {
                notes += 1;
                true
            } else {
                on_row(plan, row)
            }
        };
        match self.format {
            Format::Csv(_) | Format::Html(_) => {
                let Some(plan) = self.sheets.first() else {
                    return Ok(0);
                };
                read_text(&self.path, self.format, &mut |row| visit(plan, row))
                    .map_err(|e| self.err(None, e))?;
            }
            Format::Xlsx => {
                let mut book = open_xlsx(&self.path).map_err(|e| self.err(None, e))?;
                for plan in &self.sheets {
                    let sheet = plan.sheet.clone().unwrap_or_default();
                    let mut go_on = true;
                    read_xlsx_sheet(&mut book, &sheet, &mut |row| {
                        go_on = visit(plan, &row);
                        go_on
                    })
                    .map_err(|e| self.err(Some(&sheet), e))?;
                    if !go_on {
                        break;
                    }
                }
            }
        }
        Ok(notes)
    }
}

/// Finds the header row among the first rows: the first row that has every required field. When
/// the header spans two rows (a group header above, merged cells filled down), the lower row wins.
pub(crate) fn find_header(
    kind: LedgerKind,
    sheet: Option<String>,
    rows: &[RawRow],
) -> Result<SheetPlan, FileError> {
    let lookup: HashMap<String, F> = kind
        .read_fields()
        .flat_map(|f| f.names.iter().map(move |n| (normalize_header(n), f.field)))
        .collect();
    let bare = crate::layout::names_without_units(kind);
    let mut best: Option<(usize, Vec<&'static str>)> = None;
    let mut found: Option<(SheetPlan, Option<FileError>)> = None;
    for row in rows {
        let persons = match kind {
            LedgerKind::Households => crate::persons::person_columns(row),
            // A members sheet with the household's columns too: one row a person.
            LedgerKind::Members => crate::persons::person_columns(row)
                .filter(|_| crate::persons::has_village_column(row)),
        };
        let mut columns = Columns::default();
        // A header naming a field in another unit than the ledger's: refused if this is the header.
        let mut other_unit = None;
        for (i, cell) in row.cells.iter().enumerate() {
            let text = cell.text.trim();
            let key = normalize_header(text);
            let field = match lookup.get(&key) {
                Some(f) => Some(*f),
                None => match crate::layout::by_name(&bare, &key) {
                    Some(ByName::Same(f)) => Some(f),
                    Some(ByName::OtherUnit(f)) => {
                        other_unit.get_or_insert(FileError::HeaderUnit {
                            row: row.row,
                            header: text.to_string(),
                            expected: header(kind, f),
                        });
                        None
                    }
                    None => None,
                },
            };
            if let Some(f) = field {
                match columns.headers.get(&f) {
                    // One header cell merged across columns (filled by the reader): keep the first.
                    Some(first) if first == text => {}
                    Some(first) => {
                        return Err(FileError::DuplicateColumn {
                            row: row.row,
                            first: first.clone(),
                            second: text.to_string(),
                        });
                    }
                    None => {
                        columns.insert(f, i);
                        columns.headers.insert(f, text.to_string());
                    }
                }
            }
        }
        let missing: Vec<&'static str> = kind
            .required()
            .iter()
            // One row a person: the head's name and the household's size come from its rows.
            .filter(|group| persons.is_none() || !crate::persons::DERIVED.contains(&group[0]))
            .filter(|group| !group.iter().any(|f| columns.has(*f)))
            .map(|group| crate::layout::header(kind, group[0]))
            .collect();
        if missing.is_empty() {
            let plan = SheetPlan {
                sheet: sheet.clone(),
                header_row: row.row,
                columns,
                persons,
            };
            match &found {
                Some((prev, _)) if prev.header_row + 1 == row.row => {
                    found = Some((plan, other_unit));
                }
                Some(_) => break,
                None => found = Some((plan, other_unit)),
            }
        } else if found.is_some() {
            break;
        } else if best.as_ref().is_none_or(|(n, _)| columns.found() > *n) {
            best = Some((columns.found(), missing));
        }
    }
    match found {
        Some((_, Some(other_unit))) => Err(other_unit),
        Some((plan, None)) => Ok(plan),
        None => Err(FileError::NotLedger {
            kind: kind.label(),
            rows: HEADER_SEARCH_ROWS,
            missing: best.map(|(_, m)| m.join("、")).unwrap_or_default(),
        }),
    }
}

/// UTF-8 when the start of the file is valid UTF-8 (or has a BOM), else GB18030 (a superset of
/// GBK, which is how Chinese Excel saves "CSV").
pub(crate) fn detect_encoding(path: &Path) -> Result<Encoding, FileError> {
    let mut head = vec![0u8; 256 * 1024];
    let mut file = File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
    let mut n = 0;
    while n < head.len() {
        let got = file
            .read(&mut head[n..])
            .map_err(|e| FileError::Io(e.to_string()))?;
        if got == 0 {
            break;
        }
        n += got;
    }
    head.truncate(n);
    // Excel's "Unicode text" is UTF-16 with a BOM; a text CSV in UTF-8 or GB18030 never holds
    // a zero byte, an xlsx or xls renamed to .csv does.
    if let Some(encoding) = encoding_by_bom(&head) {
        return Ok(encoding);
    }
    if head.contains(&0) {
        return Err(FileError::Binary);
    }
    Ok(utf8_or_gb18030(&head))
}

/// The encoding a byte-order mark says.
pub(crate) fn encoding_by_bom(head: &[u8]) -> Option<Encoding> {
    if head.starts_with(b"\xEF\xBB\xBF") {
        Some(Encoding::Utf8)
    } else if head.starts_with(b"\xFF\xFE") {
        Some(Encoding::Utf16Le)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// UTF-8 when the first bytes are (a character cut at their end included), else GB18030.
pub(crate) fn utf8_or_gb18030(head: &[u8]) -> Encoding {
    match std::str::from_utf8(head) {
        Ok(_) => Encoding::Utf8,
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Gb18030,
    }
}

/// A field as text, borrowed from the record when it is UTF-8 already. GBK's and GB18030's trail
/// bytes never equal ASCII commas, quotes or line ends, so a CSV file in them can be split on
/// the raw bytes and each field decoded afterwards.
pub(crate) fn decode_borrowed(bytes: &[u8], encoding: Encoding) -> std::borrow::Cow<'_, str> {
    match encoding {
        // UTF-16 was made UTF-8 as the file was read.
        Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be => String::from_utf8_lossy(bytes),
        Encoding::Gb18030 => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
    }
}

/// Excel's row numbers for a CSV file's records: one row per record (line breaks inside a quoted
/// field stay in its row) and one per empty line between records, which Excel shows as an empty
/// row and the csv reader skips. Counting records alone put every row after an empty line too
/// low in the error report. The reader's line after a record includes its line end or not
/// depending on the line ends, so only the steps from one record to the next tell; the empty
/// lines above the first record are counted from the file's first bytes instead.
#[derive(Default)]
struct ExcelRows {
    row: u64,
    /// The reader's line after the last record.
    last_line: u64,
    /// Empty lines above the first record.
    leading: u64,
}

impl ExcelRows {
    /// The row of `record`, after which the reader is on line `line`.
    fn of(&mut self, record: &csv::ByteRecord, line: u64) -> u64 {
        let bytes = record.as_slice();
        let breaks = if bytes.contains(&b'\n') {
            bytes.iter().filter(|&&b| b == b'\n').count() as u64
        } else {
            0
        };
        self.row += if self.row == 0 {
            1 + self.leading
        } else {
            1 + line.saturating_sub(self.last_line + breaks + 1)
        };
        self.last_line = line;
        self.row
    }
}

/// The empty lines at the start of `head`, which the csv reader skips as it does any line ends
/// before a record (a BOM is text: its line is a row).
fn leading_empty_lines(head: &[u8]) -> u64 {
    let ends = head
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(head.len());
    head[..ends].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Streams the raw records of a CSV file with their row numbers as Excel shows them (for
/// readers that take only some fields and want no copy of the others).
pub(crate) fn read_csv_records(
    path: &Path,
    encoding: Encoding,
    on_record: &mut dyn FnMut(u64, &csv::ByteRecord) -> bool,
) -> Result<(), FileError> {
    let mut input = open_text(path, encoding)?;
    let head = input.fill_buf().map_err(|e| FileError::Io(e.to_string()))?;
    let mut rows = ExcelRows {
        leading: leading_empty_lines(head),
        ..ExcelRows::default()
    };
    let delimiter = delimiter(head);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                return Err(match e.kind() {
                    csv::ErrorKind::Io(io) => FileError::Io(io.to_string()),
                    _ => FileError::Csv(format!("第{}行：{e}", rows.row + 1)),
                });
            }
        }
        let row = rows.of(&record, reader.position().line());
        if !on_record(row, &record) {
            return Ok(());
        }
    }
}

/// The fields' separator: a tab when the file's first bytes hold more tabs than commas (Excel's
/// "Unicode text" and "text (tab-separated)" are so), else a comma. A CSV export's numbers kept
/// as text by a tab before them are far fewer than its commas.
fn delimiter(head: &[u8]) -> u8 {
    let head = &head[..head.len().min(64 * 1024)];
    let count = |b: u8| head.iter().filter(|&&c| c == b).count();
    if count(b'\t') > count(b',') {
        b'\t'
    } else {
        b','
    }
}

/// A text file opened for reading, a UTF-16 one made UTF-8 as it is read (other encodings are
/// decoded field by field, [`decode_borrowed`]).
pub(crate) fn open_text(
    path: &Path,
    encoding: Encoding,
) -> Result<BufReader<Box<dyn Read>>, FileError> {
    let file = File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
    let file: Box<dyn Read> = match encoding {
        Encoding::Utf16Le => Box::new(Utf16ToUtf8::new(file, encoding_rs::UTF_16LE)),
        Encoding::Utf16Be => Box::new(Utf16ToUtf8::new(file, encoding_rs::UTF_16BE)),
        Encoding::Utf8 | Encoding::Gb18030 => Box::new(file),
    };
    Ok(BufReader::with_capacity(1 << 20, file))
}

/// A UTF-16 file read as UTF-8 (its BOM dropped), in pieces.
struct Utf16ToUtf8<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Utf16ToUtf8<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Utf16ToUtf8 {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 64 * 1024],
            output: Vec::with_capacity(3 * 32 * 1024 + 16),
            at: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.output.len() && !self.done {
            let n = self.inner.read(&mut self.input)?;
            self.done = n == 0;
            self.output.clear();
            self.at = 0;
            let mut from = 0;
            loop {
                let room = self
                    .decoder
                    .max_utf8_buffer_length(n - from)
                    .unwrap_or(3 * (n - from) + 16);
                let start = self.output.len();
                self.output.resize(start + room, 0);
                let (result, read, written, _) = self.decoder.decode_to_utf8(
                    &self.input[from..n],
                    &mut self.output[start..],
                    self.done,
                );
                self.output.truncate(start + written);
                from += read;
                if result == encoding_rs::CoderResult::InputEmpty {
                    break;
                }
            }
        }
        let n = buf.len().min(self.output.len() - self.at);
        buf[..n].copy_from_slice(&self.output[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Streams the rows of a CSV file, each decoded from `encoding` (the row is reused for the next
/// one: a caller that keeps a row clones it).
pub(crate) fn read_csv(
    path: &Path,
    encoding: Encoding,
    on_row: &mut dyn FnMut(&RawRow) -> bool,
) -> Result<(), FileError> {
    let mut raw = RawRow {
        row: 0,
        cells: Vec::new(),
    };
    read_csv_records(path, encoding, &mut |row, record| {
        let first = raw.row == 0;
        // One row's cells, reused: their text is written over in place (a new string for every
        // field, 39 M for a province's ledger, cost a first load 1.5 s of CPU).
        raw.row = row;
        raw.cells.resize_with(record.len(), Cell::default);
        for (cell, field) in raw.cells.iter_mut().zip(record.iter()) {
            cell.text.clear();
            cell.text.push_str(&decode_borrowed(field, encoding));
            cell.lossy_number = false;
        }
        if first
            && let Some(cell) = raw.cells.first_mut()
            && let Some(rest) = cell.text.strip_prefix('\u{feff}')
        {
            cell.text = rest.to_string();
        }
        on_row(&raw)
    })
}

/// A workbook: an xlsx (calamine's streaming reader) or an xls ([`crate::xls`]).
pub(crate) enum Book {
    Xlsx(Box<Xlsx<BufReader<File>>>),
    Xls(crate::xls::XlsBook),
}

impl Book {
    pub(crate) fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
        }
    }
}

/// How to read a file: by its first bytes when they say so — a workbook (xlsx is a zip, xls an
/// OLE compound file) is read as one whatever its name, text named .xlsx as CSV (files get
/// renamed to pass a form), and a web page named .xls as the page's tables (some systems export
/// their lists so) — else by its extension. Returns `xlsx` (any workbook), `csv`, `html`, or the
/// extension itself when it is none of them.
pub(crate) fn read_as(path: &Path) -> Result<String, FileError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut head = Vec::with_capacity(512);
    if let Ok(f) = File::open(path) {
        let _ = f.take(512).read_to_end(&mut head);
    }
    if head.starts_with(&OLE_MAGIC) || head.starts_with(b"PK\x03\x04") {
        return Ok("xlsx".into());
    }
    Ok(match ext.as_str() {
        "csv" | "txt" => "csv".into(),
        "htm" | "html" => "html".into(),
        "xlsx" | "xlsm" | "xls" if !head.is_empty() && !head.contains(&0) => {
            let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
            if text.trim_ascii_start().starts_with(b"<") {
                "html".into()
            } else {
                "csv".into()
            }
        }
        "xlsx" | "xlsm" | "xls" => "xlsx".into(),
        other => other.into(),
    })
}

/// The first bytes of an OLE compound file, which an xls workbook is.
pub(crate) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens a workbook: an OLE compound file as the older xls of Excel 97-2003 and WPS (by
/// [`crate::xls`], which refuses an encrypted one — an xlsx with a password is stored encrypted
/// in such a file too — with what to do), anything else as xlsx.
pub(crate) fn open_xlsx(path: &Path) -> Result<Book, FileError> {
    let mut magic = [0u8; 8];
    let ole = File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == OLE_MAGIC;
    if ole {
        return crate::xls::open_xls(path).map(Book::Xls);
    }
    calamine::open_workbook::<Xlsx<BufReader<File>>, _>(path)
        .map(|b| Book::Xlsx(Box::new(b)))
        .map_err(|e| FileError::Xlsx(e.to_string()))
}

fn cell_text(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::default(),
        DataRef::String(s) => Cell::text(s.as_str()),
        DataRef::SharedString(s) => Cell::text(*s),
        DataRef::Int(i) => Cell::text(i.to_string()),
        DataRef::Float(f) => Cell::number(*f),
        DataRef::Bool(b) => Cell::text(if *b { "是" } else { "否" }),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::text(d.format("%Y-%m-%d").to_string()),
            None => Cell::text(dt.as_f64().to_string()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::text(s.as_str()),
        DataRef::Error(e) => Cell::text(format!("#{e:?}")),
    }
}

/// Streams a sheet's rows (rows with no cells are skipped), filling each merged range with its
/// top-left value, as the eye reads a merged cell.
pub(crate) fn read_xlsx_sheet(
    book: &mut Book,
    sheet: &str,
    on_row: &mut dyn FnMut(RawRow) -> bool,
) -> Result<(), FileError> {
    let book = match book {
        Book::Xlsx(b) => b,
        Book::Xls(b) => return b.read_sheet(sheet, on_row),
    };
    let xlsx_err = |e: calamine::XlsxError| FileError::Xlsx(e.to_string());
    let mut merges: Vec<Dimensions> = book.merge_cells_by_sheet_name(sheet).map_err(xlsx_err)?;
    merges.sort_by_key(|d| d.start);
    let mut next_merge = 0usize;
    // Merged ranges that cover the current row, with their top-left value once read.
    let mut active: Vec<(Dimensions, Option<Cell>)> = Vec::new();

    let mut reader = book.worksheet_cells_reader(sheet).map_err(xlsx_err)?;
    let mut current: Option<(u32, Vec<Cell>)> = None;

    let mut emit = |row_idx: u32,
                    mut cells: Vec<Cell>,
                    active: &mut Vec<(Dimensions, Option<Cell>)>,
                    next_merge: &mut usize|
     -> bool {
        active.retain(|(d, _)| d.end.0 >= row_idx);
        while *next_merge < merges.len() && merges[*next_merge].start.0 <= row_idx {
            let d = merges[*next_merge];
            if d.end.0 >= row_idx {
                active.push((d, None));
            }
            *next_merge += 1;
        }
        for (d, value) in active.iter_mut() {
            let (top, left) = d.start;
            if row_idx == top {
                *value = cells.get(left as usize).cloned();
            }
            if let Some(v) = value.as_ref() {
                let last = d.end.1 as usize;
                if cells.len() <= last {
                    cells.resize(last + 1, Cell::default());
                }
                for c in &mut cells[left as usize..=last] {
                    if c.text.is_empty() {
                        *c = v.clone();
                    }
                }
            }
        }
        on_row(RawRow {
            row: u64::from(row_idx) + 1,
            cells,
        })
    };

    loop {
        let next = reader.next_cell().map_err(xlsx_err)?;
        let Some(cell) = next else { break };
        let (r, c) = cell.get_position();
        let value = cell_text(cell.get_value());
        match &mut current {
            Some((row, cells)) if *row == r => {
                let c = c as usize;
                if cells.len() <= c {
                    cells.resize(c + 1, Cell::default());
                }
                cells[c] = value;
            }
            _ => {
                if let Some((row, cells)) = current.take()
                    && !emit(row, cells, &mut active, &mut next_merge)
                {
                    return Ok(());
                }
                let mut cells = vec![Cell::default(); c as usize + 1];
                cells[c as usize] = value;
                current = Some((r, cells));
            }
        }
    }
    if let Some((row, cells)) = current.take() {
        emit(row, cells, &mut active, &mut next_merge);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Cell, Encoding, RawRow, is_note_text, read_csv};

    #[test]
    fn rows_that_close_a_ledger() {
        for note in [
            "合计",
            "合  计",
            "总计（户）",
            "填表人：张三",
            "审核人:李四",
            "注：金额单位为元",
        ] {
            assert!(is_note_text(note), "{note}");
        }
        for data in ["6201020010010001", "王伟", "注射", "单位名称", "合作社", ""] {
            assert!(!is_note_text(data), "{data}");
        }
        let row = |cells: &[&str]| RawRow {
            row: 9,
            cells: cells.iter().map(|t| Cell::text(*t)).collect(),
        };
        // The key (here the name, column 2) empty, or the note itself.
        assert!(row(&["合计", "", "", "12"]).is_note(Some(2)));
        assert!(row(&["", "", "合计", "12"]).is_note(Some(2)));
        assert!(row(&["", "填表人：张三", "", "审核人：李四"]).is_note(Some(2)));
        // A name makes it data; so does a first cell that is not a note.
        assert!(!row(&["合计", "", "王伟", "12"]).is_note(Some(2)));
        assert!(!row(&["7001", "", "", "合计"]).is_note(Some(2)));
        assert!(!row(&["合计", "", "", ""]).is_note(None));
        assert!(!row(&["", "", "", ""]).is_note(Some(2)));
    }

    /// The reader writes each row over the last one's cells: a shorter row keeps none of the
    /// longer one's, a longer one gets its own, a GB18030 field is decoded in place; each row is
    /// numbered as Excel shows it.
    #[test]
    fn each_csv_row_is_read_whole_over_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        for end in ["\r\n", "\n"] {
            let path = dir.path().join("rows.csv");
            let text = "\u{feff}a,bb,ccc|d|王伟,是,\"x,y\"||\"two|lines\",z|||last,row|";
            let text = text.replace('|', end);
            let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
            // A UTF-8 BOM before GB18030 text: the reader drops it.
            let bytes = [&b"\xEF\xBB\xBF"[..], &bytes[4..]].concat();
            std::fs::write(&path, bytes).unwrap();
            let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
            read_csv(&path, Encoding::Gb18030, &mut |row| {
                rows.push((row.row, row.cells.iter().map(|c| c.text.clone()).collect()));
                true
            })
            .unwrap();
            let texts = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
            assert_eq!(
                rows,
                vec![
                    (1, texts(&["a", "bb", "ccc"])),
                    (2, texts(&["d"])),
                    (3, texts(&["王伟", "是", "x,y"])),
                    // Excel's rows: an empty line is an empty row; a quoted line break is not.
                    (5, texts(&[&format!("two{end}lines"), "z"])),
                    (8, texts(&["last", "row"])),
                ],
                "{end:?}"
            );
            // Empty lines above the first record are rows too.
            std::fs::write(&path, format!("{end}{end}a,b{end}{end}c{end}")).unwrap();
            let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
            read_csv(&path, Encoding::Utf8, &mut |row| {
                rows.push((row.row, row.cells.iter().map(|c| c.text.clone()).collect()));
                true
            })
            .unwrap();
            assert_eq!(
                rows,
                vec![(3, texts(&["a", "b"])), (5, texts(&["c"]))],
                "{end:?}"
            );
        }
    }
}

//! Writing ledgers: xlsx (a title row, the header, one sheet per ledger, split below Excel's row
//! limit) and CSV (UTF-8 with BOM by default, so Excel opens it; or GBK).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use zhenxing_domain::id_number::mask_phone;
use zhenxing_domain::labels::flag_label;
use zhenxing_domain::member::DibaoClass;
use zhenxing_domain::{Household, HouseholdType, Member, Money};

use crate::error::FileError;
use crate::layout::{F, HOUSEHOLD_FIELDS, LedgerKind, MEMBER_FIELDS};

/// Excel's limit is 1,048,576 rows; a title and a header row come first.
pub const XLSX_MAX_DATA_ROWS: u32 = 1_048_576 - 2;

/// A cell of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Text(String),
    Int(i64),
    Yuan(Money),
}

impl Out {
    fn csv_text(&self) -> String {
        match self {
            Out::Text(s) => s.clone(),
            Out::Int(i) => i.to_string(),
            Out::Yuan(m) => m.yuan_string(),
        }
    }
}

fn text(s: impl Into<String>) -> Out {
    Out::Text(s.into())
}

fn opt_text(s: &Option<String>) -> Out {
    Out::Text(s.clone().unwrap_or_default())
}

fn opt_money(m: Option<Money>) -> Out {
    m.map(Out::Yuan).unwrap_or(Out::Text(String::new()))
}

fn opt_flag(b: Option<bool>) -> Out {
    text(b.map(flag_label).unwrap_or(""))
}

/// Names of the levels above a village, for the name columns of an export.
#[derive(Debug, Clone, Default)]
pub struct AreaNames {
    pub province: String,
    pub city: String,
    pub county: String,
    pub township: String,
    pub village: String,
}

/// Whether personal data (ID numbers, phones) is written whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Masked,
    Whole,
}

/// The cells of a household, in the order of [`crate::layout::HOUSEHOLD_FIELDS`].
pub fn household_row(h: &Household, names: &AreaNames, disclosure: Disclosure) -> Vec<Out> {
    let i = &h.income;
    let m = &h.monitoring;
    let phone = match (&h.phone, disclosure) {
        (Some(p), Disclosure::Masked) => Some(mask_phone(p)),
        (p, _) => p.clone(),
    };
    crate::layout::HOUSEHOLD_FIELDS
        .iter()
        .map(|field| match field.field {
            F::HouseholdNo => text(h.no.as_str()),
            F::VillageCode => text(h.village.to_string()),
            F::HeadName => text(h.head_name.as_str()),
            F::Size => Out::Int(i64::from(h.size)),
            F::PerCapita => opt_money(h.per_capita_income()),
            F::ExPoor => text(flag_label(h.household_type == HouseholdType::ExPoor)),
            F::Category => text(m.category.map(|c| c.label()).unwrap_or("")),
            F::Risks => text(m.risks.to_string()),
            F::IdentifiedOn => text(m.identified_on.map(|d| d.to_string()).unwrap_or_default()),
            F::Eliminated => text(flag_label(m.eliminated)),
            F::EliminatedOn => text(m.eliminated_on.map(|d| d.to_string()).unwrap_or_default()),
            F::EliminationMode => text(m.elimination_mode.map(|c| c.label()).unwrap_or("")),
            F::ProvinceName => text(names.province.as_str()),
            F::CityName => text(names.city.as_str()),
            F::CountyName => text(names.county.as_str()),
            F::TownshipName => text(names.township.as_str()),
            F::VillageName => text(names.village.as_str()),
            F::NaturalVillage => opt_text(&h.natural_village),
            F::Address => opt_text(&h.address),
            F::Phone => opt_text(&phone),
            F::HouseholdType => text(h.household_type.label()),
            F::Relocated => text(flag_label(h.relocated)),
            F::RelocationSite => opt_text(&h.relocation_site),
            F::NoLabour => text(flag_label(h.no_labour)),
            F::HousingUnsafe => text(flag_label(h.housing_unsafe)),
            F::SchoolDropout => text(flag_label(h.school_dropout)),
            F::Uninsured => text(flag_label(h.uninsured)),
            F::WaterUnsafe => text(flag_label(h.water_unsafe)),
            F::IncomeYear => i
                .year
                .map(|y| Out::Int(i64::from(y.get())))
                .unwrap_or(text("")),
            F::Wage => opt_money(i.wage),
            F::Business => opt_money(i.business),
            F::Property => opt_money(i.property),
            F::Transfer => opt_money(i.transfer),
            F::ProductionCost => opt_money(i.production_cost),
            F::NetIncome => opt_money(i.net()),
            F::Claims => opt_money(i.claims),
            F::CompliantOutOfPocket => opt_money(i.compliant_out_of_pocket),
            _ => text(""),
        })
        .collect()
}

/// The cells of a member, in the order of [`crate::layout::MEMBER_FIELDS`].
pub fn member_row(m: &Member, disclosure: Disclosure) -> Vec<Out> {
    let (id, phone) = match disclosure {
        Disclosure::Whole => (m.id.as_str().to_string(), m.phone.clone()),
        Disclosure::Masked => (m.id.masked(), m.phone.as_deref().map(mask_phone)),
    };
    crate::layout::MEMBER_FIELDS
        .iter()
        .map(|field| match field.field {
            F::MemberNo => opt_text(&m.member_no),
            F::HouseholdNo => text(m.household_no.as_str()),
            F::IdNumber => text(id.as_str()),
            F::Name => text(m.name.as_str()),
            F::Sex => text(m.sex().label()),
            F::BirthDate => text(
                m.birth_date()
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ),
            F::Relation => text(m.relation.label()),
            F::Health => text(m.health.map(|h| h.label()).unwrap_or("")),
            F::Ethnicity => opt_text(&m.ethnicity),
            F::Education => opt_text(&m.education),
            F::Schooling => opt_text(&m.schooling),
            F::DisabilityLevel => text(
                m.disability_level
                    .map(|l| {
                        ["", "一级", "二级", "三级", "四级"]
                            .get(usize::from(l))
                            .copied()
                            .unwrap_or("")
                    })
                    .unwrap_or(""),
            ),
            F::Labour => text(m.labour.map(|l| l.label()).unwrap_or("")),
            F::MigrantPlace => opt_text(&m.migrant_place),
            F::MigrantMonths => m
                .migrant_months
                .map(|n| Out::Int(i64::from(n)))
                .unwrap_or(text("")),
            F::WelfareJob => opt_flag(m.welfare_job),
            F::MedicalInsurance => opt_flag(m.medical_insurance),
            F::SeriousIllnessInsurance => opt_flag(m.serious_illness_insurance),
            F::Pension => opt_flag(m.pension),
            F::Dibao => text(m.dibao.map(DibaoClass::label).unwrap_or("否")),
            F::Tekun => text(flag_label(m.tekun)),
            F::Phone => opt_text(&phone),
            _ => text(""),
        })
        .collect()
}

fn headers(kind: LedgerKind) -> Vec<&'static str> {
    kind.fields()
        .iter()
        .map(|f| f.names.first().copied().unwrap_or(""))
        .collect()
}

/// What the sheets of a written ledger hold: one kind's rows, or one row a person (一表式台账:
/// each member with the household's columns before theirs, as the import reads it back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Ledger(LedgerKind),
    Persons,
}

impl From<LedgerKind> for Layout {
    fn from(kind: LedgerKind) -> Layout {
        Layout::Ledger(kind)
    }
}

/// The phones' headers in a sheet of one row a person: the household's, and each member's own
/// (names the other ledger does not read).
const HEAD_PHONE: &str = "户主联系电话";
const MEMBER_PHONE: &str = "成员联系电话";

impl Layout {
    pub fn label(self) -> &'static str {
        match self {
            Layout::Ledger(kind) => kind.label(),
            Layout::Persons => "户及成员信息",
        }
    }

    pub fn headers(self) -> Vec<&'static str> {
        match self {
            Layout::Ledger(kind) => headers(kind),
            Layout::Persons => {
                let mut h: Vec<&'static str> = HOUSEHOLD_FIELDS
                    .iter()
                    .map(|f| match f.field {
                        F::Phone => HEAD_PHONE,
                        _ => f.names.first().copied().unwrap_or(""),
                    })
                    .collect();
                h.extend(
                    MEMBER_FIELDS
                        .iter()
                        .filter(|f| f.field != F::HouseholdNo)
                        .map(|f| match f.field {
                            F::Phone => MEMBER_PHONE,
                            _ => f.names.first().copied().unwrap_or(""),
                        }),
                );
                h
            }
        }
    }
}

/// A row of one row a person: the household's cells ([`household_row`]), then the member's
/// ([`member_row`]) without its 户编号 — or empty for a household without members.
pub fn person_row(household: &[Out], member: Option<Vec<Out>>) -> Vec<Out> {
    let mut row = household.to_vec();
    match member {
        Some(m) => row.extend(
            m.into_iter()
                .zip(MEMBER_FIELDS)
                .filter(|(_, f)| f.field != F::HouseholdNo)
                .map(|(cell, _)| cell),
        ),
        None => row.extend((1..MEMBER_FIELDS.len()).map(|_| text(""))),
    }
    row
}

fn xlsx_err(e: XlsxError) -> FileError {
    FileError::Io(e.to_string())
}

/// Writes a ledger workbook sheet by sheet, streaming rows to disk.
pub struct XlsxLedgerWriter {
    book: Workbook,
    path: PathBuf,
    title: String,
    sheet: Option<(usize, Layout, u32, u32)>,
    sheets: usize,
    max_rows: u32,
    bold: Format,
    yuan: Format,
}

impl XlsxLedgerWriter {
    /// `title` goes in the first row of each sheet (e.g. the area and export date).
    pub fn create(path: &Path, title: &str) -> XlsxLedgerWriter {
        XlsxLedgerWriter {
            book: Workbook::new(),
            path: path.to_path_buf(),
            title: title.to_string(),
            sheet: None,
            sheets: 0,
            max_rows: XLSX_MAX_DATA_ROWS,
            bold: Format::new().set_bold(),
            yuan: Format::new().set_num_format("0.00"),
        }
    }

    /// Splits sheets after `rows` data rows instead of at Excel's limit.
    pub fn with_max_rows(mut self, rows: u32) -> XlsxLedgerWriter {
        self.max_rows = rows.clamp(1, XLSX_MAX_DATA_ROWS);
        self
    }

    /// Starts the sheets of a ledger (call once per kind, households first).
    pub fn begin(&mut self, layout: impl Into<Layout>) -> Result<(), FileError> {
        self.new_sheet(layout.into(), 1)
    }

    fn new_sheet(&mut self, kind: Layout, part: u32) -> Result<(), FileError> {
        let name = if part == 1 {
            kind.label().to_string()
        } else {
            format!("{}({part})", kind.label())
        };
        let sheet = self
            .book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_err)?;
        sheet.set_name(&name).map_err(xlsx_err)?;
        sheet
            .write_string_with_format(0, 0, &self.title, &self.bold)
            .map_err(xlsx_err)?;
        for (c, h) in kind.headers().iter().enumerate() {
            sheet
                .write_string_with_format(1, c as u16, *h, &self.bold)
                .map_err(xlsx_err)?;
        }
        self.sheet = Some((self.sheets, kind, part, 0));
        self.sheets += 1;
        Ok(())
    }

    /// Rows that stay on one sheet (a household's persons): the next sheet is begun first when
    /// they would not fit on this one.
    pub fn rows_together(&mut self, rows: &[Vec<Out>]) -> Result<(), FileError> {
        if let Some((_, kind, part, written)) = self.sheet
            && written > 0
            && u64::from(written) + rows.len() as u64 > u64::from(self.max_rows)
        {
            self.new_sheet(kind, part + 1)?;
        }
        rows.iter().try_for_each(|r| self.row(r))
    }

    pub fn row(&mut self, cells: &[Out]) -> Result<(), FileError> {
        let Some((index, kind, part, rows)) = self.sheet else {
            return Err(FileError::Io("no sheet begun".into()));
        };
        if rows >= self.max_rows {
            self.new_sheet(kind, part + 1)?;
            return self.row(cells);
        }
        let r = rows + 2;
        let sheet = self.book.worksheet_from_index(index).map_err(xlsx_err)?;
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
        self.sheet = Some((index, kind, part, rows + 1));
        Ok(())
    }

    pub fn finish(mut self) -> Result<PathBuf, FileError> {
        self.book.save(&self.path).map_err(xlsx_err)?;
        Ok(self.path)
    }
}

/// A long number as a CSV cell Excel keeps whole: Excel opens a cell of 12 digits or more as a
/// number, shows it in scientific notation, keeps 15 significant digits, and saves the CSV as
/// shown (`6.20102E+17`) — a county that opens an export to edit it and saves it would lose
/// every ID number, 户编号 and village code. A tab before the digits makes Excel take the cell
/// as text (a habit of Chinese government exports); the importer trims it.
pub fn kept_as_text_by_excel(s: String) -> String {
    let b = s.as_bytes();
    let long_number = b.len() >= 12
        && b[..b.len() - 1].iter().all(u8::is_ascii_digit)
        && b.last().is_some_and(|&c| c.is_ascii_digit() || c == b'X');
    if long_number { format!("\t{s}") } else { s }
}

/// CSV encodings for export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark: Excel opens it correctly.
    Utf8Bom,
    /// GBK, as Chinese Excel saves CSV.
    Gbk,
}

pub struct CsvLedgerWriter {
    out: csv::Writer<BufWriter<File>>,
    encoding: CsvEncoding,
    path: PathBuf,
}

impl CsvLedgerWriter {
    pub fn create(
        path: &Path,
        layout: impl Into<Layout>,
        encoding: CsvEncoding,
    ) -> Result<CsvLedgerWriter, FileError> {
        let file =
            File::create(path).map_err(|e| FileError::Io(format!("{}: {e}", path.display())))?;
        let mut buf = BufWriter::with_capacity(1 << 20, file);
        if encoding == CsvEncoding::Utf8Bom {
            buf.write_all(b"\xEF\xBB\xBF")
                .map_err(|e| FileError::Io(e.to_string()))?;
        }
        let mut w = CsvLedgerWriter {
            out: csv::Writer::from_writer(buf),
            encoding,
            path: path.to_path_buf(),
        };
        let hs: Vec<Out> = layout.into().headers().into_iter().map(text).collect();
        w.row(&hs)?;
        Ok(w)
    }

    pub fn row(&mut self, cells: &[Out]) -> Result<(), FileError> {
        let csv_err = |e: csv::Error| FileError::Io(e.to_string());
        let texts = cells.iter().map(|c| kept_as_text_by_excel(c.csv_text()));
        match self.encoding {
            CsvEncoding::Utf8Bom => self.out.write_record(texts).map_err(csv_err),
            CsvEncoding::Gbk => {
                let encoded: Vec<Vec<u8>> = texts
                    .map(|t| encoding_rs::GBK.encode(&t).0.into_owned())
                    .collect();
                self.out.write_record(&encoded).map_err(csv_err)
            }
        }
    }

    pub fn finish(mut self) -> Result<PathBuf, FileError> {
        self.out.flush().map_err(|e| FileError::Io(e.to_string()))?;
        Ok(self.path)
    }
}

const REPORT_HEADERS: [&str; 7] = ["文件", "工作表", "行号", "列", "内容", "原因", "错误代码"];

/// One line of an error report: a row error just read, or one kept with the import or batch
/// that read it.
#[derive(Debug, Clone, Copy)]
pub struct ReportLine<'a> {
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    pub row: u64,
    pub column: &'a str,
    pub value: &'a str,
    pub reason: &'a str,
    pub code: &'a str,
}

impl<'a> From<&'a crate::RowError> for ReportLine<'a> {
    fn from(e: &'a crate::RowError) -> ReportLine<'a> {
        ReportLine {
            file: &e.file,
            sheet: e.sheet.as_deref(),
            row: e.row,
            column: &e.column,
            value: &e.value,
            reason: &e.reason,
            code: e.code,
        }
    }
}

fn report_row(e: &ReportLine<'_>) -> Vec<Out> {
    vec![
        text(e.file),
        text(e.sheet.unwrap_or_default()),
        Out::Int(i64::try_from(e.row).unwrap_or(i64::MAX)),
        text(e.column),
        text(e.value),
        text(e.reason),
        text(e.code),
    ]
}

/// Writes the rejected rows of an import: xlsx when `path` ends in `.xlsx`, else CSV (UTF-8 with
/// BOM, so Excel shows the Chinese).
pub fn write_error_report(path: &Path, errors: &[crate::RowError]) -> Result<(), FileError> {
    write_error_report_from(path, errors.iter().cloned())
}

/// [`write_error_report`] of errors made one at a time (a screening's millions of persons not
/// registered are not held whole as lines).
pub fn write_error_report_from(
    path: &Path,
    errors: impl Iterator<Item = crate::RowError>,
) -> Result<(), FileError> {
    write_report_rows(
        path,
        "导入错误",
        errors.map(|e| report_row(&ReportLine::from(&e))),
    )
}

/// Writes report lines as [`write_error_report`] does, the xlsx sheet named `sheet_name`.
pub fn write_report_lines(
    path: &Path,
    sheet_name: &str,
    lines: &[ReportLine<'_>],
) -> Result<(), FileError> {
    write_report_rows(path, sheet_name, lines.iter().map(report_row))
}

/// Writes report rows, in constant memory.
fn write_report_rows(
    path: &Path,
    sheet_name: &str,
    rows: impl Iterator<Item = Vec<Out>>,
) -> Result<(), FileError> {
    let mut w = ReportWriter::create(path, sheet_name)?;
    for row in rows {
        w.row(&row)?;
    }
    w.finish()
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// A report written a line at a time (the lines may come from pages of a database): xlsx when
/// the path ends in `.xlsx`, else CSV (UTF-8 with BOM), in constant memory either way. An xlsx
/// goes on in another sheet at Excel's row limit (`未纳入的行`, `未纳入的行(2)`, …: a file of
/// the whole population leaves millions of rows out), and is written only by
/// [`ReportWriter::finish`]: one that fails half-way leaves no file.
pub struct ReportWriter {
    out: ReportOut,
    /// Lines in the sheet being written.
    lines: u32,
    /// Lines a sheet takes (Excel's limit, unless told fewer).
    max_lines: u32,
}

enum ReportOut {
    Xlsx {
        book: Box<Workbook>,
        path: PathBuf,
        name: String,
        /// Sheets begun; the last is being written.
        sheets: u16,
    },
    Csv(Box<csv::Writer<BufWriter<File>>>),
}

impl ReportWriter {
    pub fn create(path: &Path, sheet_name: &str) -> Result<ReportWriter, FileError> {
        let out = if is_xlsx(path) {
            let mut out = ReportOut::Xlsx {
                book: Box::new(Workbook::new()),
                path: path.to_path_buf(),
                name: sheet_name.to_string(),
                sheets: 0,
            };
            out.new_sheet()?;
            out
        } else {
            let file = File::create(path)
                .map_err(|e| FileError::Io(format!("{}: {e}", path.display())))?;
            let mut buf = BufWriter::new(file);
            buf.write_all(b"\xEF\xBB\xBF")
                .map_err(|e| FileError::Io(e.to_string()))?;
            let mut w = csv::Writer::from_writer(buf);
            w.write_record(REPORT_HEADERS)
                .map_err(|e| FileError::Io(e.to_string()))?;
            ReportOut::Csv(Box::new(w))
        };
        Ok(ReportWriter {
            out,
            lines: 0,
            max_lines: XLSX_MAX_DATA_ROWS,
        })
    }

    /// Goes on in another xlsx sheet after `lines` lines instead of at Excel's limit.
    pub fn with_max_lines(mut self, lines: u32) -> ReportWriter {
        self.max_lines = lines.clamp(1, XLSX_MAX_DATA_ROWS);
        self
    }

    pub fn line(&mut self, line: &ReportLine<'_>) -> Result<(), FileError> {
        self.row(&report_row(line))
    }

    fn row(&mut self, row: &[Out]) -> Result<(), FileError> {
        if self.lines >= self.max_lines && matches!(self.out, ReportOut::Xlsx { .. }) {
            self.out.new_sheet()?;
            self.lines = 0;
        }
        match &mut self.out {
            ReportOut::Xlsx { book, sheets, .. } => {
                let sheet = book
                    .worksheet_from_index(usize::from(*sheets) - 1)
                    .map_err(xlsx_err)?;
                let r = self.lines + 1;
                for (c, cell) in row.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        Out::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                        other => sheet.write_string(r, c, other.csv_text()).map(|_| ()),
                    }
                    .map_err(xlsx_err)?;
                }
            }
            ReportOut::Csv(w) => w
                .write_record(row.iter().map(|c| kept_as_text_by_excel(c.csv_text())))
                .map_err(|e| FileError::Io(e.to_string()))?,
        }
        self.lines += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<(), FileError> {
        match self.out {
            ReportOut::Xlsx { mut book, path, .. } => book.save(&path).map_err(xlsx_err),
            ReportOut::Csv(mut w) => w.flush().map_err(|e| FileError::Io(e.to_string())),
        }
    }
}

impl ReportOut {
    /// Begins the next sheet of an xlsx, with the headers.
    fn new_sheet(&mut self) -> Result<(), FileError> {
        let ReportOut::Xlsx {
            book, name, sheets, ..
        } = self
        else {
            return Ok(());
        };
        *sheets += 1;
        let title = if *sheets == 1 {
            name.clone()
        } else {
            format!("{name}({sheets})")
        };
        let bold = Format::new().set_bold();
        // Rows go out in order: a report of a million lines is not held whole.
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_err)?;
        sheet.set_column_width(5, 60).map_err(xlsx_err)?;
        sheet.set_name(&title).map_err(xlsx_err)?;
        for (c, h) in REPORT_HEADERS.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xlsx_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    fn line(row: u64) -> ReportLine<'static> {
        ReportLine {
            file: "医保.csv",
            sheet: None,
            row,
            column: "证件号码",
            value: "620102********1234",
            reason: "户籍信息中没有此人",
            code: "not_registered",
        }
    }

    #[test]
    fn a_report_is_written_a_line_at_a_time_and_an_xlsx_goes_on_in_another_sheet_at_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("r.csv");
        let mut w = ReportWriter::create(&csv_path, "未纳入的行")
            .unwrap()
            .with_max_lines(2);
        for row in [2, 3, 4] {
            w.line(&line(row)).unwrap();
        }
        w.finish().unwrap();
        let text = std::fs::read_to_string(&csv_path).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 4, "a CSV has no limit: {lines:?}");
        assert_eq!(lines[0], "文件,工作表,行号,列,内容,原因,错误代码");
        assert_eq!(
            lines[2],
            "医保.csv,,3,证件号码,620102********1234,户籍信息中没有此人,not_registered"
        );
        // Two lines a sheet: five lines in three sheets, each with the headers.
        let xlsx_path = dir.path().join("r.xlsx");
        let mut w = ReportWriter::create(&xlsx_path, "未纳入的行")
            .unwrap()
            .with_max_lines(2);
        for row in 2..7 {
            w.line(&line(row)).unwrap();
        }
        assert!(!xlsx_path.exists(), "written only when finished");
        w.finish().unwrap();
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["未纳入的行", "未纳入的行(2)", "未纳入的行(3)"]
        );
        let mut rows = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.get((0, 0)).unwrap().to_string(), "文件");
            assert!(range.height() <= 3, "{name}: {}", range.height());
            rows.extend((1..range.height()).map(|r| range.get((r, 2)).unwrap().to_string()));
            assert_eq!(range.get((1, 5)).unwrap().to_string(), "户籍信息中没有此人");
        }
        assert_eq!(rows, ["2", "3", "4", "5", "6"]);
        // A workbook that cannot be written leaves nothing behind.
        let nowhere = dir.path().join("no-such-folder").join("r.xlsx");
        let mut w = ReportWriter::create(&nowhere, "未纳入的行").unwrap();
        w.line(&line(2)).unwrap();
        assert!(w.finish().is_err());
        assert!(!nowhere.exists());
    }
}

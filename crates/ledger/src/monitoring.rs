//! Files of the monitoring lifecycle: a list of households (户编号 or 证件号码, e.g. the victims
//! of a disaster) read from CSV or xlsx, and the village public notice written as xlsx.

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
use zhenxing_domain::monitoring::notice::PublicNotice;

use crate::error::{FileError, LedgerError};
use crate::layout::normalize_header;
use crate::read::{
    Format as FileFormat, HEADER_SEARCH_ROWS, RawRow, open_xlsx, read_as, read_text,
    read_xlsx_sheet,
};

/// One row of a household list, as written (parsed by the use case, which reports each row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub sheet: Option<String>,
    /// The row number as Excel shows it.
    pub row: u64,
    pub household_no: Option<String>,
    pub id_number: Option<String>,
    pub risks: Option<String>,
    pub disaster_kind: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HouseholdList {
    pub file: String,
    pub rows: Vec<ListRow>,
}

/// The columns a list may have, with the headers each is known by.
const COLUMNS: [(&str, &[&str]); 5] = [
    ("household_no", &["户编号", "户码", "家庭编号"]),
    (
        "id_number",
        &[
            "证件号码",
            "身份证号",
            "身份证号码",
            "户主身份证号",
            "户主证件号码",
        ],
    ),
    ("risks", &["风险类型", "致贫返贫风险", "风险"]),
    ("disaster_kind", &["灾害种类", "灾种", "受灾类型"]),
    ("note", &["说明", "备注", "受灾情况"]),
];

fn find_columns(row: &RawRow) -> Option<[Option<usize>; 5]> {
    let mut found = [None; 5];
    for (i, cell) in row.cells.iter().enumerate() {
        let h = normalize_header(cell.text.trim());
        for (k, (_, names)) in COLUMNS.iter().enumerate() {
            if found[k].is_none() && names.iter().any(|n| normalize_header(n) == h) {
                found[k] = Some(i);
            }
        }
    }
    (found[0].is_some() || found[1].is_some()).then_some(found)
}

fn take(sheet: Option<&str>, row: &RawRow, columns: &[Option<usize>; 5]) -> ListRow {
    let cell = |k: usize| {
        columns[k]
            .and_then(|i| row.cells.get(i))
            .map(|c| c.text.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    ListRow {
        sheet: sheet.map(str::to_string),
        row: row.row,
        household_no: cell(0),
        id_number: cell(1),
        risks: cell(2),
        disaster_kind: cell(3),
        note: cell(4),
    }
}

/// Reads a list of households: the header (below any title rows) must name 户编号 or 证件号码;
/// 风险类型, 灾害种类 and 说明 are optional. Blank rows are skipped.
pub fn read_household_list(path: &Path) -> Result<HouseholdList, LedgerError> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let fail = |sheet: Option<&str>, error: FileError| LedgerError {
        file: file.clone(),
        sheet: sheet.map(str::to_string),
        error,
    };
    let not_list = || FileError::NotLedger {
        kind: "户名单",
        rows: HEADER_SEARCH_ROWS,
        missing: "户编号或证件号码".into(),
    };
    let ext = read_as(path).map_err(|e| fail(None, e))?;
    let mut rows = Vec::new();
    match ext.as_str() {
        "csv" | "txt" | "html" => {
            let format = FileFormat::of_text(path, &ext).map_err(|e| fail(None, e))?;
            let mut columns = None;
            let mut seen = 0usize;
            read_text(path, format, &mut |r| {
                seen += 1;
                match &columns {
                    None => {
                        columns = find_columns(r);
                        seen < HEADER_SEARCH_ROWS || columns.is_some()
                    }
                    Some(c) => {
                        if !r.is_blank() {
                            rows.push(take(None, r, c));
                        }
                        true
                    }
                }
            })
            .map_err(|e| fail(None, e))?;
            if columns.is_none() {
                return Err(fail(None, not_list()));
            }
        }
        "xlsx" | "xlsm" => {
            let mut book = open_xlsx(path).map_err(|e| fail(None, e))?;
            let mut any = false;
            for sheet in book.sheet_names() {
                let mut columns = None;
                let mut seen = 0usize;
                read_xlsx_sheet(&mut book, &sheet, &mut |r| {
                    seen += 1;
                    match &columns {
                        None => {
                            columns = find_columns(&r);
                            seen < HEADER_SEARCH_ROWS || columns.is_some()
                        }
                        Some(c) => {
                            if !r.is_blank() {
                                rows.push(take(Some(&sheet), &r, c));
                            }
                            true
                        }
                    }
                })
                .map_err(|e| fail(Some(&sheet), e))?;
                any |= columns.is_some();
            }
            if !any {
                return Err(fail(None, not_list()));
            }
        }
        other => {
            return Err(fail(
                None,
                FileError::UnsupportedFormat(format!(".{other}")),
            ));
        }
    }
    Ok(HouseholdList { file, rows })
}

fn xlsx_err(e: XlsxError) -> FileError {
    FileError::Io(e.to_string())
}

fn write_notice(path: &Path, notice: &PublicNotice) -> Result<(), FileError> {
    let mut book = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let bold = Format::new()
        .set_bold()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let cell = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let sheet = book.add_worksheet();
    sheet.set_name("公示").map_err(xlsx_err)?;
    let last = (PublicNotice::HEADERS.len() - 1) as u16;
    sheet
        .merge_range(0, 0, 0, last, &notice.title(), &title)
        .map_err(xlsx_err)?;
    for (c, h) in PublicNotice::HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(2, c as u16, *h, &bold)
            .map_err(xlsx_err)?;
    }
    for (r, row) in notice.cells().iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet
                .write_string_with_format(r as u32 + 3, c as u16, v, &cell)
                .map_err(xlsx_err)?;
        }
    }
    let foot = notice.cells().len() as u32 + 4;
    sheet
        .merge_range(foot, 0, foot, last, &notice.footer(), &Format::new())
        .map_err(xlsx_err)?;
    for (c, w) in [6, 14, 12, 10, 28, 26].iter().enumerate() {
        sheet.set_column_width(c as u16, *w).map_err(xlsx_err)?;
    }
    book.save(path).map_err(xlsx_err)
}

/// Writes the village public notice as an xlsx workbook (title, table, period).
pub fn write_notice_xlsx(path: &Path, notice: &PublicNotice) -> Result<(), LedgerError> {
    write_notice(path, notice).map_err(|error| LedgerError {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        sheet: None,
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_list_below_a_title_in_any_column_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("受灾户.csv");
        std::fs::write(
            &p,
            "某县洪涝受灾户名单,,\r\n说明,证件号码,户编号\r\n房屋进水,,H001\r\n,,\r\n,11010519491231002X,\r\n",
        )
        .unwrap();
        let list = read_household_list(&p).unwrap();
        assert_eq!(list.rows.len(), 2);
        assert_eq!(list.rows[0].household_no.as_deref(), Some("H001"));
        assert_eq!(list.rows[0].note.as_deref(), Some("房屋进水"));
        assert_eq!(list.rows[0].row, 3);
        assert_eq!(
            list.rows[1].id_number.as_deref(),
            Some("11010519491231002X")
        );
        let bad = dir.path().join("x.csv");
        std::fs::write(&bad, "姓名,年龄\r\n张三,3\r\n").unwrap();
        assert!(read_household_list(&bad).is_err());
    }
}

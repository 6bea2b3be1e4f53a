//! Files of the monitoring lifecycle: a list of households (户编号 or 证件号码, e.g. the victims
//! of a disaster) read from CSV or xlsx, and the village public notice written as xlsx.

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
use zhenxing_domain::monitoring::notice::PublicNotice;

use crate::error::{FileError, LedgerError};
use crate::table::{Column, TableKind, read_table};

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
const COLUMNS: [Column; 5] = [
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

/// A household list: 户编号 or 证件号码; 风险类型, 灾害种类 and 说明 are optional.
const LIST: TableKind = TableKind {
    label: "户名单",
    columns: &COLUMNS,
    required: &[&[0, 1]],
    missing: "户编号或证件号码",
};

/// Reads a list of households: the header (below any title rows) must name 户编号 or 证件号码;
/// 风险类型, 灾害种类 and 说明 are optional. Blank rows are skipped.
pub fn read_household_list(path: &Path) -> Result<HouseholdList, LedgerError> {
    let table = read_table(path, &LIST)?;
    let rows = table
        .rows
        .into_iter()
        .map(|r| {
            let [household_no, id_number, risks, disaster_kind, note] =
                std::array::from_fn(|k| r.get(k).map(str::to_string));
            ListRow {
                sheet: r.sheet,
                row: r.row,
                household_no,
                id_number,
                risks,
                disaster_kind,
                note,
            }
        })
        .collect();
    Ok(HouseholdList {
        file: table.file,
        rows,
    })
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

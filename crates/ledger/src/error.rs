//! What can be wrong with a ledger file (then nothing is imported) or with one of its rows (then
//! that row is reported and the others go in).

use std::fmt;

use thiserror::Error;

/// The file as a whole is unusable.
#[derive(Debug, Error)]
pub enum FileError {
    #[error("无法读取文件：{0}")]
    Io(String),
    #[error("不支持的文件格式“{0}”，请使用 .csv 或 .xlsx（可在 Excel 中“另存为”）")]
    UnsupportedFormat(String),
    #[error("xlsx 文件已损坏或不完整，无法读取：{0}")]
    Xlsx(String),
    #[error(
        "这是设有打开密码的文件，或 Excel 95 及更早版本的文件，无法直接读取：请在 Excel 或 WPS 中（取消密码后）另存为 .xlsx 或 CSV，再导入"
    )]
    OldFormat,
    #[error("xls 文件已损坏或不完整，无法读取：{0}")]
    Xls(String),
    #[error("CSV 文件读取失败：{0}")]
    Csv(String),
    #[error("文件为空")]
    Empty,
    #[error(
        "不是文本格式的 CSV 文件（含有二进制内容，可能是改了扩展名的 Excel 文件），请在 Excel 中另存为“CSV（逗号分隔）”或 .xlsx 后再导入"
    )]
    Binary,
    #[error("不是{kind}台账：在前{rows}行中没有找到表头（缺少列：{missing}）")]
    NotLedger {
        kind: &'static str,
        rows: usize,
        missing: String,
    },
    #[error("不是“{kind}”文件：在前{rows}行中没有找到表头（缺少列：{missing}）")]
    NotDepartmentFile {
        kind: String,
        rows: usize,
        missing: String,
    },
    #[error("第{row}行表头中“{first}”和“{second}”是同一项，请删去其中一列")]
    DuplicateColumn {
        row: u64,
        first: String,
        second: String,
    },
    #[error(
        "第{row}行表头“{header}”的单位与台账不同：应为“{expected}”，请换算成该单位后再导入（以免数值被误读）"
    )]
    HeaderUnit {
        row: u64,
        header: String,
        expected: &'static str,
    },
}

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Io(_) => "io",
            FileError::UnsupportedFormat(_) => "unsupported_format",
            FileError::Xlsx(_) => "xlsx",
            FileError::Xls(_) => "xls",
            FileError::OldFormat => "old_format",
            FileError::Csv(_) => "csv",
            FileError::Empty => "empty_file",
            FileError::Binary => "binary_file",
            FileError::NotLedger { .. } => "not_a_ledger",
            FileError::NotDepartmentFile { .. } => "not_a_department_file",
            FileError::DuplicateColumn { .. } => "duplicate_column",
            FileError::HeaderUnit { .. } => "header_unit",
        }
    }
}

/// A file error with the file it is about.
#[derive(Debug, Error)]
#[error("文件“{file}”{}：{error}", sheet.as_ref().map(|s| format!("工作表“{s}”")).unwrap_or_default())]
pub struct LedgerError {
    pub file: String,
    pub sheet: Option<String>,
    /// Not the error's `source`: its message is already in this one's, and a chain printed
    /// whole (`{:#}`) said it twice.
    pub error: FileError,
}

/// One problem with one row: where it is and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub sheet: Option<String>,
    /// The row number as the user sees it in Excel (1-based, counting title and header rows).
    pub row: u64,
    /// The column header as written in the file (or the canonical header).
    pub column: String,
    /// The offending value, masked when it may be personal data.
    pub value: String,
    pub reason: String,
    pub code: &'static str,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, "[{s}]")?;
        }
        write!(f, " 第{}行", self.row)?;
        if !self.column.is_empty() {
            write!(f, " 列“{}”", self.column)?;
        }
        if !self.value.is_empty() {
            write!(f, "（{}）", self.value)?;
        }
        write!(f, "：{}", self.reason)
    }
}

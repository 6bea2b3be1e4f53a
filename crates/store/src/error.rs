use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The database answered with an error (connection, constraint, disk, ...).
    #[error("数据库错误：{0}")]
    Database(String),
    /// The schema is older or newer than this program, or a migration failed.
    #[error("数据库结构迁移失败：{0}")]
    Migration(String),
    /// A stored value no longer parses: the database was changed outside the product.
    #[error("数据库中的数据已损坏：{0}")]
    Corrupt(String),
    /// The disk holding the database is full: the statement, and with it the transaction, wrote
    /// nothing. Told apart because an administrator can act on it (and nothing else can).
    #[error("数据库所在的磁盘空间已满，本次操作没有写入任何内容。请清理该磁盘后重试")]
    DiskFull,
    /// The database URL names no backend this build knows.
    #[error("无法识别的数据库地址：{0}（应为 SQLite 文件路径、sqlite:// 或 postgres://）")]
    UnsupportedUrl(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Database(_) => "database",
            StoreError::Migration(_) => "migration",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::DiskFull => "disk_full",
            StoreError::UnsupportedUrl(_) => "unsupported_url",
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

use thiserror::Error;
use zhenxing_ledger::LedgerError;
use zhenxing_store::StoreError;

/// What a use case can fail with. Messages are for users, in Chinese; `code` is stable.
#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("区划文件有误：{0}")]
    Divisions(String),
    #[error("数据库中还没有区划，请先运行 zhenxing init")]
    NoDivisions,
    #[error("区划{0}不存在或不在您的管辖范围内")]
    UnknownArea(String),
    #[error("{0}")]
    Invalid(String),
    #[error("写文件失败：{0}")]
    Output(String),
    #[error(transparent)]
    Monitoring(#[from] crate::monitoring::MonitoringFailure),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Store(e) => e.code(),
            AppError::Ledger(e) => e.error.code(),
            AppError::Divisions(_) => "divisions",
            AppError::NoDivisions => "no_divisions",
            AppError::UnknownArea(_) => "unknown_area",
            AppError::Invalid(_) => "invalid",
            AppError::Output(_) => "output",
            AppError::Monitoring(e) => e.code(),
        }
    }
}

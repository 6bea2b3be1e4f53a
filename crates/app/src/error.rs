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
    /// No valid session or token.
    #[error("请先登录")]
    Unauthenticated,
    /// Wrong name or password, or a disabled user (the caller is not told which).
    #[error("用户名或密码错误")]
    LoginFailed,
    #[error("登录失败次数过多，请{minutes}分钟后再试")]
    TooManyAttempts { minutes: u64 },
    #[error("您的角色没有此项权限")]
    Forbidden,
    /// Not there, or outside the caller's area: the caller cannot tell which.
    #[error("未找到，或不在您的管辖范围内")]
    NotFound,
    #[error("用户名“{0}”已被使用")]
    UserExists(String),
    /// Someone changed the record since the caller read it: nothing was written.
    #[error("{0}")]
    Stale(String),
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
            AppError::Unauthenticated => "unauthenticated",
            AppError::LoginFailed => "login_failed",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::UserExists(_) => "user_exists",
            AppError::Stale(_) => "stale",
        }
    }
}

//! The web layer's errors and the one place that maps every error to an HTTP status, a stable
//! code and a Chinese message, for pages (HTML) and the API (JSON) alike.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use zhenxing_app::AppError;
use zhenxing_app::monitoring::MonitoringFailure;
use zhenxing_app::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    App(#[from] AppError),
    /// A state-changing request with a session cookie but without its CSRF token.
    #[error("页面已过期或请求来源不明，请刷新页面后重试")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    #[error("未找到，或不在您的管辖范围内")]
    NotFound,
    /// Not found, with what the user can do (the same for another user's: they cannot tell).
    #[error("{0}")]
    NotFoundBecause(String),
    #[error("上传的文件或提交的内容过大，超过了允许的大小")]
    TooLarge,
    /// An upload could not be saved: the server's disk is full.
    #[error("服务器磁盘空间已满，上传的文件未能保存，没有写入任何内容。请管理员清理磁盘后重试")]
    DiskFull,
    #[error("服务器内部错误，请稍后重试")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::App(e) => match e {
                AppError::Unauthenticated | AppError::LoginFailed => StatusCode::UNAUTHORIZED,
                AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                AppError::NotFound | AppError::UnknownArea(_) => StatusCode::NOT_FOUND,
                AppError::UserExists(_) | AppError::Stale(_) => StatusCode::CONFLICT,
                AppError::Invalid(_) | AppError::Ledger(_) | AppError::Divisions(_) => {
                    StatusCode::BAD_REQUEST
                }
                AppError::NoDivisions => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Store(StoreError::DiskFull) => StatusCode::INSUFFICIENT_STORAGE,
                AppError::Store(_) | AppError::Output(_) => StatusCode::INTERNAL_SERVER_ERROR,
                AppError::Monitoring(m) => match m {
                    MonitoringFailure::Forbidden { .. } => StatusCode::FORBIDDEN,
                    MonitoringFailure::NotFound { .. } => StatusCode::NOT_FOUND,
                    MonitoringFailure::Conflict
                    | MonitoringFailure::OpenCase { .. }
                    | MonitoringFailure::Closed { .. } => StatusCode::CONFLICT,
                    MonitoringFailure::StoredPolicyInvalid { .. }
                    | MonitoringFailure::NoPolicy { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                },
            },
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::NotFound | WebError::NotFoundBecause(_) => StatusCode::NOT_FOUND,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable, for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::App(AppError::Store(StoreError::DiskFull)) => "disk_full",
            WebError::App(AppError::Store(_) | AppError::Output(_)) => "internal",
            WebError::App(AppError::UnknownArea(_)) => "not_found",
            WebError::App(AppError::Monitoring(MonitoringFailure::StoredPolicyInvalid {
                ..
            })) => "internal",
            WebError::App(e) => e.code(),
            WebError::Csrf => "csrf",
            WebError::BadRequest(_) => "bad_request",
            WebError::NotFound | WebError::NotFoundBecause(_) => "not_found",
            WebError::TooLarge => "too_large",
            WebError::DiskFull => "disk_full",
            WebError::Internal(_) => "internal",
        }
    }

    /// In Chinese, for users. Database details stay in the log.
    pub fn message(&self) -> String {
        match self {
            WebError::App(AppError::Store(e @ StoreError::DiskFull)) => e.to_string(),
            WebError::App(AppError::Store(_) | AppError::Output(_)) | WebError::Internal(_) => {
                "服务器内部错误，请稍后重试".into()
            }
            // One answer for "does not exist" and "not yours": the caller cannot tell them apart.
            WebError::App(
                AppError::UnknownArea(_) | AppError::Monitoring(MonitoringFailure::NotFound { .. }),
            ) => WebError::NotFound.to_string(),
            other => other.to_string(),
        }
    }

    fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, detail = ?self, "request failed");
        }
    }
}

pub fn internal(e: impl std::fmt::Display) -> WebError {
    WebError::Internal(e.to_string())
}

/// The JSON body of an API error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code, e.g. `not_found`, `forbidden`, `csrf`, `unauthenticated`.
    pub code: String,
    /// 中文说明
    pub message: String,
}

/// An error answered as JSON (the API).
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = ErrorBody {
            code: self.0.code().to_string(),
            message: self.0.message(),
        };
        (self.0.status(), axum::Json(body)).into_response()
    }
}

/// An error answered as a page.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        crate::views::error_page(self.0.status(), &self.0.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk — the database's, or where an upload is saved — is told as such (507, its
    /// own code, what to do), not as an internal error; other database errors stay internal
    /// and their details stay in the log.
    #[test]
    fn a_full_disk_is_told_as_such() {
        for e in [
            WebError::App(AppError::Store(StoreError::DiskFull)),
            WebError::DiskFull,
        ] {
            assert_eq!(e.status(), StatusCode::INSUFFICIENT_STORAGE);
            assert_eq!(e.code(), "disk_full");
            assert!(e.message().contains("磁盘空间已满"), "{}", e.message());
            assert!(e.message().contains("没有写入任何内容"), "{}", e.message());
        }
        let other = WebError::App(AppError::Store(StoreError::Database("I/O 错误".into())));
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(other.code(), "internal");
        assert_eq!(other.message(), "服务器内部错误，请稍后重试");
    }
}

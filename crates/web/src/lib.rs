//! The web app and JSON API of zhenxing: server-rendered pages in Chinese (askama + htmx, every
//! asset embedded) and `/api/v1` with its OpenAPI document, both over the use cases of
//! `zhenxing-app` and nothing below them.
//!
//! Invariants: every route is in [`routes::specs`] (the access test walks it); every route but
//! the public ones needs a signed-in caller and reads only their area; every state-changing
//! request made with a session cookie carries the session's CSRF token.
#![forbid(unsafe_code)]

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;
pub mod forms;
pub mod handouts;
pub mod pages;
pub mod progress;
pub mod routes;
pub mod state;
pub mod views;

use std::net::SocketAddr;

use axum::Router;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use zhenxing_app::App;

pub use routes::{Access, RouteSpec};
pub use state::AppState;

/// Headers every answer carries: no caching of personal data, no framing, no sniffing, and a
/// content policy that allows nothing from elsewhere.
async fn security_headers(req: Request<axum::body::Body>, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    r
}

/// Bodies too large for their route get the product's answer (`too_large`, in Chinese, JSON on
/// the API), not the framework's plain text; a declared length above the largest any route takes
/// is refused before a byte of the body is read. So do bodies the framework could not read into
/// a route's form or JSON (a field of the wrong type, a JSON that does not parse, a wrong
/// content type): `bad_request`, in Chinese, with what the framework found.
async fn body_limits(req: Request<axum::body::Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > routes::UPLOAD_LIMIT as u64) {
        return auth::refuse(&path, error::WebError::TooLarge);
    }
    let r = next.run(req).await;
    let ours = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE && !ours {
        return auth::refuse(&path, error::WebError::TooLarge);
    }
    use axum::http::StatusCode;
    if matches!(
        r.status(),
        StatusCode::BAD_REQUEST
            | StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
    ) && !ours
    {
        let found = axum::body::to_bytes(r.into_body(), 2048)
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .unwrap_or_default();
        return auth::refuse(
            &path,
            error::WebError::BadRequest(format!(
                "提交的内容格式不对，没有写入任何内容（{}）",
                if found.is_empty() {
                    "无法读取"
                } else {
                    &found
                }
            )),
        );
    }
    r
}

async fn not_found(req: Request<axum::body::Body>) -> Response {
    let e = error::WebError::NotFound;
    if req.uri().path().starts_with("/api/") {
        error::ApiError(e).into_response()
    } else {
        error::PageError(e).into_response()
    }
}

/// The whole app: routes, authentication and CSRF, headers.
pub fn router(state: AppState) -> Router {
    routes::routes()
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn(body_limits))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// Served over https (a TLS proxy in front): cookies are marked `Secure`.
    pub https: bool,
}

/// Serves until Ctrl-C.
pub async fn serve(app: App, opts: &ServeOptions) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.listen).await?;
    serve_on(listener, app, opts.https, shutdown_signal()).await
}

/// Serves on a bound listener until `shutdown` completes (tests bind port 0).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: App,
    https: bool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router(AppState::new(app, https));
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

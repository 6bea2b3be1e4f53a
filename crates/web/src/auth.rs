//! Who is calling, for every request: a Bearer token (API clients) or a session cookie
//! (browsers). One middleware resolves it and, for cookie-authenticated state-changing requests,
//! checks the session's CSRF token before any handler runs. Handlers take [`PageUser`] or
//! [`ApiUser`], which turn away callers who are not signed in.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use zhenxing_app::auth::{Caller, Via};

use crate::error::{ApiError, PageError, WebError};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "zx_session";
/// Double-submit token of the login form (before there is a session to hold one).
pub const LOGIN_COOKIE: &str = "zx_login";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";

/// Form bodies read for their CSRF field, at most.
const FORM_LIMIT: usize = 1024 * 1024;

/// The signed-in caller of this request, put in the request's extensions by [`authenticate`].
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub caller: Caller,
    /// The session's CSRF token (for cookie sessions).
    pub csrf: Option<String>,
}

/// The client's address, for rate-limiting logins.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// `name=value` with the attributes every cookie of ours has.
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
    secure: bool,
) -> HeaderValue {
    let mut s = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

pub(crate) fn refuse(path: &str, e: WebError) -> Response {
    if is_api(path) {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn query_field<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Resolves the caller and guards against cross-site requests.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(ClientAddr(client));

    let resolved = if let Some(token) = bearer(req.headers()) {
        match state.app.token_caller(token).await {
            Ok(Some(caller)) => Some(Authenticated { caller, csrf: None }),
            Ok(None) => {
                return refuse(
                    &path,
                    WebError::App(zhenxing_app::AppError::Unauthenticated),
                );
            }
            Err(e) => return refuse(&path, e.into()),
        }
    } else if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
        match state.app.session(token).await {
            Ok(found) => found.map(|s| Authenticated {
                caller: s.caller,
                csrf: Some(s.csrf_token),
            }),
            Err(e) => return refuse(&path, e.into()),
        }
    } else {
        None
    };

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // The login form checks its own double-submit token: there is no session yet.
    if unsafe_method
        && path != "/login"
        && let Some(Authenticated {
            caller: Caller {
                via: Via::Session, ..
            },
            csrf: Some(expected),
        }) = &resolved
    {
        let (ok, rebuilt) = csrf_matches(req, expected).await;
        let Some(rebuilt) = rebuilt else {
            return refuse(&path, WebError::TooLarge);
        };
        if !ok {
            return refuse(&path, WebError::Csrf);
        }
        req = rebuilt;
    }
    if let Some(a) = resolved {
        req.extensions_mut().insert(a);
    }
    next.run(req).await
}

/// Whether the request carries `expected`: in the `X-CSRF-Token` header, the `csrf` query
/// parameter (multipart forms), or the `csrf` field of a urlencoded form body (read and put
/// back). `None` when the body is too large to read.
async fn csrf_matches(req: Request, expected: &str) -> (bool, Option<Request>) {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return (constant_time_eq(v, expected), Some(req));
    }
    if let Some(v) = query_field(req.uri().query(), CSRF_FIELD) {
        return (constant_time_eq(v, expected), Some(req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (false, Some(req));
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return (false, None);
    };
    let ok = form_field(&bytes, CSRF_FIELD).is_some_and(|v| constant_time_eq(&v, expected));
    (ok, Some(Request::from_parts(parts, Body::from(bytes))))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A signed-in browser user (or API caller); others are sent to the login page.
#[derive(Debug, Clone)]
pub struct PageUser {
    pub caller: Caller,
    pub csrf: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Authenticated>() {
            Some(a) => Ok(PageUser {
                caller: a.caller.clone(),
                csrf: a.csrf.clone().unwrap_or_default(),
            }),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .filter(|_| parts.method == Method::GET)
                    .unwrap_or("/");
                let to = format!("/login?next={}", crate::views::urlencode(next));
                if parts.headers.contains_key("hx-request") {
                    // htmx follows redirects inside the page; make it load the login page whole.
                    let mut r = axum::http::StatusCode::OK.into_response();
                    if let Ok(v) = HeaderValue::from_str(&to) {
                        r.headers_mut().insert("hx-redirect", v);
                    }
                    return Err(r);
                }
                Err(Redirect::to(&to).into_response())
            }
        }
    }
}

/// A signed-in API caller (token or session); others get 401 JSON.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .map(|a| ApiUser(a.caller.clone()))
            .ok_or(ApiError(WebError::App(
                zhenxing_app::AppError::Unauthenticated,
            )))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .cloned()
            .unwrap_or_else(|| ClientAddr("unknown".into())))
    }
}

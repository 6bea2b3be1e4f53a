//! What the templates see: view structs with text already formatted as users write it, and the
//! small helpers the pages share.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use zhenxing_domain::{AreaCode, Permission};

use crate::auth::PageUser;
use crate::state::AppState;

/// The signed-in user as the page header shows them.
#[derive(Debug, Clone)]
pub struct UserCtx {
    pub name: String,
    pub role: &'static str,
    pub area_code: String,
    pub area_name: String,
    pub csrf: String,
    pub may_import: bool,
    pub may_supervise: bool,
    pub may_approve_leave: bool,
    pub may_admin: bool,
    pub may_audit: bool,
    /// The monitoring lifecycle: record clues, visits; keep the policy; disaster lists.
    pub may_clue: bool,
    pub may_visit: bool,
    pub may_policy: bool,
    pub may_disaster: bool,
    /// Screen a department's file.
    pub may_screen: bool,
    pub may_report: bool,
    /// Publish policies and work news.
    pub may_publish: bool,
    /// Check in for the day (驻村考勤).
    pub may_check_in: bool,
    /// The user's village (for the village's notice), when their area is one.
    pub village: Option<String>,
}

impl UserCtx {
    pub async fn of(state: &AppState, u: &PageUser) -> UserCtx {
        use zhenxing_app::monitoring::access::{Act, may};
        let tree = state.app.tree().await;
        let user = &u.caller.user;
        let m = u.caller.monitoring();
        UserCtx {
            name: user.name.clone(),
            role: user.role.label(),
            area_code: user.area.to_string(),
            area_name: tree.name(user.area).unwrap_or("").to_string(),
            csrf: u.csrf.clone(),
            may_import: user.role.may(Permission::Import),
            may_supervise: user.role.may(Permission::Supervise),
            may_approve_leave: user.role.may(Permission::ApproveLeave),
            may_admin: user.role.may(Permission::AdministerUsers),
            may_audit: user.role.may(Permission::ReadAudit),
            may_clue: may(&m, Act::RecordClue),
            may_visit: may(&m, Act::RecordVisit),
            may_policy: may(&m, Act::ManagePolicy),
            may_disaster: may(&m, Act::IncludeDisasterList),
            may_screen: may(&m, Act::Screen),
            may_report: user.role.may(Permission::IssueReport),
            may_publish: user.role.may(Permission::Publish),
            may_check_in: user.role.may(Permission::CheckIn),
            village: (user.area.level() == zhenxing_domain::AreaLevel::Village)
                .then(|| user.area.to_string()),
        }
    }
}

/// Renders a template as an HTML response.
pub fn render(t: &impl Template) -> Response {
    render_with(StatusCode::OK, t)
}

pub fn render_with(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面渲染失败").into_response()
        }
    }
}

/// Whether htmx asks for a fragment (not a boosted whole page).
pub fn wants_partial(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-boosted")
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    user: Option<UserCtx>,
    message: &'a str,
    status: u16,
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    render_with(
        status,
        &ErrorPage {
            title: "出错了",
            user: None,
            message,
            status: status.as_u16(),
        },
    )
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A download: `Content-Disposition: attachment` with the file name in UTF-8 (RFC 6266).
pub fn download(bytes: Vec<u8>, file_name: &str, content_type: &'static str) -> Response {
    attachment(
        (StatusCode::OK, bytes).into_response(),
        file_name,
        content_type,
    )
}

/// A download of a file, sent as it is read (a province's workbook is not held in memory). The
/// file may be unlinked already: it is read through the handle.
pub fn download_file(
    file: tokio::fs::File,
    len: u64,
    file_name: &str,
    content_type: &'static str,
) -> Response {
    use tokio::io::AsyncReadExt;
    let chunks = futures::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; 256 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(axum::body::Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let mut r = Response::new(axum::body::Body::from_stream(chunks));
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    attachment(r, file_name, content_type)
}

fn attachment(mut r: Response, file_name: &str, content_type: &'static str) -> Response {
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencode(file_name).replace('/', "%2F")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

pub fn flag(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

pub fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// Area codes as links and labels.
pub fn code_text(c: AreaCode) -> String {
    c.to_string()
}

/// A date as users write it (`2022-03-01`); empty for none.
pub fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A share as a percentage with two decimals (`63.64%`), `—` when there is no base.
pub fn percent(p: Option<f64>) -> String {
    match p {
        Some(p) => format!("{:.2}%", p * 100.0),
        None => "—".to_string(),
    }
}

/// JSON for a `data-*` attribute (askama escapes it; the browser gives it back as written).
pub fn json_attr(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The names of an area's levels below the county (`伏龙坪街道 红沟村民委员会`), or its own name.
pub fn place(tree: &zhenxing_domain::DivisionTree, code: AreaCode) -> String {
    let path = tree.path(code);
    let below: Vec<&str> = path
        .iter()
        .filter(|d| d.level > zhenxing_domain::AreaLevel::County)
        .map(|d| d.name.as_str())
        .collect();
    if below.is_empty() {
        tree.name(code).unwrap_or("").to_string()
    } else {
        below.join(" ")
    }
}

/// A workbook written to a temporary file off the async threads, as bytes.
pub async fn workbook(
    write: impl FnOnce(&std::path::Path) -> Result<(), zhenxing_app::AppError> + Send + 'static,
) -> Result<Vec<u8>, crate::error::PageError> {
    use crate::error::internal;
    tokio::task::spawn_blocking(move || -> Result<Vec<u8>, crate::error::PageError> {
        let dir = tempfile::tempdir().map_err(internal)?;
        let out = dir.path().join("工作簿.xlsx");
        write(&out)?;
        Ok(std::fs::read(&out).map_err(internal)?)
    })
    .await
    .map_err(internal)?
}

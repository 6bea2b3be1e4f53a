//! Disaster lists: a county or township uploads the list of households hit by a flood or an
//! earthquake (户编号 or 证件号码 per row); each becomes a clue on the green channel, and every
//! row that cannot be taken is reported with its row, column and reason.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenxing_app::monitoring::disaster::{DisasterBatch, DisasterReport};
use zhenxing_domain::today_in_china;

use crate::auth::PageUser;
use crate::error::{PageError, WebError, internal};
use crate::forms::{Upload, past_day};
use crate::state::AppState;
use crate::views::{UserCtx, day, render_with};

/// Row errors shown, at most.
pub const SHOWN: usize = 500;

/// A row of an uploaded list that was not taken, as the pages show it (values already masked).
pub struct ErrorLine {
    /// The sheet of a workbook the row is in (empty for a CSV).
    pub sheet: String,
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl ErrorLine {
    pub fn of(e: &zhenxing_ledger::RowError) -> ErrorLine {
        ErrorLine {
            sheet: e.sheet.clone().unwrap_or_default(),
            row: e.row,
            column: e.column.clone(),
            value: e.value.clone(),
            reason: e.reason.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "monitoring/disaster.html")]
struct DisasterPage {
    title: &'static str,
    user: Option<UserCtx>,
    csrf: String,
    today: String,
    report: Option<DisasterReport>,
    errors: Vec<ErrorLine>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    report: Option<DisasterReport>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let errors = report
        .iter()
        .flat_map(|r| r.errors.iter().take(SHOWN))
        .map(ErrorLine::of)
        .collect();
    Ok(render_with(
        status,
        &DisasterPage {
            title: "受灾户名单",
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            today: day(Some(today_in_china())),
            report,
            errors,
            error,
        },
    ))
}

/// `/monitoring/disaster`
pub async fn form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    page(&state, &user, StatusCode::OK, None, None).await
}

/// Reads the batch's fields and saves the list to `dir` (its name keeps the extension).
pub async fn batch_of(
    up: &Upload,
    dir: &std::path::Path,
) -> Result<(std::path::PathBuf, DisasterBatch), WebError> {
    let f = &up.fields;
    let Some((_, file_name, bytes)) = up.files.iter().find(|(n, _, _)| n == "list") else {
        return Err(WebError::BadRequest(
            "请选择受灾户名单文件（xlsx或CSV）".into(),
        ));
    };
    let kind = f
        .get("kind")
        .ok_or_else(|| WebError::BadRequest("请填写灾害种类，如 洪涝".into()))?;
    let safe: String = std::path::Path::new(file_name)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "名单.csv".into());
    let path = dir.join(safe);
    tokio::fs::write(&path, bytes).await.map_err(internal)?;
    Ok((
        path,
        DisasterBatch {
            disaster_kind: kind.to_string(),
            found_on: past_day("受灾日期", f.get("date"))?,
            source: f.get("source").unwrap_or("应急管理部门").to_string(),
            green_channel: f.checked("green_channel"),
        },
    ))
}

/// POST `/monitoring/disaster` (multipart, `?csrf=`)
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let dir = tempfile::tempdir().map_err(internal)?;
    let result = match batch_of(&up, dir.path()).await {
        Ok((path, batch)) => state
            .app
            .include_disaster_list(&user.caller.monitoring(), &path, &batch)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => page(&state, &user, StatusCode::OK, Some(report), None).await,
        Err(e) if e.status() == StatusCode::FORBIDDEN => Err(PageError(e)),
        Err(e) => page(&state, &user, e.status(), None, Some(e.message())).await,
    }
}

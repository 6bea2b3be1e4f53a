//! Ledger import (upload, row-level error report shown and downloadable) and export (xlsx,
//! masked).

use std::path::{Path as FsPath, PathBuf};

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use zhenxing_app::export::ExportLayout;
use zhenxing_app::import::ImportReport;
use zhenxing_app::store::ImportRecord;

use crate::auth::PageUser;
use crate::error::{PageError, WebError, internal};
use crate::forms::SavedUpload;
use crate::pages::areas::parse_area;
use crate::progress::{ProgressQuery, WorkProgress, finish, reporter, reporter_of};
use crate::state::AppState;
use crate::views::{UserCtx, download, download_file, render_with};

/// Row errors shown on the page; all of them are in the downloadable report.
const SHOWN_ERRORS: usize = 200;

pub struct ErrorRow {
    pub file: String,
    pub sheet: String,
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

pub struct ResultView {
    pub import_id: i64,
    pub rows: u64,
    /// Totals and signature rows skipped.
    pub notes: u64,
    pub households: String,
    pub members: String,
    pub rejected: u64,
    pub error_count: u64,
    /// Errors kept in detail in the report (all of them but past 200,000).
    pub errors_kept: u64,
    /// The refused rows by kind (file, column, code), the most frequent first.
    pub kinds: Vec<zhenxing_app::problems::ErrorKind>,
    pub errors: Vec<ErrorRow>,
    /// The rows not taken can be fetched as the files had them (`/imports/{id}/rejected-rows`).
    pub rejected_rows: bool,
    /// Why they cannot, when some were refused.
    pub rejected_rows_note: &'static str,
}

/// Households closed, when any: `，销户1户`.
fn closed(n: u64) -> String {
    if n > 0 {
        format!("，销户{n}户")
    } else {
        String::new()
    }
}

/// Members who left their households, when any: `，减少2人`.
fn removed(n: u64) -> String {
    if n > 0 {
        format!("，减少{n}人")
    } else {
        String::new()
    }
}

fn result_view(r: &ImportReport) -> ResultView {
    let c = &r.counts;
    ResultView {
        import_id: r.import_id.unwrap_or(0),
        rows: r.rows,
        notes: r.notes,
        households: format!(
            "新增{}户，更新{}户，未变{}户{}",
            c.households_inserted,
            c.households_updated,
            c.households_unchanged,
            closed(c.households_dissolved)
        ),
        members: format!(
            "新增{}人，更新{}人，未变{}人{}",
            c.members_inserted,
            c.members_updated,
            c.members_unchanged,
            removed(c.members_removed)
        ),
        rejected: c.rejected,
        error_count: r.errors.total(),
        errors_kept: r.errors.kept().len() as u64,
        kinds: r.errors.kinds(),
        rejected_rows: false,
        rejected_rows_note: "",
        errors: r
            .errors
            .kept()
            .iter()
            .take(SHOWN_ERRORS)
            .map(|e| ErrorRow {
                file: e.file.clone(),
                sheet: e.sheet.clone().unwrap_or_default(),
                row: e.row,
                column: e.column.clone(),
                value: e.value.clone(),
                reason: e.reason.clone(),
            })
            .collect(),
    }
}

/// An import of the list below the form.
pub struct ImportLine {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub files: String,
    pub households: String,
    pub members: String,
    pub rejected: u64,
    /// Lines of its report kept with it.
    pub problems: u64,
    /// What the report column says when there is nothing to download.
    pub note: &'static str,
}

fn import_line(r: &ImportRecord) -> ImportLine {
    let c = &r.counts;
    ImportLine {
        id: r.id,
        at: zhenxing_app::browse::china_time(&r.started_at),
        actor: r.actor.clone(),
        files: r.files(),
        households: format!(
            "新增{}，更新{}{}",
            c.households_inserted,
            c.households_updated,
            closed(c.households_dissolved)
        ),
        members: format!(
            "新增{}，更新{}{}",
            c.members_inserted,
            c.members_updated,
            removed(c.members_removed)
        ),
        rejected: c.rejected,
        problems: r.problems.unwrap_or(0),
        note: match r.problems {
            Some(_) => "无",
            None if c.rejected > 0 => "导入时未保存",
            None => "",
        },
    }
}

/// Imports listed below the form.
const LISTED_IMPORTS: u32 = 20;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    title: &'static str,
    user: Option<UserCtx>,
    csrf: String,
    area_name: String,
    result: Option<ResultView>,
    error: Option<String>,
    /// The latest imports into the user's area, with their error reports.
    imports: Vec<ImportLine>,
    /// Names the next import's progress (`/progress/{token}`).
    progress_token: String,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    result: Option<ResultView>,
    error: Option<String>,
) -> Response {
    let ctx = UserCtx::of(state, user).await;
    let imports = state
        .app
        .imports_as(&user.caller, LISTED_IMPORTS)
        .await
        .map(|list| list.iter().map(import_line).collect())
        .unwrap_or_default();
    render_with(
        status,
        &ImportPage {
            title: "导入台账",
            csrf: user.csrf.clone(),
            area_name: ctx.area_name.clone(),
            user: Some(ctx),
            result,
            error,
            imports,
            progress_token: zhenxing_app::auth::random_hex(16).unwrap_or_default(),
        },
    )
}

pub async fn form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    user.caller.require(zhenxing_domain::Permission::Import)?;
    Ok(page(&state, &user, StatusCode::OK, None, None).await)
}

/// The uploaded ledgers, saved in `dir`.
pub struct Uploaded {
    pub households: Option<PathBuf>,
    pub members: Option<PathBuf>,
}

/// Saves the uploaded ledgers in `dir`, reporting the bytes received to `progress` (of
/// `declared`, the request's length, 0 when not declared). A field sent twice: the later file
/// counts.
pub async fn save_uploads(
    multipart: Multipart,
    dir: &FsPath,
    progress: Option<(&WorkProgress, u64)>,
) -> Result<Uploaded, WebError> {
    let up = SavedUpload::read(multipart, dir, &["households", "members"], progress).await?;
    let path = |name: &str| {
        up.files
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, p)| p.clone())
    };
    Ok(Uploaded {
        households: path("households"),
        members: path("members"),
    })
}

pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ProgressQuery>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, PageError> {
    user.caller.require(zhenxing_domain::Permission::Import)?;
    // The page's script shows this while the answer is awaited (see `progress`).
    let reporting = q.reporting(&state.progress, user.caller.user.id);
    let work = reporting.as_ref().map(|r| r.0.clone());
    let declared = crate::forms::declared_length(&headers);
    let dir = tempfile::tempdir().map_err(internal)?;
    let up = save_uploads(
        multipart,
        dir.path(),
        work.as_deref().map(|w| (w, declared)),
    )
    .await?;
    let answer = import_answer(&state, &user, up, work.as_deref()).await;
    if let Some(r) = reporting {
        r.done(answer.is_ok());
    }
    answer
}

async fn import_answer(
    state: &AppState,
    user: &PageUser,
    up: Uploaded,
    work: Option<&WorkProgress>,
) -> Result<Response, PageError> {
    if up.households.is_none() && up.members.is_none() {
        return Ok(page(
            state,
            user,
            StatusCode::BAD_REQUEST,
            None,
            Some("请选择要上传的户信息表或成员信息表".into()),
        )
        .await);
    }
    let files = (up.households.clone(), up.members.clone());
    match state
        .app
        .import_as(&user.caller, up.households, up.members, reporter(work))
        .await
    {
        Ok(report) => {
            let mut view = result_view(&report);
            if report.counts.rejected > 0 {
                match keep_rejected_rows(state, &user.caller, files, report).await {
                    Ok(()) => view.rejected_rows = true,
                    Err(why) => view.rejected_rows_note = why,
                }
            }
            Ok(page(state, user, StatusCode::OK, Some(view), None).await)
        }
        Err(e @ (zhenxing_app::AppError::Ledger(_) | zhenxing_app::AppError::Invalid(_))) => {
            Ok(page(
                state,
                user,
                StatusCode::BAD_REQUEST,
                None,
                Some(e.to_string()),
            )
            .await)
        }
        Err(e) => Err(e.into()),
    }
}

/// Rows not taken given back at most from the page (the command line writes any number).
const REJECTED_ROWS_ON_THE_PAGE: u64 = 100_000;

/// Makes the workbook of the rows `report` did not take, from the uploaded files while they are
/// still there, and keeps it for the user to fetch ([`crate::handouts`]).
pub(crate) async fn keep_rejected_rows(
    state: &AppState,
    caller: &zhenxing_app::auth::Caller,
    (households, members): (Option<PathBuf>, Option<PathBuf>),
    report: ImportReport,
) -> Result<(), &'static str> {
    if report.counts.rejected > REJECTED_ROWS_ON_THE_PAGE {
        return Err(
            "未导入的行超过10万行，请在台账中改正后重新导入，或用命令行 zhenxing import --rejected-rows 取得",
        );
    }
    let Some(id) = report.import_id else {
        return Err("本次导入没有记录");
    };
    let req = zhenxing_app::import::ImportRequest {
        households,
        members,
        actor: caller.actor(),
        scope: caller.scope(),
    };
    let made = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = dir.path().join("rejected.xlsx");
        zhenxing_app::import::write_rejected_rows(&req, &report, &out)
            .map_err(|e| e.to_string())?;
        std::fs::read(&out).map_err(|e| e.to_string())
    })
    .await;
    let bytes = match made {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            tracing::warn!(import = id, error = %e, "the rows not taken could not be written");
            return Err("未导入的行未能生成，请查看错误报告");
        }
        Err(e) => {
            tracing::warn!(import = id, error = %e, "the rows not taken could not be written");
            return Err("未导入的行未能生成，请查看错误报告");
        }
    };
    let name = format!("未导入的行_{id}.xlsx");
    if state
        .handouts
        .put(caller.user.id, &format!("import:{id}"), &name, bytes)
    {
        Ok(())
    } else {
        Err("未导入的行文件过大，请用命令行 zhenxing import --rejected-rows 取得")
    }
}

/// `/imports/{id}/rejected-rows`: the rows import `id` did not take, as its files had them, for
/// the user who imported it, shortly after ([`crate::handouts::KEPT`]). Audited.
pub async fn rejected_rows(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(hand_out_rejected_rows(&state, &user.caller, &id).await?)
}

/// The workbook of the rows import `id` did not take, kept for `caller` (the page's and the
/// API's download). Audited.
pub(crate) async fn hand_out_rejected_rows(
    state: &AppState,
    caller: &zhenxing_app::auth::Caller,
    id: &str,
) -> Result<Response, WebError> {
    caller.require(zhenxing_domain::Permission::Import)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let Some((name, bytes)) = state.handouts.get(caller.user.id, &format!("import:{id}")) else {
        return Err(WebError::NotFoundBecause(format!(
            "没有可下载的未导入行：只有导入者本人在导入后{}分钟内可以下载（服务器不长期保存其中的个人信息）。可下载错误报告，或在台账中改正后重新导入",
            crate::handouts::KEPT.as_secs() / 60
        )));
    };
    state
        .app
        .audit_rejected_rows_fetch(caller, id, bytes.len() as u64)
        .await?;
    Ok(download(bytes.to_vec(), &name, XLSX))
}

#[derive(Deserialize)]
pub struct ReportQuery {
    format: Option<String>,
}

/// The rows an import did not take, kept with it, as xlsx or CSV: for a user who may import and
/// whose area covers the import's.
pub async fn error_report(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let csv = q.format.as_deref() == Some("csv");
    let dir = tempfile::tempdir().map_err(internal)?;
    let path = dir
        .path()
        .join(if csv { "errors.csv" } else { "errors.xlsx" });
    state
        .app
        .export_import_problems_as(&user.caller, id, &path)
        .await
        .map_err(WebError::from)?;
    let bytes = tokio::fs::read(&path).await.map_err(internal)?;
    let name = format!("导入错误_{id}.{}", if csv { "csv" } else { "xlsx" });
    Ok(download(
        bytes,
        &name,
        if csv { "text/csv; charset=utf-8" } else { XLSX },
    ))
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Deserialize)]
pub struct ExportQuery {
    area: Option<String>,
    /// `persons`: one row a person (一表式台账).
    layout: Option<String>,
}

/// The ledgers of an area as one xlsx workbook, ID numbers and phones masked.
pub async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ExportQuery>,
    Query(p): Query<ProgressQuery>,
) -> Result<Response, PageError> {
    let area = match q.area.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => parse_area(a)?,
        None => user.caller.user.area,
    };
    let dir = tempfile::tempdir().map_err(internal)?;
    let out = dir.path().join("export.xlsx");
    let layout = match q.layout.as_deref().filter(|l| !l.is_empty()) {
        None => ExportLayout::Ledgers,
        Some(code) => ExportLayout::parse(code).ok_or_else(|| {
            let known: Vec<&str> = ExportLayout::ALL.iter().map(|l| l.code()).collect();
            zhenxing_app::AppError::Invalid(format!(
                "导出格式“{code}”无效，可用：{}",
                known.join("、")
            ))
        })?,
    };
    // The link's script shows this while the workbook is made (`progress`).
    let reporting = p.reporting(&state.progress, user.caller.user.id);
    let made = state
        .app
        .export_as(&user.caller, area, &out, layout, reporter_of(&reporting))
        .await;
    finish(reporting, made.is_ok());
    made?;
    let file = tokio::fs::File::open(&out).await.map_err(internal)?;
    let len = file.metadata().await.map_err(internal)?.len();
    // Read through the handle as it is sent; the folder goes now.
    drop(dir);
    let name = state
        .app
        .tree()
        .await
        .name(area)
        .unwrap_or("台账")
        .to_string();
    let file_name = match layout {
        ExportLayout::Ledgers => format!("{name}_台账.xlsx"),
        ExportLayout::Persons => format!("{name}_一表式台账.xlsx"),
    };
    Ok(download_file(file, len, &file_name, XLSX))
}

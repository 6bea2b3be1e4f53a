//! 务工就业: the labour of ex-poor households and of monitoring objects of an area in migrant
//! work and public-welfare jobs, per area under it, judged by the province's policy, against
//! the year's targets of its counties; the targets uploaded by who may import, the figures and
//! the targets downloaded.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenxing_app::employment::{EmploymentReport, TargetImport};
use zhenxing_domain::employment::{EmploymentFigures, TargetProgress};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::checks::AreaQuery;
use crate::pages::monitoring::disaster::ErrorLine;
use crate::pages::monitoring::notice::XLSX;
use crate::pages::projects::SHOWN;
use crate::state::AppState;
use crate::views::{UserCtx, download, render_with, workbook};

pub struct AreaLine {
    pub code: String,
    pub name: String,
    pub f: EmploymentFigures,
    pub p: TargetProgress,
}

#[derive(Template)]
#[template(path = "employment.html")]
struct EmploymentPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    r: EmploymentReport,
    areas: Vec<AreaLine>,
    labour: String,
    employment: String,
    import: Option<TargetImport>,
    errors: Vec<ErrorLine>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    r: EmploymentReport,
    import: Option<TargetImport>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let labour = r
        .rule
        .labour
        .iter()
        .map(|l| l.label())
        .collect::<Vec<_>>()
        .join("、");
    let employment = r
        .rule
        .employment
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("或");
    let areas = r
        .by_area
        .iter()
        .map(|a| AreaLine {
            code: a.code.to_string(),
            name: a.name.clone(),
            f: a.figures,
            p: a.progress,
        })
        .collect();
    let errors = import
        .iter()
        .flat_map(|i| i.errors.iter().take(SHOWN))
        .map(ErrorLine::of)
        .collect();
    Ok(render_with(
        status,
        &EmploymentPage {
            title: format!("务工就业 · {}", r.area_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            areas,
            labour,
            employment,
            r,
            import,
            errors,
            error,
        },
    ))
}

async fn report_of(
    state: &AppState,
    user: &PageUser,
    q: &AreaQuery,
) -> Result<EmploymentReport, WebError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    Ok(state.app.employment_report_as(&user.caller, area).await?)
}

/// `/employment`
pub async fn report(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    page(&state, &user, StatusCode::OK, r, None, None).await
}

/// POST `/employment/targets` (multipart `ledger`, `?csrf=`): imports a table of targets, then
/// shows the user's area with what was done.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &user.caller);
    let result: Result<TargetImport, WebError> = up
        .import_ledger(
            "务工就业目标.csv",
            "请选择务工就业目标任务表（xlsx、xls或CSV）",
            |path, name| async move {
                app.import_employment_targets(caller, &path, Some(&name))
                    .await
            },
        )
        .await;
    let (import, error, status) = crate::forms::upload_outcome(result)?;
    let r = report_of(&state, &user, &AreaQuery { area: None }).await?;
    page(&state, &user, status, r, import, error).await
}

/// `/employment/xlsx`: the figures per area under the one read, with the targets.
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}_务工就业_{}.xlsx", r.area_name, r.day);
    let bytes = workbook(move |out| r.write_figures(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

/// `/employment/targets.xlsx`: the year's targets of the counties under the area (they import
/// back unchanged).
pub async fn targets_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}年{}_务工就业目标.xlsx", r.year.get(), r.area_name);
    let bytes = workbook(move |out| r.write_targets(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

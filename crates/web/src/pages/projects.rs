//! Projects of 衔接资金 (项目台账): the year's progress of an area (开工率, 完工率, 支出进度, the
//! industry share against the policy's floor) per area under it and per category, the projects
//! listed, the county's ledger uploaded by who may import, exported as it is imported, and one
//! project with its history.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use zhenxing_app::projects::{ProjectDetail, ProjectImport, ProjectReport};
use zhenxing_domain::project::{ProjectFigures, ProjectNo, percent};
use zhenxing_domain::{AreaCode, AreaLevel, PolicyYear};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::Upload;
use crate::pages::areas::{area_or_own, parse_area};
use crate::pages::monitoring::disaster::ErrorLine;
use crate::pages::monitoring::notice::XLSX;
use crate::state::AppState;
use crate::views::{UserCtx, download, render_with, workbook};

/// Row errors of an upload shown, at most.
pub const SHOWN: usize = 500;

#[derive(Debug, Deserialize)]
pub struct ProjectsQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The plan year; the latest with projects when absent.
    pub year: Option<String>,
}

impl ProjectsQuery {
    pub fn year(&self) -> Result<Option<PolicyYear>, WebError> {
        match self
            .year
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(None),
            Some(y) => PolicyYear::parse(y)
                .map(Some)
                .map_err(|_| WebError::BadRequest(format!("年度“{y}”无效，应为如 2025 的年份"))),
        }
    }
}

/// A figures row as the tables show it.
pub struct FigureRow {
    pub code: String,
    pub name: String,
    pub f: ProjectFigures,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    r: ProjectReport,
    areas: Vec<FigureRow>,
    /// The industry floor, as a percentage.
    industry_min: String,
    industry_short: bool,
    import: Option<ProjectImport>,
    errors: Vec<ErrorLine>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    r: ProjectReport,
    import: Option<ProjectImport>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let errors = import
        .iter()
        .flat_map(|i| i.errors.iter().take(SHOWN))
        .map(ErrorLine::of)
        .collect();
    let areas = r
        .by_area
        .iter()
        .map(|(code, name, f)| FigureRow {
            code: code.to_string(),
            name: name.clone(),
            f: *f,
        })
        .collect();
    Ok(render_with(
        status,
        &ProjectsPage {
            title: format!("衔接资金项目 · {}", r.area_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            industry_min: percent(i64::from(r.rule.industry_share_min_bp), 10_000),
            industry_short: r.totals.industry_short(&r.rule),
            areas,
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
    q: &ProjectsQuery,
) -> Result<ProjectReport, WebError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    Ok(state
        .app
        .project_report_as(&user.caller, area, q.year()?)
        .await?)
}

/// `/projects`
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ProjectsQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    page(&state, &user, StatusCode::OK, r, None, None).await
}

/// POST `/projects` (multipart `ledger`, `?csrf=`): imports a project ledger, then shows the
/// year of the projects imported with what was done.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &user.caller);
    let result: Result<ProjectImport, WebError> = up
        .import_ledger(
            "项目台账.csv",
            "请选择项目台账文件（xlsx、xls或CSV）",
            |path, name| async move { app.import_projects(caller, &path, Some(&name)).await },
        )
        .await;
    let own = ProjectsQuery {
        area: None,
        year: None,
    };
    let (import, error, status) = crate::forms::upload_outcome(result)?;
    let r = report_of(&state, &user, &own).await?;
    page(&state, &user, status, r, import, error).await
}

/// `/projects/xlsx`: the year's projects as a ledger (it imports back unchanged).
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ProjectsQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}年{}_衔接资金项目台账.xlsx", r.year.get(), r.area_name);
    let bytes = workbook(move |out| r.write_ledger(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

/// `/projects/figures.xlsx`: the year's progress per area under it and the total.
pub async fn figures_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ProjectsQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}年{}_衔接资金项目进度.xlsx", r.year.get(), r.area_name);
    let bytes = workbook(move |out| r.write_figures(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

/// A project's county and number from its path; anything else is simply not found.
pub fn project_key(county: &str, no: &str) -> Result<(AreaCode, ProjectNo), WebError> {
    let county = parse_area(county)?;
    if county.level() != AreaLevel::County {
        return Err(WebError::NotFound);
    }
    let no = ProjectNo::parse(no).map_err(|_| WebError::NotFound)?;
    Ok((county, no))
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    title: String,
    user: Option<UserCtx>,
    d: ProjectDetail,
}

/// `/projects/{county}/{no}`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path((county, no)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (county, no) = project_key(&county, &no)?;
    let d = state.app.project_detail(&user.caller, county, &no).await?;
    Ok(render_with(
        StatusCode::OK,
        &ProjectPage {
            title: format!("{} · 衔接资金项目", d.stored.project.name),
            user: Some(UserCtx::of(&state, &user).await),
            d,
        },
    ))
}

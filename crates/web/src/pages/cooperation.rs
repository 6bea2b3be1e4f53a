//! 协作帮扶 (east-west cooperation and paired assistance): the year's plan and what was done of
//! an area per program and indicator, per area under it, the county's entries listed, the
//! ledger uploaded by who may import and exported as it is imported.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenxing_app::cooperation::{CooperationImport, CooperationReport};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::disaster::ErrorLine;
use crate::pages::monitoring::notice::XLSX;
use crate::pages::projects::{ProjectsQuery as YearQuery, SHOWN};
use crate::state::AppState;
use crate::views::{UserCtx, download, render_with, workbook};

/// A program's line of an indicator, as the tables show it.
pub struct Line {
    pub indicator: String,
    pub unit: String,
    pub planned: String,
    pub done: String,
    pub rate: String,
    pub behind: bool,
}

/// A program of an area, its indicators with a plan or something done.
pub struct ProgramView {
    pub program: String,
    pub partners: String,
    pub lines: Vec<Line>,
}

/// An area under the one read, with its programs.
pub struct AreaView {
    pub code: String,
    pub name: String,
    pub programs: Vec<ProgramView>,
}

fn views(
    r: &CooperationReport,
    programs: &[zhenxing_app::cooperation::ProgramFigures],
) -> Vec<ProgramView> {
    programs
        .iter()
        .map(|p| ProgramView {
            program: p.program.label().to_string(),
            partners: p.partners.join("、"),
            lines: r
                .indicators
                .iter()
                .zip(&p.figures)
                .filter(|(_, f)| f.planned > 0 || f.done > 0)
                .map(|(i, f)| Line {
                    indicator: i.name.clone(),
                    unit: i.unit.clone(),
                    planned: i.show(f.planned),
                    done: i.show(f.done),
                    rate: f.rate(),
                    behind: f.behind(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "cooperation.html")]
struct CooperationPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    r: CooperationReport,
    programs: Vec<ProgramView>,
    areas: Vec<AreaView>,
    indicator_names: String,
    import: Option<CooperationImport>,
    errors: Vec<ErrorLine>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    r: CooperationReport,
    import: Option<CooperationImport>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let errors = import
        .iter()
        .flat_map(|i| i.errors.iter().take(SHOWN))
        .map(ErrorLine::of)
        .collect();
    let programs = views(&r, &r.programs);
    let areas = r
        .by_area
        .iter()
        .map(|(code, name, p)| AreaView {
            code: code.to_string(),
            name: name.clone(),
            programs: views(&r, p),
        })
        .collect();
    Ok(render_with(
        status,
        &CooperationPage {
            title: format!("协作帮扶 · {}", r.area_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            indicator_names: r
                .indicators
                .iter()
                .filter(|i| !i.unit.is_empty())
                .map(|i| format!("{}（{}）", i.name, i.unit))
                .collect::<Vec<_>>()
                .join("、"),
            programs,
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
    q: &YearQuery,
) -> Result<CooperationReport, WebError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    Ok(state
        .app
        .cooperation_report_as(&user.caller, area, q.year()?)
        .await?)
}

/// `/cooperation`
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    page(&state, &user, StatusCode::OK, r, None, None).await
}

/// POST `/cooperation` (multipart `ledger`, `?csrf=`): imports a cooperation ledger, then shows
/// the user's area with what was done.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &user.caller);
    let result: Result<CooperationImport, WebError> = up
        .import_ledger(
            "协作帮扶台账.csv",
            "请选择协作帮扶台账文件（xlsx、xls或CSV）",
            |path, name| async move { app.import_cooperation(caller, &path, Some(&name)).await },
        )
        .await;
    let own = YearQuery {
        area: None,
        year: None,
    };
    let (import, error, status) = crate::forms::upload_outcome(result)?;
    let r = report_of(&state, &user, &own).await?;
    page(&state, &user, status, r, import, error).await
}

/// `/cooperation/xlsx`: the year's ledger of the area (it imports back unchanged).
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}年{}_协作帮扶台账.xlsx", r.year.get(), r.area_name);
    let bytes = workbook(move |out| r.write_ledger(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

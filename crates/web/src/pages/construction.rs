//! 乡村建设 (rural construction): the year's progress of an area per task (target, items,
//! planned and completed quantities, 完成率) per area under it, the items and targets listed, the
//! county's ledger uploaded by who may import and exported as it is imported.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenxing_app::construction::{ConstructionImport, ConstructionReport, ItemDetail};
use zhenxing_domain::construction::ConstructionFigures;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::disaster::ErrorLine;
use crate::pages::monitoring::notice::XLSX;
use crate::pages::projects::{ProjectsQuery as YearQuery, SHOWN, project_key};
use crate::state::AppState;
use crate::views::{UserCtx, download, render_with, workbook};

/// An area's row: its figures per task, in the report's order.
pub struct AreaRow {
    pub code: String,
    pub name: String,
    pub figures: Vec<ConstructionFigures>,
}

#[derive(Template)]
#[template(path = "construction.html")]
struct ConstructionPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    r: ConstructionReport,
    areas: Vec<AreaRow>,
    /// The tasks shown: those with items or a target.
    shown: Vec<usize>,
    task_names: String,
    import: Option<ConstructionImport>,
    errors: Vec<ErrorLine>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    r: ConstructionReport,
    import: Option<ConstructionImport>,
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
        .map(|(code, name, f)| AreaRow {
            code: code.to_string(),
            name: name.clone(),
            figures: f.clone(),
        })
        .collect();
    let shown = (0..r.tasks.len())
        .filter(|&k| r.tasks[k].figures.items > 0 || r.tasks[k].figures.target.is_some())
        .collect();
    Ok(render_with(
        status,
        &ConstructionPage {
            title: format!("乡村建设 · {}", r.area_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            task_names: r
                .tasks
                .iter()
                .filter(|t| !t.unit.is_empty())
                .map(|t| format!("{}（{}）", t.task, t.unit))
                .collect::<Vec<_>>()
                .join("、"),
            areas,
            shown,
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
) -> Result<ConstructionReport, WebError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    Ok(state
        .app
        .construction_report_as(&user.caller, area, q.year()?)
        .await?)
}

/// `/construction`
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    page(&state, &user, StatusCode::OK, r, None, None).await
}

/// POST `/construction` (multipart `ledger`, `?csrf=`): imports a construction ledger (items,
/// targets or both), then shows the user's area with what was done.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &user.caller);
    let result: Result<ConstructionImport, WebError> = up
        .import_ledger(
            "乡村建设台账.csv",
            "请选择乡村建设台账文件（xlsx、xls或CSV）",
            |path, name| async move { app.import_construction(caller, &path, Some(&name)).await },
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

/// `/construction/xlsx`: the year's items and targets as a ledger (it imports back unchanged).
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}年{}_乡村建设台账.xlsx", r.year.get(), r.area_name);
    let bytes = workbook(move |out| r.write_ledger(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

/// `/construction/figures.xlsx`: the year's progress per area under it and task.
pub async fn figures_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}年{}_乡村建设完成情况.xlsx", r.year.get(), r.area_name);
    let bytes = workbook(move |out| r.write_figures(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

#[derive(Template)]
#[template(path = "construction_item.html")]
struct ItemPage {
    title: String,
    user: Option<UserCtx>,
    d: ItemDetail,
}

/// `/construction/{county}/{no}`: an item with its changes.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path((county, no)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (county, no) = project_key(&county, &no)?;
    let d = state
        .app
        .construction_item(&user.caller, county, &no)
        .await?;
    Ok(render_with(
        StatusCode::OK,
        &ItemPage {
            title: format!("{} · 乡村建设", d.item.name),
            user: Some(UserCtx::of(&state, &user).await),
            d,
        },
    ))
}

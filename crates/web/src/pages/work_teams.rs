//! 驻村工作队: the teams of an area as of a day (villages with a team, cadres in post by their
//! unit's level, teams below the floor, cadres beyond their term, ex-poor villages' first
//! secretaries) per area under it, the villages needing attention, the roster (ID numbers and
//! phones masked), the roster uploaded by who may import and downloaded (masked).

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenxing_app::work_teams::{RosterImport, WorkTeamReport};
use zhenxing_domain::work_team::{TeamFigures, UnitLevel};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::loans::LoansQuery as DayQuery;
use crate::pages::monitoring::disaster::ErrorLine;
use crate::pages::monitoring::notice::XLSX;
use crate::pages::projects::SHOWN;
use crate::state::AppState;
use crate::views::{UserCtx, download, render_with, workbook};

pub struct AreaLine {
    pub code: String,
    pub name: String,
    pub f: TeamFigures,
}

#[derive(Template)]
#[template(path = "work_teams.html")]
struct WorkTeamsPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    r: WorkTeamReport,
    areas: Vec<AreaLine>,
    /// The unit levels' labels, in the figures' order.
    levels: Vec<&'static str>,
    import: Option<RosterImport>,
    errors: Vec<ErrorLine>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    r: WorkTeamReport,
    import: Option<RosterImport>,
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
        .map(|(code, name, f)| AreaLine {
            code: code.to_string(),
            name: name.clone(),
            f: *f,
        })
        .collect();
    Ok(render_with(
        status,
        &WorkTeamsPage {
            title: format!("驻村工作队 · {}", r.area_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            levels: UnitLevel::ALL.iter().map(|l| l.label()).collect(),
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
    q: &DayQuery,
) -> Result<WorkTeamReport, WebError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    Ok(state
        .app
        .work_team_report_as(&user.caller, area, q.day()?)
        .await?)
}

/// `/work-teams`
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    page(&state, &user, StatusCode::OK, r, None, None).await
}

/// POST `/work-teams` (multipart `ledger`, `?csrf=`): imports a roster, then shows the user's
/// area with what was done.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &user.caller);
    let result: Result<RosterImport, WebError> = up
        .import_ledger(
            "驻村干部花名册.csv",
            "请选择驻村干部花名册文件（xlsx、xls或CSV）",
            |path, name| async move { app.import_roster(caller, &path, Some(&name)).await },
        )
        .await;
    let own = DayQuery {
        area: None,
        date: None,
    };
    let (import, error, status) = crate::forms::upload_outcome(result)?;
    let r = report_of(&state, &user, &own).await?;
    page(&state, &user, status, r, import, error).await
}

/// POST `/work-teams/trainings` (multipart `ledger`, `?csrf=`): imports a training ledger,
/// then shows the user's area with what was done.
pub async fn upload_trainings(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &user.caller);
    let result: Result<RosterImport, WebError> = up
        .import_ledger(
            "驻村干部培训台账.csv",
            "请选择驻村干部培训台账文件（xlsx、xls或CSV）",
            |path, name| async move { app.import_trainings(caller, &path, Some(&name)).await },
        )
        .await;
    let own = DayQuery {
        area: None,
        date: None,
    };
    let (import, error, status) = crate::forms::upload_outcome(result)?;
    let r = report_of(&state, &user, &own).await?;
    page(&state, &user, status, r, import, error).await
}

/// `/work-teams/xlsx`: the roster of a county or below as a workbook, ID numbers and phones
/// masked.
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}_驻村干部花名册.xlsx", r.area_name);
    let bytes = workbook(move |out| r.write_roster(out, false)).await?;
    Ok(download(bytes, &name, XLSX))
}

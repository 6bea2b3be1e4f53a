//! The registry's consistency report of an area (户籍信息核查): every household against the
//! members listed under it, counted per rule and per village, the findings listed and
//! downloadable as xlsx.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use zhenxing_app::registry_check::{RegistryCheckReport, XLSX_FINDINGS};
use zhenxing_domain::today_in_china;

use crate::auth::PageUser;
use crate::error::{PageError, internal};
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::checks::AreaQuery;
use crate::pages::monitoring::notice::XLSX;
use crate::progress::{ProgressQuery, finish, reporter_of};
use crate::state::AppState;
use crate::views::{UserCtx, day, download, render};

/// Findings shown on the page, at most (the counts cover all; the workbook has them all).
pub const SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "registry_checks.html")]
struct ChecksPage {
    title: String,
    user: Option<UserCtx>,
    r: RegistryCheckReport,
    as_of: String,
}

/// `/registry-checks`
pub async fn report(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
    Query(p): Query<ProgressQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let r = checked(&state, &user, area, Some(SHOWN), p).await?;
    Ok(render(&ChecksPage {
        title: format!("户籍信息核查 · {}", r.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        as_of: day(Some(today_in_china())),
        r,
    }))
}

/// The check of `area`, its progress reported under the link's token (a province takes seconds).
async fn checked(
    state: &AppState,
    user: &PageUser,
    area: zhenxing_domain::AreaCode,
    limit: Option<usize>,
    p: ProgressQuery,
) -> Result<RegistryCheckReport, PageError> {
    let reporting = p.reporting(&state.progress, user.caller.user.id);
    let r = state
        .app
        .registry_check_as(&user.caller, area, limit, reporter_of(&reporting))
        .await;
    finish(reporting, r.is_ok());
    Ok(r?)
}

/// `/registry-checks/xlsx`: every finding (up to a sheet's rows) as a workbook.
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
    Query(p): Query<ProgressQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let r = checked(&state, &user, area, Some(XLSX_FINDINGS), p).await?;
    let name = format!("{}_户籍信息核查.xlsx", r.area_name);
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, PageError> {
        let dir = tempfile::tempdir().map_err(internal)?;
        let out = dir.path().join("核查.xlsx");
        r.write_xlsx(today_in_china(), &out)?;
        Ok(std::fs::read(&out).map_err(internal)?)
    })
    .await
    .map_err(internal)??;
    Ok(download(bytes, &name, XLSX))
}

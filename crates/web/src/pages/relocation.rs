//! The relocation sites' floor task (易地扶贫搬迁安置区就业帮扶) of an area: its relocated
//! households judged by the province's policy, per area under it and per site, the households
//! short of it listed and downloadable as xlsx.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use zhenxing_app::relocation::{RelocationReport, XLSX_SHORT};
use zhenxing_domain::today_in_china;

use crate::auth::PageUser;
use crate::error::{PageError, internal};
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::checks::AreaQuery;
use crate::pages::monitoring::notice::XLSX;
use crate::state::AppState;
use crate::views::{UserCtx, day, download, render};

/// Households short shown on the page, at most (the counts cover all; the workbook has them).
pub const SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "relocation.html")]
struct RelocationPage {
    title: String,
    user: Option<UserCtx>,
    r: RelocationReport,
    as_of: String,
    /// What counts as labour and as employment, in words.
    labour: String,
    employment: String,
}

/// `/relocation`
pub async fn report(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let r = state
        .app
        .relocation_as(&user.caller, area, Some(SHOWN), &zhenxing_app::NoProgress)
        .await?;
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
    Ok(render(&RelocationPage {
        title: format!("易地搬迁就业帮扶 · {}", r.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        as_of: day(Some(today_in_china())),
        labour,
        employment,
        r,
    }))
}

/// `/relocation/xlsx`: the sites and every household short (up to a sheet's rows).
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let r = state
        .app
        .relocation_as(
            &user.caller,
            area,
            Some(XLSX_SHORT),
            &zhenxing_app::NoProgress,
        )
        .await?;
    let name = format!("{}_易地搬迁就业帮扶.xlsx", r.area_name);
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, PageError> {
        let dir = tempfile::tempdir().map_err(internal)?;
        let out = dir.path().join("搬迁.xlsx");
        r.write_xlsx(today_in_china(), &out)?;
        Ok(std::fs::read(&out).map_err(internal)?)
    })
    .await
    .map_err(internal)??;
    Ok(download(bytes, &name, XLSX))
}

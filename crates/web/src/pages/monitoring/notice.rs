//! The village public notice (村内公示): printable, and as xlsx. Its rows have no field for an ID
//! number, phone, bank account, health or risk type (see `zhenxing_domain::monitoring::notice`).
//! For a township or county the page lists its villages to choose from.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenxing_domain::AreaLevel;
use zhenxing_domain::monitoring::notice::PublicNotice;

use crate::auth::PageUser;
use crate::error::{PageError, WebError, internal};
use crate::pages::areas::parse_area;
use crate::state::AppState;
use crate::views::{UserCtx, download, place, render};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub struct VillageLink {
    pub code: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "monitoring/notice.html")]
struct NoticePage {
    title: String,
    user: Option<UserCtx>,
    notice: Option<PublicNotice>,
    cells: Vec<[String; 6]>,
    headers: [&'static str; 6],
    villages: Vec<VillageLink>,
    area_name: String,
}

/// `/monitoring/notice/{village}`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let code = parse_area(&code)?;
    let caller = user.caller.monitoring();
    let tree = state.app.tree().await;
    if !caller.scope.contains(code) || tree.get(code).is_none() {
        return Err(WebError::NotFound.into());
    }
    if code.level() != AreaLevel::Village {
        let villages = tree
            .subtree(code)
            .into_iter()
            .filter(|d| d.level == AreaLevel::Village)
            .map(|d| VillageLink {
                code: d.code.to_string(),
                name: place(&tree, d.code),
            })
            .collect();
        return Ok(render(&NoticePage {
            title: "村内公示".into(),
            user: Some(UserCtx::of(&state, &user).await),
            notice: None,
            cells: Vec::new(),
            headers: PublicNotice::HEADERS,
            villages,
            area_name: tree.name(code).unwrap_or("").to_string(),
        }));
    }
    let notice = state.app.public_notice(&caller, code).await?;
    Ok(render(&NoticePage {
        title: notice.title(),
        user: Some(UserCtx::of(&state, &user).await),
        cells: notice.cells(),
        notice: Some(notice),
        headers: PublicNotice::HEADERS,
        villages: Vec::new(),
        area_name: String::new(),
    }))
}

/// `/monitoring/notice/{village}/xlsx`
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let code = parse_area(&code)?;
    Ok(notice_xlsx(&state, &user.caller.monitoring(), code).await?)
}

/// The notice as an xlsx download (pages and the API).
pub async fn notice_xlsx(
    state: &AppState,
    caller: &zhenxing_app::monitoring::Caller,
    village: zhenxing_domain::AreaCode,
) -> Result<Response, WebError> {
    if village.level() != AreaLevel::Village {
        return Err(WebError::NotFound);
    }
    let dir = tempfile::tempdir().map_err(internal)?;
    let path = dir.path().join("公示.xlsx");
    let notice = state
        .app
        .export_public_notice(caller, village, &path)
        .await?;
    let bytes = tokio::fs::read(&path).await.map_err(internal)?;
    Ok(download(bytes, &format!("{}.xlsx", notice.title()), XLSX))
}

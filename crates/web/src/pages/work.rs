//! 重点工作: the surrounding work of the mechanism in one place — relocation sites, projects,
//! small loans, attendance, key counties, policies and news — each for the user's area.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{UserCtx, render};

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    title: String,
    user: Option<UserCtx>,
    area: String,
    area_name: String,
}

/// `/work`
pub async fn show(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let area = user.caller.user.area;
    let area_name = state
        .app
        .tree()
        .await
        .name(area)
        .unwrap_or_default()
        .to_string();
    Ok(render(&WorkPage {
        title: "重点工作".into(),
        user: Some(UserCtx::of(&state, &user).await),
        area: area.to_string(),
        area_name,
    }))
}

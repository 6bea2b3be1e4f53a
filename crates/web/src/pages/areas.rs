//! The area tree: an area with its counts and the areas one level down.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use zhenxing_app::browse::AreaView;
use zhenxing_app::my_day::MyDay;
use zhenxing_domain::AreaCode;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::state::AppState;
use crate::views::{UserCtx, render, wants_partial};

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    title: String,
    user: Option<UserCtx>,
    v: AreaView,
    level: &'static str,
    my_day: Option<MyDay>,
    csrf: String,
}

#[derive(Template)]
#[template(path = "area_content.html")]
struct AreaPartial {
    v: AreaView,
    level: &'static str,
    my_day: Option<MyDay>,
    csrf: String,
}

/// The area a query names, or the caller's own when it names none.
pub fn area_or_own(asked: Option<&str>, own: AreaCode) -> Result<AreaCode, WebError> {
    match asked.filter(|s| !s.is_empty()) {
        Some(a) => parse_area(a),
        None => Ok(own),
    }
}

/// A path segment that must be an area code; anything else is simply not found.
pub fn parse_area(s: &str) -> Result<AreaCode, WebError> {
    AreaCode::parse(s).map_err(|_| WebError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let code = parse_area(&code)?;
    let v = state.app.area(&user.caller, code).await?;
    let level = v.area.level.label();
    // Who works in a village sees, on their own area's page, what today still asks of them.
    let my_day = if code == user.caller.user.area {
        state
            .app
            .my_day(&user.caller, zhenxing_domain::today_in_china())
            .await?
    } else {
        None
    };
    let csrf = user.csrf.clone();
    if wants_partial(&headers) {
        return Ok(render(&AreaPartial {
            v,
            level,
            my_day,
            csrf,
        }));
    }
    Ok(render(&AreaPage {
        title: v.area.name.clone(),
        user: Some(UserCtx::of(&state, &user).await),
        v,
        level,
        my_day,
        csrf,
    }))
}

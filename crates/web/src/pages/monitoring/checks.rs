//! The data-check report of an area: the national checker rules (DOMAIN §9) and the plan
//! findings, counted per rule and per village, with every finding.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use zhenxing_app::monitoring::checks::DataCheckReport;
use zhenxing_domain::today_in_china;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::areas::area_or_own;
use crate::state::AppState;
use crate::views::{UserCtx, day, render};

/// Findings shown on the page, at most (the counts cover all).
pub const SHOWN: usize = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
}

#[derive(Template)]
#[template(path = "monitoring/checks.html")]
struct ChecksPage {
    title: String,
    user: Option<UserCtx>,
    r: DataCheckReport,
    as_of: String,
    shown: usize,
}

/// `/monitoring/checks`
pub async fn report(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let mut r = state
        .app
        .data_check_report(&user.caller.monitoring(), Some(area), today_in_china())
        .await?;
    let total = r.findings.len();
    r.findings.truncate(SHOWN);
    Ok(render(&ChecksPage {
        title: format!("数据检查 · {}", r.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        as_of: day(Some(r.as_of)),
        shown: total,
        r,
    }))
}

//! 务工就业: the labour of ex-poor households and of monitoring objects of an area in migrant
//! work and public-welfare jobs, per area under it, judged by the province's policy.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use zhenxing_app::employment::EmploymentReport;
use zhenxing_domain::employment::EmploymentFigures;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::checks::AreaQuery;
use crate::state::AppState;
use crate::views::{UserCtx, render};

pub struct AreaLine {
    pub code: String,
    pub name: String,
    pub f: EmploymentFigures,
}

#[derive(Template)]
#[template(path = "employment.html")]
struct EmploymentPage {
    title: String,
    user: Option<UserCtx>,
    r: EmploymentReport,
    areas: Vec<AreaLine>,
    labour: String,
    employment: String,
}

/// `/employment`
pub async fn report(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    let r = state.app.employment_report_as(&user.caller, area).await?;
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
    let areas = r
        .by_area
        .iter()
        .map(|(code, name, f)| AreaLine {
            code: code.to_string(),
            name: name.clone(),
            f: *f,
        })
        .collect();
    Ok(render(&EmploymentPage {
        title: format!("务工就业 · {}", r.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        areas,
        labour,
        employment,
        r,
    }))
}

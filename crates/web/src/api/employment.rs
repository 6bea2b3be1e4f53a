//! 务工就业 over the API: the labour of ex-poor households and of monitoring objects of an area
//! in migrant work and public-welfare jobs, per area under it.

use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use zhenxing_domain::employment::{EmploymentFigures, LabourFigures};

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::checks::AreaQuery;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct LabourJson {
    pub labour: u64,
    pub migrant: u64,
    pub welfare_job: u64,
    /// In either, each person once (as the policy counts employment).
    pub employed: u64,
    /// 就业率, e.g. "85.00%" ("-" without labour).
    pub employment_rate: String,
}

impl From<&LabourFigures> for LabourJson {
    fn from(f: &LabourFigures) -> Self {
        LabourJson {
            labour: f.labour,
            migrant: f.migrant,
            welfare_job: f.welfare_job,
            employed: f.employed,
            employment_rate: f.employment_rate(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LabourGroupsJson {
    /// 脱贫劳动力: the labour of ex-poor households.
    pub ex_poor: LabourJson,
    /// The labour of monitoring objects that are not ex-poor households.
    pub monitored: LabourJson,
}

impl From<&EmploymentFigures> for LabourGroupsJson {
    fn from(f: &EmploymentFigures) -> Self {
        LabourGroupsJson {
            ex_poor: (&f.ex_poor).into(),
            monitored: (&f.monitored).into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmploymentAreaJson {
    pub code: String,
    pub name: String,
    pub figures: LabourGroupsJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmploymentJson {
    pub area: String,
    pub area_name: String,
    pub date: String,
    pub policy: Option<String>,
    pub summary: String,
    pub totals: LabourGroupsJson,
    pub by_area: Vec<EmploymentAreaJson>,
}

#[utoipa::path(get, path = "/api/v1/employment", tag = "务工就业",
    params(("area" = Option<String>, Query, description = "Area code; the caller's own area when absent")),
    responses((status = 200, body = EmploymentJson, description = "The labour of ex-poor households and of monitoring objects of the area today: in migrant work, in public-welfare jobs, employed, per area under it."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn employment(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<AreaQuery>,
) -> Result<Json<EmploymentJson>, ApiError> {
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let r = state.app.employment_report_as(&caller, area).await?;
    Ok(Json(EmploymentJson {
        area: r.area.to_string(),
        area_name: r.area_name.clone(),
        date: r.day.to_string(),
        policy: r.policy.clone(),
        summary: r.summary(),
        totals: (&r.totals).into(),
        by_area: r
            .by_area
            .iter()
            .map(|(code, name, f)| EmploymentAreaJson {
                code: code.to_string(),
                name: name.clone(),
                figures: f.into(),
            })
            .collect(),
    }))
}

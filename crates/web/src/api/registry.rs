//! The registry's consistency report (户籍信息核查) over the API.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::monitoring::{FindingRowJson, RuleCountJson, VillageCountJson};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::pages::areas::area_or_own;
use crate::state::AppState;

/// Findings listed when the query does not say.
const DEFAULT_LIMIT: usize = 1000;
/// Findings listed at most (the counts cover all).
const MAX_LIMIT: usize = 100_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistryCheckQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// Findings to list, at most (1000 when absent, 100000 at most); the counts cover all.
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryCheckJson {
    pub area: String,
    pub area_name: String,
    pub households: u64,
    pub members: u64,
    pub households_with_findings: u64,
    /// Per rule, households with the finding: no_members, no_head, several_heads,
    /// head_name_differs, size_differs, relation_age, no_labour_with_worker,
    /// uninsured_not_marked, uninsured_marked_all_insured.
    pub totals: Vec<RuleCountJson>,
    pub by_village: Vec<VillageCountJson>,
    /// Findings in all; `findings` lists at most `limit` of them.
    pub found: u64,
    pub findings: Vec<FindingRowJson>,
}

#[utoipa::path(get, path = "/api/v1/registry-checks", tag = "农户",
    params(RegistryCheckQuery),
    responses((status = 200, body = RegistryCheckJson, description = "Every household of the area against the members listed under it (户籍信息核查)."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn registry_checks(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<RegistryCheckQuery>,
) -> Result<Json<RegistryCheckJson>, ApiError> {
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let r = state
        .app
        .registry_check_as(&caller, area, Some(limit), &zhenxing_app::NoProgress)
        .await?;
    Ok(Json(RegistryCheckJson {
        area: r.area.to_string(),
        area_name: r.area_name,
        households: r.households,
        members: r.members,
        households_with_findings: r.households_with_findings,
        totals: r.totals.iter().map(RuleCountJson::from).collect(),
        by_village: r.by_village.iter().map(VillageCountJson::from).collect(),
        found: r.found,
        findings: r.findings.iter().map(FindingRowJson::from).collect(),
    }))
}

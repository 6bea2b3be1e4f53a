//! The relocation sites' floor task (易地扶贫搬迁安置区就业帮扶) over the API.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhenxing_domain::relocation::RelocationFigures;

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::pages::areas::area_or_own;
use crate::state::AppState;

/// Households short listed when the query does not say.
const DEFAULT_LIMIT: usize = 1000;
/// Households short listed at most (the counts cover all).
const MAX_LIMIT: usize = 100_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelocationQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// Households short to list, at most (1000 when absent, 100000 at most); the counts cover
    /// all.
    pub limit: Option<usize>,
}

/// The floor task's figures over a set of relocated households.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelocationFiguresJson {
    pub households: u64,
    pub persons: u64,
    /// Households with labour.
    pub labour_households: u64,
    /// Members who count as labour.
    pub labour: u64,
    /// Members employed (migrant work or a public-welfare job, each person once).
    pub employed: u64,
    pub migrant: u64,
    pub welfare_job: u64,
    /// Households with labour that have their employed members.
    pub households_met: u64,
    /// Households with labour short of them.
    pub households_short: u64,
    /// households_met / labour_households in per mille (null when none has labour).
    pub met_per_mille: Option<u64>,
}

impl From<&RelocationFigures> for RelocationFiguresJson {
    fn from(f: &RelocationFigures) -> Self {
        RelocationFiguresJson {
            households: f.households,
            persons: f.persons,
            labour_households: f.labour_households,
            labour: f.labour,
            employed: f.employed,
            migrant: f.migrant,
            welfare_job: f.welfare_job,
            households_met: f.households_met,
            households_short: f.households_short,
            met_per_mille: f.met_per_mille(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelocationRuleJson {
    /// Employed members a household with labour must have (its labour if fewer).
    pub min_employed: u8,
    /// Labour abilities that count as labour (劳动技能).
    pub labour: Vec<String>,
    /// What counts as employment: 务工, 公益岗位.
    pub employment: Vec<String>,
    /// The policy the rule is from; null: the province has none this year, the default rule.
    pub policy: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelocationAreaJson {
    pub code: String,
    pub name: String,
    pub figures: RelocationFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelocationSiteJson {
    pub county_code: String,
    pub county_name: String,
    /// The site as the households' records name it (安置点).
    pub site: String,
    /// Villages its households are registered in.
    pub villages: u64,
    pub figures: RelocationFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelocationShortJson {
    pub village_code: String,
    pub village_name: String,
    pub household_no: String,
    pub head_name: String,
    pub site: String,
    pub persons: u32,
    pub labour: u32,
    pub employed: u32,
    pub required: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelocationJson {
    pub area: String,
    pub area_name: String,
    pub rule: RelocationRuleJson,
    pub totals: RelocationFiguresJson,
    /// Each area directly under `area` with relocated households.
    pub by_area: Vec<RelocationAreaJson>,
    pub sites: Vec<RelocationSiteJson>,
    /// Households with labour short of their employed members; at most `limit` of them
    /// (`totals.households_short` counts all).
    pub short: Vec<RelocationShortJson>,
}

#[utoipa::path(get, path = "/api/v1/relocation", tag = "农户",
    params(RelocationQuery),
    responses((status = 200, body = RelocationJson, description = "The relocated households of the area judged against the floor task (易地扶贫搬迁安置区就业帮扶: at least one member employed in each household with labour), per area and per site, with the households short of it."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn relocation(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<RelocationQuery>,
) -> Result<Json<RelocationJson>, ApiError> {
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let r = state
        .app
        .relocation_as(&caller, area, Some(limit), &zhenxing_app::NoProgress)
        .await?;
    Ok(Json(RelocationJson {
        area: r.area.to_string(),
        area_name: r.area_name,
        rule: RelocationRuleJson {
            min_employed: r.rule.min_employed,
            labour: r
                .rule
                .labour
                .iter()
                .map(|l| l.label().to_string())
                .collect(),
            employment: r
                .rule
                .employment
                .iter()
                .map(|k| k.label().to_string())
                .collect(),
            policy: r.policy,
        },
        totals: (&r.totals).into(),
        by_area: r
            .by_area
            .iter()
            .map(|a| RelocationAreaJson {
                code: a.code.to_string(),
                name: a.name.clone(),
                figures: (&a.figures).into(),
            })
            .collect(),
        sites: r
            .sites
            .iter()
            .map(|s| RelocationSiteJson {
                county_code: s.county.to_string(),
                county_name: s.county_name.clone(),
                site: s.site.clone(),
                villages: s.villages,
                figures: (&s.figures).into(),
            })
            .collect(),
        short: r
            .short
            .iter()
            .map(|h| RelocationShortJson {
                village_code: h.village.to_string(),
                village_name: h.village_name.clone(),
                household_no: h.household_no.to_string(),
                head_name: h.head_name.clone(),
                site: h.site.clone(),
                persons: h.persons,
                labour: h.labour,
                employed: h.employed,
                required: h.required,
            })
            .collect(),
    }))
}

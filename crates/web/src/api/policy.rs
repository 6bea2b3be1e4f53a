//! The policy API: the policy in force for a province and year, its stored versions, checking
//! an edited file, and storing it as the next version (province administrators).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhenxing_app::AppError;
use zhenxing_app::monitoring::MonitoringFailure;
use zhenxing_app::monitoring::policy::check_policy;
use zhenxing_domain::policy::{Policy, PolicyError};
use zhenxing_domain::{AreaCode, PolicyYear};

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody, WebError};
use crate::pages::monitoring::policy::summary;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct LineJson {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyJson {
    /// `62`
    pub province: String,
    pub year: u16,
    /// The stored version in force; absent when the shipped file is in force (stored as
    /// version 1 the first time a decision needs it).
    pub version: Option<u32>,
    pub version_label: String,
    /// The parameters, as a reader checks them.
    pub summary: Vec<LineJson>,
    /// The TOML file.
    pub content: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionJson {
    pub version: u32,
    pub created_by: String,
    pub created_at: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemJson {
    /// The key, e.g. `deadlines.home_visit.days`.
    pub key: String,
    pub line: Option<usize>,
    /// Stable, e.g. `policy_type`.
    pub code: String,
    /// 中文说明
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckJson {
    pub ok: bool,
    pub problems: Vec<ProblemJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PolicyText {
    /// The whole TOML file.
    pub content: String,
    /// 修改说明
    pub note: Option<String>,
}

/// The caller's province (another province is not found).
fn province(caller: &zhenxing_app::auth::Caller, s: &str) -> Result<AreaCode, WebError> {
    let asked = AreaCode::parse(s)
        .ok()
        .and_then(Policy::province_of)
        .ok_or(WebError::NotFound)?;
    if Policy::province_of(caller.user.area) != Some(asked) {
        return Err(WebError::NotFound);
    }
    Ok(asked)
}

fn year(s: &str) -> Result<PolicyYear, WebError> {
    s.parse::<u16>()
        .ok()
        .and_then(|y| PolicyYear::new(y).ok())
        .ok_or(WebError::NotFound)
}

fn problems(errors: &[PolicyError]) -> Vec<ProblemJson> {
    errors
        .iter()
        .map(|e| ProblemJson {
            key: e.key.clone(),
            line: e.line,
            code: e.problem.code().into(),
            message: e.to_string(),
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/monitoring/policies/{province}/{year}", tag = "政策参数",
    params(("province" = String, Path, description = "省的区划代码（`62` 或 `620000000000`）"), ("year" = u16, Path, description = "年度")),
    responses((status = 200, body = PolicyJson), (status = 404, body = ErrorBody), (status = 500, body = ErrorBody, description = "No policy for the year (`no_policy`).")),
    security(("bearer" = [])))]
pub async fn in_force(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((p, y)): Path<(String, String)>,
) -> Result<Json<PolicyJson>, ApiError> {
    let (p, y) = (province(&caller, &p)?, year(&y)?);
    let f = state.app.policy_in_force(p, y).await?;
    Ok(Json(PolicyJson {
        province: p.prefix(),
        year: y.get(),
        version: f.stored.as_ref().map(|s| s.policy.version),
        version_label: f.version_label(),
        summary: summary(&f.policy)
            .into_iter()
            .map(|l| LineJson {
                label: l.label,
                value: l.value,
            })
            .collect(),
        content: f.content,
    }))
}

#[utoipa::path(get, path = "/api/v1/monitoring/policies/{province}/{year}/versions", tag = "政策参数",
    params(("province" = String, Path, description = "省的区划代码"), ("year" = u16, Path, description = "年度")),
    responses((status = 200, body = Vec<VersionJson>, description = "Stored versions, newest first."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn versions(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((p, y)): Path<(String, String)>,
) -> Result<Json<Vec<VersionJson>>, ApiError> {
    let (p, y) = (province(&caller, &p)?, year(&y)?);
    Ok(Json(
        state
            .app
            .policy_versions(p, y)
            .await?
            .into_iter()
            .map(|v| VersionJson {
                version: v.policy.version,
                created_by: v.created_by,
                created_at: zhenxing_app::browse::china_time(&v.created_at),
                note: v.note,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/monitoring/policies/{province}/{year}/check", tag = "政策参数",
    params(("province" = String, Path, description = "省的区划代码"), ("year" = u16, Path, description = "年度")),
    request_body = PolicyText,
    responses((status = 200, body = CheckJson, description = "Every problem with its key, line and reason.")),
    security(("bearer" = [])))]
pub async fn check(
    ApiUser(caller): ApiUser,
    Path((p, y)): Path<(String, String)>,
    Json(input): Json<PolicyText>,
) -> Result<Json<CheckJson>, ApiError> {
    let (p, y) = (province(&caller, &p)?, year(&y)?);
    Ok(Json(match check_policy(&input.content) {
        Ok(policy) if policy.province != p || policy.year != y => CheckJson {
            ok: false,
            problems: vec![ProblemJson {
                key: "policy".into(),
                line: None,
                code: "policy_other_year".into(),
                message: format!(
                    "文件是{}省{}年的政策，不是{}省{}年的",
                    policy.province.prefix(),
                    policy.year,
                    p.prefix(),
                    y
                ),
            }],
        },
        Ok(_) => CheckJson {
            ok: true,
            problems: Vec::new(),
        },
        Err(errors) => CheckJson {
            ok: false,
            problems: problems(&errors),
        },
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoredJson {
    pub version: u32,
    pub problems: Vec<ProblemJson>,
}

#[utoipa::path(post, path = "/api/v1/monitoring/policies/{province}/{year}", tag = "政策参数",
    params(("province" = String, Path, description = "省的区划代码"), ("year" = u16, Path, description = "年度")),
    request_body = PolicyText,
    responses((status = 200, body = StoredJson, description = "Stored as the next version."),
        (status = 403, body = ErrorBody, description = "Province administrators only."),
        (status = 422, body = CheckJson, description = "The file has problems: nothing stored.")),
    security(("bearer" = [])))]
pub async fn set(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((p, y)): Path<(String, String)>,
    Json(input): Json<PolicyText>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (p, y) = (province(&caller, &p)?, year(&y)?);
    if let Ok(policy) = check_policy(&input.content)
        && (policy.province != p || policy.year != y)
    {
        return Err(WebError::BadRequest(format!(
            "文件是{}省{}年的政策，不是{}省{}年的",
            policy.province.prefix(),
            policy.year,
            p.prefix(),
            y
        ))
        .into());
    }
    match state
        .app
        .set_policy(&caller.monitoring(), &input.content, input.note.as_deref())
        .await
    {
        Ok(stored) => Ok(Json(StoredJson {
            version: stored.policy.version,
            problems: Vec::new(),
        })
        .into_response()),
        Err(AppError::Monitoring(MonitoringFailure::Policy(errors))) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Json(CheckJson {
                ok: false,
                problems: problems(&errors),
            }),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

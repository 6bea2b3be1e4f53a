//! 务工就业 over the API: the labour of ex-poor households and of monitoring objects of an area
//! in migrant work and public-welfare jobs, per area under it, against the year's targets of
//! its counties; a table of targets imported.

use axum::Json;
use axum::extract::{Multipart, Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use zhenxing_app::employment::TargetImport;
use zhenxing_domain::employment::{EmploymentFigures, LabourFigures, TargetProgress};

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::forms::Upload;
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

/// Persons in work against the targets of the counties.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetProgressJson {
    /// The persons in work as the target counts them (the policy says whether the monitoring
    /// objects' count).
    pub counted: u64,
    /// The sum of the counties' targets (absent: none has one).
    pub target: Option<u64>,
    /// 完成率, e.g. "95.00%" ("-" without a target).
    pub rate: String,
    /// Fewer in work than the target.
    pub behind: bool,
}

impl From<&TargetProgress> for TargetProgressJson {
    fn from(p: &TargetProgress) -> Self {
        TargetProgressJson {
            counted: p.counted,
            target: p.target,
            rate: p.rate(),
            behind: p.behind(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmploymentAreaJson {
    pub code: String,
    pub name: String,
    pub figures: LabourGroupsJson,
    pub target: TargetProgressJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmploymentJson {
    pub area: String,
    pub area_name: String,
    pub date: String,
    pub policy: Option<String>,
    pub summary: String,
    pub totals: LabourGroupsJson,
    /// The year of the targets.
    pub year: u16,
    /// What the target counts: 脱贫人口（含监测对象）务工就业 or 脱贫人口务工就业.
    pub target_counts: String,
    pub target: TargetProgressJson,
    pub by_area: Vec<EmploymentAreaJson>,
    /// The counties behind their target, the furthest behind first.
    pub behind: Vec<EmploymentAreaJson>,
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
        year: r.year.get(),
        target_counts: r.target_rule.label().to_string(),
        target: (&r.progress).into(),
        by_area: r
            .by_area
            .iter()
            .map(|a| EmploymentAreaJson {
                code: a.code.to_string(),
                name: a.name.clone(),
                figures: (&a.figures).into(),
                target: (&a.progress).into(),
            })
            .collect(),
        behind: r
            .behind
            .iter()
            .map(|c| EmploymentAreaJson {
                code: c.code.to_string(),
                name: c.name.clone(),
                figures: (&EmploymentFigures::default()).into(),
                target: (&c.progress).into(),
            })
            .collect(),
    }))
}

/// The multipart form of a table of employment targets (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TargetsForm {
    /// The table: xlsx, xls or CSV (UTF-8 or GBK) with 区划代码, 年度, 务工就业目标（人）.
    #[schema(value_type = String, format = Binary)]
    ledger: Vec<u8>,
}

#[utoipa::path(post, path = "/api/v1/employment/targets/import", tag = "务工就业",
    request_body(content = TargetsForm, content_type = "multipart/form-data"),
    responses((status = 200, body = super::projects::LedgerImportJson, description = "The counties' targets added, changed ones updated with their history; refused rows with row, column and why."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_targets(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<super::projects::LedgerImportJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &caller);
    let r: TargetImport = up
        .import_ledger(
            "务工就业目标.csv",
            "请在 ledger 字段上传务工就业目标任务表",
            |path, name| async move {
                app.import_employment_targets(caller, &path, Some(&name))
                    .await
            },
        )
        .await?;
    Ok(Json(super::projects::LedgerImportJson::new(
        &r.file,
        [r.rows, r.added, r.updated, r.unchanged, r.rejected],
        &r.errors,
    )))
}

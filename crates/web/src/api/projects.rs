//! Projects of 衔接资金 (项目台账) over the API: the year's progress of an area with its
//! projects, one project with its history, and a county's ledger imported.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhenxing_app::projects::{ProjectImport, ProjectRow};
use zhenxing_domain::project::ProjectFigures;

use super::RowErrorJson;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::projects::{ProjectsQuery, project_key};
use crate::state::AppState;

/// Row errors an import's answer lists, at most.
pub(super) const ERRORS_LISTED: usize = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectsParams {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The plan year (e.g. 2025); the latest with projects when absent.
    pub year: Option<String>,
}

/// The year's figures over a set of projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectFiguresJson {
    /// In the project library only (not in the year's plan).
    pub library: u64,
    /// In the year's plan: the rates' denominator.
    pub planned: u64,
    pub funded: u64,
    pub started: u64,
    pub completed: u64,
    pub accepted: u64,
    pub handed_over: u64,
    /// Of the planned, in fen.
    pub planned_fund_fen: i64,
    pub allocated_fen: i64,
    pub spent_fen: i64,
    pub industry_allocated_fen: i64,
    pub beneficiary_households: u64,
    pub poor_households: u64,
    /// 开工率, e.g. "95.73%" ("-" without planned projects).
    pub start_rate: String,
    /// 完工率.
    pub completion_rate: String,
    /// 支出进度 = spent / allocated.
    pub spending_rate: String,
    /// 产业发展资金占比 = industry's allocated / allocated.
    pub industry_share: String,
}

impl From<&ProjectFigures> for ProjectFiguresJson {
    fn from(f: &ProjectFigures) -> Self {
        ProjectFiguresJson {
            library: f.library,
            planned: f.planned,
            funded: f.funded,
            started: f.started,
            completed: f.completed,
            accepted: f.accepted,
            handed_over: f.handed_over,
            planned_fund_fen: f.planned_fund.fen(),
            allocated_fen: f.allocated.fen(),
            spent_fen: f.spent.fen(),
            industry_allocated_fen: f.industry_allocated.fen(),
            beneficiary_households: f.beneficiary_households,
            poor_households: f.poor_households,
            start_rate: f.start_rate(),
            completion_rate: f.completion_rate(),
            spending_rate: f.spending_rate(),
            industry_share: f.industry_share(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectAreaJson {
    pub code: String,
    pub name: String,
    pub figures: ProjectFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectCategoryJson {
    pub category: String,
    pub figures: ProjectFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectJson {
    pub county_code: String,
    pub no: String,
    pub year: u16,
    pub name: String,
    pub area_code: String,
    pub area_name: String,
    pub category: String,
    /// 项目状态: 项目库, 年度计划, 资金已下达, 已招标, 已开工, 已完工, 已验收, 已确权移交.
    pub stage: String,
    pub planned_fund_fen: i64,
    pub allocated_fen: i64,
    pub spent_fen: i64,
    pub started_on: Option<String>,
    pub completed_on: Option<String>,
    pub accepted_on: Option<String>,
    pub beneficiary_households: Option<u32>,
    pub poor_households: Option<u32>,
    pub note: Option<String>,
}

impl From<&ProjectRow> for ProjectJson {
    fn from(r: &ProjectRow) -> Self {
        let p = &r.project;
        ProjectJson {
            county_code: r.county.to_string(),
            no: p.no.to_string(),
            year: p.year.get(),
            name: p.name.clone(),
            area_code: p.area.to_string(),
            area_name: r.area_name.clone(),
            category: p.category.clone(),
            stage: p.stage.label().to_string(),
            planned_fund_fen: p.planned_fund.fen(),
            allocated_fen: p.allocated.fen(),
            spent_fen: p.spent.fen(),
            started_on: p.started_on.map(|d| d.to_string()),
            completed_on: p.completed_on.map(|d| d.to_string()),
            accepted_on: p.accepted_on.map(|d| d.to_string()),
            beneficiary_households: p.beneficiary_households,
            poor_households: p.poor_households,
            note: p.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectsJson {
    pub area: String,
    pub area_name: String,
    pub year: u16,
    /// Years with projects under the area, latest first.
    pub years: Vec<u16>,
    /// The policy the categories and the industry floor are from; null: the default rule.
    pub policy: Option<String>,
    /// The least industry share, in basis points (6000 = 60%).
    pub industry_share_min_bp: u32,
    /// Whether the area's industry share is below it.
    pub industry_short: bool,
    pub totals: ProjectFiguresJson,
    pub by_area: Vec<ProjectAreaJson>,
    pub by_category: Vec<ProjectCategoryJson>,
    pub projects: Vec<ProjectJson>,
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "衔接资金项目",
    params(ProjectsParams),
    responses((status = 200, body = ProjectsJson, description = "The year's projects of the area: 开工率, 完工率, 支出进度, the industry share, per area under it and per category, and the projects."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn projects(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ProjectsParams>,
) -> Result<Json<ProjectsJson>, ApiError> {
    let q = ProjectsQuery {
        area: q.area,
        year: q.year,
    };
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let r = state
        .app
        .project_report_as(&caller, area, q.year()?)
        .await?;
    Ok(Json(ProjectsJson {
        area: r.area.to_string(),
        area_name: r.area_name.clone(),
        year: r.year.get(),
        years: r.years.iter().map(|y| y.get()).collect(),
        policy: r.policy.clone(),
        industry_share_min_bp: r.rule.industry_share_min_bp,
        industry_short: r.totals.industry_short(&r.rule),
        totals: (&r.totals).into(),
        by_area: r
            .by_area
            .iter()
            .map(|(code, name, f)| ProjectAreaJson {
                code: code.to_string(),
                name: name.clone(),
                figures: f.into(),
            })
            .collect(),
        by_category: r
            .by_category
            .iter()
            .map(|(category, f)| ProjectCategoryJson {
                category: category.clone(),
                figures: f.into(),
            })
            .collect(),
        projects: r.projects.iter().map(ProjectJson::from).collect(),
    }))
}

/// A change of a row of a county's own ledger (a project, a construction item, a loan).
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerChangeJson {
    pub version: i64,
    pub at: String,
    pub actor: String,
    /// The fields changed: [label, before, after] (a row added: every field given).
    pub fields: Vec<[String; 3]>,
}

impl From<&zhenxing_app::ChangeView> for LedgerChangeJson {
    fn from(c: &zhenxing_app::ChangeView) -> Self {
        LedgerChangeJson {
            version: c.version,
            at: c.at.clone(),
            actor: c.actor.clone(),
            fields: c
                .fields
                .iter()
                .map(|(l, b, a)| [l.clone(), b.clone(), a.clone()])
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDetailJson {
    pub project: ProjectJson,
    pub version: i64,
    /// Newest first.
    pub changes: Vec<LedgerChangeJson>,
}

#[utoipa::path(get, path = "/api/v1/projects/{county}/{no}", tag = "衔接资金项目",
    params(("county" = String, Path, description = "The county's code"), ("no" = String, Path, description = "项目编号")),
    responses((status = 200, body = ProjectDetailJson, description = "A project of the county's ledger with its changes."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn project(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((county, no)): Path<(String, String)>,
) -> Result<Json<ProjectDetailJson>, ApiError> {
    let (county, no) = project_key(&county, &no)?;
    let d = state.app.project_detail(&caller, county, &no).await?;
    let row = ProjectRow {
        county: d.stored.county,
        project: d.stored.project.clone(),
        area_name: d.area_name.clone(),
    };
    Ok(Json(ProjectDetailJson {
        project: (&row).into(),
        version: d.stored.version,
        changes: d.changes.iter().map(LedgerChangeJson::from).collect(),
    }))
}

/// The multipart form of a project ledger's import (documentation only; the handler reads the
/// fields).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ProjectLedgerForm {
    /// The ledger: xlsx, xls or CSV (UTF-8 or GBK); amounts in 万元.
    #[schema(value_type = String, format = Binary)]
    ledger: Vec<u8>,
}

/// What an import of one of a county's own ledgers did (projects, cooperation, a roster, the
/// employment targets).
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerImportJson {
    pub file: String,
    pub rows: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows refused (a row with several problems counts once).
    pub rejected: u64,
    /// The refused rows' problems (the first 1000), in row order; ID numbers and phones masked.
    pub errors: Vec<RowErrorJson>,
}

impl LedgerImportJson {
    /// The counts of an import and the first of its refused rows' problems.
    pub fn new(
        file: &str,
        [rows, added, updated, unchanged, rejected]: [u64; 5],
        errors: &[zhenxing_ledger::RowError],
    ) -> Self {
        LedgerImportJson {
            file: file.to_string(),
            rows,
            added,
            updated,
            unchanged,
            rejected,
            errors: errors
                .iter()
                .take(ERRORS_LISTED)
                .map(RowErrorJson::of)
                .collect(),
        }
    }
}

impl From<&ProjectImport> for LedgerImportJson {
    fn from(r: &ProjectImport) -> Self {
        LedgerImportJson::new(
            &r.file,
            [r.rows, r.added, r.updated, r.unchanged, r.rejected],
            &r.errors,
        )
    }
}

#[utoipa::path(post, path = "/api/v1/projects/import", tag = "衔接资金项目",
    request_body(content = ProjectLedgerForm, content_type = "multipart/form-data"),
    responses((status = 200, body = LedgerImportJson, description = "New projects added, changed ones updated with their history; refused rows with row, column and why."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<LedgerImportJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &caller);
    let r = up
        .import_ledger(
            "项目台账.csv",
            "请在 ledger 字段上传项目台账文件",
            |path, name| async move { app.import_projects(caller, &path, Some(&name)).await },
        )
        .await?;
    Ok(Json((&r).into()))
}

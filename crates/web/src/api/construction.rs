//! Rural construction (乡村建设) over the API: the year's progress of an area per task with its
//! items and targets, and a county's ledger imported.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use zhenxing_app::construction::{ConstructionImport, ItemRow};
use zhenxing_domain::construction::ConstructionFigures;

use super::RowErrorJson;
use super::projects::ProjectsParams;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::projects::{ProjectsQuery, project_key};
use crate::state::AppState;

/// A task's figures over an area.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionFiguresJson {
    /// The targets set the counties of the area; null: none set.
    pub target: Option<u64>,
    pub items: u64,
    pub started: u64,
    pub completed: u64,
    pub accepted: u64,
    /// The items' planned and completed quantities, in the task's unit.
    pub planned: u64,
    pub done: u64,
    /// 完成率 = done / target, e.g. "80.00%" ("-" without a target).
    pub completion_rate: String,
    /// Whether a target is set and not reached.
    pub behind: bool,
}

impl From<&ConstructionFigures> for ConstructionFiguresJson {
    fn from(f: &ConstructionFigures) -> Self {
        ConstructionFiguresJson {
            target: f.target,
            items: f.items,
            started: f.started,
            completed: f.completed,
            accepted: f.accepted,
            planned: f.planned,
            done: f.done,
            completion_rate: f.completion_rate(),
            behind: f.behind(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionTaskJson {
    pub task: String,
    pub unit: String,
    pub figures: ConstructionFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionAreaJson {
    pub code: String,
    pub name: String,
    /// Per task, in the order of `tasks`.
    pub figures: Vec<ConstructionFiguresJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionItemJson {
    pub county_code: String,
    pub no: String,
    pub year: u16,
    pub task: String,
    pub area_code: String,
    pub area_name: String,
    pub name: String,
    pub planned: u32,
    pub done: u32,
    pub unit: String,
    /// 进展情况: 未开工, 在建, 已完成, 已验收.
    pub stage: String,
    pub completed_on: Option<String>,
    pub note: Option<String>,
}

impl From<&ItemRow> for ConstructionItemJson {
    fn from(r: &ItemRow) -> Self {
        let i = &r.item;
        ConstructionItemJson {
            county_code: r.county.to_string(),
            no: i.no.to_string(),
            year: i.year.get(),
            task: i.task.clone(),
            area_code: i.area.to_string(),
            area_name: r.area_name.clone(),
            name: i.name.clone(),
            planned: i.planned,
            done: i.done,
            unit: r.unit.clone(),
            stage: i.stage.label().to_string(),
            completed_on: i.completed_on.map(|d| d.to_string()),
            note: i.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionTargetJson {
    pub county_code: String,
    pub county_name: String,
    pub task: String,
    pub quantity: u32,
    pub unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionJson {
    pub area: String,
    pub area_name: String,
    pub year: u16,
    /// Years with items or targets under the area, latest first.
    pub years: Vec<u16>,
    /// The policy the tasks are from; null: the default tasks.
    pub policy: Option<String>,
    /// "2026年…乡村建设：…", as the page says it.
    pub summary: String,
    pub tasks: Vec<ConstructionTaskJson>,
    pub by_area: Vec<ConstructionAreaJson>,
    pub items: Vec<ConstructionItemJson>,
    pub targets: Vec<ConstructionTargetJson>,
}

#[utoipa::path(get, path = "/api/v1/construction", tag = "乡村建设",
    params(ProjectsParams),
    responses((status = 200, body = ConstructionJson, description = "The year's rural construction of the area: per task its target, items, planned and completed quantities and 完成率, per area under it, the items and the targets."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn construction(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ProjectsParams>,
) -> Result<Json<ConstructionJson>, ApiError> {
    let q = ProjectsQuery {
        area: q.area,
        year: q.year,
    };
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let r = state
        .app
        .construction_report_as(&caller, area, q.year()?)
        .await?;
    Ok(Json(ConstructionJson {
        area: r.area.to_string(),
        area_name: r.area_name.clone(),
        year: r.year.get(),
        years: r.years.iter().map(|y| y.get()).collect(),
        policy: r.policy.clone(),
        summary: r.summary(),
        tasks: r
            .tasks
            .iter()
            .map(|t| ConstructionTaskJson {
                task: t.task.clone(),
                unit: t.unit.clone(),
                figures: (&t.figures).into(),
            })
            .collect(),
        by_area: r
            .by_area
            .iter()
            .map(|(code, name, f)| ConstructionAreaJson {
                code: code.to_string(),
                name: name.clone(),
                figures: f.iter().map(Into::into).collect(),
            })
            .collect(),
        items: r.items.iter().map(Into::into).collect(),
        targets: r
            .targets
            .iter()
            .map(|t| ConstructionTargetJson {
                county_code: t.target.county.to_string(),
                county_name: t.county_name.clone(),
                task: t.target.task.clone(),
                quantity: t.target.quantity,
                unit: t.unit.clone(),
            })
            .collect(),
    }))
}

/// The multipart form of a construction ledger's import (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ConstructionLedgerForm {
    /// The ledger: xlsx, xls or CSV (UTF-8 or GBK), its items' sheet, its targets' sheet or both.
    #[schema(value_type = String, format = Binary)]
    ledger: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionImportJson {
    pub file: String,
    pub item_rows: u64,
    pub target_rows: u64,
    pub items_added: u64,
    pub items_updated: u64,
    pub items_unchanged: u64,
    pub targets_added: u64,
    pub targets_updated: u64,
    pub targets_unchanged: u64,
    /// Rows refused (a row with several problems counts once).
    pub rejected: u64,
    /// The refused rows' problems (the first 1000): items' first, in row order.
    pub errors: Vec<RowErrorJson>,
}

impl From<&ConstructionImport> for ConstructionImportJson {
    fn from(r: &ConstructionImport) -> Self {
        ConstructionImportJson {
            file: r.file.clone(),
            item_rows: r.item_rows,
            target_rows: r.target_rows,
            items_added: r.items_added,
            items_updated: r.items_updated,
            items_unchanged: r.items_unchanged,
            targets_added: r.targets_added,
            targets_updated: r.targets_updated,
            targets_unchanged: r.targets_unchanged,
            rejected: r.rejected,
            errors: r
                .errors
                .iter()
                .take(super::projects::ERRORS_LISTED)
                .map(RowErrorJson::of)
                .collect(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/construction/import", tag = "乡村建设",
    request_body(content = ConstructionLedgerForm, content_type = "multipart/form-data"),
    responses((status = 200, body = ConstructionImportJson, description = "Items and targets added, changed ones updated with their history; refused rows with sheet, row, column and why."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<ConstructionImportJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &caller);
    let r = up
        .import_ledger(
            "乡村建设台账.csv",
            "请在 ledger 字段上传乡村建设台账文件",
            |path, name| async move { app.import_construction(caller, &path, Some(&name)).await },
        )
        .await?;
    Ok(Json((&r).into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConstructionItemDetailJson {
    pub item: ConstructionItemJson,
    pub version: i64,
    /// Newest first.
    pub changes: Vec<super::projects::LedgerChangeJson>,
}

#[utoipa::path(get, path = "/api/v1/construction/{county}/{no}", tag = "乡村建设",
    params(("county" = String, Path, description = "The county's code"), ("no" = String, Path, description = "项目编号")),
    responses((status = 200, body = ConstructionItemDetailJson, description = "An item of the county's construction ledger with its changes."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn item(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((county, no)): Path<(String, String)>,
) -> Result<Json<ConstructionItemDetailJson>, ApiError> {
    let (county, no) = project_key(&county, &no)?;
    let d = state.app.construction_item(&caller, county, &no).await?;
    let row = ItemRow {
        county: d.county,
        item: d.item.clone(),
        area_name: d.area_name.clone(),
        unit: d.unit.clone(),
        version: d.version,
    };
    Ok(Json(ConstructionItemDetailJson {
        item: (&row).into(),
        version: d.version,
        changes: d
            .changes
            .iter()
            .map(super::projects::LedgerChangeJson::from)
            .collect(),
    }))
}

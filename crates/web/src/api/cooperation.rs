//! 协作帮扶 over the API: the year's plan and what was done of an area per program and
//! indicator, per area under it and per entry; a county's ledger imported.

use axum::Json;
use axum::extract::{Multipart, Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use zhenxing_app::cooperation::{CooperationImport, CooperationReport, ProgramFigures};

use super::projects::ProjectsParams;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::projects::ProjectsQuery;
use crate::state::AppState;

/// An indicator's plan and what was done, in its unit (money in 万元).
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorJson {
    pub indicator: String,
    pub unit: String,
    /// As shown: "3000", "12.345".
    pub planned: String,
    pub done: String,
    /// Exact: fen for money, else the count.
    pub planned_value: i64,
    pub done_value: i64,
    /// 完成率, e.g. "80.00%" ("-" without a plan).
    pub rate: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramJson {
    /// 东西部协作, 中央单位定点帮扶, 省内协作.
    pub program: String,
    pub partners: Vec<String>,
    /// The indicators with a plan or something done.
    pub indicators: Vec<IndicatorJson>,
}

fn programs(r: &CooperationReport, p: &[ProgramFigures]) -> Vec<ProgramJson> {
    p.iter()
        .map(|p| ProgramJson {
            program: p.program.label().to_string(),
            partners: p.partners.clone(),
            indicators: r
                .indicators
                .iter()
                .zip(&p.figures)
                .filter(|(_, f)| f.planned > 0 || f.done > 0)
                .map(|(i, f)| IndicatorJson {
                    indicator: i.name.clone(),
                    unit: i.unit.clone(),
                    planned: i.show(f.planned),
                    done: i.show(f.done),
                    planned_value: f.planned,
                    done_value: f.done,
                    rate: f.rate(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CooperationAreaJson {
    pub code: String,
    pub name: String,
    pub programs: Vec<ProgramJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CooperationJson {
    pub area: String,
    pub area_name: String,
    pub year: u16,
    pub years: Vec<u16>,
    pub policy: Option<String>,
    pub summary: String,
    pub programs: Vec<ProgramJson>,
    pub by_area: Vec<CooperationAreaJson>,
}

#[utoipa::path(get, path = "/api/v1/cooperation", tag = "协作帮扶",
    params(ProjectsParams),
    responses((status = 200, body = CooperationJson, description = "The year's east-west cooperation and paired assistance of the area: each program's indicators planned and done, per area under it."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cooperation(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ProjectsParams>,
) -> Result<Json<CooperationJson>, ApiError> {
    let q = ProjectsQuery {
        area: q.area,
        year: q.year,
    };
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let r = state
        .app
        .cooperation_report_as(&caller, area, q.year()?)
        .await?;
    Ok(Json(CooperationJson {
        area: r.area.to_string(),
        area_name: r.area_name.clone(),
        year: r.year.get(),
        years: r.years.iter().map(|y| y.get()).collect(),
        policy: r.policy.clone(),
        summary: r.summary(),
        programs: programs(&r, &r.programs),
        by_area: r
            .by_area
            .iter()
            .map(|(code, name, p)| CooperationAreaJson {
                code: code.to_string(),
                name: name.clone(),
                programs: programs(&r, p),
            })
            .collect(),
    }))
}

/// The multipart form of a cooperation ledger's import (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CooperationForm {
    /// The ledger: xlsx, xls or CSV (UTF-8 or GBK); money in 万元.
    #[schema(value_type = String, format = Binary)]
    ledger: Vec<u8>,
}

#[utoipa::path(post, path = "/api/v1/cooperation/import", tag = "协作帮扶",
    request_body(content = CooperationForm, content_type = "multipart/form-data"),
    responses((status = 200, body = super::projects::LedgerImportJson, description = "Indicators added, changed ones updated with their history; refused rows with row, column and why."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<super::projects::LedgerImportJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &caller);
    let r: CooperationImport = up
        .import_ledger(
            "协作帮扶台账.csv",
            "请在 ledger 字段上传协作帮扶台账文件",
            |path, name| async move { app.import_cooperation(caller, &path, Some(&name)).await },
        )
        .await?;
    Ok(Json(super::projects::LedgerImportJson::new(
        &r.file,
        [r.rows, r.added, r.updated, r.unchanged, r.rejected],
        &r.errors,
    )))
}

//! `/api/v1/monitoring/screenings`: department screening over the API, the same use cases as
//! the pages (`pages::monitoring::screening`): upload a department file of a policy kind, list
//! the batches, page through a batch's results under an area.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use zhenxing_app::store::screening::{ScreeningCounts, StoredScreening, outcome_label};

use super::{AfterQuery, REPORT_PAGE, RowErrorJson, next_after};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::pages::monitoring::screening::{
    PAGE, ResultsQuery, batch_of, cursor_text, parse_cursor, results_area, screen_upload,
};
use crate::progress::{ProgressQuery, WorkProgress};
use crate::state::AppState;

/// A department file and what it is (multipart form).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ScreeningForm {
    /// The department's file: CSV (UTF-8, GBK or UTF-16), xlsx, xls, or a web page's table
    /// named .xls. A name column (姓名, ...) is compared with the registered names.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The kind's code in the policy: `medical`, `disability`, `disaster`, `unemployment`,
    /// `dropout`, `housing`, `dibao`, ...
    kind: String,
    /// 筛查日期 (today when absent): the clues' day and the policy year.
    date: Option<String>,
    /// 报送部门 (the kind's department when absent).
    source: Option<String>,
    /// Screen only this area (within the caller's).
    area: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountsJson {
    pub rows: u64,
    pub matched: u64,
    pub unmatched: u64,
    pub rejected: u64,
    pub households: u64,
    pub hits: u64,
    pub created: u64,
    pub attached: u64,
    pub repeated: u64,
}

impl CountsJson {
    fn of(c: &ScreeningCounts) -> CountsJson {
        CountsJson {
            rows: c.rows,
            matched: c.matched,
            unmatched: c.unmatched,
            rejected: c.rejected,
            households: c.households,
            hits: c.hits,
            created: c.created,
            attached: c.attached,
            repeated: c.repeated,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchJson {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub source: String,
    pub file_name: String,
    pub area: Option<String>,
    /// The policy version that judged the rows.
    pub policy: String,
    pub rule: String,
    pub found_on: String,
    pub counts: CountsJson,
    pub actor: String,
    pub created_at: String,
}

impl BatchJson {
    fn of(b: &StoredScreening) -> BatchJson {
        BatchJson {
            id: b.id,
            kind: b.kind.clone(),
            kind_label: b.kind_label.clone(),
            source: b.source.clone(),
            file_name: b.file_name.clone(),
            area: b.area.map(|a| a.to_string()),
            policy: b.policy.to_string(),
            rule: b.rule.clone(),
            found_on: b.found_on.to_string(),
            counts: CountsJson::of(&b.counts),
            actor: b.actor.clone(),
            created_at: b.created_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningJson {
    pub batch: BatchJson,
    /// Totals and signature rows that close the file (`合计`, `填表人：…`), skipped.
    pub notes: u64,
    /// The first rows not taken (at most 500, in file order): unreadable rows and unmatched
    /// persons (ID numbers masked), each with its reason; the rest are read from
    /// `/api/v1/monitoring/screenings/{id}/problems?after={problems_next}`.
    pub problems: Vec<RowErrorJson>,
    /// How many rows were not taken in all.
    pub problems_total: u64,
    /// Pass as `after` to `/api/v1/monitoring/screenings/{id}/problems` for the rows after
    /// `problems`; absent when `problems` lists them all.
    pub problems_next: Option<u64>,
}

#[utoipa::path(post, path = "/api/v1/monitoring/screenings", tag = "监测帮扶",
    params(ProgressQuery),
    request_body(content = ScreeningForm, content_type = "multipart/form-data"),
    responses((status = 200, body = ScreeningJson, description = "The batch with its counts; the first rows not taken with their reason, and where the rest begin."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn screen(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ProgressQuery>,
    headers: axum::http::HeaderMap,
    multipart: Multipart,
) -> Result<Json<ScreeningJson>, ApiError> {
    let reporting = q.reporting(&state.progress, caller.user.id);
    let work = reporting.as_ref().map(|r| r.0.clone());
    let answer = screen_answer(&state, &caller, work.as_deref(), &headers, multipart).await;
    if let Some(r) = reporting {
        r.done(answer.is_ok());
    }
    answer
}

async fn screen_answer(
    state: &AppState,
    caller: &zhenxing_app::auth::Caller,
    work: Option<&WorkProgress>,
    headers: &axum::http::HeaderMap,
    multipart: Multipart,
) -> Result<Json<ScreeningJson>, ApiError> {
    let declared = crate::forms::declared_length(headers);
    let r = screen_upload(state, caller, multipart, declared, work).await?;
    let mut batch = BatchJson::of(&r.screening);
    batch.counts = CountsJson::of(&r.counts);
    Ok(Json(ScreeningJson {
        batch,
        notes: r.notes,
        problems: r
            .problems
            .iter()
            .take(REPORT_PAGE as usize)
            .map(|e| RowErrorJson::of(&e))
            .collect(),
        problems_total: r.problems.len() as u64,
        // Kept in the report's order, numbered from 1.
        problems_next: (r.problems.len() > REPORT_PAGE as usize).then_some(REPORT_PAGE.into()),
    }))
}

#[utoipa::path(get, path = "/api/v1/monitoring/screenings", tag = "监测帮扶",
    responses((status = 200, body = Vec<BatchJson>, description = "The batches the caller may see, newest first.")),
    security(("bearer" = [])))]
pub async fn batches(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
) -> Result<Json<Vec<BatchJson>>, ApiError> {
    let list = state.app.screenings(&caller.monitoring(), 200).await?;
    Ok(Json(list.iter().map(BatchJson::of).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultJson {
    pub village: String,
    pub household_no: String,
    pub head_name: String,
    pub outcome: String,
    pub clue: Option<i64>,
    pub case: Option<i64>,
    /// The figures behind the hit, as the rule computed them.
    pub figures: Vec<(String, String)>,
    /// The matched members' ID numbers, masked.
    pub members: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsJson {
    pub batch: BatchJson,
    pub area: String,
    pub items: Vec<ResultJson>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/monitoring/screenings/{id}/results", tag = "监测帮扶",
    params(("id" = i64, Path, description = "Batch"), ResultsQuery),
    responses((status = 200, body = ResultsJson), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn results(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> Result<Json<ResultsJson>, ApiError> {
    let m = caller.monitoring();
    let batch = batch_of(&state, &m, id).await?;
    let area = results_area(&m, batch.area, q.area.as_deref())?;
    let after = parse_cursor(q.after.as_deref())?;
    let (batch, rows) = state
        .app
        .screening_results(&m, id, area, after.as_ref(), PAGE)
        .await?;
    let next = (rows.len() == PAGE as usize)
        .then(|| rows.last().map(cursor_text))
        .flatten();
    Ok(Json(ResultsJson {
        batch: BatchJson::of(&batch),
        area: area.to_string(),
        items: rows
            .iter()
            .map(|r| ResultJson {
                village: r.village.to_string(),
                household_no: r.no.to_string(),
                head_name: r.head_name.clone(),
                outcome: outcome_label(r.outcome).to_string(),
                clue: r.clue,
                case: r.case,
                figures: r
                    .figures
                    .iter()
                    .map(|f| (f.label.clone(), f.value.clone()))
                    .collect(),
                members: r.members.iter().map(|m| m.masked()).collect(),
            })
            .collect(),
        next,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemsJson {
    pub batch: BatchJson,
    /// How many lines the batch kept (absent: screened before they were kept).
    pub total: Option<u64>,
    /// In the file's order; ID numbers masked, as the report showed them.
    pub items: Vec<RowErrorJson>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/monitoring/screenings/{id}/problems", tag = "监测帮扶",
    params(("id" = i64, Path, description = "Batch"), AfterQuery),
    responses((status = 200, body = ProblemsJson, description = "The rows of the batch's file that did not enter it, with their reason, a page at a time; for a caller whose area covers the batch's."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn problems(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<AfterQuery>,
) -> Result<Json<ProblemsJson>, ApiError> {
    let m = caller.monitoring();
    let (batch, lines) = state
        .app
        .screening_problems(&m, id, q.after, REPORT_PAGE)
        .await?;
    Ok(Json(ProblemsJson {
        total: batch.problems,
        next: next_after(&lines, REPORT_PAGE),
        items: lines
            .into_iter()
            .map(|(_, p)| RowErrorJson::kept(p))
            .collect(),
        batch: BatchJson::of(&batch),
    }))
}

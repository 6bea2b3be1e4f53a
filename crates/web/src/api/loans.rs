//! 脱贫人口小额信贷 over the API: the loans of an area as of a day, and a ledger imported.

use axum::Json;
use axum::extract::{Multipart, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhenxing_app::loans::{LoanImport, LoanRow};
use zhenxing_domain::loan::LoanFigures;

use super::RowErrorJson;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::loans::LoansQuery;
use crate::state::AppState;

/// Loans listed when the query does not say.
const DEFAULT_LIMIT: usize = 1000;
/// Loans listed at most (the counts cover all).
const MAX_LIMIT: usize = 100_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoansParams {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The day, e.g. 2025-06-30 (today when absent).
    pub date: Option<String>,
    /// Loans to list in each list, at most (1000 when absent, 100000 at most).
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoanFiguresJson {
    pub loans: u64,
    pub amount_fen: i64,
    pub loans_this_year: u64,
    pub amount_this_year_fen: i64,
    /// Still owed on the day.
    pub outstanding: u64,
    pub balance_fen: i64,
    pub households_owing: u64,
    pub overdue: u64,
    pub overdue_balance_fen: i64,
    /// Overdue balance / balance, e.g. "2.50%".
    pub overdue_rate: String,
    pub extended: u64,
    /// Loans to households neither ex-poor nor monitored.
    pub not_covered: u64,
}

impl From<&LoanFigures> for LoanFiguresJson {
    fn from(f: &LoanFigures) -> Self {
        LoanFiguresJson {
            loans: f.loans,
            amount_fen: f.amount.fen(),
            loans_this_year: f.loans_this_year,
            amount_this_year_fen: f.amount_this_year.fen(),
            outstanding: f.outstanding,
            balance_fen: f.balance.fen(),
            households_owing: f.households_owing,
            overdue: f.overdue,
            overdue_balance_fen: f.overdue_balance.fen(),
            overdue_rate: f.overdue_rate(),
            extended: f.extended,
            not_covered: f.not_covered,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoanJson {
    pub county_code: String,
    pub no: String,
    pub borrower_name: String,
    /// Masked.
    pub borrower_id: String,
    pub household_no: String,
    pub village_code: String,
    pub village_name: String,
    pub bank: Option<String>,
    pub amount_fen: i64,
    pub lent_on: String,
    pub due_on: String,
    pub balance_fen: i64,
    pub extended: bool,
    /// The household is among those its product is for (小额信贷: ex-poor or monitored).
    pub covered: bool,
    pub days_overdue: i64,
    /// 贷款产品, as the policy names it.
    pub product: String,
    /// Where it goes beyond its product's amount or term.
    pub beyond: Vec<String>,
}

impl From<&LoanRow> for LoanJson {
    fn from(l: &LoanRow) -> Self {
        LoanJson {
            county_code: l.county.to_string(),
            no: l.no.to_string(),
            borrower_name: l.borrower_name.clone(),
            borrower_id: l.borrower_masked.clone(),
            household_no: l.household_no.to_string(),
            village_code: l.village.to_string(),
            village_name: l.village_name.clone(),
            bank: l.bank.clone(),
            amount_fen: l.amount.fen(),
            lent_on: l.lent_on.to_string(),
            due_on: l.due_on.to_string(),
            balance_fen: l.balance.fen(),
            extended: l.extended,
            covered: l.covered,
            days_overdue: l.days_overdue,
            product: l.product.clone(),
            beyond: l.beyond.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoanAreaJson {
    pub code: String,
    pub name: String,
    pub figures: LoanFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoansJson {
    pub area: String,
    pub area_name: String,
    pub as_of: String,
    pub totals: LoanFiguresJson,
    pub by_area: Vec<LoanAreaJson>,
    /// Overdue loans, the longest overdue first; at most `limit`.
    pub overdue: Vec<LoanJson>,
    /// Loans to households their product is not for; at most `limit`.
    pub not_covered: Vec<LoanJson>,
    /// Each product with loans (脱贫人口小额信贷, 富民贷 …): its figures.
    pub by_product: Vec<LoanAreaJson>,
    /// Loans beyond their product's amount or term; at most `limit`.
    pub beyond: Vec<LoanJson>,
    /// How many loans go beyond their product's amount or term.
    pub beyond_count: u64,
}

#[utoipa::path(get, path = "/api/v1/loans", tag = "小额信贷",
    params(LoansParams),
    responses((status = 200, body = LoansJson, description = "The small credit loans of the area as of the day: lent, owed, overdue, outside the policy's cover (ID numbers masked)."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn loans(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<LoansParams>,
) -> Result<Json<LoansJson>, ApiError> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let q2 = LoansQuery {
        area: q.area,
        date: q.date,
    };
    let area = area_or_own(q2.area.as_deref(), caller.user.area)?;
    let r = state
        .app
        .loan_report_as(&caller, area, q2.day()?, Some(limit))
        .await?;
    Ok(Json(LoansJson {
        area: r.area.to_string(),
        area_name: r.area_name.clone(),
        as_of: r.as_of.to_string(),
        totals: (&r.totals).into(),
        by_area: r
            .by_area
            .iter()
            .map(|(code, name, f)| LoanAreaJson {
                code: code.to_string(),
                name: name.clone(),
                figures: f.into(),
            })
            .collect(),
        overdue: r.overdue.iter().map(LoanJson::from).collect(),
        not_covered: r.not_covered.iter().map(LoanJson::from).collect(),
        by_product: r
            .by_product
            .iter()
            .map(|(name, f)| LoanAreaJson {
                code: name.clone(),
                name: name.clone(),
                figures: f.into(),
            })
            .collect(),
        beyond: r.beyond.iter().map(LoanJson::from).collect(),
        beyond_count: r.beyond_count,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoanDetailJson {
    pub loan: LoanJson,
    pub purpose: Option<String>,
    pub repaid_on: Option<String>,
    /// Not repaid today.
    pub outstanding: bool,
    pub version: i64,
    /// Newest first.
    pub changes: Vec<super::projects::LedgerChangeJson>,
}

#[utoipa::path(get, path = "/api/v1/loans/{county}/{no}", tag = "小额信贷",
    params(("county" = String, Path, description = "The county's code"), ("no" = String, Path, description = "贷款合同编号")),
    responses((status = 200, body = LoanDetailJson, description = "A loan of the county's ledger with its changes (the borrower's ID number masked)."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn loan(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    axum::extract::Path((county, no)): axum::extract::Path<(String, String)>,
) -> Result<Json<LoanDetailJson>, ApiError> {
    let (county, no) = crate::pages::loans::loan_key(&county, &no)?;
    let d = state.app.loan_as(&caller, county, &no).await?;
    Ok(Json(LoanDetailJson {
        loan: (&d.row).into(),
        purpose: d.purpose.clone(),
        repaid_on: d.repaid_on.map(|d| d.to_string()),
        outstanding: d.outstanding,
        version: d.version,
        changes: d
            .changes
            .iter()
            .map(super::projects::LedgerChangeJson::from)
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdLoansParams {
    /// 县（区）代码: the household's row in that county (a household that moved away); absent:
    /// the one registered under the number.
    pub county: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/households/{no}/loans", tag = "小额信贷",
    params(("no" = String, Path, description = "户编号"), HouseholdLoansParams),
    responses((status = 200, body = [LoanJson], description = "The loans lent to the household, the latest lent first (ID numbers masked)."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn household_loans(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    axum::extract::Path(no): axum::extract::Path<String>,
    Query(q): Query<HouseholdLoansParams>,
) -> Result<Json<Vec<LoanJson>>, ApiError> {
    let no = crate::forms::household_no(&no)?;
    let at = crate::pages::households::county_param(q.county.as_deref())?;
    let d = state.app.household_at(&caller, &no, at, false).await?;
    let rows = state
        .app
        .household_loans(&caller, d.stored.county, &no)
        .await?;
    Ok(Json(rows.iter().map(LoanJson::from).collect()))
}

/// The multipart form of a loans ledger's import (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LoanLedgerForm {
    /// The ledger: xlsx, xls or CSV (UTF-8 or GBK).
    #[schema(value_type = String, format = Binary)]
    ledger: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoanImportJson {
    pub file: String,
    pub rows: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Loans taken whose household their product is not for.
    pub not_covered: u64,
    /// Loans taken beyond their product's amount or term.
    pub beyond: u64,
    /// The refused rows' problems (the first 1000; ID numbers masked).
    pub errors: Vec<RowErrorJson>,
}

impl From<&LoanImport> for LoanImportJson {
    fn from(r: &LoanImport) -> Self {
        LoanImportJson {
            file: r.file.clone(),
            rows: r.rows,
            added: r.added,
            updated: r.updated,
            unchanged: r.unchanged,
            rejected: r.rejected,
            not_covered: r.not_covered,
            beyond: r.beyond,
            errors: r.errors.iter().take(1000).map(RowErrorJson::of).collect(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/loans/import", tag = "小额信贷",
    request_body(content = LoanLedgerForm, content_type = "multipart/form-data"),
    responses((status = 200, body = LoanImportJson, description = "Loans added or updated with their history; refused rows with row, column and why."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<LoanImportJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &caller);
    let r = up
        .import_ledger(
            "小额信贷台账.csv",
            "请在 ledger 字段上传小额信贷台账文件",
            |path, name| async move { app.import_loans(caller, &path, Some(&name)).await },
        )
        .await?;
    Ok(Json((&r).into()))
}

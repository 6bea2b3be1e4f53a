//! 脱贫人口小额信贷: the loans of an area as of a day (lent, owed, overdue, outside the policy's
//! cover) per area under it, the loans overdue and those outside the cover listed (ID numbers
//! masked) and downloadable, the banks' ledger uploaded by who may import.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use zhenxing_app::loans::{LoanImport, LoanReport};
use zhenxing_domain::LedgerDate;
use zhenxing_domain::loan::LoanFigures;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::monitoring::disaster::ErrorLine;
use crate::pages::monitoring::notice::XLSX;
use crate::state::AppState;
use crate::views::{UserCtx, download, render_with, workbook};

/// Loans listed on the page, at most in each list (the workbook has them all).
pub const SHOWN: usize = 500;

#[derive(Debug, Deserialize)]
pub struct LoansQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The day (today when absent).
    pub date: Option<String>,
}

impl LoansQuery {
    pub fn day(&self) -> Result<Option<NaiveDate>, WebError> {
        match self
            .date
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(None),
            Some(d) => match LedgerDate::parse(d) {
                Ok(LedgerDate::Day(day)) => Ok(Some(day)),
                _ => Err(WebError::BadRequest(format!(
                    "日期“{d}”无效，应为如 2025-06-30 的日期"
                ))),
            },
        }
    }
}

pub struct AreaLine {
    pub code: String,
    pub name: String,
    pub f: LoanFigures,
}

#[derive(Template)]
#[template(path = "loans.html")]
struct LoansPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    r: LoanReport,
    areas: Vec<AreaLine>,
    products: Vec<AreaLine>,
    /// The policy's products, each with whom it is for, its limit and term.
    products_hint: String,
    import: Option<LoanImport>,
    errors: Vec<ErrorLine>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    r: LoanReport,
    import: Option<LoanImport>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let errors = import
        .iter()
        .flat_map(|i| i.errors.iter().take(SHOWN))
        .map(ErrorLine::of)
        .collect();
    let areas = r
        .by_area
        .iter()
        .map(|(code, name, f)| AreaLine {
            code: code.to_string(),
            name: name.clone(),
            f: *f,
        })
        .collect();
    let products = r
        .by_product
        .iter()
        .map(|(name, f)| AreaLine {
            code: name.clone(),
            name: name.clone(),
            f: *f,
        })
        .collect();
    let products_hint = r
        .rule
        .products
        .iter()
        .map(|p| {
            format!(
                "{}（{}，单户{}元以内，{}个月以内）",
                p.name,
                p.cover.label(),
                p.max_amount.yuan_string(),
                p.max_term_months
            )
        })
        .collect::<Vec<_>>()
        .join("、");
    Ok(render_with(
        status,
        &LoansPage {
            title: format!("小额信贷 · {}", r.area_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            areas,
            products,
            products_hint,
            r,
            import,
            errors,
            error,
        },
    ))
}

async fn report_of(
    state: &AppState,
    user: &PageUser,
    q: &LoansQuery,
    limit: usize,
) -> Result<LoanReport, WebError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    Ok(state
        .app
        .loan_report_as(&user.caller, area, q.day()?, Some(limit))
        .await?)
}

/// `/loans`
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<LoansQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q, SHOWN).await?;
    page(&state, &user, StatusCode::OK, r, None, None).await
}

/// POST `/loans` (multipart `ledger`, `?csrf=`): imports a loans ledger.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &user.caller);
    let result: Result<LoanImport, WebError> = up
        .import_ledger(
            "小额信贷台账.csv",
            "请选择小额信贷台账文件（xlsx、xls或CSV）",
            |path, name| async move { app.import_loans(caller, &path, Some(&name)).await },
        )
        .await;
    let own = LoansQuery {
        area: None,
        date: None,
    };
    let (import, error, status) = crate::forms::upload_outcome(result)?;
    let r = report_of(&state, &user, &own, SHOWN).await?;
    page(&state, &user, status, r, import, error).await
}

/// `/loans/xlsx`: the loans overdue and those outside the policy's cover (masked).
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<LoansQuery>,
) -> Result<Response, PageError> {
    let r = report_of(
        &state,
        &user,
        &q,
        zhenxing_ledger::write::XLSX_MAX_DATA_ROWS as usize,
    )
    .await?;
    let name = format!("{}_小额信贷_{}.xlsx", r.area_name, r.as_of);
    let bytes = workbook(move |out| r.write_xlsx(out)).await?;
    Ok(download(bytes, &name, XLSX))
}

/// The county and number of a loan's address: `NotFound` unless a county's code and a number
/// a ledger could hold.
pub fn loan_key(
    county: &str,
    no: &str,
) -> Result<(zhenxing_domain::AreaCode, zhenxing_domain::loan::LoanNo), WebError> {
    let county = crate::pages::areas::parse_area(county)?;
    if county.level() != zhenxing_domain::AreaLevel::County {
        return Err(WebError::NotFound);
    }
    let no = zhenxing_domain::loan::LoanNo::parse(no).map_err(|_| WebError::NotFound)?;
    Ok((county, no))
}

#[derive(Template)]
#[template(path = "loan.html")]
struct LoanPage {
    title: String,
    user: Option<UserCtx>,
    d: zhenxing_app::loans::LoanDetail,
}

/// `/loans/{county}/{no}`: a loan with its changes.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    axum::extract::Path((county, no)): axum::extract::Path<(String, String)>,
) -> Result<Response, PageError> {
    let (county, no) = loan_key(&county, &no)?;
    let d = state.app.loan_as(&user.caller, county, &no).await?;
    Ok(render_with(
        StatusCode::OK,
        &LoanPage {
            title: format!("贷款 {} · 小额信贷", d.row.no),
            user: Some(UserCtx::of(&state, &user).await),
            d,
        },
    ))
}

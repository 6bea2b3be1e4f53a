//! 电话抽查: a month's phone checks of the work teams of an area, the draw and each call's
//! record for who supervises the area, the cadre's whole number for who may also see personal
//! data (each view audited).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenxing_app::phone_checks::PhoneCheckReport;
use zhenxing_domain::work_team::CallResult;
use zhenxing_domain::{AreaCode, AreaLevel};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::pages::areas::{area_or_own, parse_area};
use crate::pages::attendance::AttendanceQuery as MonthQuery;
use crate::state::AppState;
use crate::views::{UserCtx, render_with};

#[derive(Template)]
#[template(path = "phone_checks.html")]
struct PhoneChecksPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    r: PhoneCheckReport,
    month: String,
    results: Vec<&'static str>,
    /// A cadre's whole number asked for: the check's county and number, the phone.
    revealed: Option<(String, i64, String)>,
    error: Option<String>,
    max_drawn: usize,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    r: PhoneCheckReport,
    revealed: Option<(String, i64, String)>,
    error: Option<String>,
) -> Result<Response, PageError> {
    Ok(render_with(
        status,
        &PhoneChecksPage {
            title: format!("电话抽查 · {}", r.area_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            month: r.from.format("%Y-%m").to_string(),
            results: CallResult::ALL.iter().map(|c| c.label()).collect(),
            r,
            revealed,
            error,
            max_drawn: zhenxing_app::phone_checks::MAX_DRAWN,
        },
    ))
}

/// The month's checks of the area a query names (the user's own when none).
async fn report_of(
    state: &AppState,
    user: &PageUser,
    q: &MonthQuery,
) -> Result<PhoneCheckReport, WebError> {
    let area = area_or_own(q.area.as_deref(), user.caller.user.area)?;
    Ok(state
        .app
        .phone_check_report_as(&user.caller, area, q.month()?)
        .await?)
}

/// `/work-teams/phone-checks`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    page(&state, &user, StatusCode::OK, r, None, None).await
}

/// `/work-teams/phone-checks/xlsx`: the month's checks and the figures per area as a workbook
/// (ID numbers and phones masked).
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let r = report_of(&state, &user, &q).await?;
    let name = format!("{}_电话抽查_{}.xlsx", r.area_name, r.from.format("%Y-%m"));
    let bytes = crate::views::workbook(move |out| r.write_xlsx(out)).await?;
    Ok(crate::views::download(
        bytes,
        &name,
        crate::pages::monitoring::notice::XLSX,
    ))
}

#[derive(Debug, Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub count: String,
}

/// POST `/work-teams/phone-checks/draw`: draws cadres in post at random, then the page.
pub async fn draw(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<DrawForm>,
) -> Result<Response, PageError> {
    let area = area_or_own(f.area.as_deref(), user.caller.user.area)?;
    let n: usize = f
        .count
        .trim()
        .parse()
        .map_err(|_| WebError::BadRequest(format!("抽查人数“{}”应为整数", f.count.trim())))?;
    match state.app.draw_phone_checks_as(&user.caller, area, n).await {
        Ok(_) => Ok(Redirect::to(&format!("/work-teams/phone-checks?area={area}")).into_response()),
        Err(zhenxing_app::AppError::Invalid(why)) => {
            let r = state
                .app
                .phone_check_report_as(&user.caller, area, None)
                .await?;
            page(&state, &user, StatusCode::BAD_REQUEST, r, None, Some(why)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A check's key in a path: its county (a county's code) and its number.
pub fn check_key(county: &str, no: &str) -> Result<(AreaCode, i64), WebError> {
    let county = parse_area(county).map_err(|_| WebError::NotFound)?;
    if county.level() != AreaLevel::County {
        return Err(WebError::NotFound);
    }
    let no = no.trim().parse::<i64>().map_err(|_| WebError::NotFound)?;
    Ok((county, no))
}

#[derive(Debug, Deserialize)]
pub struct CallForm {
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub note: String,
}

/// POST `/work-teams/phone-checks/{county}/{no}`: what the call found, then the page.
pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Path((county, no)): Path<(String, String)>,
    Form(f): Form<CallForm>,
) -> Result<Response, PageError> {
    let (county, no) = check_key(&county, &no)?;
    let result = CallResult::parse(&f.result)
        .map_err(|_| WebError::BadRequest(format!("抽查结果“{}”无效", f.result.trim())))?;
    let check = state
        .app
        .record_phone_check_as(&user.caller, county, no, result, Some(&f.note))
        .await?;
    let month = check.drawn_on.format("%Y-%m");
    Ok(Redirect::to(&format!(
        "/work-teams/phone-checks?area={}&month={month}",
        user.caller.user.area
    ))
    .into_response())
}

/// POST `/work-teams/phone-checks/{county}/{no}/phone`: the page with the cadre's whole number
/// (audited).
pub async fn phone(
    State(state): State<AppState>,
    user: PageUser,
    Path((county, no)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (county, no) = check_key(&county, &no)?;
    let number = state
        .app
        .phone_check_number_as(&user.caller, county, no)
        .await?;
    let r = state
        .app
        .phone_check_report_as(&user.caller, user.caller.user.area, None)
        .await?;
    page(
        &state,
        &user,
        StatusCode::OK,
        r,
        Some((county.to_string(), no, number)),
        None,
    )
    .await
}

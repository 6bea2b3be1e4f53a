//! Visits: a household's visit log with the 六必查 answers and photos, the visit form (photos
//! optional, JPEG or PNG up to 2 MB each), a photo, and the households due for a visit under
//! 六必访 (judged page by page; the next page by cursor).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenxing_app::monitoring::access::{Act, may};
use zhenxing_app::monitoring::visits::{DueVisit, VisitRequest};
use zhenxing_app::store::monitoring::{StoredVisit, SubjectCursor};
use zhenxing_domain::{AreaCode, HouseholdNo, Money, today_in_china};

use super::form_policy;
use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::household_no;
use crate::forms::{Upload, check_answers, past_day};
use crate::pages::areas::parse_area;
use crate::state::AppState;
use crate::views::{UserCtx, day, place, render, render_with, urlencode, wants_partial};

pub struct VisitLine {
    pub id: i64,
    pub visited_on: String,
    pub visitor: String,
    pub answers: Vec<String>,
    pub income: String,
    pub finding: String,
    pub triggers: String,
    pub photos: Vec<u32>,
    pub recorded_by: String,
}

/// A visit as its log shows it; `labels` name the policy's 六必查 codes and (as `trigger:CODE`)
/// its 六必访 codes.
pub fn visit_line(v: &StoredVisit, labels: &[(String, String)]) -> VisitLine {
    let label = |code: &str| {
        labels
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| code.trim_start_matches("trigger:").to_string())
    };
    VisitLine {
        id: v.id,
        visited_on: day(Some(v.visited_on)),
        visitor: v.visitor.clone(),
        answers: v
            .answers
            .iter()
            .map(|a| {
                format!(
                    "{}：{}{}",
                    label(&a.check),
                    if a.ok { "无问题" } else { "有问题" },
                    a.note
                        .as_deref()
                        .map(|n| format!("（{n}）"))
                        .unwrap_or_default()
                )
            })
            .collect(),
        income: v
            .per_capita_income
            .map(|m| m.to_string())
            .unwrap_or_default(),
        finding: v.finding.clone().unwrap_or_default(),
        triggers: v
            .triggers
            .iter()
            .map(|t| label(&format!("trigger:{t}")))
            .collect::<Vec<_>>()
            .join("、"),
        photos: (1..=v.photos).collect(),
        recorded_by: v.recorded_by.clone(),
    }
}

pub struct CheckItem {
    pub code: String,
    pub label: String,
    pub question: String,
}

#[derive(Template)]
#[template(path = "monitoring/visits.html")]
struct VisitsPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    no: String,
    head: String,
    lines: Vec<VisitLine>,
    may_visit: bool,
    checks: Vec<CheckItem>,
    visitor: String,
    today: String,
    error: Option<String>,
    saved: bool,
    /// A photo's largest size in bytes: larger ones are shrunk in the browser before sending.
    photo_limit: usize,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    no: &HouseholdNo,
    status: StatusCode,
    error: Option<String>,
    saved: bool,
) -> Result<Response, PageError> {
    let caller = user.caller.monitoring();
    let d = state.app.household(&user.caller, no, false).await?;
    let h = &d.stored.household;
    let policy = form_policy(state, h.village).await.ok();
    let labels: Vec<(String, String)> = policy
        .iter()
        .flat_map(|p| {
            p.visit_checks
                .iter()
                .map(|c| (c.code.clone(), c.label.clone()))
                .chain(
                    p.visit_triggers
                        .iter()
                        .map(|t| (format!("trigger:{}", t.code), t.label.clone())),
                )
        })
        .collect();
    let lines = state
        .app
        .household_visits(&caller, no)
        .await?
        .iter()
        .map(|v| visit_line(v, &labels))
        .collect();
    Ok(render_with(
        status,
        &VisitsPage {
            title: format!("走访记录 · {}户", h.head_name),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            no: h.no.to_string(),
            head: h.head_name.clone(),
            lines,
            may_visit: may(&caller, Act::RecordVisit),
            checks: policy
                .iter()
                .flat_map(|p| {
                    p.visit_checks.iter().map(|c| CheckItem {
                        code: c.code.clone(),
                        label: c.label.clone(),
                        question: c.question.clone(),
                    })
                })
                .collect(),
            visitor: user.caller.user.name.clone(),
            today: day(Some(today_in_china())),
            error,
            saved,
            photo_limit: zhenxing_domain::monitoring::visit::Photo::MAX_BYTES,
        },
    ))
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/households/{no}/visits`
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    page(&state, &user, &no, StatusCode::OK, None, q.saved.is_some()).await
}

/// The visit a form (or the API's multipart body) describes: the answers are read for the
/// 六必查 items in `codes`.
pub fn visit_request(
    no: HouseholdNo,
    up: Upload,
    codes: &[String],
    default_visitor: &str,
) -> Result<VisitRequest, WebError> {
    let f = &up.fields;
    let per_capita_income = f
        .get("per_capita_income")
        .map(|s| Money::parse_yuan(s).map_err(|e| WebError::BadRequest(format!("人均纯收入：{e}"))))
        .transpose()?;
    Ok(VisitRequest {
        household: no,
        visited_on: past_day("走访日期", f.get("visited_on"))?,
        visitor: f.get("visitor").unwrap_or(default_visitor).to_string(),
        answers: check_answers(f, codes),
        per_capita_income,
        finding: f.get("finding").map(str::to_string),
        photos: up.files_named("photos").map(<[u8]>::to_vec).collect(),
    })
}

/// POST `/households/{no}/visits` (multipart, `?csrf=`): records the visit with its photos.
pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let caller = user.caller.monitoring();
    let up = Upload::read(multipart).await?;
    let d = state.app.household(&user.caller, &no, false).await?;
    let codes: Vec<String> = form_policy(&state, d.stored.household.village)
        .await
        .map(|p| p.visit_checks.iter().map(|c| c.code.clone()).collect())
        .unwrap_or_default();
    let result = match visit_request(no.clone(), up, &codes, &user.caller.user.name) {
        Ok(req) => state
            .app
            .record_visit(&caller, req)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/households/{no}/visits?saved=1")).into_response()),
        Err(e) if e.status() == StatusCode::NOT_FOUND => Err(PageError(e)),
        Err(e) => page(&state, &user, &no, e.status(), Some(e.message()), false).await,
    }
}

/// A visit's photo, for those who may see the household.
pub async fn photo_response(
    state: &AppState,
    caller: &zhenxing_app::monitoring::Caller,
    visit: &str,
    seq: &str,
) -> Result<Response, WebError> {
    let (Ok(visit), Ok(seq)) = (visit.parse::<i64>(), seq.parse::<u32>()) else {
        return Err(WebError::NotFound);
    };
    let (kind, bytes) = state
        .app
        .visit_photo(caller, visit, seq)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut r = (StatusCode::OK, bytes).into_response();
    let kind = match kind.as_str() {
        "image/png" => "image/png",
        _ => "image/jpeg",
    };
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    Ok(r)
}

/// `/monitoring/visits/{id}/photos/{seq}`
pub async fn photo(
    State(state): State<AppState>,
    user: PageUser,
    Path((visit, seq)): Path<(String, String)>,
) -> Result<Response, PageError> {
    Ok(photo_response(&state, &user.caller.monitoring(), &visit, &seq).await?)
}

/// Due-for-visit pages: `after` is the last (village, 户编号) shown.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The cursor of the next page (`next_page` of the previous answer).
    pub after: Option<String>,
}

pub fn due_cursor_text(c: &SubjectCursor) -> String {
    format!("{}_{}", c.0, c.1)
}

pub fn parse_due_cursor(s: &str) -> Result<SubjectCursor, WebError> {
    let bad = || WebError::BadRequest("分页位置无效".into());
    let (v, no) = s.split_once('_').ok_or_else(bad)?;
    Ok((
        AreaCode::parse(v).map_err(|_| bad())?,
        HouseholdNo::parse(no).map_err(|_| bad())?,
    ))
}

pub struct DueRow {
    pub no: String,
    pub head: String,
    pub place: String,
    pub reasons: Vec<String>,
    pub last_visit: String,
    pub due: String,
}

pub struct DueView {
    pub area_name: String,
    pub rows: Vec<DueRow>,
    pub next_href: Option<String>,
    pub today: String,
}

#[derive(Template)]
#[template(path = "monitoring/visits_due.html")]
struct DuePage {
    title: String,
    user: Option<UserCtx>,
    v: DueView,
}

#[derive(Template)]
#[template(path = "monitoring/visits_due_rows.html")]
struct DuePartial {
    v: DueView,
}

/// Rows on a page of the due-for-visit list.
const DUE_PAGE: u32 = 50;

pub fn due_row(tree: &zhenxing_domain::DivisionTree, d: &DueVisit) -> DueRow {
    DueRow {
        no: d.household_no.to_string(),
        head: d.head_name.clone(),
        place: place(tree, d.village),
        reasons: d
            .hits
            .iter()
            .map(|h| format!("{}：{}", h.label, h.detail))
            .collect(),
        last_visit: day(d.last_visit),
        due: day(Some(d.due)),
    }
}

/// `/monitoring/visits-due`
pub async fn due(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Query(q): Query<DueQuery>,
) -> Result<Response, PageError> {
    let caller = user.caller.monitoring();
    let area = match q.area.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => parse_area(a)?,
        None => user.caller.user.area,
    };
    let after = q
        .after
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(parse_due_cursor)
        .transpose()?;
    let today = today_in_china();
    let (due, next) = state
        .app
        .due_for_visit(&caller, Some(area), today, DUE_PAGE, after)
        .await?;
    let tree = state.app.tree().await;
    let v = DueView {
        area_name: tree.name(area).unwrap_or("").to_string(),
        rows: due.iter().map(|d| due_row(&tree, d)).collect(),
        next_href: next.map(|c| {
            format!(
                "/monitoring/visits-due?area={area}&after={}",
                urlencode(&due_cursor_text(&c))
            )
        }),
        today: day(Some(today)),
    };
    if wants_partial(&headers) {
        return Ok(render(&DuePartial { v }));
    }
    Ok(render(&DuePage {
        title: format!("待走访农户 · {}", v.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        v,
    }))
}

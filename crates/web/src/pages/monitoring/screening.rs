//! Department screening (DOMAIN §6): a county, city or province user, or a department's data
//! operator, uploads a department's file of a kind the policy describes; the persons are matched
//! against the registry, each household the kind's rule flags becomes a clue (and an
//! identification case with its deadline) or joins the household's open clue, and the unreadable
//! rows and unmatched persons come back with their row and reason. Each batch keeps its results,
//! listed per area and exported as xlsx.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use zhenxing_app::monitoring::Caller;
use zhenxing_app::monitoring::screening::{
    PROBLEM_GROUPS, ScreeningReport, ScreeningRequest, problem_group, view_area,
};
use zhenxing_app::store::screening::{
    ResultCursor, ScreeningResult, StoredScreening, outcome_label,
};
use zhenxing_domain::screening::ColumnType;
use zhenxing_domain::{AreaCode, AreaLevel, DivisionTree, HouseholdNo, PolicyYear, today_in_china};
use zhenxing_ledger::write::Disclosure;

use crate::auth::PageUser;
use crate::error::{PageError, WebError, internal};
use crate::forms::{SavedUpload, declared_length, past_day};
use crate::pages::areas::parse_area;
use crate::pages::households::Choice;
use crate::pages::monitoring::disaster::{ErrorLine, SHOWN};
use crate::pages::monitoring::notice::XLSX;
use crate::progress::{ProgressQuery, WorkProgress, reporter};
use crate::state::AppState;
use crate::views::{UserCtx, day, download, place, render_with};

/// Results per page.
pub const PAGE: u32 = 100;

pub struct BatchRow {
    pub id: i64,
    pub kind: String,
    pub source: String,
    pub file_name: String,
    pub area: String,
    pub found_on: String,
    pub rows: u64,
    pub matched: u64,
    pub unmatched: u64,
    pub rejected: u64,
    pub hits: u64,
    pub created: u64,
    pub attached: u64,
    pub actor: String,
    pub rule: String,
    pub policy: String,
}

fn batch_row(tree: &DivisionTree, b: &StoredScreening) -> BatchRow {
    BatchRow {
        id: b.id,
        kind: b.kind_label.clone(),
        source: b.source.clone(),
        file_name: b.file_name.clone(),
        area: b
            .area
            .map(|a| place(tree, a))
            .unwrap_or_else(|| "全部".into()),
        found_on: day(Some(b.found_on)),
        rows: b.counts.rows,
        matched: b.counts.matched,
        unmatched: b.counts.unmatched,
        rejected: b.counts.rejected,
        hits: b.counts.hits,
        created: b.counts.created,
        attached: b.counts.attached,
        actor: b.actor.clone(),
        rule: b.rule.clone(),
        policy: b.policy.to_string(),
    }
}

#[derive(Template)]
#[template(path = "monitoring/screening.html")]
struct ScreeningPage {
    title: &'static str,
    user: Option<UserCtx>,
    csrf: String,
    today: String,
    kinds: Vec<Choice>,
    /// The kind's columns and rule, one line per kind.
    kind_notes: Vec<String>,
    batches: Vec<BatchRow>,
    report: Option<BatchRow>,
    /// Totals and signature rows of the file just screened, skipped.
    notes: u64,
    /// Rows of the file just screened whose name is not the one registered for the ID number.
    names_differ: usize,
    problems: Vec<ErrorLine>,
    problems_total: usize,
    error: Option<String>,
    /// Names the next screening's progress (`/progress/{token}`).
    progress_token: String,
}

/// The kinds of the policy in force for the user's province this year.
async fn kinds(state: &AppState, area: AreaCode) -> (Vec<Choice>, Vec<String>) {
    let year = chrono::Datelike::year(&today_in_china());
    let (Some(province), Some(year)) = (
        area.ancestor(AreaLevel::Province),
        u16::try_from(year)
            .ok()
            .and_then(|y| PolicyYear::new(y).ok()),
    ) else {
        return (Vec::new(), Vec::new());
    };
    let Ok(p) = state.app.policy_in_force(province, year).await else {
        return (Vec::new(), Vec::new());
    };
    let choices = p
        .policy
        .screening
        .iter()
        .map(|k| Choice {
            value: k.code.clone(),
            label: format!("{}（{}）", k.label, k.department),
            selected: false,
        })
        .collect();
    let notes = p
        .policy
        .screening
        .iter()
        .map(|k| {
            let cols: Vec<String> = k
                .columns
                .iter()
                .map(|c| {
                    let mut notes = Vec::new();
                    if let Some(n) = c.fallback_names.first() {
                        notes.push(format!("或{n}"));
                    }
                    if let Some(w) = &c.within
                        && let Some(n) = k
                            .column_index(&w.field)
                            .and_then(|i| k.columns[i].fallback_names.first())
                    {
                        notes.push(format!("无此列时由{n}第{}位读出", w.at));
                    }
                    match (c.column_type, c.required) {
                        (ColumnType::Name, _) => notes.push("可选，与户籍登记的姓名比对".into()),
                        (_, false) => notes.push("可选".into()),
                        _ => {}
                    }
                    if notes.is_empty() {
                        c.header().to_string()
                    } else {
                        format!("{}（{}）", c.header(), notes.join("，"))
                    }
                })
                .collect();
            format!(
                "{}：列 {}；规则：{}",
                k.label,
                cols.join("、"),
                k.rule_text(p.policy.threshold)
            )
        })
        .collect();
    (choices, notes)
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    report: Option<ScreeningReport>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let m = user.caller.monitoring();
    let tree = state.app.tree().await;
    let batches = state
        .app
        .screenings(&m, 50)
        .await
        .map_err(WebError::from)?
        .iter()
        .map(|b| batch_row(&tree, b))
        .collect();
    let (kinds, kind_notes) = kinds(state, user.caller.user.area).await;
    let problems_total = report.as_ref().map_or(0, |r| r.problems.len());
    let notes = report.as_ref().map_or(0, |r| r.notes);
    let names_differ = report.as_ref().map_or(0, |r| r.problems.names_differ());
    let problems = report
        .iter()
        .flat_map(|r| r.problems.iter().take(SHOWN))
        .map(|e| ErrorLine::of(&e))
        .collect();
    Ok(render_with(
        status,
        &ScreeningPage {
            title: "部门数据筛查",
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            today: day(Some(today_in_china())),
            kinds,
            kind_notes,
            batches,
            report: report.map(|r| {
                let mut row = batch_row(&tree, &r.screening);
                row.created = r.counts.created;
                row.attached = r.counts.attached;
                row
            }),
            notes,
            names_differ,
            problems,
            problems_total,
            error,
            progress_token: zhenxing_app::auth::random_hex(16).unwrap_or_default(),
        },
    ))
}

/// `/monitoring/screening`: the batches and the upload form.
pub async fn index(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    page(&state, &user, StatusCode::OK, None, None).await
}

/// The batch's fields and its file, saved as it arrived (its name keeps the extension).
fn request_of(up: &SavedUpload) -> Result<ScreeningRequest, WebError> {
    let f = &up.fields;
    let Some((_, _, path)) = up.files.iter().find(|(n, _, _)| n == "file") else {
        return Err(WebError::BadRequest(
            "请选择部门数据文件（xlsx或CSV）".into(),
        ));
    };
    let kind = f
        .get("kind")
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| WebError::BadRequest("请选择数据种类，如 医保结算".into()))?;
    let area = match f.get("area").filter(|a| !a.trim().is_empty()) {
        Some(a) => Some(
            AreaCode::parse(a.trim())
                .map_err(|e| WebError::BadRequest(format!("筛查范围：{e}")))?,
        ),
        None => None,
    };
    Ok(ScreeningRequest {
        kind: kind.trim().to_string(),
        file: path.clone(),
        area,
        found_on: past_day("筛查日期", f.get("date"))?,
        source: f
            .get("source")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    })
}

/// POST `/monitoring/screening` (multipart, `?csrf=`)
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ProgressQuery>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, PageError> {
    // The page's script shows this while the answer is awaited (see `progress`).
    let reporting = q.reporting(&state.progress, user.caller.user.id);
    let work = reporting.as_ref().map(|r| &*r.0);
    let result = screen_upload(
        &state,
        &user.caller,
        multipart,
        declared_length(&headers),
        work,
    )
    .await;
    if let Some(r) = reporting {
        r.done(result.is_ok());
    }
    match result {
        Ok(report) => page(&state, &user, StatusCode::OK, Some(report), None).await,
        Err(e) if e.status() == StatusCode::FORBIDDEN => Err(PageError(e)),
        Err(e) => page(&state, &user, e.status(), None, Some(e.message())).await,
    }
}

/// Saves an uploaded department file (its `file` field, with its `kind`) and screens it as
/// `caller`: the page's and the API's upload alike.
pub(crate) async fn screen_upload(
    state: &AppState,
    caller: &zhenxing_app::auth::Caller,
    multipart: Multipart,
    declared: u64,
    work: Option<&WorkProgress>,
) -> Result<ScreeningReport, WebError> {
    let dir = tempfile::tempdir().map_err(internal)?;
    let up = SavedUpload::read(
        multipart,
        dir.path(),
        &["file"],
        work.map(|w| (w, declared)),
    )
    .await?;
    let req = request_of(&up)?;
    Ok(state
        .app
        .screen_reporting(&caller.monitoring(), &req, reporter(work))
        .await?)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Area code; the batch's area (or the caller's) when absent.
    pub area: Option<String>,
    /// `VILLAGE-户编号` of the last row of the previous page.
    pub after: Option<String>,
}

/// Parses `after` as written by [`cursor_text`].
pub fn parse_cursor(s: Option<&str>) -> Result<Option<ResultCursor>, WebError> {
    let Some(s) = s.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || WebError::BadRequest(format!("翻页参数有误：{s}"));
    let (village, no) = s.split_once('-').ok_or_else(bad)?;
    Ok(Some((
        AreaCode::parse(village).map_err(|_| bad())?,
        HouseholdNo::parse(no).map_err(|_| bad())?,
    )))
}

pub fn cursor_text(r: &ScreeningResult) -> String {
    format!("{}-{}", r.village, r.no)
}

/// The area a results request is about ([`view_area`]), from the query's text.
pub fn results_area(
    caller: &Caller,
    batch_area: Option<AreaCode>,
    asked: Option<&str>,
) -> Result<AreaCode, WebError> {
    let asked = asked
        .filter(|a| !a.is_empty())
        .map(parse_area)
        .transpose()?;
    Ok(view_area(caller, batch_area, asked)?)
}

pub struct ResultLine {
    pub village: String,
    pub no: String,
    pub head_name: String,
    pub outcome: &'static str,
    pub clue: Option<i64>,
    pub case: Option<i64>,
    pub figures: String,
    pub members: String,
}

fn result_line(tree: &DivisionTree, r: &ScreeningResult) -> ResultLine {
    ResultLine {
        village: place(tree, r.village),
        no: r.no.to_string(),
        head_name: r.head_name.clone(),
        outcome: outcome_label(r.outcome),
        clue: r.clue,
        case: r.case,
        figures: r
            .figures
            .iter()
            .map(|f| format!("{}：{}", f.label, f.value))
            .collect::<Vec<_>>()
            .join("；"),
        // Masked: the household's page reveals a whole number, audited, to a role that may.
        members: r
            .members
            .iter()
            .map(|m| m.masked())
            .collect::<Vec<_>>()
            .join("、"),
    }
}

#[derive(Template)]
#[template(path = "monitoring/screening_results.html")]
struct ResultsPage {
    title: String,
    user: Option<UserCtx>,
    batch: BatchRow,
    area: String,
    area_name: String,
    /// The area's households that crossed the rule, by what became of them.
    outcomes: String,
    /// The areas one level down, to narrow the list.
    children: Vec<Choice>,
    rows: Vec<ResultLine>,
    next: Option<String>,
    /// The rows of the file that did not enter the batch, by reason: for a caller who sees the
    /// whole batch.
    problems: Option<String>,
    problems_link: bool,
}

/// "未纳入的行共N条：户籍信息中没有此人a条；…。" for a batch's kept problems.
fn problems_line(kept: Option<u64>, counts: &[(String, u64)]) -> (String, bool) {
    match kept {
        None => (
            "本批次筛查时尚未保存未纳入的行（明细见当时的筛查报告）。".to_string(),
            false,
        ),
        Some(0) => ("文件的行全部纳入了筛查。".to_string(), false),
        Some(total) => {
            let mut by = [0u64; PROBLEM_GROUPS.len()];
            for (code, n) in counts {
                by[problem_group(code)] += n;
            }
            let parts: Vec<String> = PROBLEM_GROUPS
                .iter()
                .zip(by)
                .filter(|(_, n)| *n > 0)
                .map(|((_, label), n)| format!("{label}{n}条"))
                .collect();
            (
                format!("未纳入的行共{total}条：{}。", parts.join("；")),
                true,
            )
        }
    }
}

/// "触发规则N户：新线索，已进入识别a户；…" for an area's results.
fn outcomes_line(outcomes: &[(i64, u64)]) -> String {
    let total: u64 = outcomes.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = outcomes
        .iter()
        .map(|(code, n)| format!("{}{n}户", outcome_label(*code)))
        .collect();
    if parts.is_empty() {
        "触发规则0户".to_string()
    } else {
        format!("触发规则{total}户：{}", parts.join("；"))
    }
}

/// `/monitoring/screening/{id}`: a batch's results under an area, a page at a time.
pub async fn results(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, PageError> {
    let m = user.caller.monitoring();
    let asked = q.area.as_deref().filter(|a| !a.is_empty());
    let view = state
        .app
        .screening_view(
            &m,
            id,
            asked.map(parse_area).transpose()?,
            parse_cursor(q.after.as_deref())?.as_ref(),
            PAGE,
        )
        .await
        .map_err(WebError::from)?;
    let (batch, area, rows) = (view.batch, view.area, view.results);
    let (problems, problems_link) = match &view.problems {
        Some(counts) => {
            let (line, link) = problems_line(batch.problems, counts);
            (Some(line), link)
        }
        None => (None, false),
    };
    let tree = state.app.tree().await;
    let next = (rows.len() == PAGE as usize)
        .then(|| rows.last().map(cursor_text))
        .flatten();
    let children = tree
        .children(area)
        .iter()
        .map(|c| Choice {
            value: c.to_string(),
            label: tree.name(*c).unwrap_or("").to_string(),
            selected: false,
        })
        .collect();
    Ok(render_with(
        StatusCode::OK,
        &ResultsPage {
            title: format!("筛查结果 · 批次{}", batch.id),
            user: Some(UserCtx::of(&state, &user).await),
            batch: batch_row(&tree, &batch),
            area: area.to_string(),
            area_name: place(&tree, area),
            outcomes: outcomes_line(&view.outcomes),
            children,
            rows: rows.iter().map(|r| result_line(&tree, r)).collect(),
            next,
            problems,
            problems_link,
        },
    ))
}

/// The batch if the caller may see it ("not found" otherwise).
pub async fn batch_of(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<StoredScreening, WebError> {
    state
        .app
        .screening(caller, id)
        .await
        .map_err(WebError::from)?
        .ok_or(WebError::NotFound)
}

/// `/monitoring/screening/{id}/xlsx?area=`: the results under an area as xlsx (ID numbers
/// masked).
pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, PageError> {
    let m = user.caller.monitoring();
    let batch = batch_of(&state, &m, id).await?;
    let area = results_area(&m, batch.area, q.area.as_deref())?;
    let dir = tempfile::tempdir().map_err(internal)?;
    let path = dir.path().join("筛查结果.xlsx");
    state
        .app
        .export_screening_results(&m, id, area, &path, Disclosure::Masked)
        .await
        .map_err(WebError::from)?;
    let bytes = tokio::fs::read(&path).await.map_err(internal)?;
    Ok(download(
        bytes,
        &format!(
            "{}筛查结果_批次{}_{}.xlsx",
            batch.kind_label, batch.id, area
        ),
        XLSX,
    ))
}

/// `/monitoring/screening/{id}/problems/xlsx`: the rows of a batch's file that did not enter it,
/// for a caller who sees the whole batch (ID numbers masked, as they are kept).
pub async fn problems_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let m = user.caller.monitoring();
    let batch = batch_of(&state, &m, id).await?;
    let dir = tempfile::tempdir().map_err(internal)?;
    let path = dir.path().join("未纳入的行.xlsx");
    state
        .app
        .export_screening_problems(&m, id, &path)
        .await
        .map_err(WebError::from)?;
    let bytes = tokio::fs::read(&path).await.map_err(internal)?;
    Ok(download(
        bytes,
        &format!("{}筛查未纳入的行_批次{}.xlsx", batch.kind_label, batch.id),
        XLSX,
    ))
}

//! The policy in force for the user's province and a year, its stored versions, and for the
//! province administrator the editor: an edited file is checked (every problem with its key,
//! line and reason in Chinese) and stored as the next version only when it passes.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;
use zhenxing_app::AppError;
use zhenxing_app::monitoring::MonitoringFailure;
use zhenxing_app::monitoring::access::{Act, may};
use zhenxing_app::monitoring::policy::check_policy;
use zhenxing_domain::policy::{Counting, Period, Policy, PolicyError, WholeFrom};
use zhenxing_domain::{AreaCode, PolicyYear, today_in_china};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::Fields;
use crate::state::AppState;
use crate::views::{UserCtx, render, render_with, wants_partial};

pub struct Line {
    pub label: String,
    pub value: String,
}

pub struct VersionRow {
    pub version: u32,
    pub by: String,
    pub at: String,
    pub note: String,
}

pub struct ProblemRow {
    pub key: String,
    pub line: String,
    pub problem: String,
}

pub fn problem_rows(errors: &[PolicyError]) -> Vec<ProblemRow> {
    errors
        .iter()
        .map(|e| ProblemRow {
            key: e.key.clone(),
            line: e.line.map(|l| l.to_string()).unwrap_or_default(),
            problem: e.problem.to_string(),
        })
        .collect()
}

/// The result of checking an edited file.
pub struct CheckResult {
    pub passed: Option<String>,
    pub problems: Vec<ProblemRow>,
}

#[derive(Template)]
#[template(path = "monitoring/policy_check.html")]
struct CheckPartial {
    c: CheckResult,
}

#[derive(Template)]
#[template(path = "monitoring/policy.html")]
struct PolicyPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    province: String,
    year: u16,
    years: Vec<u16>,
    version: String,
    summary: Vec<Line>,
    content: String,
    versions: Vec<VersionRow>,
    may_edit: bool,
    edit_text: String,
    note: String,
    check: Option<CheckResult>,
    error: Option<String>,
    saved: Option<String>,
}

fn period(p: Period) -> String {
    format!(
        "{}个{}",
        p.days,
        match p.counting {
            Counting::Calendar => "自然日",
            Counting::Working => "工作日",
        }
    )
}

/// The policy as lines a reader can check against the province's document.
pub fn summary(p: &Policy) -> Vec<Line> {
    let d = &p.deadlines;
    let line = |label: &str, value: String| Line {
        label: label.to_string(),
        value,
    };
    let join = |v: Vec<&str>| v.join("、");
    vec![
        line("名称", p.title.clone()),
        line("说明", p.note.clone().unwrap_or_default()),
        line("监测范围（人均纯收入）", format!("{}元", p.threshold)),
        line("入户核实", period(d.home_visit)),
        line("数据比对", period(d.comparison)),
        line("民主评议", period(d.village_review)),
        line("村内公示不少于", period(p.notice)),
        line("乡镇审核", period(d.township_review)),
        line("县级审批", period(d.county_approval)),
        line(
            "识别全程",
            format!(
                "{}（自{}起）",
                period(d.whole),
                match d.whole_from {
                    WholeFrom::Clue => "发现线索",
                    WholeFrom::Visit => "入户核实",
                }
            ),
        ),
        line("部门预警核实", period(d.warning_verification)),
        line("识别后落实开发式措施", period(d.development_measure)),
        line(
            "工作日历",
            format!(
                "节假日{}天，调休上班{}天",
                p.calendar.holidays().count(),
                p.calendar.workdays().count()
            ),
        ),
        line(
            "六必访",
            format!(
                "{}（再访间隔{}）",
                join(p.visit_triggers.iter().map(|t| t.label.as_str()).collect()),
                period(p.visit_interval)
            ),
        ),
        line(
            "六必查",
            join(p.visit_checks.iter().map(|c| c.label.as_str()).collect()),
        ),
        line(
            "七不消",
            p.blockers
                .iter()
                .enumerate()
                .map(|(i, b)| format!("{}. {}", i + 1, b.label))
                .collect::<Vec<_>>()
                .join("；"),
        ),
        line(
            "措施目录",
            format!("{}类{}项", p.measure_categories.len(), p.measures.len()),
        ),
        line("绿色通道风险", p.green_channel_risks.to_string()),
        line(
            "脱贫村核查比例",
            format!(
                "{}.{:02}%",
                p.village_ratio.limit_basis_points / 100,
                p.village_ratio.limit_basis_points % 100
            ),
        ),
    ]
}

#[derive(Deserialize)]
pub struct PolicyQuery {
    year: Option<String>,
    province: Option<String>,
    saved: Option<String>,
}

/// The user's province (a province code given must be it).
pub fn province_of_user(user: &PageUser, given: Option<&str>) -> Result<AreaCode, WebError> {
    let own = Policy::province_of(user.caller.user.area).ok_or(WebError::NotFound)?;
    match given.filter(|g| !g.is_empty()) {
        Some(g) if AreaCode::parse(g).ok() != Some(own) => Err(WebError::NotFound),
        _ => Ok(own),
    }
}

fn year_param(s: Option<&str>) -> Result<PolicyYear, WebError> {
    let y = match s.filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse::<u16>()
            .map_err(|_| WebError::BadRequest(format!("年度无效：{s}")))?,
        None => u16::try_from(today_in_china().year()).unwrap_or(2025),
    };
    PolicyYear::new(y).map_err(|e| WebError::BadRequest(e.to_string()))
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    user: &PageUser,
    province: AreaCode,
    year: PolicyYear,
    status: StatusCode,
    edit: Option<(String, String)>,
    check: Option<CheckResult>,
    error: Option<String>,
    saved: Option<String>,
) -> Result<Response, PageError> {
    let found = state.app.policy_in_force(province, year).await;
    let (version, summary_lines, content) = match &found {
        Ok(f) => (f.version_label(), summary(&f.policy), f.content.clone()),
        Err(AppError::Monitoring(MonitoringFailure::NoPolicy { .. })) => {
            ("本年度尚无政策文件".to_string(), Vec::new(), String::new())
        }
        Err(_) => {
            return Err(found
                .err()
                .map(WebError::from)
                .unwrap_or(WebError::NotFound)
                .into());
        }
    };
    let versions = state
        .app
        .policy_versions(province, year)
        .await?
        .into_iter()
        .map(|v| VersionRow {
            version: v.policy.version,
            by: v.created_by,
            at: zhenxing_app::browse::china_time(&v.created_at),
            note: v.note.unwrap_or_default(),
        })
        .collect();
    let this_year = u16::try_from(today_in_china().year()).unwrap_or(2025);
    let (edit_text, note) = edit.unwrap_or_else(|| (content.clone(), String::new()));
    Ok(render_with(
        status,
        &PolicyPage {
            title: format!("政策参数 · {}年", year.get()),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            province: province.prefix(),
            year: year.get(),
            years: (2021..=this_year + 1).rev().collect(),
            version,
            summary: summary_lines,
            content,
            versions,
            may_edit: may(&user.caller.monitoring(), Act::ManagePolicy),
            edit_text,
            note,
            check,
            error,
            saved,
        },
    ))
}

/// `/monitoring/policy?year=`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PolicyQuery>,
) -> Result<Response, PageError> {
    let province = province_of_user(&user, q.province.as_deref())?;
    let year = year_param(q.year.as_deref())?;
    let saved = q
        .saved
        .map(|v| format!("已存为第{v}版，此后的决定按新版本办理。"));
    page(
        &state,
        &user,
        province,
        year,
        StatusCode::OK,
        None,
        None,
        None,
        saved,
    )
    .await
}

pub fn check_result(text: &str) -> CheckResult {
    match check_policy(text) {
        Ok(p) => CheckResult {
            passed: Some(format!(
                "检查通过：{}（{}省{}年，监测范围{}元）",
                p.title,
                p.province.prefix(),
                p.year,
                p.threshold
            )),
            problems: Vec::new(),
        },
        Err(errors) => CheckResult {
            passed: None,
            problems: problem_rows(&errors),
        },
    }
}

/// POST `/monitoring/policy/check`: the problems of an edited file (an htmx fragment, or the
/// page with them).
pub async fn check(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body)?;
    let province = province_of_user(&user, None)?;
    let text = f.text("content");
    let c = check_result(&text);
    if wants_partial(&headers) {
        return Ok(render(&CheckPartial { c }));
    }
    let year = year_param(f.get("year"))?;
    page(
        &state,
        &user,
        province,
        year,
        StatusCode::OK,
        Some((text, f.text("note"))),
        Some(c),
        None,
        None,
    )
    .await
}

/// POST `/monitoring/policy`: stores a checked file as the next version.
pub async fn save(
    State(state): State<AppState>,
    user: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body)?;
    let province = province_of_user(&user, None)?;
    let text = f.text("content");
    let note = f.get("note");
    match state
        .app
        .set_policy(&user.caller.monitoring(), &text, note)
        .await
    {
        Ok(stored) => Ok(Redirect::to(&format!(
            "/monitoring/policy?year={}&saved={}",
            stored.policy.year, stored.policy.version
        ))
        .into_response()),
        Err(AppError::Monitoring(MonitoringFailure::Policy(errors))) => {
            let year = year_param(f.get("year"))?;
            page(
                &state,
                &user,
                province,
                year,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((text, f.text("note"))),
                Some(CheckResult {
                    passed: None,
                    problems: problem_rows(&errors),
                }),
                Some(format!("政策文件有{}处错误，未保存。", errors.len())),
                None,
            )
            .await
        }
        Err(e) => {
            let e = WebError::from(e);
            if e.status() == StatusCode::FORBIDDEN {
                return Err(PageError(e));
            }
            let year = year_param(f.get("year"))?;
            page(
                &state,
                &user,
                province,
                year,
                e.status(),
                Some((text, f.text("note"))),
                None,
                Some(e.message()),
                None,
            )
            .await
        }
    }
}

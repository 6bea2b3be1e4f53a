//! Dispatch reports (调度): build the snapshot of an area as of a date, issue it (frozen from then
//! on), list the issued ones, view one with the change since the previous report, download
//! either as xlsx in the national column layout (one sheet per level below).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use zhenxing_app::report::{COLUMNS, Report, ReportRow, ReportValue, write_report_xlsx};
use zhenxing_domain::stats::{BasisPoints, Counts, Work};
use zhenxing_domain::{AreaLevel, Permission};

use crate::auth::PageUser;
use crate::error::{PageError, WebError, internal};
use crate::forms::Fields;
use crate::pages::dashboard::{DashboardQuery, pct_text};
use crate::pages::monitoring::notice::XLSX;
use crate::state::AppState;
use crate::views::{UserCtx, day, download, render};

pub struct SummaryRow {
    pub label: &'static str,
    pub now: String,
    pub before: String,
    pub change: String,
}

pub struct LevelRow {
    pub code: String,
    pub name: String,
    pub values: Vec<String>,
}

pub struct OverRow {
    pub code: String,
    pub name: String,
    pub not_eliminated: u64,
    pub base: u64,
    pub share: String,
}

pub struct ReportView {
    pub id: Option<i64>,
    pub area_code: String,
    pub title: String,
    pub as_of: String,
    pub as_of_param: String,
    pub issued: String,
    pub previous: String,
    pub summary: Vec<SummaryRow>,
    pub headers: Vec<&'static str>,
    pub level_label: &'static str,
    pub rows: Vec<LevelRow>,
    pub deeper: Vec<(&'static str, usize)>,
    pub ratio: String,
    pub only_ex_poor: bool,
    pub over: Vec<OverRow>,
    /// 务工就业 (a report of its own day): its heading and rows.
    pub employment: Option<(String, Vec<EmploymentRow>)>,
    pub employment_headers: [&'static str; 8],
}

pub struct EmploymentRow {
    pub code: String,
    pub name: String,
    pub values: [String; 8],
    pub behind: bool,
}

pub fn value_text(v: ReportValue) -> String {
    match v {
        ReportValue::Count(n) => n.to_string(),
        ReportValue::Percent(p) => pct_text(p),
        ReportValue::Days(d) => days_text(d),
    }
}

/// A number of days (`14`, `14.5`), `—` when there is nothing to measure.
pub fn days_text(d: Option<f64>) -> String {
    match d {
        Some(d) if d.fract() == 0.0 => format!("{d:.0}"),
        Some(d) => format!("{d:.1}"),
        None => "—".into(),
    }
}

/// The change of a count (`+3`, `-1`, `0`); a rate's change in percentage points.
fn change_text(now: ReportValue, before: ReportValue) -> String {
    match (now, before) {
        (ReportValue::Count(a), ReportValue::Count(b)) => {
            let d = a as i128 - b as i128;
            if d > 0 {
                format!("+{d}")
            } else {
                d.to_string()
            }
        }
        (ReportValue::Percent(Some(a)), ReportValue::Percent(Some(b))) => {
            format!("{:+.2}个百分点", (a - b) * 100.0)
        }
        (ReportValue::Days(Some(a)), ReportValue::Days(Some(b))) => {
            format!("{:+}天", a - b)
        }
        _ => String::new(),
    }
}

pub fn report_view(r: &Report) -> ReportView {
    let c = &r.content;
    let own_of = |rows: &[ReportRow]| {
        rows.iter()
            .find(|x| x.code == c.area)
            .map(|x| (x.counts(), x.work.clone()))
    };
    let (own, own_work) = own_of(&c.rows).unwrap_or_default();
    let before: Option<(Counts, Work)> = r.previous.as_ref().and_then(|(_, p)| own_of(&p.rows));
    let summary = COLUMNS
        .iter()
        .map(|(label, f)| SummaryRow {
            label,
            now: value_text(f(&own, &own_work)),
            before: before
                .as_ref()
                .map(|(b, bw)| value_text(f(b, bw)))
                .unwrap_or_default(),
            change: before
                .as_ref()
                .map(|(b, bw)| change_text(f(&own, &own_work), f(b, bw)))
                .unwrap_or_default(),
        })
        .collect();
    let next = c.area.level().child();
    let rows = c
        .rows
        .iter()
        .filter(|x| Some(x.level) == next.map(AreaLevel::number))
        .map(|x| {
            let counts = x.counts();
            LevelRow {
                code: x.code.to_string(),
                name: x.name.clone(),
                values: COLUMNS
                    .iter()
                    .map(|(_, f)| value_text(f(&counts, &x.work)))
                    .collect(),
            }
        })
        .collect();
    let deeper = AreaLevel::ALL
        .iter()
        .filter(|l| Some(**l) > next)
        .map(|l| {
            (
                l.label(),
                c.rows.iter().filter(|x| x.level == l.number()).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    ReportView {
        id: r.issued.as_ref().map(|m| m.id),
        area_code: c.area.to_string(),
        title: format!("{} 防止返贫监测帮扶调度表", c.area_name),
        as_of: c.as_of.format("%Y年%-m月%-d日").to_string(),
        as_of_param: day(Some(c.as_of)),
        issued: match &r.issued {
            Some(m) => format!(
                "第{}号，{}于{}发布（已冻结）",
                m.id,
                m.issued_by,
                zhenxing_app::browse::china_time(&m.issued_at)
            ),
            None => "未发布（按当前数据编制）".into(),
        },
        previous: match &r.previous {
            Some((m, p)) => format!("上期：第{}号，截至{}", m.id, day(Some(p.as_of))),
            None => "没有上期报告".into(),
        },
        summary,
        headers: COLUMNS.iter().map(|(h, _)| *h).collect(),
        level_label: next.map(|l| l.label()).unwrap_or(""),
        rows,
        deeper,
        ratio: format!("{}%", BasisPoints(c.ratio_basis_points).percent()),
        only_ex_poor: c.only_ex_poor_villages,
        over: c
            .over_ratio
            .iter()
            .map(|v| OverRow {
                code: v.code.to_string(),
                name: v.name.clone(),
                not_eliminated: v.not_eliminated_persons,
                base: v.base_persons,
                share: pct_text(
                    (v.base_persons > 0)
                        .then(|| v.not_eliminated_persons as f64 / v.base_persons as f64),
                ),
            })
            .collect(),
        employment_headers: zhenxing_app::report::EMPLOYMENT_HEADERS,
        employment: c.employment.as_ref().map(|e| {
            (
                format!(
                    "{}年脱贫人口{}务工就业（截至报告日）",
                    e.year,
                    if e.target_includes_monitored {
                        "（含监测对象）"
                    } else {
                        ""
                    }
                ),
                e.rows
                    .iter()
                    .map(|r| EmploymentRow {
                        code: r.code.to_string(),
                        name: r.name.clone(),
                        values: r.values(),
                        behind: r.progress().behind(),
                    })
                    .collect(),
            )
        }),
    }
}

pub struct IssuedRow {
    pub id: i64,
    pub as_of: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    title: String,
    user: Option<UserCtx>,
    area_code: String,
    area_name: String,
    issued: Vec<IssuedRow>,
    children: Vec<(String, String)>,
}

/// `/reports?area=`: the issued reports of an area, and the form to build one.
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let area = q.area(user.caller.user.area)?;
    let scope = user.caller.scope();
    let tree = state.app.tree().await;
    if !scope.contains(area) || tree.get(area).is_none() {
        return Err(WebError::NotFound.into());
    }
    let issued = state
        .app
        .issued_reports(scope, area)
        .await?
        .into_iter()
        .map(|m| IssuedRow {
            id: m.id,
            as_of: day(Some(m.as_of)),
            by: m.issued_by,
            at: zhenxing_app::browse::china_time(&m.issued_at),
        })
        .collect();
    Ok(render(&ReportsPage {
        title: "调度报告".into(),
        user: Some(UserCtx::of(&state, &user).await),
        area_code: area.to_string(),
        area_name: tree.name(area).unwrap_or("").to_string(),
        children: tree
            .children(area)
            .iter()
            .filter_map(|c| tree.get(*c))
            .map(|d| (d.code.to_string(), d.name.clone()))
            .collect(),
        issued,
    }))
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    v: ReportView,
    may_issue: bool,
}

async fn built(state: &AppState, user: &PageUser, q: &DashboardQuery) -> Result<Report, WebError> {
    let area = q.area(user.caller.user.area)?;
    Ok(state
        .app
        .build_report(user.caller.scope(), area, q.as_of()?)
        .await?)
}

fn page(user_ctx: UserCtx, csrf: String, r: &Report, may_issue: bool) -> Response {
    let v = report_view(r);
    render(&ReportPage {
        title: format!("{} 截至{}", v.title, v.as_of),
        user: Some(user_ctx),
        csrf,
        may_issue: may_issue && v.id.is_none(),
        v,
    })
}

/// `/reports/preview?area=&as_of=`: the report built now, not issued.
pub async fn preview(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let r = built(&state, &user, &q).await?;
    Ok(page(
        UserCtx::of(&state, &user).await,
        user.csrf.clone(),
        &r,
        user.caller.may(Permission::IssueReport),
    ))
}

fn parse_id(s: &str) -> Result<i64, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

/// `/reports/{id}`: an issued report, as issued, with the change since the previous one.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let r = state
        .app
        .issued_report(user.caller.scope(), parse_id(&id)?)
        .await?;
    Ok(page(
        UserCtx::of(&state, &user).await,
        user.csrf.clone(),
        &r,
        false,
    ))
}

/// POST `/reports`: issues (freezes) the report of `area` as of `as_of`.
pub async fn issue(
    State(state): State<AppState>,
    user: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body)?;
    let q = DashboardQuery {
        area: f.get("area").map(str::to_string),
        as_of: f.get("as_of").map(str::to_string),
    };
    let area = q.area(user.caller.user.area)?;
    let r = state
        .app
        .issue_report_as(&user.caller, area, q.as_of()?)
        .await?;
    let id = r
        .issued
        .as_ref()
        .map(|m| m.id)
        .ok_or_else(|| internal("报告未保存"))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// The report as an xlsx download.
pub async fn report_xlsx(r: &Report) -> Result<Response, WebError> {
    let dir = tempfile::tempdir().map_err(internal)?;
    let path = dir.path().join("调度表.xlsx");
    let owned = r.clone();
    let p = path.clone();
    tokio::task::spawn_blocking(move || write_report_xlsx(&owned, &p))
        .await
        .map_err(internal)??;
    let bytes = tokio::fs::read(&path).await.map_err(internal)?;
    let c = &r.content;
    let name = match &r.issued {
        Some(m) => format!("{}调度表_截至{}_第{}号.xlsx", c.area_name, c.as_of, m.id),
        None => format!("{}调度表_截至{}.xlsx", c.area_name, c.as_of),
    };
    Ok(download(bytes, &name, XLSX))
}

/// `/reports/{id}/xlsx`
pub async fn issued_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let r = state
        .app
        .issued_report(user.caller.scope(), parse_id(&id)?)
        .await?;
    Ok(report_xlsx(&r).await?)
}

/// `/reports/preview/xlsx?area=&as_of=`
pub async fn preview_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let r = built(&state, &user, &q).await?;
    Ok(report_xlsx(&r).await?)
}

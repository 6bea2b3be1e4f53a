//! The work queues: a user's cases due this week (the steps of their level their role may take),
//! the overdue cases of their area (every level above a late case sees it), and the list of open
//! cases with filters and keyset pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use zhenxing_app::store::monitoring::CaseQuery;
use zhenxing_domain::monitoring::{CaseKind, Stage};
use zhenxing_domain::today_in_china;

use super::{CaseRow, CaseTable, case_row};
use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::pages::areas::parse_area;
use crate::pages::households::Choice;
use crate::state::AppState;
use crate::views::{UserCtx, render, urlencode, wants_partial};

/// Rows on a page of the work lists.
const PAGE: u32 = 50;

#[derive(Template)]
#[template(path = "monitoring/work.html")]
struct WorkPage {
    title: String,
    user: Option<UserCtx>,
    area_name: String,
    today: String,
    mine: String,
    mine_count: usize,
    overdue: String,
    overdue_count: usize,
    more_overdue: bool,
}

/// `/monitoring`: the user's work queue and the area's overdue cases.
pub async fn workbench(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Response, PageError> {
    let caller = user.caller.monitoring();
    let today = today_in_china();
    let tree = state.app.tree().await;
    let mine: Vec<CaseRow> = state
        .app
        .my_cases_due_this_week(&caller, today, PAGE)
        .await?
        .iter()
        .map(|c| case_row(&tree, c, today))
        .collect();
    let overdue: Vec<CaseRow> = state
        .app
        .overdue_cases(&caller, None, today, PAGE)
        .await?
        .iter()
        .map(|c| case_row(&tree, c, today))
        .collect();
    let ctx = UserCtx::of(&state, &user).await;
    Ok(render(&WorkPage {
        title: "监测帮扶工作台".into(),
        area_name: ctx.area_name.clone(),
        user: Some(ctx),
        today: today.format("%Y-%m-%d").to_string(),
        mine: CaseTable::html("my-cases", &mine, "本周没有需要您办理的案件。"),
        mine_count: mine.len(),
        more_overdue: overdue.len() as u32 == PAGE,
        overdue: CaseTable::html("overdue-cases", &overdue, "没有逾期的案件。"),
        overdue_count: overdue.len(),
    }))
}

/// The case list's query, as the form sends it (the API takes the same).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// `1`/`true`: only cases past their due day (today).
    pub overdue: Option<String>,
    /// Only cases due on or before this day (`2022-03-20`).
    pub due_by: Option<String>,
    /// 环节: `入户核实`, `数据比对`, `民主评议`, `村内公示`, `乡镇审核`, `县级审批` (or its code 1-6).
    pub stage: Option<String>,
    /// 案件类型: `识别纳入` or `风险消除` (or 1, 2).
    pub kind: Option<String>,
    /// The cursor of the next page (`next_page` of the previous answer).
    pub after: Option<String>,
}

fn coded<T: Copy>(
    s: Option<&str>,
    from_code: fn(i64) -> Option<T>,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Result<Option<T>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .and_then(from_code)
            .or_else(|| parse(v))
            .map(Some)
            .ok_or_else(|| WebError::BadRequest(format!("{what}无效：{v}"))),
    }
}

/// A page cursor: the next due day and the id of the last case shown.
pub fn cursor_text(c: (NaiveDate, i64)) -> String {
    format!("{}_{}", c.0.format("%Y-%m-%d"), c.1)
}

fn parse_cursor(s: &str) -> Result<(NaiveDate, i64), WebError> {
    let bad = || WebError::BadRequest("分页位置无效".into());
    let (d, id) = s.split_once('_').ok_or_else(bad)?;
    let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?;
    Ok((d, id.parse().map_err(|_| bad())?))
}

impl CaseListQuery {
    /// The store's query (a page of `limit`) and the area, for `caller_area` when none is given.
    pub fn query(&self, today: NaiveDate, limit: u32) -> Result<CaseQuery, WebError> {
        let overdue = match self.overdue.as_deref().map(str::trim).unwrap_or("") {
            "" | "0" | "false" | "no" => false,
            "1" | "true" | "yes" => true,
            other => return Err(WebError::BadRequest(format!("overdue 无效：{other}"))),
        };
        let stage = coded(
            self.stage.as_deref(),
            Stage::from_code,
            |s| Stage::parse(s).ok(),
            "环节",
        )?;
        Ok(CaseQuery {
            overdue_on: overdue.then_some(today),
            due_by: crate::forms::optional_day(
                "到期日",
                self.due_by.as_deref().filter(|s| !s.trim().is_empty()),
            )?,
            stages: stage.into_iter().collect(),
            kind: coded(
                self.kind.as_deref(),
                CaseKind::from_code,
                |s| CaseKind::parse(s).ok(),
                "案件类型",
            )?,
            limit,
            after: self
                .after
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(parse_cursor)
                .transpose()?,
        })
    }

    fn href(&self, area: &str, after: Option<&str>) -> String {
        let mut parts = vec![format!("area={area}")];
        for (k, v) in [
            ("overdue", &self.overdue),
            ("due_by", &self.due_by),
            ("stage", &self.stage),
            ("kind", &self.kind),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", urlencode(v)));
            }
        }
        if let Some(a) = after {
            parts.push(format!("after={}", urlencode(a)));
        }
        format!("/monitoring/cases?{}", parts.join("&"))
    }
}

pub struct CaseListView {
    pub area_code: String,
    pub area_name: String,
    pub overdue: bool,
    pub due_by: String,
    pub stages: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub table: String,
    pub first_href: Option<String>,
    pub next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "monitoring/cases.html")]
struct CaseListPage {
    title: String,
    user: Option<UserCtx>,
    v: CaseListView,
}

#[derive(Template)]
#[template(path = "monitoring/cases_results.html")]
struct CaseListPartial {
    v: CaseListView,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> i64,
    label: fn(T) -> &'static str,
    current: Option<T>,
    keep: fn(T) -> bool,
) -> Vec<Choice> {
    all.iter()
        .copied()
        .filter(|t| keep(*t))
        .map(|t| Choice {
            value: code(t).to_string(),
            label: label(t).to_string(),
            selected: Some(t) == current,
        })
        .collect()
}

/// `/monitoring/cases`: open cases of an area, by due day, filtered; a page at a time.
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Query(q): Query<CaseListQuery>,
) -> Result<Response, PageError> {
    let caller = user.caller.monitoring();
    let today = today_in_china();
    let area = match q.area.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => parse_area(a)?,
        None => user.caller.user.area,
    };
    let query = q.query(today, PAGE)?;
    let cases = state
        .app
        .cases_matching(&caller, Some(area), &query)
        .await?;
    let tree = state.app.tree().await;
    let rows: Vec<CaseRow> = cases.iter().map(|c| case_row(&tree, c, today)).collect();
    let next = (cases.len() as u32 == PAGE)
        .then(|| cases.last())
        .flatten()
        .and_then(|c| Some(cursor_text((c.due.next()?, c.id))));
    let area_code = area.to_string();
    let v = CaseListView {
        area_name: tree.name(area).unwrap_or("").to_string(),
        overdue: query.overdue_on.is_some(),
        due_by: q.due_by.clone().unwrap_or_default(),
        stages: choices(
            Stage::ALL,
            Stage::code,
            Stage::label,
            query.stages.first().copied(),
            |s| !s.is_closed(),
        ),
        kinds: choices(
            CaseKind::ALL,
            CaseKind::code,
            CaseKind::label,
            query.kind,
            |_| true,
        ),
        table: CaseTable::html("case-list", &rows, "没有符合条件的案件。"),
        first_href: q.after.as_ref().map(|_| q.href(&area_code, None)),
        next_href: next.as_deref().map(|n| q.href(&area_code, Some(n))),
        area_code,
    };
    if wants_partial(&headers) {
        return Ok(render(&CaseListPartial { v }));
    }
    Ok(render(&CaseListPage {
        title: format!("监测案件 · {}", v.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        v,
    }))
}

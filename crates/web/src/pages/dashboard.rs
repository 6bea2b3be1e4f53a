//! The statistics dashboard of an area (DOMAIN §10): the figures of the area and of each area one
//! level down, today (kept figures, two small reads) or as of a past date (replayed); charts of
//! the monitoring objects by category over time, the elimination rate by child area and the
//! villages above the verification ratio; and the whole verification list (核查).
//!
//! Every chart is drawn from the same rows as the table beside it: the rows are built once, the
//! table prints them and the chart's `data-chart` attribute carries them (see
//! `assets/charts.js`), so a chart cannot show another number than its table.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use zhenxing_app::report::COLUMNS;
use zhenxing_domain::stats::{AreaFigures, BasisPoints, Counts, VillageOverRatio, Work};
use zhenxing_domain::{AreaCode, AreaLevel, Scope, today_in_china};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::parse_day;
use crate::pages::areas::parse_area;
use crate::state::AppState;
use crate::views::{UserCtx, day, json_attr, place, render};

/// Villages of the verification list shown on the dashboard (all on the list's page).
const TOP_VILLAGES: usize = 20;
/// Quarter ends before the date in the trend chart.
const TREND_QUARTERS: usize = 6;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// Figures as of this date (`2024-06-30`); today when absent.
    pub as_of: Option<String>,
}

impl DashboardQuery {
    pub fn area(&self, own: AreaCode) -> Result<AreaCode, WebError> {
        match self.area.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => parse_area(a),
            None => Ok(own),
        }
    }

    /// The date asked for: `None` for today.
    pub fn as_of(&self) -> Result<Option<NaiveDate>, WebError> {
        let today = today_in_china();
        match self
            .as_of
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(None),
            Some(s) => {
                let d = parse_day("统计日期", s)?;
                if d > today {
                    return Err(WebError::BadRequest(format!(
                        "统计日期不能晚于今天（{today}）"
                    )));
                }
                Ok((d < today).then_some(d))
            }
        }
    }
}

/// A chart as `assets/charts.js` draws it.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// `bar`, `stack` (stacked bars) or `line`.
    pub kind: &'static str,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// `%` when the values are percentages.
    pub unit: &'static str,
    /// A line across the chart (the verification ratio), with its label.
    pub mark: Option<(f64, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub data: Vec<f64>,
}

/// A share as a percentage rounded to two decimals: the number both the table and the chart
/// show.
pub fn pct(p: Option<f64>) -> Option<f64> {
    p.map(|p| (p * 10_000.0).round() / 100.0)
}

pub fn pct_text(p: Option<f64>) -> String {
    pct(p)
        .map(|p| format!("{p:.2}%"))
        .unwrap_or_else(|| "—".into())
}

pub struct Indicator {
    pub label: &'static str,
    pub value: String,
}

/// The national layout's indicators of one area.
pub fn indicators(c: &Counts, w: &Work) -> Vec<Indicator> {
    COLUMNS
        .iter()
        .map(|(label, f)| Indicator {
            label,
            value: super::reports::value_text(f(c, w)),
        })
        .collect()
}

pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub households: u64,
    pub persons: u64,
    pub monitored_households: u64,
    pub monitored_persons: u64,
    pub new_households: u64,
    pub eliminated_households: u64,
    pub not_eliminated_households: u64,
    pub rate_households: String,
    pub rate_persons: String,
    pub safety_net_households: u64,
    pub coverage_rate: String,
    pub median_days: String,
    pub overdue_cases: u64,
    pub is_village: bool,
}

fn child_row(f: &AreaFigures) -> ChildRow {
    let c = &f.counts;
    ChildRow {
        code: f.code.to_string(),
        name: f.name.clone(),
        households: c.households,
        persons: c.persons,
        monitored_households: c.monitored_households,
        monitored_persons: c.monitored_persons,
        new_households: c.new_households,
        eliminated_households: c.eliminated_households,
        not_eliminated_households: c.not_eliminated_households(),
        rate_households: pct_text(c.elimination_rate_households()),
        rate_persons: pct_text(c.elimination_rate_persons()),
        safety_net_households: c.safety_net_households,
        coverage_rate: pct_text(c.coverage_rate()),
        median_days: super::reports::days_text(f.work.approvals.median()),
        overdue_cases: f.work.overdue_cases,
        is_village: f.level == AreaLevel::Village,
    }
}

pub struct VillageRow {
    pub code: String,
    pub name: String,
    pub not_eliminated_persons: u64,
    pub base_persons: u64,
    pub share: String,
}

fn village_row(tree: &zhenxing_domain::DivisionTree, v: &VillageOverRatio) -> VillageRow {
    VillageRow {
        code: v.code.to_string(),
        name: place(tree, v.code),
        not_eliminated_persons: v.not_eliminated_persons,
        base_persons: v.base_persons,
        share: pct_text(Some(v.share)),
    }
}

/// The figures of an area and its children, today or as of a day.
pub async fn figures(
    state: &AppState,
    scope: Scope,
    area: AreaCode,
    as_of: Option<NaiveDate>,
) -> Result<(AreaFigures, Vec<AreaFigures>), WebError> {
    match as_of {
        None => Ok(state.app.dashboard(scope, area).await?),
        Some(d) => {
            let level = area.level().child().unwrap_or(area.level());
            let mut rows = state.app.stats(scope, Some(area), level, Some(d)).await?;
            if rows.is_empty() {
                return Err(WebError::NotFound);
            }
            let own = rows.remove(0);
            Ok((own, rows))
        }
    }
}

/// The verification list of an area: the ratio, whether only ex-poor villages were judged, and
/// the villages by share, highest first.
pub async fn verification(
    state: &AppState,
    scope: Scope,
    area: AreaCode,
    as_of: Option<NaiveDate>,
) -> Result<(BasisPoints, bool, Vec<VillageOverRatio>), WebError> {
    let ratio = state
        .app
        .village_ratio(area, as_of.unwrap_or_else(today_in_china))
        .await;
    let (mut list, only_ex_poor) = state
        .app
        .over_ratio(scope, Some(area), as_of, ratio)
        .await?;
    list.sort_by(|a, b| {
        b.share
            .partial_cmp(&a.share)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.code.cmp(&b.code))
    });
    Ok((ratio, only_ex_poor, list))
}

pub struct DashboardView {
    pub area_code: String,
    pub area_name: String,
    pub level_label: &'static str,
    pub as_of: String,
    pub as_of_param: String,
    pub is_today: bool,
    pub indicators: Vec<Indicator>,
    pub children: Vec<ChildRow>,
    pub child_level: &'static str,
    pub rate_chart: String,
    pub villages: Vec<VillageRow>,
    pub village_total: usize,
    pub village_chart: String,
    pub ratio: String,
    pub only_ex_poor: bool,
    pub quick_dates: Vec<(String, String)>,
    pub path: Vec<(String, String)>,
    /// The key assistance counties within the area (重点帮扶县): each with its list's name, and
    /// each list's sum.
    pub key_counties: Vec<(&'static str, ChildRow)>,
    pub key_totals: Vec<ChildRow>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    title: String,
    user: Option<UserCtx>,
    v: DashboardView,
}

/// The last day of the quarter before `d`'s (and of the ones before that).
pub fn quarter_ends_before(d: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let (mut y, mut q) = (d.year(), (d.month0() / 3) as i32);
    for _ in 0..n {
        q -= 1;
        if q < 0 {
            q = 3;
            y -= 1;
        }
        let first_next = if q == 3 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, (q as u32 + 1) * 3 + 1, 1)
        };
        if let Some(end) = first_next.and_then(|f| f.pred_opt()) {
            out.push(end);
        }
    }
    out.reverse();
    out
}

/// `/dashboard?area=&as_of=`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let scope = user.caller.scope();
    let area = q.area(user.caller.user.area)?;
    let as_of = q.as_of()?;
    let tree = state.app.tree().await;
    if !scope.contains(area) || tree.get(area).is_none() {
        return Err(WebError::NotFound.into());
    }
    let (own, children) = figures(&state, scope, area, as_of).await?;
    let (ratio, only_ex_poor, list) = verification(&state, scope, area, as_of).await?;
    let key = state.app.key_county_figures(scope, area, as_of).await?;
    let villages: Vec<VillageRow> = list
        .iter()
        .take(TOP_VILLAGES)
        .map(|v| village_row(&tree, v))
        .collect();
    let rows: Vec<ChildRow> = children.iter().map(child_row).collect();
    let rate_chart = Chart {
        kind: "bar",
        categories: children.iter().map(|c| c.name.clone()).collect(),
        series: vec![
            Series {
                name: "风险消除率（按户）".into(),
                data: children
                    .iter()
                    .map(|c| pct(c.counts.elimination_rate_households()).unwrap_or(0.0))
                    .collect(),
            },
            Series {
                name: "风险消除率（按人）".into(),
                data: children
                    .iter()
                    .map(|c| pct(c.counts.elimination_rate_persons()).unwrap_or(0.0))
                    .collect(),
            },
        ],
        unit: "%",
        mark: None,
    };
    let village_chart = Chart {
        kind: "bar",
        categories: list
            .iter()
            .take(TOP_VILLAGES)
            .map(|v| v.name.clone())
            .collect(),
        series: vec![Series {
            name: "未消除风险人口占比".into(),
            data: list
                .iter()
                .take(TOP_VILLAGES)
                .map(|v| pct(Some(v.share)).unwrap_or(0.0))
                .collect(),
        }],
        unit: "%",
        mark: Some((ratio.percent(), format!("核查线 {}%", ratio.percent()))),
    };
    let today = today_in_china();
    let shown = as_of.unwrap_or(today);
    let mut quick: Vec<(String, String)> = quarter_ends_before(today, 4)
        .into_iter()
        .rev()
        .map(|d| (day(Some(d)), d.format("%Y年%-m月%-d日").to_string()))
        .collect();
    quick.insert(0, (String::new(), "今天".into()));
    let user_ctx = UserCtx::of(&state, &user).await;
    let path = tree
        .path(area)
        .into_iter()
        .filter(|d| scope.contains(d.code))
        .map(|d| (d.code.to_string(), d.name.clone()))
        .collect();
    let v = DashboardView {
        area_code: area.to_string(),
        area_name: own.name.clone(),
        level_label: area.level().label(),
        as_of: shown.format("%Y年%-m月%-d日").to_string(),
        as_of_param: as_of.map(|d| day(Some(d))).unwrap_or_default(),
        is_today: as_of.is_none(),
        indicators: indicators(&own.counts, &own.work),
        child_level: area.level().child().map(|l| l.label()).unwrap_or(""),
        children: rows,
        rate_chart: json_attr(&rate_chart),
        village_total: list.len(),
        villages,
        village_chart: json_attr(&village_chart),
        ratio: format!("{}%", ratio.percent()),
        only_ex_poor,
        quick_dates: quick,
        path,
        key_counties: key
            .counties
            .iter()
            .map(|(k, f)| (k.short(), child_row(f)))
            .collect(),
        key_totals: key.totals.iter().map(|(_, f)| child_row(f)).collect(),
    };
    Ok(render(&DashboardPage {
        title: format!("统计 · {}", v.area_name),
        user: Some(user_ctx),
        v,
    }))
}

pub struct TrendRow {
    pub date: String,
    pub unstable: u64,
    pub marginal: u64,
    pub sudden: u64,
    pub total: u64,
    pub not_eliminated: u64,
}

#[derive(Template)]
#[template(path = "dashboard_trend.html")]
struct TrendPartial {
    rows: Vec<TrendRow>,
    chart: String,
}

/// The monitoring households by category at the end of each recent quarter and on the date.
pub async fn trend_rows(
    state: &AppState,
    scope: Scope,
    area: AreaCode,
    as_of: Option<NaiveDate>,
) -> Result<Vec<TrendRow>, WebError> {
    let end = as_of.unwrap_or_else(today_in_china);
    let mut days: Vec<Option<NaiveDate>> = quarter_ends_before(end, TREND_QUARTERS)
        .into_iter()
        .map(Some)
        .collect();
    days.push(as_of);
    let mut out = Vec::new();
    for d in days {
        let figures = state.app.stats(scope, Some(area), area.level(), d).await?;
        let c = figures.first().map(|f| f.counts).unwrap_or_default();
        out.push(TrendRow {
            date: day(Some(d.unwrap_or(end))),
            unstable: c.unstable_households,
            marginal: c.marginal_households,
            sudden: c.sudden_households,
            total: c.monitored_households,
            not_eliminated: c.not_eliminated_households(),
        });
    }
    Ok(out)
}

pub fn trend_chart(rows: &[TrendRow]) -> Chart {
    let series = |name: &str, f: fn(&TrendRow) -> u64| Series {
        name: name.into(),
        data: rows.iter().map(|r| f(r) as f64).collect(),
    };
    Chart {
        kind: "stack",
        categories: rows.iter().map(|r| r.date.clone()).collect(),
        series: vec![
            series("脱贫不稳定户", |r| r.unstable),
            series("边缘易致贫户", |r| r.marginal),
            series("突发严重困难户", |r| r.sudden),
        ],
        unit: "户",
        mark: None,
    }
}

/// `/dashboard/trend?area=&as_of=`: the trend table and chart (loaded after the page, since each
/// past date is replayed from the registry).
pub async fn trend(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let scope = user.caller.scope();
    let area = q.area(user.caller.user.area)?;
    let as_of = q.as_of()?;
    let rows = trend_rows(&state, scope, area, as_of).await?;
    let chart = json_attr(&trend_chart(&rows));
    Ok(render(&TrendPartial { rows, chart }))
}

#[derive(Template)]
#[template(path = "verification.html")]
struct VerificationPage {
    title: String,
    user: Option<UserCtx>,
    area_code: String,
    area_name: String,
    as_of: String,
    ratio: String,
    only_ex_poor: bool,
    rows: Vec<VillageRow>,
}

/// `/dashboard/verification?area=&as_of=`: every village of the verification list.
pub async fn verification_list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let scope = user.caller.scope();
    let area = q.area(user.caller.user.area)?;
    let as_of = q.as_of()?;
    let tree = state.app.tree().await;
    if !scope.contains(area) || tree.get(area).is_none() {
        return Err(WebError::NotFound.into());
    }
    let (ratio, only_ex_poor, list) = verification(&state, scope, area, as_of).await?;
    Ok(render(&VerificationPage {
        title: "核查名单".into(),
        user: Some(UserCtx::of(&state, &user).await),
        area_code: area.to_string(),
        area_name: tree.name(area).unwrap_or("").to_string(),
        as_of: as_of
            .unwrap_or_else(today_in_china)
            .format("%Y年%-m月%-d日")
            .to_string(),
        ratio: format!("{}%", ratio.percent()),
        only_ex_poor,
        rows: list.iter().map(|v| village_row(&tree, v)).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_ends() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let got: Vec<String> = quarter_ends_before(d, 3)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(got, ["2026-03-31", "2026-06-30", "2026-09-30"]);
        let d = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        assert_eq!(
            quarter_ends_before(d, 1),
            [NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()]
        );
        assert_eq!(pct_text(Some(2.0 / 3.0)), "66.67%");
        assert_eq!(pct_text(None), "—");
    }
}

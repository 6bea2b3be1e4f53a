//! Statistics and dispatch reports: the figures of an area and the areas under it (today or as
//! of a date), the verification list, and reports (built, issued and frozen, listed, read, and
//! downloaded as xlsx in the national layout).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhenxing_app::report::{COLUMNS, Report, ReportRow, ReportValue};
use zhenxing_domain::stats::{BasisPoints, Counts, Work};
use zhenxing_domain::{AreaLevel, LedgerDate};

use super::{AreaSummary, CountsJson};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody, WebError};
use crate::pages::areas::parse_area;
use crate::pages::dashboard::{DashboardQuery, pct, verification as verification_list};
use crate::state::AppState;
use crate::views::day;

/// Every figure of an area (DOMAIN §10).
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresJson {
    /// 登记户数、人数
    pub households: u64,
    pub persons: u64,
    /// 监测对象（累计）户数、人数
    pub monitored_households: u64,
    pub monitored_persons: u64,
    /// 脱贫不稳定户
    pub unstable_households: u64,
    pub unstable_persons: u64,
    /// 边缘易致贫户
    pub marginal_households: u64,
    pub marginal_persons: u64,
    /// 突发严重困难户
    pub sudden_households: u64,
    pub sudden_persons: u64,
    /// 当年新识别
    pub new_households: u64,
    pub new_persons: u64,
    /// 已消除风险
    pub eliminated_households: u64,
    pub eliminated_persons: u64,
    /// 其中帮扶消除、自然消除（户）
    pub eliminated_assisted_households: u64,
    pub eliminated_natural_households: u64,
    /// 未消除风险
    pub not_eliminated_households: u64,
    pub not_eliminated_persons: u64,
    /// 风险消除率（按户）: eliminated ÷ cumulative monitoring households, in percent (2 decimals).
    pub elimination_rate_households: Option<f64>,
    /// 风险消除率（按人）, in percent.
    pub elimination_rate_persons: Option<f64>,
    /// 低保特困户数
    pub safety_net_households: u64,
    /// 已落实帮扶措施户数: not-eliminated monitoring households with at least one measure.
    pub covered_households: u64,
    /// 帮扶措施落实率: covered ÷ not-eliminated monitoring households, in percent.
    pub coverage_rate: Option<f64>,
    /// 当年识别审批户数: identifications approved from 1 January to the date.
    pub approvals: u64,
    /// 线索到审批用时中位数（天）: median days from the clue to the county's approval of those.
    pub median_days_to_approval: Option<f64>,
    /// 逾期未办结案件数: open cases past a deadline on the date.
    pub overdue_cases: u64,
}

impl FiguresJson {
    pub fn of(c: &Counts, w: &Work) -> Self {
        FiguresJson {
            households: c.households,
            persons: c.persons,
            monitored_households: c.monitored_households,
            monitored_persons: c.monitored_persons,
            unstable_households: c.unstable_households,
            unstable_persons: c.unstable_persons,
            marginal_households: c.marginal_households,
            marginal_persons: c.marginal_persons,
            sudden_households: c.sudden_households,
            sudden_persons: c.sudden_persons,
            new_households: c.new_households,
            new_persons: c.new_persons,
            eliminated_households: c.eliminated_households,
            eliminated_persons: c.eliminated_persons,
            eliminated_assisted_households: c.eliminated_assisted_households,
            eliminated_natural_households: c.eliminated_natural_households,
            not_eliminated_households: c.not_eliminated_households(),
            not_eliminated_persons: c.not_eliminated_persons(),
            elimination_rate_households: pct(c.elimination_rate_households()),
            elimination_rate_persons: pct(c.elimination_rate_persons()),
            safety_net_households: c.safety_net_households,
            covered_households: c.covered_households,
            coverage_rate: pct(c.coverage_rate()),
            approvals: w.approvals.count(),
            median_days_to_approval: w.approvals.median(),
            overdue_cases: w.overdue_cases,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// Lowest level listed: `province`, `city`, `county`, `township` or `village` (default:
    /// one level below the area).
    pub depth: Option<String>,
    /// Figures as of this date (`2024-06-30`); today when absent.
    pub as_of: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/stats", tag = "统计",
    params(StatsQuery),
    responses((status = 200, body = Vec<AreaSummary>, description = "The area and every area under it down to `depth`, in code order, each with `counts` and every figure in `figures`. Each area's figures are the sum of its children's."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn stats(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Vec<AreaSummary>>, ApiError> {
    caller.require(zhenxing_domain::Permission::ReadRegistry)?;
    let area = match q.area.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => parse_area(a)?,
        None => caller.user.area,
    };
    if !caller.scope().contains(area) {
        return Err(WebError::NotFound.into());
    }
    let depth = match q.depth.as_deref().unwrap_or("") {
        "" => area.level().child().unwrap_or(AreaLevel::Village),
        "province" => AreaLevel::Province,
        "city" => AreaLevel::City,
        "county" => AreaLevel::County,
        "township" => AreaLevel::Township,
        "village" => AreaLevel::Village,
        other => return Err(WebError::BadRequest(format!("depth 无效：{other}")).into()),
    };
    let as_of = match q.as_of.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => match LedgerDate::parse(d) {
            Ok(LedgerDate::Day(day)) => Some(day),
            _ => {
                return Err(
                    WebError::BadRequest(format!("as_of 应为日期，如 2024-06-30：{d}")).into(),
                );
            }
        },
    };
    let rows = state
        .app
        .stats(caller.scope(), Some(area), depth, as_of)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AreaSummary {
                code: r.code.to_string(),
                name: r.name,
                level: r.level.number(),
                figures: Some(FiguresJson::of(&r.counts, &r.work)),
                counts: CountsJson::from(r.counts),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VillageJson {
    pub code: String,
    pub name: String,
    pub not_eliminated_persons: u64,
    /// The denominator: the village's registered persons.
    pub base_persons: u64,
    /// Percent, 2 decimals.
    pub share: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationJson {
    pub area: String,
    pub as_of: String,
    /// The policy's ratio, in percent (3.0).
    pub ratio: f64,
    /// Only villages marked as ex-poor were judged (else every village).
    pub only_ex_poor_villages: bool,
    /// Highest share first.
    pub villages: Vec<VillageJson>,
}

#[utoipa::path(get, path = "/api/v1/stats/verification", tag = "统计",
    params(DashboardQuery),
    responses((status = 200, body = VerificationJson, description = "The verification list (核查): villages whose share of not-eliminated monitoring persons is above the policy's ratio."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn verification(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Json<VerificationJson>, ApiError> {
    let area = q.area(caller.user.area)?;
    let as_of = q.as_of()?;
    let (ratio, only, list) = verification_list(&state, caller.scope(), area, as_of).await?;
    Ok(Json(VerificationJson {
        area: area.to_string(),
        as_of: day(Some(as_of.unwrap_or_else(zhenxing_domain::today_in_china))),
        ratio: ratio.percent(),
        only_ex_poor_villages: only,
        villages: list
            .iter()
            .map(|v| VillageJson {
                code: v.code.to_string(),
                name: v.name.clone(),
                not_eliminated_persons: v.not_eliminated_persons,
                base_persons: v.base_persons,
                share: pct(Some(v.share)).unwrap_or(0.0),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportMetaJson {
    pub id: i64,
    pub area: String,
    pub as_of: String,
    pub issued_by: String,
    pub issued_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRowJson {
    pub code: String,
    pub name: String,
    pub level: u8,
    pub figures: FiguresJson,
}

/// One column of the national layout for the report's own area: now, in the previous issued
/// report, and the change (percentages in percent).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    pub column: String,
    pub now: Option<f64>,
    pub before: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportJson {
    /// Absent for a report built and not issued.
    pub issued: Option<ReportMetaJson>,
    pub area: String,
    pub area_name: String,
    pub as_of: String,
    /// The national column layout.
    pub columns: Vec<String>,
    /// The area and every area under it.
    pub rows: Vec<ReportRowJson>,
    pub previous: Option<ReportMetaJson>,
    pub summary: Vec<ChangeJson>,
    pub ratio: f64,
    pub only_ex_poor_villages: bool,
    pub over_ratio: Vec<VillageJson>,
    /// 务工就业 of the area and each area directly under it, counted when the report was built:
    /// only a report as of its own day has it (an issued one keeps it).
    pub employment: Option<ReportEmploymentJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportEmploymentJson {
    /// The year of the targets.
    pub year: u16,
    /// Whether monitoring objects count toward the target.
    pub target_includes_monitored: bool,
    /// The report's area first, then each area directly under it.
    pub rows: Vec<ReportEmploymentRowJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportEmploymentRowJson {
    pub code: String,
    pub name: String,
    pub ex_poor_labour: u64,
    pub ex_poor_employed: u64,
    pub monitored_labour: u64,
    pub monitored_employed: u64,
    /// The persons in work of the counties with a target, as the target counts them.
    pub counted: u64,
    /// The sum of its counties' targets; absent when none has one.
    pub target: Option<u64>,
    /// 完成率, e.g. "95.73%" ("-" without a target).
    pub rate: String,
}

fn number(v: ReportValue) -> Option<f64> {
    match v {
        ReportValue::Count(n) => Some(n as f64),
        ReportValue::Percent(p) => pct(p),
        ReportValue::Days(d) => d,
    }
}

fn meta_json(m: &zhenxing_app::store::ReportMeta) -> ReportMetaJson {
    ReportMetaJson {
        id: m.id,
        area: m.area.to_string(),
        as_of: day(Some(m.as_of)),
        issued_by: m.issued_by.clone(),
        issued_at: zhenxing_app::browse::china_time(&m.issued_at),
    }
}

pub fn report_json(r: &Report) -> ReportJson {
    let c = &r.content;
    let own_of = |rows: &[ReportRow]| {
        rows.iter()
            .find(|x| x.code == c.area)
            .map(|x| (x.counts(), x.work.clone()))
    };
    let own = own_of(&c.rows).unwrap_or_default();
    let before = r.previous.as_ref().and_then(|(_, p)| own_of(&p.rows));
    ReportJson {
        issued: r.issued.as_ref().map(meta_json),
        area: c.area.to_string(),
        area_name: c.area_name.clone(),
        as_of: day(Some(c.as_of)),
        columns: COLUMNS.iter().map(|(h, _)| h.to_string()).collect(),
        rows: c
            .rows
            .iter()
            .map(|x| ReportRowJson {
                code: x.code.to_string(),
                name: x.name.clone(),
                level: x.level,
                figures: FiguresJson::of(&x.counts(), &x.work),
            })
            .collect(),
        previous: r.previous.as_ref().map(|(m, _)| meta_json(m)),
        summary: COLUMNS
            .iter()
            .map(|(h, f)| {
                let now = number(f(&own.0, &own.1));
                let then = before.as_ref().and_then(|b| number(f(&b.0, &b.1)));
                ChangeJson {
                    column: h.to_string(),
                    now,
                    before: then,
                    change: match (now, then) {
                        (Some(a), Some(b)) => Some(((a - b) * 100.0).round() / 100.0),
                        _ => None,
                    },
                }
            })
            .collect(),
        ratio: BasisPoints(c.ratio_basis_points).percent(),
        only_ex_poor_villages: c.only_ex_poor_villages,
        employment: c.employment.as_ref().map(|e| ReportEmploymentJson {
            year: e.year,
            target_includes_monitored: e.target_includes_monitored,
            rows: e
                .rows
                .iter()
                .map(|r| ReportEmploymentRowJson {
                    code: r.code.to_string(),
                    name: r.name.clone(),
                    ex_poor_labour: r.ex_poor_labour,
                    ex_poor_employed: r.ex_poor_employed,
                    monitored_labour: r.monitored_labour,
                    monitored_employed: r.monitored_employed,
                    counted: r.counted,
                    target: r.target,
                    rate: r.progress().rate(),
                })
                .collect(),
        }),
        over_ratio: c
            .over_ratio
            .iter()
            .map(|v| VillageJson {
                code: v.code.to_string(),
                name: v.name.clone(),
                not_eliminated_persons: v.not_eliminated_persons,
                base_persons: v.base_persons,
                share: pct((v.base_persons > 0)
                    .then(|| v.not_eliminated_persons as f64 / v.base_persons as f64))
                .unwrap_or(0.0),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "统计",
    params(ReportsQuery),
    responses((status = 200, body = Vec<ReportMetaJson>, description = "The issued reports of the area, newest first."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reports(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ReportsQuery>,
) -> Result<Json<Vec<ReportMetaJson>>, ApiError> {
    let area = match q.area.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => parse_area(a)?,
        None => caller.user.area,
    };
    Ok(Json(
        state
            .app
            .issued_reports(caller.scope(), area)
            .await?
            .iter()
            .map(meta_json)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct IssueInput {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// As of this date (today when absent).
    pub as_of: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "统计",
    request_body = IssueInput,
    responses((status = 200, body = ReportJson, description = "Issued: frozen from now on."),
        (status = 403, body = ErrorBody, description = "Roles that issue dispatch reports only."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn issue(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(input): Json<IssueInput>,
) -> Result<Json<ReportJson>, ApiError> {
    let q = DashboardQuery {
        area: input.area,
        as_of: input.as_of,
    };
    let r = state
        .app
        .issue_report_as(&caller, q.area(caller.user.area)?, q.as_of()?)
        .await?;
    Ok(Json(report_json(&r)))
}

#[utoipa::path(get, path = "/api/v1/reports/preview", tag = "统计",
    params(DashboardQuery),
    responses((status = 200, body = ReportJson, description = "The report built now, not issued."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Json<ReportJson>, ApiError> {
    let r = state
        .app
        .build_report(caller.scope(), q.area(caller.user.area)?, q.as_of()?)
        .await?;
    Ok(Json(report_json(&r)))
}

fn parse_id(s: &str) -> Result<i64, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "统计",
    params(("id" = i64, Path, description = "报告编号")),
    responses((status = 200, body = ReportJson, description = "As issued, with the change since the previous report."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ReportJson>, ApiError> {
    let r = state
        .app
        .issued_report(caller.scope(), parse_id(&id)?)
        .await?;
    Ok(Json(report_json(&r)))
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/xlsx", tag = "统计",
    params(("id" = i64, Path, description = "报告编号")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "A summary sheet, one sheet per level below, the verification list."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn report_xlsx(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let r = state
        .app
        .issued_report(caller.scope(), parse_id(&id)?)
        .await?;
    Ok(crate::pages::reports::report_xlsx(&r).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyCountiesQuery {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The day (today when absent).
    pub as_of: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyCountyJson {
    pub code: String,
    pub name: String,
    /// 国家乡村振兴重点帮扶县 or 省乡村振兴重点帮扶县.
    pub kind: String,
    pub figures: FiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyCountiesJson {
    pub area: String,
    pub as_of: String,
    pub counties: Vec<KeyCountyJson>,
    /// The sum of each list present (name: 国家重点帮扶县合计, 省级重点帮扶县合计).
    pub totals: Vec<KeyCountyJson>,
}

#[utoipa::path(get, path = "/api/v1/key-counties", tag = "统计",
    params(KeyCountiesQuery),
    responses((status = 200, body = KeyCountiesJson, description = "The key assistance counties (重点帮扶县) within the area, each with its figures, and each list's sum."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn key_counties(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<KeyCountiesQuery>,
) -> Result<Json<KeyCountiesJson>, ApiError> {
    let area = crate::pages::areas::area_or_own(q.area.as_deref(), caller.user.area)?;
    caller.require(zhenxing_domain::Permission::ReadRegistry)?;
    if !caller.scope().contains(area) {
        return Err(WebError::NotFound.into());
    }
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| WebError::BadRequest(format!("日期“{d}”无效，应为如 2025-06-30")))?,
        ),
    };
    let k = state
        .app
        .key_county_figures(caller.scope(), area, as_of)
        .await?;
    let json = |kind: zhenxing_domain::key_county::KeyCountyKind,
                f: &zhenxing_domain::stats::AreaFigures| KeyCountyJson {
        code: f.code.to_string(),
        name: f.name.clone(),
        kind: kind.label().to_string(),
        figures: FiguresJson::of(&f.counts, &f.work),
    };
    Ok(Json(KeyCountiesJson {
        area: area.to_string(),
        as_of: day(Some(as_of.unwrap_or_else(zhenxing_domain::today_in_china))),
        counties: k.counties.iter().map(|(kind, f)| json(*kind, f)).collect(),
        totals: k.totals.iter().map(|(kind, f)| json(*kind, f)).collect(),
    }))
}

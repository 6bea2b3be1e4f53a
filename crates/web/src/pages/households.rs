//! The household list (search, filters, keyset pages; the results are an htmx fragment) and a
//! household's detail (masked, or whole on request for the roles allowed, audited).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenxing_app::browse::HouseholdDetail;
use zhenxing_app::store::search::{HouseholdFilter, SearchText};
use zhenxing_domain::{HouseholdType, MonitorCategory, RiskType};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::household_no;
use crate::pages::areas::parse_area;
use crate::state::AppState;
use crate::views::{UserCtx, flag, opt, render, urlencode, wants_partial};

/// Households per page in the browser.
const PAGE: u32 = 50;

/// The list's query, as the form sends it (and the API takes it).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Area code (12 digits or a 2/4/6/9-digit prefix); the caller's own area when absent.
    pub area: Option<String>,
    /// A name (head or member, or its beginning), an ID number, or a household number.
    pub q: Option<String>,
    /// 户类型: `1` 普通农户, `2` 脱贫户.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub household_type: Option<String>,
    /// 监测对象类别: `1` 脱贫不稳定户, `2` 边缘易致贫户, `3` 突发严重困难户, `any` any, `none` not monitored.
    pub category: Option<String>,
    /// 风险类型 code `1`..`11`.
    pub risk: Option<String>,
    /// `yes` eliminated, `no` not.
    pub eliminated: Option<String>,
    /// `closed`: households closed (销户) only, those that moved away among them; absent: those
    /// registered (a search by 户编号 finds either).
    pub status: Option<String>,
    /// The cursor of the page to show (`next_page` of the previous answer); absent: the first.
    #[serde(alias = "after")]
    pub page: Option<String>,
}

fn code_param<T>(
    s: &Option<String>,
    from: fn(i64) -> Option<T>,
    what: &str,
) -> Result<Option<T>, WebError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .and_then(from)
            .map(Some)
            .ok_or_else(|| WebError::BadRequest(format!("{what}无效：{v}"))),
    }
}

impl ListQuery {
    /// The area the query names, else the caller's own.
    pub fn area_or(
        &self,
        own: zhenxing_domain::AreaCode,
    ) -> Result<zhenxing_domain::AreaCode, WebError> {
        match self.area.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => parse_area(a),
            None => Ok(own),
        }
    }

    pub fn filter(&self) -> Result<HouseholdFilter, WebError> {
        let mut f = HouseholdFilter {
            text: self.q.as_deref().and_then(SearchText::parse),
            household_type: code_param(&self.household_type, HouseholdType::from_code, "户类型")?,
            risk: code_param(&self.risk, RiskType::from_code, "风险类型")?,
            ..HouseholdFilter::default()
        };
        match self.category.as_deref().map(str::trim).unwrap_or("") {
            "" => {}
            "any" => f.monitored = Some(true),
            "none" => f.monitored = Some(false),
            _ => {
                f.category = code_param(&self.category, MonitorCategory::from_code, "监测对象类别")?
            }
        }
        f.eliminated = match self.eliminated.as_deref().map(str::trim).unwrap_or("") {
            "" => None,
            "yes" | "1" | "true" => Some(true),
            "no" | "0" | "false" => Some(false),
            other => return Err(WebError::BadRequest(format!("风险是否消除无效：{other}"))),
        };
        f.closed = match self.status.as_deref().map(str::trim).unwrap_or("") {
            "" | "open" => false,
            "closed" => true,
            other => return Err(WebError::BadRequest(format!("户状态无效：{other}"))),
        };
        Ok(f)
    }

    /// The query string of this list at another page.
    fn href(&self, area: &str, page: Option<&str>) -> String {
        let mut parts = vec![format!("area={area}")];
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", urlencode(v)));
            }
        };
        put("q", &self.q);
        put("type", &self.household_type);
        put("category", &self.category);
        put("risk", &self.risk);
        put("eliminated", &self.eliminated);
        put("status", &self.status);
        if let Some(p) = page {
            parts.push(format!("page={}", urlencode(p)));
        }
        format!("/households?{}", parts.join("&"))
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(current: &Option<String>, options: Vec<(String, String)>) -> Vec<Choice> {
    let cur = current.as_deref().unwrap_or("");
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == cur,
            value,
            label,
        })
        .collect()
}

pub struct RowView {
    pub no: String,
    /// Its page: a closed row by its county (the number may be registered elsewhere now).
    pub href: String,
    /// Closed (销户): why and when.
    pub closed: Option<String>,
    pub head: String,
    pub place: String,
    pub persons: String,
    pub household_type: &'static str,
    pub category: &'static str,
    pub risks: String,
    pub eliminated: &'static str,
    pub income: String,
}

pub struct ListView {
    pub area_code: String,
    pub area_name: String,
    pub q: String,
    pub types: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub risks: Vec<Choice>,
    pub eliminated: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub rows: Vec<RowView>,
    pub first_href: Option<String>,
    pub next_href: Option<String>,
    /// The whole list, as this query selects it, as xlsx.
    pub xlsx_href: String,
}

#[derive(Template)]
#[template(path = "households.html")]
struct ListPage {
    title: String,
    user: Option<UserCtx>,
    v: ListView,
}

#[derive(Template)]
#[template(path = "households_results.html")]
struct ListPartial {
    v: ListView,
}

fn labels<T: Copy>(
    all: &[T],
    code: fn(T) -> i64,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|t| (code(*t).to_string(), label(*t).to_string()))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let area = q.area_or(user.caller.user.area)?;
    let filter = q.filter()?;
    let page = state
        .app
        .households(&user.caller, area, &filter, q.page.as_deref(), PAGE)
        .await?;
    let area_code = area.to_string();
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let s = &r.summary;
            RowView {
                no: s.no.to_string(),
                href: match s.closed {
                    Some(_) => format!("/households/{}?county={}", s.no, s.county),
                    None => format!("/households/{}", s.no),
                },
                closed: s
                    .closed
                    .map(|c| format!("已销户：{}，{}", c.reason.label(), c.on)),
                head: s.head_name.clone(),
                place: r.place.clone(),
                persons: if s.persons == s.size {
                    s.size.to_string()
                } else {
                    format!("{}（登记{}）", s.size, s.persons)
                },
                household_type: s.household_type.label(),
                category: s.category.map(MonitorCategory::label).unwrap_or(""),
                risks: s.risks.to_string(),
                eliminated: if s.category.is_some() {
                    flag(s.eliminated)
                } else {
                    ""
                },
                income: opt(&s.per_capita_income),
            }
        })
        .collect();
    let mut categories = vec![
        ("any".to_string(), "全部监测对象".to_string()),
        ("none".to_string(), "非监测对象".to_string()),
    ];
    categories.extend(labels(
        MonitorCategory::ALL,
        MonitorCategory::code,
        MonitorCategory::label,
    ));
    let v = ListView {
        area_name: page.area.name.clone(),
        q: q.q.clone().unwrap_or_default(),
        types: choices(
            &q.household_type,
            labels(
                HouseholdType::ALL,
                HouseholdType::code,
                HouseholdType::label,
            ),
        ),
        categories: choices(&q.category, categories),
        risks: choices(
            &q.risk,
            labels(RiskType::ALL, RiskType::code, RiskType::label),
        ),
        eliminated: choices(
            &q.eliminated,
            vec![
                ("yes".into(), "已消除".into()),
                ("no".into(), "未消除".into()),
            ],
        ),
        statuses: choices(&q.status, vec![("closed".into(), "已销户".into())]),
        rows,
        first_href: q.page.as_ref().map(|_| q.href(&area_code, None)),
        next_href: page.next.as_deref().map(|n| q.href(&area_code, Some(n))),
        xlsx_href: q
            .href(&area_code, None)
            .replacen("/households?", "/households.xlsx?", 1),
        area_code,
    };
    if wants_partial(&headers) {
        return Ok(render(&ListPartial { v }));
    }
    Ok(render(&ListPage {
        title: format!("农户名单 · {}", v.area_name),
        user: Some(UserCtx::of(&state, &user).await),
        v,
    }))
}

pub struct Field {
    pub label: &'static str,
    pub value: String,
}

fn field(label: &'static str, value: impl Into<String>) -> Field {
    Field {
        label,
        value: value.into(),
    }
}

/// The detail as labelled fields, formatted once here.
pub struct DetailView {
    pub no: String,
    pub head: String,
    pub place: String,
    pub basic: Vec<Field>,
    pub guarantees: Vec<Field>,
    pub income: Vec<Field>,
    pub monitoring: Vec<Field>,
    /// Closed (销户): why and when, shown above everything.
    pub closed: Option<String>,
    /// Closed here and registered in another county now.
    pub registered_elsewhere: bool,
    pub d: HouseholdDetail,
}

fn detail_view(d: HouseholdDetail) -> DetailView {
    let h = &d.stored.household;
    let m = &h.monitoring;
    let i = &h.income;
    let money = |v: &Option<zhenxing_domain::Money>| opt(v);
    DetailView {
        closed: d
            .stored
            .closed
            .map(|c| format!("该户已于{}销户（{}）", c.on, c.reason.label())),
        registered_elsewhere: d.registered_elsewhere,
        no: h.no.to_string(),
        head: h.head_name.clone(),
        place: d
            .place
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(" › "),
        basic: vec![
            field("户编号", h.no.to_string()),
            field("户主", h.head_name.clone()),
            field("户类型", h.household_type.label()),
            field(
                "家庭人口数",
                format!("{}人（已登记成员{}人）", h.size, d.stored.persons),
            ),
            field("自然村", opt(&h.natural_village)),
            field("住址", opt(&h.address)),
            field("联系电话", opt(&h.phone)),
            field("易地扶贫搬迁户", flag(h.relocated)),
            field("安置点", opt(&h.relocation_site)),
            field("整户无劳动能力", flag(h.no_labour)),
            field(
                "最近修改",
                format!(
                    "{}，{}",
                    zhenxing_app::browse::china_time(&d.stored.updated_at),
                    d.stored.updated_by
                ),
            ),
        ],
        guarantees: vec![
            field(
                "住房安全",
                if h.housing_unsafe {
                    "未保障"
                } else {
                    "已保障"
                },
            ),
            field(
                "义务教育",
                if h.school_dropout {
                    "有适龄儿童失学辍学"
                } else {
                    "已保障"
                },
            ),
            field(
                "基本医疗保险",
                if h.uninsured {
                    "有成员未参保"
                } else {
                    "已保障"
                },
            ),
            field(
                "饮水安全",
                if h.water_unsafe {
                    "未保障"
                } else {
                    "已保障"
                },
            ),
        ],
        income: vec![
            field("年度", opt(&i.year.map(|y| y.get()))),
            field("工资性收入（元）", money(&i.wage)),
            field("生产经营性收入（元）", money(&i.business)),
            field("财产性收入（元）", money(&i.property)),
            field("转移性收入（元）", money(&i.transfer)),
            field("生产经营性支出（元）", money(&i.production_cost)),
            field("家庭纯收入（元）", money(&i.net())),
            field("人均纯收入（元）", money(&h.per_capita_income())),
            field("理赔收入（元）", money(&i.claims)),
            field("合规自付支出（元）", money(&i.compliant_out_of_pocket)),
        ],
        monitoring: vec![
            field(
                "监测对象类别",
                m.category
                    .map(MonitorCategory::label)
                    .unwrap_or("非监测对象"),
            ),
            field("风险类型", m.risks.to_string()),
            field("识别监测时间", opt(&m.identified_on)),
            field(
                "风险是否已消除",
                if m.category.is_some() {
                    flag(m.eliminated)
                } else {
                    ""
                },
            ),
            field("风险消除时间", opt(&m.eliminated_on)),
            field(
                "风险消除方式",
                m.elimination_mode.map(|e| e.label()).unwrap_or(""),
            ),
        ],
        d,
    }
}

/// A case of the household, for the monitoring section of its page.
pub struct HouseholdCase {
    pub id: i64,
    pub kind: &'static str,
    pub stage: &'static str,
    pub opened_on: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "household.html")]
struct DetailPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    v: DetailView,
    cases: Vec<HouseholdCase>,
    /// Monitored and not eliminated: an elimination may be proposed.
    may_eliminate: bool,
    /// Registered, and the user may import ledgers: it may be closed (销户) here.
    may_close: bool,
    /// Its open clue that opened no case (the household is monitored already): what it says.
    open_clue: Option<String>,
    /// Why a closing was refused.
    error: Option<String>,
    /// The loans lent to the household (小额信贷, 富民贷), the latest first.
    loans: Vec<zhenxing_app::loans::LoanRow>,
}

/// `?county=`: a household's row in that county (a closed row of a household that moved).
#[derive(Debug, Default, Deserialize)]
pub struct AtQuery {
    pub county: Option<String>,
}

/// The county a `county` parameter names (a county's code, 12 or 6 digits); none when empty.
pub fn county_param(s: Option<&str>) -> Result<Option<zhenxing_domain::AreaCode>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match parse_area(s) {
            Ok(a) if a.level() == zhenxing_domain::AreaLevel::County => Ok(Some(a)),
            _ => Err(WebError::BadRequest(format!("县（区）代码无效：{s}"))),
        },
    }
}

async fn detail(
    state: &AppState,
    user: &PageUser,
    no: &str,
    at: Option<zhenxing_domain::AreaCode>,
    reveal: bool,
) -> Result<Response, PageError> {
    detail_with(state, user, no, at, reveal, None).await
}

async fn detail_with(
    state: &AppState,
    user: &PageUser,
    no: &str,
    at: Option<zhenxing_domain::AreaCode>,
    reveal: bool,
    error: Option<String>,
) -> Result<Response, PageError> {
    let no = household_no(no)?;
    let d = state
        .app
        .household_at(&user.caller, &no, at, reveal)
        .await?;
    let today = zhenxing_domain::today_in_china();
    let cases = state
        .app
        .household_cases(&user.caller.monitoring(), &no)
        .await?
        .into_iter()
        .map(|c| HouseholdCase {
            id: c.id,
            kind: c.kind().label(),
            stage: c.state.stage.label(),
            opened_on: crate::views::day(Some(c.state.opened_on)),
            due: crate::views::day(c.due.next()),
            overdue: c.due.is_overdue(today),
        })
        .collect();
    let open_clue = state
        .app
        .household_open_clue(&user.caller.monitoring(), &no)
        .await?
        .filter(|c| c.case_id.is_none())
        .map(|c| {
            let latest = c.evidence.last();
            format!(
                "第{}号，{}发现，风险类型：{}；来源{}条，最近一条：{}（{}）",
                c.id,
                c.found_on,
                c.risks,
                c.evidence.len(),
                latest.map(|e| e.source.as_str()).unwrap_or(""),
                latest.map(|e| e.found_on.to_string()).unwrap_or_default()
            )
        });
    let loans = state
        .app
        .household_loans(&user.caller, d.stored.county, &no)
        .await?;
    let m = &d.stored.household.monitoring;
    let may_eliminate = m.category.is_some() && !m.eliminated && d.stored.closed.is_none();
    let may_close =
        d.stored.closed.is_none() && user.caller.may(zhenxing_domain::Permission::Import);
    let v = detail_view(d);
    Ok(render(&DetailPage {
        title: format!("{} {}", v.head, v.no),
        user: Some(UserCtx::of(state, user).await),
        csrf: user.csrf.clone(),
        v,
        cases,
        may_eliminate,
        may_close,
        open_clue,
        error,
        loans,
    }))
}

#[derive(Deserialize)]
pub struct CloseForm {
    reason: String,
    #[serde(default)]
    on: String,
}

/// POST, with the CSRF token: closes the household (销户) as a ledger's row with a 销户原因
/// would, then shows its page; a refusal (an open case, a day to come) is shown on it.
pub async fn close(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    Form(f): Form<CloseForm>,
) -> Result<Response, PageError> {
    let household = household_no(&no)?;
    let reason = zhenxing_domain::DissolveReason::parse(&f.reason)
        .map_err(|e| WebError::BadRequest(format!("销户原因：{e}")))?;
    let on = match f.on.trim() {
        "" => None,
        text => Some(
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| WebError::BadRequest(format!("销户时间应为年-月-日：{text}")))?,
        ),
    };
    if on.is_some_and(|d| d > zhenxing_domain::today_in_china()) {
        let error = "销户时间不能晚于今天".to_string();
        return detail_with(&state, &user, &no, None, false, Some(error)).await;
    }
    let dissolution = zhenxing_domain::Dissolution { reason, on };
    match state
        .app
        .close_household(&user.caller, &household, dissolution)
        .await
    {
        Ok(()) => detail(&state, &user, &no, None, false).await,
        Err(zhenxing_app::AppError::Invalid(why)) => {
            detail_with(&state, &user, &no, None, false, Some(why)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    Query(q): Query<AtQuery>,
) -> Result<Response, PageError> {
    let at = county_param(q.county.as_deref())?;
    detail(&state, &user, &no, at, false).await
}

/// POST, with the CSRF token: showing whole ID numbers writes the audit log.
pub async fn reveal(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    Query(q): Query<AtQuery>,
) -> Result<Response, PageError> {
    let at = county_param(q.county.as_deref())?;
    detail(&state, &user, &no, at, true).await
}

#[derive(Template)]
#[template(path = "household_edit.html")]
struct EditPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    no: String,
    head: String,
    f: zhenxing_app::edit::HouseholdEditForm,
    error: Option<String>,
}

async fn edit_page(
    state: &AppState,
    user: &PageUser,
    stored: &zhenxing_app::store::StoredHousehold,
    f: zhenxing_app::edit::HouseholdEditForm,
    error: Option<String>,
) -> Response {
    let h = &stored.household;
    render(&EditPage {
        title: format!("修改 {} {}", h.head_name, h.no),
        user: Some(UserCtx::of(state, user).await),
        csrf: user.csrf.clone(),
        no: h.no.to_string(),
        head: h.head_name.clone(),
        f,
        error,
    })
}

/// The form correcting a household's registry fields (修改农户信息), for who may import.
pub async fn edit_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let stored = state.app.household_to_edit(&user.caller, &no).await?;
    let f = zhenxing_app::edit::HouseholdEditForm::of(&stored);
    Ok(edit_page(&state, &user, &stored, f, None).await)
}

/// POST, with the CSRF token: saves the form and shows the household (its history holds the
/// change); a refusal (a value, someone else's change since) is shown on the form as typed.
pub async fn edit(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    Form(f): Form<zhenxing_app::edit::HouseholdEditForm>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    match state.app.edit_household(&user.caller, &no, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/households/{no}")).into_response()),
        Err(zhenxing_app::AppError::Invalid(why) | zhenxing_app::AppError::Stale(why)) => {
            let stored = state.app.household_to_edit(&user.caller, &no).await?;
            let mut page = edit_page(&state, &user, &stored, f, Some(why)).await;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `/households.xlsx?…`: the list as its query selects it, every page, as an xlsx table
/// (audited `export_list`).
pub async fn list_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let area = q.area_or(user.caller.user.area)?;
    let filter = q.filter()?;
    let dir = tempfile::tempdir().map_err(crate::error::internal)?;
    let path = dir.path().join("list.xlsx");
    state
        .app
        .export_household_list(&user.caller, area, &filter, &path)
        .await?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(crate::error::internal)?;
    let len = file.metadata().await.map_err(crate::error::internal)?.len();
    Ok(crate::views::download_file(
        file,
        len,
        &format!("农户名单_{area}.xlsx"),
        crate::pages::ledgers::XLSX,
    ))
}

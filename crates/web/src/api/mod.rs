//! The JSON API under `/api/v1`, over the same use cases as the pages, described by an OpenAPI
//! document (utoipa) at `/api/v1/openapi.json`. Callers send `Authorization: Bearer TOKEN` (or,
//! from the browser, the session cookie and the `X-CSRF-Token` header on POST). Errors are
//! [`ErrorBody`] JSON.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use zhenxing_app::auth::Via;
use zhenxing_app::browse::HouseholdDetail;
use zhenxing_domain::MonitorCategory;
use zhenxing_domain::stats::Counts;

pub mod attendance;
pub mod construction;
pub mod cooperation;
pub mod employment;
pub mod loans;
pub mod monitoring;
pub mod my_day;
pub mod phone_checks;
pub mod policy;
pub mod posts;
pub mod projects;
pub mod registry;
pub mod relocation;
pub mod screening;
pub mod stats;
pub mod work_logs;
pub mod work_teams;

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody, WebError, internal};
use crate::forms::household_no;
use crate::pages::areas::parse_area;
use crate::pages::households::ListQuery;
use crate::pages::ledgers::save_uploads;
use crate::progress::{ProgressQuery, Snapshot, WorkProgress, reporter};
use crate::state::AppState;

/// Registry counts of an area.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsJson {
    /// 户数
    pub households: u64,
    /// 人数
    pub persons: u64,
    /// 监测户数
    pub monitored_households: u64,
    pub monitored_persons: u64,
    /// 风险已消除的监测户数
    pub eliminated_households: u64,
    pub eliminated_persons: u64,
}

impl From<Counts> for CountsJson {
    fn from(c: Counts) -> Self {
        CountsJson {
            households: c.households,
            persons: c.persons,
            monitored_households: c.monitored_households,
            monitored_persons: c.monitored_persons,
            eliminated_households: c.eliminated_households,
            eliminated_persons: c.eliminated_persons,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaSummary {
    /// 12-digit division code.
    pub code: String,
    pub name: String,
    /// 1 province .. 5 village.
    pub level: u8,
    pub counts: CountsJson,
    /// Every figure of DOMAIN §10 (statistics answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<stats::FiguresJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaJson {
    pub code: String,
    pub name: String,
    pub level: u8,
    /// 省 / 市(州) / 县(市、区) / 乡(镇) / 村(社区)
    pub level_label: String,
    pub counts: CountsJson,
    /// The areas one level down.
    pub children: Vec<AreaSummary>,
}

#[utoipa::path(get, path = "/api/v1/areas/{code}", tag = "区划",
    params(("code" = String, Path, description = "区划代码（12位，或2/4/6/9位前缀）")),
    responses((status = 200, body = AreaJson), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn area(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<AreaJson>, ApiError> {
    let code = parse_area(&code)?;
    let v = state.app.area(&caller, code).await?;
    Ok(Json(AreaJson {
        code: v.area.code.to_string(),
        name: v.area.name.clone(),
        level: v.area.level.number(),
        level_label: v.area.level.label().to_string(),
        counts: v.counts.into(),
        children: v
            .children
            .into_iter()
            .map(|c| AreaSummary {
                code: c.code.to_string(),
                name: c.name,
                level: c.level.number(),
                counts: c.counts.into(),
                figures: None,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdItem {
    /// 户编号
    pub no: String,
    pub village_code: String,
    /// 乡镇和村的名称
    pub place: String,
    pub head_name: String,
    /// 家庭人口数（台账填报）
    pub size: u32,
    /// 已登记成员数
    pub persons: u32,
    pub household_type: String,
    pub monitor_category: Option<String>,
    pub risks: Vec<String>,
    pub eliminated: bool,
    /// 人均纯收入（元，两位小数）
    pub per_capita_income: Option<String>,
    /// 县（区）代码: with `no`, the household's row (a household that moved has a closed row in
    /// each county it left; pass as `county` to read that one).
    pub county_code: String,
    /// 销户原因, when closed (`status=closed` lists them).
    pub closed_reason: Option<String>,
    /// 销户时间, when closed.
    pub closed_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdList {
    pub items: Vec<HouseholdItem>,
    /// Pass as `page` for the next page; absent on the last page.
    pub next_page: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Limit {
    /// Households per page, 1..200 (default 50).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/households", tag = "农户",
    params(ListQuery, Limit),
    responses((status = 200, body = HouseholdList, description = "Households in (village, 户编号) order. Pages are keyset cursors: pass `next_page` as `page`."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn households(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ListQuery>,
    Query(limit): Query<Limit>,
) -> Result<Json<HouseholdList>, ApiError> {
    let area = q.area_or(caller.user.area)?;
    let filter = q.filter()?;
    let page = state
        .app
        .households(
            &caller,
            area,
            &filter,
            q.page.as_deref(),
            limit.limit.unwrap_or(50),
        )
        .await?;
    Ok(Json(HouseholdList {
        items: page
            .rows
            .into_iter()
            .map(|r| {
                let s = r.summary;
                HouseholdItem {
                    no: s.no.to_string(),
                    village_code: s.village.to_string(),
                    place: r.place,
                    head_name: s.head_name,
                    size: s.size,
                    persons: s.persons,
                    household_type: s.household_type.label().to_string(),
                    monitor_category: s.category.map(|c| c.label().to_string()),
                    risks: s.risks.iter().map(|r| r.label().to_string()).collect(),
                    eliminated: s.eliminated,
                    per_capita_income: s.per_capita_income.map(|m| m.yuan_string()),
                    county_code: s.county.to_string(),
                    closed_reason: s.closed.map(|c| c.reason.label().to_string()),
                    closed_on: s.closed.map(|c| c.on.to_string()),
                }
            })
            .collect(),
        next_page: page.next,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberJson {
    pub name: String,
    /// 证件号码: masked (`6201**********1234`) unless revealed.
    pub id_number: String,
    pub sex: String,
    pub birth_date: String,
    pub relation: String,
    pub health: Option<String>,
    pub disability_level: Option<u8>,
    pub labour: Option<String>,
    pub migrant_place: Option<String>,
    pub migrant_months: Option<u8>,
    pub medical_insurance: Option<bool>,
    pub pension: Option<bool>,
    pub dibao: Option<String>,
    pub tekun: bool,
    /// Masked unless revealed.
    pub phone: Option<String>,
    /// Its version: each change adds one (pass it to change the member).
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeJson {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    /// China time, `2024-03-09 14:03`.
    pub at: String,
    pub by: String,
    pub subject: String,
    pub changes: Vec<FieldChangeJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdJson {
    pub no: String,
    /// Its version: each change adds one (pass it to `PATCH` to change it).
    pub version: i64,
    pub village_code: String,
    /// Province to village names.
    pub place: Vec<String>,
    pub head_name: String,
    pub size: u32,
    pub persons: u32,
    pub household_type: String,
    pub natural_village: Option<String>,
    pub address: Option<String>,
    /// Masked unless revealed.
    pub phone: Option<String>,
    pub relocated: bool,
    pub relocation_site: Option<String>,
    pub no_labour: bool,
    pub housing_unsafe: bool,
    pub school_dropout: bool,
    pub uninsured: bool,
    pub water_unsafe: bool,
    pub income_year: Option<u16>,
    /// 人均纯收入（元）
    pub per_capita_income: Option<String>,
    pub monitor_category: Option<String>,
    pub risks: Vec<String>,
    /// `2024-03-09`, or `2024-03` when the ledger gave a month.
    pub identified_on: Option<String>,
    pub eliminated: bool,
    pub eliminated_on: Option<String>,
    pub members: Vec<MemberJson>,
    /// Newest first; ID numbers and phones in it are masked.
    pub history: Vec<ChangeJson>,
    /// Whole ID numbers and phones are shown (and the view was audited).
    pub revealed: bool,
    /// What the registry check (户籍信息核查) finds in the household against its members.
    pub registry_findings: Vec<RegistryFindingJson>,
    /// Closed (销户): why (整户死亡, 整户迁出, 并户, 其他); absent while registered.
    pub closed_reason: Option<String>,
    /// The day it was closed, `2025-06-01`.
    pub closed_on: Option<String>,
    /// Closed here and registered under its number in another county now (it moved there).
    pub registered_elsewhere: bool,
}

/// The registry fields of a household to change (修改农户信息): only those given change; an
/// empty string clears a text or an amount. Amounts in yuan (`"12,345.60"`). Its monitoring
/// fields are not changed here: the identification and elimination procedures write them.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdPatch {
    /// The household's `version` as read (`GET /api/v1/households/{no}`): a household changed
    /// since is not overwritten (409).
    pub version: i64,
    /// 户主姓名 (户主变更)
    pub head_name: Option<String>,
    /// 家庭人口数, 1..30
    pub size: Option<u32>,
    pub natural_village: Option<String>,
    pub address: Option<String>,
    /// 联系电话 (an empty string keeps it: it is not cleared here)
    pub phone: Option<String>,
    pub relocated: Option<bool>,
    pub relocation_site: Option<String>,
    pub no_labour: Option<bool>,
    pub housing_unsafe: Option<bool>,
    pub school_dropout: Option<bool>,
    pub uninsured: Option<bool>,
    pub water_unsafe: Option<bool>,
    /// 收入年度, e.g. `"2025"`
    pub income_year: Option<String>,
    pub wage: Option<String>,
    pub business: Option<String>,
    pub property: Option<String>,
    pub transfer: Option<String>,
    pub production_cost: Option<String>,
    pub claims: Option<String>,
    pub compliant_out_of_pocket: Option<String>,
}

impl HouseholdPatch {
    /// The form of the household as stored with the patch's values over it.
    fn over(
        self,
        mut f: zhenxing_app::edit::HouseholdEditForm,
    ) -> zhenxing_app::edit::HouseholdEditForm {
        let flag = |b: bool| b.then(|| "1".to_string());
        f.version = self.version;
        if let Some(n) = self.size {
            f.size = n.to_string();
        }
        let texts = [
            (self.head_name, &mut f.head_name),
            (self.natural_village, &mut f.natural_village),
            (self.address, &mut f.address),
            (self.phone, &mut f.phone),
            (self.relocation_site, &mut f.relocation_site),
            (self.income_year, &mut f.income_year),
            (self.wage, &mut f.wage),
            (self.business, &mut f.business),
            (self.property, &mut f.property),
            (self.transfer, &mut f.transfer),
            (self.production_cost, &mut f.production_cost),
            (self.claims, &mut f.claims),
            (self.compliant_out_of_pocket, &mut f.compliant_out_of_pocket),
        ];
        for (given, field) in texts {
            if let Some(v) = given {
                *field = v;
            }
        }
        let flags = [
            (self.relocated, &mut f.relocated),
            (self.no_labour, &mut f.no_labour),
            (self.housing_unsafe, &mut f.housing_unsafe),
            (self.school_dropout, &mut f.school_dropout),
            (self.uninsured, &mut f.uninsured),
            (self.water_unsafe, &mut f.water_unsafe),
        ];
        for (given, field) in flags {
            if let Some(b) = given {
                *field = flag(b);
            }
        }
        f
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdEditJson {
    /// The fields changed (none: the patch changed nothing and nothing was written).
    pub changed: Vec<String>,
    pub household: HouseholdJson,
}

#[utoipa::path(patch, path = "/api/v1/households/{no}", tag = "农户",
    params(("no" = String, Path, description = "户编号")),
    request_body = HouseholdPatch,
    responses((status = 200, body = HouseholdEditJson, description = "Written as a ledger's row would be: the previous values in the household's history, audited (`edit_household`)."),
        (status = 400, body = ErrorBody, description = "A value is wrong (each one told): nothing written."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Changed since `version`: nothing written; read it again.")),
    security(("bearer" = [])))]
pub async fn edit_household(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
    Json(patch): Json<HouseholdPatch>,
) -> Result<Json<HouseholdEditJson>, ApiError> {
    let no = household_no(&no)?;
    let stored = state.app.household_to_edit(&caller, &no).await?;
    let form = patch.over(zhenxing_app::edit::HouseholdEditForm::of(&stored));
    let changed = match state.app.edit_household(&caller, &no, &form).await? {
        zhenxing_app::edit::Edited::Saved(fields) => {
            fields.into_iter().map(str::to_string).collect()
        }
        zhenxing_app::edit::Edited::Unchanged => Vec::new(),
    };
    let d = state.app.household(&caller, &no, false).await?;
    Ok(Json(HouseholdEditJson {
        changed,
        household: household_json(d),
    }))
}

/// A member of a household named by ID number (in the body, never in the address), with the
/// fields to set: only those given change (an empty string clears a text). Adding a member,
/// `name` and `relation` are needed and `version` is not.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    /// 证件号码, whole.
    pub id_number: String,
    /// The member's `version` as read: a member changed since is not overwritten (409).
    pub version: Option<i64>,
    pub name: Option<String>,
    /// 与户主关系, e.g. `之子`
    pub relation: Option<String>,
    /// 健康状况: 健康, 长期慢性病, 患有大病, 残疾
    pub health: Option<String>,
    /// 残疾等级 `1`..`4`
    pub disability_level: Option<String>,
    /// 劳动技能
    pub labour: Option<String>,
    pub education: Option<String>,
    pub schooling: Option<String>,
    pub migrant_place: Option<String>,
    /// 务工时间（月）
    pub migrant_months: Option<String>,
    pub welfare_job: Option<bool>,
    pub medical_insurance: Option<bool>,
    pub serious_illness_insurance: Option<bool>,
    pub pension: Option<bool>,
    /// 低保类别 (一类 … 四类, 是); an empty string: none.
    pub dibao: Option<String>,
    pub tekun: Option<bool>,
    /// 联系电话 (an empty string keeps it)
    pub phone: Option<String>,
}

impl MemberPatch {
    /// The member's form (as stored, or empty for a new one) with the patch's values over it.
    fn over(self, mut f: zhenxing_app::edit::MemberForm) -> zhenxing_app::edit::MemberForm {
        let yes_no = |b: bool| zhenxing_domain::labels::flag_label(b).to_string();
        f.id_number = self.id_number;
        if let Some(v) = self.version {
            f.version = v;
        }
        let texts = [
            (self.name, &mut f.name),
            (self.relation, &mut f.relation),
            (self.health, &mut f.health),
            (self.disability_level, &mut f.disability_level),
            (self.labour, &mut f.labour),
            (self.education, &mut f.education),
            (self.schooling, &mut f.schooling),
            (self.migrant_place, &mut f.migrant_place),
            (self.migrant_months, &mut f.migrant_months),
            (self.dibao, &mut f.dibao),
            (self.phone, &mut f.phone),
        ];
        for (given, field) in texts {
            if let Some(v) = given {
                *field = v;
            }
        }
        let flags = [
            (self.welfare_job, &mut f.welfare_job),
            (self.medical_insurance, &mut f.medical_insurance),
            (
                self.serious_illness_insurance,
                &mut f.serious_illness_insurance,
            ),
            (self.pension, &mut f.pension),
        ];
        for (given, field) in flags {
            if let Some(b) = given {
                *field = yes_no(b);
            }
        }
        if let Some(b) = self.tekun {
            f.tekun = b.then(|| "1".to_string());
        }
        f
    }
}

/// A member leaving a household (人口减少), named by ID number.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberLeave {
    pub id_number: String,
    /// The member's `version` as read.
    pub version: i64,
    /// 减少原因: 死亡, 婚出, 户籍迁出, 其他
    pub reason: String,
    /// 减少时间 `2025-06-01`; absent: today.
    pub on: Option<String>,
}

fn member_id(s: &str) -> Result<zhenxing_domain::IdNumber, WebError> {
    zhenxing_domain::IdNumber::parse(s).map_err(|e| WebError::BadRequest(format!("证件号码：{e}")))
}

#[utoipa::path(post, path = "/api/v1/households/{no}/members", tag = "农户",
    params(("no" = String, Path, description = "户编号")),
    request_body = MemberPatch,
    responses((status = 200, body = HouseholdJson, description = "Registered (新增人口) as a members ledger's row would be; audited (`add_member`)."),
        (status = 400, body = ErrorBody, description = "A value is wrong, or the person is registered in another household: nothing written."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
    Json(patch): Json<MemberPatch>,
) -> Result<Json<HouseholdJson>, ApiError> {
    let no = household_no(&no)?;
    let form = patch.over(zhenxing_app::edit::MemberForm::default());
    state.app.add_member(&caller, &no, &form).await?;
    Ok(Json(household_json(
        state.app.household(&caller, &no, false).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v1/households/{no}/members", tag = "农户",
    params(("no" = String, Path, description = "户编号")),
    request_body = MemberPatch,
    responses((status = 200, body = HouseholdEditJson, description = "The member corrected as a members ledger's row would be; audited (`edit_member`)."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Changed since `version`: nothing written.")),
    security(("bearer" = [])))]
pub async fn edit_member(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
    Json(patch): Json<MemberPatch>,
) -> Result<Json<HouseholdEditJson>, ApiError> {
    use zhenxing_app::edit::{Edited, MemberForm, MemberRef};
    let no = household_no(&no)?;
    let id = member_id(&patch.id_number)?;
    if patch.version.is_none() {
        return Err(WebError::BadRequest("须给出成员的 version（读取时的版本）".into()).into());
    }
    let (_, member) = state
        .app
        .member_to_edit(&caller, &no, MemberRef::Id(&id))
        .await?;
    let form = patch.over(MemberForm::of(&member));
    let changed = match state
        .app
        .edit_member(&caller, &no, MemberRef::Id(&id), &form)
        .await?
    {
        Edited::Saved(fields) => fields.into_iter().map(str::to_string).collect(),
        Edited::Unchanged => Vec::new(),
    };
    Ok(Json(HouseholdEditJson {
        changed,
        household: household_json(state.app.household(&caller, &no, false).await?),
    }))
}

#[utoipa::path(post, path = "/api/v1/households/{no}/members/leave", tag = "农户",
    params(("no" = String, Path, description = "户编号")),
    request_body = MemberLeave,
    responses((status = 200, body = HouseholdJson, description = "The member left the household (人口减少) as a members ledger's row with a 减少原因 would; audited (`remove_member`)."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Changed since `version`: nothing written.")),
    security(("bearer" = [])))]
pub async fn member_leaves(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
    Json(leave): Json<MemberLeave>,
) -> Result<Json<HouseholdJson>, ApiError> {
    use zhenxing_app::edit::{LeaveForm, MemberRef};
    let no = household_no(&no)?;
    let id = member_id(&leave.id_number)?;
    let form = LeaveForm {
        version: leave.version,
        masked_id: String::new(),
        reason: leave.reason,
        on: leave.on.unwrap_or_default(),
    };
    state
        .app
        .remove_member(&caller, &no, MemberRef::Id(&id), &form)
        .await?;
    Ok(Json(household_json(
        state.app.household(&caller, &no, false).await?,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryFindingJson {
    /// e.g. `size_differs`
    pub rule: String,
    pub label: String,
    pub detail: String,
}

fn household_json(d: HouseholdDetail) -> HouseholdJson {
    let h = &d.stored.household;
    let m = &h.monitoring;
    HouseholdJson {
        closed_reason: d.stored.closed.map(|c| c.reason.label().to_string()),
        closed_on: d.stored.closed.map(|c| c.on.to_string()),
        registered_elsewhere: d.registered_elsewhere,
        version: d.stored.version,
        no: h.no.to_string(),
        village_code: h.village.to_string(),
        place: d.place.iter().map(|p| p.name.clone()).collect(),
        head_name: h.head_name.clone(),
        size: h.size,
        persons: d.stored.persons,
        household_type: h.household_type.label().to_string(),
        natural_village: h.natural_village.clone(),
        address: h.address.clone(),
        phone: h.phone.clone(),
        relocated: h.relocated,
        relocation_site: h.relocation_site.clone(),
        no_labour: h.no_labour,
        housing_unsafe: h.housing_unsafe,
        school_dropout: h.school_dropout,
        uninsured: h.uninsured,
        water_unsafe: h.water_unsafe,
        income_year: h.income.year.map(|y| y.get()),
        per_capita_income: h.per_capita_income().map(|m| m.yuan_string()),
        monitor_category: m.category.map(MonitorCategory::label).map(String::from),
        risks: m.risks.iter().map(|r| r.label().to_string()).collect(),
        identified_on: m.identified_on.map(|d| d.to_string()),
        eliminated: m.eliminated,
        eliminated_on: m.eliminated_on.map(|d| d.to_string()),
        members: d
            .members
            .iter()
            .map(|v| {
                let x = &v.member;
                MemberJson {
                    name: x.name.clone(),
                    id_number: v.id_text.clone(),
                    sex: v.sex.to_string(),
                    birth_date: v.birth_date.clone(),
                    relation: x.relation.label().to_string(),
                    health: x.health.map(|h| h.label().to_string()),
                    disability_level: x.disability_level,
                    labour: x.labour.map(|l| l.label().to_string()),
                    migrant_place: x.migrant_place.clone(),
                    migrant_months: x.migrant_months,
                    medical_insurance: x.medical_insurance,
                    pension: x.pension,
                    dibao: x.dibao.map(|d| d.label().to_string()),
                    tekun: x.tekun,
                    phone: x.phone.clone(),
                    version: v.version,
                }
            })
            .collect(),
        history: d
            .history
            .iter()
            .map(|c| ChangeJson {
                at: c.at.clone(),
                by: c.by.clone(),
                subject: c.subject.clone(),
                changes: c
                    .changes
                    .iter()
                    .map(|f| FieldChangeJson {
                        field: f.field.clone(),
                        before: f.before.clone(),
                        after: f.after.clone(),
                    })
                    .collect(),
            })
            .collect(),
        registry_findings: d
            .findings
            .iter()
            .map(|(rule, label, detail)| RegistryFindingJson {
                rule: (*rule).into(),
                label: (*label).into(),
                detail: detail.clone(),
            })
            .collect(),
        revealed: d.revealed,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// `true`: whole ID numbers and phones (roles allowed only, with a token; audited).
    pub reveal: Option<bool>,
    /// 县（区）代码: the household's row in that county (a closed row of a household that moved
    /// away; the list's `county_code`); absent: the one registered under the number, else its
    /// latest closed row.
    pub county: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/households/{no}", tag = "农户",
    params(("no" = String, Path, description = "户编号"), RevealQuery),
    responses((status = 200, body = HouseholdJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn household(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(no): Path<String>,
    Query(q): Query<RevealQuery>,
) -> Result<Json<HouseholdJson>, ApiError> {
    let no = household_no(&no)?;
    let reveal = q.reveal.unwrap_or(false);
    // A GET that a cookie carries could be made by another site; whole data only with a token.
    if reveal && caller.via != Via::Token {
        return Err(WebError::App(zhenxing_app::AppError::Forbidden).into());
    }
    let at = crate::pages::households::county_param(q.county.as_deref())?;
    let d = state.app.household_at(&caller, &no, at, reveal).await?;
    Ok(Json(household_json(d)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCountsJson {
    pub households_inserted: u64,
    pub households_updated: u64,
    pub households_unchanged: u64,
    pub members_inserted: u64,
    pub members_updated: u64,
    pub members_unchanged: u64,
    /// Members who left their households (a members ledger's 减少原因), removed.
    pub members_removed: u64,
    /// Households closed (a households ledger's 销户原因), their members leaving them.
    pub households_dissolved: u64,
    /// Rows refused (a row with several problems counts once).
    pub rejected: u64,
}

impl ImportCountsJson {
    fn of(c: &zhenxing_app::store::ImportCounts) -> ImportCountsJson {
        ImportCountsJson {
            households_inserted: c.households_inserted,
            households_updated: c.households_updated,
            households_unchanged: c.households_unchanged,
            members_inserted: c.members_inserted,
            members_updated: c.members_updated,
            members_unchanged: c.members_unchanged,
            members_removed: c.members_removed,
            households_dissolved: c.households_dissolved,
            rejected: c.rejected,
        }
    }
}

impl RowErrorJson {
    /// A row error kept with an import or a screening batch.
    pub fn kept(p: zhenxing_app::store::RowProblem) -> RowErrorJson {
        RowErrorJson {
            file: p.file,
            sheet: p.sheet,
            row: p.row,
            column: p.column,
            value: p.value,
            reason: p.reason,
            code: p.code,
        }
    }

    pub fn of(e: &zhenxing_ledger::RowError) -> RowErrorJson {
        RowErrorJson::kept(zhenxing_app::problems::kept(e))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RowErrorJson {
    pub file: String,
    pub sheet: Option<String>,
    /// Row number as Excel shows it.
    pub row: u64,
    pub column: String,
    /// The value, masked when it may be personal data.
    pub value: String,
    /// 中文原因
    pub reason: String,
    /// Stable code, e.g. `id_check`, `unknown_area_code`, `out_of_scope`.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJson {
    pub import_id: Option<i64>,
    /// Data rows read.
    pub rows: u64,
    /// Totals and signature rows that close a ledger (`合计`, `填表人：…`), skipped.
    pub notes: u64,
    pub counts: ImportCountsJson,
    /// The first rows refused (at most 500, in file order); the rest are read from
    /// `/api/v1/imports/{import_id}/errors?after={errors_next}`.
    pub errors: Vec<RowErrorJson>,
    /// How many errors were found in all.
    pub errors_total: u64,
    /// How many of them are kept in detail, in the report read from
    /// `/api/v1/imports/{import_id}/errors` (at most 200,000: past them a file refused in bulk
    /// has its errors counted in `error_kinds` only).
    pub errors_kept: u64,
    /// Pass as `after` to `/api/v1/imports/{import_id}/errors` for the refused rows after
    /// `errors`; absent when `errors` lists them all.
    pub errors_next: Option<u64>,
    /// Every refused row counted by kind (file, column, code), the most frequent first.
    pub error_kinds: Vec<ErrorKindJson>,
    /// Where the rows not taken are, as the files had them (an xlsx to correct and import
    /// again), for the caller alone and for a short while; absent when every row was taken or
    /// they could not be kept (`rejected_rows_note` says why).
    pub rejected_rows: Option<String>,
    /// Why the rows not taken are not offered, when some were refused.
    pub rejected_rows_note: Option<String>,
}

/// Refused rows of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorKindJson {
    pub file: String,
    pub column: String,
    pub code: String,
    pub count: u64,
    /// The first such row's reason, in Chinese.
    pub example: String,
}

/// The multipart form of an import: either file or both.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// 户信息表 (xlsx, xls, CSV in UTF-8/GBK/UTF-16, or a web page's table named .xls). A ledger
    /// of one row a person (一表式台账: the members' 姓名 and 与户主关系 beside the household's
    /// columns) brings its members too.
    #[schema(value_type = Option<String>, format = Binary)]
    households: Option<Vec<u8>>,
    /// 成员信息表
    #[schema(value_type = Option<String>, format = Binary)]
    members: Option<Vec<u8>>,
}

#[utoipa::path(post, path = "/api/v1/imports", tag = "台账",
    params(ProgressQuery),
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportJson, description = "Valid rows are in; `errors` lists the first rows refused, `errors_next` where the rest begin."),
        (status = 400, body = ErrorBody, description = "A file is unusable: nothing was written."),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<ProgressQuery>,
    headers: axum::http::HeaderMap,
    multipart: Multipart,
) -> Result<Json<ImportJson>, ApiError> {
    caller.require(zhenxing_domain::Permission::Import)?;
    let reporting = q.reporting(&state.progress, caller.user.id);
    let work = reporting.as_ref().map(|r| r.0.clone());
    let answer = import_answer(&state, &caller, work.as_deref(), &headers, multipart).await;
    if let Some(r) = reporting {
        r.done(answer.is_ok());
    }
    answer
}

async fn import_answer(
    state: &AppState,
    caller: &zhenxing_app::auth::Caller,
    work: Option<&WorkProgress>,
    headers: &axum::http::HeaderMap,
    multipart: Multipart,
) -> Result<Json<ImportJson>, ApiError> {
    let dir = tempfile::tempdir().map_err(internal)?;
    let declared = crate::forms::declared_length(headers);
    let up = save_uploads(multipart, dir.path(), work.map(|w| (w, declared))).await?;
    if up.households.is_none() && up.members.is_none() {
        return Err(WebError::BadRequest("请上传 households 或 members 文件".into()).into());
    }
    let files = (up.households.clone(), up.members.clone());
    let report = state
        .app
        .import_as(caller, up.households, up.members, reporter(work))
        .await?;
    let mut answer = ImportJson {
        import_id: report.import_id,
        rows: report.rows,
        notes: report.notes,
        counts: ImportCountsJson::of(&report.counts),
        errors: report
            .errors
            .kept()
            .iter()
            .take(REPORT_PAGE as usize)
            .map(RowErrorJson::of)
            .collect(),
        errors_total: report.errors.total(),
        errors_kept: report.errors.kept().len() as u64,
        // The report is kept in the order answered, its lines numbered from 1.
        errors_next: (report.errors.kept().len() > REPORT_PAGE as usize)
            .then_some(REPORT_PAGE.into()),
        error_kinds: report
            .errors
            .kinds()
            .into_iter()
            .map(|k| ErrorKindJson {
                file: k.file,
                column: k.column,
                code: k.code.to_string(),
                count: k.count,
                example: k.example,
            })
            .collect(),
        rejected_rows: None,
        rejected_rows_note: None,
    };
    if let (true, Some(id)) = (report.counts.rejected > 0, report.import_id) {
        match crate::pages::ledgers::keep_rejected_rows(state, caller, files, report).await {
            Ok(()) => answer.rejected_rows = Some(format!("/api/v1/imports/{id}/rejected-rows")),
            Err(why) => answer.rejected_rows_note = Some(why.to_string()),
        }
    }
    Ok(Json(answer))
}

#[utoipa::path(get, path = "/api/v1/imports/{id}/rejected-rows", tag = "台账",
    params(("id" = i64, Path, description = "导入编号")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The rows the import did not take, as its files had them: for the user who imported, shortly after (the answer's `rejected_rows`). Audited."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_rejected_rows(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    Ok(crate::pages::ledgers::hand_out_rejected_rows(&state, &caller, &id).await?)
}

#[utoipa::path(get, path = "/api/v1/progress/{token}", tag = "台账",
    params(("token" = String, Path, description = "The token the import or screening was called with (`?progress=`).")),
    responses((status = 200, body = Snapshot, description = "How far the caller's import or screening under the token is: the phase, rows (or bytes while the files arrive) done, whether it has ended. Kept ten minutes after the end."),
        (status = 404, body = ErrorBody, description = "No such work of the caller's.")),
    security(("bearer" = [])))]
pub async fn progress(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(token): Path<String>,
) -> Result<Json<Snapshot>, ApiError> {
    state
        .progress
        .snapshot(caller.user.id, &token)
        .map(Json)
        .ok_or_else(|| WebError::NotFound.into())
}

/// A page of lines numbered after `after`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AfterQuery {
    /// The previous page's `next`.
    pub after: Option<u64>,
}

/// Lines of a kept report per page.
pub const REPORT_PAGE: u32 = 500;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRecordJson {
    pub id: i64,
    pub started_at: String,
    pub actor: String,
    /// The area the import was confined to.
    pub area: Option<String>,
    pub households_file: Option<String>,
    pub members_file: Option<String>,
    pub counts: ImportCountsJson,
    /// Lines of its report kept with it (absent: imported before they were kept).
    pub problems: Option<u64>,
}

impl ImportRecordJson {
    fn of(r: &zhenxing_app::store::ImportRecord) -> ImportRecordJson {
        ImportRecordJson {
            id: r.id,
            started_at: r.started_at.clone(),
            actor: r.actor.clone(),
            area: r.scope.map(|a| a.to_string()),
            households_file: r.households_file.clone(),
            members_file: r.members_file.clone(),
            counts: ImportCountsJson::of(&r.counts),
            problems: r.problems,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/imports", tag = "台账",
    responses((status = 200, body = Vec<ImportRecordJson>, description = "Imports into the caller's area, newest first."),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn imports(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
) -> Result<Json<Vec<ImportRecordJson>>, ApiError> {
    let list = state.app.imports_as(&caller, 200).await?;
    Ok(Json(list.iter().map(ImportRecordJson::of).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportErrorsJson {
    pub import: ImportRecordJson,
    /// The rows it refused, as its answer listed them.
    pub items: Vec<RowErrorJson>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/imports/{id}/errors", tag = "台账",
    params(("id" = i64, Path, description = "Import"), AfterQuery),
    responses((status = 200, body = ImportErrorsJson, description = "The rows the import refused, kept with it, a page at a time."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_errors(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<AfterQuery>,
) -> Result<Json<ImportErrorsJson>, ApiError> {
    let (import, lines) = state
        .app
        .import_problems_as(&caller, id, q.after, REPORT_PAGE)
        .await?;
    Ok(Json(ImportErrorsJson {
        import: ImportRecordJson::of(&import),
        next: next_after(&lines, REPORT_PAGE),
        items: lines
            .into_iter()
            .map(|(_, p)| RowErrorJson::kept(p))
            .collect(),
    }))
}

/// The `next` of a page of numbered lines: its last number when the page is full.
pub fn next_after<T>(lines: &[(u64, T)], page: u32) -> Option<u64> {
    (lines.len() == page as usize)
        .then(|| lines.last().map(|(seq, _)| *seq))
        .flatten()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    pub id: i64,
    pub name: String,
    /// `county_admin`, `village_cadre`, ...
    pub role: String,
    pub role_label: String,
    pub area: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "账号",
    responses((status = 200, body = MeJson), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(ApiUser(caller): ApiUser) -> Json<MeJson> {
    let u = caller.user;
    Json(MeJson {
        id: u.id,
        name: u.name,
        role: u.role.cli_name().to_string(),
        role_label: u.role.label().to_string(),
        area: u.area.to_string(),
    })
}

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "振兴 防止返贫动态监测平台 API", version = "1",
        description = "按区划范围访问农户台账、防返贫监测帮扶（线索、识别和消除案件、帮扶计划、走访、公示、数据检查、政策参数）和统计调度。用 `Authorization: Bearer TOKEN` 调用（令牌在“API令牌”页面创建，或用 `zhenxing user token`）。错误返回 `{\"code\": \"...\", \"message\": \"中文说明\"}`；管辖范围以外的数据一律返回 404。"),
    paths(area, households, household, edit_household, add_member, edit_member, member_leaves, import, stats::stats, me,
        import_rejected_rows, stats::verification, stats::reports, stats::issue, stats::preview, stats::report,
        stats::report_xlsx,
        policy::in_force, policy::versions, policy::check, policy::set,
        monitoring::cases, monitoring::my_cases, monitoring::case, monitoring::step,
        monitoring::clues, monitoring::record_clue, monitoring::propose_elimination,
        monitoring::plan, monitoring::save_plan, monitoring::visits, monitoring::record_visit,
        monitoring::visit_photo, monitoring::visits_due, monitoring::notice,
        monitoring::notice_xlsx, monitoring::checks, monitoring::disaster,
        screening::screen, screening::batches, screening::results,
        screening::problems, imports, import_errors, progress, registry::registry_checks,
        relocation::relocation, projects::projects, projects::project, projects::import,
        construction::construction, construction::item, construction::import,
        work_teams::work_teams, work_teams::import, work_teams::import_trainings,
        phone_checks::phone_checks, phone_checks::draw, phone_checks::record,
        cooperation::cooperation, cooperation::import,
        employment::employment, employment::import_targets,
        work_logs::work_logs, work_logs::write, work_logs::photo, my_day::my_day,
        loans::loans, loans::loan, loans::household_loans, loans::import, stats::key_counties, posts::posts, posts::post, posts::attachment, posts::publish, posts::withdraw,
        attendance::attendance, attendance::check_in, attendance::request_leave,
        attendance::decide_leave, attendance::withdraw_leave),
    components(schemas(ErrorBody)),
    modifiers(&BearerScheme)
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

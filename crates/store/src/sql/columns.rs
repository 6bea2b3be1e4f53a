//! How households and members map to columns: the one place that knows it.

use zhenxing_domain::household::{Income, Monitoring};
use zhenxing_domain::member::DibaoClass;
use zhenxing_domain::{
    AreaCode, EliminationMode, Health, Household, HouseholdNo, HouseholdType, IdNumber, Labour,
    LedgerDate, Member, Money, MonitorCategory, PolicyYear, Relation, RiskTypes,
};

use super::{Row, Value};
use crate::{StoreError, StoreResult};

pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "county_code",
    "household_no",
    "village_code",
    "natural_village",
    "address",
    "phone",
    "head_name",
    "size",
    "household_type",
    "relocated",
    "relocation_site",
    "no_labour",
    "housing_unsafe",
    "school_dropout",
    "uninsured",
    "water_unsafe",
    "income_year",
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "production_cost",
    "declared_per_capita",
    "claims_income",
    "compliant_out_of_pocket",
    "per_capita_income",
    "monitor_category",
    "risk_mask",
    "identified_on",
    "eliminated",
    "eliminated_on",
    "elimination_mode",
];

pub const MEMBER_COLUMNS: &[&str] = &[
    "county_code",
    "household_no",
    "id_number",
    "member_no",
    "name",
    "relation",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "disability_level",
    "labour",
    "migrant_place",
    "migrant_months",
    "welfare_job",
    "medical_insurance",
    "serious_illness_insurance",
    "pension",
    "dibao",
    "tekun",
    "phone",
];

/// Columns written with every insert and update, after the data columns: the row's version and
/// the change set (who, when) that wrote it.
pub const META_COLUMNS: &[&str] = &["version", "changeset_id"];

/// `h.county_code, h.household_no, ...` for a select.
pub fn select_list(alias: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn money(m: Option<Money>) -> Value<'static> {
    Value::Int(m.map(Money::fen))
}

fn date(d: Option<LedgerDate>) -> Value<'static> {
    d.map(|d| d.to_string()).into()
}

pub fn household_values(county: AreaCode, h: &Household) -> Vec<Value<'_>> {
    let i = &h.income;
    let m = &h.monitoring;
    vec![
        county.as_i64().into(),
        h.no.as_str().into(),
        h.village.as_i64().into(),
        (&h.natural_village).into(),
        (&h.address).into(),
        (&h.phone).into(),
        h.head_name.as_str().into(),
        i64::from(h.size).into(),
        h.household_type.code().into(),
        h.relocated.into(),
        (&h.relocation_site).into(),
        h.no_labour.into(),
        h.housing_unsafe.into(),
        h.school_dropout.into(),
        h.uninsured.into(),
        h.water_unsafe.into(),
        Value::Int(i.year.map(|y| i64::from(y.get()))),
        money(i.wage),
        money(i.business),
        money(i.property),
        money(i.transfer),
        money(i.production_cost),
        money(i.declared_per_capita),
        money(i.claims),
        money(i.compliant_out_of_pocket),
        money(h.per_capita_income()),
        Value::Int(m.category.map(MonitorCategory::code)),
        m.risks.mask().into(),
        date(m.identified_on),
        m.eliminated.into(),
        date(m.eliminated_on),
        Value::Int(m.elimination_mode.map(EliminationMode::code)),
    ]
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

fn area(v: i64) -> StoreResult<AreaCode> {
    AreaCode::from_i64(v).map_err(|e| corrupt("区划代码", e))
}

fn opt_money(row: &Row, i: usize) -> StoreResult<Option<Money>> {
    Ok(row.opt_int(i)?.map(Money::from_fen))
}

fn opt_date(row: &Row, i: usize) -> StoreResult<Option<LedgerDate>> {
    row.opt_text(i)?
        .map(|s| LedgerDate::from_stored(&s).map_err(|e| corrupt("日期", e)))
        .transpose()
}

fn label<T>(code: Option<i64>, from: fn(i64) -> Option<T>, what: &str) -> StoreResult<Option<T>> {
    code.map(|c| from(c).ok_or_else(|| corrupt(what, c)))
        .transpose()
}

/// Decodes a household from `row`, its columns starting at `at` in [`HOUSEHOLD_COLUMNS`] order.
pub fn household_from_row(row: &Row, at: usize) -> StoreResult<(AreaCode, Household)> {
    let c = |i: usize| at + i;
    let county = area(row.int(c(0))?)?;
    let no = HouseholdNo::parse(&row.text(c(1))?).map_err(|e| corrupt("户编号", e))?;
    let size = u32::try_from(row.int(c(7))?).map_err(|e| corrupt("家庭人口数", e))?;
    let household_type = label(Some(row.int(c(8))?), HouseholdType::from_code, "户类型")?
        .ok_or_else(|| corrupt("户类型", "空"))?;
    let year = row
        .opt_int(c(16))?
        .map(|y| {
            u16::try_from(y)
                .map_err(|e| corrupt("年度", e))
                .and_then(|y| PolicyYear::new(y).map_err(|e| corrupt("年度", e)))
        })
        .transpose()?;
    let household = Household {
        no,
        village: area(row.int(c(2))?)?,
        natural_village: row.opt_text(c(3))?,
        address: row.opt_text(c(4))?,
        phone: row.opt_text(c(5))?,
        head_name: row.text(c(6))?,
        size,
        household_type,
        relocated: row.flag(c(9))?,
        relocation_site: row.opt_text(c(10))?,
        no_labour: row.flag(c(11))?,
        housing_unsafe: row.flag(c(12))?,
        school_dropout: row.flag(c(13))?,
        uninsured: row.flag(c(14))?,
        water_unsafe: row.flag(c(15))?,
        income: Income {
            year,
            wage: opt_money(row, c(17))?,
            business: opt_money(row, c(18))?,
            property: opt_money(row, c(19))?,
            transfer: opt_money(row, c(20))?,
            production_cost: opt_money(row, c(21))?,
            declared_per_capita: opt_money(row, c(22))?,
            claims: opt_money(row, c(23))?,
            compliant_out_of_pocket: opt_money(row, c(24))?,
        },
        monitoring: Monitoring {
            category: label(
                row.opt_int(c(26))?,
                MonitorCategory::from_code,
                "监测对象类别",
            )?,
            risks: RiskTypes::from_mask(row.int(c(27))?),
            identified_on: opt_date(row, c(28))?,
            eliminated: row.flag(c(29))?,
            eliminated_on: opt_date(row, c(30))?,
            elimination_mode: label(
                row.opt_int(c(31))?,
                EliminationMode::from_code,
                "风险消除方式",
            )?,
        },
        dissolving: None,
    };
    Ok((county, household))
}

pub fn member_values(county: AreaCode, m: &Member) -> Vec<Value<'_>> {
    vec![
        county.as_i64().into(),
        m.household_no.as_str().into(),
        m.id.as_str().into(),
        (&m.member_no).into(),
        m.name.as_str().into(),
        m.relation.code().into(),
        (&m.ethnicity).into(),
        (&m.education).into(),
        (&m.schooling).into(),
        Value::Int(m.health.map(Health::code)),
        Value::Int(m.disability_level.map(i64::from)),
        Value::Int(m.labour.map(Labour::code)),
        (&m.migrant_place).into(),
        Value::Int(m.migrant_months.map(i64::from)),
        m.welfare_job.into(),
        m.medical_insurance.into(),
        m.serious_illness_insurance.into(),
        m.pension.into(),
        Value::Int(m.dibao.map(DibaoClass::code)),
        m.tekun.into(),
        (&m.phone).into(),
    ]
}

fn small(row: &Row, i: usize, what: &str) -> StoreResult<Option<u8>> {
    row.opt_int(i)?
        .map(|v| u8::try_from(v).map_err(|e| corrupt(what, e)))
        .transpose()
}

/// Decodes a member from `row`, its columns starting at `at` in [`MEMBER_COLUMNS`] order.
pub fn member_from_row(row: &Row, at: usize) -> StoreResult<(AreaCode, Member)> {
    let c = |i: usize| at + i;
    let county = area(row.int(c(0))?)?;
    let member = Member {
        household_no: HouseholdNo::parse(&row.text(c(1))?).map_err(|e| corrupt("户编号", e))?,
        id: IdNumber::parse(&row.text(c(2))?).map_err(|e| corrupt("证件号码", e))?,
        member_no: row.opt_text(c(3))?,
        name: row.text(c(4))?,
        relation: label(Some(row.int(c(5))?), Relation::from_code, "与户主关系")?
            .ok_or_else(|| corrupt("与户主关系", "空"))?,
        ethnicity: row.opt_text(c(6))?,
        education: row.opt_text(c(7))?,
        schooling: row.opt_text(c(8))?,
        health: label(row.opt_int(c(9))?, Health::from_code, "健康状况")?,
        disability_level: small(row, c(10), "残疾等级")?,
        labour: label(row.opt_int(c(11))?, Labour::from_code, "劳动技能")?,
        migrant_place: row.opt_text(c(12))?,
        migrant_months: small(row, c(13), "务工时间")?,
        welfare_job: row.opt_flag(c(14))?,
        medical_insurance: row.opt_flag(c(15))?,
        serious_illness_insurance: row.opt_flag(c(16))?,
        pension: row.opt_flag(c(17))?,
        dibao: label(row.opt_int(c(18))?, DibaoClass::from_code, "低保类别")?,
        tekun: row.flag(c(19))?,
        phone: row.opt_text(c(20))?,
        leaving: None,
    };
    Ok((county, member))
}

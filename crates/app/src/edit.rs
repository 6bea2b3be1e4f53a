//! A household's registry fields corrected on its page (修改农户信息), and its members changed
//! there (成员变动: one corrected, one added, one leaving), between two imports of its ledgers:
//! each written as a ledger's row would be (the same checks, the previous values kept in the
//! history under a change set of the editor), a correction only if nobody changed the record
//! since the form was read, and audited. The household's monitoring fields are not edited here:
//! the identification and elimination procedures write them.

use chrono::NaiveDate;
use serde::Deserialize;
use zhenxing_domain::household::Income;
use zhenxing_domain::labels::parse_flag;
use zhenxing_domain::member::{DibaoClass, Health, Labour, LeaveReason, Leaving, Relation};
use zhenxing_domain::{Household, HouseholdNo, IdNumber, Member, Money, Permission, PolicyYear};
use zhenxing_store::accounts::NewAudit;
use zhenxing_store::{Rejection, RowOutcome, StoredHousehold, StoredMember};

use crate::auth::Caller;
use crate::{App, AppError};

/// The edit form as it is sent: every value as typed (an empty amount is none), the flags as
/// checkboxes (absent: no), and the version the form was read at.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HouseholdEditForm {
    pub version: i64,
    /// 户主姓名 (a new head after the head's death or departure: 户主变更).
    pub head_name: String,
    pub natural_village: String,
    pub address: String,
    /// Left empty: the phone stays as it is (the form never shows it whole).
    pub phone: String,
    pub size: String,
    pub relocated: Option<String>,
    pub relocation_site: String,
    pub no_labour: Option<String>,
    pub housing_unsafe: Option<String>,
    pub school_dropout: Option<String>,
    pub uninsured: Option<String>,
    pub water_unsafe: Option<String>,
    pub income_year: String,
    pub wage: String,
    pub business: String,
    pub property: String,
    pub transfer: String,
    pub production_cost: String,
    pub claims: String,
    pub compliant_out_of_pocket: String,
}

fn amount(v: &Option<Money>) -> String {
    v.map(|m| m.yuan_string()).unwrap_or_default()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn flag(b: bool) -> Option<String> {
    b.then(|| "1".to_string())
}

/// A text field: empty is none; at most 200 characters.
fn text_field(label: &str, s: &str, errors: &mut Vec<String>) -> Option<String> {
    let s = s.trim();
    if s.chars().count() > 200 {
        errors.push(format!("{label}：过长（最多200字）"));
    }
    (!s.is_empty()).then(|| s.to_string())
}

/// A phone typed into a form: empty keeps `old` (the form never shows it whole).
fn phone_field(s: &str, old: &Option<String>, errors: &mut Vec<String>) -> Option<String> {
    match s.trim() {
        "" => old.clone(),
        p if p.chars().all(|c| c.is_ascii_digit() || c == '-') && p.len() <= 20 => {
            Some(p.to_string())
        }
        p => {
            errors.push(format!("联系电话：只能含数字和“-”，实为“{p}”"));
            old.clone()
        }
    }
}

impl HouseholdEditForm {
    /// The form filled with the household as stored (the phone left empty).
    pub fn of(stored: &StoredHousehold) -> HouseholdEditForm {
        let h = &stored.household;
        let i = &h.income;
        HouseholdEditForm {
            version: stored.version,
            head_name: h.head_name.clone(),
            natural_village: text(&h.natural_village),
            address: text(&h.address),
            phone: String::new(),
            size: h.size.to_string(),
            relocated: flag(h.relocated),
            relocation_site: text(&h.relocation_site),
            no_labour: flag(h.no_labour),
            housing_unsafe: flag(h.housing_unsafe),
            school_dropout: flag(h.school_dropout),
            uninsured: flag(h.uninsured),
            water_unsafe: flag(h.water_unsafe),
            income_year: i.year.map(|y| y.get().to_string()).unwrap_or_default(),
            wage: amount(&i.wage),
            business: amount(&i.business),
            property: amount(&i.property),
            transfer: amount(&i.transfer),
            production_cost: amount(&i.production_cost),
            claims: amount(&i.claims),
            compliant_out_of_pocket: amount(&i.compliant_out_of_pocket),
        }
    }

    /// `old` with the form's values, or every value the form got wrong ("家庭人口数：…").
    pub fn apply(&self, old: &Household) -> Result<Household, Vec<String>> {
        let mut errors = Vec::new();
        let mut money = |label: &str, s: &str| -> Option<Money> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match Money::parse_yuan(s) {
                Ok(m) => Some(m),
                Err(e) => {
                    errors.push(format!("{label}：{e}"));
                    None
                }
            }
        };
        let income = Income {
            wage: money("工资性收入", &self.wage),
            business: money("生产经营性收入", &self.business),
            property: money("财产性收入", &self.property),
            transfer: money("转移性收入", &self.transfer),
            production_cost: money("生产经营性支出", &self.production_cost),
            claims: money("理赔收入", &self.claims),
            compliant_out_of_pocket: money("合规自付支出", &self.compliant_out_of_pocket),
            year: None,
            declared_per_capita: None,
        };
        let year = match self.income_year.trim() {
            "" => None,
            y => match PolicyYear::parse(y) {
                Ok(y) => Some(y),
                Err(e) => {
                    errors.push(format!("收入年度：{e}"));
                    None
                }
            },
        };
        let size = match self.size.trim().parse::<u32>() {
            Ok(n) if (1..=Household::MAX_SIZE).contains(&n) => n,
            _ => {
                errors.push(format!(
                    "家庭人口数：应为1到{}之间的整数，实为“{}”",
                    Household::MAX_SIZE,
                    self.size.trim()
                ));
                old.size
            }
        };
        let head_name = match self.head_name.trim() {
            "" => old.head_name.clone(),
            n if n.chars().count() > 50 => {
                errors.push("户主姓名：过长".into());
                old.head_name.clone()
            }
            n => n.to_string(),
        };
        let natural_village = text_field("自然村", &self.natural_village, &mut errors);
        let address = text_field("住址", &self.address, &mut errors);
        let relocation_site = text_field("安置点", &self.relocation_site, &mut errors);
        let phone = phone_field(&self.phone, &old.phone, &mut errors);
        // Components given: the per-capita income is theirs; none: the ledger's declared one stays.
        let components = [
            income.wage,
            income.business,
            income.property,
            income.transfer,
            income.production_cost,
        ];
        let declared_per_capita = if components.iter().any(Option::is_some) {
            None
        } else {
            old.income.declared_per_capita
        };
        let new = Household {
            head_name,
            natural_village,
            address,
            phone,
            size,
            relocated: self.relocated.is_some(),
            relocation_site,
            no_labour: self.no_labour.is_some(),
            housing_unsafe: self.housing_unsafe.is_some(),
            school_dropout: self.school_dropout.is_some(),
            uninsured: self.uninsured.is_some(),
            water_unsafe: self.water_unsafe.is_some(),
            income: Income {
                year,
                declared_per_capita,
                ..income
            },
            ..old.clone()
        };
        errors.extend(new.check().iter().map(ToString::to_string));
        if errors.is_empty() {
            Ok(new)
        } else {
            Err(errors)
        }
    }
}

/// The labels of the registry fields `new` changes from `old` (for the audit log: no values).
fn changed(old: &Household, new: &Household) -> Vec<&'static str> {
    let (a, b) = (&old.income, &new.income);
    [
        ("户主姓名", old.head_name != new.head_name),
        ("自然村", old.natural_village != new.natural_village),
        ("住址", old.address != new.address),
        ("联系电话", old.phone != new.phone),
        ("家庭人口数", old.size != new.size),
        ("易地扶贫搬迁户", old.relocated != new.relocated),
        ("安置点", old.relocation_site != new.relocation_site),
        ("整户无劳动能力", old.no_labour != new.no_labour),
        ("住房安全", old.housing_unsafe != new.housing_unsafe),
        ("义务教育", old.school_dropout != new.school_dropout),
        ("基本医疗保险", old.uninsured != new.uninsured),
        ("饮水安全", old.water_unsafe != new.water_unsafe),
        ("收入年度", a.year != b.year),
        ("工资性收入", a.wage != b.wage),
        ("生产经营性收入", a.business != b.business),
        ("财产性收入", a.property != b.property),
        ("转移性收入", a.transfer != b.transfer),
        ("生产经营性支出", a.production_cost != b.production_cost),
        ("人均纯收入", a.declared_per_capita != b.declared_per_capita),
        ("理赔收入", a.claims != b.claims),
        (
            "合规自付支出",
            a.compliant_out_of_pocket != b.compliant_out_of_pocket,
        ),
    ]
    .into_iter()
    .filter_map(|(label, differs)| differs.then_some(label))
    .collect()
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// Written: the fields changed.
    Saved(Vec<&'static str>),
    /// The form changed nothing.
    Unchanged,
}

impl App {
    /// The household of the caller's area to edit: registered (not closed), for who may import.
    pub async fn household_to_edit(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
    ) -> Result<StoredHousehold, AppError> {
        caller.require(Permission::Import)?;
        let stored = self
            .store()
            .household(caller.scope(), no)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(c) = stored.closed {
            return Err(AppError::Invalid(format!(
                "该户已于{}销户（{}），不能修改",
                c.on,
                c.reason.label()
            )));
        }
        Ok(stored)
    }

    /// Writes the form to the household if it is valid and nobody changed the household since
    /// the form was read; audited (`edit_household`: the fields changed, not their values).
    pub async fn edit_household(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        form: &HouseholdEditForm,
    ) -> Result<Edited, AppError> {
        let stored = self.household_to_edit(caller, no).await?;
        let new = form
            .apply(&stored.household)
            .map_err(|errors| AppError::Invalid(errors.join("；")))?;
        let fields = changed(&stored.household, &new);
        if fields.is_empty() {
            return Ok(Edited::Unchanged);
        }
        let outcome = self
            .store()
            .edit_household(&caller.actor(), caller.scope(), &new, form.version)
            .await?;
        match outcome {
            RowOutcome::Updated => {}
            RowOutcome::Unchanged => return Ok(Edited::Unchanged),
            RowOutcome::Rejected(Rejection::UnknownHousehold | Rejection::OutOfScope) => {
                return Err(AppError::NotFound);
            }
            RowOutcome::Rejected(r @ Rejection::Stale { .. }) => {
                return Err(AppError::Stale(r.to_string()));
            }
            RowOutcome::Rejected(r) => return Err(AppError::Invalid(r.to_string())),
            other => {
                return Err(AppError::Invalid(format!("未能修改：{other:?}")));
            }
        }
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "edit_household",
                area: Some(stored.household.village),
                subject: format!("household:{no}"),
                before: String::new(),
                after: serde_json::json!({ "fields": fields }).to_string(),
            },
        )
        .await?;
        Ok(Edited::Saved(fields))
    }
}

/// A member's form as it is sent: every value as typed or chosen (an empty one is not given),
/// with the version it was read at and the member's masked ID number (the member at the
/// position must still be them). Adding a member, `id_number` holds the whole ID number.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub version: i64,
    pub masked_id: String,
    pub id_number: String,
    pub name: String,
    pub relation: String,
    pub health: String,
    pub disability_level: String,
    pub labour: String,
    pub education: String,
    pub schooling: String,
    pub migrant_place: String,
    pub migrant_months: String,
    /// 是 / 否 / empty: not given.
    pub welfare_job: String,
    pub medical_insurance: String,
    pub serious_illness_insurance: String,
    pub pension: String,
    /// 低保类别 (一类 … 四类, 是), empty: none.
    pub dibao: String,
    pub tekun: Option<String>,
    /// Left empty: the phone stays as it is (the form never shows it whole).
    pub phone: String,
}

fn yes_no(v: Option<bool>) -> String {
    v.map(|b| zhenxing_domain::labels::flag_label(b).to_string())
        .unwrap_or_default()
}

impl MemberForm {
    /// The form filled with the member as stored (the phone left empty).
    pub fn of(stored: &StoredMember) -> MemberForm {
        let m = &stored.member;
        MemberForm {
            version: stored.version,
            masked_id: m.id.masked(),
            id_number: String::new(),
            name: m.name.clone(),
            relation: m.relation.label().to_string(),
            health: m.health.map(|h| h.label().to_string()).unwrap_or_default(),
            disability_level: m
                .disability_level
                .map(|l| l.to_string())
                .unwrap_or_default(),
            labour: m.labour.map(|l| l.label().to_string()).unwrap_or_default(),
            education: text(&m.education),
            schooling: text(&m.schooling),
            migrant_place: text(&m.migrant_place),
            migrant_months: m.migrant_months.map(|n| n.to_string()).unwrap_or_default(),
            welfare_job: yes_no(m.welfare_job),
            medical_insurance: yes_no(m.medical_insurance),
            serious_illness_insurance: yes_no(m.serious_illness_insurance),
            pension: yes_no(m.pension),
            dibao: m.dibao.map(|d| d.label().to_string()).unwrap_or_default(),
            tekun: flag(m.tekun),
            phone: String::new(),
        }
    }

    /// `old` with the form's values, or every value the form got wrong ("健康状况：…").
    pub fn apply(&self, old: &Member) -> Result<Member, Vec<String>> {
        let mut errors = Vec::new();
        let name = match self.name.trim() {
            "" => {
                errors.push("姓名：必填".into());
                old.name.clone()
            }
            n if n.chars().count() > 50 => {
                errors.push("姓名：过长".into());
                old.name.clone()
            }
            n => n.to_string(),
        };
        fn parsed<T>(
            label: &str,
            s: &str,
            parse: impl Fn(&str) -> Result<T, zhenxing_domain::ParseError>,
            errors: &mut Vec<String>,
        ) -> Option<T> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match parse(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push(format!("{label}：{e}"));
                    None
                }
            }
        }
        let relation = parsed("与户主关系", &self.relation, Relation::parse, &mut errors);
        if relation.is_none() && self.relation.trim().is_empty() {
            errors.push("与户主关系：必填".into());
        }
        let small = |s: &str| {
            s.parse::<u8>()
                .map_err(|_| zhenxing_domain::ParseError::Integer)
        };
        let new = Member {
            name,
            relation: relation.unwrap_or(old.relation),
            health: parsed("健康状况", &self.health, Health::parse, &mut errors),
            disability_level: parsed("残疾等级", &self.disability_level, small, &mut errors),
            labour: parsed("劳动技能", &self.labour, Labour::parse, &mut errors),
            education: text_field("文化程度", &self.education, &mut errors),
            schooling: text_field("在校生状况", &self.schooling, &mut errors),
            migrant_place: text_field("务工地点", &self.migrant_place, &mut errors),
            migrant_months: parsed("务工时间（月）", &self.migrant_months, small, &mut errors),
            welfare_job: parsed("公益岗位", &self.welfare_job, parse_flag, &mut errors),
            medical_insurance: parsed(
                "基本医疗保险",
                &self.medical_insurance,
                parse_flag,
                &mut errors,
            ),
            serious_illness_insurance: parsed(
                "大病保险",
                &self.serious_illness_insurance,
                parse_flag,
                &mut errors,
            ),
            pension: parsed("基本养老保险", &self.pension, parse_flag, &mut errors),
            dibao: parsed("低保", &self.dibao, DibaoClass::parse, &mut errors),
            tekun: self.tekun.is_some(),
            phone: phone_field(&self.phone, &old.phone, &mut errors),
            leaving: None,
            ..old.clone()
        };
        errors.extend(new.check(None, None).iter().map(ToString::to_string));
        if errors.is_empty() {
            Ok(new)
        } else {
            Err(errors)
        }
    }

    /// A new member of household `no` from the form (its `id_number` whole).
    pub fn new_member(&self, no: &HouseholdNo) -> Result<Member, Vec<String>> {
        let id = IdNumber::parse(&self.id_number).map_err(|e| vec![format!("证件号码：{e}")])?;
        let bare = Member::bare(no.clone(), id, String::new(), Relation::Other);
        self.apply(&bare)
    }
}

/// Which member of a household: at a place in its page's list (from 1), checked by the masked
/// ID number the page was read with (no whole ID number is put in a page); or by ID number (the
/// API, whose callers send it in a request's body).
#[derive(Debug, Clone, Copy)]
pub enum MemberRef<'a> {
    At(usize, Option<&'a str>),
    Id(&'a IdNumber),
}

/// A member leaving the household (人口减少) as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LeaveForm {
    pub version: i64,
    pub masked_id: String,
    pub reason: String,
    /// `2025-06-01`; empty: today.
    pub on: String,
}

impl App {
    /// The household's members, for who may change them (the household registered).
    pub async fn members_to_edit(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
    ) -> Result<(StoredHousehold, Vec<StoredMember>), AppError> {
        let stored = self.household_to_edit(caller, no).await?;
        let members = self.store().members(caller.scope(), no).await?;
        Ok((stored, members))
    }

    /// The member `which` names in the household, for who may change them.
    pub async fn member_to_edit(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        which: MemberRef<'_>,
    ) -> Result<(StoredHousehold, StoredMember), AppError> {
        let (stored, members) = self.members_to_edit(caller, no).await?;
        let member = match which {
            MemberRef::At(position, masked_id) => {
                let member = position
                    .checked_sub(1)
                    .and_then(|i| members.into_iter().nth(i))
                    .ok_or(AppError::NotFound)?;
                if masked_id.is_some_and(|m| m != member.member.id.masked()) {
                    return Err(AppError::Stale(
                        "该户成员在您打开此页之后已有变动，本次修改未保存：请刷新后重新操作".into(),
                    ));
                }
                member
            }
            MemberRef::Id(id) => members
                .into_iter()
                .find(|m| m.member.id == *id)
                .ok_or_else(|| AppError::Invalid(format!("证件号码{}不是本户成员", id.masked())))?,
        };
        Ok((stored, member))
    }

    async fn write_member(
        &self,
        caller: &Caller,
        member: &Member,
        read_version: Option<i64>,
    ) -> Result<RowOutcome, AppError> {
        let outcome = self
            .store()
            .edit_member(&caller.actor(), caller.scope(), member, read_version)
            .await?;
        match outcome {
            RowOutcome::Rejected(Rejection::UnknownHousehold | Rejection::OutOfScope) => {
                Err(AppError::NotFound)
            }
            RowOutcome::Rejected(r @ Rejection::Stale { .. }) => {
                Err(AppError::Stale(r.to_string()))
            }
            RowOutcome::Rejected(r) => Err(AppError::Invalid(r.to_string())),
            other => Ok(other),
        }
    }

    async fn audit_member(
        &self,
        caller: &Caller,
        stored: &StoredHousehold,
        action: &'static str,
        member: &Member,
        after: serde_json::Value,
    ) -> Result<(), AppError> {
        self.audit(
            &caller.actor(),
            NewAudit {
                action,
                area: Some(stored.household.village),
                subject: format!(
                    "household:{}:member:{}",
                    stored.household.no,
                    member.id.masked()
                ),
                before: String::new(),
                after: after.to_string(),
            },
        )
        .await?;
        Ok(())
    }

    /// Corrects the member `which` names with the form, if it is still as the form read it;
    /// audited (`edit_member`: the fields changed, not their values).
    pub async fn edit_member(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        which: MemberRef<'_>,
        form: &MemberForm,
    ) -> Result<Edited, AppError> {
        let (stored, old) = self.member_to_edit(caller, no, which).await?;
        let new = form
            .apply(&old.member)
            .map_err(|errors| AppError::Invalid(errors.join("；")))?;
        let fields = member_changes(&old.member, &new);
        if fields.is_empty() {
            return Ok(Edited::Unchanged);
        }
        if self.write_member(caller, &new, Some(form.version)).await? == RowOutcome::Unchanged {
            return Ok(Edited::Unchanged);
        }
        self.audit_member(
            caller,
            &stored,
            "edit_member",
            &new,
            serde_json::json!({ "fields": fields }),
        )
        .await?;
        self.follow_the_head(caller, &stored, &new).await?;
        Ok(Edited::Saved(fields))
    }

    /// A member who is the head now (户主变更, a name corrected) names the household: its
    /// 户主姓名 follows, in the household's history as any change.
    async fn follow_the_head(
        &self,
        caller: &Caller,
        stored: &StoredHousehold,
        member: &Member,
    ) -> Result<(), AppError> {
        if member.relation != Relation::Head || stored.household.head_name == member.name {
            return Ok(());
        }
        let renamed = Household {
            head_name: member.name.clone(),
            ..stored.household.clone()
        };
        // At the version read: a household changed meanwhile keeps its name (the registry
        // check then tells the head's name and the household's apart), never a change lost.
        self.store()
            .edit_household(&caller.actor(), caller.scope(), &renamed, stored.version)
            .await?;
        Ok(())
    }

    /// Registers a new member of the household (新增人口: a birth, a marriage in, …) as a
    /// members ledger's row would: a person registered in another household is refused.
    /// Audited (`add_member`).
    pub async fn add_member(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        form: &MemberForm,
    ) -> Result<(), AppError> {
        let (stored, members) = self.members_to_edit(caller, no).await?;
        let member = form
            .new_member(no)
            .map_err(|errors| AppError::Invalid(errors.join("；")))?;
        // Already here: its row is corrected on its own form, at its version (a members
        // ledger's row would update it without one).
        if members.iter().any(|m| m.member.id == member.id) {
            return Err(AppError::Invalid(
                "该人员已是本户成员：请在成员列表中修改".into(),
            ));
        }
        match self.write_member(caller, &member, None).await? {
            RowOutcome::Inserted | RowOutcome::Updated => {}
            _ => {
                return Err(AppError::Invalid(
                    "该人员已是本户成员：请在成员列表中修改".into(),
                ));
            }
        }
        self.audit_member(
            caller,
            &stored,
            "add_member",
            &member,
            serde_json::json!({}),
        )
        .await?;
        self.follow_the_head(caller, &stored, &member).await
    }

    /// The member `which` names leaves the household (人口减少: death, marriage out, moving
    /// out) as a members ledger's row with a 减少原因 would. Audited (`remove_member`).
    pub async fn remove_member(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        which: MemberRef<'_>,
        form: &LeaveForm,
    ) -> Result<(), AppError> {
        let (stored, old) = self.member_to_edit(caller, no, which).await?;
        let reason = LeaveReason::parse(&form.reason)
            .map_err(|e| AppError::Invalid(format!("减少原因：{e}")))?;
        let on = match form.on.trim() {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| AppError::Invalid(format!("减少时间应为年-月-日：{d}")))?,
            ),
        };
        if on.is_some_and(|d| d > zhenxing_domain::today_in_china()) {
            return Err(AppError::Invalid("减少时间不能晚于今天".into()));
        }
        let leaving = Member {
            leaving: Some(Leaving { reason, on }),
            ..old.member.clone()
        };
        if self
            .write_member(caller, &leaving, Some(form.version))
            .await?
            != RowOutcome::Removed
        {
            return Err(AppError::NotFound);
        }
        self.audit_member(
            caller,
            &stored,
            "remove_member",
            &leaving,
            serde_json::json!({ "reason": reason.label(), "on": on }),
        )
        .await
    }
}

/// The labels of the fields `new` changes from `old` (for the audit log: no values).
fn member_changes(old: &Member, new: &Member) -> Vec<&'static str> {
    [
        ("姓名", old.name != new.name),
        ("与户主关系", old.relation != new.relation),
        ("健康状况", old.health != new.health),
        ("残疾等级", old.disability_level != new.disability_level),
        ("劳动技能", old.labour != new.labour),
        ("文化程度", old.education != new.education),
        ("在校生状况", old.schooling != new.schooling),
        ("务工地点", old.migrant_place != new.migrant_place),
        ("务工时间（月）", old.migrant_months != new.migrant_months),
        ("公益岗位", old.welfare_job != new.welfare_job),
        (
            "基本医疗保险",
            old.medical_insurance != new.medical_insurance,
        ),
        (
            "大病保险",
            old.serious_illness_insurance != new.serious_illness_insurance,
        ),
        ("基本养老保险", old.pension != new.pension),
        ("低保", old.dibao != new.dibao),
        ("特困供养", old.tekun != new.tekun),
        ("联系电话", old.phone != new.phone),
    ]
    .into_iter()
    .filter_map(|(label, differs)| differs.then_some(label))
    .collect()
}

#[cfg(test)]
mod tests {
    use zhenxing_domain::{AreaCode, HouseholdType};

    use super::*;

    fn household() -> Household {
        let mut h = Household::bare(
            HouseholdNo::parse("S1").unwrap(),
            AreaCode::parse("620102001001").unwrap(),
            "王伟".into(),
            3,
            HouseholdType::Ordinary,
        );
        h.phone = Some("13800001234".into());
        h.income.declared_per_capita = Some(Money::from_fen(800_000));
        h
    }

    #[test]
    fn the_form_of_a_household_changes_nothing_back() {
        let h = household();
        let stored = StoredHousehold {
            county: AreaCode::parse("620102").unwrap(),
            household: h.clone(),
            closed: None,
            persons: 3,
            version: 4,
            updated_at: String::new(),
            updated_by: String::new(),
        };
        let form = HouseholdEditForm::of(&stored);
        assert_eq!(form.version, 4);
        assert_eq!(form.phone, "", "never shown");
        assert_eq!(form.apply(&h), Ok(h.clone()));
        assert!(changed(&h, &form.apply(&h).unwrap()).is_empty());
    }

    #[test]
    fn values_are_checked_and_every_error_is_told() {
        let h = household();
        let form = HouseholdEditForm {
            size: "0".into(),
            wage: "十元".into(),
            income_year: "1800".into(),
            phone: "call me".into(),
            ..HouseholdEditForm::default()
        };
        let errors = form.apply(&h).unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("工资性收入："), "{errors:?}");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("家庭人口数：应为1到30"))
        );
        assert!(errors.iter().any(|e| e.starts_with("收入年度：")));
        assert!(errors.iter().any(|e| e.starts_with("联系电话：")));
    }

    #[test]
    fn components_replace_the_declared_per_capita_income() {
        let h = household();
        let form = HouseholdEditForm {
            head_name: "张红".into(),
            size: "2".into(),
            wage: "12,000.50".into(),
            uninsured: Some("1".into()),
            ..HouseholdEditForm::default()
        };
        let new = form.apply(&h).unwrap();
        assert_eq!(new.income.wage, Some(Money::from_fen(1_200_050)));
        assert_eq!(new.income.declared_per_capita, None);
        assert_eq!(new.per_capita_income(), Some(Money::from_fen(600_025)));
        assert_eq!(new.phone, h.phone, "an empty phone keeps it");
        assert_eq!(
            changed(&h, &new),
            [
                "户主姓名",
                "家庭人口数",
                "基本医疗保险",
                "工资性收入",
                "人均纯收入"
            ]
        );
    }
    #[test]
    fn a_members_form_keeps_what_it_does_not_show_and_tells_every_wrong_value() {
        let mut old = Member::bare(
            HouseholdNo::parse("S1").unwrap(),
            IdNumber::parse("11010519491231002X").unwrap(),
            "李芳".into(),
            Relation::Spouse,
        );
        old.ethnicity = Some("回族".into());
        old.phone = Some("13800001234".into());
        old.medical_insurance = Some(true);
        let stored = StoredMember {
            county: zhenxing_domain::AreaCode::parse("110105").unwrap(),
            member: old.clone(),
            version: 2,
        };
        let form = MemberForm::of(&stored);
        assert_eq!(
            (form.masked_id.as_str(), form.phone.as_str()),
            ("1101**********002X", "")
        );
        assert_eq!(
            form.apply(&old),
            Ok(old.clone()),
            "the form as read changes nothing"
        );
        let changed = MemberForm {
            medical_insurance: String::new(),
            health: "残疾".into(),
            disability_level: "2".into(),
            ..form.clone()
        }
        .apply(&old)
        .unwrap();
        assert_eq!(changed.medical_insurance, None, "not given");
        assert_eq!(
            changed.ethnicity.as_deref(),
            Some("回族"),
            "not on the form: kept"
        );
        assert_eq!(
            member_changes(&old, &changed),
            ["健康状况", "残疾等级", "基本医疗保险"]
        );
        let errors = MemberForm {
            name: String::new(),
            health: "很好".into(),
            disability_level: "7".into(),
            migrant_months: "13".into(),
            pension: "也许".into(),
            ..form
        }
        .apply(&old)
        .unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(errors[0].starts_with("姓名："), "{errors:?}");
        let new = MemberForm {
            name: "王小".into(),
            relation: "之子".into(),
            id_number: "11010520250301001X".into(),
            ..MemberForm::default()
        };
        assert!(
            new.new_member(&HouseholdNo::parse("S1").unwrap()).is_err(),
            "a wrong check character"
        );
    }
    proptest::proptest! {
        /// Whatever a form sends, it is taken or refused with reasons: never a panic, and what
        /// is taken passes the household's and the member's own checks.
        #[test]
        fn any_form_is_taken_or_refused(
            values in proptest::collection::vec(".{0,12}", 24),
            flags in proptest::collection::vec(proptest::option::of("1"), 8),
        ) {
            let v = |i: usize| values[i].clone();
            let form = HouseholdEditForm {
                version: 1,
                head_name: v(0), natural_village: v(1), address: v(2), phone: v(3), size: v(4),
                relocated: flags[0].clone(), relocation_site: v(5), no_labour: flags[1].clone(),
                housing_unsafe: flags[2].clone(), school_dropout: flags[3].clone(),
                uninsured: flags[4].clone(), water_unsafe: flags[5].clone(), income_year: v(6),
                wage: v(7), business: v(8), property: v(9), transfer: v(10),
                production_cost: v(11), claims: v(12), compliant_out_of_pocket: v(13),
            };
            match form.apply(&household()) {
                Ok(h) => proptest::prop_assert!(h.check().is_empty()),
                Err(errors) => proptest::prop_assert!(!errors.is_empty()),
            }
            let member = MemberForm {
                version: 1,
                masked_id: v(14), id_number: v(15), name: v(16), relation: v(17), health: v(18),
                disability_level: v(19), labour: v(20), education: v(21), schooling: v(22),
                migrant_place: v(23), migrant_months: v(4), welfare_job: v(5),
                medical_insurance: v(6), serious_illness_insurance: v(7), pension: v(8),
                dibao: v(9), tekun: flags[6].clone(), phone: v(10),
            };
            let old = Member::bare(
                HouseholdNo::parse("S1").unwrap(),
                IdNumber::parse("11010519491231002X").unwrap(),
                "李芳".into(),
                Relation::Spouse,
            );
            match member.apply(&old) {
                Ok(m) => proptest::prop_assert!(m.check(None, None).is_empty()),
                Err(errors) => proptest::prop_assert!(!errors.is_empty()),
            }
            let _ = member.new_member(&HouseholdNo::parse("S1").unwrap());
        }
    }
}

//! A household's registry fields corrected on its page (修改农户信息), between two imports of its
//! ledger: written as a ledger's row would be (the same checks, the previous values kept in its
//! history under a change set of the editor), only if nobody changed the household since the
//! form was read, and audited. Its monitoring fields are not edited here: the identification and
//! elimination procedures write them.

use serde::Deserialize;
use zhenxing_domain::household::Income;
use zhenxing_domain::{Household, HouseholdNo, Money, Permission, PolicyYear};
use zhenxing_store::accounts::NewAudit;
use zhenxing_store::{Rejection, RowOutcome, StoredHousehold};

use crate::auth::Caller;
use crate::{App, AppError};

/// The edit form as it is sent: every value as typed (an empty amount is none), the flags as
/// checkboxes (absent: no), and the version the form was read at.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HouseholdEditForm {
    pub version: i64,
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

impl HouseholdEditForm {
    /// The form filled with the household as stored (the phone left empty).
    pub fn of(stored: &StoredHousehold) -> HouseholdEditForm {
        let h = &stored.household;
        let i = &h.income;
        HouseholdEditForm {
            version: stored.version,
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
        let short = |label: &str, s: &str, errors: &mut Vec<String>| -> Option<String> {
            let s = s.trim();
            if s.chars().count() > 200 {
                errors.push(format!("{label}：过长（最多200字）"));
            }
            (!s.is_empty()).then(|| s.to_string())
        };
        let natural_village = short("自然村", &self.natural_village, &mut errors);
        let address = short("住址", &self.address, &mut errors);
        let relocation_site = short("安置点", &self.relocation_site, &mut errors);
        let phone = match self.phone.trim() {
            "" => old.phone.clone(),
            p if p.chars().all(|c| c.is_ascii_digit() || c == '-') && p.len() <= 20 => {
                Some(p.to_string())
            }
            p => {
                errors.push(format!("联系电话：只能含数字和“-”，实为“{p}”"));
                old.phone.clone()
            }
        };
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
            ["家庭人口数", "基本医疗保险", "工资性收入", "人均纯收入"]
        );
    }
}

//! One ledger row into a domain record, or every reason it cannot be one.

use std::fmt::Display;

use zhenxing_domain::division::TreeError;
use zhenxing_domain::household::{Dissolution, DissolveReason, Income, Monitoring, RecordError};
use zhenxing_domain::id_number::mask_id_str;
use zhenxing_domain::labels::parse_flag;
use zhenxing_domain::member::{DibaoClass, LeaveReason, Leaving};
use zhenxing_domain::{
    AreaCode, AreaLevel, DivisionTree, EliminationMode, Health, Household, HouseholdNo,
    HouseholdType, IdNumber, Labour, LedgerDate, Member, Money, MonitorCategory, ParseError,
    PolicyYear, Relation, RiskTypes, Sex,
};

use crate::error::RowError;
use crate::layout::{F, LedgerKind, header};
use crate::read::{RawRow, SheetPlan};

/// Longest free text kept in a field (names, addresses, places).
const MAX_TEXT: usize = 200;

struct Row<'a> {
    file: &'a str,
    kind: LedgerKind,
    plan: &'a SheetPlan,
    row: &'a RawRow,
    errors: Vec<RowError>,
}

fn masked(f: F, value: &str) -> String {
    match f {
        F::IdNumber => mask_id_str(value.trim()),
        F::Phone => zhenxing_domain::id_number::mask_phone(value.trim()),
        _ => value.trim().chars().take(60).collect(),
    }
}

impl<'a> Row<'a> {
    fn new(file: &'a str, kind: LedgerKind, plan: &'a SheetPlan, row: &'a RawRow) -> Row<'a> {
        Row {
            file,
            kind,
            plan,
            row,
            errors: Vec::new(),
        }
    }

    /// The trimmed text of a field, `None` when the column is absent or the cell empty.
    fn get(&self, f: F) -> Option<&'a str> {
        let i = self.plan.columns.get(f)?;
        let text = self.row.cells.get(i)?.text.trim();
        (!text.is_empty()).then_some(text)
    }

    fn column(&self, f: F) -> String {
        self.plan
            .columns
            .header(f)
            .unwrap_or_else(|| header(self.kind, f))
            .to_string()
    }

    fn error(&mut self, f: F, reason: impl Display, code: &'static str) {
        let value = self.get(f).map(|v| masked(f, v)).unwrap_or_default();
        self.errors.push(RowError {
            file: self.file.to_string(),
            sheet: self.plan.sheet.clone(),
            row: self.row.row,
            column: self.column(f),
            value,
            reason: reason.to_string(),
            code,
        });
    }

    fn required<T>(
        &mut self,
        f: F,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Option<T> {
        match self.get(f) {
            None => {
                self.error(f, "必填项为空", "missing");
                None
            }
            Some(s) => self.parsed(f, parse(s)),
        }
    }

    fn optional<T>(
        &mut self,
        f: F,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Option<T> {
        let s = self.get(f)?;
        self.parsed(f, parse(s))
    }

    fn parsed<T>(&mut self, f: F, r: Result<T, ParseError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(f, &e, e.code());
                None
            }
        }
    }

    /// Whether the cell held a number of 16 digits or more, which an xlsx keeps as a floating
    /// number and Excel to 15 significant digits: the rest is lost, so it is reported with
    /// `reason` and `code` instead of read.
    fn lost_digits(&mut self, f: F, reason: &str, code: &'static str) -> bool {
        let lossy = self
            .plan
            .columns
            .get(f)
            .and_then(|i| self.row.cells.get(i))
            .is_some_and(|c| c.lossy_number);
        if lossy {
            self.error(f, reason, code);
        }
        lossy
    }

    /// A household number, unless Excel stored it as a number and cut it.
    fn household_no(&mut self) -> Option<HouseholdNo> {
        if self.lost_digits(
            F::HouseholdNo,
            "户编号被 Excel 存成了数字，第15位以后的数字已丢失；请把该列设为文本后重新录入",
            "household_no_as_number",
        ) {
            return None;
        }
        self.required(F::HouseholdNo, HouseholdNo::parse)
    }

    fn text(&mut self, f: F) -> Option<String> {
        let s = self.get(f)?;
        if s.chars().count() > MAX_TEXT {
            self.error(f, format!("内容过长（最多{MAX_TEXT}字）"), "too_long");
            return None;
        }
        Some(s.to_string())
    }

    fn flag(&mut self, f: F) -> bool {
        self.optional(f, parse_flag).unwrap_or(false)
    }

    fn opt_flag(&mut self, f: F) -> Option<bool> {
        self.optional(f, parse_flag)
    }

    fn money(&mut self, f: F) -> Option<Money> {
        self.optional(f, Money::parse_yuan)
    }

    fn date(&mut self, f: F) -> Option<LedgerDate> {
        self.optional(f, LedgerDate::parse)
    }

    fn phone(&mut self, f: F) -> Option<String> {
        let s = self.get(f)?;
        let digits = s.chars().filter(char::is_ascii_digit).count();
        let ok = s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '、' | ','));
        if !ok || !(7..=40).contains(&digits) {
            self.error(f, "电话号码格式错误", "phone");
            return None;
        }
        Some(s.to_string())
    }

    fn record_errors(&mut self, errors: Vec<RecordError>) {
        for e in errors {
            let f = match e.field() {
                "size" => F::Size,
                "risks" => F::Risks,
                "identified_on" => F::IdentifiedOn,
                "eliminated" => F::Eliminated,
                "eliminated_on" => F::EliminatedOn,
                "elimination_mode" => F::EliminationMode,
                "sex" => F::Sex,
                "birth_date" => F::BirthDate,
                "disability_level" => F::DisabilityLevel,
                "migrant_months" => F::MigrantMonths,
                "per_capita" => F::PerCapita,
                _ => F::HouseholdNo,
            };
            self.error(f, &e, e.code());
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<RowError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }
}

/// A count as ledgers write it: `3`, `３`, or with the field's unit after it (`3人`, `6个月`).
fn small_int(s: &str, max: u32, units: &[&str]) -> Result<u32, ParseError> {
    let s = s.trim();
    let s = units
        .iter()
        .find_map(|u| s.strip_suffix(u))
        .map_or(s, str::trim_end);
    let digits: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    let n: u32 = digits.parse().map_err(|_| ParseError::Integer)?;
    if n > max {
        Err(ParseError::Integer)
    } else {
        Ok(n)
    }
}

fn tree_error(e: &TreeError) -> &'static str {
    e.code()
}

/// Resolves the village of a households row: by code, or by the names of its levels.
fn village(r: &mut Row<'_>, tree: &DivisionTree) -> Option<AreaCode> {
    let names = [
        (AreaLevel::Province, r.get(F::ProvinceName)),
        (AreaLevel::City, r.get(F::CityName)),
        (AreaLevel::County, r.get(F::CountyName)),
        (AreaLevel::Township, r.get(F::TownshipName)),
        (AreaLevel::Village, r.get(F::VillageName)),
    ];
    if r.get(F::VillageCode).is_some() {
        let code = r.optional(F::VillageCode, AreaCode::parse)?;
        return match tree.village(code) {
            Ok(code) => {
                // A name given beside the code must name the same village.
                if let Some(name) = r.get(F::VillageName)
                    && !tree.name_matches(code, name)
                {
                    let official = tree.name(code).unwrap_or("").to_string();
                    r.error(
                        F::VillageName,
                        format!("行政村名称与所在村代码{code}（{official}）不符"),
                        "village_mismatch",
                    );
                    return None;
                }
                Some(code)
            }
            Err(e) => {
                r.error(F::VillageCode, &e, tree_error(&e));
                None
            }
        };
    }
    let given: Vec<(AreaLevel, &str)> = names
        .iter()
        .filter_map(|(l, n)| n.map(|n| (*l, n)))
        .collect();
    match tree.resolve(&given) {
        Ok(code) => Some(code),
        Err(e) => {
            let f = match &e {
                TreeError::UnknownName { level, .. } | TreeError::AmbiguousName { level, .. } => {
                    match level {
                        AreaLevel::Province => F::ProvinceName,
                        AreaLevel::City => F::CityName,
                        AreaLevel::County => F::CountyName,
                        AreaLevel::Township => F::TownshipName,
                        AreaLevel::Village => F::VillageName,
                    }
                }
                _ => F::VillageCode,
            };
            r.error(f, &e, tree_error(&e));
            None
        }
    }
}

/// Parses one row of a households ledger.
pub fn parse_household(
    file: &str,
    plan: &SheetPlan,
    row: &RawRow,
    tree: &DivisionTree,
) -> Result<Household, Vec<RowError>> {
    let mut r = Row::new(file, LedgerKind::Households, plan, row);
    let no = r.household_no();
    // A row closing the household (销户) needs only its number and why.
    if r.text(F::DissolveReason).is_some() {
        let reason = r.optional(F::DissolveReason, DissolveReason::parse);
        let on = r.optional(F::DissolveDate, |s| match LedgerDate::parse(s)? {
            LedgerDate::Day(d) => Ok(d),
            LedgerDate::Month(first) => Ok(first),
        });
        let household = match (no, reason) {
            (Some(no), Some(reason)) => Some(Household::closing(no, Dissolution { reason, on })),
            _ => None,
        };
        return r.finish(household);
    }
    let village = village(&mut r, tree);
    let head_name = r.required(F::HeadName, |s| Ok(s.to_string()));
    if head_name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        r.error(F::HeadName, "姓名过长", "too_long");
    }
    let size = r.required(F::Size, |s| small_int(s, 1000, &["人", "口"]));
    let household_type = match (r.get(F::HouseholdType), r.get(F::ExPoor)) {
        (Some(_), _) => r.optional(F::HouseholdType, HouseholdType::parse),
        (None, Some(_)) => r.optional(F::ExPoor, parse_flag).map(|ex| {
            if ex {
                HouseholdType::ExPoor
            } else {
                HouseholdType::Ordinary
            }
        }),
        (None, None) => {
            let f = if r.plan.columns.has(F::HouseholdType) {
                F::HouseholdType
            } else {
                F::ExPoor
            };
            r.error(f, "必填项为空", "missing");
            None
        }
    };
    let income = Income {
        year: r.optional(F::IncomeYear, PolicyYear::parse),
        wage: r.money(F::Wage),
        business: r.money(F::Business),
        property: r.money(F::Property),
        transfer: r.money(F::Transfer),
        production_cost: r.money(F::ProductionCost),
        declared_per_capita: r.money(F::PerCapita),
        claims: r.money(F::Claims),
        compliant_out_of_pocket: r.money(F::CompliantOutOfPocket),
    };
    let monitoring = Monitoring {
        category: r.optional(F::Category, MonitorCategory::parse),
        risks: r.optional(F::Risks, RiskTypes::parse).unwrap_or_default(),
        identified_on: r.date(F::IdentifiedOn),
        eliminated: r.flag(F::Eliminated),
        eliminated_on: r.date(F::EliminatedOn),
        elimination_mode: r.optional(F::EliminationMode, EliminationMode::parse),
    };
    let household = match (no, village, head_name, size, household_type) {
        (Some(no), Some(village), Some(head_name), Some(size), Some(household_type)) => {
            let relocated = r.flag(F::Relocated);
            let h = Household {
                no,
                village,
                natural_village: r.text(F::NaturalVillage),
                address: r.text(F::Address),
                phone: r.phone(F::Phone),
                head_name,
                size,
                household_type,
                relocated,
                relocation_site: r.text(F::RelocationSite),
                no_labour: r.flag(F::NoLabour),
                housing_unsafe: r.flag(F::HousingUnsafe),
                school_dropout: r.flag(F::SchoolDropout),
                uninsured: r.flag(F::Uninsured),
                water_unsafe: r.flag(F::WaterUnsafe),
                income,
                monitoring,
                dissolving: None,
            };
            // Rules between fields only speak when every field parsed (no echoes of one mistake).
            if r.errors.is_empty() {
                let errors = h.check();
                r.record_errors(errors);
            }
            Some(h)
        }
        _ => None,
    };
    // With the components known, the per-capita column was only a check: the product derives it.
    r.finish(household).map(|mut h| {
        if h.income.net().is_some() {
            h.income.declared_per_capita = None;
        }
        h
    })
}

fn disability_level(s: &str) -> Result<u8, ParseError> {
    let t = s.trim().trim_end_matches("残疾").trim_end_matches('级');
    let n = match t {
        "一" | "1" => 1,
        "二" | "2" => 2,
        "三" | "3" => 3,
        "四" | "4" => 4,
        _ => {
            return Err(ParseError::Label {
                kind: "残疾等级",
                allowed: &["一级", "二级", "三级", "四级"],
            });
        }
    };
    Ok(n)
}

fn dibao(s: &str) -> Result<Option<DibaoClass>, ParseError> {
    match s.trim() {
        "否" | "无" | "0" | "不享受" => Ok(None),
        other => DibaoClass::parse(other).map(Some),
    }
}

/// Parses one row of a members ledger.
pub fn parse_member(file: &str, plan: &SheetPlan, row: &RawRow) -> Result<Member, Vec<RowError>> {
    let mut r = Row::new(file, LedgerKind::Members, plan, row);
    let household_no = r.household_no();
    let id = if r.lost_digits(
        F::IdNumber,
        &ParseError::IdAsNumber.to_string(),
        ParseError::IdAsNumber.code(),
    ) {
        None
    } else {
        r.required(F::IdNumber, IdNumber::parse)
    };
    // A row saying the person has left the household needs only who and which household; in a
    // sheet of one row a person, a household's rows saying it is closed (销户原因) say so of each
    // of its members.
    let day = |s: &str| match LedgerDate::parse(s)? {
        LedgerDate::Day(d) => Ok(d),
        LedgerDate::Month(first) => Ok(first),
    };
    let closing = r.text(F::LeaveReason).is_none() && r.text(F::DissolveReason).is_some();
    if r.text(F::LeaveReason).is_some() || closing {
        let (reason, on) = if closing {
            (
                r.optional(F::DissolveReason, DissolveReason::parse)
                    .map(DissolveReason::leave_reason),
                r.optional(F::DissolveDate, day),
            )
        } else {
            (
                r.optional(F::LeaveReason, LeaveReason::parse),
                r.optional(F::LeaveDate, day),
            )
        };
        let leaving = reason.map(|reason| Leaving { reason, on });
        let name = r.text(F::Name).unwrap_or_default();
        let relation = r
            .optional(F::Relation, Relation::parse)
            .unwrap_or(Relation::Other);
        let member = match (household_no, id) {
            (Some(household_no), Some(id)) => Some(Member {
                leaving,
                ..Member::bare(household_no, id, name, relation)
            }),
            _ => None,
        };
        return r.finish(member);
    }
    let name = r.required(F::Name, |s| Ok(s.to_string()));
    if name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        r.error(F::Name, "姓名过长", "too_long");
    }
    let relation = r.required(F::Relation, Relation::parse);
    let sex = r.optional(F::Sex, |s| {
        Sex::from_label(s).ok_or(ParseError::Label {
            kind: "性别",
            allowed: &["男", "女"],
        })
    });
    let birth = r.optional(F::BirthDate, |s| match LedgerDate::parse(s)? {
        LedgerDate::Day(d) => Ok(d),
        LedgerDate::Month(_) => Err(ParseError::Date),
    });
    let member = match (household_no, id, name, relation) {
        (Some(household_no), Some(id), Some(name), Some(relation)) => {
            let m = Member {
                household_no,
                id,
                member_no: r.text(F::MemberNo),
                name,
                relation,
                ethnicity: r.text(F::Ethnicity),
                education: r.text(F::Education),
                schooling: r.text(F::Schooling),
                health: r.optional(F::Health, Health::parse),
                disability_level: r.optional(F::DisabilityLevel, disability_level),
                labour: r.optional(F::Labour, Labour::parse),
                migrant_place: r.text(F::MigrantPlace),
                migrant_months: r
                    .optional(F::MigrantMonths, |s| small_int(s, 255, &["个月", "月"]))
                    .map(|n| n as u8),
                welfare_job: r.opt_flag(F::WelfareJob),
                medical_insurance: r.opt_flag(F::MedicalInsurance),
                serious_illness_insurance: r.opt_flag(F::SeriousIllnessInsurance),
                pension: r.opt_flag(F::Pension),
                dibao: r.optional(F::Dibao, dibao).flatten(),
                tekun: r.flag(F::Tekun),
                phone: r.phone(F::Phone),
                leaving: None,
            };
            if r.errors.is_empty() {
                let errors = m.check(sex, birth);
                r.record_errors(errors);
            }
            Some(m)
        }
        _ => None,
    };
    r.finish(member)
}

#[cfg(test)]
mod tests {
    use super::small_int;

    #[test]
    fn counts_with_their_unit_or_full_width() {
        let size = |s| small_int(s, 1000, &["人", "口"]);
        assert_eq!(size("3"), Ok(3));
        assert_eq!(size(" 3人 "), Ok(3));
        assert_eq!(size("4 口"), Ok(4));
        assert_eq!(size("１２"), Ok(12));
        for bad in ["3户", "三", "3.5", "-1", "1001", "人", ""] {
            assert!(size(bad).is_err(), "{bad}");
        }
        let months = |s| small_int(s, 255, &["个月", "月"]);
        assert_eq!(months("6个月"), Ok(6));
        assert_eq!(months("10月"), Ok(10));
        assert!(months("6人").is_err());
    }
}

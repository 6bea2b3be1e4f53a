//! The household (户), the unit of monitoring, with its income and monitoring fields.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::area::AreaCode;
use crate::date::LedgerDate;
use crate::error::ParseError;
use crate::household_no::HouseholdNo;
use crate::labelled_enum;
use crate::money::Money;
use crate::year::PolicyYear;

labelled_enum!(
    /// 户类型.
    HouseholdType, "户类型" {
        Ordinary = 1 => "普通农户" | "一般农户" | "一般户" | "普通户",
        ExPoor = 2 => "脱贫户" | "脱贫不享受政策户" | "脱贫享受政策户",
    }
);

labelled_enum!(
    /// 监测对象类别 (DOMAIN §5).
    MonitorCategory, "监测对象类别" {
        UnstableExPoor = 1 => "脱贫不稳定户" | "脱贫不稳定",
        MarginalAtRisk = 2 => "边缘易致贫户" | "边缘易致贫",
        SuddenHardship = 3 => "突发严重困难户" | "突发严重困难",
    }
);

labelled_enum!(
    /// 致贫返贫风险类型.
    RiskType, "风险类型" {
        Illness = 1 => "因病",
        Schooling = 2 => "因学",
        Disability = 3 => "因残",
        Disaster = 4 => "因自然灾害" | "因灾",
        Accident = 5 => "因意外事故" | "因意外",
        IndustryFailure = 6 => "因产业项目失败" | "因产业失败",
        UnstableWork = 7 => "因务工就业不稳" | "因就业不稳" | "务工就业不稳",
        LabourShortage = 8 => "缺劳动力" | "因缺劳动力",
        Housing = 9 => "住房安全" | "住房出现安全问题" | "住房安全问题",
        Water = 10 => "饮水安全" | "饮水安全问题",
        Other = 11 => "其他",
    }
);

labelled_enum!(
    /// 风险消除方式.
    EliminationMode, "风险消除方式" {
        Assisted = 1 => "帮扶消除" | "帮扶",
        Natural = 2 => "自然消除" | "自然",
    }
);

/// Up to five risk types of a household, kept as a set (stored as a bit mask).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RiskTypes(u16);

impl RiskTypes {
    pub const MAX: usize = 5;

    pub fn from_mask(mask: i64) -> RiskTypes {
        let all: u16 = RiskType::ALL
            .iter()
            .map(|r| 1u16 << r.code())
            .fold(0, |a, b| a | b);
        RiskTypes((mask as u16) & all)
    }

    pub fn mask(self) -> i64 {
        i64::from(self.0)
    }

    pub fn contains(self, r: RiskType) -> bool {
        self.0 & (1 << r.code()) != 0
    }

    pub fn insert(&mut self, r: RiskType) {
        self.0 |= 1 << r.code();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn iter(self) -> impl Iterator<Item = RiskType> {
        RiskType::ALL
            .iter()
            .copied()
            .filter(move |r| self.contains(*r))
    }

    /// Parses `因病;因残`, also separated by `；`, `,`, `，`, `、`, `/` or spaces.
    pub fn parse(input: &str) -> Result<RiskTypes, ParseError> {
        let mut set = RiskTypes::default();
        let mut count = 0;
        for part in input.split([';', '；', ',', '，', '、', '/', ' ', '|']) {
            if part.trim().is_empty() {
                continue;
            }
            let r = RiskType::parse(part)?;
            if !set.contains(r) {
                count += 1;
            }
            set.insert(r);
        }
        if count > Self::MAX {
            return Err(ParseError::TooManyRisks(count));
        }
        Ok(set)
    }
}

impl fmt::Display for RiskTypes {
    /// `因病;因残`, the form ledgers carry.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let labels: Vec<&str> = self.iter().map(RiskType::label).collect();
        f.write_str(&labels.join(";"))
    }
}

impl fmt::Debug for RiskTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RiskTypes({self})")
    }
}

impl Serialize for RiskTypes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for RiskTypes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let list = Vec::<RiskType>::deserialize(d)?;
        let mut set = RiskTypes::default();
        for r in list {
            set.insert(r);
        }
        Ok(set)
    }
}

/// A year's income of a household (DOMAIN §3), amounts for the whole household.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Income {
    pub year: Option<PolicyYear>,
    /// 工资性收入
    pub wage: Option<Money>,
    /// 生产经营性收入
    pub business: Option<Money>,
    /// 财产性收入
    pub property: Option<Money>,
    /// 转移性收入
    pub transfer: Option<Money>,
    /// 生产经营性支出
    pub production_cost: Option<Money>,
    /// 人均纯收入 as the ledger declares it, when it gives no components.
    pub declared_per_capita: Option<Money>,
    /// 理赔收入
    pub claims: Option<Money>,
    /// 合规自付支出
    pub compliant_out_of_pocket: Option<Money>,
}

impl Income {
    fn has_components(&self) -> bool {
        self.wage.is_some()
            || self.business.is_some()
            || self.property.is_some()
            || self.transfer.is_some()
            || self.production_cost.is_some()
    }

    /// 家庭纯收入 = the four incomes minus production spending, when the components are known.
    pub fn net(&self) -> Option<Money> {
        if !self.has_components() {
            return None;
        }
        let z = Money::ZERO;
        Some(
            self.wage.unwrap_or(z)
                + self.business.unwrap_or(z)
                + self.property.unwrap_or(z)
                + self.transfer.unwrap_or(z)
                - self.production_cost.unwrap_or(z),
        )
    }

    /// 人均纯收入: derived from the components when they are known, else as declared.
    pub fn per_capita(&self, household_size: u32) -> Option<Money> {
        match self.net() {
            Some(net) => Some(net.divide(household_size)),
            None => self.declared_per_capita,
        }
    }
}

/// The monitoring fields a ledger carries for a household.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitoring {
    pub category: Option<MonitorCategory>,
    pub risks: RiskTypes,
    pub identified_on: Option<LedgerDate>,
    pub eliminated: bool,
    pub eliminated_on: Option<LedgerDate>,
    pub elimination_mode: Option<EliminationMode>,
}

labelled_enum!(
    /// Why a household is closed (销户): a households ledger's 销户原因.
    DissolveReason, "销户原因" {
        Deceased = 1 => "整户死亡" | "整户消亡" | "全户死亡" | "死亡",
        MovedOut = 2 => "整户迁出" | "户籍迁出" | "迁出" | "外迁",
        Merged = 3 => "并户" | "合户" | "并入他户",
        Other = 4 => "其他" | "其它",
    }
);

impl DissolveReason {
    /// Why its members leave with it (人口减少).
    pub fn leave_reason(self) -> crate::member::LeaveReason {
        use crate::member::LeaveReason;
        match self {
            DissolveReason::Deceased => LeaveReason::Death,
            DissolveReason::MovedOut => LeaveReason::MovedOut,
            DissolveReason::Merged | DissolveReason::Other => LeaveReason::Other,
        }
    }
}

/// A households ledger's row saying the household is closed (销户): it leaves the registry's
/// counts, its members leave it, and it is kept with its history (a row without it registers the
/// household again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dissolution {
    pub reason: DissolveReason,
    /// 销户时间, when the ledger gives it.
    pub on: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub no: HouseholdNo,
    pub village: AreaCode,
    /// 自然村
    pub natural_village: Option<String>,
    pub address: Option<String>,
    /// Personal data: masked unless the role may see it.
    pub phone: Option<String>,
    pub head_name: String,
    /// 家庭人口数 as the ledger declares it.
    pub size: u32,
    pub household_type: HouseholdType,
    /// 易地扶贫搬迁户
    pub relocated: bool,
    /// 安置点
    pub relocation_site: Option<String>,
    /// 整户无劳动能力
    pub no_labour: bool,
    /// 住房安全未保障
    pub housing_unsafe: bool,
    /// 有义务教育阶段适龄儿童失学辍学
    pub school_dropout: bool,
    /// 有成员未参加基本医疗保险
    pub uninsured: bool,
    /// 饮水安全未保障
    pub water_unsafe: bool,
    pub income: Income,
    pub monitoring: Monitoring,
    /// A ledger row closing the household (销户): only its number is read with it; the other
    /// fields are not (the household as registered is closed). Never stored as a field.
    #[serde(skip)]
    pub dissolving: Option<Dissolution>,
}

impl Household {
    /// A household with its number, village, head, size and type, and nothing else known: no
    /// flag set, no income, not monitored.
    pub fn bare(
        no: HouseholdNo,
        village: AreaCode,
        head_name: String,
        size: u32,
        household_type: HouseholdType,
    ) -> Household {
        Household {
            no,
            village,
            natural_village: None,
            address: None,
            phone: None,
            head_name,
            size,
            household_type,
            relocated: false,
            relocation_site: None,
            no_labour: false,
            housing_unsafe: false,
            school_dropout: false,
            uninsured: false,
            water_unsafe: false,
            income: Income::default(),
            monitoring: Monitoring::default(),
            dissolving: None,
        }
    }

    /// A ledger row closing household `no` (销户): only its number and why are read; the other
    /// fields are placeholders, never written (the household as registered is closed).
    pub fn closing(no: HouseholdNo, dissolution: Dissolution) -> Household {
        Household {
            dissolving: Some(dissolution),
            ..Household::bare(
                no,
                AreaCode::UNREAD,
                String::new(),
                0,
                HouseholdType::Ordinary,
            )
        }
    }
}

/// A rule a record breaks, naming the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    SizeOutOfRange(u32),
    RisksWithoutCategory,
    CategoryWithoutRisk,
    CategoryWithoutDate,
    EliminatedWithoutCategory,
    EliminationDateWithoutElimination,
    EliminationModeWithoutElimination,
    EliminatedBeforeIdentified,
    SexMismatch,
    BirthDateMismatch,
    DisabilityLevel(u32),
    MigrantMonths(u32),
    PerCapitaMismatch { declared: Money, derived: Money },
}

impl RecordError {
    /// The field the rule is about (a key the ledger layout maps to its column).
    pub fn field(&self) -> &'static str {
        match self {
            RecordError::SizeOutOfRange(_) => "size",
            RecordError::RisksWithoutCategory | RecordError::CategoryWithoutRisk => "risks",
            RecordError::CategoryWithoutDate => "identified_on",
            RecordError::EliminatedWithoutCategory => "eliminated",
            RecordError::EliminationDateWithoutElimination
            | RecordError::EliminatedBeforeIdentified => "eliminated_on",
            RecordError::EliminationModeWithoutElimination => "elimination_mode",
            RecordError::SexMismatch => "sex",
            RecordError::BirthDateMismatch => "birth_date",
            RecordError::DisabilityLevel(_) => "disability_level",
            RecordError::MigrantMonths(_) => "migrant_months",
            RecordError::PerCapitaMismatch { .. } => "per_capita",
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            RecordError::SizeOutOfRange(_) => "size_out_of_range",
            RecordError::RisksWithoutCategory => "risks_without_category",
            RecordError::CategoryWithoutRisk => "category_without_risk",
            RecordError::CategoryWithoutDate => "category_without_date",
            RecordError::EliminatedWithoutCategory => "eliminated_without_category",
            RecordError::EliminationDateWithoutElimination => {
                "elimination_date_without_elimination"
            }
            RecordError::EliminationModeWithoutElimination => {
                "elimination_mode_without_elimination"
            }
            RecordError::EliminatedBeforeIdentified => "eliminated_before_identified",
            RecordError::SexMismatch => "sex_mismatch",
            RecordError::BirthDateMismatch => "birth_date_mismatch",
            RecordError::DisabilityLevel(_) => "disability_level",
            RecordError::MigrantMonths(_) => "migrant_months",
            RecordError::PerCapitaMismatch { .. } => "per_capita_mismatch",
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::SizeOutOfRange(n) => write!(f, "家庭人口数应在1至30之间，实为{n}"),
            RecordError::RisksWithoutCategory => write!(f, "填写了风险类型，但没有监测对象类别"),
            RecordError::CategoryWithoutRisk => write!(f, "监测对象须至少填写一项风险类型"),
            RecordError::CategoryWithoutDate => write!(f, "监测对象须填写识别监测时间"),
            RecordError::EliminatedWithoutCategory => write!(f, "不是监测对象，不能标记风险已消除"),
            RecordError::EliminationDateWithoutElimination => {
                write!(f, "填写了风险消除时间，但风险未标记为已消除")
            }
            RecordError::EliminationModeWithoutElimination => {
                write!(f, "填写了风险消除方式，但风险未标记为已消除")
            }
            RecordError::EliminatedBeforeIdentified => write!(f, "风险消除时间早于识别监测时间"),
            RecordError::SexMismatch => write!(f, "性别与证件号码不符"),
            RecordError::BirthDateMismatch => write!(f, "出生日期与证件号码不符"),
            RecordError::DisabilityLevel(n) => write!(f, "残疾等级应为1至4级，实为{n}"),
            RecordError::MigrantMonths(n) => write!(f, "务工时间应为0至12个月，实为{n}"),
            RecordError::PerCapitaMismatch { declared, derived } => write!(
                f,
                "人均纯收入{declared}元与收入构成算出的{derived}元相差超过1元"
            ),
        }
    }
}

impl std::error::Error for RecordError {}

impl Household {
    pub const MAX_SIZE: u32 = 30;

    /// 人均纯收入 as the product uses it.
    pub fn per_capita_income(&self) -> Option<Money> {
        self.income.per_capita(self.size)
    }

    pub fn is_monitored(&self) -> bool {
        self.monitoring.category.is_some()
    }

    /// Checks the rules between fields; every broken rule is returned.
    pub fn check(&self) -> Vec<RecordError> {
        let mut errors = Vec::new();
        if self.size == 0 || self.size > Self::MAX_SIZE {
            errors.push(RecordError::SizeOutOfRange(self.size));
        }
        let m = &self.monitoring;
        match m.category {
            None => {
                if !m.risks.is_empty() {
                    errors.push(RecordError::RisksWithoutCategory);
                }
                if m.eliminated {
                    errors.push(RecordError::EliminatedWithoutCategory);
                }
            }
            Some(_) => {
                if m.risks.is_empty() {
                    errors.push(RecordError::CategoryWithoutRisk);
                }
                if m.identified_on.is_none() {
                    errors.push(RecordError::CategoryWithoutDate);
                }
            }
        }
        if !m.eliminated {
            if m.eliminated_on.is_some() {
                errors.push(RecordError::EliminationDateWithoutElimination);
            }
            if m.elimination_mode.is_some() {
                errors.push(RecordError::EliminationModeWithoutElimination);
            }
        }
        if let (Some(id), Some(el)) = (m.identified_on, m.eliminated_on)
            && el.first_day() < id.first_day()
        {
            errors.push(RecordError::EliminatedBeforeIdentified);
        }
        if let (Some(net), Some(declared)) = (self.income.net(), self.income.declared_per_capita) {
            let derived = net.divide(self.size);
            if (derived.fen() - declared.fen()).abs() > 100 {
                errors.push(RecordError::PerCapitaMismatch { declared, derived });
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household() -> Household {
        Household::bare(
            HouseholdNo::parse("1").unwrap(),
            AreaCode::parse("620102001001").unwrap(),
            "王伟".into(),
            4,
            HouseholdType::ExPoor,
        )
    }

    #[test]
    fn income_is_derived_from_components() {
        let mut h = household();
        h.income.declared_per_capita = Some(Money::from_yuan(9000));
        assert_eq!(h.per_capita_income(), Some(Money::from_yuan(9000)));
        h.income.wage = Some(Money::from_yuan(20000));
        h.income.transfer = Some(Money::from_yuan(6000));
        h.income.production_cost = Some(Money::from_yuan(2000));
        assert_eq!(h.income.net(), Some(Money::from_yuan(24000)));
        assert_eq!(h.per_capita_income(), Some(Money::from_yuan(6000)));
        assert_eq!(
            h.check(),
            vec![RecordError::PerCapitaMismatch {
                declared: Money::from_yuan(9000),
                derived: Money::from_yuan(6000)
            }]
        );
    }

    #[test]
    fn monitoring_rules() {
        let check = |f: &dyn Fn(&mut Household)| {
            let mut h = household();
            f(&mut h);
            h.check().iter().map(RecordError::code).collect::<Vec<_>>()
        };
        assert!(check(&|_| {}).is_empty());
        assert_eq!(
            check(&|h| h.monitoring.risks = RiskTypes::parse("因病").unwrap()),
            ["risks_without_category"]
        );
        assert_eq!(
            check(&|h| h.monitoring.category = Some(MonitorCategory::UnstableExPoor)),
            ["category_without_risk", "category_without_date"]
        );
        assert_eq!(
            check(&|h| h.monitoring.eliminated = true),
            ["eliminated_without_category"]
        );
        assert_eq!(
            check(&|h| {
                h.monitoring.category = Some(MonitorCategory::UnstableExPoor);
                h.monitoring.risks = RiskTypes::parse("因病").unwrap();
                h.monitoring.identified_on = LedgerDate::parse("2023-05-01").ok();
                h.monitoring.eliminated = true;
                h.monitoring.eliminated_on = LedgerDate::parse("2023-04-01").ok();
            }),
            ["eliminated_before_identified"]
        );
        assert_eq!(check(&|h| h.size = 0), ["size_out_of_range"]);
    }

    #[test]
    fn risk_sets() {
        let r = RiskTypes::parse("因残；因病、因灾").unwrap();
        assert_eq!(r.to_string(), "因病;因残;因自然灾害");
        assert_eq!(RiskTypes::from_mask(r.mask()), r);
        assert_eq!(r.len(), 3);
        assert!(RiskTypes::parse("因病;因学;因残;因意外;其他;缺劳动力").is_err());
        assert!(RiskTypes::parse("因穷").is_err());
        assert!(RiskTypes::parse("").unwrap().is_empty());
    }
}

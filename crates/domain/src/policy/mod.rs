//! Policy as data (DOMAIN §4-§9): a TOML file per province and year holds the income threshold,
//! deadlines and notice days, the working-day calendar, the visit checklists (六必访, 六必查), the
//! elimination blockers (七不消), the measure and risk catalogues and the village ratio.
//!
//! The files shipped for Gansu are compiled in ([`shipped`]); a province administrator stores
//! edited versions in the database. Every decision records the [`PolicyRef`] (province, year,
//! version) that made it.

mod calendar;
mod error;
mod file;

use serde::{Deserialize, Serialize};

pub use calendar::{CalendarConflict, Counting, Period, WorkCalendar};
pub use error::{PolicyError, PolicyProblem};

use crate::area::{AreaCode, AreaLevel};
use crate::construction::ConstructionRule;
use crate::household::{RiskType, RiskTypes};
use crate::member::Labour;
use crate::money::Money;
use crate::project::ProjectRule;
use crate::relocation::{EmploymentKind, RelocationRule};
use crate::screening::ScreeningKind;
use crate::year::PolicyYear;

/// Which policy made a decision: stored with every case step and verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PolicyRef {
    /// The province's code (`620000000000`).
    pub province: AreaCode,
    pub year: PolicyYear,
    /// 1, 2, ... as stored in the database.
    pub version: u32,
}

impl std::fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}第{}版",
            self.province.prefix(),
            self.year,
            self.version
        )
    }
}

/// The deadlines of the identification and elimination procedures (DOMAIN §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    /// 入户核实, from the clue.
    pub home_visit: Period,
    /// 比对, from the clue (it runs alongside the visit).
    pub comparison: Period,
    /// 民主评议, from the day the visit and the comparison are both done.
    pub village_review: Period,
    /// 乡镇审核, from the end of the public notice.
    pub township_review: Period,
    /// 县级审批, from the township's approval.
    pub county_approval: Period,
    /// The whole identification, from [`Deadlines::whole_from`].
    pub whole: Period,
    pub whole_from: WholeFrom,
    /// A department warning (预警线索) must be verified within this, from its arrival.
    pub warning_verification: Period,
    /// A monitored household with labour must have a development-type measure within this after
    /// identification (DOMAIN §8).
    pub development_measure: Period,
}

/// Where the whole-procedure deadline counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WholeFrom {
    /// 自发现线索起
    Clue,
    /// 自入户核实起 (Gansu: 15 working days after the visit)
    Visit,
}

/// One rule of 六必访: which households must be visited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitTrigger {
    pub code: String,
    pub label: String,
    /// Any rule that holds makes the household due.
    pub rules: Vec<VisitRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum VisitRule {
    /// Per-capita income below this share of the threshold.
    IncomeLow { percent_of_threshold: u32 },
    /// Per-capita income down at least this much since the last visit's figure.
    IncomeDrop { percent: u32 },
    /// A member with a serious illness (大病) or a chronic one (长期慢性病).
    SeriousOrChronicIllness,
    /// A disabled member of this level or more severe (1 is the most severe, 4 any).
    Disability { max_level: u8 },
    /// 低保 or 特困 in the household.
    DibaoOrTekun,
    /// A member able to work away from home fewer months than this in the year.
    UnstableWork { max_migrant_months: u8 },
    /// A natural disaster or a major accident (an unresolved risk or an open clue of it).
    DisasterOrAccident,
}

/// One item of 六必查: what a visit must check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitCheck {
    pub code: String,
    pub label: String,
    pub question: String,
}

/// One of 七不消: a condition under which a risk may not be eliminated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub code: String,
    pub label: String,
    /// The blocker trips when any check fails.
    pub checks: Vec<BlockerCheck>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum BlockerCheck {
    /// Monitored at least this many months.
    MonitoredMonths { months: u32 },
    /// Per-capita income at or above the year's threshold.
    IncomeAboveLine,
    /// Income stable at least this many months (as verified on the visit).
    IncomeStableMonths { months: u32 },
    /// Large essential spending (medical, schooling) resolved.
    EssentialSpendingResolved,
    /// 三保障 and drinking water secured.
    ThreeGuaranteesAndWater,
    /// The identified risks removed and no new risk.
    RisksRemoved,
    /// For 帮扶消除: at least one measure aimed at each identified risk.
    MeasureOnEachRisk,
    /// Not a whole household without labour (national rule: such a household stays monitored).
    HouseholdHasLabour,
}

impl BlockerCheck {
    pub fn code(self) -> &'static str {
        match self {
            BlockerCheck::MonitoredMonths { .. } => "monitored_months",
            BlockerCheck::IncomeAboveLine => "income_above_line",
            BlockerCheck::IncomeStableMonths { .. } => "income_stable_months",
            BlockerCheck::EssentialSpendingResolved => "essential_spending_resolved",
            BlockerCheck::ThreeGuaranteesAndWater => "three_guarantees_and_water",
            BlockerCheck::RisksRemoved => "risks_removed",
            BlockerCheck::MeasureOnEachRisk => "measure_on_each_risk",
            BlockerCheck::HouseholdHasLabour => "household_has_labour",
        }
    }
}

/// Whether a measure develops the household's own capacity or is a safety net (DOMAIN §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// 开发式帮扶: for households with labour.
    Development,
    /// 兜底保障: for households without labour.
    SafetyNet,
    Other,
}

impl MeasureKind {
    pub fn label(self) -> &'static str {
        match self {
            MeasureKind::Development => "开发式帮扶",
            MeasureKind::SafetyNet => "兜底保障",
            MeasureKind::Other => "其他",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureCategory {
    pub code: String,
    pub label: String,
    pub kind: MeasureKind,
}

/// A measure of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureItem {
    pub code: String,
    pub label: String,
    /// The code of its category.
    pub category: String,
    /// The risks it may be aimed at (empty: any).
    pub risks: RiskTypes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskEntry {
    pub risk: RiskType,
    pub note: String,
}

/// Which denominator the village ratio uses (DOMAIN §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RatioDenominator {
    /// 村户籍人口 *(default)*
    RegisteredPopulation,
    /// 系统内建档人口: the persons in the registry.
    RegistryPersons,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VillageRatio {
    /// In basis points: 300 = 3%.
    pub limit_basis_points: u32,
    pub denominator: RatioDenominator,
}

/// A province's policy for one year, valid by construction (see [`Policy::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub province: AreaCode,
    pub year: PolicyYear,
    pub title: String,
    pub note: Option<String>,
    /// 监测范围: per-capita net income per year.
    pub threshold: Money,
    pub deadlines: Deadlines,
    /// 公示: at least this long.
    pub notice: Period,
    pub calendar: WorkCalendar,
    /// 六必访
    pub visit_triggers: Vec<VisitTrigger>,
    /// A household due under 六必访 is due again this long after its last visit.
    pub visit_interval: Period,
    /// 六必查
    pub visit_checks: Vec<VisitCheck>,
    /// 七不消
    pub blockers: Vec<Blocker>,
    pub measure_categories: Vec<MeasureCategory>,
    pub measures: Vec<MeasureItem>,
    pub risks: Vec<RiskEntry>,
    /// Risks whose cases may take the green channel (assistance before the procedure ends).
    pub green_channel_risks: RiskTypes,
    pub disaster_kinds: Vec<String>,
    pub village_ratio: VillageRatio,
    /// 易地搬迁安置区就业帮扶: the floor task of relocated households.
    pub relocation: RelocationRule,
    /// 衔接资金项目: the categories a project ledger gives, the industry ones and their floor.
    pub projects: ProjectRule,
    /// 乡村建设: the tasks a construction ledger gives and their units.
    pub construction: ConstructionRule,
    /// 驻村工作队: the least members of a team and a term's months.
    pub work_teams: crate::work_team::WorkTeamRule,
    /// 东西部协作 and 定点帮扶: the indicators a county's ledger gives.
    pub cooperation: crate::cooperation::CooperationRule,
    /// 务工就业: what the year's target counts.
    pub employment: crate::employment::EmploymentRule,
    /// 小额信贷 and 富民贷: the loan products, their limits and whose loans they are for.
    pub loans: crate::loan::LoanRule,
    /// 部门筛查预警: the kinds of department file and their rules.
    pub screening: Vec<ScreeningKind>,
}

/// The policy files shipped with the product: (province prefix, year, TOML text).
/// A shipped policy text carried forward from its year `from` to the year `to`: the same rules,
/// the year and the titles changed, and no holidays (the calendar of `from` does not fit `to`;
/// the province enters `to`'s holidays when it confirms the year's policy).
pub fn carried_forward(text: &str, from: u16, to: u16) -> String {
    let text = match (text.find("[calendar]"), text.find("\n[visits]")) {
        (Some(start), Some(end)) if start < end => format!(
            "{}[calendar]\nholidays = []\nworkdays = []\n{}",
            &text[..start],
            &text[end..]
        ),
        _ => text.to_string(),
    };
    text.replace(&format!("year = {from}"), &format!("year = {to}"))
        .replace(&format!("{from}年"), &format!("{to}年"))
}

pub const SHIPPED: &[(&str, u16, &str)] = &[
    ("62", 2021, include_str!("../../policies/62-2021.toml")),
    ("62", 2022, include_str!("../../policies/62-2022.toml")),
    ("62", 2023, include_str!("../../policies/62-2023.toml")),
    ("62", 2024, include_str!("../../policies/62-2024.toml")),
    ("62", 2025, include_str!("../../policies/62-2025.toml")),
    ("62", 2026, include_str!("../../policies/62-2026.toml")),
    ("62", 2027, include_str!("../../policies/62-2027.toml")),
];

/// The shipped file for a province and year, if there is one.
pub fn shipped(province: AreaCode, year: PolicyYear) -> Option<&'static str> {
    SHIPPED
        .iter()
        .find(|(p, y, _)| *p == province.prefix() && *y == year.get())
        .map(|(_, _, text)| *text)
}

impl Policy {
    /// Parses and checks a policy file. Every problem is reported, each with its key (and line
    /// when known) and why, in Chinese.
    pub fn parse(text: &str) -> Result<Policy, Vec<PolicyError>> {
        file::parse(text)
    }

    /// The province a division code belongs to.
    pub fn province_of(area: AreaCode) -> Option<AreaCode> {
        area.ancestor(AreaLevel::Province)
    }

    pub fn category(&self, code: &str) -> Option<&MeasureCategory> {
        self.measure_categories.iter().find(|c| c.code == code)
    }

    pub fn measure(&self, code: &str) -> Option<&MeasureItem> {
        self.measures.iter().find(|m| m.code == code)
    }

    /// The kind of a catalogue measure (development, safety net, other).
    pub fn measure_kind(&self, code: &str) -> Option<MeasureKind> {
        self.measure(code)
            .and_then(|m| self.category(&m.category))
            .map(|c| c.kind)
    }

    /// A kind of department file by its code (`medical`, ...).
    pub fn screening_kind(&self, code: &str) -> Option<&ScreeningKind> {
        self.screening.iter().find(|k| k.code == code.trim())
    }

    /// The due day of a period from `start` in this policy's calendar.
    pub fn due(&self, start: chrono::NaiveDate, period: Period) -> chrono::NaiveDate {
        self.calendar.add(start, period)
    }
}

#[cfg(test)]
mod tests;

//! Risk elimination (DOMAIN §9): a proposal is judged against the policy's blockers (七不消); the
//! verdict lists every blocker with pass or fail and the data behind it, and names the policy
//! version that judged it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::household::{EliminationMode, RiskTypes};
use crate::money::Money;
use crate::policy::{BlockerCheck, Policy, PolicyRef};

/// What the elimination is judged on: the registry, the plan, and what the visit verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EliminationFacts {
    pub identified_on: NaiveDate,
    pub proposed_on: NaiveDate,
    pub mode: EliminationMode,
    pub per_capita_income: Option<Money>,
    /// Months the income has been stable, as verified on the visit.
    pub income_stable_months: Option<u32>,
    /// Large essential spending (medical, schooling) resolved, as verified.
    pub essential_spending_resolved: Option<bool>,
    pub housing_unsafe: bool,
    pub school_dropout: bool,
    pub uninsured: bool,
    pub water_unsafe: bool,
    /// The risks the household was identified with.
    pub risks: RiskTypes,
    /// Of those, the ones still present.
    pub risks_remaining: RiskTypes,
    pub new_risks: RiskTypes,
    /// The risks with at least one measure (not cancelled) aimed at them.
    pub risks_with_measures: RiskTypes,
    pub whole_household_without_labour: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: String,
    pub passed: bool,
    /// The data behind it, for people: "纳入监测7个月（2022-03-01至2022-10-09），要求至少6个月".
    pub data: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockerResult {
    pub code: String,
    pub label: String,
    pub passed: bool,
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub policy: PolicyRef,
    pub mode: EliminationMode,
    /// Every blocker passed.
    pub passed: bool,
    pub blockers: Vec<BlockerResult>,
}

impl Verdict {
    pub fn failed(&self) -> impl Iterator<Item = &BlockerResult> {
        self.blockers.iter().filter(|b| !b.passed)
    }
}

/// Whole months from `from` to `to` (a month counts when its day is reached).
pub fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        m -= 1;
    }
    m
}

fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

fn run(check: BlockerCheck, f: &EliminationFacts, threshold: Money) -> CheckResult {
    let (passed, data) = match check {
        BlockerCheck::MonitoredMonths { months } => {
            let m = months_between(f.identified_on, f.proposed_on);
            (
                m >= months as i32,
                format!(
                    "纳入监测{m}个月（{}至{}），要求至少{months}个月",
                    f.identified_on, f.proposed_on
                ),
            )
        }
        BlockerCheck::IncomeAboveLine => match f.per_capita_income {
            Some(i) => (
                i >= threshold,
                format!("人均纯收入{i}元，监测范围{threshold}元"),
            ),
            None => (false, "人均纯收入未填报".into()),
        },
        BlockerCheck::IncomeStableMonths { months } => match f.income_stable_months {
            Some(m) => (
                m >= months,
                format!("收入稳定{m}个月，要求至少{months}个月"),
            ),
            None => (false, "收入稳定情况未核实".into()),
        },
        BlockerCheck::EssentialSpendingResolved => match f.essential_spending_resolved {
            Some(r) => (r, format!("刚性支出问题已解决：{}", yes_no(r))),
            None => (false, "刚性支出情况未核实".into()),
        },
        BlockerCheck::ThreeGuaranteesAndWater => {
            let problems: Vec<&str> = [
                (f.housing_unsafe, "住房不安全"),
                (f.school_dropout, "有义务教育阶段失学辍学"),
                (f.uninsured, "有成员未参加基本医疗保险"),
                (f.water_unsafe, "饮水不安全"),
            ]
            .iter()
            .filter(|(p, _)| *p)
            .map(|(_, l)| *l)
            .collect();
            if problems.is_empty() {
                (true, "住房、义务教育、基本医疗和饮水均有保障".into())
            } else {
                (false, problems.join("、"))
            }
        }
        BlockerCheck::RisksRemoved => {
            let remaining = f.risks_remaining;
            let new = f.new_risks;
            match (remaining.is_empty(), new.is_empty()) {
                (true, true) => (true, format!("识别风险（{}）已消除，无新风险", f.risks)),
                _ => {
                    let mut parts = Vec::new();
                    if !remaining.is_empty() {
                        parts.push(format!("未消除：{remaining}"));
                    }
                    if !new.is_empty() {
                        parts.push(format!("新风险：{new}"));
                    }
                    (false, parts.join("；"))
                }
            }
        }
        BlockerCheck::MeasureOnEachRisk => match f.mode {
            EliminationMode::Natural => (true, "自然消除，不要求帮扶措施".into()),
            EliminationMode::Assisted => {
                let missing: Vec<&str> = f
                    .risks
                    .iter()
                    .filter(|r| !f.risks_with_measures.contains(*r))
                    .map(|r| r.label())
                    .collect();
                if missing.is_empty() {
                    (true, format!("每项风险（{}）都有帮扶措施", f.risks))
                } else {
                    (false, format!("没有帮扶措施的风险：{}", missing.join("、")))
                }
            }
        },
        BlockerCheck::HouseholdHasLabour => (
            !f.whole_household_without_labour,
            if f.whole_household_without_labour {
                "整户无劳动能力，应继续落实兜底保障措施，不得消除".into()
            } else {
                "家庭有劳动能力".into()
            },
        ),
    };
    CheckResult {
        check: check.code().to_string(),
        passed,
        data,
    }
}

/// Judges a proposal by every blocker of the policy.
pub fn evaluate(policy: &Policy, policy_ref: PolicyRef, facts: &EliminationFacts) -> Verdict {
    let blockers: Vec<BlockerResult> = policy
        .blockers
        .iter()
        .map(|b| {
            let checks: Vec<CheckResult> = b
                .checks
                .iter()
                .map(|c| run(*c, facts, policy.threshold))
                .collect();
            BlockerResult {
                code: b.code.clone(),
                label: b.label.clone(),
                passed: checks.iter().all(|c| c.passed),
                checks,
            }
        })
        .collect();
    Verdict {
        policy: policy_ref,
        mode: facts.mode,
        passed: blockers.iter().all(|b| b.passed),
        blockers,
    }
}

#[cfg(test)]
mod tests;

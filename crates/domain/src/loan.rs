//! 脱贫人口小额信贷 (DOMAIN §11): small credit loans to ex-poor and monitored households — the
//! amount, the day it was lent, its term, what is still owed, the day it was repaid, whether it
//! was extended. A county keeps the banks' lists as a ledger (小额信贷台账); every level follows
//! the loans lent, outstanding and overdue, and the loans to households the policy does not
//! cover.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::household::{HouseholdType, MonitorCategory};
use crate::id_number::IdNumber;
use crate::money::Money;

/// 贷款合同编号 (or the bank's 借据号): a loan's number in its county's ledger.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LoanNo(String);

impl LoanNo {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(input: &str) -> Result<LoanNo, LoanError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(LoanError::Missing("贷款合同编号"));
        }
        if s.chars().count() > Self::MAX_CHARS || s.chars().any(|c| c.is_control() || c == '/') {
            return Err(LoanError::BadNo(s.to_string()));
        }
        Ok(LoanNo(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LoanNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A loan as the county's ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loan {
    pub no: LoanNo,
    /// 借款人证件号码.
    pub borrower: IdNumber,
    /// 借款人姓名, as the bank wrote it.
    pub borrower_name: String,
    /// 放贷银行.
    pub bank: Option<String>,
    /// 贷款金额.
    pub amount: Money,
    /// 放款日期.
    pub lent_on: NaiveDate,
    /// 到期日期.
    pub due_on: NaiveDate,
    /// 贷款余额: what is still owed.
    pub balance: Money,
    /// 结清日期, once repaid.
    pub repaid_on: Option<NaiveDate>,
    /// 是否展期: the bank extended its term (due_on is the new day).
    pub extended: bool,
    /// 贷款用途.
    pub purpose: Option<String>,
    /// 贷款产品 as the policy names it (脱贫人口小额信贷, 富民贷 …); `None`: the ledger did not
    /// say, the policy's first product.
    pub product: Option<String>,
}

/// Whose loans a product is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cover {
    /// 脱贫户 and monitoring objects (小额信贷).
    #[serde(rename = "脱贫户和监测对象")]
    ExPoorAndMonitored,
    /// Any registered household (农户).
    #[serde(rename = "农户")]
    Registered,
}

impl Cover {
    pub fn label(self) -> &'static str {
        match self {
            Cover::ExPoorAndMonitored => "脱贫户和监测对象",
            Cover::Registered => "农户",
        }
    }

    pub fn covers(self, household_type: HouseholdType, category: Option<MonitorCategory>) -> bool {
        match self {
            Cover::ExPoorAndMonitored => covered(household_type, category),
            Cover::Registered => true,
        }
    }
}

/// A loan product of the province's policy (`[loans]`): its name and the names ledgers give it,
/// the most it lends, its term, the extension a bank may give, whose loans it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanProduct {
    pub name: String,
    pub aliases: Vec<String>,
    pub max_amount: Money,
    pub max_term_months: u32,
    pub max_extension_months: u32,
    pub cover: Cover,
}

/// Where a loan goes beyond its product's terms (a finding, not a refusal: the bank's
/// ledger is what was lent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum Beyond {
    #[error("贷款金额{amount}元超过{product}的额度{max}元")]
    Amount {
        product: String,
        amount: String,
        max: String,
    },
    #[error("贷款期限超过{product}的{months}个月")]
    Term { product: String, months: u32 },
}

impl LoanProduct {
    fn named(&self, name: &str) -> bool {
        let name = name.trim();
        self.name == name || self.aliases.iter().any(|a| a == name)
    }

    /// What of `loan` goes beyond the product: its amount, its term (with the extension a bank
    /// may give an extended loan).
    pub fn beyond(&self, loan: &Loan) -> Vec<Beyond> {
        let mut b = Vec::new();
        if loan.amount > self.max_amount {
            b.push(Beyond::Amount {
                product: self.name.clone(),
                amount: loan.amount.yuan_string(),
                max: self.max_amount.yuan_string(),
            });
        }
        let months = self.max_term_months
            + if loan.extended {
                self.max_extension_months
            } else {
                0
            };
        if due_after(loan.lent_on, months).is_some_and(|last| loan.due_on > last) {
            b.push(Beyond::Term {
                product: self.name.clone(),
                months,
            });
        }
        b
    }
}

/// The loan products of a province's policy, the first the one a ledger means when it names none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanRule {
    pub products: Vec<LoanProduct>,
}

impl Default for LoanRule {
    fn default() -> Self {
        LoanRule {
            products: vec![
                LoanProduct {
                    name: "脱贫人口小额信贷".into(),
                    aliases: vec!["小额信贷".into(), "扶贫小额信贷".into()],
                    max_amount: Money::from_yuan(50_000),
                    max_term_months: 36,
                    max_extension_months: 12,
                    cover: Cover::ExPoorAndMonitored,
                },
                LoanProduct {
                    name: "富民贷".into(),
                    aliases: vec!["富民产业贷".into()],
                    max_amount: Money::from_yuan(100_000),
                    max_term_months: 36,
                    max_extension_months: 12,
                    cover: Cover::Registered,
                },
            ],
        }
    }
}

impl LoanRule {
    /// The product a ledger names (by its name or one of its aliases).
    pub fn find(&self, name: &str) -> Option<&LoanProduct> {
        self.products.iter().find(|p| p.named(name))
    }

    /// The product of a stored loan: the one it names, else the first.
    pub fn of(&self, loan: &Loan) -> Option<&LoanProduct> {
        match &loan.product {
            Some(name) => self.find(name),
            None => self.products.first(),
        }
    }

    /// The products' names, as an error lists them.
    pub fn names(&self) -> String {
        self.products
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// What is wrong with a loan's row; each names the column it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoanError {
    #[error("缺少{0}")]
    Missing(&'static str),
    #[error("贷款合同编号“{0}”无效：最多60个字符，不能含“/”")]
    BadNo(String),
    #[error("贷款余额{balance}元大于贷款金额{amount}元")]
    BalanceOverAmount { balance: String, amount: String },
    #[error("贷款金额应大于0")]
    NoAmount,
    #[error("到期日期（{due}）早于放款日期（{lent}）")]
    DueBeforeLent { lent: NaiveDate, due: NaiveDate },
    #[error("放款日期（{0}）晚于今天")]
    LentToCome(NaiveDate),
    #[error("已填结清日期，贷款余额应为0，实为{0}元")]
    RepaidWithBalance(String),
    #[error("结清日期（{repaid}）早于放款日期（{lent}）")]
    RepaidBeforeLent { lent: NaiveDate, repaid: NaiveDate },
    #[error("结清日期（{0}）晚于今天")]
    RepaidToCome(NaiveDate),
}

impl LoanError {
    /// The ledger column the error is about.
    pub fn column(&self) -> &'static str {
        match self {
            LoanError::Missing(c) => c,
            LoanError::BadNo(_) => "贷款合同编号",
            LoanError::BalanceOverAmount { .. } => "贷款余额（元）",
            LoanError::NoAmount => "贷款金额（元）",
            LoanError::DueBeforeLent { .. } => "到期日期",
            LoanError::LentToCome(_) => "放款日期",
            LoanError::RepaidWithBalance(_) => "贷款余额（元）",
            LoanError::RepaidBeforeLent { .. } | LoanError::RepaidToCome(_) => "结清日期",
        }
    }
}

/// The due day of a loan lent on `lent_on` for `months` (the last day of a shorter month when
/// the day does not exist in it).
pub fn due_after(lent_on: NaiveDate, months: u32) -> Option<NaiveDate> {
    lent_on.checked_add_months(Months::new(months))
}

impl Loan {
    /// Every rule a row must keep, all problems told (none when it may be saved).
    pub fn check(&self, today: NaiveDate) -> Vec<LoanError> {
        let mut errors = Vec::new();
        if self.amount.fen() <= 0 {
            errors.push(LoanError::NoAmount);
        }
        if self.balance > self.amount {
            errors.push(LoanError::BalanceOverAmount {
                balance: self.balance.yuan_string(),
                amount: self.amount.yuan_string(),
            });
        }
        if self.due_on < self.lent_on {
            errors.push(LoanError::DueBeforeLent {
                lent: self.lent_on,
                due: self.due_on,
            });
        }
        if self.lent_on > today {
            errors.push(LoanError::LentToCome(self.lent_on));
        }
        if let Some(repaid) = self.repaid_on {
            if self.balance.fen() != 0 {
                errors.push(LoanError::RepaidWithBalance(self.balance.yuan_string()));
            }
            if repaid < self.lent_on {
                errors.push(LoanError::RepaidBeforeLent {
                    lent: self.lent_on,
                    repaid,
                });
            }
            if repaid > today {
                errors.push(LoanError::RepaidToCome(repaid));
            }
        }
        errors
    }

    /// Still owed on `day`: lent by then, not repaid by then (a balance of zero without a day
    /// of repayment counts as repaid).
    pub fn outstanding_on(&self, day: NaiveDate) -> bool {
        self.lent_on <= day
            && self.repaid_on.is_none_or(|r| r > day)
            && (self.balance.fen() > 0 || self.repaid_on.is_some())
    }

    /// Overdue on `day`: still owed after its due day.
    pub fn overdue_on(&self, day: NaiveDate) -> bool {
        self.outstanding_on(day) && self.due_on < day
    }
}

/// Whether the policy covers a borrower's household: 脱贫户, or a monitoring object (边缘易致贫户
/// and 突发严重困难户 included).
pub fn covered(household_type: HouseholdType, category: Option<MonitorCategory>) -> bool {
    household_type == HouseholdType::ExPoor || category.is_some()
}

/// The loans of an area as of a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LoanFigures {
    /// Loans lent by the day, and their amount.
    pub loans: u64,
    pub amount: Money,
    /// Lent in the day's year.
    pub loans_this_year: u64,
    pub amount_this_year: Money,
    /// Still owed on the day, and what is owed (the balance as last reported).
    pub outstanding: u64,
    pub balance: Money,
    /// Owed past their due day.
    pub overdue: u64,
    pub overdue_balance: Money,
    /// Extended loans still owed.
    pub extended: u64,
    /// Households with a loan owed.
    pub households_owing: u64,
    /// Loans to households the policy does not cover.
    pub not_covered: u64,
}

impl LoanFigures {
    /// Adds a loan as of `day` (`covered`: its household is one the policy covers).
    pub fn add(&mut self, loan: &Loan, covered: bool, day: NaiveDate) {
        use chrono::Datelike;
        if loan.lent_on > day {
            return;
        }
        let plus = |a: Money, b: Money| Money::from_fen(a.fen().saturating_add(b.fen()));
        self.loans += 1;
        self.amount = plus(self.amount, loan.amount);
        if loan.lent_on.year() == day.year() {
            self.loans_this_year += 1;
            self.amount_this_year = plus(self.amount_this_year, loan.amount);
        }
        if loan.outstanding_on(day) {
            self.outstanding += 1;
            self.balance = plus(self.balance, loan.balance);
            if loan.extended {
                self.extended += 1;
            }
            if loan.overdue_on(day) {
                self.overdue += 1;
                self.overdue_balance = plus(self.overdue_balance, loan.balance);
            }
        }
        if !covered {
            self.not_covered += 1;
        }
    }

    /// 逾期率: overdue balance over the balance owed, in percent with two decimals.
    pub fn overdue_rate(&self) -> String {
        crate::project::percent(self.overdue_balance.fen(), self.balance.fen())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn loan() -> Loan {
        Loan {
            no: LoanNo::parse("JK-001").unwrap(),
            borrower: IdNumber::parse("11010519491231002X").unwrap(),
            borrower_name: "张三".into(),
            bank: Some("农商银行".into()),
            amount: Money::from_yuan(50_000),
            lent_on: day("2024-03-15"),
            due_on: day("2027-03-15"),
            balance: Money::from_yuan(30_000),
            repaid_on: None,
            extended: false,
            purpose: Some("养殖".into()),
            product: None,
        }
    }

    #[test]
    fn a_loan_is_judged_by_its_product() {
        let rule = LoanRule::default();
        let mut l = loan();
        assert_eq!(rule.of(&l).unwrap().name, "脱贫人口小额信贷");
        assert!(rule.of(&l).unwrap().beyond(&l).is_empty());
        l.amount = Money::from_yuan(80_000);
        l.due_on = day("2027-03-16");
        let told: Vec<String> = rule
            .of(&l)
            .unwrap()
            .beyond(&l)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            told,
            [
                "贷款金额80000.00元超过脱贫人口小额信贷的额度50000.00元",
                "贷款期限超过脱贫人口小额信贷的36个月"
            ]
        );
        // Extended: a year more is within the term.
        l.extended = true;
        assert_eq!(rule.of(&l).unwrap().beyond(&l).len(), 1);
        // 富民贷 by its alias: 80,000 within its 100,000, for any household.
        l.product = Some("富民产业贷".into());
        let p = rule.of(&l).unwrap();
        assert_eq!(p.name, "富民贷");
        assert!(p.beyond(&l).is_empty());
        assert!(p.cover.covers(HouseholdType::Ordinary, None));
        assert!(!rule.products[0].cover.covers(HouseholdType::Ordinary, None));
        l.product = Some("消费贷".into());
        assert!(rule.of(&l).is_none());
        assert_eq!(rule.names(), "脱贫人口小额信贷、富民贷");
    }

    #[test]
    fn a_sound_loan_has_nothing_to_say() {
        assert_eq!(loan().check(day("2025-12-01")), []);
        assert_eq!(due_after(day("2024-01-31"), 1), Some(day("2024-02-29")));
        assert_eq!(due_after(day("2024-03-15"), 36), Some(day("2027-03-15")));
    }

    #[test]
    fn every_problem_of_a_row_is_told_with_its_column() {
        let mut l = loan();
        l.balance = Money::from_yuan(60_000);
        l.due_on = day("2024-01-01");
        l.repaid_on = Some(day("2024-02-01"));
        let told: Vec<(&str, String)> = l
            .check(day("2025-12-01"))
            .iter()
            .map(|e| (e.column(), e.to_string()))
            .collect();
        assert_eq!(
            told,
            [
                (
                    "贷款余额（元）",
                    "贷款余额60000.00元大于贷款金额50000.00元".to_string()
                ),
                (
                    "到期日期",
                    "到期日期（2024-01-01）早于放款日期（2024-03-15）".into()
                ),
                (
                    "贷款余额（元）",
                    "已填结清日期，贷款余额应为0，实为60000.00元".into()
                ),
                (
                    "结清日期",
                    "结清日期（2024-02-01）早于放款日期（2024-03-15）".into()
                ),
            ]
        );
        let mut l = loan();
        l.amount = Money::ZERO;
        l.balance = Money::ZERO;
        l.lent_on = day("2026-01-01");
        let told: Vec<&str> = l
            .check(day("2025-12-01"))
            .iter()
            .map(|e| e.column())
            .collect();
        assert_eq!(told, ["贷款金额（元）", "放款日期"]);
    }

    #[test]
    fn outstanding_and_overdue_as_of_a_day() {
        let mut l = loan();
        l.due_on = day("2025-03-15");
        assert!(!l.outstanding_on(day("2024-03-14")), "not yet lent");
        assert!(l.outstanding_on(day("2025-03-15")) && !l.overdue_on(day("2025-03-15")));
        assert!(l.overdue_on(day("2025-03-16")));
        // Repaid on a day: owed before it, not from it.
        l.balance = Money::ZERO;
        l.repaid_on = Some(day("2025-06-01"));
        assert!(l.overdue_on(day("2025-05-31")));
        assert!(!l.outstanding_on(day("2025-06-01")));
        // A balance of zero without a day: repaid.
        l.repaid_on = None;
        assert!(!l.outstanding_on(day("2025-05-31")));
    }

    #[test]
    fn figures_as_of_a_day() {
        let today = day("2025-12-01");
        let mut f = LoanFigures::default();
        let mut overdue = loan();
        overdue.due_on = day("2025-03-15");
        overdue.extended = true;
        f.add(&overdue, true, today);
        let mut this_year = loan();
        this_year.lent_on = day("2025-05-01");
        this_year.balance = Money::from_yuan(50_000);
        f.add(&this_year, false, today);
        let mut repaid = loan();
        repaid.balance = Money::ZERO;
        repaid.repaid_on = Some(day("2025-01-10"));
        f.add(&repaid, true, today);
        let mut later = loan();
        later.lent_on = day("2025-12-02");
        f.add(&later, true, today);
        assert_eq!(
            (f.loans, f.loans_this_year, f.outstanding, f.overdue),
            (3, 1, 2, 1)
        );
        assert_eq!(f.amount, Money::from_yuan(150_000));
        assert_eq!(f.balance, Money::from_yuan(80_000));
        assert_eq!(f.overdue_balance, Money::from_yuan(30_000));
        assert_eq!((f.extended, f.not_covered), (1, 1));
        assert_eq!(f.overdue_rate(), "37.50%");
        assert!(covered(HouseholdType::ExPoor, None));
        assert!(covered(
            HouseholdType::Ordinary,
            Some(MonitorCategory::MarginalAtRisk)
        ));
        assert!(!covered(HouseholdType::Ordinary, None));
    }
}

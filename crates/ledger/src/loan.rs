//! The ledger of 脱贫人口小额信贷 (小额信贷台账): its columns and the names they are known by,
//! each row parsed into a [`Loan`] or the problems of its cells (an ID number told masked).
//! Amounts in 元, or in 万元 under a header that says so.

use std::path::Path;

use zhenxing_domain::id_number::mask_id_str;
use zhenxing_domain::labels::parse_flag;
use zhenxing_domain::loan::{Loan, LoanNo, due_after};
use zhenxing_domain::{IdNumber, LedgerDate, Money};

use crate::error::LedgerError;
use crate::table::{Column, Table, TableKind, TableRow, read_table};

pub const NO: usize = 0;
pub const BORROWER: usize = 1;
pub const NAME: usize = 2;
pub const BANK: usize = 3;
pub const AMOUNT: usize = 4;
pub const AMOUNT_WAN: usize = 5;
pub const LENT: usize = 6;
pub const DUE: usize = 7;
pub const TERM: usize = 8;
pub const BALANCE: usize = 9;
pub const BALANCE_WAN: usize = 10;
pub const REPAID: usize = 11;
pub const EXTENDED: usize = 12;
pub const PURPOSE: usize = 13;
pub const PRODUCT: usize = 14;

/// The columns, each with its canonical header first. A header naming no unit is read in 元.
pub const COLUMNS: [Column; 15] = [
    (
        "loan_no",
        &["贷款合同编号", "合同编号", "借据号", "贷款编号", "借据编号"],
    ),
    (
        "borrower",
        &[
            "借款人证件号码",
            "借款人身份证号",
            "借款人身份证号码",
            "证件号码",
            "身份证号码",
            "身份证号",
        ],
    ),
    ("borrower_name", &["借款人姓名", "借款人", "姓名"]),
    ("bank", &["放贷银行", "贷款银行", "经办银行", "金融机构"]),
    (
        "amount",
        &["贷款金额（元）", "放款金额（元）", "发放金额（元）"],
    ),
    (
        "amount_wan",
        &["贷款金额（万元）", "放款金额（万元）", "发放金额（万元）"],
    ),
    (
        "lent_on",
        &["放款日期", "放款时间", "发放日期", "贷款发放日期"],
    ),
    ("due_on", &["到期日期", "到期时间", "贷款到期日", "到期日"]),
    ("term_months", &["贷款期限（月）", "期限（月）", "贷款期限"]),
    ("balance", &["贷款余额（元）", "余额（元）"]),
    ("balance_wan", &["贷款余额（万元）", "余额（万元）"]),
    ("repaid_on", &["结清日期", "还清日期", "结清时间"]),
    ("extended", &["是否展期", "展期"]),
    ("purpose", &["贷款用途", "用途"]),
    ("product", &["贷款产品", "贷款品种", "产品名称", "贷款类型"]),
];

pub const LEDGER: TableKind = TableKind {
    label: "小额信贷台账",
    columns: &COLUMNS,
    required: &[
        &[NO],
        &[BORROWER],
        &[NAME],
        &[AMOUNT, AMOUNT_WAN],
        &[LENT],
        &[DUE, TERM],
    ],
    missing: "贷款合同编号、借款人证件号码、借款人姓名、贷款金额、放款日期、到期日期或贷款期限（月）",
};

/// Reads a loans ledger (CSV in any encoding ledgers come in, xls, xlsx, a web page's table).
pub fn read_loans(path: &Path) -> Result<Table, LedgerError> {
    read_table(path, &LEDGER)
}

/// A cell's problem: (column index, the value as it may be shown, why).
pub type CellProblem = (usize, String, String);

/// An amount of the row, in 元 or in 万元 by the column it is in; `None` when neither is given.
fn amount(
    row: &TableRow,
    yuan: usize,
    wan: usize,
    problems: &mut Vec<CellProblem>,
) -> Option<Money> {
    let (k, v, parsed) = if let Some(v) = row.get(yuan) {
        (yuan, v, Money::parse_yuan(v))
    } else {
        let v = row.get(wan)?;
        (wan, v, Money::parse_wan_yuan(v))
    };
    match parsed {
        Ok(m) if m.fen() < 0 => {
            problems.push((k, v.into(), "金额不能为负数".into()));
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            problems.push((k, v.into(), e.to_string()));
            None
        }
    }
}

/// One row as a loan, or every problem of its cells. `bare_amount`: the amount's header names no
/// unit (read in 元; an amount below 1,000 元 is then refused as likely written in 万元).
pub fn parse_loan(row: &TableRow, bare_amount: bool) -> Result<Loan, Vec<CellProblem>> {
    let mut problems: Vec<CellProblem> = Vec::new();
    let no = match row.get(NO) {
        None => {
            problems.push((NO, String::new(), "不能为空".into()));
            None
        }
        Some(v) => LoanNo::parse(v)
            .map_err(|e| problems.push((NO, v.into(), e.to_string())))
            .ok(),
    };
    let borrower = match row.get(BORROWER) {
        None => {
            problems.push((BORROWER, String::new(), "不能为空".into()));
            None
        }
        Some(v) => IdNumber::parse(v)
            .map_err(|e| problems.push((BORROWER, mask_id_str(v), e.to_string())))
            .ok(),
    };
    let name = row.get(NAME).map(str::to_string);
    if name.is_none() {
        problems.push((NAME, String::new(), "不能为空".into()));
    }
    let amount_value = amount(row, AMOUNT, AMOUNT_WAN, &mut problems);
    if let Some(m) = amount_value
        && bare_amount
        && row.get(AMOUNT).is_some()
        && m.fen() < 100_000
        && m.fen() > 0
    {
        problems.push((
            AMOUNT,
            m.yuan_string(),
            format!(
                "表头未注明单位，按元读取为{}元；若以万元填写，请将表头改为“贷款金额（万元）”",
                m.yuan_string()
            ),
        ));
    }
    if amount_value.is_none() && row.get(AMOUNT).is_none() && row.get(AMOUNT_WAN).is_none() {
        problems.push((AMOUNT, String::new(), "不能为空".into()));
    }
    let date = |k: usize, problems: &mut Vec<CellProblem>| {
        let v = row.get(k)?;
        LedgerDate::parse(v)
            .map(|d| d.first_day())
            .map_err(|e| problems.push((k, v.into(), e.to_string())))
            .ok()
    };
    let lent_on = date(LENT, &mut problems);
    if row.get(LENT).is_none() {
        problems.push((LENT, String::new(), "不能为空".into()));
    }
    let due_on = match (date(DUE, &mut problems), row.get(TERM)) {
        (Some(d), _) => Some(d),
        (None, Some(term)) if row.get(DUE).is_none() => {
            match term.trim_end_matches(['月', '个']).trim().parse::<u32>() {
                Ok(months) if (1..=600).contains(&months) => {
                    lent_on.and_then(|l| due_after(l, months))
                }
                _ => {
                    problems.push((TERM, term.into(), "应为1到600之间的月数".into()));
                    None
                }
            }
        }
        (None, None) if row.get(DUE).is_none() => {
            problems.push((
                DUE,
                String::new(),
                "到期日期和贷款期限（月）至少填一项".into(),
            ));
            None
        }
        (None, _) => None,
    };
    let repaid_on = date(REPAID, &mut problems);
    let balance = amount(row, BALANCE, BALANCE_WAN, &mut problems);
    let extended = match row.get(EXTENDED) {
        None => false,
        Some(v) => parse_flag(v)
            .map_err(|e| problems.push((EXTENDED, v.into(), e.to_string())))
            .unwrap_or(false),
    };
    match (no, borrower, name, amount_value, lent_on, due_on) {
        (
            Some(no),
            Some(borrower),
            Some(borrower_name),
            Some(amount),
            Some(lent_on),
            Some(due_on),
        ) if problems.is_empty() => {
            // No balance given: all of it is owed, unless the loan was repaid.
            let balance = balance.unwrap_or(if repaid_on.is_some() {
                Money::ZERO
            } else {
                amount
            });
            Ok(Loan {
                no,
                borrower,
                borrower_name,
                bank: row.get(BANK).map(str::to_string),
                amount,
                lent_on,
                due_on,
                balance,
                repaid_on,
                extended,
                purpose: row.get(PURPOSE).map(str::to_string),
                product: row.get(PRODUCT).map(|p| p.trim().to_string()),
            })
        }
        _ => Err(problems),
    }
}

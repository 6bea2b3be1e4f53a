//! 脱贫人口小额信贷 (小额信贷台账, DOMAIN §11): the banks' loans imported as a county's ledger —
//! each borrower found in the registry by ID number (the name checked against the one
//! registered), within the user's area, the household's cover by the policy noted; the rows
//! refused reported with file, row, column and why; the rest written in one transaction, each
//! change kept — and the loans of any area as of a day: lent, lent this year, owed, overdue, to
//! households the policy does not cover, with the loans to act on listed (ID numbers masked).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::loan::{LoanFigures, LoanNo, LoanRule};
use zhenxing_domain::screening::names_agree;
use zhenxing_domain::{AreaCode, HouseholdNo, Permission, Scope, today_in_china};
use zhenxing_ledger::RowError;
use zhenxing_ledger::department::XlsxTableWriter;
use zhenxing_ledger::layout::{normalize_header, split_unit};
use zhenxing_ledger::loan::{
    AMOUNT, AMOUNT_WAN, BALANCE, BALANCE_WAN, BORROWER, COLUMNS, NAME, NO, PRODUCT, parse_loan,
    read_loans,
};
use zhenxing_ledger::write::Out;
use zhenxing_store::Actor;
use zhenxing_store::loan::{LoanRecord, StoredLoan};

use crate::auth::Caller;
use crate::{App, AppError};

/// What importing a loans ledger did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoanImport {
    pub file: String,
    pub rows: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows refused (a row with several problems counts once).
    pub rejected: u64,
    /// Loans taken whose household their product does not cover (小额信贷: 脱贫户 or a
    /// monitoring object).
    pub not_covered: u64,
    /// Loans taken beyond their product's amount or term (findings, taken all the same).
    pub beyond: u64,
    /// Every problem of the rows refused, in row order (ID numbers masked).
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

impl LoanImport {
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }

    pub fn summary(&self) -> String {
        format!(
            "{}：读取{}行，新增贷款{}笔，更新{}笔，未变{}笔{}{}{}",
            self.file,
            self.rows,
            self.added,
            self.updated,
            self.unchanged,
            if self.not_covered > 0 {
                format!("，其中{}笔借款户不在所贷产品的支持对象内", self.not_covered)
            } else {
                String::new()
            },
            if self.beyond > 0 {
                format!("，{}笔超出产品额度或期限", self.beyond)
            } else {
                String::new()
            },
            if self.rejected > 0 {
                format!("，{}行未导入（见错误明细）", self.rejected)
            } else {
                "，全部导入".to_string()
            }
        )
    }
}

/// A loan as the lists show it: the borrower's ID number masked.
#[derive(Debug, Clone, Serialize)]
pub struct LoanRow {
    pub county: AreaCode,
    pub no: LoanNo,
    pub borrower_masked: String,
    pub borrower_name: String,
    pub household_no: HouseholdNo,
    pub village: AreaCode,
    pub village_name: String,
    pub bank: Option<String>,
    pub amount: zhenxing_domain::Money,
    pub lent_on: NaiveDate,
    pub due_on: NaiveDate,
    pub balance: zhenxing_domain::Money,
    pub extended: bool,
    pub covered: bool,
    /// Days past its due day on the report's day (0 when not overdue).
    pub days_overdue: i64,
    /// Its product's name.
    pub product: String,
    /// Where it goes beyond its product's amount or term.
    pub beyond: Vec<String>,
}

/// A stored loan as the lists show it on `day`, judged by its product in `rule`.
fn loan_row(s: &StoredLoan, rule: &LoanRule, day: NaiveDate, village_name: String) -> LoanRow {
    let r = &s.record;
    let l = &r.loan;
    let product = rule.of(l);
    LoanRow {
        county: r.county,
        no: l.no.clone(),
        borrower_masked: l.borrower.masked(),
        borrower_name: l.borrower_name.clone(),
        household_no: r.household_no.clone(),
        village: r.village,
        village_name,
        bank: l.bank.clone(),
        amount: l.amount,
        lent_on: l.lent_on,
        due_on: l.due_on,
        balance: l.balance,
        extended: l.extended,
        covered: r.covered,
        days_overdue: if l.overdue_on(day) {
            (day - l.due_on).num_days()
        } else {
            0
        },
        product: match (product, &l.product) {
            (Some(p), _) => p.name.clone(),
            (None, Some(name)) => name.clone(),
            (None, None) => String::new(),
        },
        beyond: product
            .map(|p| p.beyond(l).iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
    }
}

/// The loans of an area as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct LoanReport {
    pub area: AreaCode,
    pub area_name: String,
    pub as_of: NaiveDate,
    pub totals: LoanFigures,
    /// Each product with loans, in the policy's order (a product since dropped last).
    pub by_product: Vec<(String, LoanFigures)>,
    pub by_area: Vec<(AreaCode, String, LoanFigures)>,
    /// Loans overdue on the day, the longest overdue first; at most the limit asked for
    /// (`totals.overdue` counts them all).
    pub overdue: Vec<LoanRow>,
    /// Loans to households their product does not cover; at most the limit.
    pub not_covered: Vec<LoanRow>,
    /// Loans beyond their product's amount or term; at most the limit (`beyond_count` counts
    /// them all).
    pub beyond: Vec<LoanRow>,
    pub beyond_count: u64,
    /// The products of the policy in force.
    pub rule: LoanRule,
}

/// The policy year of a day.
fn year_of_day(day: NaiveDate) -> Option<zhenxing_domain::PolicyYear> {
    use chrono::Datelike;
    u16::try_from(day.year())
        .ok()
        .and_then(|y| zhenxing_domain::PolicyYear::new(y).ok())
}

impl App {
    /// Imports a loans ledger for a user who may import, within their area. Audited.
    pub async fn import_loans(
        &self,
        caller: &Caller,
        path: &Path,
        name: Option<&str>,
    ) -> Result<LoanImport, AppError> {
        self.import_audited(caller, "import_loans", |actor, scope| async move {
            self.import_loans_in(&actor, scope, path, name).await
        })
        .await
    }

    /// Imports a loans ledger as `actor`, its rows refused outside `scope`.
    pub async fn import_loans_in(
        &self,
        actor: &Actor,
        scope: Scope,
        path: &Path,
        name: Option<&str>,
    ) -> Result<LoanImport, AppError> {
        let (table, file) = crate::own_ledgers::read_named(path, name, read_loans).await?;
        let today = today_in_china();
        let header = |k: usize| -> String {
            table.headers[k]
                .clone()
                .unwrap_or_else(|| COLUMNS[k].1[0].to_string())
        };
        let bare_amount = table.headers[AMOUNT]
            .as_deref()
            .is_some_and(|h| split_unit(&normalize_header(h)).is_none());
        let mut report = LoanImport {
            file: file.clone(),
            rows: table.rows.len() as u64,
            ..LoanImport::default()
        };
        let store = self.store();
        let mut policies = crate::own_ledgers::Policies::default();
        let mut valid: Vec<LoanRecord> = Vec::new();
        let mut seen: HashMap<(AreaCode, LoanNo), u64> = HashMap::new();
        for row in &table.rows {
            let error =
                |column: String, value: String, reason: String, code: &'static str| RowError {
                    file: file.clone(),
                    sheet: row.sheet.clone(),
                    row: row.row,
                    column,
                    value,
                    reason,
                    code,
                };
            let mut errors: Vec<RowError> = Vec::new();
            match parse_loan(row, bare_amount) {
                Err(problems) => {
                    for (k, value, why) in problems {
                        errors.push(error(header(k), value, why, "invalid_value"));
                    }
                }
                Ok(mut loan) => {
                    for e in loan.check(today) {
                        // The column as the file has it: an amount in 元 or in 万元.
                        let column = COLUMNS
                            .iter()
                            .position(|(_, names)| names[0] == e.column())
                            .map(|k| match (k, &table.headers[k]) {
                                (AMOUNT, None) => header(AMOUNT_WAN),
                                (BALANCE, None) => header(BALANCE_WAN),
                                _ => header(k),
                            })
                            .unwrap_or_else(|| e.column().to_string());
                        errors.push(error(column, String::new(), e.to_string(), "rule"));
                    }
                    let masked = loan.borrower.masked();
                    let household = match store
                        .household_of_person(Scope::All, &loan.borrower)
                        .await?
                    {
                        None => {
                            errors.push(error(
                                header(BORROWER),
                                masked.clone(),
                                "借款人不在农户台账中（此证件号码没有登记）".into(),
                                "not_registered",
                            ));
                            None
                        }
                        Some(no) => match store.household(scope, &no).await? {
                            None => {
                                errors.push(error(
                                    header(BORROWER),
                                    masked.clone(),
                                    "借款人的户不在您的管辖范围内".into(),
                                    "outside_scope",
                                ));
                                None
                            }
                            Some(h) => Some(h),
                        },
                    };
                    if let Some(h) = &household {
                        let members = store.members(scope, &h.household.no).await?;
                        if let Some(m) = members.iter().find(|m| m.member.id == loan.borrower)
                            && !names_agree(&loan.borrower_name, &m.member.name)
                        {
                            errors.push(error(
                                header(NAME),
                                loan.borrower_name.clone(),
                                format!(
                                    "与户籍登记的姓名“{}”不一致（证件号码可能填错）",
                                    m.member.name
                                ),
                                "name_differs",
                            ));
                        }
                    }
                    // The products of the policy of the province where the borrower is
                    // registered (else the importer's), in force the year the loan was lent.
                    let policy_area = household.as_ref().map(|h| h.county).or(match scope {
                        Scope::Area(a) => Some(a),
                        Scope::All => None,
                    });
                    let rule = match (policy_area, year_of_day(loan.lent_on)) {
                        (Some(a), Some(y)) => policies
                            .of(self, a, y)
                            .await?
                            .map(|p| p.loans.clone())
                            .unwrap_or_default(),
                        _ => LoanRule::default(),
                    };
                    let product = match &loan.product {
                        Some(name) => match rule.find(name) {
                            Some(p) => {
                                loan.product = Some(p.name.clone());
                                Some(p.clone())
                            }
                            None => {
                                errors.push(error(
                                    header(PRODUCT),
                                    name.clone(),
                                    format!("不是本省政策列出的贷款产品（{}）", rule.names()),
                                    "rule",
                                ));
                                None
                            }
                        },
                        None => rule.products.first().cloned(),
                    };
                    if let (true, Some(h)) = (errors.is_empty(), household) {
                        if let Some(first) = seen.get(&(h.county, loan.no.clone())) {
                            errors.push(error(
                                header(NO),
                                loan.no.to_string(),
                                format!("与第{first}行的贷款合同编号重复"),
                                "duplicate",
                            ));
                        } else {
                            seen.insert((h.county, loan.no.clone()), row.row);
                            let cover = product.as_ref().is_none_or(|p| {
                                p.cover.covers(
                                    h.household.household_type,
                                    h.household.monitoring.category,
                                )
                            });
                            report.not_covered += u64::from(!cover);
                            report.beyond += u64::from(
                                product
                                    .as_ref()
                                    .is_some_and(|p| !p.beyond(&loan).is_empty()),
                            );
                            valid.push(LoanRecord {
                                loan,
                                county: h.county,
                                household_no: h.household.no.clone(),
                                village: h.household.village,
                                covered: cover,
                            });
                        }
                    }
                }
            }
            if !errors.is_empty() {
                report.rejected += 1;
                report.errors.extend(errors);
            }
        }
        if !valid.is_empty() {
            let t = crate::own_ledgers::Tally::of(
                &store.loans().save_loans(actor, scope, &valid).await?,
            );
            (report.added, report.updated, report.unchanged) = (t.added, t.updated, t.unchanged);
        }
        Ok(report)
    }

    /// The loans of `area` as of `as_of` (today when `None`), within `scope`; at most `limit`
    /// loans in each list (all when `None`).
    pub async fn loan_report(
        &self,
        scope: Scope,
        area: AreaCode,
        as_of: Option<NaiveDate>,
        limit: Option<usize>,
    ) -> Result<LoanReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let day = as_of.unwrap_or_else(today_in_china);
        let rule = self.loan_rule(area, day).await?;
        let stored = self.store().loans().loans(scope, area).await?;
        let skip = (area.level().number() as usize).clamp(2, 3);
        let village_name = |code: AreaCode| {
            tree.path(code)
                .iter()
                .skip(skip)
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("")
        };
        let child_level = area.level().child();
        let mut totals = LoanFigures::default();
        let mut by_area: BTreeMap<AreaCode, LoanFigures> = BTreeMap::new();
        let mut owing: HashSet<(AreaCode, HouseholdNo)> = HashSet::new();
        let mut owing_by_area: HashMap<AreaCode, HashSet<(AreaCode, HouseholdNo)>> = HashMap::new();
        let mut overdue = Vec::new();
        let mut not_covered = Vec::new();
        let mut beyond = Vec::new();
        let mut beyond_count = 0u64;
        let mut by_product: Vec<(String, LoanFigures)> = rule
            .products
            .iter()
            .map(|p| (p.name.clone(), LoanFigures::default()))
            .collect();
        let mut owing_by_product: HashMap<String, HashSet<(AreaCode, HouseholdNo)>> =
            HashMap::new();
        for s in &stored {
            let r = &s.record;
            let l = &r.loan;
            totals.add(l, r.covered, day);
            let row = loan_row(s, &rule, day, village_name(r.village));
            let product_name = row.product.clone();
            match by_product.iter_mut().find(|(n, _)| *n == product_name) {
                Some((_, f)) => f.add(l, r.covered, day),
                None => {
                    let mut f = LoanFigures::default();
                    f.add(l, r.covered, day);
                    by_product.push((product_name.clone(), f));
                }
            }
            let child = child_level.and_then(|lv| r.village.ancestor(lv));
            if let Some(c) = child {
                by_area.entry(c).or_default().add(l, r.covered, day);
            }
            if l.outstanding_on(day) {
                let key = (r.county, r.household_no.clone());
                owing_by_product
                    .entry(product_name.clone())
                    .or_default()
                    .insert(key.clone());
                owing.insert(key.clone());
                if let Some(c) = child {
                    owing_by_area.entry(c).or_default().insert(key);
                }
            }
            if l.lent_on <= day {
                if l.overdue_on(day) {
                    overdue.push(row.clone());
                }
                if !r.covered {
                    not_covered.push(row.clone());
                }
                if !row.beyond.is_empty() {
                    beyond_count += 1;
                    beyond.push(row);
                }
            }
        }
        for (name, f) in &mut by_product {
            f.households_owing = owing_by_product.get(name).map_or(0, |s| s.len() as u64);
        }
        by_product.retain(|(_, f)| f.loans > 0);
        totals.households_owing = owing.len() as u64;
        overdue.sort_by(|a, b| {
            b.days_overdue
                .cmp(&a.days_overdue)
                .then_with(|| (a.county, &a.no).cmp(&(b.county, &b.no)))
        });
        if let Some(n) = limit {
            overdue.truncate(n);
            not_covered.truncate(n);
            beyond.truncate(n);
        }
        Ok(LoanReport {
            area,
            area_name: root.name.clone(),
            as_of: day,
            totals,
            by_area: by_area
                .into_iter()
                .map(|(code, mut f)| {
                    f.households_owing = owing_by_area.get(&code).map_or(0, |s| s.len() as u64);
                    (code, tree.name(code).unwrap_or_default().to_string(), f)
                })
                .collect(),
            overdue,
            not_covered,
            beyond,
            beyond_count,
            by_product,
            rule,
        })
    }

    /// [`App::loan_report`] for a user: their area (or one within it) only.
    pub async fn loan_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        as_of: Option<NaiveDate>,
        limit: Option<usize>,
    ) -> Result<LoanReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.loan_report(caller.scope(), area, as_of, limit).await
    }

    /// The products of the policy in force for `area` on `day` (the default ones without).
    async fn loan_rule(&self, area: AreaCode, day: NaiveDate) -> Result<LoanRule, AppError> {
        Ok(match year_of_day(day) {
            Some(y) => self
                .policy_or_none(area, y)
                .await?
                .map(|p| p.loans)
                .unwrap_or_default(),
            None => LoanRule::default(),
        })
    }

    /// The name of `village` below its county (乡镇 and 村).
    async fn village_below_county(&self, village: AreaCode) -> String {
        let tree = self.tree().await;
        tree.path(village)
            .iter()
            .skip(3)
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join("")
    }

    /// The loans lent to a household of `county` (a user's, within their area), as of today,
    /// the latest lent first: its page lists them (一户一档).
    pub async fn household_loans(
        &self,
        caller: &Caller,
        county: AreaCode,
        household: &HouseholdNo,
    ) -> Result<Vec<LoanRow>, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let stored = self
            .store()
            .loans()
            .household_loans(caller.scope(), county, household)
            .await?;
        let day = today_in_china();
        let rule = self.loan_rule(county, day).await?;
        let mut rows = Vec::with_capacity(stored.len());
        for s in &stored {
            let name = self.village_below_county(s.record.village).await;
            rows.push(loan_row(s, &rule, day, name));
        }
        Ok(rows)
    }

    /// One loan of a county's ledger with its changes, newest first, for a user within whose
    /// area its borrower's household lies. The borrower's ID number masked, in the changes too.
    pub async fn loan_as(
        &self,
        caller: &Caller,
        county: AreaCode,
        no: &LoanNo,
    ) -> Result<LoanDetail, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let Some((stored, changes)) = self
            .store()
            .loans()
            .loan(caller.scope(), county, no)
            .await?
        else {
            return Err(AppError::NotFound);
        };
        let day = today_in_china();
        let rule = self.loan_rule(county, day).await?;
        let name = self.village_below_county(stored.record.village).await;
        let l = &stored.record.loan;
        Ok(LoanDetail {
            row: loan_row(&stored, &rule, day, name),
            purpose: l.purpose.clone(),
            repaid_on: l.repaid_on,
            outstanding: l.outstanding_on(day),
            version: stored.version,
            changed_at: stored.changed_at.clone(),
            changed_by: stored.changed_by.clone(),
            changes: changes
                .iter()
                .rev()
                .map(|c| {
                    let flat = zhenxing_store::project::ProjectChange {
                        before: c.before.as_ref().map(flat_loan),
                        after: flat_loan(&c.after),
                        ..c.clone()
                    };
                    crate::own_ledgers::change_view(&flat, LOAN_FIELDS)
                })
                .collect(),
        })
    }
}

/// A loan with its changes, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LoanDetail {
    pub row: LoanRow,
    pub purpose: Option<String>,
    pub repaid_on: Option<NaiveDate>,
    /// Not repaid today.
    pub outstanding: bool,
    pub version: i64,
    pub changed_at: String,
    pub changed_by: String,
    /// Newest first.
    pub changes: Vec<crate::own_ledgers::ChangeView>,
}

impl LoanDetail {
    /// When the loan was last changed, in China's time.
    pub fn changed_at_text(&self) -> String {
        crate::browse::china_time(&self.changed_at)
    }
}

/// A kept loan's JSON (a [`LoanRecord`]: the loan's fields under `loan`) as one flat object,
/// the borrower's ID number masked: what a change shows.
fn flat_loan(v: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if let Some(o) = v.as_object() {
        for (k, x) in o {
            if k == "loan" {
                if let Some(inner) = x.as_object() {
                    out.extend(inner.iter().map(|(k, x)| (k.clone(), x.clone())));
                }
            } else {
                out.insert(k.clone(), x.clone());
            }
        }
    }
    if let Some(id) = out.get("borrower").and_then(|b| b.as_str()) {
        let masked = zhenxing_domain::IdNumber::parse(id)
            .map(|i| i.masked())
            .unwrap_or_else(|_| "已隐去".into());
        out.insert("borrower".into(), masked.into());
    }
    for flag in ["extended", "covered"] {
        if let Some(b) = out.get(flag).and_then(|b| b.as_bool()) {
            out.insert(flag.into(), if b { "是" } else { "否" }.into());
        }
    }
    serde_json::Value::Object(out)
}

/// A loan's fields in the ledger's order: the JSON key, the label, whether money.
const LOAN_FIELDS: crate::own_ledgers::Fields = &[
    ("no", "贷款合同编号", false),
    ("product", "贷款产品", false),
    ("borrower", "借款人证件号码", false),
    ("borrower_name", "借款人姓名", false),
    ("household_no", "户编号", false),
    ("village", "所在村代码", false),
    ("bank", "放贷银行", false),
    ("amount", "贷款金额（元）", true),
    ("lent_on", "放款日期", false),
    ("due_on", "到期日期", false),
    ("balance", "贷款余额（元）", true),
    ("repaid_on", "结清日期", false),
    ("extended", "是否展期", false),
    ("purpose", "贷款用途", false),
    ("covered", "借款户在产品支持对象内", false),
];

/// The columns of a list of loans in the workbook.
pub const LOAN_HEADERS: [&str; 15] = [
    "贷款合同编号",
    "借款人姓名",
    "借款人证件号码",
    "户编号",
    "村",
    "放贷银行",
    "贷款金额（元）",
    "放款日期",
    "到期日期",
    "贷款余额（元）",
    "是否展期",
    "逾期天数",
    "借款户在产品支持对象内",
    "贷款产品",
    "超出产品额度或期限",
];

impl LoanReport {
    pub fn summary(&self) -> String {
        let t = &self.totals;
        format!(
            "{}小额信贷（截至{}）：累计发放{}笔{}元，当年发放{}笔{}元；贷款余额{}笔{}元（{}户）；逾期{}笔{}元，逾期率{}；借款户不在所贷产品支持对象内的{}笔{}",
            self.area_name,
            self.as_of,
            t.loans,
            t.amount.yuan_string(),
            t.loans_this_year,
            t.amount_this_year.yuan_string(),
            t.outstanding,
            t.balance.yuan_string(),
            t.households_owing,
            t.overdue,
            t.overdue_balance.yuan_string(),
            t.overdue_rate(),
            t.not_covered,
            if self.by_product.len() > 1 || self.beyond_count > 0 {
                let parts: Vec<String> = self
                    .by_product
                    .iter()
                    .map(|(name, f)| {
                        format!("{name}{}笔、余额{}元", f.loans, f.balance.yuan_string())
                    })
                    .collect();
                format!(
                    "；其中{}；超出产品额度或期限的{}笔",
                    parts.join("，"),
                    self.beyond_count
                )
            } else {
                String::new()
            }
        )
    }

    /// The loans overdue and those outside the policy's cover, a sheet each (ID numbers masked).
    pub fn write_xlsx(&self, out: &Path) -> Result<(), AppError> {
        let failed =
            |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
        let cells = |r: &LoanRow| -> Vec<Out> {
            vec![
                Out::Text(r.no.to_string()),
                Out::Text(r.borrower_name.clone()),
                Out::Text(r.borrower_masked.clone()),
                Out::Text(r.household_no.to_string()),
                Out::Text(r.village_name.clone()),
                Out::Text(r.bank.clone().unwrap_or_default()),
                Out::Yuan(r.amount),
                Out::Text(r.lent_on.to_string()),
                Out::Text(r.due_on.to_string()),
                Out::Yuan(r.balance),
                Out::Text(if r.extended { "是" } else { "否" }.into()),
                Out::Int(r.days_overdue),
                Out::Text(if r.covered { "是" } else { "否" }.into()),
                Out::Text(r.product.clone()),
                Out::Text(r.beyond.join("；")),
            ]
        };
        let mut w = XlsxTableWriter::create(out, "逾期贷款", &self.summary(), &LOAN_HEADERS)
            .map_err(failed)?;
        for r in &self.overdue {
            w.row(&cells(r)).map_err(failed)?;
        }
        w.sheet(
            "支持对象以外的贷款",
            &format!(
                "{}：借款户不在所贷产品支持对象内的贷款{}笔",
                self.area_name, self.totals.not_covered
            ),
            &LOAN_HEADERS,
        )
        .map_err(failed)?;
        for r in &self.not_covered {
            w.row(&cells(r)).map_err(failed)?;
        }
        w.sheet(
            "超出额度或期限的贷款",
            &format!(
                "{}：超出产品额度或期限的贷款{}笔",
                self.area_name, self.beyond_count
            ),
            &LOAN_HEADERS,
        )
        .map_err(failed)?;
        for r in &self.beyond {
            w.row(&cells(r)).map_err(failed)?;
        }
        w.finish().map_err(failed)?;
        Ok(())
    }
}

impl App {
    /// The demo's loans: the banks' ledger of `county` (deterministic by `seed`) — one in six
    /// ex-poor or monitored households with a loan (some repaid, some overdue, some extended),
    /// and a few households the policy does not cover; the report as of `today`.
    pub async fn add_demo_loans(
        &self,
        county: AreaCode,
        today: NaiveDate,
        seed: u64,
    ) -> Result<LoanReport, AppError> {
        use futures::StreamExt;
        use zhenxing_domain::Money;
        use zhenxing_domain::loan::{Loan, due_after};
        let mut rng = crate::synth::Rng::new(seed ^ 0x4c4f_414e);
        let banks = ["甘肃农村商业银行", "中国邮政储蓄银行", "中国农业银行"];
        let purposes = ["养殖", "种植", "农产品加工", "乡村旅游", "商贸流通"];
        let mut records = Vec::new();
        let mut pages = self.store().household_pages(Scope::All, county);
        while let Some(page) = pages.next().await {
            let (households, members) = page?;
            let counties: HashMap<HouseholdNo, AreaCode> = households
                .iter()
                .map(|h| (h.household.no.clone(), h.county))
                .collect();
            for (h, own) in crate::registry_check::with_members(households, members) {
                let small = zhenxing_domain::loan::covered(h.household_type, h.monitoring.category);
                // 小额信贷 to one in six ex-poor or monitored households; 富民贷 to one in
                // twenty-five others (and a few 小额信贷 the policy does not cover).
                let (product, cover) = if small {
                    if !rng.chance(1.0 / 6.0) {
                        continue;
                    }
                    (None, true)
                } else if rng.chance(1.0 / 25.0) {
                    (Some("富民贷".to_string()), true)
                } else if rng.chance(1.0 / 200.0) {
                    (None, false)
                } else {
                    continue;
                };
                let Some(head) = own
                    .iter()
                    .find(|m| m.relation == zhenxing_domain::Relation::Head)
                else {
                    continue;
                };
                let lent_on = today - chrono::Days::new(30 + rng.below(1500));
                let months = *rng.pick(&[12u32, 24, 36]);
                let Some(mut due_on) = due_after(lent_on, months) else {
                    continue;
                };
                let extended = due_on < today && rng.chance(0.15);
                if extended {
                    due_on = due_after(due_on, 12).unwrap_or(due_on);
                }
                // 富民贷 lends more: up to 120,000 yuan, a few beyond its 100,000.
                let amount = match product {
                    Some(_) => Money::from_yuan(20_000 * (1 + rng.below(6) as i64)),
                    None => Money::from_yuan(10_000 * (1 + rng.below(5) as i64)),
                };
                // Repaid when due, mostly; a few owed past their day.
                let repaid_on = (due_on < today && !rng.chance(0.12))
                    .then(|| (due_on - chrono::Days::new(rng.below(60))).max(lent_on));
                let balance = match repaid_on {
                    Some(_) => Money::ZERO,
                    None => Money::from_fen(amount.fen() / 10 * (3 + rng.below(8) as i64)),
                };
                let no = format!(
                    "{}XD{}{:05}",
                    county.prefix(),
                    lent_on.format("%Y"),
                    records.len() + 1
                );
                let Ok(no) = LoanNo::parse(&no) else { continue };
                let county_of = counties.get(&h.no).copied().unwrap_or(county);
                records.push(LoanRecord {
                    loan: Loan {
                        no,
                        borrower: head.id,
                        borrower_name: head.name.clone(),
                        bank: Some(rng.pick(&banks).to_string()),
                        amount,
                        lent_on,
                        due_on,
                        balance,
                        repaid_on,
                        extended,
                        purpose: Some(rng.pick(&purposes).to_string()),
                        product: product.clone(),
                    },
                    county: county_of,
                    household_no: h.no.clone(),
                    village: h.village,
                    covered: cover,
                });
            }
        }
        drop(pages);
        self.store()
            .loans()
            .save_loans(
                &Actor {
                    user_id: None,
                    name: "演示数据".into(),
                },
                Scope::All,
                &records,
            )
            .await?;
        self.loan_report(Scope::All, county, Some(today), Some(0))
            .await
    }
}

impl crate::own_ledgers::Imported for LoanImport {
    fn file(&self) -> &str {
        &self.file
    }
}

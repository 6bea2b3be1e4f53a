//! [`LoanStore`] over any [`Db`]: a county's loans ledger, one row a loan, its changes in
//! `loan_history`.

use async_trait::async_trait;
use zhenxing_domain::loan::{Loan, LoanNo};
use zhenxing_domain::{AreaCode, HouseholdNo, IdNumber, Money, Scope};

use super::monitoring::{area, corrupt, day, opt_day, row_day, row_opt_day};
use super::versioned::{Versioned, changeset};
use super::{Db, Row, SqlStore, Tx, Value};
use crate::loan::*;
use crate::project::{ProjectChange, Saved};
use crate::{Actor, StoreError, StoreResult};

const COLUMNS: &str = "l.county_code, l.loan_no, l.id_number, l.borrower_name, l.household_no, \
    l.village_code, l.covered, l.bank, l.amount, l.lent_on, l.due_on, l.balance, l.repaid_on, \
    l.extended, l.purpose, l.version, c.at, c.actor, l.product";

const LOANS: Versioned = Versioned {
    table: "loans",
    history: "loan_history",
    number: "loan_no",
    columns: &[
        "id_number",
        "borrower_name",
        "household_no",
        "village_code",
        "covered",
        "bank",
        "amount",
        "lent_on",
        "due_on",
        "balance",
        "repaid_on",
        "extended",
        "purpose",
        "product",
    ],
};

fn stored_loan(r: &Row) -> StoreResult<StoredLoan> {
    Ok(StoredLoan {
        record: LoanRecord {
            county: area(r.int(0)?)?,
            loan: Loan {
                no: LoanNo::parse(&r.text(1)?).map_err(corrupt)?,
                borrower: IdNumber::parse(&r.text(2)?).map_err(corrupt)?,
                borrower_name: r.text(3)?,
                bank: r.opt_text(7)?,
                amount: Money::from_fen(r.int(8)?),
                lent_on: row_day(r, 9)?,
                due_on: row_day(r, 10)?,
                balance: Money::from_fen(r.int(11)?),
                repaid_on: row_opt_day(r, 12)?,
                extended: r.int(13)? != 0,
                purpose: r.opt_text(14)?,
                product: r.opt_text(18)?,
            },
            household_no: HouseholdNo::parse(&r.text(4)?).map_err(corrupt)?,
            village: area(r.int(5)?)?,
            covered: r.int(6)? != 0,
        },
        version: r.int(15)?,
        changed_at: r.text(16)?,
        changed_by: r.text(17)?,
    })
}

/// The values of a loan's row after its key, in [`LOANS`]' column order.
fn values(rec: &LoanRecord) -> Vec<Value<'static>> {
    let l = &rec.loan;
    vec![
        l.borrower.as_str().to_string().into(),
        l.borrower_name.clone().into(),
        rec.household_no.as_str().to_string().into(),
        rec.village.as_i64().into(),
        i64::from(rec.covered).into(),
        Value::from(l.bank.clone()),
        l.amount.fen().into(),
        day(l.lent_on),
        day(l.due_on),
        l.balance.fen().into(),
        opt_day(l.repaid_on),
        i64::from(l.extended).into(),
        Value::from(l.purpose.clone()),
        Value::from(l.product.clone()),
    ]
}

async fn read_one(
    tx: &mut dyn Tx,
    county: AreaCode,
    no: &LoanNo,
) -> StoreResult<Option<StoredLoan>> {
    let rows = tx
        .fetch(
            &format!(
                "SELECT {COLUMNS} FROM loans l JOIN changesets c ON c.id = l.changeset_id \
                 WHERE l.county_code = $1 AND l.loan_no = $2"
            ),
            &[county.as_i64().into(), no.as_str().into()],
        )
        .await?;
    rows.first().map(stored_loan).transpose()
}

#[async_trait]
impl<D: Db> LoanStore for SqlStore<D> {
    async fn save_loans(
        &self,
        actor: &Actor,
        scope: Scope,
        loans: &[LoanRecord],
    ) -> StoreResult<Vec<Saved>> {
        if let Some(out) = loans.iter().find(|r| !scope.contains(r.village)) {
            return Err(StoreError::Database(format!(
                "贷款{}的借款人所在村{}不在管辖范围内",
                out.loan.no, out.village
            )));
        }
        let mut tx = self.db().write().await?;
        let changeset = changeset(tx.as_mut(), actor, scope, "loans").await?;
        let mut outcomes = Vec::with_capacity(loans.len());
        for rec in loans {
            let old = read_one(tx.as_mut(), rec.county, &rec.loan.no).await?;
            let saved = LOANS
                .save(
                    tx.as_mut(),
                    changeset,
                    rec.county.as_i64(),
                    rec.loan.no.as_str(),
                    old.as_ref().map(|o| (o.version, &o.record)),
                    rec,
                    values(rec),
                )
                .await?;
            outcomes.push(saved);
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn loans(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<StoredLoan>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {COLUMNS} FROM loans l JOIN changesets c ON c.id = l.changeset_id \
                     WHERE l.village_code BETWEEN $1 AND $2 ORDER BY l.county_code, l.loan_no"
                ),
                &[(lo as i64).into(), (hi as i64).into()],
            )
            .await?;
        rows.iter().map(stored_loan).collect()
    }

    async fn household_loans(
        &self,
        scope: Scope,
        county: AreaCode,
        household: &HouseholdNo,
    ) -> StoreResult<Vec<StoredLoan>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {COLUMNS} FROM loans l JOIN changesets c ON c.id = l.changeset_id \
                     WHERE l.county_code = $1 AND l.household_no = $2 \
                     ORDER BY l.lent_on DESC, l.loan_no"
                ),
                &[county.as_i64().into(), household.as_str().into()],
            )
            .await?;
        let loans: Vec<StoredLoan> = rows.iter().map(stored_loan).collect::<StoreResult<_>>()?;
        Ok(loans
            .into_iter()
            .filter(|l| scope.contains(l.record.village))
            .collect())
    }

    async fn loan(
        &self,
        scope: Scope,
        county: AreaCode,
        no: &LoanNo,
    ) -> StoreResult<Option<(StoredLoan, Vec<ProjectChange>)>> {
        let mut tx = self.db().read().await?;
        let Some(loan) = read_one(tx.as_mut(), county, no).await? else {
            return Ok(None);
        };
        if !scope.contains(loan.record.village) {
            return Ok(None);
        }
        let changes = LOANS
            .history(tx.as_mut(), county.as_i64(), no.as_str())
            .await?;
        Ok(Some((loan, changes)))
    }
}

//! Storage of 脱贫人口小额信贷 (小额信贷台账): a county's ledger of loans, each keyed by the
//! county of the borrower's household and its number, with the household and village the
//! borrower was registered in when it was imported; each change kept with the previous values.
//!
//! Invariant, as for [`crate::Store`]: every method takes the caller's [`Scope`]; a loan
//! outside it is never handed back nor written.

use async_trait::async_trait;
use serde::Serialize;
use zhenxing_domain::loan::{Loan, LoanNo};
use zhenxing_domain::{AreaCode, HouseholdNo, Scope};

use crate::project::{ProjectChange, Saved};
use crate::{Actor, StoreResult};

/// A loan with the household it was lent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanRecord {
    pub loan: Loan,
    pub county: AreaCode,
    pub household_no: HouseholdNo,
    pub village: AreaCode,
    /// Whether the loan's product covered the household when imported (小额信贷: 脱贫户 or a
    /// monitoring object; 富民贷: any registered household).
    pub covered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredLoan {
    pub record: LoanRecord,
    pub version: i64,
    pub changed_at: String,
    pub changed_by: String,
}

#[async_trait]
pub trait LoanStore: Send + Sync {
    /// Writes the loans in one transaction, as one change set: a new number added, a changed
    /// loan updated (its previous values kept in its history), the same left alone. Every
    /// loan's village must lie in `scope` (else nothing is written).
    async fn save_loans(
        &self,
        actor: &Actor,
        scope: Scope,
        loans: &[LoanRecord],
    ) -> StoreResult<Vec<Saved>>;

    /// The loans of the households under `area`, in (county, number) order.
    async fn loans(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<StoredLoan>>;

    /// The loans lent to a household of `county` (as the ledger found it when imported),
    /// within `scope`, the latest lent first.
    async fn household_loans(
        &self,
        scope: Scope,
        county: AreaCode,
        household: &HouseholdNo,
    ) -> StoreResult<Vec<StoredLoan>>;

    /// One loan of a county's ledger with its changes (oldest first); `None` when there is no
    /// such loan or it lies outside `scope`.
    async fn loan(
        &self,
        scope: Scope,
        county: AreaCode,
        no: &LoanNo,
    ) -> StoreResult<Option<(StoredLoan, Vec<ProjectChange>)>>;
}

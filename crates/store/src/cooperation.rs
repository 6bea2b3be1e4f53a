//! Storage of the cooperation and paired-assistance ledger (协作帮扶台账): a county's indicators
//! per year, program and partner, each change kept with the previous values, who and when.
//!
//! Invariant, as for [`crate::Store`]: every method takes the caller's [`Scope`]; a county
//! outside it is never handed back nor written.

use async_trait::async_trait;
use zhenxing_domain::cooperation::CooperationEntry;
use zhenxing_domain::{AreaCode, PolicyYear, Scope};

use crate::project::Saved;
use crate::{Actor, StoreResult};

#[async_trait]
pub trait CooperationStore: Send + Sync {
    /// Writes the entries in one transaction, as one change set: a new one added, a changed one
    /// updated (its previous values kept in its history), the same left alone. Every county
    /// must lie in `scope` (else nothing is written); keys are unique per county in the slice.
    async fn save_cooperation(
        &self,
        actor: &Actor,
        scope: Scope,
        entries: &[CooperationEntry],
    ) -> StoreResult<Vec<Saved>>;

    /// The year's entries of the counties under `area` (or of its county), in key order.
    async fn cooperation(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<CooperationEntry>>;

    /// The years with entries under `area`, latest first.
    async fn cooperation_years(&self, scope: Scope, area: AreaCode)
    -> StoreResult<Vec<PolicyYear>>;
}

//! Storage of the employment targets (务工就业目标): a county's target a year, each change kept
//! with the previous values, who and when.
//!
//! Invariant, as for [`crate::Store`]: every method takes the caller's [`Scope`]; a county
//! outside it is never handed back nor written.

use async_trait::async_trait;
use zhenxing_domain::employment::EmploymentTarget;
use zhenxing_domain::{AreaCode, PolicyYear, Scope};

use crate::project::{ProjectChange, Saved};
use crate::{Actor, StoreResult};

#[async_trait]
pub trait EmploymentStore: Send + Sync {
    /// Writes the targets in one transaction, as one change set: a new one added, a changed one
    /// updated (its previous values kept in its history), the same left alone. Every county
    /// must lie in `scope` (else nothing is written); a county and year at most once.
    async fn save_employment_targets(
        &self,
        actor: &Actor,
        scope: Scope,
        targets: &[EmploymentTarget],
    ) -> StoreResult<Vec<Saved>>;

    /// The year's targets of the counties under `area` (or of its county), in county order.
    async fn employment_targets(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<EmploymentTarget>>;

    /// A county's target of a year with its changes (oldest first).
    async fn employment_target(
        &self,
        scope: Scope,
        county: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Option<(EmploymentTarget, Vec<ProjectChange>)>>;
}

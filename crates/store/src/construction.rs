//! Storage of rural construction (乡村建设台账): a county's items, each keyed by its county and
//! number, and the targets set it per task and year, each change kept with the previous values,
//! who and when.
//!
//! Invariant, as for [`crate::Store`]: every method takes the caller's [`Scope`]; an item or a
//! target outside it is never handed back nor written.

use async_trait::async_trait;
use serde::Serialize;
use zhenxing_domain::construction::{ConstructionItem, ConstructionTarget};
use zhenxing_domain::project::ProjectNo;
use zhenxing_domain::{AreaCode, PolicyYear, Scope};

use crate::project::{ProjectChange, Saved};
use crate::{Actor, StoreResult};

/// An item as stored: its county (the key's first part), its version and last change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredItem {
    pub county: AreaCode,
    pub item: ConstructionItem,
    pub version: i64,
    pub changed_at: String,
    pub changed_by: String,
}

#[async_trait]
pub trait ConstructionStore: Send + Sync {
    /// Writes items and targets in one transaction, as one change set: each new one added, a
    /// changed one updated (its previous values kept in its history), the same left alone.
    /// Every item and target must lie in `scope` (else nothing is written); item numbers are
    /// unique per county in the slice, targets per county, year and task.
    async fn save_construction(
        &self,
        actor: &Actor,
        scope: Scope,
        items: &[ConstructionItem],
        targets: &[ConstructionTarget],
    ) -> StoreResult<(Vec<Saved>, Vec<Saved>)>;

    /// The year's items under `area`, in (county, number) order.
    async fn construction_items(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<StoredItem>>;

    /// One item of a county's ledger, with its changes (oldest first).
    async fn construction_item(
        &self,
        scope: Scope,
        county: AreaCode,
        no: &ProjectNo,
    ) -> StoreResult<Option<(StoredItem, Vec<ProjectChange>)>>;

    /// The year's targets of the counties under `area` (or of its county), in county order.
    async fn construction_targets(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<ConstructionTarget>>;

    /// The years with items or targets under `area`, latest first.
    async fn construction_years(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> StoreResult<Vec<PolicyYear>>;
}

//! Storage for zhenxing: the [`Store`] trait the use cases call, and [`sql::SqlStore`], its
//! implementation over any SQL backend that provides a [`sql::Db`].
//!
//! Invariant: every method that reads or writes the registry takes the caller's [`Scope`]; a
//! household outside it does not exist for that caller.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod error;
pub mod model;
pub mod search;
pub mod sql;

use async_trait::async_trait;
use futures::stream::BoxStream;
use zhenxing_domain::stats::Counts;
use zhenxing_domain::{AreaCode, Division, Household, HouseholdNo, IdNumber, Member, Scope};

pub use accounts::AccountStore;
pub use error::{StoreError, StoreResult};
pub use model::*;
pub use search::HouseholdSearch;

/// Which database is behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// Brings the schema to the newest version. Safe to run again.
    async fn migrate(&self) -> StoreResult<()>;

    /// Loads or updates the division tree of an edition (codes present are updated, new ones
    /// added; codes still referenced by households are never removed).
    async fn load_divisions(&self, edition: u16, divisions: &[Division]) -> StoreResult<usize>;

    async fn divisions(&self) -> StoreResult<Vec<Division>>;

    /// Starts an import: everything written through the returned transaction becomes visible
    /// at once on [`ImportTx::commit`], or not at all.
    async fn begin_import(
        &self,
        actor: &Actor,
        scope: Scope,
        source: &ImportSource,
    ) -> StoreResult<Box<dyn ImportTx>>;

    async fn household(
        &self,
        scope: Scope,
        no: &HouseholdNo,
    ) -> StoreResult<Option<StoredHousehold>>;

    async fn members(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Vec<StoredMember>>;

    /// The household a person belongs to, if it is in scope.
    async fn household_of_person(
        &self,
        scope: Scope,
        id: &IdNumber,
    ) -> StoreResult<Option<HouseholdNo>>;

    /// Every recorded change of a household and its members, newest first.
    async fn history(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Vec<HistoryEntry>>;

    /// Households under `area` in (village, household number) order, read in one snapshot.
    fn export_households(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<StoredHousehold>>;

    /// Members of the households under `area`, in the same household order.
    fn export_members(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<StoredMember>>;

    /// Registered and monitoring counts per village, for the villages in scope.
    async fn village_counts(&self, scope: Scope) -> StoreResult<Vec<(AreaCode, Counts)>>;

    async fn imports(&self, scope: Scope, limit: u32) -> StoreResult<Vec<ImportRecord>>;

    /// Settings of the database itself (e.g. whether it is a demo database).
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
}

/// The writing half of an import. Dropping it without `commit` writes nothing.
#[async_trait]
pub trait ImportTx: Send {
    /// Inserts new households and updates changed ones; one outcome per row, in order.
    async fn households(&mut self, rows: &[Household]) -> StoreResult<Vec<RowOutcome>>;

    /// Inserts new members and updates changed ones; one outcome per row, in order.
    async fn members(&mut self, rows: &[Member]) -> StoreResult<Vec<RowOutcome>>;

    /// Makes everything visible, recording the counts with the import.
    async fn commit(self: Box<Self>, summary: &ImportCounts) -> StoreResult<i64>;
}

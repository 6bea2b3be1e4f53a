//! Storage of the projects of 衔接资金 (项目台账): a county's ledger, each project keyed by its
//! county and number, each change kept with the previous values, who and when.
//!
//! Invariant, as for [`crate::Store`]: every method takes the caller's [`Scope`]; a project
//! outside it is never handed back nor written.

use async_trait::async_trait;
use serde::Serialize;
use zhenxing_domain::project::{Project, ProjectNo};
use zhenxing_domain::{AreaCode, PolicyYear, Scope};

use crate::{Actor, StoreResult};

/// A project as stored: its county (the key's first part), its version and last change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredProject {
    pub county: AreaCode,
    pub project: Project,
    pub version: i64,
    pub changed_at: String,
    pub changed_by: String,
}

/// What saving a row of a county's ledger (a project, a loan) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Saved {
    Added,
    Updated,
    Unchanged,
}

/// One change of a project: the values before (none when it was added) and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectChange {
    pub version: i64,
    pub at: String,
    pub actor: String,
    pub before: Option<serde_json::Value>,
    pub after: serde_json::Value,
}

#[async_trait]
pub trait ProjectStore: Send + Sync {
    /// Writes the projects in one transaction, as one change set: a new number added, a changed
    /// project updated (its previous values kept in its history), the same left alone. Every
    /// project must lie in `scope` (else nothing is written); numbers are unique in the slice.
    async fn save_projects(
        &self,
        actor: &Actor,
        scope: Scope,
        projects: &[Project],
    ) -> StoreResult<Vec<Saved>>;

    /// The projects built under `area` (of `year` when given), in (county, number) order.
    async fn projects(
        &self,
        scope: Scope,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> StoreResult<Vec<StoredProject>>;

    /// One project of a county's ledger, with its changes (oldest first).
    async fn project(
        &self,
        scope: Scope,
        county: AreaCode,
        no: &ProjectNo,
    ) -> StoreResult<Option<(StoredProject, Vec<ProjectChange>)>>;

    /// The years of the projects under `area`, latest first.
    async fn project_years(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<PolicyYear>>;
}

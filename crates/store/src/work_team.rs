//! Storage of the work teams' roster (驻村干部花名册): a county's cadres, each keyed by its
//! county and ID number, each change kept with the previous values, who and when.
//!
//! Invariant, as for [`crate::Store`]: every method takes the caller's [`Scope`]; a cadre of a
//! village outside it is never handed back nor written.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::work_team::{CallResult, PhoneCheck, TeamMember, Training};
use zhenxing_domain::{AreaCode, IdNumber, Scope};

use crate::project::Saved;
use crate::{Actor, StoreResult};

/// A cadre as stored: the county whose roster holds it, its version and last change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMember {
    pub county: AreaCode,
    pub member: TeamMember,
    pub version: i64,
    pub changed_at: String,
    pub changed_by: String,
}

#[async_trait]
pub trait TeamStore: Send + Sync {
    /// Writes the cadres in one transaction, as one change set: a new one added, a changed one
    /// updated (its previous values kept in its history), the same left alone. Every cadre's
    /// village must lie in `scope` (else nothing is written); ID numbers are unique per county
    /// in the slice.
    async fn save_team_members(
        &self,
        actor: &Actor,
        scope: Scope,
        members: &[TeamMember],
    ) -> StoreResult<Vec<Saved>>;

    /// Every cadre on the rosters of the villages under `area` (in post or not), by village.
    async fn team_members(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<StoredMember>>;

    /// Writes trainings (each with the county whose roster holds its cadre) in one
    /// transaction, as one change set: a new one added, a changed one updated (its previous
    /// values kept), the same left alone. Every cadre must be on a roster within `scope`.
    async fn save_trainings(
        &self,
        actor: &Actor,
        scope: Scope,
        trainings: &[(AreaCode, Training)],
    ) -> StoreResult<Vec<crate::project::Saved>>;

    /// The trainings from `from` to `until` of the cadres of the villages under `area`, each
    /// with its county, by county, cadre and day.
    async fn trainings(
        &self,
        scope: Scope,
        area: AreaCode,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, Training)>>;

    /// Draws the cadres `drawn` (each a county's and its ID number) for a phone check on `day`,
    /// in one transaction, each numbered next in its county; a cadre already drawn that day is
    /// left as it was. Every cadre must be on a roster within `scope` (else nothing is written).
    /// The number drawn.
    async fn draw_phone_checks(
        &self,
        actor: &Actor,
        scope: Scope,
        drawn: &[(AreaCode, IdNumber)],
        day: NaiveDate,
    ) -> StoreResult<u64>;

    /// The phone checks drawn from `from` to `until` of the cadres of the villages under `area`,
    /// each with the cadre as the roster has it, the latest first.
    async fn phone_checks(
        &self,
        scope: Scope,
        area: AreaCode,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<(PhoneCheck, StoredMember)>>;

    /// One check with its cadre; `None` when there is no such check within `scope`.
    async fn phone_check(
        &self,
        scope: Scope,
        county: AreaCode,
        no: i64,
    ) -> StoreResult<Option<(PhoneCheck, StoredMember)>>;

    /// Records what the call of a check found (a second call's word replaces the first's);
    /// `None` when there is no such check within `scope`.
    async fn record_phone_check(
        &self,
        actor: &Actor,
        scope: Scope,
        county: AreaCode,
        no: i64,
        result: CallResult,
        note: Option<&str>,
    ) -> StoreResult<Option<PhoneCheck>>;
}

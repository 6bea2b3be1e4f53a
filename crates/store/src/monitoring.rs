//! Storage of the monitoring lifecycle: policies (a reference table), and clues, cases with their
//! steps, plans with their measures, visits with their photos (registry tables, by county).
//!
//! Invariant, as for [`crate::Store`]: every method about a household takes the caller's
//! [`Scope`]; a household, clue, case or visit outside it is "not found".

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::monitoring::workflow::ActionKind;
use zhenxing_domain::monitoring::{
    CaseDue, CaseKind, CaseState, Channel, CheckAnswer, ClueInput, ClueStatus, Photo,
    PlannedMeasure, Stage, Verdict,
};
use zhenxing_domain::policy::PolicyRef;
use zhenxing_domain::{
    AreaCode, EliminationMode, Household, HouseholdNo, Member, Money, MonitorCategory, PolicyYear,
    RiskTypes, Scope,
};

use crate::{Actor, StoreResult};

/// A policy file as stored: one version of a province's policy for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPolicy {
    pub policy: PolicyRef,
    pub content: String,
    pub created_by: String,
    pub created_at: String,
    pub note: Option<String>,
}

/// A case to open with a clue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOpen {
    pub channel: Channel,
    pub state: CaseState,
    pub due: CaseDue,
    pub policy: PolicyRef,
    pub risks: RiskTypes,
    pub category: Option<MonitorCategory>,
    pub disaster_kind: Option<String>,
    /// For an elimination: the mode, the facts as verified and the verdict on them.
    pub elimination: Option<EliminationProposal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EliminationProposal {
    pub mode: EliminationMode,
    pub facts: zhenxing_domain::monitoring::EliminationFacts,
    pub verdict: Verdict,
}

/// A clue to record: the domain input and where it belongs.
#[derive(Debug, Clone)]
pub struct ClueWrite {
    pub input: ClueInput,
    pub village: AreaCode,
    /// The registered household (found in scope, or registered now through `register`).
    pub household_no: Option<HouseholdNo>,
    /// A household not yet in the registry, registered in the same transaction (with its head),
    /// when the clue opens a case.
    pub register: Option<(Household, Vec<Member>)>,
    /// The case to open when the clue is new (not merged into an open one).
    pub case: Option<CaseOpen>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ClueOutcome {
    /// A new clue; the case opened with it, if any.
    Created { clue: i64, case: Option<i64> },
    /// Merged into the open clue of the same household (its evidence attached, risks added).
    Merged { clue: i64, case: Option<i64> },
    /// The new household could not be registered (e.g. its head is registered elsewhere).
    Refused { reason: String },
}

impl ClueOutcome {
    pub fn clue(&self) -> Option<i64> {
        match self {
            ClueOutcome::Created { clue, .. } | ClueOutcome::Merged { clue, .. } => Some(*clue),
            ClueOutcome::Refused { .. } => None,
        }
    }

    pub fn case(&self) -> Option<i64> {
        match self {
            ClueOutcome::Created { case, .. } | ClueOutcome::Merged { case, .. } => *case,
            ClueOutcome::Refused { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredClue {
    pub id: i64,
    pub county: AreaCode,
    pub village: AreaCode,
    pub household_no: Option<HouseholdNo>,
    pub subject_key: String,
    pub risks: RiskTypes,
    pub disaster_kind: Option<String>,
    pub found_on: NaiveDate,
    pub status: ClueStatus,
    pub case_id: Option<i64>,
    pub evidence: Vec<zhenxing_domain::monitoring::Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCase {
    pub id: i64,
    pub county: AreaCode,
    pub village: AreaCode,
    pub household_no: HouseholdNo,
    pub head_name: String,
    pub clue_id: Option<i64>,
    pub channel: Channel,
    pub state: CaseState,
    pub due: CaseDue,
    pub risks: RiskTypes,
    pub category: Option<MonitorCategory>,
    pub disaster_kind: Option<String>,
    pub policy: PolicyRef,
    pub elimination: Option<EliminationProposal>,
    /// Optimistic concurrency: a step names the version it saw.
    pub version: i64,
}

impl StoredCase {
    pub fn kind(&self) -> CaseKind {
        self.state.kind
    }
}

/// One recorded step: who, when, what, with which opinion, under which policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    pub seq: i64,
    pub action: ActionKind,
    /// Approve, reject, or (green channel, withdrawal, roll-back) no decision.
    pub approved: Option<bool>,
    pub promise_signed: Option<bool>,
    pub remark: String,
    pub acted_on: NaiveDate,
    pub stage_before: Stage,
    pub stage_after: Stage,
    pub due_on: Option<NaiveDate>,
    pub late: bool,
    pub actor: String,
    pub recorded_at: String,
    pub policy: PolicyRef,
    pub verdict: Option<Verdict>,
}

/// A step to write with the case's new state.
#[derive(Debug, Clone)]
pub struct StepWrite {
    pub case_id: i64,
    /// The case version the step was decided on.
    pub expected_version: i64,
    pub step: StepRecord,
    pub state: CaseState,
    pub due: CaseDue,
    /// The household with its monitoring fields changed by this step (approval of an
    /// identification or an elimination, a roll-back): written through the registry writer in
    /// the same transaction, so its history records it.
    pub household: Option<Household>,
    pub elimination: Option<EliminationProposal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    Written,
    /// The case changed since the caller read it (another user's step came first).
    Conflict,
    NotFound,
}

/// Which open cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Only cases whose next due day is before this (overdue as of it).
    pub overdue_on: Option<NaiveDate>,
    /// Only cases due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only cases at these stages (empty: any open stage).
    pub stages: Vec<Stage>,
    pub kind: Option<CaseKind>,
    pub limit: u32,
    /// Keyset cursor: (next due day, id) of the last row of the previous page.
    pub after: Option<(NaiveDate, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPlan {
    pub household_no: HouseholdNo,
    pub cadre_name: Option<String>,
    pub cadre_phone: Option<String>,
    pub measures: Vec<PlannedMeasure>,
    pub updated_by: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct VisitWrite {
    pub household_no: HouseholdNo,
    pub visited_on: NaiveDate,
    pub visitor: String,
    pub answers: Vec<CheckAnswer>,
    pub per_capita_income: Option<Money>,
    pub finding: Option<String>,
    /// The 六必访 items that applied (codes), for the record.
    pub triggers: Vec<String>,
    pub policy: PolicyRef,
    pub photos: Vec<Photo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredVisit {
    pub id: i64,
    pub household_no: HouseholdNo,
    pub visited_on: NaiveDate,
    pub visitor: String,
    pub answers: Vec<CheckAnswer>,
    pub per_capita_income: Option<Money>,
    pub finding: Option<String>,
    pub triggers: Vec<String>,
    pub photos: u32,
    pub recorded_by: String,
}

/// A household with what the monitoring rules look at (for due-for-visit and data checks).
#[derive(Debug, Clone)]
pub struct Subject {
    pub county: AreaCode,
    pub household: Household,
    pub members: Vec<Member>,
    pub has_cadre: bool,
    pub measures: Vec<PlannedMeasure>,
    pub last_visit: Option<NaiveDate>,
    pub last_visit_income: Option<Money>,
    /// An open clue or case with a disaster or accident risk.
    pub open_disaster: bool,
}

/// Keyset cursor over households: (village, household number) of the last one seen.
pub type SubjectCursor = (AreaCode, HouseholdNo);

#[async_trait]
pub trait MonitoringStore: Send + Sync {
    /// Every stored version of a province's policy for a year, newest first.
    async fn policies(
        &self,
        province: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<StoredPolicy>>;

    async fn policy_version(&self, policy: PolicyRef) -> StoreResult<Option<StoredPolicy>>;

    /// Stores `content` as the next version (1 when none is stored).
    async fn add_policy(
        &self,
        actor: &Actor,
        province: AreaCode,
        year: PolicyYear,
        content: &str,
        note: Option<&str>,
    ) -> StoreResult<StoredPolicy>;

    /// Records a clue, merging it into the open clue of the same household when there is one;
    /// otherwise creates it (and the case, and the new household, when given). `None` when the
    /// village is outside `scope` or the household is not found in it.
    async fn record_clue(
        &self,
        actor: &Actor,
        scope: Scope,
        clue: &ClueWrite,
    ) -> StoreResult<Option<ClueOutcome>>;

    async fn clue(&self, scope: Scope, id: i64) -> StoreResult<Option<StoredClue>>;

    /// Open clues of the area, oldest first.
    async fn open_clues(&self, scope: Scope, limit: u32) -> StoreResult<Vec<StoredClue>>;

    /// The open clue of a household registered under `no` (at most one: the new evidence joins
    /// it), if any.
    async fn open_clue_of(&self, scope: Scope, no: &HouseholdNo)
    -> StoreResult<Option<StoredClue>>;

    async fn case(&self, scope: Scope, id: i64) -> StoreResult<Option<StoredCase>>;

    /// The open case of a household, if any.
    async fn open_case_of(&self, scope: Scope, no: &HouseholdNo)
    -> StoreResult<Option<StoredCase>>;

    /// Every case of a household, newest first.
    async fn household_cases(&self, scope: Scope, no: &HouseholdNo)
    -> StoreResult<Vec<StoredCase>>;

    async fn case_steps(&self, scope: Scope, id: i64) -> StoreResult<Vec<StepRecord>>;

    /// Opens an elimination case for a monitored household (no clue).
    async fn open_case(
        &self,
        actor: &Actor,
        scope: Scope,
        no: &HouseholdNo,
        case: &CaseOpen,
    ) -> StoreResult<Option<i64>>;

    /// Writes a step, the case's new state and (when given) the household's monitoring fields in
    /// one transaction; a closing step closes the case's clue.
    async fn apply_step(
        &self,
        actor: &Actor,
        scope: Scope,
        step: &StepWrite,
    ) -> StoreResult<StepOutcome>;

    /// Open cases in scope matching `query`, by next due day.
    async fn cases(&self, scope: Scope, query: &CaseQuery) -> StoreResult<Vec<StoredCase>>;

    /// Cases of a village now in public notice (for the printable notice).
    async fn notice_cases(&self, scope: Scope, village: AreaCode) -> StoreResult<Vec<StoredCase>>;

    async fn plan(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Option<StoredPlan>>;

    /// Replaces the plan of a household (cadre and measures). `false` when not found in scope.
    async fn save_plan(
        &self,
        actor: &Actor,
        scope: Scope,
        no: &HouseholdNo,
        cadre_name: Option<&str>,
        cadre_phone: Option<&str>,
        measures: &[PlannedMeasure],
    ) -> StoreResult<bool>;

    /// Records a visit with its photos. `None` when the household is not found in scope.
    async fn record_visit(
        &self,
        actor: &Actor,
        scope: Scope,
        visit: &VisitWrite,
    ) -> StoreResult<Option<i64>>;

    async fn visits(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Vec<StoredVisit>>;

    /// A photo of a visit: (content type, bytes).
    async fn visit_photo(
        &self,
        scope: Scope,
        visit: i64,
        seq: u32,
    ) -> StoreResult<Option<(String, Vec<u8>)>>;

    /// Households in scope after `after`, in (village, number) order, with what the monitoring
    /// rules need; only monitored ones (category set) when `monitored_only`.
    async fn subjects(
        &self,
        scope: Scope,
        after: Option<&SubjectCursor>,
        limit: u32,
        monitored_only: bool,
    ) -> StoreResult<Vec<Subject>>;
}

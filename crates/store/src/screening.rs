//! Storage of department screening: matching a file's persons against the registry in bulk, and
//! recording a batch (its counts, one result per household that crossed the rule, and the clues
//! and cases they became or joined) in one transaction.
//!
//! Invariant, as for [`crate::Store`]: every method takes the caller's [`Scope`]; a household
//! outside it is never handed back (its persons are only reported as outside the area).

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::monitoring::{CaseDue, CaseState, Figure};
use zhenxing_domain::policy::PolicyRef;
use zhenxing_domain::{
    AreaCode, HouseholdNo, HouseholdType, IdNumber, Money, MonitorCategory, RiskTypes, Scope,
};

use crate::{Actor, ProblemLines, RowProblem, StoreResult};

/// A registered household as screening sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreenedHousehold {
    pub county: AreaCode,
    pub no: HouseholdNo,
    pub village: AreaCode,
    /// 家庭人口数 as registered.
    pub size: u32,
    pub per_capita_income: Option<Money>,
    pub household_type: HouseholdType,
    pub category: Option<MonitorCategory>,
    pub eliminated: bool,
}

/// Where a person of the file is, for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonMatch {
    /// A member of the household at this index of [`Matches::households`].
    Household(u32),
    /// Registered, in a household outside the caller's area.
    OutsideScope,
    NotRegistered,
}

impl PersonMatch {
    /// The index of the person's household, if found in the caller's area.
    pub fn household(self) -> Option<u32> {
        match self {
            PersonMatch::Household(i) => Some(i),
            PersonMatch::OutsideScope | PersonMatch::NotRegistered => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// One per ID number asked, in the same order.
    pub persons: Vec<PersonMatch>,
    /// The households in scope, in (county, number) order.
    pub households: Vec<ScreenedHousehold>,
    /// When asked for: the registered name of each person asked, in the same order (`None`
    /// unless the person is in a household in scope).
    pub names: Vec<Option<String>>,
}

/// A household that crossed the rule, to record.
#[derive(Debug, Clone)]
pub struct HitWrite {
    pub county: AreaCode,
    pub no: HouseholdNo,
    pub village: AreaCode,
    pub household_type: HouseholdType,
    /// The digest of the household's rows (a repeat has the same).
    pub fingerprint: String,
    /// The figures behind the hit. With the batch's source, rule and day they are the evidence
    /// the hit adds to a clue, kept once: in the household's result.
    pub figures: Vec<Figure>,
    /// The household's members found in the file.
    pub members: Vec<IdNumber>,
    pub disaster_kind: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ScreeningCounts {
    /// Data rows read.
    pub rows: u64,
    /// Rows whose person is a member of a household in the area.
    pub matched: u64,
    /// Rows whose person is not registered, or registered outside the area.
    pub unmatched: u64,
    /// Rows that could not be read (a bad ID number or value).
    pub rejected: u64,
    /// Households matched.
    pub households: u64,
    /// Households that crossed the rule.
    pub hits: u64,
    /// New clues, each with an identification case and its deadline.
    pub created: u64,
    /// Evidence attached: to the household's open clue, or kept as a clue of a monitored
    /// household or beside its open case (no new identification).
    pub attached: u64,
    /// Households whose same rows were screened before: nothing new is recorded.
    pub repeated: u64,
}

/// A batch to record.
#[derive(Debug, Clone)]
pub struct ScreeningWrite<'a> {
    pub kind: String,
    pub kind_label: String,
    pub source: String,
    pub file_name: String,
    /// The area screened (`None`: everything the caller sees).
    pub area: Option<AreaCode>,
    pub policy: PolicyRef,
    /// The rule in words.
    pub rule: String,
    pub found_on: NaiveDate,
    pub risks: RiskTypes,
    /// The counts of reading and matching (the store adds created, attached, repeated).
    pub counts: ScreeningCounts,
    pub hits: Vec<HitWrite>,
    /// The identification case a new clue opens: its first state and due days.
    pub case_state: CaseState,
    pub case_due: CaseDue,
    /// The rows that did not enter the batch (not read, not registered, outside the area, a
    /// household not judged), in the report's order: kept with it.
    pub problems: &'a dyn ProblemLines,
}

/// What became of a household that crossed the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum HitOutcome {
    /// A new clue and its identification case.
    Created { clue: i64, case: i64 },
    /// The evidence joined the household's open clue (and its case, if any).
    Merged { clue: i64, case: Option<i64> },
    /// A monitored household: the clue is kept for its plan, no new identification.
    Monitored { clue: i64 },
    /// The household has an open case (e.g. an elimination): the clue is kept beside it.
    OpenCase { clue: i64, case: i64 },
    /// The same rows were screened in an earlier batch.
    Repeated { screening: i64, clue: Option<i64> },
}

impl HitOutcome {
    pub fn code(self) -> i64 {
        match self {
            HitOutcome::Created { .. } => 1,
            HitOutcome::Merged { .. } => 2,
            HitOutcome::Monitored { .. } => 3,
            HitOutcome::OpenCase { .. } => 4,
            HitOutcome::Repeated { .. } => 5,
        }
    }

    pub fn label(self) -> &'static str {
        outcome_label(self.code())
    }

    pub fn clue(self) -> Option<i64> {
        match self {
            HitOutcome::Created { clue, .. }
            | HitOutcome::Merged { clue, .. }
            | HitOutcome::Monitored { clue }
            | HitOutcome::OpenCase { clue, .. } => Some(clue),
            HitOutcome::Repeated { clue, .. } => clue,
        }
    }

    pub fn case(self) -> Option<i64> {
        match self {
            HitOutcome::Created { case, .. } | HitOutcome::OpenCase { case, .. } => Some(case),
            HitOutcome::Merged { case, .. } => case,
            _ => None,
        }
    }
}

/// The Chinese label of an outcome by its stored code.
pub fn outcome_label(code: i64) -> &'static str {
    match code {
        1 => "新线索，已进入识别",
        2 => "证据并入未办结线索",
        3 => "已是监测对象，线索供调整帮扶计划",
        4 => "已有正在办理的案件，线索附在案件旁",
        5 => "与此前批次相同，未重复登记",
        _ => "",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredScreening {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub source: String,
    pub file_name: String,
    pub area: Option<AreaCode>,
    pub policy: PolicyRef,
    pub rule: String,
    pub found_on: NaiveDate,
    pub counts: ScreeningCounts,
    /// How many problem lines are kept with the batch (`None`: screened before they were).
    pub problems: Option<u64>,
    pub actor: String,
    pub created_at: String,
}

/// A household's result in a batch, with what the results page and export show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningResult {
    pub county: AreaCode,
    pub village: AreaCode,
    pub no: HouseholdNo,
    pub head_name: String,
    pub outcome: i64,
    pub clue: Option<i64>,
    pub case: Option<i64>,
    pub figures: Vec<Figure>,
    /// Matched members (personal data: shown masked unless the role may see them).
    pub members: Vec<IdNumber>,
}

/// Whether a caller with `scope` sees the whole of a batch made for `area` (its problems are
/// the whole file's, not an area's: a narrower caller sees only its area's results).
pub fn covers(scope: Scope, area: Option<AreaCode>) -> bool {
    match (scope, area) {
        (Scope::All, _) => true,
        (Scope::Area(s), Some(a)) => s.contains(a),
        (Scope::Area(_), None) => false,
    }
}

/// Keyset cursor over a batch's results: (village, household number) of the last one seen.
pub type ResultCursor = (AreaCode, HouseholdNo);

#[async_trait]
pub trait ScreeningStore: Send + Sync {
    /// The households of the persons `ids` (sorted, without repeats), in one snapshot. Persons
    /// in households outside `scope` are reported as such, their households not handed back.
    /// With `names`, each person's registered name too (for persons in scope only).
    async fn match_persons(
        &self,
        scope: Scope,
        ids: &[IdNumber],
        names: bool,
    ) -> StoreResult<Matches>;

    /// Records a batch in one transaction: the batch, a result per hit and, per hit, a repeat
    /// (nothing new), the evidence joining the household's open clue, or a new clue (with an
    /// identification case unless the household is monitored or has an open case). The
    /// households' monitoring state is read again in the transaction. `None` when a hit's
    /// household is no longer in scope.
    async fn record_screening(
        &self,
        actor: &Actor,
        scope: Scope,
        batch: &ScreeningWrite<'_>,
    ) -> StoreResult<Option<(StoredScreening, Vec<HitOutcome>)>>;

    /// Batches recorded for areas the caller sees (the whole database for `Scope::All`), newest
    /// first.
    async fn screenings(&self, scope: Scope, limit: u32) -> StoreResult<Vec<StoredScreening>>;

    async fn screening(&self, scope: Scope, id: i64) -> StoreResult<Option<StoredScreening>>;

    /// How many of a batch's results under `area` (within `scope`) had each outcome, by
    /// outcome code (see [`outcome_label`]); outcomes with none are left out.
    async fn screening_outcomes(
        &self,
        scope: Scope,
        id: i64,
        area: AreaCode,
    ) -> StoreResult<Vec<(i64, u64)>>;

    /// A batch's results under `area` (within `scope`), in (village, household number) order,
    /// a page after `after`.
    async fn screening_results(
        &self,
        scope: Scope,
        id: i64,
        area: AreaCode,
        after: Option<&ResultCursor>,
        limit: u32,
    ) -> StoreResult<Vec<ScreeningResult>>;

    /// The problems kept with a batch, in order, with their number in the batch: a page of
    /// those numbered above `after`. `None` unless the caller sees the whole batch
    /// ([`covers`]).
    async fn screening_problems(
        &self,
        scope: Scope,
        id: i64,
        after: Option<u64>,
        limit: u32,
    ) -> StoreResult<Option<Vec<(u64, RowProblem)>>>;

    /// How many of a batch's problems have each code, by code; `None` as for
    /// [`ScreeningStore::screening_problems`].
    async fn screening_problem_counts(
        &self,
        scope: Scope,
        id: i64,
    ) -> StoreResult<Option<Vec<(String, u64)>>>;
}

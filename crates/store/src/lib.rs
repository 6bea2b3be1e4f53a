//! Storage for zhenxing: the [`Store`] trait the use cases call, and [`sql::SqlStore`], its
//! implementation over any SQL backend that provides a [`sql::Db`].
//!
//! Invariant: every method that reads or writes the registry takes the caller's [`Scope`]; a
//! household outside it does not exist for that caller.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod construction;
pub mod cooperation;
pub mod employment;
pub mod error;
pub mod loan;
pub mod model;
pub mod monitoring;
pub mod project;
pub mod screening;
pub mod search;
pub mod sql;
pub mod work_team;

use async_trait::async_trait;
use futures::stream::BoxStream;
use zhenxing_domain::stats::Counts;
use zhenxing_domain::{AreaCode, Division, Household, HouseholdNo, IdNumber, Member, Scope};

pub use accounts::AccountStore;
pub use construction::ConstructionStore;
pub use cooperation::CooperationStore;
pub use employment::EmploymentStore;
pub use error::{StoreError, StoreResult};
pub use loan::LoanStore;
pub use model::*;
pub use monitoring::MonitoringStore;
pub use project::ProjectStore;
pub use screening::ScreeningStore;
pub use search::HouseholdSearch;
pub use work_team::TeamStore;

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

    /// Writes a consistent copy of the live database to `path` (SQLite: a database file;
    /// PostgreSQL: a `pg_dump` custom-format archive).
    async fn backup(&self, path: &std::path::Path) -> StoreResult<()>;

    /// Asks the database to check itself (SQLite: `PRAGMA integrity_check`).
    async fn check_integrity(&self) -> StoreResult<()>;

    /// After a bulk write (a large import): folds it into the database's main files.
    async fn settle(&self) -> StoreResult<()>;

    /// Loads or updates the division tree of an edition (codes present are updated, new ones
    /// added; codes still referenced by households are never removed).
    async fn load_divisions(&self, edition: u16, divisions: &[Division]) -> StoreResult<usize>;

    async fn divisions(&self) -> StoreResult<Vec<Division>>;

    /// Starts an import: everything written through the returned transaction becomes visible
    /// at once on [`ImportTx::commit`], or not at all. Within one import each household number
    /// and each ID number is given at most once (the ledger reader refuses a repeat with its
    /// row): a first load into an empty registry looks nothing up, and a repeat there fails
    /// the whole import on the database's key instead of being rejected as a row.
    async fn begin_import(
        &self,
        actor: &Actor,
        scope: Scope,
        source: &ImportSource,
    ) -> StoreResult<Box<dyn ImportTx>>;

    /// Changes one registered household (found within `scope`), keeping the previous value in
    /// the history under a new change set of `actor`; a household closing
    /// ([`Household::closing`]) is closed (`Removed`). `Unchanged` writes nothing; a household
    /// not found in scope is `Rejected(UnknownHousehold)`.
    /// [`Store::update_household`] for a household edited on its page: written only if its
    /// version is still `read_version` (checked in the writing transaction), else
    /// `Rejected(Stale)` and nothing written.
    async fn edit_household(
        &self,
        actor: &Actor,
        scope: Scope,
        household: &Household,
        read_version: i64,
    ) -> StoreResult<RowOutcome>;

    /// One member's row of a registered household (found within `scope`) written as a members
    /// ledger's row would be: a new member registered, a member's fields changed, or (with
    /// `leaving`) the member removed, each kept in the history under a change set of `actor`.
    /// With `read_version`, the member must still be at that version (checked in the writing
    /// transaction), else `Rejected(Stale)` and nothing written.
    async fn edit_member(
        &self,
        actor: &Actor,
        scope: Scope,
        member: &Member,
        read_version: Option<i64>,
    ) -> StoreResult<RowOutcome>;

    async fn update_household(
        &self,
        actor: &Actor,
        scope: Scope,
        household: &Household,
    ) -> StoreResult<RowOutcome>;

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

    /// A household with its members and history, read in one snapshot (the household page):
    /// its row in the county `at` when given, else as [`Store::household`] finds it.
    async fn household_record(
        &self,
        scope: Scope,
        no: &HouseholdNo,
        at: Option<AreaCode>,
    ) -> StoreResult<Option<HouseholdRecord>>;

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

    /// Households under `area` in (village, household number) order, a page at a time, each
    /// with the members registered under its households, read in one snapshot (the registry's
    /// consistency checks).
    fn household_pages(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<(Vec<StoredHousehold>, Vec<StoredMember>)>>;

    /// [`Store::household_pages`] of the relocated households alone (易地扶贫搬迁户), read
    /// through their own partial index (a province holds few).
    fn relocated_pages(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<(Vec<StoredHousehold>, Vec<StoredMember>)>>;

    /// The current figures of `area` and every area under it, as kept up to date with each
    /// change (an area with nothing registered has no entry). Empty outside the scope.
    async fn figures(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<(AreaCode, Counts)>>;

    /// The year whose "newly identified" the stored figures count (`None` before any figures).
    async fn figures_year(&self) -> StoreResult<Option<i32>>;

    /// Village figures computed from the registry as of `day` (monitoring replayed from the
    /// monitoring periods; registry counts as registered now, but for the persons who have left a
    /// household since, counted where they were), for the villages in scope.
    async fn village_figures(
        &self,
        scope: Scope,
        day: chrono::NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, Counts)>>;

    /// The kept figures and histograms (of `today`'s year) of `areas` and the overdue cases of
    /// the villages under `overdue_under`, in one snapshot (what a dashboard shows).
    async fn current_figures(
        &self,
        scope: Scope,
        areas: AreaSet<'_>,
        overdue_under: AreaCode,
        today: chrono::NaiveDate,
    ) -> StoreResult<CurrentFigures>;

    /// Kept histograms of the days from clue to approval of the identifications approved in
    /// `year`, of the given areas in scope (an area with no approval has no entry).
    async fn kept_approvals(
        &self,
        scope: Scope,
        areas: AreaSet<'_>,
        year: i32,
    ) -> StoreResult<Vec<(AreaCode, zhenxing_domain::stats::Timeliness)>>;

    /// Approved identifications per village in scope from the first of `day`'s year to `day`,
    /// computed from the cases.
    async fn village_approvals(
        &self,
        scope: Scope,
        day: chrono::NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, zhenxing_domain::stats::Timeliness)>>;

    /// Open cases past a deadline at the end of `day`, per village in scope (`today` decides
    /// whether the current deadlines apply or the ones in force then).
    async fn village_overdue(
        &self,
        scope: Scope,
        day: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, u64)>>;

    /// Recomputes every stored figure from the registry (the check, and the new year's reset).
    async fn recompute_figures(&self, today: chrono::NaiveDate) -> StoreResult<usize>;

    /// Marks villages as ex-poor villages (脱贫村) or not.
    async fn set_ex_poor_villages(&self, villages: &[AreaCode], ex_poor: bool) -> StoreResult<u64>;

    /// The ex-poor villages in scope.
    async fn ex_poor_villages(&self, scope: Scope) -> StoreResult<Vec<AreaCode>>;

    /// The labour of ex-poor households and of monitoring objects under `area` (households not
    /// closed), per village and group: members whose 劳动技能 is one of `labour`, of them in
    /// migrant work (a place or months given), in a public-welfare job, and in both.
    async fn labour_by_village(
        &self,
        scope: Scope,
        area: AreaCode,
        labour: &[zhenxing_domain::Labour],
    ) -> StoreResult<Vec<VillageLabour>>;

    /// Keeps an issued dispatch report (frozen: reports are never changed).
    async fn save_report(
        &self,
        actor: &Actor,
        area: AreaCode,
        as_of: chrono::NaiveDate,
        content: &serde_json::Value,
    ) -> StoreResult<i64>;

    /// Reports issued for `area`, newest first.
    async fn reports(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<ReportMeta>>;

    async fn report(
        &self,
        scope: Scope,
        id: i64,
    ) -> StoreResult<Option<(ReportMeta, serde_json::Value)>>;

    /// Imports confined to an area within `scope` (all of them for `Scope::All`), newest first.
    async fn imports(&self, scope: Scope, limit: u32) -> StoreResult<Vec<ImportRecord>>;

    /// One import, if [`Store::imports`] would list it.
    async fn import(&self, scope: Scope, id: i64) -> StoreResult<Option<ImportRecord>>;

    /// The rows an import did not take, kept with it, numbered above `after` (at most `limit`,
    /// with their numbers); `None` unless [`Store::import`] answers the import.
    async fn import_problems(
        &self,
        scope: Scope,
        id: i64,
        after: Option<u64>,
        limit: u32,
    ) -> StoreResult<Option<Vec<(u64, RowProblem)>>>;

    /// The monitoring lifecycle's storage (clues, cases, plans, visits, policies) of the same
    /// database.
    fn monitoring(&self) -> &dyn MonitoringStore;

    /// Replaces the key assistance counties (重点帮扶县) of `province` with `counties` (each a
    /// county of it), in one transaction.
    async fn set_key_counties(
        &self,
        province: AreaCode,
        counties: &[(AreaCode, zhenxing_domain::key_county::KeyCountyKind)],
    ) -> StoreResult<()>;

    /// The key assistance counties within `scope`, by code.
    async fn key_counties(
        &self,
        scope: Scope,
    ) -> StoreResult<Vec<(AreaCode, zhenxing_domain::key_county::KeyCountyKind)>>;

    /// Publishes a post to `area` with its attachments, in one transaction; its id.
    async fn add_post(
        &self,
        actor: &Actor,
        area: AreaCode,
        post: &zhenxing_domain::post::Post,
        attachments: &[zhenxing_domain::post::Attachment],
    ) -> StoreResult<i64>;

    /// Withdraws (撤回) a post published to `within` or an area under it, not withdrawn yet;
    /// whether there was one. Kept, with when and by whom; shown to nobody any more.
    async fn withdraw_post(&self, within: AreaCode, id: i64, by: &str) -> StoreResult<bool>;

    /// The attachments of a post a user of `area` sees (as [`Store::post`]), in their order.
    async fn post_attachments(
        &self,
        area: AreaCode,
        id: i64,
    ) -> StoreResult<Vec<zhenxing_domain::post::AttachmentMeta>>;

    /// One attachment of a post a user of `area` sees, with its bytes.
    async fn post_attachment(
        &self,
        area: AreaCode,
        id: i64,
        seq: i64,
    ) -> StoreResult<Option<(zhenxing_domain::post::AttachmentMeta, Vec<u8>)>>;

    /// The posts a user of `area` sees — published to their area, to the areas above it, or to
    /// areas under it — newest first, of `kind` when given, ids below `before` when given, at
    /// most `limit`.
    async fn posts(
        &self,
        area: AreaCode,
        kind: Option<zhenxing_domain::post::PostKind>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<StoredPost>>;

    /// One post, if a user of `area` sees it.
    async fn post(&self, area: AreaCode, id: i64) -> StoreResult<Option<StoredPost>>;

    /// A person's word for `day` (驻村考勤), replacing an earlier one of the same day.
    async fn check_in(
        &self,
        user_id: i64,
        area: AreaCode,
        day: chrono::NaiveDate,
        kind: zhenxing_domain::attendance::CheckinKind,
        note: Option<&str>,
    ) -> StoreResult<()>;

    /// The words of the people of `area` (their area when they gave them) from `from` to
    /// `until`, by person and day.
    async fn checkins(
        &self,
        area: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> StoreResult<Vec<Checkin>>;

    /// A person's request for leave from `from` to `until` (pending), with their area; its id.
    async fn request_leave(
        &self,
        user_id: i64,
        area: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
        reason: &str,
    ) -> StoreResult<i64>;

    /// The requests for leave of the people of `area` (their area when asking) that overlap
    /// the days from `from` to `until`, the latest asked first.
    async fn leave_requests(
        &self,
        area: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> StoreResult<Vec<zhenxing_domain::attendance::LeaveRequest>>;

    /// One request for leave.
    async fn leave_request(
        &self,
        id: i64,
    ) -> StoreResult<Option<zhenxing_domain::attendance::LeaveRequest>>;

    /// Decides a pending request (`None`: it is not pending, or there is none).
    async fn decide_leave(
        &self,
        id: i64,
        status: zhenxing_domain::attendance::LeaveStatus,
        by: &str,
        note: Option<&str>,
    ) -> StoreResult<Option<zhenxing_domain::attendance::LeaveRequest>>;

    /// Withdraws a person's own request, if it is pending, or approved and begins after
    /// `today` (`None`: it is not, or there is none of theirs).
    async fn withdraw_leave(
        &self,
        id: i64,
        user_id: i64,
        today: chrono::NaiveDate,
    ) -> StoreResult<Option<zhenxing_domain::attendance::LeaveRequest>>;

    /// The day's work log of a person (a later one the same day replaces it); its photos
    /// replaced when `photos` is given, kept when not.
    async fn write_work_log(
        &self,
        user_id: i64,
        area: AreaCode,
        day: chrono::NaiveDate,
        body: &str,
        households: &[HouseholdNo],
        photos: Option<&[zhenxing_domain::monitoring::visit::Photo]>,
    ) -> StoreResult<()>;

    /// A photo of a person's log of `day` (its `seq`, from 1), with the area the log was
    /// written in: (area, content type, bytes).
    async fn work_log_photo(
        &self,
        user_id: i64,
        day: chrono::NaiveDate,
        seq: u32,
    ) -> StoreResult<Option<(AreaCode, String, Vec<u8>)>>;

    /// The work logs of the people of `area` (their area when they wrote them) from `from` to
    /// `until`, newest first.
    async fn work_logs(
        &self,
        area: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> StoreResult<Vec<WorkLog>>;

    /// Department screening's storage (matching persons in bulk, batches and their results) of
    /// the same database.
    fn screening(&self) -> &dyn ScreeningStore;

    /// The projects of 衔接资金.
    fn projects(&self) -> &dyn ProjectStore;

    /// The small credit loans (小额信贷).
    fn loans(&self) -> &dyn LoanStore;

    /// Rural construction: items and targets.
    fn construction(&self) -> &dyn ConstructionStore;

    /// The work teams' roster (驻村干部花名册).
    fn work_teams(&self) -> &dyn TeamStore;

    /// East-west cooperation and paired assistance (协作帮扶台账).
    fn cooperation(&self) -> &dyn CooperationStore;

    /// The employment targets (务工就业目标).
    fn employment(&self) -> &dyn EmploymentStore;

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

    /// Makes everything visible, recording the counts with the import and keeping the rows it
    /// did not take (`problems`, in the report's order) with it.
    async fn commit(
        self: Box<Self>,
        summary: &ImportCounts,
        problems: &dyn ProblemLines,
    ) -> StoreResult<i64>;
}

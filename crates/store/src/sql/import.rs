//! An import in one write transaction: rows are inserted, updated (with history) or refused.

use std::collections::{BTreeSet, HashMap, HashSet};

use async_trait::async_trait;
use futures::future::BoxFuture;
use zhenxing_domain::{AreaCode, Dissolution, Household, HouseholdNo, Leaving, Member, Scope};

use super::columns::{
    HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, META_COLUMNS, household_from_row, household_values,
    member_from_row, member_values,
};
use super::packed::{fetch_packed, packed_fields, typed_rows};
use super::{
    Db, Row, Tx, Value, figures, list_join, list_source, list_value, now_text, placeholders,
    problems, tuples_for,
};
use crate::{
    Actor, Backend, ImportCounts, ImportSource, ImportTx, ProblemLines, Rejection, RowOutcome,
    StoreError, StoreResult,
};

/// Rows per statement: large enough to amortise a round trip, small enough for the parameter
/// limits of both backends (SQLite 32,766; PostgreSQL 65,535).
const HOUSEHOLD_CHUNK: usize = 800;
const MEMBER_CHUNK: usize = 1200;

/// The row an edit names, to check its version ([`SqlImport::check_version`]).
pub(crate) enum Versioned<'a> {
    Household(&'a HouseholdNo),
    Member(&'a Member),
}

pub(crate) struct SqlImport {
    tx: Box<dyn Tx>,
    backend: Backend,
    scope: Scope,
    changeset: i64,
    /// Multi-row INSERT statements by (table, rows): built once, reused for every full chunk.
    inserts: HashMap<(&'static str, usize), String>,
    /// Villages whose figures this transaction changed: refreshed before it commits.
    touched: BTreeSet<i64>,
    /// The smallest area holding every row's village: what an import from the command line
    /// (confined to no area) is recorded under, so that the users of that area see it.
    span: Span,
    /// A first load (the registry was empty when the transaction began): the deferred indexes
    /// were dropped and are built again before the commit, and no row of the file can be
    /// registered already, so nothing is looked up.
    first_load: bool,
    /// A first load begun with [`Db::write_bulk`] (SQLite: no foreign-key check per row).
    /// Sound because a first load writes only references it resolved itself: every household's
    /// village from the division tree read from `divisions` (checked again before the commit, one
    /// pass), every member's household from [`LoadedHouseholds`], the households this
    /// transaction wrote (the registry and both directories were empty when it began), every
    /// row's change set its own.
    pub(crate) bulk: bool,
    /// A first load on PostgreSQL: the registry tables' foreign keys, dropped inside the
    /// transaction and added again before the commit (table, name, definition).
    deferred_keys: Vec<(String, String, String)>,
    /// A first load's households (see there).
    loaded: LoadedHouseholds,
}

/// The smallest area holding every village given to [`Span::widen`].
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Span {
    /// Whether any village was given.
    seen: bool,
    /// `None` once they lie in more than one province.
    area: Option<AreaCode>,
}

impl Span {
    pub(crate) fn widen(&mut self, village: AreaCode) {
        self.area = match (self.seen, self.area) {
            (false, _) => Some(village),
            (true, Some(a)) if a.contains(village) => Some(a),
            (true, Some(a)) => a.common_ancestor(village),
            (true, None) => None,
        };
        self.seen = true;
    }

    pub(crate) fn area(self) -> Option<AreaCode> {
        self.area
    }
}

/// The households a first load has written, in memory: where each member's household is (the
/// registry was empty, so these are all there are: no lookup in `household_ids` per members
/// batch, which took PostgreSQL 4.8 s for a million households), and its persons counted ahead.
/// Each household is written with its declared size (家庭人口数) as its persons, none of them
/// 低保/特困; what its members then come to, less that, is kept here and written before the commit
/// where not zero — nowhere when a ledger's sizes agree with its members. (A later import
/// updates the counts of each members batch as it goes; on a first load those updates rewrote
/// every household a second time: 2.5 s of SQLite's time, 11.7 s of PostgreSQL's, and as many
/// dead rows there.) About 40 bytes a household.
#[derive(Default)]
struct LoadedHouseholds {
    /// Every household number written, one after another.
    numbers: String,
    /// Per household: where its number is in `numbers`, its county, and the persons and
    /// 低保/特困 persons to add. Sorted by number when `sorted` (a household number is the
    /// registry's key: one county each), shorter numbers first, so that numbers counted up in a
    /// file lie side by side and a members file in household order finds each next to the last.
    households: Vec<(std::ops::Range<usize>, i64, i64, i64)>,
    sorted: bool,
}

impl LoadedHouseholds {
    /// Household `no` of `county` is written with `size` persons, none of them 低保/特困.
    fn written(&mut self, county: i64, no: &str, size: u32) {
        let start = self.numbers.len();
        self.numbers.push_str(no);
        let end = self.numbers.len();
        self.households
            .push((start..end, county, -i64::from(size), 0));
        self.sorted = false;
    }

    /// The order of [`LoadedHouseholds::households`]: shorter numbers first, then by bytes.
    fn order(a: &str, b: &str) -> std::cmp::Ordering {
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    }

    /// Sorts the households by number for [`LoadedHouseholds::find`].
    fn sort(&mut self) {
        if !self.sorted {
            let numbers = &self.numbers;
            self.households
                .sort_unstable_by(|a, b| Self::order(&numbers[a.0.clone()], &numbers[b.0.clone()]));
            self.sorted = true;
        }
    }

    /// Household `no`'s place, once sorted; looked for first at `near` and after it, which is
    /// then set to the place found.
    fn find_near(&self, no: &str, near: &mut usize) -> Option<usize> {
        if !self.sorted {
            return None;
        }
        let is = |i: usize| {
            self.households
                .get(i)
                .is_some_and(|h| &self.numbers[h.0.clone()] == no)
        };
        let found = if is(*near) {
            Some(*near)
        } else if is(*near + 1) {
            Some(*near + 1)
        } else {
            self.households
                .binary_search_by(|h| Self::order(&self.numbers[h.0.clone()], no))
                .ok()
        };
        if let Some(i) = found {
            *near = i;
        }
        found
    }

    /// Household `no`'s place, once sorted.
    fn find(&self, no: &str) -> Option<usize> {
        self.find_near(no, &mut 0)
    }

    /// The county of household `no`, if written here (once sorted), looked for from `near` as
    /// [`LoadedHouseholds::find_near`] does.
    fn county_of(&self, no: &str, near: &mut usize) -> Option<i64> {
        self.find_near(no, near).map(|i| self.households[i].1)
    }

    /// Adds what a batch of members came to; returns what is not for a household written here.
    fn add(&mut self, deltas: HashMap<(i64, String), (i64, i64)>) -> Vec<figures::PersonDelta> {
        self.sort();
        let mut rest = Vec::new();
        for ((county, no), (n, k)) in deltas {
            match self.find(&no) {
                Some(i) if self.households[i].1 == county => {
                    self.households[i].2 += n;
                    self.households[i].3 += k;
                }
                _ => rest.push(((county, no), (n, k))),
            }
        }
        rest
    }

    /// The households whose members differ from what was written, and by how much.
    fn corrections(self) -> Vec<figures::PersonDelta> {
        let numbers = self.numbers;
        self.households
            .into_iter()
            .filter(|h| (h.2, h.3) != (0, 0))
            .map(|(no, county, n, k)| ((county, numbers[no].to_string()), (n, k)))
            .collect()
    }
}

/// Indexes built once after a first load instead of row by row: the name-search indexes
/// (migrations `0002_accounts.sql`; 3.5 M random inserts into `members_name` cost more than the
/// rest of the import together, a sort-based build a few seconds) and the figures' covering
/// indexes (`0007_figure_indexes.sql`; households arrive in number order, not village order, and
/// every household's member count is updated after its members: built at the end, they are also
/// laid out in village order for the full recomputation). Each as its backend's migration
/// creates it (`0014_households_closed.sql` last).
fn deferred_indexes(backend: Backend) -> [(&'static str, &'static str); 4] {
    let (registered, monitored) = match backend {
        Backend::Sqlite => (
            "CREATE INDEX households_registered ON households (village_code, persons, safety_net_persons, \
             dissolved_on) WHERE dissolved_on IS NULL",
            "CREATE INDEX households_monitored ON households (village_code, monitor_category, eliminated, \
             elimination_mode, identified_on, persons, measures, dissolved_on) \
             WHERE monitor_category IS NOT NULL AND dissolved_on IS NULL",
        ),
        Backend::Postgres => (
            "CREATE INDEX households_registered ON households (village_code) INCLUDE (persons, safety_net_persons) \
             WHERE dissolved_on IS NULL",
            "CREATE INDEX households_monitored ON households (village_code) INCLUDE (monitor_category, \
             eliminated, elimination_mode, identified_on, persons, measures) \
             WHERE monitor_category IS NOT NULL AND dissolved_on IS NULL",
        ),
    };
    [
        (
            "households_head_name",
            "CREATE INDEX households_head_name ON households (head_name)",
        ),
        (
            "members_name",
            "CREATE INDEX members_name ON members (name)",
        ),
        ("households_registered", registered),
        ("households_monitored", monitored),
    ]
}

/// Answers a row when the registry is empty: no household, no member, and neither directory
/// holds an entry (a first load relies on all four: see [`SqlImport::bulk`]).
/// Makes a transaction that may become a first load wait for any other such transaction to
/// end, before it writes anything. On PostgreSQL writers run side by side: two first loads that
/// both saw an empty registry deadlocked — each had written its change set and looked at the
/// households (share locks), and each then waited for the other's to drop the households'
/// indexes and foreign keys (`story::postgres_first_loads_at_once_take_turns`). Taking turns,
/// the second finds the first's rows and imports as any later import does. SQLite has one
/// writer already.
pub(crate) async fn first_loads_take_turns(tx: &mut dyn Tx, backend: Backend) -> StoreResult<()> {
    if backend == Backend::Postgres {
        tx.execute(
            &format!("SELECT pg_advisory_xact_lock({FIRST_LOAD_LOCK})"),
            &[],
        )
        .await?;
    }
    Ok(())
}

/// The PostgreSQL advisory lock first loads take turns on ("zx" and 1).
const FIRST_LOAD_LOCK: i64 = 0x7a78_0001;

pub(crate) const REGISTRY_EMPTY: &str = "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM households) \
     AND NOT EXISTS (SELECT 1 FROM members) AND NOT EXISTS (SELECT 1 FROM household_ids) \
     AND NOT EXISTS (SELECT 1 FROM person_ids)";

/// The foreign keys of the tables a first load writes, on PostgreSQL: table, constraint name
/// (both quoted as identifiers) and definition, to drop and add again.
const DEFERRED_KEYS: &str = "SELECT c.conrelid::regclass::text, quote_ident(c.conname), \
     pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.contype = 'f' \
     AND c.conrelid IN ('households'::regclass, 'members'::regclass, 'monitoring_periods'::regclass) \
     ORDER BY 1, 2";

/// How a first load fills the person directory from the members written. Inserted row by row,
/// the directory took its entries in the file's order, a random place of a 3.5 M-entry tree
/// each. On SQLite (a table keyed by ID number) they are sorted first, so every entry goes at
/// the end; on PostgreSQL the key's index is dropped and built again after the rows (5.7 s
/// sorted into place against 3.1 s for a province). A number given twice (which the reader
/// refuses before) fails the commit on the directory's key, and the whole import with it.
fn person_directory(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Sqlite => &[
            "INSERT INTO person_ids (id_number, county_code, household_no) \
             SELECT id_number, county_code, household_no FROM members ORDER BY id_number",
        ],
        Backend::Postgres => &[
            "ALTER TABLE person_ids DROP CONSTRAINT person_ids_pkey",
            "INSERT INTO person_ids (id_number, county_code, household_no) \
             SELECT id_number, county_code, household_no FROM members",
            "ALTER TABLE person_ids ADD CONSTRAINT person_ids_pkey PRIMARY KEY (id_number)",
        ],
    }
}

/// `($1::bigint, $2::text, ...), ...` for `rows` rows typed like `first` (PostgreSQL).
fn typed_tuples(first: &[Value<'_>], rows: usize) -> String {
    let casts: Vec<&str> = first
        .iter()
        .map(|v| match v {
            Value::Int(_) => "bigint",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytea",
        })
        .collect();
    let mut s = String::with_capacity(rows * casts.len() * 12);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for (i, cast) in casts.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!("${}::{cast}", r * casts.len() + i + 1));
        }
        s.push(')');
    }
    s
}

/// Whether a member counts for the household's 低保/特困 figure.
fn safety_net(m: &Member) -> i64 {
    i64::from(m.dibao.is_some() || m.tekun)
}

impl SqlImport {
    pub(crate) async fn begin(
        db: &dyn Db,
        actor: &Actor,
        scope: Scope,
        kind: &str,
        source: &ImportSource,
    ) -> StoreResult<SqlImport> {
        Self::begin_on(db.write().await?, db.backend(), actor, scope, kind, source).await
    }

    /// [`SqlImport::begin`] in a write transaction already begun.
    pub(crate) async fn begin_on(
        mut tx: Box<dyn Tx>,
        backend: Backend,
        actor: &Actor,
        scope: Scope,
        kind: &str,
        source: &ImportSource,
    ) -> StoreResult<SqlImport> {
        let changeset = open_changeset(tx.as_mut(), actor, scope, kind, source).await?;
        Ok(SqlImport {
            tx,
            backend,
            scope,
            changeset,
            inserts: HashMap::new(),
            touched: BTreeSet::new(),
            span: Span::default(),
            first_load: false,
            bulk: false,
            deferred_keys: Vec::new(),
            loaded: LoadedHouseholds::default(),
        })
    }

    /// Whether the row an edit names is still at the version the edit was read at (read in
    /// this transaction, the row locked on PostgreSQL until its end): `None` when it is, else
    /// the edit's refusal (`Stale`, or `UnknownHousehold` when the row is gone).
    pub(crate) async fn check_version(
        &mut self,
        county: AreaCode,
        what: Versioned<'_>,
        read: i64,
    ) -> StoreResult<Option<RowOutcome>> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let (sql, args) = match what {
            Versioned::Household(no) => (
                "SELECT version FROM households WHERE county_code = $1 AND household_no = $2",
                vec![county.as_i64().into(), no.as_str().into()],
            ),
            Versioned::Member(m) => (
                "SELECT version FROM members WHERE county_code = $1 AND household_no = $2 \
                 AND id_number = $3",
                vec![
                    county.as_i64().into(),
                    m.household_no.as_str().into(),
                    m.id.as_str().into(),
                ],
            ),
        };
        let rows = self.tx.fetch(&format!("{sql}{lock}"), &args).await?;
        Ok(match rows.first().map(|r| r.int(0)).transpose()? {
            Some(version) if version == read => None,
            Some(version) => Some(RowOutcome::Rejected(Rejection::Stale { version })),
            None => Some(RowOutcome::Rejected(Rejection::UnknownHousehold)),
        })
    }

    /// On an empty registry (a first load), drops the name-search indexes inside this
    /// transaction; [`ImportTx::commit`] builds them again before committing, and a rollback
    /// brings them back as they were. Nobody can search an empty registry meanwhile.
    /// Whether it was (a first load).
    pub(crate) async fn defer_search_indexes_if_empty(&mut self) -> StoreResult<bool> {
        let empty = self.tx.fetch(REGISTRY_EMPTY, &[]).await?;
        if !empty.is_empty() {
            for (name, _) in deferred_indexes(self.backend) {
                self.tx
                    .execute(&format!("DROP INDEX IF EXISTS {name}"), &[])
                    .await?;
            }
            if self.backend == Backend::Postgres {
                // PostgreSQL checks a foreign key by a query per row written (two per household
                // and per member); added back at the end, each is one join over the table.
                for r in self.tx.fetch(DEFERRED_KEYS, &[]).await? {
                    let (table, name) = (r.text(0)?, r.text(1)?);
                    self.tx
                        .execute(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}"), &[])
                        .await?;
                    self.deferred_keys.push((table, name, r.text(2)?));
                }
            }
            self.first_load = true;
        }
        Ok(self.first_load)
    }

    /// The transaction, for other statements that must commit together with the rows written
    /// here (e.g. a monitoring decision and the household fields it changes).
    pub(crate) fn tx_mut(&mut self) -> &mut dyn Tx {
        self.tx.as_mut()
    }

    /// The change set everything written here belongs to.
    pub(crate) fn changeset(&self) -> i64 {
        self.changeset
    }

    fn meta(&self, version: i64) -> [Value<'static>; 2] {
        [version.into(), self.changeset.into()]
    }

    /// The INSERT of `rows` rows into `table`, built once per size.
    ///
    /// In a [`SqlImport::bulk`] first load it is `INSERT OR ROLLBACK`: a row the table refuses
    /// (which a first load never writes: every key comes from the file's checked rows) ends the
    /// whole transaction at once, instead of undoing the one statement. SQLite then needs no
    /// statement journal — the pages each statement changes, copied to a temporary file before
    /// it changes them (600 MB of the 2.68 GB a million-household first load wrote). The
    /// SQLite transaction puts the transaction back for its driver (`store-sqlite`: `SqliteTx`).
    fn insert_sql(&mut self, table: &'static str, columns: &[&str], rows: usize) -> String {
        let backend = self.backend;
        let conflict = if self.bulk && backend == Backend::Sqlite {
            "OR ROLLBACK "
        } else {
            ""
        };
        self.inserts
            .entry((table, rows))
            .or_insert_with(|| {
                format!(
                    "INSERT {conflict}INTO {table} ({}) VALUES {}",
                    columns.join(", "),
                    tuples_for(backend, rows, columns.len())
                )
            })
            .clone()
    }

    /// Inserts a row into `table` for each item, `chunk` rows per statement, `values` giving an
    /// item's columns. The parameters of the next statement are built while the database runs
    /// the one before: on SQLite its worker thread executes while this one builds, which took
    /// turns before (a million-household import spent a quarter of its time building).
    async fn insert_pipelined<T: Sync>(
        &mut self,
        table: &'static str,
        columns: &[&str],
        chunk: usize,
        items: &[T],
        values: impl Fn(&T, &mut Vec<Value<'static>>) + Sync,
    ) -> StoreResult<()> {
        let width = columns.len();
        let build = |part: &[T]| {
            let mut args = Vec::with_capacity(part.len() * width);
            for item in part {
                values(item, &mut args);
            }
            args
        };
        let mut parts = items.chunks(chunk.max(1));
        let mut next = parts.next().map(build);
        while let Some(args) = next.take() {
            let sql = self.insert_sql(table, columns, args.len() / width.max(1));
            let run = self.tx.insert_many(table, columns, &sql, args);
            // `run` is polled first: it sends the statement, then the next parameters are built.
            let (done, built) = futures::future::join(run, async { parts.next().map(build) }).await;
            done?;
            next = built;
        }
        Ok(())
    }

    /// Updates rows of `table` in place, `chunk` rows per statement: each row's `columns` values
    /// (the first `key_len` of them its key) and its new version. One statement per row was
    /// most of a re-import that changes rows (a message to the database and back for each:
    /// 100,000 households and 175,175 members changed, with their history, took 84 s).
    async fn update_many(
        &mut self,
        table: &'static str,
        columns: &[&str],
        key_len: usize,
        chunk: usize,
        rows: Vec<(Vec<Value<'static>>, i64)>,
    ) -> StoreResult<()> {
        let all: Vec<&str> = columns.iter().chain(META_COLUMNS).copied().collect();
        let width = all.len();
        let sets: Vec<String> = all[key_len..]
            .iter()
            .map(|c| format!("{c} = v.{c}"))
            .collect();
        let wheres: Vec<String> = all[..key_len]
            .iter()
            .map(|c| format!("{table}.{c} = v.{c}"))
            .collect();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut args = Vec::with_capacity(chunk * width);
            for (values, version) in rows.by_ref().take(chunk.max(1)) {
                args.extend(values);
                args.extend(self.meta(version));
            }
            let n = args.len() / width.max(1);
            let tuples = match self.backend {
                Backend::Sqlite => tuples_for(Backend::Sqlite, n, width),
                // PostgreSQL types a VALUES list's parameters as text unless told.
                Backend::Postgres => typed_tuples(&args[..width], n),
            };
            let sql = format!(
                "WITH v ({}) AS (VALUES {tuples}) UPDATE {table} SET {} FROM v WHERE {}",
                all.join(", "),
                sets.join(", "),
                wheres.join(" AND ")
            );
            self.tx.execute_owned(&sql, args).await?;
        }
        Ok(())
    }

    /// Writes the changed rows of `table` and records each in `history` with its previous and
    /// new value: per row its `columns` values (the first `key_len` its key), its new version,
    /// and the two values as JSON.
    async fn write_changes(
        &mut self,
        table: &'static str,
        history: &'static str,
        columns: &[&str],
        key_len: usize,
        chunk: usize,
        changes: Vec<Change>,
    ) -> StoreResult<()> {
        let mut entries = Vec::with_capacity(changes.len());
        let mut rows = Vec::with_capacity(changes.len());
        for (values, version, before, after) in changes {
            entries.push((values[..key_len].to_vec(), version, before, after));
            rows.push((values, version));
        }
        self.update_many(table, columns, key_len, chunk, rows)
            .await?;
        let mut history_columns = columns[..key_len].to_vec();
        history_columns.extend(["version", "changeset_id", "before_json", "after_json"]);
        let changeset = self.changeset;
        self.insert_pipelined(
            history,
            &history_columns,
            chunk,
            &entries,
            |(k, version, before, after), out| {
                out.extend(k.iter().cloned());
                out.extend([
                    Value::from(*version),
                    changeset.into(),
                    Value::from(before.clone()),
                    Value::from(after.clone()),
                ]);
            },
        )
        .await
    }

    /// Households closed in another county and registered in this one: the number's directory
    /// entry moves here; the household is written as new, or — when it was once registered here
    /// and closed (moved back) — its row here is opened again with the new values. The closed row
    /// in the other county stays, with its history, out of the directory.
    async fn move_households<'r>(&mut self, plan: &mut HouseholdPlan<'r>) -> StoreResult<()> {
        let mut fields: Vec<String> = HOUSEHOLD_COLUMNS.iter().map(|c| format!("h.{c}")).collect();
        fields.push("h.version".into());
        for (county, h, at) in std::mem::take(&mut plan.moves) {
            let key = [
                Value::from(county.as_i64()),
                Value::from(h.no.as_str().to_string()),
            ];
            let here = self
                .tx
                .fetch(
                    &format!(
                        "SELECT {} FROM households h WHERE h.county_code = $1 AND h.household_no = $2",
                        fields.join(", ")
                    ),
                    &key,
                )
                .await?;
            self.tx
                .execute(
                    "UPDATE household_ids SET county_code = $1 WHERE household_no = $2",
                    &key,
                )
                .await?;
            match here.first() {
                Some(r) => {
                    let (_, old) = household_from_row(r, 0)?;
                    let version = r.int(HOUSEHOLD_COLUMNS.len())?;
                    plan.reopened.push((county, h.no.as_str()));
                    plan.updates.push((county, old, h, version + 1));
                    plan.outcomes[at] = RowOutcome::Updated;
                }
                None => {
                    if h.monitoring.category.is_some() && h.monitoring.identified_on.is_some() {
                        plan.periods.push((county, h));
                    }
                    plan.moved_in.push((county, h));
                }
            }
        }
        Ok(())
    }

    /// Writes what [`decide_households`] decided for a batch.
    async fn write_households(&mut self, plan: HouseholdPlan<'_>) -> StoreResult<()> {
        let first_load = self.first_load;
        let mut columns: Vec<&str> = HOUSEHOLD_COLUMNS
            .iter()
            .chain(META_COLUMNS)
            .copied()
            .collect();
        if first_load {
            columns.push("persons");
            for (county, h) in &plan.inserts {
                self.loaded.written(county.as_i64(), h.no.as_str(), h.size);
            }
        }
        let meta = self.meta(1);
        let changeset = self.changeset;
        // Households moved in are new rows here; their number is in the directory already.
        let mut written = plan.inserts.clone();
        written.extend(plan.moved_in.iter().copied());
        self.insert_pipelined(
            "households",
            &columns,
            HOUSEHOLD_CHUNK,
            &written,
            |(county, h), out| {
                out.extend(
                    household_values(*county, h)
                        .into_iter()
                        .map(Value::into_static),
                );
                out.extend(meta.iter().cloned());
                if first_load {
                    out.push(i64::from(h.size).into());
                }
            },
        )
        .await?;
        self.insert_pipelined(
            "household_ids",
            &["household_no", "county_code"],
            HOUSEHOLD_CHUNK,
            &plan.inserts,
            |(county, h), out| {
                out.extend([
                    Value::from(h.no.as_str().to_string()),
                    county.as_i64().into(),
                ]);
            },
        )
        .await?;
        self.insert_pipelined(
            "monitoring_periods",
            &figures::PERIOD_COLUMNS,
            HOUSEHOLD_CHUNK,
            &plan.periods,
            |(county, h), out| {
                if let Some(values) = figures::first_period(*county, h, changeset) {
                    out.extend(values.into_iter().map(Value::into_static));
                }
            },
        )
        .await?;
        for (county, no) in &plan.reopened {
            self.tx
                .execute(
                    "UPDATE households SET dissolved_on = NULL, dissolved_reason = NULL \
                     WHERE county_code = $1 AND household_no = $2",
                    &[county.as_i64().into(), (*no).into()],
                )
                .await?;
        }
        for (county, old, dissolution, version) in plan.closings {
            self.close_household(county, old, dissolution, version)
                .await?;
        }
        let mut changes = Vec::with_capacity(plan.updates.len());
        for (county, old, new, version) in plan.updates {
            self.touched.insert(old.village.as_i64());
            self.touched.insert(new.village.as_i64());
            figures::sync_periods(self.tx.as_mut(), county, Some(&old), new, self.changeset)
                .await?;
            let values = household_values(county, new);
            changes.push((
                values.into_iter().map(Value::into_static).collect(),
                version,
                json(&old)?.to_string(),
                json(new)?.to_string(),
            ));
        }
        self.write_changes(
            "households",
            "household_history",
            HOUSEHOLD_COLUMNS,
            2,
            HOUSEHOLD_CHUNK,
            changes,
        )
        .await
    }

    /// Writes what [`decide_members`] decided for a batch.
    async fn write_members(&mut self, plan: MemberPlan<'_>) -> StoreResult<()> {
        let columns: Vec<&str> = MEMBER_COLUMNS.iter().chain(META_COLUMNS).copied().collect();
        let changeset = self.changeset;
        self.insert_pipelined(
            "members",
            &columns,
            MEMBER_CHUNK,
            &plan.inserts,
            |(county, m, version), out| {
                out.extend(
                    member_values(*county, m)
                        .into_iter()
                        .map(Value::into_static),
                );
                out.extend([Value::from(*version), changeset.into()]);
            },
        )
        .await?;
        // A first load fills the directory once at the end (see [`person_directory`]).
        if !self.first_load {
            self.insert_pipelined(
                "person_ids",
                &["id_number", "county_code", "household_no"],
                MEMBER_CHUNK,
                &plan.inserts,
                |(county, m, _), out| {
                    out.extend([
                        Value::from(m.id.as_str().to_string()),
                        county.as_i64().into(),
                        Value::from(m.household_no.as_str().to_string()),
                    ]);
                },
            )
            .await?;
        }
        let mut deltas: Vec<figures::PersonDelta> = if self.first_load {
            self.loaded.add(plan.deltas)
        } else {
            plan.deltas.into_iter().collect()
        };
        deltas.retain(|(_, d)| *d != (0, 0));
        figures::add_person_counts(self.tx.as_mut(), self.backend, &deltas).await?;
        let mut changes = Vec::with_capacity(plan.updates.len());
        for (county, old, new, version) in plan.updates {
            let values = member_values(county, new);
            changes.push((
                values.into_iter().map(Value::into_static).collect(),
                version,
                json(&old)?.to_string(),
                json(new)?.to_string(),
            ));
        }
        self.write_changes(
            "members",
            "member_history",
            MEMBER_COLUMNS,
            3,
            MEMBER_CHUNK,
            changes,
        )
        .await?;
        self.remove_members(plan.removals).await
    }

    /// Closes a household (销户): its members leave it (each removal kept as a member's, with the
    /// closure's reason and day), it keeps its row with why and when and no persons, and the
    /// closure goes to its history (before: the household; after: `{"dissolved": {reason, on}}`).
    /// Its monitoring records stay; it is no longer counted.
    async fn close_household(
        &mut self,
        county: AreaCode,
        old: Household,
        dissolution: Dissolution,
        version: i64,
    ) -> StoreResult<()> {
        let key = [
            Value::from(county.as_i64()),
            Value::from(old.no.as_str().to_string()),
        ];
        let mut fields: Vec<String> = MEMBER_COLUMNS.iter().map(|c| format!("m.{c}")).collect();
        fields.push("m.version".into());
        let rows = self
            .tx
            .fetch(
                &format!(
                    "SELECT {} FROM members m WHERE m.county_code = $1 AND m.household_no = $2",
                    fields.join(", ")
                ),
                &key,
            )
            .await?;
        let leaving = Leaving {
            reason: dissolution.reason.leave_reason(),
            on: dissolution.on,
        };
        let mut removals = Vec::with_capacity(rows.len());
        for r in &rows {
            let (_, member) = member_from_row(r, 0)?;
            removals.push((
                county,
                member,
                r.int(MEMBER_COLUMNS.len())? + 1,
                Some(leaving),
            ));
        }
        self.remove_members(removals).await?;
        let today = zhenxing_domain::today_in_china();
        let on = dissolution.on.filter(|on| *on <= today).unwrap_or(today);
        self.tx
            .execute(
                "UPDATE households SET dissolved_on = $1, dissolved_reason = $2, persons = 0, \
                 safety_net_persons = 0, version = $3, changeset_id = $4 \
                 WHERE county_code = $5 AND household_no = $6",
                &[
                    Value::from(on.format("%Y-%m-%d").to_string()),
                    Value::from(dissolution.reason.code()),
                    Value::from(version),
                    Value::from(self.changeset),
                    key[0].clone(),
                    key[1].clone(),
                ],
            )
            .await?;
        let after = serde_json::json!({ "dissolved": dissolution }).to_string();
        self.tx
            .execute(
                "INSERT INTO household_history (county_code, household_no, version, changeset_id, \
                 before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    key[0].clone(),
                    key[1].clone(),
                    Value::from(version),
                    Value::from(self.changeset),
                    Value::from(json(&old)?.to_string()),
                    Value::from(after),
                ],
            )
            .await?;
        // Its clues still open (a monitored household's, which open no case; an open case
        // refuses the closure) have nobody left to verify: they close with it.
        self.tx
            .execute(
                // `status = 1` written out: the partial index `clues_one_open` is used then.
                "UPDATE clues SET status = $1, closed_on = $2 \
                 WHERE county_code = $3 AND subject_key = $4 AND status = 1",
                &[
                    Value::from(zhenxing_domain::monitoring::ClueStatus::Closed.code()),
                    Value::from(on.format("%Y-%m-%d").to_string()),
                    key[0].clone(),
                    Value::from(zhenxing_domain::monitoring::ClueSubject::household_key(
                        &old.no,
                    )),
                ],
            )
            .await?;
        self.touched.insert(old.village.as_i64());
        Ok(())
    }

    /// Removes the members who left their households: from the members and the directory, each
    /// removal kept in the member's history (its last value before, why and when after).
    async fn remove_members(
        &mut self,
        removals: Vec<(AreaCode, Member, i64, Option<Leaving>)>,
    ) -> StoreResult<()> {
        for (county, old, version, leaving) in removals {
            let key = [
                Value::from(county.as_i64()),
                Value::from(old.household_no.as_str().to_string()),
                Value::from(old.id.as_str().to_string()),
            ];
            self.tx
                .execute(
                    "DELETE FROM members WHERE county_code = $1 AND household_no = $2 \
                     AND id_number = $3",
                    &key,
                )
                .await?;
            self.tx
                .execute("DELETE FROM person_ids WHERE id_number = $1", &key[2..])
                .await?;
            let after = serde_json::json!({ "removed": leaving }).to_string();
            self.tx
                .execute(
                    "INSERT INTO member_history (county_code, household_no, id_number, version, \
                     changeset_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    &[
                        key[0].clone(),
                        key[1].clone(),
                        key[2].clone(),
                        Value::from(version),
                        Value::from(self.changeset),
                        Value::from(json(&old)?.to_string()),
                        Value::from(after),
                    ],
                )
                .await?;
            // The day they left: the ledger's 减少时间, else today (a day still to come is
            // taken as today: they are removed now).
            let today = zhenxing_domain::today_in_china();
            let left_on = leaving
                .and_then(|l| l.on)
                .filter(|on| *on <= today)
                .unwrap_or(today);
            self.tx
                .execute(
                    "INSERT INTO left_members (county_code, household_no, id_number, version, left_on) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id_number, county_code, household_no) \
                     DO UPDATE SET version = excluded.version, left_on = excluded.left_on",
                    &[
                        key[0].clone(),
                        key[1].clone(),
                        key[2].clone(),
                        Value::from(version),
                        Value::from(left_on.format("%Y-%m-%d").to_string()),
                    ],
                )
                .await?;
        }
        Ok(())
    }
}

/// The fields of a later import's lookup: `lead`, then every column of the row as stored (table
/// alias `alias`), then its version.
fn lookup_fields(lead: &[&str], alias: &str, columns: &[&str]) -> Vec<String> {
    let mut fields: Vec<String> = lead.iter().map(|f| f.to_string()).collect();
    fields.extend(columns.iter().map(|c| format!("{alias}.{c}")));
    fields.push(format!("{alias}.version"));
    fields
}

/// The fields of a later import's households lookup: each registered number, its county, and its
/// household as stored with its version.
fn household_lookup_fields() -> Vec<String> {
    let mut fields = lookup_fields(&["i.household_no", "i.county_code"], "h", HOUSEHOLD_COLUMNS);
    // Whether it is closed (销户).
    fields.push("h.dissolved_on".into());
    fields
}

/// Looks up a chunk of households: each registered number's county, and its household as stored,
/// one packed answer (the driver's cost per returned row was most of a re-import). A first load
/// finds nobody registered (the reader refuses a number repeated in the file): nothing to ask.
async fn lookup_households(
    tx: &mut dyn Tx,
    backend: Backend,
    first_load: bool,
    chunk: &[Household],
) -> StoreResult<String> {
    if first_load || chunk.is_empty() {
        return Ok(String::new());
    }
    let nos: Vec<&str> = chunk.iter().map(|h| h.no.as_str()).collect();
    let (list, _, value) = list_source(backend, 1);
    let fields = household_lookup_fields();
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    fetch_packed(
        tx,
        backend,
        &fields,
        &format!(
            "{list} {} household_ids i ON i.household_no = {value} \
             LEFT JOIN households h ON h.county_code = i.county_code \
             AND h.household_no = i.household_no",
            list_join(backend)
        ),
        &[list_value(backend, &nos)],
    )
    .await
}

/// The open case (kind, stage) of each household that `rows` close (销户): such a household is
/// not closed. Asked only when a row closes one.
async fn open_cases(
    tx: &mut dyn Tx,
    rows: &[Household],
) -> StoreResult<HashMap<String, Rejection>> {
    let closing: Vec<&str> = rows
        .iter()
        .filter(|h| h.dissolving.is_some())
        .map(|h| h.no.as_str())
        .collect();
    let mut open = HashMap::new();
    for chunk in closing.chunks(500) {
        let args: Vec<Value> = chunk.iter().map(|no| Value::from(*no)).collect();
        let sql = format!(
            "SELECT household_no, kind, stage FROM cases WHERE closed_on IS NULL \
             AND household_no IN ({})",
            placeholders(1, chunk.len())
        );
        for r in tx.fetch(&sql, &args).await? {
            use zhenxing_domain::monitoring::{CaseKind, Stage};
            let corrupt = || StoreError::Corrupt("案件类型或环节代码无效".into());
            let kind = CaseKind::from_code(r.int(1)?).ok_or_else(corrupt)?;
            let stage = Stage::from_code(r.int(2)?).ok_or_else(corrupt)?;
            open.insert(r.text(0)?, Rejection::OpenCase { kind, stage });
        }
    }
    Ok(open)
}

/// Decides each household of a chunk from what [`lookup_households`] answered: its outcome, and
/// what to write.
fn decide_households<'r>(
    scope: Scope,
    open_cases: &HashMap<String, Rejection>,
    touched: &mut BTreeSet<i64>,
    span: &mut Span,
    chunk: &'r [Household],
    answer: &str,
    plan: &mut HouseholdPlan<'r>,
) -> StoreResult<()> {
    let mut registered: HashMap<String, i64> = HashMap::new();
    let mut existing: HashMap<String, (Row, i64)> = HashMap::new();
    let mut closed: HashSet<String> = HashSet::new();
    for r in typed_rows(answer, HOUSEHOLD_COLUMNS.len() + 4)? {
        let no = r.text(0)?;
        registered.insert(no.clone(), r.int(1)?);
        if r.opt_text(3 + HOUSEHOLD_COLUMNS.len())?.is_some() {
            closed.insert(no.clone());
        }
        // No household for a registered number: reported below, when a row needs it.
        if let Some(version) = r.opt_int(2 + HOUSEHOLD_COLUMNS.len())? {
            existing.insert(no, (r, version));
        }
    }
    for h in chunk {
        // A row closing the household (销户): only its number is read.
        if let Some(dissolution) = h.dissolving {
            let outcome = match (
                registered.get(h.no.as_str()),
                existing.remove(h.no.as_str()),
            ) {
                // Registered nowhere: nothing to close (closing it again changes nothing).
                (None, _) => RowOutcome::Unchanged,
                (Some(county), Some((row, version))) => {
                    let (_, old) = household_from_row(&row, 2)?;
                    span.widen(old.village);
                    if !scope.contains(old.village) {
                        RowOutcome::Rejected(Rejection::OutOfScope)
                    } else if closed.contains(h.no.as_str()) {
                        RowOutcome::Unchanged
                    } else if let Some(open) = open_cases.get(h.no.as_str()) {
                        RowOutcome::Rejected(open.clone())
                    } else {
                        touched.insert(old.village.as_i64());
                        let county = AreaCode::from_i64(*county)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        plan.closings.push((county, old, dissolution, version + 1));
                        RowOutcome::Removed
                    }
                }
                (Some(_), None) => {
                    return Err(StoreError::Corrupt(format!(
                        "户编号{}在目录中但户信息不存在",
                        h.no
                    )));
                }
            };
            plan.outcomes.push(outcome);
            continue;
        }
        let Some(county) = h.village.county() else {
            plan.outcomes
                .push(RowOutcome::Rejected(Rejection::OutOfScope));
            continue;
        };
        span.widen(h.village);
        if !scope.contains(h.village) {
            plan.outcomes
                .push(RowOutcome::Rejected(Rejection::OutOfScope));
            continue;
        }
        match (
            registered.get(h.no.as_str()),
            existing.remove(h.no.as_str()),
        ) {
            // Closed (销户) in another county: registered here, the number's directory entry
            // moving with it (整户迁出 then registered where the family went).
            (Some(c), _) if *c != county.as_i64() && closed.contains(h.no.as_str()) => {
                plan.moves.push((county, h, plan.outcomes.len()));
                touched.insert(h.village.as_i64());
                plan.outcomes.push(RowOutcome::Inserted);
            }
            (Some(c), _) if *c != county.as_i64() => plan
                .outcomes
                .push(RowOutcome::Rejected(Rejection::HouseholdElsewhere)),
            // Stored as it would be written (the village among them, in the scope): unchanged,
            // without decoding the stored row; a closed household is registered again.
            (Some(_), Some((row, _)))
                if same_values(&row.0[2..], &household_values(county, h))
                    && !closed.contains(h.no.as_str()) =>
            {
                plan.outcomes.push(RowOutcome::Unchanged);
            }
            (Some(_), Some((row, version))) => {
                let (_, old) = household_from_row(&row, 2)?;
                let reopened = closed.contains(h.no.as_str());
                if !scope.contains(old.village) {
                    plan.outcomes
                        .push(RowOutcome::Rejected(Rejection::OutOfScope));
                } else if old == *h && !reopened {
                    plan.outcomes.push(RowOutcome::Unchanged);
                } else {
                    if reopened {
                        plan.reopened.push((county, h.no.as_str()));
                    }
                    plan.updates.push((county, old, h, version + 1));
                    plan.outcomes.push(RowOutcome::Updated);
                }
            }
            (Some(_), None) => {
                return Err(StoreError::Corrupt(format!(
                    "户编号{}在目录中但户信息不存在",
                    h.no
                )));
            }
            (None, _) => {
                if h.monitoring.category.is_some() && h.monitoring.identified_on.is_some() {
                    plan.periods.push((county, h));
                }
                plan.inserts.push((county, h));
                touched.insert(h.village.as_i64());
                plan.outcomes.push(RowOutcome::Inserted);
            }
        }
    }
    Ok(())
}

/// The fields of a later import's persons lookup: each registered person's county, household
/// and its village, and the member as stored there with its version.
fn person_lookup_fields() -> Vec<String> {
    lookup_fields(
        &[
            "p.id_number",
            "p.county_code",
            "p.household_no",
            "h.village_code",
        ],
        "m",
        MEMBER_COLUMNS,
    )
}

/// Looks up a chunk of members, each a packed answer: their households (where each is), and
/// unless a first load, each registered person's household and the member as stored there.
async fn lookup_members(
    tx: &mut dyn Tx,
    backend: Backend,
    first_load: bool,
    chunk: &[Member],
) -> StoreResult<[String; 3]> {
    // A first load knows its households ([`LoadedHouseholds`]) and finds nobody registered:
    // the reader refuses an ID number repeated in the file (with the households' lookups: a
    // million households 54.9 s → 48.6 s).
    if first_load || chunk.is_empty() {
        return Ok([String::new(), String::new(), String::new()]);
    }
    let mut nos: Vec<&str> = chunk.iter().map(|m| m.household_no.as_str()).collect();
    nos.sort_unstable();
    nos.dedup();
    // The chunk's households as one list parameter (binding each of ~350 was most of the
    // statement).
    let (list, _, value) = list_source(backend, 1);
    let join = list_join(backend);
    let households = fetch_packed(
        tx,
        backend,
        &[
            "i.household_no",
            "h.county_code",
            "h.village_code",
            "CASE WHEN h.dissolved_on IS NULL THEN 0 ELSE 1 END",
        ],
        &format!(
            "{list} {join} household_ids i ON i.household_no = {value} \
             JOIN households h ON h.county_code = i.county_code \
             AND h.household_no = i.household_no"
        ),
        &[list_value(backend, &nos)],
    )
    .await?;
    let mut ids: Vec<&str> = chunk.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    let fields = person_lookup_fields();
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    let persons = fetch_packed(
        tx,
        backend,
        &fields,
        &format!(
            "{list} {join} person_ids p ON p.id_number = {value} \
             JOIN households h ON h.county_code = p.county_code \
             AND h.household_no = p.household_no \
             LEFT JOIN members m ON m.county_code = p.county_code \
             AND m.household_no = p.household_no AND m.id_number = p.id_number"
        ),
        &[list_value(backend, &ids)],
    )
    .await?;
    // The households these persons have left, for one registered there again (see
    // `left_members`).
    let left = fetch_packed(
        tx,
        backend,
        &[
            "l.id_number",
            "l.county_code",
            "l.household_no",
            "l.version",
        ],
        &format!("{list} {join} left_members l ON l.id_number = {value}"),
        &[list_value(backend, &ids)],
    )
    .await?;
    Ok([households, persons, left])
}

/// Decides each member of a chunk from what [`lookup_members`] answered: its outcome, and what
/// to write.
fn decide_members<'r>(
    scope: Scope,
    first_load: Option<&LoadedHouseholds>,
    touched: &mut BTreeSet<i64>,
    span: &mut Span,
    chunk: &'r [Member],
    [answer, persons_answer, left_answer]: &[String; 3],
    plan: &mut MemberPlan<'r>,
) -> StoreResult<()> {
    let code = |c: i64| AreaCode::from_i64(c).map_err(|e| StoreError::Corrupt(e.to_string()));
    let parsed = |s: &str| {
        s.parse::<i64>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))
            .and_then(code)
    };
    let mut households: HashMap<&str, (AreaCode, Option<AreaCode>)> = HashMap::new();
    // Households closed (销户): no member is registered in them.
    let mut closed: HashSet<&str> = HashSet::new();
    for f in packed_fields::<4>(answer) {
        let [no, county, village, is_closed] = f?;
        households.insert(no, (parsed(county)?, Some(parsed(village)?)));
        if is_closed == "1" {
            closed.insert(no);
        }
    }
    // Where a member's household is (its village only when looked up: a first load's households
    // are all in the scope, their villages touched when written).
    let mut near = 0;
    let mut household = |no: &str| -> StoreResult<Option<(AreaCode, Option<AreaCode>)>> {
        match first_load {
            Some(loaded) => loaded
                .county_of(no, &mut near)
                .map(|c| code(c).map(|c| (c, None)))
                .transpose(),
            None => Ok(households.get(no).copied()),
        }
    };
    // id -> (county, household, village)
    let mut persons: HashMap<String, (i64, String, i64)> = HashMap::new();
    let mut existing: HashMap<String, (Row, i64)> = HashMap::new();
    for r in typed_rows(persons_answer, MEMBER_COLUMNS.len() + 5)? {
        let id = r.text(0)?;
        persons.insert(id.clone(), (r.int(1)?, r.text(2)?, r.int(3)?));
        // No member for a registered person: reported below, when a row needs it.
        if let Some(version) = r.opt_int(4 + MEMBER_COLUMNS.len())? {
            existing.insert(id, (r, version));
        }
    }

    // (id, county, household) -> the last version written there before the person left.
    let mut left: HashMap<(String, i64, String), i64> = HashMap::new();
    for r in typed_rows(left_answer, 4)? {
        left.insert((r.text(0)?, r.int(1)?, r.text(2)?), r.int(3)?);
    }

    for m in chunk {
        let Some((county, village)) = household(m.household_no.as_str())? else {
            plan.outcomes
                .push(RowOutcome::Rejected(Rejection::UnknownHousehold));
            continue;
        };
        if let Some(v) = village {
            span.widen(v);
        }
        if village.is_some_and(|v| !scope.contains(v)) {
            plan.outcomes
                .push(RowOutcome::Rejected(Rejection::UnknownHousehold));
            continue;
        }
        if m.leaving.is_none() && closed.contains(m.household_no.as_str()) {
            plan.outcomes
                .push(RowOutcome::Rejected(Rejection::HouseholdClosed));
            continue;
        }
        let touch = |touched: &mut BTreeSet<i64>| {
            if let Some(v) = village {
                touched.insert(v.as_i64());
            }
        };
        // A row saying the person has left: removed when registered in this household; nothing
        // to do when registered nowhere (left already, or never registered: importing the same
        // ledger again changes nothing).
        if let Some(leaving) = m.leaving {
            match persons.get(m.id.as_str()) {
                None => plan.outcomes.push(RowOutcome::Unchanged),
                Some((_, other, _)) if other != m.household_no.as_str() => {
                    plan.outcomes
                        .push(RowOutcome::Rejected(Rejection::NotInHousehold {
                            leaving: leaving.reason,
                        }));
                }
                Some(_) => match existing.remove(m.id.as_str()) {
                    Some((row, version)) => {
                        let (_, old) = member_from_row(&row, 4)?;
                        let d = plan
                            .deltas
                            .entry((county.as_i64(), m.household_no.as_str().to_string()))
                            .or_default();
                        d.0 -= 1;
                        d.1 -= safety_net(&old);
                        touch(touched);
                        plan.removals.push((county, old, version + 1, m.leaving));
                        plan.outcomes.push(RowOutcome::Removed);
                    }
                    None => {
                        return Err(StoreError::Corrupt(format!(
                            "人员{}在目录中但成员信息不存在",
                            m.id
                        )));
                    }
                },
            }
            continue;
        }
        match persons.get(m.id.as_str()) {
            Some((_, other, other_village)) if other != m.household_no.as_str() => {
                let visible = AreaCode::from_i64(*other_village).is_ok_and(|v| scope.contains(v));
                let shown = if visible {
                    HouseholdNo::parse(other).ok()
                } else {
                    None
                };
                plan.outcomes
                    .push(RowOutcome::Rejected(Rejection::PersonInOtherHousehold(
                        shown,
                    )));
            }
            Some(_) => match existing.remove(m.id.as_str()) {
                // Stored as it would be written: unchanged, without decoding the stored row.
                Some((row, _)) if same_values(&row.0[4..], &member_values(county, m)) => {
                    plan.outcomes.push(RowOutcome::Unchanged);
                }
                Some((row, version)) => match member_from_row(&row, 4)? {
                    (_, old) if old == *m => plan.outcomes.push(RowOutcome::Unchanged),
                    (_, old) => {
                        let d = plan
                            .deltas
                            .entry((county.as_i64(), m.household_no.as_str().to_string()))
                            .or_default();
                        d.1 += safety_net(m) - safety_net(&old);
                        touch(touched);
                        plan.updates.push((county, old, m, version + 1));
                        plan.outcomes.push(RowOutcome::Updated);
                    }
                },
                None => {
                    return Err(StoreError::Corrupt(format!(
                        "人员{}在目录中但成员信息不存在",
                        m.id
                    )));
                }
            },
            None => {
                let d = plan
                    .deltas
                    .entry((county.as_i64(), m.household_no.as_str().to_string()))
                    .or_default();
                d.0 += 1;
                d.1 += safety_net(m);
                touch(touched);
                // Registered again where the person once was: the history there goes on.
                let version = left
                    .get(&(
                        m.id.as_str().to_string(),
                        county.as_i64(),
                        m.household_no.as_str().to_string(),
                    ))
                    .map_or(1, |v| v + 1);
                plan.inserts.push((county, m, version));
                plan.outcomes.push(RowOutcome::Inserted);
            }
        }
    }
    Ok(())
}

/// Decides `rows` a chunk at a time from what `lookup` found for it; each chunk's lookup runs
/// while the one before is decided (on SQLite in its worker thread, on PostgreSQL in the server).
async fn pipelined<'r, T: Sync, A: Default>(
    tx: &mut dyn Tx,
    rows: &'r [T],
    chunk: usize,
    lookup: impl for<'a> Fn(&'a mut dyn Tx, &'a [T]) -> BoxFuture<'a, StoreResult<A>>,
    mut decide: impl FnMut(&'r [T], &A) -> StoreResult<()>,
) -> StoreResult<()> {
    let mut chunks = rows.chunks(chunk.max(1));
    let mut current = chunks.next();
    let mut answer = match current {
        Some(c) => lookup(&mut *tx, c).await?,
        None => A::default(),
    };
    while let Some(part) = current {
        let next = chunks.next();
        let (fetched, decided) =
            futures::future::join(lookup(&mut *tx, next.unwrap_or_default()), async {
                decide(part, &answer)
            })
            .await;
        decided?;
        answer = fetched?;
        current = next;
    }
    Ok(())
}

/// Whether a stored row's leading values are `written`: what writing it again would store (a
/// null is a null of any type: a packed answer does not say). Deciding a row unchanged this way
/// skips decoding it — most of a re-import's rows.
fn same_values(stored: &[Value<'_>], written: &[Value<'_>]) -> bool {
    let null =
        |v: &Value<'_>| matches!(v, Value::Int(None) | Value::Text(None) | Value::Bytes(None));
    stored.len() >= written.len()
        && stored
            .iter()
            .zip(written)
            .all(|(a, b)| a == b || (null(a) && null(b)))
}

/// A changed row: its values, its new version, its previous and new value as JSON.
type Change = (Vec<Value<'static>>, i64, String, String);

/// What a batch of households comes to: each row's outcome, the rows to insert (with their
/// county; those monitored also open a monitoring period) and the updates (old value, new,
/// next version).
#[derive(Default)]
struct HouseholdPlan<'r> {
    outcomes: Vec<RowOutcome>,
    inserts: Vec<(AreaCode, &'r Household)>,
    periods: Vec<(AreaCode, &'r Household)>,
    updates: Vec<(AreaCode, Household, &'r Household, i64)>,
    /// Households closed (销户): as stored, why, their next version.
    closings: Vec<(AreaCode, Household, Dissolution, i64)>,
    /// Closed households registered again (among `updates`).
    reopened: Vec<(AreaCode, &'r str)>,
    /// Households closed in another county and registered in this one (see
    /// [`SqlImport::move_households`]).
    moves: Vec<(AreaCode, &'r Household, usize)>,
    /// Of them, those new to this county: inserted, their directory entry moved (not added).
    moved_in: Vec<(AreaCode, &'r Household)>,
}

/// What a batch of members comes to, as [`HouseholdPlan`]; with the persons (and 低保/特困
/// persons) each household gains.
#[derive(Default)]
struct MemberPlan<'r> {
    outcomes: Vec<RowOutcome>,
    /// New members, each with its first version (1, or on from a household's history).
    inserts: Vec<(AreaCode, &'r Member, i64)>,
    updates: Vec<(AreaCode, Member, &'r Member, i64)>,
    /// Members leaving: as stored, their next version, and the row saying why.
    removals: Vec<(AreaCode, Member, i64, Option<Leaving>)>,
    deltas: HashMap<(i64, String), (i64, i64)>,
}

/// Starts a change set: who changes the registry, when, and (for imports) from which files.
pub(crate) async fn open_changeset(
    tx: &mut dyn Tx,
    actor: &Actor,
    scope: Scope,
    kind: &str,
    source: &ImportSource,
) -> StoreResult<i64> {
    let scope_code = match scope {
        Scope::All => None,
        Scope::Area(a) => Some(a.as_i64()),
    };
    let rows = tx
        .fetch(
            "INSERT INTO changesets (at, actor, user_id, scope_code, kind, households_file, members_file) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[
                now_text().into(),
                actor.name.as_str().into(),
                actor.user_id.into(),
                scope_code.into(),
                kind.into(),
                source.households_file.as_deref().into(),
                source.members_file.as_deref().into(),
            ],
        )
        .await?;
    rows.first()
        .map(|r| r.int(0))
        .transpose()?
        .ok_or_else(|| StoreError::Database("no change set id".into()))
}

fn json<T: serde::Serialize>(v: &T) -> StoreResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| StoreError::Database(e.to_string()))
}

#[async_trait]
impl ImportTx for SqlImport {
    async fn households(&mut self, rows: &[Household]) -> StoreResult<Vec<RowOutcome>> {
        // Every lookup first, then every write: the reader refuses a household number repeated
        // in the file, so no row of the batch depends on another's write.
        let mut plan = HouseholdPlan::default();
        let (backend, first_load, scope) = (self.backend, self.first_load, self.scope);
        let open = open_cases(self.tx.as_mut(), rows).await?;
        let (tx, touched, span) = (self.tx.as_mut(), &mut self.touched, &mut self.span);
        pipelined(
            tx,
            rows,
            HOUSEHOLD_CHUNK,
            |tx, c| Box::pin(lookup_households(tx, backend, first_load, c)),
            |c, answer| decide_households(scope, &open, touched, span, c, answer, &mut plan),
        )
        .await?;
        self.move_households(&mut plan).await?;
        let outcomes = std::mem::take(&mut plan.outcomes);
        self.write_households(plan).await?;
        Ok(outcomes)
    }

    async fn members(&mut self, rows: &[Member]) -> StoreResult<Vec<RowOutcome>> {
        // As for households: the reader refuses an ID number repeated in the file.
        let mut plan = MemberPlan::default();
        let (backend, first_load, scope) = (self.backend, self.first_load, self.scope);
        if first_load {
            self.loaded.sort();
        }
        let loaded = first_load.then_some(&self.loaded);
        let (tx, touched, span) = (self.tx.as_mut(), &mut self.touched, &mut self.span);
        pipelined(
            tx,
            rows,
            MEMBER_CHUNK,
            |tx, c| Box::pin(lookup_members(tx, backend, first_load, c)),
            |c, answers| decide_members(scope, loaded, touched, span, c, answers, &mut plan),
        )
        .await?;
        let outcomes = std::mem::take(&mut plan.outcomes);
        self.write_members(plan).await?;
        Ok(outcomes)
    }

    async fn commit(
        mut self: Box<Self>,
        c: &ImportCounts,
        kept: &dyn ProblemLines,
    ) -> StoreResult<i64> {
        let today = zhenxing_domain::today_in_china();
        if self.bulk {
            // The households' villages and the periods' households, one pass each (0.15 s for
            // a million households on SQLite); the members' households were found in the
            // directory when decided (a pass over them took 1.6 s).
            self.tx
                .check_references(&["households", "monitoring_periods"])
                .await?;
        }
        if self.first_load {
            let corrections = std::mem::take(&mut self.loaded).corrections();
            figures::add_person_counts(self.tx.as_mut(), self.backend, &corrections).await?;
            for statement in person_directory(self.backend) {
                self.tx.execute(statement, &[]).await?;
            }
            for (_, create) in deferred_indexes(self.backend) {
                self.tx.execute(create, &[]).await?;
            }
            for (table, name, definition) in std::mem::take(&mut self.deferred_keys) {
                self.tx
                    .execute(
                        &format!("ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"),
                        &[],
                    )
                    .await?;
            }
        }
        figures::refresh(self.tx.as_mut(), self.backend, &self.touched, today).await?;
        let n = |v: u64| Value::from(i64::try_from(v).unwrap_or(i64::MAX));
        self.tx
            .execute(
                "UPDATE changesets SET finished_at = $1, households_inserted = $2, households_updated = $3, \
                 households_unchanged = $4, members_inserted = $5, members_updated = $6, members_unchanged = $7, \
                 rejected = $8, problems = $9, scope_code = COALESCE(scope_code, $11), \
                 members_removed = $12, households_dissolved = $13 WHERE id = $10",
                &[
                    now_text().into(),
                    n(c.households_inserted),
                    n(c.households_updated),
                    n(c.households_unchanged),
                    n(c.members_inserted),
                    n(c.members_updated),
                    n(c.members_unchanged),
                    n(c.rejected),
                    n(kept.count() as u64),
                    self.changeset.into(),
                    // Confined to no area (the command line): recorded under the area of its rows.
                    self.span.area().map(|a| a.as_i64()).into(),
                    n(c.members_removed),
                    n(c.households_dissolved),
                ],
            )
            .await?;
        problems::write(
            self.tx.as_mut(),
            self.backend,
            &problems::IMPORT,
            self.changeset,
            kept,
        )
        .await?;
        let id = self.changeset;
        self.tx.commit().await?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{LoadedHouseholds, Value, same_values};

    #[test]
    fn a_first_loads_households_are_found_by_number_and_corrected_where_members_differ() {
        let mut loaded = LoadedHouseholds::default();
        loaded.written(620102, "2", 3);
        loaded.written(620102, "10", 1);
        loaded.written(620103, "3", 2);
        loaded.written(620102, "7", 2);
        loaded.sort();
        assert_eq!(loaded.county_of("3", &mut 0), Some(620103));
        assert_eq!(loaded.county_of("10", &mut 3), Some(620102));
        assert_eq!(loaded.county_of("1", &mut 0), None);
        // Shorter numbers first: 2, 3, 7, 10; the place found is kept for the next search.
        let mut near = 0;
        assert_eq!(loaded.county_of("7", &mut near), Some(620102));
        assert_eq!(near, 2);
        assert_eq!(loaded.county_of("10", &mut near), Some(620102));
        assert_eq!(near, 3);
        assert_eq!(loaded.county_of("2", &mut near), Some(620102));
        assert_eq!(near, 0);
        // What batches of members came to: (county, household, persons, 低保/特困 persons). One
        // household's members in two batches; members of households not written here, or given
        // another county, are returned.
        let batch = |deltas: &[(i64, &str, i64, i64)]| -> HashMap<(i64, String), (i64, i64)> {
            deltas
                .iter()
                .map(|(c, no, n, k)| ((*c, no.to_string()), (*n, *k)))
                .collect()
        };
        assert!(
            loaded
                .add(batch(&[(620102, "2", 2, 0), (620103, "3", 2, 1)]))
                .is_empty()
        );
        loaded.written(620104, "1", 1);
        assert_eq!(loaded.county_of("1", &mut 0), None, "unsorted");
        let mut rest = loaded.add(batch(&[
            (620102, "2", 1, 0),
            (620102, "10", 3, 0),
            (620104, "1", 1, 0),
            (620105, "5", 1, 1),
            (620105, "7", 1, 0),
        ]));
        rest.sort();
        assert_eq!(
            rest,
            vec![
                ((620105, "5".to_string()), (1, 1)),
                ((620105, "7".to_string()), (1, 0))
            ]
        );
        let mut corrections = loaded.corrections();
        corrections.sort();
        assert_eq!(
            corrections,
            vec![
                ((620102, "10".to_string()), (2, 0)),
                ((620102, "7".to_string()), (-2, 0)),
                ((620103, "3".to_string()), (0, 1)),
            ]
        );
    }

    #[test]
    fn a_row_is_the_same_only_when_every_written_value_is_stored() {
        let written = [
            Value::Int(Some(620102)),
            Value::from("张三"),
            Value::Int(None),
            Value::Text(None),
        ];
        // A packed answer gives every null as a null text, and the row's version after its
        // columns.
        let stored = [
            Value::Int(Some(620102)),
            Value::from("张三"),
            Value::Text(None),
            Value::Text(None),
            Value::Int(Some(3)),
        ];
        assert!(same_values(&stored, &written));
        let mut other = stored.clone();
        other[1] = Value::from("张 三");
        assert!(!same_values(&other, &written));
        let mut filled = stored.clone();
        filled[2] = Value::Int(Some(0));
        assert!(!same_values(&filled, &written));
        assert!(!same_values(&stored[..3], &written));
    }
}

//! The registry in SQL, written once for every backend.
//!
//! A backend provides a [`Db`]: transactions that run SQL text with [`Value`] parameters and hand
//! back [`Row`]s. The SQL here is the common dialect of SQLite and PostgreSQL (`$n` parameters,
//! `ON CONFLICT`, row values, `RETURNING`); where they differ, [`Db::backend`] says which.

mod accounts;
mod columns;
mod construction;
mod cooperation;
mod employment;
mod figures;
mod import;
mod loan;
mod monitoring;
mod packed;
mod problems;
mod project;
mod screening;
mod search;
mod store;
mod versioned;
mod work;
mod work_team;

use std::borrow::Cow;

use async_trait::async_trait;

pub use store::SqlStore;

use crate::{Backend, StoreError, StoreResult};

/// A parameter or column value. Nulls carry their type: PostgreSQL needs it. Text borrows from
/// the record it was taken from, so a million-row import copies no strings on the way in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
    /// Binary data (visit photos): BLOB in SQLite, BYTEA in PostgreSQL.
    Bytes(Option<Cow<'a, [u8]>>),
}

impl Value<'_> {
    /// The same value owning its text: what a statement sent to another thread needs.
    pub fn into_static(self) -> Value<'static> {
        match self {
            Value::Int(i) => Value::Int(i),
            Value::Text(t) => Value::Text(t.map(|t| Cow::Owned(t.into_owned()))),
            Value::Bytes(b) => Value::Bytes(b.map(|b| Cow::Owned(b.into_owned()))),
        }
    }
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}

impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}

impl From<Option<bool>> for Value<'_> {
    fn from(v: Option<bool>) -> Self {
        Value::Int(v.map(i64::from))
    }
}

impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Text(Some(Cow::Owned(v)))
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(Some(Cow::Borrowed(v)))
    }
}

impl From<Option<String>> for Value<'_> {
    fn from(v: Option<String>) -> Self {
        Value::Text(v.map(Cow::Owned))
    }
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Value::Text(v.map(Cow::Borrowed))
    }
}

impl<'a> From<&'a Option<String>> for Value<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Value::Text(v.as_deref().map(Cow::Borrowed))
    }
}

/// One result row, columns in select order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Value<'static>>);

impl Row {
    fn get(&self, i: usize) -> StoreResult<&Value<'static>> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Corrupt(format!("result has no column {i}")))
    }

    pub fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        match self.get(i)? {
            Value::Int(v) => Ok(*v),
            Value::Text(None) | Value::Bytes(None) => Ok(None),
            Value::Bytes(Some(_)) => {
                Err(StoreError::Corrupt(format!("column {i}: not an integer")))
            }
            Value::Text(Some(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| StoreError::Corrupt(format!("column {i}: not an integer: {s}"))),
        }
    }

    pub fn int(&self, i: usize) -> StoreResult<i64> {
        self.opt_int(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }

    pub fn opt_text(&self, i: usize) -> StoreResult<Option<String>> {
        match self.get(i)? {
            Value::Text(v) => Ok(v.as_ref().map(|s| s.to_string())),
            Value::Int(v) => Ok(v.map(|n| n.to_string())),
            Value::Bytes(None) => Ok(None),
            Value::Bytes(Some(_)) => Err(StoreError::Corrupt(format!("column {i}: not text"))),
        }
    }

    pub fn opt_bytes(&self, i: usize) -> StoreResult<Option<Vec<u8>>> {
        match self.get(i)? {
            Value::Bytes(v) => Ok(v.as_ref().map(|b| b.to_vec())),
            Value::Int(None) | Value::Text(None) => Ok(None),
            Value::Text(Some(s)) => Ok(Some(s.as_bytes().to_vec())),
            Value::Int(Some(_)) => Err(StoreError::Corrupt(format!("column {i}: not bytes"))),
        }
    }

    pub fn text(&self, i: usize) -> StoreResult<String> {
        self.opt_text(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }

    pub fn flag(&self, i: usize) -> StoreResult<bool> {
        Ok(self.int(i)? != 0)
    }

    pub fn opt_flag(&self, i: usize) -> StoreResult<Option<bool>> {
        Ok(self.opt_int(i)?.map(|v| v != 0))
    }
}

/// A database the SQL store can run on.
#[async_trait]
pub trait Db: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Runs this backend's migrations.
    async fn migrate(&self) -> StoreResult<()>;

    /// A read-write transaction. SQLite has one writer at a time; callers wait their turn.
    async fn write(&self) -> StoreResult<Box<dyn Tx>>;

    /// A read-write transaction for a first load into an empty registry (`SqlImport`), which
    /// resolves every reference it writes itself and only appends: the database need not check
    /// foreign keys row by row, and may set itself up for appending and sorting (SQLite: keys
    /// off, a small page cache, a helper thread for sorts; see its `Db`). The writer checks what
    /// it did not resolve with [`Tx::check_references`] before committing. The default is
    /// [`Db::write`].
    async fn write_bulk(&self) -> StoreResult<Box<dyn Tx>> {
        self.write().await
    }

    /// A read-only transaction that sees one consistent snapshot.
    async fn read(&self) -> StoreResult<Box<dyn Tx>>;

    /// Writes a consistent copy of the whole database to `path`, online.
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()>;

    /// The database's own check of its files and structures: `Ok(())` when intact.
    async fn check_integrity(&self) -> StoreResult<()>;

    /// After a bulk write: lets the database fold what it wrote into its main files (SQLite:
    /// checkpoints the WAL into the database file and truncates it, so later reads do not look
    /// every page up in a WAL as large as the database). Nothing to do by default.
    async fn settle(&self) -> StoreResult<()> {
        Ok(())
    }
}

#[async_trait]
pub trait Tx: Send {
    async fn fetch(&mut self, sql: &str, args: &[Value<'_>]) -> StoreResult<Vec<Row>>;

    async fn execute(&mut self, sql: &str, args: &[Value<'_>]) -> StoreResult<u64>;

    /// From now on in this transaction, plan each statement for its values instead of reusing a
    /// plan made once. For a transaction that grows the tables it reads while it runs (a
    /// screening batch). PostgreSQL: statements are sent unnamed. A named statement gets, after
    /// five runs, a generic plan made for the tables as they were then; during a screening batch
    /// the clues and cases grow from nothing to 100,000 rows, and the plan made at the fifth chunk
    /// read a county's open clues by the county alone and tested each against the 1,000
    /// parameters of `subject_key IN ($2, …)` one by one (150 ms a statement; the batch 17–23 s
    /// to write, 11–15 s planned per run). Not for every transaction: an updated ledger's
    /// `VALUES` updates, planned every run, took 90 s instead of 76 s. SQLite plans every
    /// statement afresh anyway: nothing to do.
    fn plan_each_run(&mut self) {}

    /// [`Tx::execute`] with parameters it may keep: a backend that hands statements to another
    /// thread (SQLite's worker) moves them there instead of copying every text.
    async fn execute_owned(&mut self, sql: &str, args: Vec<Value<'static>>) -> StoreResult<u64> {
        self.execute(sql, &args).await
    }

    /// Appends rows to a table. The default is a multi-row INSERT; a backend with a bulk path
    /// (PostgreSQL's COPY) overrides it. `insert_sql` is the INSERT for exactly these rows
    /// (`rows.len() / columns.len()` of them), built by the caller (and cached across calls).
    /// Building the next call's `rows` may overlap this one: the statement is sent when the
    /// future is first polled.
    async fn insert_many(
        &mut self,
        _table: &str,
        _columns: &[&str],
        insert_sql: &str,
        rows: Vec<Value<'static>>,
    ) -> StoreResult<()> {
        self.execute_owned(insert_sql, rows).await.map(|_| ())
    }

    /// In a transaction from [`Db::write_bulk`]: fails unless every foreign key of `tables`
    /// holds. Nothing to do where the database checked them as rows were written (the default;
    /// PostgreSQL validates the keys a first load dropped when it adds them again).
    async fn check_references(&mut self, _tables: &[&str]) -> StoreResult<()> {
        Ok(())
    }

    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// A list of values passed as one parameter `$n` and read as a table `j` with the position
/// (from 0) and the value of each item: `json_each` in SQLite, `unnest … WITH ORDINALITY` in
/// PostgreSQL. Returns (the table, the position expression, the value expression). One
/// parameter instead of thousands: binding each was a good part of a large lookup.
pub(crate) fn list_source(backend: Backend, n: usize) -> (String, String, &'static str) {
    match backend {
        Backend::Sqlite => (format!("json_each(${n}) j"), "j.key".into(), "j.value"),
        Backend::Postgres => (
            format!("unnest(string_to_array(${n}, ',')) WITH ORDINALITY AS j(value, key)"),
            "j.key - 1".into(),
            "j.value",
        ),
    }
}

/// How a [`list_source`] is joined to the table it looks up: SQLite must be told to read the
/// list first (`CROSS JOIN` fixes its join order); left to choose, it may scan a county's
/// households once per item of the list (measured: 0.84 s instead of 3 ms for 3,000 households).
/// PostgreSQL plans the join itself.
pub(crate) fn list_join(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "CROSS JOIN",
        Backend::Postgres => "JOIN",
    }
}

/// The parameter of [`list_source`] for items that need no quoting (ID numbers, household
/// numbers: digits, letters, `-`, `_`).
pub(crate) fn list_value(backend: Backend, items: &[&str]) -> Value<'static> {
    let mut s = String::with_capacity(items.iter().map(|i| i.len() + 3).sum::<usize>() + 2);
    let (open, quote, close) = match backend {
        Backend::Sqlite => ("[", "\"", "]"),
        Backend::Postgres => ("", "", ""),
    };
    s.push_str(open);
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        s.push_str(quote);
        s.push_str(item);
        s.push_str(quote);
    }
    s.push_str(close);
    Value::from(s)
}

/// A statement's parameters, built with their placeholders.
#[derive(Default)]
pub(crate) struct Args<'a> {
    pub values: Vec<Value<'a>>,
}

impl<'a> Args<'a> {
    /// Adds a parameter; answers its placeholder.
    pub fn push(&mut self, v: impl Into<Value<'a>>) -> String {
        self.values.push(v.into());
        format!("${}", self.values.len())
    }

    /// `column IN ($a, …, $b)`, a parameter per item (text or integer keys). (A transaction that
    /// runs many such lists against tables it grows asks for [`Tx::plan_each_run`].)
    pub fn one_of<T: Copy + Into<Value<'a>>>(&mut self, column: &str, items: &[T]) -> String {
        let first = self.values.len() + 1;
        self.values.extend(items.iter().map(|i| (*i).into()));
        format!("{column} IN ({})", placeholders(first, items.len()))
    }
}

/// `n` new ids of `table`'s `id` column, reserved inside a writing transaction: SQLite's are the
/// next after its largest (the transaction holds the only write lock), PostgreSQL's come from the
/// column's sequence.
pub(crate) async fn reserve_ids(
    tx: &mut dyn Tx,
    backend: Backend,
    table: &str,
    n: usize,
) -> StoreResult<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    match backend {
        Backend::Sqlite => {
            let rows = tx
                .fetch(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"), &[])
                .await?;
            let last = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
            Ok((1..=n as i64).map(|i| last + i).collect())
        }
        Backend::Postgres => tx
            .fetch(
                &format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) \
                     FROM generate_series(1, $1)"
                ),
                &[(n as i64).into()],
            )
            .await?
            .iter()
            .map(|r| r.int(0))
            .collect(),
    }
}

/// A JSON array parameter as a table of its elements, each in a column `value` (read an
/// element's parts with `v.value ->> i`): `json_each` in SQLite, `json_array_elements` in
/// PostgreSQL.
pub(crate) fn json_rows(backend: Backend, param: &str) -> String {
    match backend {
        Backend::Sqlite => format!("json_each({param}) AS v"),
        Backend::Postgres => format!("json_array_elements({param}::json) AS v(value)"),
    }
}

/// `$first, $first+1, ...` for `n` parameters.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 5);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('$');
        s.push_str(&(first + i).to_string());
    }
    s
}

/// `($1,$2),($3,$4),...`: `rows` tuples of `width` parameters, for multi-row VALUES. SQLite gets
/// anonymous `?` parameters: it binds named ones by a linear search each.
pub(crate) fn tuples_for(backend: Backend, rows: usize, width: usize) -> String {
    let mut s = String::with_capacity(rows * (width * 5 + 3));
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        match backend {
            Backend::Sqlite => {
                for i in 0..width {
                    s.push_str(if i == 0 { "?" } else { ",?" });
                }
            }
            Backend::Postgres => s.push_str(&placeholders(r * width + 1, width)),
        }
        s.push(')');
    }
    s
}

/// `tuples_for` in the `$n` form every backend accepts.
pub(crate) fn tuples(rows: usize, width: usize) -> String {
    tuples_for(Backend::Postgres, rows, width)
}

pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The lower end of an area's village range for a keyset page after `cursor_village`: the
/// cursor's village when it lies above the area's first. Given as the range's start, it is where
/// the index is entered; a row-value condition `(village, no) > (…)` alone is not used to
/// enter it by SQLite, which would walk every earlier page's rows again for each page.
pub(crate) fn keyset_start(area_lo: u64, cursor_village: i64) -> i64 {
    (area_lo as i64).max(cursor_village)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_lists() {
        assert_eq!(placeholders(3, 3), "$3,$4,$5");
        assert_eq!(tuples(2, 2), "($1,$2),($3,$4)");
        assert_eq!(tuples_for(Backend::Sqlite, 2, 2), "(?,?),(?,?)");
    }
}

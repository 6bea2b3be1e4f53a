//! SQLite storage: one database file, WAL, one writer at a time, foreign keys on.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{
    Arguments as _, ConnectOptions as _, Row as _, Sqlite, SqlitePool, Transaction, TypeInfo,
    ValueRef,
};
use zhenxing_store::sql::{Db, Row, SqlStore, Tx, Value};
use zhenxing_store::{Backend, StoreError, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub struct SqliteDb {
    write: SqlitePool,
    read: SqlitePool,
    sharing: Sharing,
}

/// Whether other connections may use the database while this process has it open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// WAL: readers (the server, another command) go on while one writer writes.
    Shared,
    /// A batch command (`zhenxing import`, `zhenxing screen`) that expects the database to
    /// itself. While no other connection has the file open, it writes through a rollback journal
    /// (`TRUNCATE`): each page goes to the database file once, where WAL writes it to the log and
    /// copies it again at the checkpoint — a province's first load 18.8 → 17.1 s on average of
    /// four pairs, an updated ledger 32 → 29.7 s (BENCHMARKS). Durable the same (`synchronous=FULL`): a crash leaves a hot journal that
    /// the next connection rolls back. When another connection holds the file (a running server),
    /// SQLite refuses the switch and everything stays WAL. `close` sets WAL back; a process that
    /// ends without it leaves the file in rollback mode, and the next [`Sharing::Shared`] open
    /// sets WAL again.
    Alone,
}

pub type SqliteStore = SqlStore<SqliteDb>;

/// The writer's page cache, KiB (readers have a quarter each).
const WRITER_CACHE_KIB: u32 = 131_072;

/// The page size of a database this store creates.
const PAGE_SIZE: u32 = 16_384;

fn db_err(e: sqlx::Error) -> StoreError {
    // SQLITE_FULL (13): the disk is full (or the file at its page limit).
    if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("13") {
        return StoreError::DiskFull;
    }
    StoreError::Database(e.to_string())
}

impl SqliteDb {
    /// Opens (creating if needed) the database at `target`: a file path, or a `sqlite://` URL.
    pub async fn open(target: &str) -> StoreResult<SqliteDb> {
        SqliteDb::open_with(target, Sharing::Shared).await
    }

    /// [`SqliteDb::open`], saying whether others may use the database meanwhile.
    pub async fn open_with(target: &str, sharing: Sharing) -> StoreResult<SqliteDb> {
        let options = if target.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(target).map_err(db_err)?
        } else {
            SqliteConnectOptions::new().filename(Path::new(target))
        };
        let options = options
            .create_if_missing(true)
            // 16 KiB pages for a new database (an existing one keeps its own): shallower trees
            // and a quarter of the page reads. Measured on a million households: import
            // 61.7 s → 55.2 s, a screening's 463,547 directory lookups 0.28 s → 0.23 s.
            .page_size(PAGE_SIZE)
            // Durable: a commit is on disk when it returns.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // A generous page cache keeps the keys of a county-sized import in memory.
            .pragma("cache_size", format!("-{WRITER_CACHE_KIB}"))
            .pragma("temp_store", "MEMORY")
            // A bulk import's statements take seconds by design: not a warning for the user
            // (`RUST_LOG=sqlx=debug` shows them).
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        // Alone, the writer (connected first) asks for the rollback journal below, and the
        // readers leave the mode as they find it: setting WAL, they would switch the file back.
        let (write_options, read_options) = match sharing {
            Sharing::Shared => {
                let o = options.journal_mode(SqliteJournalMode::Wal);
                (o.clone(), o)
            }
            Sharing::Alone => (options.clone(), options),
        };
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(600))
            // A first load turns the writer's foreign-key checks off for its transaction
            // (`write_bulk`), shrinks its page cache and lends its sorts a helper thread;
            // every other writer has the keys on, the full cache and no helper, however that
            // one ended. A connection that
            // cannot turn them on again is closed, not used; so is one that cannot begin a
            // transaction (`can_begin`).
            .before_acquire(|conn, _| {
                Box::pin(async move {
                    if !can_begin(conn).await? {
                        return Ok(false);
                    }
                    sqlx::query(&format!(
                        "PRAGMA foreign_keys = ON; PRAGMA cache_size = -{WRITER_CACHE_KIB}; \
                         PRAGMA threads = 0"
                    ))
                    .execute(&mut *conn)
                    .await?;
                    let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                        .fetch_one(&mut *conn)
                        .await?;
                    Ok(on == 1)
                })
            })
            // The writer sorts on disk: a first load's index build would otherwise hold the
            // whole sort in memory (1 M households: 578 MiB peak instead of 394 MiB).
            .connect_with(write_options.pragma("temp_store", "FILE"))
            .await
            .map_err(db_err)?;
        if sharing == Sharing::Alone {
            // Leaving WAL is refused (SQLITE_BUSY, at once) while another connection has the
            // file open — in WAL each holds a shared lock on it: then it stays WAL, shared as
            // usual.
            if let Err(e) = sqlx::query("PRAGMA journal_mode = TRUNCATE")
                .execute(&write)
                .await
            {
                tracing::debug!("数据库正被其他连接使用，保持 WAL 模式：{e}");
            }
        }
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(read_options.pragma("cache_size", "-32768"))
            .await
            .map_err(db_err)?;
        Ok(SqliteDb {
            write,
            read,
            sharing,
        })
    }

    pub fn write_pool(&self) -> &SqlitePool {
        &self.write
    }

    /// Closes both pools and waits until every connection is closed. Opened
    /// [`Sharing::Alone`], the file is set back to WAL first (entering WAL needs no other
    /// connection gone: in rollback mode an idle one holds no lock). Should it fail, the next
    /// shared open sets WAL.
    pub async fn close(&self) {
        self.read.close().await;
        if self.sharing == Sharing::Alone
            && let Err(e) = sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&self.write)
                .await
        {
            tracing::warn!("数据库未能切回 WAL 模式（下次打开时切回）：{e}");
        }
        self.write.close().await;
    }

    /// The journal mode the file is in now (`wal`, `truncate`, ...).
    pub async fn journal_mode(&self) -> StoreResult<String> {
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.write)
            .await
            .map_err(db_err)
    }
}

struct SqliteTx(Transaction<'static, Sqlite>);

/// Whether a pooled connection can begin a transaction (begun and rolled back at once). It cannot
/// while sqlx still counts one that SQLite ended on its own — a `COMMIT` that failed on an I/O
/// error, say — and would refuse every `BEGIN` after it: the write pool closes such a connection
/// and opens another instead of handing it out. (Not asked of the read pool: it doubled the cost
/// of a small read, 100 → 225 µs; a read's failed statements are covered by `SqliteTx`.)
async fn can_begin(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    match Transaction::<Sqlite>::begin(conn, Some("BEGIN".into())).await {
        Ok(tx) => tx.rollback().await.map(|()| true),
        Err(e) => {
            tracing::warn!("数据库连接的事务状态异常，已关闭该连接：{e}");
            Ok(false)
        }
    }
}

/// The store writes `$1, $2, ...`. SQLite resolves each *named* parameter with a linear search,
/// so binding a 10,000-parameter multi-row insert takes quadratic time; anonymous `?` parameters
/// bind directly. When the parameters appear exactly in order, they become `?`.
fn positional(sql: &str) -> Option<String> {
    if !sql.contains('$') {
        return None;
    }
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut expected = 1usize;
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start {
                let n: usize = sql[start..end].parse().ok()?;
                if n != expected {
                    return None;
                }
                expected += 1;
                out.push_str(&sql[last..i]);
                out.push('?');
                last = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&sql[last..]);
    Some(out)
}

/// The parameters of a statement, room for all of them taken at once (a 30,000-parameter insert
/// grew its list a dozen times, copying it each time). Owned texts move to sqlx's worker thread
/// as they are; borrowed ones are copied when sqlx hands the statement over.
fn arguments<'q>(
    args: impl ExactSizeIterator<Item = Value<'q>>,
) -> StoreResult<SqliteArguments<'q>> {
    let mut out = SqliteArguments::default();
    out.reserve(args.len(), 0);
    for v in args {
        match v {
            Value::Int(i) => out.add(i),
            Value::Text(s) => out.add(s),
            Value::Bytes(b) => out.add(b.map(Cow::into_owned)),
        }
        .map_err(|e| StoreError::Database(e.to_string()))?;
    }
    Ok(out)
}

/// A value borrowing the text of `v`.
fn borrowed<'q>(v: &'q Value<'_>) -> Value<'q> {
    match v {
        Value::Int(i) => Value::Int(*i),
        Value::Text(s) => Value::Text(s.as_deref().map(Cow::Borrowed)),
        Value::Bytes(b) => Value::Bytes(b.as_deref().map(Cow::Borrowed)),
    }
}

impl SqliteTx {
    async fn run(&mut self, sql: &str, args: SqliteArguments<'_>) -> StoreResult<u64> {
        let rewritten = positional(sql);
        let sql = rewritten.as_deref().unwrap_or(sql);
        let done = sqlx::query_with(sql, args).execute(&mut *self.0).await;
        match done {
            Ok(done) => Ok(done.rows_affected()),
            Err(e) => {
                self.reopen_if_ended().await;
                Err(db_err(e))
            }
        }
    }

    /// After a failed statement: a transaction SQLite ended itself (`INSERT OR ROLLBACK`, or a
    /// full disk, an I/O error) is begun again, empty. sqlx still counts the one it began, and
    /// its `ROLLBACK` on drop would fail and leave that count behind: the connection's next
    /// transaction would become a savepoint outside any transaction, whose rollback leaves it
    /// open and whose commit commits nothing. Where the transaction is still open, `BEGIN`
    /// fails and changes nothing.
    async fn reopen_if_ended(&mut self) {
        let _ = sqlx::query("BEGIN").execute(&mut *self.0).await;
    }
}

fn decode(row: &SqliteRow) -> StoreResult<Row> {
    let mut out = Vec::with_capacity(row.columns().len());
    for i in 0..row.columns().len() {
        let raw = row.try_get_raw(i).map_err(db_err)?;
        if raw.is_null() {
            out.push(Value::Int(None));
            continue;
        }
        let v = match raw.type_info().name() {
            "INTEGER" | "BOOLEAN" => Value::Int(Some(row.try_get::<i64, _>(i).map_err(db_err)?)),
            "REAL" => Value::Int(Some(row.try_get::<f64, _>(i).map_err(db_err)? as i64)),
            "BLOB" => Value::Bytes(Some(row.try_get::<Vec<u8>, _>(i).map_err(db_err)?.into())),
            _ => Value::Text(Some(row.try_get::<String, _>(i).map_err(db_err)?.into())),
        };
        out.push(v);
    }
    Ok(Row(out))
}

#[async_trait]
impl Tx for SqliteTx {
    async fn fetch(&mut self, sql: &str, args: &[Value<'_>]) -> StoreResult<Vec<Row>> {
        let rewritten = positional(sql);
        let sql = rewritten.as_deref().unwrap_or(sql);
        let rows = match sqlx::query_with(sql, arguments(args.iter().map(borrowed))?)
            .fetch_all(&mut *self.0)
            .await
        {
            Ok(rows) => rows,
            Err(e) => {
                self.reopen_if_ended().await;
                return Err(db_err(e));
            }
        };
        rows.iter().map(decode).collect()
    }

    async fn execute(&mut self, sql: &str, args: &[Value<'_>]) -> StoreResult<u64> {
        self.run(sql, arguments(args.iter().map(borrowed))?).await
    }

    async fn execute_owned(&mut self, sql: &str, args: Vec<Value<'static>>) -> StoreResult<u64> {
        self.run(sql, arguments(args.into_iter())?).await
    }

    async fn check_references(&mut self, tables: &[&str]) -> StoreResult<()> {
        for table in tables {
            let wrong = self
                .fetch(&format!("PRAGMA foreign_key_check({table})"), &[])
                .await?;
            if !wrong.is_empty() {
                return Err(StoreError::Corrupt(format!(
                    "{table}中有{}行引用了不存在的记录",
                    wrong.len()
                )));
            }
        }
        Ok(())
    }

    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.0.commit().await.map_err(db_err)
    }
}

#[async_trait]
impl Db for SqliteDb {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.write)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))
    }

    async fn write(&self) -> StoreResult<Box<dyn Tx>> {
        // IMMEDIATE takes the write lock now, so a second process waits (busy_timeout) instead of
        // failing when a deferred transaction tries to upgrade.
        let tx = self
            .write
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        Ok(Box::new(SqliteTx(tx)))
    }

    /// The writer set up for a first load; the write pool sets it back before the connection's
    /// next use (see `open`). Measured on a million households, each alone (BENCHMARKS):
    /// - foreign keys off (SQLite can change that only outside a transaction): a lookup per row
    ///   written, 3.5 M members 5.1 s → 2.9 s in the `sqlite3` shell; the import 29.5 → 27.7 s;
    /// - a 4 MiB page cache instead of 128 MiB: SQLite sorts (the indexes and the directory built
    ///   at the end) in runs as large as the cache, which then sort in the processor's caches:
    ///   the members' name index 4.4 s → 2.6 s, the directory 4.3 s → 3.3 s in the shell; the
    ///   import 27.4 → 24 s, its peak memory 374 → 236 MiB;
    /// - one helper thread for those sorts (the importing threads are idle by then): the
    ///   directory 2.31 s → 1.83 s, the name index 2.08 s → 1.80 s, the same peak memory.
    async fn write_bulk(&self) -> StoreResult<Box<dyn Tx>> {
        let mut conn = self.write.acquire().await.map_err(db_err)?;
        sqlx::query("PRAGMA foreign_keys = OFF; PRAGMA cache_size = -4096; PRAGMA threads = 1")
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        let tx = Transaction::begin(conn, Some("BEGIN IMMEDIATE".into()))
            .await
            .map_err(db_err)?;
        Ok(Box::new(SqliteTx(tx)))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self.read.begin().await.map_err(db_err)?;
        Ok(Box::new(SqliteTx(tx)))
    }

    /// `VACUUM INTO`: a consistent, compact copy while readers and the writer go on.
    async fn backup_to(&self, path: &Path) -> StoreResult<()> {
        if path.exists() {
            return Err(StoreError::Database(format!(
                "备份文件 {} 已存在，不会覆盖",
                path.display()
            )));
        }
        let target = path.to_string_lossy().to_string();
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.read)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn settle(&self) -> StoreResult<()> {
        // Readers on an older snapshot may keep part of the WAL in use: then this checkpoints
        // what it can (busy is an answer, not an error) and the rest waits for the next one.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.write)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn check_integrity(&self) -> StoreResult<()> {
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&self.read)
            .await
            .map_err(db_err)?;
        let report: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok())
            .collect();
        if report == ["ok"] {
            let fk = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&self.read)
                .await
                .map_err(db_err)?;
            if fk.is_empty() {
                return Ok(());
            }
            return Err(StoreError::Corrupt(format!("{} 行违反外键约束", fk.len())));
        }
        Err(StoreError::Corrupt(report.join("; ")))
    }
}

pub async fn open_store(target: &str) -> StoreResult<SqliteStore> {
    open_store_with(target, Sharing::Shared).await
}

pub async fn open_store_with(target: &str, sharing: Sharing) -> StoreResult<SqliteStore> {
    Ok(SqlStore::new(SqliteDb::open_with(target, sharing).await?))
}

#[cfg(test)]
mod tests {
    use super::{PAGE_SIZE, Sharing, SqliteDb, WRITER_CACHE_KIB, positional};
    use zhenxing_store::sql::Db as _;

    /// `.cargo/config.toml` compiles the bundled SQLite without the process-wide page-cache
    /// lock and without memory statistics (ARCHITECTURE, Decisions): connections reading side
    /// by side would otherwise wait on each other.
    #[tokio::test]
    async fn sqlite_is_built_without_the_shared_page_cache_lock() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(dir.path().join("o.db").to_str().unwrap())
            .await
            .unwrap();
        let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(&db.read)
            .await
            .unwrap();
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        db.close().await;
    }

    #[tokio::test]
    async fn a_new_database_has_large_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |db: &SqliteDb| {
            let pool = db.read.clone();
            async move {
                sqlx::query_scalar::<_, i64>("PRAGMA page_size")
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let new = dir.path().join("new.db");
        let db = SqliteDb::open(new.to_str().unwrap()).await.unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&db.write)
            .await
            .unwrap();
        assert_eq!(page_size(&db).await, i64::from(PAGE_SIZE));
        db.close().await;

        let old = dir.path().join("old.db");
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", old.display()))
            .await
            .unwrap();
        sqlx::query("PRAGMA page_size = 4096")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let db = SqliteDb::open(old.to_str().unwrap()).await.unwrap();
        assert_eq!(page_size(&db).await, 4096);
        db.close().await;
    }

    /// Only a first load's writer skips the foreign keys (and finds what it let through when it
    /// checks); the next writer checks them, has the writer's page cache and no helper thread,
    /// whether the first load was rolled back or committed.
    #[tokio::test]
    async fn foreign_keys_are_checked_again_after_a_bulk_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(dir.path().join("fk.db").to_str().unwrap())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            .execute(&db.write)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE child (p INTEGER REFERENCES parent (id))")
            .execute(&db.write)
            .await
            .unwrap();
        let dangling = "INSERT INTO child (p) VALUES (7)";
        for commit in [false, true] {
            let mut tx = db.write_bulk().await.unwrap();
            tx.execute(dangling, &[]).await.unwrap();
            assert!(tx.check_references(&["child"]).await.is_err());
            let set = tx
                .fetch("SELECT * FROM pragma_cache_size, pragma_threads", &[])
                .await
                .unwrap();
            assert_eq!((set[0].int(0).unwrap(), set[0].int(1).unwrap()), (-4096, 1));
            if commit {
                tx.commit().await.unwrap();
            } else {
                drop(tx);
            }
            let mut tx = db.write().await.unwrap();
            let refused = tx.execute(dangling, &[]).await.unwrap_err();
            assert!(refused.to_string().contains("FOREIGN KEY"), "{refused}");
            let cache = tx.fetch("PRAGMA cache_size", &[]).await.unwrap();
            assert_eq!(cache[0].int(0).unwrap(), -i64::from(WRITER_CACHE_KIB));
            let threads = tx.fetch("PRAGMA threads", &[]).await.unwrap();
            assert_eq!(threads[0].int(0).unwrap(), 0);
        }
        db.close().await;
    }

    /// A writer connection left counting a transaction SQLite ended (here made by hand, without
    /// `SqliteTx`, as a failed `COMMIT` would leave it) is closed when next asked for, and a
    /// new one writes: the writer is not stuck for good.
    #[tokio::test]
    async fn a_writer_left_inside_an_ended_transaction_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(dir.path().join("s.db").to_str().unwrap())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE u (k INTEGER PRIMARY KEY)")
            .execute(&db.write)
            .await
            .unwrap();
        {
            let mut conn = db.write.acquire().await.unwrap();
            let mut tx = sqlx::Transaction::<sqlx::Sqlite>::begin(&mut *conn, None)
                .await
                .unwrap();
            sqlx::query("INSERT OR ROLLBACK INTO u (k) VALUES (1), (1)")
                .execute(&mut *tx)
                .await
                .unwrap_err();
            drop(tx);
        }
        let mut tx = db.write().await.unwrap();
        tx.execute("INSERT INTO u (k) VALUES (2)", &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let seen: Vec<i64> = sqlx::query_scalar("SELECT k FROM u")
            .fetch_all(&db.read)
            .await
            .unwrap();
        assert_eq!(seen, vec![2]);
        db.close().await;
    }

    /// A statement that makes SQLite end its transaction — a full disk in a statement that keeps
    /// no statement journal (here: the file's page limit reached), or `INSERT OR ROLLBACK` as a
    /// first load writes — leaves nothing of it, and the writer's next transactions are whole
    /// again: one dropped undoes its row, one committed is seen by another connection. Before,
    /// sqlx kept counting the ended transaction and refused every later `BEGIN IMMEDIATE`: one
    /// full disk, and the server's only writer could write nothing more until restarted.
    #[tokio::test]
    async fn a_statement_that_ends_its_transaction_leaves_the_writer_whole() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(dir.path().join("r.db").to_str().unwrap())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE u (k INTEGER PRIMARY KEY, v NOT NULL)")
            .execute(&db.write)
            .await
            .unwrap();
        for case in ["disk full", "or rollback, bulk", "or rollback"] {
            let mut tx = if case.ends_with("bulk") {
                db.write_bulk().await.unwrap()
            } else {
                db.write().await.unwrap()
            };
            tx.execute("INSERT INTO u (k, v) VALUES (1, 'a')", &[])
                .await
                .unwrap();
            let refused = if case == "disk full" {
                let pages = tx.fetch("PRAGMA page_count", &[]).await.unwrap();
                let limit = format!("PRAGMA max_page_count = {}", pages[0].int(0).unwrap() + 1);
                tx.fetch(&limit, &[]).await.unwrap();
                let e = tx
                    .execute("INSERT INTO u (k, v) VALUES (2, zeroblob(1000000))", &[])
                    .await
                    .unwrap_err();
                // Told as a full disk, in words an administrator can act on.
                assert!(matches!(e, zhenxing_store::StoreError::DiskFull), "{e:?}");
                assert!(e.to_string().contains("磁盘空间已满"), "{e}");
                e
            } else {
                let e = tx
                    .execute(
                        "INSERT OR ROLLBACK INTO u (k, v) VALUES (2, 'b'), (2, 'c')",
                        &[],
                    )
                    .await
                    .unwrap_err();
                assert!(e.to_string().contains("UNIQUE"), "{e}");
                e
            };
            // The transaction is gone with its first row: the table is empty again.
            let left = tx.fetch("SELECT k FROM u", &[]).await.unwrap();
            assert!(left.is_empty(), "{case}: {refused}");
            drop(tx);

            let mut tx = db.write().await.unwrap();
            tx.fetch("PRAGMA max_page_count = 1073741823", &[])
                .await
                .unwrap();
            tx.execute("INSERT INTO u (k, v) VALUES (3, 'dropped')", &[])
                .await
                .unwrap();
            drop(tx);
            let mut tx = db.write().await.unwrap();
            tx.execute("INSERT INTO u (k, v) VALUES (4, 'kept')", &[])
                .await
                .unwrap();
            tx.commit().await.unwrap();

            let seen: Vec<i64> = sqlx::query_scalar("SELECT k FROM u ORDER BY k")
                .fetch_all(&db.read)
                .await
                .unwrap();
            assert_eq!(seen, vec![4], "{case}");
            sqlx::query("DELETE FROM u")
                .execute(&db.write)
                .await
                .unwrap();
        }
        db.close().await;
    }

    /// The file format's read and write versions (header bytes 18, 19): 2 for WAL, 1 for a
    /// rollback journal.
    fn header_mode(path: &std::path::Path) -> (u8, u8) {
        let bytes = std::fs::read(path).unwrap();
        (bytes[18], bytes[19])
    }

    /// Waits until the last WAL connection of this process has closed its handle (it removes
    /// `-wal`; the pools are closed and dropped before): until then the file is not alone.
    async fn gone(wal: &std::path::Path) {
        for _ in 0..500 {
            if !wal.exists() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("{} is still there", wal.display());
    }

    /// A database opened shared (WAL) with an empty table `t`.
    async fn shared_with_table(target: &str) -> SqliteDb {
        let db = SqliteDb::open(target).await.unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&db.write)
            .await
            .unwrap();
        db
    }

    async fn count(pool: &sqlx::SqlitePool) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(pool)
            .await
            .unwrap()
    }

    /// Alone, a batch writes through a rollback journal (each page once) and leaves the file in
    /// WAL when it closes; a shared open of a file left in rollback mode (a batch that ended
    /// without closing) sets WAL again.
    #[tokio::test]
    async fn alone_a_batch_writes_through_a_rollback_journal_and_closes_in_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let target = path.to_str().unwrap();
        let db = shared_with_table(target).await;
        db.close().await;
        drop(db);
        assert_eq!(header_mode(&path), (2, 2));
        gone(&dir.path().join("a.db-wal")).await;

        let db = SqliteDb::open_with(target, Sharing::Alone).await.unwrap();
        assert_eq!(db.journal_mode().await.unwrap(), "truncate");
        let mut tx = db.write_bulk().await.unwrap();
        tx.execute("INSERT INTO t (x) VALUES (1), (2)", &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(!dir.path().join("a.db-wal").exists());
        assert_eq!(count(&db.read).await, 2);
        db.close().await;
        assert_eq!(header_mode(&path), (2, 2));
        assert!(!dir.path().join("a.db-journal").exists());

        drop(db);
        gone(&dir.path().join("a.db-wal")).await;

        // A batch that ends without closing leaves the rollback mode behind.
        let db = SqliteDb::open_with(target, Sharing::Alone).await.unwrap();
        db.read.close().await;
        db.write.close().await;
        assert_eq!(header_mode(&path), (1, 1));
        let db = SqliteDb::open(target).await.unwrap();
        assert_eq!(db.journal_mode().await.unwrap(), "wal");
        assert_eq!(count(&db.read).await, 2);
        db.close().await;
        assert_eq!(header_mode(&path), (2, 2));
    }

    /// While another connection has the file open (a running server), a batch that asked to be
    /// alone stays in WAL: the other one reads on meanwhile and sees the batch once committed.
    #[tokio::test]
    async fn alone_a_batch_stays_in_wal_while_another_connection_has_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let target = path.to_str().unwrap();
        let server = shared_with_table(target).await;
        let batch = SqliteDb::open_with(target, Sharing::Alone).await.unwrap();
        assert_eq!(batch.journal_mode().await.unwrap(), "wal");
        let mut tx = batch.write_bulk().await.unwrap();
        tx.execute("INSERT INTO t (x) VALUES (1)", &[])
            .await
            .unwrap();
        // A reader is not held up by the batch's open transaction.
        assert_eq!(count(&server.read).await, 0);
        tx.commit().await.unwrap();
        assert_eq!(count(&server.read).await, 1);
        batch.close().await;
        assert_eq!(header_mode(&path), (2, 2));
        assert_eq!(count(&server.read).await, 1);
        server.close().await;
    }

    #[test]
    fn rewrites_only_ordered_parameters() {
        assert_eq!(
            positional("a = $1 AND b IN ($2,$3)").as_deref(),
            Some("a = ? AND b IN (?,?)")
        );
        assert_eq!(positional("a BETWEEN $3 AND $2"), None);
        assert_eq!(positional("x = $1 OR y = $1"), None);
        assert_eq!(positional("no params"), None);
    }
}

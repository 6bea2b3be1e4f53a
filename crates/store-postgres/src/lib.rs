//! PostgreSQL storage: the same SQL store as SQLite, over a connection pool.
#![forbid(unsafe_code)]

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{
    Column, ConnectOptions as _, PgPool, Postgres, Row as _, Transaction, TypeInfo, ValueRef,
};
use zhenxing_store::sql::{Db, Row, SqlStore, Tx, Value};
use zhenxing_store::{Backend, StoreError, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub struct PgDb {
    pool: PgPool,
    url: String,
}

pub type PgStore = SqlStore<PgDb>;

fn db_err(e: sqlx::Error) -> StoreError {
    // SQLSTATE 53100 disk_full.
    if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("53100") {
        return StoreError::DiskFull;
    }
    StoreError::Database(e.to_string())
}

impl PgDb {
    /// Connects to `url` (`postgres://user@host/db`, or `?host=/socket/dir` for a unix socket).
    pub async fn open(url: &str) -> StoreResult<PgDb> {
        let options = PgConnectOptions::from_str(url)
            .map_err(db_err)?
            .application_name("zhenxing")
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options)
            .await
            .map_err(db_err)?;
        Ok(PgDb {
            pool,
            url: url.to_string(),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A transaction, and whether its statements are planned for their values (`Tx::plan_each_run`).
struct PgTx(Transaction<'static, Postgres>, bool);

fn bind<'q>(
    mut q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    args: &'q [Value<'_>],
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    for v in args {
        q = match v {
            Value::Int(i) => q.bind(*i),
            Value::Text(s) => q.bind(s.as_deref()),
            Value::Bytes(b) => q.bind(b.as_deref()),
        };
    }
    q
}

fn decode(row: &PgRow) -> StoreResult<Row> {
    let mut out = Vec::with_capacity(row.columns().len());
    for (i, column) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i).map_err(db_err)?;
        if raw.is_null() {
            out.push(Value::Int(None));
            continue;
        }
        let v = match column.type_info().name() {
            "INT2" => Value::Int(Some(i64::from(row.try_get::<i16, _>(i).map_err(db_err)?))),
            "INT4" => Value::Int(Some(i64::from(row.try_get::<i32, _>(i).map_err(db_err)?))),
            "INT8" => Value::Int(Some(row.try_get::<i64, _>(i).map_err(db_err)?)),
            "BOOL" => Value::Int(Some(i64::from(row.try_get::<bool, _>(i).map_err(db_err)?))),
            "BYTEA" => Value::Bytes(Some(row.try_get::<Vec<u8>, _>(i).map_err(db_err)?.into())),
            _ => Value::Text(Some(row.try_get::<String, _>(i).map_err(db_err)?.into())),
        };
        out.push(v);
    }
    Ok(Row(out))
}

#[async_trait]
impl Tx for PgTx {
    async fn fetch(&mut self, sql: &str, args: &[Value<'_>]) -> StoreResult<Vec<Row>> {
        let rows = bind(sqlx::query(sql), args)
            .persistent(!self.1)
            .fetch_all(&mut *self.0)
            .await
            .map_err(db_err)?;
        rows.iter().map(decode).collect()
    }

    async fn execute(&mut self, sql: &str, args: &[Value<'_>]) -> StoreResult<u64> {
        let done = bind(sqlx::query(sql), args)
            .persistent(!self.1)
            .execute(&mut *self.0)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected())
    }

    fn plan_each_run(&mut self) {
        self.1 = true;
    }

    /// COPY in text format: one round trip for the whole batch, no parameter limit.
    async fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        _insert_sql: &str,
        rows: Vec<Value<'static>>,
    ) -> StoreResult<()> {
        if rows.is_empty() || columns.is_empty() {
            return Ok(());
        }
        let mut data = Vec::with_capacity(rows.len() * 12);
        for (i, v) in rows.iter().enumerate() {
            let end = (i + 1) % columns.len() == 0;
            copy_text(&mut data, v);
            data.push(if end { b'\n' } else { b'\t' });
        }
        let statement = format!(
            "COPY {table} ({}) FROM STDIN (FORMAT text)",
            columns.join(", ")
        );
        let mut copy = self.0.copy_in_raw(&statement).await.map_err(db_err)?;
        copy.send(data).await.map_err(db_err)?;
        copy.finish().await.map_err(db_err)?;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.0.commit().await.map_err(db_err)
    }
}

/// A value in COPY's text format: `\N` for null; backslash, tab and line ends escaped.
fn copy_text(out: &mut Vec<u8>, v: &Value<'_>) {
    match v {
        Value::Int(None) | Value::Text(None) | Value::Bytes(None) => out.extend_from_slice(b"\\N"),
        // bytea's hex form, its backslash escaped for COPY.
        Value::Bytes(Some(b)) => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.reserve(3 + 2 * b.len());
            out.extend_from_slice(b"\\\\x");
            for byte in b.iter() {
                out.extend([HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]);
            }
        }
        Value::Int(Some(i)) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Text(Some(s)) => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
    }
}

#[async_trait]
impl Db for PgDb {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))
    }

    async fn write(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self.pool.begin().await.map_err(db_err)?;
        Ok(Box::new(PgTx(tx, false)))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(db_err)?;
        Ok(Box::new(PgTx(tx, false)))
    }

    /// `pg_dump --format=custom`: a consistent snapshot of the live database; restore it with
    /// `pg_restore --dbname URL FILE` into an empty database.
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()> {
        if path.exists() {
            return Err(StoreError::Database(format!(
                "备份文件 {} 已存在，不会覆盖",
                path.display()
            )));
        }
        let output = tokio_command("pg_dump")
            .arg("--format=custom")
            .arg("--file")
            .arg(path)
            .arg("--dbname")
            .arg(&self.url)
            .output()
            .await
            .map_err(|e| {
                StoreError::Database(format!("无法运行 pg_dump（请安装 PostgreSQL 客户端）：{e}"))
            })?;
        if !output.status.success() {
            return Err(StoreError::Database(format!(
                "pg_dump 失败：{}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(())
    }

    async fn check_integrity(&self) -> StoreResult<()> {
        // PostgreSQL checks its own pages (with data checksums, and amcheck for indexes); the
        // store checks that the product's rows hang together.
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

fn tokio_command(program: &str) -> tokio::process::Command {
    tokio::process::Command::new(program)
}

pub async fn open_store(url: &str) -> StoreResult<PgStore> {
    Ok(SqlStore::new(PgDb::open(url).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes() {
        let mut out = Vec::new();
        for v in [
            Value::from("a\tb\\c\nd"),
            Value::Int(None),
            Value::from(42),
            Value::Bytes(Some(vec![0x00, 0x5c, 0xaf, 0xff].into())),
        ] {
            copy_text(&mut out, &v);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\tb\\\\c\\nd|\\N|42|\\\\x005cafff|"
        );
    }
}

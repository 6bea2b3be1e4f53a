//! PostgreSQL storage: the same SQL store as SQLite, over a connection pool.
#![forbid(unsafe_code)]

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{Column, PgPool, Postgres, Row as _, Transaction, TypeInfo, ValueRef};
use zhenxing_store::sql::{Db, Row, SqlStore, Tx, Value};
use zhenxing_store::{Backend, StoreError, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub struct PgDb {
    pool: PgPool,
}

pub type PgStore = SqlStore<PgDb>;

fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl PgDb {
    /// Connects to `url` (`postgres://user@host/db`, or `?host=/socket/dir` for a unix socket).
    pub async fn open(url: &str) -> StoreResult<PgDb> {
        let options = PgConnectOptions::from_str(url)
            .map_err(db_err)?
            .application_name("zhenxing");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options)
            .await
            .map_err(db_err)?;
        Ok(PgDb { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

struct PgTx(Transaction<'static, Postgres>);

fn bind<'q>(
    mut q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    args: &'q [Value<'_>],
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    for v in args {
        q = match v {
            Value::Int(i) => q.bind(*i),
            Value::Text(s) => q.bind(s.as_deref()),
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
            .fetch_all(&mut *self.0)
            .await
            .map_err(db_err)?;
        rows.iter().map(decode).collect()
    }

    async fn execute(&mut self, sql: &str, args: &[Value<'_>]) -> StoreResult<u64> {
        let done = bind(sqlx::query(sql), args)
            .execute(&mut *self.0)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.0.commit().await.map_err(db_err)
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
        Ok(Box::new(PgTx(tx)))
    }

    async fn read(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(db_err)?;
        Ok(Box::new(PgTx(tx)))
    }
}

pub async fn open_store(url: &str) -> StoreResult<PgStore> {
    Ok(SqlStore::new(PgDb::open(url).await?))
}

//! The registry in SQL, written once for every backend.
//!
//! A backend provides a [`Db`]: transactions that run SQL text with [`Value`] parameters and hand
//! back [`Row`]s. The SQL here is the common dialect of SQLite and PostgreSQL (`$n` parameters,
//! `ON CONFLICT`, row values, `RETURNING`); where they differ, [`Db::backend`] says which.

mod columns;
mod import;
mod store;

use async_trait::async_trait;

pub use store::SqlStore;

use crate::{Backend, StoreError, StoreResult};

/// A parameter or column value. Nulls carry their type: PostgreSQL needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(Some(i64::from(v)))
    }
}

impl From<Option<bool>> for Value {
    fn from(v: Option<bool>) -> Value {
        Value::Int(v.map(i64::from))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_string()))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        Value::Text(v)
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_string))
    }
}

/// One result row, columns in select order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn get(&self, i: usize) -> StoreResult<&Value> {
        self.0.get(i).ok_or_else(|| StoreError::Corrupt(format!("result has no column {i}")))
    }

    pub fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        match self.get(i)? {
            Value::Int(v) => Ok(*v),
            Value::Text(None) => Ok(None),
            Value::Text(Some(s)) => {
                s.parse().map(Some).map_err(|_| StoreError::Corrupt(format!("column {i}: not an integer: {s}")))
            }
        }
    }

    pub fn int(&self, i: usize) -> StoreResult<i64> {
        self.opt_int(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }

    pub fn opt_text(&self, i: usize) -> StoreResult<Option<String>> {
        match self.get(i)? {
            Value::Text(v) => Ok(v.clone()),
            Value::Int(v) => Ok(v.map(|n| n.to_string())),
        }
    }

    pub fn text(&self, i: usize) -> StoreResult<String> {
        self.opt_text(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
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

    /// A read-only transaction that sees one consistent snapshot.
    async fn read(&self) -> StoreResult<Box<dyn Tx>>;
}

#[async_trait]
pub trait Tx: Send {
    async fn fetch(&mut self, sql: &str, args: &[Value]) -> StoreResult<Vec<Row>>;

    async fn execute(&mut self, sql: &str, args: &[Value]) -> StoreResult<u64>;

    async fn commit(self: Box<Self>) -> StoreResult<()>;
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

/// `($1,$2),($3,$4),...`: `rows` tuples of `width` parameters, for multi-row VALUES.
pub(crate) fn tuples(rows: usize, width: usize) -> String {
    let mut s = String::with_capacity(rows * (width * 5 + 3));
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        s.push_str(&placeholders(r * width + 1, width));
        s.push(')');
    }
    s
}

pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_lists() {
        assert_eq!(placeholders(3, 3), "$3,$4,$5");
        assert_eq!(tuples(2, 2), "($1,$2),($3,$4)");
    }
}

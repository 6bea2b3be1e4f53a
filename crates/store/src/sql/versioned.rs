//! Rows of a county's ledger kept with their history (projects, loans): one change set per
//! import, each row added at version 1 or updated to the next version with its previous values
//! kept as JSON, in `<table>` and `<history>` keyed by (county_code, number).

use super::{Tx, Value, now_text};
use crate::project::{ProjectChange, Saved};
use crate::{Actor, StoreError, StoreResult};
use zhenxing_domain::Scope;

/// A ledger's table: its name, its history's, the number's column and the other columns in the
/// order their values are given.
pub(super) struct Versioned {
    pub table: &'static str,
    pub history: &'static str,
    pub number: &'static str,
    pub columns: &'static [&'static str],
}

/// Opens the change set of an import of `kind` (not listed among the registry's imports).
pub(super) async fn changeset(
    tx: &mut dyn Tx,
    actor: &Actor,
    scope: Scope,
    kind: &str,
) -> StoreResult<i64> {
    let scope_code = match scope {
        Scope::All => None,
        Scope::Area(a) => Some(a.as_i64()),
    };
    tx.fetch(
        "INSERT INTO changesets (at, actor, user_id, scope_code, kind) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            now_text().into(),
            actor.name.as_str().into(),
            actor.user_id.into(),
            scope_code.into(),
            kind.into(),
        ],
    )
    .await?
    .first()
    .map(|r| r.int(0))
    .transpose()?
    .ok_or_else(|| StoreError::Database("没有得到变更批次编号".into()))
}

impl Versioned {
    /// A row's changes, oldest first: who, when, the values before and after.
    pub(super) async fn history(
        &self,
        tx: &mut dyn Tx,
        county: i64,
        number: &str,
    ) -> StoreResult<Vec<ProjectChange>> {
        let rows = tx
            .fetch(
                &format!(
                    "SELECT h.version, c.at, c.actor, h.before_json, h.after_json FROM {} h \
                     JOIN changesets c ON c.id = h.changeset_id \
                     WHERE h.county_code = $1 AND h.{} = $2 ORDER BY h.version",
                    self.history, self.number
                ),
                &[county.into(), number.to_string().into()],
            )
            .await?;
        let parse = |s: String| {
            serde_json::from_str::<serde_json::Value>(&s)
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        };
        rows.iter()
            .map(|r| {
                Ok(ProjectChange {
                    version: r.int(0)?,
                    at: r.text(1)?,
                    actor: r.text(2)?,
                    before: r.opt_text(3)?.map(parse).transpose()?,
                    after: parse(r.text(4)?)?,
                })
            })
            .collect()
    }

    /// Saves one row against what is stored under its key (its version and value, `None` for a
    /// new number): the same is left alone, else written with the previous value kept.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn save<T: serde::Serialize + PartialEq>(
        &self,
        tx: &mut dyn Tx,
        changeset: i64,
        county: i64,
        number: &str,
        stored: Option<(i64, &T)>,
        new: &T,
        values: Vec<Value<'static>>,
    ) -> StoreResult<Saved> {
        let old = match stored {
            Some((_, old)) if old == new => return Ok(Saved::Unchanged),
            Some((version, old)) => Some((version, super::monitoring::json(old)?)),
            None => None,
        };
        self.write(
            tx,
            changeset,
            county,
            number,
            values,
            old,
            super::monitoring::json(new)?,
        )
        .await
    }

    /// Writes one row: `old` is the stored row's version and JSON when there is one and it
    /// differs (the caller compares), `None` for a new number.
    #[allow(clippy::too_many_arguments)]
    async fn write(
        &self,
        tx: &mut dyn Tx,
        changeset: i64,
        county: i64,
        number: &str,
        values: Vec<Value<'static>>,
        old: Option<(i64, String)>,
        after_json: String,
    ) -> StoreResult<Saved> {
        let (version, before, saved) = match old {
            None => (1, None, Saved::Added),
            Some((version, json)) => (version + 1, Some(json), Saved::Updated),
        };
        let mut args: Vec<Value<'static>> = vec![county.into(), number.to_string().into()];
        args.extend(values);
        args.push(version.into());
        args.push(changeset.into());
        let n = self.columns.len();
        if saved == Saved::Added {
            let placeholders: Vec<String> = (1..=n + 4).map(|i| format!("${i}")).collect();
            tx.execute(
                &format!(
                    "INSERT INTO {} (county_code, {}, {}, version, changeset_id) VALUES ({})",
                    self.table,
                    self.number,
                    self.columns.join(", "),
                    placeholders.join(", ")
                ),
                &args,
            )
            .await?;
        } else {
            let sets: Vec<String> = self
                .columns
                .iter()
                .chain(["version", "changeset_id"].iter())
                .enumerate()
                .map(|(i, c)| format!("{c} = ${}", i + 3))
                .collect();
            tx.execute(
                &format!(
                    "UPDATE {} SET {} WHERE county_code = $1 AND {} = $2",
                    self.table,
                    sets.join(", "),
                    self.number
                ),
                &args,
            )
            .await?;
        }
        tx.execute(
            &format!(
                "INSERT INTO {} (county_code, {}, version, changeset_id, before_json, after_json) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                self.history, self.number
            ),
            &[
                county.into(),
                number.into(),
                version.into(),
                changeset.into(),
                Value::from(before),
                after_json.into(),
            ],
        )
        .await?;
        Ok(saved)
    }
}

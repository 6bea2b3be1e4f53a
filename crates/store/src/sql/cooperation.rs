//! [`CooperationStore`] over any [`Db`]: a county's cooperation ledger, one row an indicator of
//! a year, program and partner, its changes in `cooperation_history`.

use async_trait::async_trait;
use zhenxing_domain::cooperation::{CooperationEntry, Program};
use zhenxing_domain::{AreaCode, AreaLevel, PolicyYear, Scope};

use super::monitoring::{area, corrupt};
use super::versioned::{Versioned, changeset};
use super::{Db, Row, SqlStore, Value};
use crate::cooperation::*;
use crate::project::Saved;
use crate::{Actor, StoreError, StoreResult};

const COLUMNS: &str =
    "version, county_code, year, program, partner, indicator, planned, done, note";

fn entry(r: &Row) -> StoreResult<(i64, CooperationEntry)> {
    let year = u16::try_from(r.int(2)?).map_err(corrupt)?;
    Ok((
        r.int(0)?,
        CooperationEntry {
            county: area(r.int(1)?)?,
            year: PolicyYear::new(year).map_err(corrupt)?,
            program: Program::from_code(r.int(3)?)
                .ok_or_else(|| corrupt(format!("帮扶类型 {}", r.int(3).unwrap_or(-1))))?,
            partner: r.text(4)?,
            indicator: r.text(5)?,
            planned: r.int(6)?,
            done: r.int(7)?,
            note: r.opt_text(8)?,
        },
    ))
}

const ENTRIES: Versioned = Versioned {
    table: "cooperation_entries",
    history: "cooperation_history",
    number: "entry_key",
    columns: &[
        "year",
        "program",
        "partner",
        "indicator",
        "planned",
        "done",
        "note",
    ],
};

#[async_trait]
impl<D: Db> CooperationStore for SqlStore<D> {
    async fn save_cooperation(
        &self,
        actor: &Actor,
        scope: Scope,
        entries: &[CooperationEntry],
    ) -> StoreResult<Vec<Saved>> {
        if let Some(e) = entries
            .iter()
            .find(|e| e.county.level() != AreaLevel::County || !scope.contains(e.county))
        {
            return Err(StoreError::Database(format!(
                "协作帮扶台账的区划{}不是管辖范围内的县",
                e.county
            )));
        }
        let mut tx = self.db().write().await?;
        let changeset = changeset(tx.as_mut(), actor, scope, "cooperation").await?;
        let mut outcomes = Vec::with_capacity(entries.len());
        for e in entries {
            let key = e.key();
            let rows = tx
                .fetch(
                    &format!(
                        "SELECT {COLUMNS} FROM cooperation_entries \
                         WHERE county_code = $1 AND entry_key = $2"
                    ),
                    &[e.county.as_i64().into(), key.clone().into()],
                )
                .await?;
            let old = rows.first().map(entry).transpose()?;
            outcomes.push(
                ENTRIES
                    .save(
                        tx.as_mut(),
                        changeset,
                        e.county.as_i64(),
                        &key,
                        old.as_ref().map(|(v, o)| (*v, o)),
                        e,
                        vec![
                            i64::from(e.year.get()).into(),
                            e.program.code().into(),
                            e.partner.clone().into(),
                            e.indicator.clone().into(),
                            e.planned.into(),
                            e.done.into(),
                            Value::from(e.note.clone()),
                        ],
                    )
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn cooperation(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<CooperationEntry>> {
        // The ledger is a county's: a township or a village has none of its own.
        if area.level() > AreaLevel::County {
            return Ok(Vec::new());
        }
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {COLUMNS} FROM cooperation_entries \
                     WHERE year = $1 AND county_code BETWEEN $2 AND $3 \
                     ORDER BY county_code, program, partner, entry_key"
                ),
                &[
                    i64::from(year.get()).into(),
                    (lo as i64).into(),
                    (hi as i64).into(),
                ],
            )
            .await?;
        rows.iter().map(|r| entry(r).map(|(_, e)| e)).collect()
    }

    async fn cooperation_years(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> StoreResult<Vec<PolicyYear>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                "SELECT DISTINCT year FROM cooperation_entries \
                 WHERE county_code BETWEEN $1 AND $2 ORDER BY year DESC",
                &[(lo as i64).into(), (hi as i64).into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let y = u16::try_from(r.int(0)?).map_err(corrupt)?;
                PolicyYear::new(y).map_err(corrupt)
            })
            .collect()
    }
}

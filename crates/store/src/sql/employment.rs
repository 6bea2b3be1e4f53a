//! [`EmploymentStore`] over any [`Db`]: a county's employment target a year, its changes in
//! `employment_target_history`.

use async_trait::async_trait;
use zhenxing_domain::employment::EmploymentTarget;
use zhenxing_domain::{AreaCode, AreaLevel, PolicyYear, Scope};

use super::monitoring::{area, corrupt};
use super::versioned::{Versioned, changeset};
use super::{Db, Row, SqlStore, Tx, Value};
use crate::employment::*;
use crate::project::{ProjectChange, Saved};
use crate::{Actor, StoreError, StoreResult};

const COLUMNS: &str = "version, county_code, year, persons, note";

fn target(r: &Row) -> StoreResult<(i64, EmploymentTarget)> {
    let year = u16::try_from(r.int(2)?).map_err(corrupt)?;
    Ok((
        r.int(0)?,
        EmploymentTarget {
            county: area(r.int(1)?)?,
            year: PolicyYear::new(year).map_err(corrupt)?,
            persons: u32::try_from(r.int(3)?).map_err(corrupt)?,
            note: r.opt_text(4)?,
        },
    ))
}

const TARGETS: Versioned = Versioned {
    table: "employment_targets",
    history: "employment_target_history",
    number: "target_key",
    columns: &["year", "persons", "note"],
};

async fn read_target(
    tx: &mut dyn Tx,
    county: AreaCode,
    key: &str,
) -> StoreResult<Option<(i64, EmploymentTarget)>> {
    let rows = tx
        .fetch(
            &format!(
                "SELECT {COLUMNS} FROM employment_targets \
                 WHERE county_code = $1 AND target_key = $2"
            ),
            &[county.as_i64().into(), key.to_string().into()],
        )
        .await?;
    rows.first().map(target).transpose()
}

#[async_trait]
impl<D: Db> EmploymentStore for SqlStore<D> {
    async fn save_employment_targets(
        &self,
        actor: &Actor,
        scope: Scope,
        targets: &[EmploymentTarget],
    ) -> StoreResult<Vec<Saved>> {
        if let Some(t) = targets
            .iter()
            .find(|t| t.county.level() != AreaLevel::County || !scope.contains(t.county))
        {
            return Err(StoreError::Database(format!(
                "务工就业目标的区划{}不是管辖范围内的县",
                t.county
            )));
        }
        let mut tx = self.db().write().await?;
        let changeset = changeset(tx.as_mut(), actor, scope, "employment_targets").await?;
        let mut outcomes = Vec::with_capacity(targets.len());
        for t in targets {
            let key = t.key();
            let old = read_target(tx.as_mut(), t.county, &key).await?;
            outcomes.push(
                TARGETS
                    .save(
                        tx.as_mut(),
                        changeset,
                        t.county.as_i64(),
                        &key,
                        old.as_ref().map(|(v, o)| (*v, o)),
                        t,
                        vec![
                            i64::from(t.year.get()).into(),
                            i64::from(t.persons).into(),
                            Value::from(t.note.clone()),
                        ],
                    )
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn employment_targets(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<EmploymentTarget>> {
        // Targets are a county's: a township or a village has none of its own.
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
                    "SELECT {COLUMNS} FROM employment_targets \
                     WHERE year = $1 AND county_code BETWEEN $2 AND $3 ORDER BY county_code"
                ),
                &[
                    i64::from(year.get()).into(),
                    (lo as i64).into(),
                    (hi as i64).into(),
                ],
            )
            .await?;
        rows.iter().map(|r| target(r).map(|(_, t)| t)).collect()
    }

    async fn employment_target(
        &self,
        scope: Scope,
        county: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Option<(EmploymentTarget, Vec<ProjectChange>)>> {
        if !scope.contains(county) {
            return Ok(None);
        }
        let key = year.get().to_string();
        let mut tx = self.db().read().await?;
        let Some((_, t)) = read_target(tx.as_mut(), county, &key).await? else {
            return Ok(None);
        };
        let changes = TARGETS.history(tx.as_mut(), county.as_i64(), &key).await?;
        Ok(Some((t, changes)))
    }
}

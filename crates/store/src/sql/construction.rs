//! [`ConstructionStore`] over any [`Db`]: a county's construction items and targets, one row
//! each, their changes in `construction_item_history` and `construction_target_history`.

use async_trait::async_trait;
use zhenxing_domain::construction::{ConstructionItem, ConstructionStage, ConstructionTarget};
use zhenxing_domain::project::ProjectNo;
use zhenxing_domain::{AreaCode, PolicyYear, Scope};

use super::monitoring::{area, corrupt, opt_day, row_opt_day};
use super::versioned::{Versioned, changeset};
use super::{Db, Row, SqlStore, Tx, Value};
use crate::construction::*;
use crate::project::{ProjectChange, Saved};
use crate::{Actor, StoreError, StoreResult};

const ITEM_COLUMNS: &str = "i.county_code, i.item_no, i.year, i.task, i.area_code, i.name, \
    i.planned, i.done, i.stage, i.completed_on, i.note, i.version, c.at, c.actor";

fn year(v: i64) -> StoreResult<PolicyYear> {
    let y = u16::try_from(v).map_err(corrupt)?;
    PolicyYear::new(y).map_err(corrupt)
}

fn count(v: i64) -> StoreResult<u32> {
    u32::try_from(v).map_err(corrupt)
}

fn stored_item(r: &Row) -> StoreResult<StoredItem> {
    Ok(StoredItem {
        county: area(r.int(0)?)?,
        item: ConstructionItem {
            no: ProjectNo::parse(&r.text(1)?).map_err(corrupt)?,
            year: year(r.int(2)?)?,
            task: r.text(3)?,
            area: area(r.int(4)?)?,
            name: r.text(5)?,
            planned: count(r.int(6)?)?,
            done: count(r.int(7)?)?,
            stage: ConstructionStage::from_code(r.int(8)?)
                .ok_or_else(|| corrupt(format!("进展情况 {}", r.int(8).unwrap_or(-1))))?,
            completed_on: row_opt_day(r, 9)?,
            note: r.opt_text(10)?,
        },
        version: r.int(11)?,
        changed_at: r.text(12)?,
        changed_by: r.text(13)?,
    })
}

const ITEMS: Versioned = Versioned {
    table: "construction_items",
    history: "construction_item_history",
    number: "item_no",
    columns: &[
        "year",
        "task",
        "area_code",
        "name",
        "planned",
        "done",
        "stage",
        "completed_on",
        "note",
    ],
};

const TARGETS: Versioned = Versioned {
    table: "construction_targets",
    history: "construction_target_history",
    number: "target_key",
    columns: &["year", "task", "quantity"],
};

/// A target's key within its county: "2026/农村户厕改造".
fn target_key(t: &ConstructionTarget) -> String {
    format!("{}/{}", t.year.get(), t.task)
}

fn item_values(i: &ConstructionItem) -> Vec<Value<'static>> {
    vec![
        i64::from(i.year.get()).into(),
        i.task.clone().into(),
        i.area.as_i64().into(),
        i.name.clone().into(),
        i64::from(i.planned).into(),
        i64::from(i.done).into(),
        i.stage.code().into(),
        opt_day(i.completed_on),
        Value::from(i.note.clone()),
    ]
}

async fn read_item(
    tx: &mut dyn Tx,
    county: AreaCode,
    no: &ProjectNo,
) -> StoreResult<Option<StoredItem>> {
    let rows = tx
        .fetch(
            &format!(
                "SELECT {ITEM_COLUMNS} FROM construction_items i \
                 JOIN changesets c ON c.id = i.changeset_id \
                 WHERE i.county_code = $1 AND i.item_no = $2"
            ),
            &[county.as_i64().into(), no.as_str().into()],
        )
        .await?;
    rows.first().map(stored_item).transpose()
}

fn target(r: &Row) -> StoreResult<(i64, ConstructionTarget)> {
    Ok((
        r.int(0)?,
        ConstructionTarget {
            county: area(r.int(1)?)?,
            year: year(r.int(2)?)?,
            task: r.text(3)?,
            quantity: count(r.int(4)?)?,
        },
    ))
}

const TARGET_COLUMNS: &str = "version, county_code, year, task, quantity";

#[async_trait]
impl<D: Db> ConstructionStore for SqlStore<D> {
    async fn save_construction(
        &self,
        actor: &Actor,
        scope: Scope,
        items: &[ConstructionItem],
        targets: &[ConstructionTarget],
    ) -> StoreResult<(Vec<Saved>, Vec<Saved>)> {
        let mut counties = Vec::with_capacity(items.len());
        for i in items {
            let county = i
                .county()
                .filter(|_| scope.contains(i.area))
                .ok_or_else(|| {
                    StoreError::Database(format!("项目{}的所在地{}不在管辖范围内", i.no, i.area))
                })?;
            counties.push(county);
        }
        if let Some(t) = targets.iter().find(|t| !scope.contains(t.county)) {
            return Err(StoreError::Database(format!(
                "目标任务的区划{}不在管辖范围内",
                t.county
            )));
        }
        let mut tx = self.db().write().await?;
        let changeset = changeset(tx.as_mut(), actor, scope, "construction").await?;
        let mut saved_items = Vec::with_capacity(items.len());
        for (i, county) in items.iter().zip(counties) {
            let old = read_item(tx.as_mut(), county, &i.no).await?;
            saved_items.push(
                ITEMS
                    .save(
                        tx.as_mut(),
                        changeset,
                        county.as_i64(),
                        i.no.as_str(),
                        old.as_ref().map(|o| (o.version, &o.item)),
                        i,
                        item_values(i),
                    )
                    .await?,
            );
        }
        let mut saved_targets = Vec::with_capacity(targets.len());
        for t in targets {
            let key = target_key(t);
            let rows = tx
                .fetch(
                    &format!(
                        "SELECT {TARGET_COLUMNS} FROM construction_targets \
                         WHERE county_code = $1 AND target_key = $2"
                    ),
                    &[t.county.as_i64().into(), key.clone().into()],
                )
                .await?;
            let old = rows.first().map(target).transpose()?;
            saved_targets.push(
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
                            t.task.clone().into(),
                            i64::from(t.quantity).into(),
                        ],
                    )
                    .await?,
            );
        }
        tx.commit().await?;
        Ok((saved_items, saved_targets))
    }

    async fn construction_items(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<StoredItem>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {ITEM_COLUMNS} FROM construction_items i \
                     JOIN changesets c ON c.id = i.changeset_id \
                     WHERE i.year = $1 AND i.area_code BETWEEN $2 AND $3 \
                     ORDER BY i.county_code, i.item_no"
                ),
                &[
                    i64::from(year.get()).into(),
                    (lo as i64).into(),
                    (hi as i64).into(),
                ],
            )
            .await?;
        rows.iter().map(stored_item).collect()
    }

    async fn construction_item(
        &self,
        scope: Scope,
        county: AreaCode,
        no: &ProjectNo,
    ) -> StoreResult<Option<(StoredItem, Vec<ProjectChange>)>> {
        let mut tx = self.db().read().await?;
        let Some(item) = read_item(tx.as_mut(), county, no).await? else {
            return Ok(None);
        };
        if !scope.contains(item.item.area) {
            return Ok(None);
        }
        let changes = ITEMS
            .history(tx.as_mut(), county.as_i64(), no.as_str())
            .await?;
        Ok(Some((item, changes)))
    }

    async fn construction_targets(
        &self,
        scope: Scope,
        area: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<ConstructionTarget>> {
        // Targets are a county's: a township or a village has none of its own.
        if area.level() > zhenxing_domain::AreaLevel::County {
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
                    "SELECT {TARGET_COLUMNS} FROM construction_targets \
                     WHERE year = $1 AND county_code BETWEEN $2 AND $3 \
                     ORDER BY county_code, task"
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

    async fn construction_years(
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
                "SELECT year FROM construction_items WHERE area_code BETWEEN $1 AND $2 \
                 UNION SELECT year FROM construction_targets WHERE county_code BETWEEN $1 AND $2 \
                 ORDER BY year DESC",
                &[(lo as i64).into(), (hi as i64).into()],
            )
            .await?;
        rows.iter().map(|r| year(r.int(0)?)).collect()
    }
}

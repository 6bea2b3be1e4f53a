//! [`ProjectStore`] over any [`Db`]: a county's project ledger, one row a project, its changes
//! in `project_history`.

use async_trait::async_trait;
use zhenxing_domain::project::{Project, ProjectNo, ProjectStage};
use zhenxing_domain::{AreaCode, Money, PolicyYear, Scope};

use super::monitoring::{area, corrupt, opt_day, row_opt_day};
use super::versioned::{Versioned, changeset};
use super::{Db, Row, SqlStore, Tx, Value};
use crate::project::*;
use crate::{Actor, StoreError, StoreResult};

const COLUMNS: &str = "p.county_code, p.project_no, p.year, p.name, p.area_code, p.category, \
    p.stage, p.planned_fund, p.allocated, p.spent, p.started_on, p.completed_on, p.accepted_on, \
    p.beneficiary_households, p.poor_households, p.note, p.version, c.at, c.actor";

fn stored_project(r: &Row) -> StoreResult<StoredProject> {
    let count = |i: usize| -> StoreResult<Option<u32>> {
        r.opt_int(i)?
            .map(|n| u32::try_from(n).map_err(corrupt))
            .transpose()
    };
    let year = u16::try_from(r.int(2)?).map_err(corrupt)?;
    Ok(StoredProject {
        county: area(r.int(0)?)?,
        project: Project {
            no: ProjectNo::parse(&r.text(1)?).map_err(corrupt)?,
            year: PolicyYear::new(year).map_err(corrupt)?,
            name: r.text(3)?,
            area: area(r.int(4)?)?,
            category: r.text(5)?,
            stage: ProjectStage::from_code(r.int(6)?)
                .ok_or_else(|| corrupt(format!("项目状态 {}", r.int(6).unwrap_or(-1))))?,
            planned_fund: Money::from_fen(r.int(7)?),
            allocated: Money::from_fen(r.int(8)?),
            spent: Money::from_fen(r.int(9)?),
            started_on: row_opt_day(r, 10)?,
            completed_on: row_opt_day(r, 11)?,
            accepted_on: row_opt_day(r, 12)?,
            beneficiary_households: count(13)?,
            poor_households: count(14)?,
            note: r.opt_text(15)?,
        },
        version: r.int(16)?,
        changed_at: r.text(17)?,
        changed_by: r.text(18)?,
    })
}

const PROJECTS: Versioned = Versioned {
    table: "projects",
    history: "project_history",
    number: "project_no",
    columns: &[
        "year",
        "name",
        "area_code",
        "category",
        "stage",
        "planned_fund",
        "allocated",
        "spent",
        "started_on",
        "completed_on",
        "accepted_on",
        "beneficiary_households",
        "poor_households",
        "note",
    ],
};

/// The values of a project's row after its key: year .. note.
fn values(p: &Project) -> Vec<Value<'static>> {
    vec![
        i64::from(p.year.get()).into(),
        p.name.clone().into(),
        p.area.as_i64().into(),
        p.category.clone().into(),
        p.stage.code().into(),
        p.planned_fund.fen().into(),
        p.allocated.fen().into(),
        p.spent.fen().into(),
        opt_day(p.started_on),
        opt_day(p.completed_on),
        opt_day(p.accepted_on),
        Value::Int(p.beneficiary_households.map(i64::from)),
        Value::Int(p.poor_households.map(i64::from)),
        Value::from(p.note.clone()),
    ]
}

async fn read_one(
    tx: &mut dyn Tx,
    county: AreaCode,
    no: &ProjectNo,
) -> StoreResult<Option<StoredProject>> {
    let rows = tx
        .fetch(
            &format!(
                "SELECT {COLUMNS} FROM projects p JOIN changesets c ON c.id = p.changeset_id \
                 WHERE p.county_code = $1 AND p.project_no = $2"
            ),
            &[county.as_i64().into(), no.as_str().into()],
        )
        .await?;
    rows.first().map(stored_project).transpose()
}

#[async_trait]
impl<D: Db> ProjectStore for SqlStore<D> {
    async fn save_projects(
        &self,
        actor: &Actor,
        scope: Scope,
        projects: &[Project],
    ) -> StoreResult<Vec<Saved>> {
        let mut keys = Vec::with_capacity(projects.len());
        for p in projects {
            let county = p
                .county()
                .filter(|_| scope.contains(p.area))
                .ok_or_else(|| {
                    StoreError::Database(format!("项目{}的实施地点{}不在管辖范围内", p.no, p.area))
                })?;
            keys.push(county);
        }
        let mut tx = self.db().write().await?;
        let changeset = changeset(tx.as_mut(), actor, scope, "projects").await?;
        let mut outcomes = Vec::with_capacity(projects.len());
        for (p, county) in projects.iter().zip(keys) {
            let old = read_one(tx.as_mut(), county, &p.no).await?;
            let saved = PROJECTS
                .save(
                    tx.as_mut(),
                    changeset,
                    county.as_i64(),
                    p.no.as_str(),
                    old.as_ref().map(|o| (o.version, &o.project)),
                    p,
                    values(p),
                )
                .await?;
            outcomes.push(saved);
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn projects(
        &self,
        scope: Scope,
        area: AreaCode,
        year: Option<PolicyYear>,
    ) -> StoreResult<Vec<StoredProject>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut args: Vec<Value<'static>> = vec![(lo as i64).into(), (hi as i64).into()];
        let by_year = match year {
            Some(y) => {
                args.push(i64::from(y.get()).into());
                "AND p.year = $3"
            }
            None => "",
        };
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {COLUMNS} FROM projects p JOIN changesets c ON c.id = p.changeset_id \
                     WHERE p.area_code BETWEEN $1 AND $2 {by_year} \
                     ORDER BY p.county_code, p.project_no"
                ),
                &args,
            )
            .await?;
        rows.iter().map(stored_project).collect()
    }

    async fn project(
        &self,
        scope: Scope,
        county: AreaCode,
        no: &ProjectNo,
    ) -> StoreResult<Option<(StoredProject, Vec<ProjectChange>)>> {
        let mut tx = self.db().read().await?;
        let Some(p) = read_one(tx.as_mut(), county, no).await? else {
            return Ok(None);
        };
        if !scope.contains(p.project.area) {
            return Ok(None);
        }
        let changes = PROJECTS
            .history(tx.as_mut(), county.as_i64(), no.as_str())
            .await?;
        Ok(Some((p, changes)))
    }

    async fn project_years(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<PolicyYear>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                "SELECT DISTINCT year FROM projects WHERE area_code BETWEEN $1 AND $2 ORDER BY year DESC",
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

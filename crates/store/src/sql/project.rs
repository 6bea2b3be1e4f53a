//! [`ProjectStore`] over any [`Db`]: a county's project ledger, one row a project, its changes
//! in `project_history`.

use async_trait::async_trait;
use zhenxing_domain::project::{Project, ProjectNo, ProjectStage};
use zhenxing_domain::{AreaCode, Money, PolicyYear, Scope};

use super::monitoring::{area, corrupt, json, opt_day, row_opt_day};
use super::{Db, Row, SqlStore, Tx, Value, now_text};
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
    ) -> StoreResult<Vec<ProjectOutcome>> {
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
        let scope_code = match scope {
            Scope::All => None,
            Scope::Area(a) => Some(a.as_i64()),
        };
        let changeset = tx
            .fetch(
                "INSERT INTO changesets (at, actor, user_id, scope_code, kind) \
                 VALUES ($1, $2, $3, $4, 'projects') RETURNING id",
                &[
                    now_text().into(),
                    actor.name.as_str().into(),
                    actor.user_id.into(),
                    scope_code.into(),
                ],
            )
            .await?
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("没有得到变更批次编号".into()))?;
        let mut outcomes = Vec::with_capacity(projects.len());
        for (p, county) in projects.iter().zip(keys) {
            let old = read_one(tx.as_mut(), county, &p.no).await?;
            let (outcome, version, before) = match &old {
                None => (ProjectOutcome::Added, 1, None),
                Some(old) if old.project == *p => {
                    outcomes.push(ProjectOutcome::Unchanged);
                    continue;
                }
                Some(old) => (
                    ProjectOutcome::Updated,
                    old.version + 1,
                    Some(json(&old.project)?),
                ),
            };
            let mut args: Vec<Value<'static>> =
                vec![county.as_i64().into(), p.no.as_str().to_string().into()];
            args.extend(values(p));
            args.push(version.into());
            args.push(changeset.into());
            if outcome == ProjectOutcome::Added {
                tx.execute(
                    "INSERT INTO projects (county_code, project_no, year, name, area_code, category, \
                     stage, planned_fund, allocated, spent, started_on, completed_on, accepted_on, \
                     beneficiary_households, poor_households, note, version, changeset_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                    &args,
                )
                .await?;
            } else {
                tx.execute(
                    "UPDATE projects SET year = $3, name = $4, area_code = $5, category = $6, \
                     stage = $7, planned_fund = $8, allocated = $9, spent = $10, started_on = $11, \
                     completed_on = $12, accepted_on = $13, beneficiary_households = $14, \
                     poor_households = $15, note = $16, version = $17, changeset_id = $18 \
                     WHERE county_code = $1 AND project_no = $2",
                    &args,
                )
                .await?;
            }
            tx.execute(
                "INSERT INTO project_history (county_code, project_no, version, changeset_id, \
                 before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    county.as_i64().into(),
                    p.no.as_str().into(),
                    version.into(),
                    changeset.into(),
                    Value::from(before),
                    json(p)?.into(),
                ],
            )
            .await?;
            outcomes.push(outcome);
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
        let rows = tx
            .fetch(
                "SELECT h.version, c.at, c.actor, h.before_json, h.after_json FROM project_history h \
                 JOIN changesets c ON c.id = h.changeset_id \
                 WHERE h.county_code = $1 AND h.project_no = $2 ORDER BY h.version",
                &[county.as_i64().into(), no.as_str().into()],
            )
            .await?;
        let parse = |s: String| serde_json::from_str::<serde_json::Value>(&s).map_err(corrupt);
        let changes = rows
            .iter()
            .map(|r| {
                Ok(ProjectChange {
                    version: r.int(0)?,
                    at: r.text(1)?,
                    actor: r.text(2)?,
                    before: r.opt_text(3)?.map(parse).transpose()?,
                    after: parse(r.text(4)?)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
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

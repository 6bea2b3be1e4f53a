//! [`TeamStore`] over any [`Db`]: a county's roster of village-resident cadres, one row a
//! cadre, its changes in `work_team_member_history`.

use async_trait::async_trait;
use zhenxing_domain::work_team::{TeamMember, TeamPost, UnitLevel};
use zhenxing_domain::{AreaCode, IdNumber, Scope};

use super::monitoring::{area, corrupt, day, opt_day, row_day, row_opt_day};
use super::versioned::{Versioned, changeset};
use super::{Db, Row, SqlStore, Tx, Value};
use crate::project::Saved;
use crate::work_team::*;
use crate::{Actor, StoreError, StoreResult};

const COLUMNS: &str = "m.county_code, m.id_number, m.name, m.phone, m.village_code, m.post, \
    m.unit, m.unit_level, m.from_day, m.until_day, m.note, m.version, c.at, c.actor";

fn stored_member(r: &Row) -> StoreResult<StoredMember> {
    Ok(StoredMember {
        county: area(r.int(0)?)?,
        member: TeamMember {
            id: IdNumber::parse(&r.text(1)?).map_err(corrupt)?,
            name: r.text(2)?,
            phone: r.opt_text(3)?,
            village: area(r.int(4)?)?,
            post: TeamPost::from_code(r.int(5)?)
                .ok_or_else(|| corrupt(format!("驻村职务 {}", r.int(5).unwrap_or(-1))))?,
            unit: r.text(6)?,
            unit_level: UnitLevel::from_code(r.int(7)?)
                .ok_or_else(|| corrupt(format!("派出单位级别 {}", r.int(7).unwrap_or(-1))))?,
            from: row_day(r, 8)?,
            until: row_opt_day(r, 9)?,
            note: r.opt_text(10)?,
        },
        version: r.int(11)?,
        changed_at: r.text(12)?,
        changed_by: r.text(13)?,
    })
}

const MEMBERS: Versioned = Versioned {
    table: "work_team_members",
    history: "work_team_member_history",
    number: "id_number",
    columns: &[
        "name",
        "phone",
        "village_code",
        "post",
        "unit",
        "unit_level",
        "from_day",
        "until_day",
        "note",
    ],
};

fn values(m: &TeamMember) -> Vec<Value<'static>> {
    vec![
        m.name.clone().into(),
        Value::from(m.phone.clone()),
        m.village.as_i64().into(),
        m.post.code().into(),
        m.unit.clone().into(),
        m.unit_level.code().into(),
        day(m.from),
        opt_day(m.until),
        Value::from(m.note.clone()),
    ]
}

async fn read_one(
    tx: &mut dyn Tx,
    county: AreaCode,
    id: &IdNumber,
) -> StoreResult<Option<StoredMember>> {
    let rows = tx
        .fetch(
            &format!(
                "SELECT {COLUMNS} FROM work_team_members m \
                 JOIN changesets c ON c.id = m.changeset_id \
                 WHERE m.county_code = $1 AND m.id_number = $2"
            ),
            &[county.as_i64().into(), id.as_str().into()],
        )
        .await?;
    rows.first().map(stored_member).transpose()
}

#[async_trait]
impl<D: Db> TeamStore for SqlStore<D> {
    async fn save_team_members(
        &self,
        actor: &Actor,
        scope: Scope,
        members: &[TeamMember],
    ) -> StoreResult<Vec<Saved>> {
        let mut counties = Vec::with_capacity(members.len());
        for m in members {
            let county = m
                .county()
                .filter(|_| scope.contains(m.village))
                .ok_or_else(|| {
                    StoreError::Database(format!("{}的所驻村{}不在管辖范围内", m.name, m.village))
                })?;
            counties.push(county);
        }
        let mut tx = self.db().write().await?;
        let changeset = changeset(tx.as_mut(), actor, scope, "work_teams").await?;
        let mut outcomes = Vec::with_capacity(members.len());
        for (m, county) in members.iter().zip(counties) {
            let old = read_one(tx.as_mut(), county, &m.id).await?;
            outcomes.push(
                MEMBERS
                    .save(
                        tx.as_mut(),
                        changeset,
                        county.as_i64(),
                        m.id.as_str(),
                        old.as_ref().map(|o| (o.version, &o.member)),
                        m,
                        values(m),
                    )
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn team_members(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<StoredMember>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {COLUMNS} FROM work_team_members m \
                     JOIN changesets c ON c.id = m.changeset_id \
                     WHERE m.village_code BETWEEN $1 AND $2 \
                     ORDER BY m.village_code, m.post, m.from_day, m.name"
                ),
                &[(lo as i64).into(), (hi as i64).into()],
            )
            .await?;
        rows.iter().map(stored_member).collect()
    }
}

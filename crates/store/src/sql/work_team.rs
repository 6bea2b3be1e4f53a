//! [`TeamStore`] over any [`Db`]: a county's roster of village-resident cadres, one row a
//! cadre, its changes in `work_team_member_history`.

use async_trait::async_trait;
use chrono::NaiveDate;
use zhenxing_domain::work_team::{
    CallResult, PhoneCheck, TeamMember, TeamPost, Training, UnitLevel,
};
use zhenxing_domain::{AreaCode, IdNumber, Scope};

use super::monitoring::{area, corrupt, day, opt_day, row_day, row_opt_day};
use super::versioned::{Versioned, changeset};
use super::{Db, Row, SqlStore, Tx, Value, now_text};
use crate::project::Saved;
use crate::work_team::*;
use crate::{Actor, StoreError, StoreResult};

const COLUMNS: &str = "m.county_code, m.id_number, m.name, m.phone, m.village_code, m.post, \
    m.unit, m.unit_level, m.from_day, m.until_day, m.note, m.version, c.at, c.actor, m.account";

/// How many columns [`COLUMNS`] has: a phone check's follow them.
const MEMBER_WIDTH: usize = 15;

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
            account: r.opt_text(14)?,
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
        "account",
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
        Value::from(m.account.clone()),
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

    async fn save_trainings(
        &self,
        actor: &Actor,
        scope: Scope,
        trainings: &[(AreaCode, Training)],
    ) -> StoreResult<Vec<Saved>> {
        let mut tx = self.db().write().await?;
        let changeset = changeset(tx.as_mut(), actor, scope, "team_trainings").await?;
        let mut outcomes = Vec::with_capacity(trainings.len());
        for (county, t) in trainings {
            let in_scope = read_one(tx.as_mut(), *county, &t.cadre)
                .await?
                .is_some_and(|m| scope.contains(m.member.village));
            if !in_scope {
                return Err(StoreError::Database(format!(
                    "培训的驻村干部不在{county}管辖范围内的花名册中"
                )));
            }
            let key = t.key();
            let rows = tx
                .fetch(
                    &format!(
                        "SELECT t.version, {TRAINING_COLUMNS} FROM team_trainings t \
                         WHERE t.county_code = $1 AND t.training_key = $2"
                    ),
                    &[county.as_i64().into(), key.clone().into()],
                )
                .await?;
            let old = rows
                .first()
                .map(|r| Ok::<_, StoreError>((r.int(0)?, training(r, 1)?.1)))
                .transpose()?;
            outcomes.push(
                TRAININGS
                    .save(
                        tx.as_mut(),
                        changeset,
                        county.as_i64(),
                        &key,
                        old.as_ref().map(|(v, o)| (*v, o)),
                        t,
                        vec![
                            t.cadre.as_str().to_string().into(),
                            t.name.clone().into(),
                            t.course.clone().into(),
                            day(t.day),
                            i64::from(t.hours).into(),
                            Value::from(t.organizer.clone()),
                        ],
                    )
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn trainings(
        &self,
        scope: Scope,
        area: AreaCode,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, Training)>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {TRAINING_COLUMNS} FROM team_trainings t \
                     JOIN work_team_members m \
                       ON m.county_code = t.county_code AND m.id_number = t.id_number \
                     WHERE t.day BETWEEN $1 AND $2 AND m.village_code BETWEEN $3 AND $4 \
                     ORDER BY t.county_code, t.id_number, t.day, t.course"
                ),
                &[
                    day(from),
                    day(until),
                    (lo as i64).into(),
                    (hi as i64).into(),
                ],
            )
            .await?;
        rows.iter().map(|r| training(r, 0)).collect()
    }

    async fn draw_phone_checks(
        &self,
        actor: &Actor,
        scope: Scope,
        drawn: &[(AreaCode, IdNumber)],
        on: NaiveDate,
    ) -> StoreResult<u64> {
        let mut tx = self.db().write().await?;
        let mut added = 0;
        for (county, id) in drawn {
            let Some(m) = read_one(tx.as_mut(), *county, id).await? else {
                return Err(StoreError::Database(format!(
                    "抽查的驻村干部不在{county}的花名册中"
                )));
            };
            if !scope.contains(m.member.village) {
                return Err(StoreError::Database(format!(
                    "抽查的驻村干部所驻村{}不在管辖范围内",
                    m.member.village
                )));
            }
            let already = tx
                .fetch(
                    "SELECT 1 FROM phone_checks                      WHERE county_code = $1 AND id_number = $2 AND drawn_on = $3",
                    &[county.as_i64().into(), id.as_str().into(), day(on)],
                )
                .await?;
            if !already.is_empty() {
                continue;
            }
            let next = tx
                .fetch(
                    "SELECT COALESCE(MAX(check_no), 0) + 1 FROM phone_checks WHERE county_code = $1",
                    &[county.as_i64().into()],
                )
                .await?
                .first()
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(1);
            tx.execute(
                "INSERT INTO phone_checks (county_code, check_no, id_number, drawn_on, drawn_by)                  VALUES ($1, $2, $3, $4, $5)",
                &[
                    county.as_i64().into(),
                    next.into(),
                    id.as_str().into(),
                    day(on),
                    actor.name.as_str().into(),
                ],
            )
            .await?;
            added += 1;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn phone_checks(
        &self,
        scope: Scope,
        area: AreaCode,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<(PhoneCheck, StoredMember)>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {COLUMNS}, {CHECK_COLUMNS} FROM phone_checks p                      JOIN work_team_members m                        ON m.county_code = p.county_code AND m.id_number = p.id_number                      JOIN changesets c ON c.id = m.changeset_id                      WHERE p.drawn_on BETWEEN $1 AND $2 AND m.village_code BETWEEN $3 AND $4                      ORDER BY p.drawn_on DESC, m.village_code, p.county_code, p.check_no"
                ),
                &[day(from), day(until), (lo as i64).into(), (hi as i64).into()],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((phone_check(r, MEMBER_WIDTH)?, stored_member(r)?)))
            .collect()
    }

    async fn phone_check(
        &self,
        scope: Scope,
        county: AreaCode,
        no: i64,
    ) -> StoreResult<Option<(PhoneCheck, StoredMember)>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {COLUMNS}, {CHECK_COLUMNS} FROM phone_checks p \
                     JOIN work_team_members m \
                       ON m.county_code = p.county_code AND m.id_number = p.id_number \
                     JOIN changesets c ON c.id = m.changeset_id \
                     WHERE p.county_code = $1 AND p.check_no = $2"
                ),
                &[county.as_i64().into(), no.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let member = stored_member(r)?;
        if !scope.contains(member.member.village) {
            return Ok(None);
        }
        Ok(Some((phone_check(r, MEMBER_WIDTH)?, member)))
    }

    async fn record_phone_check(
        &self,
        actor: &Actor,
        scope: Scope,
        county: AreaCode,
        no: i64,
        result: CallResult,
        note: Option<&str>,
    ) -> StoreResult<Option<PhoneCheck>> {
        let mut tx = self.db().write().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT m.village_code, {CHECK_COLUMNS} FROM phone_checks p                      JOIN work_team_members m                        ON m.county_code = p.county_code AND m.id_number = p.id_number                      WHERE p.county_code = $1 AND p.check_no = $2"
                ),
                &[county.as_i64().into(), no.into()],
            )
            .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        if !scope.contains(area(row.int(0)?)?) {
            return Ok(None);
        }
        let mut check = phone_check(row, 1)?;
        let at = now_text();
        tx.execute(
            "UPDATE phone_checks SET result = $1, called_at = $2, called_by = $3, note = $4              WHERE county_code = $5 AND check_no = $6",
            &[
                result.code().into(),
                at.as_str().into(),
                actor.name.as_str().into(),
                Value::from(note.map(str::to_string)),
                county.as_i64().into(),
                no.into(),
            ],
        )
        .await?;
        tx.commit().await?;
        check.result = Some(result);
        check.called_at = Some(at);
        check.called_by = Some(actor.name.clone());
        check.note = note.map(str::to_string);
        Ok(Some(check))
    }
}

const CHECK_COLUMNS: &str = "p.county_code, p.check_no, p.id_number, p.drawn_on, p.drawn_by,     p.result, p.called_at, p.called_by, p.note";

/// A phone check from [`CHECK_COLUMNS`] starting at column `at`.
fn phone_check(r: &Row, at: usize) -> StoreResult<PhoneCheck> {
    Ok(PhoneCheck {
        county: area(r.int(at)?)?,
        no: r.int(at + 1)?,
        cadre: IdNumber::parse(&r.text(at + 2)?).map_err(corrupt)?,
        drawn_on: row_day(r, at + 3)?,
        drawn_by: r.text(at + 4)?,
        result: r
            .opt_int(at + 5)?
            .map(|c| CallResult::from_code(c).ok_or_else(|| corrupt(format!("抽查结果 {c}"))))
            .transpose()?,
        called_at: r.opt_text(at + 6)?,
        called_by: r.opt_text(at + 7)?,
        note: r.opt_text(at + 8)?,
    })
}

const TRAININGS: Versioned = Versioned {
    table: "team_trainings",
    history: "team_training_history",
    number: "training_key",
    columns: &["id_number", "name", "course", "day", "hours", "organizer"],
};

const TRAINING_COLUMNS: &str =
    "t.county_code, t.id_number, t.name, t.course, t.day, t.hours, t.organizer";

/// A training from [`TRAINING_COLUMNS`] starting at column `at`, with its county.
fn training(r: &Row, at: usize) -> StoreResult<(AreaCode, Training)> {
    Ok((
        area(r.int(at)?)?,
        Training {
            cadre: IdNumber::parse(&r.text(at + 1)?).map_err(corrupt)?,
            name: r.text(at + 2)?,
            course: r.text(at + 3)?,
            day: row_day(r, at + 4)?,
            hours: u32::try_from(r.int(at + 5)?).map_err(corrupt)?,
            organizer: r.opt_text(at + 6)?,
        },
    ))
}

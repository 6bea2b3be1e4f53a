//! [`MonitoringStore`] over any [`Db`]: policies, clues, cases and steps, plans, visits.
//!
//! A step that changes a household's monitoring fields writes them through [`SqlImport`] in the
//! same transaction as the case, so the registry keeps the change in its history under a change
//! set of the acting user.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use zhenxing_domain::monitoring::workflow::ActionKind;
use zhenxing_domain::monitoring::{
    CaseDue, CaseKind, CaseState, Channel, CheckAnswer, ClueStatus, ClueSubject, Evidence,
    MeasureStatus, PlannedMeasure, Stage,
};
use zhenxing_domain::policy::PolicyRef;
use zhenxing_domain::{
    AreaCode, HouseholdNo, Money, MonitorCategory, PolicyYear, RiskType, RiskTypes, Scope,
};

use super::columns::{
    HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, household_from_row, member_from_row, select_list,
};
use super::import::SqlImport;
use super::{Db, Row, SqlStore, Tx, Value, keyset_start, now_text, placeholders, tuples};
use crate::monitoring::*;
use crate::{Actor, ImportCounts, ImportSource, ImportTx, RowOutcome, StoreError, StoreResult};

pub(super) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(super) fn area(v: i64) -> StoreResult<AreaCode> {
    AreaCode::from_i64(v).map_err(corrupt)
}

pub(super) fn day(d: NaiveDate) -> Value<'static> {
    Value::from(d.format("%Y-%m-%d").to_string())
}

pub(super) fn opt_day(d: Option<NaiveDate>) -> Value<'static> {
    Value::from(d.map(|d| d.format("%Y-%m-%d").to_string()))
}

pub(super) fn parse_day(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| corrupt(format!("日期 {s}: {e}")))
}

pub(super) fn row_day(r: &Row, i: usize) -> StoreResult<NaiveDate> {
    parse_day(&r.text(i)?)
}

pub(super) fn row_opt_day(r: &Row, i: usize) -> StoreResult<Option<NaiveDate>> {
    r.opt_text(i)?.map(|s| parse_day(&s)).transpose()
}

pub(super) fn json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Database(e.to_string()))
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(corrupt)
}

fn code<T>(v: i64, from: fn(i64) -> Option<T>, what: &str) -> StoreResult<T> {
    from(v).ok_or_else(|| corrupt(format!("{what}: {v}")))
}

pub(super) fn household_no(s: &str) -> StoreResult<HouseholdNo> {
    HouseholdNo::parse(s).map_err(corrupt)
}

pub(super) fn policy_values(p: PolicyRef) -> [Value<'static>; 3] {
    [
        p.province.as_i64().into(),
        i64::from(p.year.get()).into(),
        i64::from(p.version).into(),
    ]
}

pub(super) fn policy_from(r: &Row, at: usize) -> StoreResult<PolicyRef> {
    Ok(PolicyRef {
        province: area(r.int(at)?)?,
        year: u16::try_from(r.int(at + 1)?)
            .ok()
            .and_then(|y| PolicyYear::new(y).ok())
            .ok_or_else(|| corrupt("政策年度"))?,
        version: u32::try_from(r.int(at + 2)?).map_err(corrupt)?,
    })
}

/// The disaster and accident bits of a risk mask.
fn disaster_mask() -> i64 {
    let mut r = RiskTypes::default();
    r.insert(RiskType::Disaster);
    r.insert(RiskType::Accident);
    r.mask()
}

/// A write transaction that is either plain, or the registry writer's (when the step changes a
/// household: then the change set and history come with it).
enum Writer {
    Plain(Box<dyn Tx>),
    Registry(Box<SqlImport>),
}

impl Writer {
    fn tx(&mut self) -> &mut dyn Tx {
        match self {
            Writer::Plain(tx) => tx.as_mut(),
            Writer::Registry(import) => import.tx_mut(),
        }
    }

    fn changeset(&self) -> Option<i64> {
        match self {
            Writer::Plain(_) => None,
            Writer::Registry(import) => Some(import.changeset()),
        }
    }

    async fn commit(self, counts: &ImportCounts) -> StoreResult<()> {
        match self {
            Writer::Plain(tx) => tx.commit().await,
            Writer::Registry(import) => import.commit(counts, &Vec::new()).await.map(|_| ()),
        }
    }
}

const CASE_SELECT: &str = "SELECT c.id, c.county_code, c.village_code, c.household_no, h.head_name, \
    c.clue_id, c.channel, c.kind, c.stage, c.opened_on, c.stage_since, c.visited_on, c.compared_on, \
    c.notice_from, c.green_channel_on, c.last_on, c.step_due_on, c.whole_due_on, c.risk_mask, \
    c.category, c.disaster_kind, c.policy_province, c.policy_year, c.policy_version, \
    c.elimination_json, c.version \
    FROM cases c JOIN households h ON h.county_code = c.county_code AND h.household_no = c.household_no";

fn case_from_row(r: &Row) -> StoreResult<StoredCase> {
    let state = CaseState {
        kind: code(r.int(7)?, CaseKind::from_code, "案件类型")?,
        stage: code(r.int(8)?, Stage::from_code, "环节")?,
        opened_on: row_day(r, 9)?,
        stage_since: row_day(r, 10)?,
        visited_on: row_opt_day(r, 11)?,
        compared_on: row_opt_day(r, 12)?,
        notice_from: row_opt_day(r, 13)?,
        green_channel_on: row_opt_day(r, 14)?,
        last_on: row_day(r, 15)?,
    };
    Ok(StoredCase {
        id: r.int(0)?,
        county: area(r.int(1)?)?,
        village: area(r.int(2)?)?,
        household_no: household_no(&r.text(3)?)?,
        head_name: r.text(4)?,
        clue_id: r.opt_int(5)?,
        channel: code(r.int(6)?, Channel::from_code, "发现渠道")?,
        state,
        due: CaseDue {
            step: row_opt_day(r, 16)?,
            whole: row_opt_day(r, 17)?,
        },
        risks: RiskTypes::from_mask(r.int(18)?),
        category: r
            .opt_int(19)?
            .map(|c| code(c, MonitorCategory::from_code, "监测对象类别"))
            .transpose()?,
        disaster_kind: r.opt_text(20)?,
        policy: policy_from(r, 21)?,
        elimination: r.opt_text(24)?.map(|s| from_json(&s)).transpose()?,
        version: r.int(25)?,
    })
}

/// The state columns of a case, in `STATE_COLUMNS` order.
const STATE_COLUMNS: [&str; 12] = [
    "stage",
    "opened_on",
    "stage_since",
    "visited_on",
    "compared_on",
    "notice_from",
    "green_channel_on",
    "last_on",
    "step_due_on",
    "whole_due_on",
    "next_due_on",
    "closed_on",
];

fn state_values(s: &CaseState, due: &CaseDue) -> Vec<Value<'static>> {
    let closed = s.stage.is_closed().then_some(s.stage_since);
    vec![
        s.stage.code().into(),
        day(s.opened_on),
        day(s.stage_since),
        opt_day(s.visited_on),
        opt_day(s.compared_on),
        opt_day(s.notice_from),
        opt_day(s.green_channel_on),
        day(s.last_on),
        opt_day(due.step),
        opt_day(due.whole),
        opt_day(if closed.is_some() { None } else { due.next() }),
        opt_day(closed),
    ]
}

/// The columns and values of a new case of the household `(county, village, number)` (one
/// insert, or a row of a multi-row insert).
pub(super) fn case_row(
    actor: &Actor,
    (county, village, no): (AreaCode, AreaCode, &HouseholdNo),
    clue: Option<i64>,
    case: &CaseOpen,
) -> StoreResult<(Vec<&'static str>, Vec<Value<'static>>)> {
    let mut columns: Vec<&'static str> = vec![
        "county_code",
        "household_no",
        "village_code",
        "kind",
        "clue_id",
        "channel",
        "risk_mask",
        "category",
        "disaster_kind",
        "elimination_json",
        "policy_province",
        "policy_year",
        "policy_version",
        "created_by",
        "created_at",
        "version",
    ];
    let elimination = case.elimination.as_ref().map(json).transpose()?;
    let mut args: Vec<Value<'static>> = vec![
        county.as_i64().into(),
        no.as_str().to_string().into(),
        village.as_i64().into(),
        case.state.kind.code().into(),
        clue.into(),
        case.channel.code().into(),
        case.risks.mask().into(),
        Value::Int(case.category.map(MonitorCategory::code)),
        case.disaster_kind.clone().into(),
        elimination.into(),
    ];
    args.extend(policy_values(case.policy));
    args.extend([actor.name.clone().into(), now_text().into(), 1i64.into()]);
    columns.extend(STATE_COLUMNS);
    args.extend(state_values(&case.state, &case.due));
    Ok((columns, args))
}

impl<D: Db> SqlStore<D> {
    /// The (county, village) of a registered household, if it is in scope.
    async fn locate(
        &self,
        tx: &mut dyn Tx,
        scope: Scope,
        no: &HouseholdNo,
    ) -> StoreResult<Option<(AreaCode, AreaCode)>> {
        let rows = tx
            .fetch(
                "SELECT h.county_code, h.village_code FROM household_ids i JOIN households h \
                 ON h.county_code = i.county_code AND h.household_no = i.household_no \
                 WHERE i.household_no = $1",
                &[no.as_str().into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let (county, village) = (area(r.int(0)?)?, area(r.int(1)?)?);
        Ok(scope.contains(village).then_some((county, village)))
    }

    /// Inserts a case of the household `(county, village, number)`.
    async fn insert_case(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        household: (AreaCode, AreaCode, &HouseholdNo),
        clue: Option<i64>,
        case: &CaseOpen,
    ) -> StoreResult<i64> {
        let (columns, args) = case_row(actor, household, clue, case)?;
        let sql = format!(
            "INSERT INTO cases ({}) VALUES ({}) RETURNING id",
            columns.join(", "),
            placeholders(1, args.len())
        );
        let rows = tx.fetch(&sql, &args).await?;
        rows.first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("no case id".into()))
    }

    async fn add_evidence(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        county: AreaCode,
        clue: i64,
        e: &Evidence,
    ) -> StoreResult<()> {
        let key = [Value::from(county.as_i64()), clue.into()];
        let rows = tx
            .fetch(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM clue_evidence WHERE county_code = $1 AND clue_id = $2",
                &key,
            )
            .await?;
        let seq = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(1);
        let mut args = key.to_vec();
        args.extend([
            seq.into(),
            e.channel.code().into(),
            e.source.clone().into(),
            e.rule.clone().into(),
            json(&e.figures)?.into(),
            json(&e.members)?.into(),
            e.note.clone().into(),
            day(e.found_on),
            actor.name.clone().into(),
            now_text().into(),
        ]);
        tx.execute(
            "INSERT INTO clue_evidence (county_code, clue_id, seq, channel, source, rule, figures_json, \
             members_json, note, found_on, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &args,
        )
        .await?;
        Ok(())
    }

    async fn clue_in(
        &self,
        tx: &mut dyn Tx,
        scope: Scope,
        id: i64,
    ) -> StoreResult<Option<StoredClue>> {
        let rows = tx
            .fetch(
                "SELECT id, county_code, village_code, household_no, subject_key, risk_mask, disaster_kind, \
                 found_on, status, case_id FROM clues WHERE id = $1",
                &[id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let village = area(r.int(2)?)?;
        if !scope.contains(village) {
            return Ok(None);
        }
        let county = area(r.int(1)?)?;
        let mut evidence = Vec::new();
        // A screening's evidence names its batch: the rule is the batch's, the figures and
        // members the household's result in it (`0009_screening_evidence_once.sql`).
        for e in tx
            .fetch(
                "SELECT e.channel, e.source, COALESCE(e.rule, s.rule), \
                 COALESCE(r.figures_json, e.figures_json), COALESCE(r.members_json, e.members_json), \
                 e.note, e.found_on, s.figure_labels FROM clue_evidence e \
                 LEFT JOIN screenings s ON s.id = e.screening_id \
                 LEFT JOIN screening_results r ON r.county_code = e.county_code \
                 AND r.screening_id = e.screening_id AND r.household_no = $3 \
                 WHERE e.county_code = $1 AND e.clue_id = $2 ORDER BY e.seq",
                &[county.as_i64().into(), id.into(), r.opt_text(3)?.into()],
            )
            .await?
        {
            evidence.push(Evidence {
                channel: code(e.int(0)?, Channel::from_code, "发现渠道")?,
                source: e.text(1)?,
                rule: e.opt_text(2)?,
                figures: super::screening::figures_from(&e.text(3)?, e.opt_text(7)?.as_deref())?,
                members: from_json(&e.text(4)?)?,
                note: e.opt_text(5)?,
                found_on: row_day(&e, 6)?,
            });
        }
        Ok(Some(StoredClue {
            id,
            county,
            village,
            household_no: r.opt_text(3)?.map(|s| household_no(&s)).transpose()?,
            subject_key: r.text(4)?,
            risks: RiskTypes::from_mask(r.int(5)?),
            disaster_kind: r.opt_text(6)?,
            found_on: row_day(r, 7)?,
            status: code(r.int(8)?, ClueStatus::from_code, "线索状态")?,
            case_id: r.opt_int(9)?,
            evidence,
        }))
    }

    async fn fetch_cases(
        &self,
        sql: &str,
        args: &[Value<'_>],
        scope: Scope,
    ) -> StoreResult<Vec<StoredCase>> {
        let mut tx = self.db().read().await?;
        let rows = tx.fetch(sql, args).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let c = case_from_row(r)?;
            if scope.contains(c.village) {
                out.push(c);
            }
        }
        Ok(out)
    }
}

fn measure_from_row(r: &Row, at: usize) -> StoreResult<PlannedMeasure> {
    Ok(PlannedMeasure {
        measure: r.text(at)?,
        risk: code(r.int(at + 1)?, RiskType::from_code, "风险类型")?,
        starts_on: row_day(r, at + 2)?,
        ends_on: row_opt_day(r, at + 3)?,
        status: code(r.int(at + 4)?, MeasureStatus::from_code, "措施状态")?,
        note: r.opt_text(at + 5)?,
    })
}

fn step_from_row(r: &Row) -> StoreResult<StepRecord> {
    Ok(StepRecord {
        seq: r.int(0)?,
        action: code(r.int(1)?, ActionKind::from_code, "操作")?,
        approved: r.opt_flag(2)?,
        promise_signed: r.opt_flag(3)?,
        remark: r.text(4)?,
        acted_on: row_day(r, 5)?,
        stage_before: code(r.int(6)?, Stage::from_code, "环节")?,
        stage_after: code(r.int(7)?, Stage::from_code, "环节")?,
        due_on: row_opt_day(r, 8)?,
        late: r.flag(9)?,
        actor: r.text(10)?,
        recorded_at: r.text(11)?,
        policy: policy_from(r, 12)?,
        verdict: r.opt_text(15)?.map(|s| from_json(&s)).transpose()?,
    })
}

#[async_trait]
impl<D: Db> MonitoringStore for SqlStore<D> {
    async fn policies(
        &self,
        province: AreaCode,
        year: PolicyYear,
    ) -> StoreResult<Vec<StoredPolicy>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                "SELECT province, year, version, content, created_by, created_at, note FROM policies \
                 WHERE province = $1 AND year = $2 ORDER BY version DESC",
                &[province.as_i64().into(), i64::from(year.get()).into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredPolicy {
                    policy: policy_from(r, 0)?,
                    content: r.text(3)?,
                    created_by: r.text(4)?,
                    created_at: r.text(5)?,
                    note: r.opt_text(6)?,
                })
            })
            .collect()
    }

    async fn policy_version(&self, policy: PolicyRef) -> StoreResult<Option<StoredPolicy>> {
        Ok(self
            .policies(policy.province, policy.year)
            .await?
            .into_iter()
            .find(|p| p.policy.version == policy.version))
    }

    async fn add_policy(
        &self,
        actor: &Actor,
        province: AreaCode,
        year: PolicyYear,
        content: &str,
        note: Option<&str>,
    ) -> StoreResult<StoredPolicy> {
        let mut tx = self.db().write().await?;
        let key = [Value::from(province.as_i64()), i64::from(year.get()).into()];
        let rows = tx
            .fetch(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM policies WHERE province = $1 AND year = $2",
                &key,
            )
            .await?;
        let version = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(1);
        let at = now_text();
        let mut args = key.to_vec();
        args.extend([
            version.into(),
            content.into(),
            actor.name.clone().into(),
            at.clone().into(),
            note.into(),
        ]);
        tx.execute(
            "INSERT INTO policies (province, year, version, content, created_by, created_at, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &args,
        )
        .await?;
        tx.commit().await?;
        Ok(StoredPolicy {
            policy: PolicyRef {
                province,
                year,
                version: u32::try_from(version).map_err(corrupt)?,
            },
            content: content.to_string(),
            created_by: actor.name.clone(),
            created_at: at,
            note: note.map(str::to_string),
        })
    }

    async fn record_clue(
        &self,
        actor: &Actor,
        scope: Scope,
        clue: &ClueWrite,
    ) -> StoreResult<Option<ClueOutcome>> {
        let Some(county) = clue.village.county() else {
            return Ok(None);
        };
        if !scope.contains(clue.village) {
            return Ok(None);
        }
        let mut writer = match &clue.register {
            Some(_) => Writer::Registry(Box::new(
                SqlImport::begin(
                    self.db(),
                    actor,
                    scope,
                    "monitoring",
                    &ImportSource::default(),
                )
                .await?,
            )),
            None => Writer::Plain(self.db().write().await?),
        };
        if let (Some(no), None) = (&clue.household_no, &clue.register) {
            match self.locate(writer.tx(), scope, no).await? {
                Some((c, _)) if c == county => {}
                _ => return Ok(None),
            }
        }
        // Two clues about one household share a key: its number once it is registered (or
        // registered now), else its head's ID number.
        let no = clue
            .household_no
            .clone()
            .or_else(|| clue.register.as_ref().map(|(h, _)| h.no.clone()));
        let key = match &no {
            Some(no) => ClueSubject::household_key(no),
            None => clue.input.subject.key(),
        };
        let open = writer
            .tx()
            .fetch(
                "SELECT id, case_id FROM clues WHERE county_code = $1 AND subject_key = $2 AND status = 1",
                &[county.as_i64().into(), key.as_str().into()],
            )
            .await?;
        if let Some(r) = open.first() {
            let (id, case) = (r.int(0)?, r.opt_int(1)?);
            let mask = clue.input.risks.mask();
            writer
                .tx()
                .execute(
                    "UPDATE clues SET risk_mask = risk_mask | $1 WHERE county_code = $2 AND id = $3",
                    &[mask.into(), county.as_i64().into(), id.into()],
                )
                .await?;
            if let Some(case) = case {
                writer
                    .tx()
                    .execute(
                        "UPDATE cases SET risk_mask = risk_mask | $1 WHERE county_code = $2 AND id = $3 AND closed_on IS NULL",
                        &[mask.into(), county.as_i64().into(), case.into()],
                    )
                    .await?;
            }
            self.add_evidence(writer.tx(), actor, county, id, &clue.input.evidence)
                .await?;
            writer.commit(&ImportCounts::default()).await?;
            return Ok(Some(ClueOutcome::Merged { clue: id, case }));
        }

        let mut counts = ImportCounts::default();
        if let (Some((household, members)), Writer::Registry(import)) =
            (&clue.register, &mut writer)
        {
            let outcome = import.households(std::slice::from_ref(household)).await?;
            if let Some(RowOutcome::Rejected(why)) = outcome.first() {
                return Ok(Some(ClueOutcome::Refused {
                    reason: why.to_string(),
                }));
            }
            for o in import.members(members).await? {
                if let RowOutcome::Rejected(why) = o {
                    return Ok(Some(ClueOutcome::Refused {
                        reason: why.to_string(),
                    }));
                }
            }
            counts.households_inserted = 1;
            counts.members_inserted = members.len() as u64;
        }
        let new_household = match &clue.input.subject {
            ClueSubject::New(n) => Some(json(n)?),
            _ => None,
        };
        let args: Vec<Value> = vec![
            county.as_i64().into(),
            key.as_str().into(),
            no.as_ref().map(|n| n.as_str().to_string()).into(),
            clue.village.as_i64().into(),
            new_household.into(),
            clue.input.risks.mask().into(),
            clue.input.disaster_kind.clone().into(),
            clue.input.evidence.channel.code().into(),
            day(clue.input.evidence.found_on),
            ClueStatus::Open.code().into(),
            actor.name.clone().into(),
            now_text().into(),
        ];
        let rows = writer
            .tx()
            .fetch(
                "INSERT INTO clues (county_code, subject_key, household_no, village_code, new_household, risk_mask, \
                 disaster_kind, channel, found_on, status, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &args,
            )
            .await?;
        let id = rows
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("no clue id".into()))?;
        self.add_evidence(writer.tx(), actor, county, id, &clue.input.evidence)
            .await?;
        let mut case_id = None;
        if let (Some(case), Some(no)) = (&clue.case, &no) {
            let c = self
                .insert_case(
                    writer.tx(),
                    actor,
                    (county, clue.village, no),
                    Some(id),
                    case,
                )
                .await?;
            writer
                .tx()
                .execute(
                    "UPDATE clues SET case_id = $1 WHERE county_code = $2 AND id = $3",
                    &[c.into(), county.as_i64().into(), id.into()],
                )
                .await?;
            case_id = Some(c);
        }
        writer.commit(&counts).await?;
        Ok(Some(ClueOutcome::Created {
            clue: id,
            case: case_id,
        }))
    }

    async fn clue(&self, scope: Scope, id: i64) -> StoreResult<Option<StoredClue>> {
        let mut tx = self.db().read().await?;
        self.clue_in(tx.as_mut(), scope, id).await
    }

    async fn open_clues(&self, scope: Scope, limit: u32) -> StoreResult<Vec<StoredClue>> {
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        let ids = tx
            .fetch(
                &format!(
                    "SELECT id FROM clues WHERE status = 1 AND village_code BETWEEN $1 AND $2 \
                     ORDER BY found_on, id LIMIT {limit}"
                ),
                &[(lo as i64).into(), (hi as i64).into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in ids {
            if let Some(c) = self.clue_in(tx.as_mut(), scope, r.int(0)?).await? {
                out.push(c);
            }
        }
        Ok(out)
    }

    async fn open_clue_of(
        &self,
        scope: Scope,
        no: &HouseholdNo,
    ) -> StoreResult<Option<StoredClue>> {
        let mut tx = self.db().read().await?;
        // `status = 1` written out: the partial index `clues_one_open` answers it.
        let ids = tx
            .fetch(
                "SELECT c.id FROM household_ids i JOIN clues c ON c.county_code = i.county_code \
                 AND c.subject_key = $2 AND c.status = 1 WHERE i.household_no = $1",
                &[no.as_str().into(), ClueSubject::household_key(no).into()],
            )
            .await?;
        match ids.first() {
            Some(r) => self.clue_in(tx.as_mut(), scope, r.int(0)?).await,
            None => Ok(None),
        }
    }

    async fn case(&self, scope: Scope, id: i64) -> StoreResult<Option<StoredCase>> {
        let sql = format!("{CASE_SELECT} WHERE c.id = $1");
        Ok(self.fetch_cases(&sql, &[id.into()], scope).await?.pop())
    }

    async fn open_case_of(
        &self,
        scope: Scope,
        no: &HouseholdNo,
    ) -> StoreResult<Option<StoredCase>> {
        let sql = format!(
            "{CASE_SELECT} JOIN household_ids i ON i.county_code = c.county_code AND i.household_no = c.household_no \
             WHERE i.household_no = $1 AND c.closed_on IS NULL"
        );
        Ok(self
            .fetch_cases(&sql, &[no.as_str().into()], scope)
            .await?
            .pop())
    }

    async fn household_cases(
        &self,
        scope: Scope,
        no: &HouseholdNo,
    ) -> StoreResult<Vec<StoredCase>> {
        // Under the county it is registered in, and any it moved away from (its closed row
        // there keeps its cases); the scope keeps those the caller may see.
        let sql = format!(
            "{CASE_SELECT} JOIN (SELECT county_code FROM household_ids WHERE household_no = $1 \
             UNION SELECT county_code FROM households WHERE household_no = $1 AND dissolved_on IS NOT NULL) k \
             ON k.county_code = c.county_code WHERE c.household_no = $1 ORDER BY c.opened_on DESC, c.id DESC"
        );
        self.fetch_cases(&sql, &[no.as_str().into()], scope).await
    }

    async fn case_steps(&self, scope: Scope, id: i64) -> StoreResult<Vec<StepRecord>> {
        let Some(case) = self.case(scope, id).await? else {
            return Ok(Vec::new());
        };
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                "SELECT seq, action, approved, promise_signed, remark, acted_on, stage_before, stage_after, \
                 due_on, late, actor, recorded_at, policy_province, policy_year, policy_version, verdict_json \
                 FROM case_steps WHERE county_code = $1 AND case_id = $2 ORDER BY seq",
                &[case.county.as_i64().into(), id.into()],
            )
            .await?;
        rows.iter().map(step_from_row).collect()
    }

    async fn open_case(
        &self,
        actor: &Actor,
        scope: Scope,
        no: &HouseholdNo,
        case: &CaseOpen,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.db().write().await?;
        let Some((county, village)) = self.locate(tx.as_mut(), scope, no).await? else {
            return Ok(None);
        };
        let id = self
            .insert_case(tx.as_mut(), actor, (county, village, no), None, case)
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn apply_step(
        &self,
        actor: &Actor,
        scope: Scope,
        step: &StepWrite,
    ) -> StoreResult<StepOutcome> {
        let Some(case) = self.case(scope, step.case_id).await? else {
            return Ok(StepOutcome::NotFound);
        };
        let mut writer = match &step.household {
            Some(_) => Writer::Registry(Box::new(
                SqlImport::begin(
                    self.db(),
                    actor,
                    scope,
                    "monitoring",
                    &ImportSource::default(),
                )
                .await?,
            )),
            None => Writer::Plain(self.db().write().await?),
        };
        let mut counts = ImportCounts::default();
        if let (Some(h), Writer::Registry(import)) = (&step.household, &mut writer) {
            match import.households(std::slice::from_ref(h)).await?.first() {
                Some(RowOutcome::Updated) => counts.households_updated = 1,
                Some(RowOutcome::Unchanged) => counts.households_unchanged = 1,
                _ => return Ok(StepOutcome::NotFound),
            }
        }
        let key = [Value::from(case.county.as_i64()), step.case_id.into()];
        let mut sets: Vec<String> = STATE_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        let mut args = state_values(&step.state, &step.due);
        let elimination = step.elimination.as_ref().map(json).transpose()?;
        if elimination.is_some() {
            args.push(elimination.into());
            sets.push(format!("elimination_json = ${}", args.len()));
        }
        let n = args.len();
        args.extend(key.iter().cloned());
        args.push(step.expected_version.into());
        let sql = format!(
            "UPDATE cases SET {}, version = version + 1 WHERE county_code = ${} AND id = ${} AND version = ${}",
            sets.join(", "),
            n + 1,
            n + 2,
            n + 3
        );
        if writer.tx().execute(&sql, &args).await? == 0 {
            return Ok(StepOutcome::Conflict);
        }
        let rows = writer
            .tx()
            .fetch(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_steps WHERE county_code = $1 AND case_id = $2",
                &key,
            )
            .await?;
        let seq = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(1);
        let s = &step.step;
        let verdict = s.verdict.as_ref().map(json).transpose()?;
        let mut args = key.to_vec();
        args.extend([
            seq.into(),
            s.action.code().into(),
            Value::from(s.approved),
            Value::from(s.promise_signed),
            s.remark.clone().into(),
            day(s.acted_on),
            s.stage_before.code().into(),
            s.stage_after.code().into(),
            opt_day(s.due_on),
            s.late.into(),
            actor.name.clone().into(),
            actor.user_id.into(),
            now_text().into(),
        ]);
        args.extend(policy_values(s.policy));
        args.extend([verdict.into(), writer.changeset().into()]);
        writer
            .tx()
            .execute(
                &format!(
                    "INSERT INTO case_steps (county_code, case_id, seq, action, approved, promise_signed, remark, \
                     acted_on, stage_before, stage_after, due_on, late, actor, user_id, recorded_at, \
                     policy_province, policy_year, policy_version, verdict_json, changeset_id) VALUES ({})",
                    placeholders(1, args.len())
                ),
                &args,
            )
            .await?;
        if case.kind() == CaseKind::Identification && step.state.stage == Stage::Approved {
            super::work::add_approval(
                writer.tx(),
                self.db().backend(),
                case.village,
                step.state.opened_on,
                step.state.stage_since,
            )
            .await?;
        }
        if step.state.stage.is_closed()
            && let Some(clue) = case.clue_id
        {
            writer
                .tx()
                .execute(
                    "UPDATE clues SET status = $1, closed_on = $2 WHERE county_code = $3 AND id = $4 AND status = 1",
                    &[
                        ClueStatus::Closed.code().into(),
                        day(step.state.stage_since),
                        case.county.as_i64().into(),
                        clue.into(),
                    ],
                )
                .await?;
        }
        writer.commit(&counts).await?;
        Ok(StepOutcome::Written)
    }

    async fn cases(&self, scope: Scope, query: &CaseQuery) -> StoreResult<Vec<StoredCase>> {
        let (lo, hi) = scope.range();
        let mut args: Vec<Value> = vec![(lo as i64).into(), (hi as i64).into()];
        let mut wheres = vec![
            "c.closed_on IS NULL".to_string(),
            "c.village_code BETWEEN $1 AND $2".to_string(),
        ];
        let param = |args: &mut Vec<Value<'static>>, v: Value<'static>| {
            args.push(v);
            format!("${}", args.len())
        };
        if let Some(d) = query.overdue_on {
            let p = param(&mut args, day(d));
            wheres.push(format!("c.next_due_on < {p}"));
        }
        if let Some(d) = query.due_by {
            let p = param(&mut args, day(d));
            wheres.push(format!("c.next_due_on <= {p}"));
        }
        if !query.stages.is_empty() {
            let list: Vec<String> = query.stages.iter().map(|s| s.code().to_string()).collect();
            wheres.push(format!("c.stage IN ({})", list.join(", ")));
        }
        if let Some(k) = query.kind {
            let p = param(&mut args, k.code().into());
            wheres.push(format!("c.kind = {p}"));
        }
        if let Some((d, id)) = query.after {
            let a = param(&mut args, day(d));
            let b = param(&mut args, id.into());
            // The first column bounded too: where to enter `cases_open_due` (see
            // `keyset_start`: the row value alone is not used for it).
            wheres.push(format!("c.next_due_on >= {a}"));
            wheres.push(format!("(c.next_due_on, c.id) > ({a}, {b})"));
        }
        let limit = query.limit.clamp(1, 10_000);
        let sql = format!(
            "{CASE_SELECT} WHERE {} ORDER BY c.next_due_on, c.id LIMIT {limit}",
            wheres.join(" AND ")
        );
        self.fetch_cases(&sql, &args, scope).await
    }

    async fn notice_cases(&self, scope: Scope, village: AreaCode) -> StoreResult<Vec<StoredCase>> {
        if !scope.contains(village) {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{CASE_SELECT} WHERE c.village_code = $1 AND c.stage = $2 ORDER BY c.notice_from, h.household_no"
        );
        self.fetch_cases(
            &sql,
            &[village.as_i64().into(), Stage::PublicNotice.code().into()],
            scope,
        )
        .await
    }

    async fn plan(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Option<StoredPlan>> {
        let mut tx = self.db().read().await?;
        let Some((county, _)) = self.locate(tx.as_mut(), scope, no).await? else {
            return Ok(None);
        };
        let key = [Value::from(county.as_i64()), no.as_str().into()];
        let rows = tx
            .fetch(
                "SELECT cadre_name, cadre_phone, updated_by, updated_at FROM plans WHERE county_code = $1 AND household_no = $2",
                &key,
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let measures = tx
            .fetch(
                "SELECT measure_code, risk, starts_on, ends_on, status, note FROM plan_measures \
                 WHERE county_code = $1 AND household_no = $2 ORDER BY seq",
                &key,
            )
            .await?
            .iter()
            .map(|m| measure_from_row(m, 0))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(StoredPlan {
            household_no: no.clone(),
            cadre_name: r.opt_text(0)?,
            cadre_phone: r.opt_text(1)?,
            measures,
            updated_by: r.text(2)?,
            updated_at: r.text(3)?,
        }))
    }

    async fn save_plan(
        &self,
        actor: &Actor,
        scope: Scope,
        no: &HouseholdNo,
        cadre_name: Option<&str>,
        cadre_phone: Option<&str>,
        measures: &[PlannedMeasure],
    ) -> StoreResult<bool> {
        let mut tx = self.db().write().await?;
        let Some((county, village)) = self.locate(tx.as_mut(), scope, no).await? else {
            return Ok(false);
        };
        let key = [Value::from(county.as_i64()), no.as_str().into()];
        let mut args = key.to_vec();
        args.extend([
            cadre_name.into(),
            cadre_phone.into(),
            actor.name.clone().into(),
            now_text().into(),
        ]);
        tx.execute(
            "INSERT INTO plans (county_code, household_no, cadre_name, cadre_phone, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (county_code, household_no) DO UPDATE SET \
             cadre_name = excluded.cadre_name, cadre_phone = excluded.cadre_phone, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            &args,
        )
        .await?;
        tx.execute(
            "DELETE FROM plan_measures WHERE county_code = $1 AND household_no = $2",
            &key,
        )
        .await?;
        for (i, m) in measures.iter().enumerate() {
            let mut args = key.to_vec();
            args.extend([
                (i as i64 + 1).into(),
                m.measure.clone().into(),
                m.risk.code().into(),
                day(m.starts_on),
                opt_day(m.ends_on),
                m.status.code().into(),
                m.note.clone().into(),
            ]);
            tx.execute(
                "INSERT INTO plan_measures (county_code, household_no, seq, measure_code, risk, starts_on, ends_on, status, note) \
                                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &args,
            )
            .await?;
        }
        // Coverage is a figure: the household's count of measures and its village's figures
        // change with the plan.
        let active = measures.iter().filter(|m| m.is_active()).count();
        let mut args = vec![Value::from(active as i64)];
        args.extend(key.iter().cloned());
        let changed = tx
            .execute(
                "UPDATE households SET measures = $1 WHERE county_code = $2 AND household_no = $3 \
                 AND measures <> $1",
                &args,
            )
            .await?;
        if changed > 0 {
            super::figures::refresh(
                tx.as_mut(),
                self.db().backend(),
                &std::collections::BTreeSet::from([village.as_i64()]),
                zhenxing_domain::today_in_china(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn record_visit(
        &self,
        actor: &Actor,
        scope: Scope,
        visit: &VisitWrite,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.db().write().await?;
        let Some((county, _)) = self.locate(tx.as_mut(), scope, &visit.household_no).await? else {
            return Ok(None);
        };
        let mut args: Vec<Value> = vec![
            county.as_i64().into(),
            visit.household_no.as_str().into(),
            day(visit.visited_on),
            visit.visitor.clone().into(),
            json(&visit.answers)?.into(),
            Value::Int(visit.per_capita_income.map(Money::fen)),
            visit.finding.clone().into(),
            json(&visit.triggers)?.into(),
        ];
        args.extend(policy_values(visit.policy));
        args.extend([actor.name.clone().into(), now_text().into()]);
        let rows = tx
            .fetch(
                &format!(
                    "INSERT INTO visits (county_code, household_no, visited_on, visitor, answers_json, per_capita_income, \
                     finding, triggers_json, policy_province, policy_year, policy_version, recorded_by, recorded_at) \
                     VALUES ({}) RETURNING id",
                    placeholders(1, args.len())
                ),
                &args,
            )
            .await?;
        let id = rows
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("no visit id".into()))?;
        for (i, p) in visit.photos.iter().enumerate() {
            tx.execute(
                "INSERT INTO visit_photos (county_code, visit_id, seq, content_type, size, bytes) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    county.as_i64().into(),
                    id.into(),
                    (i as i64 + 1).into(),
                    p.content_type().into(),
                    (p.bytes().len() as i64).into(),
                    Value::Bytes(Some(p.bytes().into())),
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn visits(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Vec<StoredVisit>> {
        let mut tx = self.db().read().await?;
        let Some((county, _)) = self.locate(tx.as_mut(), scope, no).await? else {
            return Ok(Vec::new());
        };
        let rows = tx
            .fetch(
                "SELECT v.id, v.visited_on, v.visitor, v.answers_json, v.per_capita_income, v.finding, v.triggers_json, \
                 v.recorded_by, (SELECT COUNT(*) FROM visit_photos p WHERE p.county_code = v.county_code AND p.visit_id = v.id) \
                 FROM visits v WHERE v.county_code = $1 AND v.household_no = $2 ORDER BY v.visited_on DESC, v.id DESC",
                &[county.as_i64().into(), no.as_str().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let answers: Vec<CheckAnswer> = from_json(&r.text(3)?)?;
                Ok(StoredVisit {
                    id: r.int(0)?,
                    household_no: no.clone(),
                    visited_on: row_day(r, 1)?,
                    visitor: r.text(2)?,
                    answers,
                    per_capita_income: r.opt_int(4)?.map(Money::from_fen),
                    finding: r.opt_text(5)?,
                    triggers: from_json(&r.text(6)?)?,
                    recorded_by: r.text(7)?,
                    photos: u32::try_from(r.int(8)?).map_err(corrupt)?,
                })
            })
            .collect()
    }

    async fn visit_photo(
        &self,
        scope: Scope,
        visit: i64,
        seq: u32,
    ) -> StoreResult<Option<(String, Vec<u8>)>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                "SELECT h.village_code, p.content_type, p.bytes FROM visit_photos p \
                 JOIN visits v ON v.county_code = p.county_code AND v.id = p.visit_id \
                 JOIN households h ON h.county_code = v.county_code AND h.household_no = v.household_no \
                 WHERE p.visit_id = $1 AND p.seq = $2",
                &[visit.into(), i64::from(seq).into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        if !scope.contains(area(r.int(0)?)?) {
            return Ok(None);
        }
        Ok(Some((r.text(1)?, r.opt_bytes(2)?.unwrap_or_default())))
    }

    async fn subjects(
        &self,
        scope: Scope,
        after: Option<&SubjectCursor>,
        limit: u32,
        monitored_only: bool,
    ) -> StoreResult<Vec<Subject>> {
        let (lo, hi) = scope.range();
        let mut args: Vec<Value> = vec![(lo as i64).into(), (hi as i64).into()];
        // Closed households (销户) are neither visited nor listed.
        let mut wheres = vec![
            "h.village_code BETWEEN $1 AND $2".to_string(),
            "h.dissolved_on IS NULL".to_string(),
        ];
        if monitored_only {
            wheres.push("h.monitor_category IS NOT NULL".into());
        }
        if let Some((village, no)) = after {
            args[0] = keyset_start(lo, village.as_i64()).into();
            args.push(village.as_i64().into());
            args.push(no.as_str().to_string().into());
            wheres.push("(h.village_code, h.household_no) > ($3, $4)".into());
        }
        let sql = format!(
            "SELECT {} FROM households h WHERE {} ORDER BY h.village_code, h.household_no LIMIT {}",
            select_list("h", HOUSEHOLD_COLUMNS),
            wheres.join(" AND "),
            limit.clamp(1, 5000)
        );
        let mut tx = self.db().read().await?;
        let rows = tx.fetch(&sql, &args).await?;
        let mut subjects = Vec::with_capacity(rows.len());
        for r in &rows {
            let (county, household) = household_from_row(r, 0)?;
            subjects.push(Subject {
                county,
                household,
                members: Vec::new(),
                has_cadre: false,
                measures: Vec::new(),
                last_visit: None,
                last_visit_income: None,
                open_disaster: false,
            });
        }
        if subjects.is_empty() {
            return Ok(subjects);
        }
        let keys: Vec<Value> = subjects
            .iter()
            .flat_map(|s| {
                [
                    Value::from(s.county.as_i64()),
                    Value::from(s.household.no.as_str().to_string()),
                ]
            })
            .collect();
        let list = tuples(subjects.len(), 2);
        let index: HashMap<(i64, String), usize> = subjects
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.county.as_i64(), s.household.no.as_str().to_string()), i))
            .collect();
        let at = |county: i64, no: String| index.get(&(county, no)).copied();

        let sql = format!(
            "SELECT {} FROM members m WHERE (m.county_code, m.household_no) IN (VALUES {list})",
            select_list("m", MEMBER_COLUMNS)
        );
        for r in tx.fetch(&sql, &keys).await? {
            let (county, m) = member_from_row(&r, 0)?;
            if let Some(i) = at(county.as_i64(), m.household_no.as_str().to_string()) {
                subjects[i].members.push(m);
            }
        }
        let sql = format!(
            "SELECT county_code, household_no, cadre_name FROM plans WHERE (county_code, household_no) IN (VALUES {list})"
        );
        for r in tx.fetch(&sql, &keys).await? {
            if let Some(i) = at(r.int(0)?, r.text(1)?) {
                subjects[i].has_cadre = r.opt_text(2)?.is_some_and(|n| !n.trim().is_empty());
            }
        }
        let sql = format!(
            "SELECT county_code, household_no, measure_code, risk, starts_on, ends_on, status, note FROM plan_measures \
             WHERE (county_code, household_no) IN (VALUES {list}) ORDER BY seq"
        );
        for r in tx.fetch(&sql, &keys).await? {
            if let Some(i) = at(r.int(0)?, r.text(1)?) {
                subjects[i].measures.push(measure_from_row(&r, 2)?);
            }
        }
        let sql = format!(
            "SELECT county_code, household_no, visited_on, per_capita_income FROM visits \
             WHERE (county_code, household_no) IN (VALUES {list}) ORDER BY visited_on, id"
        );
        for r in tx.fetch(&sql, &keys).await? {
            if let Some(i) = at(r.int(0)?, r.text(1)?) {
                subjects[i].last_visit = Some(row_day(&r, 2)?);
                if let Some(fen) = r.opt_int(3)? {
                    subjects[i].last_visit_income = Some(Money::from_fen(fen));
                }
            }
        }
        let mut args = keys.clone();
        args.push(disaster_mask().into());
        let sql = format!(
            "SELECT county_code, household_no FROM clues WHERE status = 1 AND household_no IS NOT NULL \
             AND (county_code, household_no) IN (VALUES {list}) AND (risk_mask & ${}) <> 0",
            keys.len() + 1
        );
        for r in tx.fetch(&sql, &args).await? {
            if let Some(i) = at(r.int(0)?, r.text(1)?) {
                subjects[i].open_disaster = true;
            }
        }
        Ok(subjects)
    }
}

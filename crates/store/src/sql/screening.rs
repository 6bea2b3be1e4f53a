//! [`ScreeningStore`] over any [`Db`]: persons matched in large sorted batches (one query per
//! few thousand ID numbers, then one per few thousand households of a county), and a batch
//! recorded with multi-row statements in one transaction.

use std::collections::HashMap;

use async_trait::async_trait;
use zhenxing_domain::monitoring::{Channel, ClueStatus, ClueSubject, Figure};
use zhenxing_domain::{
    AreaCode, AreaLevel, HouseholdNo, HouseholdType, IdNumber, Money, MonitorCategory, Scope,
};

use super::monitoring::{
    area, case_row, corrupt, day, from_json, household_no, json, policy_from, policy_values,
    row_day,
};
use super::packed::{fetch_packed, packed_fields, packed_rows, typed_rows};
use super::problems;
use super::{
    Args, Db, Row, SqlStore, Tx, Value, json_rows, keyset_start, list_join, list_source,
    list_value, now_text, placeholders, reserve_ids, tuples_for,
};
use crate::monitoring::CaseOpen;
use crate::screening::*;
use crate::{Actor, RowProblem, StoreError, StoreResult};

/// ID numbers (or household numbers) per lookup: a few round trips for a large file, well within
/// both backends' parameter limits.
const MATCH_BATCH: usize = 4000;
/// Households per write statement (the widest row written with parameters, evidence, has 13).
const WRITE_BATCH: usize = 1000;

/// Whether persons of `county` may be in `scope` (a scope below a county is decided by village).
fn county_in_scope(scope: Scope, county: AreaCode) -> bool {
    match scope {
        Scope::All => true,
        Scope::Area(a) if a.level() <= AreaLevel::County => a.contains(county),
        Scope::Area(a) => county.contains(a),
    }
}

/// Whether a batch made for `area` concerns a caller with `scope`.
fn visible(scope: Scope, area: Option<AreaCode>) -> bool {
    match (scope, area) {
        (Scope::All, _) | (_, None) => true,
        (Scope::Area(s), Some(a)) => s.contains(a) || a.contains(s),
    }
}

fn default_category(t: HouseholdType) -> MonitorCategory {
    match t {
        HouseholdType::ExPoor => MonitorCategory::UnstableExPoor,
        HouseholdType::Ordinary => MonitorCategory::MarginalAtRisk,
    }
}

const SCREENING_SELECT: &str = "SELECT id, kind, kind_label, source, file_name, area_code, \
    policy_province, policy_year, policy_version, rule, found_on, rows_read, rows_matched, \
    rows_unmatched, rows_rejected, households, hits, created, attached, repeated, actor, created_at, \
    problems FROM screenings";

fn count(r: &Row, i: usize) -> StoreResult<u64> {
    u64::try_from(r.int(i)?).map_err(corrupt)
}

fn screening_from_row(r: &Row) -> StoreResult<StoredScreening> {
    Ok(StoredScreening {
        id: r.int(0)?,
        kind: r.text(1)?,
        kind_label: r.text(2)?,
        source: r.text(3)?,
        file_name: r.text(4)?,
        area: r.opt_int(5)?.map(area).transpose()?,
        policy: policy_from(r, 6)?,
        rule: r.text(9)?,
        found_on: row_day(r, 10)?,
        counts: ScreeningCounts {
            rows: count(r, 11)?,
            matched: count(r, 12)?,
            unmatched: count(r, 13)?,
            rejected: count(r, 14)?,
            households: count(r, 15)?,
            hits: count(r, 16)?,
            created: count(r, 17)?,
            attached: count(r, 18)?,
            repeated: count(r, 19)?,
        },
        problems: r
            .opt_int(22)?
            .map(|n| u64::try_from(n).map_err(corrupt))
            .transpose()?,
        actor: r.text(20)?,
        created_at: r.text(21)?,
    })
}

/// A result's figures as stored: only their values when the labels are the batch's
/// (`screenings.figure_labels`), else labels and values.
fn figures_text(figures: &[Figure], labels: Option<&[&str]>) -> StoreResult<String> {
    let same = labels.is_some_and(|l| {
        l.len() == figures.len() && l.iter().zip(figures).all(|(l, f)| *l == f.label)
    });
    if same {
        json(&figures.iter().map(|f| f.value.as_str()).collect::<Vec<_>>())
    } else {
        json(&figures)
    }
}

/// The two forms [`figures_text`] writes.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StoredFigures {
    Values(Vec<String>),
    Labelled(Vec<Figure>),
}

/// A result's figures read back; `labels` is the batch's `figure_labels` (JSON).
pub(super) fn figures_from(text: &str, labels: Option<&str>) -> StoreResult<Vec<Figure>> {
    match from_json::<StoredFigures>(text)? {
        StoredFigures::Labelled(figures) => Ok(figures),
        StoredFigures::Values(values) if values.is_empty() => Ok(Vec::new()),
        StoredFigures::Values(values) => {
            let labels: Vec<String> =
                from_json(labels.ok_or_else(|| corrupt("筛查结果只有数值，批次没有指标名称"))?)?;
            if labels.len() != values.len() {
                return Err(corrupt(format!(
                    "筛查结果有{}个数值，批次有{}个指标名称",
                    values.len(),
                    labels.len()
                )));
            }
            Ok(labels
                .into_iter()
                .zip(values)
                .map(|(label, value)| Figure { label, value })
                .collect())
        }
    }
}

/// What the transaction knows of a chunk of one county's hits before deciding.
#[derive(Default)]
struct ChunkState {
    /// household number → (monitor category code, eliminated)
    monitoring: HashMap<String, (Option<i64>, bool)>,
    /// (household number, fingerprint) → (earlier batch, its clue)
    earlier: HashMap<(String, String), (i64, Option<i64>)>,
    /// household number → (open clue, its case)
    open_clues: HashMap<String, (i64, Option<i64>)>,
    /// household number → open case
    open_cases: HashMap<String, i64>,
}

/// What to do with a hit, decided from the chunk's state.
#[derive(Clone, Copy)]
enum Plan {
    Repeat(i64, Option<i64>),
    Merge(i64, Option<i64>),
    /// A new clue: with a case (`None`), or kept beside the household's state.
    New(NewClue),
}

#[derive(Clone, Copy)]
enum NewClue {
    WithCase,
    Monitored,
    BesideCase(i64),
}

impl<D: Db> SqlStore<D> {
    async fn chunk_state(
        &self,
        tx: &mut dyn Tx,
        county: i64,
        kind: &str,
        hits: &[&HitWrite],
        keys: &[&str],
    ) -> StoreResult<ChunkState> {
        let backend = self.db().backend();
        let mut state = ChunkState::default();
        let nos: Vec<&str> = hits.iter().map(|h| h.no.as_str()).collect();
        let int = |s: &str| s.parse::<i64>().map_err(corrupt);
        let opt = |s: &str| {
            if s.is_empty() {
                Ok(None)
            } else {
                int(s).map(Some)
            }
        };

        let mut args = Args::default();
        let where_ = format!(
            "county_code = {} AND {}",
            args.push(county),
            args.one_of("household_no", &nos)
        );
        let text = fetch_packed(
            tx,
            backend,
            &["household_no", "monitor_category", "eliminated"],
            &format!("households WHERE {where_}"),
            &args.values,
        )
        .await?;
        for f in packed_rows(&text, 3)? {
            state
                .monitoring
                .insert(f[0].to_string(), (opt(f[1])?, int(f[2])? != 0));
        }
        let text = fetch_packed(
            tx,
            backend,
            &["household_no", "id"],
            &format!("cases WHERE {where_} AND closed_on IS NULL"),
            &args.values,
        )
        .await?;
        for f in packed_rows(&text, 2)? {
            state.open_cases.insert(f[0].to_string(), int(f[1])?);
        }
        let mut args = Args::default();
        let where_ = format!(
            "county_code = {} AND status = 1 AND {}",
            args.push(county),
            args.one_of("subject_key", keys)
        );
        let text = fetch_packed(
            tx,
            backend,
            &["household_no", "id", "case_id"],
            &format!("clues WHERE {where_}"),
            &args.values,
        )
        .await?;
        for f in packed_rows(&text, 3)? {
            state
                .open_clues
                .insert(f[0].to_string(), (int(f[1])?, opt(f[2])?));
        }
        let mut args = Args::default();
        let where_ = format!(
            "county_code = {} AND kind = {} AND {}",
            args.push(county),
            args.push(kind),
            args.one_of("household_no", &nos)
        );
        let text = fetch_packed(
            tx,
            backend,
            &["household_no", "fingerprint", "screening_id", "clue_id"],
            &format!("screening_results WHERE {where_}"),
            &args.values,
        )
        .await?;
        for f in packed_rows(&text, 4)? {
            state
                .earlier
                .entry((f[0].to_string(), f[1].to_string()))
                .or_insert((int(f[2])?, opt(f[3])?));
        }
        Ok(state)
    }

    /// Records one chunk of a county's hits; fills their outcomes.
    #[allow(clippy::too_many_arguments)]
    async fn record_chunk(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        batch: &ScreeningWrite<'_>,
        screening: i64,
        labels: Option<&[&str]>,
        county: AreaCode,
        chunk: &[usize],
        outcomes: &mut [Option<HitOutcome>],
        phases: &mut [f64; 4],
    ) -> StoreResult<()> {
        let backend = self.db().backend();
        let c = county.as_i64();
        let hits: Vec<&HitWrite> = chunk.iter().map(|&i| &batch.hits[i]).collect();
        let mut clock = std::time::Instant::now();
        let mut lap = |phase: usize| {
            phases[phase] += clock.elapsed().as_secs_f64();
            clock = std::time::Instant::now();
        };
        // Each household's clue key (`h:` and its number), for the lookups and writes below.
        let key_text: Vec<String> = hits
            .iter()
            .map(|h| ClueSubject::household_key(&h.no))
            .collect();
        let all_keys: Vec<&str> = key_text.iter().map(String::as_str).collect();
        let state = self
            .chunk_state(tx, c, &batch.kind, &hits, &all_keys)
            .await?;
        lap(0);

        // Decide every hit.
        let mut plans = Vec::with_capacity(hits.len());
        for h in &hits {
            let no = h.no.as_str();
            let Some(&(category, eliminated)) = state.monitoring.get(no) else {
                return Err(StoreError::Corrupt(format!("户{no}不在户信息中")));
            };
            let plan = if let Some(&(s, clue)) =
                state.earlier.get(&(no.to_string(), h.fingerprint.clone()))
            {
                Plan::Repeat(s, clue)
            } else if let Some(&(clue, case)) = state.open_clues.get(no) {
                Plan::Merge(clue, case)
            } else if category.is_some() && !eliminated {
                Plan::New(NewClue::Monitored)
            } else if let Some(&case) = state.open_cases.get(no) {
                Plan::New(NewClue::BesideCase(case))
            } else {
                Plan::New(NewClue::WithCase)
            };
            plans.push(plan);
        }

        // New clues, inserted from the households (the chunk's household numbers a list), then
        // the cases of those that open one, inserted from the clues; then their ids, packed.
        let now = now_text();
        let keys = |ks: &[usize]| -> Vec<&str> { ks.iter().map(|&k| all_keys[k]).collect() };
        let new: Vec<usize> = (0..hits.len())
            .filter(|&k| matches!(plans[k], Plan::New(_)))
            .collect();
        let with_case: Vec<usize> = (0..hits.len())
            .filter(|&k| matches!(plans[k], Plan::New(NewClue::WithCase)))
            .collect();
        let mut clue_ids: HashMap<String, (i64, Option<i64>)> = HashMap::new();
        // The ids of the cases to open, reserved first: each new clue is written with its case's
        // id (and its disaster's kind), the cases then from their clues — no clue written twice.
        let case_ids = reserve_ids(tx, backend, "cases", with_case.len()).await?;
        let mut case_of: Vec<Option<i64>> = vec![None; hits.len()];
        for (&k, id) in with_case.iter().zip(&case_ids) {
            case_of[k] = Some(*id);
        }
        if !new.is_empty() {
            let mut args = Args::default();
            let values = [
                args.push(c),
                args.push(batch.risks.mask()),
                args.push(Channel::DepartmentWarning.code()),
                args.push(day(batch.found_on)),
                args.push(ClueStatus::Open.code()),
                args.push(actor.name.as_str()),
                args.push(now.as_str()),
            ];
            // (number, case id, disaster kind) of each new clue, one JSON parameter: the
            // statement's text stays the same for any chunk (a VALUES list of a new length was
            // compiled again: 0.5 s → 1.9 s on SQLite).
            let rows: Vec<(&str, Option<i64>, Option<&str>)> = new
                .iter()
                .map(|&k| {
                    (
                        hits[k].no.as_str(),
                        case_of[k],
                        hits[k].disaster_kind.as_deref(),
                    )
                })
                .collect();
            let list = json_rows(backend, &args.push(json(&rows)?));
            // The list first (CROSS JOIN: SQLite keeps the order), each household by its key.
            let sql = format!(
                "INSERT INTO clues (county_code, subject_key, household_no, village_code, \
                 risk_mask, channel, found_on, status, created_by, created_at, case_id, \
                 disaster_kind) \
                 SELECT {0}, 'h:' || h.household_no, h.household_no, h.village_code, {1}, {2}, \
                 {3}, {4}, {5}, {6}, CAST(v.value ->> 1 AS BIGINT), v.value ->> 2 FROM {list} \
                 CROSS JOIN households h WHERE h.county_code = {0} \
                 AND h.household_no = v.value ->> 0",
                values[0], values[1], values[2], values[3], values[4], values[5], values[6],
            );
            tx.execute(&sql, &args.values).await?;
        }
        lap(1);
        if !with_case.is_empty() {
            // Every case of the batch opens the same way; the household's own values come from
            // the clue and the household.
            let template = CaseOpen {
                channel: Channel::DepartmentWarning,
                state: batch.case_state.clone(),
                due: batch.case_due,
                policy: batch.policy,
                risks: batch.risks,
                category: None,
                disaster_kind: None,
                elimination: None,
            };
            let first = hits[with_case[0]];
            let (columns, values) = case_row(
                actor,
                (county, first.village, &first.no),
                Some(0),
                &template,
            )?;
            let category = HouseholdType::ALL.iter().fold(
                String::from("CASE h.household_type"),
                |mut sql, t| {
                    sql.push_str(&format!(
                        " WHEN {} THEN {}",
                        t.code(),
                        default_category(*t).code()
                    ));
                    sql
                },
            ) + " END";
            let mut args = Args::default();
            let mut exprs: Vec<String> = Vec::new();
            for (column, value) in columns.iter().zip(values) {
                exprs.push(match *column {
                    "county_code" => "c.county_code".into(),
                    "household_no" => "c.household_no".into(),
                    "village_code" => "c.village_code".into(),
                    "clue_id" => "c.id".into(),
                    "disaster_kind" => "c.disaster_kind".into(),
                    "category" => category.clone(),
                    _ => args.push(value),
                });
            }
            let county_p = args.push(c);
            let list = args.one_of("c.subject_key", &keys(&with_case));
            // Each case takes the id its clue was written with.
            let sql = format!(
                "INSERT INTO cases (id, {}) SELECT c.case_id, {} FROM clues c JOIN households h \
                 ON h.county_code = c.county_code AND h.household_no = c.household_no \
                 WHERE c.county_code = {county_p} AND c.status = 1 AND {list}",
                columns.join(", "),
                exprs.join(", "),
            );
            tx.execute(&sql, &args.values).await?;
        }
        if !new.is_empty() {
            let mut args = Args::default();
            let where_ = format!(
                "county_code = {} AND status = 1 AND {}",
                args.push(c),
                args.one_of("subject_key", &keys(&new))
            );
            let text = fetch_packed(
                tx,
                backend,
                &["household_no", "id", "case_id"],
                &format!("clues WHERE {where_}"),
                &args.values,
            )
            .await?;
            let int = |s: &str| s.parse::<i64>().map_err(corrupt);
            for f in packed_rows(&text, 3)? {
                let case = if f[2].is_empty() {
                    None
                } else {
                    Some(int(f[2])?)
                };
                clue_ids.insert(f[0].to_string(), (int(f[1])?, case));
            }
        }
        let clue_of = |no: &HouseholdNo| -> StoreResult<i64> {
            clue_ids
                .get(no.as_str())
                .map(|(id, _)| *id)
                .ok_or_else(|| StoreError::Database(format!("线索未写入：户{no}")))
        };
        let case_of = |no: &HouseholdNo| -> StoreResult<i64> {
            clue_ids
                .get(no.as_str())
                .and_then(|(_, case)| *case)
                .ok_or_else(|| StoreError::Database(format!("案件未写入：户{no}")))
        };
        lap(2);

        // Merged: the risk joins the open clue and its case; the evidence gets the next number.
        let merged: Vec<(i64, Option<i64>)> = plans
            .iter()
            .filter_map(|p| match p {
                Plan::Merge(clue, case) => Some((*clue, *case)),
                _ => None,
            })
            .collect();
        let mut next_seq: HashMap<i64, i64> = HashMap::new();
        if !merged.is_empty() {
            let mask = batch.risks.mask();
            let clues: Vec<i64> = merged.iter().map(|(id, _)| *id).collect();
            let mut args = Args::default();
            let sql = format!(
                "UPDATE clues SET risk_mask = risk_mask | {} WHERE county_code = {} AND {}",
                args.push(mask),
                args.push(c),
                args.one_of("id", &clues)
            );
            tx.execute(&sql, &args.values).await?;
            let cases: Vec<i64> = merged.iter().filter_map(|(_, case)| *case).collect();
            if !cases.is_empty() {
                let mut args = Args::default();
                let sql = format!(
                    "UPDATE cases SET risk_mask = risk_mask | {} WHERE county_code = {} \
                     AND closed_on IS NULL AND {}",
                    args.push(mask),
                    args.push(c),
                    args.one_of("id", &cases)
                );
                tx.execute(&sql, &args.values).await?;
            }
            let mut args = Args::default();
            let sql = format!(
                "SELECT clue_id, MAX(seq) FROM clue_evidence WHERE county_code = {} \
                 AND {} GROUP BY clue_id",
                args.push(c),
                args.one_of("clue_id", &clues)
            );
            for r in tx.fetch(&sql, &args.values).await? {
                next_seq.insert(r.int(0)?, r.int(1)? + 1);
            }
        }

        // Outcomes; evidence of every hit that is not a repeat; a result for every hit.
        let evidence_columns = [
            "county_code",
            "clue_id",
            "seq",
            "channel",
            "source",
            "rule",
            "figures_json",
            "members_json",
            "note",
            "found_on",
            "added_by",
            "added_at",
            "screening_id",
        ];
        let result_columns = [
            "county_code",
            "screening_id",
            "household_no",
            "village_code",
            "kind",
            "fingerprint",
            "outcome",
            "clue_id",
            "case_id",
            "figures_json",
            "members_json",
        ];
        let mut evidence: Vec<Value> = Vec::new();
        let mut results: Vec<Value> = Vec::new();
        for (k, (&i, h)) in chunk.iter().zip(&hits).enumerate() {
            let outcome = match plans[k] {
                Plan::Repeat(screening, clue) => HitOutcome::Repeated { screening, clue },
                Plan::Merge(clue, case) => HitOutcome::Merged { clue, case },
                Plan::New(NewClue::Monitored) => HitOutcome::Monitored {
                    clue: clue_of(&h.no)?,
                },
                Plan::New(NewClue::BesideCase(case)) => HitOutcome::OpenCase {
                    clue: clue_of(&h.no)?,
                    case,
                },
                Plan::New(NewClue::WithCase) => HitOutcome::Created {
                    clue: clue_of(&h.no)?,
                    case: case_of(&h.no)?,
                },
            };
            outcomes[i] = Some(outcome);
            if let (Some(clue), false) = (outcome.clue(), matches!(plans[k], Plan::Repeat(..))) {
                // The batch's rule and the result's figures and members are the evidence's: it
                // names the batch instead of copying them (`clue_evidence.screening_id`).
                let seq = next_seq.get(&clue).copied().unwrap_or(1);
                evidence.extend([
                    Value::from(c),
                    clue.into(),
                    seq.into(),
                    Channel::DepartmentWarning.code().into(),
                    batch.source.as_str().into(),
                    Value::Text(None),
                    "[]".into(),
                    "[]".into(),
                    Value::Text(None),
                    day(batch.found_on),
                    actor.name.as_str().into(),
                    now.as_str().into(),
                    screening.into(),
                ]);
            }
            let figures = figures_text(&h.figures, labels)?;
            let members = json(&h.members)?;
            results.extend([
                Value::from(c),
                screening.into(),
                h.no.as_str().into(),
                h.village.as_i64().into(),
                batch.kind.as_str().into(),
                h.fingerprint.as_str().into(),
                outcome.code().into(),
                outcome.clue().into(),
                outcome.case().into(),
                figures.into(),
                members.into(),
            ]);
        }
        for (table, columns, rows) in [
            ("clue_evidence", &evidence_columns[..], evidence),
            ("screening_results", &result_columns[..], results),
        ] {
            if rows.is_empty() {
                continue;
            }
            let n = rows.len() / columns.len();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES {}",
                columns.join(", "),
                tuples_for(backend, n, columns.len())
            );
            let rows = rows.into_iter().map(Value::into_static).collect();
            tx.insert_many(table, columns, &sql, rows).await?;
        }
        lap(3);
        Ok(())
    }
}

#[async_trait]
impl<D: Db> ScreeningStore for SqlStore<D> {
    async fn match_persons(
        &self,
        scope: Scope,
        ids: &[IdNumber],
        names: bool,
    ) -> StoreResult<Matches> {
        let mut sorted: Vec<&str> = ids.iter().map(IdNumber::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let backend = self.db().backend();
        let mut tx = self.db().read().await?;

        // The directory: each person's county and household (and, asked for, the member's
        // name), a chunk of sorted ID numbers per statement, passed as one list value. Answers
        // are kept and parsed in place; persons come back by their position in the chunk.
        let members = if names {
            " JOIN members m ON m.county_code = p.county_code \
             AND m.household_no = p.household_no AND m.id_number = p.id_number"
        } else {
            ""
        };
        let mut directory = Vec::new();
        for chunk in sorted.chunks(MATCH_BATCH) {
            let (list, key, value) = list_source(backend, 1);
            let mut fields = vec![key.as_str(), "p.county_code", "p.household_no"];
            if names {
                fields.push("m.name");
            }
            directory.push(
                fetch_packed(
                    tx.as_mut(),
                    backend,
                    &fields,
                    &format!(
                        "{list} {} person_ids p ON p.id_number = {value}{members}",
                        list_join(backend)
                    ),
                    &[list_value(backend, chunk)],
                )
                .await?,
            );
        }
        // With names: a name may hold any character, and one with a quote or a backslash is
        // escaped in the answer, which is then decoded whole (the packed fields are read in
        // place only without escapes).
        let mut escaped: Vec<(usize, i64, String, String)> = Vec::new();
        let mut located: Vec<Option<(i64, &str)>> = vec![None; sorted.len()];
        let mut registered_names: Vec<Option<&str>> = Vec::new();
        if names {
            registered_names = vec![None; sorted.len()];
            for (c, text) in directory.iter().enumerate() {
                let fields: StoreResult<Vec<[&str; 4]>> = packed_fields::<4>(text).collect();
                match fields {
                    Ok(fields) => {
                        for [at, county, no, name] in fields {
                            let at = c * MATCH_BATCH + at.parse::<usize>().map_err(corrupt)?;
                            if let (Some(slot), Some(n)) =
                                (located.get_mut(at), registered_names.get_mut(at))
                            {
                                *slot = Some((county.parse().map_err(corrupt)?, no));
                                *n = Some(name);
                            }
                        }
                    }
                    Err(_) => {
                        for r in typed_rows(text, 4)? {
                            let at = usize::try_from(r.int(0)?).map_err(corrupt)?;
                            escaped.push((c * MATCH_BATCH + at, r.int(1)?, r.text(2)?, r.text(3)?));
                        }
                    }
                }
            }
            for (at, county, no, name) in &escaped {
                if let (Some(slot), Some(n)) = (located.get_mut(*at), registered_names.get_mut(*at))
                {
                    *slot = Some((*county, no.as_str()));
                    *n = Some(name.as_str());
                }
            }
        } else {
            for (c, text) in directory.iter().enumerate() {
                for f in packed_fields::<3>(text) {
                    let [at, county, no] = f?;
                    let at = c * MATCH_BATCH + at.parse::<usize>().map_err(corrupt)?;
                    if let Some(slot) = located.get_mut(at) {
                        *slot = Some((county.parse().map_err(corrupt)?, no));
                    }
                }
            }
        }

        // The households in scope, a county at a time. Each located person's household key,
        // sorted with the person's position: the distinct keys to look up, and for every person
        // the index of its key (no search per person afterwards).
        let mut by_key: Vec<((i64, &str), u32)> = located
            .iter()
            .enumerate()
            .filter_map(|(k, l)| l.map(|key| (key, k as u32)))
            .collect();
        by_key.sort_unstable();
        let mut keys: Vec<(i64, &str)> = Vec::with_capacity(by_key.len());
        let mut key_of: Vec<Option<u32>> = vec![None; sorted.len()];
        for (key, k) in &by_key {
            if keys.last() != Some(key) {
                keys.push(*key);
            }
            key_of[*k as usize] = Some(keys.len() as u32 - 1);
        }
        let mut answers = Vec::new();
        for group in keys.chunk_by(|a, b| a.0 == b.0) {
            let county = group[0].0;
            if !county_in_scope(scope, area(county)?) {
                continue;
            }
            for chunk in group.chunks(MATCH_BATCH) {
                let nos: Vec<&str> = chunk.iter().map(|(_, no)| *no).collect();
                let (list, _, value) = list_source(backend, 2);
                // The county is the statement's; the village comes as its offset from the
                // county's code (fewer digits for SQLite to write: 0.49 s → 0.34 s for the
                // 350,908 households of the benchmark, the statements alone).
                answers.push((
                    county,
                    fetch_packed(
                        tx.as_mut(),
                        backend,
                        &[
                            "h.household_no",
                            "h.village_code - $1",
                            "h.size",
                            "h.per_capita_income",
                            "h.household_type",
                            "h.monitor_category",
                            "h.eliminated",
                        ],
                        &format!(
                            "{list} {} households h ON h.county_code = $1 AND h.household_no = {value}",
                            list_join(backend)
                        ),
                        &[Value::from(county), list_value(backend, &nos)],
                    )
                    .await?,
                ));
            }
        }
        let int = |s: &str| s.parse::<i64>().map_err(corrupt);
        let mut found: Vec<((i64, &str), ScreenedHousehold)> = Vec::with_capacity(keys.len());
        for (county, text) in &answers {
            let county = *county;
            for f in packed_fields::<7>(text) {
                let [no, village, size, income, kind, category, eliminated] = f?;
                let village = area(
                    county
                        .checked_add(int(village)?)
                        .ok_or_else(|| corrupt("村代码"))?,
                )?;
                if !scope.contains(village) {
                    continue;
                }
                found.push((
                    (county, no),
                    ScreenedHousehold {
                        county: area(county)?,
                        no: household_no(no)?,
                        village,
                        size: u32::try_from(int(size)?).map_err(corrupt)?,
                        per_capita_income: match income {
                            "" => None,
                            s => Some(Money::from_fen(int(s)?)),
                        },
                        household_type: HouseholdType::from_code(int(kind)?)
                            .ok_or_else(|| corrupt("户类型"))?,
                        category: match category {
                            "" => None,
                            s => Some(
                                MonitorCategory::from_code(int(s)?)
                                    .ok_or_else(|| corrupt("监测对象类别"))?,
                            ),
                        },
                        eliminated: int(eliminated)? != 0,
                    },
                ));
            }
        }
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Each key's household (None: outside the scope), walking the two sorted lists together.
        let mut household_of: Vec<Option<u32>> = vec![None; keys.len()];
        let mut f = 0;
        for (i, key) in keys.iter().enumerate() {
            while f < found.len() && found[f].0 < *key {
                f += 1;
            }
            if f < found.len() && found[f].0 == *key {
                household_of[i] = Some(f as u32);
            }
        }
        let place = |k: usize| match key_of[k] {
            None => PersonMatch::NotRegistered,
            Some(key) => match household_of[key as usize] {
                Some(h) => PersonMatch::Household(h),
                None => PersonMatch::OutsideScope,
            },
        };
        // The caller usually asks in sorted order without repeats: then the positions are the same.
        let positions: Vec<Option<usize>> = if ids.len() == sorted.len()
            && ids.iter().zip(&sorted).all(|(a, b)| a.as_str() == *b)
        {
            (0..ids.len()).map(Some).collect()
        } else {
            ids.iter()
                .map(|id| sorted.binary_search(&id.as_str()).ok())
                .collect()
        };
        let persons: Vec<PersonMatch> = positions
            .iter()
            .map(|k| k.map_or(PersonMatch::NotRegistered, place))
            .collect();
        // A name only for a person in scope.
        let names = if names {
            positions
                .iter()
                .zip(&persons)
                .map(|(k, p)| match (k, p) {
                    (Some(k), PersonMatch::Household(_)) => {
                        registered_names[*k].map(str::to_string)
                    }
                    _ => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Matches {
            persons,
            households: found.into_iter().map(|(_, h)| h).collect(),
            names,
        })
    }

    async fn record_screening(
        &self,
        actor: &Actor,
        scope: Scope,
        batch: &ScreeningWrite<'_>,
    ) -> StoreResult<Option<(StoredScreening, Vec<HitOutcome>)>> {
        if batch
            .hits
            .iter()
            .any(|h| !scope.contains(h.village) || h.village.county() != Some(h.county))
        {
            return Ok(None);
        }
        // Every hit of a rule has the same labels: kept once, with the batch.
        let labels: Option<Vec<&str>> = batch
            .hits
            .first()
            .map(|h| h.figures.iter().map(|f| f.label.as_str()).collect());
        let mut tx = self.db().write().await?;
        // The chunks look up clues and cases the chunks before wrote (see `Tx::plan_each_run`).
        tx.plan_each_run();
        let created_at = now_text();
        let c = batch.counts;
        let mut args: Vec<Value> = vec![
            batch.kind.as_str().into(),
            batch.kind_label.as_str().into(),
            batch.source.as_str().into(),
            batch.file_name.as_str().into(),
            batch.area.map(AreaCode::as_i64).into(),
        ];
        args.extend(policy_values(batch.policy));
        args.extend([
            batch.rule.as_str().into(),
            day(batch.found_on),
            (c.rows as i64).into(),
            (c.matched as i64).into(),
            (c.unmatched as i64).into(),
            (c.rejected as i64).into(),
            (c.households as i64).into(),
            (batch.hits.len() as i64).into(),
            0i64.into(),
            0i64.into(),
            0i64.into(),
            actor.name.as_str().into(),
            created_at.as_str().into(),
            labels.as_ref().map(json).transpose()?.into(),
            (batch.problems.count() as i64).into(),
        ]);
        let rows = tx
            .fetch(
                &format!(
                    "INSERT INTO screenings (kind, kind_label, source, file_name, area_code, \
                     policy_province, policy_year, policy_version, rule, found_on, rows_read, \
                     rows_matched, rows_unmatched, rows_rejected, households, hits, created, \
                     attached, repeated, actor, created_at, figure_labels, problems) VALUES ({}) \
                     RETURNING id",
                    placeholders(1, args.len())
                ),
                &args,
            )
            .await?;
        let id = rows
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("no screening id".into()))?;

        // A county at a time, in household order, a chunk per statement.
        let mut order: Vec<usize> = (0..batch.hits.len()).collect();
        order.sort_by(|a, b| {
            let (x, y) = (&batch.hits[*a], &batch.hits[*b]);
            (x.county, x.no.as_str()).cmp(&(y.county, y.no.as_str()))
        });
        let backend = self.db().backend();
        let mut outcomes: Vec<Option<HitOutcome>> = vec![None; batch.hits.len()];
        // Seconds spent reading state, writing clues, writing cases, writing the rest.
        let mut phases = [0f64; 4];
        let mut start = 0;
        while start < order.len() {
            let county = batch.hits[order[start]].county;
            let mut end = start;
            while end < order.len()
                && end - start < WRITE_BATCH
                && batch.hits[order[end]].county == county
            {
                end += 1;
            }
            self.record_chunk(
                tx.as_mut(),
                actor,
                batch,
                id,
                labels.as_deref(),
                county,
                &order[start..end],
                &mut outcomes,
                &mut phases,
            )
            .await?;
            start = end;
        }
        let outcomes: Vec<HitOutcome> = outcomes
            .into_iter()
            .collect::<Option<_>>()
            .ok_or_else(|| StoreError::Database("筛查结果不完整".into()))?;
        problems::write(
            tx.as_mut(),
            backend,
            &problems::SCREENING,
            id,
            batch.problems,
        )
        .await?;
        let mut counts = batch.counts;
        counts.hits = outcomes.len() as u64;
        for o in &outcomes {
            match o {
                HitOutcome::Created { .. } => counts.created += 1,
                HitOutcome::Repeated { .. } => counts.repeated += 1,
                _ => counts.attached += 1,
            }
        }
        tx.execute(
            "UPDATE screenings SET created = $1, attached = $2, repeated = $3 WHERE id = $4",
            &[
                (counts.created as i64).into(),
                (counts.attached as i64).into(),
                (counts.repeated as i64).into(),
                id.into(),
            ],
        )
        .await?;
        let committing = std::time::Instant::now();
        tx.commit().await?;
        tracing::debug!(
            state_s = phases[0],
            clues_s = phases[1],
            cases_s = phases[2],
            evidence_and_results_s = phases[3],
            commit_s = committing.elapsed().as_secs_f64(),
            "screening batch written"
        );
        Ok(Some((
            StoredScreening {
                id,
                kind: batch.kind.clone(),
                kind_label: batch.kind_label.clone(),
                source: batch.source.clone(),
                file_name: batch.file_name.clone(),
                area: batch.area,
                policy: batch.policy,
                rule: batch.rule.clone(),
                found_on: batch.found_on,
                counts,
                problems: Some(batch.problems.count() as u64),
                actor: actor.name.clone(),
                created_at,
            },
            outcomes,
        )))
    }

    async fn screenings(&self, scope: Scope, limit: u32) -> StoreResult<Vec<StoredScreening>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(&format!("{SCREENING_SELECT} ORDER BY id DESC"), &[])
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let s = screening_from_row(r)?;
            if visible(scope, s.area) {
                out.push(s);
                if out.len() >= limit as usize {
                    break;
                }
            }
        }
        Ok(out)
    }

    async fn screening(&self, scope: Scope, id: i64) -> StoreResult<Option<StoredScreening>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(&format!("{SCREENING_SELECT} WHERE id = $1"), &[id.into()])
            .await?;
        match rows.first() {
            Some(r) => {
                let s = screening_from_row(r)?;
                Ok(visible(scope, s.area).then_some(s))
            }
            None => Ok(None),
        }
    }

    async fn screening_outcomes(
        &self,
        scope: Scope,
        id: i64,
        area_code: AreaCode,
    ) -> StoreResult<Vec<(i64, u64)>> {
        let Some(scope) = scope.narrow(area_code) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut tx = self.db().read().await?;
        tx.fetch(
            "SELECT r.outcome, COUNT(*) FROM screening_results r \
             WHERE r.screening_id = $1 AND r.village_code BETWEEN $2 AND $3 \
             GROUP BY r.outcome ORDER BY r.outcome",
            &[id.into(), (lo as i64).into(), (hi as i64).into()],
        )
        .await?
        .iter()
        .map(|r| Ok((r.int(0)?, count(r, 1)?)))
        .collect()
    }

    async fn screening_results(
        &self,
        scope: Scope,
        id: i64,
        area_code: AreaCode,
        after: Option<&ResultCursor>,
        limit: u32,
    ) -> StoreResult<Vec<ScreeningResult>> {
        let Some(scope) = scope.narrow(area_code) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut args: Vec<Value> = vec![id.into(), (lo as i64).into(), (hi as i64).into()];
        let cursor = match after {
            Some((village, no)) => {
                args[1] = keyset_start(lo, village.as_i64()).into();
                args.push(village.as_i64().into());
                args.push(no.as_str().into());
                "AND (r.village_code, r.household_no) > ($4, $5)"
            }
            None => "",
        };
        let sql = format!(
            "SELECT r.county_code, r.village_code, r.household_no, h.head_name, r.outcome, \
             r.clue_id, r.case_id, r.figures_json, r.members_json FROM screening_results r \
             JOIN households h ON h.county_code = r.county_code AND h.household_no = r.household_no \
             WHERE r.screening_id = $1 AND r.village_code BETWEEN $2 AND $3 {cursor} \
             ORDER BY r.village_code, r.household_no LIMIT {limit}"
        );
        let mut tx = self.db().read().await?;
        let labels = tx
            .fetch(
                "SELECT figure_labels FROM screenings WHERE id = $1",
                &[id.into()],
            )
            .await?
            .first()
            .map(|r| r.opt_text(0))
            .transpose()?
            .flatten();
        tx.fetch(&sql, &args)
            .await?
            .iter()
            .map(|r| {
                Ok(ScreeningResult {
                    county: area(r.int(0)?)?,
                    village: area(r.int(1)?)?,
                    no: household_no(&r.text(2)?)?,
                    head_name: r.text(3)?,
                    outcome: r.int(4)?,
                    clue: r.opt_int(5)?,
                    case: r.opt_int(6)?,
                    figures: figures_from(&r.text(7)?, labels.as_deref())?,
                    members: from_json(&r.text(8)?)?,
                })
            })
            .collect()
    }

    async fn screening_problems(
        &self,
        scope: Scope,
        id: i64,
        after: Option<u64>,
        limit: u32,
    ) -> StoreResult<Option<Vec<(u64, RowProblem)>>> {
        let Some(batch) = self.screening(scope, id).await? else {
            return Ok(None);
        };
        if !covers(scope, batch.area) {
            return Ok(None);
        }
        let mut tx = self.db().read().await?;
        let lines = problems::read(
            tx.as_mut(),
            &problems::SCREENING,
            id,
            &batch.file_name,
            after,
            limit,
        )
        .await?;
        Ok(Some(lines))
    }

    async fn screening_problem_counts(
        &self,
        scope: Scope,
        id: i64,
    ) -> StoreResult<Option<Vec<(String, u64)>>> {
        let Some(batch) = self.screening(scope, id).await? else {
            return Ok(None);
        };
        if !covers(scope, batch.area) {
            return Ok(None);
        }
        let mut tx = self.db().read().await?;
        Ok(Some(
            problems::by_code(tx.as_mut(), &problems::SCREENING, id).await?,
        ))
    }
}

//! Figures (DOMAIN §10) in the store: the current figures of every area, kept in `area_figures`
//! and refreshed in the transaction of each change; and figures as of any past date, replayed
//! from `monitoring_periods`.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use zhenxing_domain::stats::{COUNT_FIELDS, Counts, HouseholdState};
use zhenxing_domain::{AreaCode, EliminationMode, Household, MonitorCategory, Scope};

use super::{Backend, Db, Row, Tx, Value, placeholders, tuples, tuples_for};
use crate::{StoreError, StoreResult};

/// `area_figures` columns after `code, figures_year`.
pub(crate) fn figure_columns() -> Vec<&'static str> {
    COUNT_FIELDS.iter().map(|(name, _)| *name).collect()
}

fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

/// The registered counts of villages (households, persons, 低保/特困 households), straight from
/// `households` through the narrow covering index `households_registered`. `condition` narrows
/// the villages (empty for all).
fn registered_select(condition: &str) -> String {
    // Closed households (销户) are not counted: the index leaves them out.
    let filter = if condition.is_empty() {
        "WHERE dissolved_on IS NULL".to_string()
    } else {
        format!("WHERE dissolved_on IS NULL AND {condition}")
    };
    format!(
        "SELECT village_code, COUNT(*) AS n, {} AS p, {} AS s FROM households {filter} GROUP BY village_code",
        sum("persons"),
        // COUNT(NULLIF(..)) rather than SUM(CASE ..): a fifth less time on every household.
        "COUNT(NULLIF(safety_net_persons, 0))",
    )
}

/// The columns of [`registered_select`]: village, households, persons, 低保/特困 households.
const REGISTERED: [&str; 4] = ["village_code", "n", "p", "s"];

/// The current monitoring figures of villages (a household's monitoring fields are its state
/// today), grouped by village and monitoring state through the partial covering index
/// `households_monitored` (monitoring objects only), with the per-figure sums done in Rust. `$1`
/// is the first day of the current year; `condition` narrows the villages (empty for all).
fn monitored_select(condition: &str) -> String {
    let and = if condition.is_empty() {
        String::new()
    } else {
        format!("AND {condition}")
    };
    format!(
        "SELECT village_code, monitor_category, eliminated, elimination_mode, COUNT(*) AS n, {} AS p, \
         {} AS nh, {} AS np, {} AS m FROM households WHERE monitor_category IS NOT NULL \
         AND dissolved_on IS NULL {and} \
         GROUP BY village_code, monitor_category, eliminated, elimination_mode",
        sum("persons"),
        "COUNT(CASE WHEN identified_on >= $1 THEN 1 END)",
        sum("CASE WHEN identified_on >= $1 THEN persons ELSE 0 END"),
        "COUNT(NULLIF(measures, 0))",
    )
}

/// The columns of [`monitored_select`]: village, category, eliminated, mode, households,
/// persons, new households, new persons, households with a measure.
const MONITORED: [&str; 9] = [
    "village_code",
    "monitor_category",
    "eliminated",
    "elimination_mode",
    "n",
    "p",
    "nh",
    "np",
    "m",
];

fn fields_of_row<const N: usize>(r: &Row) -> StoreResult<[Option<i64>; N]> {
    let mut g = [None; N];
    for (i, slot) in g.iter_mut().enumerate() {
        *slot = r.opt_int(i)?;
    }
    Ok(g)
}

/// Folds the rows of [`registered_select`] and [`monitored_select`] into figures per village.
fn fold_villages(
    registered: impl IntoIterator<Item = StoreResult<[Option<i64>; 4]>>,
    monitored: impl IntoIterator<Item = StoreResult<[Option<i64>; 9]>>,
) -> StoreResult<HashMap<i64, Counts>> {
    let mut by_village: HashMap<i64, Counts> = HashMap::with_capacity(1 << 12);
    let int =
        |v: Option<i64>| v.ok_or_else(|| StoreError::Corrupt("figures: a count is null".into()));
    for g in registered {
        let g = g?;
        let c = by_village.entry(int(g[0])?).or_default();
        c.households += int(g[1])? as u64;
        c.persons += int(g[2])? as u64;
        c.safety_net_households += int(g[3])? as u64;
    }
    for g in monitored {
        let g = g?;
        let Some(category) = g[1].and_then(MonitorCategory::from_code) else {
            continue;
        };
        let n = int(g[4])? as u64;
        let persons = int(g[5])? as u64;
        let c = by_village.entry(int(g[0])?).or_default();
        c.monitored_households += n;
        c.monitored_persons += persons;
        match category {
            MonitorCategory::UnstableExPoor => {
                c.unstable_households += n;
                c.unstable_persons += persons;
            }
            MonitorCategory::MarginalAtRisk => {
                c.marginal_households += n;
                c.marginal_persons += persons;
            }
            MonitorCategory::SuddenHardship => {
                c.sudden_households += n;
                c.sudden_persons += persons;
            }
        }
        if int(g[2])? == 1 {
            c.eliminated_households += n;
            c.eliminated_persons += persons;
            match g[3].and_then(EliminationMode::from_code) {
                Some(EliminationMode::Assisted) => c.eliminated_assisted_households += n,
                Some(EliminationMode::Natural) => c.eliminated_natural_households += n,
                None => {}
            }
        } else {
            c.covered_households += int(g[8])? as u64;
        }
        c.new_households += int(g[6])? as u64;
        c.new_persons += int(g[7])? as u64;
    }
    Ok(by_village)
}

/// The integers of a packed row (an empty field is a null).
fn parse_packed<const N: usize>(fields: [&str; N]) -> StoreResult<[Option<i64>; N]> {
    let mut g = [None; N];
    for (slot, text) in g.iter_mut().zip(fields) {
        if !text.is_empty() {
            *slot = Some(
                text.parse()
                    .map_err(|e| StoreError::Corrupt(format!("figures: {text}: {e}")))?,
            );
        }
    }
    Ok(g)
}

fn counts_at(row: &Row, at: usize) -> StoreResult<Counts> {
    let mut v = [0u64; COUNT_FIELDS.len()];
    for (i, slot) in v.iter_mut().enumerate() {
        *slot = u64::try_from(row.int(at + i)?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    }
    Ok(Counts::from_values(v))
}

fn code(v: i64) -> StoreResult<AreaCode> {
    AreaCode::from_i64(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn year_start(day: NaiveDate) -> String {
    format!("{}-01-01", day.year())
}

/// Replaces the stored figures of `codes` by `rows` (an area with nothing registered has no row).
async fn store_rows(
    tx: &mut dyn Tx,
    backend: Backend,
    codes: &[i64],
    rows: &[(i64, Counts)],
    year: i32,
) -> StoreResult<()> {
    for chunk in codes.chunks(500) {
        let args: Vec<Value> = chunk.iter().map(|c| Value::from(*c)).collect();
        tx.execute(
            &format!(
                "DELETE FROM area_figures WHERE code IN ({})",
                placeholders(1, args.len())
            ),
            &args,
        )
        .await?;
    }
    let mut columns = vec!["code", "figures_year"];
    columns.extend(figure_columns());
    for chunk in rows.chunks(800) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * columns.len());
        for (c, counts) in chunk {
            args.push((*c).into());
            args.push(i64::from(year).into());
            args.extend(counts.values().iter().map(|v| Value::from(*v as i64)));
        }
        let sql = format!(
            "INSERT INTO area_figures ({}) VALUES {}",
            columns.join(", "),
            tuples_for(backend, chunk.len(), columns.len())
        );
        tx.execute(&sql, &args).await?;
    }
    Ok(())
}

/// Above this many villages, [`refresh`] reads every village's figures in one pass and keeps
/// those asked for, instead of a statement per 500 villages: each of those is a pass over the
/// households on PostgreSQL after a first load, whose new rows it has no statistics for yet
/// (a million households, 17,718 villages: 6.6 s in 36 statements).
const WHOLE_PASS_VILLAGES: usize = 1000;

/// Recomputes the figures of `villages` from the registry and then of every area above them
/// from their children, in `tx`.
pub(crate) async fn refresh(
    tx: &mut dyn Tx,
    backend: Backend,
    villages: &BTreeSet<i64>,
    today: NaiveDate,
) -> StoreResult<()> {
    if villages.is_empty() {
        return Ok(());
    }
    lock_figures(tx, backend).await?;
    let year = today.year();
    let list: Vec<i64> = villages.iter().copied().collect();
    let mut rows = Vec::new();
    // The villages a statement at a time, or all in one pass.
    let chunks: Vec<&[i64]> = if list.len() > WHOLE_PASS_VILLAGES {
        vec![&[]]
    } else {
        list.chunks(500).collect()
    };
    for chunk in chunks {
        // Among `chunk` (none: every village), its list's parameters from `first`.
        let among = |first: usize| {
            if chunk.is_empty() {
                String::new()
            } else {
                format!("village_code IN ({})", placeholders(first, chunk.len()))
            }
        };
        let codes: Vec<Value> = chunk.iter().map(|c| Value::from(*c)).collect();
        let registered = tx.fetch(&registered_select(&among(1)), &codes).await?;
        let mut args: Vec<Value> = vec![year_start(today).into()];
        args.extend(codes);
        let monitored = tx.fetch(&monitored_select(&among(2)), &args).await?;
        rows.extend(fold_villages(
            registered.iter().map(fields_of_row::<4>),
            monitored.iter().map(fields_of_row::<9>),
        )?);
    }
    rows.retain(|(c, _)| villages.contains(c));
    rows.sort_unstable_by_key(|(c, _)| *c);
    store_rows(tx, backend, &list, &rows, year).await?;
    sum_upwards(tx, backend, &list, year).await
}

/// The key of the transaction lock that serialises figure refreshes on PostgreSQL.
const FIGURES_LOCK: i64 = 0x7a68_6669_6775; // "zhfigu"

/// Serialises the writers that recompute figures. The figures of an area are recomputed from the
/// registry and from the rows of its children, so two transactions doing it at once under READ
/// COMMITTED would each miss the other's uncommitted rows (and collide on the rows they both
/// replace). The lock is taken after a writer's own registry rows are written and held to its
/// commit, so the next writer's reads see them. SQLite has one writer already.
pub(crate) async fn lock_figures(tx: &mut dyn Tx, backend: Backend) -> StoreResult<()> {
    if backend == Backend::Postgres {
        tx.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[Value::from(FIGURES_LOCK)],
        )
        .await?;
    }
    Ok(())
}

/// Sums each level from the one below, from townships up to the province.
async fn sum_upwards(
    tx: &mut dyn Tx,
    backend: Backend,
    villages: &[i64],
    year: i32,
) -> StoreResult<()> {
    let mut level: BTreeSet<i64> = villages
        .iter()
        .filter_map(|v| code(*v).ok()?.parent().map(AreaCode::as_i64))
        .collect();
    while !level.is_empty() {
        let list: Vec<i64> = level.iter().copied().collect();
        let mut rows = Vec::new();
        let sums: Vec<String> = figure_columns()
            .iter()
            .map(|c| sum(&format!("f.{c}")))
            .collect();
        for chunk in list.chunks(500) {
            let args: Vec<Value> = chunk.iter().map(|c| Value::from(*c)).collect();
            let sql = format!(
                "SELECT d.parent_code, {} FROM area_figures f JOIN divisions d ON d.code = f.code \
                 WHERE d.parent_code IN ({}) GROUP BY d.parent_code",
                sums.join(", "),
                placeholders(1, args.len())
            );
            for r in tx.fetch(&sql, &args).await? {
                rows.push((r.int(0)?, counts_at(&r, 1)?));
            }
        }
        store_rows(tx, backend, &list, &rows, year).await?;
        level = list
            .iter()
            .filter_map(|c| code(*c).ok()?.parent().map(AreaCode::as_i64))
            .collect();
    }
    Ok(())
}

/// The rows of `SELECT <fields> FROM <from>` as integers, read on a connection of their own.
async fn read_ints<const N: usize>(
    db: &dyn Db,
    fields: &[&str],
    from: &str,
    args: &[Value<'_>],
) -> StoreResult<Vec<[Option<i64>; N]>> {
    let mut read = db.read().await?;
    let text = super::packed::fetch_packed(read.as_mut(), db.backend(), fields, from, args).await?;
    super::packed::packed_fields::<N>(&text)
        .map(|f| parse_packed(f?))
        .collect()
}

/// The columns of a kept row of `area_figures` as [`recompute_all`] reads them back.
const KEPT_WIDTH: usize = 2 + COUNT_FIELDS.len();

/// Recomputes every area's figures from the registry (one pass over the households) and
/// corrects the kept figures where they differ (none when every change kept them current).
pub(crate) async fn recompute_all(db: &dyn Db, today: NaiveDate) -> StoreResult<usize> {
    let backend = db.backend();
    let mut tx = db.write().await?;
    lock_figures(tx.as_mut(), backend).await?;
    let year = today.year();
    // The registered counts are read in two halves of the villages.
    let villages = tx
        .fetch("SELECT COUNT(*) FROM divisions WHERE level = 5", &[])
        .await?
        .first()
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let split = tx
        .fetch(
            "SELECT code FROM divisions WHERE level = 5 ORDER BY code LIMIT 1 OFFSET $1",
            &[Value::from(villages / 2)],
        )
        .await?
        .first()
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let mut kept_fields = vec!["code", "figures_year"];
    kept_fields.extend(figure_columns());
    let low = format!("({}) g", registered_select("village_code < $1"));
    let high = format!("({}) g", registered_select("village_code >= $1"));
    let monitored = format!("({}) g", monitored_select(""));
    let split = [Value::from(split)];
    let start = [Value::from(year_start(today))];
    // While the figures are locked no change to the registry can commit (every change takes
    // the lock in its transaction before it commits), so readers on other connections see what
    // `tx` sees: the four reads run side by side, one connection each, and each answer is
    // parsed as soon as it is in, while the others are still read.
    let (low, high, monitored, kept) = futures::future::try_join4(
        read_ints::<4>(db, &REGISTERED, &low, &split),
        read_ints::<4>(db, &REGISTERED, &high, &split),
        read_ints::<9>(db, &MONITORED, &monitored, &start),
        read_ints::<KEPT_WIDTH>(db, &kept_fields, "area_figures", &[]),
    )
    .await?;
    let villages = fold_villages(
        low.into_iter().chain(high).map(Ok),
        monitored.into_iter().map(Ok),
    )?;
    // Every level at once, in memory: each village adds itself to its ancestors (a division's
    // parent is the code's own, DivisionTree::build checks it).
    let mut all: HashMap<i64, Counts> = HashMap::with_capacity(villages.len() * 9 / 8);
    for (village, counts) in &villages {
        let mut area = Some(code(*village)?);
        while let Some(a) = area {
            *all.entry(a.as_i64()).or_default() += *counts;
            area = a.parent();
        }
    }
    // Only what differs is written.
    let mut stale: Vec<i64> = Vec::new();
    for f in kept {
        let (Some(area), Some(kept_year)) = (f[0], f[1]) else {
            return Err(StoreError::Corrupt(
                "figures: a kept row has no code".into(),
            ));
        };
        let mut v = [0u64; COUNT_FIELDS.len()];
        for (slot, x) in v.iter_mut().zip(&f[2..]) {
            *slot = x.unwrap_or(0) as u64;
        }
        match all.get(&area) {
            Some(c) if kept_year == i64::from(year) && *c == Counts::from_values(v) => {
                all.remove(&area);
            }
            _ => stale.push(area),
        }
    }
    let mut rows: Vec<(i64, Counts)> = all.into_iter().collect();
    rows.sort_unstable_by_key(|(c, _)| *c);
    if !stale.is_empty() || !rows.is_empty() {
        tracing::info!(
            stale = stale.len(),
            written = rows.len(),
            "recomputation corrected the kept figures"
        );
    }
    store_rows(tx.as_mut(), backend, &stale, &rows, year).await?;
    super::work::rebuild(tx.as_mut(), backend).await?;
    tx.commit().await?;
    Ok(villages.len())
}

/// Stored figures of `areas` in scope.
pub(crate) async fn stored_of(
    tx: &mut dyn Tx,
    scope: Scope,
    areas: crate::AreaSet<'_>,
) -> StoreResult<Vec<(AreaCode, Counts)>> {
    match areas {
        crate::AreaSet::Under(area) => {
            let Some(narrow) = scope.narrow(area) else {
                return Ok(Vec::new());
            };
            let (lo, hi) = narrow.range();
            stored(
                tx,
                "WHERE code BETWEEN $1 AND $2",
                &[Value::from(lo as i64), Value::from(hi as i64)],
            )
            .await
        }
        crate::AreaSet::Only(list) => {
            let inside: Vec<Value> = list
                .iter()
                .filter(|a| scope.contains(**a))
                .map(|a| Value::from(a.as_i64()))
                .collect();
            if inside.is_empty() {
                return Ok(Vec::new());
            }
            stored(
                tx,
                &format!("WHERE code IN ({})", placeholders(1, inside.len())),
                &inside,
            )
            .await
        }
    }
}

/// Stored figures of the given areas.
async fn stored(
    tx: &mut dyn Tx,
    filter: &str,
    args: &[Value<'_>],
) -> StoreResult<Vec<(AreaCode, Counts)>> {
    let sql = format!(
        "SELECT code, {} FROM area_figures {filter} ORDER BY code",
        figure_columns().join(", ")
    );
    tx.fetch(&sql, args)
        .await?
        .iter()
        .map(|r| Ok((code(r.int(0)?)?, counts_at(r, 1)?)))
        .collect()
}

/// How the persons of households on `day` differ from those registered now, by those who have
/// left a household since (`left_members`): each counts in the first household they left after
/// `day` (they were there), and not in the one they are registered in now (they came after).
/// Persons who came without leaving another household (a birth, a person from outside the
/// registry) are not known apart: they count as registered now.
#[derive(Default)]
struct MovedSince {
    /// (county, household number) → persons to add.
    households: HashMap<(i64, String), i64>,
    /// village → persons to add.
    villages: HashMap<i64, i64>,
}

impl MovedSince {
    async fn read(tx: &mut dyn Tx, day: &str) -> StoreResult<MovedSince> {
        let rows = tx
            .fetch(
                "SELECT l.id_number, l.county_code, l.household_no, h.village_code, p.county_code, \
                 p.household_no, hp.village_code FROM left_members l JOIN households h \
                 ON h.county_code = l.county_code AND h.household_no = l.household_no \
                 LEFT JOIN person_ids p ON p.id_number = l.id_number LEFT JOIN households hp \
                 ON hp.county_code = p.county_code AND hp.household_no = p.household_no \
                 WHERE l.left_on > $1 ORDER BY l.id_number, l.left_on",
                &[Value::from(day)],
            )
            .await?;
        let mut moved = MovedSince::default();
        let mut last: Option<String> = None;
        for r in &rows {
            let id = r.text(0)?;
            if last.as_ref() == Some(&id) {
                continue;
            }
            moved.add(r.int(1)?, r.text(2)?, r.int(3)?, 1);
            if let (Some(county), Some(no), Some(village)) =
                (r.opt_int(4)?, r.opt_text(5)?, r.opt_int(6)?)
            {
                moved.add(county, no, village, -1);
            }
            last = Some(id);
        }
        Ok(moved)
    }

    fn add(&mut self, county: i64, no: String, village: i64, n: i64) {
        *self.households.entry((county, no)).or_default() += n;
        *self.villages.entry(village).or_default() += n;
    }

    fn persons(&self, county: i64, no: String, now: i64) -> u64 {
        let moved = self.households.get(&(county, no)).copied().unwrap_or(0);
        (now + moved).max(0) as u64
    }
}

/// Village figures as of `day`: registry counts as registered now, but for the persons who have
/// left a household since ([`MovedSince`]); monitoring replayed from the periods that had begun
/// by `day`, the latest one of each household deciding its state.
pub(crate) async fn villages_as_of(
    tx: &mut dyn Tx,
    scope: Scope,
    day: NaiveDate,
) -> StoreResult<Vec<(AreaCode, Counts)>> {
    let (lo, hi) = scope.range();
    let range = [Value::from(lo as i64), Value::from(hi as i64)];
    let day_text = day.format("%Y-%m-%d").to_string();
    let moved = MovedSince::read(tx, &day_text).await?;
    let mut by_village: HashMap<i64, Counts> = HashMap::new();
    let mut persons: HashMap<i64, i64> = HashMap::new();
    let sql = registered_select("village_code BETWEEN $1 AND $2");
    for r in tx.fetch(&sql, &range).await? {
        let village = r.int(0)?;
        let c = by_village.entry(village).or_default();
        c.households = r.int(1)? as u64;
        persons.insert(village, r.int(2)?);
        c.safety_net_households = r.int(3)? as u64;
    }
    // Households closed (销户) after `day` were registered on it (their persons, who left with
    // them, are among those moved since).
    // Read through `households_dissolved` alone (few rows), the area kept here: grouped by
    // village or bounded by it, SQLite walked every household of the area instead (0.37 s).
    let closed = tx
        .fetch(
            "SELECT village_code FROM households WHERE dissolved_on IS NOT NULL AND dissolved_on > $1",
            &[day_text.as_str().into()],
        )
        .await?;
    for r in &closed {
        let village = r.int(0)?;
        if (lo as i64..=hi as i64).contains(&village) {
            by_village.entry(village).or_default().households += 1;
        }
    }
    for (village, n) in &moved.villages {
        if (lo as i64..=hi as i64).contains(village) {
            *persons.entry(*village).or_default() += n;
        }
    }
    for (village, n) in persons {
        by_village.entry(village).or_default().persons = n.max(0) as u64;
    }
    let start = year_start(day);
    let rows = tx
        .fetch(
            "SELECT p.village_code, p.county_code, p.household_no, p.category, p.identified_on, p.eliminated_on, \
             p.elimination_mode, h.persons, CASE WHEN h.measures > 0 AND EXISTS (SELECT 1 FROM plan_measures m \
             WHERE m.county_code = p.county_code AND m.household_no = p.household_no AND m.starts_on <= $3 AND m.status <> 4) \
             THEN 1 ELSE 0 END FROM monitoring_periods p JOIN households h \
             ON h.county_code = p.county_code AND h.household_no = p.household_no \
             WHERE p.village_code BETWEEN $1 AND $2 AND p.identified_on <= $3 \
             AND (h.dissolved_on IS NULL OR h.dissolved_on > $3) \
             ORDER BY p.county_code, p.household_no, p.identified_on, p.seq",
            &[range[0].clone(), range[1].clone(), day_text.as_str().into()],
        )
        .await?;
    let mut i = 0;
    while i < rows.len() {
        // The last row of each household is its latest period by `day`.
        let key = (rows[i].int(1)?, rows[i].text(2)?);
        let mut j = i;
        while j + 1 < rows.len() && (rows[j + 1].int(1)?, rows[j + 1].text(2)?) == key {
            j += 1;
        }
        let r = &rows[j];
        let eliminated_on = r.opt_text(5)?;
        let state = HouseholdState {
            persons: moved.persons(r.int(1)?, r.text(2)?, r.int(7)?),
            safety_net: false,
            category: MonitorCategory::from_code(r.int(3)?),
            eliminated: eliminated_on
                .as_deref()
                .is_some_and(|e| e <= day_text.as_str()),
            mode: r.opt_int(6)?.and_then(EliminationMode::from_code),
            identified_this_year: r.text(4)?.as_str() >= start.as_str(),
            has_measure: r.int(8)? == 1,
        };
        let state = HouseholdState {
            mode: if state.eliminated { state.mode } else { None },
            ..state
        };
        by_village
            .entry(r.int(0)?)
            .or_default()
            .add_monitoring(&state);
        i = j + 1;
    }
    let mut out: Vec<(AreaCode, Counts)> = by_village
        .into_iter()
        .map(|(v, c)| Ok((code(v)?, c)))
        .collect::<StoreResult<_>>()?;
    out.sort_by_key(|(c, _)| *c);
    Ok(out)
}

/// Keeps a household's monitoring periods in step with its monitoring fields: the same
/// identification date continues (or corrects) the latest period; a new date opens a new one;
/// no category any more removes the latest.
pub(crate) async fn sync_periods(
    tx: &mut dyn Tx,
    county: AreaCode,
    old: Option<&Household>,
    new: &Household,
    changeset: i64,
) -> StoreResult<()> {
    let key = [Value::from(county.as_i64()), Value::from(new.no.as_str())];
    if let Some(old) = old {
        if old.village != new.village {
            tx.execute(
                "UPDATE monitoring_periods SET village_code = $1 WHERE county_code = $2 AND household_no = $3",
                &[new.village.as_i64().into(), key[0].clone(), key[1].clone()],
            )
            .await?;
        }
        if old.monitoring == new.monitoring {
            return Ok(());
        }
    }
    let latest = tx
        .fetch(
            "SELECT seq, identified_on FROM monitoring_periods WHERE county_code = $1 AND household_no = $2 \
             ORDER BY seq DESC LIMIT 1",
            &key,
        )
        .await?;
    let latest = latest
        .first()
        .map(|r| Ok::<_, StoreError>((r.int(0)?, r.text(1)?)))
        .transpose()?;
    let m = &new.monitoring;
    let (Some(category), Some(identified)) = (m.category, m.identified_on) else {
        if let Some((seq, _)) = latest {
            tx.execute(
                "DELETE FROM monitoring_periods WHERE county_code = $1 AND household_no = $2 AND seq = $3",
                &[key[0].clone(), key[1].clone(), seq.into()],
            )
            .await?;
        }
        return Ok(());
    };
    let eliminated_on: Value = if m.eliminated {
        m.eliminated_on.map(|d| d.to_string()).into()
    } else {
        Value::Text(None)
    };
    let mode = Value::Int(if m.eliminated {
        m.elimination_mode.map(EliminationMode::code)
    } else {
        None
    });
    match latest {
        Some((seq, identified_on)) if identified_on == identified.to_string() => {
            tx.execute(
                "UPDATE monitoring_periods SET category = $1, risk_mask = $2, eliminated_on = $3, elimination_mode = $4, \
                 changeset_id = $5 WHERE county_code = $6 AND household_no = $7 AND seq = $8",
                &[category.code().into(), m.risks.mask().into(), eliminated_on, mode, changeset.into(), key[0].clone(), key[1].clone(), seq.into()],
            )
            .await?;
        }
        other => {
            let seq = other.map(|(s, _)| s + 1).unwrap_or(1);
            tx.execute(
                &format!(
                    "INSERT INTO monitoring_periods (county_code, household_no, seq, village_code, category, risk_mask, \
                     identified_on, eliminated_on, elimination_mode, changeset_id) VALUES {}",
                    tuples(1, 10)
                ),
                &[
                    key[0].clone(),
                    key[1].clone(),
                    seq.into(),
                    new.village.as_i64().into(),
                    category.code().into(),
                    m.risks.mask().into(),
                    identified.to_string().into(),
                    eliminated_on,
                    mode,
                    changeset.into(),
                ],
            )
            .await?;
        }
    }
    Ok(())
}

/// The first rows of `monitoring_periods` for newly inserted households, as multi-row values.
pub(crate) fn first_period(
    county: AreaCode,
    h: &Household,
    changeset: i64,
) -> Option<Vec<Value<'_>>> {
    let m = &h.monitoring;
    let (category, identified) = (m.category?, m.identified_on?);
    Some(vec![
        county.as_i64().into(),
        h.no.as_str().into(),
        1i64.into(),
        h.village.as_i64().into(),
        category.code().into(),
        m.risks.mask().into(),
        identified.to_string().into(),
        if m.eliminated {
            m.eliminated_on.map(|d| d.to_string()).into()
        } else {
            Value::Text(None)
        },
        Value::Int(if m.eliminated {
            m.elimination_mode.map(EliminationMode::code)
        } else {
            None
        }),
        changeset.into(),
    ])
}

pub(crate) const PERIOD_COLUMNS: [&str; 10] = [
    "county_code",
    "household_no",
    "seq",
    "village_code",
    "category",
    "risk_mask",
    "identified_on",
    "eliminated_on",
    "elimination_mode",
    "changeset_id",
];

/// A household (county, number) and what to add to its (persons, 低保/特困 persons).
pub(crate) type PersonDelta = ((i64, String), (i64, i64));

/// Adds `(persons, safety-net persons)` deltas to households, one statement per batch.
pub(crate) async fn add_person_counts(
    tx: &mut dyn Tx,
    backend: Backend,
    deltas: &[PersonDelta],
) -> StoreResult<()> {
    for chunk in deltas.chunks(1000) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        for ((county, no), (n, k)) in chunk {
            args.extend([
                Value::from(*county),
                Value::from(no.as_str()),
                Value::from(*n),
                Value::from(*k),
            ]);
        }
        let sql = format!(
            "UPDATE households SET persons = households.persons + v.column3, \
             safety_net_persons = households.safety_net_persons + v.column4 \
             FROM (VALUES {}) AS v WHERE households.county_code = v.column1 AND households.household_no = v.column2",
            tuples_for(backend, chunk.len(), 4)
        );
        tx.execute(&sql, &args).await?;
    }
    Ok(())
}

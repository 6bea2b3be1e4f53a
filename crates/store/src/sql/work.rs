//! Work figures (DOMAIN §7, §10) in the store: days from clue to approval of every approved
//! identification, kept per area and year as a histogram in `area_timeliness` (updated in the
//! transaction of each approval, rebuilt with the other figures), and the open cases past a
//! deadline on any day.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use zhenxing_domain::monitoring::{CaseKind, Stage};
use zhenxing_domain::stats::Timeliness;
use zhenxing_domain::{AreaCode, Scope};

use super::figures::lock_figures;
use super::monitoring::parse_day;
use super::{Backend, Tx, Value, placeholders, tuples_for};
use crate::{AreaSet, StoreResult};

fn code(v: i64) -> StoreResult<AreaCode> {
    AreaCode::from_i64(v).map_err(|e| crate::StoreError::Corrupt(e.to_string()))
}

/// The village and every area above it, from the province down.
fn chain(village: AreaCode) -> Vec<AreaCode> {
    let mut out = vec![village];
    while let Some(p) = out.last().and_then(|c| c.parent()) {
        out.push(p);
    }
    out
}

/// Days from the start of an identification to its approval.
pub(crate) fn days_to_approval(opened_on: NaiveDate, approved_on: NaiveDate) -> u32 {
    u32::try_from((approved_on - opened_on).num_days()).unwrap_or(0)
}

/// Adds `(area, year, days) → cases` to the kept histograms, one statement per batch.
async fn add_rows(
    tx: &mut dyn Tx,
    backend: Backend,
    rows: &[((i64, i32, u32), u64)],
) -> StoreResult<()> {
    for chunk in rows.chunks(800) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        for ((area, year, days), n) in chunk {
            args.extend([
                Value::from(*area),
                Value::from(i64::from(*year)),
                Value::from(i64::from(*days)),
                Value::from(*n as i64),
            ]);
        }
        tx.execute(
            &format!(
                "INSERT INTO area_timeliness (code, year, days, cases) VALUES {} \
                 ON CONFLICT (code, year, days) DO UPDATE SET cases = area_timeliness.cases + excluded.cases",
                tuples_for(backend, chunk.len(), 4)
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// Counts one approved identification of `village` into the kept histograms of the village and
/// every area above it, in the approval's transaction.
pub(crate) async fn add_approval(
    tx: &mut dyn Tx,
    backend: Backend,
    village: AreaCode,
    opened_on: NaiveDate,
    approved_on: NaiveDate,
) -> StoreResult<()> {
    lock_figures(tx, backend).await?;
    let days = days_to_approval(opened_on, approved_on);
    let rows: Vec<_> = chain(village)
        .into_iter()
        .map(|a| ((a.as_i64(), approved_on.year(), days), 1))
        .collect();
    add_rows(tx, backend, &rows).await
}

/// Approved identifications of the villages in `scope` from `from` to `to` (both included),
/// read from the cases: (village, days) → cases.
async fn approvals(
    tx: &mut dyn Tx,
    scope: Scope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> StoreResult<Vec<(AreaCode, NaiveDate, u32, u64)>> {
    let (lo, hi) = scope.range();
    let mut args = vec![
        Value::from(CaseKind::Identification.code()),
        Value::from(Stage::Approved.code()),
        Value::from(lo as i64),
        Value::from(hi as i64),
    ];
    let mut sql = "SELECT village_code, opened_on, closed_on, COUNT(*) FROM cases \
                   WHERE kind = $1 AND stage = $2 AND village_code BETWEEN $3 AND $4 AND closed_on IS NOT NULL"
        .to_string();
    if let Some(d) = from {
        args.push(d.to_string().into());
        sql.push_str(&format!(" AND closed_on >= ${}", args.len()));
    }
    if let Some(d) = to {
        args.push(d.to_string().into());
        sql.push_str(&format!(" AND closed_on <= ${}", args.len()));
    }
    sql.push_str(" GROUP BY village_code, opened_on, closed_on");
    let mut out = Vec::new();
    for r in tx.fetch(&sql, &args).await? {
        let (opened, closed) = (parse_day(&r.text(1)?)?, parse_day(&r.text(2)?)?);
        out.push((
            code(r.int(0)?)?,
            closed,
            days_to_approval(opened, closed),
            r.int(3)? as u64,
        ));
    }
    Ok(out)
}

/// Rebuilds the kept histograms of every area and year from the cases.
pub(crate) async fn rebuild(tx: &mut dyn Tx, backend: Backend) -> StoreResult<()> {
    lock_figures(tx, backend).await?;
    tx.execute("DELETE FROM area_timeliness", &[]).await?;
    let mut sums: BTreeMap<(i64, i32, u32), u64> = BTreeMap::new();
    for (village, closed, days, n) in approvals(tx, Scope::All, None, None).await? {
        for a in chain(village) {
            *sums.entry((a.as_i64(), closed.year(), days)).or_default() += n;
        }
    }
    let rows: Vec<_> = sums.into_iter().collect();
    add_rows(tx, backend, &rows).await
}

/// Approved identifications per village in `scope`, from the first of `day`'s year to `day`,
/// read from the cases (figures as of a past date, and the check of the kept histograms).
pub(crate) async fn approvals_by_village(
    tx: &mut dyn Tx,
    scope: Scope,
    day: NaiveDate,
) -> StoreResult<Vec<(AreaCode, Timeliness)>> {
    let from = NaiveDate::from_ymd_opt(day.year(), 1, 1);
    let mut by: HashMap<AreaCode, Timeliness> = HashMap::new();
    for (village, _, days, n) in approvals(tx, scope, from, Some(day)).await? {
        by.entry(village).or_default().add(days, n);
    }
    Ok(by.into_iter().collect())
}

/// The kept histograms of `year` (only areas with an approval have one).
pub(crate) async fn kept(
    tx: &mut dyn Tx,
    scope: Scope,
    areas: AreaSet<'_>,
    year: i32,
) -> StoreResult<Vec<(AreaCode, Timeliness)>> {
    let mut args = vec![Value::from(i64::from(year))];
    let filter = match areas {
        AreaSet::Under(area) => {
            let Some(scope) = scope.narrow(area) else {
                return Ok(Vec::new());
            };
            let (lo, hi) = scope.range();
            args.extend([Value::from(lo as i64), Value::from(hi as i64)]);
            "code BETWEEN $2 AND $3".to_string()
        }
        AreaSet::Only(list) => {
            args.extend(
                list.iter()
                    .filter(|a| scope.contains(**a))
                    .map(|a| Value::from(a.as_i64())),
            );
            if args.len() == 1 {
                return Ok(Vec::new());
            }
            format!("code IN ({})", placeholders(2, args.len() - 1))
        }
    };
    let sql = format!("SELECT code, days, cases FROM area_timeliness WHERE year = $1 AND {filter}");
    let mut by: HashMap<AreaCode, Timeliness> = HashMap::new();
    for r in tx.fetch(&sql, &args).await? {
        let days = u32::try_from(r.int(1)?).unwrap_or(0);
        by.entry(code(r.int(0)?)?)
            .or_default()
            .add(days, r.int(2)? as u64);
    }
    Ok(by.into_iter().collect())
}

/// Open cases past a deadline at the end of `day`, per village in `scope`. Today this reads the
/// open cases by due day; for a past day it replays each case open then: the deadline in force
/// on `day` is the one the first later step was taken against (or the current one).
pub(crate) async fn overdue_by_village(
    tx: &mut dyn Tx,
    scope: Scope,
    day: NaiveDate,
    today: NaiveDate,
) -> StoreResult<Vec<(AreaCode, u64)>> {
    let (lo, hi) = scope.range();
    let d = day.to_string();
    let args = [
        Value::from(d.as_str()),
        Value::from(lo as i64),
        Value::from(hi as i64),
    ];
    let rows = if day >= today {
        tx.fetch(
            "SELECT village_code, COUNT(*) FROM cases WHERE closed_on IS NULL AND next_due_on < $1 \
             AND village_code BETWEEN $2 AND $3 GROUP BY village_code",
            &args,
        )
        .await?
    } else {
        tx.fetch(
            "SELECT c.village_code, COUNT(*) FROM cases c \
             LEFT JOIN case_steps s ON s.county_code = c.county_code AND s.case_id = c.id \
               AND s.seq = (SELECT MIN(s2.seq) FROM case_steps s2 \
                            WHERE s2.county_code = c.county_code AND s2.case_id = c.id AND s2.acted_on > $1) \
             WHERE c.opened_on <= $1 AND (c.closed_on IS NULL OR c.closed_on > $1) \
               AND c.village_code BETWEEN $2 AND $3 \
               AND CASE WHEN s.seq IS NULL THEN c.next_due_on ELSE s.due_on END < $1 \
             GROUP BY c.village_code",
            &args,
        )
        .await?
    };
    rows.iter()
        .map(|r| Ok((code(r.int(0)?)?, r.int(1)? as u64)))
        .collect()
}

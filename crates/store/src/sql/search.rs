//! [`HouseholdSearch`] over any [`Db`]: keyset pages in (village, household number) order.
//!
//! Every page is one index range scan of `households_village` from the cursor on, bounded by the
//! area and the caller's scope; text searches go through their own index first (`person_ids`,
//! `household_ids` with `households_closed_no`, `households_head_name`, `members_name`) and only
//! then to the households; closed households (销户) are listed through `households_closed`.

use async_trait::async_trait;
use zhenxing_domain::{
    AreaCode, HouseholdNo, HouseholdType, Money, MonitorCategory, RiskTypes, Scope,
};

use super::{Db, Row, SqlStore, Value, keyset_start};
use crate::search::{
    HouseholdCursor, HouseholdFilter, HouseholdSearch, HouseholdSummary, SearchText,
};
use crate::{StoreError, StoreResult};

/// The last character of the Basic Multilingual Plane: `name >= q AND name < q || MAX` is a
/// prefix match that an index range scan serves.
const PREFIX_END: char = '\u{FFFF}';

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn summary(r: &Row) -> StoreResult<HouseholdSummary> {
    let small = |i: usize| -> StoreResult<u32> { u32::try_from(r.int(i)?).map_err(corrupt) };
    Ok(HouseholdSummary {
        county: AreaCode::from_i64(r.int(0)?).map_err(corrupt)?,
        no: HouseholdNo::parse(&r.text(1)?).map_err(corrupt)?,
        village: AreaCode::from_i64(r.int(2)?).map_err(corrupt)?,
        head_name: r.text(3)?,
        size: small(4)?,
        household_type: HouseholdType::from_code(r.int(5)?).ok_or_else(|| corrupt("户类型"))?,
        category: r
            .opt_int(6)?
            .map(|c| MonitorCategory::from_code(c).ok_or_else(|| corrupt("监测对象类别")))
            .transpose()?,
        risks: RiskTypes::from_mask(r.int(7)?),
        eliminated: r.flag(8)?,
        per_capita_income: r.opt_int(9)?.map(Money::from_fen),
        persons: small(10)?,
        closed: super::store::closed(r.opt_text(11)?, r.opt_int(12)?)?,
    })
}

/// Builds the WHERE clause and its arguments, numbering parameters as it goes.
struct Where<'a> {
    clauses: Vec<String>,
    args: Vec<Value<'a>>,
}

impl<'a> Where<'a> {
    fn param(&mut self, v: Value<'a>) -> String {
        self.args.push(v);
        format!("${}", self.args.len())
    }

    fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }
}

#[async_trait]
impl<D: Db> HouseholdSearch for SqlStore<D> {
    async fn search_households(
        &self,
        scope: Scope,
        area: AreaCode,
        filter: &HouseholdFilter,
        after: Option<&HouseholdCursor>,
        limit: u32,
    ) -> StoreResult<Vec<HouseholdSummary>> {
        let Some(scope) = scope.narrow(area) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = scope.range();
        let mut w = Where {
            clauses: Vec::new(),
            args: Vec::new(),
        };
        // After a cursor, the range starts at its village: the index is entered there, not
        // at the area's first village (each page would otherwise walk every page before it).
        let lo = w.param(keyset_start(lo, after.map_or(0, |c| c.village.as_i64())).into());
        let hi = w.param((hi as i64).into());
        w.push(format!("h.village_code BETWEEN {lo} AND {hi}"));
        // A name search starts from the name indexes (the matches are few next to the area's
        // households); the others narrow by primary key.
        let mut from = "households h".to_string();
        match &filter.text {
            None => {}
            Some(SearchText::IdNumber(id)) => {
                let p = w.param(id.as_str().to_string().into());
                w.push(format!(
                    "(h.county_code, h.household_no) IN (SELECT county_code, household_no FROM person_ids WHERE id_number = {p})"
                ));
            }
            Some(SearchText::HouseholdNo(no)) => {
                let p = w.param(no.as_str().to_string().into());
                // The household registered under it, and its closed rows (one in each county
                // it moved away from), each by its key (an `IN` list here had SQLite walk the
                // area's households: 69 ms for a province, against 3 ms).
                from = format!(
                    "(SELECT county_code, household_no FROM household_ids WHERE household_no = {p} \
                     UNION SELECT county_code, household_no FROM households WHERE household_no = {p} AND dissolved_on IS NOT NULL) k \
                     JOIN households h ON h.county_code = k.county_code AND h.household_no = k.household_no"
                );
            }
            Some(SearchText::Name(name)) => {
                let first = w.param(name.clone().into());
                let end = w.param(format!("{name}{PREFIX_END}").into());
                from = format!(
                    "(SELECT county_code, household_no FROM households WHERE head_name >= {first} AND head_name < {end} \
                     UNION SELECT county_code, household_no FROM members WHERE name >= {first} AND name < {end}) k \
                     JOIN households h ON h.county_code = k.county_code AND h.household_no = k.household_no"
                );
            }
        }
        // Closed households (销户) are listed when asked for, and found by number.
        if filter.closed {
            w.push("h.dissolved_on IS NOT NULL".into());
        } else if !matches!(filter.text, Some(SearchText::HouseholdNo(_))) {
            w.push("h.dissolved_on IS NULL".into());
        }
        if let Some(t) = filter.household_type {
            let p = w.param(t.code().into());
            w.push(format!("h.household_type = {p}"));
        }
        if let Some(c) = filter.category {
            let p = w.param(c.code().into());
            w.push(format!("h.monitor_category = {p}"));
        }
        match filter.monitored {
            Some(true) => w.push("h.monitor_category IS NOT NULL".into()),
            Some(false) => w.push("h.monitor_category IS NULL".into()),
            None => {}
        }
        if let Some(r) = filter.risk {
            let bit: i64 = 1 << r.code();
            let p = w.param(bit.into());
            w.push(format!("(h.risk_mask & {p}) <> 0"));
        }
        if let Some(e) = filter.eliminated {
            let p = w.param(e.into());
            w.push(format!("h.eliminated = {p}"));
        }
        if let Some(c) = after {
            let v = w.param(c.village.as_i64().into());
            let n = w.param(c.no.as_str().to_string().into());
            w.push(format!("(h.village_code, h.household_no) > ({v}, {n})"));
        }
        let sql = format!(
            "SELECT h.county_code, h.household_no, h.village_code, h.head_name, h.size, h.household_type, \
             h.monitor_category, h.risk_mask, h.eliminated, h.per_capita_income, \
             (SELECT COUNT(*) FROM members m WHERE m.county_code = h.county_code AND m.household_no = h.household_no), \
             h.dissolved_on, h.dissolved_reason \
             FROM {from} WHERE {} ORDER BY h.village_code, h.household_no LIMIT {}",
            w.clauses.join(" AND "),
            limit.min(500)
        );
        let mut tx = self.db().read().await?;
        let rows = tx.fetch(&sql, &w.args).await?;
        rows.iter().map(summary).collect()
    }
}

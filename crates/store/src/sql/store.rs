//! [`Store`] over any [`Db`].

use std::collections::{HashMap, VecDeque};

use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::{self, BoxStream};
use zhenxing_domain::{
    AreaCode, AreaLevel, Division, Household, HouseholdNo, IdNumber, Member, Scope,
};

use super::columns::{
    HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, household_from_row, member_from_row, select_list,
};
use super::import::{REGISTRY_EMPTY, SqlImport, Versioned, first_loads_take_turns};
use super::packed::{fetch_packed, typed_rows};
use super::{Db, Row, Tx, Value, figures, keyset_start, problems, tuples, work};
use crate::{
    Actor, AreaSet, Backend, Closed, CurrentFigures, HistoryEntry, HistorySubject, HouseholdRecord,
    ImportCounts, ImportRecord, ImportSource, ImportTx, Rejection, ReportMeta, RowOutcome,
    RowProblem, Store, StoreError, StoreResult, StoredHousehold, StoredMember,
};
use zhenxing_domain::stats::{Counts, Timeliness};

/// Households per page when streaming an export.
const EXPORT_PAGE: usize = 1000;

pub struct SqlStore<D: Db> {
    db: D,
}

impl<D: Db> SqlStore<D> {
    pub fn new(db: D) -> SqlStore<D> {
        SqlStore { db }
    }

    pub fn db(&self) -> &D {
        &self.db
    }
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn area(v: i64) -> StoreResult<AreaCode> {
    AreaCode::from_i64(v).map_err(corrupt)
}

fn range_args(scope: Scope) -> [Value<'static>; 2] {
    let (lo, hi) = scope.range();
    [Value::from(lo as i64), Value::from(hi as i64)]
}

/// Counts the members of a household `h`.
const PERSONS: &str = "(SELECT COUNT(*) FROM members m WHERE m.county_code = h.county_code AND m.household_no = h.household_no)";

fn stored_household(r: &Row) -> StoreResult<StoredHousehold> {
    let (county, household) = household_from_row(r, 0)?;
    let n = HOUSEHOLD_COLUMNS.len();
    Ok(StoredHousehold {
        county,
        household,
        persons: u32::try_from(r.int(n)?).map_err(corrupt)?,
        version: r.int(n + 1)?,
        updated_at: r.text(n + 2)?,
        updated_by: r.text(n + 3)?,
        closed: closed(r.opt_text(n + 4)?, r.opt_int(n + 5)?)?,
    })
}

/// A household's closure (销户) from its `dissolved_on` and `dissolved_reason`.
pub(crate) fn closed(on: Option<String>, reason: Option<i64>) -> StoreResult<Option<Closed>> {
    let (Some(on), Some(reason)) = (on, reason) else {
        return Ok(None);
    };
    Ok(Some(Closed {
        reason: zhenxing_domain::DissolveReason::from_code(reason)
            .ok_or_else(|| corrupt(format!("销户原因代码{reason}无效")))?,
        on: chrono::NaiveDate::parse_from_str(&on, "%Y-%m-%d").map_err(corrupt)?,
    }))
}

fn report_meta(r: &Row) -> StoreResult<ReportMeta> {
    Ok(ReportMeta {
        id: r.int(0)?,
        area: area(r.int(1)?)?,
        as_of: chrono::NaiveDate::parse_from_str(&r.text(2)?, "%Y-%m-%d").map_err(corrupt)?,
        issued_at: r.text(3)?,
        issued_by: r.text(4)?,
    })
}

fn stored_member(r: &Row) -> StoreResult<StoredMember> {
    let (county, member) = member_from_row(r, 0)?;
    Ok(StoredMember {
        county,
        member,
        version: r.int(MEMBER_COLUMNS.len())?,
    })
}

/// Members in the order a ledger lists them: the head first, then by relation and age.
fn sort_members(members: &mut [StoredMember]) {
    members.sort_by(|a, b| {
        (
            a.member.relation,
            a.member.birth_date(),
            a.member.id.as_str(),
        )
            .cmp(&(
                b.member.relation,
                b.member.birth_date(),
                b.member.id.as_str(),
            ))
    });
}

struct Pager {
    tx: Option<Box<dyn Tx>>,
    after: Option<(i64, String)>,
    done: bool,
    /// Relocated households only (易地扶贫搬迁户, through `households_relocated`).
    relocated: bool,
}

impl<D: Db> SqlStore<D> {
    /// Imports confined to an area within `scope`, newest first; only `id` when given.
    async fn import_records(
        &self,
        scope: Scope,
        id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<ImportRecord>> {
        let mut tx = self.db.read().await?;
        let mut args: Vec<Value> = Vec::new();
        let mut filter = String::new();
        if let Scope::Area(_) = scope {
            args.extend(range_args(scope));
            filter.push_str(" AND scope_code BETWEEN $1 AND $2");
        }
        if let Some(id) = id {
            args.push(id.into());
            filter.push_str(&format!(" AND id = ${}", args.len()));
        }
        let sql = format!(
            "SELECT id, at, actor, households_file, members_file, households_inserted, households_updated, \
             households_unchanged, members_inserted, members_updated, members_unchanged, rejected, \
             scope_code, problems, members_removed, households_dissolved FROM changesets WHERE kind = 'import'{filter} ORDER BY id DESC LIMIT {limit}"
        );
        let rows = tx.fetch(&sql, &args).await?;
        let n = |r: &Row, i: usize| -> StoreResult<u64> {
            Ok(r.opt_int(i)?.unwrap_or(0).max(0) as u64)
        };
        rows.iter()
            .map(|r| {
                Ok(ImportRecord {
                    id: r.int(0)?,
                    started_at: r.text(1)?,
                    actor: r.text(2)?,
                    scope: r.opt_int(12)?.map(super::monitoring::area).transpose()?,
                    households_file: r.opt_text(3)?,
                    members_file: r.opt_text(4)?,
                    counts: ImportCounts {
                        households_inserted: n(r, 5)?,
                        households_updated: n(r, 6)?,
                        households_unchanged: n(r, 7)?,
                        members_inserted: n(r, 8)?,
                        members_updated: n(r, 9)?,
                        members_unchanged: n(r, 10)?,
                        members_removed: n(r, 14)?,
                        households_dissolved: n(r, 15)?,
                        rejected: n(r, 11)?,
                    },
                    problems: r.opt_int(13)?.map(|v| v.max(0) as u64),
                })
            })
            .collect()
    }

    fn household_select(&self) -> String {
        format!(
            "SELECT {}, {PERSONS}, h.version, c.at, c.actor, h.dissolved_on, h.dissolved_reason \
             FROM households h JOIN changesets c ON c.id = h.changeset_id",
            select_list("h", HOUSEHOLD_COLUMNS)
        )
    }

    /// The next page of households in scope after the pager's cursor.
    async fn next_page(
        &self,
        scope: Scope,
        pager: &mut Pager,
    ) -> StoreResult<Vec<StoredHousehold>> {
        if pager.tx.is_none() {
            pager.tx = Some(self.db.read().await?);
        }
        let Some(tx) = pager.tx.as_mut() else {
            return Ok(Vec::new());
        };
        let mut args = range_args(scope).to_vec();
        let cursor = match &pager.after {
            None => String::new(),
            Some((village, no)) => {
                args[0] = keyset_start(scope.range().0, *village).into();
                args.push((*village).into());
                args.push(no.as_str().into());
                "AND (h.village_code, h.household_no) > ($3, $4)".to_string()
            }
        };
        // One packed answer a page (the driver's cost per returned row was most of the
        // reading), its rows put back in key order here (an aggregate keeps no order).
        let mut fields: Vec<String> = HOUSEHOLD_COLUMNS.iter().map(|c| format!("h.{c}")).collect();
        fields.extend([
            PERSONS.to_string(),
            "h.version".into(),
            "c.at".into(),
            "c.actor".into(),
            "h.dissolved_on".into(),
            "h.dissolved_reason".into(),
        ]);
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        let relocated = if pager.relocated {
            "AND h.relocated = 1"
        } else {
            ""
        };
        let from = format!(
            "(SELECT * FROM households h WHERE h.village_code BETWEEN $1 AND $2 {cursor} \
             AND h.dissolved_on IS NULL {relocated} \
             ORDER BY h.village_code, h.household_no LIMIT {EXPORT_PAGE}) h \
             JOIN changesets c ON c.id = h.changeset_id"
        );
        let answer = fetch_packed(tx.as_mut(), self.db.backend(), &fields, &from, &args).await?;
        let mut page = typed_rows(&answer, fields.len())?
            .iter()
            .map(stored_household)
            .collect::<StoreResult<Vec<_>>>()?;
        page.sort_by(|a, b| {
            (a.household.village, a.household.no.as_str())
                .cmp(&(b.household.village, b.household.no.as_str()))
        });
        if page.len() < EXPORT_PAGE {
            pager.done = true;
        }
        pager.after = page.last().map(|h| {
            (
                h.household.village.as_i64(),
                h.household.no.as_str().to_string(),
            )
        });
        Ok(page)
    }

    /// Members of the given households, grouped in the households' order.
    /// A household in scope, read in `tx`.
    async fn household_in(
        &self,
        tx: &mut dyn Tx,
        scope: Scope,
        no: &HouseholdNo,
    ) -> StoreResult<Option<StoredHousehold>> {
        self.household_at(tx, scope, no, None).await
    }

    /// Changes one registered household as [`Store::update_household`] does; with
    /// `read_version`, only if the household is still at it (read in the writing transaction,
    /// its row locked on PostgreSQL), else `Rejected(Stale)` and nothing written.
    async fn update_household_at(
        &self,
        actor: &Actor,
        scope: Scope,
        household: &Household,
        read_version: Option<i64>,
    ) -> StoreResult<RowOutcome> {
        let Some(found) = self.household(scope, &household.no).await? else {
            return Ok(RowOutcome::Rejected(Rejection::UnknownHousehold));
        };
        let mut tx =
            SqlImport::begin(&self.db, actor, scope, "edit", &ImportSource::default()).await?;
        if let Some(read) = read_version
            && let Some(refused) = tx
                .check_version(found.county, Versioned::Household(&household.no), read)
                .await?
        {
            return Ok(refused);
        }
        let outcome = tx.households(std::slice::from_ref(household)).await?.pop();
        let outcome = outcome.ok_or_else(|| StoreError::Database("no outcome".into()))?;
        let counts = ImportCounts {
            households_updated: u64::from(outcome == RowOutcome::Updated),
            households_unchanged: u64::from(outcome == RowOutcome::Unchanged),
            households_dissolved: u64::from(outcome == RowOutcome::Removed),
            ..ImportCounts::default()
        };
        if matches!(outcome, RowOutcome::Updated | RowOutcome::Removed) {
            Box::new(tx).commit(&counts, &Vec::new()).await?;
        }
        Ok(outcome)
    }

    /// The household of number `no` in scope: in the county `at` when given (its row there,
    /// closed or not); else the one registered under it, else its latest closed row in scope (a
    /// household that moved to another county is found by the county it left).
    async fn household_at(
        &self,
        tx: &mut dyn Tx,
        scope: Scope,
        no: &HouseholdNo,
        at: Option<AreaCode>,
    ) -> StoreResult<Option<StoredHousehold>> {
        let [lo, hi] = range_args(scope);
        if let Some(county) = at {
            let sql = format!(
                "{} WHERE h.county_code = $1 AND h.household_no = $2 AND h.village_code BETWEEN $3 AND $4",
                self.household_select()
            );
            let rows = tx
                .fetch(&sql, &[county.as_i64().into(), no.as_str().into(), lo, hi])
                .await?;
            return rows.first().map(stored_household).transpose();
        }
        let sql = format!(
            "{} JOIN household_ids i ON i.county_code = h.county_code AND i.household_no = h.household_no \
             WHERE i.household_no = $1 AND h.village_code BETWEEN $2 AND $3",
            self.household_select()
        );
        let rows = tx
            .fetch(&sql, &[no.as_str().into(), lo.clone(), hi.clone()])
            .await?;
        if let Some(r) = rows.first() {
            return stored_household(r).map(Some);
        }
        let sql = format!(
            "{} WHERE h.household_no = $1 AND h.dissolved_on IS NOT NULL \
             AND h.village_code BETWEEN $2 AND $3 ORDER BY h.dissolved_on DESC, h.county_code LIMIT 1",
            self.household_select()
        );
        let rows = tx.fetch(&sql, &[no.as_str().into(), lo, hi]).await?;
        rows.first().map(stored_household).transpose()
    }

    async fn members_of(
        &self,
        tx: &mut dyn Tx,
        page: &[StoredHousehold],
    ) -> StoreResult<Vec<StoredMember>> {
        if page.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<Value> = page
            .iter()
            .flat_map(|h| {
                [
                    Value::from(h.county.as_i64()),
                    h.household.no.as_str().into(),
                ]
            })
            .collect();
        let mut fields: Vec<String> = MEMBER_COLUMNS.iter().map(|c| format!("m.{c}")).collect();
        fields.push("m.version".into());
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        let from = format!(
            "members m WHERE (m.county_code, m.household_no) IN (VALUES {})",
            tuples(page.len(), 2)
        );
        let answer = fetch_packed(tx, self.db.backend(), &fields, &from, &keys).await?;
        let mut by_household: HashMap<String, Vec<StoredMember>> = HashMap::new();
        for r in typed_rows(&answer, fields.len())? {
            let m = stored_member(&r)?;
            by_household
                .entry(m.member.household_no.as_str().to_string())
                .or_default()
                .push(m);
        }
        let mut out = Vec::new();
        for h in page {
            if let Some(mut ms) = by_household.remove(h.household.no.as_str()) {
                sort_members(&mut ms);
                out.extend(ms);
            }
        }
        Ok(out)
    }

    fn pages(
        &self,
        scope: Scope,
        area: AreaCode,
        with_members: bool,
        relocated: bool,
    ) -> BoxStream<'_, StoreResult<(Vec<StoredHousehold>, Vec<StoredMember>)>> {
        let Some(scope) = scope.narrow(area) else {
            return stream::empty().boxed();
        };
        let pager = Pager {
            tx: None,
            after: None,
            done: false,
            relocated,
        };
        stream::unfold(pager, move |mut pager| async move {
            if pager.done {
                return None;
            }
            let result = async {
                let page = self.next_page(scope, &mut pager).await?;
                let members = match (with_members, pager.tx.as_mut()) {
                    (true, Some(tx)) => self.members_of(tx.as_mut(), &page).await?,
                    _ => Vec::new(),
                };
                Ok((page, members))
            }
            .await;
            if result.is_err() {
                pager.done = true;
            }
            Some((result, pager))
        })
        .boxed()
    }
}

#[async_trait]
impl<D: Db> Store for SqlStore<D> {
    fn backend(&self) -> Backend {
        self.db.backend()
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.db.migrate().await
    }

    async fn backup(&self, path: &std::path::Path) -> StoreResult<()> {
        self.db.backup_to(path).await
    }

    async fn settle(&self) -> StoreResult<()> {
        self.db.settle().await
    }

    async fn check_integrity(&self) -> StoreResult<()> {
        self.db.check_integrity().await?;
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT (SELECT COUNT(*) FROM members m LEFT JOIN person_ids p ON p.id_number = m.id_number \
                 WHERE p.id_number IS NULL OR p.county_code <> m.county_code OR p.household_no <> m.household_no) + \
                 (SELECT COUNT(*) FROM households h LEFT JOIN household_ids i ON i.household_no = h.household_no \
                 WHERE (i.household_no IS NULL OR i.county_code <> h.county_code) AND h.dissolved_on IS NULL) + \
                 (SELECT COUNT(*) FROM household_ids i LEFT JOIN households h ON h.county_code = i.county_code \
                 AND h.household_no = i.household_no WHERE h.household_no IS NULL)",
                &[],
            )
            .await?;
        match rows.first().map(|r| r.int(0)).transpose()? {
            Some(0) => Ok(()),
            Some(n) => Err(StoreError::Corrupt(format!(
                "{n} 行与户编号或证件号码目录不符"
            ))),
            None => Err(StoreError::Corrupt("完整性检查没有结果".into())),
        }
    }

    async fn load_divisions(&self, edition: u16, divisions: &[Division]) -> StoreResult<usize> {
        let mut sorted: Vec<&Division> = divisions.iter().collect();
        sorted.sort_by_key(|d| (d.level, d.code));
        let mut tx = self.db.write().await?;
        for chunk in sorted.chunks(2000) {
            let args: Vec<Value> = chunk
                .iter()
                .flat_map(|d| {
                    [
                        Value::from(d.code.as_i64()),
                        d.name.as_str().into(),
                        i64::from(d.level.number()).into(),
                        Value::Int(d.parent.map(AreaCode::as_i64)),
                        i64::from(edition).into(),
                    ]
                })
                .collect();
            let sql = format!(
                "INSERT INTO divisions (code, name, level, parent_code, edition) VALUES {} \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, \
                 parent_code = excluded.parent_code, edition = excluded.edition",
                tuples(chunk.len(), 5)
            );
            tx.execute(&sql, &args).await?;
        }
        tx.commit().await?;
        Ok(divisions.len())
    }

    async fn divisions(&self) -> StoreResult<Vec<Division>> {
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT code, name, level, parent_code FROM divisions ORDER BY code",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let level = u8::try_from(r.int(2)?)
                    .ok()
                    .and_then(AreaLevel::from_number)
                    .ok_or_else(|| corrupt("区划级别"))?;
                Ok(Division {
                    code: area(r.int(0)?)?,
                    name: r.text(1)?,
                    level,
                    parent: r.opt_int(3)?.map(area).transpose()?,
                })
            })
            .collect()
    }

    async fn begin_import(
        &self,
        actor: &Actor,
        scope: Scope,
        source: &ImportSource,
    ) -> StoreResult<Box<dyn ImportTx>> {
        // A first load resolves every reference it writes itself (see `SqlImport::bulk`), so
        // the database need not check them row by row: begun with the bulk writer when the
        // registry looks empty, and checked again inside the transaction.
        let empty = {
            let mut tx = self.db.read().await?;
            !tx.fetch(REGISTRY_EMPTY, &[]).await?.is_empty()
        };
        if empty {
            let mut tx = self.db.write_bulk().await?;
            first_loads_take_turns(tx.as_mut(), self.db.backend()).await?;
            let mut import =
                SqlImport::begin_on(tx, self.db.backend(), actor, scope, "import", source).await?;
            if import.defer_search_indexes_if_empty().await? {
                import.bulk = true;
                return Ok(Box::new(import));
            }
            // Written to meanwhile: this transaction is rolled back, and the import begins as
            // any later one.
        }
        let mut import = SqlImport::begin(&self.db, actor, scope, "import", source).await?;
        import.defer_search_indexes_if_empty().await?;
        Ok(Box::new(import))
    }

    async fn edit_household(
        &self,
        actor: &Actor,
        scope: Scope,
        household: &Household,
        read_version: i64,
    ) -> StoreResult<RowOutcome> {
        self.update_household_at(actor, scope, household, Some(read_version))
            .await
    }

    async fn edit_member(
        &self,
        actor: &Actor,
        scope: Scope,
        member: &Member,
        read_version: Option<i64>,
    ) -> StoreResult<RowOutcome> {
        let Some(found) = self.household(scope, &member.household_no).await? else {
            return Ok(RowOutcome::Rejected(Rejection::UnknownHousehold));
        };
        let mut tx =
            SqlImport::begin(&self.db, actor, scope, "edit", &ImportSource::default()).await?;
        if let Some(read) = read_version
            && let Some(refused) = tx
                .check_version(found.county, Versioned::Member(member), read)
                .await?
        {
            return Ok(refused);
        }
        let outcome = tx.members(std::slice::from_ref(member)).await?.pop();
        let outcome = outcome.ok_or_else(|| StoreError::Database("no outcome".into()))?;
        let counts = ImportCounts {
            members_inserted: u64::from(outcome == RowOutcome::Inserted),
            members_updated: u64::from(outcome == RowOutcome::Updated),
            members_unchanged: u64::from(outcome == RowOutcome::Unchanged),
            members_removed: u64::from(outcome == RowOutcome::Removed),
            ..ImportCounts::default()
        };
        if matches!(
            outcome,
            RowOutcome::Inserted | RowOutcome::Updated | RowOutcome::Removed
        ) {
            Box::new(tx).commit(&counts, &Vec::new()).await?;
        }
        Ok(outcome)
    }

    async fn update_household(
        &self,
        actor: &Actor,
        scope: Scope,
        household: &Household,
    ) -> StoreResult<RowOutcome> {
        self.update_household_at(actor, scope, household, None)
            .await
    }

    async fn household(
        &self,
        scope: Scope,
        no: &HouseholdNo,
    ) -> StoreResult<Option<StoredHousehold>> {
        let mut tx = self.db.read().await?;
        self.household_in(tx.as_mut(), scope, no).await
    }

    async fn members(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Vec<StoredMember>> {
        let mut tx = self.db.read().await?;
        let Some(h) = self.household_in(tx.as_mut(), scope, no).await? else {
            return Ok(Vec::new());
        };
        self.members_of(tx.as_mut(), &[h]).await
    }

    async fn household_record(
        &self,
        scope: Scope,
        no: &HouseholdNo,
        at: Option<AreaCode>,
    ) -> StoreResult<Option<HouseholdRecord>> {
        let mut tx = self.db.read().await?;
        let Some(h) = self.household_at(tx.as_mut(), scope, no, at).await? else {
            return Ok(None);
        };
        let members = self
            .members_of(tx.as_mut(), std::slice::from_ref(&h))
            .await?;
        let history = history_in(tx.as_mut(), &h, no).await?;
        let registered_elsewhere = h.closed.is_some()
            && !tx
                .fetch(
                    "SELECT 1 FROM household_ids WHERE household_no = $1 AND county_code <> $2",
                    &[no.as_str().into(), h.county.as_i64().into()],
                )
                .await?
                .is_empty();
        Ok(Some(HouseholdRecord {
            household: h,
            members,
            history,
            registered_elsewhere,
        }))
    }

    async fn household_of_person(
        &self,
        scope: Scope,
        id: &IdNumber,
    ) -> StoreResult<Option<HouseholdNo>> {
        let mut tx = self.db.read().await?;
        let [lo, hi] = range_args(scope);
        let rows = tx
            .fetch(
                "SELECT p.household_no FROM person_ids p JOIN households h \
                 ON h.county_code = p.county_code AND h.household_no = p.household_no \
                 WHERE p.id_number = $1 AND h.village_code BETWEEN $2 AND $3",
                &[id.as_str().into(), lo, hi],
            )
            .await?;
        rows.first()
            .map(|r| HouseholdNo::parse(&r.text(0)?).map_err(corrupt))
            .transpose()
    }

    async fn history(&self, scope: Scope, no: &HouseholdNo) -> StoreResult<Vec<HistoryEntry>> {
        let mut tx = self.db.read().await?;
        let Some(h) = self.household_in(tx.as_mut(), scope, no).await? else {
            return Ok(Vec::new());
        };
        history_in(tx.as_mut(), &h, no).await
    }

    fn export_households(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<StoredHousehold>> {
        self.pages(scope, area, false, false)
            .flat_map(|page| match page {
                Ok((households, _)) => {
                    stream::iter(households.into_iter().map(Ok).collect::<VecDeque<_>>()).boxed()
                }
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            })
            .boxed()
    }

    fn export_members(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<StoredMember>> {
        self.pages(scope, area, true, false)
            .flat_map(|page| match page {
                Ok((_, members)) => {
                    stream::iter(members.into_iter().map(Ok).collect::<VecDeque<_>>()).boxed()
                }
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            })
            .boxed()
    }

    fn household_pages(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<(Vec<StoredHousehold>, Vec<StoredMember>)>> {
        self.pages(scope, area, true, false)
    }

    fn relocated_pages(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> BoxStream<'_, StoreResult<(Vec<StoredHousehold>, Vec<StoredMember>)>> {
        self.pages(scope, area, true, true)
    }

    async fn figures(&self, scope: Scope, area: AreaCode) -> StoreResult<Vec<(AreaCode, Counts)>> {
        let mut tx = self.db.read().await?;
        figures::stored_of(tx.as_mut(), scope, AreaSet::Under(area)).await
    }

    async fn figures_year(&self) -> StoreResult<Option<i32>> {
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch("SELECT MIN(figures_year) FROM area_figures", &[])
            .await?;
        Ok(rows
            .first()
            .map(|r| r.opt_int(0))
            .transpose()?
            .flatten()
            .map(|y| y as i32))
    }

    async fn village_figures(
        &self,
        scope: Scope,
        day: chrono::NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, Counts)>> {
        let mut tx = self.db.read().await?;
        figures::villages_as_of(tx.as_mut(), scope, day).await
    }

    async fn current_figures(
        &self,
        scope: Scope,
        areas: AreaSet<'_>,
        overdue_under: AreaCode,
        today: chrono::NaiveDate,
    ) -> StoreResult<CurrentFigures> {
        use chrono::Datelike;
        let mut tx = self.db.read().await?;
        let counts = figures::stored_of(tx.as_mut(), scope, areas).await?;
        let approvals = work::kept(tx.as_mut(), scope, areas, today.year()).await?;
        let overdue_villages = match scope.narrow(overdue_under) {
            Some(narrow) => work::overdue_by_village(tx.as_mut(), narrow, today, today).await?,
            None => Vec::new(),
        };
        Ok(CurrentFigures {
            counts,
            approvals,
            overdue_villages,
        })
    }

    async fn kept_approvals(
        &self,
        scope: Scope,
        areas: AreaSet<'_>,
        year: i32,
    ) -> StoreResult<Vec<(AreaCode, Timeliness)>> {
        let mut tx = self.db.read().await?;
        work::kept(tx.as_mut(), scope, areas, year).await
    }

    async fn village_approvals(
        &self,
        scope: Scope,
        day: chrono::NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, Timeliness)>> {
        let mut tx = self.db.read().await?;
        work::approvals_by_village(tx.as_mut(), scope, day).await
    }

    async fn village_overdue(
        &self,
        scope: Scope,
        day: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> StoreResult<Vec<(AreaCode, u64)>> {
        let mut tx = self.db.read().await?;
        work::overdue_by_village(tx.as_mut(), scope, day, today).await
    }

    async fn recompute_figures(&self, today: chrono::NaiveDate) -> StoreResult<usize> {
        figures::recompute_all(&self.db, today).await
    }

    async fn set_ex_poor_villages(&self, villages: &[AreaCode], ex_poor: bool) -> StoreResult<u64> {
        let mut tx = self.db.write().await?;
        let mut n = 0;
        for chunk in villages.chunks(500) {
            let args: Vec<Value> = chunk
                .iter()
                .flat_map(|v| [Value::from(v.as_i64()), Value::from(ex_poor)])
                .collect();
            n += tx
                .execute(
                    &format!(
                        "INSERT INTO village_attributes (village_code, ex_poor_village) VALUES {} \
                         ON CONFLICT (village_code) DO UPDATE SET ex_poor_village = excluded.ex_poor_village",
                        tuples(chunk.len(), 2)
                    ),
                    &args,
                )
                .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    async fn ex_poor_villages(&self, scope: Scope) -> StoreResult<Vec<AreaCode>> {
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT village_code FROM village_attributes WHERE ex_poor_village = 1 \
                 AND village_code BETWEEN $1 AND $2 ORDER BY village_code",
                &range_args(scope),
            )
            .await?;
        rows.iter().map(|r| area(r.int(0)?)).collect()
    }

    async fn labour_by_village(
        &self,
        scope: Scope,
        within_area: AreaCode,
        labour: &[zhenxing_domain::Labour],
    ) -> StoreResult<Vec<crate::VillageLabour>> {
        let Some(within) = scope.narrow(within_area) else {
            return Ok(Vec::new());
        };
        if labour.is_empty() {
            return Ok(Vec::new());
        }
        let (lo, hi) = within.range();
        // The members' key starts with the county: a county's range, or the one county a
        // township or village lies in.
        let (county_lo, county_hi) = match within_area.county() {
            Some(c) if within_area.level() > zhenxing_domain::AreaLevel::County => {
                (c.as_i64(), c.as_i64())
            }
            _ => (lo as i64, hi as i64),
        };
        // The codes are the enum's own numbers, never input text.
        let codes: Vec<String> = labour.iter().map(|l| l.code().to_string()).collect();
        let migrant = "((m.migrant_place IS NOT NULL AND TRIM(m.migrant_place) <> '')                        OR COALESCE(m.migrant_months, 0) > 0)";
        let welfare = "(m.welfare_job = 1)";
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT h.village_code, CASE WHEN h.household_type = 2 THEN 1 ELSE 0 END,                      COUNT(*),                      SUM(CASE WHEN {migrant} THEN 1 ELSE 0 END),                      SUM(CASE WHEN {welfare} THEN 1 ELSE 0 END),                      SUM(CASE WHEN {migrant} AND {welfare} THEN 1 ELSE 0 END)                      FROM members m JOIN households h                      ON h.county_code = m.county_code AND h.household_no = m.household_no                      WHERE m.county_code BETWEEN $1 AND $2 AND h.village_code BETWEEN $3 AND $4                      AND h.dissolved_on IS NULL                      AND (h.household_type = 2 OR h.monitor_category IS NOT NULL)                      AND m.labour IN ({})                      GROUP BY h.village_code, CASE WHEN h.household_type = 2 THEN 1 ELSE 0 END                      ORDER BY 1, 2",
                    codes.join(", ")
                ),
                &[
                    county_lo.into(),
                    county_hi.into(),
                    (lo as i64).into(),
                    (hi as i64).into(),
                ],
            )
            .await?;
        let count = |r: &Row, i: usize| -> StoreResult<u64> {
            Ok(u64::try_from(r.opt_int(i)?.unwrap_or(0)).unwrap_or(0))
        };
        rows.iter()
            .map(|r| {
                Ok(crate::VillageLabour {
                    village: area(r.int(0)?)?,
                    ex_poor: r.int(1)? == 1,
                    labour: count(r, 2)?,
                    migrant: count(r, 3)?,
                    welfare_job: count(r, 4)?,
                    both: count(r, 5)?,
                })
            })
            .collect()
    }

    async fn check_in(
        &self,
        user_id: i64,
        area: AreaCode,
        day: chrono::NaiveDate,
        kind: zhenxing_domain::attendance::CheckinKind,
        note: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        tx.execute(
            "INSERT INTO checkins (user_id, day, area_code, kind, note, at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (user_id, day) DO UPDATE SET area_code = excluded.area_code, \
             kind = excluded.kind, note = excluded.note, at = excluded.at",
            &[
                user_id.into(),
                day.format("%Y-%m-%d").to_string().into(),
                area.as_i64().into(),
                kind.code().into(),
                Value::from(note.map(str::to_string)),
                super::now_text().into(),
            ],
        )
        .await?;
        tx.commit().await
    }

    async fn checkins(
        &self,
        within: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> StoreResult<Vec<crate::Checkin>> {
        let (lo, hi) = within.range();
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT user_id, day, area_code, kind, note, at FROM checkins \
                 WHERE area_code BETWEEN $1 AND $2 AND day BETWEEN $3 AND $4 ORDER BY user_id, day",
                &[
                    (lo as i64).into(),
                    (hi as i64).into(),
                    from.format("%Y-%m-%d").to_string().into(),
                    until.format("%Y-%m-%d").to_string().into(),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let kind = zhenxing_domain::attendance::CheckinKind::from_code(r.int(3)?)
                    .ok_or_else(|| corrupt(format!("考勤类型 {}", r.int(3).unwrap_or(-1))))?;
                Ok(crate::Checkin {
                    user_id: r.int(0)?,
                    day: chrono::NaiveDate::parse_from_str(&r.text(1)?, "%Y-%m-%d")
                        .map_err(corrupt)?,
                    area: area(r.int(2)?)?,
                    kind,
                    note: r.opt_text(4)?,
                    at: r.text(5)?,
                })
            })
            .collect()
    }

    async fn request_leave(
        &self,
        user_id: i64,
        area: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
        reason: &str,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let id = tx
            .fetch(
                "INSERT INTO leave_requests (user_id, area_code, from_day, until_day, reason, \
                 status, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    user_id.into(),
                    area.as_i64().into(),
                    from.format("%Y-%m-%d").to_string().into(),
                    until.format("%Y-%m-%d").to_string().into(),
                    reason.into(),
                    zhenxing_domain::attendance::LeaveStatus::Pending
                        .code()
                        .into(),
                    crate::sql::now_text().into(),
                ],
            )
            .await?
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("没有得到请假申请编号".into()))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn leave_requests(
        &self,
        within: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> StoreResult<Vec<zhenxing_domain::attendance::LeaveRequest>> {
        let (lo, hi) = within.range();
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {LEAVE_COLUMNS} FROM leave_requests \
                     WHERE area_code BETWEEN $1 AND $2 AND from_day <= $4 AND until_day >= $3 \
                     ORDER BY id DESC"
                ),
                &[
                    (lo as i64).into(),
                    (hi as i64).into(),
                    from.format("%Y-%m-%d").to_string().into(),
                    until.format("%Y-%m-%d").to_string().into(),
                ],
            )
            .await?;
        rows.iter().map(leave_request).collect()
    }

    async fn leave_request(
        &self,
        id: i64,
    ) -> StoreResult<Option<zhenxing_domain::attendance::LeaveRequest>> {
        let mut tx = self.db.read().await?;
        leave_in(tx.as_mut(), id).await
    }

    async fn decide_leave(
        &self,
        id: i64,
        status: zhenxing_domain::attendance::LeaveStatus,
        by: &str,
        note: Option<&str>,
    ) -> StoreResult<Option<zhenxing_domain::attendance::LeaveRequest>> {
        let mut tx = self.db.write().await?;
        let changed = tx
            .execute(
                "UPDATE leave_requests SET status = $1, decided_by = $2, decided_at = $3, \
                 decision_note = $4 WHERE id = $5 AND status = $6",
                &[
                    status.code().into(),
                    by.into(),
                    crate::sql::now_text().into(),
                    Value::from(note.map(str::to_string)),
                    id.into(),
                    zhenxing_domain::attendance::LeaveStatus::Pending
                        .code()
                        .into(),
                ],
            )
            .await?;
        if changed == 0 {
            return Ok(None);
        }
        let r = leave_in(tx.as_mut(), id).await?;
        tx.commit().await?;
        Ok(r)
    }

    async fn withdraw_leave(
        &self,
        id: i64,
        user_id: i64,
        today: chrono::NaiveDate,
    ) -> StoreResult<Option<zhenxing_domain::attendance::LeaveRequest>> {
        use zhenxing_domain::attendance::LeaveStatus;
        let mut tx = self.db.write().await?;
        let changed = tx
            .execute(
                "UPDATE leave_requests SET status = $1 WHERE id = $2 AND user_id = $3 \
                 AND (status = $4 OR (status = $5 AND from_day > $6))",
                &[
                    LeaveStatus::Withdrawn.code().into(),
                    id.into(),
                    user_id.into(),
                    LeaveStatus::Pending.code().into(),
                    LeaveStatus::Approved.code().into(),
                    today.format("%Y-%m-%d").to_string().into(),
                ],
            )
            .await?;
        if changed == 0 {
            return Ok(None);
        }
        let r = leave_in(tx.as_mut(), id).await?;
        tx.commit().await?;
        Ok(r)
    }

    async fn write_work_log(
        &self,
        user_id: i64,
        area: AreaCode,
        day: chrono::NaiveDate,
        body: &str,
        households: &[HouseholdNo],
        photos: Option<&[zhenxing_domain::monitoring::visit::Photo]>,
    ) -> StoreResult<()> {
        let listed: Vec<&str> = households.iter().map(|h| h.as_str()).collect();
        let day = day.format("%Y-%m-%d").to_string();
        let mut tx = self.db.write().await?;
        tx.execute(
            "INSERT INTO work_logs (user_id, day, area_code, body, households, at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (user_id, day) DO UPDATE SET area_code = excluded.area_code, \
             body = excluded.body, households = excluded.households, at = excluded.at",
            &[
                user_id.into(),
                day.clone().into(),
                area.as_i64().into(),
                body.to_string().into(),
                Value::from((!listed.is_empty()).then(|| listed.join(","))),
                super::now_text().into(),
            ],
        )
        .await?;
        if let Some(photos) = photos {
            tx.execute(
                "DELETE FROM work_log_photos WHERE user_id = $1 AND day = $2",
                &[user_id.into(), day.clone().into()],
            )
            .await?;
            for (i, p) in photos.iter().enumerate() {
                tx.execute(
                    "INSERT INTO work_log_photos (user_id, day, seq, content_type, size, bytes) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        user_id.into(),
                        day.clone().into(),
                        (i as i64 + 1).into(),
                        p.content_type().into(),
                        (p.bytes().len() as i64).into(),
                        Value::Bytes(Some(p.bytes().into())),
                    ],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn work_log_photo(
        &self,
        user_id: i64,
        day: chrono::NaiveDate,
        seq: u32,
    ) -> StoreResult<Option<(AreaCode, String, Vec<u8>)>> {
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT w.area_code, p.content_type, p.bytes FROM work_log_photos p \
                 JOIN work_logs w ON w.user_id = p.user_id AND w.day = p.day \
                 WHERE p.user_id = $1 AND p.day = $2 AND p.seq = $3",
                &[
                    user_id.into(),
                    day.format("%Y-%m-%d").to_string().into(),
                    i64::from(seq).into(),
                ],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        Ok(Some((
            area(r.int(0)?)?,
            r.text(1)?,
            r.opt_bytes(2)?.unwrap_or_default(),
        )))
    }

    async fn work_logs(
        &self,
        within: AreaCode,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> StoreResult<Vec<crate::WorkLog>> {
        let (lo, hi) = within.range();
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT w.user_id, w.day, w.area_code, w.body, w.households, w.at, \
                 (SELECT COUNT(*) FROM work_log_photos p WHERE p.user_id = w.user_id AND p.day = w.day) \
                 FROM work_logs w \
                 WHERE w.area_code BETWEEN $1 AND $2 AND w.day BETWEEN $3 AND $4 \
                 ORDER BY w.day DESC, w.area_code, w.user_id",
                &[
                    (lo as i64).into(),
                    (hi as i64).into(),
                    from.format("%Y-%m-%d").to_string().into(),
                    until.format("%Y-%m-%d").to_string().into(),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::WorkLog {
                    user_id: r.int(0)?,
                    day: chrono::NaiveDate::parse_from_str(&r.text(1)?, "%Y-%m-%d")
                        .map_err(corrupt)?,
                    area: area(r.int(2)?)?,
                    body: r.text(3)?,
                    households: r
                        .opt_text(4)?
                        .map(|s| s.split(',').map(str::to_string).collect())
                        .unwrap_or_default(),
                    at: r.text(5)?,
                    photos: u32::try_from(r.int(6)?).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn add_post(
        &self,
        actor: &Actor,
        area: AreaCode,
        post: &zhenxing_domain::post::Post,
        attachments: &[zhenxing_domain::post::Attachment],
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let rows = tx
            .fetch(
                "INSERT INTO posts (area_code, kind, title, body, source, published_on, author, \
                 user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    area.as_i64().into(),
                    post.kind.code().into(),
                    post.title.as_str().into(),
                    post.body.as_str().into(),
                    Value::from(post.source.clone()),
                    post.published_on.format("%Y-%m-%d").to_string().into(),
                    actor.name.as_str().into(),
                    actor.user_id.into(),
                    super::now_text().into(),
                ],
            )
            .await?;
        let id = rows
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("没有得到文章编号".into()))?;
        for (i, a) in attachments.iter().enumerate() {
            tx.execute(
                "INSERT INTO post_attachments (post_id, seq, name, content_type, size, bytes) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    id.into(),
                    (i as i64 + 1).into(),
                    a.name.as_str().into(),
                    a.content_type.into(),
                    (a.bytes.len() as i64).into(),
                    Value::Bytes(Some(std::borrow::Cow::Borrowed(a.bytes.as_slice()))),
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn withdraw_post(&self, within: AreaCode, id: i64, by: &str) -> StoreResult<bool> {
        let (lo, hi) = within.range();
        let mut tx = self.db.write().await?;
        let changed = tx
            .execute(
                "UPDATE posts SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 \
                 AND area_code BETWEEN $4 AND $5 AND withdrawn_at IS NULL",
                &[
                    super::now_text().into(),
                    by.into(),
                    id.into(),
                    (lo as i64).into(),
                    (hi as i64).into(),
                ],
            )
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    async fn post_attachments(
        &self,
        area: AreaCode,
        id: i64,
    ) -> StoreResult<Vec<zhenxing_domain::post::AttachmentMeta>> {
        let (visible, mut args) = post_visibility(area);
        args.push(id.into());
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT a.seq, a.name, a.content_type, a.size FROM post_attachments a \
                     WHERE a.post_id = ${n} AND EXISTS (SELECT 1 FROM posts WHERE ({visible}) \
                     AND id = ${n}) ORDER BY a.seq",
                    n = args.len()
                ),
                &args,
            )
            .await?;
        rows.iter().map(attachment_meta).collect()
    }

    async fn post_attachment(
        &self,
        area: AreaCode,
        id: i64,
        seq: i64,
    ) -> StoreResult<Option<(zhenxing_domain::post::AttachmentMeta, Vec<u8>)>> {
        let (visible, mut args) = post_visibility(area);
        args.push(id.into());
        args.push(seq.into());
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT a.seq, a.name, a.content_type, a.size, a.bytes FROM post_attachments a \
                     WHERE a.post_id = ${n} AND a.seq = ${m} AND EXISTS (SELECT 1 FROM posts \
                     WHERE ({visible}) AND id = ${n})",
                    n = args.len() - 1,
                    m = args.len()
                ),
                &args,
            )
            .await?;
        rows.first()
            .map(|r| Ok((attachment_meta(r)?, r.opt_bytes(4)?.unwrap_or_default())))
            .transpose()
    }

    async fn posts(
        &self,
        area: AreaCode,
        kind: Option<zhenxing_domain::post::PostKind>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<crate::StoredPost>> {
        let (visible, mut args) = post_visibility(area);
        let mut filter = String::new();
        if let Some(k) = kind {
            args.push(k.code().into());
            filter.push_str(&format!(" AND kind = ${}", args.len()));
        }
        if let Some(b) = before {
            args.push(b.into());
            filter.push_str(&format!(" AND id < ${}", args.len()));
        }
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {POST_COLUMNS} FROM posts WHERE ({visible}){filter} ORDER BY id DESC LIMIT {}",
                    limit.min(1000)
                ),
                &args,
            )
            .await?;
        rows.iter().map(stored_post).collect()
    }

    async fn post(&self, area: AreaCode, id: i64) -> StoreResult<Option<crate::StoredPost>> {
        let (visible, mut args) = post_visibility(area);
        args.push(id.into());
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {POST_COLUMNS} FROM posts WHERE ({visible}) AND id = ${}",
                    args.len()
                ),
                &args,
            )
            .await?;
        rows.first().map(stored_post).transpose()
    }

    async fn set_key_counties(
        &self,
        province: AreaCode,
        counties: &[(AreaCode, zhenxing_domain::key_county::KeyCountyKind)],
    ) -> StoreResult<()> {
        let (lo, hi) = province.range();
        let mut tx = self.db.write().await?;
        tx.execute(
            "DELETE FROM key_counties WHERE county_code BETWEEN $1 AND $2",
            &[(lo as i64).into(), (hi as i64).into()],
        )
        .await?;
        for chunk in counties.chunks(500) {
            let args: Vec<Value> = chunk
                .iter()
                .flat_map(|(c, kind)| [Value::from(c.as_i64()), Value::from(kind.code())])
                .collect();
            tx.execute(
                &format!(
                    "INSERT INTO key_counties (county_code, kind) VALUES {}",
                    tuples(chunk.len(), 2)
                ),
                &args,
            )
            .await?;
        }
        tx.commit().await
    }

    async fn key_counties(
        &self,
        scope: Scope,
    ) -> StoreResult<Vec<(AreaCode, zhenxing_domain::key_county::KeyCountyKind)>> {
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT county_code, kind FROM key_counties                  WHERE county_code BETWEEN $1 AND $2 ORDER BY county_code",
                &range_args(scope),
            )
            .await?;
        rows.iter()
            .map(|r| {
                let kind = zhenxing_domain::key_county::KeyCountyKind::from_code(r.int(1)?)
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("重点帮扶县类别 {}", r.int(1).unwrap_or(-1)))
                    })?;
                Ok((area(r.int(0)?)?, kind))
            })
            .collect()
    }

    async fn save_report(
        &self,
        actor: &Actor,
        area_code: AreaCode,
        as_of: chrono::NaiveDate,
        content: &serde_json::Value,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let rows = tx
            .fetch(
                "INSERT INTO reports (area_code, as_of, issued_at, issued_by, content_json) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    area_code.as_i64().into(),
                    as_of.format("%Y-%m-%d").to_string().into(),
                    super::now_text().into(),
                    actor.name.as_str().into(),
                    content.to_string().into(),
                ],
            )
            .await?;
        let id = rows
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| StoreError::Database("no report id".into()))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn reports(&self, scope: Scope, area_code: AreaCode) -> StoreResult<Vec<ReportMeta>> {
        if !scope.contains(area_code) {
            return Ok(Vec::new());
        }
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT id, area_code, as_of, issued_at, issued_by FROM reports WHERE area_code = $1 ORDER BY as_of DESC, id DESC",
                &[area_code.as_i64().into()],
            )
            .await?;
        rows.iter().map(report_meta).collect()
    }

    async fn report(
        &self,
        scope: Scope,
        id: i64,
    ) -> StoreResult<Option<(ReportMeta, serde_json::Value)>> {
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch(
                "SELECT id, area_code, as_of, issued_at, issued_by, content_json FROM reports WHERE id = $1",
                &[id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let meta = report_meta(r)?;
        if !scope.contains(meta.area) {
            return Ok(None);
        }
        let content = serde_json::from_str(&r.text(5)?).map_err(corrupt)?;
        Ok(Some((meta, content)))
    }

    async fn imports(&self, scope: Scope, limit: u32) -> StoreResult<Vec<ImportRecord>> {
        self.import_records(scope, None, limit).await
    }

    async fn import(&self, scope: Scope, id: i64) -> StoreResult<Option<ImportRecord>> {
        Ok(self.import_records(scope, Some(id), 1).await?.pop())
    }

    async fn import_problems(
        &self,
        scope: Scope,
        id: i64,
        after: Option<u64>,
        limit: u32,
    ) -> StoreResult<Option<Vec<(u64, RowProblem)>>> {
        if self.import(scope, id).await?.is_none() {
            return Ok(None);
        }
        let mut tx = self.db.read().await?;
        let lines = problems::read(tx.as_mut(), &problems::IMPORT, id, "", after, limit).await?;
        Ok(Some(lines))
    }

    fn monitoring(&self) -> &dyn crate::MonitoringStore {
        self
    }

    fn screening(&self) -> &dyn crate::ScreeningStore {
        self
    }

    fn projects(&self) -> &dyn crate::ProjectStore {
        self
    }

    fn loans(&self) -> &dyn crate::LoanStore {
        self
    }

    fn construction(&self) -> &dyn crate::ConstructionStore {
        self
    }

    fn work_teams(&self) -> &dyn crate::TeamStore {
        self
    }

    fn cooperation(&self) -> &dyn crate::CooperationStore {
        self
    }

    fn employment(&self) -> &dyn crate::EmploymentStore {
        self
    }

    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        let mut tx = self.db.read().await?;
        let rows = tx
            .fetch("SELECT value FROM meta WHERE key = $1", &[key.into()])
            .await?;
        rows.first().map(|r| r.text(0)).transpose()
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
        )
        .await?;
        tx.commit().await
    }
}

/// Every recorded change of the household `h` and its members, newest first, read in `tx`.
async fn history_in(
    tx: &mut dyn Tx,
    h: &StoredHousehold,
    no: &HouseholdNo,
) -> StoreResult<Vec<HistoryEntry>> {
    let key = [Value::from(h.county.as_i64()), no.as_str().into()];
    let mut entries = Vec::new();
    let parse = |s: String| serde_json::from_str(&s).map_err(corrupt);
    for r in tx
        .fetch(
            "SELECT x.version, c.at, c.actor, x.changeset_id, x.before_json, x.after_json FROM household_history x \
             JOIN changesets c ON c.id = x.changeset_id WHERE x.county_code = $1 AND x.household_no = $2",
            &key,
        )
        .await?
    {
        entries.push(HistoryEntry {
            subject: HistorySubject::Household,
            version: r.int(0)?,
            changed_at: r.text(1)?,
            changed_by: r.text(2)?,
            changeset_id: r.int(3)?,
            before: parse(r.text(4)?)?,
            after: parse(r.text(5)?)?,
        });
    }
    for r in tx
        .fetch(
            "SELECT x.version, c.at, c.actor, x.changeset_id, x.before_json, x.after_json, x.id_number \
             FROM member_history x JOIN changesets c ON c.id = x.changeset_id \
             WHERE x.county_code = $1 AND x.household_no = $2",
            &key,
        )
        .await?
    {
        let id = IdNumber::parse(&r.text(6)?).map_err(corrupt)?;
        entries.push(HistoryEntry {
            subject: HistorySubject::Member(id.masked()),
            version: r.int(0)?,
            changed_at: r.text(1)?,
            changed_by: r.text(2)?,
            changeset_id: r.int(3)?,
            before: parse(r.text(4)?)?,
            after: parse(r.text(5)?)?,
        });
    }
    entries.sort_by(|a, b| {
        b.changed_at
            .cmp(&a.changed_at)
            .then(b.version.cmp(&a.version))
    });
    Ok(entries)
}

const POST_COLUMNS: &str =
    "id, area_code, kind, title, body, source, published_on, author, created_at";

/// A post's attachment as listed: seq, name, content type, size.
fn attachment_meta(r: &Row) -> StoreResult<zhenxing_domain::post::AttachmentMeta> {
    Ok(zhenxing_domain::post::AttachmentMeta {
        seq: r.int(0)?,
        name: r.text(1)?,
        content_type: r.text(2)?,
        size: r.int(3)?,
    })
}

/// One request for leave, read in `tx`.
async fn leave_in(
    tx: &mut dyn Tx,
    id: i64,
) -> StoreResult<Option<zhenxing_domain::attendance::LeaveRequest>> {
    let rows = tx
        .fetch(
            &format!("SELECT {LEAVE_COLUMNS} FROM leave_requests WHERE id = $1"),
            &[id.into()],
        )
        .await?;
    rows.first().map(leave_request).transpose()
}

/// What a user of `area` sees: posts to it, to the areas above it, and to the areas under it,
/// none withdrawn.
fn post_visibility(area: AreaCode) -> (String, Vec<Value<'static>>) {
    let (lo, hi) = area.range();
    let mut args: Vec<Value<'static>> = vec![(lo as i64).into(), (hi as i64).into()];
    let mut above = Vec::new();
    let mut code = area.parent();
    while let Some(c) = code {
        args.push(c.as_i64().into());
        above.push(format!("${}", args.len()));
        code = c.parent();
    }
    let mut sql = "(area_code BETWEEN $1 AND $2".to_string();
    if !above.is_empty() {
        sql.push_str(&format!(" OR area_code IN ({})", above.join(", ")));
    }
    sql.push_str(") AND withdrawn_at IS NULL");
    (sql, args)
}

fn stored_post(r: &Row) -> StoreResult<crate::StoredPost> {
    use zhenxing_domain::post::{Post, PostKind};
    let kind = PostKind::from_code(r.int(2)?)
        .ok_or_else(|| corrupt(format!("文章类别 {}", r.int(2).unwrap_or(-1))))?;
    let published_on =
        chrono::NaiveDate::parse_from_str(&r.text(6)?, "%Y-%m-%d").map_err(corrupt)?;
    Ok(crate::StoredPost {
        id: r.int(0)?,
        area: area(r.int(1)?)?,
        post: Post {
            kind,
            title: r.text(3)?,
            body: r.text(4)?,
            source: r.opt_text(5)?,
            published_on,
        },
        author: r.text(7)?,
        created_at: r.text(8)?,
    })
}

const LEAVE_COLUMNS: &str = "id, user_id, area_code, from_day, until_day, reason, status, \
    requested_at, decided_by, decided_at, decision_note";

fn leave_request(r: &Row) -> StoreResult<zhenxing_domain::attendance::LeaveRequest> {
    let day = |i: usize| -> StoreResult<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(&r.text(i)?, "%Y-%m-%d").map_err(corrupt)
    };
    Ok(zhenxing_domain::attendance::LeaveRequest {
        id: r.int(0)?,
        user_id: r.int(1)?,
        area: area(r.int(2)?)?,
        from: day(3)?,
        until: day(4)?,
        reason: r.text(5)?,
        status: zhenxing_domain::attendance::LeaveStatus::from_code(r.int(6)?)
            .ok_or_else(|| corrupt(format!("审批状态 {}", r.int(6).unwrap_or(-1))))?,
        requested_at: r.text(7)?,
        decided_by: r.opt_text(8)?,
        decided_at: r.opt_text(9)?,
        decision_note: r.opt_text(10)?,
    })
}

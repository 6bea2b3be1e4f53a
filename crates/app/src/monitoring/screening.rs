//! Department screening (部门筛查预警, DOMAIN §6): a department's file of a kind the policy
//! describes is read (rows that cannot be read are reported as in the ledger import), its persons
//! are matched against the registry in the caller's area in bulk, the rows of each household are
//! judged by the kind's rule, and every household that crosses it becomes a clue with its
//! verification deadline (or joins the household's open clue, or is kept for a monitored
//! household). Persons not registered, or registered outside the area, are reported.
//!
//! A batch is repeatable: a household whose rows were screened before (same rows, any file)
//! gets nothing new. Every batch is recorded with its counts and its results per household,
//! which [`App::screening_results`] pages and [`App::export_screening_results`] writes as xlsx.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use zhenxing_domain::id_number::mask_id_str;
use zhenxing_domain::monitoring::{CaseKind, CaseState, Channel, deadline};
use zhenxing_domain::policy::Policy;
use zhenxing_domain::screening::{
    CellError, CellValue, ColumnType, DepartmentRow, Facts, Judgement, Screener, ScreeningKind,
    names_agree,
};
use zhenxing_domain::{AreaCode, AreaLevel, IdNumber, ParseError, RiskType, RiskTypes, Scope};
use zhenxing_ledger::RowError;
use zhenxing_ledger::department::{DepartmentFile, XlsxTableWriter};
use zhenxing_ledger::write::{Disclosure, Out};
use zhenxing_store::RowProblem;
use zhenxing_store::screening::{
    HitOutcome, HitWrite, Matches, PersonMatch, ResultCursor, ScreenedHousehold, ScreeningCounts,
    ScreeningResult, ScreeningWrite, StoredScreening, covers, outcome_label,
};

use super::access::{Act, allow};
use super::{Caller, MonitoringFailure};
use crate::{App, AppError};

/// A text column with this field gives a disaster clue its 灾害种类.
const DISASTER_KIND_FIELD: &str = "disaster_kind";

#[derive(Debug, Clone)]
pub struct ScreeningRequest {
    /// The kind's code in the policy (`medical`, `disability`, ...).
    pub kind: String,
    pub file: PathBuf,
    /// Screen only this area (within the caller's).
    pub area: Option<AreaCode>,
    /// The screening day: the clues' day, and the policy year.
    pub found_on: NaiveDate,
    /// Who sent the file; the kind's department by default.
    pub source: Option<String>,
}

/// How long each part took, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    /// Reading and parsing the file (on its own thread, alongside the matching).
    pub read_s: f64,
    /// From opening the file until every person is matched: reading and matching overlap.
    pub read_and_match_s: f64,
    /// Grouping rows by household and judging them by the rule.
    pub judge_s: f64,
    /// Writing the batch, its results and the clues and cases.
    pub write_s: f64,
}

/// A batch of persons being matched in the registry.
type MatchTask = tokio::task::JoinHandle<Result<(Vec<u32>, Matches), AppError>>;

/// A household that crossed the rule, and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct HitReport {
    pub household: ScreenedHousehold,
    pub outcome: HitOutcome,
    pub figures: Vec<zhenxing_domain::monitoring::Figure>,
    pub members: Vec<IdNumber>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScreeningReport {
    pub screening: StoredScreening,
    pub counts: ScreeningCounts,
    pub timings: Timings,
    /// Totals and signature rows that close the file (`合计`, `填表人：…`), skipped.
    pub notes: u64,
    #[serde(skip)]
    pub hits: Vec<HitReport>,
    /// Rows that could not be read, persons not matched in the area (with the reason), and
    /// households that could not be judged: the report the operator gets back.
    #[serde(skip)]
    pub problems: LeftOut,
}

/// The rows a screening left out, in the report's order, kept compact: a province's medical
/// file may leave millions of persons out (most insured persons are not in the registry), and
/// each becomes a report line only when shown or written (a line made whole for each of 2.5
/// million rows held 2.2 GB).
#[derive(Debug, Clone, Default)]
pub struct LeftOut {
    file: String,
    sheets: Vec<Option<String>>,
    /// The ID column's header in each sheet.
    id_headers: Vec<String>,
    /// Persons not taken: (sheet, row number, the person, why).
    persons: Vec<(u16, u64, IdNumber, PersonLeftOut)>,
    /// Rows not read, households not judged.
    lines: Vec<RowError>,
    /// The report's order.
    order: Vec<LeftOutRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PersonLeftOut {
    NotRegistered,
    OutsideArea,
    /// Registered in the area under another name: the ID number is probably mistyped.
    NameDiffers,
}

#[derive(Debug, Clone, Copy)]
enum LeftOutRef {
    Person(u32),
    Line(u32),
}

impl LeftOut {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Line `i` of the report.
    pub fn line(&self, i: usize) -> Option<RowError> {
        Some(match *self.order.get(i)? {
            LeftOutRef::Line(k) => self.lines.get(k as usize)?.clone(),
            LeftOutRef::Person(k) => {
                let (sheet, row, id, why) = *self.persons.get(k as usize)?;
                let (reason, code) = match why {
                    PersonLeftOut::NotRegistered => ("户籍信息中没有此人", NOT_REGISTERED),
                    PersonLeftOut::OutsideArea => (
                        "此人登记在您管辖范围以外的户中，未纳入本次筛查",
                        OUTSIDE_AREA,
                    ),
                    PersonLeftOut::NameDiffers => (
                        "文件中的姓名与户籍信息中此证件号码登记的姓名不一致，证件号码或姓名可能填错，未纳入本次筛查（请核对后重新筛查）",
                        NAME_DIFFERS,
                    ),
                };
                RowError {
                    file: self.file.clone(),
                    sheet: self.sheets.get(usize::from(sheet)).cloned().flatten(),
                    row,
                    column: self
                        .id_headers
                        .get(usize::from(sheet))
                        .cloned()
                        .unwrap_or_else(|| "证件号码".into()),
                    value: id.masked(),
                    reason: reason.into(),
                    code,
                }
            }
        })
    }

    /// How many rows were left out because their name is not the one registered for their ID
    /// number.
    pub fn names_differ(&self) -> usize {
        self.persons
            .iter()
            .filter(|p| p.3 == PersonLeftOut::NameDiffers)
            .count()
    }

    fn push_line(&mut self, e: RowError) {
        self.order.push(LeftOutRef::Line(self.lines.len() as u32));
        self.lines.push(e);
    }

    fn push_person(&mut self, sheet: u16, row: u64, id: IdNumber, why: PersonLeftOut) {
        self.order
            .push(LeftOutRef::Person(self.persons.len() as u32));
        self.persons.push((sheet, row, id, why));
    }

    /// Every line, in order.
    pub fn iter(&self) -> impl Iterator<Item = RowError> + '_ {
        (0..self.len()).filter_map(|i| self.line(i))
    }

    /// Puts the lines in the report's order: by sheet and row, and where those are the same, as
    /// they were added (rows not read, then persons, then households not judged).
    fn sort(&mut self) {
        let key = |r: &LeftOutRef| -> (Option<&str>, u64) {
            match *r {
                LeftOutRef::Line(k) => {
                    let l = &self.lines[k as usize];
                    (l.sheet.as_deref(), l.row)
                }
                LeftOutRef::Person(k) => {
                    let (sheet, row, _, _) = self.persons[k as usize];
                    (
                        self.sheets
                            .get(usize::from(sheet))
                            .and_then(|s| s.as_deref()),
                        row,
                    )
                }
            }
        };
        let mut order = std::mem::take(&mut self.order);
        order.sort_by(|a, b| key(a).cmp(&key(b)));
        self.order = order;
    }
}

impl zhenxing_store::ProblemLines for LeftOut {
    fn count(&self) -> usize {
        self.len()
    }

    fn line(&self, i: usize) -> zhenxing_store::RowProblem {
        LeftOut::line(self, i)
            .map(|e| crate::problems::kept(&e))
            .unwrap_or_default()
    }
}

impl ScreeningReport {
    /// 0 when every row could be read, 2 when some were rejected (unmatched persons are a
    /// result, not an error).
    pub fn exit_code(&self) -> i32 {
        if self.counts.rejected == 0 { 0 } else { 2 }
    }
}

/// Rows read per batch handed from the reading thread to the matching.
const READ_BATCH: usize = 131_072;
/// Batches being matched at once (each on its own read connection).
const MATCHES_IN_FLIGHT: usize = 2;

/// The rows of a file, parsed.
#[derive(Default)]
struct Parsed {
    rows: Vec<DepartmentRow>,
    /// (sheet index, row number) of each parsed row.
    at: Vec<(u16, u64)>,
    errors: Vec<RowError>,
    read: u64,
}

/// The households found so far, each once: a household whose members fall in several batches is
/// found by each (a settlement file lists a person's visits over the year, not grouped by
/// household), and is kept once.
#[derive(Default)]
struct Found {
    households: Vec<ScreenedHousehold>,
    /// `households` by county and number.
    by_key: Vec<u32>,
}

impl Found {
    /// Adds a batch's households (each once); answers where each of them is in `households`.
    /// The batch comes sorted by county and number from the store (sorting it again costs a pass),
    /// and is walked with `by_key`.
    fn add(&mut self, batch: Vec<ScreenedHousehold>) -> Vec<u32> {
        fn key(h: &ScreenedHousehold) -> (AreaCode, &str) {
            (h.county, h.no.as_str())
        }
        let mut order: Vec<u32> = (0..batch.len() as u32).collect();
        order.sort_by(|a, b| key(&batch[*a as usize]).cmp(&key(&batch[*b as usize])));
        let mut batch: Vec<Option<ScreenedHousehold>> = batch.into_iter().map(Some).collect();
        let mut at = vec![0u32; batch.len()];
        let mut merged: Vec<u32> = Vec::with_capacity(self.by_key.len() + order.len());
        let mut k = 0;
        for l in order {
            let Some(h) = batch.get_mut(l as usize).and_then(Option::take) else {
                continue;
            };
            while k < self.by_key.len() && key(&self.households[self.by_key[k] as usize]) < key(&h)
            {
                merged.push(self.by_key[k]);
                k += 1;
            }
            // (The store answers each household once a batch; were one twice, it is the last.)
            if let Some(&last) = merged.last()
                && key(&self.households[last as usize]) == key(&h)
            {
                at[l as usize] = last;
                continue;
            }
            let g = match self.by_key.get(k) {
                Some(&g) if key(&self.households[g as usize]) == key(&h) => {
                    k += 1;
                    g
                }
                _ => {
                    self.households.push(h);
                    self.households.len() as u32 - 1
                }
            };
            merged.push(g);
            at[l as usize] = g;
        }
        merged.extend_from_slice(&self.by_key[k..]);
        self.by_key = merged;
        at
    }
}

/// What judging a run of households found, in the households' order.
#[derive(Default)]
struct Judged {
    households: u64,
    hits: Vec<HitWrite>,
    /// Each hit's household (an index into the matched households).
    households_hit: Vec<u32>,
    problems: Vec<RowError>,
}

impl Judged {
    fn append(&mut self, mut later: Judged) {
        self.households += later.households;
        self.hits.append(&mut later.hits);
        self.households_hit.append(&mut later.households_hit);
        self.problems.append(&mut later.problems);
    }
}

fn shown(kind: &ScreeningKind, i: usize, value: &str) -> String {
    match kind.columns.get(i).map(|c| c.column_type) {
        Some(zhenxing_domain::screening::ColumnType::IdNumber) => mask_id_str(value.trim()),
        _ => value.trim().chars().take(60).collect(),
    }
}

/// Reads and parses the file, sending batches of rows down `out`; returns the seconds it took
/// and the totals and signature rows it skipped.
fn read_batches(
    file: &DepartmentFile,
    kind: &ScreeningKind,
    out: &mpsc::Sender<Parsed>,
) -> Result<(f64, u64), AppError> {
    let started = Instant::now();
    let name = file.file_name();
    let sheets: Vec<Option<String>> = file.sheets.iter().map(|s| s.sheet.clone()).collect();
    let mut batch = Parsed::default();
    let mut closed = false;
    let notes = file.read_rows(&mut |sheet, row, cells, lost| {
        batch.read += 1;
        let index = sheets.iter().position(|s| *s == sheet.sheet).unwrap_or(0) as u16;
        // An ID number stored as a number has lost its last digits: told as such, not as a
        // wrong check character.
        let as_number = kind
            .columns
            .iter()
            .zip(lost)
            .position(|(c, lost)| *lost && c.column_type == ColumnType::IdNumber);
        let parsed = match as_number {
            Some(i) => Err(vec![(i, CellError::Invalid(ParseError::IdAsNumber))]),
            None => kind.parse_row(cells, sheet.within()),
        };
        match parsed {
            Ok(parsed) => {
                batch.rows.push(parsed);
                batch.at.push((index, row));
            }
            Err(errors) => {
                for (i, e) in errors {
                    batch.errors.push(RowError {
                        file: name.clone(),
                        sheet: sheet.sheet.clone(),
                        row,
                        column: sheet.header(kind, i).to_string(),
                        value: cells
                            .get(i)
                            .copied()
                            .flatten()
                            .map(|v| shown(kind, i, v))
                            .unwrap_or_default(),
                        reason: e.to_string(),
                        code: e.code(),
                    });
                }
            }
        }
        if batch.read as usize >= READ_BATCH
            && out.blocking_send(std::mem::take(&mut batch)).is_err()
        {
            closed = true;
            return false;
        }
        true
    })?;
    if !closed {
        let _ = out.blocking_send(batch);
    }
    Ok((started.elapsed().as_secs_f64(), notes))
}

/// The digest of a household's rows: the same for the same rows in any order, file format or
/// encoding (each row hashed from its parsed values, the row digests sorted, then hashed with
/// the kind). A repeated batch is told from new data by it.
fn fingerprint(kind: &ScreeningKind, rows: &[&DepartmentRow]) -> String {
    // The name says who, not what the department found: a file with and without it holds the
    // same evidence.
    let name = kind.name_column();
    let mut digests: Vec<[u8; 32]> = rows
        .iter()
        .map(|r| {
            let mut h = Sha256::new();
            h.update(r.id.as_str().as_bytes());
            for (_, v) in r
                .values
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != name)
            {
                match v {
                    CellValue::Empty => h.update([0u8]),
                    CellValue::Money(m) => {
                        h.update([1u8]);
                        h.update(m.fen().to_le_bytes());
                    }
                    CellValue::Date(d) => {
                        h.update([2u8, u8::from(d.is_month())]);
                        h.update(d.first_day().num_days_from_ce().to_le_bytes());
                    }
                    CellValue::Text(t) => {
                        h.update([3u8]);
                        h.update((t.len() as u64).to_le_bytes());
                        h.update(t.as_bytes());
                    }
                }
            }
            h.finalize().into()
        })
        .collect();
    digests.sort_unstable();
    let mut h = Sha256::new();
    h.update(kind.code.as_bytes());
    for d in &digests {
        h.update(d);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for b in &h.finalize()[..16] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// The disaster kind of a household's rows, when the kind is about disasters.
fn disaster_kind(kind: &ScreeningKind, rows: &[&DepartmentRow]) -> Option<String> {
    if kind.risk != RiskType::Disaster {
        return None;
    }
    let i = kind.column_index(DISASTER_KIND_FIELD)?;
    rows.iter().find_map(|r| match r.values.get(i) {
        Some(CellValue::Text(t)) => Some(t.clone()),
        _ => None,
    })
}

fn join_error(e: tokio::task::JoinError) -> AppError {
    AppError::Invalid(format!("读取文件的线程异常结束：{e}"))
}

impl App {
    /// The province whose policy screens `scope`: the scope's, or the only province of the
    /// database.
    async fn screening_province(&self, scope: Scope) -> Result<AreaCode, AppError> {
        if let Scope::Area(a) = scope {
            return Policy::province_of(a).ok_or_else(|| AppError::UnknownArea(a.to_string()));
        }
        let roots: Vec<AreaCode> = self
            .tree()
            .await
            .roots()
            .into_iter()
            .filter(|r| r.level() == AreaLevel::Province)
            .collect();
        match roots.as_slice() {
            [one] => Ok(*one),
            [] => Err(AppError::NoDivisions),
            _ => Err(AppError::Invalid(
                "数据库中有多个省，请指定筛查的地区（--area）".into(),
            )),
        }
    }

    /// Screens a department file (see the module's description).
    pub async fn screen(
        &self,
        caller: &Caller,
        req: &ScreeningRequest,
    ) -> Result<ScreeningReport, AppError> {
        self.screen_reporting(caller, req, &crate::NoProgress).await
    }

    /// [`App::screen`], telling `progress` the rows read and matched, then the writing.
    pub async fn screen_reporting(
        &self,
        caller: &Caller,
        req: &ScreeningRequest,
        progress: &dyn crate::Progress,
    ) -> Result<ScreeningReport, AppError> {
        allow(caller, Act::Screen)?;
        let scope = match req.area {
            Some(a) => caller
                .scope
                .narrow(a)
                .ok_or_else(|| AppError::UnknownArea(a.to_string()))?,
            None => caller.scope,
        };
        let province = self.screening_province(scope).await?;
        let (policy, policy_ref) = self.decision_policy(province, req.found_on).await?;
        let Some(kind) = policy.screening_kind(&req.kind).cloned() else {
            let known: Vec<String> = policy
                .screening
                .iter()
                .map(|k| format!("{}（{}）", k.code, k.label))
                .collect();
            return Err(AppError::Invalid(format!(
                "{}没有筛查类别“{}”，可用：{}",
                policy_ref,
                req.kind,
                if known.is_empty() {
                    "无（请在政策文件中添加 [[screening]]）".to_string()
                } else {
                    known.join("、")
                }
            )));
        };

        // Read and match: the file must be usable before anything is matched or written; then
        // rows are parsed on a thread of their own while the persons of each batch are matched
        // (each person once, the batch's ID numbers sorted, two batches at a time).
        let started = Instant::now();
        let file = DepartmentFile::open(&req.file, &kind)?;
        let file_name = file.file_name();
        progress.start(&format!("读取并比对 {file_name}"), 0);
        let sheets: Vec<Option<String>> = file.sheets.iter().map(|s| s.sheet.clone()).collect();
        let id_headers: Vec<String> = file
            .sheets
            .iter()
            .map(|s| s.header(&kind, kind.id_column()).to_string())
            .collect();
        // A file naming its persons has each name compared with the registered one.
        let name_column = kind
            .name_column()
            .filter(|i| file.sheets.iter().any(|s| s.has_column(*i)));
        let (sender, mut batches) = mpsc::channel::<Parsed>(8);
        let reading_kind = kind.clone();
        let reader =
            tokio::task::spawn_blocking(move || read_batches(&file, &reading_kind, &sender));
        // The rows whose person was found in the area, with their places; every other row goes
        // to the report as soon as its batch is matched, kept compact (a file of the whole
        // population is mostly such rows).
        let mut parsed = Parsed::default();
        let mut left = LeftOut {
            file: file_name.clone(),
            sheets: sheets.clone(),
            id_headers,
            ..LeftOut::default()
        };
        let mut rows_parsed: u64 = 0;
        // Each found row's household (in `found`, each household once however many batches find
        // it). A batch's distinct persons are matched once each, and each row keeps the index of
        // its person.
        let mut homes: Vec<u32> = Vec::new();
        let mut found = Found::default();
        let mut in_flight: VecDeque<(MatchTask, Parsed)> = VecDeque::new();
        let merge = |(slots, m): (Vec<u32>, Matches),
                     batch: Parsed,
                     parsed: &mut Parsed,
                     left: &mut LeftOut,
                     homes: &mut Vec<u32>,
                     found: &mut Found| {
            let at = found.add(m.households);
            for ((row, (sheet, line)), slot) in batch.rows.into_iter().zip(batch.at).zip(slots) {
                let person = m.persons.get(slot as usize);
                let differs = || {
                    let Some(CellValue::Text(name)) = name_column.and_then(|i| row.values.get(i))
                    else {
                        return false;
                    };
                    m.names
                        .get(slot as usize)
                        .and_then(Option::as_deref)
                        .is_some_and(|registered| !names_agree(name, registered))
                };
                match person.map(|p| (p, p.household().and_then(|i| at.get(i as usize)))) {
                    Some((_, Some(_))) if differs() => {
                        left.push_person(sheet, line, row.id, PersonLeftOut::NameDiffers)
                    }
                    Some((_, Some(&h))) => {
                        homes.push(h);
                        parsed.rows.push(row);
                        parsed.at.push((sheet, line));
                    }
                    Some((PersonMatch::OutsideScope, _)) => {
                        left.push_person(sheet, line, row.id, PersonLeftOut::OutsideArea)
                    }
                    _ => left.push_person(sheet, line, row.id, PersonLeftOut::NotRegistered),
                }
            }
        };
        while let Some(mut batch) = batches.recv().await {
            // (person, row in the batch), sorted: the distinct persons to match, and each row's.
            let mut order: Vec<(IdNumber, u32)> = batch
                .rows
                .iter()
                .enumerate()
                .map(|(r, row)| (row.id, r as u32))
                .collect();
            order.sort_unstable();
            let mut ids: Vec<IdNumber> = Vec::with_capacity(order.len());
            let mut slots = vec![0u32; order.len()];
            for (id, r) in &order {
                if ids.last() != Some(id) {
                    ids.push(*id);
                }
                slots[*r as usize] = ids.len() as u32 - 1;
            }
            drop(order);
            for e in std::mem::take(&mut batch.errors) {
                left.push_line(e);
            }
            parsed.read += batch.read;
            rows_parsed += batch.rows.len() as u64;
            progress.set(parsed.read);
            if !ids.is_empty() {
                let store = self.store().clone();
                let task = tokio::spawn(async move {
                    let m = store
                        .screening()
                        .match_persons(scope, &ids, name_column.is_some())
                        .await?;
                    Ok((slots, m))
                });
                in_flight.push_back((task, batch));
            }
            while in_flight.len() >= MATCHES_IN_FLIGHT {
                if let Some((task, batch)) = in_flight.pop_front() {
                    merge(
                        task.await.map_err(join_error)??,
                        batch,
                        &mut parsed,
                        &mut left,
                        &mut homes,
                        &mut found,
                    );
                }
            }
        }
        while let Some((task, batch)) = in_flight.pop_front() {
            merge(
                task.await.map_err(join_error)??,
                batch,
                &mut parsed,
                &mut left,
                &mut homes,
                &mut found,
            );
        }
        let households = found.households;
        let (read_s, notes) = reader.await.map_err(join_error)??;
        let mut timings = Timings {
            read_s,
            read_and_match_s: started.elapsed().as_secs_f64(),
            ..Timings::default()
        };

        // Judge: the rows of each household together.
        let started = Instant::now();
        let mut counts = ScreeningCounts {
            rows: parsed.read,
            // So far the report holds the rows not read (a line per column) and the persons.
            rejected: left
                .lines
                .iter()
                .map(|e| (e.sheet.as_deref(), e.row))
                .collect::<std::collections::HashSet<_>>()
                .len() as u64,
            matched: parsed.rows.len() as u64,
            unmatched: rows_parsed - parsed.rows.len() as u64,
            ..ScreeningCounts::default()
        };
        let problem = |row: usize, column: &str, value: String, reason: String, code| {
            let (sheet, line) = parsed.at[row];
            RowError {
                file: file_name.clone(),
                sheet: sheets.get(usize::from(sheet)).cloned().flatten(),
                row: line,
                column: column.to_string(),
                value,
                reason,
                code,
            }
        };
        // (household, row) of every found row, then grouped by household.
        let matched: Vec<(u32, u32)> = homes
            .iter()
            .enumerate()
            .map(|(r, &h)| (h, r as u32))
            .collect();
        drop(homes);
        // By household, each household's rows in file order: placed by counting (the rows are
        // in file order already).
        let matched = {
            let mut next = vec![0u32; households.len() + 1];
            for (h, _) in &matched {
                next[*h as usize + 1] += 1;
            }
            for i in 1..next.len() {
                next[i] += next[i - 1];
            }
            let mut sorted = vec![(0u32, 0u32); matched.len()];
            for &(h, r) in &matched {
                let at = &mut next[h as usize];
                sorted[*at as usize] = (h, r);
                *at += 1;
            }
            sorted
        };
        let screener = Screener::new(&kind, policy.threshold, req.found_on);
        let rule = format!(
            "{}：{}（{}）",
            kind.label,
            kind.rule_text(policy.threshold),
            policy_ref
        );
        let source = req
            .source
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| kind.department.clone());
        // Each household judged on its own: the matched rows are cut in two at a household's
        // boundary and the halves judged side by side, then put back in order.
        let judge_part = |part: &[(u32, u32)]| {
            let mut judged = Judged::default();
            let mut rows: Vec<&DepartmentRow> = Vec::new();
            for group in part.chunk_by(|a, b| a.0 == b.0) {
                judged.households += 1;
                let h = &households[group[0].0 as usize];
                rows.clear();
                rows.extend(group.iter().map(|(_, r)| &parsed.rows[*r as usize]));
                let facts = Facts {
                    size: h.size,
                    per_capita_income: h.per_capita_income,
                };
                match screener.judge(facts, &rows) {
                    Judgement::Hit(hit) => {
                        judged.hits.push(HitWrite {
                            county: h.county,
                            no: h.no.clone(),
                            village: h.village,
                            household_type: h.household_type,
                            fingerprint: fingerprint(&kind, &rows),
                            figures: hit.figures,
                            members: hit.members,
                            disaster_kind: disaster_kind(&kind, &rows),
                        });
                        judged.households_hit.push(group[0].0);
                    }
                    Judgement::NoIncome => judged.problems.push(problem(
                        group[0].1 as usize,
                        "",
                        String::new(),
                        format!("户{}未登记人均纯收入，无法按规则判断，请核实", h.no),
                        NO_INCOME,
                    )),
                    Judgement::Below | Judgement::NotRecent => {}
                }
            }
            judged
        };
        let half = matched.len() / 2;
        let cut = half
            + matched[half..]
                .iter()
                .position(|m| half == 0 || m.0 != matched[half - 1].0)
                .unwrap_or(matched.len() - half);
        let (first, second) = matched.split_at(cut);
        let (mut judged, rest) = std::thread::scope(|s| {
            let other = s.spawn(|| judge_part(second));
            let mine = judge_part(first);
            (mine, other.join())
        });
        let rest = rest.map_err(|_| AppError::Invalid("判断规则的线程异常结束".into()))?;
        judged.append(rest);
        counts.households = judged.households;
        for e in std::mem::take(&mut judged.problems) {
            left.push_line(e);
        }
        let hits = judged.hits;
        let hit_households = judged.households_hit;
        timings.judge_s = started.elapsed().as_secs_f64();

        // Write the batch with its clues and cases.
        progress.start("写入筛查结果、线索和核实期限", 0);
        let started = Instant::now();
        let calendar = self.deadline_calendar(&policy).await;
        let case_state = CaseState::open(CaseKind::Identification, req.found_on);
        let case_due = deadline::due(&case_state, &policy, &calendar, Channel::DepartmentWarning);
        let mut risks = RiskTypes::default();
        risks.insert(kind.risk);
        left.sort();
        let write = ScreeningWrite {
            kind: kind.code.clone(),
            kind_label: kind.label.clone(),
            source,
            file_name,
            area: match scope {
                Scope::Area(a) => Some(a),
                Scope::All => None,
            },
            policy: policy_ref,
            rule,
            found_on: req.found_on,
            risks,
            counts,
            hits,
            case_state,
            case_due,
            problems: &left,
        };
        let (screening, outcomes) = self
            .store()
            .screening()
            .record_screening(&caller.actor, scope, &write)
            .await?
            .ok_or_else(|| AppError::UnknownArea(format!("{scope:?}")))?;
        timings.write_s = started.elapsed().as_secs_f64();
        progress.finish();

        let hits = write
            .hits
            .into_iter()
            .zip(hit_households)
            .zip(outcomes)
            .map(|((hit, h), outcome)| HitReport {
                household: households[h as usize].clone(),
                outcome,
                figures: hit.figures,
                members: hit.members,
            })
            .collect();
        Ok(ScreeningReport {
            counts: screening.counts,
            screening,
            timings,
            notes,
            hits,
            problems: left,
        })
    }

    /// Batches the caller may see, newest first.
    pub async fn screenings(
        &self,
        caller: &Caller,
        limit: u32,
    ) -> Result<Vec<StoredScreening>, AppError> {
        Ok(self
            .store()
            .screening()
            .screenings(caller.scope, limit)
            .await?)
    }

    /// A batch, if the caller may see it.
    pub async fn screening(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<Option<StoredScreening>, AppError> {
        Ok(self.store().screening().screening(caller.scope, id).await?)
    }

    /// A page of a batch's results under `area`, in village order (the results page).
    pub async fn screening_results(
        &self,
        caller: &Caller,
        id: i64,
        area: AreaCode,
        after: Option<&ResultCursor>,
        limit: u32,
    ) -> Result<(StoredScreening, Vec<ScreeningResult>), AppError> {
        let batch = self.batch_for_area(caller, id, area).await?;
        let results = self
            .store()
            .screening()
            .screening_results(caller.scope, id, area, after, limit)
            .await?;
        Ok((batch, results))
    }

    /// What a batch's page shows, for one look-up of the batch: the area asked (else the one
    /// [`view_area`] picks), a page of its results there, the area's households by outcome, and,
    /// for a caller who sees the whole batch, its problems by code.
    pub async fn screening_view(
        &self,
        caller: &Caller,
        id: i64,
        asked: Option<AreaCode>,
        after: Option<&ResultCursor>,
        limit: u32,
    ) -> Result<ScreeningView, AppError> {
        let batch = self
            .screening(caller, id)
            .await?
            .ok_or_else(|| batch_not_found(id))?;
        let area = view_area(caller, batch.area, asked)?;
        let store = self.store().screening();
        Ok(ScreeningView {
            results: store
                .screening_results(caller.scope, id, area, after, limit)
                .await?,
            outcomes: store.screening_outcomes(caller.scope, id, area).await?,
            problems: store.screening_problem_counts(caller.scope, id).await?,
            batch,
            area,
        })
    }

    /// The batch, if the caller may see it, and `area` within the caller's.
    async fn batch_for_area(
        &self,
        caller: &Caller,
        id: i64,
        area: AreaCode,
    ) -> Result<StoredScreening, AppError> {
        let batch = self
            .screening(caller, id)
            .await?
            .ok_or_else(|| batch_not_found(id))?;
        if !caller.scope.contains(area) {
            return Err(AppError::UnknownArea(area.to_string()));
        }
        Ok(batch)
    }

    /// Writes a batch's results under `area` as an xlsx table; ID numbers masked unless
    /// `disclosure` is whole. Returns the number of households written.
    pub async fn export_screening_results(
        &self,
        caller: &Caller,
        id: i64,
        area: AreaCode,
        out: &Path,
        disclosure: Disclosure,
    ) -> Result<u64, AppError> {
        let (batch, mut page) = self
            .screening_results(caller, id, area, None, RESULTS_PAGE)
            .await?;
        let tree = self.tree().await;
        let title = format!(
            "{}筛查结果：{}（批次{}，{}，{}）",
            batch.kind_label,
            tree.name(area).unwrap_or(""),
            batch.id,
            batch.found_on,
            batch.policy
        );
        let mut writer = XlsxTableWriter::create(out, "筛查结果", &title, &RESULT_HEADERS)
            .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))?;
        let mut written = 0u64;
        let mut names: HashMap<AreaCode, String> = HashMap::new();
        loop {
            for r in &page {
                let village = names
                    .entry(r.village)
                    .or_insert_with(|| {
                        tree.path(r.village)
                            .iter()
                            .skip(2)
                            .map(|d| d.name.as_str())
                            .collect::<Vec<_>>()
                            .join("")
                    })
                    .clone();
                let members: Vec<String> = r
                    .members
                    .iter()
                    .map(|m| match disclosure {
                        Disclosure::Whole => m.as_str().to_string(),
                        Disclosure::Masked => m.masked(),
                    })
                    .collect();
                let opt = |v: Option<i64>| v.map(Out::Int).unwrap_or(Out::Text(String::new()));
                writer
                    .row(&[
                        Out::Text(r.village.to_string()),
                        Out::Text(village),
                        Out::Text(r.no.to_string()),
                        Out::Text(r.head_name.clone()),
                        Out::Text(outcome_label(r.outcome).to_string()),
                        opt(r.clue),
                        opt(r.case),
                        Out::Text(
                            r.figures
                                .iter()
                                .map(|f| format!("{}：{}", f.label, f.value))
                                .collect::<Vec<_>>()
                                .join("；"),
                        ),
                        Out::Text(members.join("、")),
                    ])
                    .map_err(|e| AppError::Output(e.to_string()))?;
                written += 1;
            }
            let Some(last) = page.last() else { break };
            if page.len() < RESULTS_PAGE as usize {
                break;
            }
            let cursor = (last.village, last.no.clone());
            page = self
                .screening_results(caller, id, area, Some(&cursor), RESULTS_PAGE)
                .await?
                .1;
        }
        writer
            .finish()
            .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))?;
        Ok(written)
    }
}

impl App {
    /// A page of the problems kept with a batch (the rows of its file that did not enter it),
    /// with their number in the batch, after number `after`. Only for a caller who sees the whole
    /// batch: its problems are the whole file's.
    pub async fn screening_problems(
        &self,
        caller: &Caller,
        id: i64,
        after: Option<u64>,
        limit: u32,
    ) -> Result<(StoredScreening, Vec<(u64, RowProblem)>), AppError> {
        let batch = self.whole_batch(caller, id).await?;
        let lines = self
            .store()
            .screening()
            .screening_problems(caller.scope, id, after, limit)
            .await?
            .ok_or_else(|| not_whole(&batch))?;
        Ok((batch, lines))
    }

    /// The batch, if the caller sees it whole.
    async fn whole_batch(&self, caller: &Caller, id: i64) -> Result<StoredScreening, AppError> {
        let batch = self
            .screening(caller, id)
            .await?
            .ok_or_else(|| batch_not_found(id))?;
        if !covers(caller.scope, batch.area) {
            return Err(not_whole(&batch));
        }
        Ok(batch)
    }

    /// Writes the problems kept with a batch in the layout of the import's error report (xlsx
    /// when `out` ends in `.xlsx`, else CSV). Returns how many were written.
    pub async fn export_screening_problems(
        &self,
        caller: &Caller,
        id: i64,
        out: &Path,
    ) -> Result<u64, AppError> {
        crate::problems::write_every_line(out, "未纳入的行", |after| async move {
            Ok(self
                .screening_problems(caller, id, after, crate::problems::PAGE)
                .await?
                .1)
        })
        .await
    }
}

/// What [`App::screening_view`] gives.
#[derive(Debug, Clone)]
pub struct ScreeningView {
    pub batch: StoredScreening,
    pub area: AreaCode,
    pub results: Vec<ScreeningResult>,
    /// (outcome code, households) under the area.
    pub outcomes: Vec<(i64, u64)>,
    /// (problem code, lines) of the whole batch; `None` for a caller who sees only part of it.
    pub problems: Option<Vec<(String, u64)>>,
}

/// The area a view of a batch is about: the one asked, else the batch's when the caller sees it
/// whole, else the caller's own; always within the caller's.
pub fn view_area(
    caller: &Caller,
    batch_area: Option<AreaCode>,
    asked: Option<AreaCode>,
) -> Result<AreaCode, AppError> {
    let area = match (asked, batch_area, caller.scope) {
        (Some(a), _, _) => a,
        (None, Some(a), scope) if scope.contains(a) => a,
        (None, _, Scope::Area(a)) => a,
        (None, Some(a), Scope::All) => a,
        (None, None, Scope::All) => return Err(AppError::Invalid("请指定地区".into())),
    };
    if !caller.scope.contains(area) {
        return Err(AppError::UnknownArea(area.to_string()));
    }
    Ok(area)
}

fn batch_not_found(id: i64) -> AppError {
    MonitoringFailure::NotFound {
        what: "筛查批次",
        key: id.to_string(),
    }
    .into()
}

/// A batch seen only in part: its problems are refused.
fn not_whole(batch: &StoredScreening) -> AppError {
    MonitoringFailure::Forbidden {
        action: "查看筛查批次未纳入的行",
        why: format!(
            "批次{}的未纳入行属于整个筛查范围，只有管辖范围覆盖该范围的用户可以查看",
            batch.id
        ),
    }
    .into()
}

/// The groups a batch's problems are counted in on its page, in the order shown: (code, label).
/// A code not listed is a row that could not be read: the last group.
pub const PROBLEM_GROUPS: [(&str, &str); 5] = [
    (NOT_REGISTERED, "户籍信息中没有此人"),
    (OUTSIDE_AREA, "登记在筛查范围以外"),
    (NAME_DIFFERS, "姓名与登记不一致"),
    (NO_INCOME, "未登记人均纯收入，无法判断"),
    ("", "无法读取"),
];

/// The codes of a person not registered, registered outside the area screened, registered
/// under another name, and a household without an income to judge.
const NOT_REGISTERED: &str = "not_registered";
const OUTSIDE_AREA: &str = "outside_area";
const NAME_DIFFERS: &str = "name_differs";
const NO_INCOME: &str = "no_income";

/// The group of [`PROBLEM_GROUPS`] a problem code is counted in.
pub fn problem_group(code: &str) -> usize {
    let last = PROBLEM_GROUPS.len() - 1;
    PROBLEM_GROUPS[..last]
        .iter()
        .position(|(c, _)| *c == code)
        .unwrap_or(last)
}

/// Results read per page when exporting.
const RESULTS_PAGE: u32 = 2000;

const RESULT_HEADERS: [&str; 9] = [
    "村代码",
    "乡镇村",
    "户编号",
    "户主姓名",
    "处理结果",
    "线索编号",
    "案件编号",
    "预警依据",
    "匹配成员证件号码",
];

#[cfg(test)]
mod tests {
    use super::*;
    use zhenxing_domain::{HouseholdNo, HouseholdType};

    fn household(county: &str, no: &str, size: u32) -> ScreenedHousehold {
        ScreenedHousehold {
            county: AreaCode::parse(county).unwrap(),
            no: HouseholdNo::parse(no).unwrap(),
            village: AreaCode::parse(&format!("{county}001001")).unwrap(),
            size,
            per_capita_income: None,
            household_type: HouseholdType::Ordinary,
            category: None,
            eliminated: false,
        }
    }

    /// A household found by several batches is kept once, wherever it falls among the others;
    /// each batch learns where its households are.
    #[test]
    fn households_found_by_several_batches_are_kept_once() {
        let mut found = Found::default();
        let first = found.add(vec![
            household("620102", "A2", 1),
            household("620102", "B1", 2),
            household("620521", "A1", 3),
        ]);
        assert_eq!(first, [0, 1, 2]);
        // Out of order, one new before, between and after the known, two known, one twice.
        let second = found.add(vec![
            household("620521", "A1", 30),
            household("620102", "A1", 4),
            household("620102", "B1", 20),
            household("620102", "A3", 5),
            household("620521", "Z9", 6),
            household("620102", "B1", 21),
        ]);
        assert_eq!(second, [2, 3, 1, 4, 5, 1]);
        let sizes: Vec<u32> = found.households.iter().map(|h| h.size).collect();
        assert_eq!(sizes, [1, 2, 3, 4, 5, 6], "the first finding is kept");
        let keys: Vec<String> = found
            .by_key
            .iter()
            .map(|&i| {
                let h = &found.households[i as usize];
                format!("{}/{}", h.county, h.no)
            })
            .collect();
        assert_eq!(
            keys,
            [
                "620102000000/A1",
                "620102000000/A2",
                "620102000000/A3",
                "620102000000/B1",
                "620521000000/A1",
                "620521000000/Z9"
            ]
        );
        assert!(found.add(Vec::new()).is_empty());
        assert_eq!(found.households.len(), 6);
    }
}

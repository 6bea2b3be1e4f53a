//! Importing county ledgers: both files are checked before anything is written; rows are parsed
//! on one thread while the store writes on another; every valid row goes in one transaction and
//! every other row is reported with its file, row, column and reason.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::mpsc;
use zhenxing_domain::{DivisionTree, IdNumber, Scope};
use zhenxing_ledger::layout::{F, LedgerKind, header};
use zhenxing_ledger::parse::{parse_household, parse_member};
use zhenxing_ledger::persons::{Apart, Folded, HouseholdFolder};
use zhenxing_ledger::read::{RawRow, SheetPlan};
use zhenxing_ledger::rejected::{Rejected, write_rejected};
use zhenxing_ledger::{Ledger, LedgerError, RowError};
use zhenxing_store::{Actor, ImportCounts, ImportSource, ImportTx, Rejection, RowOutcome};

use crate::problems::RowErrors;
use crate::{App, AppError, Progress};

/// Records parsed per batch handed to the store.
const BATCH: usize = 16000;

#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub households: Option<PathBuf>,
    pub members: Option<PathBuf>,
    pub actor: Actor,
    pub scope: Scope,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub import_id: Option<i64>,
    pub counts: ImportCounts,
    /// Data rows read (taken or rejected).
    pub rows: u64,
    /// Totals and signature rows that close a ledger (`合计`, `填表人：…`), skipped.
    pub notes: u64,
    /// Every error counted, the first [`crate::problems::KEPT_ERRORS`] kept in detail.
    #[serde(skip)]
    pub errors: RowErrors,
}

impl ImportReport {
    /// 0 when every row was taken, 2 when some were rejected.
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }

    /// Rows rejected (a row with several problems counts once).
    pub fn rejected_rows(&self) -> u64 {
        self.errors.rows()
    }
}

/// A batch of parsed rows travelling from the reading thread to the store.
struct Batch<T> {
    records: Vec<T>,
    /// (sheet index, row number) of each record.
    positions: Vec<(usize, u64)>,
    errors: Vec<RowError>,
    /// Household numbers of rows that failed to parse, for the members' messages.
    failed_keys: Vec<(String, u64)>,
    rows: u64,
}

impl<T> Batch<T> {
    fn new() -> Batch<T> {
        Batch {
            records: Vec::with_capacity(BATCH),
            positions: Vec::with_capacity(BATCH),
            errors: Vec::new(),
            failed_keys: Vec::new(),
            rows: 0,
        }
    }
}

type Parser<T> = Box<dyn Fn(&str, &SheetPlan, &RawRow) -> Result<T, Vec<RowError>> + Send>;

/// Reads `ledger` on a blocking thread, parsing rows and refusing repeats of a key within the
/// file, and sends batches down a channel. A households ledger's consecutive rows of one
/// household (a sheet of one row a person) are folded into one first.
fn spawn_reader<T, K>(
    ledger: Ledger,
    parse: Parser<T>,
    key: fn(&T) -> K,
    key_field: F,
) -> (
    mpsc::Receiver<Batch<T>>,
    tokio::task::JoinHandle<Result<u64, LedgerError>>,
)
where
    T: Send + 'static,
    K: Hash + Eq + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Batch<T>>(4);
    let handle = tokio::task::spawn_blocking(move || {
        let file = ledger.file_name();
        let sheets: Vec<Option<String>> = ledger.sheets.iter().map(|s| s.sheet.clone()).collect();
        let fold = ledger.kind == LedgerKind::Households && ledger.is_one_row_a_person();
        let mut reading = Reading {
            file: file.clone(),
            kind: ledger.kind,
            sheets: sheets.clone(),
            parse,
            key,
            key_field,
            seen: HashMap::new(),
            batch: Batch::new(),
            rows: 0,
            tx,
            closed: false,
        };
        let mut folder = fold.then(|| HouseholdFolder::new(file.clone(), &ledger.sheets));
        if let Some(folder) = folder.as_mut() {
            // A household's rows apart are gathered: read the keys once first to know them.
            let mut apart = Apart::new();
            ledger.read_rows(&mut |plan, raw| {
                let sheet = sheets.iter().position(|s| *s == plan.sheet).unwrap_or(0);
                let key = plan
                    .columns
                    .get(F::HouseholdNo)
                    .and_then(|i| raw.cells.get(i));
                apart.next(sheet, key.map_or("", |c| c.text.as_str()));
                true
            })?;
            folder.gather_apart(apart.found());
        }
        let notes = ledger.read_rows(&mut |plan, raw| {
            reading.rows += 1;
            let sheet = sheets.iter().position(|s| *s == plan.sheet).unwrap_or(0);
            match folder.as_mut() {
                None => reading.take(sheet, plan, raw),
                Some(folder) => {
                    let mut folded = Vec::new();
                    folder.push(sheet, raw, &mut |f| folded.push(f));
                    folded
                        .into_iter()
                        .all(|f| reading.take_folded(folder.plans(), f))
                }
            }
        })?;
        if let Some(folder) = folder.as_mut() {
            let plans = folder.plans().to_vec();
            folder.finish_all(&mut |last| reading.take_folded(&plans, last));
        }
        if !reading.closed {
            reading.batch.rows = reading.rows;
            let _ = reading.tx.blocking_send(reading.batch);
        }
        Ok(notes)
    });
    (rx, handle)
}

/// The state of [`spawn_reader`]'s thread.
struct Reading<T, K> {
    file: String,
    kind: LedgerKind,
    sheets: Vec<Option<String>>,
    parse: Parser<T>,
    key: fn(&T) -> K,
    key_field: F,
    /// (sheet, row) of each key's first row; u16/u32 keep a 3.5-million-row file's map small.
    seen: HashMap<K, (u16, u32)>,
    batch: Batch<T>,
    rows: u64,
    tx: mpsc::Sender<Batch<T>>,
    closed: bool,
}

impl<T, K: Hash + Eq> Reading<T, K> {
    /// A household folded from its rows, or refused for them.
    fn take_folded(&mut self, plans: &[SheetPlan], folded: Folded) -> bool {
        match folded {
            Folded::Row { sheet, raw } => self.take(sheet, &plans[sheet], &raw),
            Folded::Refused { key, row, errors } => {
                self.batch.failed_keys.push((key, row));
                self.batch.errors.extend(errors);
                self.send_if_full()
            }
        }
    }

    /// Parses a row; false once the receiving side has gone.
    fn take(&mut self, sheet: usize, plan: &SheetPlan, raw: &RawRow) -> bool {
        let file = &self.file;
        let batch = &mut self.batch;
        match (self.parse)(file, plan, raw) {
            Ok(record) => match self.seen.get(&(self.key)(&record)) {
                Some((first_sheet, first_row)) => {
                    let first_sheet = usize::from(*first_sheet);
                    let at = match (&self.sheets[first_sheet], first_sheet == sheet) {
                        (Some(s), false) => format!("工作表“{s}”第{first_row}行"),
                        _ => format!("第{first_row}行"),
                    };
                    let i = plan.columns.get(self.key_field);
                    let value = i
                        .and_then(|i| raw.cells.get(i))
                        .map(|c| c.text.trim().to_string())
                        .unwrap_or_default();
                    batch.errors.push(RowError {
                        file: file.clone(),
                        sheet: plan.sheet.clone(),
                        row: raw.row,
                        column: plan
                            .columns
                            .header(self.key_field)
                            .unwrap_or(header(self.kind, self.key_field))
                            .to_string(),
                        value: if self.key_field == F::IdNumber {
                            zhenxing_domain::id_number::mask_id_str(&value)
                        } else {
                            value
                        },
                        reason: format!("与本文件{at}重复"),
                        code: "duplicate_in_file",
                    });
                }
                None => {
                    self.seen.insert(
                        (self.key)(&record),
                        (sheet as u16, raw.row.min(u64::from(u32::MAX)) as u32),
                    );
                    batch.records.push(record);
                    batch.positions.push((sheet, raw.row));
                }
            },
            Err(errors) => {
                if let Some(no) = plan
                    .columns
                    .get(F::HouseholdNo)
                    .and_then(|i| raw.cells.get(i))
                {
                    batch
                        .failed_keys
                        .push((no.text.trim().to_string(), raw.row));
                }
                batch.errors.extend(errors);
            }
        }
        self.send_if_full()
    }

    fn send_if_full(&mut self) -> bool {
        if self.batch.records.len() >= BATCH || self.batch.errors.len() >= BATCH {
            let mut full = std::mem::replace(&mut self.batch, Batch::new());
            full.rows = self.rows;
            if self.tx.blocking_send(full).is_err() {
                self.closed = true;
                return false;
            }
            self.rows = 0;
        }
        true
    }
}

fn join_error(e: tokio::task::JoinError) -> AppError {
    AppError::Invalid(format!("读取文件的线程异常结束：{e}"))
}

struct Sheets {
    file: String,
    kind: LedgerKind,
    plans: Vec<SheetPlan>,
}

impl Sheets {
    fn of(ledger: &Ledger) -> Sheets {
        Sheets {
            file: ledger.file_name(),
            kind: ledger.kind,
            plans: ledger.sheets.clone(),
        }
    }

    fn error(
        &self,
        (sheet, row): (usize, u64),
        field: F,
        value: String,
        reason: String,
        code: &'static str,
    ) -> RowError {
        let plan = self.plans.get(sheet);
        RowError {
            file: self.file.clone(),
            sheet: plan.and_then(|p| p.sheet.clone()),
            row,
            column: plan
                .and_then(|p| p.columns.header(field))
                .unwrap_or(header(self.kind, field))
                .to_string(),
            value,
            reason,
            code,
        }
    }
}

impl App {
    /// Imports a households ledger, a members ledger, or both (households first).
    pub async fn import(
        &self,
        req: &ImportRequest,
        progress: &dyn Progress,
    ) -> Result<ImportReport, AppError> {
        let tree = self.tree().await;
        if tree.is_empty() {
            return Err(AppError::NoDivisions);
        }
        // Both files must be usable before anything is written.
        let (households, members) = open_ledgers(req)?;
        // A sheet of one row a person read twice (households, then members) counts its rows
        // once (a workbook's households and members sheets are read once each).
        let one_file = households
            .as_ref()
            .zip(members.as_ref())
            .is_some_and(|(h, m)| h.path == m.path && h.is_one_row_a_person());
        if households.is_none() && members.is_none() {
            return Err(AppError::Invalid("请至少指定户信息或成员信息文件".into()));
        }
        let source = ImportSource {
            households_file: households.as_ref().map(Ledger::file_name),
            members_file: members.as_ref().map(Ledger::file_name),
        };
        let mut tx = self
            .store()
            .begin_import(&req.actor, req.scope, &source)
            .await?;
        let mut report = ImportReport {
            errors: RowErrors::with_limit(self.kept_errors),
            ..ImportReport::default()
        };
        let mut failed_households = FailedHouseholds::default();
        if let Some(ledger) = households {
            import_households(
                tx.as_mut(),
                ledger,
                tree.clone(),
                &mut report,
                &mut failed_households,
                progress,
            )
            .await?;
        }
        if let Some(ledger) = members {
            let (rows, notes) = (report.rows, report.notes);
            import_members(
                tx.as_mut(),
                ledger,
                &mut report,
                &failed_households,
                progress,
            )
            .await?;
            if one_file {
                // The households' reading saw every row (a household without members too).
                (report.rows, report.notes) = (rows, notes);
            }
        }
        report.counts.rejected = report.rejected_rows();
        report.errors.sort();
        // A first load builds its indexes and checks its references here: a province's takes
        // seconds, which a bar that just finished would leave unexplained.
        progress.start("写入数据库（建立索引、核对、提交）", 0);
        let kept = crate::problems::KeptErrors(report.errors.kept());
        report.import_id = Some(tx.commit(&report.counts, &kept).await?);
        progress.finish();
        let c = &report.counts;
        let written =
            c.households_inserted + c.households_updated + c.members_inserted + c.members_updated;
        if written >= SETTLE_AFTER_ROWS {
            self.store().settle().await?;
        }
        Ok(report)
    }
}

/// The households and members ledgers of a request: a households ledger of one row a person
/// holds the members too.
fn open_ledgers(req: &ImportRequest) -> Result<(Option<Ledger>, Option<Ledger>), AppError> {
    let households = req
        .households
        .as_deref()
        .map(|p| Ledger::open(p, LedgerKind::Households))
        .transpose()?;
    let members_path = req.members.as_deref().or_else(|| {
        households
            .as_ref()
            .filter(|h| h.is_one_row_a_person())
            .map(|h| h.path.as_path())
    });
    let members = members_path
        .map(|p| Ledger::open(p, LedgerKind::Members))
        .transpose()?;
    Ok((households, members))
}

/// Writes the rows of the request's files that the import did not take, as they were, with why
/// and where ([`zhenxing_ledger::rejected`]), to `out` (.xlsx): to be corrected and imported
/// again. Reads the files again (blocking); returns the rows written.
pub fn write_rejected_rows(
    req: &ImportRequest,
    report: &ImportReport,
    out: &Path,
) -> Result<u64, AppError> {
    if report.errors.not_kept() > 0 {
        return Err(AppError::Invalid(format!(
            "错误共{}条，只保留了最先发现的{}条明细，未导入的{}行无法全部写出：这么多错误多半是整个文件的问题（不属于本辖区、选错了文件或列），请先按错误报告改正后再导入",
            report.errors.total(),
            report.errors.kept().len(),
            report.errors.rows()
        )));
    }
    let (households, members) = open_ledgers(req)?;
    let rejected = Rejected::of(report.errors.kept());
    let ledgers: Vec<&Ledger> = households.iter().chain(members.iter()).collect();
    write_rejected(&ledgers, &rejected, out)
        .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))
}

/// The households the households ledger refused, for the members' messages: each number and its
/// row (a county given the province's ledger refuses a million: kept small).
#[derive(Default)]
struct FailedHouseholds {
    file: String,
    rows: HashMap<Box<str>, u64>,
}

/// Rows written by one import above which the database folds the import into its main files
/// (a county's ledger and up; a household edited on a page is far below).
const SETTLE_AFTER_ROWS: u64 = 20_000;

async fn import_households(
    tx: &mut dyn ImportTx,
    ledger: Ledger,
    tree: Arc<DivisionTree>,
    report: &mut ImportReport,
    failed: &mut FailedHouseholds,
    progress: &dyn Progress,
) -> Result<(), AppError> {
    let sheets = Sheets::of(&ledger);
    progress.start(&format!("导入户信息 {}", sheets.file), 0);
    let parse: Parser<zhenxing_domain::Household> =
        Box::new(move |file, plan, raw| parse_household(file, plan, raw, &tree));
    let (mut rx, reader) = spawn_reader(ledger, parse, |h| h.no.clone(), F::HouseholdNo);
    let mut rows = 0;
    while let Some(batch) = rx.recv().await {
        rows += batch.rows;
        failed.file.clone_from(&sheets.file);
        for (no, row) in batch.failed_keys {
            failed.rows.entry(no.into()).or_insert(row);
        }
        report.errors.extend(batch.errors);
        let outcomes = tx.households(&batch.records).await?;
        for ((h, pos), outcome) in batch.records.iter().zip(batch.positions).zip(outcomes) {
            let c = &mut report.counts;
            match outcome {
                RowOutcome::Inserted => c.households_inserted += 1,
                RowOutcome::Updated => c.households_updated += 1,
                RowOutcome::Unchanged => c.households_unchanged += 1,
                // A row closing the household (销户).
                RowOutcome::Removed => c.households_dissolved += 1,
                RowOutcome::Rejected(r) => {
                    failed.rows.insert(h.no.as_str().into(), pos.1);
                    let (field, value) = match r {
                        Rejection::OutOfScope if h.dissolving.is_none() => {
                            (F::VillageCode, h.village.to_string())
                        }
                        _ => (F::HouseholdNo, h.no.to_string()),
                    };
                    report
                        .errors
                        .push(sheets.error(pos, field, value, r.to_string(), r.code()));
                }
            }
        }
        progress.set(rows);
    }
    report.notes += reader.await.map_err(join_error)??;
    report.rows += rows;
    progress.finish();
    Ok(())
}

async fn import_members(
    tx: &mut dyn ImportTx,
    ledger: Ledger,
    report: &mut ImportReport,
    failed_households: &FailedHouseholds,
    progress: &dyn Progress,
) -> Result<(), AppError> {
    let sheets = Sheets::of(&ledger);
    progress.start(&format!("导入成员信息 {}", sheets.file), 0);
    let parse: Parser<zhenxing_domain::Member> = Box::new(parse_member);
    let (mut rx, reader) = spawn_reader(ledger, parse, |m| m.id.digits(), F::IdNumber);
    let mut rows = 0;
    while let Some(batch) = rx.recv().await {
        rows += batch.rows;
        report.errors.extend(batch.errors);
        let outcomes = tx.members(&batch.records).await?;
        for ((m, pos), outcome) in batch.records.iter().zip(batch.positions).zip(outcomes) {
            let c = &mut report.counts;
            match outcome {
                RowOutcome::Inserted => c.members_inserted += 1,
                RowOutcome::Updated => c.members_updated += 1,
                RowOutcome::Unchanged => c.members_unchanged += 1,
                RowOutcome::Removed => c.members_removed += 1,
                RowOutcome::Rejected(r) => {
                    let failed = failed_households.rows.get(m.household_no.as_str());
                    let error = match (&r, failed) {
                        (Rejection::UnknownHousehold, Some(row)) => sheets.error(
                            pos,
                            F::HouseholdNo,
                            m.household_no.to_string(),
                            format!(
                                "所属户在“{}”第{row}行有错误，未能导入",
                                failed_households.file
                            ),
                            "household_rejected",
                        ),
                        (Rejection::PersonInOtherHousehold(_), _)
                        | (Rejection::NotInHousehold { .. }, _) => sheets.error(
                            pos,
                            F::IdNumber,
                            id_masked(&m.id),
                            r.to_string(),
                            r.code(),
                        ),
                        _ => sheets.error(
                            pos,
                            F::HouseholdNo,
                            m.household_no.to_string(),
                            r.to_string(),
                            r.code(),
                        ),
                    };
                    report.errors.push(error);
                }
            }
        }
        progress.set(rows);
    }
    report.notes += reader.await.map_err(join_error)??;
    report.rows += rows;
    progress.finish();
    Ok(())
}

fn id_masked(id: &IdNumber) -> String {
    id.masked()
}

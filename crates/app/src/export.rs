//! Exporting the ledgers of an area in the import layout: xlsx (one workbook, a households sheet
//! and a members sheet) or CSV (two files side by side) — or one row a person (一表式台账: a
//! sheet, or one CSV file, each member with the household's columns before theirs).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use tokio::sync::mpsc;
use zhenxing_domain::{AreaCode, AreaLevel, DivisionTree, Scope};
use zhenxing_ledger::LedgerKind;
use zhenxing_ledger::write::{
    AreaNames, CsvEncoding, CsvLedgerWriter, Disclosure, Layout, Out, XlsxLedgerWriter,
    household_row, member_row, person_row,
};

use crate::{App, AppError, Progress};

#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub scope: Scope,
    pub area: AreaCode,
    pub out: PathBuf,
    pub disclosure: Disclosure,
    pub csv_encoding: CsvEncoding,
    pub layout: ExportLayout,
}

/// How an export lays its rows out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExportLayout {
    /// A households ledger and a members ledger.
    #[default]
    Ledgers,
    /// One row a person (一表式台账), a household without members on a row of its own.
    Persons,
}

impl ExportLayout {
    pub const ALL: [ExportLayout; 2] = [ExportLayout::Ledgers, ExportLayout::Persons];

    /// Its name in addresses and the audit log.
    pub fn code(self) -> &'static str {
        match self {
            ExportLayout::Ledgers => "ledgers",
            ExportLayout::Persons => "persons",
        }
    }

    pub fn parse(code: &str) -> Option<ExportLayout> {
        ExportLayout::ALL.into_iter().find(|l| l.code() == code)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ExportResult {
    pub files: Vec<PathBuf>,
    pub households: u64,
    pub members: u64,
}

/// What the writing thread receives.
enum Chunk {
    Begin(Layout),
    Rows(Vec<Vec<Out>>),
    /// Each household's rows, kept on one sheet.
    Households(Vec<Vec<Vec<Out>>>),
}

fn names_of(tree: &DivisionTree, village: AreaCode) -> AreaNames {
    let mut names = AreaNames::default();
    for d in tree.path(village) {
        let slot = match d.level {
            AreaLevel::Province => &mut names.province,
            AreaLevel::City => &mut names.city,
            AreaLevel::County => &mut names.county,
            AreaLevel::Township => &mut names.township,
            AreaLevel::Village => &mut names.village,
        };
        *slot = d.name.clone();
    }
    names
}

/// `out.csv` → `out_户信息.csv` and `out_成员信息.csv`.
pub fn csv_paths(out: &Path) -> (PathBuf, PathBuf) {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "台账".into());
    let dir = out.parent().unwrap_or(Path::new(""));
    (
        dir.join(format!("{stem}_{}.csv", LedgerKind::Households.label())),
        dir.join(format!("{stem}_{}.csv", LedgerKind::Members.label())),
    )
}

fn output_err(e: impl std::fmt::Display) -> AppError {
    AppError::Output(e.to_string())
}

/// Writes what it receives, on a blocking thread (file IO and zip compression).
fn spawn_writer(
    out: PathBuf,
    title: String,
    encoding: CsvEncoding,
) -> (
    mpsc::Sender<Chunk>,
    tokio::task::JoinHandle<Result<Vec<PathBuf>, AppError>>,
) {
    let (tx, mut rx) = mpsc::channel::<Chunk>(4);
    let handle = tokio::task::spawn_blocking(move || {
        let is_xlsx = out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        if is_xlsx {
            let mut w = XlsxLedgerWriter::create(&out, &title);
            while let Some(chunk) = rx.blocking_recv() {
                match chunk {
                    Chunk::Begin(kind) => w.begin(kind).map_err(output_err)?,
                    Chunk::Rows(rows) => {
                        for r in &rows {
                            w.row(r).map_err(output_err)?;
                        }
                    }
                    Chunk::Households(households) => {
                        for rows in &households {
                            w.rows_together(rows).map_err(output_err)?;
                        }
                    }
                }
            }
            Ok(vec![w.finish().map_err(output_err)?])
        } else {
            let (h_path, m_path) = csv_paths(&out);
            let mut files = Vec::new();
            let mut current: Option<CsvLedgerWriter> = None;
            while let Some(chunk) = rx.blocking_recv() {
                match chunk {
                    Chunk::Begin(kind) => {
                        if let Some(w) = current.take() {
                            files.push(w.finish().map_err(output_err)?);
                        }
                        let path = match kind {
                            Layout::Ledger(LedgerKind::Households) => &h_path,
                            Layout::Ledger(LedgerKind::Members) => &m_path,
                            Layout::Persons => &out,
                        };
                        current = Some(
                            CsvLedgerWriter::create(path, kind, encoding).map_err(output_err)?,
                        );
                    }
                    Chunk::Rows(rows) => {
                        if let Some(w) = current.as_mut() {
                            for r in &rows {
                                w.row(r).map_err(output_err)?;
                            }
                        }
                    }
                    Chunk::Households(households) => {
                        if let Some(w) = current.as_mut() {
                            for r in households.iter().flatten() {
                                w.row(r).map_err(output_err)?;
                            }
                        }
                    }
                }
            }
            if let Some(w) = current.take() {
                files.push(w.finish().map_err(output_err)?);
            }
            Ok(files)
        }
    });
    (tx, handle)
}

impl App {
    /// Exports every household and member under `req.area`.
    pub async fn export(
        &self,
        req: &ExportRequest,
        progress: &dyn Progress,
    ) -> Result<ExportResult, AppError> {
        let tree = self.tree().await;
        let Some(area) = tree.get(req.area).filter(|_| req.scope.contains(req.area)) else {
            return Err(AppError::UnknownArea(req.area.to_string()));
        };
        let ext = req
            .out
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if ext != "xlsx" && ext != "csv" {
            return Err(AppError::Invalid(format!(
                "导出文件应以 .xlsx 或 .csv 结尾：{}",
                req.out.display()
            )));
        }
        let total: u64 = self
            .store()
            .village_figures(Scope::Area(req.area), zhenxing_domain::today_in_china())
            .await?
            .iter()
            .map(|(_, c)| c.households)
            .sum();
        let title = format!(
            "{} 防返贫监测台账（导出于{}{}）",
            tree.path(area.code)
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(""),
            zhenxing_domain::today_in_china().format("%Y-%m-%d"),
            if req.disclosure == Disclosure::Masked {
                "，证件号码已脱敏"
            } else {
                ""
            }
        );
        let (tx, writer) = spawn_writer(req.out.clone(), title, req.csv_encoding);
        let mut result = ExportResult::default();
        let sent = async {
            let closed = |_| AppError::Output("写文件的线程已结束".into());
            let mut names: HashMap<AreaCode, AreaNames> = HashMap::new();
            if req.layout == ExportLayout::Persons {
                progress.start("导出户及成员信息", total);
                tx.send(Chunk::Begin(Layout::Persons))
                    .await
                    .map_err(closed)?;
                let mut pages = self.store().household_pages(req.scope, req.area);
                while let Some(page) = pages.next().await {
                    let (households, members) = page?;
                    let mut chunk = Vec::with_capacity(households.len());
                    for (h, own) in crate::registry_check::with_members(households, members) {
                        let n = names
                            .entry(h.village)
                            .or_insert_with(|| names_of(&tree, h.village));
                        let cells = household_row(&h, n, req.disclosure);
                        result.members += own.len() as u64;
                        chunk.push(if own.is_empty() {
                            vec![person_row(&cells, None)]
                        } else {
                            own.iter()
                                .map(|m| person_row(&cells, Some(member_row(m, req.disclosure))))
                                .collect()
                        });
                    }
                    result.households += chunk.len() as u64;
                    progress.set(result.households);
                    tx.send(Chunk::Households(chunk)).await.map_err(closed)?;
                }
                progress.finish();
                return Ok(());
            }
            progress.start("导出户信息", total);
            tx.send(Chunk::Begin(LedgerKind::Households.into()))
                .await
                .map_err(closed)?;
            let mut stream = self
                .store()
                .export_households(req.scope, req.area)
                .chunks(1000);
            while let Some(chunk) = stream.next().await {
                let mut rows = Vec::with_capacity(chunk.len());
                for h in chunk {
                    let h = h?;
                    let n = names
                        .entry(h.household.village)
                        .or_insert_with(|| names_of(&tree, h.household.village));
                    rows.push(household_row(&h.household, n, req.disclosure));
                }
                result.households += rows.len() as u64;
                progress.set(result.households);
                tx.send(Chunk::Rows(rows)).await.map_err(closed)?;
            }
            progress.finish();
            progress.start("导出成员信息", total);
            tx.send(Chunk::Begin(LedgerKind::Members.into()))
                .await
                .map_err(closed)?;
            let mut stream = self
                .store()
                .export_members(req.scope, req.area)
                .chunks(2000);
            let mut households_seen = 0u64;
            let mut last: Option<String> = None;
            while let Some(chunk) = stream.next().await {
                let mut rows = Vec::with_capacity(chunk.len());
                for m in chunk {
                    let m = m?;
                    if last.as_deref() != Some(m.member.household_no.as_str()) {
                        households_seen += 1;
                        last = Some(m.member.household_no.as_str().to_string());
                    }
                    rows.push(member_row(&m.member, req.disclosure));
                }
                result.members += rows.len() as u64;
                progress.set(households_seen);
                tx.send(Chunk::Rows(rows)).await.map_err(closed)?;
            }
            progress.finish();
            Ok::<(), AppError>(())
        }
        .await;
        drop(tx);
        let written = writer.await.map_err(|e| AppError::Output(e.to_string()))?;
        // A failure while reading is the real cause; the writer then only saw its channel close.
        sent?;
        result.files = written?;
        Ok(result)
    }
}

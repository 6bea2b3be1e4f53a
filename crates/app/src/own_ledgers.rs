//! What the imports of a county's own ledgers (projects, loans) share: the file read off the
//! async threads and told by the name the user knows it by, what saving did counted, and the
//! audit entry.

use std::path::Path;

use serde::Serialize;
use zhenxing_ledger::LedgerError;
use zhenxing_ledger::table::Table;
use zhenxing_store::accounts::NewAudit;
use zhenxing_store::project::Saved;

use crate::auth::Caller;
use crate::{App, AppError};

/// Reads a ledger with `read` on a blocking thread; errors and the answer name the file `name`
/// (an upload's own name) when given.
pub(crate) async fn read_named(
    path: &Path,
    name: Option<&str>,
    read: fn(&Path) -> Result<Table, LedgerError>,
) -> Result<(Table, String), AppError> {
    let owned = path.to_path_buf();
    let table = tokio::task::spawn_blocking(move || read(&owned))
        .await
        .map_err(|e| AppError::Invalid(e.to_string()))?
        .map_err(|mut e| {
            if let Some(n) = name {
                e.file = n.to_string();
            }
            e
        })?;
    let file = name.map(str::to_string).unwrap_or(table.file.clone());
    Ok((table, file))
}

/// Rows added, updated and left as they were.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Tally {
    pub fn of(saved: &[Saved]) -> Tally {
        let mut t = Tally::default();
        for s in saved {
            match s {
                Saved::Added => t.added += 1,
                Saved::Updated => t.updated += 1,
                Saved::Unchanged => t.unchanged += 1,
            }
        }
        t
    }
}

impl App {
    /// The audit entry of a user's import of `file`: its counts (the report without its errors).
    pub(crate) async fn audit_ledger_import(
        &self,
        caller: &Caller,
        action: &'static str,
        file: &str,
        report: &impl Serialize,
    ) -> Result<(), AppError> {
        self.audit(
            &caller.actor(),
            NewAudit {
                action,
                area: Some(caller.user.area),
                subject: format!("file:{file}"),
                before: String::new(),
                after: serde_json::to_string(report).unwrap_or_default(),
            },
        )
        .await?;
        Ok(())
    }
}

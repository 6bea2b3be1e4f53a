//! What the imports of a county's own ledgers (projects, loans) share: the file read off the
//! async threads and told by the name the user knows it by, what saving did counted, and the
//! audit entry.

use std::path::Path;

use serde::Serialize;
use zhenxing_ledger::LedgerError;
use zhenxing_ledger::table::Table;
use zhenxing_store::accounts::NewAudit;
use zhenxing_store::project::{ProjectChange, Saved};

use crate::auth::Caller;
use crate::{App, AppError};

/// Why a row's area cannot be taken — not in the tree, or outside the importer's area
/// (`outside` says so in the ledger's words) — with the error's code; `None` when it can.
pub(crate) fn area_refused(
    tree: &zhenxing_domain::DivisionTree,
    scope: zhenxing_domain::Scope,
    area: zhenxing_domain::AreaCode,
    outside: &str,
) -> Option<(String, &'static str)> {
    if tree.get(area).is_none() {
        Some(("区划代码不在区划树中".into(), "unknown_area"))
    } else if !scope.contains(area) {
        Some((outside.to_string(), "outside_scope"))
    } else {
        None
    }
}

/// The policies in force per province and year, each read once an import.
#[derive(Default)]
pub(crate) struct Policies(
    std::collections::HashMap<
        (zhenxing_domain::AreaCode, zhenxing_domain::PolicyYear),
        Option<std::sync::Arc<zhenxing_domain::policy::Policy>>,
    >,
);

impl Policies {
    /// The policy in force in the province of `area` for `year` (`None`: it has none).
    pub async fn of(
        &mut self,
        app: &App,
        area: zhenxing_domain::AreaCode,
        year: zhenxing_domain::PolicyYear,
    ) -> Result<Option<std::sync::Arc<zhenxing_domain::policy::Policy>>, AppError> {
        let province = zhenxing_domain::policy::Policy::province_of(area).unwrap_or(area);
        if let Some(p) = self.0.get(&(province, year)) {
            return Ok(p.clone());
        }
        let p = app
            .policy_or_none(area, year)
            .await?
            .map(std::sync::Arc::new);
        self.0.insert((province, year), p.clone());
        Ok(p)
    }
}

/// What an import of a county's own ledger reports: the file the audit names.
pub(crate) trait Imported: Serialize {
    fn file(&self) -> &str;
}

/// Reads a ledger with `read` on a blocking thread; errors and the answer name the file `name`
/// (an upload's own name) when given.
pub(crate) async fn read_named(
    path: &Path,
    name: Option<&str>,
    read: fn(&Path) -> Result<Table, LedgerError>,
) -> Result<(Table, String), AppError> {
    read_as_named(path, name, read).await
}

/// The name a file is told by: the upload's own, else the path's.
pub(crate) fn file_name(path: &Path, name: Option<&str>) -> String {
    name.map(str::to_string).unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    })
}

/// Reads a file with `read` on a blocking thread, its errors naming it as
/// [`file_name`] does.
pub(crate) async fn read_as_named<T: Send + 'static>(
    path: &Path,
    name: Option<&str>,
    read: fn(&Path) -> Result<T, LedgerError>,
) -> Result<(T, String), AppError> {
    let owned = path.to_path_buf();
    let file = file_name(path, name);
    let value = tokio::task::spawn_blocking(move || read(&owned))
        .await
        .map_err(|e| AppError::Invalid(e.to_string()))?
        .map_err(|mut e| {
            if name.is_some() {
                e.file = file.clone();
            }
            e
        })?;
    Ok((value, file))
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
    /// Runs an import of a county's own ledger for a user who may import, within their area
    /// (`run` is given the user as actor and their scope), and audits it as `action`.
    pub(crate) async fn import_audited<R, F>(
        &self,
        caller: &Caller,
        action: &'static str,
        run: impl FnOnce(zhenxing_store::Actor, zhenxing_domain::Scope) -> F,
    ) -> Result<R, AppError>
    where
        R: Imported,
        F: std::future::Future<Output = Result<R, AppError>>,
    {
        self.import_audited_as(caller, zhenxing_domain::Permission::Import, action, run)
            .await
    }

    /// [`App::import_audited`] for a user with `permission`.
    pub(crate) async fn import_audited_as<R, F>(
        &self,
        caller: &Caller,
        permission: zhenxing_domain::Permission,
        action: &'static str,
        run: impl FnOnce(zhenxing_store::Actor, zhenxing_domain::Scope) -> F,
    ) -> Result<R, AppError>
    where
        R: Imported,
        F: std::future::Future<Output = Result<R, AppError>>,
    {
        caller.require(permission)?;
        let report = run(caller.actor(), caller.scope()).await?;
        self.audit_ledger_import(caller, action, report.file(), &report)
            .await?;
        Ok(report)
    }

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

/// A change of a row of a county's own ledger, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub version: i64,
    pub at: String,
    pub actor: String,
    /// The fields it changed: label, before, after (a row added: every field given).
    pub fields: Vec<(String, String, String)>,
}

impl ChangeView {
    /// When the change was made, in China's time.
    pub fn at_text(&self) -> String {
        crate::browse::china_time(&self.at)
    }
}

/// A ledger's fields in its order: the JSON key, the label, whether it is money in fen.
pub(crate) type Fields = &'static [(&'static str, &'static str, bool)];

fn shown(v: Option<&serde_json::Value>, money: bool) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::Number(n)) if money => n
            .as_i64()
            .map(|f| zhenxing_domain::Money::from_fen(f).yuan_string())
            .unwrap_or_else(|| n.to_string()),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A change as its fields: those it changed, in the ledger's order (the JSON object's is
/// alphabetical).
pub(crate) fn change_view(c: &ProjectChange, fields: Fields) -> ChangeView {
    let empty = serde_json::Map::new();
    let before = c
        .before
        .as_ref()
        .and_then(|b| b.as_object())
        .unwrap_or(&empty);
    let after = c.after.as_object().unwrap_or(&empty);
    let mut out = Vec::new();
    for (key, label, money) in fields {
        let Some(value) = after.get(*key) else {
            continue;
        };
        let old = before.get(*key);
        if c.before.is_some() && old == Some(value) {
            continue;
        }
        out.push((
            label.to_string(),
            shown(old, *money),
            shown(Some(value), *money),
        ));
    }
    ChangeView {
        version: c.version,
        at: c.at.clone(),
        actor: c.actor.clone(),
        fields: out,
    }
}

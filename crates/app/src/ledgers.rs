//! Ledger import and export as a signed-in user: the role must allow it, the area bounds it, and
//! each is written to the audit log (the rows themselves keep their history in the registry).

use std::path::{Path, PathBuf};

use zhenxing_domain::{AreaCode, Dissolution, Household, HouseholdNo, Permission, Scope};
use zhenxing_ledger::write::{CsvEncoding, Disclosure};
use zhenxing_store::accounts::NewAudit;
use zhenxing_store::{ImportRecord, Rejection, RowOutcome, RowProblem};

use crate::auth::Caller;
use crate::export::{ExportLayout, ExportRequest, ExportResult};
use crate::import::{ImportReport, ImportRequest};
use crate::problems::{PAGE, write_every_line};
use crate::{App, AppError, Progress};

impl App {
    /// Closes a household of the caller's area (销户) as a households ledger's row with a
    /// 销户原因 would: its members leave it, it leaves the figures and lists; audited.
    pub async fn close_household(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        dissolution: Dissolution,
    ) -> Result<(), AppError> {
        caller.require(Permission::Import)?;
        let outcome = self
            .store()
            .update_household(
                &caller.actor(),
                caller.scope(),
                &Household::closing(no.clone(), dissolution),
            )
            .await?;
        match outcome {
            RowOutcome::Removed => {}
            RowOutcome::Rejected(Rejection::UnknownHousehold | Rejection::OutOfScope) => {
                return Err(AppError::NotFound);
            }
            RowOutcome::Rejected(r) => return Err(AppError::Invalid(r.to_string())),
            _ => return Err(AppError::Invalid("该户已经销户".into())),
        }
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "close_household",
                area: Some(caller.user.area),
                subject: format!("household:{no}"),
                before: String::new(),
                after: serde_json::json!({ "dissolved": dissolution }).to_string(),
            },
        )
        .await?;
        Ok(())
    }

    /// Imports the caller's ledgers into their area (rows outside it are refused row by row).
    pub async fn import_as(
        &self,
        caller: &Caller,
        households: Option<PathBuf>,
        members: Option<PathBuf>,
        progress: &dyn Progress,
    ) -> Result<ImportReport, AppError> {
        caller.require(Permission::Import)?;
        let req = ImportRequest {
            households,
            members,
            actor: caller.actor(),
            scope: caller.scope(),
        };
        let report = self.import(&req, progress).await?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "import",
                area: Some(caller.user.area),
                subject: format!("import:{}", report.import_id.unwrap_or(0)),
                before: String::new(),
                after: serde_json::json!({
                    "rows": report.rows,
                    "counts": report.counts,
                })
                .to_string(),
            },
        )
        .await?;
        Ok(report)
    }

    /// Exports the ledgers of `area` (masked) to `out` (.xlsx or .csv).
    pub async fn export_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        out: &Path,
        layout: ExportLayout,
        progress: &dyn Progress,
    ) -> Result<ExportResult, AppError> {
        caller.require(Permission::Export)?;
        if !caller.scope().contains(area) || self.tree().await.get(area).is_none() {
            return Err(AppError::NotFound);
        }
        let req = ExportRequest {
            scope: caller.scope(),
            area,
            out: out.to_path_buf(),
            disclosure: Disclosure::Masked,
            csv_encoding: CsvEncoding::Utf8Bom,
            layout,
        };
        let result = self.export(&req, progress).await?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "export",
                area: Some(area),
                subject: format!("area:{area}"),
                before: String::new(),
                after: serde_json::json!({
                    "households": result.households,
                    "members": result.members,
                    "masked": true,
                    "layout": layout.code(),
                })
                .to_string(),
            },
        )
        .await?;
        Ok(result)
    }

    /// Records that `caller` fetched the rows import `id` did not take, as their files had them
    /// (whole ID numbers: a view of personal data, audited).
    pub async fn audit_rejected_rows_fetch(
        &self,
        caller: &Caller,
        id: i64,
        bytes: u64,
    ) -> Result<(), AppError> {
        caller.require(Permission::Import)?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "rejected_rows",
                area: Some(caller.user.area),
                subject: format!("import:{id}"),
                before: String::new(),
                after: serde_json::json!({ "bytes": bytes, "whole_personal_data": true })
                    .to_string(),
            },
        )
        .await?;
        Ok(())
    }

    /// The imports confined to the caller's area or an area within it, newest first (the
    /// command line's, confined to nothing, only for the command line).
    pub async fn imports_as(
        &self,
        caller: &Caller,
        limit: u32,
    ) -> Result<Vec<ImportRecord>, AppError> {
        caller.require(Permission::Import)?;
        self.imports(caller.scope(), limit).await
    }

    /// [`App::imports_as`] within `scope` (the command line's: everything).
    pub async fn imports(&self, scope: Scope, limit: u32) -> Result<Vec<ImportRecord>, AppError> {
        Ok(self.store().imports(scope, limit).await?)
    }

    /// A page of the rows an import did not take, as its report gave them, with their numbers
    /// (above `after`); for a caller who may import and whose area covers the import's.
    pub async fn import_problems_as(
        &self,
        caller: &Caller,
        id: i64,
        after: Option<u64>,
        limit: u32,
    ) -> Result<(ImportRecord, Vec<(u64, RowProblem)>), AppError> {
        caller.require(Permission::Import)?;
        self.import_problems(caller.scope(), id, after, limit).await
    }

    /// [`App::import_problems_as`] within `scope` (the command line's: everything).
    pub async fn import_problems(
        &self,
        scope: Scope,
        id: i64,
        after: Option<u64>,
        limit: u32,
    ) -> Result<(ImportRecord, Vec<(u64, RowProblem)>), AppError> {
        let store = self.store();
        let import = store.import(scope, id).await?.ok_or(AppError::NotFound)?;
        let lines = store
            .import_problems(scope, id, after, limit)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((import, lines))
    }

    /// Writes the rows an import did not take (xlsx when `out` ends in `.xlsx`, else CSV), in
    /// the layout of the report the import gave. Returns how many lines were written.
    pub async fn export_import_problems_as(
        &self,
        caller: &Caller,
        id: i64,
        out: &Path,
    ) -> Result<u64, AppError> {
        caller.require(Permission::Import)?;
        self.export_import_problems(caller.scope(), id, out).await
    }

    /// [`App::export_import_problems_as`] within `scope`.
    pub async fn export_import_problems(
        &self,
        scope: Scope,
        id: i64,
        out: &Path,
    ) -> Result<u64, AppError> {
        write_every_line(out, "导入错误", |after| async move {
            Ok(self.import_problems(scope, id, after, PAGE).await?.1)
        })
        .await
    }
}

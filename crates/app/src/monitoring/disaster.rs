//! Disaster inclusion of a list of households (a county's batch after a flood or an earthquake):
//! each row (户编号 or 证件号码) becomes a clue on the green channel, with a row-level error
//! report like the ledger import's.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::monitoring::{Channel, Evidence};
use zhenxing_domain::{HouseholdNo, IdNumber, RiskType, RiskTypes};
use zhenxing_ledger::RowError;
use zhenxing_ledger::monitoring::{ListRow, read_household_list};
use zhenxing_store::monitoring::ClueOutcome;

use super::Caller;
use super::access::{Act, allow};
use super::clues::{ClueRequest, SubjectRef};
use crate::{App, AppError};

#[derive(Debug, Clone)]
pub struct DisasterBatch {
    /// 灾害种类 (e.g. 洪涝), unless a row gives its own.
    pub disaster_kind: String,
    pub found_on: NaiveDate,
    /// Who reports it (e.g. 县应急管理局).
    pub source: String,
    pub green_channel: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DisasterReport {
    pub rows: u64,
    /// Cases opened.
    pub opened: u64,
    /// Merged into an open clue of the same household.
    pub merged: u64,
    /// Recorded without a case (the household is monitored already).
    pub recorded: u64,
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

impl DisasterReport {
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }
}

fn row_error(
    file: &str,
    row: &ListRow,
    column: &str,
    value: &str,
    reason: String,
    code: &'static str,
) -> RowError {
    RowError {
        file: file.to_string(),
        sheet: row.sheet.clone(),
        row: row.row,
        column: column.to_string(),
        value: value.to_string(),
        reason,
        code,
    }
}

impl App {
    /// Reads the list and records one disaster clue per row. A row that cannot be taken is
    /// reported (file, row, column, reason); the others go on.
    pub async fn include_disaster_list(
        &self,
        caller: &Caller,
        path: &Path,
        batch: &DisasterBatch,
    ) -> Result<DisasterReport, AppError> {
        allow(caller, Act::IncludeDisasterList)?;
        let list = read_household_list(path)?;
        let file = list.file.clone();
        let mut report = DisasterReport::default();
        for row in &list.rows {
            report.rows += 1;
            let subject = match (&row.household_no, &row.id_number) {
                (Some(no), _) if !no.trim().is_empty() => match HouseholdNo::parse(no) {
                    Ok(no) => SubjectRef::Household(no),
                    Err(e) => {
                        report.errors.push(row_error(
                            &file,
                            row,
                            "户编号",
                            no,
                            e.to_string(),
                            e.code(),
                        ));
                        continue;
                    }
                },
                (_, Some(id)) if !id.trim().is_empty() => match IdNumber::parse(id) {
                    Ok(id) => SubjectRef::Person(id),
                    Err(e) => {
                        let shown = zhenxing_domain::id_number::mask_id_str(id);
                        report.errors.push(row_error(
                            &file,
                            row,
                            "证件号码",
                            &shown,
                            e.to_string(),
                            e.code(),
                        ));
                        continue;
                    }
                },
                _ => {
                    report.errors.push(row_error(
                        &file,
                        row,
                        "户编号",
                        "",
                        "户编号和证件号码至少填一项".into(),
                        "empty",
                    ));
                    continue;
                }
            };
            let mut risks = RiskTypes::default();
            risks.insert(RiskType::Disaster);
            if let Some(extra) = row.risks.as_deref().filter(|s| !s.trim().is_empty()) {
                match RiskTypes::parse(extra) {
                    Ok(r) => {
                        for x in r.iter() {
                            risks.insert(x);
                        }
                    }
                    Err(e) => {
                        report.errors.push(row_error(
                            &file,
                            row,
                            "风险类型",
                            extra,
                            e.to_string(),
                            e.code(),
                        ));
                        continue;
                    }
                }
            }
            if risks.len() > RiskTypes::MAX {
                report.errors.push(row_error(
                    &file,
                    row,
                    "风险类型",
                    row.risks.as_deref().unwrap_or(""),
                    format!("风险类型最多5项，实为{}项", risks.len()),
                    "too_many_risks",
                ));
                continue;
            }
            let req = ClueRequest {
                subject,
                risks,
                disaster_kind: Some(
                    row.disaster_kind
                        .clone()
                        .filter(|k| !k.trim().is_empty())
                        .unwrap_or_else(|| batch.disaster_kind.clone()),
                ),
                evidence: Evidence {
                    channel: Channel::DepartmentWarning,
                    source: batch.source.clone(),
                    rule: Some("受灾农户名单".into()),
                    figures: Vec::new(),
                    members: Vec::new(),
                    note: row.note.clone(),
                    found_on: batch.found_on,
                },
                category: None,
                green_channel: batch.green_channel,
            };
            match self.record_clue(caller, &req).await {
                Ok(r) => match r.outcome {
                    ClueOutcome::Created { case: Some(_), .. } => report.opened += 1,
                    ClueOutcome::Created { case: None, .. } => report.recorded += 1,
                    ClueOutcome::Merged { .. } => report.merged += 1,
                    ClueOutcome::Refused { reason } => report
                        .errors
                        .push(row_error(&file, row, "", "", reason, "refused")),
                },
                Err(AppError::Store(e)) => return Err(AppError::Store(e)),
                Err(e) => {
                    let column = if row
                        .household_no
                        .as_deref()
                        .is_some_and(|s| !s.trim().is_empty())
                    {
                        "户编号"
                    } else {
                        "证件号码"
                    };
                    report
                        .errors
                        .push(row_error(&file, row, column, "", e.to_string(), e.code()));
                }
            }
        }
        Ok(report)
    }
}

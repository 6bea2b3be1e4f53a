//! Rows of a file that were not taken, kept with what read the file — an import's change set
//! (`import_problems`) or a screening batch (`screening_problems`): written in the same
//! transaction as the rows that were taken, read back a page at a time by their number.

use crate::{Backend, ProblemLines, RowProblem, StoreResult};

use super::monitoring::corrupt;
use super::{Tx, Value, tuples_for};

/// Where a reader's problems are kept.
pub(super) struct Kept {
    table: &'static str,
    /// The column naming the change set or batch.
    owner: &'static str,
    /// Whether each line names its file (an import reads two; a batch one, its own).
    with_file: bool,
}

pub(super) const IMPORT: Kept = Kept {
    table: "import_problems",
    owner: "changeset_id",
    with_file: true,
};

pub(super) const SCREENING: Kept = Kept {
    table: "screening_problems",
    owner: "screening_id",
    with_file: false,
};

/// Lines per statement (8 or 9 parameters a line: within both backends' limits).
const CHUNK: usize = 1000;

/// Keeps `problems` with `owner`, numbered from 1 in their order (each line made when its
/// statement is: a province's screening may leave millions of rows out).
pub(super) async fn write(
    tx: &mut dyn Tx,
    backend: Backend,
    kept: &Kept,
    owner: i64,
    problems: &dyn ProblemLines,
) -> StoreResult<()> {
    let mut columns = vec![kept.owner, "seq"];
    if kept.with_file {
        columns.push("file");
    }
    columns.extend(["sheet", "row_no", "column_name", "value", "reason", "code"]);
    let total = problems.count();
    for start in (0..total).step_by(CHUNK) {
        let end = (start + CHUNK).min(total);
        let mut rows: Vec<Value<'static>> = Vec::with_capacity((end - start) * columns.len());
        for i in start..end {
            let p = problems.line(i);
            rows.extend([Value::from(owner), ((i + 1) as i64).into()]);
            if kept.with_file {
                rows.push(Value::Text(Some(p.file.into())));
            }
            rows.extend([
                Value::Text(p.sheet.map(Into::into)),
                i64::try_from(p.row).map_err(corrupt)?.into(),
                Value::Text(Some(p.column.into())),
                Value::Text(Some(p.value.into())),
                Value::Text(Some(p.reason.into())),
                Value::Text(Some(p.code.into())),
            ]);
        }
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            kept.table,
            columns.join(", "),
            tuples_for(backend, end - start, columns.len())
        );
        tx.insert_many(kept.table, &columns, &sql, rows).await?;
    }
    Ok(())
}

/// The problems kept with `owner` numbered above `after`, at most `limit`, with their numbers;
/// `file` names the file of a reader that keeps none per line.
pub(super) async fn read(
    tx: &mut dyn Tx,
    kept: &Kept,
    owner: i64,
    file: &str,
    after: Option<u64>,
    limit: u32,
) -> StoreResult<Vec<(u64, RowProblem)>> {
    let after = i64::try_from(after.unwrap_or(0)).map_err(corrupt)?;
    let file_column = if kept.with_file { ", file" } else { "" };
    let rows = tx
        .fetch(
            &format!(
                "SELECT seq, sheet, row_no, column_name, value, reason, code{file_column} \
                 FROM {} WHERE {} = $1 AND seq > $2 ORDER BY seq LIMIT {limit}",
                kept.table, kept.owner
            ),
            &[owner.into(), after.into()],
        )
        .await?;
    let count = |v: i64| u64::try_from(v).map_err(corrupt);
    rows.iter()
        .map(|r| {
            Ok((
                count(r.int(0)?)?,
                RowProblem {
                    file: if kept.with_file {
                        r.text(7)?
                    } else {
                        file.to_string()
                    },
                    sheet: r.opt_text(1)?,
                    row: count(r.int(2)?)?,
                    column: r.text(3)?,
                    value: r.text(4)?,
                    reason: r.text(5)?,
                    code: r.text(6)?,
                },
            ))
        })
        .collect()
}

/// How many problems kept with `owner` have each code, by code.
pub(super) async fn by_code(
    tx: &mut dyn Tx,
    kept: &Kept,
    owner: i64,
) -> StoreResult<Vec<(String, u64)>> {
    tx.fetch(
        &format!(
            "SELECT code, COUNT(*) FROM {} WHERE {} = $1 GROUP BY code ORDER BY code",
            kept.table, kept.owner
        ),
        &[owner.into()],
    )
    .await?
    .iter()
    .map(|r| Ok((r.text(0)?, u64::try_from(r.int(1)?).map_err(corrupt)?)))
    .collect()
}

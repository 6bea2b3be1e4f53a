//! Rows of a file that were not taken, kept with what read the file — an import's change set
//! (`import_problem_pages`) or a screening batch (`screening_problem_pages`): written in the same
//! transaction as the rows that were taken, read back a page at a time by their number.
//!
//! The lines are kept in pages of up to [`PAGE_LINES`], each page one row: the page's lines as a
//! JSON array of arrays (`[file,] sheet, row, column, value, reason, code`), deflated, with how
//! many lines of each code it holds. A department file of the whole population leaves millions
//! of persons out, each line as the report showed it: kept a row a line, 2.5 million lines made
//! the database 257 MB larger and took 4.1–4.4 s to write; their lines repeat the same column,
//! reason and code, and the row numbers count up: in pages, 23 MB and 1.0 s (BENCHMARKS).
//! Pages converted from the rows of migration 0010 keep their JSON as it was, not deflated.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use crate::{Backend, ProblemLines, RowProblem, StoreError, StoreResult};

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
    table: "import_problem_pages",
    owner: "changeset_id",
    with_file: true,
};

pub(super) const SCREENING: Kept = Kept {
    table: "screening_problem_pages",
    owner: "screening_id",
    with_file: false,
};

/// Lines a page holds at most (the migration that made pages of the rows kept before cuts them
/// at the same number; reading relies on no page holding more).
pub(super) const PAGE_LINES: usize = 4000;

/// Pages per statement (4 parameters a page).
const PAGES_PER_STATEMENT: usize = 8;

/// A page's lines as kept, before deflating: `[file,] sheet, row, column, value, reason, code`.
fn encode(kept: &Kept, lines: &[RowProblem]) -> StoreResult<Vec<u8>> {
    let json = if kept.with_file {
        serde_json::to_vec(
            &lines
                .iter()
                .map(|p| {
                    (
                        &p.file, &p.sheet, p.row, &p.column, &p.value, &p.reason, &p.code,
                    )
                })
                .collect::<Vec<_>>(),
        )
    } else {
        serde_json::to_vec(
            &lines
                .iter()
                .map(|p| (&p.sheet, p.row, &p.column, &p.value, &p.reason, &p.code))
                .collect::<Vec<_>>(),
        )
    }
    .map_err(corrupt)?;
    // Level 1: a page of 2.5 million lines' worth deflates to the same size within a tenth at
    // level 6, in half the time.
    let mut out = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(json.len() / 8),
        flate2::Compression::fast(),
    );
    out.write_all(&json).map_err(corrupt)?;
    out.finish().map_err(corrupt)
}

/// The lines of a page as [`encode`] kept them (or as the migration did: the JSON alone).
fn decode(kept: &Kept, file: &str, body: &[u8]) -> StoreResult<Vec<RowProblem>> {
    let inflated;
    let json = if body.first() == Some(&b'[') {
        body
    } else {
        let mut out = Vec::with_capacity(body.len() * 16);
        flate2::read::ZlibDecoder::new(body)
            .read_to_end(&mut out)
            .map_err(corrupt)?;
        inflated = out;
        &inflated
    };
    type Line = (Option<String>, u64, String, String, String, String);
    type FileLine = (String, Option<String>, u64, String, String, String, String);
    Ok(if kept.with_file {
        serde_json::from_slice::<Vec<FileLine>>(json)
            .map_err(corrupt)?
            .into_iter()
            .map(
                |(file, sheet, row, column, value, reason, code)| RowProblem {
                    file,
                    sheet,
                    row,
                    column,
                    value,
                    reason,
                    code,
                },
            )
            .collect()
    } else {
        serde_json::from_slice::<Vec<Line>>(json)
            .map_err(corrupt)?
            .into_iter()
            .map(|(sheet, row, column, value, reason, code)| RowProblem {
                file: file.to_string(),
                sheet,
                row,
                column,
                value,
                reason,
                code,
            })
            .collect()
    })
}

/// Keeps `problems` with `owner`, numbered from 1 in their order, a page at a time (each line
/// made when its page is: a province's screening may leave millions of rows out). A statement's
/// pages are made on two threads (2.5 million lines: 1.45 s on one).
pub(super) async fn write(
    tx: &mut dyn Tx,
    backend: Backend,
    kept: &Kept,
    owner: i64,
    problems: &dyn ProblemLines,
) -> StoreResult<()> {
    let columns = [kept.owner, "first_seq", "codes", "body"];
    let total = problems.count();
    // (codes, body) of the page of lines `first..`.
    let page = |first: usize| -> StoreResult<(String, Vec<u8>)> {
        let lines: Vec<RowProblem> = (first..(first + PAGE_LINES).min(total))
            .map(|i| problems.line(i))
            .collect();
        let mut codes: BTreeMap<&str, u64> = BTreeMap::new();
        for l in &lines {
            *codes.entry(l.code.as_str()).or_default() += 1;
        }
        Ok((
            serde_json::to_string(&codes).map_err(corrupt)?,
            encode(kept, &lines)?,
        ))
    };
    let step = PAGE_LINES * PAGES_PER_STATEMENT;
    for start in (0..total).step_by(step) {
        let firsts: Vec<usize> = (start..(start + step).min(total))
            .step_by(PAGE_LINES)
            .collect();
        let (mine, theirs) = firsts.split_at(firsts.len().div_ceil(2));
        let pages = std::thread::scope(|s| {
            let other = s.spawn(|| theirs.iter().map(|&f| page(f)).collect::<Vec<_>>());
            let mut pages: Vec<_> = mine.iter().map(|&f| page(f)).collect();
            match other.join() {
                Ok(more) => pages.extend(more),
                Err(_) => pages.push(Err(StoreError::Database(
                    "保存未纳入的行时线程异常结束".into(),
                ))),
            }
            pages
        });
        let mut rows: Vec<Value<'static>> = Vec::with_capacity(columns.len() * firsts.len());
        for (first, made) in firsts.iter().zip(pages) {
            let (codes, body) = made?;
            rows.extend([
                Value::from(owner),
                ((first + 1) as i64).into(),
                Value::Text(Some(codes.into())),
                Value::Bytes(Some(body.into())),
            ]);
        }
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            kept.table,
            columns.join(", "),
            tuples_for(backend, firsts.len(), columns.len())
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
    let after = after.unwrap_or(0);
    let from = i64::try_from(after).map_err(corrupt)? - PAGE_LINES as i64;
    // The page holding line `after + 1` begins above `after - PAGE_LINES`; then as many more as
    // `limit` lines may span.
    let pages = limit as usize / PAGE_LINES + 2;
    let rows = tx
        .fetch(
            &format!(
                "SELECT first_seq, body FROM {} WHERE {} = $1 AND first_seq > $2 \
                 ORDER BY first_seq LIMIT {pages}",
                kept.table, kept.owner
            ),
            &[owner.into(), from.into()],
        )
        .await?;
    let mut out = Vec::with_capacity(limit as usize);
    for r in &rows {
        let first = u64::try_from(r.int(0)?).map_err(corrupt)?;
        let body = r
            .opt_bytes(1)?
            .ok_or_else(|| StoreError::Corrupt(format!("{}: a page without lines", kept.table)))?;
        let lines = decode(kept, file, &body)?;
        out.extend(
            (first..)
                .zip(lines)
                .filter(|(seq, _)| *seq > after)
                .take(limit as usize - out.len()),
        );
        if out.len() >= limit as usize {
            break;
        }
    }
    Ok(out)
}

/// How many problems kept with `owner` have each code, by code.
pub(super) async fn by_code(
    tx: &mut dyn Tx,
    kept: &Kept,
    owner: i64,
) -> StoreResult<Vec<(String, u64)>> {
    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
    for r in tx
        .fetch(
            &format!("SELECT codes FROM {} WHERE {} = $1", kept.table, kept.owner),
            &[owner.into()],
        )
        .await?
    {
        let page: BTreeMap<String, u64> = serde_json::from_str(&r.text(0)?).map_err(corrupt)?;
        for (code, n) in page {
            *codes.entry(code).or_default() += n;
        }
    }
    Ok(codes.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(file: &str, sheet: Option<&str>, row: u64, value: &str, code: &str) -> RowProblem {
        RowProblem {
            file: file.into(),
            sheet: sheet.map(Into::into),
            row,
            column: "证件号码".into(),
            value: value.into(),
            reason: "户籍信息中没有此人".into(),
            code: code.into(),
        }
    }

    #[test]
    fn a_page_reads_back_as_written_deflated_or_as_the_migration_left_it() {
        let lines = vec![
            line("户.csv", None, 2, "6201**********6107", "not_registered"),
            line(
                "成员.xlsx",
                Some("成员\"1\"\n"),
                3,
                "a\tb\\c",
                "outside_area",
            ),
        ];
        for kept in [&IMPORT, &SCREENING] {
            let body = encode(kept, &lines).unwrap();
            assert_ne!(body.first(), Some(&b'['), "deflated");
            let back = decode(kept, "成员.xlsx", &body).unwrap();
            if kept.with_file {
                assert_eq!(back, lines);
            } else {
                assert_eq!(back[1], lines[1]);
                assert_eq!(back[0].file, "成员.xlsx", "a batch's lines name its file");
            }
        }
        // Migration 0011 left the JSON of the rows kept before as it was.
        let plain =
            r#"[[null,7,"证件号码","6201**********6107","户籍信息中没有此人","not_registered"]]"#;
        assert_eq!(
            decode(&SCREENING, "医保.csv", plain.as_bytes()).unwrap(),
            vec![line(
                "医保.csv",
                None,
                7,
                "6201**********6107",
                "not_registered"
            )]
        );
        assert!(decode(&SCREENING, "医保.csv", b"\x78\x01garbage").is_err());
    }

    proptest! {
        #[test]
        fn any_lines_read_back_as_written(
            raw in proptest::collection::vec(
                (any::<String>(), proptest::option::of(any::<String>()), any::<u64>(),
                 any::<String>(), any::<String>(), any::<String>(), any::<String>()),
                0..40,
            )
        ) {
            let lines: Vec<RowProblem> = raw
                .into_iter()
                .map(|(file, sheet, row, column, value, reason, code)| RowProblem {
                    file, sheet, row, column, value, reason, code,
                })
                .collect();
            prop_assert_eq!(decode(&IMPORT, "", &encode(&IMPORT, &lines).unwrap()).unwrap(), lines);
        }
    }
}

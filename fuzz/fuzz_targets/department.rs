//! A department file of any bytes (csv or xlsx, by the first byte) screened as every kind of a
//! shipped policy: opening it, reading every row, parsing the kind's cells and judging the rows
//! against a household (size and income from the input too, zero and extremes included) either
//! works or returns an error; it never panics.
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use zhenxing_domain::Money;
use zhenxing_domain::policy::{Policy, SHIPPED};
use zhenxing_domain::screening::{Facts, Screener};
use zhenxing_ledger::department::DepartmentFile;

/// Parsed once: the policy is not what is fuzzed here.
static POLICY: OnceLock<Option<Policy>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(((size, income), body)) = rest
        .split_first_chunk::<4>()
        .and_then(|(s, r)| r.split_first_chunk::<8>().map(|(i, b)| ((s, i), b)))
    else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "dept.csv"
    } else {
        "dept.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Some(policy) =
        POLICY.get_or_init(|| SHIPPED.last().and_then(|(_, _, t)| Policy::parse(t).ok()))
    else {
        return;
    };
    let facts = Facts {
        size: u32::from_le_bytes(*size),
        per_capita_income: (first & 2 == 0).then(|| Money::from_fen(i64::from_le_bytes(*income))),
    };
    let on = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap_or_default();
    for kind in &policy.screening {
        let Ok(file) = DepartmentFile::open(&path, kind) else {
            continue;
        };
        let mut rows = Vec::new();
        let _ = file.read_rows(&mut |sheet, _, cells, _| {
            if let Ok(row) = kind.parse_row(cells, sheet.within()) {
                rows.push(row);
            }
            rows.len() < 10_000
        });
        let screener = Screener::new(kind, Money::from_fen(i64::from_le_bytes(*income)), on);
        let all: Vec<_> = rows.iter().collect();
        let _ = screener.judge(facts, &all);
        for row in &rows {
            let _ = screener.judge(facts, &[row]);
        }
    }
});

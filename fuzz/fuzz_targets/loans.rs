//! A loans ledger of any bytes (csv or xlsx, by the first byte): finding its header, reading its
//! rows, parsing each into a loan (under a header with a unit and without), checking it, and
//! summing the loans as of a day either works or returns an error; it never panics.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use zhenxing_domain::loan::LoanFigures;
use zhenxing_ledger::loan::{parse_loan, read_loans};

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "贷款.csv"
    } else {
        "贷款.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Ok(table) = read_loans(&path) else {
        return;
    };
    let day = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap_or_default();
    let mut figures = LoanFigures::default();
    for row in table.rows.iter().take(10_000) {
        for bare in [false, true] {
            if let Ok(loan) = parse_loan(row, bare) {
                for e in loan.check(day) {
                    let _ = (e.column(), e.to_string());
                }
                figures.add(&loan, first & 2 == 0, day);
                let _ = (loan.outstanding_on(day), loan.overdue_on(day));
            }
        }
    }
    let _ = figures.overdue_rate();
});

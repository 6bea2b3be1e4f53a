//! A construction ledger of any bytes (csv or xlsx, by the first byte): finding its items' and
//! targets' headers, reading their rows, parsing each and checking it against the default
//! tasks, and summing the figures either works or returns an error; it never panics.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use zhenxing_domain::construction::{ConstructionFigures, ConstructionRule};
use zhenxing_ledger::construction::{parse_item, parse_target, read_construction};

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "乡建.csv"
    } else {
        "乡建.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Ok((items, targets)) = read_construction(&path) else {
        return;
    };
    let rule = ConstructionRule::default();
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let mut figures = ConstructionFigures::default();
    for row in items.iter().flat_map(|t| t.rows.iter()).take(10_000) {
        if let Ok(i) = parse_item(row) {
            for e in i.check(&rule, today) {
                let _ = (e.column(), e.to_string());
            }
            figures.add_item(&i);
        }
    }
    for row in targets.iter().flat_map(|t| t.rows.iter()).take(10_000) {
        if let Ok(t) = parse_target(row) {
            for e in t.check(&rule) {
                let _ = (e.column(), e.to_string());
            }
            figures.add_target(t.quantity);
        }
    }
    let _ = (
        figures.completion_rate(),
        figures.planned_rate(),
        figures.unplanned(),
        figures.behind(),
    );
});

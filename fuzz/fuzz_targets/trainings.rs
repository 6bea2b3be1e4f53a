//! A training ledger of any bytes (csv or xlsx, by the first byte): finding its header, reading
//! its rows, parsing and checking each, and the figures either works or returns an error; it
//! never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhenxing_domain::work_team::TeamFigures;
use zhenxing_ledger::work_team::{parse_training, read_trainings};

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "培训.csv"
    } else {
        "培训.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Ok(table) = read_trainings(&path) else {
        return;
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default();
    let mut figures = TeamFigures::default();
    for row in table.rows.iter().take(10_000) {
        let Ok(t) = parse_training(row) else {
            continue;
        };
        for problem in t.check(today) {
            let _ = (problem.column(), problem.to_string());
        }
        let _ = t.key();
        figures.members += 1;
        figures.add_training(u64::from(t.hours));
    }
    let _ = figures.training_rate();
});

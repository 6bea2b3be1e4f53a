//! A table of employment targets of any bytes (csv or xlsx, by the first byte): finding its
//! header, reading its rows, parsing and checking each, and the progress against the sum
//! either works or returns an error; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhenxing_domain::employment::TargetProgress;
use zhenxing_ledger::employment::{parse_target, read_targets};

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "目标.csv"
    } else {
        "目标.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Ok(table) = read_targets(&path) else {
        return;
    };
    let mut progress = TargetProgress::default();
    for row in table.rows.iter().take(10_000) {
        let Ok(t) = parse_target(row) else {
            continue;
        };
        for problem in t.check() {
            let _ = problem.to_string();
        }
        let _ = t.key();
        progress.counted = progress.counted.saturating_add(u64::from(t.persons) / 2);
        *progress.target.get_or_insert(0) = progress
            .target
            .unwrap_or(0)
            .saturating_add(u64::from(t.persons));
    }
    let _ = (progress.rate(), progress.behind(), progress.short());
});

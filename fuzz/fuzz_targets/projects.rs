//! A project ledger of any bytes (csv or xlsx, by the first byte): finding its header, reading
//! its rows, parsing each into a project and checking it against the shipped policy's rule, and
//! summing the projects into the year's figures either works or returns an error; it never
//! panics.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use zhenxing_domain::project::{ProjectFigures, ProjectRule};
use zhenxing_ledger::project::{parse_project, read_projects};

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "项目.csv"
    } else {
        "项目.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Ok(table) = read_projects(&path) else {
        return;
    };
    let rule = ProjectRule::default();
    let today = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap_or_default();
    let mut figures = ProjectFigures::default();
    for row in table.rows.iter().take(10_000) {
        if let Ok(p) = parse_project(row) {
            for e in p.check(&rule.categories, today) {
                let _ = (e.column(), e.to_string());
            }
            figures.add(&p, &rule);
        }
    }
    let _ = (
        figures.start_rate(),
        figures.completion_rate(),
        figures.spending_rate(),
        figures.industry_share(),
        figures.industry_short(&rule),
    );
});

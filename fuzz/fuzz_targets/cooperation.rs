//! A cooperation ledger of any bytes (csv or xlsx, by the first byte): finding its header,
//! reading its rows, parsing each, reading its values in the indicator's unit and summing the
//! figures either works or returns an error; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhenxing_domain::cooperation::{CooperationRule, IndicatorFigures};
use zhenxing_ledger::cooperation::{parse_entry, read_cooperation};

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "协作.csv"
    } else {
        "协作.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Ok(table) = read_cooperation(&path) else {
        return;
    };
    let rule = CooperationRule::default();
    let mut figures = IndicatorFigures::default();
    for row in table.rows.iter().take(10_000) {
        let Ok(parsed) = parse_entry(row) else {
            continue;
        };
        let mut e = parsed.entry;
        for problem in e.check(&rule) {
            let _ = (problem.column(), problem.to_string());
        }
        if let Some(i) = rule.indicator(&e.indicator) {
            e.planned = i.parse_value(&parsed.planned).unwrap_or(0);
            e.done = parsed
                .done
                .as_deref()
                .map_or(0, |d| i.parse_value(d).unwrap_or(0));
            let _ = (i.show(e.planned), i.show(e.done), e.key());
        }
        figures.add(&e);
    }
    let _ = (figures.rate(), figures.behind());
});

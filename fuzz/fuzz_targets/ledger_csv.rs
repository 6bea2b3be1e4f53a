//! A ledger file of any bytes (csv): opening, reading and parsing every row of both layouts
//! either works or returns an error; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhenxing_domain::DivisionTree;
use zhenxing_ledger::parse::{parse_household, parse_member};
use zhenxing_ledger::{Ledger, LedgerKind};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("ledger.csv");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let tree = DivisionTree::default();
    for kind in [LedgerKind::Households, LedgerKind::Members] {
        let Ok(ledger) = Ledger::open(&path, kind) else {
            continue;
        };
        let _ = ledger.read_rows(&mut |plan, row| {
            match kind {
                LedgerKind::Households => {
                    let _ = parse_household("f", plan, &row, &tree);
                }
                LedgerKind::Members => {
                    let _ = parse_member("f", plan, &row);
                }
            }
            true
        });
    }
});

//! A ledger file of any bytes (csv): opening, reading and parsing every row of both layouts
//! (a households sheet of one row a person folded first, as the import does) either works or
//! returns an error; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhenxing_domain::DivisionTree;
use zhenxing_ledger::parse::{parse_household, parse_member};
use zhenxing_ledger::persons::{Apart, Folded, HouseholdFolder};
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
        let mut folder = HouseholdFolder::new("f".into(), &ledger.sheets);
        if kind == LedgerKind::Households {
            // The import's first pass: the households whose rows lie apart, to be gathered.
            let mut apart = Apart::new();
            let _ = ledger.read_rows(&mut |plan, row| {
                let key = plan.columns.get(zhenxing_ledger::layout::F::HouseholdNo);
                apart.next(
                    0,
                    key.and_then(|i| row.cells.get(i)).map_or("", |c| &c.text),
                );
                true
            });
            folder.gather_apart(apart.found());
        }
        let parse_folded = |folder: &HouseholdFolder, f: Folded| {
            if let Folded::Row { sheet, raw } = f {
                let _ = parse_household("f", &folder.plans()[sheet], &raw, &tree);
            }
        };
        let _ = ledger.read_rows(&mut |plan, row| {
            match kind {
                LedgerKind::Households => {
                    let _ = parse_household("f", plan, row, &tree);
                    let mut folded = Vec::new();
                    folder.push(0, row, &mut |f| folded.push(f));
                    for f in folded {
                        parse_folded(&folder, f);
                    }
                }
                LedgerKind::Members => {
                    let _ = parse_member("f", plan, row);
                }
            }
            true
        });
        let plans = folder.plans().to_vec();
        folder.finish_all(&mut |f| {
            if let Folded::Row { sheet, raw } = f {
                let _ = parse_household("f", &plans[sheet], &raw, &tree);
            }
            true
        });
    }
});

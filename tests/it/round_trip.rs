//! Export and import are one layout: an unmasked export imports back unchanged.

use futures::TryStreamExt;
use zhenxing_app::NoProgress;
use zhenxing_app::export::{ExportLayout, ExportRequest};
use zhenxing_app::synth::{Synth, SynthOptions};
use zhenxing_domain::{AreaCode, Household, Member, Scope};
use zhenxing_ledger::LedgerKind;
use zhenxing_ledger::write::{
    AreaNames, CsvEncoding, Disclosure, Layout, XlsxLedgerWriter, household_row, member_row,
    person_row,
};
use zhenxing_store::Actor;

use crate::support::*;

const COUNTY: &str = "620102";

async fn seeded(households: u64) -> Env {
    let env = Env::new().await;
    let opts = SynthOptions {
        area: Some(AreaCode::parse(COUNTY).unwrap()),
        ..SynthOptions::new(households, 3)
    };
    env.app
        .add_synthetic(
            &opts,
            &Actor {
                user_id: None,
                name: "生成".into(),
            },
            &NoProgress,
        )
        .await
        .unwrap();
    env
}

async fn everything(env: &Env) -> (Vec<Household>, Vec<Member>) {
    let area = AreaCode::parse(COUNTY).unwrap();
    let store = env.app.store();
    let hs: Vec<Household> = store
        .export_households(Scope::All, area)
        .map_ok(|h| h.household)
        .try_collect()
        .await
        .unwrap();
    let ms: Vec<Member> = store
        .export_members(Scope::All, area)
        .map_ok(|m| m.member)
        .try_collect()
        .await
        .unwrap();
    (hs, ms)
}

fn export_req(
    env: &Env,
    name: &str,
    disclosure: Disclosure,
    csv_encoding: CsvEncoding,
) -> ExportRequest {
    ExportRequest {
        scope: Scope::All,
        area: AreaCode::parse(COUNTY).unwrap(),
        out: env.path(name),
        disclosure,
        csv_encoding,
        layout: ExportLayout::Ledgers,
    }
}

#[tokio::test]
async fn unmasked_xlsx_export_imports_back_unchanged() {
    let source = seeded(300).await;
    let (households, members) = everything(&source).await;
    assert_eq!(households.len(), 300);
    let result = source
        .app
        .export(
            &export_req(
                &source,
                "台账.xlsx",
                Disclosure::Whole,
                CsvEncoding::Utf8Bom,
            ),
            &NoProgress,
        )
        .await
        .unwrap();
    assert_eq!(
        (result.households, result.members),
        (300, members.len() as u64)
    );
    let file = &result.files[0];

    // Into a new database: everything arrives, equal field by field.
    let target = Env::new().await;
    let report = target.import(Some(file), Some(file)).await.unwrap();
    assert!(
        report.errors.is_empty(),
        "{:?}",
        &report.errors[..report.errors.len().min(5)]
    );
    assert_eq!(everything(&target).await, (households, members.clone()));

    // Into the database it came from: nothing changes.
    let report = source.import(Some(file), Some(file)).await.unwrap();
    let c = &report.counts;
    assert_eq!(
        (
            c.households_unchanged,
            c.members_unchanged,
            c.households_updated,
            c.members_updated
        ),
        (300, members.len() as u64, 0, 0)
    );
}

#[tokio::test]
async fn gbk_csv_export_is_two_files_that_import_back() {
    let source = seeded(50).await;
    let expected = everything(&source).await;
    let result = source
        .app
        .export(
            &export_req(&source, "ledger.csv", Disclosure::Whole, CsvEncoding::Gbk),
            &NoProgress,
        )
        .await
        .unwrap();
    let names: Vec<String> = result
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["ledger_户信息.csv", "ledger_成员信息.csv"]);
    let bytes = std::fs::read(&result.files[0]).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK bytes are not UTF-8"
    );
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(text.starts_with("户编号,所在村代码,户主姓名,家庭人口数,人均纯收入（元）,是否脱贫户,"));
    // Numbers of 12 digits and more are written so that Excel opens them as text (it would
    // show them as 6.20102E+17 and save them so): a tab before each, which the import trims.
    let member_bytes = std::fs::read(&result.files[1]).unwrap();
    let (members, _) = encoding_rs::GBK.decode_without_bom_handling(&member_bytes);
    for m in &expected.1 {
        assert!(
            members.contains(&format!(",\t{},", m.id.as_str())),
            "{}",
            m.id
        );
    }
    for h in &expected.0 {
        assert!(
            text.contains(&format!(",\t{},", h.village)),
            "{}",
            h.village
        );
    }
    assert!(!text.contains("\t1,") && !text.contains(",\t否"));
    let target = Env::new().await;
    let report = target
        .import(Some(&result.files[0]), Some(&result.files[1]))
        .await
        .unwrap();
    assert!(report.errors.is_empty());
    assert_eq!(everything(&target).await, expected);
}

#[tokio::test]
async fn a_masked_export_shows_no_whole_id_or_phone() {
    let source = seeded(40).await;
    let (households, members) = everything(&source).await;
    let result = source
        .app
        .export(
            &export_req(
                &source,
                "masked.csv",
                Disclosure::Masked,
                CsvEncoding::Utf8Bom,
            ),
            &NoProgress,
        )
        .await
        .unwrap();
    let text = std::fs::read_to_string(&result.files[0]).unwrap()
        + &std::fs::read_to_string(&result.files[1]).unwrap();
    for m in &members {
        assert!(!text.contains(m.id.as_str()));
        assert!(text.contains(&m.id.masked()));
    }
    for p in households.iter().filter_map(|h| h.phone.as_deref()) {
        assert!(!text.contains(p));
    }
    // Importing it back cannot work, and says why.
    let target = Env::new().await;
    let report = target
        .import(Some(&result.files[0]), Some(&result.files[1]))
        .await
        .unwrap();
    assert_eq!(report.counts.members_inserted, 0);
    assert!(
        report
            .errors
            .iter()
            .all(|e| e.code == "id_masked" || e.code == "phone"),
        "{:?}",
        report.errors.first()
    );
}

#[tokio::test]
async fn a_ledger_split_over_several_sheets_imports_whole() {
    let env = Env::new().await;
    let tree = env.app.tree().await;
    let opts = SynthOptions {
        area: Some(AreaCode::parse(COUNTY).unwrap()),
        ..SynthOptions::new(25, 9)
    };
    let path = env.path("split.xlsx");
    let mut w = XlsxLedgerWriter::create(&path, "分表导出").with_max_rows(10);
    let generated: Vec<(Household, Vec<Member>)> = Synth::new(&tree, &opts).collect();
    w.begin(LedgerKind::Households).unwrap();
    for (h, _) in &generated {
        w.row(&household_row(h, &AreaNames::default(), Disclosure::Whole))
            .unwrap();
    }
    w.begin(LedgerKind::Members).unwrap();
    for m in generated.iter().flat_map(|(_, ms)| ms) {
        w.row(&member_row(m, Disclosure::Whole)).unwrap();
    }
    w.finish().unwrap();
    let sheets = calamine::open_workbook_auto(&path)
        .map(|b: calamine::Sheets<_>| calamine::Reader::sheet_names(&b))
        .unwrap();
    assert_eq!(
        &sheets[..4],
        ["户信息", "户信息(2)", "户信息(3)", "成员信息"]
    );
    let report = env.import(Some(&path), Some(&path)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    let members: usize = generated.iter().map(|(_, m)| m.len()).sum();
    assert_eq!(
        (
            report.counts.households_inserted,
            report.counts.members_inserted
        ),
        (25, members as u64)
    );
}

/// One row a person (一表式台账), xlsx and GBK CSV: a household without members on a row of its
/// own; given as the households ledger alone, everything comes back, equal field by field.
#[tokio::test]
async fn one_row_a_person_export_imports_back_unchanged() {
    let source = seeded(120).await;
    // A household whose members have all left: its row has no person.
    let (households, _) = everything(&source).await;
    let emptied = households[7].no.clone();
    let store = source.app.store();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", source.path("test.db").display()))
        .await
        .unwrap();
    sqlx::query("DELETE FROM members WHERE household_no = ?")
        .bind(emptied.as_str())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(
        store
            .members(Scope::All, &emptied)
            .await
            .unwrap()
            .is_empty()
    );
    let (households, members) = everything(&source).await;

    for (name, encoding) in [
        ("一表式.xlsx", CsvEncoding::Utf8Bom),
        ("一表式.csv", CsvEncoding::Gbk),
    ] {
        let mut req = export_req(&source, name, Disclosure::Whole, encoding);
        req.layout = ExportLayout::Persons;
        let result = source.app.export(&req, &NoProgress).await.unwrap();
        assert_eq!(result.files.len(), 1, "one file: {:?}", result.files);
        assert_eq!(
            (result.households, result.members),
            (120, members.len() as u64)
        );
        let target = Env::new().await;
        let report = target.import(Some(&result.files[0]), None).await.unwrap();
        assert!(
            report.errors.is_empty(),
            "{name}: {:?}",
            report.errors.first()
        );
        assert_eq!(report.rows, members.len() as u64 + 1, "{name}");
        assert_eq!(
            everything(&target).await,
            (households.clone(), members.clone()),
            "{name}"
        );
    }
}

/// A sheet of one row a person is split between households, never inside one: each sheet's
/// households are whole, and the workbook imports back.
#[tokio::test]
async fn one_row_a_person_split_over_sheets_keeps_each_household_on_one() {
    let env = Env::new().await;
    let tree = env.app.tree().await;
    let opts = SynthOptions {
        area: Some(AreaCode::parse(COUNTY).unwrap()),
        ..SynthOptions::new(20, 9)
    };
    let path = env.path("split.xlsx");
    let mut w = XlsxLedgerWriter::create(&path, "分表导出").with_max_rows(10);
    let generated: Vec<(Household, Vec<Member>)> = Synth::new(&tree, &opts).collect();
    w.begin(Layout::Persons).unwrap();
    for (h, ms) in &generated {
        let cells = household_row(h, &AreaNames::default(), Disclosure::Whole);
        let rows: Vec<_> = ms
            .iter()
            .map(|m| person_row(&cells, Some(member_row(m, Disclosure::Whole))))
            .collect();
        w.rows_together(&rows).unwrap();
    }
    w.finish().unwrap();
    let mut book: calamine::Sheets<_> = calamine::open_workbook_auto(&path).unwrap();
    let sheets = calamine::Reader::sheet_names(&book);
    assert!(sheets.len() > 2, "{sheets:?}");
    let mut seen = std::collections::HashSet::new();
    for sheet in &sheets {
        let range = calamine::Reader::worksheet_range(&mut book, sheet).unwrap();
        let keys: std::collections::BTreeSet<String> =
            range.rows().skip(2).map(|r| r[0].to_string()).collect();
        assert!(range.rows().count() - 2 <= 10, "{sheet}");
        for k in keys {
            assert!(seen.insert(k.clone()), "household {k} on two sheets");
        }
    }
    let report = env.import(Some(&path), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    let members: usize = generated.iter().map(|(_, m)| m.len()).sum();
    assert_eq!(
        (
            report.counts.households_inserted,
            report.counts.members_inserted
        ),
        (20, members as u64)
    );
}

/// An import begun straight on the store, as the command-line operator's (`Scope::All`).
async fn begin_first_load(env: &Env) -> Box<dyn zhenxing_store::ImportTx> {
    let actor = Actor {
        user_id: None,
        name: "测试".into(),
    };
    let source = zhenxing_store::ImportSource::default();
    env.app
        .store()
        .begin_import(&actor, Scope::All, &source)
        .await
        .unwrap()
}

/// Loads `households` and `members` in one import that must succeed.
async fn load(env: &Env, households: &[Household], members: &[Member]) {
    let mut tx = begin_first_load(env).await;
    tx.households(households).await.unwrap();
    tx.members(members).await.unwrap();
    tx.commit(&Default::default(), &Vec::new()).await.unwrap();
}

/// A first load into an empty registry looks nothing up (the ledger reader refuses repeats
/// before the store sees them). A repeat given to the store anyway fails the whole import on the
/// database's key and writes nothing; the same rows given once load.
#[tokio::test]
async fn a_first_load_with_a_repeated_household_fails_whole_and_writes_nothing() {
    let (households, members) = everything(&seeded(3).await).await;
    let env = Env::new().await;

    let mut tx = begin_first_load(&env).await;
    let twice = [households[0].clone(), households[0].clone()];
    assert!(tx.households(&twice).await.is_err());
    drop(tx);
    assert_eq!(env.household_count().await, 0);

    load(&env, &households, &members).await;
    let (back_h, back_m) = everything(&env).await;
    assert_eq!(back_h.len(), households.len());
    assert_eq!(back_m.len(), members.len());
}

/// A first load is written without the database checking each row's references (the store
/// resolved them itself), and checked as a whole before it commits: a household of a village
/// the division tree does not hold fails the import, and nothing is written.
#[tokio::test]
async fn a_first_load_referring_to_an_unknown_village_fails_whole_and_writes_nothing() {
    let (households, members) = everything(&seeded(3).await).await;
    let env = Env::new().await;

    let mut nowhere = households.clone();
    let county = nowhere[0].village.county().unwrap();
    nowhere[0].village = AreaCode::parse(&format!("{}999999", &county.to_string()[..6])).unwrap();
    let mut tx = begin_first_load(&env).await;
    let refused = match tx.households(&nowhere).await {
        Err(_) => true,
        Ok(_) => {
            tx.members(&members).await.is_err()
                || tx.commit(&Default::default(), &Vec::new()).await.is_err()
        }
    };
    assert!(refused);
    assert_eq!(env.household_count().await, 0);

    // The same rows with their own villages load, and the registry's references hold.
    load(&env, &households, &members).await;
    assert_eq!(env.household_count().await, households.len() as u64);
    env.app.store().check_integrity().await.unwrap();
}

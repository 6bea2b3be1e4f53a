//! One story of the product, told against SQLite here and against a real PostgreSQL server in
//! CI (`.ci/run` starts one and sets `ZHENXING_TEST_PG`).

use futures::TryStreamExt;
use sqlx::Connection;
use zhenxing_app::export::ExportRequest;
use zhenxing_app::import::ImportRequest;
use zhenxing_app::{App, NoProgress};
use zhenxing_domain::{AreaCode, AreaLevel, HouseholdNo, IdNumber, Scope};
use zhenxing_ledger::write::{CsvEncoding, Disclosure};
use zhenxing_store::{Actor, Backend};

use crate::support::*;

fn actor() -> Actor {
    Actor {
        user_id: None,
        name: "故事".into(),
    }
}

/// Import, browse within and across areas, statistics, an update with history, export and
/// re-import.
pub async fn story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let write = |name: &str, text: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let wang = id("620102", "19700101", 1);
    let li = id("620521", "19800303", 5);
    let households = write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "S001,620102010201,王伟,2,5800,是,脱贫不稳定户,因病,2024-04-01,否,",
                "S002,620521100001,李强,1,9000,否,边缘易致贫户,因灾,2023-07-15,是,2024-03-01",
                "S003,620102010299,坏行,1,9000,否,,,,否,",
            ],
        ),
    );
    let members = write(
        "m.csv",
        csv(
            M_HEADER,
            &[
                &format!("1,S001,{wang},王伟,男,1970-01-01,户主,患有大病"),
                &format!(
                    "2,S001,{},张红,女,1972-02-02,配偶,健康",
                    id("620102", "19720202", 2)
                ),
                &format!("3,S002,{li},李强,男,1980-03-03,户主,健康"),
            ],
        ),
    );
    let req = ImportRequest {
        households: Some(households),
        members: Some(members),
        actor: actor(),
        scope: Scope::All,
    };
    let report = app.import(&req, &NoProgress).await.unwrap();
    assert_eq!(
        errors(&report),
        vec![(4, "所在村代码".to_string(), "unknown_area_code")]
    );
    assert_eq!(
        (
            report.counts.households_inserted,
            report.counts.members_inserted
        ),
        (2, 3)
    );

    // Browse: a county sees its own household and not the other county's.
    let store = app.store();
    let chengguan = Scope::Area(AreaCode::parse("620102").unwrap());
    let s001 = HouseholdNo::parse("S001").unwrap();
    let s002 = HouseholdNo::parse("S002").unwrap();
    let h = store.household(chengguan, &s001).await.unwrap().unwrap();
    assert_eq!((h.household.head_name.as_str(), h.persons), ("王伟", 2));
    assert!(store.household(chengguan, &s002).await.unwrap().is_none());
    assert!(store.members(chengguan, &s002).await.unwrap().is_empty());
    assert_eq!(
        store
            .household_of_person(Scope::All, &IdNumber::parse(&li).unwrap())
            .await
            .unwrap(),
        Some(s002.clone())
    );
    assert_eq!(
        store
            .household_of_person(chengguan, &IdNumber::parse(&li).unwrap())
            .await
            .unwrap(),
        None
    );
    assert!(store.history(chengguan, &s002).await.unwrap().is_empty());

    // Statistics at every level add up.
    let rows = app
        .stats(Scope::All, None, AreaLevel::County)
        .await
        .unwrap();
    let province = &rows[0];
    assert_eq!(province.code.to_string(), "620000000000");
    let c = province.counts;
    assert_eq!(
        (
            c.households,
            c.persons,
            c.monitored_households,
            c.monitored_persons,
            c.eliminated_households,
            c.eliminated_persons
        ),
        (2, 3, 2, 3, 1, 1)
    );
    let county = rows
        .iter()
        .find(|r| r.code.to_string() == "620521000000")
        .unwrap();
    assert_eq!(
        (county.counts.households, county.counts.eliminated_persons),
        (1, 1)
    );

    // An updated ledger: the change is kept with its previous value.
    let update = write(
        "h2.csv",
        csv(
            H_HEADER,
            &["S001,620102010201,王伟,2,7200,是,脱贫不稳定户,因病,2024-04-01,是,2025-01-10"],
        ),
    );
    let req = ImportRequest {
        households: Some(update),
        members: None,
        actor: actor(),
        scope: chengguan,
    };
    let report = app.import(&req, &NoProgress).await.unwrap();
    assert_eq!(report.counts.households_updated, 1);
    let history = store.history(chengguan, &s001).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].before["monitoring"]["eliminated"], false);
    assert_eq!(history[0].after["monitoring"]["eliminated"], true);
    assert_eq!(history[0].changed_by, "故事");

    // Export the county and import it back: nothing changes.
    let out = dir.path().join("城关区.xlsx");
    let export = ExportRequest {
        scope: chengguan,
        area: AreaCode::parse("620102").unwrap(),
        out: out.clone(),
        disclosure: Disclosure::Whole,
        csv_encoding: CsvEncoding::Utf8Bom,
    };
    let result = app.export(&export, &NoProgress).await.unwrap();
    assert_eq!((result.households, result.members), (1, 2));
    let req = ImportRequest {
        households: Some(out.clone()),
        members: Some(out),
        actor: actor(),
        scope: chengguan,
    };
    let report = app.import(&req, &NoProgress).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        (
            report.counts.households_unchanged,
            report.counts.members_unchanged
        ),
        (1, 2)
    );
    let exported: Vec<_> = store
        .export_households(Scope::All, AreaCode::parse("620000").unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(exported.len(), 2);
    assert_eq!(store.imports(Scope::All, 10).await.unwrap().len(), 3);
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("story.db");
    story(&db.to_string_lossy()).await;
    let app = App::open(&db.to_string_lossy()).await.unwrap();
    assert_eq!(app.store().backend(), Backend::Sqlite);
}

/// The server CI started, or `None` outside CI (then the PostgreSQL tests are skipped; in CI a
/// missing server is a failure).
pub fn postgres_url() -> Option<String> {
    match std::env::var("ZHENXING_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("ZHENXING_CI").is_err(),
                "CI must run the PostgreSQL tests: ZHENXING_TEST_PG is not set"
            );
            eprintln!("skipped: set ZHENXING_TEST_PG=postgres://... to run against PostgreSQL");
            None
        }
    }
}

/// A new, empty database on the test server; its URL.
pub async fn fresh_postgres(base: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "zx_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    let mut conn = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (before, after) = base
        .split_once('?')
        .map(|(b, a)| (b, format!("?{a}")))
        .unwrap_or((base, String::new()));
    let root = before.rsplit_once('/').map(|(r, _)| r).unwrap_or(before);
    format!("{root}/{name}{after}")
}

#[tokio::test]
async fn story_on_postgres() {
    let Some(base) = postgres_url() else { return };
    let url = fresh_postgres(&base).await;
    story(&url).await;
    let app = App::open(&url).await.unwrap();
    assert_eq!(app.store().backend(), Backend::Postgres);
}

/// Citus distributes a table by one column; unique keys and foreign keys must include it. Every
/// registry table is distributed by county, so the county code must be in each of its keys.
#[tokio::test]
async fn postgres_schema_is_ready_to_distribute_by_county() {
    let Some(base) = postgres_url() else { return };
    let url = fresh_postgres(&base).await;
    App::open(&url).await.unwrap();
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_sqlx%' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    // Each table has a role; a new table must be given one here (and in ARCHITECTURE.md).
    let registry = [
        "household_history",
        "households",
        "member_history",
        "members",
    ];
    let directories = ["household_ids", "person_ids"];
    let reference = [
        "api_tokens",
        "audit_head",
        "audit_log",
        "changesets",
        "divisions",
        "meta",
        "sessions",
        "users",
    ];
    for (t,) in &tables {
        assert!(
            registry.contains(&t.as_str())
                || directories.contains(&t.as_str())
                || reference.contains(&t.as_str()),
            "table {t} has no distribution role"
        );
    }
    let keys: Vec<(String, String, String, Vec<String>)> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, c.contype::text, COALESCE(c.confrelid::regclass::text, ''), \
         ARRAY(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a \
               ON a.attrelid = c.conrelid AND a.attnum = k) \
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
         WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for t in registry {
        let pk = keys
            .iter()
            .find(|(table, kind, _, _)| table == t && kind == "p")
            .unwrap_or_else(|| panic!("{t} has no primary key"));
        assert!(
            pk.3.contains(&"county_code".to_string()),
            "{t}: primary key {:?} lacks county_code",
            pk.3
        );
    }
    for (table, kind, target, columns) in &keys {
        if !registry.contains(&table.as_str()) {
            continue;
        }
        match kind.as_str() {
            "u" => assert!(
                columns.contains(&"county_code".to_string()),
                "{table}: unique key {columns:?} lacks county_code"
            ),
            "f" if registry.contains(&target.as_str()) => {
                assert!(
                    columns.contains(&"county_code".to_string()),
                    "{table} -> {target}: foreign key {columns:?} lacks county_code"
                )
            }
            "f" => assert!(
                reference.contains(&target.as_str()),
                "{table} -> {target}: a registry table may only refer to reference tables"
            ),
            _ => {}
        }
    }
}

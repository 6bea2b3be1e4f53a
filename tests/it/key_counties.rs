//! Key assistance counties (重点帮扶县): the province's list loaded (a county by its code, or by
//! its name with its city's; a list with a problem writes nothing; a new list replaces the old),
//! and the key counties' figures within an area — each county as the statistics give it, each
//! list summed. On SQLite and on PostgreSQL, and from the command line.

use zhenxing_app::import::ImportRequest;
use zhenxing_app::store::Actor;
use zhenxing_app::{App, NoProgress};
use zhenxing_domain::key_county::KeyCountyKind;
use zhenxing_domain::{AreaCode, AreaLevel, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::{csv, id};

const H: &str =
    "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,监测对象类别,致贫返贫风险,识别监测时间";
const M: &str = "户编号,证件号码,姓名,与户主关系";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

/// Monitored households in 城关区 (2), 七里河区 (1) and 永登县 (1).
async fn registry(app: &App, dir: &std::path::Path) {
    let h = dir.join("h.csv");
    let m = dir.join("m.csv");
    std::fs::write(
        &h,
        csv(
            H,
            &[
                "K1,620102001001,甲,1,是,脱贫不稳定户,因病,2024-05-01",
                "K2,620102001002,乙,1,否,边缘易致贫户,因学,2024-05-01",
                "K3,620103001001,丙,1,是,脱贫不稳定户,因残,2024-05-01",
                "K4,620121100001,丁,1,是,脱贫不稳定户,因病,2024-05-01",
            ],
        ),
    )
    .unwrap();
    let m_rows = [
        format!("K1,{},甲,户主", id("620102", "19700101", 41)),
        format!("K2,{},乙,户主", id("620102", "19700102", 42)),
        format!("K3,{},丙,户主", id("620103", "19700103", 43)),
        format!("K4,{},丁,户主", id("620121", "19700104", 44)),
    ];
    let m_rows: Vec<&str> = m_rows.iter().map(String::as_str).collect();
    std::fs::write(&m, csv(M, &m_rows)).unwrap();
    let report = app
        .import(
            &ImportRequest {
                households: Some(h),
                members: Some(m),
                actor: Actor {
                    user_id: None,
                    name: "台账".into(),
                },
                scope: Scope::All,
            },
            &NoProgress,
        )
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

fn list(dir: &std::path::Path, name: &str, rows: &[&str]) -> std::path::PathBuf {
    let path = dir.join(name);
    let text = format!(
        "甘肃省乡村振兴重点帮扶县名单\r\n{}",
        csv("县代码,市（州）,县（市、区）,类别", rows)
    );
    std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
    path
}

async fn key_counties(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    registry(&app, dir.path()).await;

    // A list with problems writes nothing and says each.
    let bad = list(
        dir.path(),
        "坏名单.csv",
        &[
            "620102,,,国家级",
            "620199,,,国家级",
            ",兰州市,不存在县,省级",
            ",,七里河区,市级",
            "620102000000,,,省级",
        ],
    );
    let load = app.load_key_counties(&bad).await.unwrap();
    let told: Vec<(u64, &str, &str)> = load
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(
        told,
        [
            (4, "县代码", "不是区划树中的县级代码"),
            (5, "县（市、区）", "区划树中没有名为“不存在县”的县"),
            (
                6,
                "类别",
                "重点帮扶县类别无法识别，可填：国家乡村振兴重点帮扶县、省乡村振兴重点帮扶县"
            ),
            (7, "县（市、区）", "与第3行重复"),
        ]
    );
    assert!(
        app.store()
            .key_counties(Scope::All)
            .await
            .unwrap()
            .is_empty()
    );

    // The list: 城关区 by its code, 七里河区 by its name and city's.
    let good = list(
        dir.path(),
        "名单.csv",
        &["620102,,,国家乡村振兴重点帮扶县", ",兰州市,七里河区,省级"],
    );
    let load = app.load_key_counties(&good).await.unwrap();
    assert!(load.errors.is_empty(), "{:?}", load.errors);
    assert_eq!((load.national, load.provincial), (1, 1));
    assert_eq!(load.province, Some(area("620000")));

    let k = app
        .key_county_figures(Scope::All, area("620000"), None)
        .await
        .unwrap();
    let counties: Vec<(KeyCountyKind, String, String, u64)> = k
        .counties
        .iter()
        .map(|(kind, f)| {
            (
                *kind,
                f.code.to_string(),
                f.name.clone(),
                f.counts.monitored_households,
            )
        })
        .collect();
    assert_eq!(
        counties,
        [
            (
                KeyCountyKind::National,
                "620102000000".into(),
                "兰州市城关区".into(),
                2
            ),
            (
                KeyCountyKind::Provincial,
                "620103000000".into(),
                "兰州市七里河区".into(),
                1
            ),
        ]
    );
    // Each county's figures are the statistics' own.
    let stats = app
        .stats(Scope::All, Some(area("620102")), AreaLevel::County, None)
        .await
        .unwrap();
    assert_eq!(k.counties[0].1.counts, stats[0].counts);
    let totals: Vec<(String, u64)> = k
        .totals
        .iter()
        .map(|(_, f)| (f.name.clone(), f.counts.monitored_households))
        .collect();
    assert_eq!(
        totals,
        [
            ("国家重点帮扶县合计".to_string(), 2),
            ("省级重点帮扶县合计".to_string(), 1)
        ]
    );
    // Within a county that is one: itself; within one that is not: nothing; a village below
    // one, for a user of the county: the county.
    let own = app
        .key_county_figures(Scope::Area(area("620102")), area("620102"), None)
        .await
        .unwrap();
    assert_eq!(own.counties.len(), 1);
    assert_eq!(own.counties[0].1.name, "城关区");
    let none = app
        .key_county_figures(Scope::All, area("620121"), None)
        .await
        .unwrap();
    assert!(none.counties.is_empty());
    let cadre = app
        .key_county_figures(
            Scope::Area(area("620102001001")),
            area("620102001001"),
            None,
        )
        .await
        .unwrap();
    assert!(
        cadre.counties.is_empty(),
        "a village's user sees no county's figures"
    );

    // A new list replaces the province's.
    let next = list(dir.path(), "新名单.csv", &["620121,,,省级"]);
    app.load_key_counties(&next).await.unwrap();
    let now = app.store().key_counties(Scope::All).await.unwrap();
    assert_eq!(now, [(area("620121"), KeyCountyKind::Provincial)]);
    app.close().await;
}

#[tokio::test]
async fn key_counties_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    key_counties(&dir.path().join("k.db").to_string_lossy()).await;
}

#[tokio::test]
async fn key_counties_on_postgres() {
    let Some(base) = postgres_url() else { return };
    key_counties(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn key_counties_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let bad = list(dir.path(), "坏.csv", &["620199,,,国家级"]);
    let o = run(&[
        "key-counties",
        "--db",
        &db,
        "--file",
        &bad.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("不是区划树中的县级代码"));
    let good = list(
        dir.path(),
        "名单.csv",
        &["620102,,,国家级", ",兰州市,七里河区,省级"],
    );
    let o = run(&[
        "key-counties",
        "--db",
        &db,
        "--file",
        &good.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(
            "甘肃省的重点帮扶县已更新为国家乡村振兴重点帮扶县1个、省乡村振兴重点帮扶县1个"
        ) && text.contains("兰州市城关区")
            && text.contains("国家重点帮扶县合计"),
        "{text}"
    );
    let o = run(&["key-counties", "--db", &db, "--format", "csv"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(text.lines().count(), 1 + 2 + 2, "{text}");
}

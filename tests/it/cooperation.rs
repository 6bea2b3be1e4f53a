//! 协作帮扶: a county's ledger of east-west cooperation and paired assistance as a clerk saves it
//! (GBK CSV), with rows of each kind that is refused, imported within the user's area; the
//! year's plan and what was done per program and indicator (money exact to the fen in 万元);
//! the same ledger again changing nothing, an updated row changing one; the export imported back
//! unchanged. On SQLite and on PostgreSQL, and from the command line.

use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::{App, AppError};
use zhenxing_domain::cooperation::Program;
use zhenxing_domain::{AreaCode, PolicyYear, Role, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::csv;

const HEADER: &str = "区划代码,县（市、区）,年度,帮扶类型,帮扶方,指标,计划,完成,单位,备注";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn user(role: Role, area_code: &str) -> Caller {
    Caller {
        user: zhenxing_app::store::accounts::User {
            id: 1,
            name: "协作办".into(),
            role,
            area: area(area_code),
            disabled: false,
            created_at: String::new(),
        },
        via: Via::Session,
    }
}

fn rows() -> Vec<&'static str> {
    vec![
        "620102000000,城关区,2026,东西部协作,天津市甲区,财政援助资金,3000,2400.5,万元,",
        "620102000000,城关区,2026年,东西部协作,天津市甲区,帮助农村劳动力就业,\"1,500\",1320,人,",
        "620102000000,城关区,2026,东西协作,天津市甲区,其中脱贫劳动力,800人,760,人,",
        "620102000000,城关区,2026,定点帮扶,中央某部,财政援助资金,800,800,万元,",
        "620103000000,七里河区,2026,东西部协作,天津市乙区,财政援助资金,2000,500,万元,",
        "620102001000,,2026,东西部协作,天津市甲区,引导落地企业,5,1,个,",
        "620102000000,城关区,2026,东西部协作,天津市甲区,修路,5,1,公里,",
        "620102000000,城关区,2026,东西部协作,天津市甲区,选派挂职干部,12.5,1,人,",
        "620102000000,城关区,2026,东西部协作,天津市甲区,消费帮扶,一千,,万元,",
        "620102000000,城关区,2026,东西部协作,天津市甲区,财政援助资金,3100,2400,万元,",
        "620102000000,城关区,2026,对口支援,天津市甲区,财政援助资金,1,1,万元,",
    ]
}

fn gbk(dir: &std::path::Path, name: &str, rows: &[&str]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, encoding_rs::GBK.encode(&csv(HEADER, rows)).0).unwrap();
    path
}

async fn cooperation_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let county = user(Role::CountyAdmin, "620102");
    let ledger = gbk(dir.path(), "协作帮扶.csv", &rows());
    let r = app
        .import_cooperation(&county, &ledger, Some("协作帮扶.csv"))
        .await
        .unwrap();
    assert_eq!(
        (r.rows, r.added, r.updated, r.unchanged, r.rejected),
        (11, 4, 0, 0, 7)
    );
    let told: Vec<(u64, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(told.len(), 7, "{told:#?}");
    assert_eq!(told[0], (6, "区划代码", "该县不在您的管辖范围内"));
    assert_eq!(told[1], (7, "区划代码", "应为县级区划，实为620102001000"));
    assert_eq!((told[2].0, told[2].1), (8, "指标"));
    assert!(
        told[2]
            .2
            .starts_with("指标“修路”不在本年度政策的协作帮扶指标中"),
        "{told:?}"
    );
    assert_eq!(told[3], (9, "计划", "应为不小于0的整数（单位：人）"));
    assert_eq!((told[4].0, told[4].1), (10, "计划"));
    assert!(told[4].2.ends_with("（以万元为单位）"), "{told:?}");
    assert_eq!(
        told[5],
        (11, "指标", "与第2行是同一县、年度、帮扶方的同一指标")
    );
    assert_eq!((told[6].0, told[6].1), (12, "帮扶类型"));

    let year = PolicyYear::new(2026).unwrap();
    let report = app
        .cooperation_report(Scope::All, area("620102"), None)
        .await
        .unwrap();
    assert_eq!(report.year, year);
    let programs: Vec<(Program, Vec<String>)> = report
        .programs
        .iter()
        .map(|p| (p.program, p.partners.clone()))
        .collect();
    assert_eq!(
        programs,
        [
            (Program::EastWest, vec!["天津市甲区".to_string()]),
            (Program::Paired, vec!["中央某部".to_string()])
        ]
    );
    let funds = report.programs[0].figures[0];
    assert_eq!((funds.planned, funds.done), (3_000_000_000, 2_400_500_000));
    assert_eq!(
        report.summary(),
        "2026年城关区东西部协作：财政援助资金计划3000万元、完成2400.5万元（80.02%），帮助农村劳动力就业计划1500人、完成1320人（88.00%），其中脱贫劳动力计划800人、完成760人（95.00%）；中央单位定点帮扶：财政援助资金计划800万元、完成800万元（100.00%）"
    );
    assert!(report.by_area.is_empty(), "a county's ledger is not split");
    assert_eq!(report.entries.len(), 4);
    // The city: its county, with its figures.
    let city = app
        .cooperation_report(Scope::All, area("620100"), Some(year))
        .await
        .unwrap();
    assert_eq!(city.by_area.len(), 1);
    assert_eq!(city.by_area[0].0, area("620102"));
    assert_eq!(city.by_area[0].2[0].figures[1].done, 1320);

    // A township has no ledger of its own; another area is not found.
    let township = user(Role::TownshipOfficer, "620102002");
    let own = app
        .cooperation_report_as(&township, area("620102002"), Some(year))
        .await
        .unwrap();
    assert!(own.programs.is_empty() && own.entries.is_empty());
    for outside in ["620102", "620000"] {
        assert!(matches!(
            app.cooperation_report_as(&township, area(outside), None)
                .await,
            Err(AppError::NotFound)
        ));
    }
    let cadre = user(Role::VillageCadre, "620102001001");
    assert!(matches!(
        app.import_cooperation(&cadre, &ledger, None).await,
        Err(AppError::Forbidden)
    ));

    // Again: nothing changes. An updated row: one update.
    let again = app
        .import_cooperation(&county, &ledger, None)
        .await
        .unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4));
    let updated = gbk(
        dir.path(),
        "更新.csv",
        &["620102000000,城关区,2026,东西部协作,天津市甲区,帮助农村劳动力就业,1500,1400,人,"],
    );
    let r = app
        .import_cooperation(&county, &updated, None)
        .await
        .unwrap();
    assert_eq!((r.added, r.updated, r.rejected), (0, 1, 0));
    let after = app
        .cooperation_report(Scope::All, area("620102"), Some(year))
        .await
        .unwrap();
    assert_eq!(after.programs[0].figures[1].rate(), "93.33%");

    // The export imports back unchanged.
    let out = dir.path().join("导出.xlsx");
    after.write_ledger(&out).unwrap();
    let back = app.import_cooperation(&county, &out, None).await.unwrap();
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!((back.rows, back.unchanged), (4, 4));
    app.close().await;
}

#[tokio::test]
async fn cooperation_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    cooperation_story(&dir.path().join("c.db").to_string_lossy()).await;
}

#[tokio::test]
async fn cooperation_on_postgres() {
    let Some(base) = postgres_url() else { return };
    cooperation_story(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn cooperation_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let ledger = gbk(dir.path(), "协作帮扶.csv", &rows());
    let o = run(&[
        "cooperation",
        "import",
        "--db",
        &db,
        "--file",
        &ledger.to_string_lossy(),
    ]);
    // From the command line the whole province is in reach: 七里河区's row goes in too.
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("读取11行，新增指标5项，更新0项，未变0项，6行未导入"),
        "{text}"
    );
    let o = run(&[
        "cooperation",
        "stats",
        "--db",
        &db,
        "--area",
        "620100",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r["code"] == "620103000000"
            && r["indicator"] == "财政援助资金"
            && r["rate"] == "25.00%"),
        "{json}"
    );
    let out = dir.path().join("台账.xlsx");
    let o = run(&[
        "cooperation",
        "export",
        "--db",
        &db,
        "--area",
        "620100",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let o = run(&[
        "cooperation",
        "import",
        "--db",
        &db,
        "--file",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("未变5项"));
}

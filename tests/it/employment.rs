//! 务工就业: households of each kind (ex-poor, ex-poor and monitored, monitored only, neither, of
//! another county) with members of every 劳动技能, in migrant work (a place, or months only), in
//! a public-welfare job, both, or neither; the labour of each group counted per area, each
//! person employed once, within the caller's area. On SQLite and on PostgreSQL, and from the
//! command line.

use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::import::ImportRequest;
use zhenxing_app::store::Actor;
use zhenxing_app::{App, AppError, NoProgress};
use zhenxing_domain::employment::LabourFigures;
use zhenxing_domain::{AreaCode, Role, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::{H_HEADER, csv, id};

const M: &str = "户编号,证件号码,姓名,与户主关系,劳动技能,务工地点,务工时间（月）,是否公益岗位";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn ledger(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let p = |birth: &str, seq: u32| id("620102", birth, seq);
    let households = [
        "E01,620102001001,王一,4,9000,是,,,,否,".to_string(),
        "E02,620102002001,赵一,1,7000,是,脱贫不稳定户,因病,2024-05-01,否,".to_string(),
        "E03,620102001002,钱一,2,6000,否,边缘易致贫户,因残,2024-06-01,否,".to_string(),
        "E04,620102001001,孙一,1,15000,否,,,,否,".to_string(),
        "E05,620121100001,吴一,1,9000,是,,,,否,".to_string(),
    ];
    let members = [
        format!("E01,{},王一,户主,普通劳动力,省外,6,否", p("19800101", 11)),
        format!("E01,{},王二,配偶,弱劳动力,,,是", p("19820101", 12)),
        format!("E01,{},王三,之子,技能劳动力,,,否", p("20000101", 13)),
        format!("E01,{},王老,之父,丧失劳动力,,,否", p("19400101", 14)),
        format!("E02,{},赵一,户主,普通劳动力,,3,是", p("19810101", 15)),
        format!("E03,{},钱一,户主,普通劳动力,,,否", p("19790101", 16)),
        format!("E03,{},钱二,配偶,普通劳动力,县内,,否", p("19800201", 17)),
        format!("E04,{},孙一,户主,普通劳动力,省外,10,否", p("19830101", 18)),
        format!(
            "E05,{},吴一,户主,普通劳动力,省外,8,否",
            id("620121", "19800108", 19)
        ),
    ];
    let h = dir.join("h.csv");
    let m = dir.join("m.csv");
    fn rows(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    std::fs::write(&h, csv(H_HEADER, &rows(&households))).unwrap();
    std::fs::write(&m, csv(M, &rows(&members))).unwrap();
    (h, m)
}

fn user(role: Role, area_code: &str) -> Caller {
    Caller {
        user: zhenxing_app::store::accounts::User {
            id: 1,
            name: "u".into(),
            role,
            area: area(area_code),
            disabled: false,
            created_at: String::new(),
        },
        via: Via::Session,
    }
}

/// Labour, in migrant work, in a public-welfare job, employed.
type Four = (u64, u64, u64, u64);

fn four(f: &LabourFigures) -> Four {
    (f.labour, f.migrant, f.welfare_job, f.employed)
}

async fn employment_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let (h, m) = ledger(dir.path());
    let req = ImportRequest {
        households: Some(h),
        members: Some(m),
        actor: Actor {
            user_id: None,
            name: "就业".into(),
        },
        scope: Scope::All,
    };
    let imported = app.import(&req, &NoProgress).await.unwrap();
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);

    let county = app
        .employment_report(Scope::All, area("620102"))
        .await
        .unwrap();
    // 王一 务工, 王二 公益岗位, 王三 neither, 王老 no labour; 赵一 both, counted once.
    assert_eq!(four(&county.totals.ex_poor), (4, 2, 2, 3));
    assert_eq!(county.totals.ex_poor.employment_rate(), "75.00%");
    // 钱二 务工; 孙一 is neither ex-poor nor monitored.
    assert_eq!(four(&county.totals.monitored), (2, 1, 0, 1));
    let by_area: Vec<(String, Four, Four)> = county
        .by_area
        .iter()
        .map(|(c, _, f)| (c.to_string(), four(&f.ex_poor), four(&f.monitored)))
        .collect();
    assert_eq!(
        by_area,
        [
            ("620102001000".to_string(), (3, 1, 1, 2), (2, 1, 0, 1)),
            ("620102002000".to_string(), (1, 1, 1, 1), (0, 0, 0, 0)),
        ]
    );
    assert!(
        county
            .summary()
            .contains("城关区脱贫劳动力4人，务工2人、公益岗位2人，就业3人（就业率75.00%）"),
        "{}",
        county.summary()
    );
    let province = app
        .employment_report(Scope::All, area("620000"))
        .await
        .unwrap();
    assert_eq!(province.totals.ex_poor.labour, 5, "吴一 of 永登县");
    // A village: its own households only.
    let village = app
        .employment_report(Scope::All, area("620102001001"))
        .await
        .unwrap();
    assert_eq!(four(&village.totals.ex_poor), (3, 1, 1, 2));
    assert_eq!(village.totals.monitored.labour, 0);
    // A township's user: its own; nothing of another's.
    let township = user(Role::TownshipOfficer, "620102002");
    let own = app
        .employment_report_as(&township, area("620102002"))
        .await
        .unwrap();
    assert_eq!(own.totals.ex_poor.labour, 1);
    for outside in ["620102001", "620102", "620121"] {
        assert!(matches!(
            app.employment_report_as(&township, area(outside)).await,
            Err(AppError::NotFound)
        ));
    }
    app.close().await;
}

#[tokio::test]
async fn employment_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    employment_story(&dir.path().join("e.db").to_string_lossy()).await;
}

#[tokio::test]
async fn employment_on_postgres() {
    let Some(base) = postgres_url() else { return };
    employment_story(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn employment_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let (h, m) = ledger(dir.path());
    let o = run(&[
        "import",
        "--db",
        &db,
        "--households",
        &h.to_string_lossy(),
        "--members",
        &m.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let o = run(&[
        "employment",
        "--db",
        &db,
        "--area",
        "620102",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["totals"]["ex_poor"]["employed"], 3);
    assert_eq!(json["ex_poor_rate"], "75.00%");
    let o = run(&[
        "employment",
        "--db",
        &db,
        "--area",
        "620102",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("620102000000,城关区合计,4,2,2,3,75.00%,2,1"),
        "{text}"
    );
}

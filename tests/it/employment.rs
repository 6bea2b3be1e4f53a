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
        .map(|a| {
            (
                a.code.to_string(),
                four(&a.figures.ex_poor),
                four(&a.figures.monitored),
            )
        })
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
    targets_story(&app, dir.path()).await;
    app.close().await;
}

fn this_year() -> i32 {
    use chrono::Datelike;
    zhenxing_domain::today_in_china().year()
}

/// A table of targets: two good rows, then one of each problem.
fn targets_table(dir: &std::path::Path, chengguan: u32) -> std::path::PathBuf {
    let y = this_year();
    let rows = [
        format!("620102000000,城关区,{y},{chengguan},市下达"),
        format!("620121000000,永登县,{y}年,1,"),
        format!("620102001000,某街道,{y},3,"),
        format!("620102000000,城关区,{y},9,"),
        format!("620111000000,红古区,{y},0,"),
        format!("620111000000,红古区,{},5,", y + 2),
        format!("629999000000,无此县,{y},5,"),
        format!("620122000000,皋兰县,{y},很多,"),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    // As Chinese Excel saves a CSV: GBK, a title row above the header.
    let text = format!(
        "{}年务工就业目标任务表\n{}",
        this_year(),
        csv("区划代码,县（市、区）,年度,务工就业目标（人）,备注", &rows)
    );
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    let path = dir.join(format!("targets-{chengguan}.csv"));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The counties' targets: imported with each refused row told, the rate per area and the
/// counties behind, each change kept, within the caller's area and by who may set them.
async fn targets_story(app: &App, dir: &std::path::Path) {
    let year = zhenxing_domain::PolicyYear::new(this_year() as u16).unwrap();
    let city = user(Role::CityAdmin, "620100");
    let file = targets_table(dir, 5);
    // A county bureau sets its own target only; another county's row is refused.
    let chengguan = user(Role::CountyAdmin, "620102");
    let r = app
        .import_employment_targets(&chengguan, &file, None)
        .await
        .unwrap();
    assert_eq!((r.added, r.unchanged), (1, 0));
    assert!(
        r.errors
            .iter()
            .any(|e| e.row == 4 && e.code == "outside_scope"),
        "{:?}",
        r.errors
    );
    // A county without a target is not counted toward another's: the city's 5 in work, of
    // whom 城关区's 4 against its 5.
    let lanzhou = app
        .employment_report(Scope::All, area("620100"))
        .await
        .unwrap();
    assert_eq!(
        (lanzhou.progress.counted, lanzhou.progress.target),
        (4, Some(5))
    );
    let r = app
        .import_employment_targets(&city, &file, Some("目标.csv"))
        .await
        .unwrap();
    assert_eq!(
        (r.rows, r.added, r.unchanged, r.rejected),
        (8, 1, 1, 6),
        "{r:?}"
    );
    let errors: Vec<(u64, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        errors,
        [
            (5, "区划代码", "rule"),
            (6, "区划代码", "duplicate"),
            (7, "务工就业目标（人）", "rule"),
            (8, "年度", "rule"),
            (9, "区划代码", "unknown_area"),
            (10, "务工就业目标（人）", "invalid_value"),
        ]
    );
    assert!(r.errors.iter().all(|e| e.file == "目标.csv"));
    assert!(
        r.errors[0].reason.contains("不是县级区划"),
        "{}",
        r.errors[0].reason
    );
    assert!(
        r.errors[1].reason.contains("与第3行"),
        "{}",
        r.errors[1].reason
    );

    // 城关区: ex-poor employed 3 and monitored 1 against 5; 永登县: 1 against 1.
    let county = app
        .employment_report(Scope::All, area("620102"))
        .await
        .unwrap();
    assert_eq!(county.year, year);
    assert_eq!(
        (county.progress.counted, county.progress.target),
        (4, Some(5))
    );
    assert_eq!(county.progress.rate(), "80.00%");
    let behind: Vec<(String, u64)> = county
        .behind
        .iter()
        .map(|c| (c.code.to_string(), c.progress.short()))
        .collect();
    assert_eq!(behind, [("620102000000".to_string(), 1)]);
    assert!(
        county
            .summary()
            .contains("目标5人，已4人（完成率80.00%），1个县未达目标"),
        "{}",
        county.summary()
    );
    // The city: each county's target beside its figures, the city's the sum.
    let lanzhou = app
        .employment_report(Scope::All, area("620100"))
        .await
        .unwrap();
    assert_eq!(
        (lanzhou.progress.counted, lanzhou.progress.target),
        (5, Some(6))
    );
    let lines: Vec<(String, u64, Option<u64>, bool)> = lanzhou
        .by_area
        .iter()
        .map(|a| {
            (
                a.code.to_string(),
                a.progress.counted,
                a.progress.target,
                a.progress.behind(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("620102000000".to_string(), 4, Some(5), true),
            ("620121000000".to_string(), 1, Some(1), false),
        ]
    );
    assert_eq!(lanzhou.targets.len(), 2);
    // The city's dispatch report of today carries the same lines; one of a past day none (the
    // registry keeps today's employment only); an issued one keeps what it had (below).
    let actor = Actor {
        user_id: None,
        name: "调度".into(),
    };
    let issued = app
        .issue_report(&actor, Scope::All, area("620100"), None)
        .await
        .unwrap();
    let e = issued.content.employment.as_ref().expect("today's report");
    let rows: Vec<(String, u64, Option<u64>, u64)> = e
        .rows
        .iter()
        .map(|r| (r.code.to_string(), r.counted, r.target, r.ex_poor_labour))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "620100000000".to_string(),
                5,
                Some(6),
                lanzhou.totals.ex_poor.labour
            ),
            (
                "620102000000".to_string(),
                4,
                Some(5),
                lanzhou.by_area[0].figures.ex_poor.labour
            ),
            (
                "620121000000".to_string(),
                1,
                Some(1),
                lanzhou.by_area[1].figures.ex_poor.labour
            ),
        ]
    );
    assert_eq!(e.rows[1].values()[6..], ["80.00%".to_string(), "1".into()]);
    assert!(e.target_includes_monitored);
    let past = app
        .build_report(
            Scope::All,
            area("620100"),
            chrono::NaiveDate::from_ymd_opt(this_year() - 1, 12, 31),
        )
        .await
        .unwrap();
    assert!(past.content.employment.is_none());
    let book = dir.join("调度表.xlsx");
    zhenxing_app::report::write_report_xlsx(&issued, &book).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut wb, "务工就业").unwrap();
    let cell = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        (cell(3, 0), cell(3, 6), cell(3, 7), cell(3, 9)),
        ("620102000000".into(), "4".into(), "5".into(), "1".into())
    );
    assert_eq!(cell(3, 8), "0.8", "the rate as a number");
    let province = app
        .employment_report(Scope::All, area("620000"))
        .await
        .unwrap();
    assert_eq!(province.by_area[0].progress.target, Some(6));
    assert_eq!(province.behind.len(), 1);
    // A township has no target of its own.
    let township = app
        .employment_report(Scope::All, area("620102002"))
        .await
        .unwrap();
    assert_eq!(township.progress.target, None);
    assert!(township.targets.is_empty());

    // The same table again changes nothing; a changed target is updated with its history.
    let again = app
        .import_employment_targets(&city, &file, None)
        .await
        .unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2));
    let changed = targets_table(dir, 4);
    let r = app
        .import_employment_targets(&city, &changed, None)
        .await
        .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (0, 1, 1));
    let (t, history) = app
        .store()
        .employment()
        .employment_target(Scope::All, area("620102"), year)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.persons, 4);
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].before.as_ref().unwrap()["persons"], 5);
    let county = app
        .employment_report(Scope::All, area("620102"))
        .await
        .unwrap();
    assert_eq!(county.progress.rate(), "100.00%");
    assert!(county.behind.is_empty());
    let kept = app
        .issued_report(Scope::All, issued.issued.as_ref().unwrap().id)
        .await
        .unwrap();
    assert_eq!(
        kept.content.employment.as_ref().unwrap().rows[1].target,
        Some(5),
        "an issued report keeps the target it had"
    );
    let now = app
        .build_report(Scope::All, area("620100"), None)
        .await
        .unwrap();
    assert_eq!(now.content.employment.unwrap().rows[1].target, Some(4));

    // Who may not set targets: refused before the file is read.
    for (role, code) in [
        (Role::TownshipOfficer, "620102002"),
        (Role::VillageCadre, "620102001001"),
        (Role::Auditor, "620100"),
    ] {
        assert!(matches!(
            app.import_employment_targets(&user(role, code), &file, None)
                .await,
            Err(AppError::Forbidden)
        ));
    }
    // Outside the caller's area nothing is read or written.
    assert!(
        app.store()
            .employment()
            .employment_target(Scope::Area(area("620121")), area("620102"), year)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.store()
            .employment()
            .employment_targets(Scope::Area(area("620121")), area("620100"), year)
            .await
            .unwrap()
            .iter()
            .all(|t| t.county == area("620121"))
    );
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
        text.contains("620102000000,城关区合计,4,2,2,3,75.00%,2,1,4,,-"),
        "{text}"
    );

    // The targets imported first: the refused rows to the report, exit status 2; the figures
    // and the targets written as workbooks, the targets' importing back unchanged.
    let table = targets_table(dir.path(), 5);
    let errors = dir.path().join("errors.csv");
    let figures = dir.path().join("figures.xlsx");
    let back = dir.path().join("targets.xlsx");
    let path = |p: &std::path::Path| p.to_string_lossy().to_string();
    let o = run(&[
        "employment",
        "--db",
        &db,
        "--area",
        "620100",
        "--format",
        "json",
        "--targets",
        &path(&table),
        "--errors",
        &path(&errors),
        "--out",
        &path(&figures),
        "--targets-out",
        &path(&back),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["target"]["counted"], 5);
    assert_eq!(json["target"]["target"], 6);
    assert_eq!(json["behind"][0]["code"], "620102000000");
    assert_eq!(json["target_counts"], "脱贫人口（含监测对象）务工就业");
    let report = std::fs::read_to_string(&errors).unwrap();
    assert_eq!(report.lines().count(), 7, "{report}");
    assert!(report.contains("不是县级区划"), "{report}");
    use calamine::{Reader, open_workbook_auto};
    let mut book = open_workbook_auto(&figures).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let chengguan = rows.iter().find(|r| r[0] == "620102000000").unwrap();
    assert_eq!(&chengguan[9..], ["4", "5", "80.00%"], "{chengguan:?}");
    let o = run(&[
        "employment",
        "--db",
        &db,
        "--area",
        "620102",
        "--targets",
        &path(&back),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let told = String::from_utf8_lossy(&o.stderr);
    assert!(told.contains("新增目标0个，更新0个，未变2个"), "{told}");
}

//! Projects of 衔接资金 (项目台账): a county's ledger as a clerk saves it (GBK CSV under a title
//! row), with rows of each kind that is refused, imported within the user's area; the year's
//! progress (开工率, 完工率, 支出进度, the industry share) per area and category; the same
//! ledger again changing nothing, an updated one changing a project with its history; the
//! export imported back unchanged. On SQLite and on PostgreSQL.

use calamine::{Data, Reader, Xlsx, open_workbook};
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::{App, AppError};
use zhenxing_domain::project::{ProjectNo, ProjectStage};
use zhenxing_domain::{AreaCode, PolicyYear, Role, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::csv;

const HEADER: &str = "项目编号,实施年度,项目名称,实施地点代码,实施地点,项目类别,项目状态,计划投资（万元）,已下达资金（万元）,已支出资金（万元）,开工时间,完工时间,验收时间,受益户数,其中脱贫户和监测户数,备注";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn user(role: Role, area_code: &str) -> Caller {
    Caller {
        user: zhenxing_app::store::accounts::User {
            id: 1,
            name: "项目办".into(),
            role,
            area: area(area_code),
            disabled: false,
            created_at: String::new(),
        },
        via: Via::Session,
    }
}

/// The county's ledger: five good projects (one only in the library), one of another county,
/// and a row for each way a row is refused.
fn rows() -> Vec<&'static str> {
    vec![
        "P01,2025,花椒产业园,620102001001,张家园,产业发展,已验收,100,100,100,2025-03-01,2025-08-01,2025-09-01,120,40,",
        "P02,2025年,冷链仓储,620102001002,,产业发展,在建,50,40,10,2025/4/1,,,80,30,",
        "P03,2025,村内道路硬化,620102002001,,乡村建设行动,已完工,30,30,25,20250310,20250710,,200,50,",
        "P04,2025,就业帮扶车间,620102002000,,就业项目,年度计划,20,10,0,,,,,,",
        "P05,2025,肉牛养殖,620102001001,,产业发展,项目库,80,,,,,,,,储备",
        "Y01,2025,永登县项目,620121100001,,产业发展,已开工,10,10,5,2025-05-01,,,,,",
        "B01,2025,状态不明,620102001001,,产业发展,差不多,10,10,5,,,,,,",
        "B02,2025,超支,620102001001,,产业发展,已开工,10,10,15,2025-05-01,,,,,",
        "B03,2025,市级,620100000000,,产业发展,已开工,10,10,5,2025-05-01,,,,,",
        "B04,2025,修路,620102001001,,修路,已开工,10,10,5,2025-05-01,,,,,",
        "P01,2025,花椒产业园,620102001001,,产业发展,已验收,100,100,100,2025-03-01,2025-08-01,2025-09-01,120,40,",
        "B06,2025,,620102001001,,产业发展,已开工,10,10,5,2025-05-01,,,,,",
    ]
}

fn gbk_ledger(dir: &std::path::Path, name: &str, rows: &[&str]) -> std::path::PathBuf {
    let text = format!("2025年城关区衔接资金项目台账\r\n{}", csv(HEADER, rows));
    let path = dir.join(name);
    std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
    path
}

async fn projects_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let county = user(Role::CountyAdmin, "620102");
    let ledger = gbk_ledger(dir.path(), "项目台账.csv", &rows());
    let r = app
        .import_projects(&county, &ledger, Some("项目台账.csv"))
        .await
        .unwrap();
    assert_eq!(
        (r.rows, r.added, r.updated, r.unchanged, r.rejected),
        (12, 5, 0, 0, 7)
    );
    assert_eq!(r.exit_code(), 2);
    let told: Vec<(u64, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.reason.as_str()))
        .collect();
    // Row numbers as Excel shows them: the title, the header, then the rows.
    assert_eq!(
        told,
        [
            (8, "实施地点代码", "实施地点不在您的管辖范围内"),
            (
                9,
                "项目状态",
                "项目状态无法识别，可填：项目库、年度计划、资金已下达、已招标、已开工、已完工、已验收、已确权移交"
            ),
            (
                10,
                "已支出资金（万元）",
                "已支出资金150000.00元大于已下达资金100000.00元"
            ),
            // A city's code is outside a county's area (the command line, whose area is the
            // province, is told it is no county or below).
            (11, "实施地点代码", "实施地点不在您的管辖范围内"),
            (
                12,
                "项目类别",
                "项目类别“修路”不在本年度政策的项目类别中（产业发展、就业项目、乡村建设行动、易地搬迁后扶、巩固三保障成果、乡村治理和精神文明建设、项目管理费、其他）"
            ),
            (13, "项目编号", "与第3行的项目编号重复"),
            (14, "项目名称", "不能为空"),
        ],
        "{:#?}",
        r.errors
    );
    assert!(r.errors.iter().all(|e| e.file == "项目台账.csv"));

    // The year's progress of the county.
    let year = PolicyYear::new(2025).unwrap();
    let report = app
        .project_report(Scope::All, area("620102"), None)
        .await
        .unwrap();
    assert_eq!(report.year, year, "the latest year with projects");
    let t = report.totals;
    assert_eq!((t.library, t.planned, t.started, t.completed), (1, 4, 3, 2));
    assert_eq!(t.start_rate(), "75.00%");
    assert_eq!(t.completion_rate(), "50.00%");
    assert_eq!(t.allocated.fen(), 180 * 1_000_000);
    assert_eq!(t.spending_rate(), "75.00%");
    assert_eq!(t.industry_share(), "77.78%");
    assert!(!t.industry_short(&report.rule));
    assert_eq!(
        report.summary(),
        "2025年城关区衔接资金项目：计划4个（另有入库1个），已开工3个、开工率75.00%，已完工2个、完工率50.00%，支出进度75.00%，产业发展资金占比77.78%（不低于60.00%）"
    );
    let by_area: Vec<(String, u64, u64)> = report
        .by_area
        .iter()
        .map(|(c, _, f)| (c.to_string(), f.planned, f.library))
        .collect();
    assert_eq!(
        by_area,
        [
            ("620102001000".to_string(), 2, 1),
            ("620102002000".to_string(), 2, 0)
        ]
    );
    let categories: Vec<(&str, u64)> = report
        .by_category
        .iter()
        .map(|(c, f)| (c.as_str(), f.planned))
        .collect();
    assert_eq!(
        categories,
        [("产业发展", 2), ("就业项目", 1), ("乡村建设行动", 1)]
    );
    let nos: Vec<&str> = report
        .projects
        .iter()
        .map(|p| p.project.no.as_str())
        .collect();
    assert_eq!(nos, ["P01", "P02", "P03", "P04", "P05"]);
    assert_eq!(report.projects[1].project.stage, ProjectStage::Started);
    assert_eq!(
        report.projects[1].project.started_on,
        chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
    );
    // Another year: nothing.
    let other = app
        .project_report(
            Scope::All,
            area("620102"),
            Some(PolicyYear::new(2024).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(other.totals.planned, 0);
    assert_eq!(other.years, [year]);

    // A township sees its own; nothing of another's.
    let township = user(Role::TownshipOfficer, "620102002");
    let own = app
        .project_report_as(&township, area("620102002"), Some(year))
        .await
        .unwrap();
    assert_eq!(own.totals.planned, 2);
    for outside in ["620102001", "620102", "620000"] {
        assert!(
            matches!(
                app.project_report_as(&township, area(outside), None).await,
                Err(AppError::NotFound)
            ),
            "{outside}"
        );
    }
    let p01 = ProjectNo::parse("P01").unwrap();
    assert!(matches!(
        app.project_detail(&township, area("620102"), &p01).await,
        Err(AppError::NotFound)
    ));
    // A village cadre may not import.
    let cadre = user(Role::VillageCadre, "620102001001");
    assert!(matches!(
        app.import_projects(&cadre, &ledger, None).await,
        Err(AppError::Forbidden)
    ));

    // The same ledger again: nothing changes. An updated one: P02 completed, with its history.
    let again = app.import_projects(&county, &ledger, None).await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 5));
    let updated = gbk_ledger(
        dir.path(),
        "项目台账（更新）.csv",
        &["P02,2025,冷链仓储,620102001002,,产业发展,已完工,50,50,45,2025-04-01,2025-11-20,,80,30,"],
    );
    let r = app.import_projects(&county, &updated, None).await.unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.rejected), (0, 1, 0, 0));
    let p02 = ProjectNo::parse("P02").unwrap();
    let detail = app
        .project_detail(&county, area("620102"), &p02)
        .await
        .unwrap();
    assert_eq!(detail.stored.version, 2);
    assert_eq!(detail.stored.project.stage, ProjectStage::Completed);
    assert_eq!(detail.changes.len(), 2, "newest first");
    let fields: Vec<(&str, &str, &str)> = detail.changes[0]
        .fields
        .iter()
        .map(|(l, b, a)| (l.as_str(), b.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("项目状态", "已开工", "已完工"),
            ("已下达资金（元）", "400000.00", "500000.00"),
            ("已支出资金（元）", "100000.00", "450000.00"),
            ("完工时间", "", "2025-11-20"),
        ]
    );
    assert_eq!(detail.changes[0].actor, "项目办");
    let after = app
        .project_report(Scope::All, area("620102"), Some(year))
        .await
        .unwrap();
    assert_eq!(after.totals.completion_rate(), "75.00%");

    // The ledger exported imports back unchanged; the progress as a workbook.
    let out = dir.path().join("导出.xlsx");
    after.write_ledger(&out).unwrap();
    let back = app.import_projects(&county, &out, None).await.unwrap();
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!((back.rows, back.unchanged), (5, 5));
    let figures = dir.path().join("进度.xlsx");
    after.write_figures(&figures).unwrap();
    let mut book: Xlsx<_> = open_workbook(&figures).unwrap();
    let sheet = book.worksheet_range("项目进度").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 2 + 3, "two townships and the total");
    assert_eq!(rows[4][1], "城关区合计");
    assert_eq!(rows[4][7..9], ["75.00%", "75.00%"]);
    assert_eq!(rows[4][10], "1900000");
    app.close().await;
}

#[tokio::test]
async fn projects_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    projects_story(&dir.path().join("p.db").to_string_lossy()).await;
}

#[tokio::test]
async fn projects_on_postgres() {
    let Some(base) = postgres_url() else { return };
    projects_story(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn projects_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let ledger = gbk_ledger(dir.path(), "项目台账.csv", &rows());
    let errors = dir.path().join("错误.csv");
    let o = run(&[
        "projects",
        "import",
        "--db",
        &db,
        "--file",
        &ledger.to_string_lossy(),
        "--errors",
        &errors.to_string_lossy(),
    ]);
    // From the command line the whole province is in reach: 永登县's row goes in too.
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("读取12行，新增项目6个，更新0个，未变0个，6行未导入"),
        "{text}"
    );
    let report = std::fs::read_to_string(&errors).unwrap();
    assert!(
        report.contains("项目台账.csv,,9,项目状态,差不多,"),
        "{report}"
    );
    assert!(
        report.contains("实施地点应为县级或以下的区划，实为620100000000"),
        "{report}"
    );
    let o = run(&[
        "projects", "stats", "--db", &db, "--area", "620102", "--format", "json",
    ]);
    assert!(o.status.success(), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["year"], 2025);
    assert_eq!(json["totals"]["planned"], 4);
    assert_eq!(json["start_rate"], "75.00%");
    let o = run(&["projects", "stats", "--db", &db, "--area", "620000"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("2025年甘肃省衔接资金项目：计划5个"), "{text}");
    assert!(text.contains("兰州市"), "{text}");
    let out = dir.path().join("台账.xlsx");
    let o = run(&[
        "projects",
        "export",
        "--db",
        &db,
        "--area",
        "620102",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let o = run(&[
        "projects",
        "import",
        "--db",
        &db,
        "--file",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("未变5个，全部导入"));
    // Not a project ledger: exit status 1, nothing written.
    let not = dir.path().join("x.csv");
    std::fs::write(&not, "姓名,年龄\r\n张三,3\r\n").unwrap();
    let o = run(&[
        "projects",
        "import",
        "--db",
        &db,
        "--file",
        &not.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("项目台账"),
        "{o:?}"
    );
}

//! Rural construction (乡村建设台账): a county's workbook with a sheet of items under a title row
//! and a sheet of targets, rows of each kind that is refused, imported within the user's area;
//! the year's progress per task (target, items, planned and done, 完成率) per area; the same
//! workbook again changing nothing, updated rows changing an item and a target with their
//! history; the export imported back unchanged. On SQLite and on PostgreSQL, and from the
//! command line with GBK CSV files.

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::Workbook;
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::{App, AppError};
use zhenxing_domain::construction::ConstructionStage;
use zhenxing_domain::{AreaCode, PolicyYear, Role, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::csv;

const ITEMS: &str = "项目编号,实施年度,任务类别,所在地代码,所在地,建设内容,计划数量,完成数量,单位,进展情况,完成时间,备注";
const TARGETS: &str = "区划代码,县（市、区）,年度,任务类别,目标任务数,单位";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn user(role: Role, area_code: &str) -> Caller {
    Caller {
        user: zhenxing_app::store::accounts::User {
            id: 1,
            name: "乡建办".into(),
            role,
            area: area(area_code),
            disabled: false,
            created_at: String::new(),
        },
        via: Via::Session,
    }
}

/// Five good items, then a row for each way an item is refused.
fn item_rows() -> Vec<&'static str> {
    vec![
        "J01,2026,农村户厕改造,620102001001,,户厕改造,40,40,户,已验收,2026-08-01,",
        "J02,2026年,农村户厕改造,620102001002,,户厕改造,30户,12,户,在建,,",
        "J03,2026,农村户厕改造,620102002001,,户厕改造,50,,户,未开工,,",
        "J04,2026,村庄规划编制,620102002001,,村庄规划,1,1,个村,已完成,2026/6/30,",
        "J05,2026,生活污水治理,620102001001,,污水管网,1,0,个村,实施中,,",
        "B01,2026,修路,620102001001,,道路,5,0,,在建,,",
        "B02,2026,农村户厕改造,620102001001,,户厕,10,12,,在建,,",
        "B03,2026,农村户厕改造,620121100001,,户厕,10,0,,未开工,,",
        "B04,2026,农村户厕改造,620102001001,,户厕,10,8,,已完成,2026-07-01,",
        "J01,2026,农村户厕改造,620102001001,,户厕改造,40,40,户,已验收,2026-08-01,",
        "B06,2026,问题厕所整改,620102001001,,,很多,,,在建,,",
    ]
}

/// Three good targets, one of another county, one of a township, one twice.
fn target_rows() -> Vec<&'static str> {
    vec![
        "620102000000,城关区,2026,农村户厕改造,150,户",
        "620102000000,城关区,2026,村庄规划编制,2,个村",
        "620102000000,城关区,2026,生活污水治理,1,个村",
        "620121000000,永登县,2026,农村户厕改造,100,户",
        "620102001000,,2026,农村户厕改造,10,户",
        "620102000000,城关区,2026,农村户厕改造,160,户",
    ]
}

/// The workbook as a county keeps it: the items under a title row, the targets on their own.
fn workbook(dir: &std::path::Path) -> std::path::PathBuf {
    let mut book = Workbook::new();
    for (name, title, header, rows) in [
        (
            "建设项目",
            Some("2026年城关区乡村建设台账"),
            ITEMS,
            item_rows(),
        ),
        ("目标任务", None, TARGETS, target_rows()),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        let mut r = 0u32;
        if let Some(t) = title {
            sheet.write_string(0, 0, t).unwrap();
            r = 1;
        }
        for line in std::iter::once(header).chain(rows) {
            for (c, cell) in line.split(',').enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r, c as u16, cell).unwrap();
                }
            }
            r += 1;
        }
    }
    let path = dir.join("乡村建设台账.xlsx");
    book.save(&path).unwrap();
    path
}

fn gbk(dir: &std::path::Path, name: &str, header: &str, rows: &[&str]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, encoding_rs::GBK.encode(&csv(header, rows)).0).unwrap();
    path
}

fn rates(r: &zhenxing_app::construction::ConstructionReport) -> Vec<(String, Option<u64>, u64)> {
    r.tasks
        .iter()
        .filter(|t| t.figures.items > 0 || t.figures.target.is_some())
        .map(|t| {
            (
                t.figures.completion_rate(),
                t.figures.target,
                t.figures.done,
            )
        })
        .collect()
}

async fn construction_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let county = user(Role::CountyAdmin, "620102");
    let book = workbook(dir.path());
    let r = app
        .import_construction(&county, &book, Some("乡村建设台账.xlsx"))
        .await
        .unwrap();
    assert_eq!(
        (r.item_rows, r.items_added, r.target_rows, r.targets_added),
        (11, 5, 6, 3)
    );
    assert_eq!(r.rejected, 9);
    assert_eq!(r.exit_code(), 2);
    let told: Vec<(&str, u64, &str, &str)> = r
        .errors
        .iter()
        .map(|e| {
            (
                e.sheet.as_deref().unwrap_or(""),
                e.row,
                e.column.as_str(),
                e.reason.as_str(),
            )
        })
        .collect();
    // Row numbers as Excel shows them: the items' sheet has a title row above its header.
    assert_eq!(
        told,
        [
            (
                "建设项目",
                8,
                "任务类别",
                "任务类别“修路”不在本年度政策的乡村建设任务中（村庄规划编制、农村户厕改造、问题厕所整改、生活污水治理、和美乡村示范村创建）"
            ),
            ("建设项目", 9, "完成数量", "完成数量12大于计划数量10"),
            ("建设项目", 10, "所在地代码", "所在地不在您的管辖范围内"),
            (
                "建设项目",
                11,
                "完成数量",
                "进展为“已完成”，完成数量应等于计划数量10，实为8"
            ),
            ("建设项目", 12, "项目编号", "与第3行的项目编号重复"),
            ("建设项目", 13, "计划数量", "应为不小于0的整数"),
            ("目标任务", 5, "区划代码", "该县不在您的管辖范围内"),
            (
                "目标任务",
                6,
                "区划代码",
                "目标任务应下达到县级区划，实为620102001000"
            ),
            (
                "目标任务",
                7,
                "任务类别",
                "与第2行是同一县同一年度的同一任务"
            ),
        ],
        "{:#?}",
        r.errors
    );
    assert!(r.errors.iter().all(|e| e.file == "乡村建设台账.xlsx"));

    // The county's year, per task in the policy's order.
    let year = PolicyYear::new(2026).unwrap();
    let report = app
        .construction_report(Scope::All, area("620102"), None)
        .await
        .unwrap();
    assert_eq!(report.year, year, "the latest year with items or targets");
    assert_eq!(
        rates(&report),
        [
            ("50.00%".to_string(), Some(2), 1),
            // 52 of 150 toilets.
            ("34.67%".to_string(), Some(150), 52),
            ("0.00%".to_string(), Some(1), 0),
        ]
    );
    let toilets = &report.tasks[1];
    assert_eq!(
        (toilets.task.as_str(), toilets.unit.as_str()),
        ("农村户厕改造", "户")
    );
    let f = toilets.figures;
    assert_eq!(
        (f.items, f.started, f.completed, f.accepted, f.planned),
        (3, 2, 1, 1, 120)
    );
    assert_eq!(f.unplanned(), 30);
    assert_eq!(report.behind().len(), 3);
    assert_eq!(
        report.summary(),
        "2026年城关区乡村建设：村庄规划编制完成1个村、目标2个村（50.00%）；农村户厕改造完成52户、目标150户（34.67%）；生活污水治理完成0个村、目标1个村（0.00%）"
    );
    // Townships: their items, no target of their own.
    type Done = Vec<(u64, Option<u64>)>;
    let by_area: Vec<(String, Done)> = report
        .by_area
        .iter()
        .map(|(c, _, f)| {
            (
                c.to_string(),
                f.iter().map(|f| (f.done, f.target)).collect(),
            )
        })
        .collect();
    assert_eq!(
        by_area,
        [
            (
                "620102001000".to_string(),
                vec![(0, None), (52, None), (0, None), (0, None), (0, None)]
            ),
            (
                "620102002000".to_string(),
                vec![(1, None), (0, None), (0, None), (0, None), (0, None)]
            ),
        ]
    );
    assert_eq!(report.by_area[0].2[3].items, 1, "the sewage item");
    let nos: Vec<&str> = report.items.iter().map(|i| i.item.no.as_str()).collect();
    assert_eq!(nos, ["J01", "J02", "J03", "J04", "J05"]);
    assert_eq!(report.items[1].item.planned, 30);
    assert_eq!(report.items[4].item.stage, ConstructionStage::InProgress);
    assert_eq!(report.targets.len(), 3);
    // The province: the city carries its county's targets.
    let province = app
        .construction_report(Scope::All, area("620000"), Some(year))
        .await
        .unwrap();
    assert_eq!(rates(&province), rates(&report));
    assert_eq!(province.by_area.len(), 1);
    assert_eq!(province.by_area[0].0, area("620100"));
    assert_eq!(province.by_area[0].2[1].target, Some(150));
    // Another year: nothing.
    let other = app
        .construction_report(
            Scope::All,
            area("620102"),
            Some(PolicyYear::new(2025).unwrap()),
        )
        .await
        .unwrap();
    assert!(other.items.is_empty() && other.targets.is_empty());
    assert_eq!(other.years, [year]);

    // A township sees its own items, no target; nothing of another township or above.
    let township = user(Role::TownshipOfficer, "620102002");
    let own = app
        .construction_report_as(&township, area("620102002"), Some(year))
        .await
        .unwrap();
    assert_eq!(own.items.len(), 2);
    assert!(own.targets.is_empty());
    assert_eq!(rates(&own)[0], ("-".to_string(), None, 1));
    for outside in ["620102001", "620102", "620000"] {
        assert!(
            matches!(
                app.construction_report_as(&township, area(outside), None)
                    .await,
                Err(AppError::NotFound)
            ),
            "{outside}"
        );
    }
    // A village cadre may not import.
    let cadre = user(Role::VillageCadre, "620102001001");
    assert!(matches!(
        app.import_construction(&cadre, &book, None).await,
        Err(AppError::Forbidden)
    ));
    // A file with neither sheet is told what it misses, and nothing is written.
    let not = gbk(dir.path(), "名单.csv", "姓名,证件号码", &["张三,1"]);
    let e = app
        .import_construction(&county, &not, None)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("名单.csv"), "{e}");
    assert!(e.contains("目标任务数"), "{e}");

    // The same workbook again: nothing changes. Updated rows: J02 done, the toilets' target
    // lowered; each change kept.
    let again = app.import_construction(&county, &book, None).await.unwrap();
    assert_eq!(
        (
            again.items_added,
            again.items_updated,
            again.items_unchanged
        ),
        (0, 0, 5)
    );
    assert_eq!(
        (
            again.targets_added,
            again.targets_updated,
            again.targets_unchanged
        ),
        (0, 0, 3)
    );
    let items = gbk(
        dir.path(),
        "更新.csv",
        ITEMS,
        &["J02,2026,农村户厕改造,620102001002,,户厕改造,30,30,户,已完成,2026-11-20,"],
    );
    let r = app
        .import_construction(&county, &items, None)
        .await
        .unwrap();
    assert_eq!((r.items_updated, r.target_rows, r.rejected), (1, 0, 0));
    let targets = gbk(
        dir.path(),
        "目标.csv",
        TARGETS,
        &["620102000000,城关区,2026,农村户厕改造,140,户"],
    );
    let r = app
        .import_construction(&county, &targets, None)
        .await
        .unwrap();
    assert_eq!((r.item_rows, r.targets_updated), (0, 1));
    let after = app
        .construction_report(Scope::All, area("620102"), Some(year))
        .await
        .unwrap();
    assert_eq!(rates(&after)[1], ("50.00%".to_string(), Some(140), 70));
    assert_eq!(after.items[1].version, 2);
    assert_eq!(after.items[0].version, 1);
    // J02's page: its change, field by field, newest first.
    let j02 = zhenxing_domain::project::ProjectNo::parse("J02").unwrap();
    let detail = app
        .construction_item(&county, area("620102"), &j02)
        .await
        .unwrap();
    assert_eq!((detail.version, detail.unit.as_str()), (2, "户"));
    let fields: Vec<(&str, &str, &str)> = detail.changes[0]
        .fields
        .iter()
        .map(|(l, b, a)| (l.as_str(), b.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("完成数量", "12", "30"),
            ("进展情况", "在建", "已完成"),
            ("完成时间", "", "2026-11-20"),
        ]
    );
    assert_eq!(detail.changes[0].actor, "乡建办");
    assert_eq!(detail.changes.len(), 2);
    // Another township's officer: not found.
    assert!(matches!(
        app.construction_item(&township, area("620102"), &j02).await,
        Err(AppError::NotFound)
    ));

    // The ledger exported imports back unchanged; the progress as a workbook.
    let out = dir.path().join("导出.xlsx");
    after.write_ledger(&out).unwrap();
    let back = app.import_construction(&county, &out, None).await.unwrap();
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!(
        (
            back.item_rows,
            back.items_unchanged,
            back.target_rows,
            back.targets_unchanged
        ),
        (5, 5, 3, 3)
    );
    let figures = dir.path().join("完成情况.xlsx");
    after.write_figures(&figures).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&figures).unwrap();
    let sheet = wb.worksheet_range("完成情况").unwrap();
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
    // Two townships' two tasks each, then the county's three.
    assert_eq!(rows.len(), 2 + 7);
    assert_eq!(
        rows[7][1..9],
        [
            "城关区合计",
            "农村户厕改造",
            "户",
            "140",
            "3",
            "120",
            "70",
            "50.00%"
        ]
    );
    assert_eq!(rows[2][4], "", "a township has no target");
    app.close().await;
}

#[tokio::test]
async fn construction_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    construction_story(&dir.path().join("c.db").to_string_lossy()).await;
}

#[tokio::test]
async fn construction_on_postgres() {
    let Some(base) = postgres_url() else { return };
    construction_story(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn construction_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let items = gbk(dir.path(), "项目.csv", ITEMS, &item_rows());
    let errors = dir.path().join("错误.csv");
    let o = run(&[
        "construction",
        "import",
        "--db",
        &db,
        "--file",
        &items.to_string_lossy(),
        "--errors",
        &errors.to_string_lossy(),
    ]);
    // From the command line the whole province is in reach: 永登县's row goes in too.
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("读取建设项目11行（新增6个，更新0个，未变0个），目标任务0行"),
        "{text}"
    );
    let report = std::fs::read_to_string(&errors).unwrap();
    assert!(report.contains("项目.csv,,8,完成数量,12,"), "{report}");
    let targets = gbk(dir.path(), "目标.csv", TARGETS, &target_rows()[..3]);
    let o = run(&[
        "construction",
        "import",
        "--db",
        &db,
        "--file",
        &targets.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = run(&[
        "construction",
        "stats",
        "--db",
        &db,
        "--area",
        "620102",
        "--format",
        "json",
    ]);
    // Targets not reached: exit status 2.
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["year"], 2026);
    assert_eq!(json["tasks"][1]["task"], "农村户厕改造");
    assert_eq!(json["tasks"][1]["figures"]["done"], 52);
    assert_eq!(json["tasks"][1]["figures"]["completion_rate"], "34.67%");
    let o = run(&["construction", "stats", "--db", &db, "--area", "620000"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("2026年甘肃省乡村建设："), "{text}");
    assert!(text.contains("兰州市"), "{text}");
    let out = dir.path().join("台账.xlsx");
    let o = run(&[
        "construction",
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
        "construction",
        "import",
        "--db",
        &db,
        "--file",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("未变5个") && text.contains("未变3项"),
        "{text}"
    );
    let o = run(&[
        "construction",
        "export",
        "--db",
        &db,
        "--area",
        "620102",
        "--out",
        "x.csv",
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
}

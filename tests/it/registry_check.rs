//! The registry's consistency report (户籍信息核查): a ledger whose two files disagree in each
//! way the rules know, imported, then checked — per area, within a user's area only, as a
//! workbook, and from the command line. On SQLite and on PostgreSQL.

use calamine::{Data, Reader, Xlsx, open_workbook};
use futures::StreamExt;
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::import::ImportRequest;
use zhenxing_app::registry_check::RegistryCheckReport;
use zhenxing_app::store::Actor;
use zhenxing_app::synth::SynthOptions;
use zhenxing_app::{App, AppError, NoProgress};
use zhenxing_domain::{AreaCode, HouseholdNo, Role, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::{csv, id};

const H: &str = "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,是否整户无劳动能力,有未参保成员";
const M: &str = "户编号,证件号码,姓名,与户主关系,劳动技能,是否参加基本医疗保险";

/// Villages: two of one township of 城关区, one of another township; and one of 永登县.
const V1: &str = "620102001001";
const V2: &str = "620102001002";
const V3: &str = "620102002001";
const OTHER_COUNTY: &str = "620121100001";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

/// The ledger: one consistent household and one for each rule (R08 two findings).
fn ledger(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let p = |birth: &str, seq: u32| id("620102", birth, seq);
    let households = [
        format!("R01,{V1},王伟,2,否,否,否"),
        // No members at all.
        format!("R02,{V1},赵空,1,否,否,否"),
        // Nobody is the head.
        format!("R03,{V1},钱一,2,否,否,否"),
        // Two heads.
        format!("R04,{V2},孙二,2,否,否,否"),
        // The head named otherwise in the members' file (spaces do not count).
        format!("R05,{V2},李 四,1,否,否,否"),
        // The declared size is not the members listed.
        format!("R06,{V2},周五,3,否,否,否"),
        // A son born before the head.
        format!("R07,{V3},吴六,2,否,否,否"),
        // No labour marked, a worker; uninsured not marked, a member uninsured.
        format!("R08,{V3},郑七,1,否,是,否"),
        // Uninsured marked, everyone insured.
        format!("R09,{V3},冯八,1,否,否,是"),
        // In another county: checked only where that county is.
        format!("R10,{OTHER_COUNTY},陈九,1,否,否,否"),
    ];
    let members = [
        format!("R01,{},王伟,户主,普通劳动力,是", p("19700101", 11)),
        format!("R01,{},张红,配偶,普通劳动力,是", p("19720202", 12)),
        format!("R03,{},钱一,配偶,普通劳动力,是", p("19700103", 13)),
        format!("R03,{},钱二,之子,普通劳动力,是", p("19950103", 14)),
        format!("R04,{},孙二,户主,普通劳动力,是", p("19700104", 15)),
        format!("R04,{},孙三,户主,普通劳动力,是", p("19700204", 16)),
        format!("R05,{},李斯,户主,普通劳动力,是", p("19700105", 17)),
        format!("R06,{},周五,户主,普通劳动力,是", p("19700106", 18)),
        format!("R06,{},周六,配偶,普通劳动力,是", p("19700206", 19)),
        format!("R07,{},吴六,户主,普通劳动力,是", p("19700107", 20)),
        format!("R07,{},吴小六,之子,普通劳动力,是", p("19690107", 21)),
        format!("R08,{},郑七,户主,弱劳动力,否", p("19700108", 22)),
        format!("R09,{},冯八,户主,普通劳动力,是", p("19700109", 23)),
        format!(
            "R10,{},陈九,户主,普通劳动力,是",
            id("620121", "19700110", 24)
        ),
    ];
    let h = dir.join("h.csv");
    let m = dir.join("m.csv");
    fn rows(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    std::fs::write(&h, csv(H, &rows(&households))).unwrap();
    std::fs::write(&m, csv(M, &rows(&members))).unwrap();
    (h, m)
}

fn totals(r: &RegistryCheckReport) -> Vec<(&'static str, u64)> {
    r.totals
        .iter()
        .filter(|t| t.households > 0)
        .map(|t| (t.rule, t.households))
        .collect()
}

fn findings(r: &RegistryCheckReport) -> Vec<(String, &'static str)> {
    r.findings
        .iter()
        .map(|f| (f.household_no.to_string(), f.rule))
        .collect()
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

async fn import(
    app: &App,
    households: Option<std::path::PathBuf>,
    members: Option<std::path::PathBuf>,
) -> zhenxing_app::import::ImportReport {
    let req = ImportRequest {
        households,
        members,
        actor: Actor {
            user_id: None,
            name: "核查".into(),
        },
        scope: Scope::All,
    };
    app.import(&req, &NoProgress).await.unwrap()
}

async fn checks(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let (h, m) = ledger(dir.path());
    let report = import(&app, Some(h), Some(m)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);

    let county = app
        .registry_check(Scope::All, area("620102"), None, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!((county.households, county.members), (9, 13));
    assert_eq!(
        totals(&county),
        [
            ("no_members", 1),
            ("no_head", 1),
            ("several_heads", 1),
            ("head_name_differs", 1),
            ("size_differs", 1),
            ("relation_age", 1),
            ("no_labour_with_worker", 1),
            ("uninsured_not_marked", 1),
            ("uninsured_marked_all_insured", 1),
        ]
    );
    assert_eq!(county.households_with_findings, 8);
    assert_eq!(county.found, 9);
    assert_eq!(
        findings(&county),
        [
            ("R02".to_string(), "no_members"),
            ("R03".into(), "no_head"),
            ("R04".into(), "several_heads"),
            ("R05".into(), "head_name_differs"),
            ("R06".into(), "size_differs"),
            ("R07".into(), "relation_age"),
            ("R08".into(), "no_labour_with_worker"),
            ("R08".into(), "uninsured_not_marked"),
            ("R09".into(), "uninsured_marked_all_insured"),
        ]
    );
    let r05 = &county.findings[3];
    assert_eq!(
        r05.detail,
        "户信息的户主姓名为“李 四”，成员信息中的户主为“李斯”"
    );
    assert_eq!(r05.village_name, "城关区酒泉路街道张家园社区居委会");
    assert_eq!(
        county.findings[4].detail,
        "户信息的家庭人口数为3人，成员信息中有2人"
    );
    // Per village: households with a finding.
    let by_village: Vec<(String, u64)> = county
        .by_village
        .iter()
        .map(|(v, _, n)| (v.to_string(), *n))
        .collect();
    assert_eq!(
        by_village,
        [
            (V1.to_string(), 2),
            (V2.to_string(), 3),
            (V3.to_string(), 3)
        ]
    );

    // A township sees its own villages only; the province the other county's household too.
    let township = app
        .registry_check(
            Scope::Area(area("620102002")),
            area("620102002"),
            None,
            &NoProgress,
        )
        .await
        .unwrap();
    assert_eq!(township.households, 3);
    assert_eq!(
        findings(&township)
            .iter()
            .map(|(no, _)| no.as_str())
            .collect::<Vec<_>>(),
        ["R07", "R08", "R08", "R09"]
    );
    let province = app
        .registry_check(Scope::All, area("620000"), None, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!((province.households, province.found), (10, 9));

    // A limit keeps that many findings and counts them all.
    let limited = app
        .registry_check(Scope::All, area("620102"), Some(2), &NoProgress)
        .await
        .unwrap();
    assert_eq!((limited.findings.len(), limited.found), (2, 9));
    assert_eq!(totals(&limited), totals(&county));

    // A user checks their area or one within it, nothing else.
    let cadre = user(Role::VillageCadre, V3);
    let own = app
        .registry_check_as(&cadre, area(V3), None, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!(own.households, 3);
    // A household's page says what the check finds in it.
    for (no, rules) in [
        ("R07", vec!["relation_age"]),
        ("R08", vec!["no_labour_with_worker", "uninsured_not_marked"]),
        ("R09", vec!["uninsured_marked_all_insured"]),
    ] {
        let d = app
            .household(&cadre, &HouseholdNo::parse(no).unwrap(), false)
            .await
            .unwrap();
        assert_eq!(
            d.findings.iter().map(|f| f.0).collect::<Vec<_>>(),
            rules,
            "{no}"
        );
    }
    let d = app
        .household(&cadre, &HouseholdNo::parse("R08").unwrap(), false)
        .await
        .unwrap();
    assert_eq!(
        d.findings[0].2,
        "户标记为整户无劳动能力，成员郑七的劳动技能为“弱劳动力或半劳动力”"
    );
    for outside in [V1, "620102", OTHER_COUNTY] {
        assert!(
            matches!(
                app.registry_check_as(&cadre, area(outside), None, &zhenxing_app::NoProgress)
                    .await,
                Err(AppError::NotFound)
            ),
            "{outside}"
        );
    }

    // The workbook: a title saying what was checked, the header, a row a finding.
    let out = dir.path().join("核查.xlsx");
    county
        .write_xlsx(chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), &out)
        .unwrap();
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("户籍信息核查").unwrap();
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
    assert_eq!(
        rows[0][0],
        "城关区户籍信息核查（2026-12-05）：核查9户13人，8户有问题，共9条"
    );
    assert_eq!(
        rows[1],
        ["村代码", "村", "户编号", "户主姓名", "问题", "说明"]
    );
    assert_eq!(rows.len(), 2 + 9);
    assert_eq!(rows[2 + 5][2..5], ["R07", "吴六", "与户主关系和年龄不符"]);
    assert!(rows[2 + 5][5].contains("吴小六与户主关系为“之子”，出生却早于户主"));

    // Mended in the ledger and imported again, the household has nothing more to say.
    let fixed = dir.path().join("h2.csv");
    std::fs::write(&fixed, csv(H, &[&format!("R05,{V2},李斯,1,否,否,否")])).unwrap();
    import(&app, Some(fixed), None).await;
    let after = app
        .registry_check(Scope::All, area("620102"), None, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!(after.households_with_findings, 7);
    assert!(!findings(&after).iter().any(|(no, _)| no == "R05"));

    // Many pages (a page is 1,000 households): generated households of 永登县, consistent,
    // each read once and in key order, the findings above still found among them.
    app.add_synthetic(
        &SynthOptions {
            area: Some(area("620121")),
            ..SynthOptions::new(2_345, 7)
        },
        &Actor {
            user_id: None,
            name: "生成".into(),
        },
        &NoProgress,
    )
    .await
    .unwrap();
    let province = app
        .registry_check(Scope::All, area("620000"), None, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!((province.households, province.found), (10 + 2_345, 8));
    let keys: Vec<(AreaCode, String)> = app
        .store()
        .export_households(Scope::All, area("620000"))
        .map(|h| {
            let h = h.unwrap().household;
            (h.village, h.no.to_string())
        })
        .collect()
        .await;
    assert_eq!(keys.len(), 10 + 2_345);
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "in key order, once each"
    );
    let members = app
        .store()
        .export_members(Scope::All, area("620121"))
        .count()
        .await;
    assert_eq!(members as u64 + 13, province.members);
    app.close().await;
}

#[tokio::test]
async fn registry_check_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    checks(&dir.path().join("r.db").to_string_lossy()).await;
}

#[tokio::test]
async fn registry_check_on_postgres() {
    let Some(base) = postgres_url() else { return };
    checks(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn registry_check_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let (h, m) = ledger(dir.path());
    let imported = run(&[
        "import",
        "--db",
        &db,
        "--households",
        &h.to_string_lossy(),
        "--members",
        &m.to_string_lossy(),
    ]);
    assert!(imported.status.success(), "{imported:?}");
    // Findings: exit status 2, the summary and the list.
    let o = run(&["registry-check", "--db", &db, "--area", "620102"]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("城关区（620102000000）户籍信息核查")
            && text.contains("核查9户13人，8户有问题"),
        "{text}"
    );
    assert!(text.contains("户主不止一人：1户"), "{text}");
    assert!(text.contains("成员中有2人与户主关系为“户主”"), "{text}");
    // CSV with the rules' codes for scripts.
    let o = run(&[
        "registry-check",
        "--db",
        &db,
        "--area",
        "620102",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("village,village_name,household_no,head_name,rule,detail")
    );
    assert_eq!(lines.filter(|l| l.contains(",R08,")).count(), 2);
    // A workbook.
    let out = dir.path().join("out.xlsx");
    let o = run(&[
        "registry-check",
        "--db",
        &db,
        "--area",
        "620102",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        book.worksheet_range("户籍信息核查").unwrap().rows().count(),
        2 + 9
    );
    // A village without findings: exit status 0.
    let o = run(&["registry-check", "--db", &db, "--area", "620121100001"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    // Not an xlsx: refused before anything is read.
    let o = run(&["registry-check", "--db", &db, "--out", "x.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out 应为 .xlsx 文件"));
}

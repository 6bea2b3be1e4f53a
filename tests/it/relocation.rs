//! The relocation sites' floor task (易地扶贫搬迁安置区就业帮扶): a ledger with relocated
//! households of each kind (employed by migrant work, by months alone, by a 公益岗位; with labour
//! and nobody employed; without labour), imported, then judged — per area and per site, within
//! a user's area only, under the province's own rule, as a workbook and from the command line.
//! On SQLite and on PostgreSQL.

use calamine::{Data, Reader, Xlsx, open_workbook};
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::import::ImportRequest;
use zhenxing_app::relocation::{NO_SITE, RelocationReport};
use zhenxing_app::store::Actor;
use zhenxing_app::{App, AppError, NoProgress};
use zhenxing_domain::policy::shipped;
use zhenxing_domain::{AreaCode, PolicyYear, Role, Scope, today_in_china};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::{csv, id};

const H: &str = "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,是否易地扶贫搬迁户,安置点";
const M: &str = "户编号,证件号码,姓名,与户主关系,劳动技能,务工地点,务工时间（月）,是否公益岗位";

/// Villages: two of one township of 城关区, one of another township; and one of 永登县.
const V1: &str = "620102001001";
const V2: &str = "620102001002";
const V3: &str = "620102002001";
const OTHER_COUNTY: &str = "620121100001";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn ledger(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let p = |birth: &str, seq: u32| id("620102", birth, seq);
    let households = [
        // Migrant work: met.
        format!("S01,{V1},王伟,2,是,是,东岗安置区"),
        // Labour, nobody employed: short.
        format!("S02,{V2},赵强,2,是,是,东岗安置区"),
        // No labour: not on the list.
        format!("S03,{V2},钱老,2,是,是, 东岗安置区 "),
        // A 公益岗位, no site given.
        format!("S04,{V3},孙岗,1,是,是,"),
        // Months of migrant work without a place: met.
        format!("S05,{V3},李工,1,是,是,西固安置点"),
        // Not relocated: not judged.
        format!("S06,{V1},周闲,1,否,否,"),
        // Another county's site of the same name: short.
        format!("S07,{OTHER_COUNTY},吴远,1,是,是,东岗安置区"),
    ];
    let members = [
        format!("S01,{},王伟,户主,普通劳动力,省外,6,否", p("19800101", 11)),
        format!("S01,{},张红,配偶,普通劳动力,,,否", p("19820202", 12)),
        format!("S02,{},赵强,户主,普通劳动力,,,否", p("19800103", 13)),
        format!("S02,{},赵妻,配偶,弱劳动力,,,否", p("19820103", 14)),
        format!("S03,{},钱老,户主,丧失劳动力,,,否", p("19400104", 15)),
        format!("S03,{},钱孙,之孙子,无劳动力,,,否", p("20180104", 16)),
        format!("S04,{},孙岗,户主,技能劳动力,,,是", p("19750105", 17)),
        format!("S05,{},李工,户主,普通劳动力,,3,否", p("19850106", 18)),
        format!("S06,{},周闲,户主,普通劳动力,,,否", p("19850107", 19)),
        format!(
            "S07,{},吴远,户主,普通劳动力,,,否",
            id("620121", "19800108", 20)
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

fn short(r: &RelocationReport) -> Vec<String> {
    r.short.iter().map(|s| s.household_no.to_string()).collect()
}

/// (county, site, households, villages, labour households, met, short)
fn sites(r: &RelocationReport) -> Vec<(String, String, u64, u64, u64, u64, u64)> {
    r.sites
        .iter()
        .map(|s| {
            (
                s.county.to_string(),
                s.site.clone(),
                s.figures.households,
                s.villages,
                s.figures.labour_households,
                s.figures.households_met,
                s.figures.households_short,
            )
        })
        .collect()
}

async fn floor_task(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let (h, m) = ledger(dir.path());
    let req = ImportRequest {
        households: Some(h),
        members: Some(m),
        actor: Actor {
            user_id: None,
            name: "搬迁".into(),
        },
        scope: Scope::All,
    };
    let imported = app.import(&req, &NoProgress).await.unwrap();
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);

    let county = app
        .relocation(Scope::All, area("620102"), None, &NoProgress)
        .await
        .unwrap();
    assert_eq!(county.area_name, "城关区");
    assert!(county.policy.is_some(), "the shipped policy's rule");
    let t = county.totals;
    assert_eq!((t.households, t.persons), (5, 8));
    assert_eq!((t.labour_households, t.labour), (4, 6));
    assert_eq!((t.employed, t.migrant, t.welfare_job), (3, 2, 1));
    assert_eq!((t.households_met, t.households_short), (3, 1));
    assert_eq!(t.met_rate(), "75.0%");
    assert_eq!(short(&county), ["S02"]);
    let s02 = &county.short[0];
    assert_eq!(
        (s02.persons, s02.labour, s02.employed, s02.required),
        (2, 2, 0, 1)
    );
    assert_eq!(s02.site, "东岗安置区");
    assert_eq!(s02.head_name, "赵强");
    assert_eq!(s02.village_name, "酒泉路街道张家园社区居委会");
    // Per site (the name trimmed; none given is said so), per township.
    assert_eq!(
        sites(&county),
        [
            ("620102000000".into(), "东岗安置区".into(), 3, 2, 2, 1, 1),
            ("620102000000".into(), "西固安置点".into(), 1, 1, 1, 1, 0),
            ("620102000000".into(), NO_SITE.into(), 1, 1, 1, 1, 0),
        ]
    );
    let by_area: Vec<(String, u64, u64)> = county
        .by_area
        .iter()
        .map(|a| {
            (
                a.code.to_string(),
                a.figures.households,
                a.figures.households_short,
            )
        })
        .collect();
    assert_eq!(
        by_area,
        [
            ("620102001000".to_string(), 3, 1),
            ("620102002000".to_string(), 2, 0)
        ]
    );

    // The province: both counties, a site of each; the list cut to one, the counts whole.
    let province = app
        .relocation(Scope::All, area("620000"), Some(1), &NoProgress)
        .await
        .unwrap();
    assert_eq!(
        (province.totals.households, province.totals.households_short),
        (6, 2)
    );
    assert_eq!(short(&province), ["S02"]);
    assert_eq!(
        province.short[0].village_name,
        "城关区酒泉路街道张家园社区居委会"
    );
    assert_eq!(province.sites.len(), 4);
    assert_eq!(province.by_area.len(), 1, "兰州市");
    let all = app
        .relocation(Scope::All, area("620000"), None, &NoProgress)
        .await
        .unwrap();
    assert_eq!(short(&all), ["S02", "S07"]);

    // A user judges their area or one within it, nothing else.
    let township = user(Role::TownshipOfficer, "620102002");
    let own = app
        .relocation_as(&township, area("620102002"), None, &NoProgress)
        .await
        .unwrap();
    assert_eq!((own.totals.households, own.totals.households_short), (2, 0));
    for outside in [V1, "620102", OTHER_COUNTY, "620000"] {
        assert!(
            matches!(
                app.relocation_as(&township, area(outside), None, &NoProgress)
                    .await,
                Err(AppError::NotFound)
            ),
            "{outside}"
        );
    }

    // The floor task is the province's policy: two employed where there are two in labour,
    // only skilled and ordinary labour, only migrant work.
    let year = PolicyYear::new(today_in_china().format("%Y").to_string().parse().unwrap()).unwrap();
    let text = shipped(area("62"), year)
        .unwrap()
        .replace("min_employed = 1", "min_employed = 2")
        .replace(
            "employment = [\"务工\", \"公益岗位\"]",
            "employment = [\"务工\"]",
        );
    app.store()
        .monitoring()
        .add_policy(
            &Actor {
                user_id: None,
                name: "省级".into(),
            },
            area("620000"),
            year,
            &text,
            Some("搬迁户每户两人就业"),
        )
        .await
        .unwrap();
    let stricter = app
        .relocation(Scope::All, area("620102"), None, &NoProgress)
        .await
        .unwrap();
    assert_eq!(stricter.rule.min_employed, 2);
    // S01: two in labour, one employed; S04: its 公益岗位 no longer counts.
    assert_eq!(short(&stricter), ["S01", "S02", "S04"]);
    assert_eq!(stricter.totals.welfare_job, 0);

    // The workbook: the sites, then the households short, each under its title.
    let out = dir.path().join("搬迁.xlsx");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    county.write_xlsx(day, &out).unwrap();
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let read = |book: &mut Xlsx<_>, name: &str| -> Vec<Vec<String>> {
        book.worksheet_range(name)
            .unwrap()
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
            .collect()
    };
    let site_rows = read(&mut book, "安置点");
    assert_eq!(
        site_rows[0][0],
        "城关区易地扶贫搬迁户就业（2026-12-05）：搬迁户5户8人，有劳动力4户，已达到每户至少1人就业3户（75.0%），未达到1户"
    );
    assert_eq!(site_rows[1][2], "安置点");
    assert_eq!(site_rows.len(), 2 + 3);
    assert_eq!(
        site_rows[2],
        [
            "620102000000",
            "城关区",
            "东岗安置区",
            "2",
            "3",
            "6",
            "2",
            "4",
            "1",
            "1",
            "0",
            "1",
            "1"
        ]
    );
    let short_rows = read(&mut book, "未达到就业目标的户");
    assert_eq!(short_rows[0][0], "有劳动力但就业人数不足的搬迁户：1户");
    assert_eq!(short_rows.len(), 2 + 1);
    assert_eq!(
        short_rows[2][2..],
        ["S02", "赵强", "东岗安置区", "2", "2", "0", "1"]
    );
    app.close().await;
}

#[tokio::test]
async fn relocation_floor_task_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    floor_task(&dir.path().join("r.db").to_string_lossy()).await;
}

#[tokio::test]
async fn relocation_floor_task_on_postgres() {
    let Some(base) = postgres_url() else { return };
    floor_task(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn relocation_from_the_command_line() {
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
    // Some household short: exit status 2, the summary, the sites and the list.
    let o = run(&["relocation", "--db", &db, "--area", "620102"]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("城关区易地扶贫搬迁户就业")
            && text.contains(
                "搬迁户5户8人，有劳动力4户，已达到每户至少1人就业3户（75.0%），未达到1户"
            )
            && text.contains("东岗安置区")
            && text.contains("S02"),
        "{text}"
    );
    // csv: the households short, for scripts.
    let o = run(&[
        "relocation",
        "--db",
        &db,
        "--area",
        "620000",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "village,village_name,household_no,head_name,site,persons,labour,employed,required"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].contains(",S02,赵强,东岗安置区,2,2,0,1") && lines[2].contains(",S07,"));
    // A workbook.
    let out = dir.path().join("搬迁.xlsx");
    let o = run(&[
        "relocation",
        "--db",
        &db,
        "--area",
        "620102",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["安置点", "未达到就业目标的户"]);
    // Not a workbook's name: refused before anything is read.
    let o = run(&["relocation", "--db", &db, "--out", "x.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out 应为 .xlsx 文件"));
    // A county where every relocated household is employed: exit status 0.
    let o = run(&[
        "relocation",
        "--db",
        &db,
        "--area",
        "620102002",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["totals"]["households"], 2);
    assert_eq!(json["short"].as_array().unwrap().len(), 0);
}

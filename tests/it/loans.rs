//! 脱贫人口小额信贷: the banks' ledger as a county keeps it (GBK CSV under a title row, amounts in
//! 万元, a term instead of a due day), each borrower found in the registry, with a row for each
//! way a row is refused; the loans as of a day (owed, overdue, outside the policy's cover) per
//! area; the same ledger again changing nothing, a loan repaid updating it. On SQLite and on
//! PostgreSQL, and from the command line.

use calamine::{Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::import::ImportRequest;
use zhenxing_app::store::Actor;
use zhenxing_app::{App, AppError, NoProgress};
use zhenxing_domain::{AreaCode, Role, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::{bad_check, csv, id};

const H: &str =
    "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,监测对象类别,致贫返贫风险,识别监测时间";
const M: &str = "户编号,证件号码,姓名,与户主关系";
const LOANS: &str = "贷款合同编号,借款人证件号码,借款人姓名,放贷银行,贷款金额（万元）,放款日期,贷款期限（月）,贷款余额（万元）,结清日期,是否展期,贷款用途";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn user(role: Role, area_code: &str) -> Caller {
    Caller {
        user: zhenxing_app::store::accounts::User {
            id: 1,
            name: "信贷专干".into(),
            role,
            area: area(area_code),
            disabled: false,
            created_at: String::new(),
        },
        via: Via::Session,
    }
}

struct People {
    wang: String,
    zhao: String,
    qian: String,
    sun: String,
}

fn people() -> People {
    People {
        wang: id("620102", "19800101", 31),
        zhao: id("620102", "19810202", 32),
        qian: id("620102", "19820303", 33),
        sun: id("620121", "19830404", 34),
    }
}

/// Households: an ex-poor one and a monitored one (the policy covers both), an ordinary one,
/// and an ex-poor one of another county.
fn registry(dir: &std::path::Path, p: &People) -> (std::path::PathBuf, std::path::PathBuf) {
    let h = dir.join("h.csv");
    let m = dir.join("m.csv");
    std::fs::write(
        &h,
        csv(
            H,
            &[
                "L1,620102001001,王一,1,是,,,",
                "L2,620102001001,赵二,1,否,边缘易致贫户,因病,2024-05-01",
                "L3,620102001002,钱三,1,否,,,",
                "L4,620121100001,孙四,1,是,,,",
            ],
        ),
    )
    .unwrap();
    std::fs::write(
        &m,
        csv(
            M,
            &[
                &format!("L1,{},王一,户主", p.wang),
                &format!("L2,{},赵二,户主", p.zhao),
                &format!("L3,{},钱三,户主", p.qian),
                &format!("L4,{},孙四,户主", p.sun),
            ],
        ),
    )
    .unwrap();
    (h, m)
}

fn loans_ledger(dir: &std::path::Path, p: &People) -> std::path::PathBuf {
    let stranger = id("620102", "19900505", 35);
    let bad = bad_check(&p.wang);
    // Each row's borrower: D08's ID number has a wrong check character.
    let rows: Vec<String> = [
        ("D01,ID,王一,农商银行,5,2024-03-15,36,3,,否,养殖", &p.wang),
        ("D02,ID,赵二,邮储银行,3,2022-06-01,24,1.5,,是,种植", &p.zhao),
        (
            "D03,ID,王一,农商银行,5,2021-01-10,36,0,2023-12-20,否,养殖",
            &p.wang,
        ),
        ("D04,ID,钱三,农商银行,2,2026-02-01,3,,,否,", &p.qian),
        ("D05,ID,孙四,农商银行,5,2024-03-15,36,5,,否,", &p.sun),
        ("D06,ID,周六,农商银行,5,2024-03-15,36,5,,否,", &stranger),
        ("D07,ID,王五,农商银行,5,2024-03-15,36,5,,否,", &p.wang),
        ("D08,ID,王一,农商银行,5,2024-03-15,36,5,,否,", &bad),
        ("D09,ID,王一,农商银行,5,2024-03-15,36,6,,否,", &p.wang),
        ("D01,ID,王一,农商银行,5,2024-03-15,36,3,,否,养殖", &p.wang),
    ]
    .iter()
    .map(|(r, who)| r.replacen("ID", who, 1))
    .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let text = format!("2026年城关区脱贫人口小额信贷台账\r\n{}", csv(LOANS, &rows));
    let path = dir.join("小额信贷.csv");
    std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
    path
}

async fn loans_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let p = people();
    let (h, m) = registry(dir.path(), &p);
    let req = ImportRequest {
        households: Some(h),
        members: Some(m),
        actor: Actor {
            user_id: None,
            name: "台账".into(),
        },
        scope: Scope::All,
    };
    let imported = app.import(&req, &NoProgress).await.unwrap();
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);

    let county = user(Role::CountyOfficer, "620102");
    let ledger = loans_ledger(dir.path(), &p);
    let r = app.import_loans(&county, &ledger, None).await.unwrap();
    assert_eq!(
        (
            r.rows,
            r.added,
            r.updated,
            r.unchanged,
            r.rejected,
            r.not_covered
        ),
        (10, 4, 0, 0, 6, 1)
    );
    let told: Vec<(u64, &str, &str, &str)> = r
        .errors
        .iter()
        .map(|e| {
            (
                e.row,
                e.column.as_str(),
                e.value.as_str(),
                e.reason.as_str(),
            )
        })
        .collect();
    let masked = |s: &str| zhenxing_domain::id_number::mask_id_str(s);
    assert_eq!(
        told[0],
        (
            7,
            "借款人证件号码",
            masked(&p.sun).as_str(),
            "借款人的户不在您的管辖范围内"
        )
    );
    assert_eq!(told[1].0, 8);
    assert_eq!(told[1].3, "借款人不在农户台账中（此证件号码没有登记）");
    assert_eq!(
        told[2],
        (
            9,
            "借款人姓名",
            "王五",
            "与户籍登记的姓名“王一”不一致（证件号码可能填错）"
        )
    );
    assert_eq!((told[3].0, told[3].1), (10, "借款人证件号码"));
    assert_eq!(told[3].2, masked(&bad_check(&p.wang)), "masked");
    assert!(
        !r.errors.iter().any(|e| e.value.contains(&p.wang[6..14])),
        "no whole ID number"
    );
    assert_eq!(
        (told[4].0, told[4].1, told[4].3),
        (
            11,
            "贷款余额（万元）",
            "贷款余额60000.00元大于贷款金额50000.00元"
        )
    );
    assert_eq!((told[5].0, told[5].3), (12, "与第3行的贷款合同编号重复"));
    assert_eq!(told.len(), 6);

    // The county as of a day: owed, overdue (the longest first), outside the cover.
    let r = app
        .loan_report(Scope::All, area("620102"), Some(day("2026-06-30")), None)
        .await
        .unwrap();
    let t = r.totals;
    assert_eq!(
        (t.loans, t.loans_this_year, t.outstanding, t.overdue),
        (4, 1, 3, 2)
    );
    assert_eq!(t.amount.fen(), 15_000_000);
    assert_eq!(t.amount_this_year.fen(), 2_000_000);
    assert_eq!(
        t.balance.fen(),
        6_500_000,
        "D04's balance: its amount (none given)"
    );
    assert_eq!(t.overdue_balance.fen(), 3_500_000);
    assert_eq!(t.overdue_rate(), "53.85%");
    assert_eq!((t.households_owing, t.extended, t.not_covered), (3, 1, 1));
    let overdue: Vec<(&str, i64)> = r
        .overdue
        .iter()
        .map(|l| (l.no.as_str(), l.days_overdue))
        .collect();
    assert_eq!(overdue, [("D02", 759), ("D04", 60)]);
    assert_eq!(r.overdue[0].borrower_masked, masked(&p.zhao));
    assert_eq!(r.not_covered[0].no.as_str(), "D04");
    assert_eq!(r.by_area.len(), 1);
    assert_eq!(r.by_area[0].2.households_owing, 3);
    assert_eq!(
        r.summary(),
        "城关区小额信贷（截至2026-06-30）：累计发放4笔150000.00元，当年发放1笔20000.00元；贷款余额3笔65000.00元（3户）；逾期2笔35000.00元，逾期率53.85%；借款户不在所贷产品支持对象内的1笔"
    );
    // Before D01 was lent and before D02 fell due.
    let early = app
        .loan_report(Scope::All, area("620102"), Some(day("2024-01-01")), None)
        .await
        .unwrap();
    assert_eq!(
        (
            early.totals.loans,
            early.totals.outstanding,
            early.totals.overdue
        ),
        (2, 1, 0)
    );

    // A township sees its own area only; a village cadre may not import.
    let township = user(Role::TownshipOfficer, "620102002");
    let own = app
        .loan_report_as(&township, area("620102002"), None, None)
        .await
        .unwrap();
    assert_eq!(own.totals.loans, 0);
    assert!(matches!(
        app.loan_report_as(&township, area("620102"), None, None)
            .await,
        Err(AppError::NotFound)
    ));
    let cadre = user(Role::VillageCadre, "620102001001");
    assert!(matches!(
        app.import_loans(&cadre, &ledger, None).await,
        Err(AppError::Forbidden)
    ));

    // The same ledger again: nothing changes; D02 repaid: updated, no longer overdue.
    let again = app.import_loans(&county, &ledger, None).await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4));
    let repaid = dir.path().join("结清.csv");
    std::fs::write(
        &repaid,
        csv(
            LOANS,
            &[&format!(
                "D02,{},赵二,邮储银行,3,2022-06-01,24,0,2025-01-05,是,种植",
                p.zhao
            )],
        ),
    )
    .unwrap();
    let r = app.import_loans(&county, &repaid, None).await.unwrap();
    assert_eq!((r.added, r.updated, r.rejected), (0, 1, 0));
    let after = app
        .loan_report(Scope::All, area("620102"), Some(day("2026-06-30")), None)
        .await
        .unwrap();
    assert_eq!((after.totals.outstanding, after.totals.overdue), (2, 1));

    // A household's loans on its page, the latest lent first; within the caller's area only.
    let l1 = zhenxing_domain::HouseholdNo::parse("L1").unwrap();
    let own: Vec<String> = app
        .household_loans(&county, area("620102"), &l1)
        .await
        .unwrap()
        .iter()
        .map(|l| format!("{} {} {}", l.no, l.lent_on, l.balance.fen()))
        .collect();
    assert_eq!(own, ["D01 2024-03-15 3000000", "D03 2021-01-10 0"]);
    assert!(
        app.household_loans(&township, area("620102"), &l1)
            .await
            .unwrap()
            .is_empty(),
        "L1 lies in another township"
    );
    // A loan with its changes, newest first: D02's repayment field by field, its borrower's
    // ID number masked everywhere.
    let d02 = zhenxing_domain::loan::LoanNo::parse("D02").unwrap();
    let d = app.loan_as(&county, area("620102"), &d02).await.unwrap();
    assert_eq!((d.version, d.changes.len()), (2, 2));
    assert_eq!(d.repaid_on, Some(day("2025-01-05")));
    assert!(!d.outstanding);
    assert_eq!(
        d.changes[0].fields,
        [
            ("贷款余额（元）".into(), "15000.00".into(), "0.00".into()),
            ("结清日期".into(), String::new(), "2025-01-05".into()),
        ]
    );
    assert_eq!(d.changes[1].version, 1);
    assert!(
        d.changes[1]
            .fields
            .contains(&("借款人证件号码".into(), String::new(), masked(&p.zhao))),
        "{:?}",
        d.changes[1].fields
    );
    assert!(
        !serde_json::to_string(&d).unwrap().contains(&p.zhao[6..14]),
        "no whole ID number"
    );
    assert!(matches!(
        app.loan_as(&township, area("620102"), &d02).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.loan_as(
            &county,
            area("620102"),
            &zhenxing_domain::loan::LoanNo::parse("D99").unwrap()
        )
        .await,
        Err(AppError::NotFound)
    ));

    // The workbook: the overdue loans and those outside the cover, masked.
    let out = dir.path().join("贷款.xlsx");
    after.write_xlsx(&out).unwrap();
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["逾期贷款", "支持对象以外的贷款", "超出额度或期限的贷款"]
    );
    let sheet = book.worksheet_range("逾期贷款").unwrap();
    let row: Vec<String> = sheet
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[0], "D04");
    assert_eq!(row[2], masked(&p.qian));
    assert_eq!(row[13], "脱贫人口小额信贷", "the product named");

    products_story(&app, &county, dir.path(), &p).await;
    app.close().await;
}

/// 富民贷 beside 小额信贷: a ledger naming the product (by its name or an alias), each loan
/// judged by its product — whom it is for, its amount and term — an unknown product refused;
/// the figures per product.
async fn products_story(app: &App, county: &Caller, dir: &std::path::Path, p: &People) {
    let header = format!("{LOANS},贷款产品");
    let rows = [
        format!(
            "F01,{},钱三,农商银行,8,2025-01-10,36,8,,否,养殖,富民贷",
            p.qian
        ),
        format!(
            "F02,{},钱三,农商银行,12,2025-02-01,48,12,,否,养殖,富民产业贷",
            p.qian
        ),
        format!("F03,{},王一,农商银行,1,2025-02-01,12,1,,否,,消费贷", p.wang),
        format!(
            "F04,{},钱三,农商银行,1,2025-03-01,12,1,,否,,小额信贷",
            p.qian
        ),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let ledger = dir.join("富民贷.csv");
    std::fs::write(&ledger, csv(&header, &rows)).unwrap();
    let r = app.import_loans(county, &ledger, None).await.unwrap();
    assert_eq!(
        (r.added, r.rejected, r.not_covered, r.beyond),
        (3, 1, 1, 1),
        "{r:?}"
    );
    assert_eq!(r.errors[0].row, 4);
    assert_eq!(r.errors[0].column, "贷款产品");
    assert_eq!(
        r.errors[0].reason,
        "不是本省政策列出的贷款产品（脱贫人口小额信贷、富民贷）"
    );
    assert!(
        r.summary()
            .contains("其中1笔借款户不在所贷产品的支持对象内，1笔超出产品额度或期限"),
        "{}",
        r.summary()
    );
    let report = app
        .loan_report(Scope::All, area("620102"), Some(day("2026-06-30")), None)
        .await
        .unwrap();
    let products: Vec<(&str, u64, i64)> = report
        .by_product
        .iter()
        .map(|(name, f)| (name.as_str(), f.loans, f.amount.fen()))
        .collect();
    assert_eq!(
        products,
        [
            ("脱贫人口小额信贷", 5, 16_000_000),
            ("富民贷", 2, 20_000_000)
        ]
    );
    // 钱三 is an ordinary household: 富民贷 is for him, 小额信贷 (D04, F04) is not.
    let not_covered: Vec<&str> = report.not_covered.iter().map(|l| l.no.as_str()).collect();
    assert_eq!(not_covered, ["D04", "F04"]);
    assert_eq!(report.beyond_count, 1);
    assert_eq!(report.beyond[0].no.as_str(), "F02");
    assert_eq!(report.beyond[0].product, "富民贷");
    assert_eq!(
        report.beyond[0].beyond,
        [
            "贷款金额120000.00元超过富民贷的额度100000.00元",
            "贷款期限超过富民贷的36个月"
        ]
    );
    assert!(
        report.summary().contains("其中脱贫人口小额信贷5笔、余额"),
        "{}",
        report.summary()
    );
    // The product stored by its name (the alias read as 富民贷), kept on the same ledger again.
    let again = app.import_loans(county, &ledger, None).await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 3));
}

#[tokio::test]
async fn loans_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    loans_story(&dir.path().join("l.db").to_string_lossy()).await;
}

#[tokio::test]
async fn loans_on_postgres() {
    let Some(base) = postgres_url() else { return };
    loans_story(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn loans_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let p = people();
    let (h, m) = registry(dir.path(), &p);
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
    let ledger = loans_ledger(dir.path(), &p);
    let o = run(&[
        "loans",
        "import",
        "--db",
        &db,
        "--file",
        &ledger.to_string_lossy(),
    ]);
    // The whole province in reach: 孙四's loan goes in too.
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(
            "读取10行，新增贷款5笔，更新0笔，未变0笔，其中1笔借款户不在所贷产品的支持对象内，5行未导入"
        ),
        "{text}"
    );
    let o = run(&[
        "loans",
        "stats",
        "--db",
        &db,
        "--area",
        "620000",
        "--date",
        "2026-06-30",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["totals"]["loans"], 5);
    assert_eq!(json["totals"]["overdue"], 2);
    let o = run(&["loans", "stats", "--db", &db, "--date", "明天"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--date 应为日期"));
    let not = dir.path().join("x.csv");
    std::fs::write(&not, "姓名,年龄\r\n张三,3\r\n").unwrap();
    let o = run(&[
        "loans",
        "import",
        "--db",
        &db,
        "--file",
        &not.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("小额信贷台账"),
        "{o:?}"
    );
}

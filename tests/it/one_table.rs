//! Ledgers of one row a person (一表式台账): households and members from one sheet, the
//! household's columns repeated, merged down or filled on its first row only.

use rust_xlsxwriter::{Format, Workbook};
use zhenxing_app::NoProgress;
use zhenxing_app::export::{ExportLayout, ExportRequest};
use zhenxing_domain::{AreaCode, HouseholdNo, Money, Scope};
use zhenxing_ledger::write::{CsvEncoding, Disclosure};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::*;

fn no(s: &str) -> HouseholdNo {
    HouseholdNo::parse(s).unwrap()
}

/// (head name, size, declared per-capita income, phone, names of members in order).
async fn registered(
    env: &Env,
    n: &str,
) -> (String, u32, Option<Money>, Option<String>, Vec<String>) {
    let h = env
        .stored(n)
        .await
        .unwrap_or_else(|| panic!("household {n} not registered"))
        .household;
    let members = env.app.store().members(Scope::All, &no(n)).await.unwrap();
    (
        h.head_name,
        h.size,
        h.income.declared_per_capita,
        h.phone,
        members.into_iter().map(|m| m.member.name).collect(),
    )
}

#[tokio::test]
async fn one_row_a_person_on_sqlite() {
    let env = Env::new().await;
    a_workbook_of_one_row_a_person_imports_households_and_members(&env).await;
    a_household_whose_rows_disagree_or_name_no_single_head_is_refused_and_one_apart_gathered(&env)
        .await;
}

#[tokio::test]
async fn one_row_a_person_on_postgres() {
    let Some(base) = postgres_url() else { return };
    let env = Env::at(&fresh_postgres(&base).await).await;
    a_workbook_of_one_row_a_person_imports_households_and_members(&env).await;
    a_household_whose_rows_disagree_or_name_no_single_head_is_refused_and_one_apart_gathered(&env)
        .await;
}

async fn a_workbook_of_one_row_a_person_imports_households_and_members(env: &Env) {
    let path = env.path("一表式.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("监测对象").unwrap();
    sheet
        .merge_range(
            0,
            0,
            0,
            8,
            "城关区防返贫监测对象信息（每人一行）",
            &Format::new(),
        )
        .unwrap();
    // No 户主姓名 and no 家庭人口数: the head is the member whose relation is 户主, the size the
    // household's rows.
    let headers = [
        "户编号",
        "所在村代码",
        "是否脱贫户",
        "人均纯收入（元）",
        "姓名",
        "证件号码",
        "与户主关系",
        "联系电话",
        "健康状况",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let people = [
        // 5001: the household's cells merged down over its three rows; the head on the second.
        (
            "5001",
            "李芳",
            id("620102", "19720202", 2),
            "配偶",
            "13800000001",
            "健康",
        ),
        (
            "5001",
            "王伟",
            id("620102", "19700101", 1),
            "户主",
            "13900000002",
            "患有大病",
        ),
        (
            "5001",
            "王小",
            id("620102", "20100101", 3),
            "子",
            "",
            "健康",
        ),
        // 5002: the household's cells repeated on each row.
        (
            "5002",
            "赵六",
            id("620102", "19600303", 4),
            "户主",
            "",
            "健康",
        ),
        (
            "5002",
            "钱七",
            id("620102", "19620404", 5),
            "配偶",
            "",
            "健康",
        ),
        // 5003: filled on its first row only.
        (
            "5003",
            "孙八",
            id("620102", "19550505", 6),
            "本人",
            "13700000003",
            "健康",
        ),
        (
            "5003",
            "孙九",
            id("620102", "19800606", 7),
            "子",
            "",
            "健康",
        ),
    ];
    let household = |n: &str| match n {
        "5001" => (V1, "是", 7701.34),
        "5002" => (V2, "否", 15000.0),
        _ => (V1, "否", 9000.0),
    };
    for (r, (n, name, idn, relation, phone, health)) in people.iter().enumerate() {
        let row = r as u32 + 2;
        let (village, ex_poor, income) = household(n);
        if *n == "5001" {
            if r == 0 {
                let plain = Format::new();
                sheet.merge_range(row, 0, row + 2, 0, n, &plain).unwrap();
                sheet
                    .merge_range(row, 1, row + 2, 1, village, &plain)
                    .unwrap();
                sheet
                    .merge_range(row, 2, row + 2, 2, ex_poor, &plain)
                    .unwrap();
                sheet
                    .merge_range(row, 3, row + 2, 3, &income.to_string(), &plain)
                    .unwrap();
            }
        } else {
            sheet.write_string(row, 0, *n).unwrap();
            let first = r == 0 || people[r - 1].0 != *n;
            if *n == "5002" || first {
                sheet.write_string(row, 1, village).unwrap();
                sheet.write_string(row, 2, ex_poor).unwrap();
                sheet.write_number(row, 3, income).unwrap();
            }
        }
        sheet.write_string(row, 4, *name).unwrap();
        sheet.write_string(row, 5, idn).unwrap();
        sheet.write_string(row, 6, *relation).unwrap();
        sheet.write_string(row, 7, *phone).unwrap();
        sheet.write_string(row, 8, *health).unwrap();
    }
    book.save(&path).unwrap();

    // Given as the households ledger alone: its members come with it.
    let report = env.import(Some(&path), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let c = &report.counts;
    assert_eq!((c.households_inserted, c.members_inserted), (3, 7));
    assert_eq!(report.rows, 7, "each row is read once in the answer");

    let (head, size, income, phone, names) = registered(env, "5001").await;
    assert_eq!((head.as_str(), size), ("王伟", 3));
    assert_eq!(income, Some(Money::from_fen(770134)));
    assert_eq!(phone.as_deref(), Some("13900000002"), "the head's phone");
    assert_eq!(names, ["王伟", "李芳", "王小"]);
    let (head, size, income, _, names) = registered(env, "5002").await;
    assert_eq!((head.as_str(), size), ("赵六", 2));
    assert_eq!(income, Some(Money::from_yuan(15000)));
    assert_eq!(names.len(), 2);
    let (head, size, income, phone, _) = registered(env, "5003").await;
    assert_eq!((head.as_str(), size), ("孙八", 2));
    assert_eq!(income, Some(Money::from_yuan(9000)));
    assert_eq!(phone.as_deref(), Some("13700000003"));

    // The same workbook again changes nothing.
    let again = env.import(Some(&path), None).await.unwrap();
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    let c = &again.counts;
    assert_eq!(
        (
            c.households_unchanged,
            c.members_unchanged,
            c.households_updated + c.households_inserted,
            c.members_updated + c.members_inserted
        ),
        (3, 7, 0, 0)
    );

    // Exported one row a person and imported back: nothing changes.
    let req = ExportRequest {
        scope: Scope::All,
        area: AreaCode::parse("620102").unwrap(),
        out: env.path("导出一表式.xlsx"),
        disclosure: Disclosure::Whole,
        csv_encoding: CsvEncoding::Utf8Bom,
        layout: ExportLayout::Persons,
    };
    let exported = env.app.export(&req, &NoProgress).await.unwrap();
    assert_eq!((exported.households, exported.members), (3, 7));
    let back = env.import(Some(&exported.files[0]), None).await.unwrap();
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let c = &back.counts;
    assert_eq!(
        (c.households_unchanged, c.members_unchanged, back.rows),
        (3, 7, 7)
    );
}

async fn a_household_whose_rows_disagree_or_name_no_single_head_is_refused_and_one_apart_gathered(
    env: &Env,
) {
    let header = "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,人均纯收入（元）,姓名,身份证号,与户主关系";
    let header_no_head = "户编号,所在村代码,是否脱贫户,人均纯收入（元）,姓名,身份证号,与户主关系";
    let p = |seq: u32| id("620102", "19710101", seq);
    // With 户主姓名 and 家庭人口数 given: taken from the file, not derived.
    let given = csv(
        header,
        &[
            &format!("6001,{V1},王伟,4,是,8000,王伟,{},户主", p(1)),
            &format!("6001,{V1},王伟,4,是,8000,李芳,{},配偶", p(2)),
            // Another income on the household's second row: refused.
            &format!("6002,{V1},赵六,2,否,9000,赵六,{},户主", p(3)),
            &format!("6002,{V1},赵六,2,否,9100,钱七,{},配偶", p(4)),
        ],
    );
    let gbk = |text: &str| {
        let (bytes, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        bytes.into_owned()
    };
    let path = env.write("台账.csv", gbk(&given));
    let report = env.import(Some(&path), None).await.unwrap();
    assert_eq!(
        errors(&report),
        [
            (4, "户编号".to_string(), "household_rejected"),
            (5, "人均纯收入（元）".to_string(), "household_rows_differ"),
            (5, "户编号".to_string(), "household_rejected"),
        ]
    );
    assert!(
        report.errors[1].reason.contains("第4行为“9000”"),
        "{}",
        report.errors[1]
    );
    let (head, size, ..) = registered(env, "6001").await;
    assert_eq!(
        (head.as_str(), size),
        ("王伟", 4),
        "the declared size, not the rows"
    );
    assert!(
        env.app
            .store()
            .household(Scope::All, &no("6002"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        env.app
            .store()
            .members(Scope::All, &no("6002"))
            .await
            .unwrap()
            .is_empty()
    );

    // Derived heads: none, two; a household's rows apart (a member added further down) gathered.
    let derived = csv(
        header_no_head,
        &[
            &format!("7001,{V1},否,9000,周一,{},配偶", p(11)),
            &format!("7002,{V1},否,9000,吴二,{},户主", p(12)),
            &format!("7002,{V1},否,9000,郑三,{},户主", p(13)),
            &format!("7003,{V1},否,9000,冯四,{},户主", p(14)),
            &format!("7004,{V1},否,9000,陈五,{},户主", p(15)),
            &format!("7003,{V1},否,9000,褚六,{},子", p(16)),
            &format!("7005,{V1},否,9000,卫七,{},户主", p(17)),
        ],
    );
    let path = env.write("派生.csv", gbk(&derived));
    let report = env.import(Some(&path), None).await.unwrap();
    let codes: Vec<(u64, &str)> = report.errors.iter().map(|e| (e.row, e.code)).collect();
    assert_eq!(
        codes,
        [
            (2, "household_no_head"),
            (2, "household_rejected"),
            (3, "household_rejected"),
            (4, "household_several_heads"),
            (4, "household_rejected"),
        ]
    );
    assert!(
        report.errors[3].reason.contains("第3行、第4行"),
        "{}",
        report.errors[3]
    );
    let c = &report.counts;
    assert_eq!((c.households_inserted, c.members_inserted), (3, 4));
    assert_eq!(report.rejected_rows(), 3);
    for refused in ["7001", "7002"] {
        assert!(
            env.app
                .store()
                .household(Scope::All, &no(refused))
                .await
                .unwrap()
                .is_none()
        );
    }
    let (head, size, ..) = registered(env, "7005").await;
    assert_eq!((head.as_str(), size), ("卫七", 1));

    let (head, size, _, _, mut names) = registered(env, "7003").await;
    names.sort();
    assert_eq!(
        (head.as_str(), size),
        ("冯四", 2),
        "its head and both its rows"
    );
    assert_eq!(names, ["冯四", "褚六"]);

    // Sorted, the same household is the same: nothing changes.
    let sorted = csv(
        header_no_head,
        &[
            &format!("7003,{V1},否,9000,冯四,{},户主", p(14)),
            &format!("7003,{V1},否,9000,褚六,{},子", p(16)),
        ],
    );
    let path = env.write("排序.csv", gbk(&sorted));
    let report = env.import(Some(&path), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let c = &report.counts;
    assert_eq!(
        (
            c.households_unchanged,
            c.members_unchanged,
            c.households_updated
        ),
        (1, 2, 0),
        "{c:?}"
    );
}

#[tokio::test]
async fn a_households_ledger_of_one_row_a_household_is_read_as_before() {
    // No member columns: a repeated household is a repeat, not a household's next row.
    let env = Env::new().await;
    let path = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "8001,620102010201,王伟,1,9000,否,,,,否,",
                "8001,620102010201,王伟,1,9000,否,,,,否,",
            ],
        ),
    );
    let report = env.import(Some(&path), None).await.unwrap();
    assert_eq!(
        errors(&report),
        [(3, "户编号".to_string(), "duplicate_in_file")]
    );
    assert_eq!(report.counts.members_inserted, 0);
}

#[tokio::test]
async fn a_ledger_of_one_row_a_person_uploaded_as_households_brings_its_members() {
    use crate::web::{Site, multipart};
    let site = Site::new().await;
    let token = site.token("a_admin").await;
    let header = "户编号,所在村代码,是否脱贫户,人均纯收入（元）,姓名,证件号码,与户主关系";
    let text = csv(
        header,
        &[
            &format!(
                "9001,{V2},否,9000,周全,{},户主",
                id("620102", "19700101", 21)
            ),
            &format!("9001,{V2},否,9000,周到,{},子", id("620102", "20000101", 22)),
            // Outside the administrator's county: refused with its member.
            &format!(
                "9002,620103001001,否,9000,吴用,{},户主",
                id("620103", "19700101", 23)
            ),
        ],
    );
    let upload = multipart(&[("households", "一表式.csv", &text)]);
    let v = site.api_upload("/api/v1/imports", &token, upload).await;
    assert_eq!(v["counts"]["households_inserted"], 1, "{v}");
    assert_eq!(v["counts"]["members_inserted"], 2, "{v}");
    let codes: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 2, "{v}");
    assert!(codes.iter().all(|c| *c != "household_rows_differ"), "{v}");
}

#[tokio::test]
async fn the_area_page_exports_one_row_a_person() {
    use crate::web::{COUNTY_A, Site};
    use axum::http::StatusCode;
    let site = Site::new().await;
    let session = site.login("a_admin").await;
    let page = site
        .get(&format!("/areas/{COUNTY_A}"), Some(&session))
        .await;
    let link = format!("/export?area={COUNTY_A}&amp;layout=persons");
    assert!(page.body.contains(&link), "{}", page.body);
    let r = site
        .get(
            &format!("/export?area={COUNTY_A}&layout=persons"),
            Some(&session),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let disposition = r.headers["content-disposition"].to_str().unwrap();
    // 一表式台账, percent-encoded.
    assert!(
        disposition.contains("%E4%B8%80%E8%A1%A8%E5%BC%8F"),
        "{disposition}"
    );
    let r = site
        .get(
            &format!("/export?area={COUNTY_A}&layout=wide"),
            Some(&session),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("导出格式“wide”无效"), "{}", r.body);
}

/// `generate --layout persons` writes one row a person, which `import --households` takes
/// whole: the same registry as the two ledgers of the same seed.
#[test]
fn generated_ledgers_of_one_row_a_person_import_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhenxing"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let path = |p: &str| dir.path().join(p).to_string_lossy().to_string();
    let generate = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "generate",
            "--households",
            "40",
            "--seed",
            "7",
            "--area",
            "620102",
        ];
        let out = path(out);
        args.extend(["--out", &out]);
        args.extend(extra);
        run(&args);
    };
    generate("two", &[]);
    generate("gbk", &["--layout", "persons", "--encoding", "gbk"]);
    generate("xlsx", &["--layout", "persons", "--format", "xlsx"]);
    let mut answers = Vec::new();
    for (name, households, members) in [
        (
            "two",
            path("two/households.csv"),
            Some(path("two/members.csv")),
        ),
        ("gbk", path("gbk/persons.csv"), None),
        ("xlsx", path("xlsx/ledger.xlsx"), None),
    ] {
        let db = path(&format!("{name}.db"));
        run(&["init", "--db", &db]);
        let mut args = vec!["import", "--db", &db, "--households", &households];
        if let Some(m) = &members {
            args.extend(["--members", m]);
        }
        let said = run(&args);
        // "读取N行：户 新增40 …；成员 新增M …": the counts after the rows read.
        answers.push(
            said.split_once('：')
                .unwrap()
                .1
                .lines()
                .next()
                .unwrap()
                .to_string(),
        );
        let export = path(&format!("{name}-export.csv"));
        run(&[
            "export",
            "--db",
            &db,
            "--area",
            "620102",
            "--out",
            &export,
            "--unmasked",
        ]);
    }
    assert!(answers[0].starts_with("户 新增40 "), "{answers:?}");
    assert_eq!(answers[1], answers[0]);
    assert_eq!(answers[2], answers[0]);
    for name in ["gbk", "xlsx"] {
        for ledger in ["户信息", "成员信息"] {
            let read = |n: &str| std::fs::read(path(&format!("{n}-export_{ledger}.csv"))).unwrap();
            assert!(read(name) == read("two"), "{name}: {ledger} differs");
        }
    }
}

/// Merged cells saved to CSV keep their value on the first row only: a person's row without a
/// 户编号 belongs to the household above (a row with none above is refused as before).
#[tokio::test]
async fn a_person_without_a_household_number_belongs_to_the_household_above() {
    let env = Env::new().await;
    let p = |seq: u32| id("620102", "19720101", seq);
    let text = csv(
        "户编号,所在村代码,是否脱贫户,人均纯收入（元）,姓名,证件号码,与户主关系",
        &[
            &format!(",{V1},否,9000,无户,{},户主", p(1)),
            &format!("9101,{V1},否,9000,郑一,{},户主", p(2)),
            &format!(",,,,郑二,{},配偶", p(3)),
            &format!(",,,,郑三,{},子", p(4)),
            &format!("9102,{V2},是,7000,王一,{},户主", p(5)),
            &format!(",,,,王二,{},女", p(6)),
        ],
    );
    let path = env.write("合并后另存.csv", text);
    let report = env.import(Some(&path), None).await.unwrap();
    let codes: Vec<(u64, &str)> = report.errors.iter().map(|e| (e.row, e.code)).collect();
    assert_eq!(
        codes,
        [(2, "missing"), (2, "missing")],
        "{:?}",
        report.errors
    );
    let (head, size, _, _, names) = registered(&env, "9101").await;
    assert_eq!((head.as_str(), size), ("郑一", 3));
    assert_eq!(names, ["郑一", "郑二", "郑三"]);
    let (head, size, _, _, names) = registered(&env, "9102").await;
    assert_eq!((head.as_str(), size, names.len()), ("王一", 2, 2));
}

/// A sheet of one row a person with a 减少原因 column: the members leaving are removed, and
/// neither counted in the household's persons nor taken for its head (the new head is the
/// member now named 户主).
#[tokio::test]
async fn members_leaving_in_a_sheet_of_one_row_a_person_leave_its_household() {
    let env = Env::new().await;
    let p = |seq: u32| id("620102", "19720101", seq);
    let header =
        "户编号,所在村代码,是否脱贫户,人均纯收入（元）,姓名,证件号码,与户主关系,减少原因,减少时间";
    let first = csv(
        header,
        &[
            &format!("9201,{V1},否,9000,王伟,{},户主,,", p(1)),
            &format!("9201,,,,李芳,{},配偶,,", p(2)),
            &format!("9201,,,,王小,{},子,,", p(3)),
            &format!("9201,,,,王女,{},女,,", p(4)),
        ],
    );
    let path = env.write("一表式.csv", first);
    let report = env.import(Some(&path), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let (head, size, _, _, names) = registered(&env, "9201").await;
    assert_eq!((head.as_str(), size, names.len()), ("王伟", 4, 4));

    let later = csv(
        header,
        &[
            &format!("9201,{V1},否,9000,王伟,{},户主,死亡,2026-10-01", p(1)),
            &format!("9201,,,,李芳,{},户主,,", p(2)),
            &format!("9201,,,,王小,{},子,,", p(3)),
            &format!("9201,,,,王女,{},女,婚出,2026-11-02", p(4)),
        ],
    );
    let path = env.write("一表式（减少）.csv", later);
    let report = env.import(Some(&path), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.counts.members_removed, 2);
    let (head, size, _, _, names) = registered(&env, "9201").await;
    assert_eq!((head.as_str(), size), ("李芳", 2));
    assert_eq!(names, ["李芳", "王小"]);
}

/// A sheet of one row a person whose household's rows say it is closed (销户原因): the household
/// is closed and its members with it, nothing refused; the same sheet again changes nothing.
#[tokio::test]
async fn a_household_closed_in_a_sheet_of_one_row_a_person_closes_with_its_members() {
    let env = Env::new().await;
    let p = |seq: u32| id("620102", "19720101", seq);
    let header =
        "户编号,所在村代码,是否脱贫户,人均纯收入（元）,姓名,证件号码,与户主关系,销户原因,销户时间";
    let rows = |reason: &str| {
        csv(
            header,
            &[
                &format!("9301,{V1},否,9000,王伟,{},户主,{reason}", p(1)),
                &format!("9301,,,,李芳,{},配偶,{reason}", p(2)),
                &format!("9302,{V1},否,9000,赵六,{},户主,", p(3)),
            ],
        )
    };
    let path = env.write("一表式.csv", rows(","));
    let report = env.import(Some(&path), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(env.member_names("9301").await, ["李芳", "王伟"]);

    let path = env.write("一表式（销户）.csv", rows("整户迁出,2026-03-01"));
    for _ in 0..2 {
        let report = env.import(Some(&path), None).await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
    }
    let closed = env.stored("9301").await.unwrap();
    assert_eq!(
        closed.closed.map(|c| c.on.to_string()),
        Some("2026-03-01".to_string())
    );
    assert!(env.member_names("9301").await.is_empty());
    assert_eq!(env.member_names("9302").await, ["赵六"]);
}

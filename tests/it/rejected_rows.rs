//! The rows an import did not take, given back as they were (未导入的行): corrected in that
//! workbook and imported again, they are taken.

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use zhenxing_app::import::{ImportRequest, write_rejected_rows};
use zhenxing_domain::Scope;
use zhenxing_store::Actor;

use crate::support::*;

fn request(households: Option<&Path>, members: Option<&Path>) -> ImportRequest {
    ImportRequest {
        households: households.map(Path::to_path_buf),
        members: members.map(Path::to_path_buf),
        actor: Actor {
            user_id: None,
            name: "测试".into(),
        },
        scope: Scope::All,
    }
}

/// Each sheet of a workbook: (name, rows of text).
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Data::Empty => String::new(),
                            Data::String(s) => s.clone(),
                            other => panic!("a cell not written as text: {other:?}"),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// Writes `sheets` as a workbook, every cell as text (as a clerk's corrected copy).
fn write_book(path: &Path, sheets: &[(String, Vec<Vec<String>>)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

#[tokio::test]
async fn rows_not_taken_come_back_as_they_were_and_import_once_corrected() {
    let env = Env::new().await;
    let wang = id("620102", "19700101", 1);
    let zhao = id("620102", "19710101", 2);
    let sun = id("620102", "19720101", 3);
    let households = env.write(
        "户信息.csv",
        encoding_rs::GBK
            .encode(&csv(
                H_HEADER,
                &[
                    "2001,620102010201,王伟,1,9000,否,,,,否,",
                    // An unknown village: refused, and its member with it.
                    "2002,620102010299,赵六,1,9000,否,,,,否,",
                    "2003,620102010201,孙八,1,9000,否,,,,否,",
                ],
            ))
            .0,
    );
    let members = env.write(
        "成员信息.csv",
        encoding_rs::GBK
            .encode(&csv(
                M_HEADER,
                &[
                    &format!("1,2001,{wang},王伟,男,1970-01-01,户主,健康"),
                    &format!("1,2002,{zhao},赵六,女,1971-01-01,户主,健康"),
                    // A wrong check character.
                    &format!("1,2003,{},孙八,男,1972-01-01,户主,健康", bad_check(&sun)),
                ],
            ))
            .0,
    );
    let req = request(Some(&households), Some(&members));
    let report = env
        .app
        .import(&req, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!(report.counts.rejected, 3, "{:?}", report.errors);
    let out = env.path("未导入的行.xlsx");
    let n = write_rejected_rows(&req, &report, &out).unwrap();
    assert_eq!(n, 3);

    let mut got = sheets(&out);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["户信息", "成员信息"]);
    let (_, h) = &got[0];
    assert!(h[0][0].starts_with("未导入的行：户信息.csv"), "{:?}", h[0]);
    let header: Vec<&str> = H_HEADER.split(',').collect();
    assert_eq!(&h[1][..header.len()], &header[..]);
    assert_eq!(&h[1][header.len()..], ["未导入原因", "原文件位置"]);
    assert_eq!(h.len(), 3, "title, header, one row: {h:?}");
    assert_eq!(&h[2][..3], ["2002", "620102010299", "赵六"]);
    assert!(h[2][header.len()].contains("所在村代码"), "{:?}", h[2]);
    assert_eq!(h[2][header.len() + 1], "户信息.csv 第3行");
    let (_, m) = &got[1];
    assert_eq!(m.len(), 4, "{m:?}");
    // The whole ID number, as the file had it: the one who imported it corrects it.
    assert_eq!(m[2][2], zhao);
    assert!(
        m[2][8].contains("所属户在“户信息.csv”第3行有错误"),
        "{:?}",
        m[2]
    );
    assert_eq!(m[3][2], bad_check(&sun));
    assert!(m[3][8].starts_with("证件号码："), "{:?}", m[3]);

    // Corrected where they are, the workbook imported as both ledgers: all taken.
    got[0].1[2][1] = V1.to_string();
    got[1].1[3][2] = sun.clone();
    let fixed = env.path("改正.xlsx");
    write_book(&fixed, &got);
    let again = env.import(Some(&fixed), Some(&fixed)).await.unwrap();
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    let c = &again.counts;
    assert_eq!((c.households_inserted, c.members_inserted), (1, 2));
    assert!(env.stored("2002").await.is_some());
}

#[tokio::test]
async fn a_refused_household_of_one_row_a_person_comes_back_with_its_number_on_every_row() {
    let env = Env::new().await;
    let header = "户编号,所在村代码,是否脱贫户,人均纯收入（元）,姓名,证件号码,与户主关系";
    let p = |seq: u32| id("620102", "19800101", seq);
    // Household 3002's second row leaves its 户编号 to the row above (merged cells saved to
    // CSV); its rows disagree on the income: refused whole.
    let text = csv(
        header,
        &[
            &format!("3001,{V1},否,9000,周一,{},户主", p(1)),
            &format!("3002,{V1},否,9000,吴二,{},户主", p(2)),
            &format!(",,,9100,郑三,{},配偶", p(3)),
            &format!("3003,{V1},否,9000,王五,{},户主", p(4)),
        ],
    );
    let path = env.write("一表式.csv", text);
    let req = request(Some(&path), None);
    let report = env
        .app
        .import(&req, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!(report.counts.rejected, 2, "{:?}", report.errors);
    let out = env.path("未导入.xlsx");
    assert_eq!(write_rejected_rows(&req, &report, &out).unwrap(), 2);
    let mut got = sheets(&out);
    assert_eq!(got.len(), 1, "the file's rows once, though read twice");
    let rows = &mut got[0].1;
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(&rows[2][..5], ["3002", V1, "否", "9000", "吴二"]);
    assert_eq!(&rows[3][..5], ["3002", "", "", "9100", "郑三"]);
    assert!(rows[3][7].contains("此列却不同"), "{:?}", rows[3]);
    // Corrected (the income agreed), imported alone: the household and both its members.
    rows[3][3] = "9000".into();
    let fixed = env.path("改正.xlsx");
    write_book(&fixed, &got);
    let again = env.import(Some(&fixed), None).await.unwrap();
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(
        (
            again.counts.households_inserted,
            again.counts.members_inserted
        ),
        (1, 2)
    );
    assert!(env.stored("3002").await.is_some());
}

#[test]
fn the_command_line_writes_the_rows_not_taken_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_zhenxing"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let db_arg = db.to_str().unwrap();
    assert!(run(&["init", "--db", db_arg]).status.success());
    let h = dir.path().join("户.csv");
    std::fs::write(
        &h,
        csv(
            H_HEADER,
            &[
                "4001,620102010201,王伟,1,9000,否,,,,否,",
                "4002,620102010299,赵六,1,9000,否,,,,否,",
            ],
        ),
    )
    .unwrap();
    let out = dir.path().join("未导入.xlsx");
    let r = run(&[
        "import",
        "--db",
        db_arg,
        "--households",
        h.to_str().unwrap(),
        "--rejected-rows",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        stdout.contains("未导入的1行已原样写入") && stdout.contains("改正后可直接导入该文件"),
        "{stdout}"
    );
    let got = sheets(&out);
    assert_eq!(got[0].1[2][0], "4002");
    // Nothing refused: no workbook asked for is written.
    let fine = dir.path().join("好.csv");
    std::fs::write(
        &fine,
        csv(H_HEADER, &["4003,620102010201,孙八,1,9000,否,,,,否,"]),
    )
    .unwrap();
    let none = dir.path().join("无.xlsx");
    let r = run(&[
        "import",
        "--db",
        db_arg,
        "--households",
        fine.to_str().unwrap(),
        "--rejected-rows",
        none.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0));
    assert!(!none.exists());
}

/// A file refused in bulk (a county given the province's ledger) keeps the first errors in
/// detail and counts the rest by kind and row: the answer's counts are whole, the report kept
/// with the import holds the details kept, and the rows not taken are not written in part.
#[tokio::test]
async fn past_the_errors_kept_in_detail_the_rest_are_counted() {
    let env = Env::new().await;
    let mut rows: Vec<String> = (1..=3)
        .map(|n| format!("{n},{V1},户主{n},1,9000,否"))
        .collect();
    rows.extend((4..=9).map(|n| format!("{n},620103001001,户主{n},1,9000,否")));
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let path = env.write(
        "户.csv",
        csv(
            "户编号,所在村代码,户主姓名,家庭人口数,人均纯收入（元）,是否脱贫户",
            &rows,
        ),
    );
    let county = Scope::Area(zhenxing_domain::AreaCode::parse("620102").unwrap());
    let req = ImportRequest {
        scope: county,
        ..request(Some(&path), None)
    };
    let app = env.app.clone().keeping_errors(4);
    let report = app.import(&req, &zhenxing_app::NoProgress).await.unwrap();
    assert_eq!(report.counts.households_inserted, 3);
    assert_eq!(report.counts.rejected, 6, "every row refused is counted");
    assert_eq!(report.exit_code(), 2);
    let e = &report.errors;
    assert_eq!((e.total(), e.kept().len(), e.not_kept()), (6, 4, 2));
    let rows_kept: Vec<u64> = e.kept().iter().map(|e| e.row).collect();
    assert_eq!(rows_kept, [5, 6, 7, 8], "the first found");
    let kinds: Vec<(&str, u64)> = e.kinds().iter().map(|k| (k.code, k.count)).collect();
    assert_eq!(kinds, [("out_of_scope", 6)]);
    let (_, lines) = env
        .app
        .import_problems(Scope::All, report.import_id.unwrap(), None, 100)
        .await
        .unwrap();
    assert_eq!(lines.len(), 4, "the report kept holds the details kept");
    let refused = write_rejected_rows(&req, &report, &env.path("未导入.xlsx")).unwrap_err();
    assert!(
        refused.to_string().contains("只保留了最先发现的4条明细"),
        "{refused}"
    );
    assert!(!env.path("未导入.xlsx").exists());

    // Below the limit, every error is kept and the rows are written.
    let report = env
        .app
        .import(&req, &zhenxing_app::NoProgress)
        .await
        .unwrap();
    assert_eq!((report.errors.total(), report.errors.kept().len()), (6, 6));
    assert_eq!(
        write_rejected_rows(&req, &report, &env.path("未导入.xlsx")).unwrap(),
        6
    );
}

//! Ledger import: the reference layout, every kind of bad row, encodings, xlsx, re-import.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use zhenxing_app::AppError;
use zhenxing_domain::{AreaCode, Household, HouseholdNo, LedgerDate, Money, Scope};
use zhenxing_store::HistorySubject;

use crate::support::*;

fn no(s: &str) -> HouseholdNo {
    HouseholdNo::parse(s).unwrap()
}

/// A registered household, which must be there.
async fn household(env: &Env, n: &str) -> Household {
    env.stored(n).await.unwrap().household
}

#[tokio::test]
async fn reference_layout_with_a_bad_row_of_each_kind() {
    let env = Env::new().await;
    let households = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "1001,620102010201,王伟,3,\"7,701.34\",是,脱贫不稳定户,因病;因残,2022-05-03,否,",
                "1002,620102010202,李强,2,15000,否,,,,否,",
                "1003,620102010201,,2,9000,否,,,,否,",
                "1004,620102010299,张三,2,9000,否,,,,否,",
                "1005,620102010000,张四,2,9000,否,,,,否,",
                "1006,620102010201,张五,2,9000,是,边缘易致贫户,因病,2022-13-45,否,",
                "1007,620102010201,张六,2,12a,否,,,,否,",
                "1001,620102010201,王伟,3,7701.34,是,脱贫不稳定户,因病;因残,2022-05-03,否,",
                "1008,620102010201,张七,2,5000,否,边缘易致贫户,,2023-01-01,否,",
                "1009,620102010201,赵六,1,5000,是,脱贫不稳定户,因学,202205,是,45000",
                "1010,620102010201,张八,abc,5000,否,,,,否,",
                "1011,620102010201,张九,2,5000,否,边缘易致贫户,因穷,2023-01-01,否,",
            ],
        ),
    );
    let wang = id("620102", "19700101", 1);
    let members = env.write(
        "m.csv",
        csv(
            M_HEADER,
            &[
                &format!("1,1001,{wang},王伟,男,1970-01-01,户主,患有大病"),
                &format!(
                    "2,1001,{},李芳,女,1972-02-02,配偶,健康",
                    id("620102", "19720202", 2)
                ),
                &format!(
                    "3,1002,{},李强,男,1980-01-01,户主,健康",
                    bad_check(&id("620102", "19800101", 3))
                ),
                &format!(
                    "4,1002,{},李强,女,1980-01-01,户主,健康",
                    id("620102", "19800101", 3)
                ),
                &format!(
                    "5,9999,{},某人,男,1990-01-01,户主,健康",
                    id("620102", "19900101", 5)
                ),
                &format!(
                    "6,1003,{},张二,男,1990-01-01,户主,健康",
                    id("620102", "19900101", 7)
                ),
                &format!("7,1001,{wang},王伟,男,1970-01-01,户主,患有大病"),
                "8,1002,6201**********0011,某人,男,1990-01-01,之子,健康",
                &format!(
                    "9,1002,{},某人,男,1990-01-01,邻居,健康",
                    id("620102", "19900101", 9)
                ),
                &format!(
                    "10,1009,{},赵六,男,1960-06-01,户主,长期慢性病",
                    id("620102", "19600601", 11)
                ),
            ],
        ),
    );
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert_eq!(
        errors(&report),
        vec![
            (4, "户主姓名".into(), "missing"),
            (5, "所在村代码".into(), "unknown_area_code"),
            (6, "所在村代码".into(), "not_a_village"),
            (7, "识别监测时间".into(), "date"),
            (8, "人均纯收入（元）".into(), "money"),
            (9, "户编号".into(), "duplicate_in_file"),
            (10, "致贫返贫风险".into(), "category_without_risk"),
            (12, "家庭人口数".into(), "integer"),
            (13, "致贫返贫风险".into(), "label"),
            (4, "证件号码".into(), "id_check"),
            (5, "性别".into(), "sex_mismatch"),
            (6, "户编号".into(), "unknown_household"),
            (7, "户编号".into(), "household_rejected"),
            (8, "证件号码".into(), "duplicate_in_file"),
            (9, "证件号码".into(), "id_masked"),
            (10, "与户主关系".into(), "label"),
        ]
    );
    let c = &report.counts;
    assert_eq!(
        (c.households_inserted, c.members_inserted, c.rejected),
        (3, 3, 16)
    );
    assert_eq!(report.exit_code(), 2);
    // Messages say why, in Chinese, and name the file; no whole ID number in any of them.
    let first = report.errors.iter().find(|e| e.code == "id_check").unwrap();
    assert_eq!(first.file, "m.csv");
    assert!(
        first.reason.starts_with("证件号码校验码错误"),
        "{}",
        first.reason
    );
    assert!(first.value.contains('*'));
    let dup = report
        .errors
        .iter()
        .find(|e| e.code == "duplicate_in_file" && e.file == "h.csv")
        .unwrap();
    assert_eq!(dup.reason, "与本文件第2行重复");
    let rejected = report
        .errors
        .iter()
        .find(|e| e.code == "household_rejected")
        .unwrap();
    assert_eq!(rejected.reason, "所属户在“h.csv”第4行有错误，未能导入");
    for e in &report.errors {
        assert!(!e.to_string().contains(&wang), "{e}");
    }

    let store = env.app.store();
    let h = store
        .household(Scope::All, &no("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        h.household.income.declared_per_capita,
        Some(Money::from_fen(770134))
    );
    assert_eq!(h.household.monitoring.risks.to_string(), "因病;因残");
    assert_eq!(h.persons, 2);
    let h = store
        .household(Scope::All, &no("1009"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        h.household.monitoring.identified_on,
        Some(LedgerDate::Month(
            NaiveDate::from_ymd_opt(2022, 5, 1).unwrap()
        ))
    );
    assert_eq!(
        h.household.monitoring.eliminated_on,
        Some(LedgerDate::Day(
            NaiveDate::from_ymd_opt(2023, 3, 15).unwrap()
        ))
    );

    // A person already registered cannot join another household.
    let moved = env.write(
        "m2.csv",
        csv(
            M_HEADER,
            &[&format!("1,1002,{wang},王伟,男,1970-01-01,之父,健康")],
        ),
    );
    let report = env.import(None, Some(&moved)).await.unwrap();
    assert_eq!(
        errors(&report),
        vec![(2, "证件号码".into(), "person_in_other_household")]
    );
    assert_eq!(report.errors[0].reason, "该人员已在户1001中登记");
}

/// A bad row is reported at the row Excel shows it on: an empty line in the file is an empty row
/// there, and a quoted line break (an address on two lines) stays within its row.
#[tokio::test]
async fn rows_are_reported_as_excel_numbers_them() {
    let env = Env::new().await;
    let households = env.write(
        "h.csv",
        csv(
            "户编号,所在村代码,户主姓名,家庭人口数,人均纯收入（元）,是否脱贫户,家庭住址",
            &[
                "E001,620102010201,王伟,1,5000,否,\"红沟村\r\n一组\"",
                "",
                "E002,620102010201,,1,5000,否,",
                "E003,620102010299,李强,1,5000,否,",
            ],
        ),
    );
    let report = env.import(Some(&households), None).await.unwrap();
    // Header row 1; E001 row 2 (two lines); an empty row 3; E002 row 4; E003 row 5.
    assert_eq!(
        errors(&report)
            .iter()
            .map(|(row, column, _)| (*row, column.as_str()))
            .collect::<Vec<_>>(),
        vec![(4, "户主姓名"), (5, "所在村代码")]
    );
}

#[tokio::test]
async fn gbk_csv_as_chinese_excel_saves_it_and_utf8_with_bom() {
    let env = Env::new().await;
    let text = csv(
        H_HEADER,
        &["2001,620102010201,欧阳娜娜,2,8000,否,边缘易致贫户,因意外事故,2024/3/9,否,"],
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let households = env.write("户.csv", gbk.as_ref());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(
        csv(
            M_HEADER,
            &[&format!(
                "1,2001,{},欧阳娜娜,女,1985-07-20,户主,健康",
                id("620102", "19850720", 24)
            )],
        )
        .as_bytes(),
    );
    let members = env.write("成员.csv", bom);
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let h = env
        .app
        .store()
        .household(Scope::All, &no("2001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.household.head_name, "欧阳娜娜");
    assert_eq!(
        h.household.monitoring.identified_on,
        Some(LedgerDate::Day(
            NaiveDate::from_ymd_opt(2024, 3, 9).unwrap()
        ))
    );
    let members = env
        .app
        .store()
        .members(Scope::All, &no("2001"))
        .await
        .unwrap();
    assert_eq!(members[0].member.name, "欧阳娜娜");
}

/// Excel's "Unicode text" (文本文件 Unicode, UTF-16 with a BOM, tab-separated; a field with a
/// tab or a quote quoted), and "text (tab-separated)" in GBK: read as the CSV they are.
#[tokio::test]
async fn unicode_and_tab_separated_text_as_excel_saves_them() {
    let env = Env::new().await;
    let households = csv(
        H_HEADER,
        &[
            "9001,620102010201,欧阳娜娜,2,\"8,000.50\",否,边缘易致贫户,因病,2024/3/9,否,",
            "9002,620102010201,\"张\"\"三\"\"\",1,7000,是,,,,,",
        ],
    )
    .replace(',', "\t")
    .replace("8\t000.50", "8,000.50");
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(households.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let h = env.write("户信息.txt", utf16le);
    let members = csv(
        M_HEADER,
        &[
            &format!(
                "1,9001,{},欧阳娜娜,女,1985-07-20,户主,健康",
                id("620102", "19850720", 24)
            ),
            &format!(
                "1,9002,{},张三,男,1970-01-01,户主,健康",
                id("620102", "19700101", 1)
            ),
        ],
    )
    .replace(',', "\t");
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(members.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let m = env.write("成员信息.txt", utf16be);
    let report = env.import(Some(&h), Some(&m)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.counts.households_inserted, 2);
    assert_eq!(report.counts.members_inserted, 2);
    let h1 = household(&env, "9001").await;
    assert_eq!(
        h1.income.declared_per_capita,
        Some(Money::from_fen(800_050))
    );
    assert_eq!(household(&env, "9002").await.head_name, "张\"三\"");

    // Tab-separated text in GBK.
    let env = Env::new().await;
    let tsv = csv(H_HEADER, &["9003,620102010201,王伟,1,6000,否,,,,,"]).replace(',', "\t");
    let path = env.write("户.txt", encoding_rs::GBK.encode(&tsv).0.as_ref());
    let report = env.import(Some(&path), None).await.unwrap();
    assert_eq!(report.counts.households_inserted, 1, "{:?}", report.errors);
    assert_eq!(household(&env, "9003").await.head_name, "王伟");
}

/// A ledger opened in Excel and saved back as CSV (GBK): long numbers in a "General" column come
/// out in scientific notation, their last digits gone, and amounts in the currency format keep
/// their sign. The first are refused with the cause and what to do; the second are read.
#[tokio::test]
async fn a_csv_saved_by_excel_scientific_numbers_and_currency_cells() {
    let env = Env::new().await;
    let text = csv(
        H_HEADER,
        &[
            "3001,6.20102E+11,张三,1,8000,否,,,,,",
            "6.20102E+15,620102010201,李四,1,8000,否,,,,,",
            "3003,620102010201,王五,1,\"￥9,238.44\",否,,,,,",
            "3004,620102010201,赵六,1,-￥50.00,否,,,,,",
        ],
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let households = env.write("户.csv", gbk.as_ref());
    let text = csv(
        M_HEADER,
        &[
            "1,3003,6.20102E+17,王五,男,1985-07-20,户主,健康",
            &format!(
                "2,3004,{},赵六,男,1985-07-20,户主,健康",
                id("620102", "19850720", 31)
            ),
        ],
    );
    let members = env.write("成员.csv", encoding_rs::GBK.encode(&text).0.as_ref());
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    let mut found: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.file.as_str(), e.row, e.column.as_str(), e.code))
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("成员.csv", 2, "证件号码", "scientific_notation"),
            ("户.csv", 2, "所在村代码", "scientific_notation"),
            ("户.csv", 3, "户编号", "scientific_notation"),
        ]
    );
    for e in &report.errors {
        let what = if e.column == "所在村代码" {
            "区划代码"
        } else {
            e.column.as_str()
        };
        assert!(
            e.reason
                .starts_with(&format!("{what}被 Excel 显示成了科学计数法"))
                && e.reason.contains("设为“文本”格式"),
            "{}",
            e.reason
        );
    }
    for (n, fen) in [("3003", 923_844), ("3004", -5_000)] {
        let income = household(&env, n).await.income.declared_per_capita;
        assert_eq!(income, Some(Money::from_fen(fen)), "{n}");
    }
}

/// Headers carrying a unit: one that only counts is the same column (`家庭人口数（人）`); one that
/// would change what the numbers mean (`人均纯收入（万元）`) refuses the file, naming the header,
/// rather than reading 0.8 万元 as 0.8 元 or leaving the column out unsaid.
#[tokio::test]
async fn headers_with_units_are_read_or_refused_by_their_unit() {
    let env = Env::new().await;
    let counted = env.write(
        "户.csv",
        "户编号,所在村代码,户主姓名,家庭人口数（人）,人均纯收入（元/人）,是否脱贫户\r\n\
         5001,620102010201,王伟,3,\"9,000\",否\r\n",
    );
    let report = env.import(Some(&counted), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let h = household(&env, "5001").await;
    assert_eq!(h.size, 3);
    assert_eq!(h.income.declared_per_capita, Some(Money::from_fen(900_000)));

    let other_unit = env.write(
        "户2.csv",
        "说明：金额单位为万元\r\n\
         户编号,所在村代码,户主姓名,家庭人口数,人均纯收入（万元）,是否脱贫户\r\n\
         5002,620102010201,李强,2,0.8,否\r\n",
    );
    match env.import(Some(&other_unit), None).await {
        Err(AppError::Ledger(e)) => {
            assert_eq!(e.error.code(), "header_unit");
            assert_eq!(
                e.to_string(),
                "文件“户2.csv”：第2行表头“人均纯收入（万元）”的单位与台账不同：\
                 应为“人均纯收入（元）”，请换算成该单位后再导入（以免数值被误读）"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.household_count().await, 1);
}

/// Cells of an xlsx stored as numbers: a village code (12 digits) and amounts read as written;
/// an ID number or a 16-digit household number cannot be (a floating number keeps 15
/// significant digits, Excel too), so their rows are refused with what to do.
#[tokio::test]
async fn xlsx_numbers_too_long_to_be_kept_are_refused() {
    let env = Env::new().await;
    let path = env.path("台账.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("户信息").unwrap();
    for (c, h) in [
        "户编号",
        "所在村代码",
        "户主姓名",
        "家庭人口数",
        "人均纯收入（元）",
        "是否脱贫户",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 6001.0).unwrap();
    sheet.write_number(2, 0, 6_201_020_102_010_001.0).unwrap();
    for r in 1..=2 {
        sheet.write_number(r, 1, 620_102_010_201.0).unwrap();
        sheet.write_string(r, 2, "王伟").unwrap();
        sheet.write_number(r, 3, 1.0).unwrap();
        sheet.write_number(r, 4, 8123.45).unwrap();
        sheet.write_string(r, 5, "否").unwrap();
    }
    let members = book.add_worksheet();
    members.set_name("成员信息").unwrap();
    for (c, h) in ["户编号", "证件号码", "姓名", "与户主关系"]
        .iter()
        .enumerate()
    {
        members.write_string(0, c as u16, *h).unwrap();
    }
    members.write_number(1, 0, 6001.0).unwrap();
    members
        .write_number(1, 1, 620_102_198_507_200_031.0)
        .unwrap();
    members.write_string(1, 2, "王伟").unwrap();
    members.write_string(1, 3, "户主").unwrap();
    book.save(&path).unwrap();

    let report = env.import(Some(&path), Some(&path)).await.unwrap();
    let mut found: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.sheet.as_deref(), e.row, e.column.as_str(), e.code))
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (Some("成员信息"), 2, "证件号码", "id_as_number"),
            (Some("户信息"), 3, "户编号", "household_no_as_number"),
        ]
    );
    assert!(
        report
            .errors
            .iter()
            .all(|e| e.reason.contains("存成了数字") && e.reason.contains("设为文本")),
        "{:?}",
        report.errors
    );
    let h = household(&env, "6001").await;
    assert_eq!(h.village.to_string(), "620102010201");
    assert_eq!(h.income.declared_per_capita, Some(Money::from_fen(812_345)));
    assert_eq!(env.household_count().await, 1);
}

/// Ledgers close with a totals row and the signatures of who filled and checked them; those rows
/// hold no household and are skipped (and counted), while a row that has a name is data however
/// it begins.
#[tokio::test]
async fn totals_and_signature_rows_that_close_a_ledger_are_skipped() {
    let env = Env::new().await;
    let households = env.write(
        "户.csv",
        csv(
            H_HEADER,
            &[
                "7001,620102010201,王伟,2,8000,否,,,,否,",
                "合  计,,,2,,,,,,,",
                "",
                "填表人：张三,,,,,审核人：李四,,,,,",
                "填报日期：2025年6月30日,,,,,,,,,,",
            ],
        ),
    );
    let path = env.path("成员.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["户编号", "证件号码", "姓名", "与户主关系"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ["7001", &id("620102", "19800101", 41), "王伟", "户主"],
        ["7001", &id("620102", "19820202", 42), "刘芳", "配偶"],
        ["合计", "", "", "2人"],
        // A name makes a row data: refused for its empty ID number, not skipped.
        ["合计", "", "赵六", "之子"],
        ["制表人：王五", "", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save(&path).unwrap();
    let report = env.import(Some(&households), Some(&path)).await.unwrap();
    assert_eq!(report.notes, 5);
    assert_eq!(report.rows, 4);
    assert_eq!(
        errors(&report),
        vec![
            (5, "户编号".to_string(), "household_no"),
            (5, "证件号码".to_string(), "missing"),
        ]
    );
    assert_eq!(report.counts.households_inserted, 1);
    assert_eq!(report.counts.members_inserted, 2);
}

/// A ledger as a page's table (HTML named .xls), as some systems export their lists and as
/// Excel saves a sheet "as a web page": a title spanning the columns above the header, each
/// row's cells split on `|`.
fn html_ledger(header: &str, rows: &[&str], title: &str) -> String {
    let cols = header.split(',').count();
    let mut page = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\r\n\
         <style>td {{ mso-number-format:\"\\@\"; }}</style></head><body>\r\n<table border=\"1\">\r\n\
         <tr><td colspan=\"{cols}\" align=\"center\"><b>{title}</b></td></tr>\r\n<tr>"
    );
    for h in header.split(',') {
        page.push_str(&format!("<td>{h}</td>"));
    }
    page.push_str("</tr>\r\n");
    for row in rows {
        page.push_str("<tr>");
        for cell in row.split('|') {
            page.push_str(&format!("<td x:str>{cell}</td>"));
        }
        page.push_str("</tr>\r\n");
    }
    page.push_str("</table></body></html>\r\n");
    page
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[tokio::test]
async fn a_ledger_exported_as_a_web_page_named_xls_is_read() {
    let env = Env::new().await;
    // GBK as declared; padding and entities; the village code spanning the rows of its two
    // households (the second row has no cell of its own there).
    let first =
        format!("6001|{V1}|欧阳&nbsp;娜娜|2|8000|否|边缘易致贫户|因病&#x3001;因残|2024/3/9|否|");
    let page = html_ledger(
        H_HEADER,
        &[&first, "6002|张三|1|￥9,500.00|是|||||"],
        "某县防止返贫监测户台账",
    )
    .replace(
        &format!("<td x:str>{V1}</td>"),
        &format!("<td x:str rowspan=\"2\">{V1}</td>"),
    )
    // A totals row whose 合计 spans the first columns, the head's name among them.
    .replace(
        "</table>",
        "<tr><td colspan=\"3\">合计</td><td>3</td></tr></table>",
    );
    let households = env.write("户信息.xls", gbk(&page));
    let members = [
        format!(
            "1|6001|{}|欧阳娜娜|女|1985-07-20|户主|健康",
            id("620102", "19850720", 24)
        ),
        format!(
            "2|6002|{}|张三|男|1970-01-01|户主|健康",
            id("620102", "19700101", 1)
        ),
    ];
    let members = env.write(
        "成员信息.xls",
        gbk(&html_ledger(
            M_HEADER,
            &[&members[0], &members[1]],
            "成员信息",
        )),
    );
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.counts.households_inserted, 2);
    assert_eq!(report.counts.members_inserted, 2);
    assert_eq!(report.notes, 1);
    let h = household(&env, "6001").await;
    assert_eq!(h.head_name, "欧阳 娜娜");
    assert_eq!(h.monitoring.risks.to_string(), "因病;因残");
    let h = household(&env, "6002").await;
    assert_eq!(h.village.to_string(), V1);
    assert_eq!(h.income.declared_per_capita, Some(Money::from_fen(950_000)));
}

/// An xls written by another program than the tests' own writer (xlwt, as Python-based
/// systems export "xls"; `tests/fixtures/xlwt-ledger.py` made it): shared strings, RK numbers,
/// dates as formatted numbers, a merged title and a merged 合计 with a formula.
#[tokio::test]
async fn an_xls_written_by_another_program_imports_whole() {
    let env = Env::new().await;
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlwt-ledger.xls");
    let report = env.import(Some(&fixture), Some(&fixture)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.counts.households_inserted, 60);
    assert_eq!(report.counts.members_inserted, 60);
    assert_eq!(report.notes, 1);
    let h = household(&env, "7007").await;
    assert_eq!(h.head_name, "李四7");
    assert_eq!(h.income.declared_per_capita, Some(Money::from_fen(500_875)));
    assert_eq!(
        h.monitoring.identified_on,
        Some(LedgerDate::Day(
            NaiveDate::from_ymd_opt(2024, 3, 8).unwrap()
        ))
    );
    let members = env
        .app
        .store()
        .members(Scope::All, &no("7059"))
        .await
        .unwrap();
    assert_eq!(members[0].member.name, "阿依古丽·买买提59");
}

/// The xls that county templates and WPS still save (Excel 97-2003) is read, under any name;
/// Excel 95's is refused with what to do; a CSV named .xlsx to pass a form is read as the text
/// it is.
#[tokio::test]
async fn an_xls_workbook_is_read_and_excel_95_refused() {
    use XlsCell::{Number, Text};
    let env = Env::new().await;
    let households = vec![
        [
            "户编号",
            "所在村代码",
            "户主姓名",
            "家庭人口数",
            "是否脱贫户",
        ]
        .into_iter()
        .map(|h| Some(Text(h)))
        .collect(),
        vec![
            Some(Text("8001")),
            Some(Number(620_102_010_201.0)),
            Some(Text("王伟")),
            Some(Number(2.0)),
            Some(Text("否")),
        ],
    ];
    let path = env.path("台账.xls");
    write_xls(&path, &[("户信息", households)]);
    // Read whatever its name; the village code a number in its cell.
    let report = env.import(Some(&path), None).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.counts.households_inserted, 1);
    let h = household(&env, "8001").await;
    assert_eq!(h.head_name, "王伟");
    assert_eq!(h.village.to_string(), "620102010201");
    assert_eq!(h.size, 2);
    for name in ["台账.xlsx", "台账.csv"] {
        let named = env.path(&format!("copy-{name}"));
        std::fs::copy(&path, &named).unwrap();
        let again = env.import(Some(&named), None).await.unwrap();
        assert_eq!(again.counts.households_unchanged, 1, "{name}");
    }
    // Excel 95's format (BIFF5: the workbook's first record says so) is refused with what
    // to do, and so is a workbook with a password.
    let mut old = std::fs::read(&path).unwrap();
    let bof = 3 * 512 + 4;
    assert_eq!(old[bof..bof + 2], 0x0600u16.to_le_bytes());
    old[bof..bof + 2].copy_from_slice(&0x0500u16.to_le_bytes());
    let old = env.write("九五.xls", old);
    match env.import(Some(&old), None).await {
        Err(AppError::Ledger(e)) => {
            assert_eq!(e.error.code(), "old_format");
            assert!(e.to_string().contains("另存为 .xlsx 或 CSV"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.household_count().await, 1);

    let text = env.write(
        "户.xlsx",
        csv(
            H_HEADER,
            &["8001,620102010201,王伟,2,8123.45,否,,,2024-03-09,,"],
        ),
    );
    // Text named .xlsx is read as CSV: the household gets its income.
    let report = env.import(Some(&text), None).await.unwrap();
    assert_eq!(report.counts.households_updated, 1, "{:?}", report.errors);
    let h = household(&env, "8001").await;
    assert_eq!(h.income.declared_per_capita, Some(Money::from_fen(812_345)));
}

#[tokio::test]
async fn xlsx_with_a_title_row_merged_cells_and_columns_in_another_order() {
    let env = Env::new().await;
    let path = env.path("台账.xlsx");
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("户").unwrap();
    sheet
        .merge_range(0, 0, 0, 5, "城关区伏龙坪街道 防返贫监测户台账", &bold)
        .unwrap();
    let headers = [
        "户主姓名",
        "户编号",
        "家庭人口数",
        "所在村代码",
        "是否脱贫户",
        "备注",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, (name, no, size)) in [("王伟", "3001", 2), ("李强", "3002", 1)]
        .iter()
        .enumerate()
    {
        let r = r as u32 + 2;
        sheet.write_string(r, 0, *name).unwrap();
        sheet.write_string(r, 1, *no).unwrap();
        sheet.write_number(r, 2, *size as f64).unwrap();
        sheet.write_string(r, 3, V1).unwrap();
        sheet.write_string(r, 4, "否").unwrap();
        sheet.write_string(r, 5, "额外的列被忽略").unwrap();
    }
    // Members: 户编号 merged down over each household's rows, as county ledgers do.
    let sheet = book.add_worksheet().set_name("成员").unwrap();
    sheet.merge_range(0, 0, 0, 3, "成员信息", &bold).unwrap();
    for (c, h) in ["户编号", "证件号码", "姓名", "与户主关系"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    sheet
        .merge_range(2, 0, 3, 0, "3001", &Format::new())
        .unwrap();
    let rows = [
        (id("620102", "19700101", 1), "王伟", "户主"),
        (id("620102", "19720101", 2), "张红", "配偶"),
        (id("620102", "19800101", 3), "李强", "户主"),
    ];
    sheet.write_string(4, 0, "3002").unwrap();
    for (r, (idn, name, rel)) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        sheet.write_string(r, 1, idn).unwrap();
        sheet.write_string(r, 2, *name).unwrap();
        sheet.write_string(r, 3, *rel).unwrap();
    }
    book.save(&path).unwrap();

    let report = env.import(Some(&path), Some(&path)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        (
            report.counts.households_inserted,
            report.counts.members_inserted
        ),
        (2, 3)
    );
    let members = env
        .app
        .store()
        .members(Scope::All, &no("3001"))
        .await
        .unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.member.name.as_str()).collect();
    assert_eq!(names, ["王伟", "张红"]);
}

#[tokio::test]
async fn an_unusable_file_writes_nothing() {
    let env = Env::new().await;
    let good = env.write(
        "h.csv",
        csv(H_HEADER, &["4001,620102010201,王伟,1,9000,否,,,,否,"]),
    );

    // A truncated workbook.
    let path = env.path("cut.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet().write_string(0, 0, "成员信息").unwrap();
    book.save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    match env.import(Some(&good), Some(&path)).await {
        Err(AppError::Ledger(e)) => {
            assert_eq!(e.error.code(), "xlsx");
            assert!(
                e.to_string()
                    .starts_with("文件“cut.xlsx”：xlsx 文件已损坏或不完整"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }

    // A file that is not a ledger at all.
    let other = env.write("名单.csv", "序号,项目名称,金额\r\n1,道路硬化,100000\r\n");
    match env.import(Some(&good), Some(&other)).await {
        Err(AppError::Ledger(e)) => {
            assert_eq!(e.error.code(), "not_a_ledger");
            assert_eq!(
                e.to_string(),
                "文件“名单.csv”：不是成员信息台账：在前30行中没有找到表头（缺少列：户编号、证件号码、姓名、与户主关系）"
            );
        }
        other => panic!("{other:?}"),
    }
    // A picture named .csv; a workbook named .csv is read as the workbook it is (here: cut).
    let picture = env.write("picture.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let renamed = env.path("renamed.csv");
    std::fs::copy(&path, &renamed).unwrap();
    // An HTML table named .xls, as some systems export theirs.
    let html = env.write(
        "导出.xls",
        "<html><body><table><tr><td>户编号</td></tr></table></body></html>",
    );
    for (file, code, message) in [
        (
            &picture,
            "binary_file",
            "文件“picture.csv”：不是文本格式的 CSV 文件",
        ),
        (
            &renamed,
            "xlsx",
            "文件“renamed.csv”：xlsx 文件已损坏或不完整",
        ),
        // Read as the page's table, which is no ledger.
        (&html, "not_a_ledger", "文件“导出.xls”：不是户信息台账"),
    ] {
        match env.import(Some(file), None).await {
            Err(AppError::Ledger(e)) => {
                assert_eq!(e.error.code(), code);
                assert!(e.to_string().starts_with(message), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
    let empty = env.write("empty.csv", "");
    assert!(matches!(
        env.import(Some(&empty), None).await,
        Err(AppError::Ledger(_))
    ));
    let unknown = env.write("h.ods", "x");
    assert!(matches!(
        env.import(Some(&unknown), None).await,
        Err(AppError::Ledger(_))
    ));

    // The good households file was not imported on its own: nothing was written at all.
    assert_eq!(env.household_count().await, 0);
    assert!(
        env.app
            .store()
            .imports(Scope::All, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn villages_by_the_names_of_their_levels() {
    let env = Env::new().await;
    let households = env.write(
        "h.csv",
        csv(
            "户编号,省,市(州),县(市、区),乡(镇),行政村,户主姓名,家庭人口数,户类型",
            &[
                "5001,甘肃省,兰州市,城关区,伏龙坪街道,红沟村,王伟,1,普通农户",
                "5002,,,城关区,,头营村民委员会,李强,1,脱贫户",
                "5003,,,,,大庄村委会,张三,1,普通农户",
                "5004,,,城关区,,不存在村,张四,1,普通农户",
                "5005,,,,,,张五,1,普通农户",
            ],
        ),
    );
    let report = env.import(Some(&households), None).await.unwrap();
    assert_eq!(
        errors(&report),
        vec![
            (4, "行政村".into(), "ambiguous_area_name"),
            (5, "行政村".into(), "unknown_area_name"),
            (6, "所在村代码".into(), "no_village")
        ]
    );
    assert!(
        report.errors[0].reason.contains("有多个同名区划"),
        "{}",
        report.errors[0].reason
    );
    let store = env.app.store();
    assert_eq!(
        store
            .household(Scope::All, &no("5001"))
            .await
            .unwrap()
            .unwrap()
            .household
            .village,
        AreaCode::parse(V1).unwrap()
    );
    assert_eq!(
        store
            .household(Scope::All, &no("5002"))
            .await
            .unwrap()
            .unwrap()
            .household
            .village,
        AreaCode::parse(V2).unwrap()
    );
}

#[tokio::test]
async fn re_import_changes_nothing_and_an_update_keeps_history() {
    let env = Env::new().await;
    let rows = [
        "6001,620102010201,王伟,2,9000,否,,,,否,",
        "6002,620102010202,李强,1,12000,否,,,,否,",
        // A name with a quote, a comma and a backslash: the re-import reads stored rows back
        // packed as JSON, where they are escaped.
        r#"6003,620102010201,"阿""依,古\丽",1,8000,否,,,,否,"#,
    ];
    let h1 = env.write("h1.csv", csv(H_HEADER, &rows));
    let idw = id("620102", "19700101", 1);
    let ida = id("620102", "19800101", 2);
    let m1 = env.write(
        "m1.csv",
        csv(
            M_HEADER,
            &[
                &format!("1,6001,{idw},王伟,男,1970-01-01,户主,健康"),
                &format!(r#"1,6003,{ida},"阿""依,古\丽",女,1980-01-01,户主,健康"#),
            ],
        ),
    );
    let first = env.import(Some(&h1), Some(&m1)).await.unwrap();
    assert_eq!(
        (
            first.counts.households_inserted,
            first.counts.members_inserted
        ),
        (3, 2)
    );
    let again = env.import(Some(&h1), Some(&m1)).await.unwrap();
    assert_eq!(
        (
            again.counts.households_unchanged,
            again.counts.members_unchanged
        ),
        (3, 2)
    );
    assert_eq!(
        (
            again.counts.households_inserted,
            again.counts.households_updated,
            again.counts.members_updated
        ),
        (0, 0, 0)
    );

    let h2 = env.write(
        "h2.csv",
        csv(
            H_HEADER,
            &[
                "6001,620102010201,王伟,2,5800,否,边缘易致贫户,因病,2025-03-01,否,",
                rows[1],
            ],
        ),
    );
    let m2 = env.write(
        "m2.csv",
        csv(
            M_HEADER,
            &[&format!("1,6001,{idw},王伟,男,1970-01-01,户主,患有大病")],
        ),
    );
    let update = env.import(Some(&h2), Some(&m2)).await.unwrap();
    assert_eq!(
        (
            update.counts.households_updated,
            update.counts.households_unchanged,
            update.counts.members_updated
        ),
        (1, 1, 1)
    );

    let store = env.app.store();
    let odd = store
        .household(Scope::All, &no("6003"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(odd.household.head_name, r#"阿"依,古\丽"#);
    assert_eq!(odd.version, 1);
    let h = store
        .household(Scope::All, &no("6001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.version, 2);
    assert_eq!(h.updated_by, "测试");
    let history = store.history(Scope::All, &no("6001")).await.unwrap();
    assert_eq!(history.len(), 2);
    let household = history
        .iter()
        .find(|e| e.subject == HistorySubject::Household)
        .unwrap();
    assert_eq!(household.before["income"]["declared_per_capita"], 900000);
    assert_eq!(household.after["income"]["declared_per_capita"], 580000);
    assert_eq!(household.after["monitoring"]["category"], "边缘易致贫户");
    let member = history
        .iter()
        .find(|e| matches!(e.subject, HistorySubject::Member(_)))
        .unwrap();
    assert_eq!(
        member.subject,
        HistorySubject::Member(zhenxing_domain::id_number::mask_id_str(&idw))
    );
    assert_eq!(member.before["health"], "健康");
    assert_eq!(member.after["health"], "患有大病");
    assert_eq!(member.changed_by, "测试");
}

#[tokio::test]
async fn rows_outside_the_importers_area_or_county_are_refused() {
    let env = Env::new().await;
    let h = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "7001,620102010201,王伟,1,9000,否,,,,否,",
                "7002,620521100001,李强,1,9000,否,,,,否,",
            ],
        ),
    );
    let county = AreaCode::parse("620102").unwrap();
    let report = env
        .import_in(Scope::Area(county), Some(&h), None)
        .await
        .unwrap();
    assert_eq!(
        errors(&report),
        vec![(3, "所在村代码".into(), "out_of_scope")]
    );
    assert_eq!(report.counts.households_inserted, 1);
    // The same household number in another county is another county's household.
    let moved = env.write(
        "moved.csv",
        csv(H_HEADER, &["7001,620521100001,王伟,1,9000,否,,,,否,"]),
    );
    let report = env.import(Some(&moved), None).await.unwrap();
    assert_eq!(
        errors(&report),
        vec![(2, "户编号".into(), "household_elsewhere")]
    );
    // Members of a household outside the scope are "unknown" to that user.
    let m = env.write(
        "m.csv",
        csv(
            M_HEADER,
            &[&format!(
                "1,7001,{},王伟,男,1970-01-01,户主,健康",
                id("620102", "19700101", 1)
            )],
        ),
    );
    let report = env
        .import_in(
            Scope::Area(AreaCode::parse("620521").unwrap()),
            None,
            Some(&m),
        )
        .await
        .unwrap();
    assert_eq!(
        errors(&report),
        vec![(2, "户编号".into(), "unknown_household")]
    );
}

#[tokio::test]
async fn income_components_derive_the_per_capita_income() {
    let env = Env::new().await;
    let h = env.write(
        "h.csv",
        csv(
            "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出,人均纯收入",
            &["8001,620102010201,王伟,4,是,\"20,000\",8000,0,6000,2000,8000", "8002,620102010201,李强,4,是,20000,8000,0,6000,2000,9000"],
        ),
    );
    let report = env.import(Some(&h), None).await.unwrap();
    assert_eq!(
        errors(&report),
        vec![(3, "人均纯收入".into(), "per_capita_mismatch")]
    );
    let h = household(&env, "8001").await;
    assert_eq!(h.income.net(), Some(Money::from_yuan(32000)));
    assert_eq!(h.per_capita_income(), Some(Money::from_yuan(8000)));
    assert_eq!(h.income.declared_per_capita, None);
}

/// An import tells its progress phase by phase — the households' rows, the members' rows, and
/// then the writing (a first load builds its indexes there, for seconds on a province) — so
/// neither the command line's bar nor the page's line falls silent before the answer.
#[tokio::test]
async fn an_import_reports_each_phase_and_the_writing_last() {
    let env = Env::new().await;
    let h = env.write(
        "户.csv",
        csv(
            H_HEADER,
            &[
                "7001,620102010201,王伟,2,9000,否,,,,否,",
                "7002,620102010202,李强,1,12000,否,,,,否,",
            ],
        ),
    );
    let m = env.write(
        "成员.csv",
        csv(
            M_HEADER,
            &[&format!(
                "1,7001,{},王伟,男,1970-01-01,户主,健康",
                id("620102", "19700101", 1)
            )],
        ),
    );
    let recorded = RecordedProgress::default();
    let req = zhenxing_app::import::ImportRequest {
        households: Some(h),
        members: Some(m),
        actor: zhenxing_store::Actor {
            user_id: None,
            name: "测试".into(),
        },
        scope: Scope::All,
    };
    env.app.import(&req, &recorded).await.unwrap();
    assert_eq!(
        recorded.phases(),
        [
            ("导入户信息 户.csv".to_string(), 2),
            ("导入成员信息 成员.csv".to_string(), 1),
            ("写入数据库（建立索引、核对、提交）".to_string(), 0),
        ]
    );
}

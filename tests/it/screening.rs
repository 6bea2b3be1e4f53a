//! Department screening: files of the policy's kinds screened against a small registry, each
//! rule just below and just above its threshold, duplicate and unmatched ID numbers, GBK and
//! xlsx files, repeated batches, the results export and the command line.

use std::process::Command;

use calamine::Reader;
use chrono::NaiveDate;
use zhenxing_app::App;
use zhenxing_app::monitoring::Caller;
use zhenxing_app::monitoring::screening::{ScreeningReport, ScreeningRequest};
use zhenxing_domain::{AreaCode, AreaLevel, HouseholdNo, MonitorCategory, Role, Scope};
use zhenxing_ledger::write::Disclosure;
use zhenxing_store::Actor;
use zhenxing_store::screening::HitOutcome;

use crate::support::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Another county's village (清水县).
const OTHER: &str = "620521100001";

/// The persons of the registry, by a short name.
fn person(name: &str) -> String {
    let (region, birth, seq) = match name {
        "a1" => ("620102", "19700101", 1),
        "a2" => ("620102", "19720202", 2),
        "b1" => ("620102", "19750505", 3),
        "b2" => ("620102", "19760606", 4),
        "c1" => ("620102", "19500303", 5),
        "d1" => ("620102", "19600404", 7),
        "e1" => ("620102", "19800808", 9),
        "f1" => ("620521", "19810909", 11),
        // Not registered.
        "x1" => ("620102", "19900101", 13),
        other => panic!("{other}"),
    };
    id(region, birth, seq)
}

/// A member row whose sex and birth date agree with the ID number.
fn member(no: &str, name: &str, relation: &str) -> String {
    let id = person(name);
    let sex = if (id.as_bytes()[16] - b'0') % 2 == 1 {
        "男"
    } else {
        "女"
    };
    let birth = format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14]);
    format!("{name},{no},{id},{name},{sex},{birth},{relation},健康")
}

/// A001-A004 in 红沟村 (V1), A005 in the next village (V2), B001 in another county.
async fn registry() -> Env {
    let env = Env::new().await;
    let households = env.write(
        "户.csv",
        csv(
            H_HEADER,
            &[
                &format!("A001,{V1},甲,2,7000,否,,,,否,"),
                &format!("A002,{V1},乙,2,7000,否,,,,否,"),
                &format!("A003,{V1},丙,1,6600,是,,,,否,"),
                &format!("A004,{V1},丁,1,3000,是,脱贫不稳定户,因病,2024-04-01,否,"),
                &format!("A005,{V2},戊,1,5000,否,,,,否,"),
                &format!("B001,{OTHER},己,1,4000,否,,,,否,"),
            ],
        ),
    );
    let members = env.write(
        "成员.csv",
        csv(
            M_HEADER,
            &[
                &member("A001", "a1", "户主"),
                &member("A001", "a2", "配偶"),
                &member("A002", "b1", "户主"),
                &member("A002", "b2", "配偶"),
                &member("A003", "c1", "户主"),
                &member("A004", "d1", "户主"),
                &member("A005", "e1", "户主"),
                &member("B001", "f1", "户主"),
            ],
        ),
    );
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    env
}

const MEDICAL: &str = "证件号码,自付金额（元）,结算日期";

/// A medical file: (person, amount) rows.
fn medical(rows: &[(&str, &str)]) -> String {
    let lines: Vec<String> = rows
        .iter()
        .map(|(p, amount)| {
            let id = match *p {
                "bad" => {
                    let good = person("x1");
                    bad_check(&good)
                }
                // As Excel saves a long number shown in a "General" column.
                "sci" => "6.20102E+17".to_string(),
                p => person(p),
            };
            format!("{id},{amount},2025-03-01")
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    csv(MEDICAL, &refs)
}

async fn screen(
    app: &App,
    caller: &Caller,
    kind: &str,
    file: &std::path::Path,
    area: Option<&str>,
) -> ScreeningReport {
    let req = ScreeningRequest {
        kind: kind.into(),
        file: file.to_path_buf(),
        area: area.map(|a| AreaCode::parse(a).unwrap()),
        found_on: d("2025-06-30"),
        source: None,
    };
    match app.screen(caller, &req).await {
        Ok(r) => r,
        Err(e) => panic!("{kind}: {e}"),
    }
}

/// (rows, matched, unmatched, rejected, households, hits, created, attached, repeated)
fn counts(r: &ScreeningReport) -> [u64; 9] {
    let c = r.counts;
    [
        c.rows,
        c.matched,
        c.unmatched,
        c.rejected,
        c.households,
        c.hits,
        c.created,
        c.attached,
        c.repeated,
    ]
}

/// (household, outcome) of each hit, in household order.
fn outcomes(r: &ScreeningReport) -> Vec<(String, &'static str)> {
    let mut v: Vec<(String, &'static str)> = r
        .hits
        .iter()
        .map(|h| {
            let o = match h.outcome {
                HitOutcome::Created { .. } => "created",
                HitOutcome::Merged { .. } => "merged",
                HitOutcome::Monitored { .. } => "monitored",
                HitOutcome::OpenCase { .. } => "open case",
                HitOutcome::Repeated { .. } => "repeated",
            };
            (h.household.no.to_string(), o)
        })
        .collect();
    v.sort();
    v
}

/// (row, column, code) of each reported row.
fn problems(r: &ScreeningReport) -> Vec<(u64, String, &'static str)> {
    r.problems
        .iter()
        .map(|e| (e.row, e.column.clone(), e.code))
        .collect()
}

fn operator() -> Caller {
    Caller::command_line()
}

/// A user of `area`: a township officer below the county, a county officer at it.
fn caller(area: &str) -> Caller {
    let area = AreaCode::parse(area).unwrap();
    let role = if area.level() == AreaLevel::Township {
        Role::TownshipOfficer
    } else {
        Role::CountyOfficer
    };
    let actor = Actor {
        user_id: None,
        name: "测试".into(),
    };
    Caller::user(actor, role, area)
}

#[tokio::test]
async fn medical_rule_at_its_threshold_with_duplicate_and_unmatched_ids() {
    let env = registry().await;
    let file = env.write(
        "医保.csv",
        medical(&[
            ("a1", "600"),     // A001: 7000 - 1000.00 / 2 = 6500, not below
            ("a2", "400"),     //
            ("b1", "600"),     // A002: 7000 - 1000.01 / 2 = 6499.99, below
            ("b2", "400.01"),  //
            ("c1", "50"),      // A003: the same person twice, summed: 6600 - 100.01
            ("c1", "￥50.01"), // (Excel's currency format)
            ("d1", "100"),     // A004: monitored already
            ("e1", "9000"),    // A005: another village, outside the area screened
            ("f1", "100"),     // B001: another county
            ("x1", "200"),     // not registered
            ("bad", "100"),    // a wrong check character
            ("a1", "abc"),     // not an amount
            ("sci", "100"),    // an ID number Excel turned into 6.20102E+17
        ]) + "合计,\"21,000.02\",\r\n,,\r\n填表人：张三,审核人：李四,\r\n",
    );
    let r = screen(&env.app, &operator(), "medical", &file, Some(V1)).await;
    // The totals and signature rows closing the file are skipped, not read as rows.
    assert_eq!(r.notes, 2);
    assert_eq!(counts(&r), [13, 7, 3, 3, 4, 3, 2, 1, 0]);
    assert_eq!(
        outcomes(&r),
        [
            ("A002".to_string(), "created"),
            ("A003".to_string(), "created"),
            ("A004".to_string(), "monitored"),
        ]
    );
    assert_eq!(
        problems(&r),
        [
            (9, "证件号码".to_string(), "outside_area"),
            (10, "证件号码".to_string(), "outside_area"),
            (11, "证件号码".to_string(), "not_registered"),
            (12, "证件号码".to_string(), "id_check"),
            (13, "自付金额（元）".to_string(), "money"),
            (14, "证件号码".to_string(), "scientific_notation"),
        ]
    );
    // ID numbers in the report are masked.
    let third = r.problems.line(2).unwrap();
    assert!(third.value.starts_with("6201") && third.value.contains("****"));

    // The clue says which rule and policy version found it, with the figures and members; its
    // case's first step is due by the policy (warning verification in 7 working days, the data
    // comparison alongside it in 5: the earlier counts).
    let store = env.app.store().monitoring();
    let a002 = r
        .hits
        .iter()
        .find(|h| h.household.no.as_str() == "A002")
        .unwrap();
    let HitOutcome::Created { clue, case } = a002.outcome else {
        panic!()
    };
    let clue = store.clue(Scope::All, clue).await.unwrap().unwrap();
    let e = &clue.evidence[0];
    assert_eq!(e.source, "县医疗保障局");
    assert_eq!(
        e.rule.as_deref(),
        Some(
            "医保合规自付费用：人均纯收入减去人均合规自付金额低于6500.00元（监测收入标准6500.00元的100%）（62-2025第1版）"
        )
    );
    let figures: Vec<String> = e
        .figures
        .iter()
        .map(|f| format!("{}={}", f.label, f.value))
        .collect();
    assert!(
        figures.contains(&"扣除后人均纯收入=6499.99元".to_string()),
        "{figures:?}"
    );
    assert_eq!(e.members.len(), 2);
    assert_eq!(clue.risks.to_string(), "因病");
    let case = store.case(Scope::All, case).await.unwrap().unwrap();
    assert_eq!(case.due.step, Some(d("2025-07-07")));
    assert_eq!(case.category, Some(MonitorCategory::MarginalAtRisk));
    let a003 = r
        .hits
        .iter()
        .find(|h| h.household.no.as_str() == "A003")
        .unwrap();
    let case = store
        .case(Scope::All, a003.outcome.case().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.category, Some(MonitorCategory::UnstableExPoor));
    // The monitored household's clue opens no case.
    let a004 = r
        .hits
        .iter()
        .find(|h| h.household.no.as_str() == "A004")
        .unwrap();
    assert_eq!(a004.outcome.case(), None);
    assert!(
        store
            .open_case_of(Scope::All, &HouseholdNo::parse("A004").unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // The whole county: A005 is now in the area; B001 is still outside.
    let r = screen(&env.app, &caller("620102"), "medical", &file, None).await;
    assert_eq!(
        outcomes(&r),
        [
            ("A002".to_string(), "repeated"),
            ("A003".to_string(), "repeated"),
            ("A004".to_string(), "repeated"),
            ("A005".to_string(), "created"),
        ]
    );
    assert_eq!(counts(&r), [13, 8, 2, 3, 5, 4, 1, 0, 3]);
}

#[tokio::test]
async fn a_row_whose_name_disagrees_with_the_registered_one_is_left_out() {
    let env = registry().await;
    // Names as departments write them: with spaces, in full-width letters, masked; a1's ID
    // number under another name (a mistyped ID number would be someone else's).
    let rows = [
        format!("{},b 1,600,2025-03-01", person("b1")),
        format!("{},Ｂ２,400.01,2025-03-01", person("b2")),
        format!("{},c＊,100.01,2025-03-01", person("c1")),
        format!("{},张三,9000,2025-03-01", person("a1")),
        format!("{},张三,100,2025-03-01", person("x1")),
        format!("{},,100,2025-03-01", person("a2")),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = env.write(
        "医保.csv",
        csv("证件号码,参保人姓名,自付金额（元）,结算日期", &refs),
    );
    let r = screen(&env.app, &operator(), "medical", &file, Some(V1)).await;
    // A001 is found by a2 alone (no name given): 7000 - 100 / 2, not below.
    assert_eq!(counts(&r), [6, 4, 2, 0, 3, 2, 2, 0, 0]);
    assert_eq!(
        outcomes(&r),
        [
            ("A002".to_string(), "created"),
            ("A003".to_string(), "created"),
        ]
    );
    assert_eq!(
        problems(&r),
        [
            (5, "证件号码".to_string(), "name_differs"),
            (6, "证件号码".to_string(), "not_registered"),
        ]
    );
    let line = r.problems.line(0).unwrap();
    assert!(line.reason.contains("姓名"), "{}", line.reason);
    assert!(
        !line.value.contains(&person("a1")),
        "masked: {}",
        line.value
    );
    // The command says so too.
    let db = env.path("test.db").to_string_lossy().to_string();
    let path = file.to_string_lossy().to_string();
    let out = zhenxing(&[
        "screen",
        "--db",
        &db,
        "--kind",
        "medical",
        "--file",
        &path,
        "--date",
        "2025-06-30",
    ]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("未匹配的行中，1行的姓名与户籍信息中该证件号码登记的姓名不一致"),
        "{said}"
    );

    // The same rows without the names are the same evidence: nothing new. a1's row, unnamed,
    // is now a1's.
    let unnamed: Vec<String> = rows
        .iter()
        .map(|r| {
            let mut cells: Vec<&str> = r.split(',').collect();
            cells.remove(1);
            cells.join(",")
        })
        .collect();
    let refs: Vec<&str> = unnamed.iter().map(String::as_str).collect();
    let file = env.write("医保（无姓名）.csv", csv(MEDICAL, &refs));
    let r = screen(&env.app, &operator(), "medical", &file, Some(V1)).await;
    assert_eq!(
        outcomes(&r),
        [
            ("A001".to_string(), "created"),
            ("A002".to_string(), "repeated"),
            ("A003".to_string(), "repeated"),
        ]
    );
}

#[tokio::test]
async fn a_departments_list_exported_as_a_web_page_named_xls_is_screened() {
    let env = registry().await;
    // As a medical insurance system exports its lists: a page in GBK named .xls, a title
    // spanning the columns, a closing totals row.
    let mut page = String::from(
        "<html><head><meta charset=\"GBK\"></head><body><table>\
         <tr><td colspan=4>2025年医保结算明细</td></tr>\
         <tr><th>序号</th><th>参保人姓名</th><th>身份证号码</th><th>个人自付金额（元）</th></tr>",
    );
    for (i, (p, name, amount)) in [
        ("b1", "b1", "600.00"),
        ("b2", "b2", "400.01"),
        ("a1", "张三", "9000"),
    ]
    .iter()
    .enumerate()
    {
        page.push_str(&format!(
            "<tr><td>{}</td><td>{name}</td><td style=\"mso-number-format:'\\@'\">{}</td><td>{amount}</td></tr>",
            i + 1,
            person(p)
        ));
    }
    page.push_str("<tr><td colspan=3>合计</td><td>10000.01</td></tr></table></body></html>");
    let (gbk, _, _) = encoding_rs::GBK.encode(&page);
    let file = env.write("医保结算明细.xls", gbk.as_ref());
    let r = screen(&env.app, &operator(), "medical", &file, Some(V1)).await;
    assert_eq!(r.notes, 1);
    assert_eq!(counts(&r), [3, 2, 1, 0, 1, 1, 1, 0, 0]);
    assert_eq!(outcomes(&r), [("A002".to_string(), "created")]);
    assert_eq!(
        problems(&r),
        [(5, "身份证号码".to_string(), "name_differs")]
    );
}

#[tokio::test]
async fn a_first_generation_15_digit_number_is_matched_upgraded() {
    let env = registry().await;
    // b1 (born 1975-05-05, sequence 003) as an old 15-digit card number, and as a number in a
    // spreadsheet cell (15 digits keep their value).
    let b1 = person("b1");
    let old = format!("{}{}", &b1[..6], &b1[8..17]);
    assert_eq!(old.len(), 15);
    let file = env.write(
        "医保.csv",
        csv(
            MEDICAL,
            &[
                &format!("{old},600,2025-03-01"),
                &format!("{},400.01,2025-03-01", person("b2")),
                "620102751305003,5,2025-03-01",
            ],
        ),
    );
    let r = screen(&env.app, &operator(), "medical", &file, Some(V1)).await;
    assert_eq!(outcomes(&r), [("A002".to_string(), "created")]);
    // The same upgrade of a number whose birth date cannot be: refused as such.
    assert_eq!(problems(&r), [(4, "证件号码".to_string(), "id_birth_date")]);
}

#[tokio::test]
async fn a_departments_list_in_the_older_xls_is_screened() {
    use crate::support::{XlsCell::Number, XlsCell::Text, write_xls};
    let env = registry().await;
    let (b1, b2) = (person("b1"), person("b2"));
    let rows = vec![
        ["身份证号码", "姓名", "个人自付金额（元）"]
            .into_iter()
            .map(|h| Some(Text(h)))
            .collect(),
        vec![Some(Text(&b1)), Some(Text("b1")), Some(Number(600.0))],
        vec![Some(Text(&b2)), Some(Text("b2")), Some(Number(400.01))],
    ];
    let file = env.path("医保.xls");
    write_xls(&file, &[("Sheet1", rows)]);
    let r = screen(&env.app, &operator(), "medical", &file, Some(V1)).await;
    assert_eq!(counts(&r), [2, 2, 0, 0, 1, 1, 1, 0, 0]);
    assert_eq!(outcomes(&r), [("A002".to_string(), "created")]);
}

#[tokio::test]
async fn a_repeated_batch_makes_no_second_clue_and_new_rows_join_the_open_clue() {
    let env = registry().await;
    let rows = [
        ("b1", "600"),
        ("b2", "400.01"),
        ("c1", "100.01"),
        ("d1", "10"),
    ];
    let text = medical(&rows);
    let first = env.write("医保1月.csv", &text);
    let r = screen(&env.app, &operator(), "medical", &first, None).await;
    assert_eq!(counts(&r), [4, 4, 0, 0, 3, 3, 2, 1, 0]);
    let figures_of_a002 = |r: &ScreeningReport| {
        r.hits
            .iter()
            .find(|h| h.household.no.as_str() == "A002")
            .map(|h| h.figures.clone())
            .unwrap()
    };
    let january = figures_of_a002(&r);

    // The same rows again, saved by Excel in GBK and in another order: nothing new.
    let mut reordered = rows;
    reordered.reverse();
    let gbk = env.write(
        "医保1月（另存）.csv",
        encoding_rs::GBK.encode(&medical(&reordered)).0,
    );
    let r = screen(&env.app, &operator(), "medical", &gbk, None).await;
    assert_eq!(counts(&r), [4, 4, 0, 0, 3, 3, 0, 0, 3]);
    let open = env
        .app
        .store()
        .monitoring()
        .open_clues(Scope::All, 100)
        .await
        .unwrap();
    assert_eq!(open.len(), 3, "no second clue");
    assert!(
        open.iter().all(|c| c.evidence.len() == 1),
        "no evidence twice"
    );

    // A new settlement of A002 joins its open clue; A001 crosses the line now.
    let second = env.write(
        "医保2月.csv",
        medical(&[
            ("b1", "600"),
            ("b2", "400.01"),
            ("b2", "5"),
            ("a1", "1000.02"),
        ]),
    );
    let r = screen(&env.app, &operator(), "medical", &second, None).await;
    assert_eq!(
        outcomes(&r),
        [
            ("A001".to_string(), "created"),
            ("A002".to_string(), "merged"),
        ]
    );
    let a002 = r
        .hits
        .iter()
        .find(|h| h.household.no.as_str() == "A002")
        .unwrap();
    let clue = env
        .app
        .store()
        .monitoring()
        .clue(Scope::All, a002.outcome.clue().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(clue.evidence.len(), 2);
    // Each piece of evidence has its own batch's figures (kept with that batch's result).
    let february = figures_of_a002(&r);
    assert_ne!(january, february);
    assert_eq!(clue.evidence[0].figures, january);
    assert_eq!(clue.evidence[1].figures, february);

    // Every batch is kept with its counts.
    let batches = env.app.screenings(&operator(), 10).await.unwrap();
    let kept: Vec<(i64, u64, u64, u64)> = batches
        .iter()
        .map(|s| (s.id, s.counts.created, s.counts.attached, s.counts.repeated))
        .collect();
    assert_eq!(kept, [(3, 1, 1, 0), (2, 0, 0, 3), (1, 2, 1, 0)]);
}

#[tokio::test]
async fn a_hits_evidence_is_kept_once_and_rows_written_before_read_as_they_are() {
    let env = registry().await;
    let file = env.write(
        "医保.csv",
        medical(&[("b1", "600"), ("b2", "400.01"), ("d1", "10")]),
    );
    let r = screen(&env.app, &operator(), "medical", &file, None).await;
    let monitoring = env.app.store().monitoring();
    let batch = r.screening.id;
    let a002 = r
        .hits
        .iter()
        .find(|h| h.household.no.as_str() == "A002")
        .unwrap();
    let clue_id = a002.outcome.clue().unwrap();
    let read = || async {
        let clue = monitoring.clue(Scope::All, clue_id).await.unwrap().unwrap();
        let (_, page) = env
            .app
            .screening_results(&operator(), batch, AreaCode::parse(V1).unwrap(), None, 10)
            .await
            .unwrap();
        (clue.evidence, page)
    };

    // The clue's evidence is the batch's rule and the household's figures and members.
    let (evidence, results) = read().await;
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].rule.as_deref(), Some(r.screening.rule.as_str()));
    assert_eq!(evidence[0].source, r.screening.source);
    assert_eq!(evidence[0].figures, a002.figures);
    assert_eq!(evidence[0].members, a002.members);
    assert_eq!(evidence[0].found_on, d("2025-06-30"));
    let result = results.iter().find(|x| x.no.as_str() == "A002").unwrap();
    assert_eq!(result.figures, a002.figures);
    assert!(a002.figures.len() >= 5, "{:?}", a002.figures);

    // Stored once: the evidence names the batch; the result keeps the values, the batch the
    // labels.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", env.path("test.db").display()))
        .await
        .unwrap();
    let (rule, figures, members, screening): (Option<String>, String, String, Option<i64>) =
        sqlx::query_as(
            "SELECT rule, figures_json, members_json, screening_id FROM clue_evidence \
             WHERE clue_id = ?",
        )
        .bind(clue_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        (rule, figures.as_str(), members.as_str(), screening),
        (None, "[]", "[]", Some(batch))
    );
    let (stored,): (String,) = sqlx::query_as(
        "SELECT figures_json FROM screening_results WHERE screening_id = ? AND household_no = 'A002'",
    )
    .bind(batch)
    .fetch_one(&pool)
    .await
    .unwrap();
    let values: Vec<&str> = a002.figures.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(stored, serde_json::to_string(&values).unwrap());
    let (labels,): (String,) = sqlx::query_as("SELECT figure_labels FROM screenings WHERE id = ?")
        .bind(batch)
        .fetch_one(&pool)
        .await
        .unwrap();
    let expected: Vec<&str> = a002.figures.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, serde_json::to_string(&expected).unwrap());

    // A batch's values without its labels are refused as damaged, not shown without names.
    sqlx::query("UPDATE screenings SET figure_labels = NULL WHERE id = ?")
        .bind(batch)
        .execute(&pool)
        .await
        .unwrap();
    let damaged = env
        .app
        .screening_results(&operator(), batch, AreaCode::parse(V1).unwrap(), None, 10)
        .await;
    assert!(damaged.is_err(), "{damaged:?}");

    // A database screened before this form: every row has its own text, the batch no labels.
    // It reads the same.
    for hit in &r.hits {
        sqlx::query(
            "UPDATE screening_results SET figures_json = ? WHERE screening_id = ? AND household_no = ?",
        )
        .bind(serde_json::to_string(&hit.figures).unwrap())
        .bind(batch)
        .bind(hit.household.no.as_str())
        .execute(&pool)
        .await
        .unwrap();
    }
    let done = sqlx::query(
        "UPDATE clue_evidence SET rule = ?, figures_json = ?, members_json = ?, screening_id = NULL \
         WHERE clue_id = ?",
    )
    .bind(&r.screening.rule)
    .bind(serde_json::to_string(&a002.figures).unwrap())
    .bind(serde_json::to_string(&a002.members).unwrap())
    .bind(clue_id)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(done.rows_affected(), 1);
    assert_eq!(read().await, (evidence, results));
}

#[tokio::test]
async fn disability_in_gbk_a_new_grade_one_or_two_certificate() {
    let env = registry().await;
    let text = csv(
        "残疾人证办理情况（2025年上半年）,,,\r\n证件号码,残疾类别,残疾等级,发证日期",
        &[
            &format!("{},肢体,三级,2025-05-01", person("a1")), // grade 3: below
            &format!("{},视力,二级,2025-05-01", person("b1")), // grade 2, new: hit
            &format!("{},肢体,1级,2024-06-30", person("c1")),  // 365 days before: hit
            &format!("{},肢体,一级,2024-06-29", person("d1")), // 366 days before: not new
            &format!("{},肢体,二级,", person("e1")),           // no date: rejected
        ],
    );
    let file = env.write("残联.csv", encoding_rs::GBK.encode(&text).0);
    let r = screen(&env.app, &operator(), "disability", &file, None).await;
    assert_eq!(counts(&r), [5, 4, 0, 1, 4, 2, 2, 0, 0]);
    assert_eq!(
        outcomes(&r),
        [
            ("A002".to_string(), "created"),
            ("A003".to_string(), "created")
        ]
    );
    assert_eq!(problems(&r), [(7, "发证日期".to_string(), "missing")]);
    let clue = env
        .app
        .store()
        .monitoring()
        .clue(Scope::All, r.hits[0].outcome.clue().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(clue.risks.to_string(), "因残");
}

/// The disabled persons' federation lists its certificates by 残疾人证号 (the ID number, then
/// category and grade): matched by the ID in it; a file with both numbers is matched by the ID.
#[tokio::test]
async fn disability_lists_by_certificate_number() {
    let env = registry().await;
    let text = csv(
        "残疾人证号,姓名,残疾等级,发证日期",
        &[
            &format!("{}42,,二级,2025-05-01", person("b1")), // grade 2, new: hit
            &format!("{}13,,三级,2025-05-01", person("a1")), // grade 3: below
            &format!("{}92,,二级,2025-05-01", person("c1")), // not a certificate number
        ],
    );
    let file = env.write("残联证号.csv", encoding_rs::GBK.encode(&text).0);
    let r = screen(&env.app, &operator(), "disability", &file, None).await;
    assert_eq!(
        outcomes(&r),
        [("A002".to_string(), "created")],
        "{:?}",
        r.problems
    );
    let p = problems(&r);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].0, p[0].1.as_str()), (4, "残疾人证号"));

    // Both numbers: the ID's column is matched (here the certificate names someone else).
    let text = csv(
        "残疾人证号,证件号码,残疾等级,发证日期",
        &[&format!(
            "{}11,{},一级,2025-05-01",
            person("a1"),
            person("c1")
        )],
    );
    let file = env.write("两列.csv", text);
    let r = screen(&env.app, &operator(), "disability", &file, None).await;
    assert_eq!(outcomes(&r), [("A003".to_string(), "created")]);
}

#[tokio::test]
async fn disability_lists_of_certificate_numbers_alone_give_grade_and_category() {
    // The federation's list often has no 残疾等级 column: the number's 20th character is the
    // grade (its 19th the category, read alike: `screening::tests`).
    let env = registry().await;
    let text = csv(
        "序号,残疾人证号,发证日期",
        &[
            &format!("1,{}42,2025-05-01", person("b1")), // 肢体, grade 2: hit
            &format!("2,{}13,2025-05-01", person("a1")), // grade 3: below
            &format!("3,'{}61,2025-05-01", person("c1")), // 精神, grade 1, quoted: hit
            &format!("4,{},2025-05-01", person("d1")),   // a bare ID number: no grade in it
        ],
    );
    let file = env.write("证号.csv", encoding_rs::GBK.encode(&text).0);
    let r = screen(&env.app, &operator(), "disability", &file, None).await;
    assert_eq!(
        outcomes(&r),
        [
            ("A002".to_string(), "created"),
            ("A003".to_string(), "created")
        ],
        "{:?}",
        r.problems
    );
    let p = problems(&r);
    assert_eq!(
        p,
        [(5, "残疾人证号".to_string(), "not_within")],
        "{:?}",
        r.problems
    );
    let reason = r.problems.iter().next().unwrap().reason.clone();
    assert!(
        reason.contains("号码只有18位，读不出残疾等级（第20位为残疾等级：1（一级）"),
        "{reason}"
    );
    let figures = |no: &str| {
        let h = r
            .hits
            .iter()
            .find(|h| h.household.no.as_str() == no)
            .unwrap();
        format!("{:?}", h.figures)
    };
    for (no, grade) in [("A002", "二级"), ("A003", "一级")] {
        let f = figures(no);
        assert!(f.contains(&format!("value: \"{grade}\"")), "{no}: {f}");
    }

    // A column of its own wins over the number: here it says grade 3, the number grade 1.
    let text = csv(
        "残疾人证号,残疾等级,发证日期",
        &[&format!("{}41,三级,2025-05-01", person("b1"))],
    );
    let file = env.write("有等级.csv", text);
    let r = screen(&env.app, &operator(), "disability", &file, None).await;
    assert!(outcomes(&r).is_empty(), "{:?}", outcomes(&r));
    assert!(r.problems.is_empty(), "{:?}", r.problems);

    // A list of ID numbers (not certificates) without a grade is not a disability list.
    let text = csv(
        "证件号码,发证日期",
        &[&format!("{},2025-05-01", person("b1"))],
    );
    let file = env.write("无等级.csv", text);
    let req = ScreeningRequest {
        kind: "disability".into(),
        file,
        area: None,
        found_on: d("2025-06-30"),
        source: None,
    };
    let e = env.app.screen(&operator(), &req).await.unwrap_err();
    assert!(e.to_string().contains("缺少列：残疾等级"), "{e}");
}

#[tokio::test]
async fn disaster_losses_in_xlsx_above_half_the_yearly_income() {
    let env = registry().await;
    let path = env.path("受灾.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["灾害种类", "户主身份证号", "直接经济损失（元）"],
        // A001: 7000 x 2 = 14000 a year; 7000.00 is half, not above.
        ["洪涝", &person("a1"), "7000.00"],
        // A002: the same income; 7000.01 is above.
        ["冰雹", &person("b2"), "7000.01"],
        // A004 (3000 a year): two members' losses summed... one member, two rows.
        ["洪涝", &person("d1"), "1000"],
        ["洪涝", &person("d1"), "500.01"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    // Row 6: an A003 member's ID number typed as a number: its last digits are gone (a floating
    // number keeps 15 significant digits); told as such, not as a wrong check character.
    let a003: f64 = person("c1").parse().unwrap();
    sheet.write_string(5, 0, "洪涝").unwrap();
    sheet.write_number(5, 1, a003).unwrap();
    sheet.write_number(5, 2, 90_000.0).unwrap();
    book.save(&path).unwrap();
    let r = screen(&env.app, &operator(), "disaster", &path, None).await;
    assert_eq!(
        outcomes(&r),
        [
            ("A002".to_string(), "created"),
            ("A004".to_string(), "monitored")
        ]
    );
    assert_eq!(
        problems(&r),
        [(6, "户主身份证号".to_string(), "id_as_number")]
    );
    let a002 = r
        .hits
        .iter()
        .find(|h| h.household.no.as_str() == "A002")
        .unwrap();
    let clue = env
        .app
        .store()
        .monitoring()
        .clue(Scope::All, a002.outcome.clue().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(clue.disaster_kind.as_deref(), Some("冰雹"));
    assert_eq!(clue.risks.to_string(), "因自然灾害");
}

/// (kind, header, rows (person, rest of the row), households hit)
type KindCase<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

#[tokio::test]
async fn the_other_kinds_of_the_gansu_policy() {
    let env = registry().await;
    let cases: &[KindCase] = &[
        (
            "housing",
            "户主证件号码,鉴定等级,鉴定日期",
            &[
                ("a1", "B级,2025-01-01"),
                ("b1", "ｃ级,2025-01-01"),
                ("c1", "D,"),
            ],
            &["A002", "A003"],
        ),
        (
            "unemployment",
            "证件号码,失业登记日期",
            &[("a1", "2025-01-01"), ("b1", "2024-12-31")],
            &["A001"],
        ),
        (
            "dropout",
            "学生身份证号,学校",
            &[("c1", "某小学")],
            &["A003"],
        ),
        (
            "dibao",
            "证件号码,变动类型",
            &[("a1", "调整"), ("b1", "新纳入"), ("c1", "退出")],
            &["A002", "A003"],
        ),
    ];
    for (kind, header, rows, expected) in cases {
        let lines: Vec<String> = rows
            .iter()
            .map(|(p, rest)| format!("{},{rest}", person(p)))
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let file = env.write(&format!("{kind}.csv"), csv(header, &refs));
        let r = screen(&env.app, &operator(), kind, &file, None).await;
        let hit: Vec<String> = outcomes(&r).into_iter().map(|(h, _)| h).collect();
        assert_eq!(hit, *expected, "{kind}");
        assert_eq!(r.counts.rejected, 0, "{kind}: {:?}", r.problems);
    }
}

#[tokio::test]
async fn who_may_screen_and_what_a_file_of_the_wrong_kind_gets() {
    let env = registry().await;
    let file = env.write("医保.csv", medical(&[("f1", "5000"), ("b1", "5000")]));
    // A township officer may not; a county officer screens only the county's persons.
    let req = ScreeningRequest {
        kind: "medical".into(),
        file: file.clone(),
        area: None,
        found_on: d("2025-06-30"),
        source: Some("市医保局".into()),
    };
    let e = env
        .app
        .screen(&caller("620102010"), &req)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    let r = env.app.screen(&caller("620521"), &req).await.unwrap();
    assert_eq!(counts(&r), [2, 1, 1, 0, 1, 1, 1, 0, 0]);
    assert_eq!(problems(&r), [(3, "证件号码".to_string(), "outside_area")]);
    // A kind the policy does not have; a file without the kind's columns.
    let mut unknown = req.clone();
    unknown.kind = "tax".into();
    let e = env.app.screen(&operator(), &unknown).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("没有筛查类别“tax”，可用：medical（医保合规自付费用）"),
        "{e}"
    );
    let mut wrong = req.clone();
    wrong.kind = "disability".into();
    let e = env.app.screen(&operator(), &wrong).await.unwrap_err();
    assert!(e.to_string().contains("缺少列：残疾等级、发证日期"), "{e}");
    assert_eq!(env.app.screenings(&operator(), 10).await.unwrap().len(), 1);
}

/// A screening tells the rows it has read and matched, then that it writes the batch (the
/// longer part of a province's file, seconds on PostgreSQL).
#[tokio::test]
async fn a_screening_reports_the_rows_read_then_the_writing() {
    let env = registry().await;
    let file = env.write(
        "医保.csv",
        medical(&[("f1", "5000"), ("b1", "5000"), ("f1", "100")]),
    );
    let req = ScreeningRequest {
        kind: "medical".into(),
        file,
        area: None,
        found_on: d("2025-06-30"),
        source: None,
    };
    let recorded = RecordedProgress::default();
    env.app
        .screen_reporting(&operator(), &req, &recorded)
        .await
        .unwrap();
    assert_eq!(
        recorded.phases(),
        [
            ("读取并比对 医保.csv".to_string(), 3),
            ("写入筛查结果、线索和核实期限".to_string(), 0),
        ]
    );
}

#[tokio::test]
async fn results_of_an_area_export_as_xlsx_with_ids_masked() {
    let env = registry().await;
    let file = env.write(
        "医保.csv",
        medical(&[
            ("b1", "600"),
            ("b2", "400.01"),
            ("c1", "100.01"),
            ("e1", "9000"),
        ]),
    );
    let r = screen(&env.app, &operator(), "medical", &file, None).await;
    let batch = r.screening.id;
    let village = AreaCode::parse(V1).unwrap();
    let (_, page) = env
        .app
        .screening_results(&operator(), batch, village, None, 10)
        .await
        .unwrap();
    let nos: Vec<&str> = page.iter().map(|p| p.no.as_str()).collect();
    assert_eq!(nos, ["A002", "A003"], "V2's household is not in V1's list");
    let (_, next) = env
        .app
        .screening_results(
            &operator(),
            batch,
            village,
            Some(&(page[0].village, page[0].no.clone())),
            10,
        )
        .await
        .unwrap();
    assert_eq!(next.len(), 1);

    let out = env.path("结果.xlsx");
    let n = env
        .app
        .export_screening_results(
            &operator(),
            batch,
            AreaCode::parse("620102").unwrap(),
            &out,
            Disclosure::Masked,
        )
        .await
        .unwrap();
    assert_eq!(n, 3);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let range = book.worksheet_range("筛查结果").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        rows[0][0]
            .starts_with("医保合规自付费用筛查结果：城关区（批次1，2025-06-30，62-2025第1版）"),
        "{:?}",
        rows[0]
    );
    assert_eq!(
        rows[1][0..5],
        ["村代码", "乡镇村", "户编号", "户主姓名", "处理结果"]
    );
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[2][2], "A002");
    assert_eq!(rows[2][4], "新线索，已进入识别");
    assert!(
        rows[2][7].contains("扣除后人均纯收入：6499.99元"),
        "{}",
        rows[2][7]
    );
    let b1 = person("b1");
    assert!(!rows[2][8].contains(&b1), "masked: {}", rows[2][8]);
    assert!(rows[2][8].contains(&format!("{}**********{}", &b1[..4], &b1[14..])));
    // Another county's officer gets nothing of it.
    assert!(
        env.app
            .export_screening_results(
                &caller("620521"),
                batch,
                AreaCode::parse("620102").unwrap(),
                &env.path("x.xlsx"),
                Disclosure::Masked,
            )
            .await
            .is_err()
    );
}

/// The rows a batch left out (not read, not registered, outside the area) are kept with it, in
/// the report's order and as it showed them, for whoever sees the whole batch: paged, counted by
/// reason and exported as xlsx. A caller below the batch's area, or beside it, gets none.
#[tokio::test]
async fn the_rows_left_out_are_kept_with_the_batch_for_who_sees_it_whole() {
    let env = registry().await;
    let file = env.write(
        "医保.csv",
        medical(&[
            ("b1", "600"),
            ("f1", "100"),  // B001: another county
            ("x1", "200"),  // not registered
            ("bad", "100"), // a wrong check character
            ("a1", "abc"),  // not an amount
            ("x1", "300"),  // not registered, again
        ]),
    );
    let county = caller("620102");
    let r = screen(&env.app, &county, "medical", &file, None).await;
    let batch = r.screening.id;
    assert_eq!(r.screening.problems, Some(5));
    let (stored, kept) = env
        .app
        .screening_problems(&county, batch, None, 100)
        .await
        .unwrap();
    assert_eq!(stored.problems, Some(5), "the batch read back says so too");
    let numbers: Vec<u64> = kept.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    let as_reported: Vec<_> = r
        .problems
        .iter()
        .map(|e| zhenxing_app::problems::kept(&e))
        .collect();
    let seen: Vec<_> = kept.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(seen, as_reported, "kept as reported, in its order");
    let codes: Vec<&str> = kept.iter().map(|(_, p)| p.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "outside_area",
            "not_registered",
            "id_check",
            "money",
            "not_registered"
        ]
    );
    assert!(kept.iter().all(|(_, p)| p.sheet.is_none()));
    let x1 = person("x1");
    assert!(
        kept.iter().all(|(_, p)| !p.value.contains(&x1)),
        "kept masked"
    );
    // Paged by number.
    let (_, first) = env
        .app
        .screening_problems(&county, batch, None, 2)
        .await
        .unwrap();
    let (_, rest) = env
        .app
        .screening_problems(&county, batch, Some(first[1].0), 100)
        .await
        .unwrap();
    assert_eq!([first, rest].concat(), kept);
    // Counted by code, with the batch's page.
    let view = env
        .app
        .screening_view(&county, batch, None, None, 10)
        .await
        .unwrap();
    assert_eq!(
        view.problems.unwrap(),
        [
            ("id_check".to_string(), 1),
            ("money".to_string(), 1),
            ("not_registered".to_string(), 2),
            ("outside_area".to_string(), 1),
        ]
    );
    // Exported in the columns of the import's error report.
    let out = env.path("未纳入.xlsx");
    let n = env
        .app
        .export_screening_problems(&county, batch, &out)
        .await
        .unwrap();
    assert_eq!(n, 5);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let rows: Vec<Vec<String>> = book
        .worksheet_range("未纳入的行")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0],
        ["文件", "工作表", "行号", "列", "内容", "原因", "错误代码"]
    );
    assert_eq!(rows.len(), 6);
    for (row, (_, p)) in rows[1..].iter().zip(&kept) {
        assert_eq!(row[0], "医保.csv");
        assert_eq!(row[2], p.row.to_string());
        assert_eq!(row[4], p.value);
        assert_eq!(row[5], p.reason);
        assert_eq!(row[6], p.code);
    }
    // The batch's township sees the batch, not the whole file's rows; another county nothing.
    let township = caller(&format!("{}000", &V1[..9]));
    let view = env
        .app
        .screening_view(&township, batch, None, None, 10)
        .await
        .unwrap();
    assert_eq!(view.problems, None);
    assert_eq!(view.area.to_string(), format!("{}000", &V1[..9]));
    let refused = env
        .app
        .screening_problems(&township, batch, None, 100)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "forbidden", "{refused}");
    assert!(
        env.app
            .export_screening_problems(&township, batch, &env.path("t.xlsx"))
            .await
            .is_err()
    );
    let beside = env
        .app
        .screening_problems(&caller("620521"), batch, None, 100)
        .await
        .unwrap_err();
    assert_eq!(beside.code(), "not_found", "{beside}");
    // A batch with every row taken keeps none, and says so.
    let clean = env.write("全部.csv", medical(&[("b1", "600")]));
    let r = screen(&env.app, &county, "medical", &clean, None).await;
    assert_eq!(r.screening.problems, Some(0));
    let (_, none) = env
        .app
        .screening_problems(&county, r.screening.id, None, 100)
        .await
        .unwrap();
    assert!(none.is_empty());
}

/// A file of the whole population leaves most of its persons out: their lines are kept in pages
/// (deflated), read back in the report's order across the pages' edges, and counted by code.
#[tokio::test]
async fn thousands_of_rows_left_out_read_back_across_their_pages() {
    let env = registry().await;
    let mut lines: Vec<String> = (0..9000u32)
        .map(|i| {
            let birth = format!("1980{:02}{:02}", 1 + i / 1000 % 12, 1 + i % 28);
            format!("{},{}.5,2025-03-01", id("620102", &birth, i % 1000), 10 + i)
        })
        .collect();
    lines.insert(4500, format!("{},1,2025-03-01", bad_check(&person("x1"))));
    lines.push(format!("{},600,2025-03-01", person("b1")));
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let file = env.write("全员医保.csv", csv(MEDICAL, &refs));
    let county = caller("620102");
    let r = screen(&env.app, &county, "medical", &file, None).await;
    let batch = r.screening.id;
    assert_eq!(r.screening.problems, Some(9001));
    let as_reported: Vec<_> = r
        .problems
        .iter()
        .map(|e| zhenxing_app::problems::kept(&e))
        .collect();
    // Read 700 at a time (pages hold 4,000): every line once, numbered 1.., as the report had them.
    let mut kept = Vec::new();
    let mut after = None;
    loop {
        let (_, page) = env
            .app
            .screening_problems(&county, batch, after, 700)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.len() == 700 || kept.len() + page.len() == 9001);
        after = Some(last.0);
        kept.extend(page);
    }
    let numbers: Vec<u64> = kept.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(numbers, (1..=9001).collect::<Vec<u64>>());
    let seen: Vec<_> = kept.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(seen, as_reported);
    assert_eq!(seen[4500].code, "id_check");
    assert_eq!(
        seen[1501].row, 1503,
        "the row after the bad one, header on line 1"
    );
    // Either side of a page's edge, and past the end.
    for after in [3999, 4000, 7999, 8999] {
        let (_, two) = env
            .app
            .screening_problems(&county, batch, Some(after), 2)
            .await
            .unwrap();
        let want = &kept[after as usize..(after as usize + 2).min(kept.len())];
        assert_eq!(two, want, "after {after}");
    }
    let (_, none) = env
        .app
        .screening_problems(&county, batch, Some(9001), 10)
        .await
        .unwrap();
    assert!(none.is_empty());
    // Counted by code over the pages.
    let view = env
        .app
        .screening_view(&county, batch, None, None, 10)
        .await
        .unwrap();
    assert_eq!(
        view.problems.unwrap(),
        [
            ("id_check".to_string(), 1),
            ("not_registered".to_string(), 9000)
        ]
    );
    // Three pages, deflated to a fraction of the lines' text.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", env.path("test.db").display()))
        .await
        .unwrap();
    let (pages, bytes): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), SUM(length(body)) FROM screening_problem_pages WHERE screening_id = ?",
    )
    .bind(batch)
    .fetch_one(&pool)
    .await
    .unwrap();
    let text: usize = seen
        .iter()
        .map(|p| p.column.len() + p.value.len() + p.reason.len() + p.code.len() + 8)
        .sum();
    assert_eq!(pages, 3);
    assert!((bytes as usize) < text / 5, "{bytes} bytes for {text}");
}

fn zhenxing(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_screen_command_prints_json_and_writes_the_report() {
    let env = registry().await;
    let db = env.path("test.db").to_string_lossy().to_string();
    let file = env.write(
        "医保.csv",
        medical(&[
            ("b1", "600"),
            ("b2", "400.01"),
            ("d1", "10"),
            ("x1", "5"),
            ("bad", "1"),
        ]),
    );
    let report = env.path("报告.csv");
    let args = |format: &str| {
        vec![
            "screen".to_string(),
            "--db".into(),
            db.clone(),
            "--kind".into(),
            "medical".into(),
            "--file".into(),
            file.to_string_lossy().to_string(),
            "--date".into(),
            "2025-06-30".into(),
            "--report".into(),
            report.to_string_lossy().to_string(),
            "--format".into(),
            format.into(),
        ]
    };
    let a = args("json");
    let out = zhenxing(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2), "a row could not be read");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"rows\":5,\"matched\":3,\"created\":1,\"attached\":1,\"unmatched\":1}\n"
    );
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(written.contains("户籍信息中没有此人"), "{written}");
    assert!(written.contains("证件号码校验码错误"), "{written}");

    let a = args("table");
    let out = zhenxing(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "达到预警规则2户：新线索（进入识别）0户，附加证据0户，与此前批次相同未重复登记2户。"
        ),
        "{stdout}"
    );
    let out = zhenxing(&["screen-results", "--db", &db]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    let xlsx = env.path("结果.xlsx").to_string_lossy().to_string();
    let out = zhenxing(&[
        "screen-results",
        "--db",
        &db,
        "--batch",
        "1",
        "--out",
        &xlsx,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("结果2户"));
    // The batch's rows left out, later: the same as the report the first run wrote.
    let out = zhenxing(&["screen-results", "--db", &db]);
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        listed.lines().next().unwrap().contains("\t未纳入\t"),
        "{listed}"
    );
    let left = env.path("未纳入.xlsx").to_string_lossy().to_string();
    let out = zhenxing(&[
        "screen-results",
        "--db",
        &db,
        "--batch",
        "1",
        "--left-out",
        "--out",
        &left,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("批次1未纳入的行2条"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&left).unwrap();
    let rows: Vec<Vec<String>> = book
        .worksheet_range("未纳入的行")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let reasons: Vec<&str> = rows[1..].iter().map(|r| r[5].as_str()).collect();
    assert_eq!(reasons.len(), 2, "{rows:?}");
    assert!(reasons.iter().all(|r| written.contains(r)), "{rows:?}");
}

/// The screening step of the story (run on SQLite and PostgreSQL by `story.rs`): the county
/// screens a medical file against the story's registry (S001 in 红沟村, S002 in another county).
pub async fn story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    let county = caller("620102");
    let wang = id("620102", "19700101", 1);
    let li = id("620521", "19800303", 5);
    let stranger = id("620102", "19900101", 13);
    let file = dir.path().join("医保.csv");
    std::fs::write(
        &file,
        csv(
            MEDICAL,
            &[
                &format!("{wang},20000,2025-03-01"),
                &format!("{li},100,2025-03-02"),
                &format!("{stranger},5,2025-03-03"),
            ],
        ),
    )
    .unwrap();
    let r = screen(&app, &county, "medical", &file, None).await;
    assert_eq!(counts(&r)[..6], [3, 1, 2, 0, 1, 1]);
    assert_eq!(r.counts.created + r.counts.attached, 1, "{:?}", r.counts);
    assert_eq!(
        problems(&r),
        [
            (3, "证件号码".to_string(), "outside_area"),
            (4, "证件号码".to_string(), "not_registered"),
        ]
    );
    let clue = app
        .store()
        .monitoring()
        .clue(county.scope, r.hits[0].outcome.clue().unwrap())
        .await
        .unwrap()
        .unwrap();
    let rule = clue.evidence.last().and_then(|e| e.rule.clone()).unwrap();
    assert!(rule.ends_with("（62-2025第1版）"), "{rule}");
    // The rows left out are kept with the batch, as reported.
    let (_, kept) = app
        .screening_problems(&county, r.screening.id, None, 10)
        .await
        .unwrap();
    let kept: Vec<(u64, u64, &str, &str)> = kept
        .iter()
        .map(|(seq, p)| (*seq, p.row, p.code.as_str(), p.value.as_str()))
        .collect();
    let (first, second) = (r.problems.line(0).unwrap(), r.problems.line(1).unwrap());
    let stranger_masked = second.value.as_str();
    assert!(!stranger_masked.contains(&stranger));
    assert_eq!(
        kept,
        [
            (1, 3, "outside_area", first.value.as_str()),
            (2, 4, "not_registered", stranger_masked)
        ]
    );

    // The same file again: nothing new.
    let again = screen(&app, &county, "medical", &file, None).await;
    assert_eq!(
        (
            again.counts.created,
            again.counts.attached,
            again.counts.repeated
        ),
        (0, 0, 1)
    );
    let area = AreaCode::parse("620102").unwrap();
    let (_, page) = app
        .screening_results(&county, r.screening.id, area, None, 10)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].no.as_str(), "S001");
    // Another county's officer sees the batches of its own area only.
    let other = caller("620521");
    assert!(app.screenings(&other, 10).await.unwrap().is_empty());
    assert_eq!(app.screenings(&county, 10).await.unwrap().len(), 2);

    // The province's file, screened by the operator: S002 (risk eliminated, no open case) is
    // identified again, with a case due by the policy.
    let province = dir.path().join("省医保.csv");
    std::fs::write(&province, csv(MEDICAL, &[&format!("{li},9000,2025-03-02")])).unwrap();
    let r = screen(&app, &operator(), "medical", &province, None).await;
    assert_eq!(outcomes(&r), [("S002".to_string(), "created")]);
    let case = app
        .store()
        .monitoring()
        .case(Scope::All, r.hits[0].outcome.case().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.category, Some(MonitorCategory::MarginalAtRisk));
    assert_eq!(case.due.step, Some(d("2025-07-07")));
    assert_eq!(app.screenings(&other, 10).await.unwrap().len(), 1);
    // What became of the batch's households, counted for the area asked: one new clue in
    // 620521, none in 620102.
    let batch = r.screening.id;
    let county_b = AreaCode::parse("620521").unwrap();
    let new_clue = (1, 1);
    let counted = |caller: Caller, area: AreaCode| {
        let app = &app;
        async move {
            app.screening_view(&caller, batch, Some(area), None, 10)
                .await
                .map(|v| v.outcomes)
        }
    };
    assert_eq!(counted(other.clone(), county_b).await.unwrap(), [new_clue]);
    assert_eq!(counted(operator(), area).await.unwrap(), []);
    assert!(counted(other.clone(), area).await.is_err());

    // A later settlement of S002 joins its open clue and case; the clue keeps each batch's
    // evidence, with that batch's rule and figures.
    let later = dir.path().join("省医保2月.csv");
    std::fs::write(
        &later,
        csv(
            MEDICAL,
            &[
                &format!("{li},9000,2025-03-02"),
                &format!("{li},800,2025-04-02"),
            ],
        ),
    )
    .unwrap();
    let merged = screen(&app, &operator(), "medical", &later, None).await;
    assert_eq!(outcomes(&merged), [("S002".to_string(), "merged")]);
    let clue = app
        .store()
        .monitoring()
        .clue(Scope::All, r.hits[0].outcome.clue().unwrap())
        .await
        .unwrap()
        .unwrap();
    let figures: Vec<_> = clue.evidence.iter().map(|e| e.figures.clone()).collect();
    assert_eq!(
        figures,
        [r.hits[0].figures.clone(), merged.hits[0].figures.clone()]
    );
    assert!(
        clue.evidence
            .iter()
            .all(|e| e.rule.as_deref() == Some(r.screening.rule.as_str()))
    );

    // A file naming its persons: 李强 as registered (with a space) is the batch's row again;
    // 王伟's ID number under another name is left out, not matched to 王伟's household.
    let named = dir.path().join("省医保（含姓名）.csv");
    std::fs::write(
        &named,
        csv(
            "证件号码,姓名,自付金额（元）,结算日期",
            &[
                &format!("{li},李 强,9000,2025-03-02"),
                &format!("{wang},王五,20000,2025-03-01"),
            ],
        ),
    )
    .unwrap();
    let r = screen(&app, &operator(), "medical", &named, None).await;
    assert_eq!(counts(&r)[..4], [2, 1, 1, 0]);
    assert_eq!(outcomes(&r), [("S002".to_string(), "repeated")]);
    assert_eq!(problems(&r), [(3, "证件号码".to_string(), "name_differs")]);
}

#[tokio::test]
async fn persons_are_matched_in_the_order_asked_with_repeats_and_the_callers_area() {
    use zhenxing_domain::IdNumber;
    use zhenxing_store::screening::PersonMatch;
    let env = registry().await;
    let ids: Vec<IdNumber> = ["e1", "x1", "a2", "f1", "a1", "e1", "b1"]
        .iter()
        .map(|p| IdNumber::parse(&person(p)).unwrap())
        .collect();
    let county = AreaCode::parse("620102").unwrap();
    let m = env
        .app
        .store()
        .screening()
        .match_persons(Scope::Area(county), &ids, true)
        .await
        .unwrap();
    // Asked for, each person's registered name, for persons in the area only.
    assert_eq!(
        m.names,
        [
            Some("e1".to_string()),
            None,
            Some("a2".to_string()),
            None,
            Some("a1".to_string()),
            Some("e1".to_string()),
            Some("b1".to_string()),
        ]
    );
    // The households in (county, number) order; each person pointing at its own.
    let nos: Vec<&str> = m.households.iter().map(|h| h.no.as_str()).collect();
    assert_eq!(nos, ["A001", "A002", "A005"]);
    let at = |no: &str| PersonMatch::Household(nos.iter().position(|n| *n == no).unwrap() as u32);
    assert_eq!(
        m.persons,
        [
            at("A005"),
            PersonMatch::NotRegistered,
            at("A001"),
            PersonMatch::OutsideScope,
            at("A001"),
            at("A005"),
            at("A002"),
        ]
    );
    // The same persons asked sorted and once each give the same places.
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let again = env
        .app
        .store()
        .screening()
        .match_persons(Scope::Area(county), &sorted, false)
        .await
        .unwrap();
    assert_eq!(again.households.len(), 3);
    assert!(again.names.is_empty());
    for (id, place) in ids.iter().zip(&m.persons) {
        let k = sorted.iter().position(|s| s == id).unwrap();
        assert_eq!(again.persons[k], *place, "{}", id.masked());
    }
    // From the whole province, 己 (another county) is found too.
    let all = env
        .app
        .store()
        .screening()
        .match_persons(Scope::All, &ids, false)
        .await
        .unwrap();
    assert_eq!(all.households.len(), 4);
    assert!(matches!(all.persons[3], PersonMatch::Household(_)));
}

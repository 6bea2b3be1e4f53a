use super::*;
use crate::AreaCode;
use crate::policy::{Policy, shipped};
use crate::year::PolicyYear;

fn policy() -> Policy {
    let text = shipped(
        AreaCode::parse("62").unwrap(),
        PolicyYear::new(2025).unwrap(),
    )
    .unwrap();
    Policy::parse(text).unwrap()
}

fn id(seq: u32) -> IdNumber {
    let first17 = format!("62010219700101{seq:03}");
    let check = crate::id_number::check_char(first17.as_bytes()) as char;
    IdNumber::parse(&format!("{first17}{check}")).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Rows of a household: (member, cells after the ID column).
type Rows<'a> = &'a [(u32, &'a [&'a str])];
/// (kind, per-capita income, size, rows, expected start of the answer)
type Case<'a> = (&'a str, Option<&'a str>, u32, Rows<'a>, &'a str);
/// (cells, expected (column, code) list)
type RowCase<'a> = (Vec<Option<&'a str>>, Vec<(usize, &'a str)>);

/// Judges one household: `rows` are (member, cells after the ID column, in column order).
fn judge(kind: &str, income: Option<&str>, size: u32, rows: Rows, on: &str) -> String {
    let p = policy();
    let kind = p.screening_kind(kind).unwrap();
    let parsed: Vec<DepartmentRow> = rows
        .iter()
        .map(|(member, cells)| {
            let id = id(*member);
            let mut all: Vec<Option<&str>> = vec![Some(id.as_str())];
            all.extend(cells.iter().map(|c| Some(*c)));
            // The fixtures list the ID column first, as the shipped kinds do.
            assert_eq!(kind.id_column(), 0);
            kind.parse_row(&all, &[]).unwrap()
        })
        .collect();
    let refs: Vec<&DepartmentRow> = parsed.iter().collect();
    let facts = Facts {
        size,
        per_capita_income: income.map(|s| Money::parse_yuan(s).unwrap()),
    };
    match Screener::new(kind, p.threshold, day(on)).judge(facts, &refs) {
        Judgement::Hit(hit) => format!(
            "hit {} members={}",
            hit.figures
                .iter()
                .map(|f| format!("{}={}", f.label, f.value))
                .collect::<Vec<_>>()
                .join(" "),
            hit.members.len()
        ),
        Judgement::Below => "below".into(),
        Judgement::NoIncome => "no income".into(),
        Judgement::NotRecent => "not recent".into(),
    }
}

#[test]
fn each_rule_just_below_and_just_above_its_threshold() {
    let on = "2025-06-30";
    let cases: &[Case] = &[
        // medical: 7000 - 1000.00 / 2 = 6500, not below 6500; one fen more is.
        (
            "medical",
            Some("7000"),
            2,
            &[(1, &["600.00", ""]), (2, &["400.00", ""])],
            "below",
        ),
        (
            "medical",
            Some("7000"),
            2,
            &[(1, &["600.00", ""]), (2, &["400.01", ""])],
            "hit 人均纯收入=7000.00元 家庭人口数=2 合规自付金额合计=1000.01元 人均合规自付金额=500.01元 扣除后人均纯收入=6499.99元 预警标准=低于6500.00元（监测收入标准的100%） members=2",
        ),
        // The same person twice (two settlements) is summed.
        (
            "medical",
            Some("6600"),
            1,
            &[(1, &["50", "2025-01-02"]), (1, &["50.01", "2025-02-03"])],
            "hit",
        ),
        (
            "medical",
            Some("6600"),
            1,
            &[(1, &["50", "2025-01-02"]), (1, &["50", "2025-02-03"])],
            "below",
        ),
        ("medical", None, 1, &[(1, &["50000", ""])], "no income"),
        // disaster: loss above 50% of the yearly income (5000 x 2 = 10000).
        (
            "disaster",
            Some("5000"),
            2,
            &[(1, &["5000.00", "洪涝", ""])],
            "below",
        ),
        (
            "disaster",
            Some("5000"),
            2,
            &[(1, &["5000.01", "洪涝", ""])],
            "hit 损失金额合计=5000.01元 人均纯收入=5000.00元 家庭人口数=2 家庭年纯收入=10000.00元 损失占年纯收入=50.0% 预警标准=超过家庭年纯收入的50% members=1",
        ),
        ("disaster", Some("0"), 3, &[(1, &["0.01", "", ""])], "hit"),
        // disability: a grade 1-2 certificate issued within 365 days.
        (
            "disability",
            None,
            3,
            &[(1, &["三级", "2025-06-01", ""])],
            "below",
        ),
        (
            "disability",
            None,
            3,
            &[(1, &["二级", "2025-06-01", ""])],
            "hit 残疾等级=二级 命中记录数=1 members=1",
        ),
        (
            "disability",
            None,
            3,
            &[(1, &["1级", "2024-06-30", "肢体"])],
            "hit",
        ),
        (
            "disability",
            None,
            3,
            &[(1, &["1级", "2024-06-29", "肢体"])],
            "not recent",
        ),
        (
            "disability",
            None,
            3,
            &[(1, &["一级", "2024-06", ""])],
            "hit",
        ),
        // housing appraisal: C or D, any case and width.
        ("housing", None, 2, &[(1, &["B级", ""])], "below"),
        (
            "housing",
            None,
            2,
            &[(1, &["ｃ级", "2025-03-01"])],
            "hit 鉴定等级=ｃ级 命中记录数=1 members=1",
        ),
        // unemployment: registered within 180 days.
        (
            "unemployment",
            None,
            4,
            &[(1, &["2025-01-01", ""])],
            "hit 记录数=1 members=1",
        ),
        (
            "unemployment",
            None,
            4,
            &[(1, &["2024-12-31", ""])],
            "not recent",
        ),
        ("dropout", None, 4, &[(3, &["某小学", ""])], "hit"),
        ("dibao", None, 4, &[(1, &["调整", ""])], "below"),
        ("dibao", None, 4, &[(1, &["新纳入", ""])], "hit"),
    ];
    let mut failures = Vec::new();
    for (kind, income, size, rows, expected) in cases {
        let got = judge(kind, *income, *size, rows, on);
        if !got.starts_with(expected) {
            failures.push(format!(
                "{kind} {income:?} x{size} {rows:?}:\n  expected {expected}\n  got      {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rows_are_parsed_with_every_problem() {
    let p = policy();
    let kind = p.screening_kind("medical").unwrap();
    let good = id(1);
    let bad_check = format!("{}0", &good.as_str()[..17]);
    let bad_check = if bad_check == good.as_str() {
        format!("{}1", &good.as_str()[..17])
    } else {
        bad_check
    };
    let cases: Vec<RowCase> = vec![
        (vec![Some(good.as_str()), Some("12.5"), None], vec![]),
        (vec![None, Some("12.5"), None], vec![(0, "missing")]),
        (
            vec![Some(&bad_check), Some("abc"), Some("2025-13-01")],
            vec![(0, "id_check"), (1, "money"), (2, "date")],
        ),
        (
            vec![Some(good.as_str()), Some(" "), None],
            vec![(1, "missing")],
        ),
    ];
    for (cells, expected) in cases {
        let got: Vec<(usize, &str)> = match kind.parse_row(&cells, &[]) {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|(i, e)| (*i, e.code())).collect(),
        };
        assert_eq!(got, expected, "{cells:?}");
    }
}

#[test]
fn rules_read_in_chinese() {
    let p = policy();
    let text = |k: &str| p.screening_kind(k).unwrap().rule_text(p.threshold);
    assert_eq!(
        text("medical"),
        "人均纯收入减去人均合规自付金额低于6500.00元（监测收入标准6500.00元的100%）"
    );
    assert_eq!(text("disaster"), "损失金额合计超过家庭年纯收入的50%");
    assert_eq!(
        text("disability"),
        "残疾等级为一级、二级、1级、2级、1、2、Ⅰ级、Ⅱ级（发证日期在365天内）"
    );
    assert_eq!(normalize_value(" ｃ 级 "), "C级");
}

#[test]
fn a_files_name_agrees_with_the_registered_one_as_departments_write_names() {
    for (in_file, registered) in [
        ("张三", "张三"),
        (" 张 三 ", "张三"),
        ("张\u{3000}三", "张三"),
        // The dots between the parts of a name, as different systems type them.
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("ＬＩ　Ｍｉｎｇ", "Li Ming"),
        // Masked by the department: each run of masks is one or more characters.
        ("张*", "张三"),
        ("张*", "张三丰"),
        ("张**", "张三丰"),
        ("张＊＊", "张三丰"),
        ("*三", "张三"),
        ("张*丰", "张三丰"),
        ("**", "张三"),
        // An empty name says nothing.
        ("", "张三"),
    ] {
        assert!(names_agree(in_file, registered), "{in_file} / {registered}");
    }
    for (in_file, registered) in [
        ("张三", "李四"),
        ("张三", "张三丰"),
        ("张三丰", "张三"),
        ("张*", "张"),
        ("张*", "李三"),
        ("*三", "张四"),
        ("张*丰", "张丰"),
        ("张*丰", "张三峰"),
    ] {
        assert!(
            !names_agree(in_file, registered),
            "{in_file} / {registered}"
        );
    }
}

#[test]
fn a_name_cell_is_kept_as_text_up_to_its_length() {
    let p = policy();
    let kind = p.screening_kind("medical").unwrap();
    let name = kind
        .name_column()
        .expect("the shipped medical kind names its persons");
    let long = "名".repeat(MAX_NAME + 1);
    let mut cells: Vec<Option<&str>> = vec![None; kind.columns.len()];
    let person = id(1);
    cells[kind.id_column()] = Some(person.as_str());
    cells[kind.column_index("amount").unwrap()] = Some("100");
    cells[name] = Some(" 张三 ");
    let row = kind.parse_row(&cells, &[]).unwrap();
    assert_eq!(row.values[name], CellValue::Text("张三".into()));
    cells[name] = Some(&long);
    let errors = kind.parse_row(&cells, &[]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, name);
    assert_eq!(
        errors[0].1.to_string(),
        format!("内容过长（最多{MAX_NAME}字，实为{}字）", MAX_NAME + 1)
    );
}

#[test]
fn grade_and_category_are_read_from_a_certificate_number() {
    let p = policy();
    let kind = p.screening_kind("disability").unwrap();
    let grade = kind.column_index("grade").unwrap();
    let category = kind.column_index("disability_type").unwrap();
    let issued = kind.column_index("issued_on").unwrap();
    // The sheet has neither column: both point at the certificate number's cell.
    let mut within = vec![false; kind.columns.len()];
    within[grade] = true;
    within[category] = true;
    let row = |number: &str| {
        let mut cells: Vec<Option<&str>> = vec![None; kind.columns.len()];
        cells[kind.id_column()] = Some(number);
        cells[grade] = Some(number);
        cells[category] = Some(number);
        cells[issued] = Some("2025-05-01");
        kind.parse_row(&cells, &within)
    };
    let person = id(7);
    for (suffix, g, c) in [
        ("11", "一级", "视力残疾"),
        ("42", "二级", "肢体残疾"),
        ("74", "四级", "多重残疾"),
        // Written as Excel and clerks write it: full-width digits, spaces.
        ("６ ３", "三级", "精神残疾"),
    ] {
        let r = row(&format!("{}{suffix}", person.as_str())).unwrap();
        assert_eq!(r.id, person);
        assert_eq!(r.values[grade], CellValue::Text(g.into()), "{suffix}");
        assert_eq!(r.values[category], CellValue::Text(c.into()), "{suffix}");
    }
    // A bare ID number holds no grade: refused for the grade (required), the category (optional)
    // simply not given.
    let errors = row(person.as_str()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, grade);
    assert_eq!(errors[0].1.code(), "not_within");
    assert!(
        errors[0]
            .1
            .to_string()
            .starts_with("号码只有18位，读不出残疾等级（第20位为残疾等级：1（一级）"),
        "{}",
        errors[0].1
    );
    // A certificate whose grade is not 1–4 is not a certificate number: the number is refused,
    // once, not again for the values it should hold.
    let errors = row(&format!("{}45", person.as_str())).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, kind.id_column());
    // The sheet's own grade column (not `within`) is read as written.
    let mut cells: Vec<Option<&str>> = vec![None; kind.columns.len()];
    cells[kind.id_column()] = Some(person.as_str());
    cells[grade] = Some("三级");
    cells[issued] = Some("2025-05-01");
    let r = kind.parse_row(&cells, &[]).unwrap();
    assert_eq!(r.values[grade], CellValue::Text("三级".into()));
    assert_eq!(r.values[category], CellValue::Empty);
}

#[test]
fn a_character_standing_for_no_value_is_refused_with_the_codes() {
    let column = Column {
        field: "grade".into(),
        column_type: ColumnType::Text,
        names: vec!["等级".into()],
        fallback_names: Vec::new(),
        within: Some(Within {
            field: "id_number".into(),
            at: 3,
            values: vec![("A".into(), "甲".into()), ("B".into(), "乙".into())],
        }),
        required: true,
    };
    assert_eq!(
        column.parse_within(Some("12ｂ4")).unwrap(),
        CellValue::Text("乙".into())
    );
    let e = column.parse_within(Some("12C4")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "第3位“C”不是等级的代码（应为A（甲）、B（乙））"
    );
    assert_eq!(
        column.parse_within(Some(" ")).unwrap_err().code(),
        "missing"
    );
}

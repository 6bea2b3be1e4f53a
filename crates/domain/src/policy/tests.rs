use chrono::NaiveDate;

use super::*;

fn gansu(year: u16) -> &'static str {
    let province = AreaCode::parse("62").unwrap();
    shipped(province, PolicyYear::new(year).unwrap()).unwrap()
}

#[test]
fn shipped_files_parse_with_the_defaults() {
    for year in 2022..=2025 {
        let p = Policy::parse(gansu(year)).unwrap_or_else(|e| {
            panic!(
                "{year}: {}",
                e.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert_eq!(p.year.get(), year);
        assert_eq!(p.province.to_string(), "620000000000");
        assert_eq!(p.threshold, Money::from_yuan(6500));
        assert_eq!(p.notice, Period::calendar(5));
        assert_eq!(p.deadlines.home_visit, Period::working(5));
        assert_eq!(p.deadlines.whole, Period::working(15));
        assert_eq!(p.visit_triggers.len(), 6, "六必访");
        assert_eq!(p.visit_checks.len(), 6, "六必查");
        assert_eq!(p.blockers.len(), 7, "七不消");
        assert_eq!(p.risks.len(), RiskType::ALL.len());
        assert_eq!(p.village_ratio.limit_basis_points, 300);
        assert_eq!(
            p.village_ratio.denominator,
            RatioDenominator::RegisteredPopulation
        );
        assert_eq!(
            p.measure_kind("microcredit"),
            Some(MeasureKind::Development)
        );
        assert_eq!(p.measure_kind("dibao"), Some(MeasureKind::SafetyNet));
        assert!(p.green_channel_risks.contains(RiskType::Disaster));
    }
    // The 2022 calendar: the Spring Festival off, its make-up Saturday worked.
    let p = Policy::parse(gansu(2022)).unwrap();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(!p.calendar.is_working_day(d("2022-02-01")));
    assert!(p.calendar.is_working_day(d("2022-01-29")));
    assert!(!p.calendar.is_working_day(d("2022-10-07")));
    assert!(p.calendar.is_working_day(d("2022-10-08")));
    assert_eq!(p.due(d("2022-09-29"), Period::working(3)), d("2022-10-09"));
}

/// Replaces `from` (which must occur) in the 2022 file and returns the errors as
/// `key | line | message`.
fn errors_after(from: &str, to: &str) -> Vec<String> {
    let text = gansu(2022);
    assert!(text.contains(from), "fixture: {from}");
    let edited = text.replacen(from, to, 1);
    match Policy::parse(&edited) {
        Ok(_) => vec![],
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn edited_files_fail_with_clear_chinese_errors() {
    // (replace, with, expected error text (a part of it))
    let cases: &[(&str, &str, &str)] = &[
        (
            "per_capita_income_yuan = 6500",
            "per_capita_income_yuan = \"六千五\"",
            "threshold.per_capita_income_yuan（第15行）：类型错误：应为整数，实为文字（用引号括起） \"六千五\"",
        ),
        (
            "per_capita_income_yuan = 6500",
            "per_capita_income_yuan = 0",
            "threshold.per_capita_income_yuan：监测收入标准应在1至1000000元之间，实为0",
        ),
        (
            "home_visit = { days = 5, counting = \"working\" }",
            "home_visit = { dayz = 5, counting = \"working\" }",
            "deadlines.home_visit.dayz（第19行）：不认识此项（可能拼写有误），可用：days、counting",
        ),
        (
            "home_visit = { days = 5, counting = \"working\" }",
            "home_visit = { days = 5, counting = \"workdays\" }",
            "deadlines.home_visit（第19行）：取值“workdays”无效，可用：calendar、working",
        ),
        (
            "home_visit = { days = 5, counting = \"working\" }",
            "home_visit = { counting = \"working\" }",
            "deadlines.home_visit.days（第19行）：缺少此项",
        ),
        (
            "home_visit = { days = 5, counting = \"working\" }",
            "home_visit = { days = 0, counting = \"working\" }",
            "deadlines.home_visit.days：天数应在1至366之间，实为0",
        ),
        (
            "2022-01-29, 2022-01-30, # 春节调休",
            "2022-01-28, 2022-01-30, # 春节调休",
            "calendar.workdays：2022-01-28 不是周末，调休上班日应为周六或周日",
        ),
        (
            "2022-01-29, 2022-01-30, # 春节调休",
            "2022-01-29, 2022-02-05, # 春节调休",
            "calendar：2022-02-05 既列为节假日又列为调休上班日",
        ),
        (
            "2022-06-03, 2022-06-04",
            "2022-06-31, 2022-06-04",
            "calendar.holidays（第47行）：TOML 格式错误",
        ),
        (
            "2022-12-31,",
            "2025-12-31,",
            "calendar.holidays[31]：日期 2025-12-31 不在2022年前后一年之内",
        ),
        (
            "{ check = \"measure_on_each_risk\" }, { check = \"household_has_labour\" }",
            "{ check = \"measure_on_each_risk\" }",
            "blockers：违反全国统一规定：整户无劳动能力的不得消除风险",
        ),
        (
            "checks = [{ check = \"monitored_months\", months = 6 }]",
            "checks = [{ check = \"monitored_month\", months = 6 }]",
            "取值“monitored_month”无效",
        ),
        (
            "category = \"health\"\nrisks = [\"因病\", \"因残\", \"因意外事故\"]",
            "category = \"health\"\nrisks = [\"因病\", \"因穷\"]",
            "measures[8].risks[1]：风险类型无法识别",
        ),
        (
            "category = \"employment\"",
            "category = \"jobs\"",
            "measures[2].category：措施类别“jobs”不在 measure_categories 中",
        ),
        (
            "code = \"illness\"",
            "code = \"income\"",
            "visit_triggers[1].code：重复：代码“income”已用过",
        ),
        (
            "limit = \"3%\"",
            "limit = \"3\"",
            "village_ratio.limit：应为百分比，如 \"3%\"",
        ),
        (
            "province = \"62\"",
            "province = \"6201\"",
            "policy.province：应为省级区划代码的前两位",
        ),
        (
            "risk = \"其他\"\nnote = \"其他风险\"",
            "risk = \"因病\"\nnote = \"其他风险\"",
            "risks[10].risk：重复：风险类型“因病”已列过",
        ),
        (
            "format = 1",
            "format = 2",
            "format：本程序读取第1版格式的政策文件",
        ),
        (
            "[visits]",
            "[visit]",
            "visit（第59行）：不认识此项（可能拼写有误）",
        ),
    ];
    let mut failures = Vec::new();
    for (from, to, expected) in cases {
        let errors = errors_after(from, to);
        if !errors.iter().any(|e| e.contains(expected)) {
            failures.push(format!(
                "{from} -> {to}: expected “{expected}”, got {errors:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn percent_forms() {
    for (s, bp) in [("3%", Some(300)), ("3.5%", Some(350)), ("0.25 %", Some(25))] {
        assert_eq!(file::percent(s), bp, "{s}");
    }
    for bad in ["3", "%", "3.555%", "-3%", "a%"] {
        assert_eq!(file::percent(bad), None, "{bad}");
    }
}

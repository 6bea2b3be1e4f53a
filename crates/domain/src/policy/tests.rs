use chrono::NaiveDate;

use super::*;

fn gansu(year: u16) -> &'static str {
    let province = AreaCode::parse("62").unwrap();
    shipped(province, PolicyYear::new(year).unwrap()).unwrap()
}

#[test]
fn shipped_files_parse_with_the_defaults() {
    // Every shipped year, the screening kinds included: a year without them would refuse every
    // department file screened that year.
    for year in SHIPPED.iter().map(|(_, year, _)| *year) {
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
        // 2021: the national line of the mechanism's first year; Gansu's 6,500 from 2022.
        let yuan = if year == 2021 { 6000 } else { 6500 };
        assert_eq!(p.threshold, Money::from_yuan(yuan));
        assert_eq!(p.notice, Period::calendar(5));
        assert_eq!(p.deadlines.home_visit, Period::working(5));
        assert_eq!(p.deadlines.whole, Period::working(15));
        assert_eq!(p.visit_triggers.len(), 6, "六必访");
        assert_eq!(p.visit_checks.len(), 6, "六必查");
        assert_eq!(p.blockers.len(), 7, "七不消");
        assert_eq!(p.risks.len(), RiskType::ALL.len());
        assert_eq!(p.village_ratio.limit_basis_points, 300);
        assert_eq!(p.relocation, crate::relocation::RelocationRule::default());
        assert_eq!(p.projects, crate::project::ProjectRule::default());
        assert_eq!(
            p.construction,
            crate::construction::ConstructionRule::default()
        );
        assert_eq!(p.work_teams, crate::work_team::WorkTeamRule::default());
        assert_eq!(
            p.cooperation,
            crate::cooperation::CooperationRule::default()
        );
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
        let kinds: Vec<&str> = p.screening.iter().map(|k| k.code.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "medical",
                "disability",
                "disaster",
                "unemployment",
                "dropout",
                "housing",
                "dibao"
            ]
        );
        assert_eq!(
            p.screening_kind("medical").map(|k| k.risk),
            Some(RiskType::Illness)
        );
    }
    // The 2022 calendar: the Spring Festival off, its make-up Saturday worked.
    let p = Policy::parse(gansu(2022)).unwrap();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(!p.calendar.is_working_day(d("2022-02-01")));
    assert!(p.calendar.is_working_day(d("2022-01-29")));
    assert!(!p.calendar.is_working_day(d("2022-10-07")));
    assert!(p.calendar.is_working_day(d("2022-10-08")));
    assert_eq!(p.due(d("2022-09-29"), Period::working(3)), d("2022-10-09"));
    // 2021, the mechanism's first year: about 6,000 yuan, and that year's holidays.
    let p = Policy::parse(gansu(2021)).unwrap();
    assert_eq!(p.threshold, Money::from_yuan(6000));
    assert!(!p.calendar.is_working_day(d("2021-02-16")));
    assert!(p.calendar.is_working_day(d("2021-02-20")));
    assert!(p.calendar.is_working_day(d("2021-09-18")));
    assert_eq!(p.due(d("2021-09-30"), Period::working(1)), d("2021-10-08"));
}

/// The errors of a policy text, as `key | line | message`; none when it parses.
fn errors_of(text: &str) -> Vec<String> {
    match Policy::parse(text) {
        Ok(_) => vec![],
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

/// Replaces `from` (which must occur) in the 2022 file and returns the errors as
/// `key | line | message`.
fn errors_after(from: &str, to: &str) -> Vec<String> {
    let text = gansu(2022);
    assert!(text.contains(from), "fixture: {from}");
    errors_of(&text.replacen(from, to, 1))
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
            "industry = [\"产业发展\"]",
            "industry = [\"产业\"]",
            "projects.industry[0]：“产业”不在 projects.categories 中",
        ),
        (
            "industry_share_min = \"60%\"",
            "industry_share_min = \"六成\"",
            "projects.industry_share_min：应为百分比",
        ),
        (
            "\"项目管理费\", \"其他\"]",
            "\"项目管理费\", \"产业发展\"]",
            "projects.categories[7]：“产业发展”重复",
        ),
        (
            "min_employed = 1",
            "min_employed = 0",
            "relocation.min_employed：应为1到10之间的整数，实为0",
        ),
        (
            "employment = [\"务工\", \"公益岗位\"]",
            "employment = [\"务工\", \"打零工\"]",
            "relocation.employment[1]：应为“务工”或“公益岗位”，实为“打零工”",
        ),
        (
            "\"弱劳动力或半劳动力\"]",
            "\"技能劳动力\"]",
            "relocation.labour[2]：“技能劳动力”重复",
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
        // Department screening kinds: a rule names a column of the right type.
        (
            "field = \"amount\", percent_of_threshold = 100",
            "field = \"amt\", percent_of_threshold = 100",
            "screening[0].rule.field：列“amt”不在 columns 中",
        ),
        (
            "field = \"amount\", percent_of_threshold = 100",
            "field = \"settled_on\", percent_of_threshold = 100",
            "screening[0].rule.field：列“settled_on”的类型为日期，此规则须用金额列",
        ),
        (
            "field = \"amount\", percent_of_threshold = 100",
            "field = \"amount\", percent_of_threshold = 0",
            "screening[0].rule.percent_of_threshold：应在1至1000之间",
        ),
        (
            "rule = { rule = \"loss_share_of_income\", field = \"loss\", percent = 50 }",
            "rule = { rule = \"loss_share\", field = \"loss\", percent = 50 }",
            "取值“loss_share”无效，可用：income_after_spending、loss_share_of_income、value_in、any_row",
        ),
        (
            "{ field = \"amount\", type = \"money\"",
            "{ field = \"amount\", type = \"id_number\"",
            "screening[0].columns：须有且只有一列 type = \"id_number\"（证件号码），实有2列",
        ),
        (
            "recent = { field = \"issued_on\", days = 365 }",
            "recent = { field = \"disability_type\", days = 365 }",
            "screening[1].recent.field：列“disability_type”的类型为文字，此规则须用日期列",
        ),
        (
            "code = \"disaster\"\nlabel = \"自然灾害损失\"",
            "code = \"medical\"\nlabel = \"自然灾害损失\"",
            "screening[2].code：重复：代码“medical”已用过",
        ),
        (
            "risk = \"因务工就业不稳\"\ncolumns",
            "risk = \"因失业\"\ncolumns",
            "screening[3].risk：风险类型无法识别",
        ),
        (
            "values = [\"C\", \"D\", \"C级\", \"D级\"]",
            "values = [\" \"]",
            "screening[5].rule.values：至少要有一个取值",
        ),
        (
            "{ field = \"settled_on\", type = \"date\"",
            "{ field = \"settled_on\", type = \"name\"",
            "screening[0].columns：最多一列 type = \"name\"（姓名），实有2列",
        ),
        (
            "fallback_names = [\"残疾人证号\", \"残疾证号\"]",
            "fallback_names = [\"残疾人证号\", \"身份证号\"]",
            "screening[1].columns[0].fallback_names[1]：表头名称“身份证号”在本类文件中已用过",
        ),
        (
            "within = { field = \"id_number\", at = 20,",
            "within = { field = \"issued_on\", at = 20,",
            "screening[1].columns[1].within.field：列“issued_on”没有 fallback_names",
        ),
        (
            "within = { field = \"id_number\", at = 20,",
            "within = { field = \"id_number\", at = 0,",
            "screening[1].columns[1].within.at：位置应在1至50之间",
        ),
        (
            "at = 20, values = { \"1\" = \"一级\"",
            "at = 20, values = { \"12\" = \"一级\"",
            "screening[1].columns[1].within.values：“12”应为一个字符",
        ),
        (
            "{ field = \"grade\", type = \"text\"",
            "{ field = \"grade\", type = \"date\"",
            "screening[1].columns[1].type：从号码中读出的列须为文字列",
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

#[test]
fn a_policy_carried_forward_is_the_same_rules_in_the_new_year_without_holidays() {
    let text = carried_forward(gansu(2027), 2027, 2031);
    let p = Policy::parse(&text).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let before = Policy::parse(gansu(2027)).unwrap();
    assert_eq!(p.year.get(), 2031);
    assert!(p.title.contains("2031年"), "{}", p.title);
    assert_eq!(p.threshold, before.threshold);
    assert_eq!(p.deadlines, before.deadlines);
    assert_eq!(p.blockers.len(), before.blockers.len());
    assert_eq!(p.measures.len(), before.measures.len());
    assert!(!text.contains("2027-"), "no date of the old year is left");
    // No holidays until the province enters them: New Year's Day 2031 counts as a working day.
    let new_year = NaiveDate::from_ymd_opt(2031, 1, 1).unwrap();
    assert!(
        p.calendar.is_working_day(new_year),
        "2031-01-01 is a Wednesday"
    );
}

#[test]
fn a_policy_without_the_relocation_section_takes_the_default_and_one_with_it_its_own() {
    use crate::member::Labour;
    use crate::relocation::{EmploymentKind, RelocationRule};
    // Policies stored before the section existed still parse, with the default floor task.
    let text = gansu(2025);
    let start = text.find("[relocation]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert!(!without.contains("[relocation]"));
    let p = Policy::parse(&without).unwrap();
    assert_eq!(p.relocation, RelocationRule::default());
    // The same of the projects' section.
    let start = text.find("[projects]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let p = Policy::parse(&format!("{}{}", &text[..start], &text[end..])).unwrap();
    assert_eq!(p.projects, crate::project::ProjectRule::default());
    // A province's own rule is read as written.
    let own = text
        .replace("min_employed = 1", "min_employed = 2")
        .replace(
            "labour = [\"普通劳动力\", \"技能劳动力\", \"弱劳动力或半劳动力\"]",
            "labour = [\"技能劳动力\"]",
        )
        .replace(
            "employment = [\"务工\", \"公益岗位\"]",
            "employment = [\"公益岗位\"]",
        );
    let p = Policy::parse(&own).unwrap();
    assert_eq!(
        p.relocation,
        RelocationRule {
            min_employed: 2,
            labour: vec![Labour::Skilled],
            employment: vec![EmploymentKind::WelfareJob],
        }
    );
}

#[test]
fn the_construction_tasks_are_read_as_written_and_default_when_absent() {
    use crate::construction::{ConstructionRule, ConstructionTask};
    let text = gansu(2026);
    let start = text.find("[construction]").unwrap();
    let end = start + text[start..].find("\n]\n").unwrap() + 3;
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert!(!without.contains("户厕"));
    assert_eq!(
        Policy::parse(&without).unwrap().construction,
        ConstructionRule::default()
    );
    let own = text.replace(
        "{ name = \"问题厕所整改\", unit = \"户\" },",
        "{ name = \"农村道路\", unit = \"公里\" },",
    );
    let p = Policy::parse(&own).unwrap();
    assert_eq!(
        p.construction.task("农村道路"),
        Some(&ConstructionTask {
            name: "农村道路".into(),
            unit: "公里".into()
        })
    );
    assert!(p.construction.task("问题厕所整改").is_none());
    // A task twice, or none, is refused with where.
    let twice = text.replace(
        "{ name = \"问题厕所整改\", unit = \"户\" },",
        "{ name = \"农村户厕改造\", unit = \"户\" },",
    );
    let e = Policy::parse(&twice)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(e.contains("construction.tasks[2].name"), "{e}");
    assert!(e.contains("重复"), "{e}");
    let none = format!(
        "{}[construction]\ntasks = []\n{}",
        &text[..start],
        &text[end..]
    );
    let e = Policy::parse(&none)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(e.contains("至少列出一项乡村建设任务"), "{e}");
}

#[test]
fn the_work_teams_rule_is_read_as_written_and_default_when_absent() {
    use crate::work_team::WorkTeamRule;
    let text = gansu(2026);
    let start = text.find("[work_teams]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert_eq!(
        Policy::parse(&without).unwrap().work_teams,
        WorkTeamRule::default()
    );
    let own = text.replace("min_members = 3", "min_members = 5");
    assert_eq!(Policy::parse(&own).unwrap().work_teams.min_members, 5);
    let bad = text.replace("term_months = 24", "term_months = 0");
    let e = errors_of(&bad);
    assert!(
        e.iter().any(|e| e.contains("work_teams.term_months")),
        "{e:?}"
    );
    // 工作纪实's days of 补写: as written (0, today only), 3 when a year's file has none.
    let today_only = text.replace("log_days_back = 3", "log_days_back = 0");
    let rule = Policy::parse(&today_only).unwrap().work_teams;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    assert_eq!(rule.first_log_day(day), day);
    let older = text.replace("log_days_back = 3\n", "");
    assert_ne!(older, text);
    let rule = Policy::parse(&older).unwrap().work_teams;
    assert_eq!(
        rule.first_log_day(day),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    );
    let bad = text.replace("log_days_back = 3", "log_days_back = 40");
    let e = errors_of(&bad);
    assert!(
        e.iter().any(|e| e.contains("work_teams.log_days_back")),
        "{e:?}"
    );
}

#[test]
fn the_cooperation_indicators_are_read_as_written_and_checked() {
    use crate::cooperation::CooperationRule;
    let text = gansu(2026);
    let start = text.find("[cooperation]").unwrap();
    let end = start + text[start..].find("\n]\n").unwrap() + 3;
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert_eq!(
        Policy::parse(&without).unwrap().cooperation,
        CooperationRule::default()
    );
    let own = text.replace(
        "{ name = \"消费帮扶\", unit = \"万元\", money = true },",
        "{ name = \"共建产业园区\", unit = \"个\" },",
    );
    let p = Policy::parse(&own).unwrap();
    assert!(
        p.cooperation
            .indicator("共建产业园区")
            .is_some_and(|i| !i.money)
    );
    assert!(p.cooperation.indicator("消费帮扶").is_none());
    let bad = text.replace(
        "{ name = \"消费帮扶\", unit = \"万元\", money = true },",
        "{ name = \"消费帮扶\", unit = \"元\", money = true },",
    );
    let e: Vec<String> = Policy::parse(&bad)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        e.iter()
            .any(|e| e.contains("cooperation.indicators[7].unit")),
        "{e:?}"
    );
}

#[test]
fn the_employment_rule_is_read_as_written_and_default_when_absent() {
    use crate::employment::EmploymentRule;
    let text = gansu(2026);
    let start = text.find("[employment]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert_eq!(
        Policy::parse(&without).unwrap().employment,
        EmploymentRule::default()
    );
    let own = text.replace(
        "target_includes_monitored = true",
        "target_includes_monitored = false",
    );
    assert!(
        !Policy::parse(&own)
            .unwrap()
            .employment
            .target_includes_monitored
    );
    let bad = text.replace(
        "target_includes_monitored = true",
        "target_includes_monitored = true\ncounts = 1",
    );
    assert!(Policy::parse(&bad).is_err());
}

#[test]
fn the_loan_products_are_read_as_written_and_default_when_absent() {
    use crate::loan::LoanRule;
    let text = gansu(2026);
    let start = text.find("[loans]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert_eq!(Policy::parse(&without).unwrap().loans, LoanRule::default());
    assert_eq!(Policy::parse(text).unwrap().loans, LoanRule::default());
    let own = text.replace("max_amount_yuan = 100000", "max_amount_yuan = 300000");
    assert_eq!(
        Policy::parse(&own).unwrap().loans.products[1].max_amount,
        crate::Money::from_yuan(300_000)
    );
    for (from, to, field) in [
        (
            "max_term_months = 36, max_extension_months = 12, cover = \"农户\"",
            "max_term_months = 0, max_extension_months = 12, cover = \"农户\"",
            "loans.products[1].max_term_months",
        ),
        (
            "aliases = [\"富民产业贷\"]",
            "aliases = [\"小额信贷\"]",
            "loans.products[1].aliases",
        ),
    ] {
        let bad = text.replace(from, to);
        let e: Vec<String> = Policy::parse(&bad)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(e.iter().any(|e| e.contains(field)), "{field}: {e:?}");
    }
    let bad = text.replace("cover = \"农户\"", "cover = \"城镇居民\"");
    assert!(Policy::parse(&bad).is_err());
}

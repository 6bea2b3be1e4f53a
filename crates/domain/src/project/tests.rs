use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn project(stage: ProjectStage) -> Project {
    Project {
        no: ProjectNo::parse("XM-2025-001").unwrap(),
        year: PolicyYear::new(2025).unwrap(),
        name: "花椒产业园".into(),
        area: AreaCode::parse("621202104200").unwrap(),
        category: "产业发展".into(),
        stage,
        planned_fund: Money::from_yuan(1_000_000),
        allocated: Money::from_yuan(800_000),
        spent: Money::from_yuan(500_000),
        started_on: None,
        completed_on: None,
        accepted_on: None,
        beneficiary_households: Some(120),
        poor_households: Some(40),
        note: None,
    }
}

#[test]
fn stages_are_read_by_their_names_and_include_those_before() {
    assert_eq!(ProjectStage::parse("在建"), Ok(ProjectStage::Started));
    assert_eq!(
        ProjectStage::parse(" 已确权 "),
        Ok(ProjectStage::HandedOver)
    );
    assert!(ProjectStage::parse("差不多了").is_err());
    assert!(!ProjectStage::Library.planned());
    assert!(ProjectStage::Planned.planned() && !ProjectStage::Tendered.started());
    assert!(ProjectStage::Accepted.started() && ProjectStage::Accepted.completed());
}

#[test]
fn project_numbers() {
    assert_eq!(ProjectNo::parse(" XM-1 ").unwrap().as_str(), "XM-1");
    for bad in ["", "A B", "a/b", &"很".repeat(41)] {
        assert!(ProjectNo::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_sound_project_has_nothing_to_say() {
    let mut p = project(ProjectStage::Accepted);
    p.started_on = Some(day("2025-03-01"));
    p.completed_on = Some(day("2025-09-30"));
    p.accepted_on = Some(day("2025-10-15"));
    let rule = ProjectRule::default();
    assert_eq!(p.check(&rule.categories, day("2025-12-01")), []);
    assert_eq!(p.county(), Some(AreaCode::parse("621202").unwrap()));
}

#[test]
fn every_problem_of_a_row_is_told_with_its_column() {
    let rule = ProjectRule::default();
    let mut p = project(ProjectStage::Started);
    p.area = AreaCode::parse("621200").unwrap();
    p.category = "修路".into();
    p.spent = Money::from_yuan(900_000);
    p.started_on = Some(day("2025-05-01"));
    p.completed_on = Some(day("2025-04-01"));
    p.accepted_on = Some(day("2026-01-01"));
    p.poor_households = Some(130);
    let errors = p.check(&rule.categories, day("2025-12-01"));
    let told: Vec<(&str, String)> = errors.iter().map(|e| (e.column(), e.to_string())).collect();
    assert_eq!(
        told,
        [
            ("实施地点代码", "实施地点应为县级或以下的区划，实为621200000000".to_string()),
            (
                "项目类别",
                "项目类别“修路”不在本年度政策的项目类别中（产业发展、就业项目、乡村建设行动、易地搬迁后扶、巩固三保障成果、乡村治理和精神文明建设、项目管理费、其他）".into()
            ),
            ("已支出资金（万元）", "已支出资金900000.00元大于已下达资金800000.00元".into()),
            ("项目状态", "已填完工时间，项目状态应为“已完工”或之后，实为“已开工”".into()),
            ("验收时间", "验收时间（2026-01-01）晚于今天".into()),
            ("项目状态", "已填验收时间，项目状态应为“已验收”或之后，实为“已开工”".into()),
            ("完工时间", "完工时间（2025-04-01）早于开工时间（2025-05-01）".into()),
            ("其中脱贫户和监测户数", "其中脱贫户和监测户数130大于受益户数120".into()),
        ]
    );
}

#[test]
fn rates_as_the_province_reports_them() {
    // DOMAIN §11: 5,785 of 6,043 planned projects started is 95.73%.
    assert_eq!(percent(5785, 6043), "95.73%");
    assert_eq!(percent(1, 3), "33.33%");
    assert_eq!(percent(2, 3), "66.67%");
    assert_eq!(percent(0, 0), "-");
    let rule = ProjectRule::default();
    let mut f = ProjectFigures::default();
    let mut add = |stage, category: &str, allocated: i64, spent: i64| {
        let mut p = project(stage);
        p.category = category.into();
        p.allocated = Money::from_yuan(allocated);
        p.spent = Money::from_yuan(spent);
        f.add(&p, &rule);
    };
    add(ProjectStage::Library, "产业发展", 0, 0);
    add(ProjectStage::Planned, "产业发展", 0, 0);
    add(ProjectStage::Started, "产业发展", 500, 100);
    add(ProjectStage::Completed, "乡村建设行动", 300, 300);
    add(ProjectStage::HandedOver, "就业项目", 200, 200);
    assert_eq!((f.library, f.planned, f.started, f.completed), (1, 4, 3, 2));
    assert_eq!((f.accepted, f.handed_over, f.funded), (1, 1, 3));
    assert_eq!(f.start_rate(), "75.00%");
    assert_eq!(f.completion_rate(), "50.00%");
    assert_eq!(f.allocated, Money::from_yuan(1000));
    assert_eq!(f.spending_rate(), "60.00%");
    // Industry: 500 of 1,000 allocated, below the 60% floor.
    assert_eq!(f.industry_share(), "50.00%");
    assert_eq!(f.industry_share_bp(), Some(5000));
    assert!(f.industry_short(&rule));
    assert!(
        !ProjectFigures::default().industry_short(&rule),
        "nothing allocated yet"
    );
    assert_eq!(f.beneficiary_households, 4 * 120);
}

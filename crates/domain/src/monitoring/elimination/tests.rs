use super::*;
use crate::area::AreaCode;
use crate::year::PolicyYear;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn policy() -> (Policy, PolicyRef) {
    let province = AreaCode::parse("62").unwrap();
    let year = PolicyYear::new(2022).unwrap();
    let p = Policy::parse(crate::policy::shipped(province, year).unwrap()).unwrap();
    (
        p,
        PolicyRef {
            province,
            year,
            version: 1,
        },
    )
}

fn risks(s: &str) -> RiskTypes {
    RiskTypes::parse(s).unwrap()
}

/// A household that passes every blocker.
fn passing() -> EliminationFacts {
    EliminationFacts {
        identified_on: d("2022-03-01"),
        proposed_on: d("2022-10-09"),
        mode: EliminationMode::Assisted,
        per_capita_income: Some(Money::from_yuan(8200)),
        income_stable_months: Some(7),
        essential_spending_resolved: Some(true),
        housing_unsafe: false,
        school_dropout: false,
        uninsured: false,
        water_unsafe: false,
        risks: risks("因病;因学"),
        risks_remaining: RiskTypes::default(),
        new_risks: RiskTypes::default(),
        risks_with_measures: risks("因病;因学"),
        whole_household_without_labour: false,
    }
}

fn check(f: &EliminationFacts) -> Vec<(String, bool, Vec<String>)> {
    let (p, r) = policy();
    let v = evaluate(&p, r, f);
    assert_eq!(v.passed, v.blockers.iter().all(|b| b.passed));
    v.blockers
        .into_iter()
        .map(|b| {
            (
                b.code,
                b.passed,
                b.checks.into_iter().map(|c| c.data).collect(),
            )
        })
        .collect()
}

#[test]
fn the_passing_household_passes_every_blocker() {
    let results = check(&passing());
    assert_eq!(results.len(), 7);
    for (code, passed, data) in &results {
        assert!(passed, "{code}: {data:?}");
    }
    assert_eq!(
        results[0].2,
        ["纳入监测7个月（2022-03-01至2022-10-09），要求至少6个月"]
    );
}

type Edit = fn(&mut EliminationFacts);

/// For each blocker: an edit that trips it (and only it) with the data shown, and an edit near
/// the limit that passes.
#[test]
fn each_blocker_trips_and_passes() {
    let cases: &[(&str, Edit, &str, Edit)] = &[
        (
            "monitored_too_short",
            |f| f.proposed_on = d("2022-08-31"),
            "纳入监测5个月（2022-03-01至2022-08-31），要求至少6个月",
            |f| f.proposed_on = d("2022-09-01"),
        ),
        (
            "income_below_line",
            |f| f.per_capita_income = Some(Money::from_fen(649_999)),
            "人均纯收入6499.99元，监测范围6500.00元",
            |f| f.per_capita_income = Some(Money::from_yuan(6500)),
        ),
        (
            "income_below_line",
            |f| f.per_capita_income = None,
            "人均纯收入未填报",
            |_| {},
        ),
        (
            "income_unstable",
            |f| f.income_stable_months = Some(5),
            "收入稳定5个月，要求至少6个月",
            |f| f.income_stable_months = Some(6),
        ),
        (
            "income_unstable",
            |f| f.income_stable_months = None,
            "收入稳定情况未核实",
            |_| {},
        ),
        (
            "spending_unresolved",
            |f| f.essential_spending_resolved = Some(false),
            "刚性支出问题已解决：否",
            |f| f.essential_spending_resolved = Some(true),
        ),
        (
            "guarantees_unsecured",
            |f| {
                f.housing_unsafe = true;
                f.water_unsafe = true
            },
            "住房不安全、饮水不安全",
            |_| {},
        ),
        (
            "guarantees_unsecured",
            |f| f.uninsured = true,
            "有成员未参加基本医疗保险",
            |_| {},
        ),
        (
            "risk_remaining",
            |f| f.risks_remaining = risks("因病"),
            "未消除：因病",
            |f| f.risks_remaining = RiskTypes::default(),
        ),
        (
            "risk_remaining",
            |f| f.new_risks = risks("因自然灾害"),
            "新风险：因自然灾害",
            |_| {},
        ),
        (
            "no_measure_or_labour",
            |f| f.risks_with_measures = risks("因病"),
            "没有帮扶措施的风险：因学",
            // Natural elimination needs no measure.
            |f| {
                f.risks_with_measures = RiskTypes::default();
                f.mode = EliminationMode::Natural
            },
        ),
        (
            "no_measure_or_labour",
            |f| f.whole_household_without_labour = true,
            "整户无劳动能力，应继续落实兜底保障措施，不得消除",
            |f| f.whole_household_without_labour = false,
        ),
    ];
    for (blocker, trip, data, pass) in cases {
        let mut f = passing();
        trip(&mut f);
        let results = check(&f);
        let failed: Vec<&(String, bool, Vec<String>)> =
            results.iter().filter(|(_, p, _)| !p).collect();
        assert_eq!(failed.len(), 1, "{blocker}: only it fails: {failed:?}");
        assert_eq!(failed[0].0, *blocker);
        assert!(
            failed[0].2.iter().any(|x| x == data),
            "{blocker}: {:?} should show “{data}”",
            failed[0].2
        );
        // At the limit, the same blocker passes.
        let mut f = passing();
        pass(&mut f);
        let results = check(&f);
        assert!(
            results.iter().all(|(_, p, _)| *p),
            "{blocker}: at the limit: {results:?}"
        );
    }
    assert_eq!(months_between(d("2022-01-31"), d("2022-07-30")), 5);
    assert_eq!(months_between(d("2022-01-31"), d("2022-07-31")), 6);
}

//! The monitoring lifecycle: one household from a clue to approval and on to elimination (run
//! by `story.rs` on SQLite and PostgreSQL), and the batches and checks of the command line.

use calamine::Reader;
use chrono::NaiveDate;
use zhenxing_app::App;
use zhenxing_app::monitoring::Caller;
use zhenxing_app::monitoring::cases::{EliminationRequest, StepRequest};
use zhenxing_app::monitoring::clues::{ClueRequest, SubjectRef};
use zhenxing_app::monitoring::plans::PlanRequest;
use zhenxing_app::monitoring::visits::VisitRequest;
use zhenxing_domain::monitoring::workflow::{Action, Decision, Remark};
use zhenxing_domain::monitoring::{
    Channel, CheckAnswer, Evidence, MeasureStatus, NewHousehold, PlannedMeasure, Stage,
};
use zhenxing_domain::{
    AreaCode, AreaLevel, EliminationMode, HouseholdType, IdNumber, Money, MonitorCategory,
    RiskType, RiskTypes, Role, Scope,
};
use zhenxing_store::Actor;
use zhenxing_store::monitoring::ClueOutcome;

use crate::support::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A user of `area` in the role that works at its level (village cadre, township officer,
/// county officer, province administrator).
fn caller(name: &str, area: &str) -> Caller {
    let area = AreaCode::parse(area).unwrap();
    let role = match area.level() {
        AreaLevel::Village => Role::VillageCadre,
        AreaLevel::Township => Role::TownshipOfficer,
        AreaLevel::County => Role::CountyOfficer,
        AreaLevel::City => Role::CityAdmin,
        AreaLevel::Province => Role::ProvinceAdmin,
    };
    Caller::user(
        Actor {
            user_id: None,
            name: name.into(),
        },
        role,
        area,
    )
}

fn ok(s: &str) -> Decision {
    Decision::Approve(Remark::parse("意见", s).unwrap())
}

fn evidence(channel: Channel, source: &str, on: &str) -> Evidence {
    Evidence {
        channel,
        source: source.into(),
        rule: None,
        figures: vec![],
        members: vec![],
        note: None,
        found_on: d(on),
    }
}

async fn step(app: &App, who: &Caller, case: i64, action: Action, on: &str) -> Stage {
    let req = StepRequest {
        case_id: case,
        version: None,
        action,
        on: d(on),
    };
    match app.act(who, &req).await {
        Ok(c) => c.state.stage,
        Err(e) => panic!("{on} {}: {e}", req.action.kind()),
    }
}

async fn refused(app: &App, who: &Caller, case: i64, action: Action, on: &str) -> String {
    let req = StepRequest {
        case_id: case,
        version: None,
        action,
        on: d(on),
    };
    match app.act(who, &req).await {
        Ok(c) => panic!("{on}: expected a refusal, got {:?}", c.state.stage),
        Err(e) => e.to_string(),
    }
}

fn answers(app_checks: &[&str]) -> Vec<CheckAnswer> {
    app_checks
        .iter()
        .map(|c| CheckAnswer {
            check: (*c).into(),
            ok: true,
            note: None,
        })
        .collect()
}

const CHECKS: [&str; 6] = [
    "income",
    "housing",
    "water",
    "schooling",
    "medical_insurance",
    "employment",
];

/// From a household's application to approval, the plan, a visit, an elimination refused and
/// then approved, a new risk, and a roll-back: with three users of the village, the township
/// and the county. `db` already holds the story's registry (S001 in 红沟村).
pub async fn story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    let store = app.store();
    let cadre = caller("村干部甲", V1);
    let township = caller("乡镇干部乙", "620102010");
    let county = caller("县乡村振兴局丙", "620102");
    let other_county = caller("清水县干部", "620521");
    let head = IdNumber::parse(&id("620102", "19850505", 7)).unwrap();

    // A household's own application, about a family not yet registered.
    let apply = ClueRequest {
        subject: SubjectRef::New(NewHousehold {
            village: AreaCode::parse(V1).unwrap(),
            head_name: "赵芳".into(),
            head_id: head,
            size: 3,
            household_type: HouseholdType::Ordinary,
            phone: Some("13800001111".into()),
            address: None,
        }),
        risks: RiskTypes::parse("因病").unwrap(),
        disaster_kind: None,
        evidence: evidence(Channel::Application, "本人申请", "2022-03-01"),
        category: None,
        green_channel: false,
    };
    let report = app.record_clue(&cadre, &apply).await.unwrap();
    let ClueOutcome::Created {
        clue,
        case: Some(case),
    } = report.outcome
    else {
        panic!("{:?}", report.outcome)
    };
    // 2022-03-01 (Tue) + 5 working days.
    assert_eq!(report.due.and_then(|x| x.step), Some(d("2022-03-08")));
    let no = report.household_no.clone().unwrap();
    assert!(store.household(Scope::All, &no).await.unwrap().is_some());

    // The same risk found on a cadre's visit: merged into the open clue, not doubled.
    let mut again = apply.clone();
    again.subject = SubjectRef::Household(no.clone());
    again.risks = RiskTypes::parse("因病;因学").unwrap();
    again.evidence = evidence(Channel::VisitFinding, "村干部甲走访", "2022-03-02");
    let merged = app.record_clue(&cadre, &again).await.unwrap();
    assert_eq!(
        merged.outcome,
        ClueOutcome::Merged {
            clue,
            case: Some(case)
        }
    );
    let stored = store
        .monitoring()
        .clue(Scope::All, clue)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.evidence.len(), 2);
    assert_eq!(stored.risks.to_string(), "因病;因学");
    // Another county sees nothing of it.
    assert!(
        app.case_detail(&other_county, case, d("2022-03-02"))
            .await
            .is_err()
    );

    // The village: visit with the signed promise, comparison, democratic review.
    let visit = Action::Visit {
        decision: ok("入户核实，情况属实"),
        promise_signed: true,
    };
    assert_eq!(
        step(&app, &cadre, case, visit, "2022-03-02").await,
        Stage::Comparison
    );
    // A decision taken on a stale page is refused; a neighbouring village sees no such case.
    let stale = StepRequest {
        case_id: case,
        version: Some(1),
        action: Action::Compare(ok("比对无异常")),
        on: d("2022-03-03"),
    };
    assert_eq!(
        app.act(&cadre, &stale).await.unwrap_err().code(),
        "conflict"
    );
    let elsewhere = StepRequest {
        version: None,
        ..stale.clone()
    };
    assert_eq!(
        app.act(&caller("邻村干部", V2), &elsewhere)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        step(
            &app,
            &cadre,
            case,
            Action::Compare(ok("比对无异常")),
            "2022-03-03"
        )
        .await,
        Stage::VillageReview
    );
    assert_eq!(
        step(
            &app,
            &cadre,
            case,
            Action::VillageReview(ok("评议通过")),
            "2022-03-07"
        )
        .await,
        Stage::PublicNotice
    );

    // The public notice: no ID number, phone or health data.
    let notice = app
        .public_notice(&cadre, AreaCode::parse(V1).unwrap())
        .await
        .unwrap();
    assert_eq!(notice.rows.len(), 1);
    assert_eq!(notice.rows[0].head_name, "赵芳");
    assert_eq!(notice.rows[0].notice_until, d("2022-03-12"));
    let xlsx = dir.path().join("公示.xlsx");
    app.export_public_notice(&cadre, AreaCode::parse(V1).unwrap(), &xlsx)
        .await
        .unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("公示").unwrap();
    let text: String = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        text.contains("赵芳") && text.contains("2022-03-07至2022-03-12"),
        "{text}"
    );
    for secret in [head.as_str(), "13800001111", "因病"] {
        assert!(!text.contains(secret), "the notice shows {secret}");
    }

    // Too early to end the notice; the township may not approve for the county.
    let close = || Action::CloseNotice(ok("公示无异议"));
    assert!(
        refused(&app, &cadre, case, close(), "2022-03-10")
            .await
            .contains("最早2022-03-12才能结束")
    );
    assert_eq!(
        step(&app, &cadre, case, close(), "2022-03-12").await,
        Stage::TownshipReview
    );
    assert!(
        refused(
            &app,
            &cadre,
            case,
            Action::TownshipReview(ok("同意")),
            "2022-03-14"
        )
        .await
        .contains("无权乡镇审核")
    );
    assert_eq!(
        step(
            &app,
            &township,
            case,
            Action::TownshipReview(ok("同意")),
            "2022-03-14"
        )
        .await,
        Stage::CountyApproval
    );
    assert!(
        refused(
            &app,
            &township,
            case,
            Action::CountyApproval(ok("同意")),
            "2022-03-15"
        )
        .await
        .contains("无权县级审批")
    );

    // Due 2022-03-17: on the 21st it is overdue for the county, the city and the province, not
    // for another county; it is in the county's queue for the week.
    let overdue = app
        .overdue_cases(&caller("省", "62"), None, d("2022-03-21"), 100)
        .await
        .unwrap();
    assert_eq!(overdue.iter().map(|c| c.id).collect::<Vec<_>>(), [case]);
    assert!(
        app.overdue_cases(&other_county, None, d("2022-03-21"), 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.overdue_cases(&county, None, d("2022-03-17"), 100)
            .await
            .unwrap()
            .is_empty(),
        "on the due day itself it is not late"
    );
    let queue = app
        .my_cases_due_this_week(&county, d("2022-03-14"), 100)
        .await
        .unwrap();
    assert_eq!(queue.len(), 1);
    assert!(
        app.my_cases_due_this_week(&cadre, d("2022-03-14"), 100)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        step(
            &app,
            &county,
            case,
            Action::CountyApproval(ok("同意纳入监测")),
            "2022-03-21"
        )
        .await,
        Stage::Approved
    );
    let h = store
        .household(Scope::All, &no)
        .await
        .unwrap()
        .unwrap()
        .household;
    assert_eq!(h.monitoring.category, Some(MonitorCategory::MarginalAtRisk));
    assert_eq!(h.monitoring.risks.to_string(), "因病;因学");
    assert_eq!(
        h.monitoring.identified_on.map(|x| x.to_string()).as_deref(),
        Some("2022-03-21")
    );
    // The registry's history keeps the change, by the approving user.
    let history = store.history(Scope::All, &no).await.unwrap();
    assert_eq!(history[0].changed_by, "县乡村振兴局丙");
    assert_eq!(history[0].after["monitoring"]["category"], "边缘易致贫户");
    let detail = app
        .case_detail(&county, case, d("2022-03-21"))
        .await
        .unwrap();
    let steps: Vec<(String, bool, u32)> = detail
        .steps
        .iter()
        .map(|s| (s.action.label().to_string(), s.late, s.policy.version))
        .collect();
    assert_eq!(
        steps,
        [
            ("入户核实".to_string(), false, 1),
            ("数据比对".into(), false, 1),
            ("民主评议".into(), false, 1),
            ("公示结束".into(), false, 1),
            ("乡镇审核".into(), false, 1),
            ("县级审批".into(), true, 1),
        ]
    );
    assert_eq!(detail.steps[5].actor, "县乡村振兴局丙");
    let clue_now = store
        .monitoring()
        .clue(Scope::All, clue)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(clue_now.status.label(), "已办结");

    // The plan: a measure outside the catalogue is refused; two measures on two risks.
    let measure = |code: &str, risk: RiskType| PlannedMeasure {
        measure: code.into(),
        risk,
        starts_on: d("2022-03-25"),
        ends_on: None,
        status: MeasureStatus::InProgress,
        note: None,
    };
    let mut plan = PlanRequest {
        household: no.clone(),
        cadre_name: Some("村干部甲".into()),
        cadre_phone: None,
        measures: vec![measure("education_aid", RiskType::Illness)],
        today: d("2022-03-25"),
    };
    let e = app.save_plan(&cadre, &plan).await.unwrap_err();
    assert_eq!(e.code(), "measure_not_for_risk");
    plan.measures = vec![
        measure("medical_assistance", RiskType::Illness),
        measure("education_aid", RiskType::Schooling),
    ];
    app.save_plan(&cadre, &plan).await.unwrap();
    // The work figures of the county as of past dates: overdue before the approval, then one
    // approval after 20 days (2022-03-01 → 03-21), covered by a measure from 2022-03-25.
    let county_code = AreaCode::parse("620102").unwrap();
    let figures_on = |on: &str| {
        let app = &app;
        let on = d(on);
        async move {
            app.stats(Scope::All, Some(county_code), AreaLevel::County, Some(on))
                .await
                .unwrap()
                .remove(0)
        }
    };
    let before = figures_on("2022-03-20").await;
    assert_eq!(before.work.overdue_cases, 1);
    assert_eq!(before.work.approvals.count(), 0);
    let after = figures_on("2022-03-24").await;
    assert_eq!(after.work.overdue_cases, 0);
    assert_eq!(after.work.approvals.median(), Some(20.0));
    assert_eq!(after.counts.covered_households, 0);
    assert_eq!(figures_on("2022-04-01").await.counts.covered_households, 1);
    let view = app.plan_view(&cadre, &no, d("2022-05-01")).await.unwrap();
    assert_eq!(
        view.findings.iter().map(|f| f.code()).collect::<Vec<_>>(),
        ["no_development_measure"]
    );
    plan.measures
        .push(measure("microcredit", RiskType::Illness));
    app.save_plan(&cadre, &plan).await.unwrap();
    assert!(
        app.plan_view(&cadre, &no, d("2022-05-01"))
            .await
            .unwrap()
            .findings
            .is_empty()
    );

    // A visit: the 六必查 answers, a photo; a photo over 2 MB is refused.
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 1000][..]].concat();
    let mut big = jpeg.clone();
    big.resize(2 * 1024 * 1024 + 1, 0);
    let visit_req = |photos: Vec<Vec<u8>>| VisitRequest {
        household: no.clone(),
        visited_on: d("2022-04-10"),
        visitor: "村干部甲".into(),
        answers: answers(&CHECKS),
        per_capita_income: Some(Money::from_yuan(7000)),
        finding: Some("收入恢复".into()),
        photos,
    };
    let e = app
        .record_visit(&cadre, visit_req(vec![big]))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "photo_too_large");
    let visit_id = app
        .record_visit(&cadre, visit_req(vec![jpeg.clone()]))
        .await
        .unwrap();
    let (kind, bytes) = store
        .monitoring()
        .visit_photo(Scope::Area(AreaCode::parse("620102").unwrap()), visit_id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kind.as_str(), bytes), ("image/jpeg", jpeg));
    assert!(
        store
            .monitoring()
            .visit_photo(other_county.scope, visit_id, 1)
            .await
            .unwrap()
            .is_none()
    );
    // S001's head has a serious illness: due for a visit; the new household was just visited.
    let (due, _) = app
        .due_for_visit(&cadre, None, d("2022-04-11"), 100, None)
        .await
        .unwrap();
    let due_nos: Vec<String> = due.iter().map(|x| x.household_no.to_string()).collect();
    assert!(due_nos.contains(&"S001".to_string()), "{due_nos:?}");
    assert!(!due_nos.contains(&no.to_string()));

    // Elimination: too early and no income on record — the verdict says which blockers fail.
    let propose = |on: &str| EliminationRequest {
        household: no.clone(),
        mode: EliminationMode::Assisted,
        on: d(on),
        income_stable_months: Some(7),
        essential_spending_resolved: Some(true),
        risks_remaining: RiskTypes::default(),
        new_risks: RiskTypes::default(),
    };
    let early = app
        .propose_elimination(&cadre, &propose("2022-06-01"))
        .await
        .unwrap();
    assert_eq!(early.case, None);
    let failed: Vec<&str> = early.verdict.failed().map(|b| b.code.as_str()).collect();
    assert_eq!(failed, ["monitored_too_short", "income_below_line"]);
    let mut h = store
        .household(Scope::All, &no)
        .await
        .unwrap()
        .unwrap()
        .household;
    h.income.declared_per_capita = Some(Money::from_yuan(9000));
    store
        .update_household(&county.actor, county.scope, &h)
        .await
        .unwrap();
    let report = app
        .propose_elimination(&cadre, &propose("2022-10-10"))
        .await
        .unwrap();
    assert!(report.verdict.passed, "{:?}", report.verdict);
    let elim = report.case.unwrap();
    let visit = Action::Visit {
        decision: ok("核实收入稳定"),
        promise_signed: false,
    };
    assert_eq!(
        step(&app, &cadre, elim, visit, "2022-10-11").await,
        Stage::VillageReview
    );
    step(
        &app,
        &cadre,
        elim,
        Action::VillageReview(ok("评议同意消除")),
        "2022-10-12",
    )
    .await;
    step(
        &app,
        &cadre,
        elim,
        Action::CloseNotice(ok("无异议")),
        "2022-10-17",
    )
    .await;
    step(
        &app,
        &township,
        elim,
        Action::TownshipReview(ok("同意")),
        "2022-10-18",
    )
    .await;
    assert_eq!(
        step(
            &app,
            &county,
            elim,
            Action::CountyApproval(ok("同意消除")),
            "2022-10-19"
        )
        .await,
        Stage::Approved
    );
    let h = store
        .household(Scope::All, &no)
        .await
        .unwrap()
        .unwrap()
        .household;
    assert!(h.monitoring.eliminated);
    assert_eq!(
        h.monitoring.elimination_mode,
        Some(EliminationMode::Assisted)
    );
    assert_eq!(
        h.monitoring.eliminated_on.map(|x| x.to_string()).as_deref(),
        Some("2022-10-19")
    );
    let steps = store
        .monitoring()
        .case_steps(Scope::All, elim)
        .await
        .unwrap();
    assert!(
        steps[4].verdict.as_ref().is_some_and(|v| v.passed),
        "the county's approval keeps its verdict"
    );

    // The household stays in the registry; the data checks find nothing wrong with it.
    let checks = app
        .data_check_report(&county, None, d("2022-10-20"))
        .await
        .unwrap();
    assert!(checks.monitored_households >= 1);
    assert!(
        !checks.findings.iter().any(|f| f.household_no == no),
        "{:?}",
        checks.findings
    );

    // A new risk after elimination: a new identification case.
    let mut flood = apply.clone();
    flood.subject = SubjectRef::Household(no.clone());
    flood.risks = RiskTypes::parse("因自然灾害").unwrap();
    flood.disaster_kind = Some("洪涝".into());
    flood.evidence = evidence(Channel::DepartmentWarning, "县应急管理局", "2022-11-01");
    flood.green_channel = true;
    let r = app.record_clue(&county, &flood).await.unwrap();
    let new_case = r.outcome.case().expect("re-identification opens a case");
    let detail = app
        .case_detail(&county, new_case, d("2022-11-01"))
        .await
        .unwrap();
    assert_eq!(detail.case.state.green_channel_on, Some(d("2022-11-01")));
    step(
        &app,
        &county,
        new_case,
        Action::Withdraw(Remark::parse("理由", "并入原帮扶计划").unwrap()),
        "2022-11-02",
    )
    .await;

    // The elimination proved unstable: rolled back by the county.
    assert_eq!(
        step(
            &app,
            &county,
            elim,
            Action::RollBack(Remark::parse("理由", "收入再次下降").unwrap()),
            "2022-11-20"
        )
        .await,
        Stage::RolledBack
    );
    let h = store
        .household(Scope::All, &no)
        .await
        .unwrap()
        .unwrap()
        .household;
    assert!(!h.monitoring.eliminated && h.monitoring.eliminated_on.is_none());
    assert_eq!(h.monitoring.category, Some(MonitorCategory::MarginalAtRisk));
}

fn zhenxing(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn policy_commands_show_check_and_version() {
    let env = Env::new().await;
    let db = env.path("test.db").to_string_lossy().to_string();
    let out = zhenxing(&[
        "policy",
        "show",
        "--db",
        &db,
        "--province",
        "62",
        "--year",
        "2022",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("监测范围（人均纯收入）：6500.00元"),
        "{shown}"
    );
    assert!(shown.contains("版本：内置默认"), "{shown}");

    let original = zhenxing_domain::policy::SHIPPED
        .iter()
        .find(|(p, y, _)| *p == "62" && *y == 2022)
        .unwrap()
        .2;
    let bad = env.write(
        "bad.toml",
        original.replace(
            "per_capita_income_yuan = 6500",
            "per_capita_income_yuan = \"六千五\"",
        ),
    );
    let out = zhenxing(&["policy", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("threshold.per_capita_income_yuan（第15行）：类型错误：应为整数"),
        "{}",
        text(&out)
    );
    let edited = env.write(
        "edited.toml",
        original.replace(
            "per_capita_income_yuan = 6500",
            "per_capita_income_yuan = 6800",
        ),
    );
    let out = zhenxing(&["policy", "check", edited.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let out = zhenxing(&[
        "policy",
        "set",
        "--db",
        &db,
        "--file",
        edited.to_str().unwrap(),
        "--note",
        "调整标准",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("第1版"), "{}", text(&out));
    let out = zhenxing(&[
        "policy",
        "show",
        "--db",
        &db,
        "--province",
        "620000000000",
        "--year",
        "2022",
    ]);
    assert!(
        text(&out).contains("6800.00元") && text(&out).contains("第1版"),
        "{}",
        text(&out)
    );

    // A decision names the version in force when it was made.
    let app = &env.app;
    let (_, r) = app
        .decision_policy(AreaCode::parse(V1).unwrap(), d("2022-06-01"))
        .await
        .unwrap();
    assert_eq!(r.version, 1);
    let out = zhenxing(&[
        "policy",
        "set",
        "--db",
        &db,
        "--file",
        edited.to_str().unwrap(),
    ]);
    assert!(text(&out).contains("第2版"), "{}", text(&out));
    // A county user may not change the province's policy.
    let e = app
        .set_policy(&caller("县", "620102"), original, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
}

#[tokio::test]
async fn disaster_list_from_the_command_line() {
    let env = Env::new().await;
    let db = env.path("test.db").to_string_lossy().to_string();
    let wang = id("620102", "19700101", 1);
    let households = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "D001,620102010201,王伟,2,5800,是,,,,否,",
                "D002,620102010201,李明,3,9000,否,,,,否,",
                "D003,620102010202,张强,1,4000,是,脱贫不稳定户,因病,2022-01-05,否,",
            ],
        ),
    );
    let members = env.write(
        "m.csv",
        csv(
            M_HEADER,
            &[&format!("1,D002,{wang},李明,男,1970-01-01,户主,健康")],
        ),
    );
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let list = env.write(
        "受灾户.csv",
        format!(
            "城关区洪涝受灾户名单\r\n户编号,证件号码,灾害种类,说明\r\nD001,,,房屋进水\r\n,{wang},,\r\nD003,,,\r\nNOPE,,,\r\n,{},,\r\nD001,,,重复\r\n",
            bad_check(&wang)
        ),
    );
    let errors = env.path("errors.csv");
    let out = zhenxing(&[
        "monitor",
        "disaster",
        "--db",
        &db,
        "--list",
        list.to_str().unwrap(),
        "--kind",
        "洪涝",
        "--date",
        "2022-07-15",
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(
            "读取6行：新纳入识别2户，并入未办结线索1户，已是监测对象（仅登记线索）1户，拒绝2行"
        ),
        "{}",
        text(&out)
    );
    let report = std::fs::read_to_string(&errors).unwrap();
    assert!(
        report.contains("NOPE不存在或不在您的管辖范围内"),
        "{report}"
    );
    assert!(report.contains("校验码错误"), "{report}");
    assert!(
        !report.contains(&bad_check(&wang)),
        "ID numbers are masked in the report"
    );

    // Both new cases took the green channel; the overdue list shows them after their first
    // deadline: the comparison's, 2022-07-15 + 5 working days = 07-22 (the visit of a warning
    // has 7 working days, to 07-26).
    let out = zhenxing(&[
        "monitor",
        "overdue",
        "--db",
        &db,
        "--area",
        "620102",
        "--today",
        "2022-07-23",
        "--format",
        "csv",
    ]);
    let listed = text(&out);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(
        listed.contains("D001") && listed.contains("D002"),
        "{listed}"
    );
    let out = zhenxing(&[
        "monitor",
        "overdue",
        "--db",
        &db,
        "--area",
        "620102",
        "--today",
        "2022-07-22",
        "--format",
        "csv",
    ]);
    assert_eq!(text(&out).lines().count(), 1, "{}", text(&out));
    let app = &env.app;
    let cases = app
        .open_cases(&Caller::command_line(), None, None, 10, None)
        .await
        .unwrap();
    assert!(
        cases
            .iter()
            .all(|c| c.state.green_channel_on == Some(d("2022-07-15")))
    );

    // The data checks and the visit list run from the command line too.
    let out = zhenxing(&[
        "monitor",
        "checks",
        "--db",
        &db,
        "--area",
        "620102",
        "--today",
        "2022-07-27",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("风险无针对性措施：1户"),
        "{}",
        text(&out)
    );
    let out = zhenxing(&[
        "monitor",
        "visits-due",
        "--db",
        &db,
        "--area",
        "620102",
        "--today",
        "2022-07-27",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|r| r["household_no"] == "D003")
    );
    // A list cut at --limit says so instead of giving the cut as the total.
    let all = v.as_array().unwrap().len();
    let table = |limit: usize| {
        let out = zhenxing(&[
            "monitor",
            "visits-due",
            "--db",
            &db,
            "--area",
            "620102",
            "--today",
            "2022-07-27",
            "--limit",
            &limit.to_string(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
        text(&out)
    };
    let whole = table(all + 1);
    assert!(whole.contains(&format!("共{all}户应走访")), "{whole}");
    assert!(all > 1, "{v}");
    let cut = table(all - 1);
    assert!(
        cut.contains(&format!("列出前{}户应走访", all - 1)) && cut.contains("--limit"),
        "{cut}"
    );
    let out = zhenxing(&[
        "monitor",
        "overdue",
        "--db",
        &db,
        "--area",
        "620102",
        "--today",
        "2022-07-23",
        "--limit",
        "1",
    ]);
    assert!(text(&out).contains("列出前1件逾期"), "{}", text(&out));
}

#[tokio::test]
async fn data_checks_judge_2021_by_its_policy_and_say_which_years_have_none() {
    let env = Env::new().await;
    // Risk eliminated in 2021 (the mechanism's first year, 6,000 yuan) and in 2020, before it.
    let households = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "3001,620102010201,王伟,1,9000,是,脱贫不稳定户,因病,2021-03-01,是,2021-09-01",
                "3002,620102010201,李强,1,9000,是,脱贫不稳定户,因病,2020-03-01,是,2020-09-01",
                "3003,620102010201,张三,1,9000,是,脱贫不稳定户,因病,2020-05-01,是,2020-10-01",
            ],
        ),
    );
    let members = env.write(
        "m.csv",
        csv(
            M_HEADER,
            &[
                &format!(
                    "1,3001,{},王伟,男,1970-01-01,户主,健康",
                    id("620102", "19700101", 11)
                ),
                &format!(
                    "1,3002,{},李强,男,1971-01-01,户主,健康",
                    id("620102", "19710101", 13)
                ),
                &format!(
                    "1,3003,{},张三,男,1972-01-01,户主,健康",
                    id("620102", "19720101", 15)
                ),
            ],
        ),
    );
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert_eq!(report.exit_code(), 0, "{:?}", report.errors);

    let county = caller("县", "620102000000");
    let checks = env
        .app
        .data_check_report(&county, None, d("2026-11-29"))
        .await
        .expect("a year without a policy does not fail the report");
    assert_eq!(checks.monitored_households, 3);
    // 2021 has its shipped policy; 2020 has none: its two households are counted, not checked.
    assert_eq!(checks.unchecked, vec![(2020, 2)]);
    assert!(
        !checks
            .findings
            .iter()
            .any(|f| f.household_no.as_str() == "3002" || f.household_no.as_str() == "3003"),
        "{:?}",
        checks.findings
    );
    let (policy, reference) = env
        .app
        .decision_policy(AreaCode::parse("620102010201").unwrap(), d("2021-09-01"))
        .await
        .unwrap();
    assert_eq!(policy.threshold, Money::from_yuan(6000));
    assert!(reference.to_string().contains("2021"), "{reference}");
}

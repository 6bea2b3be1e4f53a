//! Households closed (销户: 整户死亡, 整户迁出, 并户, 其他): a households ledger's row with a
//! 销户原因 closes the household — its members leave it, it leaves the figures, the lists and the
//! exports, and it stays with its history and monitoring records; a later row without it
//! registers the household again. Told on SQLite and on PostgreSQL.

use zhenxing_app::NoProgress;
use zhenxing_app::export::{ExportLayout, ExportRequest};
use zhenxing_app::monitoring::Caller;
use zhenxing_app::monitoring::cases::{EliminationRequest, StepRequest};
use zhenxing_app::monitoring::clues::{ClueRequest, SubjectRef};
use zhenxing_app::monitoring::plans::PlanRequest;
use zhenxing_app::monitoring::visits::VisitRequest;
use zhenxing_domain::monitoring::workflow::{Action, Remark};
use zhenxing_domain::monitoring::{Channel, ClueStatus, Evidence};
use zhenxing_domain::{
    AreaCode, DissolveReason, EliminationMode, HouseholdNo, RiskTypes, Role, Scope,
};
use zhenxing_ledger::write::{CsvEncoding, Disclosure};
use zhenxing_store::monitoring::ClueOutcome;
use zhenxing_store::search::{HouseholdFilter, SearchText};
use zhenxing_store::{Actor, Closed, HistorySubject, Rejection, RowOutcome};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::*;

#[tokio::test]
async fn closing_households_on_sqlite() {
    let env = Env::new().await;
    let url = env.path("test.db").to_string_lossy().to_string();
    households_close_and_open_again(&env, &url).await;
}

#[tokio::test]
async fn closing_households_on_postgres() {
    let Some(base) = postgres_url() else { return };
    let url = fresh_postgres(&base).await;
    households_close_and_open_again(&Env::at(&url).await, &url).await;
}

/// The village's (households, persons, monitored households, monitored persons) as of `day`.
async fn village(env: &Env, day: &str) -> (u64, u64, u64, u64) {
    let c = env.village_as_of(V1, day).await;
    (
        c.households,
        c.persons,
        c.monitored_households,
        c.monitored_persons,
    )
}

async fn households_close_and_open_again(env: &Env, url: &str) {
    let p = |seq: u32| id("620102", "19500101", seq);
    let households = env.write(
        "户.csv",
        csv(
            H_HEADER,
            &[
                &format!("8201,{V1},王伟,2,5000,是,脱贫不稳定户,因病,2024-06-01,否,"),
                &format!("8202,{V1},赵六,1,9000,否,,,,否,"),
            ],
        ),
    );
    let members = env.write(
        "成员.csv",
        csv(
            M_HEADER,
            &[
                &format!("1,8201,{},王伟,男,,户主,患有大病", p(1)),
                &format!("2,8201,{},李芳,女,,配偶,健康", p(2)),
                &format!("1,8202,{},赵六,男,,户主,健康", p(3)),
            ],
        ),
    );
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let today = zhenxing_domain::today_in_china().to_string();
    assert_eq!(village(env, &today).await, (2, 3, 1, 2));

    // A monitored household's clue opens no case and stays open: it closes with the household.
    let cadre = Caller::user(
        Actor {
            user_id: None,
            name: "村干部".into(),
        },
        Role::VillageCadre,
        AreaCode::parse(V1).unwrap(),
    );
    let clue_of = |no: &str| ClueRequest {
        subject: SubjectRef::Household(HouseholdNo::parse(no).unwrap()),
        risks: RiskTypes::parse("因病").unwrap(),
        disaster_kind: None,
        evidence: Evidence {
            channel: Channel::Application,
            source: "本人申请".into(),
            rule: None,
            figures: vec![],
            members: vec![],
            note: None,
            found_on: chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(),
        },
        category: None,
        green_channel: false,
    };
    let recorded = env.app.record_clue(&cadre, &clue_of("8201")).await.unwrap();
    let ClueOutcome::Created {
        clue: open_clue,
        case: None,
    } = recorded.outcome
    else {
        panic!("a monitored household's clue opens no case: {recorded:?}");
    };
    let monitoring = env.app.store().monitoring();
    let open_clues = async || {
        monitoring
            .open_clues(Scope::All, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(open_clues().await, [open_clue]);
    let no_8201 = HouseholdNo::parse("8201").unwrap();
    let of_8201 = monitoring.open_clue_of(Scope::All, &no_8201).await.unwrap();
    assert_eq!(of_8201.map(|c| (c.id, c.case_id)), Some((open_clue, None)));

    // The list of households closed, as a clerk keeps it (GBK): only 户编号 and why are needed.
    let closing = env.write(
        "销户.csv",
        encoding_rs::GBK
            .encode(&csv(
                "户编号,户主姓名,销户原因,销户时间",
                &[
                    "8201,王伟,整户死亡,2025-06-01",
                    // Never registered: nothing to close.
                    "8209,某人,整户迁出,",
                    "8202,赵六,失踪,",
                ],
            ))
            .0,
    );
    let report = env.import(Some(&closing), None).await.unwrap();
    let c = &report.counts;
    assert_eq!(
        (c.households_dissolved, c.households_unchanged, c.rejected),
        (1, 1, 1),
        "{:?}",
        report.errors
    );
    assert_eq!(report.errors[0].code, "label");
    assert_eq!(report.errors[0].column, "销户原因");

    // Closed: why and when kept, its members gone with it, the closure in its history.
    let stored = env.stored("8201").await.unwrap();
    assert_eq!(
        stored.closed,
        Some(Closed {
            reason: DissolveReason::Deceased,
            on: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        })
    );
    assert_eq!(stored.persons, 0);
    assert!(env.member_names("8201").await.is_empty());
    let history = env
        .app
        .store()
        .history(Scope::All, &HouseholdNo::parse("8201").unwrap())
        .await
        .unwrap();
    let closure = history
        .iter()
        .find(|e| e.after.get("dissolved").is_some())
        .expect("the closure is in the history");
    assert_eq!(closure.after["dissolved"]["reason"], "整户死亡");
    assert_eq!(closure.before["head_name"], "王伟");
    let removed: Vec<&str> = history
        .iter()
        .filter(|e| matches!(e.subject, HistorySubject::Member(_)))
        .filter_map(|e| e.after["removed"]["reason"].as_str())
        .collect();
    assert_eq!(removed, ["死亡", "死亡"]);

    // No new monitoring work for it: a clue, a plan, a visit, an elimination are refused.
    let closed_refusal = |e: zhenxing_app::AppError| match e {
        zhenxing_app::AppError::Monitoring(f) => {
            assert_eq!(f.code(), "household_closed");
            assert!(
                f.to_string().contains("已于2025-06-01销户（整户死亡）"),
                "{f}"
            );
        }
        other => panic!("{other:?}"),
    };
    closed_refusal(
        env.app
            .record_clue(&cadre, &clue_of("8201"))
            .await
            .unwrap_err(),
    );
    let operator = Caller::command_line();
    let no_8201 = HouseholdNo::parse("8201").unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    closed_refusal(
        env.app
            .save_plan(
                &operator,
                &PlanRequest {
                    household: no_8201.clone(),
                    cadre_name: None,
                    cadre_phone: None,
                    measures: vec![],
                    today: day,
                },
            )
            .await
            .unwrap_err(),
    );
    closed_refusal(
        env.app
            .record_visit(
                &operator,
                VisitRequest {
                    household: no_8201.clone(),
                    visited_on: day,
                    visitor: "驻村队员".into(),
                    answers: vec![],
                    per_capita_income: None,
                    finding: None,
                    photos: vec![],
                },
            )
            .await
            .unwrap_err(),
    );
    closed_refusal(
        env.app
            .propose_elimination(
                &operator,
                &EliminationRequest {
                    household: no_8201.clone(),
                    mode: EliminationMode::Natural,
                    on: day,
                    income_stable_months: None,
                    essential_spending_resolved: None,
                    risks_remaining: RiskTypes::default(),
                    new_risks: RiskTypes::default(),
                },
            )
            .await
            .unwrap_err(),
    );

    // Its open clue closed with it.
    let clue = monitoring
        .clue(Scope::All, open_clue)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(clue.status, ClueStatus::Closed);
    assert!(open_clues().await.is_empty());
    assert!(
        monitoring
            .open_clue_of(Scope::All, &no_8201)
            .await
            .unwrap()
            .is_none()
    );

    // Not counted today; counted, with its persons and as monitored, before it closed.
    assert_eq!(village(env, &today).await, (1, 1, 0, 0));
    assert_eq!(village(env, "2025-05-31").await, (2, 3, 1, 2));
    assert_eq!(village(env, "2025-06-01").await, (1, 1, 0, 0));
    env.app.store().check_integrity().await.unwrap();
    let mismatches = env.app.check_figures().await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");

    // Left out of the lists (found by its number only) and of the exports.
    let db = zhenxing_app::open_database(url).await.unwrap();
    let find = async |text: Option<&str>| {
        let filter = HouseholdFilter {
            text: text.and_then(SearchText::parse),
            ..HouseholdFilter::default()
        };
        db.search_households(Scope::All, AreaCode::parse(V1).unwrap(), &filter, None, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.no.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(find(None).await, ["8202"]);
    assert_eq!(find(Some("王")).await, Vec::<String>::new());
    assert_eq!(find(Some("8201")).await, ["8201"]);
    let exported = env
        .app
        .export(
            &ExportRequest {
                scope: Scope::All,
                area: AreaCode::parse("620102").unwrap(),
                out: env.path("导出.xlsx"),
                disclosure: Disclosure::Whole,
                csv_encoding: CsvEncoding::Utf8Bom,
                layout: ExportLayout::Ledgers,
            },
            &NoProgress,
        )
        .await
        .unwrap();
    assert_eq!((exported.households, exported.members), (1, 1));

    // A household whose identification case is open is not closed: its case comes first.
    env.app.record_clue(&cadre, &clue_of("8202")).await.unwrap();
    let close_8202 = env.write("销户8202.csv", csv("户编号,销户原因", &["8202,整户迁出"]));
    let refused = env.import(Some(&close_8202), None).await.unwrap();
    assert_eq!(refused.errors.len(), 1, "{:?}", refused.errors);
    assert_eq!(refused.errors[0].code, "open_case");
    assert!(
        refused.errors[0]
            .reason
            .contains("识别纳入案件（当前环节：入户核实）"),
        "{}",
        refused.errors[0].reason
    );
    assert!(env.stored("8202").await.unwrap().closed.is_none());

    // The same list again changes nothing; a member cannot be registered in it.
    let again = env.import(Some(&closing), None).await.unwrap();
    assert_eq!(
        (
            again.counts.households_dissolved,
            again.counts.households_unchanged
        ),
        (0, 2)
    );
    let into = env.write(
        "成员2.csv",
        csv(M_HEADER, &[&format!("1,8201,{},王伟,男,,户主,健康", p(1))]),
    );
    let refused = env.import(None, Some(&into)).await.unwrap();
    assert_eq!(refused.errors.len(), 1);
    assert_eq!(refused.errors[0].code, "household_closed");

    // Closed by mistake: its row without 销户原因 registers it again, then its members.
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.counts.households_updated, 1);
    assert_eq!(report.counts.members_inserted, 2);
    let stored = env.stored("8201").await.unwrap();
    assert_eq!((stored.closed, stored.persons), (None, 2));
    assert_eq!(village(env, &today).await, (2, 3, 1, 2));
    assert_eq!(find(None).await, ["8201", "8202"]);
    env.app.store().check_integrity().await.unwrap();
    let mismatches = env.app.check_figures().await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");

    // The family moves to another county: closed here (整户迁出), registered there under the same
    // number with its members; then back again, where its row here opens again.
    const ELSEWHERE: &str = "620103001001";
    let moved_out = env.write("迁出.csv", csv("户编号,销户原因", &["8201,整户迁出"]));
    let there = env.write(
        "迁入户.csv",
        csv(
            H_HEADER,
            &[&format!(
                "8201,{ELSEWHERE},王伟,2,5000,是,脱贫不稳定户,因病,2024-06-01,否,"
            )],
        ),
    );
    let report = env.import(Some(&there), Some(&members)).await.unwrap();
    assert_eq!(
        report.errors[0].code, "household_elsewhere",
        "not before it is closed here"
    );
    env.import(Some(&moved_out), None).await.unwrap();
    let report = env.import(Some(&there), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        (
            report.counts.households_inserted,
            report.counts.members_inserted
        ),
        (1, 2)
    );
    let stored = env.stored("8201").await.unwrap();
    assert_eq!(
        (stored.county.to_string(), stored.closed, stored.persons),
        ("620103000000".to_string(), None, 2)
    );
    assert_eq!(env.village_as_of(ELSEWHERE, &today).await.households, 1);
    assert_eq!(village(env, &today).await, (1, 1, 0, 0));

    // The county it left still reaches its closed row: by number, in its list of households
    // closed, and on its page; the province finds both rows by number, each by its county.
    let here = Scope::Area(AreaCode::parse("620102").unwrap());
    let listed = async |scope: Scope, area: &str, text: Option<&str>, closed: bool| {
        let filter = HouseholdFilter {
            text: text.and_then(SearchText::parse),
            closed,
            ..HouseholdFilter::default()
        };
        db.search_households(scope, AreaCode::parse(area).unwrap(), &filter, None, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|h| {
                (
                    h.county.to_string(),
                    h.no.to_string(),
                    h.closed.map(|c| c.reason),
                )
            })
            .collect::<Vec<_>>()
    };
    let closed_here = (
        "620102000000".to_string(),
        "8201".to_string(),
        Some(DissolveReason::MovedOut),
    );
    assert_eq!(
        listed(here, "620102", Some("8201"), false).await,
        std::slice::from_ref(&closed_here)
    );
    assert_eq!(
        listed(here, "620102", None, true).await,
        std::slice::from_ref(&closed_here)
    );
    assert_eq!(
        listed(Scope::All, "62", Some("8201"), false).await,
        [
            closed_here,
            ("620103000000".to_string(), "8201".to_string(), None)
        ]
    );
    assert!(listed(Scope::All, "620103", None, true).await.is_empty());
    let no = HouseholdNo::parse("8201").unwrap();
    let record = |scope: Scope, at: Option<&'static str>| {
        let no = no.clone();
        async move {
            env.app
                .store()
                .household_record(scope, &no, at.map(|c| AreaCode::parse(c).unwrap()))
                .await
                .unwrap()
                .map(|r| {
                    (
                        r.household.county.to_string(),
                        r.household.closed.is_some(),
                        r.history.len(),
                        r.registered_elsewhere,
                    )
                })
        }
    };
    let (county, closed, history, elsewhere) = record(here, None).await.unwrap();
    assert_eq!(
        (county.as_str(), closed, elsewhere),
        ("620102000000", true, true)
    );
    assert!(history > 1, "its history stays with it");
    let (county, closed, _, elsewhere) = record(Scope::All, None).await.unwrap();
    assert_eq!(
        (county.as_str(), closed, elsewhere),
        ("620103000000", false, false)
    );
    let (county, _, _, elsewhere) = record(Scope::All, Some("620102")).await.unwrap();
    assert_eq!((county.as_str(), elsewhere), ("620102000000", true));
    assert!(
        record(here, Some("620103")).await.is_none(),
        "not outside its scope"
    );
    env.app.store().check_integrity().await.unwrap();
    let mismatches = env.app.check_figures().await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");

    let moved_back = env.write("迁回.csv", csv("户编号,销户原因", &["8201,整户迁出"]));
    env.import(Some(&moved_back), None).await.unwrap();
    let report = env.import(Some(&households), Some(&members)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report.counts.households_updated, 1,
        "its row here opened again"
    );
    let stored = env.stored("8201").await.unwrap();
    assert_eq!(
        (stored.county.to_string(), stored.closed, stored.persons),
        ("620102000000".to_string(), None, 2)
    );
    assert_eq!(village(env, &today).await, (2, 3, 1, 2));
    assert_eq!(env.village_as_of(ELSEWHERE, &today).await.households, 0);
    env.app.store().check_integrity().await.unwrap();
    let mismatches = env.app.check_figures().await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");

    // Edited on its page: written only at the version the form was read at.
    let editor = Actor {
        user_id: None,
        name: "县级管理员".into(),
    };
    let mut edited = stored.household.clone();
    edited.uninsured = !edited.uninsured;
    let store = env.app.store();
    let outcome = store
        .edit_household(&editor, Scope::All, &edited, stored.version - 1)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        RowOutcome::Rejected(Rejection::Stale {
            version: stored.version
        })
    );
    assert_eq!(env.stored("8201").await.unwrap().version, stored.version);
    let outcome = store
        .edit_household(&editor, Scope::All, &edited, stored.version)
        .await
        .unwrap();
    assert_eq!(outcome, RowOutcome::Updated);
    let now = env.stored("8201").await.unwrap();
    assert_eq!(
        (now.version, now.household.uninsured),
        (stored.version + 1, edited.uninsured)
    );
    assert_eq!(now.updated_by, "县级管理员");

    // Its members the same way, one at a time: corrected at the version read, then leaving.
    let member = store
        .members(Scope::All, &stored.household.no)
        .await
        .unwrap()[1]
        .clone();
    let mut corrected = member.member.clone();
    corrected.pension = Some(true);
    let outcome = store
        .edit_member(&editor, Scope::All, &corrected, Some(member.version + 1))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        RowOutcome::Rejected(Rejection::Stale {
            version: member.version
        })
    );
    let outcome = store
        .edit_member(&editor, Scope::All, &corrected, Some(member.version))
        .await
        .unwrap();
    assert_eq!(outcome, RowOutcome::Updated);
    let leaving = zhenxing_domain::Member {
        leaving: Some(zhenxing_domain::member::Leaving {
            reason: zhenxing_domain::member::LeaveReason::MarriedOut,
            on: None,
        }),
        ..corrected
    };
    let outcome = store
        .edit_member(&editor, Scope::All, &leaving, Some(member.version + 1))
        .await
        .unwrap();
    assert_eq!(outcome, RowOutcome::Removed);
    assert_eq!(env.stored("8201").await.unwrap().persons, 1);
    env.app.store().check_integrity().await.unwrap();
    let mismatches = env.app.check_figures().await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
    // A household that moved keeps its cases in the county it left: its case there withdrawn,
    // it closes and registers in the other county; the county it left still reads the case.
    let no_8202 = HouseholdNo::parse("8202").unwrap();
    let case = monitoring
        .household_cases(Scope::All, &no_8202)
        .await
        .unwrap()
        .remove(0);
    env.app
        .act(
            &operator,
            &StepRequest {
                case_id: case.id,
                version: None,
                action: Action::Withdraw(Remark::parse("理由", "全家迁往外县").unwrap()),
                on: chrono::NaiveDate::from_ymd_opt(2025, 3, 10).unwrap(),
            },
        )
        .await
        .unwrap();
    let gone = env.write("迁出8202.csv", csv("户编号,销户原因", &["8202,整户迁出"]));
    env.import(Some(&gone), None).await.unwrap();
    let arrived = env.write(
        "迁入8202.csv",
        csv(
            H_HEADER,
            &[&format!("8202,{ELSEWHERE},赵六,1,9000,否,,,,否,")],
        ),
    );
    let report = env.import(Some(&arrived), None).await.unwrap();
    assert_eq!(report.counts.households_inserted, 1, "{:?}", report.errors);
    let cases = |scope: Scope| {
        let no = no_8202.clone();
        async move {
            monitoring
                .household_cases(scope, &no)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(cases(here).await, [case.id]);
    assert!(
        cases(Scope::Area(AreaCode::parse("620103").unwrap()))
            .await
            .is_empty()
    );
    assert_eq!(cases(Scope::All).await, [case.id]);
}

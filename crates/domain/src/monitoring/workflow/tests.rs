use chrono::Duration;
use proptest::prelude::*;

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn remark(s: &str) -> Remark {
    Remark::parse("意见", s).unwrap()
}

fn ok(s: &str) -> Decision {
    Decision::Approve(remark(s))
}

fn no(s: &str) -> Decision {
    Decision::Reject(remark(s))
}

/// Every action the machine knows, with a short name for the table.
fn actions() -> Vec<(&'static str, Action)> {
    vec![
        (
            "visit+promise",
            Action::Visit {
                decision: ok("情况属实"),
                promise_signed: true,
            },
        ),
        (
            "visit-promise",
            Action::Visit {
                decision: ok("情况属实"),
                promise_signed: false,
            },
        ),
        (
            "visit:reject",
            Action::Visit {
                decision: no("无风险"),
                promise_signed: true,
            },
        ),
        ("compare", Action::Compare(ok("比对无异常"))),
        ("compare:reject", Action::Compare(no("有财政供养人员"))),
        ("village", Action::VillageReview(ok("评议通过"))),
        ("village:reject", Action::VillageReview(no("评议未通过"))),
        ("notice", Action::CloseNotice(ok("无异议"))),
        ("notice:reject", Action::CloseNotice(no("异议成立"))),
        ("township", Action::TownshipReview(ok("同意"))),
        ("township:reject", Action::TownshipReview(no("材料不全"))),
        ("county", Action::CountyApproval(ok("同意纳入"))),
        ("county:reject", Action::CountyApproval(no("不符合条件"))),
        ("green", Action::GreenChannel(remark("洪灾"))),
        ("withdraw", Action::Withdraw(remark("农户撤回申请"))),
        ("rollback", Action::RollBack(remark("收入不稳定"))),
    ]
}

fn rules(cal: &WorkCalendar, green: bool) -> Rules<'_> {
    Rules {
        notice: Period::calendar(5),
        calendar: cal,
        green_channel_allowed: green,
    }
}

/// Drives a case through `names` (each a week apart), panicking on a refusal.
fn drive(kind: CaseKind, names: &[&str]) -> CaseState {
    let cal = WorkCalendar::weekends_only();
    let all = actions();
    let mut s = CaseState::open(kind, d("2022-03-01"));
    let mut day = d("2022-03-01");
    for n in names {
        day += Duration::days(7);
        let a = &all.iter().find(|(name, _)| name == n).unwrap().1;
        s = s.apply(a, day, &rules(&cal, true)).unwrap();
    }
    s
}

fn describe(s: &CaseState) -> String {
    let mut t = format!("{}", s.stage);
    if s.compared_on.is_some() && s.stage == Stage::HomeVisit {
        t.push_str("(已比对)");
    }
    t
}

/// The exhaustive table: every state the machine can reach (by kind), every action. Each line is
/// `kind | state | action => next state` or `=> 拒绝 code：reason`.
fn table() -> String {
    use CaseKind::*;
    let states: Vec<(CaseKind, Vec<&str>)> = vec![
        (Identification, vec![]),
        (Identification, vec!["compare"]),
        (Identification, vec!["visit+promise"]),
        (Identification, vec!["visit+promise", "compare"]),
        (Identification, vec!["visit+promise", "compare", "village"]),
        (
            Identification,
            vec!["visit+promise", "compare", "village", "notice"],
        ),
        (
            Identification,
            vec!["visit+promise", "compare", "village", "notice", "township"],
        ),
        (
            Identification,
            vec![
                "visit+promise",
                "compare",
                "village",
                "notice",
                "township",
                "county",
            ],
        ),
        (Identification, vec!["visit:reject"]),
        (Identification, vec!["withdraw"]),
        (Elimination, vec![]),
        (Elimination, vec!["visit+promise"]),
        (Elimination, vec!["visit+promise", "village"]),
        (Elimination, vec!["visit+promise", "village", "notice"]),
        (
            Elimination,
            vec!["visit+promise", "village", "notice", "township"],
        ),
        (
            Elimination,
            vec!["visit+promise", "village", "notice", "township", "county"],
        ),
        (
            Elimination,
            vec![
                "visit+promise",
                "village",
                "notice",
                "township",
                "county",
                "rollback",
            ],
        ),
        (
            Elimination,
            vec!["visit+promise", "village", "notice", "township:reject"],
        ),
    ];
    let cal = WorkCalendar::weekends_only();
    let mut out = String::new();
    for (kind, path) in states {
        let s = drive(kind, &path);
        s.check().unwrap();
        let on = s.last_on + Duration::days(7);
        for (name, a) in actions() {
            let result = match s.apply(&a, on, &rules(&cal, true)) {
                Ok(n) => {
                    n.check().unwrap_or_else(|e| panic!("{kind} {name}: {e}"));
                    format!("=> {}", describe(&n))
                }
                Err(r) => format!("=> 拒绝 {}：{r}", r.code()),
            };
            out.push_str(&format!("{kind} | {} | {name} {result}\n", describe(&s)));
        }
    }
    out
}

const EXPECTED: &str = include_str!("transitions.txt");

#[test]
fn every_transition_allowed_or_refused_with_a_reason() {
    let got = table();
    if got != EXPECTED {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/monitoring/workflow/transitions.new.txt"
        );
        std::fs::write(path, &got).unwrap();
        panic!("the transition table changed: review {path} and move it over transitions.txt");
    }
}

#[test]
fn notice_must_last_the_policy_period() {
    let cal = WorkCalendar::weekends_only();
    let s = drive(
        CaseKind::Identification,
        &["visit+promise", "compare", "village"],
    );
    let from = s.notice_from.unwrap();
    let close = Action::CloseNotice(ok("无异议"));
    let r = s.apply(&close, from + Duration::days(4), &rules(&cal, false));
    assert_eq!(
        r.err().map(|e| e.to_string()).as_deref(),
        Some("公示自2022-03-22起须满5个自然日，最早2022-03-27才能结束")
    );
    assert!(
        s.apply(&close, from + Duration::days(5), &rules(&cal, false))
            .is_ok()
    );
    // An objection may end the notice at any time.
    assert!(
        s.apply(
            &Action::CloseNotice(no("异议成立")),
            from,
            &rules(&cal, false)
        )
        .is_ok()
    );
    // Counted in working days: 2022-03-22 (Tue) + 5 working days is 03-29.
    let working = Rules {
        notice: Period::working(5),
        ..rules(&cal, false)
    };
    assert!(s.apply(&close, d("2022-03-28"), &working).is_err());
    assert!(s.apply(&close, d("2022-03-29"), &working).is_ok());
}

#[test]
fn green_channel_dates_and_refusals() {
    let cal = WorkCalendar::weekends_only();
    let s = CaseState::open(CaseKind::Identification, d("2022-07-01"));
    let green = Action::GreenChannel(remark("洪灾"));
    assert_eq!(
        s.apply(&green, d("2022-07-01"), &rules(&cal, false)),
        Err(Refusal::GreenChannelNotAllowed)
    );
    let g = s
        .apply(&green, d("2022-07-01"), &rules(&cal, true))
        .unwrap();
    assert_eq!(
        (g.stage, g.green_channel_on),
        (Stage::HomeVisit, Some(d("2022-07-01")))
    );
    assert_eq!(
        g.apply(&green, d("2022-07-02"), &rules(&cal, true)),
        Err(Refusal::GreenChannelAlready {
            on: d("2022-07-01")
        })
    );
    // A step may not be dated before the last one.
    let visit = Action::Visit {
        decision: ok("属实"),
        promise_signed: true,
    };
    assert_eq!(
        g.apply(&visit, d("2022-06-30"), &rules(&cal, true)),
        Err(Refusal::BeforeLastStep {
            last: d("2022-07-01")
        })
    );
    assert_eq!(
        Remark::parse("驳回理由", "  ")
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("驳回理由不能为空")
    );
}

fn any_action() -> impl Strategy<Value = Action> {
    (0usize..16).prop_map(|i| actions().swap_remove(i).1)
}

proptest! {
    /// No sequence of actions, on any dates, leaves a case in a state the machine does not
    /// define; a closed case stays closed (an approved elimination may only be rolled back).
    #[test]
    fn no_sequence_reaches_an_undefined_state(
        identification in any::<bool>(),
        green in any::<bool>(),
        steps in proptest::collection::vec((any_action(), 0i64..9), 0..30),
    ) {
        let cal = WorkCalendar::weekends_only();
        let kind = if identification { CaseKind::Identification } else { CaseKind::Elimination };
        let mut s = CaseState::open(kind, d("2022-01-03"));
        let mut day = d("2022-01-03");
        for (a, gap) in steps {
            day += Duration::days(gap);
            match s.apply(&a, day, &rules(&cal, green)) {
                Ok(next) => {
                    prop_assert!(next.check().is_ok(), "{:?} after {:?}: {:?}", next, a, next.check());
                    if s.stage.is_closed() {
                        prop_assert_eq!((s.stage, next.stage), (Stage::Approved, Stage::RolledBack));
                    }
                    prop_assert!(stage_order(next.stage) >= stage_order(s.stage) || next.stage.is_closed());
                    s = next;
                }
                Err(r) => prop_assert!(!r.to_string().is_empty()),
            }
        }
    }
}

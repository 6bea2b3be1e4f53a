//! When each step of a case is due, and the whole procedure (DOMAIN §7): computed from the
//! policy's periods in its working-day calendar.

use chrono::NaiveDate;
use serde::Serialize;

use crate::policy::{Period, Policy, WholeFrom, WorkCalendar};

use super::clue::Channel;
use super::workflow::{CaseKind, CaseState, Stage};

/// The due days of a case in its current state (none once it is closed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseDue {
    /// The current step.
    pub step: Option<NaiveDate>,
    /// The whole identification (from the clue or the visit, as the policy says).
    pub whole: Option<NaiveDate>,
}

impl CaseDue {
    /// The earlier of the two: what the case is late against first.
    pub fn next(&self) -> Option<NaiveDate> {
        match (self.step, self.whole) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Past its due day (the due day itself is still on time).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.next().is_some_and(|d| today > d)
    }
}

/// The period of the first step: a department warning must be verified within its own period.
pub fn visit_period(policy: &Policy, channel: Channel) -> Period {
    match channel {
        Channel::DepartmentWarning => policy.deadlines.warning_verification,
        _ => policy.deadlines.home_visit,
    }
}

/// Due days of `state` under `policy`, counted in `calendar` (the policy's, merged with the next
/// year's when a deadline may cross the new year).
pub fn due(
    state: &CaseState,
    policy: &Policy,
    calendar: &WorkCalendar,
    channel: Channel,
) -> CaseDue {
    if state.stage.is_closed() {
        return CaseDue::default();
    }
    let d = &policy.deadlines;
    let add = |from: NaiveDate, p: Period| calendar.add(from, p);
    let step = match state.stage {
        Stage::HomeVisit => {
            let visit = add(state.opened_on, visit_period(policy, channel));
            match (state.kind, state.compared_on) {
                (CaseKind::Identification, None) => {
                    Some(visit.min(add(state.opened_on, d.comparison)))
                }
                _ => Some(visit),
            }
        }
        Stage::Comparison => Some(add(state.opened_on, d.comparison)),
        Stage::VillageReview => Some(add(state.stage_since, d.village_review)),
        Stage::PublicNotice => state.notice_from.map(|f| add(f, policy.notice)),
        Stage::TownshipReview => Some(add(state.stage_since, d.township_review)),
        Stage::CountyApproval => Some(add(state.stage_since, d.county_approval)),
        _ => None,
    };
    let whole = match (state.kind, d.whole_from) {
        (CaseKind::Elimination, _) => None,
        (_, WholeFrom::Clue) => Some(add(state.opened_on, d.whole)),
        (_, WholeFrom::Visit) => state.visited_on.map(|v| add(v, d.whole)),
    };
    CaseDue { step, whole }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::area::AreaCode;
    use crate::monitoring::workflow::{Action, Decision, Remark, Rules};
    use crate::year::PolicyYear;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn gansu_2022() -> Policy {
        let text = crate::policy::shipped(
            AreaCode::parse("62").unwrap(),
            PolicyYear::new(2022).unwrap(),
        )
        .unwrap();
        Policy::parse(text).unwrap()
    }

    fn ok() -> Decision {
        Decision::Approve(Remark::parse("意见", "同意").unwrap())
    }

    /// (clue day, channel, steps as (action, day), expected (step due, whole due)).
    #[test]
    fn deadlines_in_the_gansu_2022_calendar() {
        let p = gansu_2022();
        let cal = p.calendar.clone();
        let rules = Rules {
            notice: p.notice,
            calendar: &cal,
            green_channel_allowed: true,
        };
        let visit = Action::Visit {
            decision: ok(),
            promise_signed: true,
        };
        let compare = Action::Compare(ok());
        let village = Action::VillageReview(ok());
        let notice = Action::CloseNotice(ok());
        let township = Action::TownshipReview(ok());
        type Case<'a> = (
            &'a str,
            Channel,
            Vec<(&'a Action, &'a str)>,
            (Option<&'a str>, Option<&'a str>),
        );
        let cases: Vec<Case> = vec![
            // Thursday before the Spring Festival: 5 working days reach over the make-up weekend
            // (01-29, 01-30) and the holiday to 02-08.
            (
                "2022-01-27",
                Channel::Application,
                vec![],
                (Some("2022-02-08"), None),
            ),
            // A department warning has 7 working days.
            (
                "2022-01-27",
                Channel::DepartmentWarning,
                vec![],
                (Some("2022-02-08"), None),
            ),
            (
                "2022-03-01",
                Channel::DepartmentWarning,
                vec![],
                (Some("2022-03-08"), None),
            ),
            // Visit done on 03-02 (Wed): comparison still due 03-08; whole = 03-02 + 15 working
            // days = 03-23.
            (
                "2022-03-01",
                Channel::Application,
                vec![(&visit, "2022-03-02")],
                (Some("2022-03-08"), Some("2022-03-23")),
            ),
            // Both done: village review 3 working days from 03-04 (Fri) = 03-09.
            (
                "2022-03-01",
                Channel::Application,
                vec![(&visit, "2022-03-02"), (&compare, "2022-03-04")],
                (Some("2022-03-09"), Some("2022-03-23")),
            ),
            // Notice from 09-28: 5 calendar days = 10-03 (calendar days ignore the holiday).
            (
                "2022-09-20",
                Channel::VisitFinding,
                vec![
                    (&visit, "2022-09-21"),
                    (&compare, "2022-09-21"),
                    (&village, "2022-09-28"),
                ],
                (Some("2022-10-03"), Some("2022-10-17")),
            ),
            // Township review from 10-03, in the National Day holiday: 3 working days are the
            // make-up weekend 10-08, 10-09 and Monday 10-10.
            (
                "2022-09-20",
                Channel::VisitFinding,
                vec![
                    (&visit, "2022-09-21"),
                    (&compare, "2022-09-21"),
                    (&village, "2022-09-28"),
                    (&notice, "2022-10-03"),
                ],
                (Some("2022-10-10"), Some("2022-10-17")),
            ),
            (
                "2022-09-20",
                Channel::VisitFinding,
                vec![
                    (&visit, "2022-09-21"),
                    (&compare, "2022-09-21"),
                    (&village, "2022-09-28"),
                    (&notice, "2022-10-03"),
                    (&township, "2022-10-10"),
                ],
                (Some("2022-10-13"), Some("2022-10-17")),
            ),
        ];
        for (opened, channel, steps, (step, whole)) in cases {
            let mut s = CaseState::open(CaseKind::Identification, d(opened));
            for (a, day) in &steps {
                s = s.apply(a, d(day), &rules).unwrap();
            }
            let due = due(&s, &p, &cal, channel);
            assert_eq!(
                (due.step, due.whole),
                (step.map(d), whole.map(d)),
                "{opened} {channel} after {} steps",
                steps.len()
            );
            let next = due.next().unwrap();
            assert!(!due.is_overdue(next));
            assert!(due.is_overdue(next + Duration::days(1)));
        }
    }
}

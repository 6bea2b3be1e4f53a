//! Who may do what in the monitoring lifecycle: the one table of permission checks.
//!
//! Until users carry a role, the level of the caller's area stands for it (a village cadre's area
//! is a village, a township officer's a township, the county bureau's a county; prefectures and
//! the province read). When roles arrive, [`allow`] is the one function to extend: e.g. a
//! `Role::CountyOfficer` may approve, a `Role::Auditor` may only read.

use zhenxing_domain::AreaLevel;
use zhenxing_domain::monitoring::ActionKind;

use super::{Caller, MonitoringFailure};

/// Something a caller does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Store a new version of a province's policy.
    ManagePolicy,
    RecordClue,
    RecordVisit,
    EditPlan,
    ProposeElimination,
    /// Screen a department's file (its clues enter identification in the counties).
    Screen,
    /// A step of a case.
    Step(ActionKind),
}

impl Act {
    fn label(self) -> &'static str {
        match self {
            Act::ManagePolicy => "修改政策参数",
            Act::RecordClue => "登记线索",
            Act::RecordVisit => "登记走访",
            Act::EditPlan => "制定帮扶计划",
            Act::ProposeElimination => "申请风险消除",
            Act::Screen => "筛查部门数据",
            Act::Step(a) => a.label(),
        }
    }

    /// The levels whose users may do it.
    fn levels(self) -> &'static [AreaLevel] {
        use AreaLevel::*;
        match self {
            Act::ManagePolicy => &[Province],
            Act::Screen => &[Province, City, County],
            Act::RecordClue | Act::RecordVisit | Act::EditPlan | Act::ProposeElimination => {
                &[County, Township, Village]
            }
            Act::Step(a) => match a {
                ActionKind::Visit
                | ActionKind::Compare
                | ActionKind::VillageReview
                | ActionKind::CloseNotice
                | ActionKind::Withdraw => &[County, Township, Village],
                ActionKind::TownshipReview => &[Township],
                ActionKind::CountyApproval | ActionKind::RollBack => &[County],
                ActionKind::GreenChannel => &[County, Township],
            },
        }
    }
}

/// Whether `caller` may do `act` (the area itself is checked by the store's scope).
pub fn allow(caller: &Caller, act: Act) -> Result<(), MonitoringFailure> {
    let Some(level) = caller.level() else {
        return Ok(());
    };
    if act.levels().contains(&level) {
        return Ok(());
    }
    let allowed: Vec<&str> = act.levels().iter().map(|l| l.label()).collect();
    Err(MonitoringFailure::Forbidden {
        action: act.label(),
        why: format!(
            "应由{}级用户办理，您属于{}级",
            allowed.join("、"),
            level.label()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhenxing_domain::{AreaCode, Scope};
    use zhenxing_store::Actor;

    fn at(code: &str) -> Caller {
        Caller {
            actor: Actor {
                user_id: None,
                name: "测试".into(),
            },
            scope: Scope::Area(AreaCode::parse(code).unwrap()),
        }
    }

    #[test]
    fn table() {
        let village = at("620102010201");
        let township = at("620102010");
        let county = at("620102");
        let province = at("62");
        // (caller, act, allowed)
        let cases = [
            (&village, Act::RecordClue, true),
            (&village, Act::Step(ActionKind::Visit), true),
            (&village, Act::Step(ActionKind::TownshipReview), false),
            (&township, Act::Step(ActionKind::TownshipReview), true),
            (&county, Act::Step(ActionKind::TownshipReview), false),
            (&county, Act::Step(ActionKind::CountyApproval), true),
            (&township, Act::Step(ActionKind::CountyApproval), false),
            (&village, Act::Step(ActionKind::GreenChannel), false),
            (&county, Act::Step(ActionKind::RollBack), true),
            (&province, Act::ManagePolicy, true),
            (&county, Act::ManagePolicy, false),
            (&province, Act::RecordClue, false),
            (&province, Act::Screen, true),
            (&county, Act::Screen, true),
            (&township, Act::Screen, false),
        ];
        for (caller, act, allowed) in cases {
            assert_eq!(
                allow(caller, act).is_ok(),
                allowed,
                "{:?} {act:?}",
                caller.scope
            );
        }
        assert!(allow(&Caller::command_line(), Act::ManagePolicy).is_ok());
        assert_eq!(
            allow(&village, Act::Step(ActionKind::CountyApproval))
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("无权县级审批：应由县(市、区)级用户办理，您属于村(社区)级")
        );
    }
}

//! Who may do what in the monitoring lifecycle: the one table of permission checks, by the
//! caller's role (DOMAIN §1). Village cadres and work teams find and verify (clues, visits, the
//! village's steps, plans, proposals); township officers review; the county bureau approves and
//! rolls back; the province administrator keeps the policy; department operators send warnings;
//! city and province readers, department operators and auditors otherwise only read. Reading
//! needs no entry here: every read is bounded by the caller's area.
//!
//! The area itself is checked by the store's scope, and the role's level by the user's area
//! (`Role::levels`), so the table names roles only.

use zhenxing_domain::Role;
use zhenxing_domain::monitoring::ActionKind;

use super::{Caller, MonitoringFailure, Party};

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
    /// Turn a list of disaster victims into clues on the green channel.
    IncludeDisasterList,
    /// A step of a case.
    Step(ActionKind),
}

impl Act {
    pub fn label(self) -> &'static str {
        match self {
            Act::ManagePolicy => "修改政策参数",
            Act::RecordClue => "登记线索",
            Act::RecordVisit => "登记走访",
            Act::EditPlan => "制定帮扶计划",
            Act::ProposeElimination => "申请风险消除",
            Act::Screen => "筛查部门数据",
            Act::IncludeDisasterList => "导入受灾户名单",
            Act::Step(a) => a.label(),
        }
    }

    /// The roles that may do it.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        // Those who work with the households themselves, from the village up to the county.
        const FIELD: &[Role] = &[
            VillageCadre,
            TeamMember,
            TownshipOfficer,
            CountyOfficer,
            CountyAdmin,
        ];
        const COUNTY: &[Role] = &[CountyOfficer, CountyAdmin];
        match self {
            Act::ManagePolicy => &[ProvinceAdmin],
            Act::RecordClue => &[
                VillageCadre,
                TeamMember,
                TownshipOfficer,
                CountyOfficer,
                CountyAdmin,
                DepartmentOperator,
            ],
            Act::RecordVisit | Act::EditPlan | Act::ProposeElimination => FIELD,
            Act::Screen => &[
                ProvinceAdmin,
                CityAdmin,
                CountyAdmin,
                CountyOfficer,
                DepartmentOperator,
            ],
            Act::IncludeDisasterList => &[TownshipOfficer, CountyOfficer, CountyAdmin],
            Act::Step(a) => match a {
                ActionKind::Visit
                | ActionKind::Compare
                | ActionKind::VillageReview
                | ActionKind::CloseNotice
                | ActionKind::Withdraw => FIELD,
                ActionKind::TownshipReview => &[TownshipOfficer],
                ActionKind::CountyApproval | ActionKind::RollBack => COUNTY,
                ActionKind::GreenChannel => &[TownshipOfficer, CountyOfficer, CountyAdmin],
            },
        }
    }
}

/// Whether `caller` may do `act` (for pages: what to offer).
pub fn may(caller: &Caller, act: Act) -> bool {
    allow(caller, act).is_ok()
}

/// Whether `caller` may do `act`; `Err` says who may.
pub fn allow(caller: &Caller, act: Act) -> Result<(), MonitoringFailure> {
    let who = match caller.party {
        Party::Operator => return Ok(()),
        Party::Applicant if act == Act::RecordClue => return Ok(()),
        Party::Applicant => "网上申请的农户",
        Party::User(role) if act.roles().contains(&role) => return Ok(()),
        Party::User(role) => role.label(),
    };
    let allowed: Vec<&str> = act.roles().iter().map(|r| r.label()).collect();
    Err(MonitoringFailure::Forbidden {
        action: act.label(),
        why: format!("应由{}办理，您是{who}", allowed.join("、")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhenxing_domain::{AreaCode, Scope};
    use zhenxing_store::Actor;

    fn as_role(role: Role, code: &str) -> Caller {
        Caller::user(
            Actor {
                user_id: None,
                name: "测试".into(),
            },
            role,
            AreaCode::parse(code).unwrap(),
        )
    }

    #[test]
    fn table() {
        let cadre = as_role(Role::VillageCadre, "620102010201");
        let team = as_role(Role::TeamMember, "620102010201");
        let township = as_role(Role::TownshipOfficer, "620102010");
        let officer = as_role(Role::CountyOfficer, "620102");
        let admin = as_role(Role::CountyAdmin, "620102");
        let auditor = as_role(Role::Auditor, "620102");
        let department = as_role(Role::DepartmentOperator, "620102");
        let city = as_role(Role::CityAdmin, "6201");
        let province = as_role(Role::ProvinceAdmin, "62");
        // (caller, act, allowed)
        let cases = [
            (&cadre, Act::RecordClue, true),
            (&team, Act::RecordVisit, true),
            (&cadre, Act::Step(ActionKind::Visit), true),
            (&cadre, Act::Step(ActionKind::TownshipReview), false),
            (&cadre, Act::Step(ActionKind::GreenChannel), false),
            (&cadre, Act::IncludeDisasterList, false),
            (&township, Act::Step(ActionKind::TownshipReview), true),
            (&township, Act::Step(ActionKind::CountyApproval), false),
            (&township, Act::Step(ActionKind::GreenChannel), true),
            (&officer, Act::Step(ActionKind::TownshipReview), false),
            (&officer, Act::Step(ActionKind::CountyApproval), true),
            (&admin, Act::Step(ActionKind::RollBack), true),
            (&admin, Act::ManagePolicy, false),
            (&province, Act::ManagePolicy, true),
            (&province, Act::RecordClue, false),
            (&city, Act::RecordClue, false),
            (&department, Act::RecordClue, true),
            (&department, Act::Step(ActionKind::Visit), false),
            (&province, Act::Screen, true),
            (&department, Act::Screen, true),
            (&officer, Act::Screen, true),
            (&township, Act::Screen, false),
            (&cadre, Act::Screen, false),
        ];
        for (caller, act, allowed) in cases {
            assert_eq!(
                allow(caller, act).is_ok(),
                allowed,
                "{:?} {act:?}",
                caller.party
            );
        }
        // An auditor only reads: nothing of the lifecycle is theirs to do.
        for act in [
            Act::ManagePolicy,
            Act::RecordClue,
            Act::RecordVisit,
            Act::EditPlan,
            Act::ProposeElimination,
            Act::IncludeDisasterList,
            Act::Screen,
        ]
        .into_iter()
        .chain(ActionKind::ALL.iter().map(|a| Act::Step(*a)))
        {
            assert!(!may(&auditor, act), "{act:?}");
        }
        assert!(allow(&Caller::command_line(), Act::ManagePolicy).is_ok());
        let applicant = Caller {
            actor: Actor::command_line(),
            scope: Scope::Area(AreaCode::parse("620102010201").unwrap()),
            party: Party::Applicant,
        };
        assert!(may(&applicant, Act::RecordClue));
        assert!(!may(&applicant, Act::Step(ActionKind::Visit)));
        assert_eq!(
            allow(&cadre, Act::Step(ActionKind::CountyApproval))
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("无权县级审批：应由县级业务人员、县级管理员办理，您是村干部")
        );
    }
}

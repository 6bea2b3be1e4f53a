//! Users' roles (DOMAIN §1) and what each may do. The checks themselves run in the app layer;
//! the decisions are here, in one table.

use std::fmt;

use crate::area::AreaLevel;
use crate::labelled_enum;

labelled_enum!(
    /// A user's role. Each user has one role and one area.
    Role, "角色" {
        ProvinceAdmin = 1 => "省级管理员",
        CityAdmin = 2 => "市级管理员",
        CountyAdmin = 3 => "县级管理员",
        CountyOfficer = 4 => "县级业务人员",
        TownshipOfficer = 5 => "乡镇业务人员",
        VillageCadre = 6 => "村干部",
        TeamMember = 7 => "驻村工作队员",
        DepartmentOperator = 8 => "部门数据操作员",
        Auditor = 9 => "审计员",
    }
);

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the registry of the user's area (masked).
    ReadRegistry,
    /// See whole ID numbers and phones on request (each view is audited).
    SeeWholePersonalData,
    /// Import ledgers (change the registry).
    Import,
    /// Export ledgers (masked).
    Export,
    /// Add, disable and reset users within the area.
    AdministerUsers,
    /// Read the audit log of the area.
    ReadAudit,
    /// Issue (freeze) a dispatch report of the area.
    IssueReport,
    /// Publish policies and work news (政策文件, 工作动态) to the area.
    Publish,
    /// Check in for the day (驻村考勤): those who work in a village.
    CheckIn,
    /// Supervise the work below within the area: set the counties' annual targets (务工就业
    /// 目标下达: the province and the cities hand them down, a county bureau enters its own)
    /// and check the work teams by phone (电话抽查).
    Supervise,
    /// Approve or refuse the leave of those who check in within the area (请假审批).
    ApproveLeave,
}

impl Role {
    /// The name used on the command line and in the API.
    pub fn cli_name(self) -> &'static str {
        match self {
            Role::ProvinceAdmin => "province_admin",
            Role::CityAdmin => "city_admin",
            Role::CountyAdmin => "county_admin",
            Role::CountyOfficer => "county_officer",
            Role::TownshipOfficer => "township_officer",
            Role::VillageCadre => "village_cadre",
            Role::TeamMember => "team_member",
            Role::DepartmentOperator => "department_operator",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_cli_name(name: &str) -> Option<Role> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.cli_name() == name.trim())
    }

    /// The levels of area a user of this role may belong to.
    pub fn levels(self) -> &'static [AreaLevel] {
        use AreaLevel::*;
        match self {
            Role::ProvinceAdmin => &[Province],
            Role::CityAdmin => &[City],
            Role::CountyAdmin | Role::CountyOfficer => &[County],
            Role::TownshipOfficer => &[Township],
            Role::VillageCadre | Role::TeamMember => &[Village],
            Role::DepartmentOperator | Role::Auditor => &[Province, City, County],
        }
    }

    /// Whether this role may do `p`. The one table of permissions.
    ///
    /// Whole ID numbers and phones: only those who work with the households themselves (the
    /// county bureau, township officers, village cadres and work teams). Statistics readers
    /// (province, city), department operators and auditors see them masked.
    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            ReadRegistry | Export => true,
            SeeWholePersonalData => matches!(
                self,
                CountyAdmin | CountyOfficer | TownshipOfficer | VillageCadre | TeamMember
            ),
            Import => matches!(self, CountyAdmin | CountyOfficer | TownshipOfficer),
            AdministerUsers => matches!(self, ProvinceAdmin | CityAdmin | CountyAdmin),
            ReadAudit => matches!(self, Auditor),
            IssueReport => matches!(
                self,
                ProvinceAdmin | CityAdmin | CountyAdmin | CountyOfficer
            ),
            Publish => matches!(
                self,
                ProvinceAdmin | CityAdmin | CountyAdmin | CountyOfficer | TownshipOfficer
            ),
            CheckIn => matches!(self, TeamMember | VillageCadre),
            Supervise => matches!(
                self,
                ProvinceAdmin | CityAdmin | CountyAdmin | CountyOfficer
            ),
            ApproveLeave => matches!(
                self,
                ProvinceAdmin | CityAdmin | CountyAdmin | CountyOfficer | TownshipOfficer
            ),
        }
    }

    /// Whether an administrator of this role may give `other` to a user (roles that administer
    /// users are given only by an administrator of a higher level or the command line).
    pub fn may_assign(self, other: Role) -> bool {
        if !self.may(Permission::AdministerUsers) {
            return false;
        }
        match other {
            Role::ProvinceAdmin => false,
            Role::CityAdmin => self == Role::ProvinceAdmin,
            Role::CountyAdmin => matches!(self, Role::ProvinceAdmin | Role::CityAdmin),
            _ => true,
        }
    }
}

/// Why a role and an area do not go together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAreaMismatch {
    pub role: Role,
    pub level: AreaLevel,
}

impl fmt::Display for RoleAreaMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let allowed: Vec<&str> = self.role.levels().iter().map(|l| l.label()).collect();
        write!(
            f,
            "角色“{}”的所属区划应为{}级，不能是{}级",
            self.role.label(),
            allowed.join("、"),
            self.level.label()
        )
    }
}

impl std::error::Error for RoleAreaMismatch {}

impl Role {
    pub fn check_level(self, level: AreaLevel) -> Result<(), RoleAreaMismatch> {
        if self.levels().contains(&level) {
            Ok(())
        } else {
            Err(RoleAreaMismatch { role: self, level })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn permission_table() {
        // (role, whole personal data, import, administer users, audit, issue reports, publish)
        let table = [
            (Role::ProvinceAdmin, false, false, true, false, true, true),
            (Role::CityAdmin, false, false, true, false, true, true),
            (Role::CountyAdmin, true, true, true, false, true, true),
            (Role::CountyOfficer, true, true, false, false, true, true),
            (Role::TownshipOfficer, true, true, false, false, false, true),
            (Role::VillageCadre, true, false, false, false, false, false),
            (Role::TeamMember, true, false, false, false, false, false),
            (
                Role::DepartmentOperator,
                false,
                false,
                false,
                false,
                false,
                false,
            ),
            (Role::Auditor, false, false, false, true, false, false),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, whole, import, admin, audit, report, publish) in table {
            let got = (
                role.may(SeeWholePersonalData),
                role.may(Import),
                role.may(AdministerUsers),
                role.may(ReadAudit),
                role.may(IssueReport),
                role.may(Publish),
            );
            assert_eq!(
                got,
                (whole, import, admin, audit, report, publish),
                "{role:?}"
            );
            assert!(role.may(ReadRegistry));
            assert_eq!(
                role.may(CheckIn),
                matches!(role, Role::TeamMember | Role::VillageCadre),
                "{role:?}"
            );
            assert_eq!(
                role.may(Supervise),
                matches!(
                    role,
                    Role::ProvinceAdmin | Role::CityAdmin | Role::CountyAdmin | Role::CountyOfficer
                ),
                "{role:?}"
            );
            assert_eq!(
                role.may(ApproveLeave),
                role.may(Supervise) || role == Role::TownshipOfficer,
                "{role:?}"
            );
            assert_eq!(Role::from_cli_name(role.cli_name()), Some(role));
        }
    }

    #[test]
    fn levels_and_assignment() {
        assert!(Role::CountyAdmin.check_level(AreaLevel::County).is_ok());
        let e = Role::VillageCadre.check_level(AreaLevel::County).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("角色“村干部”的所属区划应为村(社区)级，不能是县(市、区)级")
        );
        assert!(!Role::CountyAdmin.may_assign(Role::CountyAdmin));
        assert!(Role::CityAdmin.may_assign(Role::CountyAdmin));
        assert!(Role::CountyAdmin.may_assign(Role::VillageCadre));
        assert!(!Role::Auditor.may_assign(Role::VillageCadre));
        assert_eq!(Role::from_cli_name("root"), None);
    }
}

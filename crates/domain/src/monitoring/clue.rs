//! Clues (线索): how a risk is found (DOMAIN §6). A clue is about a registered household or one
//! not yet registered; its evidence says where it came from (the applicant, the visiting cadre,
//! or a department's rule with its figures and the matched members).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::area::AreaCode;
use crate::household::{HouseholdType, RiskTypes};
use crate::household_no::HouseholdNo;
use crate::id_number::IdNumber;
use crate::labelled_enum;

labelled_enum!(
    /// 发现渠道.
    Channel, "发现渠道" {
        Application = 1 => "农户自主申报" | "自主申报" | "申请",
        VisitFinding = 2 => "基层干部排查" | "干部排查" | "排查",
        DepartmentWarning = 3 => "部门筛查预警" | "部门预警" | "预警",
    }
);

/// A figure behind a clue, e.g. ("合规自付医疗费用", "38000.00元").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// Where a clue came from. Merged clues keep every piece.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub channel: Channel,
    /// Who reported it: the applicant, the cadre, the department (e.g. 县医保局).
    pub source: String,
    /// The screening rule that matched (department warnings).
    pub rule: Option<String>,
    pub figures: Vec<Figure>,
    /// Members matched by the rule (personal data: shown masked).
    pub members: Vec<IdNumber>,
    pub note: Option<String>,
    pub found_on: NaiveDate,
}

/// A household not yet in the registry, as the clue describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHousehold {
    pub village: AreaCode,
    pub head_name: String,
    pub head_id: IdNumber,
    pub size: u32,
    pub household_type: HouseholdType,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClueSubject {
    Registered(HouseholdNo),
    New(NewHousehold),
}

impl ClueSubject {
    /// The key two clues about the same household share (for merging duplicates).
    pub fn key(&self) -> String {
        match self {
            ClueSubject::Registered(no) => Self::household_key(no),
            ClueSubject::New(n) => format!("p:{}", n.head_id.as_str()),
        }
    }

    /// The key of a clue about the registered household `no`.
    pub fn household_key(no: &HouseholdNo) -> String {
        format!("h:{no}")
    }
}

/// A clue as entered: about whom, which risks, and the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueInput {
    pub subject: ClueSubject,
    pub risks: RiskTypes,
    /// 灾害种类, for a disaster.
    pub disaster_kind: Option<String>,
    pub evidence: Evidence,
}

labelled_enum!(
    ClueStatus, "线索状态" {
        Open = 1 => "待办理" | "办理中",
        Closed = 2 => "已办结",
    }
);

//! What the store hands back besides domain values.

use std::fmt;

use serde::Serialize;
use zhenxing_domain::{AreaCode, Household, HouseholdNo, Member};

/// Who does something: written with every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    /// The operator at the command line, who holds the database file itself.
    pub fn command_line() -> Actor {
        let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Actor {
            user_id: None,
            name: format!("命令行:{user}"),
        }
    }
}

/// Where an import's rows came from, kept with the import.
#[derive(Debug, Clone, Default)]
pub struct ImportSource {
    pub households_file: Option<String>,
    pub members_file: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub households_inserted: u64,
    pub households_updated: u64,
    pub households_unchanged: u64,
    pub members_inserted: u64,
    pub members_updated: u64,
    pub members_unchanged: u64,
    /// Members who left their households (a members ledger's 减少原因), removed.
    pub members_removed: u64,
    /// Households closed (a households ledger's 销户原因), their members leaving them.
    pub households_dissolved: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub started_at: String,
    pub actor: String,
    /// The area the import was confined to; for one from the command line (confined to none),
    /// the smallest area holding the villages of its rows. `None`: such an import read no row
    /// with a known village, or its rows lie in more than one province.
    pub scope: Option<AreaCode>,
    pub households_file: Option<String>,
    pub members_file: Option<String>,
    pub counts: ImportCounts,
    /// How many problem lines are kept with it (`None`: imported before they were kept).
    pub problems: Option<u64>,
}

impl ImportRecord {
    /// The files it read, "户.xlsx、成员.xlsx".
    pub fn files(&self) -> String {
        [
            self.households_file.as_deref(),
            self.members_file.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("、")
    }
}

/// A row of a file that was not taken, and why, kept with the import or screening batch that
/// read it: as the operator's report showed it (ID numbers and phones masked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub file: String,
    pub sheet: Option<String>,
    /// The row number as Excel shows it.
    pub row: u64,
    /// The column's header as the file writes it (empty for a whole row or household).
    pub column: String,
    pub value: String,
    /// Why, in Chinese.
    pub reason: String,
    /// What kind of problem: the reading's error code, or the use case's (`not_registered`,
    /// `outside_area`, ...).
    pub code: String,
}

/// The lines of a report to keep, made one at a time as they are written: a screening that
/// leaves millions of persons out keeps them compact until then.
pub trait ProblemLines: Send + Sync + std::fmt::Debug {
    fn count(&self) -> usize;
    /// Line `i` (0-based) of `count()`.
    fn line(&self, i: usize) -> RowProblem;
}

impl ProblemLines for Vec<RowProblem> {
    fn count(&self) -> usize {
        self.len()
    }

    fn line(&self, i: usize) -> RowProblem {
        self[i].clone()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Inserted,
    Updated,
    Unchanged,
    /// A member's row saying the person has left the household (人口减少): removed; a
    /// household's row saying it is closed (销户): closed, its members leaving it.
    Removed,
    Rejected(Rejection),
}

/// Why the store refused a row that parsed well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The village is outside the importing user's area.
    OutOfScope,
    /// The household number is registered in another county.
    HouseholdElsewhere,
    /// The member's household is neither in this import nor registered (in scope).
    UnknownHousehold,
    /// The person is registered in another household.
    PersonInOtherHousehold(Option<HouseholdNo>),
    /// A row saying the person has left a household they are not registered in.
    NotInHousehold {
        leaving: zhenxing_domain::LeaveReason,
    },
    /// A member's row for a household that is closed (销户).
    HouseholdClosed,
    /// A row closing a household whose identification or elimination case is open.
    OpenCase {
        kind: zhenxing_domain::monitoring::CaseKind,
        stage: zhenxing_domain::monitoring::Stage,
    },
    /// A household edited on its page that someone changed since the form was read: its
    /// version now.
    Stale { version: i64 },
}

impl Rejection {
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::OutOfScope => "out_of_scope",
            Rejection::HouseholdElsewhere => "household_elsewhere",
            Rejection::UnknownHousehold => "unknown_household",
            Rejection::PersonInOtherHousehold(_) => "person_in_other_household",
            Rejection::NotInHousehold { .. } => "not_in_household",
            Rejection::HouseholdClosed => "household_closed",
            Rejection::OpenCase { .. } => "open_case",
            Rejection::Stale { .. } => "stale",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::OutOfScope => write!(f, "所在村不在您的管辖范围内"),
            Rejection::HouseholdElsewhere => {
                write!(
                    f,
                    "该户编号已在其他县登记（户编号全国唯一），不能在本县导入：请核对户编号；如该户已迁入本县，须原县先为其销户（整户迁出）"
                )
            }
            Rejection::UnknownHousehold => write!(f, "户编号在户信息中不存在"),
            Rejection::PersonInOtherHousehold(Some(no)) => write!(f, "该人员已在户{no}中登记"),
            Rejection::PersonInOtherHousehold(None) => {
                write!(f, "该人员已在您管辖范围以外的其他户登记")
            }
            Rejection::NotInHousehold { leaving } => write!(
                f,
                "该人员登记在其他户，不在此户中，不能按“{leaving}”从此户减少：请核对户编号"
            ),
            Rejection::HouseholdClosed => write!(
                f,
                "该户已销户，不能登记成员：如该户恢复，请先导入其户信息（不填销户原因）"
            ),
            Rejection::OpenCase { kind, stage } => write!(
                f,
                "该户有未办结的{kind}案件（当前环节：{stage}），不能销户：请先办结或撤回该案件后再销户"
            ),
            Rejection::Stale { version } => write!(
                f,
                "该户在您打开修改页之后已被修改（现为第{version}版），本次修改未保存：请刷新后重新修改"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHousehold {
    pub county: AreaCode,
    pub household: Household,
    /// Closed (销户): why and the day.
    pub closed: Option<Closed>,
    /// Members registered (not the declared size).
    pub persons: u32,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
}

/// A closed household's closure (销户), as kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Closed {
    pub reason: zhenxing_domain::DissolveReason,
    pub on: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMember {
    pub county: AreaCode,
    pub member: Member,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum HistorySubject {
    Household,
    /// A member, named by masked ID number.
    Member(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub subject: HistorySubject,
    pub version: i64,
    pub changed_at: String,
    pub changed_by: String,
    pub changeset_id: i64,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// An issued dispatch report (调度报告).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportMeta {
    pub id: i64,
    pub area: AreaCode,
    pub as_of: chrono::NaiveDate,
    pub issued_at: String,
    pub issued_by: String,
}

/// Which areas' kept figures to read.
#[derive(Debug, Clone, Copy)]
pub enum AreaSet<'a> {
    /// An area and every area under it.
    Under(zhenxing_domain::AreaCode),
    /// These areas only.
    Only(&'a [zhenxing_domain::AreaCode]),
}

/// A household with its members and every recorded change, as one snapshot shows them.
#[derive(Debug, Clone)]
pub struct HouseholdRecord {
    pub household: StoredHousehold,
    pub members: Vec<StoredMember>,
    pub history: Vec<HistoryEntry>,
    /// Closed here and registered under its number in another county now (it moved there).
    pub registered_elsewhere: bool,
}

/// The current figures of some areas, read in one snapshot: the kept counts and histograms of
/// the areas, and the villages' overdue cases under one area.
#[derive(Debug, Clone, Default)]
pub struct CurrentFigures {
    pub counts: Vec<(zhenxing_domain::AreaCode, zhenxing_domain::stats::Counts)>,
    pub approvals: Vec<(
        zhenxing_domain::AreaCode,
        zhenxing_domain::stats::Timeliness,
    )>,
    pub overdue_villages: Vec<(zhenxing_domain::AreaCode, u64)>,
}

/// A published post (政策文件, 工作动态).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPost {
    pub id: i64,
    /// The area it was published to (its author's).
    pub area: AreaCode,
    pub post: zhenxing_domain::post::Post,
    pub author: String,
    pub created_at: String,
}

/// A person's word for a day (驻村考勤).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkin {
    pub user_id: i64,
    pub day: chrono::NaiveDate,
    pub area: AreaCode,
    pub kind: zhenxing_domain::attendance::CheckinKind,
    pub note: Option<String>,
    pub at: String,
}

/// A day's work log ([`crate::Store::work_logs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkLog {
    pub user_id: i64,
    pub day: chrono::NaiveDate,
    pub area: AreaCode,
    pub body: String,
    /// The households visited, by number.
    pub households: Vec<String>,
    pub at: String,
    /// How many photos it has (numbered from 1).
    pub photos: u32,
}

/// A village's labour of one group ([`crate::Store::labour_by_village`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VillageLabour {
    pub village: AreaCode,
    /// Ex-poor households' (脱贫户, monitored or not); else monitoring objects' that are not.
    pub ex_poor: bool,
    pub labour: u64,
    pub migrant: u64,
    pub welfare_job: u64,
    /// In migrant work and in a public-welfare job both.
    pub both: u64,
}

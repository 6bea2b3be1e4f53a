//! The domain of zhenxing: the values every other layer speaks in.
//!
//! Everything here is pure (no IO, no async, no database or HTTP types). Values are parsed once at
//! the edge (`AreaCode::parse`, `IdNumber::parse`, `Money::parse_yuan`, ...) and are valid by
//! construction afterwards.
#![forbid(unsafe_code)]

pub mod area;
pub mod attendance;
pub mod audit;
pub mod construction;
pub mod cooperation;
pub mod date;
pub mod division;
pub mod employment;
pub mod error;
pub mod household;
pub mod household_no;
pub mod id_number;
pub mod key_county;
pub mod labels;
pub mod loan;
pub mod member;
pub mod money;
pub mod monitoring;
pub mod policy;
pub mod post;
pub mod project;
pub mod registry_check;
pub mod relocation;
pub mod role;
pub mod screening;
pub mod stats;
pub mod work_team;
pub mod year;

pub use area::{AreaCode, AreaLevel, Scope};
pub use date::LedgerDate;
pub use division::{Division, DivisionTree};
pub use error::ParseError;
pub use household::{
    Dissolution, DissolveReason, EliminationMode, Household, HouseholdType, MonitorCategory,
    RiskType, RiskTypes,
};
pub use household_no::HouseholdNo;
pub use id_number::{IdNumber, Sex};
pub use member::{Health, Labour, LeaveReason, Leaving, Member, Relation};
pub use money::Money;
pub use role::{Permission, Role};
pub use year::PolicyYear;

/// China has one time zone and no daylight saving: "today" for users is the date at UTC+8.
pub fn today_in_china() -> chrono::NaiveDate {
    let now = chrono::Utc::now();
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(offset) => now.with_timezone(&offset).date_naive(),
        None => now.date_naive(),
    }
}

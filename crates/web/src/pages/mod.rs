//! The pages: each view a full page, and for lists an htmx fragment of the same data.

pub mod areas;
pub mod attendance;
pub mod audit;
pub mod construction;
pub mod cooperation;
pub mod dashboard;
pub mod employment;
pub mod households;
pub mod ledgers;
pub mod loans;
pub mod login;
pub mod members;
pub mod monitoring;
pub mod phone_checks;
pub mod posts;
pub mod projects;
pub mod registry;
pub mod relocation;
pub mod reports;
pub mod tokens;
pub mod users;
pub mod work;
pub mod work_logs;
pub mod work_teams;

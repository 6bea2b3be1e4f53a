//! Integration tests: one binary, one module per feature. Every fixture is made by the test
//! that uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod attendance;
mod browser;
mod cli;
mod closing;
mod construction;
mod cooperation;
mod employment;
mod key_counties;
mod leaving;
mod ledger_import;
mod loans;
mod monitoring;
mod one_table;
mod posts;
mod projects;
mod registry_check;
mod rejected_rows;
mod reliability;
mod relocation;
mod round_trip;
mod screening;
mod stats;
mod story;
mod support;
mod web;
mod web_monitoring;
mod work_logs;
mod work_teams;

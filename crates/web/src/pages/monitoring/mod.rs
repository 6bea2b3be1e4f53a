//! The monitoring lifecycle's pages (DOMAIN §4-§9): the work queues, cases and their steps,
//! clues and the public application form, the village notice, plans, visits, elimination
//! proposals, data checks, the policy and disaster lists. Each handler is a thin wrapper over a
//! use case of `zhenxing_app::monitoring`, called with the signed-in user in their role.

pub mod apply;
pub mod case;
pub mod checks;
pub mod clues;
pub mod disaster;
pub mod elimination;
pub mod notice;
pub mod plan;
pub mod policy;
pub mod poster;
pub mod screening;
pub mod visits;
pub mod work;

use askama::Template;
use chrono::NaiveDate;
use zhenxing_app::store::monitoring::StoredCase;
use zhenxing_domain::DivisionTree;
use zhenxing_domain::monitoring::CaseKind;

use crate::views::{day, place};

/// A case as a row of a list.
pub struct CaseRow {
    pub id: i64,
    pub no: String,
    pub head: String,
    pub place: String,
    pub kind: &'static str,
    pub stage: &'static str,
    pub channel: &'static str,
    pub risks: String,
    pub opened_on: String,
    pub due: String,
    pub overdue: bool,
    pub green_channel: bool,
}

pub fn case_row(tree: &DivisionTree, c: &StoredCase, today: NaiveDate) -> CaseRow {
    CaseRow {
        id: c.id,
        no: c.household_no.to_string(),
        head: c.head_name.clone(),
        place: place(tree, c.village),
        kind: c.kind().label(),
        stage: c.state.stage.label(),
        channel: if c.kind() == CaseKind::Identification {
            c.channel.label()
        } else {
            ""
        },
        risks: c.risks.to_string(),
        opened_on: day(Some(c.state.opened_on)),
        due: day(c.due.next()),
        overdue: c.due.is_overdue(today),
        green_channel: c.state.green_channel_on.is_some(),
    }
}

/// A table of cases, rendered once and put into pages (and their fragments).
#[derive(Template)]
#[template(path = "monitoring/case_table.html")]
pub struct CaseTable<'a> {
    pub id: &'a str,
    pub rows: &'a [CaseRow],
    pub empty: &'a str,
}

impl CaseTable<'_> {
    pub fn html(id: &str, rows: &[CaseRow], empty: &str) -> String {
        CaseTable { id, rows, empty }.render().unwrap_or_default()
    }
}

/// The policy a form offers its choices from (the measure catalogue, the 六必查 items): the one
/// in force this year in the area's province, or else the newest of the last years.
pub async fn form_policy(
    state: &crate::state::AppState,
    area: zhenxing_domain::AreaCode,
) -> Result<zhenxing_domain::policy::Policy, crate::error::WebError> {
    use chrono::Datelike;
    let province = zhenxing_domain::policy::Policy::province_of(area)
        .ok_or(crate::error::WebError::NotFound)?;
    let this_year = zhenxing_domain::today_in_china().year();
    let mut last_error = None;
    for y in (this_year - 5..=this_year).rev() {
        let Some(year) = u16::try_from(y)
            .ok()
            .and_then(|y| zhenxing_domain::PolicyYear::new(y).ok())
        else {
            continue;
        };
        match state.app.policy_in_force(province, year).await {
            Ok(found) => return Ok(found.policy),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error
        .map(crate::error::WebError::from)
        .unwrap_or(crate::error::WebError::NotFound))
}

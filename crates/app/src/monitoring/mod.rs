//! The monitoring lifecycle's use cases (DOMAIN §4-§9): policy, clues, the identification and
//! elimination procedures, the public notice, plans, visits and data checks.
//!
//! Every use case takes a [`Caller`] (who acts, and the area they may see); the permission
//! checks are in [`access`], one table. The web pages and the JSON API are meant to be thin
//! wrappers over these functions.

pub mod access;
pub mod cases;
pub mod checks;
pub mod clues;
pub mod disaster;
pub mod error;
pub mod notice;
pub mod plans;
pub mod policy;
pub mod reads;
pub mod screening;
pub mod visits;

use zhenxing_domain::{AreaCode, AreaLevel, Role, Scope};
use zhenxing_store::{Actor, StoredHousehold};

pub use error::MonitoringFailure;

/// A household for new monitoring work (a clue, a plan, a visit, an elimination): not one that
/// is closed (销户), which a search by its number still finds.
pub(crate) fn still_registered(h: StoredHousehold) -> Result<StoredHousehold, MonitoringFailure> {
    match h.closed {
        Some(closed) => Err(MonitoringFailure::Closed {
            household: h.household.no.to_string(),
            closed,
        }),
        None => Ok(h),
    }
}

/// In what capacity a caller acts: what [`access::allow`] decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The operator at the command line, who holds the database itself.
    Operator,
    /// A signed-in user with their role.
    User(Role),
    /// A household applying through the public form, without an account: it may only apply.
    Applicant,
}

/// Who acts, in which capacity, and what they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub actor: Actor,
    pub scope: Scope,
    pub party: Party,
}

impl Caller {
    /// The operator at the command line, who holds the database itself.
    pub fn command_line() -> Caller {
        Caller {
            actor: Actor::command_line(),
            scope: Scope::All,
            party: Party::Operator,
        }
    }

    /// A user of `role` whose area is `area`.
    pub fn user(actor: Actor, role: Role, area: AreaCode) -> Caller {
        Caller {
            actor,
            scope: Scope::Area(area),
            party: Party::User(role),
        }
    }

    /// The level of the caller's area (`None` for the operator, who sees everything).
    pub fn level(&self) -> Option<AreaLevel> {
        match self.scope {
            Scope::All => None,
            Scope::Area(a) => Some(a.level()),
        }
    }
}

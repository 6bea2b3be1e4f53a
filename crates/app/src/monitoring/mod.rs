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

use zhenxing_domain::{AreaLevel, Scope};
use zhenxing_store::Actor;

pub use error::MonitoringFailure;

/// Who acts and what they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub actor: Actor,
    pub scope: Scope,
}

impl Caller {
    /// The operator at the command line, who holds the database itself.
    pub fn command_line() -> Caller {
        Caller {
            actor: Actor::command_line(),
            scope: Scope::All,
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

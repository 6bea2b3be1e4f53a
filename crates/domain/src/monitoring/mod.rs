//! The monitoring lifecycle (DOMAIN §5-§9): clues, the identification and elimination
//! procedures, their deadlines, the assistance plan, visits, the elimination blockers and the
//! national data checks. Pure rules over values; the store keeps them and the app runs them.

pub mod error;
pub mod workflow;

pub use error::MonitoringError;
pub use workflow::{
    Action, ActionKind, CaseKind, CaseState, Decision, Refusal, Remark, Rules, Stage,
};

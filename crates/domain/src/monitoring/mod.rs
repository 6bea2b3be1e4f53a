//! The monitoring lifecycle (DOMAIN §5-§9): clues, the identification and elimination
//! procedures, their deadlines, the assistance plan, visits, the elimination blockers and the
//! national data checks. Pure rules over values; the store keeps them and the app runs them.

pub mod checks;
pub mod clue;
pub mod deadline;
pub mod elimination;
pub mod error;
pub mod notice;
pub mod plan;
pub mod visit;
pub mod workflow;

pub use clue::{Channel, ClueInput, ClueStatus, ClueSubject, Evidence, Figure, NewHousehold};
pub use deadline::CaseDue;
pub use elimination::{EliminationFacts, Verdict};
pub use error::MonitoringError;
pub use plan::{MeasureStatus, PlanFinding, PlannedMeasure};
pub use visit::{CheckAnswer, Photo, TriggerHit};
pub use workflow::{
    Action, ActionKind, CaseKind, CaseState, Decision, Refusal, Remark, Rules, Stage,
};

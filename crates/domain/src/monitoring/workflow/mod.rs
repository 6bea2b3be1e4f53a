//! The identification and elimination procedures as an explicit state machine (DOMAIN §7, §9).
//!
//! Identification: 入户核实 (with the signed promise) and 比对 (alongside) → 民主评议 → 村内公示
//! (at least the policy's notice days) → 乡镇审核 → 县级审批. Elimination mirrors it without the
//! comparison. Any step may reject with a reason; a case may be withdrawn; a disaster case may
//! take the green channel (assistance starts before the procedure ends); an approved elimination
//! may be rolled back (消除回退).
//!
//! [`CaseState::apply`] is the only way a state changes: it returns the next state or a
//! [`Refusal`] that says why, and [`CaseState::check`] states what a well-formed state is.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::labelled_enum;
use crate::policy::{Period, WorkCalendar};

use super::error::MonitoringError;

labelled_enum!(
    /// What a case decides.
    CaseKind, "案件类型" {
        Identification = 1 => "识别纳入",
        Elimination = 2 => "风险消除",
    }
);

labelled_enum!(
    /// Where a case stands.
    Stage, "环节" {
        HomeVisit = 1 => "入户核实",
        Comparison = 2 => "数据比对",
        VillageReview = 3 => "民主评议",
        PublicNotice = 4 => "村内公示",
        TownshipReview = 5 => "乡镇审核",
        CountyApproval = 6 => "县级审批",
        Approved = 7 => "审批通过",
        Rejected = 8 => "已驳回",
        Withdrawn = 9 => "已撤回",
        RolledBack = 10 => "已消除回退",
    }
);

labelled_enum!(
    /// What a step does (stored with each step record).
    ActionKind, "操作" {
        Visit = 1 => "入户核实",
        Compare = 2 => "数据比对",
        VillageReview = 3 => "民主评议",
        CloseNotice = 4 => "公示结束",
        TownshipReview = 5 => "乡镇审核",
        CountyApproval = 6 => "县级审批",
        GreenChannel = 7 => "启用绿色通道",
        Withdraw = 8 => "撤回",
        RollBack = 9 => "消除回退",
    }
);

impl Stage {
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Stage::Approved | Stage::Rejected | Stage::Withdrawn | Stage::RolledBack
        )
    }

    /// The level of government that acts next (village, township, county).
    pub fn acting_level(self) -> Option<crate::AreaLevel> {
        use crate::AreaLevel::*;
        match self {
            Stage::HomeVisit | Stage::Comparison | Stage::VillageReview | Stage::PublicNotice => {
                Some(Village)
            }
            Stage::TownshipReview => Some(Township),
            Stage::CountyApproval => Some(County),
            _ => None,
        }
    }
}

/// A non-empty text of at most 500 characters: an opinion or a reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Remark(String);

impl Remark {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(what: &'static str, s: &str) -> Result<Remark, MonitoringError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(MonitoringError::EmptyText(what));
        }
        if t.chars().count() > Self::MAX_CHARS {
            return Err(MonitoringError::TextTooLong {
                what,
                max: Self::MAX_CHARS,
            });
        }
        Ok(Remark(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Remark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a reviewing step decides: approve with an opinion, or reject with a reason (fed back to
/// the household).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", content = "text", rename_all = "snake_case")]
pub enum Decision {
    Approve(Remark),
    Reject(Remark),
}

impl Decision {
    pub fn approves(&self) -> bool {
        matches!(self, Decision::Approve(_))
    }

    pub fn text(&self) -> &Remark {
        match self {
            Decision::Approve(r) | Decision::Reject(r) => r,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Action {
    /// 入户核实; an identification needs the signed promise and authorisation to pass.
    Visit {
        decision: Decision,
        promise_signed: bool,
    },
    Compare(Decision),
    /// 民主评议; approval starts the public notice that day.
    VillageReview(Decision),
    /// 公示结束: approve when no objection holds, reject when one does.
    CloseNotice(Decision),
    TownshipReview(Decision),
    CountyApproval(Decision),
    /// 绿色通道: assistance starts now, the procedure goes on.
    GreenChannel(Remark),
    Withdraw(Remark),
    /// 消除回退: an approved elimination proved unstable.
    RollBack(Remark),
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Visit { .. } => ActionKind::Visit,
            Action::Compare(_) => ActionKind::Compare,
            Action::VillageReview(_) => ActionKind::VillageReview,
            Action::CloseNotice(_) => ActionKind::CloseNotice,
            Action::TownshipReview(_) => ActionKind::TownshipReview,
            Action::CountyApproval(_) => ActionKind::CountyApproval,
            Action::GreenChannel(_) => ActionKind::GreenChannel,
            Action::Withdraw(_) => ActionKind::Withdraw,
            Action::RollBack(_) => ActionKind::RollBack,
        }
    }

    pub fn decision(&self) -> Option<&Decision> {
        match self {
            Action::Visit { decision, .. } => Some(decision),
            Action::Compare(d)
            | Action::VillageReview(d)
            | Action::CloseNotice(d)
            | Action::TownshipReview(d)
            | Action::CountyApproval(d) => Some(d),
            _ => None,
        }
    }

    /// The opinion or reason recorded with the step.
    pub fn text(&self) -> &Remark {
        match self {
            Action::Visit { decision, .. } => decision.text(),
            Action::Compare(d)
            | Action::VillageReview(d)
            | Action::CloseNotice(d)
            | Action::TownshipReview(d)
            | Action::CountyApproval(d) => d.text(),
            Action::GreenChannel(r) | Action::Withdraw(r) | Action::RollBack(r) => r,
        }
    }
}

/// The order of the procedure's steps and stages, to tell "already done" from "not yet".
fn action_order(a: ActionKind) -> u8 {
    match a {
        ActionKind::Visit => 1,
        ActionKind::Compare => 2,
        ActionKind::VillageReview => 3,
        ActionKind::CloseNotice => 4,
        ActionKind::TownshipReview => 5,
        ActionKind::CountyApproval => 6,
        _ => 0,
    }
}

fn stage_order(s: Stage) -> u8 {
    match s {
        Stage::HomeVisit => 1,
        Stage::Comparison => 2,
        Stage::VillageReview => 3,
        Stage::PublicNotice => 4,
        Stage::TownshipReview => 5,
        Stage::CountyApproval => 6,
        _ => 7,
    }
}

/// What the rules around the machine say: the notice period and its calendar, and whether this
/// case's risks allow the green channel.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub notice: Period,
    pub calendar: &'a WorkCalendar,
    pub green_channel_allowed: bool,
}

/// The state of a case. Valid states are exactly those [`CaseState::check`] accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseState {
    pub kind: CaseKind,
    pub stage: Stage,
    /// The day the clue (or the elimination proposal) came: the procedure starts here.
    pub opened_on: NaiveDate,
    /// The day the current stage began.
    pub stage_since: NaiveDate,
    pub visited_on: Option<NaiveDate>,
    pub compared_on: Option<NaiveDate>,
    pub notice_from: Option<NaiveDate>,
    pub green_channel_on: Option<NaiveDate>,
    /// The day of the last step: a step may not be dated before it.
    pub last_on: NaiveDate,
}

/// Why an action is refused in a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Closed {
        stage: Stage,
    },
    WrongStage {
        stage: Stage,
        action: ActionKind,
    },
    AlreadyDone {
        action: ActionKind,
    },
    NotForKind {
        kind: CaseKind,
        action: ActionKind,
    },
    PromiseNotSigned,
    NoticeTooShort {
        from: NaiveDate,
        period: Period,
        earliest: NaiveDate,
    },
    GreenChannelNotAllowed,
    GreenChannelAlready {
        on: NaiveDate,
    },
    BeforeLastStep {
        last: NaiveDate,
    },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Closed { .. } => "case_closed",
            Refusal::WrongStage { .. } => "wrong_stage",
            Refusal::AlreadyDone { .. } => "already_done",
            Refusal::NotForKind { .. } => "not_for_kind",
            Refusal::PromiseNotSigned => "promise_not_signed",
            Refusal::NoticeTooShort { .. } => "notice_too_short",
            Refusal::GreenChannelNotAllowed => "green_channel_not_allowed",
            Refusal::GreenChannelAlready { .. } => "green_channel_already",
            Refusal::BeforeLastStep { .. } => "before_last_step",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Closed { stage } => write!(f, "案件已结案（{stage}），不能再办理"),
            Refusal::WrongStage { stage, action } => {
                write!(f, "案件当前在“{stage}”环节，还不能{action}")
            }
            Refusal::AlreadyDone { action } => write!(f, "{action}已经完成，不能重复办理"),
            Refusal::NotForKind { kind, action } => write!(f, "{kind}案件没有“{action}”这一步"),
            Refusal::PromiseNotSigned => {
                write!(f, "入户核实须由农户签署承诺授权书，未签署不能通过")
            }
            Refusal::NoticeTooShort {
                from,
                period,
                earliest,
            } => write!(f, "公示自{from}起须满{period}，最早{earliest}才能结束"),
            Refusal::GreenChannelNotAllowed => write!(
                f,
                "只有政策规定的风险（如因自然灾害、因意外事故）的识别案件可以走绿色通道"
            ),
            Refusal::GreenChannelAlready { on } => write!(f, "已于{on}启用绿色通道"),
            Refusal::BeforeLastStep { last } => {
                write!(f, "办理日期不能早于上一步的日期（{last}）")
            }
        }
    }
}

impl std::error::Error for Refusal {}

impl CaseState {
    /// A new case: the procedure starts with the home visit.
    pub fn open(kind: CaseKind, on: NaiveDate) -> CaseState {
        CaseState {
            kind,
            stage: Stage::HomeVisit,
            opened_on: on,
            stage_since: on,
            visited_on: None,
            compared_on: None,
            notice_from: None,
            green_channel_on: None,
            last_on: on,
        }
    }

    fn needs_comparison(&self) -> bool {
        self.kind == CaseKind::Identification
    }

    /// Whether this state is one the machine defines; `Err` names the broken rule.
    pub fn check(&self) -> Result<(), &'static str> {
        let identification = self.kind == CaseKind::Identification;
        let after_checks =
            self.visited_on.is_some() && (self.compared_on.is_some() || !identification);
        if !identification && self.compared_on.is_some() {
            return Err("消除案件没有比对");
        }
        if !identification && self.green_channel_on.is_some() {
            return Err("消除案件没有绿色通道");
        }
        if self.stage_since < self.opened_on || self.last_on < self.stage_since {
            return Err("日期顺序");
        }
        match self.stage {
            Stage::HomeVisit if self.visited_on.is_some() || self.notice_from.is_some() => {
                Err("入户核实前不应已核实或公示")
            }
            Stage::Comparison
                if !identification
                    || self.visited_on.is_none()
                    || self.compared_on.is_some()
                    || self.notice_from.is_some() =>
            {
                Err("比对环节：已核实、未比对、未公示")
            }
            Stage::VillageReview if !after_checks || self.notice_from.is_some() => {
                Err("民主评议：核实与比对已完成、未公示")
            }
            Stage::PublicNotice
            | Stage::TownshipReview
            | Stage::CountyApproval
            | Stage::Approved
                if !after_checks || self.notice_from.is_none() =>
            {
                Err("公示及以后：核实、比对、公示已完成")
            }
            Stage::RolledBack if identification || self.notice_from.is_none() => {
                Err("只有已审批的消除案件可以回退")
            }
            _ => Ok(()),
        }
    }

    /// The state after `action` on day `on`, or why it is refused. `self` is never changed.
    pub fn apply(
        &self,
        action: &Action,
        on: NaiveDate,
        rules: &Rules,
    ) -> Result<CaseState, Refusal> {
        let kind = action.kind();
        let closed = Refusal::Closed { stage: self.stage };
        if on < self.last_on {
            return Err(Refusal::BeforeLastStep { last: self.last_on });
        }
        let mut next = self.clone();
        next.last_on = on;
        let enter = |next: &mut CaseState, stage: Stage| {
            next.stage = stage;
            next.stage_since = on;
        };
        let wrong = Refusal::WrongStage {
            stage: self.stage,
            action: kind,
        };
        match action {
            Action::RollBack(_) => {
                return match (self.kind, self.stage) {
                    (CaseKind::Identification, _) => Err(Refusal::NotForKind {
                        kind: self.kind,
                        action: kind,
                    }),
                    (CaseKind::Elimination, Stage::Approved) => {
                        enter(&mut next, Stage::RolledBack);
                        Ok(next)
                    }
                    (_, s) if s.is_closed() => Err(closed),
                    _ => Err(wrong),
                };
            }
            _ if self.stage.is_closed() => return Err(closed),
            Action::Withdraw(_) => {
                enter(&mut next, Stage::Withdrawn);
                return Ok(next);
            }
            Action::GreenChannel(_) => {
                if self.kind != CaseKind::Identification {
                    return Err(Refusal::NotForKind {
                        kind: self.kind,
                        action: kind,
                    });
                }
                if let Some(day) = self.green_channel_on {
                    return Err(Refusal::GreenChannelAlready { on: day });
                }
                if !rules.green_channel_allowed {
                    return Err(Refusal::GreenChannelNotAllowed);
                }
                next.green_channel_on = Some(on);
                return Ok(next);
            }
            _ => {}
        }
        let decision = match action.decision() {
            Some(d) => d,
            None => return Err(wrong),
        };
        let reject = |mut next: CaseState| {
            next.stage = Stage::Rejected;
            next.stage_since = on;
            Ok(next)
        };
        match (self.stage, action) {
            (Stage::HomeVisit, Action::Visit { promise_signed, .. }) => {
                if !decision.approves() {
                    return reject(next);
                }
                if self.kind == CaseKind::Identification && !promise_signed {
                    return Err(Refusal::PromiseNotSigned);
                }
                next.visited_on = Some(on);
                let stage = if self.needs_comparison() && self.compared_on.is_none() {
                    Stage::Comparison
                } else {
                    Stage::VillageReview
                };
                enter(&mut next, stage);
                Ok(next)
            }
            (_, Action::Compare(_)) if !self.needs_comparison() => Err(Refusal::NotForKind {
                kind: self.kind,
                action: kind,
            }),
            (Stage::HomeVisit | Stage::Comparison, Action::Compare(_))
                if self.compared_on.is_some() =>
            {
                Err(Refusal::AlreadyDone { action: kind })
            }
            (Stage::HomeVisit, Action::Compare(_)) => {
                if !decision.approves() {
                    return reject(next);
                }
                // Alongside the visit: the stage stays until the visit is done.
                next.compared_on = Some(on);
                Ok(next)
            }
            (Stage::Comparison, Action::Compare(_)) => {
                if !decision.approves() {
                    return reject(next);
                }
                next.compared_on = Some(on);
                enter(&mut next, Stage::VillageReview);
                Ok(next)
            }
            (Stage::VillageReview, Action::VillageReview(_)) => {
                if !decision.approves() {
                    return reject(next);
                }
                next.notice_from = Some(on);
                enter(&mut next, Stage::PublicNotice);
                Ok(next)
            }
            (Stage::PublicNotice, Action::CloseNotice(_)) => {
                if !decision.approves() {
                    return reject(next);
                }
                let from = self.notice_from.unwrap_or(self.stage_since);
                let earliest = rules.calendar.add(from, rules.notice);
                if on < earliest {
                    return Err(Refusal::NoticeTooShort {
                        from,
                        period: rules.notice,
                        earliest,
                    });
                }
                enter(&mut next, Stage::TownshipReview);
                Ok(next)
            }
            (Stage::TownshipReview, Action::TownshipReview(_)) => {
                if !decision.approves() {
                    return reject(next);
                }
                enter(&mut next, Stage::CountyApproval);
                Ok(next)
            }
            (Stage::CountyApproval, Action::CountyApproval(_)) => {
                if !decision.approves() {
                    return reject(next);
                }
                enter(&mut next, Stage::Approved);
                Ok(next)
            }
            _ if action_order(kind) < stage_order(self.stage) => {
                Err(Refusal::AlreadyDone { action: kind })
            }
            _ => Err(wrong),
        }
    }
}

#[cfg(test)]
mod tests;

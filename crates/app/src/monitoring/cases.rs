//! The identification and elimination procedures: steps, the elimination proposal with its
//! verdict, and the work lists (overdue, due this week) of every level.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use zhenxing_domain::date::LedgerDate;
use zhenxing_domain::household::Monitoring;
use zhenxing_domain::monitoring::elimination::{EliminationFacts, Verdict, evaluate};
use zhenxing_domain::monitoring::plan::{risks_covered, whole_household_without_labour};
use zhenxing_domain::monitoring::workflow::{Action, ActionKind, Rules};
use zhenxing_domain::monitoring::{CaseKind, CaseState, Channel, Stage, deadline};
use zhenxing_domain::{AreaCode, EliminationMode, Household, HouseholdNo, RiskTypes, Scope};
use zhenxing_store::monitoring::{
    CaseOpen, CaseQuery, EliminationProposal, StepOutcome, StepRecord, StepWrite, StoredCase,
};

use super::access::{Act, allow, may};
use super::{Caller, MonitoringFailure};
use crate::{App, AppError};

/// A step to take on a case.
#[derive(Debug, Clone)]
pub struct StepRequest {
    pub case_id: i64,
    /// The case version the user decided on (from the page); `None` takes the current one.
    pub version: Option<i64>,
    pub action: Action,
    pub on: NaiveDate,
}

/// A case with its steps, as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: StoredCase,
    pub steps: Vec<StepRecord>,
    pub overdue: bool,
}

/// An elimination proposal as the visiting cadre verified it.
#[derive(Debug, Clone)]
pub struct EliminationRequest {
    pub household: HouseholdNo,
    pub mode: EliminationMode,
    pub on: NaiveDate,
    pub income_stable_months: Option<u32>,
    pub essential_spending_resolved: Option<bool>,
    /// Of the identified risks, those still present.
    pub risks_remaining: RiskTypes,
    pub new_risks: RiskTypes,
}

#[derive(Debug, Clone, Serialize)]
pub struct EliminationReport {
    pub verdict: Verdict,
    /// The case opened when every blocker passed.
    pub case: Option<i64>,
}

fn not_found(id: i64) -> AppError {
    MonitoringFailure::NotFound {
        what: "案件",
        key: id.to_string(),
    }
    .into()
}

/// The household after a step: monitoring fields set on approval, cleared on roll-back.
fn household_change(
    case: &StoredCase,
    next: &CaseState,
    household: &Household,
    on: NaiveDate,
) -> Option<Household> {
    let mut h = household.clone();
    match (case.kind(), next.stage) {
        (CaseKind::Identification, Stage::Approved) => {
            h.monitoring = Monitoring {
                category: case.category,
                risks: case.risks,
                identified_on: Some(LedgerDate::Day(on)),
                eliminated: false,
                eliminated_on: None,
                elimination_mode: None,
            };
        }
        (CaseKind::Elimination, Stage::Approved) => {
            h.monitoring.eliminated = true;
            h.monitoring.eliminated_on = Some(LedgerDate::Day(on));
            h.monitoring.elimination_mode = case.elimination.as_ref().map(|e| e.mode);
        }
        (CaseKind::Elimination, Stage::RolledBack) => {
            h.monitoring.eliminated = false;
            h.monitoring.eliminated_on = None;
            h.monitoring.elimination_mode = None;
        }
        _ => return None,
    }
    Some(h)
}

impl App {
    pub async fn case_detail(
        &self,
        caller: &Caller,
        id: i64,
        today: NaiveDate,
    ) -> Result<CaseDetail, AppError> {
        let m = self.store().monitoring();
        let case = m
            .case(caller.scope, id)
            .await?
            .ok_or_else(|| not_found(id))?;
        let steps = m.case_steps(caller.scope, id).await?;
        let overdue = case.due.is_overdue(today);
        Ok(CaseDetail {
            case,
            steps,
            overdue,
        })
    }

    /// The facts an elimination is judged on, from the registry and the plan, with what the
    /// visit verified.
    async fn elimination_facts(
        &self,
        scope: Scope,
        household: &Household,
        req: &EliminationRequest,
    ) -> Result<EliminationFacts, AppError> {
        let members: Vec<_> = self
            .store()
            .members(scope, &household.no)
            .await?
            .into_iter()
            .map(|m| m.member)
            .collect();
        let plan = self.store().monitoring().plan(scope, &household.no).await?;
        let measures = plan.map(|p| p.measures).unwrap_or_default();
        let m = &household.monitoring;
        let identified_on = m
            .identified_on
            .map(|d| d.first_day())
            .ok_or_else(|| MonitoringFailure::NotMonitored(household.no.to_string()))?;
        Ok(EliminationFacts {
            identified_on,
            proposed_on: req.on,
            mode: req.mode,
            per_capita_income: household.per_capita_income(),
            income_stable_months: req.income_stable_months,
            essential_spending_resolved: req.essential_spending_resolved,
            housing_unsafe: household.housing_unsafe,
            school_dropout: household.school_dropout,
            uninsured: household.uninsured,
            water_unsafe: household.water_unsafe,
            risks: m.risks,
            risks_remaining: req.risks_remaining,
            new_risks: req.new_risks,
            risks_with_measures: risks_covered(&measures),
            whole_household_without_labour: whole_household_without_labour(household, &members),
        })
    }

    /// Judges an elimination proposal by the policy's blockers; when all pass, opens the
    /// elimination case (visit → village review and notice → township → county).
    pub async fn propose_elimination(
        &self,
        caller: &Caller,
        req: &EliminationRequest,
    ) -> Result<EliminationReport, AppError> {
        allow(caller, Act::ProposeElimination)?;
        let store = self.store();
        let stored = store
            .household(caller.scope, &req.household)
            .await?
            .ok_or_else(|| MonitoringFailure::NotFound {
                what: "户",
                key: req.household.to_string(),
            })?;
        let stored = super::still_registered(stored)?;
        let h = &stored.household;
        if h.monitoring.category.is_none() || h.monitoring.eliminated {
            return Err(MonitoringFailure::NotMonitored(h.no.to_string()).into());
        }
        if let Some(c) = store.monitoring().open_case_of(caller.scope, &h.no).await? {
            return Err(MonitoringFailure::OpenCase {
                household: h.no.to_string(),
                case: c.id,
            }
            .into());
        }
        let (policy, policy_ref) = self.decision_policy(h.village, req.on).await?;
        let facts = self.elimination_facts(caller.scope, h, req).await?;
        let verdict = evaluate(&policy, policy_ref, &facts);
        if !verdict.passed {
            return Ok(EliminationReport {
                verdict,
                case: None,
            });
        }
        let calendar = self.deadline_calendar(&policy).await;
        let state = CaseState::open(CaseKind::Elimination, req.on);
        let due = deadline::due(&state, &policy, &calendar, Channel::VisitFinding);
        let open = CaseOpen {
            channel: Channel::VisitFinding,
            state,
            due,
            policy: policy_ref,
            risks: h.monitoring.risks,
            category: h.monitoring.category,
            disaster_kind: None,
            elimination: Some(EliminationProposal {
                mode: req.mode,
                facts,
                verdict: verdict.clone(),
            }),
        };
        let case = store
            .monitoring()
            .open_case(&caller.actor, caller.scope, &h.no, &open)
            .await?;
        Ok(EliminationReport { verdict, case })
    }

    /// Takes a step on a case: checked by the state machine, recorded with who, when, the
    /// opinion and the policy version; an approval updates the household's monitoring fields in
    /// the same transaction. An elimination is judged again at the county's approval, on the
    /// data of that day.
    pub async fn act(&self, caller: &Caller, req: &StepRequest) -> Result<StoredCase, AppError> {
        allow(caller, Act::Step(req.action.kind()))?;
        let store = self.store();
        let m = store.monitoring();
        let case = m
            .case(caller.scope, req.case_id)
            .await?
            .ok_or_else(|| not_found(req.case_id))?;
        if req.version.is_some_and(|v| v != case.version) {
            return Err(MonitoringFailure::Conflict.into());
        }
        let (policy, policy_ref) = self.decision_policy(case.village, req.on).await?;
        let calendar = self.deadline_calendar(&policy).await;
        let rules = Rules {
            notice: policy.notice,
            calendar: &calendar,
            green_channel_allowed: policy
                .green_channel_risks
                .iter()
                .any(|r| case.risks.contains(r)),
        };
        let next = case.state.apply(&req.action, req.on, &rules)?;
        let due = deadline::due(&next, &policy, &calendar, case.channel);
        let due_before = case.due.next();

        let stored = store
            .household(caller.scope, &case.household_no)
            .await?
            .ok_or_else(|| not_found(req.case_id))?;
        let mut elimination = None;
        let mut verdict = None;
        if case.kind() == CaseKind::Elimination
            && next.stage == Stage::Approved
            && let Some(proposal) = &case.elimination
        {
            let again = EliminationRequest {
                household: case.household_no.clone(),
                mode: proposal.mode,
                on: req.on,
                income_stable_months: proposal.facts.income_stable_months,
                essential_spending_resolved: proposal.facts.essential_spending_resolved,
                risks_remaining: proposal.facts.risks_remaining,
                new_risks: proposal.facts.new_risks,
            };
            let facts = self
                .elimination_facts(caller.scope, &stored.household, &again)
                .await?;
            let v = evaluate(&policy, policy_ref, &facts);
            if !v.passed {
                let failed: Vec<String> = v
                    .failed()
                    .map(|b| {
                        let data: Vec<&str> = b.checks.iter().map(|c| c.data.as_str()).collect();
                        format!("{}（{}）", b.label, data.join("；"))
                    })
                    .collect();
                return Err(MonitoringFailure::Forbidden {
                    action: "审批风险消除",
                    why: format!("按审批当日的数据，七不消未通过：{}", failed.join("；")),
                }
                .into());
            }
            elimination = Some(EliminationProposal {
                mode: proposal.mode,
                facts,
                verdict: v.clone(),
            });
            verdict = Some(v);
        }
        let household = household_change(&case, &next, &stored.household, req.on);
        let decision = req.action.decision();
        let step = StepWrite {
            case_id: case.id,
            expected_version: case.version,
            step: StepRecord {
                seq: 0,
                action: req.action.kind(),
                approved: decision.map(|d| d.approves()),
                promise_signed: match &req.action {
                    Action::Visit { promise_signed, .. } => Some(*promise_signed),
                    _ => None,
                },
                remark: req.action.text().to_string(),
                acted_on: req.on,
                stage_before: case.state.stage,
                stage_after: next.stage,
                due_on: due_before,
                late: due_before.is_some_and(|d| req.on > d),
                actor: caller.actor.name.clone(),
                recorded_at: String::new(),
                policy: policy_ref,
                verdict,
            },
            state: next,
            due,
            household,
            elimination,
        };
        match m.apply_step(&caller.actor, caller.scope, &step).await? {
            StepOutcome::Written => {}
            StepOutcome::Conflict => return Err(MonitoringFailure::Conflict.into()),
            StepOutcome::NotFound => return Err(not_found(req.case_id)),
        }
        m.case(caller.scope, req.case_id)
            .await?
            .ok_or_else(|| not_found(req.case_id))
    }

    fn narrowed(caller: &Caller, area: Option<AreaCode>) -> Result<Scope, AppError> {
        match area {
            None => Ok(caller.scope),
            Some(a) => caller
                .scope
                .narrow(a)
                .ok_or_else(|| AppError::UnknownArea(a.to_string())),
        }
    }

    /// Open cases past their due day, in the caller's area (or `area` within it): every level
    /// above a late case sees it.
    pub async fn overdue_cases(
        &self,
        caller: &Caller,
        area: Option<AreaCode>,
        today: NaiveDate,
        limit: u32,
    ) -> Result<Vec<StoredCase>, AppError> {
        let scope = Self::narrowed(caller, area)?;
        let q = CaseQuery {
            overdue_on: Some(today),
            limit,
            ..CaseQuery::default()
        };
        Ok(self.store().monitoring().cases(scope, &q).await?)
    }

    /// The caller's work queue: open cases waiting at a step of the caller's level, due by the
    /// end of this week (Sunday) or already late.
    pub async fn my_cases_due_this_week(
        &self,
        caller: &Caller,
        today: NaiveDate,
        limit: u32,
    ) -> Result<Vec<StoredCase>, AppError> {
        let sunday = today + Duration::days(i64::from(6 - today.weekday().num_days_from_monday()));
        // The stages of the caller's level whose step the caller's role may take.
        let stages: Vec<Stage> = match caller.level() {
            None => Vec::new(),
            Some(level) => Stage::ALL
                .iter()
                .copied()
                .filter(|s| s.acting_level() == Some(level))
                .filter(|s| stage_action(*s).is_some_and(|a| may(caller, Act::Step(a))))
                .collect(),
        };
        if caller.level().is_some() && stages.is_empty() {
            return Ok(Vec::new());
        }
        let q = CaseQuery {
            due_by: Some(sunday),
            stages,
            limit,
            ..CaseQuery::default()
        };
        Ok(self.store().monitoring().cases(caller.scope, &q).await?)
    }

    /// Open cases of the caller's area (or `area` within it) matching `query` (overdue as of a
    /// day, due by a day, at some stages, of a kind), by due day, a page after the cursor.
    pub async fn cases_matching(
        &self,
        caller: &Caller,
        area: Option<AreaCode>,
        query: &CaseQuery,
    ) -> Result<Vec<StoredCase>, AppError> {
        let scope = Self::narrowed(caller, area)?;
        Ok(self.store().monitoring().cases(scope, query).await?)
    }

    /// Open cases of an area by due day (a page of at most `limit`, after the cursor).
    pub async fn open_cases(
        &self,
        caller: &Caller,
        area: Option<AreaCode>,
        kind: Option<CaseKind>,
        limit: u32,
        after: Option<(NaiveDate, i64)>,
    ) -> Result<Vec<StoredCase>, AppError> {
        let scope = Self::narrowed(caller, area)?;
        let q = CaseQuery {
            kind,
            limit,
            after,
            ..CaseQuery::default()
        };
        Ok(self.store().monitoring().cases(scope, &q).await?)
    }
}

/// The step that moves a case on from `stage` (none for a closed case).
pub fn stage_action(stage: Stage) -> Option<ActionKind> {
    match stage {
        Stage::HomeVisit => Some(ActionKind::Visit),
        Stage::Comparison => Some(ActionKind::Compare),
        Stage::VillageReview => Some(ActionKind::VillageReview),
        Stage::PublicNotice => Some(ActionKind::CloseNotice),
        Stage::TownshipReview => Some(ActionKind::TownshipReview),
        Stage::CountyApproval => Some(ActionKind::CountyApproval),
        _ => None,
    }
}

/// The action kinds a case's current stage accepts (for the buttons of a page).
pub fn next_actions(state: &CaseState) -> Vec<ActionKind> {
    use ActionKind::*;
    let mut out = match state.stage {
        Stage::HomeVisit
            if state.kind == CaseKind::Identification && state.compared_on.is_none() =>
        {
            vec![Visit, Compare]
        }
        Stage::HomeVisit => vec![Visit],
        Stage::Comparison => vec![Compare],
        Stage::VillageReview => vec![VillageReview],
        Stage::PublicNotice => vec![CloseNotice],
        Stage::TownshipReview => vec![TownshipReview],
        Stage::CountyApproval => vec![CountyApproval],
        Stage::Approved if state.kind == CaseKind::Elimination => vec![RollBack],
        _ => vec![],
    };
    if !state.stage.is_closed() {
        if state.kind == CaseKind::Identification && state.green_channel_on.is_none() {
            out.push(GreenChannel);
        }
        out.push(Withdraw);
    }
    out
}

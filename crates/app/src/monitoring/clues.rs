//! Recording clues from the three channels (DOMAIN §6): a household's application, a cadre's
//! finding, a department warning. The screening of department data calls [`App::record_clue`]
//! with the rule's name, figures and matched members as evidence.
//!
//! A clue about a household that is not a monitoring object (or whose risk was eliminated)
//! opens an identification case; a clue about a household already monitored is kept for its
//! plan; a duplicate of an open clue of the same household is merged into it.

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::monitoring::workflow::{Action, ActionKind};
use zhenxing_domain::monitoring::{
    CaseDue, CaseKind, CaseState, Channel, ClueInput, ClueSubject, Evidence, NewHousehold, Remark,
    deadline,
};
use zhenxing_domain::{
    AreaCode, Household, HouseholdNo, HouseholdType, IdNumber, Member, MonitorCategory, Relation,
    RiskTypes,
};
use zhenxing_store::StoredHousehold;
use zhenxing_store::monitoring::{CaseOpen, ClueOutcome, ClueWrite};

use super::access::{Act, allow};
use super::cases::StepRequest;
use super::{Caller, MonitoringFailure};
use crate::{App, AppError};

/// Whom a clue is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectRef {
    Household(HouseholdNo),
    /// A registered person (e.g. a department's match by ID number).
    Person(IdNumber),
    /// A household not yet registered.
    New(NewHousehold),
}

#[derive(Debug, Clone)]
pub struct ClueRequest {
    pub subject: SubjectRef,
    pub risks: RiskTypes,
    pub disaster_kind: Option<String>,
    pub evidence: Evidence,
    /// The category proposed; by default 脱贫不稳定户 for an ex-poor household and 边缘易致贫户
    /// for another.
    pub category: Option<MonitorCategory>,
    /// Disasters: let assistance start before the procedure ends (when the policy allows the
    /// green channel for these risks).
    pub green_channel: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClueReport {
    pub outcome: ClueOutcome,
    pub household_no: Option<HouseholdNo>,
    pub due: Option<CaseDue>,
    /// Why no case was opened, when none was.
    pub note: Option<String>,
}

/// The provisional number of a household registered from a clue (the national number comes
/// later with the national system's ledger): `X` and the head's ID number.
pub fn provisional_no(head: &IdNumber) -> Result<HouseholdNo, AppError> {
    HouseholdNo::parse(&format!("X{}", head.as_str())).map_err(|e| AppError::Invalid(e.to_string()))
}

fn default_category(t: HouseholdType) -> MonitorCategory {
    match t {
        HouseholdType::ExPoor => MonitorCategory::UnstableExPoor,
        HouseholdType::Ordinary => MonitorCategory::MarginalAtRisk,
    }
}

fn new_household_records(n: &NewHousehold) -> Result<(Household, Vec<Member>), AppError> {
    let no = provisional_no(&n.head_id)?;
    let household = Household {
        address: n.address.clone(),
        phone: n.phone.clone(),
        ..Household::bare(
            no.clone(),
            n.village,
            n.head_name.clone(),
            n.size.clamp(1, Household::MAX_SIZE),
            n.household_type,
        )
    };
    let head = Member {
        phone: n.phone.clone(),
        ..Member::bare(no, n.head_id, n.head_name.clone(), Relation::Head)
    };
    Ok((household, vec![head]))
}

impl App {
    /// The registered household `subject` names, in the caller's area.
    async fn resolve(
        &self,
        caller: &Caller,
        subject: &SubjectRef,
    ) -> Result<Option<StoredHousehold>, AppError> {
        let store = self.store();
        let no = match subject {
            SubjectRef::Household(no) => no.clone(),
            SubjectRef::Person(id) => match store.household_of_person(caller.scope, id).await? {
                Some(no) => no,
                None => {
                    return Err(MonitoringFailure::NotFound {
                        what: "证件号码",
                        key: id.masked(),
                    }
                    .into());
                }
            },
            SubjectRef::New(n) => {
                match store.household_of_person(caller.scope, &n.head_id).await? {
                    Some(no) => no,
                    None => return Ok(None),
                }
            }
        };
        match store.household(caller.scope, &no).await? {
            Some(h) => Ok(Some(super::still_registered(h)?)),
            None => Err(MonitoringFailure::NotFound {
                what: "户",
                key: no.to_string(),
            }
            .into()),
        }
    }

    /// Records a clue (see the module's description); opens the identification case when it
    /// should, and takes the green channel when asked and allowed.
    pub async fn record_clue(
        &self,
        caller: &Caller,
        req: &ClueRequest,
    ) -> Result<ClueReport, AppError> {
        allow(caller, Act::RecordClue)?;
        if req.risks.is_empty() {
            return Err(MonitoringFailure::Rule(
                zhenxing_domain::monitoring::MonitoringError::NoRisk,
            )
            .into());
        }
        let found_on = req.evidence.found_on;
        let registered = self.resolve(caller, &req.subject).await?;
        let (subject, village, household_type, no, register) = match (&registered, &req.subject) {
            (Some(h), _) => (
                ClueSubject::Registered(h.household.no.clone()),
                h.household.village,
                h.household.household_type,
                Some(h.household.no.clone()),
                None,
            ),
            (None, SubjectRef::New(n)) => {
                if !caller.scope.contains(n.village) {
                    return Err(AppError::UnknownArea(n.village.to_string()));
                }
                let records = new_household_records(n)?;
                (
                    ClueSubject::New(n.clone()),
                    n.village,
                    n.household_type,
                    Some(records.0.no.clone()),
                    Some(records),
                )
            }
            (None, _) => return Err(AppError::Invalid("线索对象无法确定".into())),
        };
        let (policy, policy_ref) = self.decision_policy(village, found_on).await?;
        let calendar = self.deadline_calendar(&policy).await;

        // Whether this clue opens an identification case.
        let mut note = None;
        let mut open = true;
        if let (Some(h), Some(no)) = (&registered, &no) {
            let m = &h.household.monitoring;
            if m.category.is_some() && !m.eliminated {
                open = false;
                note = Some(format!(
                    "户{no}已是监测对象，线索已登记，请在帮扶计划中补充针对新风险的措施"
                ));
            } else if let Some(c) = self
                .store()
                .monitoring()
                .open_case_of(caller.scope, no)
                .await?
            {
                open = false;
                note = Some(format!("户{no}已有正在办理的案件（编号{}）", c.id));
            }
        }
        let state = CaseState::open(CaseKind::Identification, found_on);
        let due = deadline::due(&state, &policy, &calendar, req.evidence.channel);
        let case = open.then(|| CaseOpen {
            channel: req.evidence.channel,
            state: state.clone(),
            due,
            policy: policy_ref,
            risks: req.risks,
            category: Some(req.category.unwrap_or(default_category(household_type))),
            disaster_kind: req.disaster_kind.clone(),
            elimination: None,
        });
        let write = ClueWrite {
            input: ClueInput {
                subject,
                risks: req.risks,
                disaster_kind: req.disaster_kind.clone(),
                evidence: req.evidence.clone(),
            },
            village,
            household_no: if register.is_some() { None } else { no.clone() },
            register: if open { register } else { None },
            case,
        };
        let outcome = self
            .store()
            .monitoring()
            .record_clue(&caller.actor, caller.scope, &write)
            .await?
            .ok_or_else(|| AppError::UnknownArea(village.to_string()))?;
        if let ClueOutcome::Refused { reason } = &outcome {
            return Err(MonitoringFailure::Registration(reason.clone()).into());
        }
        let mut due_out = None;
        if let ClueOutcome::Created { case: Some(id), .. } = outcome {
            due_out = Some(due);
            if req.green_channel {
                let allowed = policy
                    .green_channel_risks
                    .iter()
                    .any(|r| req.risks.contains(r));
                let may = allow(caller, Act::Step(ActionKind::GreenChannel)).is_ok();
                if !may {
                    note = Some("绿色通道须由乡镇或县级用户启用".into());
                } else if allowed {
                    let remark = Remark::parse("启用理由", "灾害绿色通道：先行帮扶，后补程序")?;
                    let step = StepRequest {
                        case_id: id,
                        version: None,
                        action: Action::GreenChannel(remark),
                        on: found_on,
                    };
                    self.act(caller, &step).await?;
                } else {
                    note = Some("风险类型不在政策规定的绿色通道范围内，按一般程序办理".into());
                }
            }
        } else if matches!(outcome, ClueOutcome::Merged { .. }) {
            note = Some("与该户未办结的线索合并，证据已附加".into());
        }
        Ok(ClueReport {
            outcome,
            household_no: no,
            due: due_out,
            note,
        })
    }
}

/// A household's own application through the public form (DOMAIN §6, channel 1), made without
/// an account.
#[derive(Debug, Clone)]
pub struct Application {
    pub village: AreaCode,
    pub head_name: String,
    pub head_id: IdNumber,
    pub size: u32,
    pub household_type: HouseholdType,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub risks: RiskTypes,
    /// The household's own words.
    pub note: Option<String>,
    pub on: NaiveDate,
}

/// Who records an application made through the public form.
pub const ONLINE_APPLICANT: &str = "农户网上申请";

impl App {
    /// Records a household's application as a clue of the application channel, for its village
    /// only (never the green channel: a cadre decides that). The answer says nothing of the
    /// registry (whether the household is registered, monitored, or has an open case): the
    /// applicant is not signed in.
    pub async fn apply_online(&self, a: &Application) -> Result<(), AppError> {
        let tree = self.tree().await;
        if tree
            .get(a.village)
            .is_none_or(|d| d.level != zhenxing_domain::AreaLevel::Village)
        {
            return Err(AppError::UnknownArea(a.village.to_string()));
        }
        let head_name = a.head_name.trim();
        if head_name.is_empty() || head_name.chars().count() > 50 {
            return Err(AppError::Invalid("请填写户主姓名（50字以内）".into()));
        }
        let note = match a.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => Some(Remark::parse("情况说明", n)?.to_string()),
            None => None,
        };
        let caller = Caller {
            actor: zhenxing_store::Actor {
                user_id: None,
                name: ONLINE_APPLICANT.into(),
            },
            scope: zhenxing_domain::Scope::Area(a.village),
            party: super::Party::Applicant,
        };
        let req = ClueRequest {
            subject: SubjectRef::New(NewHousehold {
                village: a.village,
                head_name: head_name.to_string(),
                head_id: a.head_id,
                size: a.size,
                household_type: a.household_type,
                phone: a.phone.clone().filter(|p| !p.trim().is_empty()),
                address: a.address.clone().filter(|p| !p.trim().is_empty()),
            }),
            risks: a.risks,
            disaster_kind: None,
            evidence: Evidence {
                channel: Channel::Application,
                source: format!("{ONLINE_APPLICANT}（{head_name}）"),
                rule: None,
                figures: Vec::new(),
                members: Vec::new(),
                note,
                found_on: a.on,
            },
            category: None,
            green_channel: false,
        };
        self.record_clue(&caller, &req).await.map(|_| ())
    }
}

/// Evidence of a department warning: the entry point the screening of department data uses.
pub fn department_evidence(
    department: &str,
    rule: &str,
    figures: Vec<(String, String)>,
    members: Vec<IdNumber>,
    found_on: NaiveDate,
) -> Evidence {
    Evidence {
        channel: Channel::DepartmentWarning,
        source: department.to_string(),
        rule: Some(rule.to_string()),
        figures: figures
            .into_iter()
            .map(|(label, value)| zhenxing_domain::monitoring::Figure { label, value })
            .collect(),
        members,
        note: None,
        found_on,
    }
}

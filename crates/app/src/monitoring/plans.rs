//! 一户一策: the responsible cadre and the measures of a household's plan, checked against the
//! catalogue of the policy in force, and what is missing from it.

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::HouseholdNo;
use zhenxing_domain::monitoring::PlannedMeasure;
use zhenxing_domain::monitoring::plan::{
    PlanFinding, plan_findings, whole_household_without_labour,
};
use zhenxing_store::monitoring::StoredPlan;

use super::access::{Act, allow};
use super::{Caller, MonitoringFailure};
use crate::{App, AppError};

#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub household: HouseholdNo,
    pub cadre_name: Option<String>,
    pub cadre_phone: Option<String>,
    pub measures: Vec<PlannedMeasure>,
    pub today: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub plan: Option<StoredPlan>,
    pub findings: Vec<PlanFinding>,
}

impl App {
    /// Replaces a household's plan; every measure must be in the catalogue and fit its risk.
    pub async fn save_plan(&self, caller: &Caller, req: &PlanRequest) -> Result<(), AppError> {
        allow(caller, Act::EditPlan)?;
        let h = self
            .store()
            .household(caller.scope, &req.household)
            .await?
            .ok_or_else(|| MonitoringFailure::NotFound {
                what: "户",
                key: req.household.to_string(),
            })?;
        let h = super::still_registered(h)?;
        let (policy, _) = self.decision_policy(h.household.village, req.today).await?;
        for m in &req.measures {
            m.check(&policy).map_err(MonitoringFailure::Rule)?;
        }
        let saved = self
            .store()
            .monitoring()
            .save_plan(
                &caller.actor,
                caller.scope,
                &req.household,
                req.cadre_name
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty()),
                req.cadre_phone
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty()),
                &req.measures,
            )
            .await?;
        if !saved {
            return Err(MonitoringFailure::NotFound {
                what: "户",
                key: req.household.to_string(),
            }
            .into());
        }
        Ok(())
    }

    /// The plan with its findings (for a monitored household not eliminated).
    pub async fn plan_view(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        today: NaiveDate,
    ) -> Result<PlanView, AppError> {
        let store = self.store();
        let h = store.household(caller.scope, no).await?.ok_or_else(|| {
            MonitoringFailure::NotFound {
                what: "户",
                key: no.to_string(),
            }
        })?;
        let plan = store.monitoring().plan(caller.scope, no).await?;
        let m = &h.household.monitoring;
        let findings = match (m.category, m.identified_on, m.eliminated) {
            (Some(_), Some(identified), false) => {
                let (policy, _) = self.decision_policy(h.household.village, today).await?;
                let members: Vec<_> = store
                    .members(caller.scope, no)
                    .await?
                    .into_iter()
                    .map(|m| m.member)
                    .collect();
                let measures = plan
                    .as_ref()
                    .map(|p| p.measures.clone())
                    .unwrap_or_default();
                let has_cadre = plan.as_ref().is_some_and(|p| p.cadre_name.is_some());
                plan_findings(
                    &policy,
                    identified.first_day(),
                    m.risks,
                    whole_household_without_labour(&h.household, &members),
                    has_cadre,
                    &measures,
                    today,
                )
            }
            _ => Vec::new(),
        };
        Ok(PlanView { plan, findings })
    }
}

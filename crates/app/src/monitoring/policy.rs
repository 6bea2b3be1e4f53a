//! The policy in force: the newest stored version of a province's policy for a year, or the
//! shipped file (stored as version 1 the first time a decision needs it, so every decision can
//! name its version).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zhenxing_domain::policy::{Policy, PolicyError, PolicyRef, WorkCalendar, shipped};
use zhenxing_domain::{AreaCode, PolicyYear};
use zhenxing_store::monitoring::StoredPolicy;

use super::access::{Act, allow};
use super::{Caller, MonitoringFailure};
use crate::{App, AppError};

/// Who stores the shipped defaults.
pub const SHIPPED_AUTHOR: &str = "系统内置默认";

/// A policy and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyInForce {
    pub policy: Policy,
    /// `None` when it is the shipped file, not yet stored.
    pub stored: Option<StoredPolicy>,
    pub content: String,
}

impl PolicyInForce {
    /// The version a decision would name (1 for the shipped file, stored on first use).
    pub fn version_label(&self) -> String {
        match &self.stored {
            Some(s) => format!(
                "第{}版（{}，{}）",
                s.policy.version, s.created_by, s.created_at
            ),
            None => "内置默认（尚未存入数据库，首次使用时存为第1版）".to_string(),
        }
    }
}

/// Checks a policy file's text.
pub fn check_policy(text: &str) -> Result<Policy, Vec<PolicyError>> {
    Policy::parse(text)
}

fn province_of(area: AreaCode) -> Result<AreaCode, AppError> {
    Policy::province_of(area).ok_or_else(|| AppError::UnknownArea(area.to_string()))
}

pub(crate) fn year_of(d: NaiveDate) -> Result<PolicyYear, AppError> {
    u16::try_from(d.year())
        .ok()
        .and_then(|y| PolicyYear::new(y).ok())
        .ok_or_else(|| AppError::Invalid(format!("日期{d}的年度无效")))
}

fn parse_stored(s: &StoredPolicy) -> Result<Policy, MonitoringFailure> {
    Policy::parse(&s.content).map_err(|errors| MonitoringFailure::StoredPolicyInvalid {
        policy: s.policy.to_string(),
        errors,
    })
}

impl App {
    /// The policy in force for a province and year (read only: the shipped file is reported,
    /// not stored).
    pub async fn policy_in_force(
        &self,
        province: AreaCode,
        year: PolicyYear,
    ) -> Result<PolicyInForce, AppError> {
        let province = province_of(province)?;
        let m = self.store().monitoring();
        if let Some(s) = m.policies(province, year).await?.into_iter().next() {
            return Ok(PolicyInForce {
                policy: parse_stored(&s)?,
                content: s.content.clone(),
                stored: Some(s),
            });
        }
        let Some(text) = shipped(province, year) else {
            return Err(MonitoringFailure::NoPolicy {
                province: province.prefix(),
                year: year.get(),
            }
            .into());
        };
        Ok(PolicyInForce {
            policy: Policy::parse(text).map_err(MonitoringFailure::Policy)?,
            stored: None,
            content: text.to_string(),
        })
    }

    /// The policy that decides for `area` on `on`, with its stored version (the shipped file is
    /// stored as version 1 if nothing is stored yet).
    pub async fn decision_policy(
        &self,
        area: AreaCode,
        on: NaiveDate,
    ) -> Result<(Policy, PolicyRef), AppError> {
        let province = province_of(area)?;
        let year = year_of(on)?;
        let found = self.policy_in_force(province, year).await?;
        if let Some(s) = found.stored {
            return Ok((found.policy, s.policy));
        }
        let m = self.store().monitoring();
        let actor = zhenxing_store::Actor {
            user_id: None,
            name: SHIPPED_AUTHOR.into(),
        };
        let stored = match m
            .add_policy(&actor, province, year, &found.content, Some("出厂默认"))
            .await
        {
            Ok(s) => s,
            // Another request stored it first.
            Err(_) => match m.policies(province, year).await?.into_iter().last() {
                Some(s) => s,
                None => {
                    return Err(MonitoringFailure::NoPolicy {
                        province: province.prefix(),
                        year: year.get(),
                    }
                    .into());
                }
            },
        };
        Ok((found.policy, stored.policy))
    }

    /// A stored version, parsed (e.g. to show how a past decision was made).
    pub async fn policy_version(&self, r: PolicyRef) -> Result<Policy, AppError> {
        match self.store().monitoring().policy_version(r).await? {
            Some(s) => Ok(parse_stored(&s)?),
            None => Err(MonitoringFailure::NotFound {
                what: "政策版本",
                key: r.to_string(),
            }
            .into()),
        }
    }

    /// The calendar for deadlines under `policy`: its own, with the next year's holidays added
    /// when that year's policy is known (a deadline may cross the new year).
    pub async fn deadline_calendar(&self, policy: &Policy) -> WorkCalendar {
        let next = PolicyYear::new(policy.year.get().saturating_add(1)).ok();
        match next {
            Some(y) => match self.policy_in_force(policy.province, y).await {
                Ok(n) => policy.calendar.merged(&n.policy.calendar),
                Err(_) => policy.calendar.clone(),
            },
            None => policy.calendar.clone(),
        }
    }

    /// Stores an edited policy file as the next version of its province and year (province
    /// administrators only).
    pub async fn set_policy(
        &self,
        caller: &Caller,
        text: &str,
        note: Option<&str>,
    ) -> Result<StoredPolicy, AppError> {
        allow(caller, Act::ManagePolicy)?;
        let policy = check_policy(text).map_err(MonitoringFailure::Policy)?;
        if !caller.scope.contains(policy.province) {
            return Err(MonitoringFailure::Forbidden {
                action: "修改政策参数",
                why: format!("政策属于{}省，不在您的管辖范围内", policy.province.prefix()),
            }
            .into());
        }
        Ok(self
            .store()
            .monitoring()
            .add_policy(&caller.actor, policy.province, policy.year, text, note)
            .await?)
    }
}

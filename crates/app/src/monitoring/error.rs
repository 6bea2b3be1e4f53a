//! What a monitoring use case can fail with, each with a stable code and a Chinese message.

use std::fmt;

use zhenxing_domain::monitoring::{MonitoringError, Refusal};
use zhenxing_domain::policy::PolicyError;

#[derive(Debug)]
pub enum MonitoringFailure {
    /// A policy file does not pass its checks.
    Policy(Vec<PolicyError>),
    /// No policy for the province and year: neither stored nor shipped.
    NoPolicy { province: String, year: u16 },
    /// A stored policy no longer parses (it was changed outside the product).
    StoredPolicyInvalid {
        policy: String,
        errors: Vec<PolicyError>,
    },
    /// The rules refuse a value (photo too large, measure not in the catalogue, ...).
    Rule(MonitoringError),
    /// The state machine refuses the step.
    Refused(Refusal),
    /// The caller's role or level may not do this.
    Forbidden { action: &'static str, why: String },
    /// Not found in the caller's area.
    NotFound { what: &'static str, key: String },
    /// Someone else acted on the case first: reload and decide again.
    Conflict,
    /// A household already monitored (and not eliminated) cannot be identified again.
    AlreadyMonitored(String),
    /// Elimination is for monitored, not eliminated households.
    NotMonitored(String),
    /// The household has an open case already.
    OpenCase { household: String, case: i64 },
    /// The new household could not be registered.
    Registration(String),
    /// The household is closed (销户): it takes no new clue, plan, visit or elimination.
    Closed {
        household: String,
        closed: zhenxing_store::Closed,
    },
}

impl MonitoringFailure {
    pub fn code(&self) -> &'static str {
        match self {
            MonitoringFailure::Policy(_) => "policy_invalid",
            MonitoringFailure::NoPolicy { .. } => "no_policy",
            MonitoringFailure::StoredPolicyInvalid { .. } => "stored_policy_invalid",
            MonitoringFailure::Rule(e) => e.code(),
            MonitoringFailure::Refused(r) => r.code(),
            MonitoringFailure::Forbidden { .. } => "forbidden",
            MonitoringFailure::NotFound { .. } => "not_found",
            MonitoringFailure::Conflict => "conflict",
            MonitoringFailure::AlreadyMonitored(_) => "already_monitored",
            MonitoringFailure::NotMonitored(_) => "not_monitored",
            MonitoringFailure::OpenCase { .. } => "open_case",
            MonitoringFailure::Registration(_) => "registration_refused",
            MonitoringFailure::Closed { .. } => "household_closed",
        }
    }
}

impl fmt::Display for MonitoringFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MonitoringFailure::Policy(errors) => {
                write!(f, "政策文件有{}处错误：", errors.len())?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
            MonitoringFailure::NoPolicy { province, year } => write!(
                f,
                "没有{province}省{year}年的政策文件，请省级管理员先用 zhenxing policy set 存入"
            ),
            MonitoringFailure::StoredPolicyInvalid { policy, errors } => write!(
                f,
                "数据库中的政策{policy}已无法读取（{}），请重新存入",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            MonitoringFailure::Rule(e) => write!(f, "{e}"),
            MonitoringFailure::Refused(r) => write!(f, "{r}"),
            MonitoringFailure::Forbidden { action, why } => write!(f, "无权{action}：{why}"),
            MonitoringFailure::NotFound { what, key } => {
                write!(f, "{what}{key}不存在或不在您的管辖范围内")
            }
            MonitoringFailure::Conflict => {
                write!(f, "该案件刚被其他人办理过，请刷新后重新办理")
            }
            MonitoringFailure::AlreadyMonitored(no) => {
                write!(f, "户{no}已是监测对象且风险未消除，新风险请补充到帮扶计划")
            }
            MonitoringFailure::NotMonitored(no) => {
                write!(f, "户{no}不是风险未消除的监测对象，不能申请风险消除")
            }
            MonitoringFailure::OpenCase { household, case } => {
                write!(f, "户{household}已有正在办理的案件（编号{case}）")
            }
            MonitoringFailure::Registration(why) => write!(f, "新户无法登记：{why}"),
            MonitoringFailure::Closed { household, closed } => write!(
                f,
                "户{household}已于{}销户（{}），不再登记线索、制定帮扶计划、走访或申请风险消除",
                closed.on,
                closed.reason.label()
            ),
        }
    }
}

impl std::error::Error for MonitoringFailure {}

impl From<MonitoringError> for MonitoringFailure {
    fn from(e: MonitoringError) -> Self {
        MonitoringFailure::Rule(e)
    }
}

impl From<Refusal> for MonitoringFailure {
    fn from(r: Refusal) -> Self {
        MonitoringFailure::Refused(r)
    }
}

impl From<MonitoringError> for crate::AppError {
    fn from(e: MonitoringError) -> Self {
        crate::AppError::Monitoring(MonitoringFailure::Rule(e))
    }
}

impl From<Refusal> for crate::AppError {
    fn from(r: Refusal) -> Self {
        crate::AppError::Monitoring(MonitoringFailure::Refused(r))
    }
}

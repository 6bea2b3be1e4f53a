//! Why a monitoring action is refused by the rules. Each variant has a stable code and a Chinese
//! message, defined here and nowhere else (the workflow's own refusals are in
//! [`super::workflow::Refusal`]).

use std::fmt;

use crate::household::RiskType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitoringError {
    /// An opinion or a reason was left empty.
    EmptyText(&'static str),
    TextTooLong {
        what: &'static str,
        max: usize,
    },
    PhotoTooLarge {
        bytes: usize,
        max: usize,
    },
    PhotoFormat,
    TooManyPhotos {
        max: usize,
    },
    MeasureNotInCatalogue(String),
    MeasureNotForRisk {
        measure: String,
        risk: RiskType,
    },
    MeasureDates,
    NoRisk,
    TooManyRisks(usize),
    UnknownVisitCheck(String),
    MissingVisitChecks(Vec<String>),
}

impl MonitoringError {
    pub fn code(&self) -> &'static str {
        match self {
            MonitoringError::EmptyText(_) => "empty_text",
            MonitoringError::TextTooLong { .. } => "text_too_long",
            MonitoringError::PhotoTooLarge { .. } => "photo_too_large",
            MonitoringError::PhotoFormat => "photo_format",
            MonitoringError::TooManyPhotos { .. } => "too_many_photos",
            MonitoringError::MeasureNotInCatalogue(_) => "measure_not_in_catalogue",
            MonitoringError::MeasureNotForRisk { .. } => "measure_not_for_risk",
            MonitoringError::MeasureDates => "measure_dates",
            MonitoringError::NoRisk => "no_risk",
            MonitoringError::TooManyRisks(_) => "too_many_risks",
            MonitoringError::UnknownVisitCheck(_) => "unknown_visit_check",
            MonitoringError::MissingVisitChecks(_) => "missing_visit_checks",
        }
    }
}

impl fmt::Display for MonitoringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MonitoringError::EmptyText(what) => write!(f, "{what}不能为空"),
            MonitoringError::TextTooLong { what, max } => write!(f, "{what}最多{max}字"),
            MonitoringError::PhotoTooLarge { bytes, max } => write!(
                f,
                "照片大小为{:.1}MB，超过{}MB的上限，请压缩后再上传",
                *bytes as f64 / 1_048_576.0,
                max / 1_048_576
            ),
            MonitoringError::PhotoFormat => write!(f, "照片只能是 JPEG 或 PNG 格式"),
            MonitoringError::TooManyPhotos { max } => write!(f, "一次走访最多上传{max}张照片"),
            MonitoringError::MeasureNotInCatalogue(code) => {
                write!(f, "措施“{code}”不在本年度政策的措施目录中")
            }
            MonitoringError::MeasureNotForRisk { measure, risk } => {
                write!(f, "措施“{measure}”按政策目录不能针对“{risk}”风险")
            }
            MonitoringError::MeasureDates => write!(f, "措施的结束日期早于开始日期"),
            MonitoringError::NoRisk => write!(f, "至少要填写一项风险类型"),
            MonitoringError::TooManyRisks(n) => write!(f, "风险类型最多5项，实为{n}项"),
            MonitoringError::UnknownVisitCheck(code) => {
                write!(f, "“{code}”不是本年度六必查的事项")
            }
            MonitoringError::MissingVisitChecks(labels) => {
                write!(f, "六必查还缺：{}", labels.join("、"))
            }
        }
    }
}

impl std::error::Error for MonitoringError {}

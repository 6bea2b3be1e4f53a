//! Projects funded by 衔接资金 (DOMAIN §11): each goes from the project library through the
//! annual plan, funds allocated, tendering, start and completion to acceptance and the
//! registration and hand-over of its assets (确权移交). The county keeps them in a ledger (项目
//!台账); every level follows 开工率 = started / planned, 完工率 = completed / planned, 支出进度 =
//! spent / allocated, and the share of the funds going to industry (产业发展, at least the
//! policy's floor, 60% *(default)*).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::area::{AreaCode, AreaLevel};
use crate::labelled_enum;
use crate::money::Money;
use crate::year::PolicyYear;

labelled_enum!(
    /// 项目状态: how far a project has come; each stage includes those before it.
    ProjectStage, "项目状态" {
        Library = 1 => "项目库" | "入库" | "已入库" | "储备" | "储备项目",
        Planned = 2 => "年度计划" | "已纳入年度计划" | "纳入年度计划" | "计划" | "已计划" | "未开工",
        Funded = 3 => "资金已下达" | "已下达" | "资金下达",
        Tendered = 4 => "已招标" | "招标" | "已招投标" | "招投标",
        Started = 5 => "已开工" | "开工" | "在建" | "实施中",
        Completed = 6 => "已完工" | "完工" | "竣工" | "已竣工",
        Accepted = 7 => "已验收" | "验收" | "竣工验收",
        HandedOver = 8 => "已确权移交" | "已移交" | "确权移交" | "已确权" | "资产移交",
    }
);

impl ProjectStage {
    /// In the year's plan (开工率's and 完工率's denominator): everything past the library.
    pub fn planned(self) -> bool {
        self >= ProjectStage::Planned
    }

    pub fn started(self) -> bool {
        self >= ProjectStage::Started
    }

    pub fn completed(self) -> bool {
        self >= ProjectStage::Completed
    }
}

/// 项目编号: a project's number in its county's ledger (unique within the county).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProjectNo(String);

impl ProjectNo {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(input: &str) -> Result<ProjectNo, ProjectError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ProjectError::Missing("项目编号"));
        }
        if s.chars().count() > Self::MAX_CHARS
            || s.chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '/')
        {
            return Err(ProjectError::BadNo(s.to_string()));
        }
        Ok(ProjectNo(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProjectNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A project as its county's ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    pub no: ProjectNo,
    /// 实施年度: the plan year it belongs to.
    pub year: PolicyYear,
    pub name: String,
    /// 实施地点: the county, township or village it is built in.
    pub area: AreaCode,
    /// 项目类别, one of the policy's.
    pub category: String,
    pub stage: ProjectStage,
    /// 计划投资（衔接资金）.
    pub planned_fund: Money,
    /// 已下达资金.
    pub allocated: Money,
    /// 已支出资金.
    pub spent: Money,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    /// 受益户数.
    pub beneficiary_households: Option<u32>,
    /// 其中脱贫户和监测户数.
    pub poor_households: Option<u32>,
    pub note: Option<String>,
}

/// What is wrong with a project's row; each names the column it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error("缺少{0}")]
    Missing(&'static str),
    #[error("项目编号“{0}”无效：最多40个字符，不能含空格或“/”")]
    BadNo(String),
    #[error("实施地点应为县级或以下的区划，实为{0}")]
    AreaTooHigh(String),
    #[error("已支出资金{spent}元大于已下达资金{allocated}元")]
    SpentOverAllocated { spent: String, allocated: String },
    #[error("{later}（{later_on}）早于{earlier}（{earlier_on}）")]
    DatesOutOfOrder {
        earlier: &'static str,
        earlier_on: NaiveDate,
        later: &'static str,
        later_on: NaiveDate,
    },
    #[error("已填{date}，项目状态应为“{stage}”或之后，实为“{actual}”")]
    StageBehindDate {
        date: &'static str,
        stage: &'static str,
        actual: &'static str,
    },
    #[error("{0}（{1}）晚于今天")]
    DateToCome(&'static str, NaiveDate),
    #[error("其中脱贫户和监测户数{poor}大于受益户数{all}")]
    PoorOverAll { poor: u32, all: u32 },
    #[error("项目类别“{0}”不在本年度政策的项目类别中（{1}）")]
    UnknownCategory(String, String),
}

impl ProjectError {
    /// The ledger column the error is about.
    pub fn column(&self) -> &'static str {
        match self {
            ProjectError::Missing(c) => c,
            ProjectError::BadNo(_) => "项目编号",
            ProjectError::AreaTooHigh(_) => "实施地点代码",
            ProjectError::SpentOverAllocated { .. } => "已支出资金（万元）",
            ProjectError::DatesOutOfOrder { later, .. } => later,
            ProjectError::StageBehindDate { .. } => "项目状态",
            ProjectError::DateToCome(c, _) => c,
            ProjectError::PoorOverAll { .. } => "其中脱贫户和监测户数",
            ProjectError::UnknownCategory(..) => "项目类别",
        }
    }
}

impl Project {
    /// The county whose ledger holds the project (its key's first part).
    pub fn county(&self) -> Option<AreaCode> {
        self.area.county()
    }

    /// Every rule a row must keep, all problems told (none when it may be saved). `categories`
    /// are the year's policy's.
    pub fn check(&self, categories: &[String], today: NaiveDate) -> Vec<ProjectError> {
        let mut errors = Vec::new();
        if self.area.level() < AreaLevel::County {
            errors.push(ProjectError::AreaTooHigh(self.area.to_string()));
        }
        if !categories.iter().any(|c| c == &self.category) {
            errors.push(ProjectError::UnknownCategory(
                self.category.clone(),
                categories.join("、"),
            ));
        }
        if self.spent > self.allocated {
            errors.push(ProjectError::SpentOverAllocated {
                spent: self.spent.yuan_string(),
                allocated: self.allocated.yuan_string(),
            });
        }
        let dates = [
            ("开工时间", self.started_on, ProjectStage::Started),
            ("完工时间", self.completed_on, ProjectStage::Completed),
            ("验收时间", self.accepted_on, ProjectStage::Accepted),
        ];
        for (name, on, stage) in dates {
            let Some(on) = on else { continue };
            if on > today {
                errors.push(ProjectError::DateToCome(name, on));
            }
            if self.stage < stage {
                errors.push(ProjectError::StageBehindDate {
                    date: name,
                    stage: stage.label(),
                    actual: self.stage.label(),
                });
            }
        }
        let given: Vec<(&'static str, NaiveDate)> = dates
            .iter()
            .filter_map(|(name, on, _)| on.map(|d| (*name, d)))
            .collect();
        for pair in given.windows(2) {
            let ((earlier, earlier_on), (later, later_on)) = (pair[0], pair[1]);
            if later_on < earlier_on {
                errors.push(ProjectError::DatesOutOfOrder {
                    earlier,
                    earlier_on,
                    later,
                    later_on,
                });
            }
        }
        if let (Some(all), Some(poor)) = (self.beneficiary_households, self.poor_households)
            && poor > all
        {
            errors.push(ProjectError::PoorOverAll { poor, all });
        }
        errors
    }
}

/// The projects' rules of a province's policy (`[projects]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRule {
    /// 项目类别 a ledger may give.
    pub categories: Vec<String>,
    /// Those that are industry (产业发展): their funds count in the industry share.
    pub industry: Vec<String>,
    /// The least share of the allocated funds going to industry, in basis points (6000 = 60%).
    pub industry_share_min_bp: u32,
}

impl Default for ProjectRule {
    fn default() -> Self {
        ProjectRule {
            categories: [
                "产业发展",
                "就业项目",
                "乡村建设行动",
                "易地搬迁后扶",
                "巩固三保障成果",
                "乡村治理和精神文明建设",
                "项目管理费",
                "其他",
            ]
            .map(str::to_string)
            .to_vec(),
            industry: vec!["产业发展".to_string()],
            industry_share_min_bp: 6000,
        }
    }
}

/// A share as a percentage with two decimals ("95.73%"), "-" without a denominator.
pub fn percent(numerator: i64, denominator: i64) -> String {
    if denominator <= 0 {
        return "-".to_string();
    }
    // Basis points, rounded half up.
    let bp = (numerator as i128 * 10_000 * 2 + denominator as i128) / (denominator as i128 * 2);
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// Figures over a set of projects of a year (an area, a category).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProjectFigures {
    /// In the project library only.
    pub library: u64,
    /// In the year's plan.
    pub planned: u64,
    pub funded: u64,
    pub started: u64,
    pub completed: u64,
    pub accepted: u64,
    pub handed_over: u64,
    /// Of the planned: 计划投资, 已下达, 已支出 (fen).
    pub planned_fund: Money,
    pub allocated: Money,
    pub spent: Money,
    /// Allocated funds of industry projects.
    pub industry_allocated: Money,
    pub beneficiary_households: u64,
    pub poor_households: u64,
}

impl ProjectFigures {
    pub fn add(&mut self, p: &Project, rule: &ProjectRule) {
        if !p.stage.planned() {
            self.library += 1;
            return;
        }
        self.planned += 1;
        let s = p.stage;
        self.funded += u64::from(s >= ProjectStage::Funded);
        self.started += u64::from(s.started());
        self.completed += u64::from(s.completed());
        self.accepted += u64::from(s >= ProjectStage::Accepted);
        self.handed_over += u64::from(s >= ProjectStage::HandedOver);
        let add = |a: Money, b: Money| Money::from_fen(a.fen().saturating_add(b.fen()));
        self.planned_fund = add(self.planned_fund, p.planned_fund);
        self.allocated = add(self.allocated, p.allocated);
        self.spent = add(self.spent, p.spent);
        if rule.industry.contains(&p.category) {
            self.industry_allocated = add(self.industry_allocated, p.allocated);
        }
        self.beneficiary_households += u64::from(p.beneficiary_households.unwrap_or(0));
        self.poor_households += u64::from(p.poor_households.unwrap_or(0));
    }

    /// 开工率 = started / planned.
    pub fn start_rate(&self) -> String {
        percent(self.started as i64, self.planned as i64)
    }

    /// 完工率 = completed / planned.
    pub fn completion_rate(&self) -> String {
        percent(self.completed as i64, self.planned as i64)
    }

    /// 支出进度 = spent / allocated.
    pub fn spending_rate(&self) -> String {
        percent(self.spent.fen(), self.allocated.fen())
    }

    /// 产业占比 = industry's allocated funds / allocated funds.
    pub fn industry_share(&self) -> String {
        percent(self.industry_allocated.fen(), self.allocated.fen())
    }

    /// The industry share in basis points (`None` before any funds are allocated).
    pub fn industry_share_bp(&self) -> Option<u32> {
        (self.allocated.fen() > 0).then(|| {
            ((self.industry_allocated.fen() as i128 * 10_000) / self.allocated.fen() as i128) as u32
        })
    }

    /// Whether the industry share is below the policy's floor (not before funds are allocated).
    pub fn industry_short(&self, rule: &ProjectRule) -> bool {
        self.industry_share_bp()
            .is_some_and(|bp| bp < rule.industry_share_min_bp)
    }
}

#[cfg(test)]
mod tests;

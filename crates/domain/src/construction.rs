//! Rural construction (乡村建设, DOMAIN §11): the tasks of the year — village plans (村庄规划),
//! toilet renovation (农村户厕改造) and the rectification of problem toilets (问题厕所整改),
//! sewage (生活污水治理), demonstration villages (示范村) — each a target the level above sets a
//! county, a list of items (where, how many, how far) the county keeps in its ledger, and their
//! progress: 完成率 = completed / target.
//!
//! Which tasks there are, and the unit each is counted in, is the province's policy
//! (`[construction]`); an item's number is unique within its county, as a project's is.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::area::{AreaCode, AreaLevel};
use crate::labelled_enum;
use crate::project::{ProjectNo, percent};
use crate::year::PolicyYear;

labelled_enum!(
    /// 进展情况 of a construction item; each stage includes those before it.
    ConstructionStage, "进展情况" {
        NotStarted = 1 => "未开工" | "未启动" | "未实施" | "计划",
        InProgress = 2 => "在建" | "实施中" | "推进中" | "已开工" | "已启动",
        Completed = 3 => "已完成" | "完成" | "已完工" | "完工",
        Accepted = 4 => "已验收" | "验收" | "验收合格" | "已验收合格",
    }
);

/// A task of the year's rural construction, as the policy names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstructionTask {
    /// 任务类别, e.g. "农村户厕改造".
    pub name: String,
    /// What its quantities count, e.g. "户", "个村".
    pub unit: String,
}

/// The tasks of a province's policy (`[construction]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConstructionRule {
    pub tasks: Vec<ConstructionTask>,
}

impl Default for ConstructionRule {
    fn default() -> Self {
        let task = |name: &str, unit: &str| ConstructionTask {
            name: name.to_string(),
            unit: unit.to_string(),
        };
        ConstructionRule {
            tasks: vec![
                task("村庄规划编制", "个村"),
                task("农村户厕改造", "户"),
                task("问题厕所整改", "户"),
                task("生活污水治理", "个村"),
                task("和美乡村示范村创建", "个村"),
            ],
        }
    }
}

impl ConstructionRule {
    pub fn task(&self, name: &str) -> Option<&ConstructionTask> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// The tasks' names, for an error: "村庄规划编制、农村户厕改造…".
    pub fn names(&self) -> String {
        self.tasks
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// An item of a county's construction ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConstructionItem {
    /// 项目编号, unique within the county.
    pub no: ProjectNo,
    pub year: PolicyYear,
    /// 任务类别, one of the policy's tasks.
    pub task: String,
    /// 所在地: the county, township or (mostly) village it is done in.
    pub area: AreaCode,
    /// 建设内容.
    pub name: String,
    /// 计划数量, in the task's unit.
    pub planned: u32,
    /// 完成数量.
    pub done: u32,
    pub stage: ConstructionStage,
    pub completed_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A county's target of a task for a year (目标任务), set from above.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConstructionTarget {
    pub county: AreaCode,
    pub year: PolicyYear,
    pub task: String,
    pub quantity: u32,
}

/// What is wrong with an item's or a target's row; each names the column it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstructionError {
    #[error("所在地应为县级或以下的区划，实为{0}")]
    AreaTooHigh(String),
    #[error("目标任务应下达到县级区划，实为{0}")]
    TargetNotCounty(String),
    #[error("任务类别“{0}”不在本年度政策的乡村建设任务中（{1}）")]
    UnknownTask(String, String),
    #[error("完成数量{done}大于计划数量{planned}")]
    DoneOverPlanned { done: u32, planned: u32 },
    #[error("进展为“{stage}”，完成数量应等于计划数量{planned}，实为{done}")]
    CompletedShort {
        stage: &'static str,
        planned: u32,
        done: u32,
    },
    #[error("已有完成数量{0}，进展不应为“未开工”")]
    DoneNotStarted(u32),
    #[error("已填完成时间，进展应为“已完成”或“已验收”，实为“{0}”")]
    DateNotCompleted(&'static str),
    #[error("完成时间（{0}）晚于今天")]
    DateToCome(NaiveDate),
    #[error("完成时间（{0}）不在实施年度{1}年或之后")]
    DateBeforeYear(NaiveDate, u16),
    #[error("计划数量应大于0")]
    NothingPlanned,
}

impl ConstructionError {
    /// The ledger column the error is about.
    pub fn column(&self) -> &'static str {
        match self {
            ConstructionError::AreaTooHigh(_) => "所在地代码",
            ConstructionError::TargetNotCounty(_) => "区划代码",
            ConstructionError::UnknownTask(..) => "任务类别",
            ConstructionError::DoneOverPlanned { .. }
            | ConstructionError::CompletedShort { .. }
            | ConstructionError::DoneNotStarted(_) => "完成数量",
            ConstructionError::DateNotCompleted(_)
            | ConstructionError::DateToCome(_)
            | ConstructionError::DateBeforeYear(..) => "完成时间",
            ConstructionError::NothingPlanned => "计划数量",
        }
    }
}

impl ConstructionItem {
    /// The county whose ledger holds the item (its key's first part).
    pub fn county(&self) -> Option<AreaCode> {
        self.area.county()
    }

    /// Every rule a row must keep, all problems told (none when it may be saved).
    pub fn check(&self, rule: &ConstructionRule, today: NaiveDate) -> Vec<ConstructionError> {
        let mut errors = Vec::new();
        if self.area.level() < AreaLevel::County {
            errors.push(ConstructionError::AreaTooHigh(self.area.to_string()));
        }
        if rule.task(&self.task).is_none() {
            errors.push(ConstructionError::UnknownTask(
                self.task.clone(),
                rule.names(),
            ));
        }
        if self.planned == 0 {
            errors.push(ConstructionError::NothingPlanned);
        }
        if self.done > self.planned {
            errors.push(ConstructionError::DoneOverPlanned {
                done: self.done,
                planned: self.planned,
            });
        } else if self.stage >= ConstructionStage::Completed && self.done < self.planned {
            errors.push(ConstructionError::CompletedShort {
                stage: self.stage.label(),
                planned: self.planned,
                done: self.done,
            });
        }
        if self.done > 0 && self.stage == ConstructionStage::NotStarted {
            errors.push(ConstructionError::DoneNotStarted(self.done));
        }
        if let Some(on) = self.completed_on {
            if self.stage < ConstructionStage::Completed {
                errors.push(ConstructionError::DateNotCompleted(self.stage.label()));
            }
            if on > today {
                errors.push(ConstructionError::DateToCome(on));
            }
            if i32::from(self.year.get()) > chrono::Datelike::year(&on) {
                errors.push(ConstructionError::DateBeforeYear(on, self.year.get()));
            }
        }
        errors
    }
}

impl ConstructionTarget {
    pub fn check(&self, rule: &ConstructionRule) -> Vec<ConstructionError> {
        let mut errors = Vec::new();
        if self.county.level() != AreaLevel::County {
            errors.push(ConstructionError::TargetNotCounty(self.county.to_string()));
        }
        if rule.task(&self.task).is_none() {
            errors.push(ConstructionError::UnknownTask(
                self.task.clone(),
                rule.names(),
            ));
        }
        errors
    }
}

/// A task's figures over an area: its target and the items' progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConstructionFigures {
    /// The targets of the counties in the area (`None`: none set).
    pub target: Option<u64>,
    pub items: u64,
    /// Items under way, completed (or accepted), accepted.
    pub started: u64,
    pub completed: u64,
    pub accepted: u64,
    /// The items' planned and completed quantities, in the task's unit.
    pub planned: u64,
    pub done: u64,
}

impl ConstructionFigures {
    pub fn add_item(&mut self, item: &ConstructionItem) {
        self.items += 1;
        self.started += u64::from(item.stage >= ConstructionStage::InProgress);
        self.completed += u64::from(item.stage >= ConstructionStage::Completed);
        self.accepted += u64::from(item.stage >= ConstructionStage::Accepted);
        self.planned += u64::from(item.planned);
        self.done += u64::from(item.done);
    }

    pub fn add_target(&mut self, quantity: u32) {
        self.target = Some(self.target.unwrap_or(0) + u64::from(quantity));
    }

    /// 完成率 = completed quantity / target ("-" without a target).
    pub fn completion_rate(&self) -> String {
        percent(self.done as i64, self.target.unwrap_or(0) as i64)
    }

    /// 计划覆盖率 = planned quantity / target: whether the items listed reach the target.
    pub fn planned_rate(&self) -> String {
        percent(self.planned as i64, self.target.unwrap_or(0) as i64)
    }

    /// How much of the target the items listed leave uncovered.
    pub fn unplanned(&self) -> u64 {
        self.target.unwrap_or(0).saturating_sub(self.planned)
    }

    /// The target is set and not yet reached.
    pub fn behind(&self) -> bool {
        self.target.is_some_and(|t| self.done < t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(planned: u32, done: u32, stage: ConstructionStage) -> ConstructionItem {
        ConstructionItem {
            no: ProjectNo::parse("GC-1").unwrap(),
            year: PolicyYear::new(2026).unwrap(),
            task: "农村户厕改造".into(),
            area: AreaCode::parse("620102001001").unwrap(),
            name: "户厕改造".into(),
            planned,
            done,
            stage,
            completed_on: None,
            note: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    }

    #[test]
    fn an_item_keeps_its_quantities_within_its_plan_and_stage() {
        let rule = ConstructionRule::default();
        assert!(
            item(40, 12, ConstructionStage::InProgress)
                .check(&rule, today())
                .is_empty()
        );
        assert_eq!(
            item(40, 41, ConstructionStage::InProgress).check(&rule, today()),
            vec![ConstructionError::DoneOverPlanned {
                done: 41,
                planned: 40
            }]
        );
        assert_eq!(
            item(40, 39, ConstructionStage::Completed).check(&rule, today()),
            vec![ConstructionError::CompletedShort {
                stage: "已完成",
                planned: 40,
                done: 39
            }]
        );
        assert!(
            item(40, 40, ConstructionStage::Accepted)
                .check(&rule, today())
                .is_empty()
        );
        assert_eq!(
            item(40, 3, ConstructionStage::NotStarted).check(&rule, today()),
            vec![ConstructionError::DoneNotStarted(3)]
        );
        assert_eq!(
            item(0, 0, ConstructionStage::NotStarted).check(&rule, today()),
            vec![ConstructionError::NothingPlanned]
        );
    }

    #[test]
    fn the_task_place_and_date_are_checked() {
        let rule = ConstructionRule::default();
        let mut i = item(10, 10, ConstructionStage::Completed);
        i.task = "修路".into();
        i.area = AreaCode::parse("620100000000").unwrap();
        i.completed_on = NaiveDate::from_ymd_opt(2026, 12, 1);
        let errors = i.check(&rule, today());
        assert!(errors.contains(&ConstructionError::AreaTooHigh("620100000000".into())));
        assert!(matches!(errors[1], ConstructionError::UnknownTask(ref t, _) if t == "修路"));
        assert_eq!(errors[1].column(), "任务类别");
        assert!(errors.contains(&ConstructionError::DateToCome(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        )));
        let mut early = item(10, 10, ConstructionStage::Completed);
        early.completed_on = NaiveDate::from_ymd_opt(2025, 12, 31);
        assert_eq!(
            early.check(&rule, today()),
            vec![ConstructionError::DateBeforeYear(
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
                2026
            )]
        );
        let mut not_done = item(10, 5, ConstructionStage::InProgress);
        not_done.completed_on = NaiveDate::from_ymd_opt(2026, 6, 1);
        assert_eq!(
            not_done.check(&rule, today()),
            vec![ConstructionError::DateNotCompleted("在建")]
        );
    }

    #[test]
    fn a_target_is_a_county_s_and_of_a_known_task() {
        let rule = ConstructionRule::default();
        let t = ConstructionTarget {
            county: AreaCode::parse("620102000000").unwrap(),
            year: PolicyYear::new(2026).unwrap(),
            task: "生活污水治理".into(),
            quantity: 12,
        };
        assert!(t.check(&rule).is_empty());
        let township = ConstructionTarget {
            county: AreaCode::parse("620102001000").unwrap(),
            ..t
        };
        assert_eq!(
            township.check(&rule),
            vec![ConstructionError::TargetNotCounty("620102001000".into())]
        );
    }

    #[test]
    fn figures_count_the_items_against_the_target() {
        let mut f = ConstructionFigures::default();
        assert_eq!(f.completion_rate(), "-");
        assert!(!f.behind());
        f.add_item(&item(40, 40, ConstructionStage::Accepted));
        f.add_item(&item(30, 10, ConstructionStage::InProgress));
        f.add_item(&item(20, 0, ConstructionStage::NotStarted));
        f.add_target(100);
        f.add_target(20);
        assert_eq!(f.target, Some(120));
        assert_eq!((f.items, f.started, f.completed, f.accepted), (3, 2, 1, 1));
        assert_eq!((f.planned, f.done), (90, 50));
        // 50 / 120 = 41.666…% → 41.67%.
        assert_eq!(f.completion_rate(), "41.67%");
        assert_eq!(f.planned_rate(), "75.00%");
        assert_eq!(f.unplanned(), 30);
        assert!(f.behind());
    }
}

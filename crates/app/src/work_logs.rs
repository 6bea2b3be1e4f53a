//! 工作纪实: who works in a village (`Permission::CheckIn`: the work team, village cadres) writes
//! the day's work log — what was done, the households visited (each must be registered within
//! their area) — and every level above reads the logs of the people of its area, a month at a
//! time, newest first.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::monitoring::visit::Photo;
use zhenxing_domain::work_team::WorkTeamRule;
use zhenxing_domain::{AreaCode, HouseholdNo, Permission, Role, Scope, today_in_china};

use crate::auth::Caller;
use crate::{App, AppError};

/// Longest log kept, in characters.
pub const MAX_BODY: usize = 2000;
/// Most households one log names.
pub const MAX_HOUSEHOLDS: usize = 50;

/// A log as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct WorkLogRow {
    pub user_id: i64,
    pub name: String,
    pub role: Option<Role>,
    /// The area by name below the one read.
    pub area_name: String,
    pub day: NaiveDate,
    pub body: String,
    pub households: Vec<String>,
    /// How many photos it has (numbered from 1).
    pub photos: u32,
}

impl WorkLogRow {
    /// The photos' numbers, from 1.
    pub fn photo_numbers(&self) -> Vec<u32> {
        (1..=self.photos).collect()
    }

    /// The text, a paragraph a line.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// The caller's own log of a day, to write it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnWorkLog {
    pub body: String,
    pub households: Vec<String>,
    pub photos: u32,
}

/// The logs of the people of an area in a month.
#[derive(Debug, Clone, Serialize)]
pub struct WorkLogs {
    pub area: AreaCode,
    pub area_name: String,
    pub month: NaiveDate,
    pub rows: Vec<WorkLogRow>,
}

/// The households a log names: numbers separated by commas, 、 or spaces, each once.
pub fn parse_households(text: &str) -> Result<Vec<HouseholdNo>, AppError> {
    let mut out: Vec<HouseholdNo> = Vec::new();
    for part in text.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace()) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let no = HouseholdNo::parse(part)
            .map_err(|e| AppError::Invalid(format!("户编号“{part}”无效：{e}")))?;
        if !out.contains(&no) {
            out.push(no);
        }
    }
    if out.len() > MAX_HOUSEHOLDS {
        return Err(AppError::Invalid(format!(
            "一篇工作纪实最多填{MAX_HOUSEHOLDS}户"
        )));
    }
    Ok(out)
}

impl App {
    /// The days a work log may be written for on `today` in `area`: from the first (today less
    /// the province's `work_teams.log_days_back`) to today.
    pub async fn work_log_days(
        &self,
        area: AreaCode,
        today: NaiveDate,
    ) -> Result<(NaiveDate, NaiveDate), AppError> {
        let year = crate::monitoring::policy::year_of(today)?;
        let rule = match self.policy_or_none(area, year).await? {
            Some(p) => p.work_teams,
            None => WorkTeamRule::default(),
        };
        Ok((rule.first_log_day(today), today))
    }

    /// The caller's work log of `day` (today when none; a day before only within the days the
    /// province's policy lets a log be written late — 补写); a later one of the same day
    /// replaces it. The households it names must be registered within the caller's area.
    /// `photos` (JPEG or PNG, each at most 2 MB, at most nine) replace the log's photos when
    /// given — none given removes them — and leave them as they are when `None`.
    pub async fn write_work_log(
        &self,
        caller: &Caller,
        day: Option<NaiveDate>,
        body: &str,
        households: &str,
        photos: Option<Vec<Vec<u8>>>,
    ) -> Result<(), AppError> {
        caller.require(Permission::CheckIn)?;
        let photos = match photos {
            None => None,
            Some(files) => {
                if files.len() > Photo::MAX_PER_VISIT {
                    return Err(AppError::Invalid(format!(
                        "一篇工作纪实最多{}张照片",
                        Photo::MAX_PER_VISIT
                    )));
                }
                let mut parsed = Vec::with_capacity(files.len());
                for (i, bytes) in files.into_iter().enumerate() {
                    parsed.push(
                        Photo::parse(bytes)
                            .map_err(|e| AppError::Invalid(format!("第{}张照片：{e}", i + 1)))?,
                    );
                }
                Some(parsed)
            }
        };
        let today = today_in_china();
        let day = day.unwrap_or(today);
        let (first, last) = self.work_log_days(caller.user.area, today).await?;
        if day > last {
            return Err(AppError::Invalid(format!(
                "{day}还没到，只能填写今天和以前的工作纪实"
            )));
        }
        if day < first {
            return Err(AppError::Invalid(if first == last {
                "工作纪实只能填写当天的".to_string()
            } else {
                format!(
                    "工作纪实最多补写{}天前的（{first}起），{day}的已不能再写",
                    (last - first).num_days()
                )
            }));
        }
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::Invalid("请填写今天的工作内容".into()));
        }
        if body.chars().count() > MAX_BODY {
            return Err(AppError::Invalid(format!("工作纪实最多{MAX_BODY}个字")));
        }
        if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(AppError::Invalid("工作纪实含有不可见的控制字符".into()));
        }
        let households = parse_households(households)?;
        for no in &households {
            if self.store().household(caller.scope(), no).await?.is_none() {
                return Err(AppError::Invalid(format!(
                    "户编号{no}不存在或不在您的管辖范围内"
                )));
            }
        }
        self.store()
            .write_work_log(
                caller.user.id,
                caller.user.area,
                day,
                &body.replace("\r\n", "\n"),
                &households,
                photos.as_deref(),
            )
            .await?;
        Ok(())
    }

    /// The caller's own log of `day`, to write it again: its text, the households it names and
    /// how many photos it has.
    pub async fn own_work_log(
        &self,
        caller: &Caller,
        day: NaiveDate,
    ) -> Result<Option<OwnWorkLog>, AppError> {
        caller.require(Permission::CheckIn)?;
        Ok(self
            .store()
            .work_logs(caller.user.area, day, day)
            .await?
            .into_iter()
            .find(|l| l.user_id == caller.user.id)
            .map(|l| OwnWorkLog {
                body: l.body,
                households: l.households,
                photos: l.photos,
            }))
    }

    /// A photo of `user_id`'s log of `day`, for who may read the log (it was written within
    /// their area): (content type, bytes).
    pub async fn work_log_photo(
        &self,
        caller: &Caller,
        user_id: i64,
        day: NaiveDate,
        seq: u32,
    ) -> Result<Option<(String, Vec<u8>)>, AppError> {
        caller.require(Permission::ReadRegistry)?;
        Ok(self
            .store()
            .work_log_photo(user_id, day, seq)
            .await?
            .filter(|(area, _, _)| caller.scope().contains(*area))
            .map(|(_, kind, bytes)| (kind, bytes)))
    }

    /// The month's work logs of the people of `area`, within the caller's area.
    pub async fn work_logs(
        &self,
        caller: &Caller,
        area: AreaCode,
        month: Option<NaiveDate>,
    ) -> Result<WorkLogs, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        let tree = self.tree().await;
        let Some(root) = tree.get(area) else {
            return Err(AppError::NotFound);
        };
        let root_name = root.name.clone();
        drop(tree);
        let (start, until) = crate::attendance::month_so_far(month, today_in_china())?;
        let logs = self.store().work_logs(area, start, until).await?;
        let users: HashMap<i64, (String, Role)> = self
            .accounts()
            .users(Scope::Area(area))
            .await?
            .into_iter()
            .map(|u| (u.id, (u.name, u.role)))
            .collect();
        let tree = self.tree().await;
        let skip = (area.level().number() as usize).clamp(2, 4);
        let rows = logs
            .into_iter()
            .map(|l| {
                let (name, role) = users
                    .get(&l.user_id)
                    .map(|(n, r)| (n.clone(), Some(*r)))
                    .unwrap_or_else(|| (format!("用户{}", l.user_id), None));
                WorkLogRow {
                    user_id: l.user_id,
                    name,
                    role,
                    area_name: tree
                        .path(l.area)
                        .iter()
                        .skip(skip)
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(""),
                    day: l.day,
                    body: l.body,
                    households: l.households,
                    photos: l.photos,
                }
            })
            .collect();
        Ok(WorkLogs {
            area,
            area_name: root_name,
            month: start,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn households_are_read_from_any_separator_once_each() {
        let h = parse_households("A001, A002、A001\nA003，").unwrap();
        let nos: Vec<&str> = h.iter().map(|n| n.as_str()).collect();
        assert_eq!(nos, ["A001", "A002", "A003"]);
        assert!(parse_households("").unwrap().is_empty());
        let many: Vec<String> = (0..51).map(|i| format!("H{i:03}")).collect();
        assert!(parse_households(&many.join(",")).is_err());
    }
}

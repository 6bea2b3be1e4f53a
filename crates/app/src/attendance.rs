//! 驻村考勤: those who work in a village (`Permission::CheckIn`: the work team, village cadres)
//! say each working day whether they are at work, on leave or away on duty; every level above
//! reads the month's attendance of the people of its area, counted on the province's calendar
//! (holidays and make-up working days) up to today.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::attendance::{
    CheckinKind, LeaveRequest, LeaveStatus, MonthAttendance, month_end, month_start,
};
use zhenxing_domain::policy::{Policy, WorkCalendar};
use zhenxing_domain::{AreaCode, HouseholdNo, Permission, Role, Scope, today_in_china};
use zhenxing_store::search::HouseholdFilter;

use zhenxing_store::accounts::NewAudit;

use crate::auth::Caller;
use crate::{App, AppError};

/// Longest note a check-in keeps.
pub const MAX_NOTE: usize = 200;

/// One person's month.
#[derive(Debug, Clone, Serialize)]
pub struct AttendanceRow {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub area: AreaCode,
    /// The area by name below the one read.
    pub area_name: String,
    pub month: MonthAttendance,
    /// Today's word, when the month is this one.
    pub today: Option<CheckinKind>,
    /// The cadre of a roster whose 系统账号 this account is: name and post (张明（第一书记）).
    pub cadre: Option<String>,
}

/// The attendance of the people of an area in a month.
#[derive(Debug, Clone, Serialize)]
pub struct Attendance {
    pub area: AreaCode,
    pub area_name: String,
    /// The month's first day.
    pub month: NaiveDate,
    /// The last day counted (the month's last, or today).
    pub until: NaiveDate,
    pub rows: Vec<AttendanceRow>,
    /// The requests for leave that overlap the month, the latest asked first; in this month's
    /// view, then those of later months still waiting for a decision.
    pub leave: Vec<LeaveLine>,
    /// Of `leave`, the requests of later months waiting (asked ahead, to be decided now).
    pub later_pending: usize,
}

/// A request for leave as the lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct LeaveLine {
    pub request: LeaveRequest,
    pub name: String,
    /// The requester's area by name below the one read.
    pub area_name: String,
}

impl App {
    /// The caller's word for today; a later one the same day replaces it.
    pub async fn check_in(
        &self,
        caller: &Caller,
        kind: CheckinKind,
        note: Option<&str>,
    ) -> Result<(), AppError> {
        caller.require(Permission::CheckIn)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = note
            && (n.chars().count() > MAX_NOTE || n.chars().any(char::is_control))
        {
            return Err(AppError::Invalid(format!(
                "说明最多{MAX_NOTE}个字，不能换行"
            )));
        }
        self.store()
            .check_in(
                caller.user.id,
                caller.user.area,
                today_in_china(),
                kind,
                note,
            )
            .await?;
        Ok(())
    }

    /// The working days of the province's calendar for `day`'s year (weekends only when the
    /// province has no policy that year).
    pub(crate) async fn calendar_for(&self, area: AreaCode, day: NaiveDate) -> WorkCalendar {
        let (Some(province), Ok(year)) = (
            Policy::province_of(area),
            crate::monitoring::policy::year_of(day),
        ) else {
            return WorkCalendar::weekends_only();
        };
        match self.policy_in_force(province, year).await {
            Ok(found) => found.policy.calendar,
            Err(_) => WorkCalendar::weekends_only(),
        }
    }

    /// The people of `area` who check in, their words from `start` to `until` (a month's part)
    /// and the requests for leave of that month.
    pub(crate) async fn words(
        &self,
        area: AreaCode,
        start: NaiveDate,
        until: NaiveDate,
    ) -> Result<Words, AppError> {
        let calendar = self.calendar_for(area, start).await;
        let people: Vec<_> = self
            .accounts()
            .users(Scope::Area(area))
            .await?
            .into_iter()
            .filter(|u| !u.disabled && u.role.may(Permission::CheckIn))
            .collect();
        let mut by_user: HashMap<i64, Vec<(NaiveDate, CheckinKind)>> = HashMap::new();
        for c in self.store().checkins(area, start, until).await? {
            by_user.entry(c.user_id).or_default().push((c.day, c.kind));
        }
        let requests = self
            .store()
            .leave_requests(area, start, month_end(start))
            .await?;
        let mut approved: HashMap<i64, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
        for r in requests
            .iter()
            .filter(|r| r.status == LeaveStatus::Approved)
        {
            approved
                .entry(r.user_id)
                .or_default()
                .push((r.from, r.until));
        }
        Ok(Words {
            people,
            by_user,
            approved,
            requests,
            calendar,
        })
    }

    /// The month's attendance of the people of `area` who check in, within the caller's area.
    pub async fn attendance(
        &self,
        caller: &Caller,
        area: AreaCode,
        month: Option<NaiveDate>,
    ) -> Result<Attendance, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let scope = caller.scope();
        if !scope.contains(area) {
            return Err(AppError::NotFound);
        }
        let tree = self.tree().await;
        let Some(root) = tree.get(area) else {
            return Err(AppError::NotFound);
        };
        let today = today_in_china();
        let (start, until) = month_so_far(month, today)?;
        let Words {
            people,
            mut by_user,
            approved,
            mut requests,
            calendar,
        } = self.words(area, start, until).await?;
        // This month's view also shows what waits for a decision of later months: a request
        // asked ahead is decided before its month comes.
        let mut later_pending = 0;
        if until == today
            && let (Some(next), Some(ahead)) = (
                month_end(start).succ_opt(),
                today.checked_add_days(chrono::Days::new(366)),
            )
        {
            for r in self.store().leave_requests(area, next, ahead).await? {
                if r.status == LeaveStatus::Pending && r.from >= next {
                    requests.push(r);
                    later_pending += 1;
                }
            }
        }
        let names: HashMap<i64, String> = people.iter().map(|u| (u.id, u.name.clone())).collect();
        // Who each account is on the rosters of the area (their 系统账号).
        let cadres: HashMap<String, String> = self
            .store()
            .work_teams()
            .team_members(scope, area)
            .await?
            .into_iter()
            .filter_map(|m| {
                let who = format!("{}（{}）", m.member.name, m.member.post.label());
                m.member.account.map(|a| (a, who))
            })
            .collect();
        let skip = (area.level().number() as usize).clamp(2, 4);
        let name_below = |code: AreaCode| {
            tree.path(code)
                .iter()
                .skip(skip)
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("")
        };
        let leave = requests
            .into_iter()
            .map(|r| LeaveLine {
                name: names
                    .get(&r.user_id)
                    .cloned()
                    .unwrap_or_else(|| format!("用户{}", r.user_id)),
                area_name: name_below(r.area),
                request: r,
            })
            .collect();
        let rows = people
            .into_iter()
            .map(|u| {
                let days = by_user.remove(&u.id).unwrap_or_default();
                let today_kind = (until == today)
                    .then(|| {
                        days.iter()
                            .rev()
                            .find(|(d, _)| *d == today)
                            .map(|(_, k)| *k)
                    })
                    .flatten();
                AttendanceRow {
                    user_id: u.id,
                    area_name: tree
                        .path(u.area)
                        .iter()
                        .skip(skip)
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(""),
                    month: MonthAttendance::of(
                        &days,
                        start,
                        until,
                        &calendar,
                        approved.get(&u.id).map(Vec::as_slice).unwrap_or(&[]),
                    ),
                    today: today_kind,
                    cadre: cadres.get(&u.name).cloned(),
                    name: u.name,
                    role: u.role,
                    area: u.area,
                }
            })
            .collect();
        Ok(Attendance {
            area,
            area_name: root.name.clone(),
            month: start,
            until,
            rows,
            leave,
            later_pending,
        })
    }

    /// The caller's request for leave from `from` to `until`: refused when it overlaps one of
    /// theirs not refused. Its id.
    pub async fn request_leave(
        &self,
        caller: &Caller,
        from: NaiveDate,
        until: NaiveDate,
        reason: &str,
    ) -> Result<i64, AppError> {
        caller.require(Permission::CheckIn)?;
        LeaveRequest::check(from, until, reason, today_in_china())
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let store = self.store();
        if let Some(r) = store
            .leave_requests(caller.user.area, from, until)
            .await?
            .into_iter()
            .find(|r| r.user_id == caller.user.id && r.standing())
        {
            return Err(AppError::Invalid(format!(
                "与已申请的请假（{}至{}，{}）重叠",
                r.from,
                r.until,
                r.status.label()
            )));
        }
        Ok(store
            .request_leave(caller.user.id, caller.user.area, from, until, reason.trim())
            .await?)
    }

    /// Withdraws the caller's own request for leave: pending, or approved and not begun (a
    /// leave begun is cut short by checking in). Audited.
    pub async fn withdraw_leave(&self, caller: &Caller, id: i64) -> Result<LeaveRequest, AppError> {
        caller.require(Permission::CheckIn)?;
        let store = self.store();
        let r = store
            .leave_request(id)
            .await?
            .filter(|r| caller.scope().contains(r.area))
            .ok_or(AppError::NotFound)?;
        if r.user_id != caller.user.id {
            return Err(AppError::Forbidden);
        }
        let today = today_in_china();
        if !r.withdrawable(today) {
            return Err(AppError::Invalid(match r.status {
                LeaveStatus::Approved => format!("已批准的请假已于{}开始，不能撤回", r.from),
                other => format!("该请假申请{}，不能撤回", other.label()),
            }));
        }
        let withdrawn = store
            .withdraw_leave(id, caller.user.id, today)
            .await?
            .ok_or_else(|| AppError::Invalid("该请假申请已审批或撤回，请刷新后再看".into()))?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "withdraw_leave",
                area: Some(r.area),
                subject: format!("leave:{id}"),
                before: serde_json::json!({ "status": r.status.label() }).to_string(),
                after: serde_json::json!({
                    "status": LeaveStatus::Withdrawn.label(),
                    "from": r.from.to_string(),
                    "until": r.until.to_string(),
                })
                .to_string(),
            },
        )
        .await?;
        Ok(withdrawn)
    }

    /// Approves (or refuses) a pending request for leave of someone within the caller's area,
    /// never the caller's own. Audited.
    pub async fn decide_leave(
        &self,
        caller: &Caller,
        id: i64,
        approve: bool,
        note: Option<&str>,
    ) -> Result<LeaveRequest, AppError> {
        caller.require(Permission::ApproveLeave)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
            return Err(AppError::Invalid(format!("审批意见最多{MAX_NOTE}个字")));
        }
        let store = self.store();
        let r = store
            .leave_request(id)
            .await?
            .filter(|r| caller.scope().contains(r.area))
            .ok_or(AppError::NotFound)?;
        if r.user_id == caller.user.id {
            return Err(AppError::Forbidden);
        }
        let status = if approve {
            LeaveStatus::Approved
        } else {
            LeaveStatus::Refused
        };
        let decided = store
            .decide_leave(id, status, &caller.user.name, note)
            .await?
            .ok_or_else(|| {
                AppError::Invalid(format!("该请假申请已审批（{}）", r.status.label()))
            })?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "decide_leave",
                area: Some(r.area),
                subject: format!("leave:{id}"),
                before: String::new(),
                after: serde_json::json!({
                    "status": status.label(),
                    "from": r.from.to_string(),
                    "until": r.until.to_string(),
                    "note": note,
                })
                .to_string(),
            },
        )
        .await?;
        Ok(decided)
    }
}

/// The first day of `month`'s month (this month when `None`) and its last day up to `today`; a
/// month still to come is refused.
pub(crate) fn month_so_far(
    month: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let start = month_start(month.unwrap_or(today));
    if start > today {
        return Err(AppError::Invalid(format!(
            "{}年{}月还没有到",
            chrono::Datelike::year(&start),
            chrono::Datelike::month(&start)
        )));
    }
    Ok((start, month_end(start).min(today)))
}

/// The people of an area who check in and their words over some days (see [`App::words`]).
pub(crate) struct Words {
    pub people: Vec<zhenxing_store::accounts::User>,
    /// Each person's words, by user id, in day order.
    pub by_user: HashMap<i64, Vec<(NaiveDate, CheckinKind)>>,
    /// Each person's approved leave (from, until), by user id.
    pub approved: HashMap<i64, Vec<(NaiveDate, NaiveDate)>>,
    pub requests: Vec<LeaveRequest>,
    pub calendar: WorkCalendar,
}

impl Words {
    /// The attendance of user `id` from `start` to `until`.
    pub fn month(&self, id: i64, start: NaiveDate, until: NaiveDate) -> MonthAttendance {
        MonthAttendance::of(
            self.by_user.get(&id).map(Vec::as_slice).unwrap_or(&[]),
            start,
            until,
            &self.calendar,
            self.approved.get(&id).map(Vec::as_slice).unwrap_or(&[]),
        )
    }

    /// The user id of each account that checks in, by its name (a roster's 系统账号).
    pub fn account_ids(&self) -> HashMap<&str, i64> {
        self.people
            .iter()
            .map(|u| (u.name.as_str(), u.id))
            .collect()
    }

    /// User `id`'s last word on `day`.
    pub fn on(&self, id: i64, day: NaiveDate) -> Option<CheckinKind> {
        self.by_user
            .get(&id)?
            .iter()
            .rev()
            .find(|(d, _)| *d == day)
            .map(|(_, k)| *k)
    }
}

/// What the demo's attendance holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoAttendance {
    pub checkins: usize,
    pub leave_requests: usize,
    pub work_logs: usize,
}

/// The demo's day's work, in turn (the households visited are named beside it).
const DEMO_WORK: [&str; 5] = [
    "入户走访监测户，核实家庭收入和务工情况，宣讲防返贫政策。",
    "参加村“两委”会议，研究本月产业帮扶和公益岗位人员安排。",
    "协助村里开展人居环境整治，检查户厕改造进度。",
    "走访脱贫户，了解医疗保障和子女上学情况，登记需要帮助的事项。",
    "整理本村防返贫监测台账，核对新增人口和外出务工人员信息。",
];

impl App {
    /// The demo's attendance: each person (user id and area) checked in on this month's working
    /// days up to today — at work most days, away on duty (公出) some, deterministically from
    /// `seed` — with the day's work log (工作纪实) naming households of their village, and the
    /// last one's request for leave in two days, pending for the township.
    pub async fn add_demo_attendance(
        &self,
        people: &[(i64, AreaCode)],
        today: NaiveDate,
        seed: u64,
    ) -> Result<DemoAttendance, AppError> {
        let mut out = DemoAttendance::default();
        let Some(&(_, first_area)) = people.first() else {
            return Ok(out);
        };
        let calendar = self.calendar_for(first_area, today).await;
        let store = self.store();
        let mut villages: HashMap<AreaCode, Vec<HouseholdNo>> = HashMap::new();
        for (_, area) in people {
            if !villages.contains_key(area) {
                let found = self
                    .search
                    .search_households(Scope::All, *area, &HouseholdFilter::default(), None, 20)
                    .await?;
                villages.insert(*area, found.into_iter().map(|h| h.no).collect());
            }
        }
        let mut day = zhenxing_domain::attendance::month_start(today);
        while day <= today {
            if calendar.is_working_day(day) {
                for (i, (user, area)) in people.iter().enumerate() {
                    use chrono::Datelike;
                    let roll = (seed as u32)
                        .wrapping_mul(31)
                        .wrapping_add(day.ordinal() * 7 + i as u32 * 13)
                        % 10;
                    let (kind, note) = if roll == 0 {
                        (CheckinKind::Away, Some("县里集中培训"))
                    } else {
                        (CheckinKind::Present, None)
                    };
                    store.check_in(*user, *area, day, kind, note).await?;
                    out.checkins += 1;
                    if kind == CheckinKind::Present {
                        let turn = (day.ordinal() as usize + i) % DEMO_WORK.len();
                        let visited: Vec<HouseholdNo> = match villages.get(area) {
                            Some(nos) if !nos.is_empty() && turn.is_multiple_of(2) => {
                                let first = (day.ordinal() as usize + i) % nos.len();
                                nos.iter()
                                    .cycle()
                                    .skip(first)
                                    .take(2.min(nos.len()))
                                    .cloned()
                                    .collect()
                            }
                            _ => Vec::new(),
                        };
                        store
                            .write_work_log(*user, *area, day, DEMO_WORK[turn], &visited, None)
                            .await?;
                        out.work_logs += 1;
                    }
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        if let Some(&(user, area)) = people.last() {
            let from = today + chrono::Days::new(2);
            store
                .request_leave(user, area, from, from, "家中有事，请假一天")
                .await?;
            out.leave_requests += 1;
        }
        Ok(out)
    }
}

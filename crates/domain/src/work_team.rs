//! Village-resident work teams (驻村工作队, DOMAIN §11): the cadres a unit sends to live and work
//! in a village — its first secretary (第一书记), the team leader and members — for a term. A
//! county keeps their roster (驻村干部花名册); every level above follows which villages have a
//! team, whether each ex-poor village (脱贫村) has its first secretary, teams smaller than the
//! policy's floor, and members kept beyond their term.
//!
//! The floor and the term are the province's policy (`[work_teams]`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::area::{AreaCode, AreaLevel};
use crate::id_number::IdNumber;
use crate::labelled_enum;

labelled_enum!(
    /// 驻村职务.
    TeamPost, "驻村职务" {
        FirstSecretary = 1 => "第一书记" | "第一书记兼工作队长" | "第一书记兼队长" | "驻村第一书记",
        Leader = 2 => "工作队长" | "队长" | "驻村工作队长",
        Member = 3 => "工作队员" | "队员" | "驻村工作队员",
    }
);

labelled_enum!(
    /// 派出单位级别.
    UnitLevel, "派出单位级别" {
        Central = 1 => "中央单位" | "中央" | "中央和国家机关",
        Province = 2 => "省直单位" | "省级" | "省直" | "省",
        City = 3 => "市直单位" | "市级" | "市直" | "市（州）直" | "市",
        County = 4 => "县直单位" | "县级" | "县直" | "县（市、区）直" | "县",
        Township = 5 => "乡镇" | "乡镇单位" | "乡级",
    }
);

/// A cadre on a county's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    pub id: IdNumber,
    pub name: String,
    /// 联系电话.
    pub phone: Option<String>,
    /// 所驻村.
    pub village: AreaCode,
    pub post: TeamPost,
    /// 派出单位.
    pub unit: String,
    pub unit_level: UnitLevel,
    /// 驻村时间: the day the cadre came.
    pub from: NaiveDate,
    /// 离村时间: the day the cadre left (rotated, recalled); none while in post.
    pub until: Option<NaiveDate>,
    pub note: Option<String>,
    /// 系统账号: the login name the cadre checks in with (驻村考勤), linking the roster to the
    /// attendance; none when the cadre has no account.
    pub account: Option<String>,
}

/// What is wrong with a roster's row; each names the column it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    #[error("所驻村应为村级区划，实为{0}")]
    NotVillage(String),
    #[error("离村时间（{until}）早于驻村时间（{from}）")]
    LeftBeforeCame { from: NaiveDate, until: NaiveDate },
    #[error("{0}（{1}）晚于今天")]
    DateToCome(&'static str, NaiveDate),
}

impl TeamError {
    /// The roster column the error is about.
    pub fn column(&self) -> &'static str {
        match self {
            TeamError::NotVillage(_) => "所驻村代码",
            TeamError::LeftBeforeCame { .. } => "离村时间",
            TeamError::DateToCome(c, _) => c,
        }
    }
}

impl TeamMember {
    /// The county whose roster holds the cadre (the key's first part).
    pub fn county(&self) -> Option<AreaCode> {
        self.village.county()
    }

    /// Every rule a row must keep, all problems told.
    pub fn check(&self, today: NaiveDate) -> Vec<TeamError> {
        let mut errors = Vec::new();
        if self.village.level() != AreaLevel::Village {
            errors.push(TeamError::NotVillage(self.village.to_string()));
        }
        if self.from > today {
            errors.push(TeamError::DateToCome("驻村时间", self.from));
        }
        if let Some(until) = self.until {
            if until < self.from {
                errors.push(TeamError::LeftBeforeCame {
                    from: self.from,
                    until,
                });
            }
            if until > today {
                errors.push(TeamError::DateToCome("离村时间", until));
            }
        }
        errors
    }

    /// In post on `day`: come, and not left before it.
    pub fn in_post(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| u >= day)
    }

    /// In post on `day` beyond a term of `term_months` since coming (轮换到期未轮换).
    pub fn beyond_term(&self, day: NaiveDate, term_months: u32) -> bool {
        self.in_post(day)
            && self
                .from
                .checked_add_months(chrono::Months::new(term_months))
                .is_some_and(|end| end < day)
    }
}

/// The work teams' rule of a province's policy (`[work_teams]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkTeamRule {
    /// The least members of a team (第一书记 included): 3 *(default)*.
    pub min_members: u32,
    /// A term, in months: 24 *(default)*; in post longer, the cadre is due for rotation.
    pub term_months: u32,
    /// 工作纪实 may be written for today and this many days before (补写): 3 *(default)*; 0
    /// is today only.
    pub log_days_back: u32,
}

impl WorkTeamRule {
    /// The first day a work log may still be written for, on `today`.
    pub fn first_log_day(&self, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_days(chrono::Days::new(u64::from(self.log_days_back)))
            .unwrap_or(today)
    }
}

impl Default for WorkTeamRule {
    fn default() -> Self {
        WorkTeamRule {
            min_members: 3,
            term_months: 24,
            log_days_back: 3,
        }
    }
}

/// A village's team on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VillageTeam {
    pub members: u32,
    pub first_secretaries: u32,
    pub beyond_term: u32,
}

impl VillageTeam {
    pub fn add(&mut self, m: &TeamMember, day: NaiveDate, rule: &WorkTeamRule) {
        if !m.in_post(day) {
            return;
        }
        self.members += 1;
        self.first_secretaries += u32::from(m.post == TeamPost::FirstSecretary);
        self.beyond_term += u32::from(m.beyond_term(day, rule.term_months));
    }

    /// Fewer members than the floor (a village without a team is not short: it has none).
    pub fn short(&self, rule: &WorkTeamRule) -> bool {
        self.members > 0 && self.members < rule.min_members
    }
}

/// The teams of an area on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TeamFigures {
    /// Villages with a team (at least one cadre in post).
    pub villages: u64,
    /// Cadres in post, of them first secretaries.
    pub members: u64,
    pub first_secretaries: u64,
    /// Cadres in post per level of their unit: 中央, 省, 市, 县, 乡.
    pub by_unit_level: [u64; 5],
    /// Teams below the floor.
    pub short_teams: u64,
    /// Cadres in post beyond their term.
    pub beyond_term: u64,
    /// Ex-poor villages (脱贫村), and of them those with a first secretary in post.
    pub ex_poor_villages: u64,
    pub ex_poor_with_secretary: u64,
    /// Cadres in post trained this year (at least one training since 1 January), and the
    /// hours of all their trainings this year.
    pub trained: u64,
    pub training_hours: u64,
}

impl TeamFigures {
    /// Adds a village's team (`ex_poor`: the village is an ex-poor one).
    pub fn add_village(&mut self, team: &VillageTeam, ex_poor: bool, rule: &WorkTeamRule) {
        if team.members > 0 {
            self.villages += 1;
        }
        self.members += u64::from(team.members);
        self.first_secretaries += u64::from(team.first_secretaries);
        self.short_teams += u64::from(team.short(rule));
        self.beyond_term += u64::from(team.beyond_term);
        if ex_poor {
            self.ex_poor_villages += 1;
            self.ex_poor_with_secretary += u64::from(team.first_secretaries > 0);
        }
    }

    pub fn add_unit_level(&mut self, level: UnitLevel) {
        self.by_unit_level[(level.code() - 1) as usize] += 1;
    }

    /// Ex-poor villages without a first secretary in post.
    pub fn ex_poor_without_secretary(&self) -> u64 {
        self.ex_poor_villages - self.ex_poor_with_secretary
    }

    /// Adds a cadre in post's hours of training this year (none: not trained).
    pub fn add_training(&mut self, hours: u64) {
        if hours > 0 {
            self.trained += 1;
            self.training_hours += hours;
        }
    }

    /// 培训覆盖率: cadres in post trained this year over those in post.
    pub fn training_rate(&self) -> String {
        crate::project::percent(self.trained as i64, self.members as i64)
    }

    /// 脱贫村第一书记选派率.
    pub fn secretary_rate(&self) -> String {
        crate::project::percent(
            self.ex_poor_with_secretary as i64,
            self.ex_poor_villages as i64,
        )
    }
}

/// A training a cadre on a county's roster attended (驻村干部培训): the course, its day, its
/// hours (学时) and who held it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Training {
    pub cadre: IdNumber,
    /// The cadre's name as the ledger wrote it (checked against the roster's).
    pub name: String,
    /// 培训班名称.
    pub course: String,
    pub day: NaiveDate,
    pub hours: u32,
    /// 主办单位.
    pub organizer: Option<String>,
}

/// The most hours one training row may give.
pub const MAX_TRAINING_HOURS: u32 = 200;

/// What is wrong with a training's row; each names the column it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrainingError {
    #[error("培训日期（{0}）晚于今天")]
    DayToCome(NaiveDate),
    #[error("学时应为1到{MAX_TRAINING_HOURS}之间的整数，实为{0}")]
    Hours(u32),
    #[error("培训班名称最多60个字，不能含“/”")]
    Course,
}

impl TrainingError {
    pub fn column(&self) -> &'static str {
        match self {
            TrainingError::DayToCome(_) => "培训日期",
            TrainingError::Hours(_) => "学时",
            TrainingError::Course => "培训班名称",
        }
    }
}

impl Training {
    /// The training's key within its county: the cadre, the day, the course.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.cadre.as_str(), self.day, self.course)
    }

    pub fn check(&self, today: NaiveDate) -> Vec<TrainingError> {
        let mut e = Vec::new();
        if self.day > today {
            e.push(TrainingError::DayToCome(self.day));
        }
        if self.hours == 0 || self.hours > MAX_TRAINING_HOURS {
            e.push(TrainingError::Hours(self.hours));
        }
        if self.course.chars().count() > 60 || self.course.contains('/') {
            e.push(TrainingError::Course);
        }
        e
    }
}

labelled_enum!(
    /// 电话抽查结果: what a call to a cadre drawn for a phone check found.
    CallResult, "抽查结果" {
        InPost = 1 => "在岗" | "在村",
        Absent = 2 => "不在岗" | "脱岗" | "不在村",
        NoAnswer = 3 => "未接通" | "无人接听" | "关机",
    }
);

/// A cadre drawn for a phone check (电话抽查): the day drawn, by whom, and once called, what
/// was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneCheck {
    /// The cadre's county and the check's number there (the key).
    pub county: AreaCode,
    pub no: i64,
    pub cadre: IdNumber,
    pub drawn_on: NaiveDate,
    pub drawn_by: String,
    pub result: Option<CallResult>,
    pub called_at: Option<String>,
    pub called_by: Option<String>,
    pub note: Option<String>,
}

/// The phone checks of an area over a time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CheckFigures {
    pub drawn: u64,
    pub in_post: u64,
    pub absent: u64,
    pub no_answer: u64,
}

impl CheckFigures {
    pub fn add(&mut self, c: &PhoneCheck) {
        self.drawn += 1;
        match c.result {
            Some(CallResult::InPost) => self.in_post += 1,
            Some(CallResult::Absent) => self.absent += 1,
            Some(CallResult::NoAnswer) => self.no_answer += 1,
            None => {}
        }
    }

    /// Drawn and not yet called.
    pub fn pending(&self) -> u64 {
        self.drawn - self.in_post - self.absent - self.no_answer
    }

    /// 在岗率: in post over those reached (a call not answered says nothing either way).
    pub fn in_post_rate(&self) -> String {
        crate::project::percent(self.in_post as i64, (self.in_post + self.absent) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_training_is_checked_and_keyed() {
        let t = Training {
            cadre: IdNumber::parse("11010519491231002X").unwrap(),
            name: "张三".into(),
            course: "乡村振兴专题培训班".into(),
            day: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            hours: 16,
            organizer: None,
        };
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert!(t.check(today).is_empty());
        assert_eq!(t.key(), "11010519491231002X/2026-11-02/乡村振兴专题培训班");
        let bad = Training {
            day: NaiveDate::from_ymd_opt(2027, 1, 2).unwrap(),
            hours: 0,
            course: "a/b".into(),
            ..t
        };
        let columns: Vec<&str> = bad.check(today).iter().map(|e| e.column()).collect();
        assert_eq!(columns, ["培训日期", "学时", "培训班名称"]);
        let f = TeamFigures {
            members: 4,
            trained: 3,
            ..TeamFigures::default()
        };
        assert_eq!(f.training_rate(), "75.00%");
    }

    #[test]
    fn phone_checks_count_those_reached() {
        let check = |result| PhoneCheck {
            county: AreaCode::parse("620102000000").unwrap(),
            no: 1,
            cadre: IdNumber::parse("11010519491231002X").unwrap(),
            drawn_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            drawn_by: "县乡村振兴局".into(),
            result,
            called_at: None,
            called_by: None,
            note: None,
        };
        let mut f = CheckFigures::default();
        for r in [
            Some(CallResult::InPost),
            Some(CallResult::InPost),
            Some(CallResult::InPost),
            Some(CallResult::Absent),
            Some(CallResult::NoAnswer),
            None,
        ] {
            f.add(&check(r));
        }
        assert_eq!((f.drawn, f.pending()), (6, 1));
        assert_eq!(f.in_post_rate(), "75.00%");
        assert_eq!(CheckFigures::default().in_post_rate(), "-");
        assert_eq!(CallResult::parse("脱岗").unwrap(), CallResult::Absent);
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn member(post: TeamPost, from: NaiveDate, until: Option<NaiveDate>) -> TeamMember {
        TeamMember {
            id: IdNumber::parse("11010519491231002X").unwrap(),
            name: "张三".into(),
            phone: None,
            village: AreaCode::parse("620102001001").unwrap(),
            post,
            unit: "省农业农村厅".into(),
            unit_level: UnitLevel::Province,
            from,
            until,
            note: None,
            account: None,
        }
    }

    #[test]
    fn a_row_s_place_and_dates_are_checked() {
        let today = day(2026, 11, 1);
        assert!(
            member(TeamPost::Member, day(2025, 3, 1), None)
                .check(today)
                .is_empty()
        );
        let mut m = member(TeamPost::Member, day(2026, 12, 1), Some(day(2026, 1, 1)));
        m.village = AreaCode::parse("620102001000").unwrap();
        assert_eq!(
            m.check(today),
            vec![
                TeamError::NotVillage("620102001000".into()),
                TeamError::DateToCome("驻村时间", day(2026, 12, 1)),
                TeamError::LeftBeforeCame {
                    from: day(2026, 12, 1),
                    until: day(2026, 1, 1)
                },
            ]
        );
        assert_eq!(m.check(today)[2].column(), "离村时间");
    }

    #[test]
    fn in_post_and_beyond_the_term() {
        let m = member(TeamPost::FirstSecretary, day(2024, 6, 1), None);
        assert!(!m.in_post(day(2024, 5, 31)));
        assert!(m.in_post(day(2026, 6, 1)));
        // Two years: due on 2026-06-01, beyond it the day after.
        assert!(!m.beyond_term(day(2026, 6, 1), 24));
        assert!(m.beyond_term(day(2026, 6, 2), 24));
        let left = member(TeamPost::Member, day(2024, 6, 1), Some(day(2025, 6, 1)));
        assert!(left.in_post(day(2025, 6, 1)));
        assert!(!left.in_post(day(2025, 6, 2)));
        assert!(!left.beyond_term(day(2026, 7, 1), 24));
    }

    #[test]
    fn figures_count_teams_secretaries_and_the_floor() {
        let rule = WorkTeamRule::default();
        let today = day(2026, 11, 1);
        let mut full = VillageTeam::default();
        for post in [TeamPost::FirstSecretary, TeamPost::Member, TeamPost::Member] {
            full.add(&member(post, day(2025, 3, 1), None), today, &rule);
        }
        let mut small = VillageTeam::default();
        small.add(
            &member(TeamPost::Member, day(2023, 3, 1), None),
            today,
            &rule,
        );
        small.add(
            &member(TeamPost::Member, day(2023, 3, 1), Some(day(2025, 1, 1))),
            today,
            &rule,
        );
        assert_eq!(
            (small.members, small.beyond_term, small.short(&rule)),
            (1, 1, true)
        );
        assert!(!full.short(&rule));
        let mut f = TeamFigures::default();
        f.add_village(&full, true, &rule);
        f.add_village(&small, true, &rule);
        f.add_village(&VillageTeam::default(), true, &rule);
        f.add_village(&VillageTeam::default(), false, &rule);
        assert_eq!(
            (
                f.villages,
                f.members,
                f.first_secretaries,
                f.short_teams,
                f.beyond_term
            ),
            (2, 4, 1, 1, 1)
        );
        assert_eq!((f.ex_poor_villages, f.ex_poor_with_secretary), (3, 1));
        assert_eq!(f.ex_poor_without_secretary(), 2);
        assert_eq!(f.secretary_rate(), "33.33%");
        f.add_unit_level(UnitLevel::Central);
        f.add_unit_level(UnitLevel::Township);
        assert_eq!(f.by_unit_level, [1, 0, 0, 0, 1]);
    }
}

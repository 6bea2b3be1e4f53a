//! 驻村工作队 (DOMAIN §11): a county's roster of village-resident cadres imported (every row
//! checked against the tree and the user's area; the rows refused reported with row, column and
//! why, ID numbers and phones masked; the rest written in one transaction, each change kept),
//! and the teams of any area as of a day — villages with a team, cadres in post by the level of
//! their unit, teams below the policy's floor, cadres beyond their term, and whether each
//! ex-poor village (脱贫村) has its first secretary — per area under it, the villages that need
//! attention listed, and the roster exported (masked).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::work_team::{
    TeamFigures, TeamMember, TeamPost, Training, VillageTeam, WorkTeamRule,
};
use zhenxing_domain::{AreaCode, AreaLevel, IdNumber, Permission, Scope, today_in_china};
use zhenxing_ledger::RowError;
use zhenxing_ledger::work_team::{
    ACCOUNT, COLUMNS, ID, MemberOut, VILLAGE, parse_member, read_roster, write_roster,
};

use crate::auth::Caller;
use crate::own_ledgers::Tally;
use crate::{App, AppError};

/// What importing a roster did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RosterImport {
    pub file: String,
    pub rows: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows refused (a row with several problems counts once).
    pub rejected: u64,
    /// Every problem of the rows refused, in row order (ID numbers and phones masked).
    #[serde(skip)]
    pub errors: Vec<RowError>,
    /// A training ledger's import (the rows are trainings, not cadres).
    #[serde(skip)]
    pub trainings: bool,
}

impl RosterImport {
    /// 0 when every row was taken, 2 when some were refused.
    pub fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { 0 } else { 2 }
    }

    pub fn summary(&self) -> String {
        let (what, unit) = if self.trainings {
            ("培训记录", "条")
        } else {
            ("驻村干部", "人")
        };
        format!(
            "{}：读取{}行，新增{what}{}{unit}，更新{}{unit}，未变{}{unit}{}",
            self.file,
            self.rows,
            self.added,
            self.updated,
            self.unchanged,
            if self.rejected > 0 {
                format!("，{}行未导入（见错误明细）", self.rejected)
            } else {
                "，全部导入".to_string()
            }
        )
    }
}

/// A cadre as the lists show it (the ID number and phone masked when shown).
#[derive(Debug, Clone, Serialize)]
pub struct MemberRow {
    pub county: AreaCode,
    pub member: TeamMember,
    /// The village by name below the area read.
    pub village_name: String,
    pub in_post: bool,
    pub beyond_term: bool,
    /// The hours of this year's trainings up to the report's day.
    pub training_hours: u64,
    /// The attendance of the cadre's account (系统账号) from the month's first day to the
    /// report's day; none without an account (or one that no longer checks in).
    pub attendance: Option<zhenxing_domain::attendance::MonthAttendance>,
}

impl MemberRow {
    pub fn id_masked(&self) -> String {
        self.member.id.masked()
    }

    pub fn phone_masked(&self) -> String {
        self.member
            .phone
            .as_deref()
            .map(zhenxing_domain::id_number::mask_phone)
            .unwrap_or_default()
    }
}

/// A village that needs attention: an ex-poor village without a first secretary, a team below
/// the floor, or cadres beyond their term.
#[derive(Debug, Clone, Serialize)]
pub struct VillageRow {
    pub code: AreaCode,
    pub name: String,
    pub ex_poor: bool,
    pub team: VillageTeam,
    /// The first secretary in post, by name.
    pub secretary: Option<String>,
    pub short: bool,
}

impl VillageRow {
    /// What is wrong, in words.
    pub fn problems(&self) -> String {
        let mut p = Vec::new();
        if self.ex_poor && self.team.first_secretaries == 0 {
            p.push("脱贫村未选派第一书记".to_string());
        }
        if self.short {
            p.push(format!("工作队仅{}人", self.team.members));
        }
        if self.team.beyond_term > 0 {
            p.push(format!("{}人驻村期满未轮换", self.team.beyond_term));
        }
        p.join("；")
    }
}

/// The villages needing attention a report lists, at most.
pub const VILLAGES_LISTED: usize = 500;

/// The work teams of an area on a day.
#[derive(Debug, Clone, Serialize)]
pub struct WorkTeamReport {
    pub area: AreaCode,
    pub area_name: String,
    pub day: NaiveDate,
    /// The policy the floor and term are from (`None`: the default rule).
    pub policy: Option<String>,
    pub rule: WorkTeamRule,
    pub totals: TeamFigures,
    /// Each area directly under `area` with villages to count.
    pub by_area: Vec<(AreaCode, String, TeamFigures)>,
    /// The villages needing attention, ex-poor ones without a first secretary first (at most
    /// [`VILLAGES_LISTED`]), and how many there are in all.
    pub attention: Vec<VillageRow>,
    pub attention_total: usize,
    /// The cadres on the rosters of the area's villages, in post or not; listed for a county
    /// or below only (empty above).
    pub members: Vec<MemberRow>,
}

impl WorkTeamReport {
    /// "截至2026-11-01，城关区有驻村工作队的村N个，在岗驻村干部N人（第一书记N人）；脱贫村N个，…".
    pub fn summary(&self) -> String {
        let t = &self.totals;
        format!(
            "截至{}，{}有驻村工作队的村{}个，在岗驻村干部{}人（第一书记{}人）；脱贫村{}个，已选派第一书记{}个（{}）；工作队不足{}人的{}个，驻村期满未轮换{}人；本年参加培训{}人（{}），共{}学时",
            self.day,
            self.area_name,
            t.villages,
            t.members,
            t.first_secretaries,
            t.ex_poor_villages,
            t.ex_poor_with_secretary,
            t.secretary_rate(),
            self.rule.min_members,
            t.short_teams,
            t.beyond_term,
            t.trained,
            t.training_rate(),
            t.training_hours,
        )
    }

    /// The roster as a workbook of the layout it is imported in (masked unless `whole`).
    pub fn write_roster(&self, out: &Path, whole: bool) -> Result<(), AppError> {
        write_roster(
            out,
            &format!("{}驻村干部花名册（截至{}）", self.area_name, self.day),
            self.members.iter().map(|r| MemberOut {
                member: &r.member,
                village_name: r.village_name.clone(),
            }),
            whole,
        )
        .map_err(|e| AppError::Output(format!("{}：{e}", out.display())))
    }
}

impl App {
    /// Imports a roster for a user who may import, within their area. Audited.
    pub async fn import_roster(
        &self,
        caller: &Caller,
        path: &Path,
        name: Option<&str>,
    ) -> Result<RosterImport, AppError> {
        self.import_audited(caller, "import_work_teams", |actor, scope| async move {
            self.import_roster_in(&actor, scope, path, name).await
        })
        .await
    }

    /// Imports a roster as `actor`, its rows refused outside `scope`.
    pub async fn import_roster_in(
        &self,
        actor: &zhenxing_store::Actor,
        scope: Scope,
        path: &Path,
        name: Option<&str>,
    ) -> Result<RosterImport, AppError> {
        let (table, file) = crate::own_ledgers::read_named(path, name, read_roster).await?;
        // The accounts the rows name, each looked up once.
        let mut accounts: HashMap<String, Option<zhenxing_store::accounts::User>> = HashMap::new();
        for row in &table.rows {
            if let Some(a) = row.get(ACCOUNT)
                && !accounts.contains_key(a)
            {
                let user = self.accounts().user_by_name(Scope::All, a).await?;
                accounts.insert(a.to_string(), user);
            }
        }
        let mut linked: HashMap<String, u64> = HashMap::new();
        let tree = self.tree().await;
        let today = today_in_china();
        let mut report = RosterImport {
            file: file.clone(),
            rows: table.rows.len() as u64,
            ..RosterImport::default()
        };
        let header = |k: usize| -> String {
            table.headers[k]
                .clone()
                .unwrap_or_else(|| COLUMNS[k].1[0].to_string())
        };
        let mut valid: Vec<TeamMember> = Vec::new();
        let mut seen: HashMap<(AreaCode, IdNumber), u64> = HashMap::new();
        for row in &table.rows {
            let error =
                |column: String, value: String, reason: String, code: &'static str| RowError {
                    file: file.clone(),
                    sheet: row.sheet.clone(),
                    row: row.row,
                    column,
                    value,
                    reason,
                    code,
                };
            let mut errors = Vec::new();
            match parse_member(row) {
                Err(problems) => {
                    for (k, value, why) in problems {
                        errors.push(error(header(k), value, why, "invalid_value"));
                    }
                }
                Ok(m) => {
                    if let Some((why, code)) = crate::own_ledgers::area_refused(
                        &tree,
                        scope,
                        m.village,
                        "所驻村不在您的管辖范围内",
                    ) {
                        errors.push(error(header(VILLAGE), m.village.to_string(), why, code));
                    } else {
                        for e in m.check(today) {
                            let column = COLUMNS
                                .iter()
                                .position(|(_, names)| names[0] == e.column())
                                .map(header)
                                .unwrap_or_else(|| e.column().to_string());
                            errors.push(error(column, String::new(), e.to_string(), "rule"));
                        }
                        if let Some(a) = &m.account {
                            // An account outside the importer's area is not told apart from
                            // none: who it is and where is not theirs to learn.
                            let refused = match accounts
                                .get(a)
                                .cloned()
                                .flatten()
                                .filter(|u| scope.contains(u.area))
                            {
                                None => Some(format!("系统账号“{a}”不存在")),
                                Some(u) if u.disabled => Some(format!("系统账号“{a}”已停用")),
                                Some(u) if !u.role.may(zhenxing_domain::Permission::CheckIn) => {
                                    Some(format!(
                                        "系统账号“{a}”是{}，不签到考勤（应为村干部或驻村队员的账号）",
                                        u.role.label()
                                    ))
                                }
                                Some(u) if !u.area.contains(m.village) => Some(format!(
                                    "系统账号“{a}”属于{}，不是所驻村的账号",
                                    tree.path(u.area)
                                        .iter()
                                        .skip(3)
                                        .map(|d| d.name.as_str())
                                        .collect::<String>()
                                )),
                                Some(_) => linked
                                    .get(a)
                                    .map(|first| format!("与第{first}行是同一个系统账号")),
                            };
                            if let Some(why) = refused {
                                errors.push(error(header(ACCOUNT), a.clone(), why, "rule"));
                            }
                        }
                        if errors.is_empty()
                            && let Some(county) = m.county()
                        {
                            if let Some(first) = seen.get(&(county, m.id)) {
                                errors.push(error(
                                    header(ID),
                                    m.id.masked(),
                                    format!("与第{first}行是同一人"),
                                    "duplicate",
                                ));
                            } else {
                                seen.insert((county, m.id), row.row);
                                if let Some(a) = &m.account {
                                    linked.insert(a.clone(), row.row);
                                }
                                valid.push(m);
                            }
                        }
                    }
                }
            }
            if !errors.is_empty() {
                report.rejected += 1;
                report.errors.extend(errors);
            }
        }
        drop(tree);
        if !valid.is_empty() {
            let saved = self
                .store()
                .work_teams()
                .save_team_members(actor, scope, &valid)
                .await?;
            let t = Tally::of(&saved);
            (report.added, report.updated, report.unchanged) = (t.added, t.updated, t.unchanged);
        }
        Ok(report)
    }

    /// Imports a training ledger for a user who may import, within their area. Audited.
    pub async fn import_trainings(
        &self,
        caller: &Caller,
        path: &Path,
        name: Option<&str>,
    ) -> Result<RosterImport, AppError> {
        self.import_audited(caller, "import_team_trainings", |actor, scope| async move {
            self.import_trainings_in(&actor, scope, path, name).await
        })
        .await
    }

    /// Imports a training ledger as `actor`: each trainee found on a roster within `scope` by
    /// ID number (the name checked against the roster's), the rows refused told.
    pub async fn import_trainings_in(
        &self,
        actor: &zhenxing_store::Actor,
        scope: Scope,
        path: &Path,
        name: Option<&str>,
    ) -> Result<RosterImport, AppError> {
        use zhenxing_ledger::work_team::{
            T_ID, T_NAME, TRAINING_COLUMNS, parse_training, read_trainings,
        };
        let (table, file) = crate::own_ledgers::read_named(path, name, read_trainings).await?;
        let today = today_in_china();
        let mut report = RosterImport {
            file: file.clone(),
            rows: table.rows.len() as u64,
            trainings: true,
            ..RosterImport::default()
        };
        let header = |k: usize| -> String {
            table.headers[k]
                .clone()
                .unwrap_or_else(|| TRAINING_COLUMNS[k].1[0].to_string())
        };
        // The rosters within reach and beyond (to tell the two apart), by ID number.
        let store = self.store().work_teams();
        let roots = self.tree().await.roots();
        let mut roster: HashMap<IdNumber, (AreaCode, TeamMember)> = HashMap::new();
        for root in roots {
            for m in store.team_members(Scope::All, root).await? {
                roster.insert(m.member.id, (m.county, m.member));
            }
        }
        let mut valid: Vec<(AreaCode, Training)> = Vec::new();
        let mut seen: HashMap<(AreaCode, String), u64> = HashMap::new();
        for row in &table.rows {
            let error =
                |column: String, value: String, reason: String, code: &'static str| RowError {
                    file: file.clone(),
                    sheet: row.sheet.clone(),
                    row: row.row,
                    column,
                    value,
                    reason,
                    code,
                };
            let mut errors = Vec::new();
            match parse_training(row) {
                Err(problems) => {
                    for (k, value, why) in problems {
                        errors.push(error(header(k), value, why, "invalid_value"));
                    }
                }
                Ok(t) => {
                    for e in t.check(today) {
                        let column = TRAINING_COLUMNS
                            .iter()
                            .position(|(_, names)| names[0] == e.column())
                            .map(header)
                            .unwrap_or_else(|| e.column().to_string());
                        errors.push(error(column, String::new(), e.to_string(), "rule"));
                    }
                    match roster.get(&t.cadre) {
                        None => errors.push(error(
                            header(T_ID),
                            t.cadre.masked(),
                            "此人不在驻村干部花名册中（请先导入花名册）".into(),
                            "not_registered",
                        )),
                        Some((_, m)) if !scope.contains(m.village) => errors.push(error(
                            header(T_ID),
                            t.cadre.masked(),
                            "此人所驻村不在您的管辖范围内".into(),
                            "outside_scope",
                        )),
                        Some((county, m)) => {
                            if !zhenxing_domain::screening::names_agree(&t.name, &m.name) {
                                errors.push(error(
                                    header(T_NAME),
                                    t.name.clone(),
                                    format!("与花名册的姓名“{}”不一致（证件号码可能填错）", m.name),
                                    "name_differs",
                                ));
                            }
                            if errors.is_empty() {
                                let key = (*county, t.key());
                                match seen.get(&key) {
                                    Some(first) => errors.push(error(
                                        header(T_ID),
                                        t.cadre.masked(),
                                        format!("与第{first}行是同一人同一天的同一培训"),
                                        "duplicate",
                                    )),
                                    None => {
                                        seen.insert(key, row.row);
                                        valid.push((*county, t));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if !errors.is_empty() {
                report.rejected += 1;
                report.errors.extend(errors);
            }
        }
        if !valid.is_empty() {
            let saved = store.save_trainings(actor, scope, &valid).await?;
            let t = Tally::of(&saved);
            (report.added, report.updated, report.unchanged) = (t.added, t.updated, t.unchanged);
        }
        Ok(report)
    }

    /// The work teams of `area` on `day` (today when none), within `scope`.
    pub async fn work_team_report(
        &self,
        scope: Scope,
        area: AreaCode,
        day: Option<NaiveDate>,
    ) -> Result<WorkTeamReport, AppError> {
        let day = day.unwrap_or_else(today_in_china);
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let Some(within) = scope.narrow(area) else {
            return Err(AppError::NotFound);
        };
        let year = crate::monitoring::policy::year_of(day)?;
        let (rule, policy) = match self.policy_or_none(area, year).await? {
            Some(p) => (p.work_teams, Some(p.title)),
            None => (WorkTeamRule::default(), None),
        };
        let stored = self.store().work_teams().team_members(within, area).await?;
        // This year's trainings up to the day, hours per cadre.
        let year_start =
            chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&day), 1, 1).unwrap_or(day);
        let mut hours: HashMap<(AreaCode, IdNumber), u64> = HashMap::new();
        for (county, t) in self
            .store()
            .work_teams()
            .trainings(within, area, year_start, day)
            .await?
        {
            *hours.entry((county, t.cadre)).or_default() += u64::from(t.hours);
        }
        let ex_poor: HashSet<AreaCode> = self
            .store()
            .ex_poor_villages(within)
            .await?
            .into_iter()
            .collect();
        let skip = (area.level().number() as usize).clamp(2, 3);
        let name_below = |code: AreaCode| -> String {
            let names: Vec<&str> = tree
                .path(code)
                .iter()
                .skip(skip)
                .map(|d| d.name.as_str())
                .collect();
            if names.is_empty() {
                tree.name(code).unwrap_or_default().to_string()
            } else {
                names.join("")
            }
        };
        let mut teams: BTreeMap<AreaCode, (VillageTeam, Option<String>)> = BTreeMap::new();
        let mut totals = TeamFigures::default();
        let mut by_area: BTreeMap<AreaCode, TeamFigures> = BTreeMap::new();
        let child_level = area.level().child();
        let list_members = area.level() >= AreaLevel::County;
        let mut members = Vec::new();
        // The attendance of the cadres' accounts, from the month's first day to the day.
        let month_start = zhenxing_domain::attendance::month_start(day);
        let words = if list_members && stored.iter().any(|s| s.member.account.is_some()) {
            Some(self.words(area, month_start, day).await?)
        } else {
            None
        };
        let account_ids: HashMap<&str, i64> = words
            .as_ref()
            .map(crate::attendance::Words::account_ids)
            .unwrap_or_default();
        for s in stored {
            let m = &s.member;
            let entry = teams.entry(m.village).or_default();
            entry.0.add(m, day, &rule);
            let in_post = m.in_post(day);
            let trained = hours.get(&(s.county, m.id)).copied().unwrap_or(0);
            if in_post {
                totals.add_unit_level(m.unit_level);
                totals.add_training(trained);
                if let Some(child) = child_level.and_then(|l| m.village.ancestor(l)) {
                    let f = by_area.entry(child).or_default();
                    f.add_unit_level(m.unit_level);
                    f.add_training(trained);
                }
                if m.post == TeamPost::FirstSecretary && entry.1.is_none() {
                    entry.1 = Some(m.name.clone());
                }
            }
            if list_members {
                members.push(MemberRow {
                    county: s.county,
                    village_name: name_below(m.village),
                    in_post,
                    beyond_term: m.beyond_term(day, rule.term_months),
                    training_hours: trained,
                    attendance: m
                        .account
                        .as_deref()
                        .and_then(|a| account_ids.get(a))
                        .zip(words.as_ref())
                        .map(|(id, w)| w.month(*id, month_start, day)),
                    member: s.member,
                });
            }
        }
        for v in &ex_poor {
            teams.entry(*v).or_default();
        }
        let mut attention = Vec::new();
        for (village, (team, secretary)) in &teams {
            let poor = ex_poor.contains(village);
            totals.add_village(team, poor, &rule);
            if let Some(child) = child_level.and_then(|l| village.ancestor(l)) {
                by_area
                    .entry(child)
                    .or_default()
                    .add_village(team, poor, &rule);
            }
            let row = VillageRow {
                code: *village,
                name: name_below(*village),
                ex_poor: poor,
                team: team.clone(),
                secretary: secretary.clone(),
                short: team.short(&rule),
            };
            if (poor && team.first_secretaries == 0) || row.short || team.beyond_term > 0 {
                attention.push(row);
            }
        }
        // Ex-poor villages without a first secretary first, then by code.
        attention.sort_by_key(|r| (!(r.ex_poor && r.team.first_secretaries == 0), r.code));
        let attention_total = attention.len();
        attention.truncate(VILLAGES_LISTED);
        // Members by village as the roster reads, those in post first within it.
        members.sort_by_key(|r| (r.member.village, !r.in_post, r.member.post));
        Ok(WorkTeamReport {
            area,
            area_name: root.name.clone(),
            day,
            policy,
            rule,
            totals,
            by_area: by_area
                .into_iter()
                .map(|(code, f)| (code, tree.name(code).unwrap_or_default().to_string(), f))
                .collect(),
            attention,
            attention_total,
            members,
        })
    }

    /// [`App::work_team_report`] for a user: their area (or one within it) only.
    pub async fn work_team_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        day: Option<NaiveDate>,
    ) -> Result<WorkTeamReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.work_team_report(caller.scope(), area, day).await
    }

    /// The demo's accounts on its roster: each (login name, village) given to the first cadre in
    /// post there without one, as a county would write it in the 系统账号 column — or to a
    /// member sent there a month ago when the village has none; how many were linked.
    pub async fn link_demo_accounts(
        &self,
        links: &[(String, AreaCode)],
        today: NaiveDate,
        seed: u64,
    ) -> Result<usize, AppError> {
        let store = self.store().work_teams();
        let tree = self.tree().await;
        // Another stream of people than the roster's own (the same seed would give its first).
        let mut synth = crate::synth::Synth::new(
            &tree,
            &crate::synth::SynthOptions::new(0, seed ^ 0x4143_4354),
        );
        let mut changed = Vec::new();
        for (account, village) in links {
            let members = store.team_members(Scope::All, *village).await?;
            if members
                .iter()
                .any(|m| m.member.account.as_deref() == Some(account.as_str()))
            {
                continue;
            }
            if let Some(m) = members
                .into_iter()
                .find(|m| m.member.in_post(today) && m.member.account.is_none())
            {
                let mut member = m.member;
                member.account = Some(account.clone());
                changed.push(member);
            } else if let Some(county) = village.county()
                && let Some((name, id, phone)) = synth.person(
                    county,
                    NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or(today),
                    NaiveDate::from_ymd_opt(1995, 12, 31).unwrap_or(today),
                )
            {
                changed.push(TeamMember {
                    id,
                    name,
                    phone: Some(phone),
                    village: *village,
                    post: TeamPost::Member,
                    unit: "县农业农村局".into(),
                    unit_level: zhenxing_domain::work_team::UnitLevel::County,
                    from: today
                        .checked_sub_months(chrono::Months::new(1))
                        .unwrap_or(today),
                    until: None,
                    note: None,
                    account: Some(account.clone()),
                });
            }
        }
        drop(tree);
        if !changed.is_empty() {
            store
                .save_team_members(&zhenxing_store::Actor::command_line(), Scope::All, &changed)
                .await?;
        }
        Ok(changed.len())
    }

    /// The demo's roster: a team in most villages of `county` (deterministic by `seed`) — a
    /// first secretary and two members in each ex-poor village, fewer elsewhere, some ex-poor
    /// villages without a first secretary, some cadres beyond their term, some rotated out.
    pub async fn add_demo_work_teams(
        &self,
        county: AreaCode,
        today: NaiveDate,
        seed: u64,
    ) -> Result<WorkTeamReport, AppError> {
        use zhenxing_domain::work_team::UnitLevel;
        let tree = self.tree().await;
        let villages: Vec<AreaCode> = tree
            .subtree(county)
            .iter()
            .filter(|d| d.level == AreaLevel::Village)
            .map(|d| d.code)
            .collect();
        if villages.is_empty() {
            return Err(AppError::UnknownArea(county.to_string()));
        }
        let mut synth = crate::synth::Synth::new(&tree, &crate::synth::SynthOptions::new(0, seed));
        drop(tree);
        let ex_poor: HashSet<AreaCode> = self
            .store()
            .ex_poor_villages(Scope::Area(county))
            .await?
            .into_iter()
            .collect();
        let mut rng = crate::synth::Rng::new(seed ^ 0x5445_414d);
        let units: [(&str, UnitLevel); 8] = [
            ("省农业农村厅", UnitLevel::Province),
            ("省交通运输厅", UnitLevel::Province),
            ("市住房和城乡建设局", UnitLevel::City),
            ("市人民医院", UnitLevel::City),
            ("县教育局", UnitLevel::County),
            ("县农业农村局", UnitLevel::County),
            ("县自然资源局", UnitLevel::County),
            ("乡镇人民政府", UnitLevel::Township),
        ];
        let born = (
            NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(today),
            NaiveDate::from_ymd_opt(1995, 12, 31).unwrap_or(today),
        );
        let mut members = Vec::new();
        for v in villages {
            let poor = ex_poor.contains(&v);
            let posts: &[TeamPost] = if poor {
                if rng.chance(0.1) {
                    &[TeamPost::Leader, TeamPost::Member]
                } else {
                    &[TeamPost::FirstSecretary, TeamPost::Member, TeamPost::Member]
                }
            } else if rng.chance(0.5) {
                &[TeamPost::FirstSecretary, TeamPost::Member, TeamPost::Member]
            } else if rng.chance(0.5) {
                &[TeamPost::Member]
            } else {
                &[]
            };
            for post in posts {
                let Some((name, id, phone)) = synth.person(county, born.0, born.1) else {
                    continue;
                };
                let (unit, unit_level) = *rng.pick(&units);
                // Most came in the last two years; one in ten three years ago (beyond a term).
                let months_ago = if rng.chance(0.1) {
                    30 + rng.below(6)
                } else {
                    rng.below(22)
                };
                let from = today
                    .checked_sub_months(chrono::Months::new(months_ago as u32))
                    .unwrap_or(today);
                members.push(TeamMember {
                    id,
                    name,
                    phone: Some(phone),
                    village: v,
                    post: *post,
                    unit: unit.to_string(),
                    unit_level,
                    from,
                    until: None,
                    note: None,
                    account: None,
                });
            }
            // Now and then, a cadre rotated out earlier this year.
            if !posts.is_empty()
                && rng.chance(0.1)
                && let Some((name, id, phone)) = synth.person(county, born.0, born.1)
            {
                let from = today
                    .checked_sub_months(chrono::Months::new(26))
                    .unwrap_or(today);
                let until = today
                    .checked_sub_months(chrono::Months::new(2))
                    .unwrap_or(today);
                let (unit, unit_level) = *rng.pick(&units);
                members.push(TeamMember {
                    id,
                    name,
                    phone: Some(phone),
                    village: v,
                    post: TeamPost::Member,
                    unit: unit.to_string(),
                    unit_level,
                    from,
                    until: Some(until),
                    note: Some("已轮换".into()),
                    account: None,
                });
            }
        }
        self.store()
            .work_teams()
            .save_team_members(
                &zhenxing_store::Actor {
                    user_id: None,
                    name: "演示数据".into(),
                },
                Scope::All,
                &members,
            )
            .await?;
        self.work_team_report(Scope::All, county, Some(today)).await
    }
}

impl crate::own_ledgers::Imported for RosterImport {
    fn file(&self) -> &str {
        &self.file
    }
}

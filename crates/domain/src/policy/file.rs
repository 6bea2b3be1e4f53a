//! The policy file format (version 1) and its checks. The file is read with serde into the raw
//! structures below, then every value is checked and turned into the typed [`Policy`].

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Deserialize;

use super::error::translate;
use super::*;
use crate::construction::ConstructionTask;
use crate::cooperation::{CooperationRule, Indicator};
use crate::work_team::WorkTeamRule;

mod screening;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    format: u32,
    policy: RawMeta,
    threshold: RawThreshold,
    deadlines: RawDeadlines,
    notice: RawPeriod,
    calendar: RawCalendar,
    visits: RawVisits,
    visit_triggers: Vec<RawTrigger>,
    visit_checks: Vec<RawCheck>,
    blockers: Vec<RawBlocker>,
    measure_categories: Vec<RawCategory>,
    measures: Vec<RawMeasure>,
    risks: Vec<RawRisk>,
    green_channel: RawGreenChannel,
    disaster: RawDisaster,
    village_ratio: RawRatio,
    /// The relocation sites' floor task; the default when a policy does not say.
    #[serde(default)]
    relocation: Option<RawRelocation>,
    /// The projects of 衔接资金; the default when a policy does not say.
    #[serde(default)]
    projects: Option<RawProjects>,
    /// The tasks of rural construction; the default when a policy does not say.
    #[serde(default)]
    construction: Option<RawConstruction>,
    /// The work teams' floor and term; the default when a policy does not say.
    #[serde(default)]
    work_teams: Option<RawWorkTeams>,
    /// The indicators of cooperation and paired assistance; the default when a policy does not say.
    #[serde(default)]
    cooperation: Option<RawCooperation>,
    /// What the employment target counts; the default when a policy does not say.
    #[serde(default)]
    employment: Option<crate::employment::EmploymentRule>,
    /// The loan products (小额信贷, 富民贷); the default when a policy does not say.
    #[serde(default)]
    loans: Option<RawLoans>,
    /// Department screening kinds; a policy without them cannot screen.
    #[serde(default)]
    screening: Vec<screening::RawKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProjects {
    categories: Vec<String>,
    industry: Vec<String>,
    industry_share_min: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoans {
    products: Vec<RawProduct>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    max_amount_yuan: i64,
    max_term_months: u32,
    #[serde(default)]
    max_extension_months: u32,
    cover: crate::loan::Cover,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCooperation {
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    name: String,
    unit: String,
    #[serde(default)]
    money: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkTeams {
    min_members: u32,
    term_months: u32,
    #[serde(default = "default_log_days_back")]
    log_days_back: u32,
}

fn default_log_days_back() -> u32 {
    WorkTeamRule::default().log_days_back
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConstruction {
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    name: String,
    unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelocation {
    min_employed: u8,
    labour: Vec<String>,
    employment: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    province: String,
    year: u16,
    title: String,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    per_capita_income_yuan: i64,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawCounting {
    Calendar,
    Working,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    days: u32,
    counting: RawCounting,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawWholeFrom {
    Clue,
    Visit,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhole {
    days: u32,
    counting: RawCounting,
    from: RawWholeFrom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadlines {
    home_visit: RawPeriod,
    comparison: RawPeriod,
    village_review: RawPeriod,
    township_review: RawPeriod,
    county_approval: RawPeriod,
    whole: RawWhole,
    warning_verification: RawPeriod,
    development_measure: RawPeriod,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    holidays: Vec<toml::value::Datetime>,
    workdays: Vec<toml::value::Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVisits {
    interval: RawPeriod,
}

#[derive(Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
enum RawVisitRule {
    IncomeLow { percent_of_threshold: u32 },
    IncomeDrop { percent: u32 },
    SeriousOrChronicIllness,
    Disability { max_level: u8 },
    DibaoOrTekun,
    UnstableWork { max_migrant_months: u8 },
    DisasterOrAccident,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrigger {
    code: String,
    label: String,
    rules: Vec<RawVisitRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    code: String,
    label: String,
    question: String,
}

#[derive(Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
enum RawBlockerCheck {
    MonitoredMonths { months: u32 },
    IncomeAboveLine,
    IncomeStableMonths { months: u32 },
    EssentialSpendingResolved,
    ThreeGuaranteesAndWater,
    RisksRemoved,
    MeasureOnEachRisk,
    HouseholdHasLabour,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlocker {
    code: String,
    label: String,
    checks: Vec<RawBlockerCheck>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawKind {
    Development,
    SafetyNet,
    Other,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    code: String,
    label: String,
    kind: RawKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    code: String,
    label: String,
    category: String,
    #[serde(default)]
    risks: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisk {
    risk: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGreenChannel {
    risks: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisaster {
    kinds: Vec<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawDenominator {
    RegisteredPopulation,
    RegistryPersons,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRatio {
    limit: String,
    denominator: RawDenominator,
}

/// Where a deserializer error points: (line, key path) from its byte span.
fn locate(text: &str, span: Option<std::ops::Range<usize>>) -> (Option<usize>, String) {
    let Some(span) = span else {
        return (None, String::new());
    };
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line_index = before.matches('\n').count();
    let lines: Vec<&str> = text.split('\n').collect();
    let line = lines.get(line_index).copied().unwrap_or("").trim();
    // The innermost [table] or [[array]] header at or above the line.
    let mut table = String::new();
    let mut array_index: Option<(String, usize)> = None;
    for (i, l) in lines.iter().enumerate().take(line_index + 1) {
        let l = l.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = match &array_index {
                Some((prev, n)) if *prev == name => n + 1,
                _ => lines[..i]
                    .iter()
                    .filter(|x| x.trim().starts_with(&format!("[[{name}]]")))
                    .count(),
            };
            array_index = Some((name.clone(), n));
            table = format!("{name}[{n}]");
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = name.trim().to_string();
            array_index = None;
        }
    }
    // A value that spans several lines (an array) belongs to the key above it.
    let is_key_line = |l: &str| {
        l.split_once('=').is_some_and(|(k, _)| {
            !k.trim().is_empty()
                && k.trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        })
    };
    let key_line = if line.starts_with('[') || is_key_line(line) {
        line
    } else {
        lines[..line_index]
            .iter()
            .rev()
            .map(|l| l.trim())
            .take_while(|l| !l.starts_with('['))
            .find(|l| is_key_line(l))
            .unwrap_or(line)
    };
    let key = if line.starts_with('[') {
        table
    } else {
        let k = if is_key_line(key_line) {
            key_line.split('=').next().unwrap_or("").trim()
        } else {
            ""
        };
        match (table.is_empty(), k.is_empty()) {
            (true, _) => k.to_string(),
            (false, true) => table,
            (false, false) => format!("{table}.{k}"),
        }
    };
    (Some(line_index + 1), key)
}

pub(super) fn parse(text: &str) -> Result<Policy, Vec<PolicyError>> {
    let raw: RawPolicy = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, key) = locate(text, e.span());
            let (field, problem) = translate(e.message());
            let key = match field {
                Some(f) if key.is_empty() => f,
                Some(f) if matches!(problem, PolicyProblem::Missing) => format!("{key}.{f}"),
                Some(f) if matches!(problem, PolicyProblem::Unknown { .. }) => {
                    // The span is the unknown key itself.
                    if key.ends_with(&f) {
                        key
                    } else {
                        format!("{key}.{f}")
                    }
                }
                _ => key,
            };
            return Err(vec![PolicyError { key, line, problem }]);
        }
    };
    let mut c = Checker::default();
    let policy = c.policy(raw);
    match policy {
        Some(p) if c.errors.is_empty() => Ok(p),
        _ => Err(c.errors),
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<PolicyError>,
}

fn counting(c: RawCounting) -> Counting {
    match c {
        RawCounting::Calendar => Counting::Calendar,
        RawCounting::Working => Counting::Working,
    }
}

impl Checker {
    fn fail(&mut self, key: impl Into<String>, why: impl Into<String>) {
        self.errors.push(PolicyError::value(key, why));
    }

    fn period(&mut self, key: &str, p: RawPeriod) -> Period {
        if !(1..=366).contains(&p.days) {
            self.fail(
                format!("{key}.days"),
                format!("天数应在1至366之间，实为{}", p.days),
            );
        }
        Period {
            days: p.days,
            counting: counting(p.counting),
        }
    }

    fn text(&mut self, key: &str, s: &str) -> String {
        let t = s.trim();
        if t.is_empty() {
            self.fail(key, "不能为空");
        }
        t.to_string()
    }

    fn code(&mut self, key: &str, s: &str, seen: &mut HashSet<String>) -> String {
        let t = self.text(key, s);
        if !t
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            self.fail(key, format!("代码“{t}”只能由小写字母、数字和下划线组成"));
        }
        if !seen.insert(t.clone()) {
            self.errors.push(PolicyError::at(
                key,
                PolicyProblem::Duplicate(format!("代码“{t}”已用过")),
            ));
        }
        t
    }

    fn risk(&mut self, key: &str, s: &str) -> Option<RiskType> {
        match RiskType::parse(s) {
            Ok(r) => Some(r),
            Err(e) => {
                self.fail(key, e.to_string());
                None
            }
        }
    }

    fn date(&mut self, key: &str, d: &toml::value::Datetime, year: u16) -> Option<NaiveDate> {
        let (Some(date), None, None) = (d.date, d.time, d.offset) else {
            self.fail(key, format!("应为日期（如 {year}-01-01），不带时间"));
            return None;
        };
        let Some(nd) = NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        ) else {
            self.fail(key, format!("日期 {d} 不存在"));
            return None;
        };
        let y = i32::from(year);
        if !(y - 1..=y + 1).contains(&i32::from(date.year)) {
            self.fail(key, format!("日期 {d} 不在{year}年前后一年之内"));
        }
        Some(nd)
    }

    fn policy(&mut self, raw: RawPolicy) -> Option<Policy> {
        if raw.format != 1 {
            self.fail(
                "format",
                format!("本程序读取第1版格式的政策文件，此文件为第{}版", raw.format),
            );
        }
        let province = match AreaCode::parse(&raw.policy.province) {
            Ok(p) if p.level() == AreaLevel::Province => Some(p),
            _ => {
                self.fail(
                    "policy.province",
                    format!(
                        "应为省级区划代码的前两位（如甘肃为 \"62\"），实为“{}”",
                        raw.policy.province
                    ),
                );
                None
            }
        };
        let year = match PolicyYear::new(raw.policy.year) {
            Ok(y) => Some(y),
            Err(e) => {
                self.fail("policy.year", e.to_string());
                None
            }
        };
        let y = raw.policy.year;
        let title = self.text("policy.title", &raw.policy.title);
        let threshold = raw.threshold.per_capita_income_yuan;
        if !(1..=1_000_000).contains(&threshold) {
            self.fail(
                "threshold.per_capita_income_yuan",
                format!("监测收入标准应在1至1000000元之间，实为{threshold}"),
            );
        }

        let d = &raw.deadlines;
        let deadlines = Deadlines {
            home_visit: self.period("deadlines.home_visit", d.home_visit),
            comparison: self.period("deadlines.comparison", d.comparison),
            village_review: self.period("deadlines.village_review", d.village_review),
            township_review: self.period("deadlines.township_review", d.township_review),
            county_approval: self.period("deadlines.county_approval", d.county_approval),
            whole: self.period(
                "deadlines.whole",
                RawPeriod {
                    days: d.whole.days,
                    counting: d.whole.counting,
                },
            ),
            whole_from: match d.whole.from {
                RawWholeFrom::Clue => WholeFrom::Clue,
                RawWholeFrom::Visit => WholeFrom::Visit,
            },
            warning_verification: self
                .period("deadlines.warning_verification", d.warning_verification),
            development_measure: self
                .period("deadlines.development_measure", d.development_measure),
        };
        let notice = self.period("notice", raw.notice);

        let holidays: Vec<NaiveDate> = raw
            .calendar
            .holidays
            .iter()
            .enumerate()
            .filter_map(|(i, d)| self.date(&format!("calendar.holidays[{i}]"), d, y))
            .collect();
        let workdays: Vec<NaiveDate> = raw
            .calendar
            .workdays
            .iter()
            .enumerate()
            .filter_map(|(i, d)| self.date(&format!("calendar.workdays[{i}]"), d, y))
            .collect();
        let calendar = match WorkCalendar::new(holidays, workdays) {
            Ok(c) => c,
            Err(CalendarConflict::BothHolidayAndWorkday(d)) => {
                self.fail("calendar", format!("{d} 既列为节假日又列为调休上班日"));
                WorkCalendar::default()
            }
            Err(CalendarConflict::WorkdayNotOnWeekend(d)) => {
                self.fail(
                    "calendar.workdays",
                    format!("{d} 不是周末，调休上班日应为周六或周日"),
                );
                WorkCalendar::default()
            }
        };
        let visit_interval = self.period("visits.interval", raw.visits.interval);

        let mut seen = HashSet::new();
        let mut visit_triggers = Vec::new();
        for (i, t) in raw.visit_triggers.iter().enumerate() {
            let key = format!("visit_triggers[{i}]");
            let code = self.code(&format!("{key}.code"), &t.code, &mut seen);
            let label = self.text(&format!("{key}.label"), &t.label);
            if t.rules.is_empty() {
                self.fail(format!("{key}.rules"), "至少要有一条规则");
            }
            let rules = t
                .rules
                .iter()
                .map(|r| self.visit_rule(&format!("{key}.rules"), r))
                .collect();
            visit_triggers.push(VisitTrigger { code, label, rules });
        }
        if visit_triggers.is_empty() {
            self.fail("visit_triggers", "六必访至少要有一项");
        }

        let mut seen = HashSet::new();
        let mut visit_checks = Vec::new();
        for (i, c) in raw.visit_checks.iter().enumerate() {
            let key = format!("visit_checks[{i}]");
            visit_checks.push(VisitCheck {
                code: self.code(&format!("{key}.code"), &c.code, &mut seen),
                label: self.text(&format!("{key}.label"), &c.label),
                question: self.text(&format!("{key}.question"), &c.question),
            });
        }
        if visit_checks.is_empty() {
            self.fail("visit_checks", "六必查至少要有一项");
        }

        let mut seen = HashSet::new();
        let mut blockers = Vec::new();
        for (i, b) in raw.blockers.iter().enumerate() {
            let key = format!("blockers[{i}]");
            let code = self.code(&format!("{key}.code"), &b.code, &mut seen);
            let label = self.text(&format!("{key}.label"), &b.label);
            if b.checks.is_empty() {
                self.fail(format!("{key}.checks"), "至少要有一项检查");
            }
            let checks = b
                .checks
                .iter()
                .map(|c| self.blocker_check(&format!("{key}.checks"), c))
                .collect();
            blockers.push(Blocker {
                code,
                label,
                checks,
            });
        }
        if !blockers
            .iter()
            .flat_map(|b| &b.checks)
            .any(|c| *c == BlockerCheck::HouseholdHasLabour)
        {
            self.errors.push(PolicyError::at(
                "blockers",
                PolicyProblem::NationalRule(
                    "整户无劳动能力的不得消除风险，七不消中须保留 check = \"household_has_labour\""
                        .into(),
                ),
            ));
        }

        let mut seen = HashSet::new();
        let mut measure_categories = Vec::new();
        for (i, c) in raw.measure_categories.iter().enumerate() {
            let key = format!("measure_categories[{i}]");
            measure_categories.push(MeasureCategory {
                code: self.code(&format!("{key}.code"), &c.code, &mut seen),
                label: self.text(&format!("{key}.label"), &c.label),
                kind: match c.kind {
                    RawKind::Development => MeasureKind::Development,
                    RawKind::SafetyNet => MeasureKind::SafetyNet,
                    RawKind::Other => MeasureKind::Other,
                },
            });
        }
        for kind in [MeasureKind::Development, MeasureKind::SafetyNet] {
            if !measure_categories.iter().any(|c| c.kind == kind) {
                self.fail(
                    "measure_categories",
                    format!("至少要有一类“{}”措施", kind.label()),
                );
            }
        }
        let mut seen = HashSet::new();
        let mut measures = Vec::new();
        for (i, m) in raw.measures.iter().enumerate() {
            let key = format!("measures[{i}]");
            let code = self.code(&format!("{key}.code"), &m.code, &mut seen);
            let label = self.text(&format!("{key}.label"), &m.label);
            if !measure_categories.iter().any(|c| c.code == m.category) {
                self.fail(
                    format!("{key}.category"),
                    format!("措施类别“{}”不在 measure_categories 中", m.category),
                );
            }
            let mut risks = RiskTypes::default();
            for (j, r) in m.risks.iter().enumerate() {
                if let Some(r) = self.risk(&format!("{key}.risks[{j}]"), r) {
                    risks.insert(r);
                }
            }
            measures.push(MeasureItem {
                code,
                label,
                category: m.category.clone(),
                risks,
            });
        }
        if measures.is_empty() {
            self.fail("measures", "措施目录至少要有一项");
        }

        let mut risks = Vec::new();
        let mut seen_risks = RiskTypes::default();
        for (i, r) in raw.risks.iter().enumerate() {
            let key = format!("risks[{i}].risk");
            if let Some(risk) = self.risk(&key, &r.risk) {
                if seen_risks.contains(risk) {
                    self.errors.push(PolicyError::at(
                        key,
                        PolicyProblem::Duplicate(format!("风险类型“{risk}”已列过")),
                    ));
                }
                seen_risks.insert(risk);
                risks.push(RiskEntry {
                    risk,
                    note: r.note.trim().to_string(),
                });
            }
        }
        for r in RiskType::ALL {
            if !seen_risks.contains(*r) {
                self.fail("risks", format!("风险目录缺少“{r}”"));
            }
        }
        let mut green_channel_risks = RiskTypes::default();
        for (i, r) in raw.green_channel.risks.iter().enumerate() {
            if let Some(r) = self.risk(&format!("green_channel.risks[{i}]"), r) {
                green_channel_risks.insert(r);
            }
        }
        let disaster_kinds: Vec<String> = raw
            .disaster
            .kinds
            .iter()
            .enumerate()
            .map(|(i, k)| self.text(&format!("disaster.kinds[{i}]"), k))
            .collect();

        let limit_basis_points = match parse_percent(&raw.village_ratio.limit) {
            Some(bp) if (1..=10_000).contains(&bp) => bp,
            _ => {
                self.fail(
                    "village_ratio.limit",
                    format!(
                        "应为百分比，如 \"3%\"（最多两位小数），实为“{}”",
                        raw.village_ratio.limit
                    ),
                );
                0
            }
        };
        let village_ratio = VillageRatio {
            limit_basis_points,
            denominator: match raw.village_ratio.denominator {
                RawDenominator::RegisteredPopulation => RatioDenominator::RegisteredPopulation,
                RawDenominator::RegistryPersons => RatioDenominator::RegistryPersons,
            },
        };

        let relocation = raw
            .relocation
            .as_ref()
            .map(|r| self.relocation(r))
            .unwrap_or_default();

        let projects = raw
            .projects
            .as_ref()
            .map(|r| self.projects(r))
            .unwrap_or_default();

        let construction = raw
            .construction
            .as_ref()
            .map(|r| self.construction(r))
            .unwrap_or_default();

        let work_teams = raw
            .work_teams
            .as_ref()
            .map(|r| self.work_teams(r))
            .unwrap_or_default();

        let cooperation = raw
            .cooperation
            .as_ref()
            .map(|r| self.cooperation(r))
            .unwrap_or_default();

        let employment = raw.employment.unwrap_or_default();

        let loans = raw
            .loans
            .as_ref()
            .map(|r| self.loans(r))
            .unwrap_or_default();

        let screening = self.screening(&raw.screening);

        Some(Policy {
            province: province?,
            year: year?,
            title,
            note: raw
                .policy
                .note
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            threshold: Money::from_yuan(threshold),
            deadlines,
            notice,
            calendar,
            visit_triggers,
            visit_interval,
            visit_checks,
            blockers,
            measure_categories,
            measures,
            risks,
            green_channel_risks,
            disaster_kinds,
            village_ratio,
            relocation,
            projects,
            construction,
            work_teams,
            cooperation,
            employment,
            loans,
            screening,
        })
    }

    fn projects(&mut self, r: &RawProjects) -> ProjectRule {
        let mut categories: Vec<String> = Vec::new();
        for (i, c) in r.categories.iter().enumerate() {
            let c = self.text(&format!("projects.categories[{i}]"), c);
            if c.is_empty() {
                continue;
            }
            if categories.contains(&c) {
                self.fail(format!("projects.categories[{i}]"), format!("“{c}”重复"));
            } else {
                categories.push(c);
            }
        }
        if categories.is_empty() {
            self.fail("projects.categories", "至少列出一个项目类别".to_string());
        }
        let mut industry = Vec::new();
        for (i, c) in r.industry.iter().enumerate() {
            let c = c.trim().to_string();
            if !categories.contains(&c) {
                self.fail(
                    format!("projects.industry[{i}]"),
                    format!("“{c}”不在 projects.categories 中"),
                );
            } else if !industry.contains(&c) {
                industry.push(c);
            }
        }
        let industry_share_min_bp = match parse_percent(&r.industry_share_min) {
            Some(bp) if bp <= 10_000 => bp,
            _ => {
                self.fail(
                    "projects.industry_share_min",
                    format!(
                        "应为百分比，如 \"60%\"（最多两位小数），实为“{}”",
                        r.industry_share_min
                    ),
                );
                0
            }
        };
        ProjectRule {
            categories,
            industry,
            industry_share_min_bp,
        }
    }

    fn cooperation(&mut self, r: &RawCooperation) -> CooperationRule {
        let mut indicators: Vec<Indicator> = Vec::new();
        for (i, raw) in r.indicators.iter().enumerate() {
            let name = self.text(&format!("cooperation.indicators[{i}].name"), &raw.name);
            let unit = self.text(&format!("cooperation.indicators[{i}].unit"), &raw.unit);
            if name.is_empty() || unit.is_empty() {
                continue;
            }
            if raw.money && unit != "万元" {
                self.fail(
                    format!("cooperation.indicators[{i}].unit"),
                    format!("金额指标的单位应为“万元”，实为“{unit}”"),
                );
            }
            if indicators.iter().any(|k| k.name == name) {
                self.fail(
                    format!("cooperation.indicators[{i}].name"),
                    format!("“{name}”重复"),
                );
            } else {
                indicators.push(Indicator {
                    name,
                    unit,
                    money: raw.money,
                });
            }
        }
        if indicators.is_empty() {
            self.fail(
                "cooperation.indicators",
                "至少列出一项协作帮扶指标".to_string(),
            );
        }
        CooperationRule { indicators }
    }

    fn loans(&mut self, r: &RawLoans) -> crate::loan::LoanRule {
        let mut products: Vec<crate::loan::LoanProduct> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (i, raw) in r.products.iter().enumerate() {
            let at = |field: &str| format!("loans.products[{i}].{field}");
            let name = self.text(&at("name"), &raw.name);
            if name.is_empty() {
                continue;
            }
            for n in std::iter::once(&name).chain(&raw.aliases) {
                let n = n.trim().to_string();
                if n.is_empty() || names.contains(&n) {
                    self.fail(at("aliases"), format!("产品名称“{n}”为空或重复"));
                } else {
                    names.push(n);
                }
            }
            if raw.max_amount_yuan <= 0 || raw.max_amount_yuan > 100_000_000 {
                self.fail(
                    at("max_amount_yuan"),
                    format!("应为1到1亿之间的元数，实为{}", raw.max_amount_yuan),
                );
            }
            if !(1..=600).contains(&raw.max_term_months) {
                self.fail(
                    at("max_term_months"),
                    format!("应为1到600之间的月数，实为{}", raw.max_term_months),
                );
            }
            if raw.max_extension_months > 120 {
                self.fail(
                    at("max_extension_months"),
                    format!("应为0到120之间的月数，实为{}", raw.max_extension_months),
                );
            }
            products.push(crate::loan::LoanProduct {
                name,
                aliases: raw.aliases.iter().map(|a| a.trim().to_string()).collect(),
                max_amount: Money::from_yuan(raw.max_amount_yuan),
                max_term_months: raw.max_term_months,
                max_extension_months: raw.max_extension_months,
                cover: raw.cover,
            });
        }
        if products.is_empty() {
            self.fail("loans.products", "至少列出一种贷款产品".to_string());
        }
        crate::loan::LoanRule { products }
    }

    fn work_teams(&mut self, r: &RawWorkTeams) -> WorkTeamRule {
        if !(1..=20).contains(&r.min_members) {
            self.fail(
                "work_teams.min_members",
                format!("应为1到20之间的整数，实为{}", r.min_members),
            );
        }
        if !(6..=120).contains(&r.term_months) {
            self.fail(
                "work_teams.term_months",
                format!("应为6到120之间的月数，实为{}", r.term_months),
            );
        }
        if r.log_days_back > 31 {
            self.fail(
                "work_teams.log_days_back",
                format!("应为0到31之间的天数，实为{}", r.log_days_back),
            );
        }
        WorkTeamRule {
            min_members: r.min_members,
            term_months: r.term_months,
            log_days_back: r.log_days_back,
        }
    }

    fn construction(&mut self, r: &RawConstruction) -> ConstructionRule {
        let mut tasks: Vec<ConstructionTask> = Vec::new();
        for (i, t) in r.tasks.iter().enumerate() {
            let name = self.text(&format!("construction.tasks[{i}].name"), &t.name);
            let unit = self.text(&format!("construction.tasks[{i}].unit"), &t.unit);
            if name.is_empty() || unit.is_empty() {
                continue;
            }
            if tasks.iter().any(|k| k.name == name) {
                self.fail(
                    format!("construction.tasks[{i}].name"),
                    format!("“{name}”重复"),
                );
            } else {
                tasks.push(ConstructionTask { name, unit });
            }
        }
        if tasks.is_empty() {
            self.fail("construction.tasks", "至少列出一项乡村建设任务".to_string());
        }
        ConstructionRule { tasks }
    }

    fn relocation(&mut self, r: &RawRelocation) -> RelocationRule {
        if !(1..=10).contains(&r.min_employed) {
            self.fail(
                "relocation.min_employed",
                format!("应为1到10之间的整数，实为{}", r.min_employed),
            );
        }
        let mut labour = Vec::new();
        for (i, l) in r.labour.iter().enumerate() {
            match Labour::parse(l) {
                Ok(l) if !labour.contains(&l) => labour.push(l),
                Ok(_) => self.fail(format!("relocation.labour[{i}]"), format!("“{l}”重复")),
                Err(_) => self.fail(
                    format!("relocation.labour[{i}]"),
                    format!(
                        "应为劳动技能之一（{}），实为“{l}”",
                        Labour::LABELS.join("、")
                    ),
                ),
            }
        }
        if r.labour.is_empty() {
            self.fail(
                "relocation.labour",
                "至少列出一种计为劳动力的劳动技能".to_string(),
            );
        }
        let mut employment = Vec::new();
        for (i, k) in r.employment.iter().enumerate() {
            match EmploymentKind::parse(k) {
                Some(k) if !employment.contains(&k) => employment.push(k),
                Some(_) => self.fail(format!("relocation.employment[{i}]"), format!("“{k}”重复")),
                None => self.fail(
                    format!("relocation.employment[{i}]"),
                    format!("应为“务工”或“公益岗位”，实为“{k}”"),
                ),
            }
        }
        if r.employment.is_empty() {
            self.fail(
                "relocation.employment",
                "至少列出一种计为就业的情形".to_string(),
            );
        }
        RelocationRule {
            min_employed: r.min_employed,
            labour,
            employment,
        }
    }

    fn visit_rule(&mut self, key: &str, r: &RawVisitRule) -> VisitRule {
        match *r {
            RawVisitRule::IncomeLow {
                percent_of_threshold,
            } => {
                if !(1..=1000).contains(&percent_of_threshold) {
                    self.fail(
                        format!("{key}.percent_of_threshold"),
                        "应在1至1000之间（收入标准的百分之几）",
                    );
                }
                VisitRule::IncomeLow {
                    percent_of_threshold,
                }
            }
            RawVisitRule::IncomeDrop { percent } => {
                if !(1..=100).contains(&percent) {
                    self.fail(format!("{key}.percent"), "下降幅度应在1至100之间（百分比）");
                }
                VisitRule::IncomeDrop { percent }
            }
            RawVisitRule::SeriousOrChronicIllness => VisitRule::SeriousOrChronicIllness,
            RawVisitRule::Disability { max_level } => {
                if !(1..=4).contains(&max_level) {
                    self.fail(format!("{key}.max_level"), "残疾等级应为1至4");
                }
                VisitRule::Disability { max_level }
            }
            RawVisitRule::DibaoOrTekun => VisitRule::DibaoOrTekun,
            RawVisitRule::UnstableWork { max_migrant_months } => {
                if !(1..=12).contains(&max_migrant_months) {
                    self.fail(format!("{key}.max_migrant_months"), "务工月数应为1至12");
                }
                VisitRule::UnstableWork { max_migrant_months }
            }
            RawVisitRule::DisasterOrAccident => VisitRule::DisasterOrAccident,
        }
    }

    fn blocker_check(&mut self, key: &str, c: &RawBlockerCheck) -> BlockerCheck {
        match *c {
            RawBlockerCheck::MonitoredMonths { months } => {
                if !(1..=60).contains(&months) {
                    self.fail(format!("{key}.months"), "月数应为1至60");
                }
                BlockerCheck::MonitoredMonths { months }
            }
            RawBlockerCheck::IncomeAboveLine => BlockerCheck::IncomeAboveLine,
            RawBlockerCheck::IncomeStableMonths { months } => {
                if !(1..=60).contains(&months) {
                    self.fail(format!("{key}.months"), "月数应为1至60");
                }
                BlockerCheck::IncomeStableMonths { months }
            }
            RawBlockerCheck::EssentialSpendingResolved => BlockerCheck::EssentialSpendingResolved,
            RawBlockerCheck::ThreeGuaranteesAndWater => BlockerCheck::ThreeGuaranteesAndWater,
            RawBlockerCheck::RisksRemoved => BlockerCheck::RisksRemoved,
            RawBlockerCheck::MeasureOnEachRisk => BlockerCheck::MeasureOnEachRisk,
            RawBlockerCheck::HouseholdHasLabour => BlockerCheck::HouseholdHasLabour,
        }
    }
}

/// `3%`, `3.5%`, `0.25%` in basis points (hundredths of a percent).
fn parse_percent(s: &str) -> Option<u32> {
    let s = s.trim().strip_suffix('%')?.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 2
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u32 = int.parse().ok()?;
    let frac: u32 = format!("{frac:0<2}").parse().ok()?;
    int.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
pub(super) fn percent(s: &str) -> Option<u32> {
    parse_percent(s)
}

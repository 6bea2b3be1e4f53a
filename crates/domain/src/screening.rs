//! Department screening (部门筛查预警, DOMAIN §6, the third channel): a department sends a file of
//! one kind (medical settlements, disability certificates, disaster losses, ...); each row names a
//! person by ID number. The rows of a household's members are judged together by the kind's rule,
//! and a household that crosses it becomes a clue.
//!
//! Kinds are policy data ([`ScreeningKind`], `[[screening]]` in the policy file): their columns
//! (the ID number and the kind's fields, each with its header names and type) and their rule (one
//! of the closed set in [`Rule`], with its parameters). A new kind needs no code.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::date::LedgerDate;
use crate::error::ParseError;
use crate::household::RiskType;
use crate::id_number::IdNumber;
use crate::money::Money;
use crate::monitoring::Figure;

/// Longest text kept in a text cell.
pub const MAX_TEXT: usize = 200;
/// Longest name kept in a name cell (names of some minorities run long: 50 is ample).
pub const MAX_NAME: usize = 50;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// The person's resident ID number: exactly one column of a kind.
    IdNumber,
    /// An amount in yuan.
    Money,
    Date,
    Text,
    /// The person's name: compared with the name registered for the row's ID number
    /// ([`names_agree`]), a row whose names disagree is left out (its ID number was probably
    /// mistyped: it would be someone else's household). At most one column of a kind.
    Name,
}

impl ColumnType {
    pub fn label(self) -> &'static str {
        match self {
            ColumnType::IdNumber => "证件号码",
            ColumnType::Money => "金额",
            ColumnType::Date => "日期",
            ColumnType::Text => "文字",
            ColumnType::Name => "姓名",
        }
    }
}

/// A column of a department file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The key rules refer to (`amount`, `grade`, ...).
    pub field: String,
    pub column_type: ColumnType,
    /// Header names: the first is the canonical one (error reports, exports), the rest aliases.
    pub names: Vec<String>,
    /// Headers of a column holding the field within a longer number (残疾人证号 holds the ID
    /// number), read when the file has none of `names`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fallback_names: Vec<String>,
    /// Where the value is read when the file has no column of this one's names but gives the
    /// longer number holding it (a disability list of 残疾人证号 alone: its 19th character is the
    /// category, its 20th the grade).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<Within>,
    pub required: bool,
}

/// A value read from one character of another column's longer number ([`Column::within`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Within {
    /// The column holding the number, read by one of its `fallback_names`.
    pub field: String,
    /// The character's position, from 1.
    pub at: usize,
    /// What each character stands for (`"2"` → `"二级"`).
    pub values: Vec<(String, String)>,
}

impl Within {
    /// The characters and what they stand for, for error messages: `1（一级）、2（二级）`.
    fn expected(&self) -> String {
        self.values
            .iter()
            .map(|(c, v)| format!("{c}（{v}）"))
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl Column {
    pub fn header(&self) -> &str {
        self.names
            .first()
            .map(String::as_str)
            .unwrap_or(&self.field)
    }

    /// The header without a unit in brackets: `自付金额（元）` → `自付金额`.
    pub fn label(&self) -> &str {
        let h = self.header();
        h.split(['（', '(']).next().unwrap_or(h).trim()
    }

    /// Reads this column's value from the longer number in `cell` ([`Column::within`]).
    pub fn parse_within(&self, cell: Option<&str>) -> Result<CellValue, CellError> {
        let Some(within) = &self.within else {
            return self.parse(cell);
        };
        // As the ID number is read: a leading quote (text in Excel), spaces and dashes left out.
        let number: String = cell
            .unwrap_or_default()
            .trim_start()
            .trim_start_matches(['\'', '‘', '’', '`'])
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if number.is_empty() {
            return if self.required {
                Err(CellError::Missing)
            } else {
                Ok(CellValue::Empty)
            };
        }
        let Some(found) = number.chars().nth(within.at.saturating_sub(1)) else {
            // Too short to hold it: an optional value is not given, a required one missing.
            return if self.required {
                Err(CellError::NotWithin {
                    label: self.label().to_string(),
                    at: within.at,
                    found: None,
                    len: number.chars().count(),
                    expected: within.expected(),
                })
            } else {
                Ok(CellValue::Empty)
            };
        };
        let found = normalize_value(&found.to_string());
        match within
            .values
            .iter()
            .find(|(c, _)| normalize_value(c) == found)
        {
            Some((_, value)) => Ok(CellValue::Text(value.clone())),
            None => Err(CellError::NotWithin {
                label: self.label().to_string(),
                at: within.at,
                found: Some(found),
                len: number.chars().count(),
                expected: within.expected(),
            }),
        }
    }

    /// Parses a cell of this column; `None` is an absent column or an empty cell.
    pub fn parse(&self, cell: Option<&str>) -> Result<CellValue, CellError> {
        let text = cell.map(str::trim).filter(|s| !s.is_empty());
        let Some(text) = text else {
            return if self.required {
                Err(CellError::Missing)
            } else {
                Ok(CellValue::Empty)
            };
        };
        match self.column_type {
            // The ID number is parsed by the caller into the row's key.
            ColumnType::IdNumber => Ok(CellValue::Empty),
            ColumnType::Money => Money::parse_yuan(text)
                .map(CellValue::Money)
                .map_err(CellError::Invalid),
            ColumnType::Date => LedgerDate::parse(text)
                .map(CellValue::Date)
                .map_err(CellError::Invalid),
            ColumnType::Text | ColumnType::Name => {
                let max = if self.column_type == ColumnType::Name {
                    MAX_NAME
                } else {
                    MAX_TEXT
                };
                let n = text.chars().count();
                if n > max {
                    Err(CellError::TooLong { chars: n, max })
                } else {
                    Ok(CellValue::Text(text.to_string()))
                }
            }
        }
    }
}

/// How the rows of a household are judged. The set is closed (code); the parameters are data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Per-capita income minus the household's total of `field` per member falls below this
    /// share of the year's threshold (e.g. medical: compliant out-of-pocket spending).
    IncomeAfterSpending {
        field: String,
        percent_of_threshold: u32,
    },
    /// The household's total of `field` exceeds this share of its yearly net income (per-capita
    /// income times household size; e.g. disaster losses).
    LossShareOfIncome { field: String, percent: u32 },
    /// A row whose `field` is one of `values` (compared after [`normalize_value`]; e.g. a
    /// disability certificate of grade 1 or 2, a housing appraisal of grade C or D).
    ValueIn { field: String, values: Vec<String> },
    /// Any row (e.g. a registered unemployment, a school drop-out).
    AnyRow,
}

impl Rule {
    pub fn code(&self) -> &'static str {
        match self {
            Rule::IncomeAfterSpending { .. } => "income_after_spending",
            Rule::LossShareOfIncome { .. } => "loss_share_of_income",
            Rule::ValueIn { .. } => "value_in",
            Rule::AnyRow => "any_row",
        }
    }

    /// The field the rule reads, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Rule::IncomeAfterSpending { field, .. }
            | Rule::LossShareOfIncome { field, .. }
            | Rule::ValueIn { field, .. } => Some(field),
            Rule::AnyRow => None,
        }
    }
}

/// Only rows whose `field` (a required date column) lies within `days` before the screening day
/// count (e.g. a *new* certificate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recent {
    pub field: String,
    pub days: u32,
}

/// A kind of department file, as the policy describes it (valid by construction: see
/// `Policy::parse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningKind {
    pub code: String,
    pub label: String,
    /// Who sends it (the evidence's source unless the operator names another).
    pub department: String,
    /// The risk a clue of this kind is about.
    pub risk: RiskType,
    pub columns: Vec<Column>,
    pub rule: Rule,
    pub recent: Option<Recent>,
}

impl ScreeningKind {
    pub fn column_index(&self, field: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.field == field)
    }

    /// The name column, if the kind has one (the policy check allows at most one).
    pub fn name_column(&self) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.column_type == ColumnType::Name)
    }

    /// The ID number column (the policy check guarantees exactly one).
    pub fn id_column(&self) -> usize {
        self.columns
            .iter()
            .position(|c| c.column_type == ColumnType::IdNumber)
            .unwrap_or(0)
    }

    /// The rule in words, for clues, lists and exports.
    pub fn rule_text(&self, threshold: Money) -> String {
        let label = |f: &str| {
            self.column_index(f)
                .map(|i| self.columns[i].label().to_string())
                .unwrap_or_else(|| f.to_string())
        };
        let mut text = match &self.rule {
            Rule::IncomeAfterSpending {
                field,
                percent_of_threshold,
            } => {
                let line = Money::from_fen(
                    (i128::from(threshold.fen()) * i128::from(*percent_of_threshold) / 100) as i64,
                );
                format!(
                    "人均纯收入减去人均{}低于{}元（监测收入标准{}元的{}%）",
                    label(field),
                    line.yuan_string(),
                    threshold.yuan_string(),
                    percent_of_threshold
                )
            }
            Rule::LossShareOfIncome { field, percent } => {
                format!("{}合计超过家庭年纯收入的{}%", label(field), percent)
            }
            Rule::ValueIn { field, values } => {
                format!("{}为{}", label(field), values.join("、"))
            }
            Rule::AnyRow => "有记录".to_string(),
        };
        if let Some(r) = &self.recent {
            text.push_str(&format!("（{}在{}天内）", label(&r.field), r.days));
        }
        text
    }

    /// Parses a row's cells (in column order; `None` for an absent column). A column `within`
    /// (true at its index) is read from the longer number its cell holds ([`Column::within`]).
    /// Every bad cell is reported with its column index.
    pub fn parse_row(
        &self,
        cells: &[Option<&str>],
        within: &[bool],
    ) -> Result<DepartmentRow, Vec<(usize, CellError)>> {
        let mut errors = Vec::new();
        let mut values = Vec::with_capacity(self.columns.len());
        let mut id = None;
        for (i, column) in self.columns.iter().enumerate() {
            let cell = cells.get(i).copied().flatten();
            if column.column_type == ColumnType::IdNumber {
                match cell.map(str::trim).filter(|s| !s.is_empty()) {
                    None => errors.push((i, CellError::Missing)),
                    // Departments' data may still hold first-generation 15-digit numbers.
                    Some(s) => match IdNumber::parse_or_upgrade(s) {
                        Ok(v) => id = Some(v),
                        Err(e) => errors.push((i, CellError::Invalid(e))),
                    },
                }
                values.push(CellValue::Empty);
                continue;
            }
            let parsed = if within.get(i).copied().unwrap_or(false) {
                column.parse_within(cell)
            } else {
                column.parse(cell)
            };
            match parsed {
                Ok(v) => values.push(v),
                Err(e) => {
                    errors.push((i, e));
                    values.push(CellValue::Empty);
                }
            }
        }
        // A value within a number that is itself wrong says nothing more.
        let wrong: Vec<usize> = errors.iter().map(|(i, _)| *i).collect();
        errors.retain(|(i, _)| {
            !within.get(*i).copied().unwrap_or(false)
                || self.columns[*i]
                    .within
                    .as_ref()
                    .and_then(|w| self.column_index(&w.field))
                    .is_none_or(|source| !wrong.contains(&source))
        });
        match id {
            Some(id) if errors.is_empty() => Ok(DepartmentRow { id, values }),
            _ => Err(errors),
        }
    }
}

/// Text compared by [`Rule::ValueIn`]: trimmed, spaces removed, full-width letters and digits made
/// half-width, Latin letters upper-case (`ｃ级` = `C级`).
pub fn normalize_value(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A name as compared: white space removed (a file may write `张 三`), the many dots between
/// the parts of a name (`·`, `•`, `・`, `.`, ...) made one, full-width letters and digits
/// half-width, Latin letters upper-case, and `＊` the mask `*`.
fn comparable_name(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF0A}' => '*',
            '\u{FF0E}' | '.' | '\u{2022}' | '\u{30FB}' | '\u{2027}' | '\u{2219}' | '\u{22C5}'
            | '\u{FF65}' | '\u{FE52}' | '\u{318D}' | '\u{0387}' => '\u{00B7}',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether the name a department file gives a person agrees with the name registered for the
/// same ID number. Compared as [`comparable_name`] makes them; a department that masks names
/// (`张*`, `张**`, `*小明`) agrees where the characters it shows are the registered ones, each run
/// of `*` standing for one or more characters. An empty or wholly masked name agrees (it says
/// nothing).
pub fn names_agree(in_file: &str, registered: &str) -> bool {
    let pattern = comparable_name(in_file);
    if pattern.iter().all(|c| *c == '*') {
        return true;
    }
    let name = comparable_name(registered);
    if !pattern.contains(&'*') {
        return pattern == name;
    }
    // A run of masks is one wildcard of at least one character.
    let mut parts: Vec<Option<char>> = Vec::with_capacity(pattern.len());
    for c in pattern {
        if c == '*' {
            if parts.last() != Some(&None) {
                parts.push(None);
            }
        } else {
            parts.push(Some(c));
        }
    }
    // matched[j]: the first j characters of the name are matched by the parts so far.
    let mut matched = vec![false; name.len() + 1];
    matched[0] = true;
    for part in parts {
        let mut next = vec![false; name.len() + 1];
        for j in 0..name.len() {
            if !matched[j] {
                continue;
            }
            match part {
                Some(c) => next[j + 1] |= name[j] == c,
                None => next[j + 1..].iter_mut().for_each(|n| *n = true),
            }
        }
        matched = next;
    }
    matched[name.len()]
}

/// A parsed cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    Empty,
    Money(Money),
    Date(LedgerDate),
    Text(String),
}

impl CellValue {
    fn money(&self) -> Money {
        match self {
            CellValue::Money(m) => *m,
            _ => Money::ZERO,
        }
    }

    /// The value as a file would show it (for fingerprints and lists).
    pub fn text(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Money(m) => m.yuan_string(),
            CellValue::Date(d) => d.to_string(),
            CellValue::Text(s) => s.clone(),
        }
    }
}

/// Why a cell cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellError {
    Missing,
    Invalid(ParseError),
    TooLong {
        chars: usize,
        max: usize,
    },
    /// The character a value is read from ([`Column::within`]) stands for none of the values.
    NotWithin {
        label: String,
        at: usize,
        found: Option<String>,
        /// The number's length in characters.
        len: usize,
        expected: String,
    },
}

impl CellError {
    pub fn code(&self) -> &'static str {
        match self {
            CellError::Missing => "missing",
            CellError::Invalid(e) => e.code(),
            CellError::TooLong { .. } => "too_long",
            CellError::NotWithin { .. } => "not_within",
        }
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellError::Missing => write!(f, "必填项为空"),
            CellError::Invalid(e) => write!(f, "{e}"),
            CellError::TooLong { chars, max } => {
                write!(f, "内容过长（最多{max}字，实为{chars}字）")
            }
            CellError::NotWithin {
                label,
                at,
                found: Some(c),
                expected,
                ..
            } => write!(f, "第{at}位“{c}”不是{label}的代码（应为{expected}）"),
            CellError::NotWithin {
                label,
                at,
                len,
                expected,
                ..
            } => write!(
                f,
                "号码只有{len}位，读不出{label}（第{at}位为{label}：{expected}）"
            ),
        }
    }
}

/// A row of a department file: the person and the kind's values (aligned with the kind's
/// columns; the ID column's slot is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRow {
    pub id: IdNumber,
    pub values: Vec<CellValue>,
}

/// What the rules need to know of a registered household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// 家庭人口数 (the size the per-capita income is computed with).
    pub size: u32,
    pub per_capita_income: Option<Money>,
}

/// A household that crosses the rule: the figures behind it and the members it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub figures: Vec<Figure>,
    pub members: Vec<IdNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    Hit(Hit),
    /// Judged: the household does not cross the rule.
    Below,
    /// The rule needs the household's income, and none is registered.
    NoIncome,
    /// Every row is older than the kind's window.
    NotRecent,
}

/// The last day a ledger date can mean.
fn last_day(d: LedgerDate) -> NaiveDate {
    match d {
        LedgerDate::Day(d) => d,
        LedgerDate::Month(first) => {
            let (y, m) = if first.month() == 12 {
                (first.year() + 1, 1)
            } else {
                (first.year(), first.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1)
                .map(|next| next - Duration::days(1))
                .unwrap_or(first)
        }
    }
}

fn yuan(m: Money) -> String {
    let mut s = m.yuan_string();
    s.push('元');
    s
}

fn figure(label: impl Into<String>, value: impl Into<String>) -> Figure {
    Figure {
        label: label.into(),
        value: value.into(),
    }
}

/// A kind's rule ready to judge households: the threshold and the day fixed, fields resolved.
#[derive(Debug, Clone)]
pub struct Screener<'a> {
    kind: &'a ScreeningKind,
    threshold: Money,
    /// Rows dated before this day do not count (the kind's window).
    since: Option<(usize, NaiveDate)>,
    field: Option<usize>,
    values: Vec<String>,
    /// The labels of a hit's evidence that do not change from household to household, made
    /// once: the total, the per-capita figure, the warning standard.
    labels: [String; 3],
}

impl<'a> Screener<'a> {
    pub fn new(kind: &'a ScreeningKind, threshold: Money, on: NaiveDate) -> Screener<'a> {
        let since = kind.recent.as_ref().and_then(|r| {
            Some((
                kind.column_index(&r.field)?,
                on - Duration::days(i64::from(r.days)),
            ))
        });
        let values = match &kind.rule {
            Rule::ValueIn { values, .. } => values.iter().map(|v| normalize_value(v)).collect(),
            _ => Vec::new(),
        };
        let field = kind.rule.field().and_then(|f| kind.column_index(f));
        let label = field
            .and_then(|i| kind.columns.get(i))
            .map(Column::label)
            .unwrap_or("");
        let standard = match &kind.rule {
            Rule::IncomeAfterSpending {
                percent_of_threshold,
                ..
            } => format!(
                "低于{}（监测收入标准的{}%）",
                yuan(Money::from_fen(
                    (i128::from(threshold.fen()) * i128::from(*percent_of_threshold) / 100) as i64
                )),
                percent_of_threshold
            ),
            Rule::LossShareOfIncome { percent, .. } => format!("超过家庭年纯收入的{percent}%"),
            _ => String::new(),
        };
        Screener {
            kind,
            threshold,
            since,
            field,
            values,
            labels: [format!("{label}合计"), format!("人均{label}"), standard],
        }
    }

    pub fn kind(&self) -> &ScreeningKind {
        self.kind
    }

    /// Whether a row falls within the kind's window.
    pub fn is_recent(&self, row: &DepartmentRow) -> bool {
        match self.since {
            None => true,
            Some((i, since)) => match row.values.get(i) {
                Some(CellValue::Date(d)) => last_day(*d) >= since,
                _ => true,
            },
        }
    }

    fn total(&self, rows: &[&DepartmentRow]) -> Money {
        let fen: i64 = rows
            .iter()
            .map(|r| {
                self.field
                    .and_then(|i| r.values.get(i))
                    .map(CellValue::money)
                    .unwrap_or(Money::ZERO)
                    .fen()
            })
            .fold(0i64, i64::saturating_add);
        Money::from_fen(fen)
    }

    fn field_label(&self) -> &str {
        self.field
            .and_then(|i| self.kind.columns.get(i))
            .map(Column::label)
            .unwrap_or("")
    }

    /// Judges the rows of one household's members (all the rows of the file that matched it).
    pub fn judge(&self, facts: Facts, rows: &[&DepartmentRow]) -> Judgement {
        let recent: Vec<&DepartmentRow>;
        let rows = if self.since.is_some() && !rows.iter().all(|r| self.is_recent(r)) {
            recent = rows.iter().copied().filter(|r| self.is_recent(r)).collect();
            &recent[..]
        } else {
            rows
        };
        if rows.is_empty() {
            return Judgement::NotRecent;
        }
        let size = facts.size.max(1);
        let members = |rows: &[&DepartmentRow]| {
            let mut ids: Vec<IdNumber> = rows.iter().map(|r| r.id).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        match &self.kind.rule {
            Rule::IncomeAfterSpending {
                percent_of_threshold,
                ..
            } => {
                let Some(income) = facts.per_capita_income else {
                    return Judgement::NoIncome;
                };
                let total = self.total(rows);
                let n = i128::from(size);
                // income - total / n < threshold * p / 100, multiplied out to stay exact in fen.
                let left = (i128::from(income.fen()) * n - i128::from(total.fen())) * 100;
                let right =
                    i128::from(self.threshold.fen()) * i128::from(*percent_of_threshold) * n;
                if left >= right {
                    return Judgement::Below;
                }
                let per_capita = total.divide(size);
                let [total_label, per_capita_label, standard] = &self.labels;
                Judgement::Hit(Hit {
                    figures: vec![
                        figure("人均纯收入", yuan(income)),
                        figure("家庭人口数", size.to_string()),
                        figure(total_label.as_str(), yuan(total)),
                        figure(per_capita_label.as_str(), yuan(per_capita)),
                        figure("扣除后人均纯收入", yuan(income - per_capita)),
                        figure("预警标准", standard.as_str()),
                    ],
                    members: members(rows),
                })
            }
            Rule::LossShareOfIncome { percent, .. } => {
                let Some(income) = facts.per_capita_income else {
                    return Judgement::NoIncome;
                };
                let loss = self.total(rows);
                let yearly = i128::from(income.fen()) * i128::from(size);
                // loss > yearly * percent / 100; any loss counts when there is no income.
                let crosses = if yearly <= 0 {
                    loss.fen() > 0
                } else {
                    i128::from(loss.fen()) * 100 > yearly * i128::from(*percent)
                };
                if !crosses {
                    return Judgement::Below;
                }
                let share = if yearly > 0 {
                    format!("{:.1}%", loss.fen() as f64 * 100.0 / yearly as f64)
                } else {
                    "—".to_string()
                };
                let [total_label, _, standard] = &self.labels;
                Judgement::Hit(Hit {
                    figures: vec![
                        figure(total_label.as_str(), yuan(loss)),
                        figure("人均纯收入", yuan(income)),
                        figure("家庭人口数", size.to_string()),
                        figure(
                            "家庭年纯收入",
                            yuan(Money::from_fen(yearly.clamp(0, i128::from(i64::MAX)) as i64)),
                        ),
                        figure("损失占年纯收入", share),
                        figure("预警标准", standard.as_str()),
                    ],
                    members: members(rows),
                })
            }
            Rule::ValueIn { .. } => {
                let matching: Vec<&DepartmentRow> = rows
                    .iter()
                    .copied()
                    .filter(|r| match self.field.and_then(|i| r.values.get(i)) {
                        Some(CellValue::Text(t)) => self.values.contains(&normalize_value(t)),
                        Some(v @ (CellValue::Money(_) | CellValue::Date(_))) => {
                            self.values.contains(&normalize_value(&v.text()))
                        }
                        _ => false,
                    })
                    .collect();
                if matching.is_empty() {
                    return Judgement::Below;
                }
                let mut found: Vec<String> = matching
                    .iter()
                    .filter_map(|r| self.field.and_then(|i| r.values.get(i)))
                    .map(CellValue::text)
                    .collect();
                found.sort();
                found.dedup();
                Judgement::Hit(Hit {
                    figures: vec![
                        figure(self.field_label().to_string(), found.join("、")),
                        figure("命中记录数", matching.len().to_string()),
                    ],
                    members: members(&matching),
                })
            }
            Rule::AnyRow => Judgement::Hit(Hit {
                figures: vec![figure("记录数", rows.len().to_string())],
                members: members(rows),
            }),
        }
    }
}

#[cfg(test)]
mod tests;

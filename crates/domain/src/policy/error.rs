//! What can be wrong with a policy file: which key (and line, when known) and why, in Chinese.

use std::fmt;

/// One problem of a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The key path, e.g. `deadlines.home_visit.days` or `blockers[2].checks`.
    pub key: String,
    /// 1-based line, when the parser knows it.
    pub line: Option<usize>,
    pub problem: PolicyProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyProblem {
    /// The text is not valid TOML.
    Syntax(String),
    Missing,
    Unknown {
        allowed: Vec<String>,
    },
    Type {
        expected: String,
        found: String,
    },
    Value(String),
    Duplicate(String),
    /// A national rule the file may not drop.
    NationalRule(String),
}

impl PolicyProblem {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyProblem::Syntax(_) => "policy_syntax",
            PolicyProblem::Missing => "policy_missing_key",
            PolicyProblem::Unknown { .. } => "policy_unknown_key",
            PolicyProblem::Type { .. } => "policy_type",
            PolicyProblem::Value(_) => "policy_value",
            PolicyProblem::Duplicate(_) => "policy_duplicate",
            PolicyProblem::NationalRule(_) => "policy_national_rule",
        }
    }
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyProblem::Syntax(s) => write!(f, "TOML 格式错误：{s}"),
            PolicyProblem::Missing => write!(f, "缺少此项"),
            PolicyProblem::Unknown { allowed } if allowed.is_empty() => {
                write!(f, "不认识此项（可能拼写有误）")
            }
            PolicyProblem::Unknown { allowed } => {
                write!(
                    f,
                    "不认识此项（可能拼写有误），可用：{}",
                    allowed.join("、")
                )
            }
            PolicyProblem::Type { expected, found } => {
                write!(f, "类型错误：应为{expected}，实为{found}")
            }
            PolicyProblem::Value(s) => write!(f, "{s}"),
            PolicyProblem::Duplicate(s) => write!(f, "重复：{s}"),
            PolicyProblem::NationalRule(s) => write!(f, "违反全国统一规定：{s}"),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.key.is_empty(), self.line) {
            (true, Some(l)) => write!(f, "第{l}行：{}", self.problem),
            (true, None) => write!(f, "{}", self.problem),
            (false, Some(l)) => write!(f, "{}（第{l}行）：{}", self.key, self.problem),
            (false, None) => write!(f, "{}：{}", self.key, self.problem),
        }
    }
}

impl std::error::Error for PolicyError {}

impl PolicyError {
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }

    pub(crate) fn at(key: impl Into<String>, problem: PolicyProblem) -> PolicyError {
        PolicyError {
            key: key.into(),
            line: None,
            problem,
        }
    }

    pub(crate) fn value(key: impl Into<String>, why: impl Into<String>) -> PolicyError {
        PolicyError::at(key, PolicyProblem::Value(why.into()))
    }
}

/// Turns a message of the TOML/serde deserializer into a problem in Chinese (the patterns are
/// serde's stable wording).
pub(crate) fn translate(message: &str) -> (Option<String>, PolicyProblem) {
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, t)| t.to_string())
            .collect()
    };
    let m = message.trim();
    if let Some(rest) = m.strip_prefix("missing field ") {
        return (ticked(rest).into_iter().next(), PolicyProblem::Missing);
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let mut names = ticked(rest);
        let field = (!names.is_empty()).then(|| names.remove(0));
        return (field, PolicyProblem::Unknown { allowed: names });
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let mut names = ticked(rest);
        let value = if names.is_empty() {
            String::new()
        } else {
            names.remove(0)
        };
        return (
            None,
            PolicyProblem::Value(format!("取值“{value}”无效，可用：{}", names.join("、"))),
        );
    }
    if let Some(rest) = m.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return (
            None,
            PolicyProblem::Type {
                expected: type_name(expected),
                found: type_name(found),
            },
        );
    }
    if let Some(rest) = m.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return (
            None,
            PolicyProblem::Value(format!(
                "取值无效：应为{}，实为{}",
                type_name(expected),
                type_name(found)
            )),
        );
    }
    if m.starts_with("duplicate key") {
        return (None, PolicyProblem::Duplicate("同一个键写了两次".into()));
    }
    if let Some(rest) = m.strip_prefix("invalid length ") {
        return (None, PolicyProblem::Value(format!("个数不对：{rest}")));
    }
    (None, PolicyProblem::Syntax(m.to_string()))
}

fn type_name(s: &str) -> String {
    let s = s.trim();
    let word = s.split([' ', '`']).next().unwrap_or(s);
    let base = match word {
        "string" | "a" if s.contains("string") => "文字（用引号括起）",
        "string" => "文字（用引号括起）",
        "integer" | "u8" | "u16" | "u32" | "u64" | "i32" | "i64" => "整数",
        "float" | "f64" => "小数",
        "boolean" | "bool" => "true 或 false",
        "sequence" | "array" => "数组 [...]",
        "map" | "table" | "struct" => "表 {...}",
        "datetime" | "date" => "日期（如 2022-01-01）",
        _ if s.contains("date") => "日期（如 2022-01-01）",
        _ if s.contains("sequence") => "数组 [...]",
        _ => s,
    };
    // Keep the offending value serde quoted, e.g. string "五".
    match s.split_once(' ') {
        Some((_, v)) if v.starts_with('"') || v.starts_with('`') => {
            format!("{base} {}", v.trim_matches('`'))
        }
        _ => base.to_string(),
    }
}

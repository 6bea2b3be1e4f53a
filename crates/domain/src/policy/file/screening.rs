//! `[[screening]]`: the kinds of department file and their rules (see [`crate::screening`]).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::Checker;
use crate::screening::{Column, ColumnType, Recent, Rule, ScreeningKind, Within, normalize_value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKind {
    code: String,
    label: String,
    department: String,
    risk: String,
    columns: Vec<RawColumn>,
    rule: RawRule,
    recent: Option<RawRecent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    field: String,
    #[serde(rename = "type")]
    column_type: RawColumnType,
    names: Vec<String>,
    /// Headers of a column that holds the field within a longer number (残疾人证号 holds the
    /// ID number): used when the file has none of `names`.
    #[serde(default)]
    fallback_names: Vec<String>,
    /// Where the value is, when the file has none of `names`, within the number of a column read
    /// by its `fallback_names`: the 20th character of 残疾人证号 is the grade.
    within: Option<RawWithin>,
    #[serde(default = "required_by_default")]
    required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWithin {
    field: String,
    at: usize,
    values: BTreeMap<String, String>,
}

fn required_by_default() -> bool {
    true
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawColumnType {
    IdNumber,
    Money,
    Date,
    Text,
    Name,
}

#[derive(Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
enum RawRule {
    IncomeAfterSpending {
        field: String,
        percent_of_threshold: u32,
    },
    LossShareOfIncome {
        field: String,
        percent: u32,
    },
    ValueIn {
        field: String,
        values: Vec<String>,
    },
    AnyRow,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecent {
    field: String,
    days: u32,
}

impl Checker {
    pub(super) fn screening(&mut self, raw: &[RawKind]) -> Vec<ScreeningKind> {
        let mut seen = HashSet::new();
        raw.iter()
            .enumerate()
            .filter_map(|(i, k)| self.screening_kind(&format!("screening[{i}]"), k, &mut seen))
            .collect()
    }

    fn screening_kind(
        &mut self,
        key: &str,
        k: &RawKind,
        seen: &mut HashSet<String>,
    ) -> Option<ScreeningKind> {
        let code = self.code(&format!("{key}.code"), &k.code, seen);
        let label = self.text(&format!("{key}.label"), &k.label);
        let department = self.text(&format!("{key}.department"), &k.department);
        let risk = self.risk(&format!("{key}.risk"), &k.risk);

        let mut fields = HashSet::new();
        let mut names = HashSet::new();
        let mut columns = Vec::new();
        for (i, c) in k.columns.iter().enumerate() {
            let ckey = format!("{key}.columns[{i}]");
            let field = self.code(&format!("{ckey}.field"), &c.field, &mut fields);
            if c.names.is_empty() {
                self.fail(format!("{ckey}.names"), "至少要有一个表头名称");
            }
            let mut list = Vec::new();
            let mut fallback = Vec::new();
            for (list, key, given) in [
                (&mut list, "names", &c.names),
                (&mut fallback, "fallback_names", &c.fallback_names),
            ] {
                for (j, n) in given.iter().enumerate() {
                    let n = self.text(&format!("{ckey}.{key}[{j}]"), n);
                    if !n.is_empty() && !names.insert(normalize_value(&n)) {
                        self.fail(
                            format!("{ckey}.{key}[{j}]"),
                            format!("表头名称“{n}”在本类文件中已用过"),
                        );
                    }
                    list.push(n);
                }
            }
            let column_type = match c.column_type {
                RawColumnType::IdNumber => ColumnType::IdNumber,
                RawColumnType::Money => ColumnType::Money,
                RawColumnType::Date => ColumnType::Date,
                RawColumnType::Text => ColumnType::Text,
                RawColumnType::Name => ColumnType::Name,
            };
            if column_type == ColumnType::IdNumber && !c.required {
                self.fail(format!("{ckey}.required"), "证件号码列必须为必填");
            }
            columns.push(Column {
                field,
                column_type,
                names: list,
                fallback_names: fallback,
                within: None,
                required: c.required,
            });
        }
        // A value within another column's number: that column must be read by fallback names,
        // and the value be text.
        for (i, c) in k.columns.iter().enumerate() {
            let Some(w) = &c.within else { continue };
            let wkey = format!("{key}.columns[{i}].within");
            let field = w.field.trim().to_string();
            match columns.iter().find(|o| o.field == field) {
                None => self.fail(
                    format!("{wkey}.field"),
                    format!("列“{field}”不在 columns 中"),
                ),
                Some(o) if o.fallback_names.is_empty() => self.fail(
                    format!("{wkey}.field"),
                    format!("列“{field}”没有 fallback_names，其中没有可读出的号码"),
                ),
                Some(_) if field == columns[i].field => {
                    self.fail(format!("{wkey}.field"), "不能从本列自身读出")
                }
                Some(_) => {}
            }
            if columns[i].column_type != ColumnType::Text {
                self.fail(
                    format!("{key}.columns[{i}].type"),
                    "从号码中读出的列须为文字列（type = \"text\"）",
                );
            }
            if !(1..=50).contains(&w.at) {
                self.fail(format!("{wkey}.at"), "位置应在1至50之间（从1数起）");
            }
            if w.values.is_empty() {
                self.fail(format!("{wkey}.values"), "至少要有一个取值");
            }
            let mut values = Vec::new();
            for (code, value) in &w.values {
                if code.trim().chars().count() != 1 {
                    self.fail(
                        format!("{wkey}.values"),
                        format!("“{code}”应为一个字符（号码中第{}位的字符）", w.at),
                    );
                }
                let value = self.text(&format!("{wkey}.values.{code}"), value);
                values.push((code.trim().to_string(), value));
            }
            columns[i].within = Some(Within {
                field,
                at: w.at,
                values,
            });
        }
        let ids = columns
            .iter()
            .filter(|c| c.column_type == ColumnType::IdNumber)
            .count();
        if ids != 1 {
            self.fail(
                format!("{key}.columns"),
                format!("须有且只有一列 type = \"id_number\"（证件号码），实有{ids}列"),
            );
        }

        let name_columns = columns
            .iter()
            .filter(|c| c.column_type == ColumnType::Name)
            .count();
        if name_columns > 1 {
            self.fail(
                format!("{key}.columns"),
                format!("最多一列 type = \"name\"（姓名），实有{name_columns}列"),
            );
        }

        // A rule's field must be a column of the type the rule reads.
        let field_of = |this: &mut Checker, rkey: &str, field: &str, want: ColumnType| {
            match columns.iter().find(|c| c.field == field) {
                None => this.fail(
                    format!("{rkey}.field"),
                    format!("列“{field}”不在 columns 中"),
                ),
                Some(c) if c.column_type != want => this.fail(
                    format!("{rkey}.field"),
                    format!(
                        "列“{field}”的类型为{}，此规则须用{}列",
                        c.column_type.label(),
                        want.label()
                    ),
                ),
                Some(_) => {}
            }
            field.trim().to_string()
        };
        let rkey = format!("{key}.rule");
        let rule = match &k.rule {
            RawRule::IncomeAfterSpending {
                field,
                percent_of_threshold,
            } => {
                if !(1..=1000).contains(percent_of_threshold) {
                    self.fail(
                        format!("{rkey}.percent_of_threshold"),
                        "应在1至1000之间（监测收入标准的百分之几）",
                    );
                }
                Rule::IncomeAfterSpending {
                    field: field_of(self, &rkey, field, ColumnType::Money),
                    percent_of_threshold: *percent_of_threshold,
                }
            }
            RawRule::LossShareOfIncome { field, percent } => {
                if !(1..=1000).contains(percent) {
                    self.fail(
                        format!("{rkey}.percent"),
                        "应在1至1000之间（家庭年纯收入的百分之几）",
                    );
                }
                Rule::LossShareOfIncome {
                    field: field_of(self, &rkey, field, ColumnType::Money),
                    percent: *percent,
                }
            }
            RawRule::ValueIn { field, values } => {
                let values: Vec<String> = values
                    .iter()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !normalize_value(v).is_empty())
                    .collect();
                if values.is_empty() {
                    self.fail(format!("{rkey}.values"), "至少要有一个取值");
                }
                Rule::ValueIn {
                    field: field_of(self, &rkey, field, ColumnType::Text),
                    values,
                }
            }
            RawRule::AnyRow => Rule::AnyRow,
        };
        let recent = k.recent.as_ref().map(|r| {
            let key = format!("{key}.recent");
            let field = field_of(self, &key, &r.field, ColumnType::Date);
            if columns.iter().any(|c| c.field == field && !c.required) {
                self.fail(
                    format!("{key}.field"),
                    format!("列“{field}”须为必填，才能判断是否在期限内"),
                );
            }
            if !(1..=3660).contains(&r.days) {
                self.fail(format!("{key}.days"), "天数应在1至3660之间");
            }
            Recent {
                field,
                days: r.days,
            }
        });
        Some(ScreeningKind {
            code,
            label,
            department,
            risk: risk?,
            columns,
            rule,
            recent,
        })
    }
}

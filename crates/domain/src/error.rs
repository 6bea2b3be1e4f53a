//! Why a value could not be parsed. Each variant has a stable code (for APIs and scripts) and a
//! Chinese message (for users); both are defined here and nowhere else.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    AreaCodeFormat,
    AreaCodeShape,
    IdLength(usize),
    IdCharacters,
    IdCheck {
        expected: char,
        found: char,
    },
    IdBirthDate,
    IdMasked,
    /// An xlsx cell holding the ID number as a number: a floating number keeps 15 significant
    /// digits (Excel too), the rest is gone.
    IdAsNumber,
    HouseholdNo,
    Money,
    /// An amount written in 万 or 千 yuan.
    MoneyNotYuan,
    MoneyRange,
    Date,
    Year,
    Flag,
    Integer,
    Label {
        kind: &'static str,
        allowed: &'static [&'static str],
    },
    TooManyRisks(usize),
    /// A long number that Excel showed in scientific notation (`6.20102E+17`) and saved so: its
    /// last digits are gone. Names what the column holds.
    ScientificNotation(&'static str),
}

/// Whether a cell holds a number as Excel shows a long one in scientific notation and saves it
/// so to CSV: `6.20102E+17`, `6.2E+11`, `6E+15` (a digit, maybe decimals, `E+` or `E`, digits).
pub fn is_scientific_notation(s: &str) -> bool {
    let s = s.trim();
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    whole.len() == 1 && digits(whole) && digits(fraction) && digits(exponent)
}

impl ParseError {
    /// Stable machine-readable code, e.g. for the JSON API and error reports.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::Empty => "empty",
            ParseError::AreaCodeFormat => "area_code_format",
            ParseError::AreaCodeShape => "area_code_shape",
            ParseError::IdLength(_) => "id_length",
            ParseError::IdCharacters => "id_characters",
            ParseError::IdCheck { .. } => "id_check",
            ParseError::IdBirthDate => "id_birth_date",
            ParseError::IdMasked => "id_masked",
            ParseError::IdAsNumber => "id_as_number",
            ParseError::HouseholdNo => "household_no",
            ParseError::Money => "money",
            ParseError::MoneyNotYuan => "money_not_yuan",
            ParseError::MoneyRange => "money_range",
            ParseError::Date => "date",
            ParseError::Year => "year",
            ParseError::Flag => "flag",
            ParseError::Integer => "integer",
            ParseError::Label { .. } => "label",
            ParseError::TooManyRisks(_) => "too_many_risks",
            ParseError::ScientificNotation(_) => "scientific_notation",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "必填项为空"),
            ParseError::AreaCodeFormat => write!(f, "区划代码应为12位数字"),
            ParseError::AreaCodeShape => write!(f, "区划代码格式不符合统计用区划代码规则"),
            ParseError::IdLength(n) => write!(f, "证件号码应为18位，实际为{n}位"),
            ParseError::IdCharacters => {
                write!(f, "证件号码只能由17位数字和1位校验码（数字或X）组成")
            }
            ParseError::IdCheck { expected, found } => {
                write!(f, "证件号码校验码错误：应为{expected}，实为{found}")
            }
            ParseError::IdBirthDate => write!(f, "证件号码中的出生日期不存在"),
            ParseError::IdMasked => {
                write!(f, "证件号码已脱敏（含*），无法导入，请使用未脱敏的台账")
            }
            ParseError::IdAsNumber => write!(
                f,
                "证件号码被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入"
            ),
            ParseError::HouseholdNo => write!(f, "户编号只能由字母、数字和“-”组成，最长32位"),
            ParseError::Money => {
                write!(f, "金额格式错误（应为数字，最多两位小数，可带千分位逗号）")
            }
            ParseError::MoneyNotYuan => {
                write!(f, "金额应以元为单位，不能写“万”或“千”：请换算成元后再填")
            }
            ParseError::MoneyRange => write!(f, "金额超出合理范围"),
            ParseError::Date => write!(
                f,
                "日期格式错误（可用 2022-05-03、2022/5/3、2022年5月3日、20220503、202205 或 Excel 日期）"
            ),
            ParseError::Year => write!(f, "年度应为2000至2100之间的四位数字"),
            ParseError::Flag => write!(f, "应填“是”或“否”"),
            ParseError::Integer => write!(f, "应为整数"),
            ParseError::Label { kind, allowed } => {
                write!(f, "{kind}无法识别，可填：{}", allowed.join("、"))
            }
            ParseError::TooManyRisks(n) => write!(f, "风险类型最多5项，实为{n}项"),
            ParseError::ScientificNotation(what) => write!(
                f,
                "{what}被 Excel 显示成了科学计数法后保存，后几位数字已丢失；\
                 请在 Excel 中把该列设为“文本”格式，重新填入完整的{what}后再保存"
            ),
        }
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_as_excel_writes_it() {
        for yes in [
            "6.20102E+17",
            " 6.2E+11 ",
            "6E+15",
            "6.20102e+17",
            "6.20102E17",
        ] {
            assert!(is_scientific_notation(yes), "{yes}");
        }
        for no in [
            "",
            "620102200007153393",
            "E+17",
            "6.E+17",
            "62.01E+17",
            "6.2E+",
            "6.2E-5x",
            "6.2E-05",
            "6.2F+17",
            "六E+17",
        ] {
            assert!(!is_scientific_notation(no), "{no}");
        }
    }
}

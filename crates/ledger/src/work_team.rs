//! The roster of village-resident cadres (驻村干部花名册): its columns and the names they are
//! known by, each row parsed into a [`TeamMember`] or the problems of its cells, and the roster
//! written in the same layout (ID numbers and phones masked unless asked otherwise; unmasked, an
//! export imports back unchanged).

use std::path::Path;

use zhenxing_domain::id_number::{mask_id_str, mask_phone};
use zhenxing_domain::work_team::{TeamMember, TeamPost, Training, UnitLevel};
use zhenxing_domain::{AreaCode, IdNumber, LedgerDate};

use crate::department::XlsxTableWriter;
use crate::error::{FileError, LedgerError};
use crate::project::CellProblem;
use crate::table::{Column, Table, TableKind, TableRow, read_table};
use crate::write::Out;

pub const NAME: usize = 0;
pub const ID: usize = 1;
pub const PHONE: usize = 2;
pub const VILLAGE: usize = 3;
pub const VILLAGE_NAME: usize = 4;
pub const POST: usize = 5;
pub const UNIT: usize = 6;
pub const UNIT_LEVEL: usize = 7;
pub const FROM: usize = 8;
pub const UNTIL: usize = 9;
pub const NOTE: usize = 10;
pub const ACCOUNT: usize = 11;

/// The columns, each with its canonical header first.
pub const COLUMNS: [Column; 12] = [
    ("name", &["姓名"]),
    (
        "id_number",
        &["证件号码", "身份证号码", "身份证号", "公民身份号码"],
    ),
    ("phone", &["联系电话", "手机号码", "手机", "电话"]),
    (
        "village_code",
        &["所驻村代码", "驻村代码", "行政村代码", "所在村代码"],
    ),
    ("village_name", &["所驻村", "驻村名称", "行政村"]),
    ("post", &["驻村职务", "职务", "驻村身份"]),
    ("unit", &["派出单位", "选派单位", "原单位"]),
    (
        "unit_level",
        &["派出单位级别", "单位级别", "选派层级", "派出单位层级"],
    ),
    (
        "from",
        &["驻村时间", "派驻时间", "到村时间", "驻村开始时间"],
    ),
    (
        "until",
        &["离村时间", "轮换时间", "撤回时间", "驻村结束时间"],
    ),
    ("note", &["备注", "说明"]),
    ("account", &["系统账号", "登录账号", "签到账号", "账号"]),
];

pub const ROSTER: TableKind = TableKind {
    label: "驻村干部花名册",
    columns: &COLUMNS,
    required: &[
        &[NAME],
        &[ID],
        &[VILLAGE],
        &[POST],
        &[UNIT],
        &[UNIT_LEVEL],
        &[FROM],
    ],
    missing: "姓名、证件号码、所驻村代码、驻村职务、派出单位、派出单位级别、驻村时间",
};

pub const T_NAME: usize = 0;
pub const T_ID: usize = 1;
pub const T_COURSE: usize = 2;
pub const T_DAY: usize = 3;
pub const T_HOURS: usize = 4;
pub const T_ORGANIZER: usize = 5;

/// The columns of a training ledger (驻村干部培训台账), each with its canonical header first.
pub const TRAINING_COLUMNS: [Column; 6] = [
    ("name", &["姓名"]),
    (
        "id_number",
        &["证件号码", "身份证号码", "身份证号", "公民身份号码"],
    ),
    (
        "course",
        &["培训班名称", "培训名称", "培训班次", "培训内容"],
    ),
    ("day", &["培训日期", "开班日期", "培训时间"]),
    ("hours", &["学时", "培训学时", "课时"]),
    ("organizer", &["主办单位", "举办单位", "培训单位"]),
];

pub const TRAININGS: TableKind = TableKind {
    label: "驻村干部培训台账",
    columns: &TRAINING_COLUMNS,
    required: &[&[T_NAME], &[T_ID], &[T_COURSE], &[T_DAY], &[T_HOURS]],
    missing: "姓名、证件号码、培训班名称、培训日期、学时",
};

pub fn read_trainings(path: &Path) -> Result<Table, LedgerError> {
    read_table(path, &TRAININGS)
}

/// One row as a training, or every problem of its cells (an ID number in them masked).
pub fn parse_training(row: &TableRow) -> Result<Training, Vec<CellProblem>> {
    let mut c = crate::construction::Cells::of(row);
    let name = c.required(T_NAME);
    let id = c.required(T_ID).and_then(|v| match IdNumber::parse(&v) {
        Ok(id) => Some(id),
        Err(e) => {
            c.problems.push((T_ID, mask_id_str(&v), e.to_string()));
            None
        }
    });
    let course = c.required(T_COURSE);
    let day = c.date(T_DAY);
    if day.is_none() && row.get(T_DAY).is_none() {
        c.problems.push((T_DAY, String::new(), "不能为空".into()));
    }
    let hours = c.count(T_HOURS, true);
    match (name, id, course, day, hours) {
        (Some(name), Some(cadre), Some(course), Some(day), Some(hours))
            if c.problems.is_empty() =>
        {
            Ok(Training {
                cadre,
                name,
                course,
                day,
                hours,
                organizer: row.get(T_ORGANIZER).map(str::to_string),
            })
        }
        _ => Err(c.problems),
    }
}

/// Reads a roster (CSV in any encoding ledgers come in, xls, xlsx, a web page's table).
pub fn read_roster(path: &Path) -> Result<Table, LedgerError> {
    read_table(path, &ROSTER)
}

/// One row as a cadre, or every problem of its cells (ID numbers and phones in them masked).
pub fn parse_member(row: &TableRow) -> Result<TeamMember, Vec<CellProblem>> {
    let mut problems: Vec<CellProblem> = Vec::new();
    let required = |k: usize, problems: &mut Vec<CellProblem>| -> Option<String> {
        let v = row.get(k).map(str::to_string);
        if v.is_none() {
            problems.push((k, String::new(), "不能为空".into()));
        }
        v
    };
    let name = required(NAME, &mut problems);
    let id = required(ID, &mut problems).and_then(|v| match IdNumber::parse(&v) {
        Ok(id) => Some(id),
        Err(e) => {
            problems.push((ID, mask_id_str(&v), e.to_string()));
            None
        }
    });
    let village = required(VILLAGE, &mut problems).and_then(|v| match AreaCode::parse(&v) {
        Ok(a) => Some(a),
        Err(e) => {
            problems.push((VILLAGE, v, e.to_string()));
            None
        }
    });
    let post = required(POST, &mut problems).and_then(|v| match TeamPost::parse(&v) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push((POST, v, e.to_string()));
            None
        }
    });
    let unit = required(UNIT, &mut problems);
    let unit_level = required(UNIT_LEVEL, &mut problems).and_then(|v| match UnitLevel::parse(&v) {
        Ok(l) => Some(l),
        Err(e) => {
            problems.push((UNIT_LEVEL, v, e.to_string()));
            None
        }
    });
    let date = |k: usize, problems: &mut Vec<CellProblem>| {
        let v = row.get(k)?;
        match LedgerDate::parse(v) {
            Ok(d) => Some(d.first_day()),
            Err(e) => {
                problems.push((k, v.to_string(), e.to_string()));
                None
            }
        }
    };
    let from = date(FROM, &mut problems);
    if from.is_none() && row.get(FROM).is_none() {
        problems.push((FROM, String::new(), "不能为空".into()));
    }
    let until = date(UNTIL, &mut problems);
    let phone = row.get(PHONE).and_then(|v| {
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let ok = v
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')'));
        if ok && (7..=20).contains(&digits) {
            Some(v.to_string())
        } else {
            problems.push((PHONE, mask_phone(v), "电话号码格式错误".into()));
            None
        }
    });
    match (name, id, village, post, unit, unit_level, from) {
        (
            Some(name),
            Some(id),
            Some(village),
            Some(post),
            Some(unit),
            Some(unit_level),
            Some(from),
        ) if problems.is_empty() => Ok(TeamMember {
            id,
            name,
            phone,
            village,
            post,
            unit,
            unit_level,
            from,
            until,
            note: row.get(NOTE).map(str::to_string),
            account: row.get(ACCOUNT).map(str::to_string),
        }),
        _ => Err(problems),
    }
}

/// A cadre with the village's name, as the export writes it.
pub struct MemberOut<'a> {
    pub member: &'a TeamMember,
    pub village_name: String,
}

/// Writes a roster in the layout it is read in; ID numbers and phones masked unless `whole`.
pub fn write_roster<'a>(
    path: &Path,
    title: &str,
    members: impl IntoIterator<Item = MemberOut<'a>>,
    whole: bool,
) -> Result<(), FileError> {
    let headers: Vec<&str> = COLUMNS.iter().map(|(_, names)| names[0]).collect();
    let mut w = XlsxTableWriter::create(path, "驻村干部花名册", title, &headers)?;
    let text = |s: &str| Out::Text(s.to_string());
    for out in members {
        let m = out.member;
        let (id, phone) = if whole {
            (
                m.id.as_str().to_string(),
                m.phone.clone().unwrap_or_default(),
            )
        } else {
            (
                m.id.masked(),
                m.phone.as_deref().map(mask_phone).unwrap_or_default(),
            )
        };
        w.row(&[
            text(&m.name),
            Out::Text(id),
            Out::Text(phone),
            Out::Text(m.village.to_string()),
            Out::Text(out.village_name),
            text(m.post.label()),
            text(&m.unit),
            text(m.unit_level.label()),
            Out::Text(m.from.to_string()),
            Out::Text(m.until.map(|d| d.to_string()).unwrap_or_default()),
            Out::Text(m.note.clone().unwrap_or_default()),
            Out::Text(m.account.clone().unwrap_or_default()),
        ])?;
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(usize, &str)]) -> TableRow {
        let mut all = vec![None; COLUMNS.len()];
        for (k, v) in cells {
            all[*k] = Some(v.to_string());
        }
        TableRow {
            sheet: None,
            row: 2,
            cells: all,
        }
    }

    #[test]
    fn a_row_is_read_and_a_bad_one_told_with_its_personal_data_masked() {
        let good = row(&[
            (NAME, "张三"),
            (ID, "11010519491231002x"),
            (PHONE, "138 0000 1234"),
            (VILLAGE, "620102001001"),
            (POST, "第一书记兼队长"),
            (UNIT, "省农业农村厅"),
            (UNIT_LEVEL, "省直"),
            (FROM, "2025/3/1"),
        ]);
        let m = parse_member(&good).unwrap();
        assert_eq!(m.id.as_str(), "11010519491231002X");
        assert_eq!(m.post, TeamPost::FirstSecretary);
        assert_eq!(m.unit_level, UnitLevel::Province);
        assert_eq!(m.until, None);
        let bad = row(&[
            (NAME, "李四"),
            (ID, "110105194912310021"),
            (PHONE, "call me 13800001234"),
            (VILLAGE, "620102001001"),
            (POST, "组长"),
            (UNIT, "县交通局"),
            (UNIT_LEVEL, "县直"),
        ]);
        let problems = parse_member(&bad).unwrap_err();
        let columns: Vec<usize> = problems.iter().map(|p| p.0).collect();
        assert_eq!(columns, vec![ID, POST, FROM, PHONE]);
        assert_eq!(problems[0].1, "1101**********0021");
        assert!(!problems[3].1.contains("13800001234"), "{}", problems[3].1);
        assert!(problems.iter().all(|p| !p.1.contains("110105194912310021")));
    }
}

//! The village public notice (村内公示, DOMAIN §7): the households proposed in a village and the
//! notice period. By construction it carries no ID number, phone, bank or health data: a row
//! has only the fields below (risk types are left out too, since 因病 and 因残 are health data).

use chrono::NaiveDate;
use serde::Serialize;

use crate::area::AreaCode;
use crate::household::MonitorCategory;

use super::workflow::CaseKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeRow {
    pub natural_village: Option<String>,
    pub head_name: String,
    pub size: u32,
    pub kind: CaseKind,
    /// The category proposed (identification) or held (elimination).
    pub category: Option<MonitorCategory>,
    pub notice_from: NaiveDate,
    pub notice_until: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicNotice {
    pub village: AreaCode,
    /// The names of the levels down to the village, e.g. 甘肃省 兰州市 城关区 伏龙坪街道 红沟村.
    pub place: String,
    pub rows: Vec<NoticeRow>,
}

impl PublicNotice {
    pub fn title(&self) -> String {
        format!("{}防止返贫监测对象公示", self.place)
    }

    /// The text under the table: the period and where to object.
    pub fn footer(&self) -> String {
        let from = self.rows.iter().map(|r| r.notice_from).min();
        let until = self.rows.iter().map(|r| r.notice_until).max();
        match (from, until) {
            (Some(f), Some(u)) => {
                format!("公示期：{f}至{u}。如有异议，请在公示期内向村委会或乡镇人民政府反映。")
            }
            _ => "本村目前没有正在公示的农户。".to_string(),
        }
    }

    /// Header and cells of the table, as printed and exported.
    pub const HEADERS: [&'static str; 6] = [
        "序号",
        "自然村",
        "户主姓名",
        "家庭人口",
        "公示事项",
        "公示期",
    ];

    pub fn cells(&self) -> Vec<[String; 6]> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let matter = match (r.kind, r.category) {
                    (CaseKind::Identification, Some(c)) => format!("拟纳入监测对象（{c}）"),
                    (CaseKind::Identification, None) => "拟纳入监测对象".to_string(),
                    (CaseKind::Elimination, _) => "拟标注风险消除".to_string(),
                };
                [
                    (i + 1).to_string(),
                    r.natural_village.clone().unwrap_or_default(),
                    r.head_name.clone(),
                    r.size.to_string(),
                    matter,
                    format!("{}至{}", r.notice_from, r.notice_until),
                ]
            })
            .collect()
    }
}

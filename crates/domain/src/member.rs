//! A member (成员) of a household. The ID number is the key: a person is in one household at a
//! time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::household::RecordError;
use crate::household_no::HouseholdNo;
use crate::id_number::{IdNumber, Sex};
use crate::labelled_enum;

labelled_enum!(
    /// 与户主关系.
    Relation, "与户主关系" {
        Head = 1 => "户主" | "本人",
        Spouse = 2 => "配偶" | "妻子" | "丈夫" | "妻" | "夫",
        Son = 3 => "之子" | "子" | "儿子" | "长子" | "次子",
        Daughter = 4 => "之女" | "女" | "女儿" | "长女" | "次女",
        DaughterInLaw = 5 => "之儿媳" | "儿媳",
        SonInLaw = 6 => "之女婿" | "女婿",
        Grandson = 7 => "之孙子" | "孙子",
        Granddaughter = 8 => "之孙女" | "孙女",
        DaughtersSon = 9 => "之外孙子" | "外孙子" | "外孙",
        DaughtersDaughter = 10 => "之外孙女" | "外孙女",
        Father = 11 => "之父" | "父亲" | "父",
        Mother = 12 => "之母" | "母亲" | "母",
        FatherInLaw = 13 => "之岳父" | "岳父" | "之公公" | "公公",
        MotherInLaw = 14 => "之岳母" | "岳母" | "之婆婆" | "婆婆",
        Grandparent = 15 => "之祖父母" | "祖父" | "祖母" | "之祖父" | "之祖母" | "外祖父" | "外祖母",
        Sibling = 16 => "之兄弟姐妹" | "兄弟姐妹" | "兄" | "弟" | "姐" | "妹" | "哥哥" | "弟弟" | "姐姐" | "妹妹",
        Other = 17 => "其他" | "其它",
    }
);

labelled_enum!(
    /// 健康状况.
    Health, "健康状况" {
        Healthy = 1 => "健康",
        Chronic = 2 => "长期慢性病" | "慢性病",
        SeriousIllness = 3 => "患有大病" | "大病",
        Disabled = 4 => "残疾",
    }
);

labelled_enum!(
    /// 劳动技能.
    Labour, "劳动技能" {
        Ordinary = 1 => "普通劳动力" | "普通劳动",
        Skilled = 2 => "技能劳动力" | "技能劳动",
        Weak = 3 => "弱劳动力或半劳动力" | "弱劳动力" | "半劳动力",
        None = 4 => "无劳动力",
        Lost = 5 => "丧失劳动力",
    }
);

labelled_enum!(
    /// 低保 class.
    DibaoClass, "低保类别" {
        Unspecified = 9 => "是" | "低保",
        First = 1 => "一类" | "一类低保",
        Second = 2 => "二类" | "二类低保",
        Third = 3 => "三类" | "三类低保",
        Fourth = 4 => "四类" | "四类低保",
    }
);

labelled_enum!(
    /// Why a person leaves the household (人口减少): a members ledger's 减少原因.
    LeaveReason, "减少原因" {
        Death = 1 => "死亡" | "去世" | "亡故",
        MarriedOut = 2 => "婚出" | "嫁出" | "出嫁",
        MovedOut = 3 => "户籍迁出" | "迁出" | "外迁",
        Other = 4 => "其他" | "其它",
    }
);

/// A members ledger's row saying the person has left the household (减少): the member is
/// removed from the registry, the removal kept in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Leaving {
    pub reason: LeaveReason,
    /// 减少时间, when the ledger gives it.
    pub on: Option<NaiveDate>,
}

impl Labour {
    /// Whether the person can work (for "households with labour" rules).
    pub fn can_work(self) -> bool {
        matches!(self, Labour::Ordinary | Labour::Skilled | Labour::Weak)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub household_no: HouseholdNo,
    pub id: IdNumber,
    /// 成员编号 as the ledger carries it.
    pub member_no: Option<String>,
    pub name: String,
    pub relation: Relation,
    pub ethnicity: Option<String>,
    /// 文化程度
    pub education: Option<String>,
    /// 在校生状况
    pub schooling: Option<String>,
    pub health: Option<Health>,
    /// 残疾等级 1-4, for the disabled.
    pub disability_level: Option<u8>,
    pub labour: Option<Labour>,
    /// 务工地点
    pub migrant_place: Option<String>,
    /// 务工时间（月）
    pub migrant_months: Option<u8>,
    /// 公益岗位
    pub welfare_job: Option<bool>,
    /// 参加城乡居民基本医疗保险
    pub medical_insurance: Option<bool>,
    /// 参加大病保险
    pub serious_illness_insurance: Option<bool>,
    /// 参加城乡居民基本养老保险
    pub pension: Option<bool>,
    pub dibao: Option<DibaoClass>,
    /// 特困供养
    pub tekun: bool,
    /// Personal data: masked unless the role may see it.
    pub phone: Option<String>,
    /// The ledger's row removes the person from the household (not stored with the member).
    #[serde(skip)]
    pub leaving: Option<Leaving>,
}

impl Member {
    /// A member known by who and where alone, every other field not given.
    pub fn bare(
        household_no: HouseholdNo,
        id: IdNumber,
        name: String,
        relation: Relation,
    ) -> Member {
        Member {
            household_no,
            id,
            member_no: None,
            name,
            relation,
            ethnicity: None,
            education: None,
            schooling: None,
            health: None,
            disability_level: None,
            labour: None,
            migrant_place: None,
            migrant_months: None,
            welfare_job: None,
            medical_insurance: None,
            serious_illness_insurance: None,
            pension: None,
            dibao: None,
            tekun: false,
            phone: None,
            leaving: None,
        }
    }

    pub fn sex(&self) -> Sex {
        self.id.sex()
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.id.birth_date()
    }

    /// Checks what the ledger gives besides the ID number against it.
    pub fn check(
        &self,
        given_sex: Option<Sex>,
        given_birth: Option<NaiveDate>,
    ) -> Vec<RecordError> {
        let mut errors = Vec::new();
        if given_sex.is_some_and(|s| s != self.sex()) {
            errors.push(RecordError::SexMismatch);
        }
        if given_birth.is_some_and(|b| Some(b) != self.birth_date()) {
            errors.push(RecordError::BirthDateMismatch);
        }
        if let Some(level) = self.disability_level
            && !(1..=4).contains(&level)
        {
            errors.push(RecordError::DisabilityLevel(u32::from(level)));
        }
        if let Some(months) = self.migrant_months
            && months > 12
        {
            errors.push(RecordError::MigrantMonths(u32::from(months)));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_against_the_id() {
        let m = Member {
            disability_level: Some(5),
            ..Member::bare(
                HouseholdNo::parse("1").unwrap(),
                IdNumber::parse("11010519491231002X").unwrap(),
                "李芳".into(),
                Relation::parse("妻子").unwrap(),
            )
        };
        assert_eq!(m.relation, Relation::Spouse);
        let errors = m.check(Some(Sex::Male), NaiveDate::from_ymd_opt(1949, 12, 30));
        let codes: Vec<_> = errors.iter().map(RecordError::code).collect();
        assert_eq!(
            codes,
            ["sex_mismatch", "birth_date_mismatch", "disability_level"]
        );
        assert!(
            m.check(Some(Sex::Female), NaiveDate::from_ymd_opt(1949, 12, 31))
                .len()
                == 1
        );
    }
}

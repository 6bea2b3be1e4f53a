//! The ledger layouts: which columns a households or members ledger has, under which names.
//!
//! The first name of each field is the canonical header (written on export); the others are
//! aliases found in real ledgers. Headers are compared after [`normalize_header`].

use std::collections::HashMap;

/// Which ledger a file or sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerKind {
    Households,
    Members,
}

impl LedgerKind {
    pub fn label(self) -> &'static str {
        match self {
            LedgerKind::Households => "户信息",
            LedgerKind::Members => "成员信息",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            LedgerKind::Households => HOUSEHOLD_FIELDS,
            LedgerKind::Members => MEMBER_FIELDS,
        }
    }

    /// The fields a ledger of this kind is read with: [`LedgerKind::fields`], and those only read
    /// ([`HOUSEHOLD_READ_ONLY_FIELDS`], [`MEMBER_READ_ONLY_FIELDS`]).
    pub fn read_fields(self) -> impl Iterator<Item = &'static Field> {
        let read_only: &'static [Field] = match self {
            LedgerKind::Households => HOUSEHOLD_READ_ONLY_FIELDS,
            LedgerKind::Members => MEMBER_READ_ONLY_FIELDS,
        };
        self.fields().iter().chain(read_only)
    }

    /// Sets of fields of which at least one must be present (each inner list is one requirement).
    pub fn required(self) -> &'static [&'static [F]] {
        match self {
            // A list of households closed (销户原因) needs only their numbers.
            LedgerKind::Households => &[
                &[F::HouseholdNo],
                &[F::HeadName, F::DissolveReason],
                &[F::Size, F::DissolveReason],
                &[F::VillageCode, F::VillageName, F::DissolveReason],
                &[F::HouseholdType, F::ExPoor, F::DissolveReason],
            ],
            // A list of those who left (减少原因) needs no 与户主关系.
            LedgerKind::Members => &[
                &[F::HouseholdNo],
                &[F::IdNumber],
                &[F::Name],
                &[F::Relation, F::LeaveReason],
            ],
        }
    }
}

/// Every field either ledger can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum F {
    // households
    HouseholdNo,
    VillageCode,
    ProvinceName,
    CityName,
    CountyName,
    TownshipName,
    VillageName,
    NaturalVillage,
    Address,
    Phone,
    HeadName,
    Size,
    HouseholdType,
    ExPoor,
    Relocated,
    RelocationSite,
    NoLabour,
    HousingUnsafe,
    SchoolDropout,
    Uninsured,
    WaterUnsafe,
    IncomeYear,
    Wage,
    Business,
    Property,
    Transfer,
    ProductionCost,
    NetIncome,
    PerCapita,
    Claims,
    CompliantOutOfPocket,
    Category,
    Risks,
    IdentifiedOn,
    Eliminated,
    EliminatedOn,
    EliminationMode,
    // members
    MemberNo,
    IdNumber,
    Name,
    Sex,
    BirthDate,
    Relation,
    Ethnicity,
    Education,
    Schooling,
    Health,
    DisabilityLevel,
    Labour,
    MigrantPlace,
    MigrantMonths,
    WelfareJob,
    MedicalInsurance,
    SeriousIllnessInsurance,
    Pension,
    Dibao,
    Tekun,
    // members, read only (never written: an export lists who is registered)
    LeaveReason,
    LeaveDate,
    // households, read only (never written: an export lists the households registered)
    DissolveReason,
    DissolveDate,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub field: F,
    /// Canonical header first, then aliases.
    pub names: &'static [&'static str],
}

const fn f(field: F, names: &'static [&'static str]) -> Field {
    Field { field, names }
}

/// Households ledger: the reference columns first (in the order of the reference layout), then
/// the rest of DOMAIN §3-§5.
pub const HOUSEHOLD_FIELDS: &[Field] = &[
    f(F::HouseholdNo, &["户编号", "户码", "家庭编号", "户主编号"]),
    f(
        F::VillageCode,
        &[
            "所在村代码",
            "行政村代码",
            "村代码",
            "村级区划代码",
            "区划代码",
        ],
    ),
    f(F::HeadName, &["户主姓名", "户主"]),
    f(
        F::Size,
        &[
            "家庭人口数",
            "人口数",
            "家庭人口",
            "户人口数",
            "家庭成员数",
            "家庭人数",
            "人数",
        ],
    ),
    f(
        F::PerCapita,
        &[
            "人均纯收入（元）",
            "人均纯收入",
            "人均纯收入（元/人）",
            "家庭人均纯收入",
            "人均收入",
        ],
    ),
    f(F::ExPoor, &["是否脱贫户"]),
    f(F::Category, &["监测对象类别", "监测类型", "监测对象类型"]),
    f(
        F::Risks,
        &[
            "致贫返贫风险",
            "风险类型",
            "致贫返贫风险类型",
            "返贫致贫风险",
            "主要风险类型",
        ],
    ),
    f(
        F::IdentifiedOn,
        &["识别监测时间", "识别时间", "纳入监测时间", "识别日期"],
    ),
    f(
        F::Eliminated,
        &["风险是否已消除", "是否消除风险", "风险消除", "是否风险消除"],
    ),
    f(
        F::EliminatedOn,
        &["风险消除时间", "消除时间", "风险消除日期"],
    ),
    f(F::EliminationMode, &["风险消除方式", "消除方式"]),
    f(F::ProvinceName, &["省", "省份", "省(区、市)"]),
    f(F::CityName, &["市(州)", "市州", "市", "地市"]),
    f(F::CountyName, &["县(市、区)", "县", "县区", "区县"]),
    f(
        F::TownshipName,
        &["乡(镇)", "乡镇", "乡", "镇", "乡镇(街道)"],
    ),
    f(
        F::VillageName,
        &["行政村", "村", "村名", "村(社区)", "行政村名称"],
    ),
    f(F::NaturalVillage, &["自然村", "自然村(组)", "组"]),
    f(F::Address, &["地址", "家庭住址", "住址"]),
    f(
        F::Phone,
        &["联系电话", "电话", "手机号", "联系方式", "户主联系电话"],
    ),
    f(F::HouseholdType, &["户类型", "农户类型"]),
    f(
        F::Relocated,
        &[
            "是否易地扶贫搬迁户",
            "是否易地搬迁户",
            "易地扶贫搬迁户",
            "是否搬迁户",
        ],
    ),
    f(F::RelocationSite, &["安置点", "安置区", "搬迁安置点"]),
    f(F::NoLabour, &["是否整户无劳动能力", "整户无劳动能力"]),
    f(
        F::HousingUnsafe,
        &["住房安全未保障", "住房不安全", "是否住房不安全"],
    ),
    f(
        F::SchoolDropout,
        &["义务教育失学辍学", "有失学辍学", "是否有失学辍学"],
    ),
    f(
        F::Uninsured,
        &["未参加基本医疗保险", "有未参保成员", "是否有未参保成员"],
    ),
    f(
        F::WaterUnsafe,
        &["饮水安全未保障", "饮水不安全", "是否饮水不安全"],
    ),
    f(F::IncomeYear, &["收入年度", "年度"]),
    f(F::Wage, &["工资性收入（元）", "工资性收入"]),
    f(F::Business, &["生产经营性收入（元）", "生产经营性收入"]),
    f(F::Property, &["财产性收入（元）", "财产性收入"]),
    f(F::Transfer, &["转移性收入（元）", "转移性收入"]),
    f(
        F::ProductionCost,
        &["生产经营性支出（元）", "生产经营性支出"],
    ),
    f(
        F::NetIncome,
        &["家庭纯收入（元）", "家庭纯收入", "家庭年纯收入"],
    ),
    f(F::Claims, &["理赔收入（元）", "理赔收入"]),
    f(
        F::CompliantOutOfPocket,
        &["合规自付支出（元）", "合规自付支出"],
    ),
];

pub const MEMBER_FIELDS: &[Field] = &[
    f(F::MemberNo, &["成员编号", "人员编号"]),
    f(F::HouseholdNo, &["户编号", "户码", "家庭编号"]),
    f(
        F::IdNumber,
        &[
            "证件号码",
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "证件号",
        ],
    ),
    f(F::Name, &["姓名", "成员姓名"]),
    f(F::Sex, &["性别"]),
    f(F::BirthDate, &["出生日期", "出生年月"]),
    f(F::Relation, &["与户主关系", "与户主的关系"]),
    f(F::Health, &["健康状况", "健康状态"]),
    f(F::Ethnicity, &["民族"]),
    f(F::Education, &["文化程度", "学历"]),
    f(F::Schooling, &["在校生状况", "在校情况", "在校生情况"]),
    f(F::DisabilityLevel, &["残疾等级"]),
    f(F::Labour, &["劳动技能", "劳动能力"]),
    f(F::MigrantPlace, &["务工地点", "务工所在地", "务工区域"]),
    f(
        F::MigrantMonths,
        &["务工时间（月）", "务工时间", "务工月数"],
    ),
    f(F::WelfareJob, &["是否公益岗位", "公益岗位"]),
    f(
        F::MedicalInsurance,
        &[
            "是否参加城乡居民基本医疗保险",
            "是否参加基本医疗保险",
            "基本医疗保险",
        ],
    ),
    f(
        F::SeriousIllnessInsurance,
        &["是否参加大病保险", "大病保险"],
    ),
    f(
        F::Pension,
        &[
            "是否参加城乡居民基本养老保险",
            "是否参加基本养老保险",
            "基本养老保险",
        ],
    ),
    f(F::Dibao, &["低保", "是否享受低保", "低保类别", "是否低保"]),
    f(F::Tekun, &["是否特困供养", "特困供养", "特困", "是否特困"]),
    f(
        F::Phone,
        &["联系电话", "电话", "手机号", "成员联系电话", "本人联系电话"],
    ),
];

/// Households ledger columns read, never written: a row saying the household is closed (销户)
/// and when. An export lists the households registered.
pub const HOUSEHOLD_READ_ONLY_FIELDS: &[Field] = &[
    f(F::DissolveReason, DISSOLVE_REASON_NAMES),
    f(F::DissolveDate, DISSOLVE_DATE_NAMES),
];

const DISSOLVE_REASON_NAMES: &[&str] = &[
    "销户原因",
    "注销原因",
    "户注销原因",
    "整户减少原因",
    "销户类型",
];
const DISSOLVE_DATE_NAMES: &[&str] = &["销户时间", "销户日期", "注销时间", "注销日期"];

/// Members ledger columns read, never written: a row saying the person has left the household
/// (人口减少) and when. An export lists who is registered.
pub const MEMBER_READ_ONLY_FIELDS: &[Field] = &[
    f(
        F::LeaveReason,
        &[
            "减少原因",
            "人员减少原因",
            "人口减少原因",
            "减员原因",
            "减少类型",
        ],
    ),
    f(
        F::LeaveDate,
        &["减少时间", "减少日期", "人员减少时间", "减员时间"],
    ),
    // A sheet of one row a person read as members: its households' closure, said of each row.
    f(F::DissolveReason, DISSOLVE_REASON_NAMES),
    f(F::DissolveDate, DISSOLVE_DATE_NAMES),
];

/// Headers as people write them differ in spaces, full-width brackets, required-field stars and
/// line breaks; this folds those away.
pub fn normalize_header(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect()
}

/// Units headers carry in brackets at their end. Other bracketed words (`市(州)`, `村(社区)`)
/// are part of the name.
const UNITS: &[&str] = &[
    "元", "万元", "千元", "百元", "人", "口", "户", "个", "名", "位", "月", "天", "日", "年", "岁",
    "周",
];

/// A normalized header split into its name and the unit in brackets at its end:
/// `家庭人口数(人)` → (`家庭人口数`, `人`).
pub fn split_unit(normalized: &str) -> Option<(&str, &str)> {
    let inner = normalized.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (name, unit) = (&inner[..open], &inner[open + 1..]);
    (!name.is_empty() && UNITS.contains(&unit)).then_some((name, unit))
}

/// Units a header may carry after a name that has none, without changing what its numbers mean
/// (`家庭人口数（人）`).
pub const COUNTING_UNITS: &[&str] = &["人", "口", "户", "个", "名", "位"];

/// How a header found no field by its whole text but names one by the name before its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByName {
    /// The unit only counts (`家庭人口数（人）`): the field.
    Same(F),
    /// Another unit than the field's (`人均纯收入（万元）`): its numbers would be misread.
    OtherUnit(F),
}

/// The names of a layout's fields without their units, for [`ByName`]: `人均纯收入(元)` is also
/// found as `人均纯收入`, with whether the field's names carry a unit.
pub fn names_without_units(kind: LedgerKind) -> HashMap<String, (F, bool)> {
    let mut out = HashMap::new();
    for field in kind.read_fields() {
        for name in field.names {
            let n = normalize_header(name);
            match split_unit(&n) {
                Some((bare, _)) => {
                    out.insert(bare.to_string(), (field.field, true));
                }
                None => {
                    out.entry(n).or_insert((field.field, false));
                }
            }
        }
    }
    out
}

/// A header that matched no name whole: the field it names before its unit, if any.
pub fn by_name(bare: &HashMap<String, (F, bool)>, normalized: &str) -> Option<ByName> {
    let (name, unit) = split_unit(normalized)?;
    let &(field, has_unit) = bare.get(name)?;
    Some(if !has_unit && COUNTING_UNITS.contains(&unit) {
        ByName::Same(field)
    } else {
        ByName::OtherUnit(field)
    })
}

/// The canonical header of a field in a layout.
pub fn header(kind: LedgerKind, field: F) -> &'static str {
    kind.read_fields()
        .find(|f| f.field == field)
        .and_then(|f| f.names.first().copied())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn units_at_the_end_of_headers() {
        assert_eq!(split_unit("家庭人口数(人)"), Some(("家庭人口数", "人")));
        assert_eq!(split_unit("人均纯收入(万元)"), Some(("人均纯收入", "万元")));
        for not_a_unit in ["市(州)", "村(社区)", "(元)", "人均纯收入", "人均纯收入(元"]
        {
            assert_eq!(split_unit(not_a_unit), None, "{not_a_unit}");
        }
        let bare = names_without_units(LedgerKind::Households);
        assert_eq!(
            by_name(&bare, "家庭人口数(人)"),
            Some(ByName::Same(F::Size))
        );
        assert_eq!(
            by_name(&bare, "人均纯收入(万元)"),
            Some(ByName::OtherUnit(F::PerCapita))
        );
        assert_eq!(
            by_name(&bare, "人均纯收入(人)"),
            Some(ByName::OtherUnit(F::PerCapita))
        );
        assert_eq!(by_name(&bare, "项目资金(万元)"), None);
        let bare = names_without_units(LedgerKind::Members);
        assert_eq!(
            by_name(&bare, "务工时间(天)"),
            Some(ByName::OtherUnit(F::MigrantMonths))
        );
    }

    #[test]
    fn a_name_without_its_unit_names_one_field() {
        for kind in [LedgerKind::Households, LedgerKind::Members] {
            let bare = names_without_units(kind);
            for field in kind.fields() {
                for name in field.names {
                    let n = normalize_header(name);
                    let key = split_unit(&n).map_or(n.as_str(), |(b, _)| b);
                    assert_eq!(bare.get(key).map(|b| b.0), Some(field.field), "{name}");
                }
            }
        }
    }

    #[test]
    fn names_are_unique_within_a_layout() {
        for kind in [LedgerKind::Households, LedgerKind::Members] {
            let mut seen = HashSet::new();
            for field in kind.read_fields() {
                for name in field.names {
                    assert!(
                        seen.insert(normalize_header(name)),
                        "{name} twice in {kind:?}"
                    );
                }
            }
        }
        assert_eq!(normalize_header(" 人均纯收入（元）*\n"), "人均纯收入(元)");
    }
}

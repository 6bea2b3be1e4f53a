//! The registry's own consistency (户籍信息核查): a household's row against the members listed
//! under it. A ledger comes as two files, often filled by different hands and imported at
//! different times, so nothing here refuses a row on import; these rules find what a county
//! checks before its figures go up: a household with nobody in it, with no head or two, a head
//! named differently in the two files, a declared size that is not the members listed, a
//! relation that the ages contradict, and flags the members contradict.
//!
//! Every rule compares facts already in the registry; none has a threshold a policy would set.

use std::fmt;

use serde::Serialize;

use crate::household::Household;
use crate::member::{Labour, Member, Relation};
use crate::screening::names_agree;

/// One inconsistency of a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RegistryFinding {
    /// 无家庭成员: the household has no member rows.
    NoMembers,
    /// 无户主: members, none of them the head.
    NoHead,
    /// 户主不止一人.
    SeveralHeads { heads: u32 },
    /// 户主姓名与成员信息不一致: the household's 户主姓名 is not the name of its head member.
    HeadNameDiffers { household: String, member: String },
    /// 家庭人口数与成员人数不一致.
    SizeDiffers { size: u32, members: u32 },
    /// 与户主关系和年龄不符: a child or grandchild born before the head, or a parent or
    /// grandparent born after.
    RelationAge {
        name: String,
        relation: Relation,
        older: bool,
    },
    /// 整户无劳动能力但有成员有劳动能力.
    NoLabourWithWorker { name: String, labour: Labour },
    /// 有成员未参加基本医疗保险但户未标记.
    UninsuredNotMarked { names: Vec<String> },
    /// 户标记有成员未参保但成员均已参保.
    UninsuredMarkedAllInsured,
}

impl RegistryFinding {
    /// Every rule code, in report order.
    pub const CODES: &'static [&'static str] = &[
        "no_members",
        "no_head",
        "several_heads",
        "head_name_differs",
        "size_differs",
        "relation_age",
        "no_labour_with_worker",
        "uninsured_not_marked",
        "uninsured_marked_all_insured",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            RegistryFinding::NoMembers => "no_members",
            RegistryFinding::NoHead => "no_head",
            RegistryFinding::SeveralHeads { .. } => "several_heads",
            RegistryFinding::HeadNameDiffers { .. } => "head_name_differs",
            RegistryFinding::SizeDiffers { .. } => "size_differs",
            RegistryFinding::RelationAge { .. } => "relation_age",
            RegistryFinding::NoLabourWithWorker { .. } => "no_labour_with_worker",
            RegistryFinding::UninsuredNotMarked { .. } => "uninsured_not_marked",
            RegistryFinding::UninsuredMarkedAllInsured => "uninsured_marked_all_insured",
        }
    }

    pub fn label_of(code: &str) -> &'static str {
        match code {
            "no_members" => "无家庭成员",
            "no_head" => "无户主",
            "several_heads" => "户主不止一人",
            "head_name_differs" => "户主姓名与成员信息不一致",
            "size_differs" => "家庭人口数与成员人数不一致",
            "relation_age" => "与户主关系和年龄不符",
            "no_labour_with_worker" => "整户无劳动能力但有成员有劳动能力",
            "uninsured_not_marked" => "有成员未参加基本医疗保险但户未标记",
            "uninsured_marked_all_insured" => "户标记有成员未参保但成员均已参保",
            _ => "其他",
        }
    }
}

impl fmt::Display for RegistryFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryFinding::NoMembers => {
                f.write_str("户信息中有此户，成员信息中没有此户的成员：请导入或补录成员信息")
            }
            RegistryFinding::NoHead => {
                f.write_str("成员中没有与户主关系为“户主”的人：请核对与户主关系")
            }
            RegistryFinding::SeveralHeads { heads } => {
                write!(f, "成员中有{heads}人与户主关系为“户主”，一户只能有一位户主")
            }
            RegistryFinding::HeadNameDiffers { household, member } => write!(
                f,
                "户信息的户主姓名为“{household}”，成员信息中的户主为“{member}”"
            ),
            RegistryFinding::SizeDiffers { size, members } => {
                write!(f, "户信息的家庭人口数为{size}人，成员信息中有{members}人")
            }
            RegistryFinding::RelationAge {
                name,
                relation,
                older,
            } => {
                if *older {
                    write!(
                        f,
                        "{name}与户主关系为“{}”，出生却早于户主：请核对与户主关系或户主",
                        relation.label()
                    )
                } else {
                    write!(
                        f,
                        "{name}与户主关系为“{}”，出生却晚于户主：请核对与户主关系或户主",
                        relation.label()
                    )
                }
            }
            RegistryFinding::NoLabourWithWorker { name, labour } => write!(
                f,
                "户标记为整户无劳动能力，成员{name}的劳动技能为“{}”",
                labour.label()
            ),
            RegistryFinding::UninsuredNotMarked { names } => write!(
                f,
                "{}未参加基本医疗保险，户的“有成员未参加基本医疗保险”未标记",
                names.join("、")
            ),
            RegistryFinding::UninsuredMarkedAllInsured => {
                f.write_str("户标记为“有成员未参加基本医疗保险”，成员信息中每人均已参保")
            }
        }
    }
}

/// Whether a person of this relation is of a generation below the head's (born after them).
fn descendant(r: Relation) -> bool {
    matches!(
        r,
        Relation::Son
            | Relation::Daughter
            | Relation::Grandson
            | Relation::Granddaughter
            | Relation::DaughtersSon
            | Relation::DaughtersDaughter
    )
}

/// Whether a person of this relation is of a generation above the head's (born before them).
fn ascendant(r: Relation) -> bool {
    matches!(
        r,
        Relation::Father
            | Relation::Mother
            | Relation::FatherInLaw
            | Relation::MotherInLaw
            | Relation::Grandparent
    )
}

/// The inconsistencies of one household and the members registered under it (in the order
/// of [`RegistryFinding::CODES`]).
pub fn registry_checks(h: &Household, members: &[Member]) -> Vec<RegistryFinding> {
    let mut found = Vec::new();
    if members.is_empty() {
        found.push(RegistryFinding::NoMembers);
        return found;
    }
    let heads: Vec<&Member> = members
        .iter()
        .filter(|m| m.relation == Relation::Head)
        .collect();
    match heads.len() {
        0 => found.push(RegistryFinding::NoHead),
        1 => {}
        n => found.push(RegistryFinding::SeveralHeads { heads: n as u32 }),
    }
    if let [head] = heads[..]
        && !names_agree(&h.head_name, &head.name)
    {
        found.push(RegistryFinding::HeadNameDiffers {
            household: h.head_name.clone(),
            member: head.name.clone(),
        });
    }
    let listed = members.len() as u32;
    if h.size != listed {
        found.push(RegistryFinding::SizeDiffers {
            size: h.size,
            members: listed,
        });
    }
    if let [head] = heads[..]
        && let Some(head_born) = head.birth_date()
    {
        for m in members {
            let Some(born) = m.birth_date() else { continue };
            if descendant(m.relation) && born <= head_born {
                found.push(RegistryFinding::RelationAge {
                    name: m.name.clone(),
                    relation: m.relation,
                    older: true,
                });
            } else if ascendant(m.relation) && born >= head_born {
                found.push(RegistryFinding::RelationAge {
                    name: m.name.clone(),
                    relation: m.relation,
                    older: false,
                });
            }
        }
    }
    if h.no_labour
        && let Some((m, labour)) = members
            .iter()
            .find_map(|m| m.labour.filter(|l| l.can_work()).map(|l| (m, l)))
    {
        found.push(RegistryFinding::NoLabourWithWorker {
            name: m.name.clone(),
            labour,
        });
    }
    let uninsured: Vec<String> = members
        .iter()
        .filter(|m| m.medical_insurance == Some(false))
        .map(|m| m.name.clone())
        .collect();
    if !h.uninsured && !uninsured.is_empty() {
        found.push(RegistryFinding::UninsuredNotMarked { names: uninsured });
    } else if h.uninsured && members.iter().all(|m| m.medical_insurance == Some(true)) {
        found.push(RegistryFinding::UninsuredMarkedAllInsured);
    }
    found
}

#[cfg(test)]
mod tests;

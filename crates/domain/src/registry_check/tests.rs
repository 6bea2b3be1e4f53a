use super::*;
use crate::household::HouseholdType;
use crate::id_number::check_char;
use crate::{AreaCode, HouseholdNo, IdNumber};

fn household(size: u32) -> Household {
    Household::bare(
        HouseholdNo::parse("6201020102010001").unwrap(),
        AreaCode::parse("620102010201").unwrap(),
        "王伟".into(),
        size,
        HouseholdType::Ordinary,
    )
}

/// A valid ID number of someone born on `birth` (yyyymmdd), the `seq`th of that day.
fn id(birth: &str, seq: u32) -> IdNumber {
    let first17 = format!("620102{birth}{seq:03}");
    let c = check_char(first17.as_bytes()) as char;
    IdNumber::parse(&format!("{first17}{c}")).unwrap()
}

fn member(name: &str, relation: Relation, birth: &str, seq: u32) -> Member {
    Member {
        labour: Some(Labour::Ordinary),
        medical_insurance: Some(true),
        ..Member::bare(
            HouseholdNo::parse("6201020102010001").unwrap(),
            id(birth, seq),
            name.into(),
            relation,
        )
    }
}

fn family() -> Vec<Member> {
    vec![
        member("王伟", Relation::Head, "19700301", 11),
        member("李芳", Relation::Spouse, "19720515", 22),
        member("王小明", Relation::Son, "19980101", 31),
    ]
}

fn codes(found: &[RegistryFinding]) -> Vec<&'static str> {
    found.iter().map(RegistryFinding::code).collect()
}

#[test]
fn a_consistent_household_has_no_findings() {
    assert!(registry_checks(&household(3), &family()).is_empty());
    // The head's name as a ledger may write it: spaces, full-width letters.
    let mut h = household(3);
    h.head_name = " 王 伟 ".into();
    assert!(registry_checks(&h, &family()).is_empty());
}

#[test]
fn a_household_without_members() {
    let found = registry_checks(&household(3), &[]);
    assert_eq!(found, [RegistryFinding::NoMembers]);
    assert!(found[0].to_string().contains("成员信息中没有此户的成员"));
}

#[test]
fn no_head_and_several_heads() {
    let mut m = family();
    m[0].relation = Relation::Other;
    assert_eq!(codes(&registry_checks(&household(3), &m)), ["no_head"]);
    let mut m = family();
    m[1].relation = Relation::Head;
    let found = registry_checks(&household(3), &m);
    assert_eq!(found, [RegistryFinding::SeveralHeads { heads: 2 }]);
    assert!(found[0].to_string().contains("有2人"));
}

#[test]
fn the_head_named_otherwise_in_the_two_files() {
    let mut h = household(3);
    h.head_name = "王玮".into();
    let found = registry_checks(&h, &family());
    assert_eq!(
        found,
        [RegistryFinding::HeadNameDiffers {
            household: "王玮".into(),
            member: "王伟".into()
        }]
    );
    assert_eq!(
        found[0].to_string(),
        "户信息的户主姓名为“王玮”，成员信息中的户主为“王伟”"
    );
}

#[test]
fn a_declared_size_other_than_the_members_listed() {
    for size in [2, 4] {
        let found = registry_checks(&household(size), &family());
        assert_eq!(found, [RegistryFinding::SizeDiffers { size, members: 3 }]);
    }
}

#[test]
fn relations_the_ages_contradict() {
    // A son born before his father the head; the same day is no better.
    for birth in ["19690101", "19700301"] {
        let mut m = family();
        m[2].id = id(birth, 31);
        let found = registry_checks(&household(3), &m);
        assert_eq!(
            found,
            [RegistryFinding::RelationAge {
                name: "王小明".into(),
                relation: Relation::Son,
                older: true
            }],
            "{birth}"
        );
        assert!(found[0].to_string().contains("出生却早于户主"));
    }
    // A son born the day after is fine.
    let mut m = family();
    m[2].id = id("19700302", 31);
    assert!(registry_checks(&household(3), &m).is_empty());
    // A mother born after the head.
    let mut m = family();
    m.push(member("张兰", Relation::Mother, "19751010", 42));
    let found = registry_checks(&household(4), &m);
    assert_eq!(codes(&found), ["relation_age"]);
    assert!(
        found[0]
            .to_string()
            .contains("张兰与户主关系为“之母”，出生却晚于户主")
    );
    // A mother born before: fine; a spouse or a sibling of any age: fine.
    let mut m = family();
    m.push(member("张兰", Relation::Mother, "19451010", 42));
    m[1].id = id("19500101", 22);
    m.push(member("王强", Relation::Sibling, "19900101", 51));
    assert!(registry_checks(&household(5), &m).is_empty());
    // Without one head, ages are not compared (there is no one to compare with).
    let mut m = family();
    m[2].id = id("19690101", 31);
    m[1].relation = Relation::Head;
    assert_eq!(
        codes(&registry_checks(&household(3), &m)),
        ["several_heads"]
    );
}

#[test]
fn no_labour_flag_with_a_worker() {
    let mut h = household(3);
    h.no_labour = true;
    let mut m = family();
    for x in &mut m {
        x.labour = Some(Labour::None);
    }
    assert!(registry_checks(&h, &m).is_empty());
    m[1].labour = Some(Labour::Weak);
    let found = registry_checks(&h, &m);
    assert_eq!(
        found,
        [RegistryFinding::NoLabourWithWorker {
            name: "李芳".into(),
            labour: Labour::Weak
        }]
    );
    assert!(found[0].to_string().contains("弱劳动力"));
    // The flag unset: no finding whoever works.
    h.no_labour = false;
    assert!(registry_checks(&h, &m).is_empty());
}

#[test]
fn uninsured_flag_against_the_members() {
    let mut m = family();
    m[1].medical_insurance = Some(false);
    m[2].medical_insurance = Some(false);
    let found = registry_checks(&household(3), &m);
    assert_eq!(
        found,
        [RegistryFinding::UninsuredNotMarked {
            names: vec!["李芳".into(), "王小明".into()]
        }]
    );
    assert!(found[0].to_string().starts_with("李芳、王小明未参加"));
    let mut h = household(3);
    h.uninsured = true;
    assert!(registry_checks(&h, &m).is_empty());
    // Marked, and everyone insured.
    assert_eq!(
        registry_checks(&h, &family()),
        [RegistryFinding::UninsuredMarkedAllInsured]
    );
    // Marked, one member's insurance not given: nothing to say.
    let mut m = family();
    m[0].medical_insurance = None;
    assert!(registry_checks(&h, &m).is_empty());
}

#[test]
fn every_code_has_a_label() {
    for code in RegistryFinding::CODES {
        assert_ne!(RegistryFinding::label_of(code), "其他", "{code}");
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    const RELATIONS: [Relation; 8] = [
        Relation::Spouse,
        Relation::Son,
        Relation::Daughter,
        Relation::Grandson,
        Relation::Father,
        Relation::Mother,
        Relation::Sibling,
        Relation::Other,
    ];
    const LABOUR: [Labour; 5] = [
        Labour::Ordinary,
        Labour::Skilled,
        Labour::Weak,
        Labour::None,
        Labour::Lost,
    ];

    /// A day of 1930..2020 as `yyyymmdd` (28 days a month: always a real date).
    fn birth(days: u32) -> String {
        let year = 1930 + days / (12 * 28);
        let month = days / 28 % 12 + 1;
        let day = days % 28 + 1;
        format!("{year}{month:02}{day:02}")
    }

    /// Members as a ledger would list them (a head, then others), and a household whose row
    /// agrees with them in every way the rules look at.
    fn consistent() -> impl Strategy<Value = (Household, Vec<Member>)> {
        (
            0u32..90 * 12 * 28,
            proptest::collection::vec(
                (
                    0usize..RELATIONS.len(),
                    1u32..40 * 12 * 28,
                    0usize..LABOUR.len(),
                    proptest::option::of(any::<bool>()),
                ),
                0..7,
            ),
            0usize..LABOUR.len(),
        )
            .prop_map(|(head_born, others, head_labour)| {
                let mut members = vec![member("户主甲", Relation::Head, &birth(head_born), 1)];
                members[0].labour = Some(LABOUR[head_labour]);
                for (i, (r, gap, l, insured)) in others.into_iter().enumerate() {
                    let relation = RELATIONS[r];
                    // Younger generations after the head, older ones before.
                    let born = match relation {
                        Relation::Son | Relation::Daughter | Relation::Grandson => head_born + gap,
                        Relation::Father | Relation::Mother => head_born.saturating_sub(gap),
                        _ => head_born,
                    };
                    if matches!(relation, Relation::Father | Relation::Mother) && born >= head_born
                    {
                        continue;
                    }
                    let mut m = member(&format!("成员{i}"), relation, &birth(born), i as u32 + 2);
                    m.labour = Some(LABOUR[l]);
                    m.medical_insurance = insured;
                    members.push(m);
                }
                let mut h = household(members.len() as u32);
                h.head_name = "户主甲".into();
                h.no_labour = members
                    .iter()
                    .all(|m| m.labour.is_some_and(|l| !l.can_work()));
                h.uninsured = members.iter().any(|m| m.medical_insurance == Some(false));
                (h, members)
            })
    }

    proptest! {
        #[test]
        fn a_household_that_agrees_with_its_members_has_no_findings((h, members) in consistent()) {
            prop_assert_eq!(registry_checks(&h, &members), vec![]);
        }

        #[test]
        fn each_slip_is_found_alone((h, members) in consistent(), slip in 0usize..4) {
            let mut h = h;
            let mut members = members;
            let expected = match slip {
                0 => {
                    h.size += 1;
                    "size_differs"
                }
                1 => {
                    h.head_name.push('乙');
                    "head_name_differs"
                }
                2 => {
                    members[0].relation = Relation::Other;
                    "no_head"
                }
                _ => {
                    let mut second = members[0].clone();
                    second.id = id("19991231", 999);
                    second.name = "户主乙".into();
                    members.push(second);
                    h.size += 1;
                    "several_heads"
                }
            };
            // The flags follow the members as changed.
            h.no_labour = members.iter().all(|m| m.labour.is_some_and(|l| !l.can_work()));
            h.uninsured = members.iter().any(|m| m.medical_insurance == Some(false));
            let found = registry_checks(&h, &members);
            prop_assert_eq!(codes(&found), vec![expected]);
        }
    }
}

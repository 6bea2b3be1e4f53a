//! Visits (DOMAIN §6): which households must be visited (六必访, from registry data) and what a
//! visit must check (六必查); photos are optional and limited in size.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::household::{Household, RiskType};
use crate::member::{Health, Member};
use crate::money::Money;
use crate::policy::{Policy, VisitRule};

use super::error::MonitoringError;

/// A photo of a visit: JPEG or PNG, at most [`Photo::MAX_BYTES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Photo {
    bytes: Vec<u8>,
    content_type: &'static str,
}

impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Photo({}, {} bytes)",
            self.content_type,
            self.bytes.len()
        )
    }
}

impl Photo {
    pub const MAX_BYTES: usize = 2 * 1024 * 1024;
    pub const MAX_PER_VISIT: usize = 9;

    pub fn parse(bytes: Vec<u8>) -> Result<Photo, MonitoringError> {
        if bytes.len() > Self::MAX_BYTES {
            return Err(MonitoringError::PhotoTooLarge {
                bytes: bytes.len(),
                max: Self::MAX_BYTES,
            });
        }
        let content_type = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "image/jpeg"
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else {
            return Err(MonitoringError::PhotoFormat);
        };
        Ok(Photo {
            bytes,
            content_type,
        })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn content_type(&self) -> &'static str {
        self.content_type
    }
}

/// The answer to one 六必查 item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAnswer {
    /// The policy's check code.
    pub check: String,
    /// No problem found.
    pub ok: bool,
    pub note: Option<String>,
}

/// Checks that the answers cover exactly the policy's 六必查.
pub fn check_answers(policy: &Policy, answers: &[CheckAnswer]) -> Result<(), MonitoringError> {
    for a in answers {
        if !policy.visit_checks.iter().any(|c| c.code == a.check) {
            return Err(MonitoringError::UnknownVisitCheck(a.check.clone()));
        }
    }
    let missing: Vec<String> = policy
        .visit_checks
        .iter()
        .filter(|c| !answers.iter().any(|a| a.check == c.code))
        .map(|c| c.label.clone())
        .collect();
    if !missing.is_empty() {
        return Err(MonitoringError::MissingVisitChecks(missing));
    }
    Ok(())
}

/// A 六必访 item that applies to a household, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerHit {
    pub code: String,
    pub label: String,
    pub detail: String,
}

/// What the 六必访 rules look at besides the household and its members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitContext {
    /// Per-capita income recorded at the last visit.
    pub last_visit_income: Option<Money>,
    /// An open clue or case of a disaster or an accident.
    pub open_disaster: bool,
}

fn rule_hit(
    rule: VisitRule,
    policy: &Policy,
    h: &Household,
    members: &[Member],
    ctx: VisitContext,
) -> Option<String> {
    let income = h.per_capita_income();
    match rule {
        VisitRule::IncomeLow {
            percent_of_threshold,
        } => {
            let line =
                Money::from_fen(policy.threshold.fen() * i64::from(percent_of_threshold) / 100);
            income
                .filter(|i| *i < line)
                .map(|i| format!("人均纯收入{i}元，低于{line}元"))
        }
        VisitRule::IncomeDrop { percent } => match (income, ctx.last_visit_income) {
            (Some(now), Some(before)) if before.fen() > 0 => {
                let drop = (before.fen() - now.fen()) * 100 / before.fen();
                (drop >= i64::from(percent))
                    .then(|| format!("人均纯收入由{before}元降至{now}元，下降{drop}%"))
            }
            _ => None,
        },
        VisitRule::SeriousOrChronicIllness => {
            let n = members
                .iter()
                .filter(|m| matches!(m.health, Some(Health::SeriousIllness | Health::Chronic)))
                .count();
            (n > 0).then(|| format!("{n}人患大病或长期慢性病"))
        }
        VisitRule::Disability { max_level } => {
            let n = members
                .iter()
                .filter(|m| {
                    m.health == Some(Health::Disabled)
                        && m.disability_level.is_none_or(|l| l <= max_level)
                })
                .count();
            (n > 0).then(|| format!("{n}名残疾人"))
        }
        VisitRule::DibaoOrTekun => {
            let dibao = members.iter().filter(|m| m.dibao.is_some()).count();
            let tekun = members.iter().filter(|m| m.tekun).count();
            (dibao + tekun > 0).then(|| format!("低保{dibao}人、特困{tekun}人"))
        }
        VisitRule::UnstableWork { max_migrant_months } => {
            let n = members
                .iter()
                .filter(|m| m.labour.is_some_and(|l| l.can_work()))
                .filter(|m| {
                    m.migrant_months
                        .is_some_and(|x| x > 0 && x < max_migrant_months)
                })
                .count();
            (n > 0).then(|| format!("{n}人外出务工不足{max_migrant_months}个月"))
        }
        VisitRule::DisasterOrAccident => {
            let m = &h.monitoring;
            let risk = !m.eliminated
                && (m.risks.contains(RiskType::Disaster) || m.risks.contains(RiskType::Accident));
            (risk || ctx.open_disaster).then(|| "遭受自然灾害或意外事故".to_string())
        }
    }
}

/// The 六必访 items that apply to a household.
pub fn triggers(
    policy: &Policy,
    h: &Household,
    members: &[Member],
    ctx: VisitContext,
) -> Vec<TriggerHit> {
    policy
        .visit_triggers
        .iter()
        .filter_map(|t| {
            let details: Vec<String> = t
                .rules
                .iter()
                .filter_map(|r| rule_hit(*r, policy, h, members, ctx))
                .collect();
            (!details.is_empty()).then(|| TriggerHit {
                code: t.code.clone(),
                label: t.label.clone(),
                detail: details.join("；"),
            })
        })
        .collect()
}

/// The day a household with 六必访 items is due for a visit: now when never visited, else the
/// policy's interval after the last visit. `None` when no item applies.
pub fn visit_due(
    policy: &Policy,
    hits: &[TriggerHit],
    last_visit: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if hits.is_empty() {
        return None;
    }
    Some(match last_visit {
        None => today,
        Some(v) => policy.due(v, policy.visit_interval),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::AreaCode;
    use crate::household::{HouseholdType, Income};
    use crate::household_no::HouseholdNo;
    use crate::id_number::IdNumber;
    use crate::member::{DibaoClass, Labour, Relation};
    use crate::year::PolicyYear;

    fn policy() -> Policy {
        let text = crate::policy::shipped(
            AreaCode::parse("62").unwrap(),
            PolicyYear::new(2022).unwrap(),
        )
        .unwrap();
        Policy::parse(text).unwrap()
    }

    fn household(per_capita: i64) -> Household {
        Household {
            income: Income {
                declared_per_capita: Some(Money::from_yuan(per_capita)),
                ..Income::default()
            },
            ..Household::bare(
                HouseholdNo::parse("H1").unwrap(),
                AreaCode::parse("620102010201").unwrap(),
                "王伟".into(),
                3,
                HouseholdType::ExPoor,
            )
        }
    }

    fn member() -> Member {
        Member {
            health: Some(Health::Healthy),
            labour: Some(Labour::Ordinary),
            medical_insurance: Some(true),
            ..Member::bare(
                HouseholdNo::parse("H1").unwrap(),
                IdNumber::parse("11010519491231002X").unwrap(),
                "李芳".into(),
                Relation::Head,
            )
        }
    }

    type Edit = fn(&mut Household, &mut Member, &mut VisitContext);

    /// (edit of a household that is due for nothing, expected trigger codes and detail).
    #[test]
    fn six_must_visit_rules() {
        let p = policy();
        let cases: &[(Edit, &[&str], &str)] = &[
            (|_, _, _| {}, &[], ""),
            (
                |h, _, _| h.income.declared_per_capita = Some(Money::from_yuan(9000)),
                &["income"],
                "人均纯收入9000.00元，低于9750.00元",
            ),
            (
                |_, _, c| c.last_visit_income = Some(Money::from_yuan(20000)),
                &["income"],
                "人均纯收入由20000.00元降至12000.00元，下降40%",
            ),
            (
                |_, _, c| c.last_visit_income = Some(Money::from_yuan(15000)),
                &[],
                "",
            ),
            (
                |_, m, _| m.health = Some(Health::Chronic),
                &["illness"],
                "1人患大病或长期慢性病",
            ),
            (
                |_, m, _| {
                    m.health = Some(Health::Disabled);
                    m.disability_level = Some(2)
                },
                &["disability"],
                "1名残疾人",
            ),
            (
                |_, m, _| m.dibao = Some(DibaoClass::First),
                &["dibao_tekun"],
                "低保1人、特困0人",
            ),
            (
                |_, m, _| m.migrant_months = Some(3),
                &["unstable_work"],
                "1人外出务工不足6个月",
            ),
            (|_, m, _| m.migrant_months = Some(8), &[], ""),
            (
                |_, _, c| c.open_disaster = true,
                &["disaster"],
                "遭受自然灾害或意外事故",
            ),
        ];
        for (edit, codes, detail) in cases {
            let mut h = household(12000);
            let mut m = member();
            let mut ctx = VisitContext::default();
            edit(&mut h, &mut m, &mut ctx);
            let hits = triggers(&p, &h, std::slice::from_ref(&m), ctx);
            let got: Vec<&str> = hits.iter().map(|t| t.code.as_str()).collect();
            assert_eq!(got, *codes);
            if let Some(hit) = hits.first() {
                assert_eq!(hit.detail, *detail);
            }
        }
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let hit = vec![TriggerHit {
            code: "income".into(),
            label: String::new(),
            detail: String::new(),
        }];
        assert_eq!(visit_due(&p, &[], None, d("2022-05-01")), None);
        assert_eq!(
            visit_due(&p, &hit, None, d("2022-05-01")),
            Some(d("2022-05-01"))
        );
        assert_eq!(
            visit_due(&p, &hit, Some(d("2022-04-01")), d("2022-05-01")),
            Some(d("2022-05-01"))
        );
    }

    #[test]
    fn photos_and_answers() {
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        assert_eq!(Photo::parse(jpeg).unwrap().content_type(), "image/jpeg");
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(Photo::MAX_BYTES + 1, 0);
        assert_eq!(
            Photo::parse(big).err().map(|e| e.to_string()).as_deref(),
            Some("照片大小为2.0MB，超过2MB的上限，请压缩后再上传")
        );
        assert_eq!(
            Photo::parse(b"GIF89a".to_vec()).err().map(|e| e.code()),
            Some("photo_format")
        );
        let p = policy();
        let all: Vec<CheckAnswer> = p
            .visit_checks
            .iter()
            .map(|c| CheckAnswer {
                check: c.code.clone(),
                ok: true,
                note: None,
            })
            .collect();
        assert!(check_answers(&p, &all).is_ok());
        assert_eq!(
            check_answers(&p, &all[..4])
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("六必查还缺：查医疗保障、查就业")
        );
        let mut odd = all.clone();
        odd[0].check = "weather".into();
        assert_eq!(
            check_answers(&p, &odd).err().map(|e| e.code()),
            Some("unknown_visit_check")
        );
    }
}

//! Synthetic households for the demo and for tests: plausible, deterministic by seed, with valid
//! ID numbers on the real division tree. (The Python generator under `bench/` serves benchmarks.)

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use zhenxing_domain::household::{Income, Monitoring};
use zhenxing_domain::id_number::check_char;
use zhenxing_domain::member::DibaoClass;
use zhenxing_domain::{
    AreaCode, AreaLevel, DivisionTree, EliminationMode, Health, Household, HouseholdNo,
    HouseholdType, IdNumber, Labour, LedgerDate, Member, Money, MonitorCategory, PolicyYear,
    Relation, RiskType, RiskTypes,
};

/// SplitMix64: small, fast, and the same sequence on every machine and version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_0F2A_11C3_9D71)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-12);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    pub fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        (mu + sigma * self.normal()).exp()
    }

    /// An index drawn with the given cumulative weights.
    pub fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let x = self.f64() * total;
        cumulative
            .partition_point(|c| *c <= x)
            .min(cumulative.len().saturating_sub(1))
    }
}

const SURNAMES: &str = "王张李刘马杨陈赵魏何郭孙周徐朱胡高罗梁韩吴宋唐冯董谢郑曹彭曾田蒋袁邓许傅沈吕苏卢丁任姚汪范金石廖贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万钱严武戴莫孔向汤常温康施";
const MALE: &str = "伟刚勇军强平明亮建国华文志红兵辉永春生海林忠成宏晓东玉福德贵祥荣富龙鹏涛杰斌超";
const FEMALE: &str = "芳娟英秀兰梅霞燕玲丽红艳萍琴桂珍凤云花娥莉静敏婷雪晶慧月琳洁瑞";
const SIZE_WEIGHTS: [f64; 8] = [11.0, 20.0, 23.0, 20.0, 13.0, 7.5, 3.5, 2.0];
const RISKS: [(RiskType, f64); 11] = [
    (RiskType::Illness, 35.0),
    (RiskType::Disability, 15.0),
    (RiskType::Schooling, 8.0),
    (RiskType::Accident, 6.0),
    (RiskType::UnstableWork, 12.0),
    (RiskType::IndustryFailure, 5.0),
    (RiskType::Disaster, 8.0),
    (RiskType::LabourShortage, 6.0),
    (RiskType::Housing, 2.0),
    (RiskType::Water, 1.0),
    (RiskType::Other, 2.0),
];

fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut t = 0.0;
    weights
        .into_iter()
        .map(|w| {
            t += w;
            t
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub households: u64,
    pub seed: u64,
    /// Only villages under this area (all of the tree when `None`).
    pub area: Option<AreaCode>,
    /// Nothing is dated after this day.
    pub as_of: NaiveDate,
}

impl SynthOptions {
    pub fn new(households: u64, seed: u64) -> SynthOptions {
        SynthOptions {
            households,
            seed,
            area: None,
            as_of: NaiveDate::from_ymd_opt(2025, 10, 31).unwrap_or_default(),
        }
    }
}

/// Generates households one by one (with their members), in village order.
pub struct Synth {
    rng: Rng,
    villages: Vec<AreaCode>,
    counts: Vec<u64>,
    next_village: usize,
    next_in_village: u64,
    village_factor: f64,
    as_of: NaiveDate,
    used_ids: HashSet<IdNumber>,
    size_cum: Vec<f64>,
    risk_cum: Vec<f64>,
    surnames: Vec<char>,
    male: Vec<char>,
    female: Vec<char>,
}

impl Synth {
    pub fn new(tree: &DivisionTree, opts: &SynthOptions) -> Synth {
        let mut rng = Rng::new(opts.seed);
        let roots = match opts.area {
            Some(a) => vec![a],
            None => tree.roots(),
        };
        let mut villages = Vec::new();
        let mut weights = Vec::new();
        for root in roots {
            for d in tree.subtree(root) {
                if d.level != AreaLevel::Village {
                    continue;
                }
                let w = if d.name.contains("村民委员会")
                    || d.name.ends_with('村')
                    || d.name.ends_with("村委会")
                {
                    1.0
                } else if d.name.contains("社区")
                    || d.name.contains("居委会")
                    || d.name.contains("居民委员会")
                {
                    0.25
                } else {
                    0.1
                };
                villages.push(d.code);
                weights.push(w);
            }
        }
        let cum = cumulative(weights);
        let mut counts = vec![0u64; villages.len()];
        if !villages.is_empty() {
            for _ in 0..opts.households {
                counts[rng.weighted(&cum)] += 1;
            }
        }
        Synth {
            rng,
            villages,
            counts,
            next_village: 0,
            next_in_village: 0,
            village_factor: 1.0,
            as_of: opts.as_of,
            used_ids: HashSet::new(),
            size_cum: cumulative(SIZE_WEIGHTS),
            risk_cum: cumulative(RISKS.iter().map(|(_, w)| *w)),
            surnames: SURNAMES.chars().collect(),
            male: MALE.chars().collect(),
            female: FEMALE.chars().collect(),
        }
    }

    fn name(&mut self, surname: char, male: bool) -> String {
        let pool = if male { &self.male } else { &self.female };
        let a = pool[self.rng.below(pool.len() as u64) as usize];
        let mut s = String::new();
        s.push(surname);
        s.push(a);
        if self.rng.chance(0.75) {
            s.push(pool[self.rng.below(pool.len() as u64) as usize]);
        }
        s
    }

    fn surname(&mut self) -> char {
        // The first thirty surnames are the commonest.
        let n = if self.rng.chance(0.7) {
            30
        } else {
            self.surnames.len()
        };
        self.surnames[self.rng.below(n as u64) as usize]
    }

    fn id_number(&mut self, county: AreaCode, birth: NaiveDate, male: bool) -> Option<IdNumber> {
        let region = &county.to_string()[..6];
        for _ in 0..2000 {
            let seq = self.rng.below(500) * 2 + u64::from(male);
            let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
            let full = format!("{first17}{}", check_char(first17.as_bytes()) as char);
            if let Ok(id) = IdNumber::parse(&full)
                && self.used_ids.insert(id)
            {
                return Some(id);
            }
        }
        None
    }

    /// A person of `county` born between two days: name, ID number and phone (for the demo's
    /// rosters).
    pub(crate) fn person(
        &mut self,
        county: AreaCode,
        born_from: NaiveDate,
        born_to: NaiveDate,
    ) -> Option<(String, IdNumber, String)> {
        let male = self.rng.chance(0.6);
        let surname = self.surname();
        let name = self.name(surname, male);
        let birth = self.date_between(born_from, born_to);
        let id = self.id_number(county, birth, male)?;
        Some((name, id, self.phone()))
    }

    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + Duration::days(self.rng.below(span + 1) as i64)
    }

    fn phone(&mut self) -> String {
        let prefix = [
            "138", "139", "150", "151", "152", "158", "177", "181", "189", "199",
        ];
        format!(
            "{}{:08}",
            self.rng.pick(&prefix),
            self.rng.below(100_000_000)
        )
    }

    /// The next household and its members, or `None` when all are made.
    pub fn next_household(&mut self) -> Option<(Household, Vec<Member>)> {
        while self.next_village < self.villages.len()
            && self.next_in_village >= self.counts[self.next_village]
        {
            self.next_village += 1;
            self.next_in_village = 0;
            self.village_factor = (0.45 * self.rng.normal()).exp();
        }
        let village = *self.villages.get(self.next_village)?;
        self.next_in_village += 1;
        let seq = self.next_in_village;
        let county = village.county()?;
        let rng_size = self.rng.weighted(&self.size_cum) as u32 + 1;
        let vf = self.village_factor;
        let ex_poor = self.rng.chance((0.40 * vf).min(0.85));
        let monitored = self
            .rng
            .chance(((if ex_poor { 0.10 } else { 0.045 }) * vf).min(0.6));
        let as_of = self.as_of;

        let mut monitoring = Monitoring::default();
        if monitored {
            let u = self.rng.f64();
            monitoring.category = Some(match (ex_poor, u) {
                (true, u) if u < 0.85 => MonitorCategory::UnstableExPoor,
                (false, u) if u < 0.70 => MonitorCategory::MarginalAtRisk,
                _ => MonitorCategory::SuddenHardship,
            });
            let mut risks = RiskTypes::default();
            risks.insert(RISKS[self.rng.weighted(&self.risk_cum)].0);
            if self.rng.chance(0.35) {
                risks.insert(RISKS[self.rng.weighted(&self.risk_cum)].0);
            }
            monitoring.risks = risks;
            let start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(as_of);
            let identified = self.date_between(start, as_of - Duration::days(30));
            monitoring.identified_on = Some(LedgerDate::Day(identified));
            if self.rng.chance(0.72) {
                let eliminated = identified + Duration::days(90 + self.rng.below(810) as i64);
                if eliminated <= as_of {
                    monitoring.eliminated = true;
                    monitoring.eliminated_on = Some(LedgerDate::Day(eliminated));
                    monitoring.elimination_mode = Some(if self.rng.chance(0.9) {
                        EliminationMode::Assisted
                    } else {
                        EliminationMode::Natural
                    });
                }
            }
        }
        let per_capita_yuan = if monitored {
            self.rng.lognormal(8.95, 0.35)
        } else if ex_poor {
            self.rng.lognormal(9.40, 0.35)
        } else {
            self.rng.lognormal(9.55, 0.40)
        };
        let net = per_capita_yuan * f64::from(rng_size);
        let fen = |yuan: f64| Money::from_fen((yuan * 100.0).round() as i64);
        let business = net * 0.25;
        let cost = business * 0.4;
        let income = Income {
            year: PolicyYear::new(as_of.year() as u16 - 1).ok(),
            wage: Some(fen(net * 0.55)),
            business: Some(fen(business)),
            property: Some(fen(net * 0.03)),
            transfer: Some(fen(net * 0.17 + cost)),
            production_cost: Some(fen(cost)),
            declared_per_capita: None,
            claims: if monitored && self.rng.chance(0.2) {
                Some(fen(self.rng.lognormal(7.5, 0.8)))
            } else {
                None
            },
            compliant_out_of_pocket: if monitored && monitoring.risks.contains(RiskType::Illness) {
                Some(fen(self.rng.lognormal(9.0, 0.7)))
            } else {
                None
            },
        };

        // Members.
        let ref_day = as_of;
        let head_male = self.rng.chance(0.86);
        let head_age = 24 + self.rng.below(64) as i64;
        let head_surname = self.surname();
        let mut people: Vec<(Relation, bool, i64, char)> =
            vec![(Relation::Head, head_male, head_age, head_surname)];
        let mut left = rng_size - 1;
        if left > 0 && self.rng.chance(0.85) {
            let spouse_surname = self.surname();
            people.push((
                Relation::Spouse,
                !head_male,
                (head_age + self.rng.below(11) as i64 - 6).max(20),
                spouse_surname,
            ));
            left -= 1;
        }
        for _ in 0..left {
            let male = self.rng.chance(0.5);
            let u = self.rng.f64();
            let (relation, age) = if head_age < 45 || u < 0.55 {
                (
                    if male {
                        Relation::Son
                    } else {
                        Relation::Daughter
                    },
                    (head_age - 20 - self.rng.below(18) as i64).max(0),
                )
            } else if u < 0.75 && head_age >= 50 {
                (
                    if male {
                        Relation::Grandson
                    } else {
                        Relation::Granddaughter
                    },
                    (head_age - 42 - self.rng.below(20) as i64).max(0),
                )
            } else if u < 0.88 && head_age < 65 {
                (
                    if male {
                        Relation::Father
                    } else {
                        Relation::Mother
                    },
                    (head_age + 20 + self.rng.below(14) as i64).min(99),
                )
            } else {
                (Relation::Other, 1 + self.rng.below(89) as i64)
            };
            let surname = if male { head_surname } else { self.surname() };
            people.push((relation, male, age, surname));
        }
        let no = HouseholdNo::parse(&format!("{}{:04}", village, seq)).ok()?;
        let sick = monitoring.risks.contains(RiskType::Illness);
        let disabled_risk = monitoring.risks.contains(RiskType::Disability);
        let mut members = Vec::with_capacity(people.len());
        let mut head_name = String::new();
        let mut any_labour = false;
        for (i, (relation, male, age, surname)) in people.into_iter().enumerate() {
            let birth =
                ref_day - Duration::days((age as f64 * 365.25) as i64 + self.rng.below(365) as i64);
            let id = self.id_number(county, birth, male)?;
            let name = self.name(surname, male);
            if i == 0 {
                head_name = name.clone();
            }
            let u = self.rng.f64();
            let health = if i == 0 && sick {
                Health::SeriousIllness
            } else if i == 0 && disabled_risk {
                Health::Disabled
            } else if age >= 55 {
                if u < 0.70 {
                    Health::Healthy
                } else if u < 0.88 {
                    Health::Chronic
                } else if u < 0.94 {
                    Health::SeriousIllness
                } else {
                    Health::Disabled
                }
            } else if u < 0.92 {
                Health::Healthy
            } else if u < 0.96 {
                Health::Chronic
            } else if u < 0.98 {
                Health::SeriousIllness
            } else {
                Health::Disabled
            };
            let labour = if !(16..=70).contains(&age) {
                None
            } else if health == Health::Disabled || health == Health::SeriousIllness {
                Some(if self.rng.chance(0.5) {
                    Labour::Lost
                } else {
                    Labour::Weak
                })
            } else if age > 60 {
                Some(Labour::Weak)
            } else if self.rng.chance(0.15) {
                Some(Labour::Skilled)
            } else {
                Some(Labour::Ordinary)
            };
            any_labour |= labour.is_some_and(Labour::can_work);
            let migrant = labour.is_some_and(|l| matches!(l, Labour::Ordinary | Labour::Skilled))
                && self.rng.chance(0.45);
            members.push(Member {
                household_no: no.clone(),
                id,
                member_no: Some(format!("{no}{:02}", i + 1)),
                name,
                relation,
                ethnicity: Some(
                    if self.rng.chance(0.9) {
                        "汉族"
                    } else {
                        *self.rng.pick(&["回族", "藏族", "东乡族", "土族", "裕固族"])
                    }
                    .to_string(),
                ),
                education: None,
                schooling: match age {
                    0..=5 => Some("学前教育".to_string()),
                    6..=11 => Some("小学".to_string()),
                    12..=14 => Some("七年级至九年级".to_string()),
                    15..=17 => Some(
                        if self.rng.chance(0.8) {
                            "普通高中"
                        } else {
                            "中职"
                        }
                        .to_string(),
                    ),
                    _ => None,
                },
                health: Some(health),
                disability_level: (health == Health::Disabled).then(|| 1 + self.rng.below(4) as u8),
                labour,
                migrant_place: migrant
                    .then(|| self.rng.pick(&["省内县外", "县内", "省外"]).to_string()),
                migrant_months: migrant.then(|| 3 + self.rng.below(10) as u8),
                welfare_job: Some(monitored && labour.is_some() && self.rng.chance(0.08)),
                medical_insurance: Some(self.rng.chance(0.995)),
                serious_illness_insurance: Some(self.rng.chance(0.99)),
                pension: (age >= 16).then(|| self.rng.chance(0.95)),
                dibao: (monitored && self.rng.chance(0.2)).then_some(if self.rng.chance(0.5) {
                    DibaoClass::First
                } else {
                    DibaoClass::Second
                }),
                tekun: false,
                phone: (i == 0 && age < 75).then(|| self.phone()),
                leaving: None,
            });
        }
        let household = Household {
            no,
            village,
            natural_village: Some(format!(
                "{}社",
                ["一", "二", "三", "四", "五", "六"][self.rng.below(6) as usize]
            )),
            address: None,
            phone: members.first().and_then(|m| m.phone.clone()),
            head_name,
            size: rng_size,
            household_type: if ex_poor {
                HouseholdType::ExPoor
            } else {
                HouseholdType::Ordinary
            },
            relocated: ex_poor && self.rng.chance(0.08),
            relocation_site: None,
            no_labour: !any_labour,
            housing_unsafe: monitoring.risks.contains(RiskType::Housing) && !monitoring.eliminated,
            school_dropout: false,
            uninsured: members.iter().any(|m| m.medical_insurance == Some(false)),
            water_unsafe: monitoring.risks.contains(RiskType::Water) && !monitoring.eliminated,
            income,
            monitoring,
            dissolving: None,
        };
        let mut household = household;
        if household.relocated {
            // A county's few sites, by the household's township (no draw: the seed's
            // households stay the same).
            const SITES: [&str; 4] = [
                "城关集中安置区",
                "工业园区安置点",
                "新区安置小区",
                "中心集镇安置点",
            ];
            let township = (household.village.as_u64() / 1000) % 1000;
            household.relocation_site = Some(SITES[(township % 4) as usize].to_string());
        }
        Some((household, members))
    }
}

impl Iterator for Synth {
    type Item = (Household, Vec<Member>);
    fn next(&mut self) -> Option<Self::Item> {
        self.next_household()
    }
}

impl crate::App {
    /// Adds generated households to the database in one import (the demo and tests use it).
    pub async fn add_synthetic(
        &self,
        opts: &SynthOptions,
        actor: &zhenxing_store::Actor,
        progress: &dyn crate::Progress,
    ) -> Result<zhenxing_store::ImportCounts, crate::AppError> {
        use zhenxing_store::RowOutcome;
        let tree = self.tree().await;
        if tree.is_empty() {
            return Err(crate::AppError::NoDivisions);
        }
        let source = zhenxing_store::ImportSource {
            households_file: Some(format!("synthetic seed={}", opts.seed)),
            members_file: None,
        };
        let mut tx = self
            .store()
            .begin_import(actor, zhenxing_domain::Scope::All, &source)
            .await?;
        let mut counts = zhenxing_store::ImportCounts::default();
        let mut synth = Synth::new(&tree, opts);
        progress.start("生成演示数据", opts.households);
        let mut done = 0u64;
        loop {
            let mut households = Vec::with_capacity(2000);
            let mut members = Vec::with_capacity(8000);
            for (h, ms) in synth.by_ref().take(2000) {
                households.push(h);
                members.extend(ms);
            }
            if households.is_empty() {
                break;
            }
            for o in tx.households(&households).await? {
                match o {
                    RowOutcome::Inserted => counts.households_inserted += 1,
                    RowOutcome::Updated => counts.households_updated += 1,
                    RowOutcome::Unchanged | RowOutcome::Removed => counts.households_unchanged += 1,
                    RowOutcome::Rejected(_) => counts.rejected += 1,
                }
            }
            for o in tx.members(&members).await? {
                match o {
                    RowOutcome::Inserted => counts.members_inserted += 1,
                    RowOutcome::Updated => counts.members_updated += 1,
                    RowOutcome::Unchanged => counts.members_unchanged += 1,
                    RowOutcome::Removed => counts.members_removed += 1,
                    RowOutcome::Rejected(_) => counts.rejected += 1,
                }
            }
            done += households.len() as u64;
            progress.set(done);
        }
        progress.finish();
        tx.commit(&counts, &Vec::new()).await?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::divisions::{GANSU_2023, parse_divisions};

    #[test]
    fn deterministic_and_valid() {
        let tree = DivisionTree::build(parse_divisions(GANSU_2023).unwrap()).unwrap();
        let county = AreaCode::parse("620102").unwrap();
        let opts = SynthOptions {
            area: Some(county),
            ..SynthOptions::new(300, 7)
        };
        let a: Vec<_> = Synth::new(&tree, &opts).collect();
        let b: Vec<_> = Synth::new(&tree, &opts).collect();
        assert_eq!(a.len(), 300);
        assert_eq!(a, b);
        for (h, ms) in &a {
            assert!(county.contains(h.village));
            assert!(h.check().is_empty(), "{:?}", h.check());
            assert_eq!(ms.len() as u32, h.size);
            assert_eq!(ms[0].relation, Relation::Head);
            for m in ms {
                assert!(m.check(None, None).is_empty());
            }
        }
        let other: Vec<_> = Synth::new(&tree, &SynthOptions { seed: 8, ..opts }).collect();
        assert_ne!(a, other);
    }
}

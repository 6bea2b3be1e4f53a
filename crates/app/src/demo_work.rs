//! Monitoring work for the demo database, made through the use cases a county would use: clues
//! taken through the identification procedure to approval, cases left at each stage (the older
//! ones past their deadlines), and assistance plans — so that the work lists, the case pages and
//! the dashboard's coverage, timeliness and overdue figures have something to show.

use chrono::{Datelike, Duration, NaiveDate};
use futures::StreamExt;
use zhenxing_domain::monitoring::workflow::{Action, Decision, Remark};
use zhenxing_domain::monitoring::{Channel, Evidence, MeasureStatus, PlannedMeasure};
use zhenxing_domain::policy::{Policy, SHIPPED, carried_forward};
use zhenxing_domain::{
    AreaCode, AreaLevel, Household, PolicyYear, RiskType, RiskTypes, Role, Scope,
};
use zhenxing_store::Actor;

use crate::monitoring::Caller;
use crate::monitoring::cases::StepRequest;
use crate::monitoring::clues::{ClueRequest, SubjectRef};
use crate::monitoring::plans::PlanRequest;
use crate::monitoring::screening::ScreeningRequest;
use crate::{App, AppError};

/// What [`App::add_demo_work`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoWork {
    /// Policies carried forward to years no shipped file covers.
    pub policies: usize,
    pub cases: usize,
    pub approved: usize,
    pub plans: usize,
}

/// What [`App::add_demo_screening`] did with its medical file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoScreening {
    pub rows: u64,
    pub matched: u64,
    pub created: u64,
    pub attached: u64,
    pub unmatched: u64,
    /// Of the unmatched, rows whose name is not the one registered for their ID number.
    pub names_differ: u64,
    pub rejected: u64,
}

/// Rows of the demo's medical file taken from the registry.
const DEMO_MEDICAL_ROWS: usize = 200;

/// A household ordered by its number (for the selection heap).
struct HouseholdByNo(Household);

impl PartialEq for HouseholdByNo {
    fn eq(&self, o: &Self) -> bool {
        self.0.no == o.0.no
    }
}
impl Eq for HouseholdByNo {}
impl PartialOrd for HouseholdByNo {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for HouseholdByNo {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.no.as_str().cmp(o.0.no.as_str())
    }
}

/// A deterministic spread of numbers from the seed and a household number.
fn mix(seed: u64, s: &str) -> u64 {
    let mut h = seed ^ 0x9e37_79b9_7f4a_7c15;
    for b in s.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

fn demo_actor() -> Actor {
    Actor {
        user_id: None,
        name: "演示数据".into(),
    }
}

/// The worker of `area`'s level: village cadre, township officer, county officer.
fn worker(area: AreaCode) -> Caller {
    let role = match area.level() {
        AreaLevel::Village => Role::VillageCadre,
        AreaLevel::Township => Role::TownshipOfficer,
        _ => Role::CountyOfficer,
    };
    Caller::user(demo_actor(), role, area)
}

fn ok(text: &str) -> Option<Decision> {
    Remark::parse("意见", text).ok().map(Decision::Approve)
}

/// The first catalogue measure aimed at `risk`.
fn measure_for(policy: &Policy, risk: RiskType) -> Option<String> {
    policy
        .measures
        .iter()
        .find(|m| m.risks.contains(risk))
        .map(|m| m.code.clone())
}

impl App {
    /// Makes up to `cases` identification cases among households not yet monitored, dated over
    /// the last five months before `today`, and plans for most monitored households at risk.
    /// Years after the last shipped policy get it carried forward (as a province administrator
    /// would until the year's file is confirmed). Nothing here may stop the demo: a step the
    /// rules refuse is left out.
    pub async fn add_demo_work(
        &self,
        today: NaiveDate,
        seed: u64,
        cases: usize,
    ) -> Result<DemoWork, AppError> {
        let mut made = DemoWork::default();
        let tree = self.tree().await;
        let roots = tree.roots();
        for root in &roots {
            made.policies += self.carry_policies_forward(*root, today).await?;
        }
        // The households: not monitored (for new cases), and monitored at risk (for plans).
        // Of those not monitored, the `cases` with the smallest mix of seed and number: spread
        // over the province, the same for the same seed, and never more than `cases` held.
        let mut fresh: std::collections::BinaryHeap<(u64, HouseholdByNo)> =
            std::collections::BinaryHeap::new();
        let mut at_risk: Vec<Household> = Vec::new();
        for root in roots {
            let mut stream = self.store().export_households(Scope::All, root);
            while let Some(h) = stream.next().await {
                let h = h?.household;
                let m = &h.monitoring;
                let key = mix(seed, h.no.as_str());
                if m.category.is_none() {
                    fresh.push((key, HouseholdByNo(h)));
                    if fresh.len() > cases {
                        fresh.pop();
                    }
                } else if !m.eliminated && !key.is_multiple_of(4) {
                    at_risk.push(h);
                }
            }
        }
        let mut fresh: Vec<(u64, Household)> = fresh.into_iter().map(|(k, h)| (k, h.0)).collect();
        fresh.sort_by_key(|(k, _)| *k);
        let fresh: Vec<Household> = fresh.into_iter().map(|(_, h)| h).collect();
        let risks = [RiskType::Illness, RiskType::Schooling, RiskType::Disability];
        for (i, h) in fresh.iter().enumerate() {
            let spread = mix(seed, h.no.as_str());
            let found = today - Duration::days(2 + (spread % 150) as i64);
            let risk = risks[i % risks.len()];
            if let Some(approved) = self.demo_case(h, found, risk, i % 6, today).await {
                made.cases += 1;
                if let Some(on) = approved {
                    made.approved += 1;
                    let from = (on + Duration::days(3)).min(today);
                    made.plans += usize::from(self.demo_plan(h, risk, from).await);
                }
            }
        }
        for h in &at_risk {
            let Some(risk) = h.monitoring.risks.iter().next() else {
                continue;
            };
            let from = h
                .monitoring
                .identified_on
                .map(|d| d.first_day() + Duration::days(20))
                .unwrap_or(today)
                .min(today);
            made.plans += usize::from(self.demo_plan(h, risk, from).await);
        }
        Ok(made)
    }

    /// Stores, for this year and last, the latest shipped policy of the province carried
    /// forward where the store and the shipped files have none.
    async fn carry_policies_forward(
        &self,
        area: AreaCode,
        today: NaiveDate,
    ) -> Result<usize, AppError> {
        let Some(province) = Policy::province_of(area) else {
            return Ok(0);
        };
        let prefix = province.to_string()[..2].to_string();
        let mut stored = 0;
        for year in [today.year() - 1, today.year()] {
            let Some(y) = u16::try_from(year)
                .ok()
                .and_then(|y| PolicyYear::new(y).ok())
            else {
                continue;
            };
            if self.policy_in_force(province, y).await.is_ok() {
                continue;
            }
            let Some((_, from, text)) = SHIPPED
                .iter()
                .filter(|(p, y, _)| *p == prefix && i32::from(*y) < year)
                .max_by_key(|(_, y, _)| *y)
            else {
                continue;
            };
            let note =
                format!("演示：沿用{from}年政策参数（未含{year}年节假日），请按本年度文件核对");
            self.set_policy(
                &Caller::command_line(),
                &carried_forward(text, *from, year as u16),
                Some(&note),
            )
            .await?;
            stored += 1;
        }
        Ok(stored)
    }

    /// One case for `h` from a clue found on `found`, taken as far as `stage` says (0–2:
    /// approved, 3: visited, 4: at the county, 5: just opened) and no later than `today`.
    /// `None` when the clue was not taken; else the approval day, if approved.
    async fn demo_case(
        &self,
        h: &Household,
        found: NaiveDate,
        risk: RiskType,
        stage: usize,
        today: NaiveDate,
    ) -> Option<Option<NaiveDate>> {
        let village = h.village;
        let township = village.parent()?;
        let county = township.parent()?;
        let clue = ClueRequest {
            subject: SubjectRef::Household(h.no.clone()),
            risks: {
                let mut r = RiskTypes::default();
                r.insert(risk);
                r
            },
            disaster_kind: None,
            evidence: Evidence {
                channel: if stage.is_multiple_of(2) {
                    Channel::VisitFinding
                } else {
                    Channel::Application
                },
                source: "演示：入户走访发现".into(),
                rule: None,
                figures: vec![],
                members: vec![],
                note: None,
                found_on: found,
            },
            category: None,
            green_channel: false,
        };
        let report = self.record_clue(&worker(village), &clue).await.ok()?;
        let zhenxing_store::monitoring::ClueOutcome::Created {
            case: Some(case), ..
        } = report.outcome
        else {
            return Some(None);
        };
        let slow = (mix(found.num_days_from_ce() as u64, h.no.as_str()) % 12) as i64;
        let mut steps: Vec<(AreaCode, Action, i64)> = Vec::new();
        if stage != 5 {
            steps.push((
                village,
                Action::Visit {
                    decision: ok("入户核实，情况属实")?,
                    promise_signed: true,
                },
                1,
            ));
        }
        if matches!(stage, 0..=2 | 4) {
            steps.extend([
                (village, Action::Compare(ok("比对无异常")?), 2),
                (village, Action::VillageReview(ok("民主评议通过")?), 3),
                (village, Action::CloseNotice(ok("公示无异议")?), 9),
                (township, Action::TownshipReview(ok("同意")?), 10),
            ]);
        }
        if stage <= 2 {
            steps.push((
                county,
                Action::CountyApproval(ok("同意纳入监测")?),
                11 + slow,
            ));
        }
        let mut approved = None;
        for (who, action, after) in steps {
            let on = found + Duration::days(after);
            if on > today {
                break;
            }
            let is_approval = matches!(action, Action::CountyApproval(_));
            let req = StepRequest {
                case_id: case,
                version: None,
                action,
                on,
            };
            if self.act(&worker(who), &req).await.is_err() {
                break;
            }
            if is_approval {
                approved = Some(on);
            }
        }
        Some(approved)
    }

    /// A plan for `h`: its village's cadre responsible, one measure on `risk` from `from`.
    async fn demo_plan(&self, h: &Household, risk: RiskType, from: NaiveDate) -> bool {
        let Ok((policy, _)) = self.decision_policy(h.village, from).await else {
            return false;
        };
        let Some(measure) = measure_for(&policy, risk) else {
            return false;
        };
        let req = PlanRequest {
            household: h.no.clone(),
            cadre_name: Some("驻村工作队员".into()),
            cadre_phone: None,
            measures: vec![PlannedMeasure {
                measure,
                risk,
                starts_on: from,
                ends_on: None,
                status: MeasureStatus::InProgress,
                note: None,
            }],
            today: from,
        };
        self.save_plan(&worker(h.village), &req).await.is_ok()
    }
}

impl App {
    /// Screens a medical file as a county's medical insurance bureau would send it (GBK, as
    /// Chinese Excel saves a CSV): up to `DEMO_MEDICAL_ROWS` persons of the registry with their
    /// out-of-pocket spending, some high enough to cross the policy's rule, two persons the
    /// registry does not hold and one row with a mistyped ID number — so the screening pages
    /// show new clues, evidence joined to open ones, the unmatched and the rejected. The file
    /// is written to a directory of its own under the system's temporary directory and removed
    /// afterwards. `None` when the province's policy has no medical kind.
    pub async fn add_demo_screening(
        &self,
        today: NaiveDate,
        seed: u64,
    ) -> Result<Option<DemoScreening>, AppError> {
        let tree = self.tree().await;
        let roots = tree.roots();
        let Some(province) = roots.first().copied() else {
            return Ok(None);
        };
        let (policy, _) = self.decision_policy(province, today).await?;
        if policy.screening_kind("medical").is_none() {
            return Ok(None);
        }
        // The persons with the smallest mix of seed and ID number: the same for the same seed.
        let mut picked: std::collections::BinaryHeap<(u64, String, String)> =
            std::collections::BinaryHeap::new();
        let mut county = None;
        let mut members = 0usize;
        for root in roots {
            let mut stream = self.store().export_members(Scope::All, root);
            while let Some(m) = stream.next().await {
                let m = m?;
                county.get_or_insert(m.county);
                members += 1;
                let id = m.member.id.as_str().to_string();
                picked.push((mix(seed, &id), id, m.member.name));
                if picked.len() > DEMO_MEDICAL_ROWS {
                    picked.pop();
                }
            }
        }
        let Some(county) = county else {
            return Ok(None);
        };
        // A file of one person in twenty at most (a small demo gets a smaller file).
        let mut picked = picked.into_vec();
        picked.sort();
        picked.truncate((members / 20).max(1));
        let mut text = String::from("证件号码,姓名,合规自付金额（元）,结算日期\r\n");
        for (key, id, name) in &picked {
            // Two in five spent enough to matter for a household of a few persons.
            let yuan = if key % 5 < 2 {
                30_000 + key % 50_000
            } else {
                300 + key % 4_000
            };
            let settled = today - Duration::days(5 + (key % 60) as i64);
            text.push_str(&format!("{id},{name},{yuan}.00,{settled}\r\n"));
        }
        // Not in the registry (valid numbers of the first county, born 1 January 1950).
        for seq in [997u32, 999] {
            let first17 = format!("{}19500101{seq:03}", &county.to_string()[..6]);
            let check = char::from(zhenxing_domain::id_number::check_char(first17.as_bytes()));
            text.push_str(&format!("{first17}{check},外地就医,8000.00,{today}\r\n"));
        }
        if let Some((_, id, name)) = picked.first() {
            // A registered person's ID number typed for another person: told by the name.
            if let Some((_, _, other)) = picked.iter().find(|(_, _, n)| n != name) {
                text.push_str(&format!("{id},{other},900.00,{today}\r\n"));
            }
        }
        if let Some((_, id, name)) = picked.first() {
            // A wrong check character, the commonest typing error the check catches.
            let right = zhenxing_domain::id_number::check_char(&id.as_bytes()[..17]);
            let mistyped = format!("{}{}", &id[..17], if right == b'0' { '1' } else { '0' });
            text.push_str(&format!("{mistyped},{name},1200.00,{today}\r\n"));
        }
        let dir = std::env::temp_dir().join(format!("zhenxing-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| AppError::Output(e.to_string()))?;
        let file = dir.join("县医疗保障局-医保结算数据.csv");
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        let written = std::fs::write(&file, &bytes).map_err(|e| AppError::Output(e.to_string()));
        let report = match written {
            Ok(()) => {
                let req = ScreeningRequest {
                    kind: "medical".into(),
                    file: file.clone(),
                    area: None,
                    found_on: today,
                    source: None,
                };
                let caller = Caller::user(demo_actor(), Role::ProvinceAdmin, province);
                self.screen(&caller, &req).await
            }
            Err(e) => Err(e),
        };
        let _ = std::fs::remove_dir_all(&dir);
        let report = report?;
        let c = report.counts;
        Ok(Some(DemoScreening {
            names_differ: report.problems.names_differ() as u64,
            rows: c.rows,
            matched: c.matched,
            created: c.created,
            attached: c.attached,
            unmatched: c.unmatched,
            rejected: c.rejected,
        }))
    }
}

/// What [`App::add_demo_registry_flaws`] changed, by the rule each change breaks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoFlaws {
    pub county: Option<AreaCode>,
    /// (rule, household) for each household changed.
    pub changed: Vec<(&'static str, zhenxing_domain::HouseholdNo)>,
    /// A household of the county closed (销户: the family moved away a month ago), so that its
    /// list of closed households is not empty.
    pub closed: Option<(zhenxing_domain::HouseholdNo, zhenxing_domain::Dissolution)>,
}

impl App {
    /// Gives a few households of the county with the most households the slips a county's
    /// ledgers have (the head's name typed otherwise, the declared size off by one, a flag
    /// the members contradict), as later edits recorded in their history, so that the
    /// registry check has something to show. Only households not monitored are touched (their
    /// figures do not depend on these fields), the same ones for the same seed.
    pub async fn add_demo_registry_flaws(&self, seed: u64) -> Result<DemoFlaws, AppError> {
        let villages = self
            .store()
            .village_figures(Scope::All, zhenxing_domain::today_in_china())
            .await?;
        let mut sums: std::collections::BTreeMap<AreaCode, u64> = Default::default();
        for (v, c) in &villages {
            if let Some(county) = v.county() {
                *sums.entry(county).or_default() += c.households;
            }
        }
        let Some(county) = sums
            .into_iter()
            .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
            .map(|(a, _)| a)
        else {
            return Ok(DemoFlaws::default());
        };
        // Candidates: not monitored, two members or more, in order of the seed's mix.
        let mut candidates: Vec<(u64, Household, Vec<zhenxing_domain::Member>)> = Vec::new();
        let mut pages = self.store().household_pages(Scope::All, county);
        while let Some(page) = pages.next().await {
            let (households, members) = page?;
            for (h, own) in crate::registry_check::with_members(households, members) {
                if h.monitoring.category.is_none() && own.len() >= 2 {
                    candidates.push((mix(seed, h.no.as_str()), h, own));
                }
            }
        }
        drop(pages);
        candidates.sort_by_key(|(k, _, _)| *k);
        let mut flaws = DemoFlaws {
            county: Some(county),
            changed: Vec::new(),
            closed: None,
        };
        type Flaw = fn(&mut Household, &[zhenxing_domain::Member]) -> bool;
        let plan: [(&'static str, Flaw); 4] = [
            ("head_name_differs", |h, _| {
                // The last character typed as another of the same sound.
                let mut name: Vec<char> = h.head_name.chars().collect();
                let Some(last) = name.pop() else {
                    return false;
                };
                name.push(if last == '华' { '化' } else { '华' });
                h.head_name = name.into_iter().collect();
                true
            }),
            ("size_differs", |h, _| {
                h.size += 1;
                true
            }),
            ("no_labour_with_worker", |h, members| {
                let works = members
                    .iter()
                    .any(|m| m.labour.is_some_and(|l| l.can_work()));
                if h.no_labour || !works {
                    return false;
                }
                h.no_labour = true;
                true
            }),
            ("uninsured_marked_all_insured", |h, members| {
                if h.uninsured || !members.iter().all(|m| m.medical_insurance == Some(true)) {
                    return false;
                }
                h.uninsured = true;
                true
            }),
        ];
        let mut next = candidates.into_iter();
        for (rule, flaw) in plan {
            for (_, mut h, members) in next.by_ref() {
                if flaw(&mut h, &members) {
                    self.store()
                        .update_household(&demo_actor(), Scope::All, &h)
                        .await?;
                    flaws.changed.push((rule, h.no.clone()));
                    break;
                }
            }
        }
        if let Some((_, h, _)) = next.next() {
            let dissolution = zhenxing_domain::Dissolution {
                reason: zhenxing_domain::DissolveReason::MovedOut,
                on: Some(zhenxing_domain::today_in_china() - chrono::Days::new(30)),
            };
            let outcome = self
                .store()
                .update_household(
                    &demo_actor(),
                    Scope::All,
                    &Household::closing(h.no.clone(), dissolution),
                )
                .await?;
            if outcome == zhenxing_store::RowOutcome::Removed {
                flaws.closed = Some((h.no, dissolution));
            }
        }
        Ok(flaws)
    }
}

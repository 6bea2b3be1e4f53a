//! Statistics against an independent count of the same generated data, today and as of past
//! dates; the kept figures against a recomputation; the dispatch report.

use std::collections::HashMap;

use chrono::NaiveDate;
use zhenxing_app::NoProgress;
use zhenxing_app::report::write_report_xlsx;
use zhenxing_app::synth::{Synth, SynthOptions};
use zhenxing_domain::stats::{BasisPoints, Counts, HouseholdState};
use zhenxing_domain::{AreaCode, AreaLevel, Household, HouseholdNo, Member, Scope, today_in_china};
use zhenxing_store::Actor;

use crate::support::*;

fn actor() -> Actor {
    Actor {
        user_id: None,
        name: "统计".into(),
    }
}

/// Counted straight from the generated records, written apart from the product's own code:
/// each household adds itself to every prefix of its village code.
fn expected(generated: &[(Household, Vec<Member>)], day: NaiveDate) -> HashMap<AreaCode, Counts> {
    let mut out: HashMap<AreaCode, Counts> = HashMap::new();
    let year_start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&day), 1, 1).unwrap();
    for (h, members) in generated {
        let m = &h.monitoring;
        let identified = m.identified_on.map(|d| d.first_day()).filter(|d| *d <= day);
        let eliminated = identified.is_some()
            && m.eliminated
            && m.eliminated_on.is_some_and(|d| d.first_day() <= day);
        let state = HouseholdState {
            persons: members.len() as u64,
            safety_net: members.iter().any(|m| m.dibao.is_some() || m.tekun),
            category: identified.and(m.category),
            eliminated,
            mode: if eliminated { m.elimination_mode } else { None },
            identified_this_year: identified.is_some_and(|d| d >= year_start),
            has_measure: false,
        };
        let mut code = Some(h.village);
        while let Some(c) = code {
            out.entry(c).or_default().add_household(&state);
            code = c.parent();
        }
    }
    out
}

/// Generated households in 天水市 (`n` of them, from `seed`), added to `env`'s registry: the
/// city and the options that regenerate the same records.
async fn synthetic_city(env: &Env, n: u64, seed: u64) -> (AreaCode, SynthOptions) {
    let city = AreaCode::parse("620500").unwrap();
    let opts = SynthOptions {
        area: Some(city),
        ..SynthOptions::new(n, seed)
    };
    env.app
        .add_synthetic(&opts, &actor(), &NoProgress)
        .await
        .unwrap();
    (city, opts)
}

#[tokio::test]
async fn figures_equal_an_independent_count_today_and_as_of_past_dates() {
    let env = Env::new().await;
    let (city, opts) = synthetic_city(&env, 3000, 11).await;
    let tree = env.app.tree().await;
    let generated: Vec<_> = Synth::new(&tree, &opts).collect();

    let days = [
        None,
        Some(NaiveDate::from_ymd_opt(2021, 6, 30).unwrap()),
        Some(NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()),
        Some(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()),
    ];
    for day in days {
        let want = expected(&generated, day.unwrap_or_else(today_in_china));
        let rows = env
            .app
            .stats(Scope::All, Some(city), AreaLevel::Village, day)
            .await
            .unwrap();
        assert_eq!(rows.len(), tree.subtree(city).len());
        for r in &rows {
            assert_eq!(
                r.counts,
                want.get(&r.code).copied().unwrap_or_default(),
                "{day:?} {} {}",
                r.code,
                r.name
            );
        }
        // Each area equals the sum of its children, at every level.
        let by_code: HashMap<AreaCode, Counts> = rows.iter().map(|r| (r.code, r.counts)).collect();
        for r in rows.iter().filter(|r| r.level < AreaLevel::Village) {
            let mut sum = Counts::default();
            for child in tree.children(r.code) {
                sum += by_code[child];
            }
            assert_eq!(sum, r.counts, "{day:?} {}", r.code);
        }
    }
    let now = &env
        .app
        .stats(Scope::All, Some(city), AreaLevel::City, None)
        .await
        .unwrap()[0];
    assert_eq!(now.counts.households, 3000);
    assert!(now.counts.monitored_households > 0 && now.counts.eliminated_households > 0);
    let past = &env
        .app
        .stats(Scope::All, Some(city), AreaLevel::City, days[1])
        .await
        .unwrap()[0];
    assert!(past.counts.monitored_households < now.counts.monitored_households);

    // A scope sees only its own area.
    let county = AreaCode::parse("620521").unwrap();
    let scoped = env
        .app
        .stats(Scope::Area(county), None, AreaLevel::County, None)
        .await
        .unwrap();
    assert_eq!(scoped.len(), 1);
    assert!(
        env.app
            .stats(
                Scope::Area(county),
                Some(AreaCode::parse("620100").unwrap()),
                AreaLevel::County,
                None
            )
            .await
            .is_err()
    );
    let (area, children) = env
        .app
        .dashboard(Scope::Area(county), county)
        .await
        .unwrap();
    assert_eq!(area.counts, scoped[0].counts);
    assert_eq!(children.len(), tree.children(county).len());
    assert!(
        env.app
            .stats(
                Scope::All,
                Some(city),
                AreaLevel::City,
                Some(today_in_china().succ_opt().unwrap())
            )
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_recomputation_corrects_kept_figures_that_went_wrong() {
    let env = Env::new().await;
    let (city, _) = synthetic_city(&env, 800, 5).await;
    let right = env
        .app
        .stats(Scope::All, Some(city), AreaLevel::Village, None)
        .await
        .unwrap();
    let village = right
        .iter()
        .find(|r| r.level == AreaLevel::Village && r.counts.households > 0)
        .unwrap()
        .code;
    let empty = right
        .iter()
        .find(|r| r.level == AreaLevel::Village && r.counts.households == 0)
        .unwrap()
        .code;
    let county = right
        .iter()
        .find(|r| r.level == AreaLevel::County && r.counts.households > 0)
        .unwrap()
        .code;
    let other = right
        .iter()
        .find(|r| r.level == AreaLevel::Township && r.counts.households > 0)
        .unwrap()
        .code;

    // Damage the kept figures behind the product's back: a wrong count, a missing area, an
    // area with nothing registered given figures, a row kept from another year.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", env.path("test.db").display()))
        .await
        .unwrap();
    for (sql, code) in [
        (
            "UPDATE area_figures SET persons = persons + 7 WHERE code = ?",
            village,
        ),
        ("DELETE FROM area_figures WHERE code = ?", county),
        (
            "UPDATE area_figures SET figures_year = figures_year - 1 WHERE code = ?",
            other,
        ),
    ] {
        let done = sqlx::query(sql)
            .bind(code.as_i64())
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1, "{sql}");
    }
    let mut columns = vec!["code".to_string(), "figures_year".to_string()];
    columns.extend(
        zhenxing_domain::stats::COUNT_FIELDS
            .iter()
            .map(|(c, _)| c.to_string()),
    );
    sqlx::query(&format!(
        "INSERT INTO area_figures ({}) VALUES (?, ?{})",
        columns.join(", "),
        ", 1".repeat(columns.len() - 2)
    ))
    .bind(empty.as_i64())
    .bind(i64::from(chrono::Datelike::year(&today_in_china())))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let wrong: Vec<AreaCode> = env
        .app
        .check_figures()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.code)
        .collect();
    for code in [village, county, empty] {
        assert!(wrong.contains(&code), "{code} not reported in {wrong:?}");
    }
    env.app
        .store()
        .recompute_figures(today_in_china())
        .await
        .unwrap();
    assert_eq!(env.app.check_figures().await.unwrap(), vec![]);
    let again = env
        .app
        .stats(Scope::All, Some(city), AreaLevel::Village, None)
        .await
        .unwrap();
    assert_eq!(again.len(), right.len());
    for (a, r) in again.iter().zip(&right) {
        assert_eq!((a.code, a.counts), (r.code, r.counts), "{}", r.name);
    }
    assert_eq!(
        env.app.store().figures_year().await.unwrap(),
        Some(chrono::Datelike::year(&today_in_china()))
    );
}

/// A refresh of more than a thousand villages reads every village's figures in one pass and
/// stores those it was asked for: the figures of the villages another import wrote stay as they
/// were, and every level still agrees with a recomputation.
#[tokio::test]
async fn a_refresh_of_many_villages_keeps_the_other_villages_figures() {
    let env = Env::new().await;
    let (tianshui, _) = synthetic_city(&env, 3000, 11).await;
    let figures = |code: AreaCode| {
        let app = env.app.clone();
        async move {
            app.stats(Scope::All, Some(code), AreaLevel::Village, None)
                .await
                .unwrap()
        }
    };
    let before = figures(tianshui).await;
    let dingxi = AreaCode::parse("621100").unwrap();
    let opts = SynthOptions {
        area: Some(dingxi),
        ..SynthOptions::new(4000, 12)
    };
    env.app
        .add_synthetic(&opts, &actor(), &NoProgress)
        .await
        .unwrap();
    let tree = env.app.tree().await;
    let generated: Vec<_> = Synth::new(&tree, &opts).collect();
    let touched: std::collections::HashSet<AreaCode> =
        generated.iter().map(|(h, _)| h.village).collect();
    assert!(touched.len() > 1000, "{} villages", touched.len());
    assert_eq!(figures(tianshui).await, before);
    let expected = expected(&generated, today_in_china());
    for area in figures(dingxi).await {
        let want = expected.get(&area.code).copied().unwrap_or_default();
        assert_eq!(
            (
                area.counts.households,
                area.counts.persons,
                area.counts.monitored_households
            ),
            (want.households, want.persons, want.monitored_households),
            "{}",
            area.code
        );
    }
    assert!(env.app.check_figures().await.unwrap().is_empty());
}

/// The figures count the members registered, whatever size (家庭人口数) the ledger declared,
/// and the 低保/特困 persons among them: on a first load as on a later import.
#[tokio::test]
async fn a_first_load_counts_the_members_registered_not_the_declared_size() {
    let env = Env::new().await;
    let households = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "S001,620102010201,王伟,4,5000,否,,,,否,",
                "S002,620102010202,李强,1,9000,否,,,,否,",
                "S003,620102010203,赵刚,2,9000,否,,,,否,",
                "S004,620102010204,孙丽,2,9000,否,,,,否,",
            ],
        ),
    );
    let members = env.write(
        "m.csv",
        csv(
            "户编号,证件号码,姓名,与户主关系,低保,是否特困供养",
            &[
                &format!("S001,{},王伟,户主,一类,否", id("620102", "19700101", 1)),
                &format!("S001,{},张红,配偶,否,否", id("620102", "19720202", 2)),
                &format!("S002,{},李强,户主,否,否", id("620102", "19800303", 3)),
                &format!("S002,{},李一,之子,否,否", id("620102", "20050303", 4)),
                &format!("S002,{},李二,之女,否,否", id("620102", "20070303", 5)),
                &format!("S004,{},孙丽,户主,否,是", id("620102", "19600404", 6)),
                &format!("S004,{},孙三,之子,否,否", id("620102", "19900404", 7)),
            ],
        ),
    );
    env.import(Some(&households), Some(&members)).await.unwrap();
    let village = |code: &str| {
        let (app, code) = (env.app.clone(), AreaCode::parse(code).unwrap());
        async move {
            let c = app
                .stats(Scope::All, Some(code), AreaLevel::Village, None)
                .await
                .unwrap()[0]
                .counts;
            (c.households, c.persons, c.safety_net_households)
        }
    };
    assert_eq!(village("620102010201").await, (1, 2, 1));
    assert_eq!(village("620102010202").await, (1, 3, 0));
    assert_eq!(village("620102010203").await, (1, 0, 0));
    assert_eq!(village("620102010204").await, (1, 2, 1));
    assert!(env.app.check_figures().await.unwrap().is_empty());

    // A later import counts as it goes.
    let more = env.write(
        "m2.csv",
        csv(
            "户编号,证件号码,姓名,与户主关系,低保",
            &[&format!(
                "S003,{},赵刚,户主,二类",
                id("620102", "19750505", 8)
            )],
        ),
    );
    env.import(None, Some(&more)).await.unwrap();
    assert_eq!(village("620102010203").await, (1, 1, 1));
    assert!(env.app.check_figures().await.unwrap().is_empty());
}

/// A province's first load reads its members in batches of thousands: a household's members
/// on both sides of a batch boundary, or far apart in the file, still count once each, and a
/// household whose members differ from its declared size is corrected.
#[tokio::test]
async fn a_first_load_counts_members_that_span_its_batches() {
    let env = Env::new().await;
    const N: usize = 6_000;
    let villages = ["620102010201", "620102010202", "620102010203"];
    let households: Vec<String> = (0..N)
        .map(|i| format!("B{i:05},{},户主{i},3,9000,否,,,,否,", villages[i % 3]))
        .collect();
    // Three members each, but every hundredth household has two; the last household's first
    // member comes first in the file.
    let mut members: Vec<String> = Vec::new();
    let mut k = 0usize;
    for i in 0..N {
        let size = if i % 100 == 50 { 2 } else { 3 };
        for j in 0..size {
            let birth = format!("19{:02}01{:02}", 40 + (k / 14_000) % 60, 1 + (k / 500) % 28);
            let id = id("620102", &birth, (k % 500) as u32 * 2 + 1);
            let relation = if j == 0 { "户主" } else { "之子" };
            members.push(format!("B{i:05},{id},成员{k},{relation}"));
            k += 1;
        }
    }
    let last = members.len() - 3;
    let first_of_last = members.remove(last);
    members.insert(0, first_of_last);
    let h = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &households.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    );
    let m = env.write(
        "m.csv",
        csv(
            "户编号,证件号码,姓名,与户主关系",
            &members.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    );
    let report = env.import(Some(&h), Some(&m)).await.unwrap();
    assert!(
        report.errors.is_empty(),
        "{:?}",
        &report.errors[..3.min(report.errors.len())]
    );
    assert_eq!(report.counts.members_inserted as usize, k);
    let county = env
        .app
        .stats(
            Scope::All,
            Some(AreaCode::parse("620102").unwrap()),
            AreaLevel::County,
            None,
        )
        .await
        .unwrap()[0]
        .counts;
    assert_eq!(
        (county.households as usize, county.persons as usize),
        (N, k)
    );
    let persons = |no: &str| {
        let (store, no) = (env.app.store().clone(), HouseholdNo::parse(no).unwrap());
        async move {
            store
                .household(Scope::All, &no)
                .await
                .unwrap()
                .unwrap()
                .persons
        }
    };
    assert_eq!(persons("B05999").await, 3);
    assert_eq!(persons("B00050").await, 2);
    assert!(env.app.check_figures().await.unwrap().is_empty());
}

#[tokio::test]
async fn kept_figures_follow_every_change_and_agree_with_a_recomputation() {
    let env = Env::new().await;
    let households = env.write(
        "h.csv",
        csv(
            H_HEADER,
            &[
                "K001,620102010201,王伟,2,5000,是,脱贫不稳定户,因病,2024-01-10,否,",
                "K002,620102010202,李强,1,9000,否,,,,否,",
            ],
        ),
    );
    let members = env.write(
        "m.csv",
        csv(
            "成员编号,户编号,证件号码,姓名,与户主关系,低保",
            &[
                &format!("1,K001,{},王伟,户主,一类", id("620102", "19700101", 1)),
                &format!("2,K001,{},张红,配偶,否", id("620102", "19720202", 2)),
                &format!("3,K002,{},李强,户主,否", id("620102", "19800303", 3)),
            ],
        ),
    );
    env.import(Some(&households), Some(&members)).await.unwrap();
    let county = AreaCode::parse("620102").unwrap();
    let figures = |env: &Env| {
        let app = env.app.clone();
        async move {
            app.stats(Scope::All, Some(county), AreaLevel::County, None)
                .await
                .unwrap()[0]
                .counts
        }
    };
    let c = figures(&env).await;
    assert_eq!(
        (
            c.households,
            c.persons,
            c.monitored_households,
            c.monitored_persons,
            c.unstable_households,
            c.safety_net_households
        ),
        (2, 3, 1, 2, 1, 1)
    );
    assert!(env.app.check_figures().await.unwrap().is_empty());

    // Eliminated, by a later ledger: today's figures move; the past stays.
    let update = env.write(
        "h2.csv",
        csv(
            H_HEADER,
            &["K001,620102010201,王伟,2,7000,是,脱贫不稳定户,因病,2024-01-10,是,2025-02-01"],
        ),
    );
    env.import(Some(&update), None).await.unwrap();
    let c = figures(&env).await;
    assert_eq!(
        (
            c.eliminated_households,
            c.eliminated_persons,
            c.not_eliminated_persons()
        ),
        (1, 2, 0)
    );
    let before = env
        .app
        .stats(
            Scope::All,
            Some(county),
            AreaLevel::County,
            NaiveDate::from_ymd_opt(2024, 6, 30),
        )
        .await
        .unwrap()[0]
        .counts;
    assert_eq!(
        (before.monitored_households, before.eliminated_households),
        (1, 0)
    );
    let early = env
        .app
        .stats(
            Scope::All,
            Some(county),
            AreaLevel::County,
            NaiveDate::from_ymd_opt(2023, 12, 31),
        )
        .await
        .unwrap()[0]
        .counts;
    assert_eq!(early.monitored_households, 0);

    // A new monitoring object by an edit, a new member by an import.
    let store = env.app.store();
    let mut h = store
        .household(Scope::All, &HouseholdNo::parse("K002").unwrap())
        .await
        .unwrap()
        .unwrap()
        .household;
    h.monitoring.category = Some(zhenxing_domain::MonitorCategory::SuddenHardship);
    h.monitoring.risks = zhenxing_domain::RiskTypes::parse("因灾").unwrap();
    h.monitoring.identified_on = zhenxing_domain::LedgerDate::parse("2025-07-01").ok();
    store
        .update_household(&actor(), Scope::All, &h)
        .await
        .unwrap();
    let more = env.write(
        "m2.csv",
        csv(
            "户编号,证件号码,姓名,与户主关系,是否特困供养",
            &[&format!(
                "K002,{},李小,之子,是",
                id("620102", "20100101", 5)
            )],
        ),
    );
    env.import(None, Some(&more)).await.unwrap();
    let c = figures(&env).await;
    assert_eq!(
        (
            c.persons,
            c.monitored_households,
            c.sudden_households,
            c.sudden_persons,
            c.safety_net_households
        ),
        (4, 2, 1, 2, 2)
    );
    assert!(env.app.check_figures().await.unwrap().is_empty());
    let (over, only_ex_poor) = env
        .app
        .over_ratio(Scope::All, Some(county), None, BasisPoints(300))
        .await
        .unwrap();
    assert!(!only_ex_poor);
    assert_eq!(
        over.iter().map(|v| v.code.to_string()).collect::<Vec<_>>(),
        ["620102010202"]
    );
}

#[tokio::test]
async fn an_issued_report_is_frozen_and_compared_with_the_previous_one() {
    let env = Env::new().await;
    let county = AreaCode::parse("620102").unwrap();
    let h1 = env.write(
        "h1.csv",
        csv(
            H_HEADER,
            &["R001,620102010201,王伟,1,5000,是,脱贫不稳定户,因病,2024-01-10,否,"],
        ),
    );
    env.import(Some(&h1), None).await.unwrap();
    let first = env
        .app
        .issue_report(
            &actor(),
            Scope::All,
            county,
            NaiveDate::from_ymd_opt(2025, 1, 31),
        )
        .await
        .unwrap();
    let h2 = env.write(
        "h2.csv",
        csv(
            H_HEADER,
            &["R002,620102010202,李强,1,5000,否,边缘易致贫户,因学,2025-02-10,否,"],
        ),
    );
    env.import(Some(&h2), None).await.unwrap();
    let second = env
        .app
        .issue_report(&actor(), Scope::All, county, None)
        .await
        .unwrap();
    let (prev_meta, prev) = second.previous.clone().unwrap();
    assert_eq!(Some(prev_meta.id), first.issued.as_ref().map(|m| m.id));
    let own = |c: &zhenxing_app::report::ReportContent| {
        c.rows.iter().find(|r| r.code == county).unwrap().counts()
    };
    assert_eq!(
        (
            own(&prev).monitored_households,
            own(&second.content).monitored_households
        ),
        (1, 2)
    );

    // Reading the first report again gives what was issued, whatever happened since.
    let again = env
        .app
        .issued_report(Scope::All, first.issued.unwrap().id)
        .await
        .unwrap();
    assert_eq!(own(&again.content).monitored_households, 1);
    assert!(
        env.app
            .issued_report(
                Scope::Area(AreaCode::parse("620521").unwrap()),
                second.issued.as_ref().unwrap().id
            )
            .await
            .is_err()
    );

    let path = env.path("调度表.xlsx");
    write_report_xlsx(&second, &path).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheets = calamine::Reader::sheet_names(&book);
    assert_eq!(sheets, ["汇总", "乡镇", "村社区", "务工就业", "核查村"]);
    assert!(first.content.employment.is_none(), "a report of a past day");
    assert!(second.content.employment.is_some(), "a report of today");
    let summary = calamine::Reader::worksheet_range(&mut book, "汇总").unwrap();
    let cell = |r: u32, c: u32| {
        summary
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(2, 0), "监测对象户数（累计）");
    assert_eq!(
        (cell(2, 1), cell(2, 2), cell(2, 3)),
        ("2".into(), "1".into(), "1".into())
    );
    let villages = calamine::Reader::worksheet_range(&mut book, "村社区").unwrap();
    assert_eq!(
        villages.height() as usize,
        2 + env
            .app
            .tree()
            .await
            .subtree(county)
            .iter()
            .filter(|d| d.level == AreaLevel::Village)
            .count()
    );
}

/// A user of `area` in the role that works at its level.
fn worker(area: AreaCode) -> zhenxing_app::monitoring::Caller {
    use zhenxing_domain::Role;
    let role = match area.level() {
        AreaLevel::Village => Role::VillageCadre,
        AreaLevel::Township => Role::TownshipOfficer,
        _ => Role::CountyOfficer,
    };
    zhenxing_app::monitoring::Caller::user(actor(), role, area)
}

/// One case of the work test, as the test itself recorded it.
struct Driven {
    village: AreaCode,
    case: i64,
    found: NaiveDate,
    approved: Option<NaiveDate>,
    measure_from: Option<NaiveDate>,
}

/// Every area above and at `village`.
fn prefixes(village: AreaCode) -> Vec<AreaCode> {
    let mut out = vec![village];
    while let Some(p) = out.last().and_then(|c| c.parent()) {
        out.push(p);
    }
    out
}

#[tokio::test]
async fn work_figures_equal_an_independent_count_today_and_as_of_past_dates() {
    use zhenxing_app::monitoring::cases::StepRequest;
    use zhenxing_app::monitoring::clues::{ClueRequest, SubjectRef};
    use zhenxing_app::monitoring::plans::PlanRequest;
    use zhenxing_domain::monitoring::workflow::{Action, Decision, Remark};
    use zhenxing_domain::monitoring::{Channel, Evidence, MeasureStatus, PlannedMeasure, Stage};
    use zhenxing_domain::stats::{Timeliness, Work};
    use zhenxing_domain::{RiskType, RiskTypes};

    let env = Env::new().await;
    store_policy_for_this_year(&env.app).await;
    let (city, opts) = synthetic_city(&env, 800, 5).await;
    let tree = env.app.tree().await;
    let generated: Vec<_> = Synth::new(&tree, &opts).collect();
    // Households not monitored yet, in different villages.
    let mut seen = std::collections::HashSet::new();
    let picked: Vec<&Household> = generated
        .iter()
        .map(|(h, _)| h)
        .filter(|h| h.monitoring.category.is_none() && seen.insert(h.village))
        .take(18)
        .collect();
    assert_eq!(picked.len(), 18);

    let ok = |s: &str| Decision::Approve(Remark::parse("意见", s).unwrap());
    let day = |d: NaiveDate, n: i64| d + chrono::Duration::days(n);
    let today = today_in_china();
    let act = |case: i64, who: AreaCode, action: Action, on: NaiveDate| {
        let app = &env.app;
        async move {
            let req = StepRequest {
                case_id: case,
                version: None,
                action,
                on,
            };
            app.act(&worker(who), &req)
                .await
                .unwrap_or_else(|e| panic!("{on}: {e}"))
                .state
                .stage
        }
    };
    let mut driven = Vec::new();
    for (i, h) in picked.iter().enumerate() {
        let i64i = i as i64;
        // Three cases at the end of last year, the rest spread over this one.
        let found = if i < 3 {
            NaiveDate::from_ymd_opt(2025, 11, 24).unwrap() + chrono::Duration::days(9 * i64i)
        } else {
            NaiveDate::from_ymd_opt(2026, 2, 2).unwrap() + chrono::Duration::days(11 * i64i)
        };
        assert!(found < today);
        let clue = ClueRequest {
            subject: SubjectRef::Household(h.no.clone()),
            risks: RiskTypes::parse("因病").unwrap(),
            disaster_kind: None,
            evidence: Evidence {
                channel: Channel::VisitFinding,
                source: "走访".into(),
                rule: None,
                figures: vec![],
                members: vec![],
                note: None,
                found_on: found,
            },
            category: None,
            green_channel: false,
        };
        let report = env
            .app
            .record_clue(&worker(h.village), &clue)
            .await
            .unwrap();
        let case = match report.outcome {
            zhenxing_store::monitoring::ClueOutcome::Created {
                case: Some(case), ..
            } => case,
            other => panic!("{other:?}"),
        };
        let village = h.village;
        let township = village.parent().unwrap();
        let county = township.parent().unwrap();
        let visit = Action::Visit {
            decision: ok("属实"),
            promise_signed: true,
        };
        let mut approved = None;
        let mut measure_from = None;
        act(case, village, visit, found).await;
        if i % 3 != 1 {
            act(case, village, Action::Compare(ok("无异常")), found).await;
            act(
                case,
                village,
                Action::VillageReview(ok("通过")),
                day(found, 1),
            )
            .await;
            act(
                case,
                village,
                Action::CloseNotice(ok("无异议")),
                day(found, 6),
            )
            .await;
            act(
                case,
                township,
                Action::TownshipReview(ok("同意")),
                day(found, 7),
            )
            .await;
        }
        if i % 3 == 0 || i == 5 {
            let on = day(found, 8 + (i64i % 5) * 3);
            assert_eq!(
                act(case, county, Action::CountyApproval(ok("同意")), on).await,
                Stage::Approved
            );
            approved = Some(on);
            if i % 2 == 0 {
                let from = day(on, 2);
                env.app
                    .save_plan(
                        &worker(village),
                        &PlanRequest {
                            household: h.no.clone(),
                            cadre_name: Some("帮扶人".into()),
                            cadre_phone: None,
                            measures: vec![PlannedMeasure {
                                measure: "medical_assistance".into(),
                                risk: RiskType::Illness,
                                starts_on: from,
                                ends_on: None,
                                status: MeasureStatus::InProgress,
                                note: None,
                            }],
                            today: from,
                        },
                    )
                    .await
                    .unwrap();
                measure_from = Some(from);
            }
        }
        driven.push(Driven {
            village,
            case,
            found,
            approved,
            measure_from,
        });
    }
    assert!(driven.iter().filter(|d| d.approved.is_some()).count() >= 6);

    // The steps of every case, as the case page shows them.
    let province = worker(AreaCode::parse("620000").unwrap());
    let mut details = Vec::new();
    for d in &driven {
        details.push(env.app.case_detail(&province, d.case, today).await.unwrap());
    }

    // Counted from the test's own records and the cases' step records.
    let expected_work = |on: NaiveDate| {
        let mut out: HashMap<AreaCode, (Work, u64)> = HashMap::new();
        let year_start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&on), 1, 1).unwrap();
        for (d, detail) in driven.iter().zip(&details) {
            let mut w = Work::default();
            let mut covered = 0;
            if let Some(a) = d.approved.filter(|a| *a <= on && *a >= year_start) {
                let mut t = Timeliness::default();
                t.add((a - d.found).num_days() as u32, 1);
                w.approvals = t;
            }
            let closed = d.approved;
            let open = d.found <= on && closed.is_none_or(|c| c > on);
            if open {
                let due = match detail.steps.iter().find(|s| s.acted_on > on) {
                    Some(s) => s.due_on,
                    None => detail.case.due.next(),
                };
                if due.is_some_and(|due| due < on) {
                    w.overdue_cases = 1;
                }
            }
            let at_risk = d.approved.is_some_and(|a| a <= on);
            let measured = if on >= today {
                d.measure_from.is_some()
            } else {
                d.measure_from.is_some_and(|m| m <= on)
            };
            if at_risk && measured {
                covered = 1;
            }
            for c in prefixes(d.village) {
                let e = out.entry(c).or_default();
                e.0 += &w;
                e.1 += covered;
            }
        }
        out
    };

    let days = [
        None,
        Some(NaiveDate::from_ymd_opt(2025, 12, 10).unwrap()),
        Some(NaiveDate::from_ymd_opt(2026, 3, 20).unwrap()),
        Some(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()),
        Some(NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()),
    ];
    let mut overdue_seen = 0;
    let mut approvals_seen = 0;
    for on in days {
        let want = expected_work(on.unwrap_or(today));
        let rows = env
            .app
            .stats(Scope::All, Some(city), AreaLevel::Village, on)
            .await
            .unwrap();
        for r in &rows {
            let (w, covered) = want.get(&r.code).cloned().unwrap_or_default();
            assert_eq!(r.work, w, "{on:?} {} {}", r.code, r.name);
            assert_eq!(r.counts.covered_households, covered, "{on:?} {}", r.code);
        }
        let top = &rows[0];
        overdue_seen += top.work.overdue_cases;
        approvals_seen += top.work.approvals.count();
        // Each area's work equals the sum of its children's.
        let by_code: HashMap<AreaCode, &Work> = rows.iter().map(|r| (r.code, &r.work)).collect();
        for r in rows.iter().filter(|r| r.level < AreaLevel::Village) {
            let mut sum = Work::default();
            for child in tree.children(r.code) {
                sum += by_code[child];
            }
            assert_eq!(&sum, by_code[&r.code], "{on:?} {}", r.code);
        }
    }
    assert!(overdue_seen > 0 && approvals_seen > 0);

    // Today's overdue figure is the overdue list's length, area by area.
    let (area, children) = env.app.dashboard(Scope::All, city).await.unwrap();
    let list = env
        .app
        .overdue_cases(&worker(city), None, today, 1000)
        .await
        .unwrap();
    assert_eq!(area.work.overdue_cases, list.len() as u64);
    for c in &children {
        let n = list.iter().filter(|x| c.code.contains(x.village)).count();
        assert_eq!(c.work.overdue_cases, n as u64, "{}", c.code);
    }
    let want = expected_work(today);
    assert_eq!(area.work, want[&city].0);
    assert_eq!(area.counts.covered_households, want[&city].1);
    assert!(area.counts.covered_households > 0);
    // The kept histograms agree with the cases, and survive a recomputation.
    assert!(env.app.check_figures().await.unwrap().is_empty());
    env.app.store().recompute_figures(today).await.unwrap();
    let (again, _) = env.app.dashboard(Scope::All, city).await.unwrap();
    assert_eq!(again.work, area.work);
    assert_eq!(again.counts, area.counts);
}

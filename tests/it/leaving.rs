//! Members who leave their households (人口减少: 死亡, 婚出, 户籍迁出, 其他): a members ledger's
//! row with a 减少原因 removes the member, keeps the removal in the history, and frees the person
//! for another household. Told on SQLite and on PostgreSQL.

use zhenxing_domain::{HouseholdNo, Scope};
use zhenxing_store::HistorySubject;

use crate::story::{fresh_postgres, postgres_url};
use crate::support::*;

fn no(s: &str) -> HouseholdNo {
    HouseholdNo::parse(s).unwrap()
}

async fn persons(env: &Env, n: &str) -> u32 {
    env.stored(n).await.unwrap().persons
}

#[tokio::test]
async fn leaving_members_on_sqlite() {
    members_leave_their_households(&Env::new().await).await;
}

#[tokio::test]
async fn leaving_members_on_postgres() {
    let Some(base) = postgres_url() else { return };
    members_leave_their_households(&Env::at(&fresh_postgres(&base).await).await).await;
}

async fn members_leave_their_households(env: &Env) {
    let wang = id("620102", "19500101", 1);
    let li = id("620102", "19720101", 2);
    let old = id("620102", "19300101", 3);
    let zhao = id("620102", "19710101", 5);
    let households = env.write(
        "户.csv",
        csv(
            H_HEADER,
            &[
                "8101,620102010201,王伟,3,9000,否,边缘易致贫户,因病,2024-06-01,否,",
                "8102,620102010201,赵六,1,9000,否,,,,否,",
            ],
        ),
    );
    let members = env.write(
        "成员.csv",
        csv(
            M_HEADER,
            &[
                &format!("1,8101,{wang},王伟,男,,户主,健康"),
                &format!("2,8101,{li},李芳,女,,配偶,健康"),
                &format!("3,8101,{old},王老,男,,之父,患有大病"),
                &format!("1,8102,{zhao},赵六,男,,户主,健康"),
            ],
        ),
    );
    env.import(Some(&households), Some(&members)).await.unwrap();
    assert_eq!(persons(env, "8101").await, 3);

    // The year's changes as a clerk lists them: who left, why and when (GBK, as Excel saves).
    let stranger = id("620102", "19800101", 7);
    let leaving = env.write(
        "减少人员.csv",
        encoding_rs::GBK
            .encode(&csv(
                "户编号,证件号码,姓名,减少原因,减少时间",
                &[
                    &format!("8101,{old},王老,死亡,2025-03-01"),
                    &format!("8101,{li},李芳,婚出,2025/4/1"),
                    // Registered in 8101, not in 8102.
                    &format!("8102,{wang},王伟,死亡,2025-03-01"),
                    // Never registered: nothing to remove.
                    &format!("8101,{stranger},某人,户籍迁出,"),
                    &format!("8101,{zhao},赵六,失踪,"),
                ],
            ))
            .0,
    );
    let report = env.import(None, Some(&leaving)).await.unwrap();
    let c = &report.counts;
    assert_eq!(
        (c.members_removed, c.members_unchanged, c.rejected),
        (2, 1, 2),
        "{:?}",
        report.errors
    );
    assert_eq!(
        errors(&report),
        [
            (4, "证件号码".to_string(), "not_in_household"),
            (6, "减少原因".to_string(), "label"),
        ]
    );
    assert!(
        report.errors[0].reason.contains("不能按“死亡”从此户减少"),
        "{}",
        report.errors[0]
    );
    assert_eq!(env.member_names("8101").await, ["王伟"]);
    assert_eq!(persons(env, "8101").await, 1, "the kept figure follows");
    // The removal is in the household's history, with why and when.
    let history = env
        .app
        .store()
        .history(Scope::All, &no("8101"))
        .await
        .unwrap();
    let removed: Vec<_> = history
        .iter()
        .filter(|e| matches!(e.subject, HistorySubject::Member(_)))
        .filter(|e| e.after.get("removed").is_some())
        .collect();
    assert_eq!(removed.len(), 2, "{history:?}");
    let death = removed.iter().find(|e| e.before["name"] == "王老").unwrap();
    assert_eq!(death.after["removed"]["reason"], "死亡");
    assert_eq!(death.after["removed"]["on"], "2025-03-01");
    assert_eq!(death.before["health"], "患有大病");

    // The same ledger again changes nothing more.
    let again = env.import(None, Some(&leaving)).await.unwrap();
    assert_eq!(again.counts.members_removed, 0);
    assert_eq!(env.member_names("8101").await, ["王伟"]);

    // Married out of 8101, she can marry into 8102: no longer "already in household 8101".
    let into = env.write(
        "婚入.csv",
        csv(M_HEADER, &[&format!("2,8102,{li},李芳,女,,配偶,健康")]),
    );
    let report = env.import(None, Some(&into)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.counts.members_inserted, 1);
    assert_eq!(env.member_names("8102").await, ["李芳", "赵六"]);
    assert_eq!(persons(env, "8102").await, 2);

    // Figures as of a day before they left count them where they were: the village's persons,
    // and the monitored household's (8101); after her marriage, she counts in 8102 only.
    let as_of = async |day: &str| {
        let c = env.village_as_of(V1, day).await;
        (c.persons, c.monitored_persons)
    };
    assert_eq!(as_of("2025-02-01").await, (4, 3), "before anyone left");
    assert_eq!(as_of("2025-03-15").await, (3, 2), "王老 died on 03-01");
    assert_eq!(
        as_of("2025-04-01").await,
        (3, 1),
        "李芳 left on 04-01: gone by its end"
    );
    let today = zhenxing_domain::today_in_china().to_string();
    assert_eq!(as_of(&today).await, (3, 1), "as registered now");

    // Marked dead by mistake and registered again in the same household: its history there goes
    // on (an update, the removal, the return, another update), nothing written over.
    let line = |health: &str| format!("1,8101,{wang},王伟,男,,户主,{health}");
    for (file, text) in [
        ("更新.csv", csv(M_HEADER, &[&line("长期慢性病")])),
        (
            "误删.csv",
            csv(
                "户编号,证件号码,姓名,减少原因",
                &[&format!("8101,{wang},王伟,死亡")],
            ),
        ),
        ("恢复.csv", csv(M_HEADER, &[&line("长期慢性病")])),
        ("再更新.csv", csv(M_HEADER, &[&line("健康")])),
    ] {
        let path = env.write(file, text);
        let report = env.import(None, Some(&path)).await.unwrap();
        assert!(report.errors.is_empty(), "{file}: {:?}", report.errors);
    }
    let wang_now = env
        .app
        .store()
        .members(Scope::All, &no("8101"))
        .await
        .unwrap();
    assert_eq!(wang_now.len(), 1);
    assert_eq!(
        wang_now[0].version, 5,
        "1, updated 2, removed 3, back 4, updated 5"
    );
    let versions: Vec<i64> = env
        .app
        .store()
        .history(Scope::All, &no("8101"))
        .await
        .unwrap()
        .iter()
        .filter(|e| e.before["name"] == "王伟")
        .map(|e| e.version)
        .collect();
    let mut sorted = versions.clone();
    sorted.sort();
    assert_eq!(sorted, [2, 3, 5], "{versions:?}");

    // Removed and back the same day: as of any day before, counted once.
    assert_eq!(as_of("2025-02-01").await, (4, 3));

    // The directory and the kept figures agree with the members as they are now.
    env.app.store().check_integrity().await.unwrap();
    let mismatches = env.app.check_figures().await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");

    // The import is listed with what it removed.
    let listed = env.app.store().imports(Scope::All, 10).await.unwrap();
    assert!(
        listed.iter().any(|r| r.counts.members_removed == 2),
        "{listed:?}"
    );
}

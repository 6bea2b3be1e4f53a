//! Registry statistics against an independent count of the same generated data.

use std::collections::HashMap;

use zhenxing_app::NoProgress;
use zhenxing_app::synth::{Synth, SynthOptions};
use zhenxing_domain::stats::Counts;
use zhenxing_domain::{AreaCode, AreaLevel, Scope};
use zhenxing_store::Actor;

use crate::support::*;

#[tokio::test]
async fn figures_equal_an_independent_count_and_add_up_at_every_level() {
    let env = Env::new().await;
    let opts = SynthOptions {
        area: Some(AreaCode::parse("620500").unwrap()),
        ..SynthOptions::new(3000, 11)
    };
    env.app
        .add_synthetic(
            &opts,
            &Actor {
                user_id: None,
                name: "生成".into(),
            },
            &NoProgress,
        )
        .await
        .unwrap();

    // Counted straight from the generator, by the prefix of each level.
    let tree = env.app.tree().await;
    let mut expected: HashMap<AreaCode, Counts> = HashMap::new();
    for (h, members) in Synth::new(&tree, &opts) {
        let persons = members.len() as u64;
        let mut code = Some(h.village);
        while let Some(c) = code {
            let e = expected.entry(c).or_default();
            e.households += 1;
            e.persons += persons;
            if h.monitoring.category.is_some() {
                e.monitored_households += 1;
                e.monitored_persons += persons;
                if h.monitoring.eliminated {
                    e.eliminated_households += 1;
                    e.eliminated_persons += persons;
                }
            }
            code = c.parent();
        }
    }

    let rows = env
        .app
        .stats(
            Scope::All,
            Some(AreaCode::parse("620500").unwrap()),
            AreaLevel::Village,
        )
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        tree.subtree(AreaCode::parse("620500").unwrap()).len()
    );
    for r in &rows {
        assert_eq!(
            r.counts,
            expected.get(&r.code).copied().unwrap_or_default(),
            "{} {}",
            r.code,
            r.name
        );
    }
    let city = &rows[0];
    assert_eq!(city.counts.households, 3000);
    assert!(city.counts.monitored_households > 0 && city.counts.eliminated_households > 0);

    // Each area equals the sum of its children.
    let by_code: HashMap<AreaCode, Counts> = rows.iter().map(|r| (r.code, r.counts)).collect();
    for r in rows.iter().filter(|r| r.level < AreaLevel::Village) {
        let mut sum = Counts::default();
        for child in tree.children(r.code) {
            sum += by_code[child];
        }
        assert_eq!(sum, r.counts, "{}", r.code);
    }

    // A scope sees only its own area.
    let county = AreaCode::parse("620521").unwrap();
    let scoped = env
        .app
        .stats(Scope::Area(county), None, AreaLevel::County)
        .await
        .unwrap();
    assert_eq!(scoped.len(), 1);
    assert_eq!(scoped[0].counts, expected[&county]);
    assert!(
        env.app
            .stats(
                Scope::Area(county),
                Some(AreaCode::parse("620100").unwrap()),
                AreaLevel::County
            )
            .await
            .is_err()
    );
}

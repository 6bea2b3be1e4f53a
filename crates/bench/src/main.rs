//! `zhenxing-bench stats --db FILE`: times the statistics operations in-process on a database
//! prepared by `zhenxing import`, and prints one JSON line. Driven by `bench/run.sh`.
//!
//! `zhenxing-bench screen --db FILE --file medical.csv [--hits OUT]`: screens a department file
//! in-process (as `zhenxing screen` does) and prints one JSON line with the time of each part;
//! `--hits` writes the household numbers found that were never monitoring objects (what the
//! baselines' screening query selects), sorted, one per line. Driven by `bench/screening.sh`.
#![forbid(unsafe_code)]

use std::time::Instant;

mod load;

use anyhow::{Result, bail};
use zhenxing_app::App;
use zhenxing_app::synth::Rng;
use zhenxing_domain::{AreaLevel, Scope, today_in_china};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn stats(db: &str, samples: usize) -> Result<serde_json::Value> {
    let app = App::open(db).await?;
    let tree = app.tree().await;
    let Some(province) = tree.roots().first().copied() else {
        bail!("no divisions")
    };

    // The full all-level recomputation from the registry (every village, then every level).
    let t = Instant::now();
    let villages = app.store().recompute_figures(today_in_china()).await?;
    let recompute_s = t.elapsed().as_secs_f64();

    // The same rollup for all areas, read back with names (what `zhenxing stats` prints).
    let t = Instant::now();
    let all = app
        .stats(Scope::All, None, AreaLevel::Village, None)
        .await?;
    let read_all_s = t.elapsed().as_secs_f64();

    // Dashboards: an area and its children, for areas drawn at random from every level.
    let areas: Vec<_> = tree.all().into_iter().map(|d| d.code).collect();
    let mut rng = Rng::new(42);
    let mut ms = Vec::with_capacity(samples);
    for _ in 0..samples {
        let area = areas[rng.below(areas.len() as u64) as usize];
        let t = Instant::now();
        app.dashboard(Scope::All, area).await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let t = Instant::now();
    app.dashboard(Scope::All, province).await?;
    let province_dashboard_ms = t.elapsed().as_secs_f64() * 1000.0;
    ms.sort_by(f64::total_cmp);

    // A report as of a past date for the whole province (replayed from the registry).
    let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap_or_default();
    let t = Instant::now();
    let as_of = app
        .stats(Scope::All, Some(province), AreaLevel::Village, Some(day))
        .await?;
    let as_of_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let report = app.build_report(Scope::All, province, Some(day)).await?;
    let report_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mismatches = app.check_figures().await?.len();
    let check_s = t.elapsed().as_secs_f64();

    let top = &all[0].counts;
    Ok(serde_json::json!({
        "tool": "zhenxing",
        "villages_with_households": villages,
        "areas": all.len(),
        "recompute_all_levels_s": recompute_s,
        "read_all_levels_s": read_all_s,
        "dashboard_samples": samples,
        "dashboard_p50_ms": percentile(&ms, 0.5),
        "dashboard_p99_ms": percentile(&ms, 0.99),
        "dashboard_max_ms": ms.last().copied().unwrap_or(0.0),
        "province_dashboard_ms": province_dashboard_ms,
        "as_of_province_all_levels_s": as_of_s,
        "as_of_rows": as_of.len(),
        "as_of_report_s": report_s,
        "over_ratio_villages": report.content.over_ratio.len(),
        "check_s": check_s,
        "check_mismatches": mismatches,
        "mon_persons_total": top.monitored_persons,
        "eliminated_total": top.eliminated_persons,
    }))
}

async fn screen(
    db: &str,
    file: &str,
    kind: &str,
    date: &str,
    hits_out: Option<&str>,
) -> Result<serde_json::Value> {
    use zhenxing_app::monitoring::Caller;
    use zhenxing_app::monitoring::screening::ScreeningRequest;
    // As `zhenxing screen` opens it: alone (a rollback journal while nobody else has the file).
    let app = App::open_alone(db).await?;
    let Ok(found_on) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
        bail!("--date {date}: not a date")
    };
    let req = ScreeningRequest {
        kind: kind.to_string(),
        file: file.into(),
        area: None,
        found_on,
        source: None,
    };
    let t = Instant::now();
    let report = app.screen(&Caller::command_line(), &req).await;
    app.close().await;
    let report = report?;
    let total_s = t.elapsed().as_secs_f64();
    // The households the baselines select: crossing the rule and never a monitoring object.
    let mut never_monitored: Vec<&str> = report
        .hits
        .iter()
        .filter(|h| h.household.category.is_none())
        .map(|h| h.household.no.as_str())
        .collect();
    never_monitored.sort_unstable();
    if let Some(path) = hits_out {
        let mut text = never_monitored.join("\n");
        text.push('\n');
        std::fs::write(path, text)?;
    }
    let c = report.counts;
    let t = report.timings;
    Ok(serde_json::json!({
        "tool": "zhenxing",
        "rows": c.rows,
        "matched": c.matched,
        "unmatched": c.unmatched,
        "rejected": c.rejected,
        "households": c.households,
        "hits": c.hits,
        "created": c.created,
        "attached": c.attached,
        "repeated": c.repeated,
        "never_monitored_hits": never_monitored.len(),
        "read_s": t.read_s,
        "read_and_match_s": t.read_and_match_s,
        "judge_s": t.judge_s,
        "match_and_judge_s": t.read_and_match_s + t.judge_s,
        "write_s": t.write_s,
        "total_s": total_s,
    }))
}

const USAGE: &str = "usage: zhenxing-bench stats --db FILE [--samples N]\n       \
    zhenxing-bench screen --db FILE --file CSV [--kind medical] [--date 2025-11-01] [--hits OUT]\n       \
    zhenxing-bench load --addr HOST:PORT --token T --areas A,B --households H1,H2 --village V \
    [--clients N] [--seconds S] [--write-percent P]";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match args.get(1).map(String::as_str) {
        Some("stats") => {
            let Some(db) = flag("--db") else { bail!(USAGE) };
            let samples = flag("--samples")
                .and_then(|s| s.parse().ok())
                .unwrap_or(500);
            println!("{}", runtime.block_on(stats(&db, samples))?);
        }
        Some("screen") => {
            let (Some(db), Some(file)) = (flag("--db"), flag("--file")) else {
                bail!(USAGE)
            };
            let kind = flag("--kind").unwrap_or_else(|| "medical".into());
            let date = flag("--date").unwrap_or_else(|| "2025-11-01".into());
            let hits = flag("--hits");
            println!(
                "{}",
                runtime.block_on(screen(&db, &file, &kind, &date, hits.as_deref()))?
            );
        }
        Some("load") => {
            let list = |name: &str| {
                flag(name)
                    .map(|s| s.split(',').map(str::to_string).collect())
                    .unwrap_or_default()
            };
            let opts = load::LoadOptions {
                addr: flag("--addr").unwrap_or_else(|| "127.0.0.1:8080".into()),
                token: flag("--token").unwrap_or_default(),
                clients: flag("--clients").and_then(|s| s.parse().ok()).unwrap_or(50),
                seconds: flag("--seconds").and_then(|s| s.parse().ok()).unwrap_or(60),
                write_percent: flag("--write-percent")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(5),
                areas: list("--areas"),
                households: list("--households"),
                village: flag("--village").unwrap_or_default(),
            };
            println!("{}", runtime.block_on(load::run(opts))?);
        }
        _ => bail!(USAGE),
    }
    Ok(())
}

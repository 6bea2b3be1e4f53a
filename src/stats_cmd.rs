//! The statistics commands: figures for an area, the dispatch report, ex-poor villages.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use zhenxing_app::App;
use zhenxing_app::report::write_report_xlsx;
use zhenxing_app::stats::DEFAULT_VILLAGE_RATIO;
use zhenxing_app::store::Actor;
use zhenxing_domain::stats::{AreaFigures, COUNT_FIELDS};
use zhenxing_domain::{AreaCode, AreaLevel, LedgerDate, Scope};

use crate::StatsFormat;

fn day(s: &str) -> Result<NaiveDate> {
    match LedgerDate::parse(s) {
        Ok(LedgerDate::Day(d)) => Ok(d),
        _ => bail!("日期“{s}”无效，请写成 2024-06-30"),
    }
}

pub async fn stats(
    app: &App,
    area: Option<AreaCode>,
    max_level: AreaLevel,
    format: StatsFormat,
    as_of: Option<&str>,
    check: bool,
    over_ratio: bool,
) -> Result<i32> {
    let as_of = as_of.map(day).transpose()?;
    if check {
        let mismatches = app.check_figures().await?;
        if mismatches.is_empty() {
            println!("所有区划的统计数与按登记数据重算的结果一致。");
            return Ok(0);
        }
        for m in &mismatches {
            eprintln!(
                "{} {}：保存的 {}，重算的 {}",
                m.code, m.what, m.kept, m.recomputed
            );
        }
        eprintln!("{} 个区划的统计数与重算结果不一致", mismatches.len());
        return Ok(1);
    }
    if over_ratio {
        let (villages, only_ex_poor) = app
            .over_ratio(Scope::All, area, as_of, DEFAULT_VILLAGE_RATIO)
            .await?;
        println!(
            "未消除风险人口占比高于{}%的{}：{}个",
            DEFAULT_VILLAGE_RATIO.percent(),
            if only_ex_poor {
                "脱贫村"
            } else {
                "村（未标记脱贫村，检查全部村）"
            },
            villages.len()
        );
        let mut w = csv::Writer::from_writer(std::io::stdout());
        w.write_record(["code", "name", "not_eliminated_persons", "persons", "share"])?;
        for v in villages {
            w.write_record([
                v.code.to_string(),
                v.name,
                v.not_eliminated_persons.to_string(),
                v.base_persons.to_string(),
                format!("{:.4}", v.share),
            ])?;
        }
        w.flush()?;
        return Ok(0);
    }
    let rows = app.stats(Scope::All, area, max_level, as_of).await?;
    print_stats(&rows, format)?;
    Ok(0)
}

pub async fn report(
    app: &App,
    area: AreaCode,
    out: &Path,
    as_of: Option<&str>,
    issue: bool,
    id: Option<i64>,
) -> Result<i32> {
    let as_of = as_of.map(day).transpose()?;
    let report = match (id, issue) {
        (Some(id), _) => app.issued_report(Scope::All, id).await?,
        (None, true) => {
            app.issue_report(&Actor::command_line(), Scope::All, area, as_of)
                .await?
        }
        (None, false) => app.build_report(Scope::All, area, as_of).await?,
    };
    write_report_xlsx(&report, out)?;
    match &report.issued {
        Some(m) => println!(
            "调度表第{}号（截至{}）已写入 {}",
            m.id,
            report.content.as_of,
            out.display()
        ),
        None => println!(
            "调度表（截至{}，未发布）已写入 {}",
            report.content.as_of,
            out.display()
        ),
    }
    if let Some((m, _)) = &report.previous {
        println!("已与上期第{}号（截至{}）比较", m.id, m.as_of);
    }
    Ok(0)
}

pub async fn ex_poor_villages(app: &App, file: &Path, mark: bool) -> Result<i32> {
    let text = std::fs::read_to_string(file).with_context(|| format!("读取 {}", file.display()))?;
    let tree = app.tree().await;
    let mut codes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let first = line
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches('\u{feff}');
        if first.is_empty() || (i == 0 && AreaCode::parse(first).is_err()) {
            continue;
        }
        let code = AreaCode::parse(first)
            .with_context(|| format!("{} 第{}行：区划代码“{first}”无效", file.display(), i + 1))?;
        tree.village(code)
            .map_err(|e| anyhow::anyhow!("{} 第{}行：{e}", file.display(), i + 1))?;
        codes.push(code);
    }
    let n = app.store().set_ex_poor_villages(&codes, mark).await?;
    println!(
        "{}脱贫村标记：{n}个村",
        if mark { "已设置" } else { "已取消" }
    );
    Ok(0)
}

/// The demo marks about a third of its rural villages as ex-poor villages (deterministically).
pub async fn mark_demo_ex_poor_villages(app: &App) -> Result<()> {
    let tree = app.tree().await;
    let codes: Vec<AreaCode> = tree
        .all()
        .into_iter()
        .filter(|d| {
            d.level == AreaLevel::Village
                && (200..400).contains(&(d.code.as_u64() % 1000))
                && d.code.as_u64() % 3 == 0
        })
        .map(|d| d.code)
        .collect();
    app.store().set_ex_poor_villages(&codes, true).await?;
    Ok(())
}

/// Terminal width of a string: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Column names for CSV and JSON: the first nine are stable for scripts.
fn stats_columns() -> Vec<&'static str> {
    let mut c = vec!["code", "name", "level"];
    c.extend(COUNT_FIELDS.iter().map(|(n, _)| *n));
    c.extend([
        "not_eliminated_households",
        "not_eliminated_persons",
        "elimination_rate_households",
        "elimination_rate_persons",
        "coverage_rate",
        "approvals",
        "median_days_to_approval",
        "overdue_cases",
    ]);
    c
}

fn rate(r: Option<f64>) -> String {
    r.map(|v| format!("{v:.4}")).unwrap_or_default()
}

fn stats_values(r: &AreaFigures) -> Vec<String> {
    let c = &r.counts;
    let mut v = vec![
        r.code.to_string(),
        r.name.clone(),
        r.level.number().to_string(),
    ];
    v.extend(c.values().iter().map(u64::to_string));
    v.extend([
        c.not_eliminated_households().to_string(),
        c.not_eliminated_persons().to_string(),
        rate(c.elimination_rate_households()),
        rate(c.elimination_rate_persons()),
        rate(c.coverage_rate()),
        r.work.approvals.count().to_string(),
        r.work
            .approvals
            .median()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        r.work.overdue_cases.to_string(),
    ]);
    v
}

pub fn print_stats(rows: &[AreaFigures], format: StatsFormat) -> Result<()> {
    let columns = stats_columns();
    match format {
        StatsFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record(&columns)?;
            for r in rows {
                w.write_record(stats_values(r))?;
            }
            w.flush()?;
        }
        StatsFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let values = stats_values(r);
                    let mut o = serde_json::Map::new();
                    for (i, k) in columns.iter().enumerate() {
                        let v = &values[i];
                        let value = match i {
                            0 | 1 => serde_json::Value::from(v.clone()),
                            _ if k.ends_with("rate_households")
                                || k.ends_with("rate_persons")
                                || *k == "coverage_rate"
                                || *k == "median_days_to_approval" =>
                            {
                                v.parse::<f64>()
                                    .map(serde_json::Value::from)
                                    .unwrap_or(serde_json::Value::Null)
                            }
                            _ => serde_json::Value::from(v.parse::<u64>().unwrap_or(0)),
                        };
                        o.insert((*k).into(), value);
                    }
                    serde_json::Value::Object(o)
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        StatsFormat::Table => {
            let headers = [
                "代码",
                "名称",
                "级别",
                "户数",
                "人数",
                "监测户数",
                "监测人数",
                "消除风险户数",
                "消除风险人数",
                "未消除人数",
                "消除率(按户)",
            ];
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let c = &r.counts;
                    vec![
                        r.code.to_string(),
                        format!(
                            "{}{}",
                            "  ".repeat(usize::from(r.level.number()).saturating_sub(1)),
                            r.name
                        ),
                        r.level.label().to_string(),
                        c.households.to_string(),
                        c.persons.to_string(),
                        c.monitored_households.to_string(),
                        c.monitored_persons.to_string(),
                        c.eliminated_households.to_string(),
                        c.eliminated_persons.to_string(),
                        c.not_eliminated_persons().to_string(),
                        c.elimination_rate_households()
                            .map(|v| format!("{:.1}%", v * 100.0))
                            .unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect();
            let n = headers.len();
            let widths: Vec<usize> = (0..n)
                .map(|i| {
                    table
                        .iter()
                        .map(|r| width(&r[i]))
                        .chain([width(headers[i])])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i >= 3 {
                            format!("{}{c}", " ".repeat(widths[i].saturating_sub(width(c))))
                        } else {
                            pad(c, widths[i])
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            println!("{}", line(&headers.map(String::from)));
            for r in &table {
                println!("{}", line(r));
            }
        }
    }
    Ok(())
}

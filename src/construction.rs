//! `zhenxing construction import|stats|export`: the rural-construction ledger (乡村建设台账:
//! items and targets) and the year's progress of an area per task.

use std::path::{Path, PathBuf};

use anyhow::Result;
use zhenxing_app::construction::ConstructionReport;
use zhenxing_app::store::Actor;
use zhenxing_domain::{AreaCode, PolicyYear, Scope};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;
use crate::projects::tell_import;

/// `construction import`: exit status 0 when every row was taken, 2 when some were refused
/// (listed, and written to `errors`), 1 when the file has neither items nor targets.
pub async fn import(db: &str, file: &Path, errors: Option<PathBuf>) -> Result<i32> {
    let app = open(db).await?;
    let report = app
        .import_construction_in(&Actor::command_line(), Scope::All, file, None)
        .await?;
    tell_import(&report.summary(), &report.errors, errors)?;
    app.close().await;
    Ok(report.exit_code())
}

async fn report(db: &str, area: Option<AreaCode>, year: Option<u16>) -> Result<ConstructionReport> {
    let year = year.map(PolicyYear::new).transpose()?;
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.construction_report(Scope::All, area, year).await?;
    app.close().await;
    Ok(r)
}

/// `construction stats`: per task the area's figures and each area's under it; exit status 2
/// when a target is set and not yet reached.
pub async fn stats(
    db: &str,
    area: Option<AreaCode>,
    year: Option<u16>,
    format: StatsFormat,
) -> Result<i32> {
    let r = report(db, area, year).await?;
    match format {
        StatsFormat::Json => {
            let figures = |f: &zhenxing_domain::construction::ConstructionFigures| {
                serde_json::json!({
                    "target": f.target,
                    "items": f.items,
                    "planned": f.planned,
                    "done": f.done,
                    "started": f.started,
                    "completed": f.completed,
                    "accepted": f.accepted,
                    "completion_rate": f.completion_rate(),
                })
            };
            let json = serde_json::json!({
                "area": r.area.to_string(),
                "area_name": r.area_name,
                "year": r.year.get(),
                "policy": r.policy,
                "tasks": r.tasks.iter().map(|t| serde_json::json!({
                    "task": t.task,
                    "unit": t.unit,
                    "figures": figures(&t.figures),
                })).collect::<Vec<_>>(),
                "by_area": r.by_area.iter().map(|(code, name, f)| serde_json::json!({
                    "code": code.to_string(),
                    "name": name,
                    "figures": f.iter().map(figures).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) {
                println!("{}\n", r.summary());
            }
            let totals: Vec<_> = r.tasks.iter().map(|t| t.figures).collect();
            let total_name = format!("{}合计", r.area_name);
            let mut rows: Vec<Vec<String>> = Vec::new();
            let areas = r
                .by_area
                .iter()
                .map(|(c, n, f)| (*c, n.as_str(), f.as_slice()))
                .chain(std::iter::once((
                    r.area,
                    total_name.as_str(),
                    totals.as_slice(),
                )));
            for (code, name, figures) in areas {
                for (t, f) in r.tasks.iter().zip(figures) {
                    if f.items == 0 && f.target.is_none() {
                        continue;
                    }
                    rows.push(vec![
                        code.to_string(),
                        name.to_string(),
                        t.task.clone(),
                        t.unit.clone(),
                        f.target.map(|n| n.to_string()).unwrap_or_default(),
                        f.items.to_string(),
                        f.planned.to_string(),
                        f.done.to_string(),
                        f.completion_rate(),
                    ]);
                }
            }
            print_rows(
                &[
                    "code",
                    "name",
                    "task",
                    "unit",
                    "target",
                    "items",
                    "planned",
                    "done",
                    "completion_rate",
                ],
                &[
                    "区划代码",
                    "区划",
                    "任务类别",
                    "单位",
                    "目标任务",
                    "建设项目",
                    "计划数量",
                    "完成数量",
                    "完成率",
                ],
                &rows,
                format,
            )?;
        }
    }
    Ok(if r.behind().is_empty() { 0 } else { 2 })
}

/// `construction export`: the year's items and targets of the area as a ledger (it imports
/// back unchanged), or with `--figures` the progress per area and task.
pub async fn export(
    db: &str,
    area: Option<AreaCode>,
    year: Option<u16>,
    out: &Path,
    figures: bool,
) -> Result<i32> {
    crate::commands::xlsx_out(Some(out))?;
    let r = report(db, area, year).await?;
    if figures {
        r.write_figures(out)?;
        println!("{}\n已写入 {}", r.summary(), out.display());
    } else {
        r.write_ledger(out)?;
        println!(
            "{}年{}的{}个建设项目、{}项目标任务已写入 {}",
            r.year.get(),
            r.area_name,
            r.items.len(),
            r.targets.len(),
            out.display()
        );
    }
    Ok(0)
}

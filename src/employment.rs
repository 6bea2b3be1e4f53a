//! `zhenxing employment`: the labour of ex-poor households and of monitoring objects of an area
//! in migrant work and public-welfare jobs, and of each area under it, against the year's
//! targets of its counties; a table of targets imported first when given.

use std::path::PathBuf;

use anyhow::Result;
use zhenxing_app::store::Actor;
use zhenxing_domain::employment::{EmploymentFigures, TargetProgress};
use zhenxing_domain::{AreaCode, Scope};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;
use crate::projects::tell_import_on;

/// The files the command reads and writes.
pub struct Files {
    pub targets: Option<PathBuf>,
    pub errors: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub targets_out: Option<PathBuf>,
}

pub async fn run(
    db: &str,
    area: Option<AreaCode>,
    format: StatsFormat,
    files: Files,
) -> Result<i32> {
    let app = open(db).await?;
    let mut code = 0;
    if let Some(file) = &files.targets {
        let report = app
            .import_employment_targets_in(&Actor::command_line(), Scope::All, file, None)
            .await?;
        tell_import_on(
            &report.summary(),
            &report.errors,
            files.errors.clone(),
            true,
        )?;
        code = report.exit_code();
    }
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.employment_report(Scope::All, area).await?;
    app.close().await;
    if let Some(out) = &files.out {
        r.write_figures(out)?;
        eprintln!("已写出{}", out.display());
    }
    if let Some(out) = &files.targets_out {
        r.write_targets(out)?;
        eprintln!("已写出{}（{}个县的目标）", out.display(), r.targets.len());
    }
    match format {
        StatsFormat::Json => {
            let json = serde_json::json!({
                "area": r.area.to_string(),
                "area_name": r.area_name,
                "date": r.day.to_string(),
                "policy": r.policy,
                "totals": r.totals,
                "ex_poor_rate": r.totals.ex_poor.employment_rate(),
                "monitored_rate": r.totals.monitored.employment_rate(),
                "year": r.year.get(),
                "target_counts": r.target_rule.label(),
                "target": progress(&r.progress),
                "by_area": r.by_area.iter().map(|a| serde_json::json!({
                    "code": a.code.to_string(),
                    "name": a.name,
                    "figures": a.figures,
                    "target": progress(&a.progress),
                })).collect::<Vec<_>>(),
                "behind": r.behind.iter().map(|c| serde_json::json!({
                    "code": c.code.to_string(),
                    "name": c.name,
                    "target": progress(&c.progress),
                })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) {
                println!("{}\n", r.summary());
            }
            let total = format!("{}合计", r.area_name);
            let row = |code: &AreaCode, name: &str, f: &EmploymentFigures, p: &TargetProgress| {
                vec![
                    code.to_string(),
                    name.to_string(),
                    f.ex_poor.labour.to_string(),
                    f.ex_poor.migrant.to_string(),
                    f.ex_poor.welfare_job.to_string(),
                    f.ex_poor.employed.to_string(),
                    f.ex_poor.employment_rate(),
                    f.monitored.labour.to_string(),
                    f.monitored.employed.to_string(),
                    p.counted.to_string(),
                    p.target.map(|t| t.to_string()).unwrap_or_default(),
                    p.rate(),
                ]
            };
            let mut rows: Vec<Vec<String>> = r
                .by_area
                .iter()
                .map(|a| row(&a.code, &a.name, &a.figures, &a.progress))
                .collect();
            rows.push(row(&r.area, &total, &r.totals, &r.progress));
            print_rows(
                &[
                    "code",
                    "name",
                    "ex_poor_labour",
                    "ex_poor_migrant",
                    "ex_poor_welfare_job",
                    "ex_poor_employed",
                    "ex_poor_rate",
                    "monitored_labour",
                    "monitored_employed",
                    "counted",
                    "target",
                    "target_rate",
                ],
                &[
                    "区划代码",
                    "区划",
                    "脱贫劳动力",
                    "务工",
                    "公益岗位",
                    "就业",
                    "就业率",
                    "监测对象劳动力",
                    "就业",
                    "计入目标",
                    "目标",
                    "完成率",
                ],
                &rows,
                format,
            )?;
        }
    }
    Ok(code)
}

fn progress(p: &TargetProgress) -> serde_json::Value {
    serde_json::json!({
        "counted": p.counted,
        "target": p.target,
        "rate": p.rate(),
        "behind": p.behind(),
    })
}

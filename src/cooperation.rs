//! `zhenxing cooperation import|stats|export`: the ledger of east-west cooperation and paired
//! assistance (协作帮扶台账) and the year's figures of an area.

use std::path::{Path, PathBuf};

use anyhow::Result;
use zhenxing_app::cooperation::CooperationReport;
use zhenxing_app::store::Actor;
use zhenxing_domain::{AreaCode, PolicyYear, Scope};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;
use crate::projects::tell_import;

/// `cooperation import`: exit status 0 when every row was taken, 2 when some were refused, 1
/// when the file is no cooperation ledger.
pub async fn import(db: &str, file: &Path, errors: Option<PathBuf>) -> Result<i32> {
    let app = open(db).await?;
    let report = app
        .import_cooperation_in(&Actor::command_line(), Scope::All, file, None)
        .await?;
    tell_import(&report.summary(), &report.errors, errors)?;
    app.close().await;
    Ok(report.exit_code())
}

async fn report(db: &str, area: Option<AreaCode>, year: Option<u16>) -> Result<CooperationReport> {
    let year = year.map(PolicyYear::new).transpose()?;
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.cooperation_report(Scope::All, area, year).await?;
    app.close().await;
    Ok(r)
}

/// `cooperation stats`: per program and indicator the area's plan and what was done, and each
/// area's under it.
pub async fn stats(
    db: &str,
    area: Option<AreaCode>,
    year: Option<u16>,
    format: StatsFormat,
) -> Result<i32> {
    let r = report(db, area, year).await?;
    let total = format!("{}合计", r.area_name);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (code, name, programs) in r
        .by_area
        .iter()
        .map(|(c, n, p)| (*c, n.as_str(), p.as_slice()))
        .chain(std::iter::once((
            r.area,
            total.as_str(),
            r.programs.as_slice(),
        )))
    {
        for p in programs {
            for (i, f) in r.indicators.iter().zip(&p.figures) {
                if f.planned == 0 && f.done == 0 {
                    continue;
                }
                rows.push(vec![
                    code.to_string(),
                    name.to_string(),
                    p.program.label().to_string(),
                    i.name.clone(),
                    i.unit.clone(),
                    i.show(f.planned),
                    i.show(f.done),
                    f.rate(),
                ]);
            }
        }
    }
    match format {
        StatsFormat::Json => {
            let json = serde_json::json!({
                "area": r.area.to_string(),
                "area_name": r.area_name,
                "year": r.year.get(),
                "policy": r.policy,
                "rows": rows.iter().map(|row| serde_json::json!({
                    "code": row[0], "name": row[1], "program": row[2], "indicator": row[3],
                    "unit": row[4], "planned": row[5], "done": row[6], "rate": row[7],
                })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) {
                println!("{}\n", r.summary());
            }
            print_rows(
                &[
                    "code",
                    "name",
                    "program",
                    "indicator",
                    "unit",
                    "planned",
                    "done",
                    "rate",
                ],
                &[
                    "区划代码",
                    "区划",
                    "帮扶类型",
                    "指标",
                    "单位",
                    "计划",
                    "完成",
                    "完成率",
                ],
                &rows,
                format,
            )?;
        }
    }
    Ok(0)
}

/// `cooperation export`: the year's ledger of the area (it imports back unchanged).
pub async fn export(
    db: &str,
    area: Option<AreaCode>,
    year: Option<u16>,
    out: &Path,
) -> Result<i32> {
    crate::commands::xlsx_out(Some(out))?;
    let r = report(db, area, year).await?;
    r.write_ledger(out)?;
    println!(
        "{}年{}的{}项指标已写入 {}",
        r.year.get(),
        r.area_name,
        r.entries.len(),
        out.display()
    );
    Ok(0)
}

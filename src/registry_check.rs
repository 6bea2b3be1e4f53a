//! `zhenxing registry-check`: the registry's consistency report of an area.

use std::path::PathBuf;

use anyhow::Result;
use zhenxing_app::registry_check::XLSX_FINDINGS;
use zhenxing_domain::{AreaCode, Scope, today_in_china};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_findings;
use crate::progress::Bars;

/// Exit status: 0 when nothing was found, 2 when some households have findings.
pub async fn run(
    db: &str,
    area: Option<AreaCode>,
    format: StatsFormat,
    out: Option<PathBuf>,
) -> Result<i32> {
    crate::commands::xlsx_out(out.as_deref())?;
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    // The whole list goes to a workbook (up to a sheet's rows); on the terminal, all of it.
    let limit = out.as_ref().map(|_| XLSX_FINDINGS);
    let report = app
        .registry_check(Scope::All, area, limit, &Bars::default())
        .await?;
    let today = today_in_china();
    if let Some(out) = &out {
        report.write_xlsx(today, out)?;
    }
    match format {
        StatsFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) || out.is_some() {
                println!(
                    "{}（{}）户籍信息核查，{}：核查{}户{}人，{}户有问题",
                    report.area_name,
                    report.area,
                    today,
                    report.households,
                    report.members,
                    report.households_with_findings
                );
                for t in report.totals.iter().filter(|t| t.households > 0) {
                    println!("  {}：{}户", t.label, t.households);
                }
            }
            if let Some(out) = &out {
                println!(
                    "问题明细{}条已写入 {}{}",
                    report.findings.len(),
                    out.display(),
                    if report.found > report.findings.len() as u64 {
                        format!("（共{}条，超出一张工作表的行数）", report.found)
                    } else {
                        String::new()
                    }
                );
            } else {
                if matches!(format, StatsFormat::Table) {
                    println!();
                }
                print_findings(&report.findings, format)?;
            }
        }
    }
    app.close().await;
    Ok(if report.households_with_findings > 0 {
        2
    } else {
        0
    })
}

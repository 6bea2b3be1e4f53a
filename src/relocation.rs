//! `zhenxing relocation`: the relocation sites' floor task (易地扶贫搬迁安置区就业帮扶) of an
//! area — its relocated households judged, per site, with the households short of it.

use std::path::PathBuf;

use anyhow::Result;
use zhenxing_app::relocation::{RelocationReport, XLSX_SHORT};
use zhenxing_domain::{AreaCode, Scope, today_in_china};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;
use crate::progress::Bars;

/// Exit status: 0 when every relocated household with labour has its employed members, 2 when
/// some are short.
pub async fn run(
    db: &str,
    area: Option<AreaCode>,
    format: StatsFormat,
    out: Option<PathBuf>,
) -> Result<i32> {
    crate::commands::xlsx_out(out.as_deref())?;
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let limit = out.as_ref().map(|_| XLSX_SHORT);
    let report = app
        .relocation(Scope::All, area, limit, &Bars::default())
        .await?;
    let today = today_in_china();
    if let Some(out) = &out {
        report.write_xlsx(today, out)?;
    }
    match format {
        StatsFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        StatsFormat::Table => {
            println!("{}", report.summary(today));
            println!(
                "规则：{}；计为劳动力：{}；计为就业：{}",
                report
                    .policy
                    .as_deref()
                    .unwrap_or("本省本年度没有政策文件，按默认规则"),
                report
                    .rule
                    .labour
                    .iter()
                    .map(|l| l.label())
                    .collect::<Vec<_>>()
                    .join("、"),
                report
                    .rule
                    .employment
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("、"),
            );
            println!();
            print_sites(&report)?;
            if let Some(out) = &out {
                println!(
                    "\n安置点和未达到就业目标的{}户已写入 {}",
                    report.short.len(),
                    out.display()
                );
            } else if !report.short.is_empty() {
                println!("\n有劳动力但就业人数不足的户：");
                print_short(&report, format)?;
            }
        }
        StatsFormat::Csv => print_short(&report, format)?,
    }
    app.close().await;
    Ok(if report.totals.households_short > 0 {
        2
    } else {
        0
    })
}

fn print_sites(r: &RelocationReport) -> Result<()> {
    let rows: Vec<Vec<String>> = r
        .sites
        .iter()
        .map(|s| {
            let f = &s.figures;
            vec![
                s.county_name.clone(),
                s.site.clone(),
                f.households.to_string(),
                f.persons.to_string(),
                f.labour_households.to_string(),
                f.employed.to_string(),
                f.households_met.to_string(),
                f.households_short.to_string(),
                f.met_rate(),
            ]
        })
        .collect();
    print_rows(
        &[],
        &[
            "县（市、区）",
            "安置点",
            "搬迁户",
            "人数",
            "有劳动力户",
            "就业人数",
            "达到户",
            "未达到户",
            "达到率",
        ],
        &rows,
        StatsFormat::Table,
    )
}

fn print_short(r: &RelocationReport, format: StatsFormat) -> Result<()> {
    let rows: Vec<Vec<String>> = r
        .short
        .iter()
        .map(|h| {
            vec![
                h.village.to_string(),
                h.village_name.clone(),
                h.household_no.to_string(),
                h.head_name.clone(),
                h.site.clone(),
                h.persons.to_string(),
                h.labour.to_string(),
                h.employed.to_string(),
                h.required.to_string(),
            ]
        })
        .collect();
    print_rows(
        &[
            "village",
            "village_name",
            "household_no",
            "head_name",
            "site",
            "persons",
            "labour",
            "employed",
            "required",
        ],
        &[
            "村代码",
            "村",
            "户编号",
            "户主",
            "安置点",
            "人口",
            "劳动力",
            "就业",
            "应就业",
        ],
        &rows,
        format,
    )
}

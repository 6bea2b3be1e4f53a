//! `zhenxing key-counties`: the province's list of key assistance counties (重点帮扶县) loaded
//! from a file, and the key counties' figures within an area.

use std::path::PathBuf;

use anyhow::{Result, bail};
use zhenxing_domain::stats::AreaFigures;
use zhenxing_domain::{AreaCode, Scope};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;

/// Exit status 2 when the list had problems (listed; nothing written).
pub async fn run(
    db: &str,
    file: Option<PathBuf>,
    area: Option<AreaCode>,
    format: StatsFormat,
) -> Result<i32> {
    let app = open(db).await?;
    if let Some(file) = &file {
        let load = app.load_key_counties(file).await?;
        if !load.errors.is_empty() {
            eprintln!("{}：名单有{}处问题，未写入：", load.file, load.errors.len());
            for e in &load.errors {
                eprintln!("{e}");
            }
            app.close().await;
            return Ok(2);
        }
        let Some(province) = load.province else {
            bail!("{}：名单中没有县", load.file);
        };
        println!(
            "{}：{}的重点帮扶县已更新为国家乡村振兴重点帮扶县{}个、省乡村振兴重点帮扶县{}个。",
            load.file,
            app.tree().await.name(province).unwrap_or_default(),
            load.national,
            load.provincial
        );
    }
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let k = app.key_county_figures(Scope::All, area, None).await?;
    app.close().await;
    let row = |kind: &str, f: &AreaFigures| {
        let c = &f.counts;
        let rate = |r: Option<f64>| {
            r.map(|r| format!("{:.1}%", r * 100.0))
                .unwrap_or("-".into())
        };
        vec![
            f.code.to_string(),
            f.name.clone(),
            kind.to_string(),
            c.monitored_households.to_string(),
            c.monitored_persons.to_string(),
            c.eliminated_households.to_string(),
            c.not_eliminated_persons().to_string(),
            rate(c.elimination_rate_households()),
            f.work.overdue_cases.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = k
        .counties
        .iter()
        .map(|(kind, f)| row(kind.label(), f))
        .collect();
    rows.extend(k.totals.iter().map(|(kind, f)| row(kind.label(), f)));
    if matches!(format, StatsFormat::Table) && rows.is_empty() {
        println!("该区划内没有重点帮扶县（用 --file 导入省里的名单）。");
        return Ok(0);
    }
    print_rows(
        &[
            "code",
            "name",
            "kind",
            "monitored_households",
            "monitored_persons",
            "eliminated_households",
            "not_eliminated_persons",
            "elimination_rate_households",
            "overdue_cases",
        ],
        &[
            "代码",
            "县（市、区）",
            "类别",
            "监测户数",
            "监测人数",
            "已消除户数",
            "未消除人数",
            "消除率（按户）",
            "逾期案件",
        ],
        &rows,
        format,
    )?;
    Ok(0)
}

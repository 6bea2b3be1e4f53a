//! `zhenxing employment`: the labour of ex-poor households and of monitoring objects of an area
//! in migrant work and public-welfare jobs, and of each area under it.

use anyhow::Result;
use zhenxing_domain::employment::EmploymentFigures;
use zhenxing_domain::{AreaCode, Scope};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;

pub async fn run(db: &str, area: Option<AreaCode>, format: StatsFormat) -> Result<i32> {
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.employment_report(Scope::All, area).await?;
    app.close().await;
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
                "by_area": r.by_area.iter().map(|(code, name, f)| serde_json::json!({
                    "code": code.to_string(),
                    "name": name,
                    "figures": f,
                })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) {
                println!("{}\n", r.summary());
            }
            let total = format!("{}合计", r.area_name);
            let row = |code: &AreaCode, name: &str, f: &EmploymentFigures| {
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
                ]
            };
            let mut rows: Vec<Vec<String>> =
                r.by_area.iter().map(|(c, n, f)| row(c, n, f)).collect();
            rows.push(row(&r.area, &total, &r.totals));
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
                ],
                &rows,
                format,
            )?;
        }
    }
    Ok(0)
}

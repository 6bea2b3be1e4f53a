//! `zhenxing projects import|stats|export`: the project ledger of 衔接资金 (项目台账) and the
//! year's progress of an area.

use std::path::{Path, PathBuf};

use anyhow::Result;
use zhenxing_app::projects::ProjectReport;
use zhenxing_app::store::Actor;
use zhenxing_domain::{AreaCode, PolicyYear, Scope};
use zhenxing_ledger::write::write_error_report;

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;

/// `projects import`: exit status 0 when every row was taken, 2 when some were refused (listed,
/// and written to `errors`), 1 when the file is no project ledger (nothing written).
pub async fn import(db: &str, file: &Path, errors: Option<PathBuf>) -> Result<i32> {
    let app = open(db).await?;
    let report = app
        .import_projects_in(&Actor::command_line(), Scope::All, file, None)
        .await?;
    tell_import(&report.summary(), &report.errors, errors)?;
    app.close().await;
    Ok(report.exit_code())
}

/// Prints an import's summary and its first errors, and writes every error to `errors` when
/// given (a county's own ledgers: projects, loans).
pub(crate) fn tell_import(
    summary: &str,
    errors: &[zhenxing_ledger::RowError],
    path: Option<PathBuf>,
) -> Result<()> {
    tell_import_on(summary, errors, path, false)
}

/// [`tell_import`], all of it on stderr when `aside` (a report follows on stdout).
pub(crate) fn tell_import_on(
    summary: &str,
    errors: &[zhenxing_ledger::RowError],
    path: Option<PathBuf>,
    aside: bool,
) -> Result<()> {
    let say = |line: String| {
        if aside {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    say(summary.to_string());
    for e in errors.iter().take(20) {
        eprintln!("{e}");
    }
    if errors.len() > 20 {
        eprintln!("……另有{}条错误", errors.len() - 20);
    }
    if let Some(path) = path {
        write_error_report(&path, errors)?;
        if !errors.is_empty() {
            say(format!("错误明细已写入 {}", path.display()));
        }
    }
    Ok(())
}

async fn report(db: &str, area: Option<AreaCode>, year: Option<u16>) -> Result<ProjectReport> {
    let year = year.map(PolicyYear::new).transpose()?;
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.project_report(Scope::All, area, year).await?;
    app.close().await;
    Ok(r)
}

/// `projects stats`: the year's progress of the area and of each area under it.
pub async fn stats(
    db: &str,
    area: Option<AreaCode>,
    year: Option<u16>,
    format: StatsFormat,
) -> Result<i32> {
    let r = report(db, area, year).await?;
    match format {
        StatsFormat::Json => {
            let t = &r.totals;
            let json = serde_json::json!({
                "area": r.area.to_string(),
                "area_name": r.area_name,
                "year": r.year.get(),
                "policy": r.policy,
                "totals": t,
                "start_rate": t.start_rate(),
                "completion_rate": t.completion_rate(),
                "spending_rate": t.spending_rate(),
                "industry_share": t.industry_share(),
                "industry_share_min_bp": r.rule.industry_share_min_bp,
                "by_area": r.by_area.iter().map(|(code, name, f)| serde_json::json!({
                    "code": code.to_string(),
                    "name": name,
                    "figures": f,
                    "start_rate": f.start_rate(),
                    "completion_rate": f.completion_rate(),
                    "spending_rate": f.spending_rate(),
                    "industry_share": f.industry_share(),
                })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) {
                println!("{}\n", r.summary());
            }
            let mut rows: Vec<Vec<String>> = r
                .by_area
                .iter()
                .map(|(code, name, f)| figure_row(code, name, f))
                .collect();
            rows.push(figure_row(
                &r.area,
                &format!("{}合计", r.area_name),
                &r.totals,
            ));
            print_rows(
                &[
                    "code",
                    "name",
                    "planned",
                    "started",
                    "completed",
                    "start_rate",
                    "completion_rate",
                    "allocated_yuan",
                    "spent_yuan",
                    "spending_rate",
                    "industry_share",
                ],
                &[
                    "区划代码",
                    "区划",
                    "计划项目",
                    "已开工",
                    "已完工",
                    "开工率",
                    "完工率",
                    "已下达（元）",
                    "已支出（元）",
                    "支出进度",
                    "产业占比",
                ],
                &rows,
                format,
            )?;
        }
    }
    Ok(0)
}

fn figure_row(
    code: &AreaCode,
    name: &str,
    f: &zhenxing_domain::project::ProjectFigures,
) -> Vec<String> {
    vec![
        code.to_string(),
        name.to_string(),
        f.planned.to_string(),
        f.started.to_string(),
        f.completed.to_string(),
        f.start_rate(),
        f.completion_rate(),
        f.allocated.yuan_string(),
        f.spent.yuan_string(),
        f.spending_rate(),
        f.industry_share(),
    ]
}

/// `projects export`: the year's projects of the area as a ledger (it imports back unchanged).
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
        "{}年{}的{}个项目已写入 {}",
        r.year.get(),
        r.area_name,
        r.projects.len(),
        out.display()
    );
    Ok(0)
}

//! `zhenxing work-teams import|stats|export`: the roster of village-resident cadres
//! (驻村干部花名册) and the teams of an area as of a day.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use zhenxing_app::store::Actor;
use zhenxing_app::work_teams::WorkTeamReport;
use zhenxing_domain::{AreaCode, Scope};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;
use crate::projects::tell_import;

/// `work-teams import`: exit status 0 when every row was taken, 2 when some were refused, 1
/// when the file is no roster (nothing written).
pub async fn import(db: &str, file: &Path, errors: Option<PathBuf>) -> Result<i32> {
    let app = open(db).await?;
    let report = app
        .import_roster_in(&Actor::command_line(), Scope::All, file, None)
        .await?;
    tell_import(&report.summary(), &report.errors, errors)?;
    app.close().await;
    Ok(report.exit_code())
}

async fn report(
    db: &str,
    area: Option<AreaCode>,
    day: Option<NaiveDate>,
) -> Result<WorkTeamReport> {
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.work_team_report(Scope::All, area, day).await?;
    app.close().await;
    Ok(r)
}

/// `work-teams stats`: the area's teams and each area's under it; exit status 2 when a village
/// needs attention (an ex-poor village without a first secretary, a team below the floor, a
/// cadre beyond the term).
pub async fn stats(
    db: &str,
    area: Option<AreaCode>,
    day: Option<NaiveDate>,
    format: StatsFormat,
) -> Result<i32> {
    let r = report(db, area, day).await?;
    match format {
        StatsFormat::Json => {
            let json = serde_json::json!({
                "area": r.area.to_string(),
                "area_name": r.area_name,
                "date": r.day.to_string(),
                "policy": r.policy,
                "rule": r.rule,
                "totals": r.totals,
                "secretary_rate": r.totals.secretary_rate(),
                "by_area": r.by_area.iter().map(|(code, name, f)| serde_json::json!({
                    "code": code.to_string(),
                    "name": name,
                    "figures": f,
                    "secretary_rate": f.secretary_rate(),
                })).collect::<Vec<_>>(),
                "attention": r.attention.iter().map(|v| serde_json::json!({
                    "code": v.code.to_string(),
                    "name": v.name,
                    "problems": v.problems(),
                })).collect::<Vec<_>>(),
                "attention_total": r.attention_total,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) {
                println!("{}\n", r.summary());
            }
            let total = format!("{}合计", r.area_name);
            let rows: Vec<Vec<String>> = r
                .by_area
                .iter()
                .map(|(c, n, f)| (*c, n.as_str(), f))
                .chain(std::iter::once((r.area, total.as_str(), &r.totals)))
                .map(|(code, name, f)| {
                    vec![
                        code.to_string(),
                        name.to_string(),
                        f.villages.to_string(),
                        f.members.to_string(),
                        f.first_secretaries.to_string(),
                        f.ex_poor_villages.to_string(),
                        f.ex_poor_with_secretary.to_string(),
                        f.secretary_rate(),
                        f.short_teams.to_string(),
                        f.beyond_term.to_string(),
                    ]
                })
                .collect();
            print_rows(
                &[
                    "code",
                    "name",
                    "villages",
                    "members",
                    "first_secretaries",
                    "ex_poor_villages",
                    "ex_poor_with_secretary",
                    "secretary_rate",
                    "short_teams",
                    "beyond_term",
                ],
                &[
                    "区划代码",
                    "区划",
                    "有工作队的村",
                    "在岗干部",
                    "第一书记",
                    "脱贫村",
                    "已选派第一书记",
                    "选派率",
                    "人数不足",
                    "期满未轮换",
                ],
                &rows,
                format,
            )?;
        }
    }
    Ok(if r.attention_total == 0 { 0 } else { 2 })
}

/// `work-teams phone-checks`: a month's calls per area under the area; exit status 2 when a
/// cadre was found away from their post.
pub async fn phone_checks(
    db: &str,
    area: Option<AreaCode>,
    month: Option<NaiveDate>,
    format: StatsFormat,
    out: Option<PathBuf>,
) -> Result<i32> {
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.phone_check_report(Scope::All, area, month).await?;
    app.close().await;
    if let Some(out) = &out {
        r.write_xlsx(out)?;
    }
    let total = format!("{}合计", r.area_name);
    let rows: Vec<Vec<String>> = r
        .by_area
        .iter()
        .map(|(c, n, f)| (*c, n.as_str(), f))
        .chain(std::iter::once((r.area, total.as_str(), &r.figures)))
        .map(|(code, name, f)| {
            vec![
                code.to_string(),
                name.to_string(),
                f.drawn.to_string(),
                f.in_post.to_string(),
                f.absent.to_string(),
                f.no_answer.to_string(),
                f.pending().to_string(),
                f.in_post_rate(),
            ]
        })
        .collect();
    if matches!(format, StatsFormat::Table) {
        println!("{}\n", r.summary());
    }
    print_rows(
        &[
            "code",
            "name",
            "drawn",
            "in_post",
            "absent",
            "no_answer",
            "pending",
            "in_post_rate",
        ],
        &zhenxing_app::phone_checks::FIGURE_HEADERS,
        &rows,
        format,
    )?;
    if let Some(out) = &out {
        eprintln!("已写出 {}", out.display());
    }
    Ok(if r.figures.absent == 0 { 0 } else { 2 })
}

/// `work-teams export`: the roster of a county or below as a workbook in the layout it is
/// imported in; ID numbers and phones masked unless `unmasked` (then it imports back unchanged).
pub async fn export(
    db: &str,
    area: Option<AreaCode>,
    day: Option<NaiveDate>,
    out: &Path,
    unmasked: bool,
) -> Result<i32> {
    crate::commands::xlsx_out(Some(out))?;
    let r = report(db, area, day).await?;
    if r.area.level() < zhenxing_domain::AreaLevel::County {
        anyhow::bail!("花名册按县（市、区）或以下导出：请用 --area 给出县级或以下的区划代码");
    }
    r.write_roster(out, unmasked)?;
    println!(
        "{}的{}名驻村干部已写入 {}{}",
        r.area_name,
        r.members.len(),
        out.display(),
        if unmasked {
            "（未脱敏）"
        } else {
            "（证件号码和电话已脱敏）"
        }
    );
    Ok(0)
}

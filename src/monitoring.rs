//! `zhenxing policy ...` and `zhenxing monitor ...`: the monitoring lifecycle where a batch or a
//! report makes sense at the command line.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use zhenxing_app::App;
use zhenxing_app::monitoring::Caller;
use zhenxing_app::monitoring::disaster::DisasterBatch;
use zhenxing_app::monitoring::policy::check_policy;
use zhenxing_domain::policy::{Counting, Policy};
use zhenxing_domain::{AreaCode, PolicyYear, today_in_china};
use zhenxing_ledger::write::write_error_report;

use crate::StatsFormat;

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Print the policy in force for a province and year, with its version.
    Show {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// Province code or its first two digits (62 = Gansu).
        #[arg(long)]
        province: String,
        #[arg(long)]
        year: u16,
        /// Print the whole file instead of the summary.
        #[arg(long)]
        full: bool,
    },
    /// Check an edited policy file; every problem is listed with its key and line.
    Check { file: PathBuf },
    /// Store a policy file as the next version of its province and year.
    Set {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        file: PathBuf,
        /// Why it changed (kept with the version).
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum MonitorCommand {
    /// Open cases past their due day in an area (every level above a late case sees it).
    Overdue {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        /// The day to judge on (default: today in China).
        #[arg(long)]
        today: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: u32,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// Households due for a visit under 六必访.
    VisitsDue {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: u32,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// The national data checks (DOMAIN §9) and plan findings of an area.
    Checks {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// Disaster inclusion: every row of a list (户编号 or 证件号码) becomes a clue and an
    /// identification case on the green channel. Exit status 2 when some rows were rejected.
    Disaster {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// CSV or xlsx with a 户编号 or 证件号码 column (风险类型, 灾害种类, 说明 optional).
        #[arg(long)]
        list: PathBuf,
        /// 灾害种类, e.g. 洪涝 (a row's own 灾害种类 wins).
        #[arg(long)]
        kind: String,
        /// The day of the disaster report (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Who reports it.
        #[arg(long, default_value = "县应急管理局")]
        source: String,
        /// Follow the general procedure instead of the green channel.
        #[arg(long)]
        no_green_channel: bool,
        /// Write rejected rows here (.csv or .xlsx).
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// The village public notice as xlsx (no ID number, phone, bank or health data).
    Notice {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        village: String,
        #[arg(long)]
        out: PathBuf,
    },
}

fn area(s: &str) -> Result<AreaCode> {
    AreaCode::parse(s).with_context(|| format!("区划代码“{s}”无效"))
}

fn day(s: Option<&str>) -> Result<NaiveDate> {
    match s {
        None => Ok(today_in_china()),
        Some(s) => zhenxing_domain::LedgerDate::parse(s)
            .ok()
            .filter(|d| !d.is_month())
            .map(|d| d.first_day())
            .with_context(|| format!("日期“{s}”无效（例：2022-05-03）")),
    }
}

async fn open(db: &str) -> Result<App> {
    let app = App::open(db).await?;
    if app.tree().await.is_empty() {
        bail!("数据库 {db} 中还没有区划，请先运行 zhenxing init --db {db}");
    }
    Ok(app)
}

fn summary(p: &Policy) -> String {
    let period = |x: zhenxing_domain::policy::Period| {
        format!(
            "{}个{}",
            x.days,
            match x.counting {
                Counting::Calendar => "自然日",
                Counting::Working => "工作日",
            }
        )
    };
    let d = &p.deadlines;
    let mut s = String::new();
    s.push_str(&format!("{}\n", p.title));
    if let Some(n) = &p.note {
        s.push_str(&format!("说明：{n}\n"));
    }
    s.push_str(&format!("监测范围（人均纯收入）：{}元\n", p.threshold));
    s.push_str(&format!(
        "期限：入户核实{}，比对{}，民主评议{}，公示不少于{}，乡镇审核{}，县级审批{}，全程{}（自{}起）\n",
        period(d.home_visit),
        period(d.comparison),
        period(d.village_review),
        period(p.notice),
        period(d.township_review),
        period(d.county_approval),
        period(d.whole),
        match d.whole_from {
            zhenxing_domain::policy::WholeFrom::Clue => "发现线索",
            zhenxing_domain::policy::WholeFrom::Visit => "入户核实",
        }
    ));
    s.push_str(&format!(
        "部门预警核实{}；识别后落实开发式措施{}\n",
        period(d.warning_verification),
        period(d.development_measure)
    ));
    s.push_str(&format!(
        "工作日历：节假日{}天，调休上班{}天\n",
        p.calendar.holidays().count(),
        p.calendar.workdays().count()
    ));
    let labels = |v: Vec<&str>| v.join("、");
    s.push_str(&format!(
        "六必访：{}（再访间隔{}）\n",
        labels(p.visit_triggers.iter().map(|t| t.label.as_str()).collect()),
        period(p.visit_interval)
    ));
    s.push_str(&format!(
        "六必查：{}\n",
        labels(p.visit_checks.iter().map(|c| c.label.as_str()).collect())
    ));
    s.push_str("七不消：\n");
    for (i, b) in p.blockers.iter().enumerate() {
        s.push_str(&format!("  {}. {}\n", i + 1, b.label));
    }
    s.push_str(&format!(
        "措施目录：{}类{}项；风险目录：{}项；绿色通道：{}\n",
        p.measure_categories.len(),
        p.measures.len(),
        p.risks.len(),
        p.green_channel_risks
    ));
    s.push_str(&format!(
        "脱贫村核查：未消除风险监测对象占比超过{}.{:02}%（分母：{}）\n",
        p.village_ratio.limit_basis_points / 100,
        p.village_ratio.limit_basis_points % 100,
        match p.village_ratio.denominator {
            zhenxing_domain::policy::RatioDenominator::RegisteredPopulation => "村户籍人口",
            zhenxing_domain::policy::RatioDenominator::RegistryPersons => "系统内建档人口",
        }
    ));
    s
}

/// Prints data-check findings (the monitoring checks, the registry check): a rule's label in
/// a table, its code in CSV and JSON (for scripts).
pub(crate) fn print_findings(
    findings: &[zhenxing_app::monitoring::checks::FindingRow],
    format: StatsFormat,
) -> Result<()> {
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                f.village.to_string(),
                f.village_name.clone(),
                f.household_no.to_string(),
                f.head_name.clone(),
                if matches!(format, StatsFormat::Table) {
                    f.label.to_string()
                } else {
                    f.rule.to_string()
                },
                f.detail.clone(),
            ]
        })
        .collect();
    print_rows(
        &[
            "village",
            "village_name",
            "household_no",
            "head_name",
            "rule",
            "detail",
        ],
        &["村代码", "村", "户编号", "户主", "问题", "说明"],
        &rows,
        format,
    )
}

/// Prints rows as an aligned table, CSV or JSON (objects keyed by `keys`).
pub(crate) fn print_rows(
    keys: &[&str],
    headers: &[&str],
    rows: &[Vec<String>],
    format: StatsFormat,
) -> Result<()> {
    match format {
        StatsFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record(keys)?;
            for r in rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        StatsFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut o = serde_json::Map::new();
                    for (k, v) in keys.iter().zip(r) {
                        o.insert((*k).into(), v.clone().into());
                    }
                    serde_json::Value::Object(o)
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        StatsFormat::Table => {
            let width =
                |s: &str| -> usize { s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum() };
            let widths: Vec<usize> = (0..headers.len())
                .map(|i| {
                    rows.iter()
                        .map(|r| r.get(i).map(|c| width(c)).unwrap_or(0))
                        .chain([width(headers[i])])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: Vec<&str>| {
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{c}{}", " ".repeat(widths[i].saturating_sub(width(c)))))
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            println!("{}", line(headers.to_vec()).trim_end());
            for r in rows {
                println!(
                    "{}",
                    line(r.iter().map(String::as_str).collect()).trim_end()
                );
            }
        }
    }
    Ok(())
}

pub async fn policy(command: PolicyCommand) -> Result<i32> {
    match command {
        PolicyCommand::Show {
            db,
            province,
            year,
            full,
        } => {
            let app = App::open(&db).await?;
            let province = area(&province)?;
            let year = PolicyYear::new(year).with_context(|| format!("年度 {year} 无效"))?;
            let p = app.policy_in_force(province, year).await?;
            let header = format!(
                "{}省{}年政策，版本：{}",
                p.policy.province.prefix(),
                p.policy.year,
                p.version_label()
            );
            if full {
                // The file alone on stdout, so it can be saved, edited and checked.
                eprintln!("{header}");
                print!("{}", p.content);
            } else {
                println!("{header}");
                print!("{}", summary(&p.policy));
            }
            Ok(0)
        }
        PolicyCommand::Check { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("读取 {}", file.display()))?;
            match check_policy(&text) {
                Ok(p) => {
                    println!(
                        "{} 检查通过：{}省{}年，监测范围{}元。",
                        file.display(),
                        p.province.prefix(),
                        p.year,
                        p.threshold
                    );
                    Ok(0)
                }
                Err(errors) => {
                    eprintln!("{} 有{}处错误：", file.display(), errors.len());
                    for e in errors {
                        eprintln!("  {e}");
                    }
                    Ok(2)
                }
            }
        }
        PolicyCommand::Set { db, file, note } => {
            let app = App::open(&db).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("读取 {}", file.display()))?;
            let stored = app
                .set_policy(&Caller::command_line(), &text, note.as_deref())
                .await?;
            println!(
                "已存为{}省{}年政策第{}版。",
                stored.policy.province.prefix(),
                stored.policy.year,
                stored.policy.version
            );
            Ok(0)
        }
    }
}

pub async fn monitor(command: MonitorCommand) -> Result<i32> {
    let caller = Caller::command_line();
    match command {
        MonitorCommand::Overdue {
            db,
            area: a,
            today,
            limit,
            format,
        } => {
            let app = open(&db).await?;
            let today = day(today.as_deref())?;
            let a = a.as_deref().map(area).transpose()?;
            let cases = app.overdue_cases(&caller, a, today, limit).await?;
            let tree = app.tree().await;
            let rows: Vec<Vec<String>> = cases
                .iter()
                .map(|c| {
                    let due = c.due.next().map(|d| d.to_string()).unwrap_or_default();
                    let late = c
                        .due
                        .next()
                        .map(|d| (today - d).num_days().to_string())
                        .unwrap_or_default();
                    vec![
                        c.id.to_string(),
                        c.village.to_string(),
                        tree.get(c.village)
                            .map(|d| d.name.clone())
                            .unwrap_or_default(),
                        c.household_no.to_string(),
                        c.head_name.clone(),
                        c.kind().label().to_string(),
                        c.state.stage.label().to_string(),
                        due,
                        late,
                    ]
                })
                .collect();
            print_rows(
                &[
                    "case",
                    "village",
                    "village_name",
                    "household_no",
                    "head_name",
                    "kind",
                    "stage",
                    "due",
                    "days_late",
                ],
                &[
                    "案件",
                    "村代码",
                    "村",
                    "户编号",
                    "户主",
                    "类型",
                    "环节",
                    "应办结",
                    "逾期天数",
                ],
                &rows,
                format,
            )?;
            if matches!(format, StatsFormat::Table) {
                if rows.len() as u32 >= limit {
                    println!(
                        "列出前{}件逾期（截至{today}）：已到 --limit 上限，可能还有更多。",
                        rows.len()
                    );
                } else {
                    println!("共{}件逾期（截至{today}）。", rows.len());
                }
            }
            Ok(0)
        }
        MonitorCommand::VisitsDue {
            db,
            area: a,
            today,
            limit,
            format,
        } => {
            let app = open(&db).await?;
            let today = day(today.as_deref())?;
            let a = a.as_deref().map(area).transpose()?;
            let (due, more) = app.due_for_visit(&caller, a, today, limit, None).await?;
            let rows: Vec<Vec<String>> = due
                .iter()
                .map(|d| {
                    vec![
                        d.village.to_string(),
                        d.household_no.to_string(),
                        d.head_name.clone(),
                        d.hits
                            .iter()
                            .map(|h| format!("{}（{}）", h.label, h.detail))
                            .collect::<Vec<_>>()
                            .join("；"),
                        d.last_visit.map(|v| v.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            print_rows(
                &[
                    "village",
                    "household_no",
                    "head_name",
                    "reasons",
                    "last_visit",
                ],
                &["村代码", "户编号", "户主", "六必访事由", "上次走访"],
                &rows,
                format,
            )?;
            if matches!(format, StatsFormat::Table) {
                if more.is_some() {
                    println!(
                        "列出前{}户应走访（截至{today}）：已到 --limit 上限，可能还有更多。",
                        rows.len()
                    );
                } else {
                    println!("共{}户应走访（截至{today}）。", rows.len());
                }
            }
            Ok(0)
        }
        MonitorCommand::Checks {
            db,
            area: a,
            today,
            format,
        } => {
            let app = open(&db).await?;
            let today = day(today.as_deref())?;
            let a = a.as_deref().map(area).transpose()?;
            let report = app.data_check_report(&caller, a, today).await?;
            if matches!(format, StatsFormat::Json) {
                println!("{}", serde_json::to_string_pretty(&report)?);
                return Ok(0);
            }
            if matches!(format, StatsFormat::Table) {
                println!(
                    "{}（{}）数据核查，截至{}：监测户{}户",
                    report.area_name, report.area, report.as_of, report.monitored_households
                );
                for t in &report.totals {
                    println!("  {}：{}户", t.label, t.households);
                }
                println!();
            }
            print_findings(&report.findings, format)?;
            Ok(0)
        }
        MonitorCommand::Disaster {
            db,
            list,
            kind,
            date,
            source,
            no_green_channel,
            errors,
        } => {
            let app = open(&db).await?;
            let batch = DisasterBatch {
                disaster_kind: kind,
                found_on: day(date.as_deref())?,
                source,
                green_channel: !no_green_channel,
            };
            let report = app.include_disaster_list(&caller, &list, &batch).await?;
            println!(
                "读取{}行：新纳入识别{}户，并入未办结线索{}户，已是监测对象（仅登记线索）{}户，拒绝{}行。",
                report.rows,
                report.opened,
                report.merged,
                report.recorded,
                report.errors.len()
            );
            for e in report.errors.iter().take(20) {
                eprintln!("{e}");
            }
            if let Some(path) = errors {
                write_error_report(&path, &report.errors)
                    .with_context(|| format!("写错误报告 {}", path.display()))?;
            }
            Ok(report.exit_code())
        }
        MonitorCommand::Notice { db, village, out } => {
            let app = open(&db).await?;
            let notice = app
                .export_public_notice(&caller, area(&village)?, &out)
                .await?;
            println!(
                "{}：{}户，已写入 {}",
                notice.title(),
                notice.rows.len(),
                out.display()
            );
            Ok(0)
        }
    }
}

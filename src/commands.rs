//! What each command does: parse its arguments into domain values, call the use case, print.

use std::path::Path;

use anyhow::{Context, Result, bail};
use zhenxing_app::App;
use zhenxing_app::export::{ExportLayout, ExportRequest};
use zhenxing_app::import::ImportRequest;
use zhenxing_app::store::Actor;
use zhenxing_app::synth::{Synth, SynthOptions};
use zhenxing_domain::{AreaCode, AreaLevel, Scope};
use zhenxing_ledger::LedgerKind;
use zhenxing_ledger::write::{
    CsvEncoding, CsvLedgerWriter, Disclosure, Layout, Out, XlsxLedgerWriter, household_row,
    member_row, person_row, write_error_report,
};

use crate::progress::Bars;
use crate::stats_cmd::{self, print_stats};
use crate::{Command, CsvEncodingArg, Depth, LayoutArg, StatsFormat};

fn area(s: &str) -> Result<AreaCode> {
    AreaCode::parse(s).with_context(|| format!("区划代码“{s}”无效"))
}

fn level(d: Depth) -> AreaLevel {
    match d {
        Depth::Province => AreaLevel::Province,
        Depth::City => AreaLevel::City,
        Depth::County => AreaLevel::County,
        Depth::Township => AreaLevel::Township,
        Depth::Village => AreaLevel::Village,
    }
}

fn encoding(e: CsvEncodingArg) -> CsvEncoding {
    match e {
        CsvEncodingArg::Utf8 => CsvEncoding::Utf8Bom,
        CsvEncodingArg::Gbk => CsvEncoding::Gbk,
    }
}

/// Opens a database that `init` has prepared.
/// Refuses an `--out` that does not name a workbook, before anything is read.
pub(crate) fn xlsx_out(out: Option<&Path>) -> Result<()> {
    if let Some(out) = out
        && !out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        bail!("--out 应为 .xlsx 文件：{}", out.display());
    }
    Ok(())
}

/// The area asked for, or the tree's first province when none was.
pub(crate) async fn area_or_root(app: &App, db: &str, area: Option<AreaCode>) -> Result<AreaCode> {
    let tree = app.tree().await;
    match area.or_else(|| tree.roots().first().copied()) {
        Some(a) => Ok(a),
        None => bail!("数据库 {db} 中没有区划"),
    }
}

pub(crate) async fn open(db: &str) -> Result<App> {
    prepared(App::open(db).await?, db).await
}

pub(crate) async fn prepared(app: App, db: &str) -> Result<App> {
    if app.tree().await.is_empty() {
        app.close().await;
        bail!("数据库 {db} 中还没有区划，请先运行 zhenxing init --db {db}");
    }
    Ok(app)
}

pub async fn run(command: Command) -> Result<i32> {
    match command {
        Command::Init {
            db,
            divisions,
            edition,
        } => {
            let app = App::open(&db).await?;
            let n = app.load_divisions(divisions.as_deref(), edition).await?;
            println!("数据库 {db} 已就绪，载入区划 {n} 个。");
            Ok(0)
        }
        Command::Migrate { db } => {
            App::open(&db).await?;
            println!("数据库 {db} 的结构已是最新。");
            Ok(0)
        }
        Command::Import {
            db,
            households,
            members,
            errors,
            rejected_rows,
            area: only,
        } => {
            let scope = match only {
                Some(a) => Scope::Area(area(&a)?),
                None => Scope::All,
            };
            let req = ImportRequest {
                households,
                members,
                actor: Actor::command_line(),
                scope,
            };
            // A ledger import expects the database to itself (a rollback journal while nobody
            // else has it open: each page written once); closed, it is WAL again.
            let app = prepared(App::open_alone(&db).await?, &db).await?;
            let report = app.import(&req, &Bars::default()).await;
            app.close().await;
            let report = report?;
            let c = &report.counts;
            println!(
                "读取{}行：户 新增{} 更新{} 未变{}；成员 新增{} 更新{} 未变{}；拒绝{}行。",
                report.rows,
                c.households_inserted,
                c.households_updated,
                c.households_unchanged,
                c.members_inserted,
                c.members_updated,
                c.members_unchanged,
                c.rejected
            );
            if c.households_dissolved > 0 {
                println!(
                    "销户{}户（整户死亡、迁出、并户等：其成员随之减少，该户留存其历史与监测记录，不再计入统计）。",
                    c.households_dissolved
                );
            }
            if c.members_removed > 0 {
                println!(
                    "减少成员{}人（死亡、婚出、迁出等：已移出所在户，留存于变更历史）。",
                    c.members_removed
                );
            }
            if report.notes > 0 {
                println!(
                    "另有合计、签名等说明行{}行，不是农户数据，未导入。",
                    report.notes
                );
            }
            for e in report.errors.kept().iter().take(20) {
                eprintln!("{e}");
            }
            if report.errors.total() > 20 {
                eprintln!("……另有{}条错误", report.errors.total() - 20);
            }
            if report.errors.not_kept() > 0 {
                eprintln!(
                    "错误过多：只保留了最先发现的{}条明细，其余{}条按原因汇总如下（多半是整个文件的问题：不属于本辖区、选错了文件或列）：",
                    report.errors.kept().len(),
                    report.errors.not_kept()
                );
                for k in report.errors.kinds() {
                    eprintln!("  {}「{}」{}：{}条", k.file, k.column, k.example, k.count);
                }
            }
            if let Some(path) = errors {
                write_error_report(&path, report.errors.kept())
                    .with_context(|| format!("写错误报告 {}", path.display()))?;
                if !report.errors.is_empty() {
                    println!("错误明细已写入 {}", path.display());
                }
            }
            if let Some(out) = rejected_rows.filter(|_| !report.errors.is_empty()) {
                let n = zhenxing_app::import::write_rejected_rows(&req, &report, &out)?;
                println!(
                    "未导入的{n}行已原样写入 {}（附未导入原因），改正后可直接导入该文件",
                    out.display()
                );
            }
            if let (Some(id), false) = (report.import_id, report.errors.is_empty()) {
                println!(
                    "第{id}次导入；错误明细随导入保存，可再取：zhenxing imports --import {id} --errors 错误.xlsx"
                );
            }
            Ok(report.exit_code())
        }
        Command::Imports { db, import, errors } => {
            let app = open(&db).await?;
            if let (Some(id), Some(out)) = (import, errors) {
                let n = app.export_import_problems(Scope::All, id, &out).await?;
                println!("第{id}次导入的错误明细{n}条，已写入 {}", out.display());
                return Ok(0);
            }
            println!(
                "编号\t时间\t操作人\t范围\t文件\t户新增\t户更新\t成员新增\t成员更新\t拒绝行\t错误明细"
            );
            for r in app.imports(Scope::All, 200).await? {
                let c = &r.counts;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    zhenxing_app::browse::china_time(&r.started_at),
                    r.actor,
                    r.scope
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "全部".into()),
                    r.files(),
                    c.households_inserted,
                    c.households_updated,
                    c.members_inserted,
                    c.members_updated,
                    c.rejected,
                    r.problems
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "-".into()),
                );
            }
            Ok(0)
        }
        Command::Export {
            db,
            area: a,
            out,
            unmasked,
            encoding: enc,
            layout,
        } => {
            let app = open(&db).await?;
            let req = ExportRequest {
                layout: match layout {
                    LayoutArg::Ledgers => ExportLayout::Ledgers,
                    LayoutArg::Persons => ExportLayout::Persons,
                },
                scope: Scope::All,
                area: area(&a)?,
                out,
                disclosure: if unmasked {
                    Disclosure::Whole
                } else {
                    Disclosure::Masked
                },
                csv_encoding: encoding(enc),
            };
            let result = app.export(&req, &Bars::default()).await?;
            println!("导出户{}户、成员{}人：", result.households, result.members);
            for f in result.files {
                println!("  {}", f.display());
            }
            Ok(0)
        }
        Command::Stats {
            db,
            area: a,
            depth,
            format,
            as_of,
            check,
            over_ratio,
        } => {
            let app = open(&db).await?;
            let root = a.as_deref().map(area).transpose()?;
            stats_cmd::stats(
                &app,
                root,
                level(depth),
                format,
                as_of.as_deref(),
                check,
                over_ratio,
            )
            .await
        }
        Command::Report {
            db,
            area: a,
            out,
            as_of,
            issue,
            id,
        } => {
            let app = open(&db).await?;
            stats_cmd::report(&app, area(&a)?, &out, as_of.as_deref(), issue, id).await
        }
        Command::ExPoorVillages { db, file, unset } => {
            let app = open(&db).await?;
            stats_cmd::ex_poor_villages(&app, &file, !unset).await
        }
        Command::Backup { db, out } => {
            let app = App::open(&db).await?;
            app.store().backup(&out).await?;
            println!("已备份到 {}", out.display());
            Ok(0)
        }
        Command::Restore { from, db, force } => restore(&from, &db, force).await,
        Command::Audit {
            command: crate::AuditCommand::Verify { db },
        } => {
            let app = App::open(&db).await?;
            let check = app.verify_audit().await?;
            match (check.broken_at, check.head_mismatch) {
                (None, None) => {
                    println!("审计日志完整：{} 条记录，哈希链无误。", check.entries);
                    Ok(0)
                }
                (Some(seq), _) => {
                    eprintln!(
                        "审计日志第{seq}条被改动或删除（此前{}条无误）。",
                        check.entries
                    );
                    Ok(1)
                }
                (None, Some((head, last))) => {
                    eprintln!("审计日志的末尾被截去：链头记录到第{head}条，日志只到第{last}条。");
                    Ok(1)
                }
            }
        }
        Command::RegistryCheck {
            db,
            area: a,
            format,
            out,
        } => {
            let a = a.as_deref().map(area).transpose()?;
            crate::registry_check::run(&db, a, format, out).await
        }
        Command::Relocation {
            db,
            area: a,
            format,
            out,
        } => {
            let a = a.as_deref().map(area).transpose()?;
            crate::relocation::run(&db, a, format, out).await
        }
        Command::Employment {
            db,
            area: a,
            format,
            targets,
            errors,
            out,
            targets_out,
        } => {
            let a = a.as_deref().map(area).transpose()?;
            crate::employment::run(
                &db,
                a,
                format,
                crate::employment::Files {
                    targets,
                    errors,
                    out,
                    targets_out,
                },
            )
            .await
        }
        Command::KeyCounties {
            db,
            file,
            area: a,
            format,
        } => {
            let a = a.as_deref().map(area).transpose()?;
            crate::key_counties::run(&db, file, a, format).await
        }
        Command::Loans { command } => match command {
            crate::LoansCommand::Import { db, file, errors } => {
                crate::loans::import(&db, &file, errors).await
            }
            crate::LoansCommand::Stats {
                db,
                area: a,
                date,
                format,
                out,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                crate::loans::stats(&db, a, date, format, out).await
            }
        },
        Command::WorkTeams { command } => match command {
            crate::WorkTeamsCommand::Import { db, file, errors } => {
                crate::work_teams::import(&db, &file, errors).await
            }
            crate::WorkTeamsCommand::Stats {
                db,
                area: a,
                date,
                format,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                let day = crate::commands::day_arg(date.as_deref())?;
                crate::work_teams::stats(&db, a, day, format).await
            }
            crate::WorkTeamsCommand::PhoneChecks {
                db,
                area: a,
                month,
                format,
                out,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                let month = match month.as_deref() {
                    None => None,
                    Some(m) => match zhenxing_domain::LedgerDate::parse(m) {
                        Ok(d) => Some(d.first_day()),
                        Err(_) => anyhow::bail!("--month 应为月份，如 2026-12：{m}"),
                    },
                };
                crate::work_teams::phone_checks(&db, a, month, format, out).await
            }
            crate::WorkTeamsCommand::Export {
                db,
                area: a,
                date,
                out,
                unmasked,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                let day = crate::commands::day_arg(date.as_deref())?;
                crate::work_teams::export(&db, a, day, &out, unmasked).await
            }
        },
        Command::Cooperation { command } => match command {
            crate::LedgerCommand::Import { db, file, errors } => {
                crate::cooperation::import(&db, &file, errors).await
            }
            crate::LedgerCommand::Stats {
                db,
                area: a,
                year,
                format,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                crate::cooperation::stats(&db, a, year, format).await
            }
            crate::LedgerCommand::Export {
                db,
                area: a,
                year,
                out,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                crate::cooperation::export(&db, a, year, &out).await
            }
        },
        Command::Projects { command } => match command {
            crate::LedgerCommand::Import { db, file, errors } => {
                crate::projects::import(&db, &file, errors).await
            }
            crate::LedgerCommand::Stats {
                db,
                area: a,
                year,
                format,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                crate::projects::stats(&db, a, year, format).await
            }
            crate::LedgerCommand::Export {
                db,
                area: a,
                year,
                out,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                crate::projects::export(&db, a, year, &out).await
            }
        },
        Command::Construction { command } => match command {
            crate::ConstructionCommand::Import { db, file, errors } => {
                crate::construction::import(&db, &file, errors).await
            }
            crate::ConstructionCommand::Stats {
                db,
                area: a,
                year,
                format,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                crate::construction::stats(&db, a, year, format).await
            }
            crate::ConstructionCommand::Export {
                db,
                area: a,
                year,
                out,
                figures,
            } => {
                let a = a.as_deref().map(area).transpose()?;
                crate::construction::export(&db, a, year, &out, figures).await
            }
        },
        Command::Check { db } => {
            let app = App::open(&db).await?;
            app.store().check_integrity().await?;
            println!("数据库 {db} 完整。");
            Ok(0)
        }
        Command::Demo {
            db,
            households,
            seed,
            no_serve,
            listen,
        } => demo(&db, households, seed, (!no_serve).then_some(listen)).await,
        Command::Serve { db, listen, https } => {
            let app = open(&db).await?;
            crate::users::serve(app, listen, https).await
        }
        Command::User { action } => crate::users::run(action).await,
        Command::Policy { command } => crate::monitoring::policy(command).await,
        Command::Monitor { command } => crate::monitoring::monitor(command).await,
        Command::Screen {
            db,
            kind,
            file,
            report,
            area: only,
            date,
            source,
            format,
        } => {
            crate::screening::screen(crate::screening::ScreenArgs {
                db,
                kind,
                file,
                report,
                area: only,
                date,
                source,
                format,
            })
            .await
        }
        Command::ScreenResults {
            db,
            batch,
            area: a,
            out,
            unmasked,
            left_out,
        } => crate::screening::results(&db, batch, a.as_deref(), out, unmasked, left_out).await,
        Command::Generate {
            out,
            households,
            seed,
            area: a,
            format,
            encoding: enc,
            layout,
        } => generate(
            &out,
            households,
            seed,
            a.as_deref(),
            (&format, encoding(enc), matches!(layout, LayoutArg::Persons)),
        ),
    }
}

/// Checks a SQLite backup, then puts it in place of `db` (via a temporary file and a rename, so
/// a failure leaves the old database as it was).
async fn restore(from: &Path, db: &str, force: bool) -> Result<i32> {
    if db.contains("://") && !db.starts_with("sqlite://") {
        bail!(
            "PostgreSQL 的备份请用 pg_restore 恢复：pg_restore --dbname {db} {}",
            from.display()
        );
    }
    let target = Path::new(db.strip_prefix("sqlite://").unwrap_or(db));
    if target.exists() && !force {
        bail!("{} 已存在；确认要替换它请加 --force", target.display());
    }
    let staging = target.with_extension("restoring");
    std::fs::copy(from, &staging).with_context(|| format!("复制 {}", from.display()))?;
    let checked = async {
        let app = App::open(&staging.to_string_lossy()).await?;
        app.store().check_integrity().await?;
        anyhow::Ok(())
    }
    .await;
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&staging);
        return Err(e.context(format!("{} 不是完好的备份", from.display())));
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", staging.display()));
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    std::fs::rename(&staging, target).with_context(|| format!("替换 {}", target.display()))?;
    println!("已从 {} 恢复到 {}", from.display(), target.display());
    Ok(0)
}

async fn demo(
    db: &str,
    households: u64,
    seed: u64,
    listen: Option<std::net::SocketAddr>,
) -> Result<i32> {
    let path = Path::new(db);
    if path.exists() {
        let existing = App::open(db).await?;
        if existing.store().meta("demo").await?.as_deref() != Some("1") {
            bail!("{db} 不是演示数据库，为免覆盖真实数据，请用 --db 指定另一个文件");
        }
        // Every connection must be closed before the files go: SQLite removes `-wal` by name
        // when its last connection closes, and that would be the new database's by then.
        existing.close().await;
        drop(existing);
        // The pools' close returns before each connection's thread has closed its handle; the
        // last one to close checkpoints and deletes `-wal`. Wait for that before anything of the
        // new database exists (seen in CI: the new database's `-wal` deleted under it).
        let wal = format!("{db}-wal");
        for _ in 0..200 {
            if !Path::new(&wal).exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = format!("{db}{suffix}");
            if Path::new(&p).exists() {
                std::fs::remove_file(&p).with_context(|| format!("删除旧的演示数据库 {p}"))?;
            }
        }
    }
    let app = App::open(db).await?;
    app.store().set_meta("demo", "1").await?;
    let n = app.load_divisions(None, None).await?;
    println!("演示数据库 {db}：载入甘肃省区划 {n} 个（2023 年版）。");
    let counts = app
        .add_synthetic(
            &SynthOptions::new(households, seed),
            &Actor {
                user_id: None,
                name: "演示数据".into(),
            },
            &Bars::default(),
        )
        .await?;
    println!(
        "生成农户 {} 户、成员 {} 人（种子 {seed}）。\n",
        counts.households_inserted, counts.members_inserted
    );
    stats_cmd::mark_demo_ex_poor_villages(&app).await?;
    let flaws = app.add_demo_registry_flaws(seed).await?;
    let work = app
        .add_demo_work(
            zhenxing_domain::today_in_china(),
            seed,
            (households / 10).min(300) as usize,
        )
        .await?;
    if work.policies > 0 {
        println!(
            "本年度尚无政策文件：已沿用最近一年的甘肃省政策参数 {} 份（见“政策参数”页，请核对）。",
            work.policies
        );
    }
    println!(
        "演示监测工作：识别案件 {} 件（已审批纳入 {} 户，其余在办），帮扶计划 {} 户。\n",
        work.cases, work.approved, work.plans
    );
    if let Some(s) = app
        .add_demo_screening(zhenxing_domain::today_in_china(), seed)
        .await?
    {
        println!(
            "演示部门筛查（县医疗保障局医保结算数据）：{} 行，匹配到户 {} 行，新登记预警线索 {} 条，并入已有线索或登记给监测户 {} 条，未匹配 {} 行（其中姓名与登记不一致 {} 行），无法读取 {} 行（见“部门筛查”页）。\n",
            s.rows, s.matched, s.created, s.attached, s.unmatched, s.names_differ, s.rejected
        );
    }
    if let Some((no, d)) = &flaws.closed {
        println!(
            "演示销户：户{no}（{}，{}），见农户名单“已销户”。\n",
            d.reason.label(),
            d.on.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    if let Some(county) = flaws.county {
        let r = app
            .registry_check(Scope::All, county, Some(0), &zhenxing_app::NoProgress)
            .await?;
        let rules: Vec<String> = r
            .totals
            .iter()
            .filter(|t| t.households > 0)
            .map(|t| format!("{}{}户", t.label, t.households))
            .collect();
        println!(
            "演示户籍信息核查（{}）：核查{}户{}人，{}户有问题（{}；见区划页“户籍信息核查”）。\n",
            r.area_name,
            r.households,
            r.members,
            r.households_with_findings,
            rules.join("，")
        );
        let projects = app
            .add_demo_projects(county, zhenxing_domain::today_in_china(), seed)
            .await?;
        println!(
            "演示衔接资金项目：{}（见“衔接资金项目”页）。\n",
            projects.summary()
        );
        let construction = app
            .add_demo_construction(county, zhenxing_domain::today_in_china(), seed)
            .await?;
        println!(
            "演示{}（见“重点工作 · 乡村建设”页）。\n",
            construction.summary()
        );
        let teams = app
            .add_demo_work_teams(county, zhenxing_domain::today_in_china(), seed)
            .await?;
        println!(
            "演示驻村工作队：{}（见“重点工作 · 驻村工作队”页）。\n",
            teams.summary()
        );
        let cooperation = app
            .add_demo_cooperation(county, zhenxing_domain::today_in_china())
            .await?;
        println!(
            "演示协作帮扶（帮扶方为演示名称）：{}（见“重点工作 · 协作帮扶”页）。\n",
            cooperation.summary()
        );
        let employment = app.add_demo_employment_targets(county).await?;
        println!(
            "演示务工就业目标：{}（见“重点工作 · 务工就业”页）。\n",
            employment.summary()
        );
        let loans = app
            .add_demo_loans(county, zhenxing_domain::today_in_china(), seed)
            .await?;
        println!("演示{}（见“小额信贷”页）。\n", loans.summary());
        let posts = app
            .add_demo_posts(county, zhenxing_domain::today_in_china())
            .await?;
        println!("演示政策动态：{posts}篇（见“政策动态”页）。\n");
        let key = app.add_demo_key_counties(county).await?;
        let tree = app.tree().await;
        let names: Vec<String> = key
            .iter()
            .map(|(c, k)| format!("{}（{}）", tree.name(*c).unwrap_or_default(), k.short()))
            .collect();
        drop(tree);
        println!(
            "演示重点帮扶县名单（仅供演示，不是正式名单；正式名单用 zhenxing key-counties --file 导入）：{}，见“统计”页。\n",
            names.join("、")
        );
    }
    let rows = app.stats(Scope::All, None, AreaLevel::City, None).await?;
    print_stats(&rows, StatsFormat::Table)?;
    println!("\n查看某县各乡村：zhenxing stats --db {db} --area 620102 --depth village");
    let users = crate::users::demo_users(&app).await?;
    let mut people = Vec::new();
    for name in ["cun", "duiyuan"] {
        let u = app
            .user_by_name(zhenxing_app::users::Manager::CommandLine, name)
            .await?;
        people.push((u.id, u.area));
    }
    let today = zhenxing_domain::today_in_china();
    let attendance = app.add_demo_attendance(&people, today, seed).await?;
    // The team member's account on the roster of their village (its 系统账号).
    let linked = match people.last() {
        Some((_, village)) => {
            app.link_demo_accounts(&[("duiyuan".to_string(), *village)], today, seed)
                .await?
        }
        None => 0,
    };
    println!(
        "演示驻村考勤：本月签到{}人次，工作纪实{}篇，待审批的请假申请{}件，花名册中关联签到账号{}人（见“重点工作 · 驻村考勤”“工作纪实”和“驻村工作队”页，用乡镇账号审批）。\n",
        attendance.checkins, attendance.work_logs, attendance.leave_requests, linked
    );
    let tree = app.tree().await;
    println!("\n演示账号（每次运行重新生成密码）：");
    for (name, role, area, password) in &users {
        println!(
            "  {name:<10} {password:<14} {}（{}）",
            role.label(),
            tree.name(*area).unwrap_or("")
        );
    }
    match listen {
        None => Ok(0),
        Some(listen) => crate::users::serve(app, listen, false).await,
    }
}

fn generate(
    out: &Path,
    households: u64,
    seed: u64,
    only: Option<&str>,
    (format, enc, persons): (&str, CsvEncoding, bool),
) -> Result<i32> {
    let tree = zhenxing_domain::DivisionTree::build(zhenxing_app::divisions::parse_divisions(
        zhenxing_app::divisions::GANSU_2023,
    )?)
    .context("区划")?;
    let mut opts = SynthOptions::new(households, seed);
    opts.area = only.map(area).transpose()?;
    std::fs::create_dir_all(out).with_context(|| format!("创建目录 {}", out.display()))?;
    let names = |v: AreaCode| {
        let mut n = zhenxing_ledger::write::AreaNames::default();
        for d in tree.path(v) {
            match d.level {
                AreaLevel::Province => n.province = d.name.clone(),
                AreaLevel::City => n.city = d.name.clone(),
                AreaLevel::County => n.county = d.name.clone(),
                AreaLevel::Township => n.township = d.name.clone(),
                AreaLevel::Village => n.village = d.name.clone(),
            }
        }
        n
    };
    let (mut h_rows, mut m_rows) = (Vec::new(), Vec::new());
    // One row a person: each household's rows (a household has at least its head).
    let mut p_rows: Vec<Vec<Vec<Out>>> = Vec::new();
    for (h, ms) in Synth::new(&tree, &opts) {
        let cells = household_row(&h, &names(h.village), Disclosure::Whole);
        if persons {
            p_rows.push(
                ms.iter()
                    .map(|m| person_row(&cells, Some(member_row(m, Disclosure::Whole))))
                    .collect(),
            );
        }
        h_rows.push(cells);
        m_rows.extend(ms.iter().map(|m| member_row(m, Disclosure::Whole)));
    }
    let files = if persons {
        if format == "xlsx" {
            let mut w =
                XlsxLedgerWriter::create(&out.join("ledger.xlsx"), "生成的演示台账（一表式）");
            w.begin(Layout::Persons)?;
            for rows in &p_rows {
                w.rows_together(rows)?;
            }
            vec![w.finish()?]
        } else {
            let mut w = CsvLedgerWriter::create(&out.join("persons.csv"), Layout::Persons, enc)?;
            for r in p_rows.iter().flatten() {
                w.row(r)?;
            }
            vec![w.finish()?]
        }
    } else if format == "xlsx" {
        let path = out.join("ledger.xlsx");
        let mut w = XlsxLedgerWriter::create(&path, "生成的演示台账");
        w.begin(LedgerKind::Households)?;
        for r in &h_rows {
            w.row(r)?;
        }
        w.begin(LedgerKind::Members)?;
        for r in &m_rows {
            w.row(r)?;
        }
        vec![w.finish()?]
    } else {
        let mut files = Vec::new();
        for (kind, name, rows) in [
            (LedgerKind::Households, "households.csv", &h_rows),
            (LedgerKind::Members, "members.csv", &m_rows),
        ] {
            let mut w = CsvLedgerWriter::create(&out.join(name), kind, enc)?;
            for r in rows {
                w.row(r)?;
            }
            files.push(w.finish()?);
        }
        files
    };
    println!("生成户 {} 户、成员 {} 人：", h_rows.len(), m_rows.len());
    for f in files {
        println!("  {}", f.display());
    }
    Ok(0)
}

/// A `--date` argument: a day such as 2025-06-30 (`None`: today).
pub fn day_arg(date: Option<&str>) -> anyhow::Result<Option<chrono::NaiveDate>> {
    match date {
        None => Ok(None),
        Some(d) => match zhenxing_domain::LedgerDate::parse(d) {
            Ok(zhenxing_domain::LedgerDate::Day(d)) => Ok(Some(d)),
            _ => anyhow::bail!("--date 应为日期，如 2025-06-30：{d}"),
        },
    }
}

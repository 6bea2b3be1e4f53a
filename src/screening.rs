//! `zhenxing screen` (a department file screened against the registry) and `zhenxing
//! screen-results` (the batches, one batch's results for an area as xlsx, or the rows of its
//! file it left out).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::ValueEnum;
use zhenxing_app::App;
use zhenxing_app::monitoring::Caller;
use zhenxing_app::monitoring::screening::ScreeningRequest;
use zhenxing_domain::{AreaCode, today_in_china};
use zhenxing_ledger::write::{Disclosure, write_error_report_from};

#[derive(Clone, Copy, ValueEnum)]
pub enum ScreenFormat {
    Table,
    /// `{"rows":..,"matched":..,"created":..,"attached":..,"unmatched":..}`
    Json,
}

/// The arguments of `zhenxing screen`.
pub struct ScreenArgs {
    pub db: String,
    pub kind: String,
    pub file: PathBuf,
    pub report: Option<PathBuf>,
    pub area: Option<String>,
    pub date: Option<String>,
    pub source: Option<String>,
    pub format: ScreenFormat,
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
            .with_context(|| format!("日期“{s}”无效（例：2025-05-03）")),
    }
}

pub async fn screen(a: ScreenArgs) -> Result<i32> {
    let req = ScreeningRequest {
        kind: a.kind,
        file: a.file,
        area: a.area.as_deref().map(area).transpose()?,
        found_on: day(a.date.as_deref())?,
        source: a.source,
    };
    // Like a ledger import, a screening's batch is written through a rollback journal while
    // the command has the database alone (`Sharing::Alone`).
    let app = crate::commands::prepared(App::open_alone(&a.db).await?, &a.db).await?;
    let report = app
        .screen_reporting(
            &Caller::command_line(),
            &req,
            &crate::progress::Bars::default(),
        )
        .await;
    app.close().await;
    let report = report?;
    let c = report.counts;
    match a.format {
        ScreenFormat::Json => println!(
            "{{\"rows\":{},\"matched\":{},\"created\":{},\"attached\":{},\"unmatched\":{}}}",
            c.rows, c.matched, c.created, c.attached, c.unmatched
        ),
        ScreenFormat::Table => {
            let s = &report.screening;
            println!(
                "读取{}行：匹配{}行（{}户），未匹配{}行，无法读取{}行。",
                c.rows, c.matched, c.households, c.unmatched, c.rejected
            );
            let differ = report.problems.names_differ();
            if differ > 0 {
                println!(
                    "未匹配的行中，{differ}行的姓名与户籍信息中该证件号码登记的姓名不一致（证件号码或姓名可能填错，见报告）。"
                );
            }
            if report.notes > 0 {
                println!("另有合计、签名等说明行{}行，未筛查。", report.notes);
            }
            println!(
                "达到预警规则{}户：新线索（进入识别）{}户，附加证据{}户，与此前批次相同未重复登记{}户。",
                c.hits, c.created, c.attached, c.repeated
            );
            println!("规则：{}；批次编号{}。", s.rule, s.id);
            let t = report.timings;
            println!(
                "用时：读取并匹配{:.2}秒（其中读取{:.2}秒，同时进行），判断{:.2}秒，写入{:.2}秒。",
                t.read_and_match_s, t.read_s, t.judge_s, t.write_s
            );
        }
    }
    for e in report.problems.iter().take(20) {
        eprintln!("{e}");
    }
    if report.problems.len() > 20 {
        eprintln!("……另有{}条", report.problems.len() - 20);
    }
    if let Some(path) = a.report {
        write_error_report_from(&path, report.problems.iter())
            .with_context(|| format!("写报告 {}", path.display()))?;
        if !report.problems.is_empty() && matches!(a.format, ScreenFormat::Table) {
            println!("未匹配和无法读取的行已写入 {}", path.display());
        }
    }
    Ok(report.exit_code())
}

/// `zhenxing screen-results`: the batches, or one batch's results for an area as xlsx.
pub async fn results(
    db: &str,
    batch: Option<i64>,
    area_arg: Option<&str>,
    out: Option<PathBuf>,
    unmasked: bool,
    left_out: bool,
) -> Result<i32> {
    let app = crate::commands::open(db).await?;
    let caller = Caller::command_line();
    let Some(id) = batch else {
        println!("批次\t日期\t类别\t文件\t地区\t行数\t匹配\t新线索\t附加\t重复\t未纳入\t政策");
        for s in app.screenings(&caller, 100).await? {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                s.id,
                s.found_on,
                s.kind_label,
                s.file_name,
                s.area
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "全部".into()),
                s.counts.rows,
                s.counts.matched,
                s.counts.created,
                s.counts.attached,
                s.counts.repeated,
                s.problems
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "-".into()),
                s.policy
            );
        }
        return Ok(0);
    };
    let Some(out) = out else {
        bail!("请用 --out 指定导出文件（.xlsx）");
    };
    if left_out {
        let n = app.export_screening_problems(&caller, id, &out).await?;
        println!("批次{id}未纳入的行{n}条，已写入 {}", out.display());
        return Ok(0);
    }
    let root = match area_arg {
        Some(a) => area(a)?,
        None => match app.tree().await.roots().as_slice() {
            [one] => *one,
            _ => bail!("请用 --area 指定地区"),
        },
    };
    let disclosure = if unmasked {
        Disclosure::Whole
    } else {
        Disclosure::Masked
    };
    let n = app
        .export_screening_results(&caller, id, root, &out, disclosure)
        .await?;
    println!("批次{id}在{root}的结果{n}户，已写入 {}", out.display());
    Ok(0)
}

//! `zhenxing loans import|stats`: the ledger of 脱贫人口小额信贷 and 富民贷 and the loans of an
//! area as of a day, per product.

use std::path::{Path, PathBuf};

use anyhow::Result;
use zhenxing_app::store::Actor;
use zhenxing_domain::{AreaCode, Scope};

use crate::StatsFormat;
use crate::commands::open;
use crate::monitoring::print_rows;

/// `loans import`: exit status 0 when every row was taken, 2 when some were refused, 1 when the
/// file is no loans ledger (nothing written).
pub async fn import(db: &str, file: &Path, errors: Option<PathBuf>) -> Result<i32> {
    let app = open(db).await?;
    let report = app
        .import_loans_in(&Actor::command_line(), Scope::All, file, None)
        .await?;
    crate::projects::tell_import(&report.summary(), &report.errors, errors)?;
    app.close().await;
    Ok(report.exit_code())
}

/// `loans stats`: the loans of the area and of each area under it as of a day; with `out`, the
/// loans overdue and outside the policy's cover as a workbook (ID numbers masked).
pub async fn stats(
    db: &str,
    area: Option<AreaCode>,
    date: Option<String>,
    format: StatsFormat,
    out: Option<PathBuf>,
) -> Result<i32> {
    crate::commands::xlsx_out(out.as_deref())?;
    let as_of = crate::commands::day_arg(date.as_deref())?;
    let app = open(db).await?;
    let area = crate::commands::area_or_root(&app, db, area).await?;
    let r = app.loan_report(Scope::All, area, as_of, None).await?;
    app.close().await;
    if let Some(out) = &out {
        r.write_xlsx(out)?;
    }
    match format {
        StatsFormat::Json => println!("{}", serde_json::to_string_pretty(&r)?),
        StatsFormat::Table | StatsFormat::Csv => {
            if matches!(format, StatsFormat::Table) {
                println!("{}\n", r.summary());
            }
            let row = |code: &AreaCode, name: &str, f: &zhenxing_domain::loan::LoanFigures| {
                vec![
                    code.to_string(),
                    name.to_string(),
                    f.loans.to_string(),
                    f.amount.yuan_string(),
                    f.outstanding.to_string(),
                    f.balance.yuan_string(),
                    f.households_owing.to_string(),
                    f.overdue.to_string(),
                    f.overdue_balance.yuan_string(),
                    f.overdue_rate(),
                    f.not_covered.to_string(),
                ]
            };
            let mut rows: Vec<Vec<String>> =
                r.by_area.iter().map(|(c, n, f)| row(c, n, f)).collect();
            rows.push(row(&r.area, &format!("{}合计", r.area_name), &r.totals));
            print_rows(
                &[
                    "code",
                    "name",
                    "loans",
                    "amount_yuan",
                    "outstanding",
                    "balance_yuan",
                    "households_owing",
                    "overdue",
                    "overdue_balance_yuan",
                    "overdue_rate",
                    "not_covered",
                ],
                &[
                    "区划代码",
                    "区划",
                    "累计笔数",
                    "累计金额（元）",
                    "未结清笔数",
                    "贷款余额（元）",
                    "有贷款户",
                    "逾期笔数",
                    "逾期金额（元）",
                    "逾期率",
                    "支持对象以外",
                ],
                &rows,
                format,
            )?;
            if let Some(out) = &out {
                println!(
                    "逾期贷款、支持对象以外和超出额度或期限的贷款已写入 {}",
                    out.display()
                );
            }
        }
    }
    Ok(0)
}

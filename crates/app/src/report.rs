//! Dispatch reports (调度): a dated snapshot of an area's figures at every level below it, with
//! the verification list; frozen once issued, compared with the previous one, exported to xlsx
//! with one sheet per level.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};
use zhenxing_domain::stats::{
    AreaFigures, BasisPoints, COUNT_FIELDS, Counts, VillageOverRatio, Work,
};
use zhenxing_domain::{AreaCode, AreaLevel, Scope, today_in_china};
use zhenxing_store::{Actor, ReportMeta};

use crate::{App, AppError};

/// The content of a report, as kept when issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportContent {
    pub area: AreaCode,
    pub area_name: String,
    pub as_of: NaiveDate,
    pub rows: Vec<ReportRow>,
    pub ratio_basis_points: u32,
    pub only_ex_poor_villages: bool,
    pub over_ratio: Vec<OverRatioRow>,
    /// 务工就业 of the area and of each area directly under it, counted when the report was
    /// built: only a report as of today has it (the registry keeps members' employment as it
    /// is now, not day by day), and an issued one keeps it. Absent from older reports.
    #[serde(default)]
    pub employment: Option<ReportEmployment>,
}

/// The employment section of a report (脱贫人口务工就业 against the counties' annual targets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEmployment {
    /// The year of the targets.
    pub year: u16,
    /// Whether monitoring objects count toward the target (the policy's `[employment]`).
    pub target_includes_monitored: bool,
    /// The report's area first, then each area directly under it with labour or a target.
    pub rows: Vec<ReportEmploymentRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEmploymentRow {
    pub code: AreaCode,
    pub name: String,
    /// 脱贫劳动力 and of them in work (务工 or 公益岗位, as the policy counts employment).
    pub ex_poor_labour: u64,
    pub ex_poor_employed: u64,
    /// 监测对象劳动力 (of households not ex-poor) and of them in work.
    pub monitored_labour: u64,
    pub monitored_employed: u64,
    /// The persons in work of the counties with a target, as the target counts them.
    pub counted: u64,
    /// The sum of its counties' targets (`None`: none has one).
    pub target: Option<u64>,
}

impl ReportEmploymentRow {
    fn of(
        code: AreaCode,
        name: &str,
        f: &zhenxing_domain::employment::EmploymentFigures,
        p: &zhenxing_domain::employment::TargetProgress,
    ) -> ReportEmploymentRow {
        ReportEmploymentRow {
            code,
            name: name.to_string(),
            ex_poor_labour: f.ex_poor.labour,
            ex_poor_employed: f.ex_poor.employed,
            monitored_labour: f.monitored.labour,
            monitored_employed: f.monitored.employed,
            counted: p.counted,
            target: p.target,
        }
    }

    pub fn progress(&self) -> zhenxing_domain::employment::TargetProgress {
        zhenxing_domain::employment::TargetProgress {
            counted: self.counted,
            target: self.target,
        }
    }
}

/// The headings of the employment section's columns (page and workbook).
pub const EMPLOYMENT_HEADERS: [&str; 8] = [
    "脱贫劳动力",
    "其中就业",
    "监测对象劳动力",
    "其中就业",
    "计入目标的就业人数",
    "务工就业目标（人）",
    "完成率",
    "差额（人）",
];

impl ReportEmploymentRow {
    /// The row's values under [`EMPLOYMENT_HEADERS`], as text.
    pub fn values(&self) -> [String; 8] {
        let p = self.progress();
        [
            self.ex_poor_labour.to_string(),
            self.ex_poor_employed.to_string(),
            self.monitored_labour.to_string(),
            self.monitored_employed.to_string(),
            self.counted.to_string(),
            self.target
                .map(|t| t.to_string())
                .unwrap_or_else(|| "—".into()),
            p.rate(),
            if p.target.is_some() {
                p.short().to_string()
            } else {
                "—".into()
            },
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub code: AreaCode,
    pub name: String,
    pub level: u8,
    /// The counts in [`COUNT_FIELDS`] order (a report issued before a count was added has
    /// fewer: the missing ones read as 0).
    pub counts: Vec<u64>,
    /// The work figures (absent from reports issued before they existed).
    #[serde(default)]
    pub work: Work,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverRatioRow {
    pub code: AreaCode,
    pub name: String,
    pub not_eliminated_persons: u64,
    pub base_persons: u64,
}

impl ReportRow {
    fn of(f: &AreaFigures) -> ReportRow {
        ReportRow {
            code: f.code,
            name: f.name.clone(),
            level: f.level.number(),
            counts: f.counts.values().to_vec(),
            work: f.work.clone(),
        }
    }

    pub fn counts(&self) -> Counts {
        let mut v = [0u64; COUNT_FIELDS.len()];
        for (slot, n) in v.iter_mut().zip(&self.counts) {
            *slot = *n;
        }
        Counts::from_values(v)
    }
}

/// A report to show or export: the content, whether it was issued, and the previous issued
/// report of the same area to compare with.
#[derive(Debug, Clone)]
pub struct Report {
    pub content: ReportContent,
    pub issued: Option<ReportMeta>,
    pub previous: Option<(ReportMeta, ReportContent)>,
}

fn parse_content(v: serde_json::Value) -> Result<ReportContent, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::Invalid(format!("报告内容无法读取：{e}")))
}

impl App {
    /// Builds the report of `area` as of `as_of` (today when `None`), not yet issued.
    pub async fn build_report(
        &self,
        scope: Scope,
        area: AreaCode,
        as_of: Option<NaiveDate>,
    ) -> Result<Report, AppError> {
        let as_of_day = as_of.unwrap_or_else(today_in_china);
        // The employment of today (a report of its own day) is read beside the figures: each
        // on its own connection (a province's labour takes a second or more).
        let employment = async {
            if as_of_day == today_in_china() {
                self.employment_report(scope, area).await.map(Some)
            } else {
                Ok(None)
            }
        };
        let figures = async {
            let figures = self
                .stats(scope, Some(area), AreaLevel::Village, as_of)
                .await?;
            let ratio = self.village_ratio(area, as_of_day).await;
            let over = self.over_ratio_of(scope, figures.clone(), ratio).await?;
            Ok::<_, AppError>((figures, ratio, over))
        };
        let (figures, employment) = tokio::join!(figures, employment);
        let (figures, ratio, (over, only_ex_poor)) = figures?;
        let employment = employment?;
        let tree = self.tree().await;
        let content = ReportContent {
            area,
            area_name: tree
                .path(area)
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(""),
            as_of: as_of_day,
            rows: figures.iter().map(ReportRow::of).collect(),
            ratio_basis_points: ratio.0,
            only_ex_poor_villages: only_ex_poor,
            over_ratio: over
                .iter()
                .map(|v: &VillageOverRatio| OverRatioRow {
                    code: v.code,
                    name: v.name.clone(),
                    not_eliminated_persons: v.not_eliminated_persons,
                    base_persons: v.base_persons,
                })
                .collect(),
            employment: None,
        };
        drop(tree);
        let employment = if let Some(e) = employment {
            let mut rows = vec![ReportEmploymentRow::of(
                area,
                &content.area_name,
                &e.totals,
                &e.progress,
            )];
            rows.extend(
                e.by_area
                    .iter()
                    .map(|a| ReportEmploymentRow::of(a.code, &a.name, &a.figures, &a.progress)),
            );
            Some(ReportEmployment {
                year: e.year.get(),
                target_includes_monitored: e.target_rule.target_includes_monitored,
                rows,
            })
        } else {
            None
        };
        let content = ReportContent {
            employment,
            ..content
        };
        let previous = self.previous_report(scope, area, as_of_day, None).await?;
        Ok(Report {
            content,
            issued: None,
            previous,
        })
    }

    async fn previous_report(
        &self,
        scope: Scope,
        area: AreaCode,
        before: NaiveDate,
        not_id: Option<i64>,
    ) -> Result<Option<(ReportMeta, ReportContent)>, AppError> {
        let list = self.store().reports(scope, area).await?;
        let Some(meta) = list
            .into_iter()
            .find(|m| m.as_of < before && Some(m.id) != not_id)
        else {
            return Ok(None);
        };
        match self.store().report(scope, meta.id).await? {
            Some((meta, v)) => Ok(Some((meta, parse_content(v)?))),
            None => Ok(None),
        }
    }

    /// Issues (freezes) a report: from then on it reads the same whatever the registry does.
    pub async fn issue_report(
        &self,
        actor: &Actor,
        scope: Scope,
        area: AreaCode,
        as_of: Option<NaiveDate>,
    ) -> Result<Report, AppError> {
        let mut report = self.build_report(scope, area, as_of).await?;
        let value =
            serde_json::to_value(&report.content).map_err(|e| AppError::Invalid(e.to_string()))?;
        let id = self
            .store()
            .save_report(actor, area, report.content.as_of, &value)
            .await?;
        report.issued = self
            .store()
            .reports(scope, area)
            .await?
            .into_iter()
            .find(|m| m.id == id);
        Ok(report)
    }

    /// The issued reports of `area` (exactly that area), newest first.
    pub async fn issued_reports(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> Result<Vec<ReportMeta>, AppError> {
        if !scope.contains(area) {
            return Err(AppError::UnknownArea(area.to_string()));
        }
        Ok(self.store().reports(scope, area).await?)
    }

    /// Issues a report as a signed-in user (roles that may issue dispatch reports only).
    pub async fn issue_report_as(
        &self,
        caller: &crate::auth::Caller,
        area: AreaCode,
        as_of: Option<NaiveDate>,
    ) -> Result<Report, AppError> {
        caller.require(zhenxing_domain::Permission::IssueReport)?;
        self.issue_report(&caller.actor(), caller.scope(), area, as_of)
            .await
    }

    /// An issued report, as it was issued.
    pub async fn issued_report(&self, scope: Scope, id: i64) -> Result<Report, AppError> {
        let Some((meta, v)) = self.store().report(scope, id).await? else {
            return Err(AppError::NotFound);
        };
        let content = parse_content(v)?;
        let previous = self
            .previous_report(scope, meta.area, meta.as_of, Some(meta.id))
            .await?;
        Ok(Report {
            content,
            issued: Some(meta),
            previous,
        })
    }
}

/// The national column layout of a dispatch table: (header, value of a row).
type Column = (&'static str, fn(&Counts, &Work) -> ReportValue);

#[derive(Debug, Clone, Copy)]
pub enum ReportValue {
    Count(u64),
    Percent(Option<f64>),
    /// A number of days (a median may end in .5), none when there is nothing to measure.
    Days(Option<f64>),
}

pub const COLUMNS: [Column; 26] = [
    ("监测对象户数（累计）", |c, _| {
        ReportValue::Count(c.monitored_households)
    }),
    ("监测对象人数（累计）", |c, _| {
        ReportValue::Count(c.monitored_persons)
    }),
    ("脱贫不稳定户（户）", |c, _| {
        ReportValue::Count(c.unstable_households)
    }),
    ("脱贫不稳定户（人）", |c, _| {
        ReportValue::Count(c.unstable_persons)
    }),
    ("边缘易致贫户（户）", |c, _| {
        ReportValue::Count(c.marginal_households)
    }),
    ("边缘易致贫户（人）", |c, _| {
        ReportValue::Count(c.marginal_persons)
    }),
    ("突发严重困难户（户）", |c, _| {
        ReportValue::Count(c.sudden_households)
    }),
    ("突发严重困难户（人）", |c, _| {
        ReportValue::Count(c.sudden_persons)
    }),
    ("当年新识别（户）", |c, _| {
        ReportValue::Count(c.new_households)
    }),
    ("当年新识别（人）", |c, _| {
        ReportValue::Count(c.new_persons)
    }),
    ("已消除风险（户）", |c, _| {
        ReportValue::Count(c.eliminated_households)
    }),
    ("已消除风险（人）", |c, _| {
        ReportValue::Count(c.eliminated_persons)
    }),
    ("其中帮扶消除（户）", |c, _| {
        ReportValue::Count(c.eliminated_assisted_households)
    }),
    ("其中自然消除（户）", |c, _| {
        ReportValue::Count(c.eliminated_natural_households)
    }),
    ("未消除风险（户）", |c, _| {
        ReportValue::Count(c.not_eliminated_households())
    }),
    ("未消除风险（人）", |c, _| {
        ReportValue::Count(c.not_eliminated_persons())
    }),
    ("风险消除率（按户）", |c, _| {
        ReportValue::Percent(c.elimination_rate_households())
    }),
    ("风险消除率（按人）", |c, _| {
        ReportValue::Percent(c.elimination_rate_persons())
    }),
    ("低保特困户数", |c, _| {
        ReportValue::Count(c.safety_net_households)
    }),
    ("登记户数", |c, _| ReportValue::Count(c.households)),
    ("登记人数", |c, _| ReportValue::Count(c.persons)),
    ("已落实帮扶措施户数", |c, _| {
        ReportValue::Count(c.covered_households)
    }),
    ("帮扶措施落实率（未消除风险户）", |c, _| {
        ReportValue::Percent(c.coverage_rate())
    }),
    ("当年识别审批户数", |_, w| {
        ReportValue::Count(w.approvals.count())
    }),
    ("线索到审批用时中位数（天）", |_, w| {
        ReportValue::Days(w.approvals.median())
    }),
    ("逾期未办结案件数", |_, w| {
        ReportValue::Count(w.overdue_cases)
    }),
];

fn xlsx(e: XlsxError) -> AppError {
    AppError::Output(e.to_string())
}

/// Writes the report: a summary sheet (the area, and the change since the previous report), a
/// sheet per level below, and the verification list.
pub fn write_report_xlsx(report: &Report, path: &Path) -> Result<(), AppError> {
    let c = &report.content;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.00%");
    let title = format!(
        "{} 防止返贫监测帮扶调度表（截至{}）{}",
        c.area_name,
        c.as_of.format("%Y年%-m月%-d日"),
        match &report.issued {
            Some(m) => format!(" 第{}号，{}发布", m.id, m.issued_by),
            None => " 未发布".to_string(),
        }
    );
    let previous: HashMap<AreaCode, (Counts, Work)> = report
        .previous
        .iter()
        .flat_map(|(_, p)| {
            p.rows
                .iter()
                .map(|r| (r.code, (r.counts(), r.work.clone())))
        })
        .collect();
    let write_value = |sheet: &mut rust_xlsxwriter::Worksheet,
                       r: u32,
                       col: u16,
                       v: ReportValue|
     -> Result<(), AppError> {
        match v {
            ReportValue::Count(n) => sheet.write_number(r, col, n as f64).map(|_| ()),
            ReportValue::Percent(Some(p)) => sheet
                .write_number_with_format(r, col, p, &percent)
                .map(|_| ()),
            ReportValue::Days(Some(d)) => sheet.write_number(r, col, d).map(|_| ()),
            ReportValue::Percent(None) | ReportValue::Days(None) => {
                sheet.write_string(r, col, "—").map(|_| ())
            }
        }
        .map_err(xlsx)
    };

    // Summary: the area itself, with the previous report's figures and the change.
    let sheet = book.add_worksheet().set_name("汇总").map_err(xlsx)?;
    sheet
        .write_string_with_format(0, 0, &title, &bold)
        .map_err(xlsx)?;
    let headers = ["指标", "本期", "上期", "较上期增减"];
    for (i, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(1, i as u16, *h, &bold)
            .map_err(xlsx)?;
    }
    let (own, own_work) = c
        .rows
        .iter()
        .find(|r| r.code == c.area)
        .map(|r| (r.counts(), r.work.clone()))
        .unwrap_or_default();
    let before = previous.get(&c.area);
    for (i, (name, f)) in COLUMNS.iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write_string(r, 0, *name).map_err(xlsx)?;
        write_value(sheet, r, 1, f(&own, &own_work))?;
        if let Some((b, bw)) = before {
            write_value(sheet, r, 2, f(b, bw))?;
            if let (ReportValue::Count(now), ReportValue::Count(then)) =
                (f(&own, &own_work), f(b, bw))
            {
                sheet
                    .write_number(r, 3, now as f64 - then as f64)
                    .map_err(xlsx)?;
            }
        }
    }
    if let Some((m, p)) = &report.previous {
        sheet
            .write_string(
                COLUMNS.len() as u32 + 3,
                0,
                format!("上期：第{}号，截至{}", m.id, p.as_of),
            )
            .map_err(xlsx)?;
    }
    sheet.set_column_width(0, 24).map_err(xlsx)?;

    // One sheet per level below the area.
    let area_level = c.area.level();
    for level in AreaLevel::ALL.iter().filter(|l| **l > area_level) {
        let rows: Vec<&ReportRow> = c
            .rows
            .iter()
            .filter(|r| r.level == level.number())
            .collect();
        let sheet = book
            .add_worksheet()
            .set_name(level.label().replace(['(', ')', '、'], ""))
            .map_err(xlsx)?;
        sheet
            .write_string_with_format(0, 0, &title, &bold)
            .map_err(xlsx)?;
        sheet
            .write_string_with_format(1, 0, "区划代码", &bold)
            .map_err(xlsx)?;
        sheet
            .write_string_with_format(1, 1, "名称", &bold)
            .map_err(xlsx)?;
        for (i, (name, _)) in COLUMNS.iter().enumerate() {
            sheet
                .write_string_with_format(1, i as u16 + 2, *name, &bold)
                .map_err(xlsx)?;
        }
        for (n, row) in rows.iter().enumerate() {
            let r = n as u32 + 2;
            sheet
                .write_string(r, 0, row.code.to_string())
                .map_err(xlsx)?;
            sheet.write_string(r, 1, &row.name).map_err(xlsx)?;
            let counts = row.counts();
            for (i, (_, f)) in COLUMNS.iter().enumerate() {
                write_value(sheet, r, i as u16 + 2, f(&counts, &row.work))?;
            }
        }
        sheet.set_column_width(0, 14).map_err(xlsx)?;
        sheet.set_column_width(1, 20).map_err(xlsx)?;
    }

    // 务工就业, when the report has it (a report of its own day).
    if let Some(e) = &c.employment {
        let sheet = book.add_worksheet().set_name("务工就业").map_err(xlsx)?;
        sheet
            .write_string_with_format(
                0,
                0,
                format!(
                    "{}年脱贫人口{}务工就业（截至{}）",
                    e.year,
                    if e.target_includes_monitored {
                        "（含监测对象）"
                    } else {
                        ""
                    },
                    c.as_of
                ),
                &bold,
            )
            .map_err(xlsx)?;
        for (i, h) in ["区划代码", "名称"]
            .iter()
            .chain(EMPLOYMENT_HEADERS.iter())
            .enumerate()
        {
            sheet
                .write_string_with_format(1, i as u16, *h, &bold)
                .map_err(xlsx)?;
        }
        for (n, row) in e.rows.iter().enumerate() {
            let r = n as u32 + 2;
            sheet
                .write_string(r, 0, row.code.to_string())
                .map_err(xlsx)?;
            sheet.write_string(r, 1, &row.name).map_err(xlsx)?;
            let numbers = [
                Some(row.ex_poor_labour),
                Some(row.ex_poor_employed),
                Some(row.monitored_labour),
                Some(row.monitored_employed),
                Some(row.counted),
                row.target,
            ];
            for (i, v) in numbers.iter().enumerate() {
                let col = i as u16 + 2;
                match v {
                    Some(n) => sheet.write_number(r, col, *n as f64),
                    None => sheet.write_string(r, col, "—"),
                }
                .map_err(xlsx)?;
            }
            let p = row.progress();
            match p.target.filter(|t| *t > 0) {
                Some(t) => {
                    sheet
                        .write_number_with_format(r, 8, p.counted as f64 / t as f64, &percent)
                        .map_err(xlsx)?;
                    sheet.write_number(r, 9, p.short() as f64).map_err(xlsx)?;
                }
                None => {
                    sheet.write_string(r, 8, "—").map_err(xlsx)?;
                    sheet.write_string(r, 9, "—").map_err(xlsx)?;
                }
            }
        }
        sheet.set_column_width(0, 14).map_err(xlsx)?;
        sheet.set_column_width(1, 20).map_err(xlsx)?;
    }

    // The verification list.
    let sheet = book.add_worksheet().set_name("核查村").map_err(xlsx)?;
    let ratio = BasisPoints(c.ratio_basis_points);
    sheet
        .write_string_with_format(
            0,
            0,
            format!(
                "未消除风险人口占比高于{}%的{}（分母：村登记人口）",
                ratio.percent(),
                if c.only_ex_poor_villages {
                    "脱贫村"
                } else {
                    "村"
                }
            ),
            &bold,
        )
        .map_err(xlsx)?;
    for (i, h) in ["区划代码", "村名", "未消除风险人数", "登记人数", "占比"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string_with_format(1, i as u16, *h, &bold)
            .map_err(xlsx)?;
    }
    for (n, v) in c.over_ratio.iter().enumerate() {
        let r = n as u32 + 2;
        sheet.write_string(r, 0, v.code.to_string()).map_err(xlsx)?;
        sheet.write_string(r, 1, &v.name).map_err(xlsx)?;
        sheet
            .write_number(r, 2, v.not_eliminated_persons as f64)
            .map_err(xlsx)?;
        sheet
            .write_number(r, 3, v.base_persons as f64)
            .map_err(xlsx)?;
        let share = if v.base_persons > 0 {
            v.not_eliminated_persons as f64 / v.base_persons as f64
        } else {
            0.0
        };
        sheet
            .write_number_with_format(r, 4, share, &percent)
            .map_err(xlsx)?;
    }
    book.save(path).map_err(xlsx)
}

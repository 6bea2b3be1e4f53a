//! 电话抽查 (DOMAIN §11: random phone supervision of the work teams): who supervises an area
//! (`Permission::Supervise`: the province, the cities, a county bureau) draws cadres in post
//! there at random, calls each and records what the call found (在岗, 不在岗, 未接通); every
//! level follows a month's checks and the 在岗率 of those reached. The cadre's phone is shown
//! masked; the whole number only to who may see personal data, each view audited.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::attendance::{CheckinKind, month_end, month_start};
use zhenxing_domain::work_team::{CallResult, CheckFigures, PhoneCheck, TeamPost};
use zhenxing_domain::{AreaCode, IdNumber, Permission, today_in_china};
use zhenxing_store::accounts::NewAudit;

use crate::auth::Caller;
use crate::{App, AppError};

/// The most cadres drawn at once.
pub const MAX_DRAWN: usize = 200;

/// The longest note a call's record takes, in characters.
pub const MAX_NOTE: usize = 200;

/// A check as the lists show it (the cadre's ID number and phone masked).
#[derive(Debug, Clone, Serialize)]
pub struct CheckLine {
    pub county: AreaCode,
    pub no: i64,
    pub name: String,
    pub id_masked: String,
    /// The phone masked; `None`: the roster has none.
    pub phone_masked: Option<String>,
    pub village: AreaCode,
    pub village_name: String,
    pub post: TeamPost,
    pub unit: String,
    pub drawn_on: NaiveDate,
    pub drawn_by: String,
    pub result: Option<CallResult>,
    pub called_at: Option<String>,
    pub called_by: Option<String>,
    pub note: Option<String>,
    /// The cadre's own word on the day drawn (驻村考勤, through the roster's 系统账号); none
    /// without an account or a word.
    pub checked_in: Option<CheckinKind>,
}

impl CheckLine {
    /// When the call was recorded, in China's time (2026-12-06 13:31).
    pub fn called_at_text(&self) -> Option<String> {
        self.called_at.as_deref().map(crate::browse::china_time)
    }

    /// Found away from post by the call on a day the cadre's own word said 在岗.
    pub fn contradicts(&self) -> bool {
        self.result == Some(CallResult::Absent) && self.checked_in == Some(CheckinKind::Present)
    }
}

/// A month's phone checks of an area.
#[derive(Debug, Clone, Serialize)]
pub struct PhoneCheckReport {
    pub area: AreaCode,
    pub area_name: String,
    /// The month's first day and its last (or today, this month).
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub figures: CheckFigures,
    /// Each area directly under `area` with checks.
    pub by_area: Vec<(AreaCode, String, CheckFigures)>,
    /// The checks, the latest first.
    pub checks: Vec<CheckLine>,
    /// Cadres in post today under the area, not yet drawn today: those a draw picks from.
    pub drawable: u64,
}

impl PhoneCheckReport {
    /// The calls that found a cadre away on a day their own word said 在岗.
    pub fn contradicted(&self) -> usize {
        self.checks.iter().filter(|c| c.contradicts()).count()
    }
}

impl PhoneCheckReport {
    /// "2026年12月城关区电话抽查驻村干部N人次：在岗N、不在岗N、未接通N、待抽查N，在岗率X".
    pub fn summary(&self) -> String {
        let f = &self.figures;
        format!(
            "{}{}电话抽查驻村干部{}人次：在岗{}、不在岗{}、未接通{}、待拨打{}，在岗率{}",
            self.from.format("%Y年%m月"),
            self.area_name,
            f.drawn,
            f.in_post,
            f.absent,
            f.no_answer,
            f.pending(),
            f.in_post_rate()
        )
    }
}

/// The columns of the checks in the workbook.
pub const CHECK_HEADERS: [&str; 14] = [
    "抽查日期",
    "抽查人",
    "县（市、区）代码",
    "编号",
    "所驻村",
    "姓名",
    "证件号码",
    "驻村职务",
    "派出单位",
    "联系电话",
    "抽查结果",
    "拨打时间",
    "备注",
    "当日签到",
];

/// The columns of the figures per area in the workbook.
pub const FIGURE_HEADERS: [&str; 8] = [
    "区划代码",
    "区划",
    "抽查人次",
    "在岗",
    "不在岗",
    "未接通",
    "待拨打",
    "在岗率",
];

impl PhoneCheckReport {
    /// The month's checks (the cadres' ID numbers and phones masked) and the figures per area,
    /// a sheet each.
    pub fn write_xlsx(&self, out: &std::path::Path) -> Result<(), AppError> {
        use zhenxing_ledger::department::XlsxTableWriter;
        use zhenxing_ledger::write::Out;
        let failed =
            |e: zhenxing_ledger::FileError| AppError::Output(format!("{}：{e}", out.display()));
        let mut w = XlsxTableWriter::create(out, "电话抽查", &self.summary(), &CHECK_HEADERS)
            .map_err(failed)?;
        let text = |s: &Option<String>| Out::Text(s.clone().unwrap_or_default());
        for c in &self.checks {
            w.row(&[
                Out::Text(c.drawn_on.to_string()),
                Out::Text(c.drawn_by.clone()),
                Out::Text(c.county.to_string()),
                Out::Int(c.no),
                Out::Text(c.village_name.clone()),
                Out::Text(c.name.clone()),
                Out::Text(c.id_masked.clone()),
                Out::Text(c.post.label().to_string()),
                Out::Text(c.unit.clone()),
                text(&c.phone_masked),
                Out::Text(
                    c.result
                        .map(|r| r.label().to_string())
                        .unwrap_or_else(|| "待拨打".into()),
                ),
                Out::Text(
                    c.called_at
                        .as_deref()
                        .map(crate::browse::china_time)
                        .unwrap_or_default(),
                ),
                text(&c.note),
                Out::Text(match (c.checked_in, c.contradicts()) {
                    (Some(k), true) => format!("{}（与抽查不符）", k.label()),
                    (Some(k), false) => k.label().to_string(),
                    (None, _) => String::new(),
                }),
            ])
            .map_err(failed)?;
        }
        w.sheet(
            "按区划",
            &format!("{}电话抽查：各区划在岗率", self.area_name),
            &FIGURE_HEADERS,
        )
        .map_err(failed)?;
        let line = |code: AreaCode, name: &str, f: &CheckFigures| {
            vec![
                Out::Text(code.to_string()),
                Out::Text(name.to_string()),
                Out::Int(f.drawn as i64),
                Out::Int(f.in_post as i64),
                Out::Int(f.absent as i64),
                Out::Int(f.no_answer as i64),
                Out::Int(f.pending() as i64),
                Out::Text(f.in_post_rate()),
            ]
        };
        w.row(&line(
            self.area,
            &format!("{}合计", self.area_name),
            &self.figures,
        ))
        .map_err(failed)?;
        for (code, name, f) in &self.by_area {
            w.row(&line(*code, name, f)).map_err(failed)?;
        }
        w.finish().map_err(failed)?;
        Ok(())
    }
}

impl App {
    /// The cadres in post on `today` under `area` not drawn that day: those a draw picks from.
    async fn drawable(
        &self,
        within: zhenxing_domain::Scope,
        area: AreaCode,
        today: NaiveDate,
    ) -> Result<Vec<(AreaCode, IdNumber)>, AppError> {
        let store = self.store().work_teams();
        let drawn_today: HashSet<(AreaCode, IdNumber)> = store
            .phone_checks(within, area, today, today)
            .await?
            .into_iter()
            .map(|(c, _)| (c.county, c.cadre))
            .collect();
        Ok(store
            .team_members(within, area)
            .await?
            .into_iter()
            .filter(|m| m.member.in_post(today))
            .map(|m| (m.county, m.member.id))
            .filter(|k| !drawn_today.contains(k))
            .collect())
    }

    /// The phone checks of `area` in the month of `month` (this month when `None`), for a user
    /// within their area.
    pub async fn phone_check_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        month: Option<NaiveDate>,
    ) -> Result<PhoneCheckReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.phone_check_report(caller.scope(), area, month).await
    }

    /// The phone checks of `area` within `scope` in the month of `month` (this month when
    /// `None`).
    pub async fn phone_check_report(
        &self,
        scope: zhenxing_domain::Scope,
        area: AreaCode,
        month: Option<NaiveDate>,
    ) -> Result<PhoneCheckReport, AppError> {
        let Some(within) = scope.narrow(area) else {
            return Err(AppError::NotFound);
        };
        let today = today_in_china();
        let from = month_start(month.unwrap_or(today));
        let until = month_end(from).min(today.max(from));
        let stored = self
            .store()
            .work_teams()
            .phone_checks(within, area, from, until)
            .await?;
        let drawable = self.drawable(within, area, today).await?.len() as u64;
        // The cadres' own words on the days drawn, through their accounts.
        let words = if stored.iter().any(|(_, m)| m.member.account.is_some()) {
            Some(self.words(area, from, until).await?)
        } else {
            None
        };
        let account_ids: HashMap<&str, i64> = words
            .as_ref()
            .map(crate::attendance::Words::account_ids)
            .unwrap_or_default();
        let tree = self.tree().await;
        let Some(root) = tree.get(area) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let skip = (area.level().number() as usize).clamp(2, 3);
        let child_level = area.level().child();
        let mut figures = CheckFigures::default();
        let mut by_area: BTreeMap<AreaCode, CheckFigures> = BTreeMap::new();
        let mut checks = Vec::with_capacity(stored.len());
        for (c, m) in stored {
            figures.add(&c);
            if let Some(child) = child_level.and_then(|l| m.member.village.ancestor(l)) {
                by_area.entry(child).or_default().add(&c);
            }
            let village_name = tree
                .path(m.member.village)
                .iter()
                .skip(skip)
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("");
            checks.push(CheckLine {
                county: c.county,
                no: c.no,
                name: m.member.name.clone(),
                id_masked: m.member.id.masked(),
                phone_masked: m
                    .member
                    .phone
                    .as_deref()
                    .map(zhenxing_domain::id_number::mask_phone),
                village: m.member.village,
                village_name,
                post: m.member.post,
                unit: m.member.unit.clone(),
                drawn_on: c.drawn_on,
                drawn_by: c.drawn_by,
                result: c.result,
                called_at: c.called_at,
                called_by: c.called_by,
                note: c.note,
                checked_in: m
                    .member
                    .account
                    .as_deref()
                    .and_then(|a| account_ids.get(a))
                    .zip(words.as_ref())
                    .and_then(|(id, w)| w.on(*id, c.drawn_on)),
            });
        }
        Ok(PhoneCheckReport {
            area,
            area_name: root.name.clone(),
            from,
            until,
            figures,
            by_area: by_area
                .into_iter()
                .map(|(code, f)| (code, tree.name(code).unwrap_or_default().to_string(), f))
                .collect(),
            checks,
            drawable,
        })
    }

    /// Draws up to `n` cadres in post today under `area` at random (those drawn today already
    /// left out) for a phone check, for a user who supervises the area. Audited. The number
    /// drawn.
    pub async fn draw_phone_checks_as(
        &self,
        caller: &Caller,
        area: AreaCode,
        n: usize,
    ) -> Result<u64, AppError> {
        caller.require(Permission::Supervise)?;
        let Some(within) = caller.scope().narrow(area) else {
            return Err(AppError::NotFound);
        };
        if n == 0 || n > MAX_DRAWN {
            return Err(AppError::Invalid(format!(
                "抽查人数应为1到{MAX_DRAWN}之间的整数"
            )));
        }
        let today = today_in_china();
        let mut pool = self.drawable(within, area, today).await?;
        if pool.is_empty() {
            return Err(AppError::Invalid(
                "本区划今天没有可抽查的在岗驻村干部（花名册为空，或今天已全部抽查）".into(),
            ));
        }
        // A draw nobody can foresee: seeded by the clock and the area.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ area.as_i64() as u64;
        let mut rng = crate::synth::Rng::new(seed);
        let take = n.min(pool.len());
        for i in 0..take {
            let j = i + rng.below((pool.len() - i) as u64) as usize;
            pool.swap(i, j);
        }
        pool.truncate(take);
        pool.sort();
        let drawn = self
            .store()
            .work_teams()
            .draw_phone_checks(&caller.actor(), within, &pool, today)
            .await?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "draw_phone_checks",
                area: Some(area),
                subject: format!("area:{area}"),
                before: String::new(),
                after: serde_json::json!({ "asked": n, "drawn": drawn }).to_string(),
            },
        )
        .await?;
        Ok(drawn)
    }

    /// Records what the call of check `no` of `county` found, for a user who supervises the
    /// cadre's village. Audited.
    pub async fn record_phone_check_as(
        &self,
        caller: &Caller,
        county: AreaCode,
        no: i64,
        result: CallResult,
        note: Option<&str>,
    ) -> Result<PhoneCheck, AppError> {
        caller.require(Permission::Supervise)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
            return Err(AppError::Invalid(format!("情况说明最多{MAX_NOTE}个字")));
        }
        let check = self
            .store()
            .work_teams()
            .record_phone_check(&caller.actor(), caller.scope(), county, no, result, note)
            .await?
            .ok_or(AppError::NotFound)?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "record_phone_check",
                area: Some(county),
                subject: format!("phone_check:{county}/{no}"),
                before: String::new(),
                after: serde_json::json!({ "result": result.label(), "note": note }).to_string(),
            },
        )
        .await?;
        Ok(check)
    }

    /// The whole phone number of the cadre of check `no` of `county`, for a user who
    /// supervises the cadre's village and may see personal data. Audited as a whole view.
    pub async fn phone_check_number_as(
        &self,
        caller: &Caller,
        county: AreaCode,
        no: i64,
    ) -> Result<String, AppError> {
        caller.require(Permission::Supervise)?;
        caller.require(Permission::SeeWholePersonalData)?;
        let (check, cadre) = self
            .store()
            .work_teams()
            .phone_check(caller.scope(), county, no)
            .await?
            .ok_or(AppError::NotFound)?;
        let phone = cadre
            .member
            .phone
            .clone()
            .ok_or_else(|| AppError::Invalid("花名册没有该驻村干部的联系电话".into()))?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "reveal_personal_data",
                area: Some(cadre.member.village),
                subject: format!("phone_check:{}/{}", check.county, check.no),
                before: String::new(),
                after: serde_json::json!({ "fields": ["phone"] }).to_string(),
            },
        )
        .await?;
        Ok(phone)
    }
}

//! 驻村工作队 over the API: the teams of an area as of a day, the villages needing attention
//! and the roster (ID numbers and phones masked), and a county's roster imported.

use axum::Json;
use axum::extract::{Multipart, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhenxing_app::work_teams::{MemberRow, RosterImport};
use zhenxing_domain::work_team::TeamFigures;

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::forms::Upload;
use crate::pages::areas::area_or_own;
use crate::pages::loans::LoansQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkTeamsParams {
    /// Area code; the caller's own area when absent.
    pub area: Option<String>,
    /// The day, e.g. 2026-06-30 (today when absent).
    pub date: Option<String>,
}

/// The teams of an area on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamFiguresJson {
    /// Villages with at least one cadre in post.
    pub villages: u64,
    /// Cadres in post, of them first secretaries.
    pub members: u64,
    pub first_secretaries: u64,
    /// Cadres in post by their unit's level: 中央, 省, 市, 县, 乡.
    pub by_unit_level: [u64; 5],
    /// Teams below the policy's floor.
    pub short_teams: u64,
    /// Cadres in post beyond their term.
    pub beyond_term: u64,
    pub ex_poor_villages: u64,
    /// Ex-poor villages with a first secretary in post.
    pub ex_poor_with_secretary: u64,
    /// 脱贫村第一书记选派率, e.g. "95.00%".
    pub secretary_rate: String,
    /// Cadres in post trained this year, and the hours of their trainings this year.
    pub trained: u64,
    pub training_hours: u64,
    /// 培训覆盖率 = trained ÷ cadres in post.
    pub training_rate: String,
}

impl From<&TeamFigures> for TeamFiguresJson {
    fn from(f: &TeamFigures) -> Self {
        TeamFiguresJson {
            villages: f.villages,
            members: f.members,
            first_secretaries: f.first_secretaries,
            by_unit_level: f.by_unit_level,
            short_teams: f.short_teams,
            beyond_term: f.beyond_term,
            ex_poor_villages: f.ex_poor_villages,
            ex_poor_with_secretary: f.ex_poor_with_secretary,
            secretary_rate: f.secretary_rate(),
            trained: f.trained,
            training_hours: f.training_hours,
            training_rate: f.training_rate(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamAreaJson {
    pub code: String,
    pub name: String,
    pub figures: TeamFiguresJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamVillageJson {
    pub code: String,
    pub name: String,
    pub ex_poor: bool,
    /// Cadres in post.
    pub members: u32,
    /// The first secretary in post, by name.
    pub secretary: Option<String>,
    /// What is wrong, in words.
    pub problems: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMemberJson {
    pub county_code: String,
    pub name: String,
    /// Masked: 1101**********002X.
    pub id_number: String,
    /// Masked: 138****1234.
    pub phone: String,
    pub village_code: String,
    pub village_name: String,
    /// 第一书记, 工作队长, 工作队员.
    pub post: String,
    pub unit: String,
    /// 中央单位, 省直单位, 市直单位, 县直单位, 乡镇.
    pub unit_level: String,
    pub from: String,
    pub until: Option<String>,
    pub in_post: bool,
    pub beyond_term: bool,
    /// This year's training hours up to the day.
    pub training_hours: u64,
    /// 系统账号: the login name the cadre checks in with.
    pub account: Option<String>,
    /// The account's attendance from the month's first day to the day (none without one).
    pub attendance: Option<CadreAttendanceJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CadreAttendanceJson {
    pub working_days: u32,
    pub present: u32,
    pub away: u32,
    pub leave: u32,
    pub absent: u32,
    /// (在岗 + 公出) / working days, e.g. "95.0%".
    pub rate: String,
}

impl From<&MemberRow> for TeamMemberJson {
    fn from(r: &MemberRow) -> Self {
        let m = &r.member;
        TeamMemberJson {
            county_code: r.county.to_string(),
            name: m.name.clone(),
            id_number: r.id_masked(),
            phone: r.phone_masked(),
            village_code: m.village.to_string(),
            village_name: r.village_name.clone(),
            post: m.post.label().to_string(),
            unit: m.unit.clone(),
            unit_level: m.unit_level.label().to_string(),
            from: m.from.to_string(),
            until: m.until.map(|d| d.to_string()),
            in_post: r.in_post,
            beyond_term: r.beyond_term,
            training_hours: r.training_hours,
            account: m.account.clone(),
            attendance: r.attendance.map(|a| CadreAttendanceJson {
                working_days: a.working_days,
                present: a.present,
                away: a.away,
                leave: a.leave,
                absent: a.absent,
                rate: a.rate(),
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkTeamsJson {
    pub area: String,
    pub area_name: String,
    pub date: String,
    pub policy: Option<String>,
    /// The least members of a team and a term's months.
    pub min_members: u32,
    pub term_months: u32,
    pub summary: String,
    pub totals: TeamFiguresJson,
    pub by_area: Vec<TeamAreaJson>,
    /// The villages needing attention (the first 500), and how many in all.
    pub attention: Vec<TeamVillageJson>,
    pub attention_total: usize,
    /// The roster, for a county or below (empty above).
    pub members: Vec<TeamMemberJson>,
}

#[utoipa::path(get, path = "/api/v1/work-teams", tag = "驻村工作队",
    params(WorkTeamsParams),
    responses((status = 200, body = WorkTeamsJson, description = "The work teams of the area on the day: villages with a team, cadres in post, ex-poor villages' first secretaries, teams below the floor, cadres beyond their term; the villages needing attention and the roster (masked)."),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn work_teams(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<WorkTeamsParams>,
) -> Result<Json<WorkTeamsJson>, ApiError> {
    let q = LoansQuery {
        area: q.area,
        date: q.date,
    };
    let area = area_or_own(q.area.as_deref(), caller.user.area)?;
    let r = state
        .app
        .work_team_report_as(&caller, area, q.day()?)
        .await?;
    Ok(Json(WorkTeamsJson {
        area: r.area.to_string(),
        area_name: r.area_name.clone(),
        date: r.day.to_string(),
        policy: r.policy.clone(),
        min_members: r.rule.min_members,
        term_months: r.rule.term_months,
        summary: r.summary(),
        totals: (&r.totals).into(),
        by_area: r
            .by_area
            .iter()
            .map(|(code, name, f)| TeamAreaJson {
                code: code.to_string(),
                name: name.clone(),
                figures: f.into(),
            })
            .collect(),
        attention: r
            .attention
            .iter()
            .map(|v| TeamVillageJson {
                code: v.code.to_string(),
                name: v.name.clone(),
                ex_poor: v.ex_poor,
                members: v.team.members,
                secretary: v.secretary.clone(),
                problems: v.problems(),
            })
            .collect(),
        attention_total: r.attention_total,
        members: r.members.iter().map(Into::into).collect(),
    }))
}

/// The multipart form of a roster's import (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RosterForm {
    /// The roster: xlsx, xls or CSV (UTF-8 or GBK).
    #[schema(value_type = String, format = Binary)]
    ledger: Vec<u8>,
}

#[utoipa::path(post, path = "/api/v1/work-teams/import", tag = "驻村工作队",
    request_body(content = RosterForm, content_type = "multipart/form-data"),
    responses((status = 200, body = super::projects::LedgerImportJson, description = "Cadres added, changed ones updated with their history; refused rows with row, column and why."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<super::projects::LedgerImportJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &caller);
    let r: RosterImport = up
        .import_ledger(
            "驻村干部花名册.csv",
            "请在 ledger 字段上传驻村干部花名册文件",
            |path, name| async move { app.import_roster(caller, &path, Some(&name)).await },
        )
        .await?;
    Ok(Json(super::projects::LedgerImportJson::new(
        &r.file,
        [r.rows, r.added, r.updated, r.unchanged, r.rejected],
        &r.errors,
    )))
}

#[utoipa::path(post, path = "/api/v1/work-teams/trainings/import", tag = "驻村工作队",
    request_body(content = RosterForm, content_type = "multipart/form-data"),
    responses((status = 200, body = super::projects::LedgerImportJson, description = "Trainings (姓名, 证件号码, 培训班名称, 培训日期, 学时, 主办单位) added, changed ones updated with their history; each trainee found on a roster within the caller's area; refused rows with row, column and why."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_trainings(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    multipart: Multipart,
) -> Result<Json<super::projects::LedgerImportJson>, ApiError> {
    let up = Upload::read(multipart).await?;
    let (app, caller) = (&state.app, &caller);
    let r: RosterImport = up
        .import_ledger(
            "驻村干部培训台账.csv",
            "请在 ledger 字段上传驻村干部培训台账文件",
            |path, name| async move { app.import_trainings(caller, &path, Some(&name)).await },
        )
        .await?;
    Ok(Json(super::projects::LedgerImportJson::new(
        &r.file,
        [r.rows, r.added, r.updated, r.unchanged, r.rejected],
        &r.errors,
    )))
}

//! The public application form (DOMAIN §6, channel 1): a household applies by itself, without
//! an account, from the village's QR code (`/apply?village=CODE`) or by picking its village. The
//! form carries a double-submit token of its own (there is no session), every submission counts
//! against the client address's limit, and the answer never says anything about the registry.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zhenxing_app::AppError;
use zhenxing_app::auth::random_hex;
use zhenxing_app::monitoring::MonitoringFailure;
use zhenxing_app::monitoring::clues::Application;
use zhenxing_domain::{AreaCode, AreaLevel, HouseholdType, IdNumber, RiskType, today_in_china};

use crate::auth::{Authenticated, ClientAddr, cookie, set_cookie};
use crate::error::{PageError, WebError};
use crate::forms::{Fields, risks};
use crate::pages::households::Choice;
use crate::state::AppState;
use crate::views::{UserCtx, render_with};

/// The double-submit token of the application form.
pub const APPLY_COOKIE: &str = "zx_apply";

pub struct Place {
    pub code: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "monitoring/apply.html")]
struct ApplyPage {
    title: &'static str,
    user: Option<UserCtx>,
    csrf: String,
    /// The village applied to (from the QR code), with its full name.
    village: Option<Place>,
    /// Otherwise: the area being picked from, and its children.
    picking: Vec<Place>,
    picking_in: String,
    risks: Vec<Choice>,
    f: Fields,
    error: Option<String>,
    done: bool,
}

#[derive(Deserialize)]
pub struct ApplyQuery {
    village: Option<String>,
    area: Option<String>,
}

fn full_name(tree: &zhenxing_domain::DivisionTree, code: AreaCode) -> String {
    tree.path(code)
        .iter()
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join("")
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    session: Option<&Authenticated>,
    status: StatusCode,
    village: Option<AreaCode>,
    area: Option<AreaCode>,
    f: Fields,
    error: Option<String>,
    done: bool,
) -> Result<Response, PageError> {
    let tree = state.app.tree().await;
    let village = village
        .filter(|v| tree.get(*v).is_some_and(|d| d.level == AreaLevel::Village))
        .map(|v| Place {
            code: v.to_string(),
            name: full_name(&tree, v),
        });
    let (picking, picking_in) = if village.is_some() {
        (Vec::new(), String::new())
    } else {
        let codes = match area.filter(|a| tree.get(*a).is_some()) {
            Some(a) => tree.children(a).to_vec(),
            None => tree.roots(),
        };
        let places = codes
            .into_iter()
            .filter_map(|c| tree.get(c))
            .map(|d| Place {
                code: d.code.to_string(),
                name: d.name.clone(),
            })
            .collect();
        (
            places,
            area.map(|a| full_name(&tree, a)).unwrap_or_default(),
        )
    };
    // A signed-in user posts with the session's token; anyone else with the form's own.
    let (csrf, fresh) = match session.and_then(|a| a.csrf.clone()) {
        Some(t) => (t, false),
        None => (random_hex(16)?, true),
    };
    let mut r = render_with(
        status,
        &ApplyPage {
            title: "农户自主申报",
            user: None,
            csrf: csrf.clone(),
            village,
            picking,
            picking_in,
            risks: RiskType::ALL
                .iter()
                .map(|r| Choice {
                    value: r.code().to_string(),
                    label: r.label().to_string(),
                    selected: f.all("risks").contains(&r.code().to_string().as_str()),
                })
                .collect(),
            f,
            error,
            done,
        },
    );
    if fresh {
        r.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                APPLY_COOKIE,
                &csrf,
                "/apply",
                Some(3600),
                state.secure_cookies,
            ),
        );
    }
    Ok(r)
}

fn area_param(s: Option<&str>) -> Option<AreaCode> {
    s.and_then(|s| AreaCode::parse(s).ok())
}

/// `/apply`: the form for a village, or the way to one.
pub async fn form(
    State(state): State<AppState>,
    session: Option<axum::Extension<Authenticated>>,
    Query(q): Query<ApplyQuery>,
) -> Result<Response, PageError> {
    page(
        &state,
        session.as_deref(),
        StatusCode::OK,
        area_param(q.village.as_deref()),
        area_param(q.area.as_deref()),
        Fields::default(),
        None,
        false,
    )
    .await
}

fn application(f: &Fields) -> Result<Application, WebError> {
    let village = AreaCode::parse(f.get("village").unwrap_or(""))
        .map_err(|_| WebError::BadRequest("请先选择所在的村".into()))?;
    let head_id = IdNumber::parse(f.get("head_id").unwrap_or(""))
        .map_err(|e| WebError::BadRequest(format!("户主身份证号：{e}")))?;
    let size = f
        .get("size")
        .and_then(|s| s.parse::<u32>().ok())
        .filter(|n| (1..=30).contains(n))
        .ok_or_else(|| WebError::BadRequest("请填写家庭人口（1到30）".into()))?;
    let risks = risks(f.all("risks"))?;
    if risks.is_empty() {
        return Err(WebError::BadRequest(
            "请至少选择一项遇到的困难（风险类型）".into(),
        ));
    }
    Ok(Application {
        village,
        head_name: f.text("head_name"),
        head_id,
        size,
        household_type: if f.get("household_type") == Some("2") {
            HouseholdType::ExPoor
        } else {
            HouseholdType::Ordinary
        },
        phone: f.get("phone").map(str::to_string),
        address: f.get("address").map(str::to_string),
        risks,
        note: f.get("note").map(str::to_string),
        on: today_in_china(),
    })
}

/// What an applicant is told when the application cannot be taken: their own input's problems
/// in full, anything about the registry only as "come to the village committee".
fn applicant_message(e: &WebError) -> String {
    match e {
        WebError::BadRequest(m) => m.clone(),
        WebError::App(AppError::Invalid(m)) => m.clone(),
        WebError::App(AppError::Monitoring(MonitoringFailure::Rule(r))) => r.to_string(),
        WebError::App(AppError::UnknownArea(_)) => "所选的村不存在，请重新选择".into(),
        _ => "暂时无法在线受理，请到村委会当面申请，或拨打乡镇的帮扶热线".into(),
    }
}

/// POST `/apply`
pub async fn submit(
    State(state): State<AppState>,
    session: Option<axum::Extension<Authenticated>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body)?;
    // Without a session the middleware checked nothing: the form's own token must match.
    if session.is_none() {
        let expected = cookie(&headers, APPLY_COOKIE).unwrap_or("");
        if expected.is_empty() || f.get("csrf") != Some(expected) {
            return Err(PageError(WebError::Csrf));
        }
    }
    let village = area_param(f.get("village"));
    if let Err(wait) = state.applications.take(&client) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return page(
            &state,
            session.as_deref(),
            StatusCode::TOO_MANY_REQUESTS,
            village,
            None,
            f,
            Some(format!(
                "提交过于频繁，请{minutes}分钟后再试，或到村委会当面申请"
            )),
            false,
        )
        .await;
    }
    let result = match application(&f) {
        Ok(a) => state.app.apply_online(&a).await.map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            page(
                &state,
                session.as_deref(),
                StatusCode::OK,
                village,
                None,
                Fields::default(),
                None,
                true,
            )
            .await
        }
        Err(e) => {
            if e.status().is_server_error() {
                tracing::error!(error = %e, "online application");
            }
            let status = match e.status() {
                s if s.is_server_error() => StatusCode::SERVICE_UNAVAILABLE,
                s if s == StatusCode::FORBIDDEN || s == StatusCode::CONFLICT => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                s => s,
            };
            page(
                &state,
                session.as_deref(),
                status,
                village,
                None,
                f,
                Some(applicant_message(&e)),
                false,
            )
            .await
        }
    }
    .map(IntoResponse::into_response)
}

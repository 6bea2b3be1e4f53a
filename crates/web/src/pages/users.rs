//! Users, for administrators: the users of their area; add, reset a password, disable, enable.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use zhenxing_app::AppError;
use zhenxing_app::users::{AddUser, Manager};
use zhenxing_domain::{Permission, Role};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::pages::areas::parse_area;
use crate::state::AppState;
use crate::views::{UserCtx, render_with};

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: &'static str,
    pub area: String,
    pub area_code: String,
    pub disabled: bool,
    pub created: String,
    pub manageable: bool,
    pub is_self: bool,
}

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub levels: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    title: &'static str,
    user: Option<UserCtx>,
    csrf: String,
    rows: Vec<UserRow>,
    roles: Vec<RoleChoice>,
    notice: Option<String>,
    secret: Option<String>,
    error: Option<String>,
}

#[derive(Default)]
struct Outcome {
    notice: Option<String>,
    secret: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    o: Outcome,
) -> Result<Response, PageError> {
    let by = Manager::User(&user.caller);
    let users = state.app.users(by).await?;
    let tree = state.app.tree().await;
    let me = &user.caller.user;
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            manageable: me.role.may_assign(u.role) && u.id != me.id,
            is_self: u.id == me.id,
            name: u.name,
            role: u.role.label(),
            area: tree.name(u.area).unwrap_or("").to_string(),
            area_code: u.area.to_string(),
            disabled: u.disabled,
            created: zhenxing_app::browse::china_time(&u.created_at),
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| me.role.may_assign(**r))
        .map(|r| RoleChoice {
            value: r.cli_name(),
            label: r.label(),
            levels: r
                .levels()
                .iter()
                .map(|l| l.label())
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    Ok(render_with(
        status,
        &UsersPage {
            title: "用户管理",
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            rows,
            roles,
            notice: o.notice,
            secret: o.secret,
            error: o.error,
        },
    ))
}

pub async fn list(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    user.caller.require(Permission::AdministerUsers)?;
    page(&state, &user, StatusCode::OK, Outcome::default()).await
}

#[derive(Deserialize)]
pub struct AddForm {
    name: String,
    role: String,
    area: String,
    #[serde(default)]
    password: String,
}

/// Errors a form can show next to itself; others (forbidden, not found) answer as pages.
fn form_error(e: AppError) -> Result<String, PageError> {
    match e {
        AppError::Invalid(_) | AppError::UserExists(_) => Ok(e.to_string()),
        other => Err(other.into()),
    }
}

pub async fn add(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<AddForm>,
) -> Result<Response, PageError> {
    user.caller.require(Permission::AdministerUsers)?;
    let role = Role::from_cli_name(&f.role)
        .ok_or_else(|| WebError::BadRequest(format!("角色无效：{}", f.role)))?;
    let area = parse_area(&f.area)?;
    let req = AddUser {
        name: f.name,
        role,
        area,
        password: Some(f.password).filter(|p| !p.is_empty()),
    };
    match state.app.add_user(Manager::User(&user.caller), req).await {
        Ok(added) => {
            let o = Outcome {
                notice: Some(format!("已新增用户“{}”。", added.user.name)),
                secret: added.generated_password.map(|p| {
                    format!(
                        "{} 的初始密码：{p}（只显示这一次，请转交本人）",
                        added.user.name
                    )
                }),
                error: None,
            };
            page(&state, &user, StatusCode::OK, o).await
        }
        Err(e) => {
            let error = form_error(e)?;
            page(
                &state,
                &user,
                StatusCode::BAD_REQUEST,
                Outcome {
                    error: Some(error),
                    ..Outcome::default()
                },
            )
            .await
        }
    }
}

fn user_id(s: &str) -> Result<i64, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

pub async fn reset(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = user_id(&id)?;
    let by = Manager::User(&user.caller);
    let password = state.app.reset_password(by, id, None).await?;
    let o = Outcome {
        notice: Some("密码已重置，该用户的登录已全部失效。".into()),
        secret: password.map(|p| format!("新密码：{p}（只显示这一次，请转交本人）")),
        error: None,
    };
    page(&state, &user, StatusCode::OK, o).await
}

async fn set_disabled(
    state: AppState,
    user: PageUser,
    id: &str,
    disabled: bool,
) -> Result<Response, PageError> {
    let id = user_id(id)?;
    match state
        .app
        .set_disabled(Manager::User(&user.caller), id, disabled)
        .await
    {
        Ok(()) => {
            let notice = if disabled {
                "用户已停用，其登录已失效。"
            } else {
                "用户已启用。"
            };
            page(
                &state,
                &user,
                StatusCode::OK,
                Outcome {
                    notice: Some(notice.into()),
                    ..Outcome::default()
                },
            )
            .await
        }
        Err(e) => {
            let error = form_error(e)?;
            page(
                &state,
                &user,
                StatusCode::BAD_REQUEST,
                Outcome {
                    error: Some(error),
                    ..Outcome::default()
                },
            )
            .await
        }
    }
}

pub async fn disable(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_disabled(state, user, &id, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_disabled(state, user, &id, false).await
}

//! A user's own API tokens: create (the secret shown once), list, revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use zhenxing_app::AppError;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::state::AppState;
use crate::views::{UserCtx, render_with};

pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    title: &'static str,
    user: Option<UserCtx>,
    csrf: String,
    rows: Vec<TokenRow>,
    secret: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    secret: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let rows = state
        .app
        .tokens(&user.caller)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            label: t.label,
            created: zhenxing_app::browse::china_time(&t.created_at),
            revoked: t
                .revoked_at
                .map(|r| zhenxing_app::browse::china_time(&r))
                .unwrap_or_default(),
        })
        .collect();
    Ok(render_with(
        status,
        &TokensPage {
            title: "API令牌",
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            rows,
            secret,
            error,
        },
    ))
}

pub async fn list(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    page(&state, &user, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    label: String,
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<CreateForm>,
) -> Result<Response, PageError> {
    match state.app.create_token(&user.caller, &f.label).await {
        Ok((_, secret)) => page(&state, &user, StatusCode::OK, Some(secret), None).await,
        Err(e @ AppError::Invalid(_)) => {
            page(
                &state,
                &user,
                StatusCode::BAD_REQUEST,
                None,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state.app.revoke_token(&user.caller, id).await?;
    page(&state, &user, StatusCode::OK, None, None).await
}

//! Logging in and out. A login always starts a new session (a session id planted in the browser
//! beforehand is never taken over); the login form has a double-submit token of its own.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use zhenxing_app::AppError;
use zhenxing_app::auth::{SESSION_HOURS, random_hex};

use crate::auth::{
    Authenticated, ClientAddr, LOGIN_COOKIE, PageUser, SESSION_COOKIE, cookie, set_cookie,
};
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{UserCtx, render_with};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    title: &'static str,
    user: Option<UserCtx>,
    csrf: String,
    next: String,
    name: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only paths of this site: never `//host` or `https://...`.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    next: String,
    name: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let csrf = random_hex(16)?;
    let mut r = render_with(
        status,
        &LoginPage {
            title: "登录",
            user: None,
            csrf: csrf.clone(),
            next,
            name,
            error,
        },
    );
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LOGIN_COOKIE,
            &csrf,
            "/login",
            Some(3600),
            state.secure_cookies,
        ),
    );
    Ok(r)
}

pub async fn show(
    State(state): State<AppState>,
    signed_in: Option<Extension<Authenticated>>,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    if signed_in.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    login_page(
        &state,
        StatusCode::OK,
        safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(Some(&form.next));
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || expected != form.csrf {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            next,
            form.name,
            Some("登录页面已过期，请重新输入".into()),
        );
    }
    match state.app.login(&form.name, &form.password, &client).await {
        Ok(ok) => {
            let mut r = Redirect::to(&next).into_response();
            let h = r.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &ok.session_token,
                    "/",
                    Some(SESSION_HOURS * 3600),
                    state.secure_cookies,
                ),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(LOGIN_COOKIE, "", "/login", Some(0), state.secure_cookies),
            );
            Ok(r)
        }
        Err(e @ (AppError::LoginFailed | AppError::TooManyAttempts { .. })) => {
            let message = e.to_string();
            let status = crate::error::WebError::App(e).status();
            login_page(&state, status, next, form.name, Some(message))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _user: PageUser,
) -> Result<Response, PageError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.app.logout(token).await?;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", "/", Some(0), state.secure_cookies),
    );
    Ok(r)
}

pub async fn home(user: PageUser) -> Response {
    Redirect::to(&format!("/areas/{}", user.caller.user.area)).into_response()
}

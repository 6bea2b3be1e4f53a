//! The audit log, for auditors: entries about their area, newest first, older pages by htmx.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use zhenxing_app::audit::action_label;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{UserCtx, render, wants_partial};

const PAGE: u32 = 100;

pub struct EntryRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: &'static str,
    pub area: String,
    pub subject: String,
    pub detail: String,
    pub hash: String,
}

pub struct AuditView {
    pub rows: Vec<EntryRow>,
    pub next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    title: &'static str,
    user: Option<UserCtx>,
    v: AuditView,
}

#[derive(Template)]
#[template(path = "audit_rows.html")]
struct AuditRows {
    v: AuditView,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let page = state.app.audit_log(&user.caller, q.before, PAGE).await?;
    let tree = state.app.tree().await;
    let rows = page
        .entries
        .iter()
        .map(|e| EntryRow {
            seq: e.seq,
            at: zhenxing_app::browse::china_time(&e.at),
            actor: e.actor.clone(),
            action: action_label(&e.action),
            area: e.area.and_then(|a| tree.name(a)).unwrap_or("").to_string(),
            subject: e.subject.clone(),
            detail: [e.before.as_str(), e.after.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" → "),
            hash: e.hash.chars().take(12).collect(),
        })
        .collect();
    let v = AuditView {
        rows,
        next_href: page.next_before.map(|b| format!("/audit?before={b}")),
    };
    if wants_partial(&headers) {
        return Ok(render(&AuditRows { v }));
    }
    Ok(render(&AuditPage {
        title: "审计日志",
        user: Some(UserCtx::of(&state, &user).await),
        v,
    }))
}

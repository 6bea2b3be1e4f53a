//! Policies and work news (政策文件库, 工作动态): the list a user sees (their area's, those above
//! it and those under it), a post, and the form of who may publish.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenxing_app::AppError;
use zhenxing_app::store::StoredPost;
use zhenxing_domain::post::PostKind;
use zhenxing_domain::today_in_china;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::state::AppState;
use crate::views::{UserCtx, render, render_with};

#[derive(Debug, Deserialize)]
pub struct PostsQuery {
    /// `policy` or `news`; both when absent.
    pub kind: Option<String>,
    /// Posts with ids below this one (the next page).
    pub before: Option<i64>,
}

/// A kind from a query or a form: its code word or its label.
pub fn kind_of(s: Option<&str>) -> Result<Option<PostKind>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("policy") => Ok(Some(PostKind::Policy)),
        Some("news") => Ok(Some(PostKind::News)),
        Some(other) => PostKind::parse(other)
            .map(Some)
            .map_err(|_| WebError::BadRequest(format!("类别“{other}”无效，应为 policy 或 news"))),
    }
}

/// A post as the list shows it.
pub struct PostLine {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub source: String,
    pub published_on: String,
    pub area_name: String,
}

#[derive(Template)]
#[template(path = "posts.html")]
struct PostsPage {
    title: String,
    user: Option<UserCtx>,
    kind: String,
    posts: Vec<PostLine>,
    next: Option<i64>,
}

async fn line(state: &AppState, p: &StoredPost) -> PostLine {
    let tree = state.app.tree().await;
    PostLine {
        id: p.id,
        kind: p.post.kind.label(),
        title: p.post.title.clone(),
        source: p.post.source.clone().unwrap_or_default(),
        published_on: p.post.published_on.to_string(),
        area_name: tree.name(p.area).unwrap_or_default().to_string(),
    }
}

/// `/posts`
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PostsQuery>,
) -> Result<Response, PageError> {
    let kind = kind_of(q.kind.as_deref())?;
    let posts = state.app.posts(&user.caller, kind, q.before).await?;
    let next = (posts.len() as u32 == zhenxing_app::posts::PAGE)
        .then(|| posts.last().map(|p| p.id))
        .flatten();
    let mut lines = Vec::with_capacity(posts.len());
    for p in &posts {
        lines.push(line(&state, p).await);
    }
    Ok(render(&PostsPage {
        title: "政策动态".into(),
        user: Some(UserCtx::of(&state, &user).await),
        kind: match kind {
            Some(PostKind::Policy) => "policy".into(),
            Some(PostKind::News) => "news".into(),
            None => String::new(),
        },
        posts: lines,
        next,
    }))
}

#[derive(Template)]
#[template(path = "post.html")]
struct PostPage {
    title: String,
    user: Option<UserCtx>,
    p: PostLine,
    paragraphs: Vec<String>,
    author: String,
    attachments: Vec<zhenxing_domain::post::AttachmentMeta>,
    /// The user may withdraw it (publishes in its area or one above it).
    may_withdraw: bool,
    csrf: String,
}

/// `/posts/{id}`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let p = state.app.post(&user.caller, id).await?;
    let attachments = state.app.post_attachments(&user.caller, id).await?;
    let may_withdraw = user.caller.may(zhenxing_domain::Permission::Publish)
        && user.caller.scope().contains(p.area);
    Ok(render(&PostPage {
        attachments,
        may_withdraw,
        csrf: user.csrf.clone(),
        title: p.post.title.clone(),
        user: Some(UserCtx::of(&state, &user).await),
        paragraphs: p.post.paragraphs().iter().map(|s| s.to_string()).collect(),
        author: p.author.clone(),
        p: line(&state, &p).await,
    }))
}

/// The publishing form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub published_on: String,
}

#[derive(Template)]
#[template(path = "post_form.html")]
struct PostFormPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    f: PostForm,
    today: String,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    f: PostForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    Ok(render_with(
        status,
        &PostFormPage {
            title: "发布政策文件或工作动态".into(),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            f,
            today: today_in_china().to_string(),
            error,
        },
    ))
}

/// `/posts/new`
pub async fn new(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    user.caller.require(zhenxing_domain::Permission::Publish)?;
    form_page(&state, &user, StatusCode::OK, PostForm::default(), None).await
}

/// POST `/posts` (the form, with the CSRF token; multipart with `?csrf=` when files are
/// attached): publishes, then shows the post; what was typed wrong, or a file that cannot be
/// attached, is shown with the form as typed (the files to be chosen again).
pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    user.caller.require(zhenxing_domain::Permission::Publish)?;
    let up = crate::forms::Upload::read_either(req, &state).await?;
    let fields = &up.fields;
    let f = PostForm {
        kind: fields.text("kind"),
        title: fields.text("title"),
        body: fields.text("body"),
        source: fields.text("source"),
        published_on: fields.text("published_on"),
    };
    let files: Vec<(String, Vec<u8>)> = up
        .files
        .into_iter()
        .filter(|(field, _, _)| field == "attachments")
        .map(|(_, name, bytes)| (name, bytes))
        .collect();
    let kind = match kind_of(Some(&f.kind)) {
        Ok(Some(k)) => k,
        Ok(None) => {
            let error = Some("类别：请选择政策文件或工作动态".to_string());
            return form_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f, error).await;
        }
        Err(e) => return Err(e.into()),
    };
    let published_on = match f.published_on.trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let error = Some(format!("发布日期：应为年-月-日，如 {}", today_in_china()));
                return form_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, f, error).await;
            }
        },
    };
    let source = Some(f.source.as_str());
    match state
        .app
        .publish_with(
            &user.caller,
            kind,
            &f.title,
            &f.body,
            source,
            published_on,
            files,
        )
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/posts/{id}")).into_response()),
        Err(AppError::Invalid(why)) => {
            form_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                Some(why),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `/posts/{id}/attachments/{n}`: an attachment of a post the user sees, as a download.
pub async fn attachment(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, seq)): Path<(String, String)>,
) -> Result<Response, PageError> {
    Ok(attachment_response(&state, &user.caller, &id, &seq).await?)
}

/// An attachment as a download (its own name, its kind; never shown inline).
pub async fn attachment_response(
    state: &AppState,
    caller: &zhenxing_app::auth::Caller,
    id: &str,
    seq: &str,
) -> Result<Response, WebError> {
    let (Ok(id), Ok(seq)) = (id.parse::<i64>(), seq.parse::<i64>()) else {
        return Err(WebError::NotFound);
    };
    let (meta, bytes) = state.app.post_attachment(caller, id, seq).await?;
    let kind: &'static str = match meta.content_type.as_str() {
        "application/pdf" => "application/pdf",
        "image/jpeg" => "image/jpeg",
        "image/png" => "image/png",
        _ => "application/octet-stream",
    };
    Ok(crate::views::download(bytes, &meta.name, kind))
}

/// POST `/posts/{id}/withdraw` (with the CSRF token): the post withdrawn (撤回), then the list.
pub async fn withdraw(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state.app.withdraw_post(&user.caller, id).await?;
    Ok(Redirect::to("/posts").into_response())
}

//! Policies and work news over the API.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhenxing_app::store::StoredPost;

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody, WebError};
use crate::pages::posts::kind_of;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostsParams {
    /// `policy` (政策文件) or `news` (工作动态); both when absent.
    pub kind: Option<String>,
    /// Posts with ids below this one (the next page: the last id of a page).
    pub before: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostJson {
    pub id: i64,
    /// The area it was published to.
    pub area_code: String,
    /// 政策文件 or 工作动态.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub source: Option<String>,
    pub published_on: String,
    pub author: String,
    /// Its attachments (given for one post, not in the lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<AttachmentJson>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentJson {
    /// Its number within the post.
    pub n: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// Where to download it (`GET`, with the same token).
    pub url: String,
}

impl From<&StoredPost> for PostJson {
    fn from(p: &StoredPost) -> Self {
        PostJson {
            id: p.id,
            area_code: p.area.to_string(),
            kind: p.post.kind.label().to_string(),
            title: p.post.title.clone(),
            body: p.post.body.clone(),
            source: p.post.source.clone(),
            published_on: p.post.published_on.to_string(),
            author: p.author.clone(),
            attachments: None,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/posts", tag = "政策动态",
    params(PostsParams),
    responses((status = 200, body = Vec<PostJson>, description = "The posts the caller sees (their area's, those above it and those under it), newest first, 50 at a time."),
        (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn posts(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Query(q): Query<PostsParams>,
) -> Result<Json<Vec<PostJson>>, ApiError> {
    let kind = kind_of(q.kind.as_deref())?;
    let posts = state.app.posts(&caller, kind, q.before).await?;
    Ok(Json(posts.iter().map(PostJson::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/posts/{id}", tag = "政策动态",
    params(("id" = i64, Path, description = "The post's id")),
    responses((status = 200, body = PostJson, description = "A post the caller sees."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<PostJson>, ApiError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let p = state.app.post(&caller, id).await?;
    let attachments = state.app.post_attachments(&caller, id).await?;
    let mut json: PostJson = (&p).into();
    json.attachments = Some(
        attachments
            .into_iter()
            .map(|a| AttachmentJson {
                url: format!("/api/v1/posts/{id}/attachments/{}", a.seq),
                n: a.seq,
                name: a.name,
                content_type: a.content_type,
                size: a.size,
            })
            .collect(),
    );
    Ok(Json(json))
}

#[utoipa::path(get, path = "/api/v1/posts/{id}/attachments/{n}", tag = "政策动态",
    params(("id" = i64, Path, description = "The post's id"), ("n" = i64, Path, description = "The attachment's number")),
    responses((status = 200, content_type = "application/octet-stream", description = "The file, as a download under its own name."), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn attachment(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path((id, n)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    Ok(crate::pages::posts::attachment_response(&state, &caller, &id, &n).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPostJson {
    /// `policy` or `news` (or 政策文件, 工作动态).
    pub kind: String,
    pub title: String,
    pub body: String,
    /// 发文单位、文号.
    pub source: Option<String>,
    /// YYYY-MM-DD; today when absent.
    pub published_on: Option<String>,
    /// Files to attach (at most 5 of 20 MB: PDF, OFD, Word, WPS, Excel, JPEG or PNG).
    pub attachments: Option<Vec<NewAttachmentJson>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAttachmentJson {
    /// The file's name, with its extension (e.g. 甘乡振发〔2026〕1号.pdf).
    pub name: String,
    /// The file's bytes, base64 (standard alphabet, padded).
    pub content_base64: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedJson {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/posts", tag = "政策动态",
    request_body = NewPostJson,
    responses((status = 200, body = PublishedJson, description = "Published to the caller's area."),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Json(p): Json<NewPostJson>,
) -> Result<Json<PublishedJson>, ApiError> {
    let kind = kind_of(Some(&p.kind))?
        .ok_or_else(|| WebError::BadRequest("kind 应为 policy 或 news".into()))?;
    let published_on = match p
        .published_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| WebError::BadRequest(format!("published_on 应为年-月-日：{d}")))?,
        ),
    };
    let mut files = Vec::new();
    for a in p.attachments.unwrap_or_default() {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.content_base64.trim())
            .map_err(|_| {
                WebError::BadRequest(format!("附件“{}”：content_base64 不是有效的base64", a.name))
            })?;
        files.push((a.name, bytes));
    }
    let id = state
        .app
        .publish_with(
            &caller,
            kind,
            &p.title,
            &p.body,
            p.source.as_deref(),
            published_on,
            files,
        )
        .await?;
    Ok(Json(PublishedJson { id }))
}

#[utoipa::path(post, path = "/api/v1/posts/{id}/withdraw", tag = "政策动态",
    params(("id" = i64, Path, description = "The post's id")),
    responses((status = 204, description = "Withdrawn (撤回): kept, shown to nobody any more."),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(caller): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state.app.withdraw_post(&caller, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

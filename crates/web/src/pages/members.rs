//! A household's members changed on its pages (成员变动), for who may import: one corrected,
//! one added (新增人口), one leaving (人口减少), each as a members ledger's row would be. A member
//! is named by their place in the household page's list (from 1) and checked by the masked ID
//! number the form was read with: no whole ID number is put in a page.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use zhenxing_app::edit::{LeaveForm, MemberForm, MemberRef};
use zhenxing_app::store::StoredHousehold;
use zhenxing_domain::member::{DibaoClass, Health, Labour, LeaveReason, Relation};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::household_no;
use crate::state::AppState;
use crate::views::{UserCtx, render};

#[derive(Template)]
#[template(path = "member_form.html")]
struct MemberPage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    no: String,
    head: String,
    /// Where the form goes: `new`, or the member's place.
    at: String,
    adding: bool,
    f: MemberForm,
    relations: Vec<&'static str>,
    healths: Vec<&'static str>,
    labours: Vec<&'static str>,
    dibaos: Vec<&'static str>,
    reasons: Vec<&'static str>,
    error: Option<String>,
}

fn position(s: &str) -> Result<usize, WebError> {
    s.parse::<usize>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or(WebError::NotFound)
}

fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|t| label(*t)).collect()
}

async fn page(
    state: &AppState,
    user: &PageUser,
    stored: &StoredHousehold,
    at: String,
    f: MemberForm,
    error: Option<String>,
) -> Response {
    let h = &stored.household;
    let adding = at == "new";
    let mut r = render(&MemberPage {
        title: format!(
            "{} {} · {}",
            h.head_name,
            h.no,
            if adding {
                "新增成员"
            } else {
                "修改成员"
            }
        ),
        user: Some(UserCtx::of(state, user).await),
        csrf: user.csrf.clone(),
        no: h.no.to_string(),
        head: h.head_name.clone(),
        at,
        adding,
        f,
        relations: labels(Relation::ALL, Relation::label),
        healths: labels(Health::ALL, Health::label),
        labours: labels(Labour::ALL, Labour::label),
        dibaos: labels(DibaoClass::ALL, DibaoClass::label),
        reasons: labels(LeaveReason::ALL, LeaveReason::label),
        error: error.clone(),
    });
    if error.is_some() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// The form adding a member (新增人口).
pub async fn new_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let stored = state.app.household_to_edit(&user.caller, &no).await?;
    Ok(page(
        &state,
        &user,
        &stored,
        "new".into(),
        MemberForm::default(),
        None,
    )
    .await)
}

/// POST, with the CSRF token: adds the member, then shows the household.
pub async fn add(
    State(state): State<AppState>,
    user: PageUser,
    Path(no): Path<String>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    match state.app.add_member(&user.caller, &no, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/households/{no}")).into_response()),
        Err(zhenxing_app::AppError::Invalid(why)) => {
            let stored = state.app.household_to_edit(&user.caller, &no).await?;
            Ok(page(&state, &user, &stored, "new".into(), f, Some(why)).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// The form correcting the member at a place, with the form of their leaving.
pub async fn edit_form(
    State(state): State<AppState>,
    user: PageUser,
    Path((no, at)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let p = position(&at)?;
    let (stored, member) = state
        .app
        .member_to_edit(&user.caller, &no, MemberRef::At(p, None))
        .await?;
    Ok(page(&state, &user, &stored, at, MemberForm::of(&member), None).await)
}

/// POST, with the CSRF token: saves the member's form, then shows the household.
pub async fn edit(
    State(state): State<AppState>,
    user: PageUser,
    Path((no, at)): Path<(String, String)>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let p = position(&at)?;
    match state
        .app
        .edit_member(&user.caller, &no, MemberRef::At(p, Some(&f.masked_id)), &f)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/households/{no}")).into_response()),
        Err(zhenxing_app::AppError::Invalid(why) | zhenxing_app::AppError::Stale(why)) => {
            let stored = state.app.household_to_edit(&user.caller, &no).await?;
            Ok(page(&state, &user, &stored, at, f, Some(why)).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST, with the CSRF token: the member leaves the household (人口减少), then the household.
pub async fn leave(
    State(state): State<AppState>,
    user: PageUser,
    Path((no, at)): Path<(String, String)>,
    Form(f): Form<LeaveForm>,
) -> Result<Response, PageError> {
    let no = household_no(&no)?;
    let p = position(&at)?;
    match state
        .app
        .remove_member(&user.caller, &no, MemberRef::At(p, Some(&f.masked_id)), &f)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/households/{no}")).into_response()),
        Err(zhenxing_app::AppError::Invalid(why) | zhenxing_app::AppError::Stale(why)) => {
            let (stored, member) = state
                .app
                .member_to_edit(&user.caller, &no, MemberRef::At(p, None))
                .await?;
            Ok(page(
                &state,
                &user,
                &stored,
                at,
                MemberForm::of(&member),
                Some(why),
            )
            .await)
        }
        Err(e) => Err(e.into()),
    }
}

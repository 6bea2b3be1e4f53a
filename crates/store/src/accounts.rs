//! Accounts: users, sessions, API tokens and the audit log. A trait of its own beside [`Store`]
//! (the registry), implemented once for every SQL backend in `sql::accounts`.
//!
//! Secrets are never stored: sessions and tokens by their SHA-256, passwords as argon2id hashes
//! made in the app layer. Every change to a user or token writes an audit entry in the same
//! transaction.
//!
//! [`Store`]: crate::Store

use async_trait::async_trait;
use zhenxing_domain::{AreaCode, Role, Scope};

use crate::{Actor, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: i64,
    /// The login name.
    pub name: String,
    pub role: Role,
    pub area: AreaCode,
    pub disabled: bool,
    pub created_at: String,
}

impl User {
    pub fn scope(&self) -> Scope {
        Scope::Area(self.area)
    }
}

/// A user with the argon2id hash of their password (for checking a login only).
#[derive(Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

impl std::fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserCredentials")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub area: AreaCode,
    pub password_hash: String,
}

pub struct NewSession {
    /// SHA-256 of the session id the cookie carries.
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// An entry to append to the audit log; the store adds who, when, the sequence and the hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    /// Stable code, e.g. `reveal_personal_data`.
    pub action: &'static str,
    pub area: Option<AreaCode>,
    pub subject: String,
    /// JSON, or empty.
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub area: Option<AreaCode>,
    pub subject: String,
    pub before: String,
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Adds a user; `None` when the name is taken.
    async fn create_user(&self, actor: &Actor, user: &NewUser) -> StoreResult<Option<User>>;

    async fn user_credentials(&self, name: &str) -> StoreResult<Option<UserCredentials>>;

    /// A user whose area lies in `scope`.
    async fn user(&self, scope: Scope, id: i64) -> StoreResult<Option<User>>;

    async fn user_by_name(&self, scope: Scope, name: &str) -> StoreResult<Option<User>>;

    /// Users whose area lies in `scope`, by area then name.
    async fn users(&self, scope: Scope) -> StoreResult<Vec<User>>;

    /// Sets a new password hash and ends the user's sessions. `false`: no such user in scope.
    async fn set_password(
        &self,
        actor: &Actor,
        scope: Scope,
        id: i64,
        password_hash: &str,
    ) -> StoreResult<bool>;

    /// Disables (ending sessions) or enables a user. `false`: no such user in scope.
    async fn set_disabled(
        &self,
        actor: &Actor,
        scope: Scope,
        id: i64,
        disabled: bool,
    ) -> StoreResult<bool>;

    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;

    /// The enabled user and CSRF token of a live session (`now` in the stored UTC form).
    async fn session(&self, token_hash: &str, now: &str) -> StoreResult<Option<(User, String)>>;

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    async fn create_token(
        &self,
        actor: &Actor,
        user: &User,
        label: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken>;

    async fn tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>>;

    /// The enabled user a live (not revoked) token belongs to.
    async fn token_user(&self, token_hash: &str) -> StoreResult<Option<User>>;

    /// Revokes a token of `user`. `false`: no such live token of that user.
    async fn revoke_token(&self, actor: &Actor, user: &User, token_id: i64) -> StoreResult<bool>;

    async fn append_audit(&self, actor: &Actor, entry: &NewAudit) -> StoreResult<AuditRecord>;

    /// Entries about areas in `scope`, newest first, before `before_seq` when given.
    async fn audit_entries(
        &self,
        scope: Scope,
        before_seq: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>>;

    /// The whole chain in order, from `after_seq` on, for verification.
    async fn audit_chain(&self, after_seq: i64, limit: u32) -> StoreResult<Vec<AuditRecord>>;

    /// The chain's head as last appended: (last sequence number, its hash).
    async fn audit_head(&self) -> StoreResult<(i64, String)>;
}

//! [`AccountStore`] over any [`Db`]: users, sessions, API tokens and the audit hash chain.

use async_trait::async_trait;
use zhenxing_domain::audit::{AuditFields, entry_hash};
use zhenxing_domain::{AreaCode, Role, Scope};

use super::{Db, Row, SqlStore, Tx, Value, now_text};
use crate::accounts::{
    AccountStore, ApiToken, AuditRecord, NewAudit, NewSession, NewUser, User, UserCredentials,
};
use crate::{Actor, StoreError, StoreResult};

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.area_code, u.disabled, u.created_at";
const AUDIT_COLUMNS: &str = "seq, at, actor_id, actor, action, area_code, subject, before_json, after_json, prev_hash, hash";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn user_from_row(r: &Row) -> StoreResult<User> {
    Ok(User {
        id: r.int(0)?,
        name: r.text(1)?,
        role: Role::from_code(r.int(2)?).ok_or_else(|| corrupt("角色"))?,
        area: AreaCode::from_i64(r.int(3)?).map_err(corrupt)?,
        disabled: r.flag(4)?,
        created_at: r.text(5)?,
    })
}

fn token_from_row(r: &Row) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: r.int(0)?,
        user_id: r.int(1)?,
        label: r.text(2)?,
        created_at: r.text(3)?,
        revoked_at: r.opt_text(4)?,
    })
}

fn audit_from_row(r: &Row) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        seq: r.int(0)?,
        at: r.text(1)?,
        actor_id: r.opt_int(2)?,
        actor: r.text(3)?,
        action: r.text(4)?,
        area: r
            .opt_int(5)?
            .map(|a| AreaCode::from_i64(a).map_err(corrupt))
            .transpose()?,
        subject: r.text(6)?,
        before: r.text(7)?,
        after: r.text(8)?,
        prev_hash: r.text(9)?,
        hash: r.text(10)?,
    })
}

/// The user as the audit log records it: no password hash.
fn user_json(u: &User) -> String {
    serde_json::json!({
        "id": u.id,
        "name": u.name,
        "role": u.role.cli_name(),
        "area": u.area.to_string(),
        "disabled": u.disabled,
    })
    .to_string()
}

/// Appends an entry inside `tx`. Taking the head row first serialises concurrent writers (a row
/// lock on PostgreSQL, the one writer on SQLite), so the chain never forks.
async fn append(tx: &mut dyn Tx, actor: &Actor, e: &NewAudit) -> StoreResult<AuditRecord> {
    let rows = tx
        .fetch(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
            &[],
        )
        .await?;
    let head = rows.first().ok_or_else(|| corrupt("audit_head 缺失"))?;
    let (seq, prev_hash) = (head.int(0)?, head.text(1)?);
    let at = now_text();
    let area = e.area.map(AreaCode::as_i64);
    let hash = entry_hash(&AuditFields {
        seq,
        at: &at,
        actor_id: actor.user_id,
        actor: &actor.name,
        action: e.action,
        area,
        subject: &e.subject,
        before: &e.before,
        after: &e.after,
        prev_hash: &prev_hash,
    });
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, area_code, subject, before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            seq.into(),
            at.as_str().into(),
            actor.user_id.into(),
            actor.name.as_str().into(),
            e.action.into(),
            Value::Int(area),
            e.subject.as_str().into(),
            e.before.as_str().into(),
            e.after.as_str().into(),
            prev_hash.as_str().into(),
            hash.as_str().into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE audit_head SET hash = $1 WHERE id = 1",
        &[hash.as_str().into()],
    )
    .await?;
    Ok(AuditRecord {
        seq,
        at,
        actor_id: actor.user_id,
        actor: actor.name.clone(),
        action: e.action.to_string(),
        area: e.area,
        subject: e.subject.clone(),
        before: e.before.clone(),
        after: e.after.clone(),
        prev_hash,
        hash,
    })
}

fn scope_args(scope: Scope) -> (i64, i64) {
    let (lo, hi) = scope.range();
    (lo as i64, hi as i64)
}

async fn user_in(tx: &mut dyn Tx, scope: Scope, id: i64) -> StoreResult<Option<User>> {
    let (lo, hi) = scope_args(scope);
    let rows = tx
        .fetch(
            &format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1 AND u.area_code BETWEEN $2 AND $3"
            ),
            &[id.into(), lo.into(), hi.into()],
        )
        .await?;
    rows.first().map(user_from_row).transpose()
}

#[async_trait]
impl<D: Db> AccountStore for SqlStore<D> {
    async fn create_user(&self, actor: &Actor, user: &NewUser) -> StoreResult<Option<User>> {
        let mut tx = self.db().write().await?;
        let now = now_text();
        let rows = tx
            .fetch(
                "INSERT INTO users (name, role, area_code, password_hash, disabled, created_at, password_changed_at) \
                 VALUES ($1, $2, $3, $4, 0, $5, $5) ON CONFLICT (name) DO NOTHING RETURNING id",
                &[
                    user.name.as_str().into(),
                    user.role.code().into(),
                    user.area.as_i64().into(),
                    user.password_hash.as_str().into(),
                    now.as_str().into(),
                ],
            )
            .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let created = User {
            id: row.int(0)?,
            name: user.name.clone(),
            role: user.role,
            area: user.area,
            disabled: false,
            created_at: now,
        };
        append(
            tx.as_mut(),
            actor,
            &NewAudit {
                action: "user_create",
                area: Some(created.area),
                subject: format!("user:{}", created.id),
                before: String::new(),
                after: user_json(&created),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(created))
    }

    async fn user_credentials(&self, name: &str) -> StoreResult<Option<UserCredentials>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.name = $1"),
                &[name.into()],
            )
            .await?;
        rows.first()
            .map(|r| {
                Ok(UserCredentials {
                    user: user_from_row(r)?,
                    password_hash: r.text(6)?,
                })
            })
            .transpose()
    }

    async fn user(&self, scope: Scope, id: i64) -> StoreResult<Option<User>> {
        let mut tx = self.db().read().await?;
        user_in(tx.as_mut(), scope, id).await
    }

    async fn user_by_name(&self, scope: Scope, name: &str) -> StoreResult<Option<User>> {
        let mut tx = self.db().read().await?;
        let (lo, hi) = scope_args(scope);
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.name = $1 AND u.area_code BETWEEN $2 AND $3"
                ),
                &[name.into(), lo.into(), hi.into()],
            )
            .await?;
        rows.first().map(user_from_row).transpose()
    }

    async fn users(&self, scope: Scope) -> StoreResult<Vec<User>> {
        let mut tx = self.db().read().await?;
        let (lo, hi) = scope_args(scope);
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.area_code BETWEEN $1 AND $2 ORDER BY u.area_code, u.name"
                ),
                &[lo.into(), hi.into()],
            )
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn set_password(
        &self,
        actor: &Actor,
        scope: Scope,
        id: i64,
        password_hash: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.db().write().await?;
        let Some(user) = user_in(tx.as_mut(), scope, id).await? else {
            return Ok(false);
        };
        tx.execute(
            "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
            &[password_hash.into(), now_text().into(), id.into()],
        )
        .await?;
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[id.into()])
            .await?;
        append(
            tx.as_mut(),
            actor,
            &NewAudit {
                action: "user_reset_password",
                area: Some(user.area),
                subject: format!("user:{id}"),
                before: String::new(),
                after: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn set_disabled(
        &self,
        actor: &Actor,
        scope: Scope,
        id: i64,
        disabled: bool,
    ) -> StoreResult<bool> {
        let mut tx = self.db().write().await?;
        let Some(before) = user_in(tx.as_mut(), scope, id).await? else {
            return Ok(false);
        };
        tx.execute(
            "UPDATE users SET disabled = $1 WHERE id = $2",
            &[disabled.into(), id.into()],
        )
        .await?;
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[id.into()])
                .await?;
        }
        let after = User {
            disabled,
            ..before.clone()
        };
        append(
            tx.as_mut(),
            actor,
            &NewAudit {
                action: if disabled {
                    "user_disable"
                } else {
                    "user_enable"
                },
                area: Some(before.area),
                subject: format!("user:{id}"),
                before: user_json(&before),
                after: user_json(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn create_session(&self, s: &NewSession) -> StoreResult<()> {
        let mut tx = self.db().write().await?;
        let now = now_text();
        // Expired sessions go when new ones come: the table stays the size of the live ones.
        tx.execute(
            "DELETE FROM sessions WHERE expires_at < $1",
            &[now.as_str().into()],
        )
        .await?;
        tx.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                s.token_hash.as_str().into(),
                s.user_id.into(),
                s.csrf_token.as_str().into(),
                now.as_str().into(),
                s.expires_at.as_str().into(),
            ],
        )
        .await?;
        tx.commit().await
    }

    async fn session(&self, token_hash: &str, now: &str) -> StoreResult<Option<(User, String)>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
                ),
                &[token_hash.into(), now.into()],
            )
            .await?;
        rows.first()
            .map(|r| Ok((user_from_row(r)?, r.text(6)?)))
            .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut tx = self.db().write().await?;
        tx.execute(
            "DELETE FROM sessions WHERE token_hash = $1",
            &[token_hash.into()],
        )
        .await?;
        tx.commit().await
    }

    async fn create_token(
        &self,
        actor: &Actor,
        user: &User,
        label: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken> {
        let mut tx = self.db().write().await?;
        let now = now_text();
        let rows = tx
            .fetch(
                "INSERT INTO api_tokens (user_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[
                    user.id.into(),
                    label.into(),
                    token_hash.into(),
                    now.as_str().into(),
                ],
            )
            .await?;
        let id = rows.first().ok_or_else(|| corrupt("RETURNING"))?.int(0)?;
        let token = ApiToken {
            id,
            user_id: user.id,
            label: label.to_string(),
            created_at: now,
            revoked_at: None,
        };
        append(
            tx.as_mut(),
            actor,
            &NewAudit {
                action: "token_create",
                area: Some(user.area),
                subject: format!("token:{id}"),
                before: String::new(),
                after: serde_json::json!({"user": user.id, "label": label}).to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    async fn tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                "SELECT id, user_id, label, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
                &[user_id.into()],
            )
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn token_user(&self, token_hash: &str) -> StoreResult<Option<User>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0"
                ),
                &[token_hash.into()],
            )
            .await?;
        rows.first().map(user_from_row).transpose()
    }

    async fn revoke_token(&self, actor: &Actor, user: &User, token_id: i64) -> StoreResult<bool> {
        let mut tx = self.db().write().await?;
        let n = tx
            .execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                &[now_text().into(), token_id.into(), user.id.into()],
            )
            .await?;
        if n == 0 {
            return Ok(false);
        }
        append(
            tx.as_mut(),
            actor,
            &NewAudit {
                action: "token_revoke",
                area: Some(user.area),
                subject: format!("token:{token_id}"),
                before: String::new(),
                after: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn append_audit(&self, actor: &Actor, entry: &NewAudit) -> StoreResult<AuditRecord> {
        let mut tx = self.db().write().await?;
        let record = append(tx.as_mut(), actor, entry).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn audit_entries(
        &self,
        scope: Scope,
        before_seq: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>> {
        let mut tx = self.db().read().await?;
        let before = before_seq.unwrap_or(i64::MAX);
        let rows = match scope {
            Scope::All => {
                tx.fetch(
                    &format!(
                        "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT {limit}"
                    ),
                    &[before.into()],
                )
                .await?
            }
            Scope::Area(_) => {
                let (lo, hi) = scope_args(scope);
                tx.fetch(
                    &format!(
                        "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE area_code BETWEEN $1 AND $2 AND seq < $3 \
                         ORDER BY seq DESC LIMIT {limit}"
                    ),
                    &[lo.into(), hi.into(), before.into()],
                )
                .await?
            }
        };
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_chain(&self, after_seq: i64, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT {limit}"
                ),
                &[after_seq.into()],
            )
            .await?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_head(&self) -> StoreResult<(i64, String)> {
        let mut tx = self.db().read().await?;
        let rows = tx
            .fetch("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
            .await?;
        let r = rows
            .first()
            .ok_or_else(|| StoreError::Corrupt("审计日志没有链头".into()))?;
        Ok((r.int(0)?, r.text(1)?))
    }
}

//! Who is calling: logging in (argon2id, rate-limited), sessions, API tokens, and the
//! [`Caller`] every other use case takes.
//!
//! Login attempts are counted in memory, per account and per client address: a restart forgets
//! them, and several servers behind one balancer count separately (see ARCHITECTURE.md).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use zhenxing_domain::audit::{secret_hash, to_hex};
use zhenxing_domain::{Permission, Scope};
use zhenxing_store::Actor;
use zhenxing_store::accounts::{ApiToken, NewAudit, NewSession, User};

use crate::{App, AppError};

/// How long a session lives after login.
pub const SESSION_HOURS: i64 = 12;

/// How a caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A browser session cookie: state-changing requests need the session's CSRF token.
    Session,
    /// `Authorization: Bearer TOKEN`.
    Token,
}

/// A signed-in user, as every use case takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: User,
    pub via: Via,
}

impl Caller {
    /// What the caller may read and change: their area and everything under it.
    pub fn scope(&self) -> Scope {
        self.user.scope()
    }

    pub fn may(&self, p: Permission) -> bool {
        self.user.role.may(p)
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: self.user.name.clone(),
        }
    }

    /// The same caller for the monitoring lifecycle's use cases (acting in their role).
    pub fn monitoring(&self) -> crate::monitoring::Caller {
        crate::monitoring::Caller::user(self.actor(), self.user.role, self.user.area)
    }
}

/// A live browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    pub csrf_token: String,
}

/// What a successful login hands the browser: a new session id (never one the browser brought,
/// so a planted id is worthless) and its CSRF token.
#[derive(Debug, Clone)]
pub struct LoginOk {
    pub session_token: String,
    pub csrf_token: String,
    pub user: User,
}

/// `n` random bytes from the operating system, as hex.
pub fn random_hex(n: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf)
        .map_err(|e| AppError::Invalid(format!("系统随机数不可用：{e}")))?;
    Ok(to_hex(&buf))
}

/// A password people can type: 12 characters without look-alikes (0/O, 1/l/I).
pub fn generate_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 12];
    getrandom::getrandom(&mut buf)
        .map_err(|e| AppError::Invalid(format!("系统随机数不可用：{e}")))?;
    Ok(buf
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

pub fn check_password_strength(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < 8 {
        return Err(AppError::Invalid("密码至少8位".into()));
    }
    if n > 128 {
        return Err(AppError::Invalid("密码最长128位".into()));
    }
    Ok(())
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::getrandom(&mut salt)
            .map_err(|e| AppError::Invalid(format!("系统随机数不可用：{e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Invalid(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Invalid(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Invalid(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Failed login attempts, counted per key (an account name, or a client address).
#[derive(Debug, Clone, Copy)]
pub struct LimitPolicy {
    pub max_failures: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

#[derive(Debug)]
pub struct LoginGuard {
    pub per_account: LimitPolicy,
    pub per_client: LimitPolicy,
    accounts: Mutex<HashMap<String, Window>>,
    clients: Mutex<HashMap<String, Window>>,
}

impl Default for LoginGuard {
    /// 5 failures per account and 20 per client address in 15 minutes.
    fn default() -> Self {
        LoginGuard::new(
            LimitPolicy {
                max_failures: 5,
                window: Duration::from_secs(15 * 60),
            },
            LimitPolicy {
                max_failures: 20,
                window: Duration::from_secs(15 * 60),
            },
        )
    }
}

fn blocked(
    map: &Mutex<HashMap<String, Window>>,
    key: &str,
    p: LimitPolicy,
    now: Instant,
) -> Option<Duration> {
    let map = map.lock().unwrap_or_else(|e| e.into_inner());
    let w = map.get(key)?;
    let elapsed = now.saturating_duration_since(w.started);
    (w.failures >= p.max_failures && elapsed < p.window).then(|| p.window - elapsed)
}

fn count(map: &Mutex<HashMap<String, Window>>, key: &str, p: LimitPolicy, now: Instant) {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() > 100_000 {
        map.retain(|_, w| now.saturating_duration_since(w.started) < p.window);
    }
    let w = map.entry(key.to_string()).or_insert(Window {
        started: now,
        failures: 0,
    });
    if now.saturating_duration_since(w.started) >= p.window {
        *w = Window {
            started: now,
            failures: 0,
        };
    }
    w.failures += 1;
}

impl LoginGuard {
    pub fn new(per_account: LimitPolicy, per_client: LimitPolicy) -> LoginGuard {
        LoginGuard {
            per_account,
            per_client,
            accounts: Mutex::default(),
            clients: Mutex::default(),
        }
    }

    /// How long until this account or client may try again, if it is blocked now.
    pub fn blocked(&self, account: &str, client: &str, now: Instant) -> Option<Duration> {
        let a = blocked(&self.accounts, account, self.per_account, now);
        let c = blocked(&self.clients, client, self.per_client, now);
        a.max(c)
    }

    pub fn failed(&self, account: &str, client: &str, now: Instant) {
        count(&self.accounts, account, self.per_account, now);
        count(&self.clients, client, self.per_client, now);
    }

    pub fn succeeded(&self, account: &str) {
        self.accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(account);
    }
}

fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl App {
    /// Checks a name and password; on success opens a new session.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        client: &str,
    ) -> Result<LoginOk, AppError> {
        let name = name.trim();
        if let Some(wait) = self.login_guard.blocked(name, client, Instant::now()) {
            return Err(AppError::TooManyAttempts {
                minutes: wait.as_secs().div_ceil(60).max(1),
            });
        }
        let creds = self.accounts().user_credentials(name).await?;
        let ok = match &creds {
            Some(c) => verify_password(password.to_string(), c.password_hash.clone()).await,
            None => {
                // As slow as a wrong password, so the answer does not tell which names exist.
                let _ = hash_password(password.to_string()).await;
                false
            }
        };
        let user = match creds {
            Some(c) if ok && !c.user.disabled => c.user,
            _ => {
                self.login_guard.failed(name, client, Instant::now());
                tracing::info!(target: "zhenxing::auth", client, "login failed");
                return Err(AppError::LoginFailed);
            }
        };
        self.login_guard.succeeded(name);
        let session_token = random_hex(32)?;
        let csrf_token = random_hex(32)?;
        let expires_at = (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        self.accounts()
            .create_session(&NewSession {
                token_hash: secret_hash(&session_token),
                user_id: user.id,
                csrf_token: csrf_token.clone(),
                expires_at,
            })
            .await?;
        let caller = Caller {
            user: user.clone(),
            via: Via::Session,
        };
        self.accounts()
            .append_audit(
                &caller.actor(),
                &NewAudit {
                    action: "login",
                    area: Some(user.area),
                    subject: format!("user:{}", user.id),
                    before: String::new(),
                    after: serde_json::json!({ "client": client }).to_string(),
                },
            )
            .await?;
        Ok(LoginOk {
            session_token,
            csrf_token,
            user,
        })
    }

    /// The session a cookie names, if it is live and its user enabled.
    pub async fn session(&self, session_token: &str) -> Result<Option<Session>, AppError> {
        if session_token.len() != 64 {
            return Ok(None);
        }
        let found = self
            .accounts()
            .session(&secret_hash(session_token), &now_text())
            .await?;
        Ok(found.map(|(user, csrf_token)| Session {
            caller: Caller {
                user,
                via: Via::Session,
            },
            csrf_token,
        }))
    }

    pub async fn logout(&self, session_token: &str) -> Result<(), AppError> {
        self.accounts()
            .delete_session(&secret_hash(session_token))
            .await?;
        Ok(())
    }

    /// The caller an API token belongs to.
    pub async fn token_caller(&self, token: &str) -> Result<Option<Caller>, AppError> {
        if !token.starts_with("zx_") || token.len() > 100 {
            return Ok(None);
        }
        let user = self.accounts().token_user(&secret_hash(token)).await?;
        Ok(user.map(|user| Caller {
            user,
            via: Via::Token,
        }))
    }

    /// A new API token for the caller: the secret is returned once and only its hash kept.
    pub async fn create_token(
        &self,
        caller: &Caller,
        label: &str,
    ) -> Result<(ApiToken, String), AppError> {
        self.create_token_as(&caller.actor(), &caller.user, label)
            .await
    }

    pub(crate) async fn create_token_as(
        &self,
        actor: &Actor,
        user: &User,
        label: &str,
    ) -> Result<(ApiToken, String), AppError> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 64 {
            return Err(AppError::Invalid("令牌名称应为1至64个字".into()));
        }
        let secret = format!("zx_{}", random_hex(24)?);
        let token = self
            .accounts()
            .create_token(actor, user, label, &secret_hash(&secret))
            .await?;
        Ok((token, secret))
    }

    pub async fn tokens(&self, caller: &Caller) -> Result<Vec<ApiToken>, AppError> {
        Ok(self.accounts().tokens(caller.user.id).await?)
    }

    /// Revokes one of the caller's own tokens.
    pub async fn revoke_token(&self, caller: &Caller, token_id: i64) -> Result<(), AppError> {
        if self
            .accounts()
            .revoke_token(&caller.actor(), &caller.user, token_id)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_blocks_after_the_limit_and_forgets_after_the_window() {
        let p = |n| LimitPolicy {
            max_failures: n,
            window: Duration::from_secs(60),
        };
        let guard = LoginGuard::new(p(3), p(5));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(guard.blocked("wang", "1.2.3.4", t0).is_none());
            guard.failed("wang", "1.2.3.4", t0);
        }
        assert!(guard.blocked("wang", "9.9.9.9", t0).is_some());
        // another account from the same address still may, until the address's limit
        assert!(guard.blocked("li", "1.2.3.4", t0).is_none());
        guard.failed("li", "1.2.3.4", t0);
        guard.failed("li", "1.2.3.4", t0);
        assert!(guard.blocked("zhao", "1.2.3.4", t0).is_some());
        let later = t0 + Duration::from_secs(61);
        assert!(guard.blocked("wang", "1.2.3.4", later).is_none());
        guard.succeeded("wang");
    }

    #[test]
    fn generated_passwords_are_strong_enough() {
        let p = generate_password().unwrap();
        assert_eq!(p.len(), 12);
        assert!(check_password_strength(&p).is_ok());
        assert!(check_password_strength("short").is_err());
        assert_ne!(generate_password().unwrap(), p);
    }
}

//! Managing users: administrators within their area (and never above their own rank), or the
//! operator at the command line, who holds the database.

use zhenxing_domain::{AreaCode, Permission, Role, Scope};
use zhenxing_store::Actor;
use zhenxing_store::accounts::{ApiToken, NewUser, User};

use crate::auth::{Caller, check_password_strength, generate_password, hash_password};
use crate::{App, AppError};

/// Who manages users.
#[derive(Debug, Clone, Copy)]
pub enum Manager<'a> {
    CommandLine,
    User(&'a Caller),
}

impl Manager<'_> {
    fn scope(&self) -> Scope {
        match self {
            Manager::CommandLine => Scope::All,
            Manager::User(c) => c.scope(),
        }
    }

    fn actor(&self) -> Actor {
        match self {
            Manager::CommandLine => Actor::command_line(),
            Manager::User(c) => c.actor(),
        }
    }

    /// Whether this manager may create or change a user of `role` (in scope is checked apart).
    fn may_manage(&self, role: Role) -> Result<(), AppError> {
        match self {
            Manager::CommandLine => Ok(()),
            Manager::User(c) => {
                c.require(Permission::AdministerUsers)?;
                if c.user.role.may_assign(role) {
                    Ok(())
                } else {
                    Err(AppError::Forbidden)
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct AddUser {
    pub name: String,
    pub role: Role,
    pub area: AreaCode,
    /// `None`: generate one and return it.
    pub password: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AddedUser {
    pub user: User,
    pub generated_password: Option<String>,
}

/// Login names: 2 to 32 characters, no spaces or control characters.
pub fn check_name(name: &str) -> Result<&str, AppError> {
    let name = name.trim();
    let n = name.chars().count();
    if !(2..=32).contains(&n) || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::Invalid("用户名应为2至32个字符，不含空格".into()));
    }
    Ok(name)
}

async fn password_or_generated(
    password: Option<String>,
) -> Result<(String, Option<String>), AppError> {
    let (password, generated) = match password {
        Some(p) => {
            check_password_strength(&p)?;
            (p, None)
        }
        None => {
            let p = generate_password()?;
            (p.clone(), Some(p))
        }
    };
    Ok((hash_password(password).await?, generated))
}

impl App {
    pub async fn add_user(&self, by: Manager<'_>, req: AddUser) -> Result<AddedUser, AppError> {
        let name = check_name(&req.name)?.to_string();
        by.may_manage(req.role)?;
        let tree = self.tree().await;
        if !by.scope().contains(req.area) || tree.get(req.area).is_none() {
            return Err(AppError::UnknownArea(req.area.to_string()));
        }
        req.role
            .check_level(req.area.level())
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let (password_hash, generated_password) = password_or_generated(req.password).await?;
        let user = self
            .accounts()
            .create_user(
                &by.actor(),
                &NewUser {
                    name: name.clone(),
                    role: req.role,
                    area: req.area,
                    password_hash,
                },
            )
            .await?
            .ok_or(AppError::UserExists(name))?;
        Ok(AddedUser {
            user,
            generated_password,
        })
    }

    /// A user the manager may change: in scope and of a role they may give.
    async fn managed_user(&self, by: Manager<'_>, id: i64) -> Result<User, AppError> {
        let user = self
            .accounts()
            .user(by.scope(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        by.may_manage(user.role)?;
        Ok(user)
    }

    pub async fn user_by_name(&self, by: Manager<'_>, name: &str) -> Result<User, AppError> {
        self.accounts()
            .user_by_name(by.scope(), name.trim())
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Sets a new password (generated and returned when `None`); the user's sessions end.
    pub async fn reset_password(
        &self,
        by: Manager<'_>,
        id: i64,
        password: Option<String>,
    ) -> Result<Option<String>, AppError> {
        let user = self.managed_user(by, id).await?;
        let (hash, generated) = password_or_generated(password).await?;
        self.accounts()
            .set_password(&by.actor(), by.scope(), user.id, &hash)
            .await?;
        Ok(generated)
    }

    pub async fn set_disabled(
        &self,
        by: Manager<'_>,
        id: i64,
        disabled: bool,
    ) -> Result<(), AppError> {
        let user = self.managed_user(by, id).await?;
        if let Manager::User(c) = by
            && c.user.id == user.id
        {
            return Err(AppError::Invalid("不能停用自己的账号".into()));
        }
        self.accounts()
            .set_disabled(&by.actor(), by.scope(), user.id, disabled)
            .await?;
        Ok(())
    }

    /// The users an administrator manages (their area).
    pub async fn users(&self, by: Manager<'_>) -> Result<Vec<User>, AppError> {
        if let Manager::User(c) = by {
            c.require(Permission::AdministerUsers)?;
        }
        Ok(self.accounts().users(by.scope()).await?)
    }

    /// A token for a user, made at the command line (printed once).
    pub async fn create_token_for(
        &self,
        name: &str,
        label: &str,
    ) -> Result<(ApiToken, String), AppError> {
        let user = self.user_by_name(Manager::CommandLine, name).await?;
        if user.disabled {
            return Err(AppError::Invalid(format!("用户“{}”已停用", user.name)));
        }
        self.create_token_as(&Actor::command_line(), &user, label)
            .await
    }
}

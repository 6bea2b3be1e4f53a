//! The use cases of zhenxing: what users do, over any [`Store`]. The web app and the command line
//! call these and nothing below them.
#![forbid(unsafe_code)]

pub mod attendance;
pub mod audit;
pub mod auth;
pub mod browse;
pub mod construction;
pub mod cooperation;
pub mod demo_work;
pub mod divisions;
pub mod edit;
pub mod employment;
pub mod error;
pub mod export;
pub mod import;
pub mod key_counties;
pub mod ledgers;
pub mod loans;
pub mod monitoring;
pub mod my_day;
mod own_ledgers;
pub mod phone_checks;
pub mod posts;
pub mod problems;
pub mod progress;
pub mod projects;
pub mod registry_check;
pub mod relocation;
pub mod report;
pub mod stats;
pub mod synth;
pub mod users;
pub mod work_logs;
pub mod work_teams;

use std::sync::Arc;

use tokio::sync::RwLock;
use zhenxing_domain::DivisionTree;
use zhenxing_store::{AccountStore, HouseholdSearch, Store, StoreError};

pub use error::AppError;
pub use own_ledgers::ChangeView;
pub use progress::{NoProgress, Progress};
pub use zhenxing_store as store;
pub use zhenxing_store_sqlite::Sharing;

/// Everything a backend provides: the registry, accounts and the audit log, and search.
#[async_trait::async_trait]
pub trait Database: Store + AccountStore + HouseholdSearch {
    /// Closes every connection and waits until they are closed (SQLite: the WAL is checkpointed
    /// and removed before this returns).
    async fn close(&self);
}

#[async_trait::async_trait]
impl Database for zhenxing_store_sqlite::SqliteStore {
    async fn close(&self) {
        self.db().close().await;
    }
}

#[async_trait::async_trait]
impl Database for zhenxing_store_postgres::PgStore {
    async fn close(&self) {
        self.db().pool().close().await;
    }
}

/// Opens the database named by `target`: a file path or `sqlite://` URL (embedded SQLite), or a
/// `postgres://` URL.
pub async fn open_database(target: &str) -> Result<Arc<dyn Database>, AppError> {
    open_database_with(target, Sharing::Shared).await
}

/// [`open_database`], saying whether others may use the database meanwhile (SQLite only: see
/// [`Sharing`]; PostgreSQL is always shared).
pub async fn open_database_with(
    target: &str,
    sharing: Sharing,
) -> Result<Arc<dyn Database>, AppError> {
    if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        let store = zhenxing_store_postgres::open_store(target).await?;
        return Ok(Arc::new(store));
    }
    if target.contains("://") && !target.starts_with("sqlite://") {
        return Err(StoreError::UnsupportedUrl(target.to_string()).into());
    }
    let store = zhenxing_store_sqlite::open_store_with(target, sharing).await?;
    Ok(Arc::new(store))
}

/// [`open_database`], seen as the registry store only.
pub async fn open_store(target: &str) -> Result<Arc<dyn Store>, AppError> {
    let db: Arc<dyn Store> = open_database(target).await?;
    Ok(db)
}

/// The store and what is cached from it.
#[derive(Clone)]
pub struct App {
    db: Arc<dyn Database>,
    store: Arc<dyn Store>,
    accounts: Arc<dyn AccountStore>,
    search: Arc<dyn HouseholdSearch>,
    tree: Arc<RwLock<Arc<DivisionTree>>>,
    login_guard: Arc<auth::LoginGuard>,
    /// The year whose kept figures this process has seen current (0: not yet): no need to ask
    /// the store again until the year turns (a recomputation keeps the year it computed).
    figures_year_seen: Arc<std::sync::atomic::AtomicI32>,
    /// Row errors an import keeps in detail at most ([`problems::KEPT_ERRORS`]).
    kept_errors: usize,
}

impl App {
    /// Opens the database, bringing its schema up to date.
    pub async fn open(target: &str) -> Result<App, AppError> {
        let db = open_database(target).await?;
        App::from_database(db).await
    }

    /// [`App::open`] for a batch command that expects the database to itself (a ledger import
    /// from the command line): see [`Sharing::Alone`]. Call [`App::close`] when done.
    pub async fn open_alone(target: &str) -> Result<App, AppError> {
        let db = open_database_with(target, Sharing::Alone).await?;
        App::from_database(db).await
    }

    pub async fn from_database(db: Arc<dyn Database>) -> Result<App, AppError> {
        db.migrate().await?;
        let app = App {
            store: db.clone(),
            accounts: db.clone(),
            search: db.clone(),
            db,
            tree: Arc::new(RwLock::new(Arc::new(DivisionTree::default()))),
            login_guard: Arc::new(auth::LoginGuard::default()),
            figures_year_seen: Arc::new(std::sync::atomic::AtomicI32::new(0)),
            kept_errors: problems::KEPT_ERRORS,
        };
        app.reload_tree().await?;
        Ok(app)
    }

    /// The same, its imports keeping at most `n` row errors in detail (the rest counted).
    pub fn keeping_errors(mut self, n: usize) -> App {
        self.kept_errors = n;
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Closes the database's connections and waits for them (before its files are removed).
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Users, sessions, tokens and the audit log.
    pub fn accounts(&self) -> &Arc<dyn AccountStore> {
        &self.accounts
    }

    /// The division tree as loaded (cheap to clone).
    pub async fn tree(&self) -> Arc<DivisionTree> {
        self.tree.read().await.clone()
    }

    pub async fn reload_tree(&self) -> Result<(), AppError> {
        let divisions = self.store.divisions().await?;
        let tree =
            DivisionTree::build(divisions).map_err(|e| AppError::Divisions(e.to_string()))?;
        *self.tree.write().await = Arc::new(tree);
        Ok(())
    }
}

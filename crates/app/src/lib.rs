//! The use cases of zhenxing: what users do, over any [`Store`]. The web app and the command line
//! call these and nothing below them.
#![forbid(unsafe_code)]

pub mod divisions;
pub mod error;
pub mod export;
pub mod import;
pub mod monitoring;
pub mod progress;
pub mod report;
pub mod stats;
pub mod synth;

use std::sync::Arc;

use tokio::sync::RwLock;
use zhenxing_domain::DivisionTree;
use zhenxing_store::{Store, StoreError};

pub use error::AppError;
pub use progress::{NoProgress, Progress};
pub use zhenxing_store as store;

/// Opens the database named by `target`: a file path or `sqlite://` URL (embedded SQLite), or a
/// `postgres://` URL.
pub async fn open_store(target: &str) -> Result<Arc<dyn Store>, AppError> {
    if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        let store = zhenxing_store_postgres::open_store(target).await?;
        return Ok(Arc::new(store));
    }
    if target.contains("://") && !target.starts_with("sqlite://") {
        return Err(StoreError::UnsupportedUrl(target.to_string()).into());
    }
    let store = zhenxing_store_sqlite::open_store(target).await?;
    Ok(Arc::new(store))
}

/// The store and what is cached from it.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    tree: Arc<RwLock<Arc<DivisionTree>>>,
}

impl App {
    /// Opens the database, bringing its schema up to date.
    pub async fn open(target: &str) -> Result<App, AppError> {
        let store = open_store(target).await?;
        App::from_store(store).await
    }

    pub async fn from_store(store: Arc<dyn Store>) -> Result<App, AppError> {
        store.migrate().await?;
        let app = App {
            store,
            tree: Arc::new(RwLock::new(Arc::new(DivisionTree::default()))),
        };
        app.reload_tree().await?;
        Ok(app)
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
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

//! What every handler shares.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use zhenxing_app::App;
use zhenxing_ledger::RowError;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Served over https (directly or behind a TLS proxy): cookies get `Secure`.
    pub secure_cookies: bool,
    pub reports: Arc<ErrorReports>,
}

impl AppState {
    pub fn new(app: App, secure_cookies: bool) -> AppState {
        AppState {
            app,
            secure_cookies,
            reports: Arc::new(ErrorReports::default()),
        }
    }
}

/// The row errors of recent imports, for downloading the report afterwards. Kept in memory (the
/// last few per server), each readable only by the user who imported.
#[derive(Default)]
pub struct ErrorReports {
    recent: Mutex<VecDeque<Report>>,
}

/// (user id, import id) and the import's row errors.
type Report = ((i64, i64), Arc<Vec<RowError>>);

const KEEP_REPORTS: usize = 64;

impl ErrorReports {
    pub fn put(&self, user_id: i64, import_id: i64, errors: Vec<RowError>) {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.retain(|(k, _)| *k != (user_id, import_id));
        recent.push_back(((user_id, import_id), Arc::new(errors)));
        while recent.len() > KEEP_REPORTS {
            recent.pop_front();
        }
    }

    pub fn get(&self, user_id: i64, import_id: i64) -> Option<Arc<Vec<RowError>>> {
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent
            .iter()
            .find(|(k, _)| *k == (user_id, import_id))
            .map(|(_, v)| v.clone())
    }
}

//! What every handler shares.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zhenxing_app::App;
use zhenxing_ledger::RowError;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Served over https (directly or behind a TLS proxy): cookies get `Secure`.
    pub secure_cookies: bool,
    pub reports: Arc<ErrorReports>,
    /// The public application form: submissions per client address.
    pub applications: Arc<RateLimit>,
}

impl AppState {
    pub fn new(app: App, secure_cookies: bool) -> AppState {
        AppState {
            app,
            secure_cookies,
            reports: Arc::new(ErrorReports::default()),
            applications: Arc::new(RateLimit::new(APPLICATIONS_PER_ADDRESS, APPLICATION_WINDOW)),
        }
    }
}

/// Submissions of the public application form per client address in [`APPLICATION_WINDOW`]:
/// enough for a family (and a neighbour helping), too few to flood a village with clues.
pub const APPLICATIONS_PER_ADDRESS: u32 = 5;
pub const APPLICATION_WINDOW: Duration = Duration::from_secs(60 * 60);

/// At most `max` events per key in a window (counted in memory, like the login limits: a
/// restart forgets them).
#[derive(Debug)]
pub struct RateLimit {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimit {
    pub fn new(max: u32, window: Duration) -> RateLimit {
        RateLimit {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one event of `key`; `Err` with the wait when the key has used its share.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
        }
        let entry = seen.entry(key.to_string()).or_insert((now, 0));
        let elapsed = now.saturating_duration_since(entry.0);
        if elapsed >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            return Err(self.window.saturating_sub(elapsed));
        }
        entry.1 += 1;
        Ok(())
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

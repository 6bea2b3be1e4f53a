//! What every handler shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zhenxing_app::App;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Served over https (directly or behind a TLS proxy): cookies get `Secure`.
    pub secure_cookies: bool,
    /// The public application form: submissions per client address.
    pub applications: Arc<RateLimit>,
    /// The progress of imports started from the page, by the page's token.
    pub progress: Arc<crate::progress::ProgressBoard>,
    /// Files made for one user to fetch soon after (the rows an import did not take).
    pub handouts: Arc<crate::handouts::Handouts>,
}

impl AppState {
    pub fn new(app: App, secure_cookies: bool) -> AppState {
        AppState {
            app,
            secure_cookies,
            applications: Arc::new(RateLimit::new(APPLICATIONS_PER_ADDRESS, APPLICATION_WINDOW)),
            progress: Arc::default(),
            handouts: Arc::default(),
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

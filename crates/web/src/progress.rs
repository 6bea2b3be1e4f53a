//! The progress of long work a page starts (a ledger import, a screening), for that page to show while it
//! waits for the answer. The page names the work with a random token in the form's address; the
//! handler reports under it; the page's script (`assets/app.js`) asks `/progress/{token}` every
//! second until the answer replaces the page. A token is its user's alone: anyone else is told
//! there is no such work. Kept in memory (a restart forgets it), ten minutes after the work ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use zhenxing_app::Progress;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::state::AppState;

/// How long an ended work's progress can still be read.
const KEPT_AFTER_END: Duration = Duration::from_secs(10 * 60);
/// Work that never ended (its request was dropped) is forgotten after this.
const KEPT_AT_MOST: Duration = Duration::from_secs(6 * 60 * 60);
/// Entries at most: a user starting imports in a loop cannot grow the server without bound.
const MAX_ENTRIES: usize = 10_000;

/// A token is 32 lower-case hexadecimal digits (`random_hex(16)`).
pub fn valid_token(token: &str) -> bool {
    token.len() == 32
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What `/progress/{token}` (and the API's `/api/v1/progress/{token}`) answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Snapshot {
    /// The phase, e.g. "导入户信息 户.xlsx".
    pub phase: String,
    /// Units done in the phase (rows; bytes while the files arrive).
    pub done: u64,
    /// Units in all (0: not known ahead).
    pub total: u64,
    pub finished: bool,
    /// Seconds since the work began.
    pub seconds: u64,
    /// All of it in one Chinese sentence, as the page shows it.
    pub text: String,
}

#[derive(Debug)]
struct Inner {
    phase: String,
    done: u64,
    total: u64,
    /// The phase counts bytes (else rows).
    bytes: bool,
    ended: Option<(Instant, bool)>,
}

/// The progress of one work, reported through [`Progress`].
#[derive(Debug)]
pub struct WorkProgress {
    began: Instant,
    state: Mutex<Inner>,
}

impl WorkProgress {
    fn new() -> WorkProgress {
        WorkProgress {
            began: Instant::now(),
            state: Mutex::new(Inner {
                phase: "接收上传的文件".into(),
                done: 0,
                total: 0,
                bytes: true,
                ended: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes of the upload received so far, of `total` (0: not declared).
    pub fn received(&self, done: u64, total: u64) {
        let mut s = self.lock();
        (s.done, s.total, s.bytes) = (done, total, true);
    }

    /// The work has ended: done, or not (an error, or its request dropped).
    pub fn end(&self, ok: bool) {
        let mut s = self.lock();
        if s.ended.is_none() {
            s.ended = Some((Instant::now(), ok));
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let s = self.lock();
        let seconds = self.began.elapsed().as_secs();
        let text = match s.ended {
            Some((_, true)) => format!("已完成，用时{seconds}秒，正在显示结果……"),
            Some((_, false)) => format!("未完成（用时{seconds}秒），请看页面上的说明"),
            None if s.bytes && s.done == 0 => format!("正在{}……（{seconds}秒）", s.phase),
            None if s.bytes => {
                let mb = |b: u64| b as f64 / 1_048_576.0;
                if s.total > 0 {
                    format!(
                        "{}：已收到 {:.1} MB / {:.1} MB（{seconds}秒）",
                        s.phase,
                        mb(s.done),
                        mb(s.total)
                    )
                } else {
                    format!("{}：已收到 {:.1} MB（{seconds}秒）", s.phase, mb(s.done))
                }
            }
            None if s.total > 0 => {
                format!("{}：{} / {} 行（{seconds}秒）", s.phase, s.done, s.total)
            }
            None if s.done > 0 => format!("{}：已处理 {} 行（{seconds}秒）", s.phase, s.done),
            None => format!("{}……（{seconds}秒）", s.phase),
        };
        Snapshot {
            phase: s.phase.clone(),
            done: s.done,
            total: s.total,
            finished: s.ended.is_some(),
            seconds,
            text,
        }
    }
}

impl Progress for WorkProgress {
    fn start(&self, phase: &str, total: u64) {
        let mut s = self.lock();
        s.phase = phase.to_string();
        (s.done, s.total, s.bytes) = (0, total, false);
    }

    fn set(&self, done: u64) {
        self.lock().done = done;
    }

    fn finish(&self) {}
}

/// What a use case reports to: `work`, or nowhere (the caller named no work, or the board was
/// full).
pub fn reporter(work: Option<&WorkProgress>) -> &dyn Progress {
    match work {
        Some(w) => w,
        None => &zhenxing_app::NoProgress,
    }
}

/// Ends its work as not done when dropped before [`Reporting::done`]: a request dropped half-way
/// (the browser closed) leaves no work that looks alive.
pub struct Reporting(pub Arc<WorkProgress>);

impl Reporting {
    pub fn done(self, ok: bool) {
        self.0.end(ok);
    }
}

impl Drop for Reporting {
    fn drop(&mut self) {
        self.0.end(false);
    }
}

struct Entry {
    user_id: i64,
    work: Arc<WorkProgress>,
}

/// Every work's progress by token.
#[derive(Default)]
pub struct ProgressBoard {
    entries: Mutex<HashMap<String, Entry>>,
}

impl ProgressBoard {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new work of `user_id` under `token`; `None` (report nowhere) when the token is not one
    /// of ours, is taken, or the board is full.
    pub fn register(&self, user_id: i64, token: &str) -> Option<Reporting> {
        if !valid_token(token) {
            return None;
        }
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES / 2 {
            let now = Instant::now();
            entries.retain(|_, e| {
                let s = e.work.lock();
                match s.ended {
                    Some((at, _)) => now.saturating_duration_since(at) < KEPT_AFTER_END,
                    None => now.saturating_duration_since(e.work.began) < KEPT_AT_MOST,
                }
            });
        }
        if entries.len() >= MAX_ENTRIES || entries.contains_key(token) {
            return None;
        }
        let work = Arc::new(WorkProgress::new());
        entries.insert(
            token.to_string(),
            Entry {
                user_id,
                work: work.clone(),
            },
        );
        Some(Reporting(work))
    }

    /// The progress of `user_id`'s work under `token`.
    pub fn snapshot(&self, user_id: i64, token: &str) -> Option<Snapshot> {
        let entries = self.lock();
        let e = entries.get(token).filter(|e| e.user_id == user_id)?;
        let snapshot = e.work.snapshot();
        let expired = e
            .work
            .lock()
            .ended
            .is_some_and(|(at, _)| at.elapsed() >= KEPT_AFTER_END);
        (!expired).then_some(snapshot)
    }
}

/// The token a form (or an API call) names its work with, in its address (`?progress=`).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// 32 lower-case hexadecimal digits of the caller's choosing; read the work's progress at
    /// `/api/v1/progress/{token}` while the call runs.
    pub progress: Option<String>,
}

impl ProgressQuery {
    /// The work the query names, on `board` for `user_id` (none: no token, or the board full).
    pub fn reporting(&self, board: &ProgressBoard, user_id: i64) -> Option<Reporting> {
        self.progress
            .as_deref()
            .and_then(|t| board.register(user_id, t))
    }
}

/// What a use case reports to under a [`Reporting`], or nowhere.
pub fn reporter_of(reporting: &Option<Reporting>) -> &dyn Progress {
    reporter(reporting.as_ref().map(|r| &*r.0))
}

/// Ends the work, done when `ok`.
pub fn finish(reporting: Option<Reporting>, ok: bool) {
    if let Some(r) = reporting {
        r.done(ok);
    }
}

/// `/progress/{token}`: the caller's work under the token, as JSON.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(token): Path<String>,
) -> Result<Json<Snapshot>, PageError> {
    state
        .progress
        .snapshot(user.caller.user.id, &token)
        .map(Json)
        .ok_or(PageError(WebError::NotFound))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_works_progress_is_its_users_alone_and_ends_when_dropped() {
        let board = ProgressBoard::default();
        assert!(board.register(1, "short").is_none());
        assert!(board.register(1, &T.to_uppercase()).is_none());
        let r = board.register(1, T).unwrap();
        assert!(board.register(2, T).is_none(), "a token is not taken over");
        assert_eq!(board.snapshot(2, T), None);
        r.0.received(3 * 1_048_576, 6 * 1_048_576);
        let s = board.snapshot(1, T).unwrap();
        assert!(s.text.contains("已收到 3.0 MB / 6.0 MB"), "{}", s.text);
        r.0.start("导入户信息 户.csv", 0);
        r.0.set(12_000);
        let s = board.snapshot(1, T).unwrap();
        assert_eq!(
            (s.phase.as_str(), s.done, s.finished),
            ("导入户信息 户.csv", 12_000, false)
        );
        assert!(s.text.contains("已处理 12000 行"), "{}", s.text);
        drop(r);
        let s = board.snapshot(1, T).unwrap();
        assert!(s.finished && s.text.starts_with("未完成"), "{}", s.text);
        let other = "f".repeat(32);
        board.register(1, &other).unwrap().done(true);
        assert!(
            board
                .snapshot(1, &other)
                .unwrap()
                .text
                .starts_with("已完成")
        );
    }
}

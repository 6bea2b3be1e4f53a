//! Files made for one user once, to be fetched by them alone soon after: the rows an import did
//! not take, as the uploaded files had them (whole ID numbers: the user sent them and may see
//! them, `SeeWholePersonalData` goes with `Import`). Kept in memory, never on disk nor in the
//! database, for [`KEPT`]; a restart forgets them. The error report kept with the import (masked)
//! stays the lasting record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a handout can be fetched.
pub const KEPT: Duration = Duration::from_secs(30 * 60);
/// Bytes held at most, all users together: the oldest go first.
const MAX_BYTES: usize = 256 * 1024 * 1024;
/// A handout larger than this is not kept (the command line writes any size).
pub const MAX_HANDOUT: usize = 64 * 1024 * 1024;

struct Handout {
    made: Instant,
    name: String,
    bytes: Arc<Vec<u8>>,
}

#[derive(Default)]
pub struct Handouts {
    inner: Mutex<HashMap<(i64, String), Handout>>,
}

impl Handouts {
    fn lock(&self) -> MutexGuard<'_, HashMap<(i64, String), Handout>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `bytes` for `user` under `key` (a later one replaces it); false when too large.
    pub fn put(&self, user: i64, key: &str, name: &str, bytes: Vec<u8>) -> bool {
        if bytes.len() > MAX_HANDOUT {
            return false;
        }
        let mut map = self.lock();
        map.retain(|_, h| h.made.elapsed() < KEPT);
        map.insert(
            (user, key.to_string()),
            Handout {
                made: Instant::now(),
                name: name.to_string(),
                bytes: Arc::new(bytes),
            },
        );
        let mut held: usize = map.values().map(|h| h.bytes.len()).sum();
        while held > MAX_BYTES {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, h)| h.made)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(h) = map.remove(&oldest) {
                held -= h.bytes.len();
            }
        }
        true
    }

    /// `user`'s handout under `key`, while it is kept: its file name and bytes.
    pub fn get(&self, user: i64, key: &str) -> Option<(String, Arc<Vec<u8>>)> {
        let map = self.lock();
        map.get(&(user, key.to_string()))
            .filter(|h| h.made.elapsed() < KEPT)
            .map(|h| (h.name.clone(), h.bytes.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handout_is_its_users_alone_and_the_oldest_go_first() {
        let h = Handouts::default();
        assert!(h.put(1, "import:7", "a.xlsx", vec![1, 2, 3]));
        assert_eq!(h.get(1, "import:7").unwrap().1.as_slice(), &[1, 2, 3]);
        assert!(h.get(2, "import:7").is_none());
        assert!(h.get(1, "import:8").is_none());
        assert!(!h.put(1, "big", "b.xlsx", vec![0; MAX_HANDOUT + 1]));
        // Past the memory held at most, the oldest are let go.
        for i in 0..5 {
            assert!(h.put(3, &format!("k{i}"), "c.xlsx", vec![0; MAX_HANDOUT]));
        }
        assert!(h.get(1, "import:7").is_none());
        assert!(h.get(3, "k0").is_none());
        assert!(h.get(3, "k4").is_some());
    }
}

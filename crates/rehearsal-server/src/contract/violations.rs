//! The violations an imposter has seen, bounded like its recorded requests: the newest
//! `capacity` are kept, and the number of older ones dropped is counted so that a report can
//! say it is incomplete.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde_json::Value;

#[derive(Debug)]
pub struct ViolationLog {
    capacity: usize,
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    entries: VecDeque<Value>,
    dropped: u64,
}

impl ViolationLog {
    pub fn new(capacity: usize) -> ViolationLog {
        ViolationLog {
            capacity,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// Keeps `entries` in order, dropping the oldest when full.
    pub fn extend(&self, entries: impl IntoIterator<Item = Value>) {
        let mut kept = self.lock();
        for entry in entries {
            if kept.entries.len() >= self.capacity {
                if kept.entries.pop_front().is_none() {
                    // A capacity of zero keeps nothing; the entry itself is dropped.
                    kept.dropped += 1;
                    continue;
                }
                kept.dropped += 1;
            }
            kept.entries.push_back(entry);
        }
    }

    /// The entries, oldest first, and how many were dropped; read together, so that they agree.
    pub fn snapshot(&self) -> (Vec<Value>, u64) {
        let kept = self.lock();
        (kept.entries.iter().cloned().collect(), kept.dropped)
    }

    pub fn clear(&self) {
        *self.lock() = Kept::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

//! A bounded store of JSON records: recorded requests and `--debug` stub matches.
//!
//! mountebank keeps every recorded request forever, which its own docs call a memory leak.
//! rehearsal keeps the newest `capacity` records, dropping the oldest first, and stores each as
//! compact JSON text, which costs a fraction of a parsed JSON tree.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde_json::Value;

/// The default number of records kept per imposter (and per stub for `--debug` matches).
pub const DEFAULT_CAPACITY: usize = 10_000;

#[derive(Debug)]
pub struct Recorder {
    capacity: usize,
    records: Mutex<VecDeque<Box<str>>>,
}

impl Recorder {
    pub fn new(capacity: usize) -> Recorder {
        Recorder {
            capacity,
            records: Mutex::new(VecDeque::new()),
        }
    }

    /// Stores a record, dropping the oldest when full.
    pub fn push(&self, record: &Value) {
        if self.capacity == 0 {
            return;
        }
        let text = record.to_string().into_boxed_str();
        let mut records = self
            .records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if records.len() == self.capacity {
            records.pop_front();
        }
        records.push_back(text);
    }

    /// Every stored record, oldest first.
    pub fn all(&self) -> Vec<Value> {
        let records = self
            .records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        records
            .iter()
            .filter_map(|text| serde_json::from_str(text).ok())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_empty()
    }

    pub fn clear(&self) {
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_newest_records_in_order() {
        let recorder = Recorder::new(2);
        for n in 0..3 {
            recorder.push(&json!({ "n": n }));
        }
        assert_eq!(recorder.all(), vec![json!({"n": 1}), json!({"n": 2})]);
        recorder.clear();
        assert!(recorder.is_empty());
    }
}

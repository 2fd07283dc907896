//! Timestamps in the formats mountebank writes: ISO 8601 with milliseconds for records, and the
//! HTTP `Date` header, cached per second because every imposter response carries one.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// `new Date().toJSON()`: `2026-11-21T10:40:07.934Z`.
pub fn iso_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}

static DATE_CACHE: Mutex<(u64, String)> = Mutex::new((0, String::new()));

/// Appends the value of the `Date` header for this second.
pub fn write_http_date(out: &mut Vec<u8>) {
    let now = SystemTime::now();
    let second = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut cache = DATE_CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if cache.0 != second || cache.1.is_empty() {
        *cache = (second, httpdate::fmt_http_date(now));
    }
    out.extend_from_slice(cache.1.as_bytes());
}

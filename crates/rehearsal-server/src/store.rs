//! `--datadir`: imposters kept on disk, one file each, so that they survive a restart
//! (docs/datadir.md).
//!
//! Each imposter's file holds what it would take to create it again: its replayable JSON,
//! written whole by `disk::write_atomically`, so a crash leaves the last acknowledged version
//! or a newer one, never a torn file. The writes of one port are serialised by that port's
//! slot, and each write takes its snapshot inside the slot, so an older snapshot can never
//! overwrite a newer one. A slot also remembers which imposter owns the file, so that a save
//! from an imposter that was deleted or replaced in the meantime (a proxy recording that
//! finishes late) cannot bring its file back.

mod disk;
mod scan;

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::imposter::Imposter;
use crate::printer::{imposter_json, Form};

pub use scan::Saved;

/// How long opening a datadir waits for another server to let go of it: a `restart`
/// starts the new server while the old one may still be exiting.
const LOCK_PATIENCE: Duration = Duration::from_secs(3);

/// The directory imposters are saved in, one file each.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    slots: Mutex<HashMap<u16, Arc<AsyncMutex<Slot>>>>,
    /// Held while the server uses the directory, so that no second server loads (and sets
    /// aside) files whose ports this one holds, or overwrites them.
    lock: Mutex<Option<File>>,
}

/// A save or removal that did not reach the disk.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot remove {}: {source}", path.display())]
    Remove { path: PathBuf, source: io::Error },
}

/// What the store knows about one port's file.
#[derive(Debug, Default)]
struct Slot {
    /// The imposter the file belongs to; a dangling `Weak` once it was deleted or replaced.
    /// Compared by address, which the `Weak` keeps from being reused.
    owner: Weak<Imposter>,
    /// The creation request but its stubs: the fields the replayable form does not print
    /// (`host`, `allowCORS`) are saved from it, so that the imposter restarts as created.
    creation: Map<String, Value>,
}

impl Store {
    /// Creates the directory if needed and takes its lock, waiting a little for a server that
    /// is exiting to release it.
    pub async fn open(dir: PathBuf) -> io::Result<Store> {
        let deadline = tokio::time::Instant::now() + LOCK_PATIENCE;
        let lock = loop {
            let attempt = dir.clone();
            let locked = blocking(move || {
                disk::create_dir(&attempt)?;
                disk::try_lock(&attempt)
            })
            .await?;
            match locked {
                Some(lock) => break lock,
                None if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        "another rehearsal server is using it; stop that server or choose another --datadir",
                    ))
                }
            }
        };
        Ok(Store {
            dir,
            slots: Mutex::new(HashMap::new()),
            lock: Mutex::new(Some(lock)),
        })
    }

    /// The imposter files found at startup (bad ones already set aside).
    pub async fn scan(&self) -> io::Result<Vec<Saved>> {
        let dir = self.dir.clone();
        blocking(move || scan::scan(&dir)).await
    }

    /// Sets aside a file found by [`Store::scan`] that is not a valid imposter.
    pub async fn set_aside(&self, saved: &Saved, reason: String) {
        let path = saved.path.clone();
        let done = blocking(move || {
            scan::set_aside(&path, &reason);
            Ok(())
        })
        .await;
        if let Err(error) = done {
            tracing::error!("[mb] {}: {error}", saved.path.display());
        }
    }

    /// Makes `imposter` the owner of its port's file; `creation` is what
    /// [`creation_fields`] kept of the request it was created from. Nothing is written: a
    /// new imposter is saved next, a restored one is on disk already.
    pub async fn adopt(&self, imposter: &Arc<Imposter>, creation: Map<String, Value>) {
        let mut slot = self.slot(imposter.port).lock_owned().await;
        slot.owner = Arc::downgrade(imposter);
        slot.creation = creation;
    }

    /// The creation fields kept for `imposter` (see [`Store::adopt`]), empty when it does not
    /// own its port's file: what adopting it again, to undo a replacement, needs.
    pub async fn creation_of(&self, imposter: &Imposter) -> Map<String, Value> {
        let slot = self.slot(imposter.port).lock_owned().await;
        if owns(&slot, imposter) {
            slot.creation.clone()
        } else {
            Map::new()
        }
    }

    /// Saves the imposter as it is now, durably, before returning; a failure is logged. For
    /// changes the imposter makes itself (proxy recordings), which no API call waits for.
    pub async fn save(&self, imposter: &Imposter) {
        if let Err(error) = self.try_save(imposter).await {
            tracing::error!("{} not saved: {error}", imposter.scope());
        }
    }

    /// Saves the imposter as it is now, durably, before returning. An imposter that no longer
    /// owns its port's file (deleted or replaced meanwhile) is not saved, and that is no error.
    pub async fn try_save(&self, imposter: &Imposter) -> Result<(), StoreError> {
        let slot = self.slot(imposter.port).lock_owned().await;
        if !owns(&slot, imposter) {
            return Ok(());
        }
        let (dir, port) = (self.dir.clone(), imposter.port);
        let snapshot = snapshot(imposter, &slot.creation);
        // The slot's guard goes to the blocking thread: should the caller be cancelled, the
        // next write of this port still waits until this one is finished.
        let written = blocking(move || {
            let _slot = slot;
            // Pretty, for the people who read or fix these files; the cost is small next to
            // the syncs.
            let contents = serde_json::to_vec_pretty(&snapshot)?;
            disk::write_atomically(&dir, port, &contents)
        })
        .await;
        written.map_err(|source| StoreError::Write {
            path: self.path(port),
            source,
        })
    }

    /// Forgets the imposter and removes its file: it was deleted. Nothing happens if it no
    /// longer owns the file.
    pub async fn remove(&self, imposter: &Imposter) -> Result<(), StoreError> {
        let mut slot = self.slot(imposter.port).lock_owned().await;
        if !owns(&slot, imposter) {
            return Ok(());
        }
        slot.owner = Weak::new();
        self.remove_file(imposter.port, slot).await
    }

    /// Forgets the imposter but keeps its file: a new imposter whose save failed, on a port
    /// whose file was kept at startup for an imposter that could not start, and may still
    /// hold that imposter.
    pub async fn disown(&self, imposter: &Imposter) {
        let mut slot = self.slot(imposter.port).lock_owned().await;
        if owns(&slot, imposter) {
            slot.owner = Weak::new();
        }
    }

    /// Removes the port's file unless an imposter owns it: the file of an imposter that was
    /// kept at startup without starting (its port was busy).
    pub async fn remove_unowned(&self, port: u16) -> Result<(), StoreError> {
        let slot = self.slot(port).lock_owned().await;
        if slot.owner.strong_count() > 0 {
            return Ok(());
        }
        self.remove_file(port, slot).await
    }

    /// Stops saving and lets go of the directory: the server is shutting down. Files stay;
    /// saves still under way finish first, and later ones are dropped.
    pub async fn close(&self) {
        let slots: Vec<_> = self.slots().values().cloned().collect();
        for slot in slots {
            slot.lock_owned().await.owner = Weak::new();
        }
        self.lock.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    /// Where the port's file is.
    pub fn path(&self, port: u16) -> PathBuf {
        self.dir.join(disk::file_name(port))
    }

    async fn remove_file(&self, port: u16, slot: OwnedMutexGuard<Slot>) -> Result<(), StoreError> {
        let dir = self.dir.clone();
        let removed = blocking(move || {
            let _slot = slot;
            disk::remove_durably(&dir, port)
        })
        .await;
        removed.map_err(|source| StoreError::Remove {
            path: self.path(port),
            source,
        })
    }

    fn slot(&self, port: u16) -> Arc<AsyncMutex<Slot>> {
        Arc::clone(self.slots().entry(port).or_default())
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<u16, Arc<AsyncMutex<Slot>>>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the store keeps of a creation request, to save the fields that printing leaves out:
/// all but what the imposter recorded, counted or links to, and its stubs, which are saved as
/// they are at each save.
pub fn creation_fields(request: &Value) -> Map<String, Value> {
    const NOT_SAVED: &[&str] = &["stubs", "requests", "numberOfRequests", "_links"];
    let Value::Object(fields) = request else {
        return Map::new();
    };
    (fields.iter())
        .filter(|(key, _)| !NOT_SAVED.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

fn replayable() -> Form {
    Form {
        list: false,
        replayable: true,
        remove_proxies: false,
    }
}

/// What the imposter's file holds: its replayable JSON plus the creation fields the printer
/// leaves out, with recorded proxy responses keeping their `_proxyResponseTime`, which the
/// replayable form strips but `DELETE /imposters/:id/savedProxyResponses` looks for.
fn snapshot(imposter: &Imposter, creation: &Map<String, Value>) -> Value {
    let mut json = match imposter_json(imposter, replayable(), "") {
        Value::Object(json) => json,
        _ => Map::new(),
    };
    let stubs = imposter.stub_json(false).into_iter().map(Value::Object);
    json.insert("stubs".into(), Value::Array(stubs.collect()));
    for (key, value) in creation {
        json.entry(key.clone()).or_insert_with(|| value.clone());
    }
    Value::Object(json)
}

fn owns(slot: &Slot, imposter: &Imposter) -> bool {
    std::ptr::eq(slot.owner.as_ptr(), imposter)
}

/// Runs blocking file IO off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| {
            Err(io::Error::other(format!(
                "the file operation failed: {error}"
            )))
        })
}

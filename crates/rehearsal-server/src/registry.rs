//! The imposters the server runs, by port, and their lifecycle: compile, start, save, delete,
//! replace all, restore at startup. The control API is its only writer; imposter listeners hold
//! their own `Arc<Imposter>` and never touch it.
//!
//! With `--datadir`, every change is on disk before the method making it returns, so the API
//! acknowledges only what survives a crash (docs/datadir.md).

use crate::metrics::Metrics;
use crate::scripts::Scripts;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::{Arc, Mutex, RwLock};

use rehearsal_core::{ErrorCode, ImposterSpec, MbError, Protocol, ServerOptions};
use serde_json::{Map, Value};
use tokio::net::TcpListener;
use tokio::sync::Mutex as AsyncMutex;

use crate::access::AccessPolicy;
use crate::bind;
use crate::contract::ContractProxy;
use crate::imposter::{Imposter, ImposterSettings};
use crate::store::{creation_fields, Saved, Store, StoreError};
use crate::tls::{Certificates, ImposterTls};

#[derive(Debug)]
pub struct Registry {
    imposters: RwLock<BTreeMap<u16, Running>>,
    /// Serialises the changes to which imposters run (create, delete, replace, restore, shut
    /// down). Each takes several awaits, and a `PUT /imposters` that has to undo itself must
    /// find the imposters as it left them. Stub changes do not take it. It holds whether the
    /// registry is shut down: a change that reaches it afterwards (a request the API was still
    /// answering) is refused, so nothing starts or is saved once the server has let go.
    changes: AsyncMutex<Closed>,
    /// The ports whose saved file was kept at startup although its imposter could not start
    /// (its port was busy). `DELETE /imposters` and `PUT /imposters` remove these files too,
    /// as they would have had the imposter started.
    unstarted: Mutex<BTreeSet<u16>>,
    /// The server's `--host`, the default bind address of imposters.
    host: Option<String>,
    settings: ImposterSettings,
    options: ServerOptions,
    /// `--datadir`, handed to every imposter.
    store: Option<Arc<Store>>,
    /// The server's certificate authority and default certificate, for `https` imposters.
    certificates: Arc<Certificates>,
    /// `--localOnly` and `--ipWhitelist`, for the API and every imposter.
    access: Arc<AccessPolicy>,
    /// What `GET /metrics` shows, counted by every imposter.
    metrics: Arc<Metrics>,
}

/// Whether the registry is shut down; see `Registry::changes`.
#[derive(Debug)]
struct Closed(bool);

/// The change lock, unless the registry is shut down.
fn open(
    change: tokio::sync::MutexGuard<'_, Closed>,
) -> Result<tokio::sync::MutexGuard<'_, Closed>, MbError> {
    if change.0 {
        Err(MbError::bad_data("the server is shutting down"))
    } else {
        Ok(change)
    }
}

/// An imposter creation request, validated and ready to start.
#[derive(Debug)]
pub struct Compiled {
    spec: ImposterSpec,
    contract: Option<Arc<ContractProxy>>,
    /// The TLS configuration of an `https` imposter.
    tls: Option<ImposterTls>,
    /// What `--datadir` keeps of the request (`store::creation_fields`).
    creation: Map<String, Value>,
}

impl Registry {
    pub fn new(
        host: Option<String>,
        settings: ImposterSettings,
        options: ServerOptions,
        store: Option<Arc<Store>>,
        certificates: Arc<Certificates>,
        access: Arc<AccessPolicy>,
        metrics: Arc<Metrics>,
    ) -> Registry {
        Registry {
            imposters: RwLock::new(BTreeMap::new()),
            changes: AsyncMutex::new(Closed(false)),
            unstarted: Mutex::new(BTreeSet::new()),
            host,
            settings,
            options,
            store,
            certificates,
            access,
            metrics,
        }
    }

    /// The server's metrics, for `GET /metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Compiles an imposter and loads its `contract` (docs/extensions.md), reporting the
    /// problems of both at once.
    pub async fn compile(&self, json: &Value) -> Result<Compiled, Vec<MbError>> {
        let spec = ImposterSpec::compile(json, self.options);
        let contract = ContractProxy::load(json, self.settings.record_capacity).await;
        let (spec, contract) = match (spec, contract) {
            (Ok(spec), Ok(contract)) => (spec, contract),
            (spec, contract) => {
                let mut errors = spec.err().unwrap_or_default();
                errors.extend(contract.err().unwrap_or_default());
                return Err(errors);
            }
        };
        let http = matches!(spec.protocol, Protocol::Http | Protocol::Https);
        if contract.is_some() && !http {
            return Err(vec![MbError::bad_data(format!(
                "'contract' checks HTTP exchanges against an OpenAPI document; a {} imposter cannot have one",
                spec.protocol.as_str()
            ))]);
        }
        Scripts::new("[dry run]", self.settings.injection_limits)
            .dry_run_generators(&spec.stubs, spec.protocol)
            .await?;
        let tls = match &spec.tls {
            Some(tls) => Some(ImposterTls::new(tls, &self.certificates).map_err(|e| vec![e])?),
            None => None,
        };
        Ok(Compiled {
            spec,
            contract,
            tls,
            creation: creation_fields(json),
        })
    }

    /// Starts the imposter and saves it; it is in the registry only once it is saved. When
    /// the save fails the imposter is stopped again, so that what runs is what is saved.
    pub async fn create(&self, compiled: Compiled) -> Result<Arc<Imposter>, MbError> {
        let _change = open(self.changes.lock().await)?;
        if let Some(port) = compiled.spec.port {
            if self.get(port).is_some() {
                return Err(in_use(port));
            }
        }
        let running = self.launch(self.bind(compiled).await?).await;
        let imposter = Arc::clone(&running.imposter);
        if let Err(error) = self.save_new(&imposter).await {
            imposter.close().await;
            self.forget_new(&imposter).await;
            return Err(store_error(&error, "the imposter was not created"));
        }
        self.unstarted().remove(&imposter.port);
        self.write().insert(imposter.port, running);
        Ok(imposter)
    }

    /// Saves an imposter whose stubs the control API just changed.
    pub async fn save(&self, imposter: &Imposter) -> Result<(), MbError> {
        match &self.store {
            Some(store) => store.try_save(imposter).await.map_err(|error| {
                store_error(
                    &error,
                    "the change is in effect but will be lost when the server restarts",
                )
            }),
            None => Ok(()),
        }
    }

    /// Who may connect to the API and the imposters.
    pub fn access(&self) -> Arc<AccessPolicy> {
        Arc::clone(&self.access)
    }

    /// The server's certificate authority and default certificate.
    pub fn certificates(&self) -> &Certificates {
        &self.certificates
    }

    pub fn get(&self, port: u16) -> Option<Arc<Imposter>> {
        self.read()
            .get(&port)
            .map(|running| Arc::clone(&running.imposter))
    }

    /// Every imposter, by port.
    pub fn all(&self) -> Vec<Arc<Imposter>> {
        (self.read().values())
            .map(|running| Arc::clone(&running.imposter))
            .collect()
    }

    /// Deletes the imposter's file, then stops it; `None` when there is no such imposter. When
    /// the file cannot be deleted the imposter keeps running.
    pub async fn delete(&self, port: u16) -> Result<Option<Arc<Imposter>>, MbError> {
        let _change = open(self.changes.lock().await)?;
        self.delete_one(port).await
    }

    /// Deletes every imposter (`DELETE /imposters`), and the files kept for imposters that
    /// could not start, stopping at the first file that cannot be deleted.
    pub async fn delete_all(&self) -> Result<Vec<Arc<Imposter>>, MbError> {
        let _change = open(self.changes.lock().await)?;
        let mut deleted = Vec::new();
        for port in self.ports() {
            deleted.extend(self.delete_one(port).await?);
        }
        self.remove_unstarted()
            .await
            .map_err(|error| store_error(&error, "the imposter was not deleted"))?;
        Ok(deleted)
    }

    /// Replaces every imposter (`PUT /imposters`), all or nothing.
    ///
    /// Every new imposter's port is bound before anything is given up; only the old
    /// imposters whose ports the new ones name are stopped first, to free them. When a port
    /// cannot be bound, or a new file cannot be written, the new imposters are stopped, the
    /// old ones listen again and own their files again, and no file is removed: the server
    /// and the datadir are as before the call (docs/datadir.md). Once every new imposter is
    /// running and saved, the old ones are stopped and their files removed.
    pub async fn replace_all(
        &self,
        compiled: Vec<Compiled>,
    ) -> Result<Vec<Arc<Imposter>>, MbError> {
        let _change = open(self.changes.lock().await)?;
        let claimed: BTreeSet<u16> = compiled.iter().filter_map(|new| new.spec.port).collect();
        let old: Vec<Running> = self.read().values().cloned().collect();
        let (freed, others): (Vec<Running>, Vec<Running>) = old
            .into_iter()
            .partition(|running| claimed.contains(&running.imposter.port));
        for running in &freed {
            running.imposter.close().await;
        }
        let bound = match self.bind_all(compiled).await {
            Ok(bound) => bound,
            Err(error) => {
                let notes = self.reopen(&freed).await;
                return Err(with_notes(error, notes));
            }
        };

        // What the old imposters' files were created with, to give the files back to them if
        // a save fails.
        let mut creations = BTreeMap::new();
        if let Some(store) = &self.store {
            for running in &freed {
                let imposter = &running.imposter;
                creations.insert(imposter.port, store.creation_of(imposter).await);
            }
        }
        let mut started = Vec::with_capacity(bound.len());
        let mut bound = bound.into_iter();
        while let Some(next) = bound.next() {
            let running = self.launch(next).await;
            let saved = self.save_new(&running.imposter).await;
            started.push(running);
            if let Err(error) = saved {
                // The ports not yet served are freed first: old imposters listen on them again.
                drop(bound);
                let notes = self.undo(&started, &freed, creations).await;
                let error = store_error(&error, "the imposters were not replaced");
                return Err(with_notes(error, notes));
            }
        }

        // Every new imposter runs and is saved: the old ones go.
        let mut failure = None;
        for running in &others {
            let imposter = &running.imposter;
            if let Some(store) = &self.store {
                if let Err(error) = store.remove(imposter).await {
                    failure.get_or_insert_with(|| {
                        store_error(&error, "it will come back when the server restarts")
                    });
                }
            }
            imposter.close().await;
        }
        if let Err(error) = self.remove_unstarted().await {
            failure.get_or_insert_with(|| {
                store_error(&error, "it will come back when the server restarts")
            });
        }
        *self.write() = (started.iter())
            .map(|running| (running.imposter.port, running.clone()))
            .collect();
        match failure {
            Some(error) => Err(error),
            None => Ok(started
                .into_iter()
                .map(|running| running.imposter)
                .collect()),
        }
    }

    /// Starts the imposters saved in `--datadir`: each file compiled and started as a creation
    /// request is. A file that is not a valid imposter is logged and set aside; one whose
    /// imposter cannot start (its port is busy) is logged and kept, to be loaded at the next
    /// start. The others still start. Only a datadir that cannot be read is an error.
    pub async fn restore_saved(&self) -> io::Result<()> {
        let _change = self.changes.lock().await;
        let Some(store) = &self.store else {
            return Ok(());
        };
        for saved in store.scan().await? {
            match self.restore(&saved).await {
                Ok(()) => {}
                Err(NotRestored::Invalid(reason)) => store.set_aside(&saved, reason).await,
                Err(NotRestored::NotStarted(error)) => {
                    tracing::error!(
                        "[mb] {}: cannot start it: {error}; the file is kept, and the imposter \
                         starts at the next start of the server that finds its port free",
                        saved.path.display()
                    );
                    self.unstarted().insert(saved.port);
                }
            }
        }
        Ok(())
    }

    /// Stops every imposter and stops saving: the server is shutting down. The files stay.
    pub async fn shutdown(&self) {
        let mut change = self.changes.lock().await;
        change.0 = true;
        let running: Vec<_> = std::mem::take(&mut *self.write()).into_values().collect();
        for running in &running {
            running.imposter.close().await;
        }
        if let Some(store) = &self.store {
            store.close().await;
        }
    }

    async fn delete_one(&self, port: u16) -> Result<Option<Arc<Imposter>>, MbError> {
        let Some(imposter) = self.get(port) else {
            return Ok(None);
        };
        if let Some(store) = &self.store {
            store
                .remove(&imposter)
                .await
                .map_err(|error| store_error(&error, "the imposter was not deleted"))?;
        }
        let removed = self.write().remove(&port);
        if let Some(removed) = &removed {
            removed.imposter.close().await;
        }
        Ok(removed.map(|running| running.imposter))
    }

    async fn restore(&self, saved: &Saved) -> Result<(), NotRestored> {
        let named = saved.json.get("port").and_then(Value::as_u64);
        if named != Some(u64::from(saved.port)) {
            return Err(NotRestored::Invalid(format!(
                "it is named for port {} but its port is {}",
                saved.port,
                saved.json.get("port").unwrap_or(&Value::Null)
            )));
        }
        let compiled = self.compile(&saved.json).await.map_err(|errors| {
            let messages: Vec<_> = errors.iter().map(ToString::to_string).collect();
            NotRestored::Invalid(format!("not a valid imposter: {}", messages.join("; ")))
        })?;
        let bound = self.bind(compiled).await.map_err(NotRestored::NotStarted)?;
        let running = self.launch(bound).await;
        let imposter = Arc::clone(&running.imposter);
        tracing::info!("{} loaded from {}", imposter.scope(), saved.path.display());
        self.write().insert(imposter.port, running);
        Ok(())
    }

    /// Binds the port of every imposter of a `PUT /imposters`, in the request's order; on the
    /// first failure the ports bound so far are freed again.
    async fn bind_all(&self, compiled: Vec<Compiled>) -> Result<Vec<Bound>, MbError> {
        // The imposters that name their port first: the OS could otherwise give one that does
        // not a port that a later one names.
        let mut order: Vec<usize> = (0..compiled.len()).collect();
        order.sort_by_key(|&index| compiled[index].spec.port.is_none());
        let mut pending: Vec<Option<Compiled>> = compiled.into_iter().map(Some).collect();
        let mut bound: Vec<Option<Bound>> = pending.iter().map(|_| None).collect();
        for index in order {
            if let Some(compiled) = pending[index].take() {
                bound[index] = Some(self.bind(compiled).await?);
            }
        }
        Ok(bound.into_iter().flatten().collect())
    }

    /// Binds the imposter's port; nothing is served yet.
    async fn bind(&self, compiled: Compiled) -> Result<Bound, MbError> {
        let host = compiled.spec.host.clone().or_else(|| self.host.clone());
        let listener = listen(host.as_deref(), compiled.spec.port.unwrap_or(0)).await?;
        let port = listener
            .local_addr()
            .map_err(|error| MbError::bad_data(error.to_string()))?
            .port();
        Ok(Bound {
            compiled,
            host,
            listener,
            port,
        })
    }

    /// Starts serving a bound imposter and, with `--datadir`, makes it the owner of its port's
    /// file. It is not yet in the registry.
    async fn launch(&self, bound: Bound) -> Running {
        let Bound {
            compiled,
            host,
            listener,
            port,
        } = bound;
        let Compiled {
            spec,
            contract,
            tls,
            creation,
        } = compiled;
        let imposter = Arc::new(Imposter::new(
            spec,
            port,
            self.settings,
            contract,
            tls,
            self.store.clone(),
            Arc::clone(&self.metrics),
        ));
        if let Some(store) = &self.store {
            store.adopt(&imposter, creation).await;
        }
        let handle =
            crate::listener::spawn(listener, Arc::clone(&imposter), Arc::clone(&self.access));
        imposter.set_listener(handle);
        tracing::info!("{} Open for business...", imposter.scope());
        Running { imposter, host }
    }

    /// Saves a new imposter's file, with `--datadir`.
    async fn save_new(&self, imposter: &Imposter) -> Result<(), StoreError> {
        match &self.store {
            Some(store) => store.try_save(imposter).await,
            None => Ok(()),
        }
    }

    /// Removes the file of a new imposter whose save failed: its content, if any reached the
    /// disk, was never acknowledged. A file kept for an imposter that could not start at
    /// startup stays, as it may still hold that imposter.
    async fn forget_new(&self, imposter: &Imposter) {
        let Some(store) = &self.store else {
            return;
        };
        if self.unstarted().contains(&imposter.port) {
            store.disown(imposter).await;
        } else if let Err(cleanup) = store.remove(imposter).await {
            tracing::warn!("{} {cleanup}", imposter.scope());
        }
    }

    /// Undoes a `PUT /imposters` whose save failed once its new imposters were running: stops
    /// them, gives each port's file back to its old imposter and writes it again, and lets
    /// the old imposters listen again. Returns what could not be undone.
    async fn undo(
        &self,
        started: &[Running],
        freed: &[Running],
        mut creations: BTreeMap<u16, Map<String, Value>>,
    ) -> Vec<String> {
        let mut notes = Vec::new();
        for running in started {
            let new = &running.imposter;
            new.close().await;
            let old = freed
                .iter()
                .find(|old| old.imposter.port == new.port)
                .map(|old| &old.imposter);
            match (&self.store, old) {
                (Some(store), Some(old)) => {
                    let creation = creations.remove(&old.port).unwrap_or_default();
                    store.adopt(old, creation).await;
                    if let Err(error) = store.try_save(old).await {
                        notes.push(format!(
                            "{error}: after a restart, port {} may have the imposter this \
                             request tried to create",
                            old.port
                        ));
                    }
                }
                _ => self.forget_new(new).await,
            }
        }
        notes.extend(self.reopen(freed).await);
        notes
    }

    /// Lets old imposters stopped by a `PUT /imposters` that failed listen again. One whose
    /// port was taken meanwhile stays registered and saved but cannot answer; the note says so.
    async fn reopen(&self, freed: &[Running]) -> Vec<String> {
        let mut notes = Vec::new();
        for Running { imposter, host } in freed {
            match listen(host.as_deref(), imposter.port).await {
                Ok(listener) => {
                    let handle = crate::listener::spawn(
                        listener,
                        Arc::clone(imposter),
                        Arc::clone(&self.access),
                    );
                    imposter.set_listener(handle);
                    tracing::info!("{} Open for business again...", imposter.scope());
                }
                Err(error) => {
                    tracing::error!("{} cannot listen again: {error}", imposter.scope());
                    notes.push(format!(
                        "imposter {} was stopped to free its port and cannot listen again \
                         ({error}); delete it, or restart the server to start it again",
                        imposter.port
                    ));
                }
            }
        }
        notes
    }

    /// Removes the files kept for imposters that could not start, but those a new imposter
    /// owns now.
    async fn remove_unstarted(&self) -> Result<(), StoreError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let ports: Vec<u16> = self.unstarted().iter().copied().collect();
        for port in ports {
            store.remove_unowned(port).await?;
            self.unstarted().remove(&port);
        }
        Ok(())
    }

    fn ports(&self) -> Vec<u16> {
        self.read().keys().copied().collect()
    }

    fn unstarted(&self) -> std::sync::MutexGuard<'_, BTreeSet<u16>> {
        self.unstarted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<u16, Running>> {
        self.imposters
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<u16, Running>> {
        self.imposters
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A registered imposter and the host it listens on, so that it can listen again when a
/// `PUT /imposters` that stopped it to free its port fails.
#[derive(Debug, Clone)]
struct Running {
    imposter: Arc<Imposter>,
    host: Option<String>,
}

/// A new imposter whose port is bound but that serves nothing yet: dropping it frees the port.
struct Bound {
    compiled: Compiled,
    host: Option<String>,
    listener: TcpListener,
    port: u16,
}

/// Why a saved file did not load at startup.
enum NotRestored {
    /// The file is not a valid imposter: it is set aside.
    Invalid(String),
    /// The imposter could not start (its port is busy): the file stays, for the next start.
    NotStarted(MbError),
}

/// Binds `host:port`, with mountebank's errors.
async fn listen(host: Option<&str>, port: u16) -> Result<TcpListener, MbError> {
    bind::listen(host, port)
        .await
        .map_err(|error| match error.kind() {
            io::ErrorKind::AddrInUse => in_use(port),
            io::ErrorKind::PermissionDenied => MbError::new(
                ErrorCode::InsufficientAccess,
                "Run mb in superuser mode if you want access",
            ),
            _ => MbError::bad_data(format!("cannot listen on port {port}: {error}")),
        })
}

fn in_use(port: u16) -> MbError {
    MbError::new(
        ErrorCode::ResourceConflict,
        format!("Port {port} is already in use"),
    )
}

/// Adds to an error what a failed change could not undo.
fn with_notes(mut error: MbError, notes: Vec<String>) -> MbError {
    for note in notes {
        error.message.push_str("; ");
        error.message.push_str(&note);
    }
    error
}

/// A disk error as the control API reports it: what failed, where, and what it means.
fn store_error(error: &StoreError, consequence: &str) -> MbError {
    MbError::new(
        ErrorCode::CorruptedDatabase,
        format!("--datadir: {error}; {consequence}"),
    )
}

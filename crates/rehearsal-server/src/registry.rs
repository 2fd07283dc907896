//! The imposters the server runs, by port, and their lifecycle: compile, start, save, delete,
//! restore at startup. The control API is its only writer; imposter listeners hold their own
//! `Arc<Imposter>` and never touch it.
//!
//! With `--datadir`, every change is on disk before the method making it returns, so the API
//! acknowledges only what survives a crash (docs/datadir.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::{Arc, RwLock};

use rehearsal_core::{ErrorCode, ImposterSpec, MbError, ServerOptions};
use serde_json::{Map, Value};

use crate::bind;
use crate::contract::ContractProxy;
use crate::imposter::{Imposter, ImposterSettings};
use crate::store::{creation_fields, Saved, Store, StoreError};

#[derive(Debug)]
pub struct Registry {
    imposters: RwLock<BTreeMap<u16, Arc<Imposter>>>,
    /// The server's `--host`, the default bind address of imposters.
    host: Option<String>,
    settings: ImposterSettings,
    options: ServerOptions,
    /// `--datadir`, handed to every imposter.
    store: Option<Arc<Store>>,
}

/// An imposter creation request, validated and ready to start.
#[derive(Debug)]
pub struct Compiled {
    spec: ImposterSpec,
    contract: Option<Arc<ContractProxy>>,
    /// What `--datadir` keeps of the request (`store::creation_fields`).
    creation: Map<String, Value>,
}

impl Registry {
    pub fn new(
        host: Option<String>,
        settings: ImposterSettings,
        options: ServerOptions,
        store: Option<Arc<Store>>,
    ) -> Registry {
        Registry {
            imposters: RwLock::new(BTreeMap::new()),
            host,
            settings,
            options,
            store,
        }
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
        Ok(Compiled {
            spec,
            contract,
            creation: creation_fields(json),
        })
    }

    /// Starts the imposter and saves it; it is in the registry only once it is saved. When
    /// the save fails the imposter is stopped again, so that what runs is what is saved.
    pub async fn create(&self, compiled: Compiled) -> Result<Arc<Imposter>, MbError> {
        let imposter = self.start(compiled).await?;
        if let Some(store) = &self.store {
            if let Err(error) = store.try_save(&imposter).await {
                imposter.close().await;
                if let Err(cleanup) = store.remove(&imposter).await {
                    tracing::warn!("{} {cleanup}", imposter.scope());
                }
                return Err(store_error(&error, "the imposter was not created"));
            }
        }
        self.insert(&imposter).await;
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

    pub fn get(&self, port: u16) -> Option<Arc<Imposter>> {
        self.read().get(&port).cloned()
    }

    /// Every imposter, by port.
    pub fn all(&self) -> Vec<Arc<Imposter>> {
        self.read().values().cloned().collect()
    }

    /// Deletes the imposter's file, then stops it; `None` when there is no such imposter. When
    /// the file cannot be deleted the imposter keeps running.
    pub async fn delete(&self, port: u16) -> Result<Option<Arc<Imposter>>, MbError> {
        let Some(imposter) = self.get(port) else {
            return Ok(None);
        };
        if let Some(store) = &self.store {
            store
                .remove(&imposter)
                .await
                .map_err(|error| store_error(&error, "the imposter was not deleted"))?;
        }
        let removed = {
            let mut imposters = self.write();
            let ours = imposters
                .get(&port)
                .is_some_and(|current| Arc::ptr_eq(current, &imposter));
            ours.then(|| imposters.remove(&port)).flatten()
        };
        if let Some(removed) = &removed {
            removed.close().await;
        }
        Ok(removed)
    }

    /// Deletes every imposter (`DELETE /imposters`), stopping at the first file that cannot
    /// be deleted.
    pub async fn delete_all(&self) -> Result<Vec<Arc<Imposter>>, MbError> {
        let mut deleted = Vec::new();
        for imposter in self.all() {
            deleted.extend(self.delete(imposter.port).await?);
        }
        Ok(deleted)
    }

    /// Replaces every imposter (`PUT /imposters`). The old ones are stopped first, to free
    /// their ports; on disk the new files are written before the old ones are removed, so
    /// that a crash part way leaves each file old or new and never loses one the client
    /// did not ask to remove.
    pub async fn replace_all(
        &self,
        compiled: Vec<Compiled>,
    ) -> Result<Vec<Arc<Imposter>>, MbError> {
        let old: Vec<_> = std::mem::take(&mut *self.write()).into_values().collect();
        for imposter in &old {
            if let Some(store) = &self.store {
                store.disown(imposter).await;
            }
            imposter.close().await;
        }
        let mut started = Vec::with_capacity(compiled.len());
        let mut failure = None;
        for compiled in compiled {
            match self.create(compiled).await {
                Ok(imposter) => started.push(imposter),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        if let Some(store) = &self.store {
            let kept: BTreeSet<u16> = started.iter().map(|imposter| imposter.port).collect();
            for port in old.iter().map(|imposter| imposter.port) {
                if kept.contains(&port) {
                    continue;
                }
                if let Err(error) = store.remove_unowned(port).await {
                    failure.get_or_insert_with(|| {
                        store_error(&error, "it will come back when the server restarts")
                    });
                }
            }
        }
        match failure {
            Some(error) => Err(error),
            None => Ok(started),
        }
    }

    /// Starts the imposters saved in `--datadir`: each file compiled and started as a creation
    /// request is; one that cannot be is logged and set aside, and the others still start.
    /// Only a datadir that cannot be read is an error.
    pub async fn restore_saved(&self) -> io::Result<()> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        for saved in store.scan().await? {
            if let Err(reason) = self.restore(&saved).await {
                store.set_aside(&saved, reason).await;
            }
        }
        Ok(())
    }

    /// Stops every imposter and stops saving: the server is shutting down. The files stay.
    pub async fn shutdown(&self) {
        let running: Vec<_> = std::mem::take(&mut *self.write()).into_values().collect();
        for imposter in &running {
            imposter.close().await;
        }
        if let Some(store) = &self.store {
            store.close().await;
        }
    }

    async fn restore(&self, saved: &Saved) -> Result<(), String> {
        let named = saved.json.get("port").and_then(Value::as_u64);
        if named != Some(u64::from(saved.port)) {
            return Err(format!(
                "it is named for port {} but its port is {}",
                saved.port,
                saved.json.get("port").unwrap_or(&Value::Null)
            ));
        }
        let compiled = self.compile(&saved.json).await.map_err(|errors| {
            let messages: Vec<_> = errors.iter().map(ToString::to_string).collect();
            format!("not a valid imposter: {}", messages.join("; "))
        })?;
        let imposter = self
            .start(compiled)
            .await
            .map_err(|error| format!("cannot start it: {error}"))?;
        tracing::info!("{} loaded from {}", imposter.scope(), saved.path.display());
        self.insert(&imposter).await;
        Ok(())
    }

    /// Binds the imposter's port, starts serving it and, with `--datadir`, makes it the owner
    /// of its port's file. It is not yet in the registry.
    async fn start(&self, compiled: Compiled) -> Result<Arc<Imposter>, MbError> {
        let Compiled {
            spec,
            contract,
            creation,
        } = compiled;
        let requested = spec.port.unwrap_or(0);
        let in_use = || {
            MbError::new(
                ErrorCode::ResourceConflict,
                format!("Port {requested} is already in use"),
            )
        };
        if spec.port.is_some() && self.get(requested).is_some() {
            return Err(in_use());
        }
        let host = spec.host.clone().or_else(|| self.host.clone());
        let listener =
            bind::listen(host.as_deref(), requested)
                .await
                .map_err(|error| match error.kind() {
                    io::ErrorKind::AddrInUse => in_use(),
                    io::ErrorKind::PermissionDenied => MbError::new(
                        ErrorCode::InsufficientAccess,
                        "Run mb in superuser mode if you want access",
                    ),
                    _ => MbError::bad_data(format!("cannot listen on port {requested}: {error}")),
                })?;
        let port = listener
            .local_addr()
            .map_err(|error| MbError::bad_data(error.to_string()))?
            .port();
        let imposter = Arc::new(Imposter::new(
            spec,
            port,
            self.settings,
            contract,
            self.store.clone(),
        ));
        if let Some(store) = &self.store {
            store.adopt(&imposter, creation).await;
        }
        let handle = tokio::spawn(crate::http1::serve(listener, Arc::clone(&imposter)));
        imposter.set_listener(handle);
        tracing::info!("{} Open for business...", imposter.scope());
        Ok(imposter)
    }

    async fn insert(&self, imposter: &Arc<Imposter>) {
        let replaced = self.write().insert(imposter.port, Arc::clone(imposter));
        if let Some(replaced) = replaced {
            replaced.close().await;
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<u16, Arc<Imposter>>> {
        self.imposters
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<u16, Arc<Imposter>>> {
        self.imposters
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A disk error as the control API reports it: what failed, where, and what it means.
fn store_error(error: &StoreError, consequence: &str) -> MbError {
    MbError::new(
        ErrorCode::CorruptedDatabase,
        format!("--datadir: {error}; {consequence}"),
    )
}

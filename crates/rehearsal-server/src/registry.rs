//! The imposters the server runs, by port. The control API is its only writer; imposter
//! listeners hold their own `Arc<Imposter>` and never touch it.

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, RwLock};

use rehearsal_core::{ErrorCode, ImposterSpec, MbError};

use crate::bind;
use crate::contract::ContractProxy;
use crate::imposter::{Imposter, ImposterSettings};
use crate::store::Store;

#[derive(Debug)]
pub struct Registry {
    imposters: RwLock<BTreeMap<u16, Arc<Imposter>>>,
    /// The server's `--host`, the default bind address of imposters.
    host: Option<String>,
    settings: ImposterSettings,
    /// `--datadir`, handed to every imposter.
    store: Option<Arc<Store>>,
}

impl Registry {
    pub fn new(
        host: Option<String>,
        settings: ImposterSettings,
        store: Option<Arc<Store>>,
    ) -> Registry {
        Registry {
            imposters: RwLock::new(BTreeMap::new()),
            host,
            settings,
            store,
        }
    }

    /// Binds the imposter's port and starts serving it.
    pub async fn start(
        &self,
        spec: ImposterSpec,
        contract: Option<Arc<ContractProxy>>,
    ) -> Result<Arc<Imposter>, MbError> {
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
        let handle = tokio::spawn(crate::http1::serve(listener, Arc::clone(&imposter)));
        imposter.set_listener(handle);
        tracing::info!("{} Open for business...", imposter.scope());
        let replaced = self.write().insert(port, Arc::clone(&imposter));
        if let Some(replaced) = replaced {
            replaced.close().await;
        }
        Ok(imposter)
    }

    pub fn get(&self, port: u16) -> Option<Arc<Imposter>> {
        self.read().get(&port).cloned()
    }

    /// Every imposter, by port.
    pub fn all(&self) -> Vec<Arc<Imposter>> {
        self.read().values().cloned().collect()
    }

    pub async fn delete(&self, port: u16) -> Option<Arc<Imposter>> {
        let removed = self.write().remove(&port);
        if let Some(imposter) = &removed {
            imposter.close().await;
        }
        removed
    }

    /// Stops and removes every imposter.
    pub async fn delete_all(&self) -> Vec<Arc<Imposter>> {
        let removed: Vec<_> = std::mem::take(&mut *self.write()).into_values().collect();
        for imposter in &removed {
            imposter.close().await;
        }
        removed
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

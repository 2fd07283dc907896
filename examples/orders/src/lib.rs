//! orders: a small service that takes orders, charges them through a payments service and
//! keeps them in Redis. It is rehearsal's example of the whole test-driven workflow; its
//! tests are laid out in `README.md`.

pub mod config;
mod http;
pub mod order;
pub mod payments;
pub mod store;

use std::future::Future;

use tokio::net::TcpListener;

pub use config::Config;
pub use http::router;
use payments::Payments;
use store::{Store, StoreError};

/// The service could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot reach Redis at {url}: {error}")]
    Redis { url: String, error: StoreError },
    #[error("cannot make the payments client: {0}")]
    Payments(#[from] reqwest::Error),
}

/// What the handlers share: the order store and the payments client.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub payments: Payments,
}

impl App {
    /// Connects to Redis and prepares the payments client, as `config` says.
    pub async fn connect(config: &Config) -> Result<App, SetupError> {
        let store = Store::connect(&config.redis_url)
            .await
            .map_err(|error| SetupError::Redis {
                url: config.redis_url.clone(),
                error,
            })?;
        Ok(App {
            store,
            payments: Payments::new(&config.payments_url, config.payments_timeout)?,
        })
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests under way.
pub async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

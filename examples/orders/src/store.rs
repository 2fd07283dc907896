//! Orders kept in Redis: one JSON string per order under `order:{id}`, and a counter that
//! numbers them.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;

use crate::order::Order;

/// The orders in one Redis database. Cheap to clone: clones share one connection, which is
/// made again when Redis comes back after a restart.
#[derive(Clone)]
pub struct Store {
    redis: ConnectionManager,
}

/// Redis failed, or held something that is not an order.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Redis failed: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("order {id} in Redis is not valid JSON: {error}")]
    Corrupt {
        id: String,
        error: serde_json::Error,
    },
    #[error("order {id} cannot be written as JSON: {error}")]
    Unwritable {
        id: String,
        error: serde_json::Error,
    },
}

impl Store {
    /// Connects to the Redis at `url` (`redis://host:port/db`), failing soon when it does not
    /// answer.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let client = redis::Client::open(url)?;
        // Two quick retries (20 ms, then about 40 ms): a Redis that is restarting gets a
        // moment, and one that is not there fails the start at once.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(20));
        let redis = ConnectionManager::new_with_config(client, config).await?;
        Ok(Store { redis })
    }

    /// A new order id, `ord-1`, `ord-2`, ...: never the same twice in one database.
    pub async fn next_id(&self) -> Result<String, StoreError> {
        let number: u64 = self.redis.clone().incr("orders:next-id", 1).await?;
        Ok(format!("ord-{number}"))
    }

    pub async fn save(&self, order: &Order) -> Result<(), StoreError> {
        let json = serde_json::to_string(order).map_err(|error| StoreError::Unwritable {
            id: order.id.clone(),
            error,
        })?;
        let () = self.redis.clone().set(key(&order.id), json).await?;
        Ok(())
    }

    /// The order with `id`, or `None` when there is none.
    pub async fn get(&self, id: &str) -> Result<Option<Order>, StoreError> {
        let json: Option<String> = self.redis.clone().get(key(id)).await?;
        json.map(|json| {
            serde_json::from_str(&json).map_err(|error| StoreError::Corrupt {
                id: id.to_string(),
                error,
            })
        })
        .transpose()
    }

    /// Whether Redis answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let _: String = redis::cmd("PING")
            .query_async(&mut self.redis.clone())
            .await?;
        Ok(())
    }
}

fn key(id: &str) -> String {
    format!("order:{id}")
}

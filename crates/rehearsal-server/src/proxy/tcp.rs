//! One request to a tcp proxy's origin (`tcpProxy.js`): a connection of its own, the client's
//! bytes written as they came, and the answer read until the imposter's end-of-request
//! resolver says it is whole, as mountebank reads it.

use rehearsal_core::imposter::Received;
use rehearsal_core::proxy::ProxyConfig;
use rehearsal_core::{ErrorCode, MbError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::origin::connect_tcp;

/// Sends `request` to the origin and reads its answer. An origin that closes the connection
/// ends the answer with what it sent (mountebank would wait for ever); one that never
/// answers is waited for while the client stays connected (`tcp::connection`).
pub async fn send_tcp(
    config: &ProxyConfig,
    request: &[u8],
    mut received: Received<'_>,
) -> Result<Vec<u8>, MbError> {
    let to = serde_json::to_string(&config.to).unwrap_or_default();
    let failed = |detail: String| {
        MbError::new(
            ErrorCode::InvalidProxy,
            format!("Proxy {to} transmission error: {detail}"),
        )
    };
    let mut stream = connect_tcp(&config.origin, &to).await?;
    stream
        .write_all(request)
        .await
        .map_err(|error| failed(error.to_string()))?;
    loop {
        let buffer = received.buffer();
        buffer.reserve(4096);
        let read = stream
            .read_buf(buffer)
            .await
            .map_err(|error| failed(error.to_string()))?;
        if read == 0 {
            return Ok(std::mem::take(received.buffer()));
        }
        if let Some(answer) = received.next_request().map_err(|error| failed(error.0))? {
            let _ = stream.shutdown().await;
            return Ok(answer);
        }
    }
}

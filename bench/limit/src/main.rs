//! The limit: a bare hyper 1.x HTTP/1.1 server that only answers.
//!
//! Every request gets `200 OK` with the body `stub 9` (the same body the
//! benchmark imposter returns). Keep-alive is hyper's default; when the
//! request says `Connection: close`, hyper answers with `Connection: close`
//! and closes the connection. Multi-threaded tokio runtime, like rehearsal.
//!
//! Usage: bench-limit PORT   (binds 127.0.0.1:PORT)

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

static BODY: &[u8] = b"stub 9";

async fn answer(_req: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(BODY))))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let port: u16 = std::env::args()
        .nth(1)
        .ok_or("usage: bench-limit PORT")?
        .parse()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = TcpListener::bind(addr).await?;
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(conn) => conn,
            Err(_) => continue, // e.g. EMFILE under load: keep serving
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(answer))
                .await;
        });
    }
}

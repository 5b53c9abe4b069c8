//! The HTTP side: AWS JSON 1.0 (`POST /`, the operation in `X-Amz-Target`, whatever the Host
//! header says, `sync-` prefixed or not; signatures are not checked), one info line per
//! request, and a clean stop on Ctrl-C or SIGTERM.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use asl_sim::service::{ApiError, Poll, Reply, MAX_REQUEST_BYTES};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::{background, Shared};

/// Listen on `address` until Ctrl-C or SIGTERM.
pub async fn serve(shared: Arc<Shared>, address: SocketAddr) -> Result<(), String> {
    let listener = TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the address listened on: {e}"))?;
    let signal = stop_signal();
    let line = format!("listening on http://{bound}");
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
    drop(stdout);
    tracing::info!("{line}");
    if !bound.ip().is_loopback() {
        tracing::warn!(
            "{bound} is not a loopback address: anyone who can reach it can create and run state machines here (no credentials are checked)"
        );
    }
    let (stop, stopping) = watch::channel(false);
    tokio::spawn(background::timer(Arc::clone(&shared), stopping.clone()));
    tokio::pin!(signal);
    loop {
        tokio::select! {
            () = &mut signal => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(Arc::clone(&shared), stream, stopping.clone()));
                }
                Err(e) => tracing::warn!("cannot accept a connection: {e}"),
            },
        }
    }
    tracing::info!("stopping");
    let _ = stop.send(true);
    // Connections finish the request in hand, then close.
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(())
}

/// Ctrl-C, or SIGTERM where there are signals. Made (the handlers installed) before the
/// server says it listens, so that a signal sent as soon as it does is caught.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let handlers = signal(SignalKind::terminate())
            .and_then(|terminate| Ok((terminate, signal(SignalKind::interrupt())?)));
        async move {
            match handlers {
                Ok((mut terminate, mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn connection(
    shared: Arc<Shared>,
    stream: tokio::net::TcpStream,
    mut stopping: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(answer(&shared, request).await) }
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!("connection closed: {e}");
            }
        }
        () = background::stopped(&mut stopping) => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// One request: read, answered, logged.
async fn answer(shared: &Arc<Shared>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let target = request
        .headers()
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let result = match Limited::new(request.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(body) => call(shared, &target, &body.to_bytes()).await,
        Err(_) => Err(ApiError::validation(format!(
            "The request body is larger than the {MAX_REQUEST_BYTES} bytes this server reads."
        ))),
    };
    let operation = target.rsplit('.').next().unwrap_or_default();
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(body) => {
            tracing::info!("{operation} 200 {elapsed:.1} ms");
            respond(StatusCode::OK, &body)
        }
        Err(error) => {
            tracing::info!("{operation} 400 {} {elapsed:.1} ms", error.type_name);
            respond(StatusCode::BAD_REQUEST, &error.to_json())
        }
    }
}

/// Numbers each answer's request id, which the SDKs report ($metadata.requestId,
/// ResponseMetadata.RequestId).
static REQUESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn respond(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/x-amz-json-1.0"),
    );
    let n = REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Ok(id) =
        hyper::header::HeaderValue::from_str(&format!("00000000-0000-4000-8000-{n:012x}"))
    {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(kind) = body.get("__type").and_then(Value::as_str) {
        if let Ok(value) = hyper::header::HeaderValue::from_str(kind) {
            headers.insert("x-amzn-errortype", value);
        }
    }
    response
}

/// The service's answer; a long call's once it has come.
async fn call(shared: &Arc<Shared>, target: &str, body: &[u8]) -> Result<Value, ApiError> {
    let mut changes = shared.changed.subscribe();
    let reply = {
        let mut service = shared
            .service
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let reply = service.call(target, body);
        background::after_change(shared, service);
        reply?
    };
    match reply {
        Reply::Done(value) => Ok(value),
        Reply::Later(poll) => Ok(wait_for(shared, &poll, &mut changes).await),
    }
}

/// Look again at each change until the answer comes or the call's time runs out.
async fn wait_for(shared: &Arc<Shared>, poll: &Poll, changes: &mut watch::Receiver<u64>) -> Value {
    let deadline = poll
        .timeout_seconds()
        .map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    loop {
        {
            let mut service = shared
                .service
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let answer = service.poll(poll);
            background::after_change(shared, service);
            if let Some(answer) = answer {
                return answer;
            }
        }
        let until = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            seen = changes.changed() => if seen.is_err() { return poll.gave_up() },
            () = until => return poll.gave_up(),
        }
    }
}

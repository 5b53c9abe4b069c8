//! What runs beside the requests: the timer (one task sleeping until the earliest wake-up on
//! the service's heap, not a poll of every execution) and the Lambda calls no mock answers.

use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use asl_sim::service::{LambdaAnswer, LambdaCall, Service};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

use super::Shared;

/// After the service changed: long calls look again, the timer sees the next wake-up, and the
/// Lambda calls the change asked for are made.
pub fn after_change(shared: &Arc<Shared>, mut service: MutexGuard<'_, Service>) {
    let calls = service.take_lambda_calls();
    drop(service);
    shared.changed.send_modify(|version| *version += 1);
    shared.timer.notify_one();
    for call in calls {
        tokio::spawn(lambda_call(Arc::clone(shared), call));
    }
}

/// Wake each execution when its wait, timeout or heartbeat expiry comes due.
pub async fn timer(shared: Arc<Shared>, mut stopping: watch::Receiver<bool>) {
    loop {
        let delay = {
            let service = shared
                .service
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            service
                .next_wake_ms()
                .and_then(|at| service.clock().real_delay(at))
        };
        let sleep = async {
            match delay {
                // At least a millisecond: the clock counts whole ones.
                Some(delay) => tokio::time::sleep(delay.max(Duration::from_millis(1))).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = sleep => {
                let mut service = shared.service.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                service.advance_due();
                after_change(&shared, service);
            }
            () = shared.timer.notified() => {}
            () = stopped(&mut stopping) => return,
        }
    }
}

/// Until the server stops (or whoever would say so is gone).
pub async fn stopped(stopping: &mut watch::Receiver<bool>) {
    loop {
        if *stopping.borrow_and_update() {
            return;
        }
        if stopping.changed().await.is_err() {
            return;
        }
    }
}

/// `--lambda-endpoint URL`: where Lambda's Invoke API is.
pub struct LambdaEndpoint {
    authority: String,
    base_path: String,
}

impl LambdaEndpoint {
    pub fn parse(url: &str) -> Result<Self, String> {
        let uri: hyper::Uri = url.parse().map_err(|e| {
            format!("--lambda-endpoint takes a URL such as http://127.0.0.1:9001 ({e})")
        })?;
        if uri.scheme_str() != Some("http") {
            return Err(format!(
                "--lambda-endpoint takes an http:// URL, not `{url}`"
            ));
        }
        let authority = uri
            .authority()
            .ok_or_else(|| format!("--lambda-endpoint `{url}` names no host"))?;
        let port = authority.port_u16().unwrap_or(80);
        Ok(LambdaEndpoint {
            authority: format!("{}:{port}", authority.host()),
            base_path: uri.path().trim_end_matches('/').to_string(),
        })
    }
}

/// Invoke the function and bring its answer back to the task.
async fn lambda_call(shared: Arc<Shared>, call: LambdaCall) {
    let Some(endpoint) = shared.lambda.as_ref() else {
        return;
    };
    let answer = invoke(endpoint, &call).await;
    if let Err(why) = &answer {
        tracing::warn!("Lambda call to {} failed: {why}", call.function);
    }
    let mut service = shared
        .service
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    service.lambda_answered(&call, answer);
    after_change(&shared, service);
}

/// POST /2015-03-31/functions/NAME/invocations, as the SDKs call Lambda's Invoke.
async fn invoke(endpoint: &LambdaEndpoint, call: &LambdaCall) -> Result<LambdaAnswer, String> {
    let stream = tokio::net::TcpStream::connect(&endpoint.authority)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", endpoint.authority))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let path = format!(
        "{}/2015-03-31/functions/{}/invocations",
        endpoint.base_path,
        call.function_name()
    );
    let request = hyper::Request::post(path)
        .header("host", &endpoint.authority)
        .header("content-type", "application/json")
        .header("x-amz-invocation-type", "RequestResponse")
        .body(Full::new(Bytes::from(call.body())))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let function_error = response
        .headers()
        .get("x-amz-function-error")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes()
        .to_vec();
    Ok(LambdaAnswer {
        status,
        function_error,
        body,
    })
}

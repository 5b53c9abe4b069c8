//! `asl-sim serve`: the Step Functions API on a local port, AWS JSON 1.0 over HTTP/1.1 (hyper
//! on tokio). The service itself (`asl_sim::service`) knows no HTTP: this front end reads
//! requests, hands each to it under one lock, answers long calls as things change, runs the
//! timer that wakes waiting executions, and makes the Lambda calls no mock answers.

mod background;
mod http;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use asl_sim::service::{ClockMode, Config, Service, DEFAULT_MAX_EXECUTIONS};
use tokio::sync::{watch, Notify};

use crate::Outcome;

pub const AFTER_HELP: &str = "\
Point an AWS SDK at http://127.0.0.1:8083 (any region and credentials; signatures are not
checked). The SDKs send StartSyncExecution and TestState to a `sync-` prefixed host unless host
prefixing is off (botocore `Config(inject_host_prefix=False)`, the JS SDK `disableHostPrefix:
true`); the server answers whatever the Host header says.
StartExecution on `STATE_MACHINE_ARN#TestCase` runs that test case of the mock file (Step Functions
Local's format) for the state machine of that name. A task no mock answers: activities wait for
GetActivityTask workers, .waitForTaskToken tasks for SendTaskSuccess / SendTaskFailure, Lambda calls
go to --lambda-endpoint when given; any other fails naming the state.
With --clock manual, time moves only on `X-Amz-Target: AslWorkbench.AdvanceClock` with
{\"seconds\": N}, answered {\"now\": EPOCH_SECONDS}.
Logs go to stderr (RUST_LOG filters them); Ctrl-C or SIGTERM stops the server.";

#[derive(clap::Args)]
pub struct Args {
    /// The address to listen on; anything but loopback is reachable by others
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port; 0 picks a free one (printed on stdout as `listening on http://ADDR:PORT`)
    #[arg(long, value_name = "N", default_value_t = 8083)]
    port: u16,
    /// The mock file for `ARN#TestCase` (default: the SFN_MOCK_CONFIG environment variable)
    #[arg(long, value_name = "FILE")]
    mocks: Option<String>,
    /// Send Lambda calls that no mock answers to this Lambda endpoint's Invoke API
    #[arg(long, value_name = "URL")]
    lambda_endpoint: Option<String>,
    /// Real time, or manual time moved by AslWorkbench.AdvanceClock
    #[arg(long, value_enum, default_value = "real")]
    clock: ClockArg,
    /// With the real clock: waits, timeouts, heartbeats and mock delays run N times faster
    #[arg(long, value_name = "N", default_value_t = 1.0, value_parser = time_scale)]
    time_scale: f64,
    /// Finished executions kept (the oldest finished is dropped first)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_EXECUTIONS, value_parser = crate::flags::positive)]
    max_executions: usize,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ClockArg {
    Real,
    Manual,
}

fn time_scale(value: &str) -> Result<f64, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .ok_or_else(|| "takes a positive number, such as 60".to_string())
}

/// What the connections, the timer and the Lambda calls share.
pub(crate) struct Shared {
    service: Mutex<Service>,
    /// Bumped after every change: long calls look again.
    changed: watch::Sender<u64>,
    /// Wakes the timer: the next wake-up may have moved.
    timer: Notify,
    lambda: Option<background::LambdaEndpoint>,
}

pub fn main(args: &Args) -> Outcome {
    init_logging();
    let mocks = match mock_config(args.mocks.as_deref()) {
        Ok(mocks) => mocks,
        Err(problem) => {
            crate::messages::error(problem);
            return Outcome::Usage;
        }
    };
    let lambda = match args
        .lambda_endpoint
        .as_deref()
        .map(background::LambdaEndpoint::parse)
    {
        None => None,
        Some(Ok(endpoint)) => Some(endpoint),
        Some(Err(problem)) => return crate::flags::usage_error("serve", problem),
    };
    let config = Config {
        mocks,
        lambda: lambda.is_some(),
        clock: match args.clock {
            ClockArg::Real => ClockMode::Real {
                scale: args.time_scale,
            },
            ClockArg::Manual => ClockMode::Manual,
        },
        max_executions: args.max_executions,
    };
    let shared = Arc::new(Shared {
        service: Mutex::new(Service::new(config)),
        changed: watch::channel(0).0,
        timer: Notify::new(),
        lambda,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            crate::messages::error(format!("cannot start the server's runtime: {e}"));
            return Outcome::Failed;
        }
    };
    let address = SocketAddr::new(args.bind, args.port);
    match runtime.block_on(http::serve(shared, address)) {
        Ok(()) => Outcome::Ok,
        Err(problem) => {
            crate::messages::error(problem);
            Outcome::Failed
        }
    }
}

/// Logs on stderr, at info unless RUST_LOG says otherwise.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// The mock file named, else SFN_MOCK_CONFIG's, as Step Functions Local reads it.
fn mock_config(flag: Option<&str>) -> Result<Option<serde_json::Value>, String> {
    let from_env = std::env::var("SFN_MOCK_CONFIG")
        .ok()
        .filter(|p| !p.is_empty());
    let Some(path) = flag.map(str::to_string).or(from_env) else {
        return Ok(None);
    };
    let file = crate::mock_file::MockFile::read(&path)?;
    tracing::info!("mocks from {path}");
    Ok(Some(file.config))
}

//! `asl-sim serve` driven by the clients users' suites call, none of them written here: boto3,
//! the AWS CLI and AWS's JavaScript SDK, each running its script of `tests/clients/` against a
//! server of its own (`--port 0 --clock manual --mocks` the examples' mock files merged).
//!
//! The clients live under `target/clients/` (`tests/clients/install.sh`, which `.ci/run` runs).
//! Without them the tests say so in one line and pass; under CI (`CI=true`) that is a failure.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one client's script may take before it is stopped and the test fails.
const SCRIPT_BOUND: Duration = Duration::from_mins(10);

/// The examples whose mock files the servers load: the four patterns of the seed page.
const MOCKED_EXAMPLES: [&str; 4] = ["sns-publish", "batch-job", "sqs-callback", "heartbeat"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root")
}

fn clients_dir() -> PathBuf {
    root().join("target/clients")
}

/// The asl-sim binary, built (or found up to date) once per test process.
fn asl_sim() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(root())
            .args(["build", "--quiet", "-p", "asl-sim", "--bin", "asl-sim"]);
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "cargo build -p asl-sim failed");
        asl_e2e::binary("asl-sim")
    })
}

/// Whether the client is installed; if not, the one line that says so (and passes), or under
/// CI a panic saying how to install it.
#[allow(clippy::print_stdout)] // the one line that says the test was skipped
fn installed(client: &str, marker: &Path) -> bool {
    if marker.exists() {
        return true;
    }
    let why = format!(
        "{client}: not installed ({} is missing; bash tests/clients/install.sh installs it)",
        marker.display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{why}: under CI the clients must be there"
    );
    println!("serve_clients: skipped, {why}");
    false
}

/// The examples' mock files merged into one (their test cases and responses have distinct
/// names), written where the server reads it.
fn merged_mocks(dir: &Path) -> PathBuf {
    let mut merged = serde_json::json!({"StateMachines": {}, "MockedResponses": {}});
    for name in MOCKED_EXAMPLES {
        let file = root().join(format!("examples/{name}.mocks.json"));
        let text = std::fs::read_to_string(&file).expect("an example's mock file");
        let mocks: serde_json::Value = serde_json::from_str(&text).expect("mock JSON");
        for section in ["StateMachines", "MockedResponses"] {
            let into = merged[section].as_object_mut().expect("an object");
            for (key, value) in mocks[section].as_object().expect("a section") {
                assert!(
                    into.insert(key.clone(), value.clone()).is_none(),
                    "{key} in two examples' mock files"
                );
            }
        }
    }
    let path = dir.join("mocks.json");
    std::fs::write(&path, merged.to_string()).expect("write the merged mocks");
    path
}

/// A running `asl-sim serve`, stopped when dropped.
struct Server {
    child: Child,
    endpoint: String,
    log: PathBuf,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let log = dir.join("serve.log");
        let mut child = Command::new(asl_sim())
            .args(["serve", "--port", "0", "--clock", "manual", "--mocks"])
            .arg(merged_mocks(dir))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("the server's log"))
            .spawn()
            .expect("asl-sim serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver
            .recv_timeout(Duration::from_mins(1))
            .unwrap_or_default();
        let endpoint = line.trim().strip_prefix("listening on ").map(str::to_owned);
        let mut server = Server {
            child,
            endpoint: String::new(),
            log,
        };
        match endpoint {
            Some(endpoint) => server.endpoint = endpoint,
            None => panic!(
                "asl-sim serve printed {line:?}, not `listening on URL`; its log:\n{}",
                server.log_text()
            ),
        }
        server
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch folder of this test under target/tmp.
fn scratch(name: &str) -> PathBuf {
    let dir = root()
        .join("target/tmp")
        .join(format!("serve-clients-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Runs one client's script against a fresh server; panics with its report, the server's log
/// tail, when it fails or overruns.
#[allow(clippy::print_stdout)] // the script's report, shown with --nocapture
fn run_script(name: &str, program: &Path, args: &[&Path]) {
    let dir = scratch(name);
    let server = Server::start(&dir);
    let venv_bin = clients_dir().join("python/bin");
    let path = std::env::join_paths(std::iter::once(venv_bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let mut child = Command::new(program)
        .args(args)
        .current_dir(&dir)
        .env("PATH", path)
        .env("ASL_SERVE_ENDPOINT", &server.endpoint)
        .env("ASL_EXAMPLES", root().join("examples"))
        .env("ASL_CLIENTS", clients_dir())
        // Credentials and region as a user's local suite sets them, no file of the machine's.
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_PAGER", "")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", program.display()));
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the script") {
            break Some(status);
        }
        if started.elapsed() > SCRIPT_BOUND {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    println!("{stdout}{stderr}");
    let log = server.log_text();
    let tail: Vec<&str> = log.lines().rev().take(40).collect();
    match status {
        Some(status) if status.success() => {
            let _ = std::fs::remove_dir_all(&dir);
        }
        Some(status) => panic!(
            "{name} failed ({status}); the server's last log lines:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ),
        None => panic!("{name} ran past {SCRIPT_BOUND:?} and was stopped"),
    }
}

fn script(name: &str) -> PathBuf {
    root().join("tests/clients").join(name)
}

#[test]
fn boto3_drives_serve() {
    let python = clients_dir().join("python/bin/python");
    if installed("boto3", &clients_dir().join("python/installed")) {
        run_script("boto3", &python, &[&script("boto3_test.py")]);
    }
}

#[test]
fn the_aws_cli_drives_serve() {
    if installed("the AWS CLI", &clients_dir().join("python/bin/aws")) {
        run_script("aws-cli", Path::new("bash"), &[&script("aws_cli_test.sh")]);
    }
}

#[test]
fn the_javascript_sdk_drives_serve() {
    if installed("@aws-sdk/client-sfn", &clients_dir().join("node/installed")) {
        run_script("js-sdk", Path::new("node"), &[&script("js_sdk_test.mjs")]);
    }
}

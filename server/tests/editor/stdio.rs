//! The real `asl-lsp` binary over stdio, driven as an editor drives it (by a thread that reads
//! its stdout). Shared by the stdio tests and the protocol benchmark.

#![allow(clippy::needless_pass_by_value)] // `json!` arguments read better by value

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    /// Each message with the moment it was read.
    messages: Receiver<(Instant, Value)>,
    next_id: u64,
}

impl Client {
    pub fn start() -> Client {
        Client::start_with(|_| {})
    }

    /// With the command adjusted first (working directory, environment).
    pub fn start_with(adjust: impl FnOnce(&mut Command)) -> Client {
        let mut command = Command::new(env!("CARGO_BIN_EXE_asl-lsp"));
        adjust(&mut command);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("asl-lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, messages) = channel();
        // Every byte on stdout must be a framed protocol message.
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(": ").expect("a header line");
                    assert_eq!(name, "Content-Length", "stdout carries only the protocol");
                    length = value.parse::<usize>().ok();
                }
                let mut body = vec![0; length.expect("Content-Length")];
                reader.read_exact(&mut body).expect("a whole message");
                let message: Value = serde_json::from_slice(&body).expect("JSON");
                if send.send((Instant::now(), message)).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    /// A started, initialized server with one document open.
    pub fn with_document(capabilities: Value, uri: &str, text: &str) -> Client {
        let mut client = Client::start();
        client.request("initialize", json!({"capabilities": capabilities}));
        client.notify("initialized", json!({}));
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
        );
        client
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id)
    }

    pub fn wait(&self, matches: impl Fn(&Value) -> bool) -> Value {
        self.wait_timed(matches).1
    }

    /// The first message that matches, and when it was read.
    pub fn wait_timed(&self, matches: impl Fn(&Value) -> bool) -> (Instant, Value) {
        loop {
            let (at, message) = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .expect("the server answers in time");
            if matches(&message) {
                return (at, message);
            }
        }
    }

    /// The next publication for `uri` at `version`.
    pub fn publication_of(&self, uri: &str, version: i64) -> Vec<Value> {
        let published = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        published["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn publication(&self, version: i64) -> Vec<Value> {
        let published = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        published["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// A version's diagnostics once complete: the checker's are published first; when none
    /// stops a run, the simulation's follow in a second publication that replaces them.
    pub fn diagnostics(&self, version: i64) -> Vec<Value> {
        let checked = self.publication(version);
        let stops_run = checked.iter().any(|d| {
            d["code"]
                .as_str()
                .and_then(asl_sim::analysis::code_rule)
                .is_some_and(|rule| rule.stops_run)
        });
        if stops_run {
            return checked;
        }
        self.publication(version)
    }
}

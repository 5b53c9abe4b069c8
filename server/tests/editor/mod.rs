//! An editor in process: the real server (`asl_lsp::Backend` under tower-lsp-server) on an
//! in-memory pipe, driven by framed JSON-RPC as an editor drives it. Shared by the in-process
//! tests and the protocol benchmark.
#![allow(dead_code)] // each user takes what it needs

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tower_lsp_server::{LspService, Server};

pub mod lsp_text;
pub mod stdio;

pub struct Editor {
    to_server: WriteHalf<DuplexStream>,
    from_server: BufReader<ReadHalf<DuplexStream>>,
    next_id: u64,
    /// Notifications read while waiting for something else.
    notifications: Vec<Value>,
    /// Every publishDiagnostics seen, in arrival order: (uri, version).
    pub published: Vec<(String, i64)>,
    /// Whether the server simulates what it checks (`asl.simulateOnChange` on, the default):
    /// then a sound version gets two publications, the checker's and the whole set.
    pub simulates: bool,
}

impl Editor {
    /// A server started and initialized with these initialization options.
    pub async fn start(initialization_options: Value) -> Editor {
        let capabilities =
            json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
        Editor::start_with(capabilities, initialization_options).await
    }

    /// A server started and initialized with these client capabilities and options.
    pub async fn start_with(capabilities: Value, initialization_options: Value) -> Editor {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let (service, socket) = LspService::new(asl_lsp::Backend::new);
        tokio::spawn(Server::new(server_read, server_write, socket).serve(service));
        let (from_server, to_server) = tokio::io::split(client_end);
        let mut editor = Editor {
            to_server,
            from_server: BufReader::new(from_server),
            next_id: 1,
            notifications: Vec::new(),
            published: Vec::new(),
            simulates: true,
        };
        let init = editor
            .request(
                "initialize",
                json!({"capabilities": capabilities, "rootUri": "file:///work",
                       "initializationOptions": initialization_options}),
            )
            .await;
        assert!(
            init["result"]["capabilities"]["codeLensProvider"].is_object(),
            "{init}"
        );
        editor.notify("initialized", json!({})).await;
        editor
    }

    async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.to_server
            .write_all(framed.as_bytes())
            .await
            .expect("write");
    }

    async fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.from_server.read_line(&mut line).await.expect("header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        self.from_server.read_exact(&mut body).await.expect("body");
        serde_json::from_slice(&body).expect("JSON")
    }

    /// The next message that is not a request from the server (those are answered `null`).
    async fn next(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(20), self.read())
                .await
                .expect("the server answers within 20 s");
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}))
                    .await;
                continue;
            }
            if message["method"] == "textDocument/publishDiagnostics" {
                self.published.push((
                    message["params"]["uri"].as_str().unwrap_or("").to_string(),
                    message["params"]["version"].as_i64().unwrap_or(-1),
                ));
            }
            return message;
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let message = self.next().await;
            if message["id"] == json!(id) {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The next publication for `uri` at `version`.
    async fn publication(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        };
        let found = match self.notifications.iter().position(matches) {
            Some(i) => self.notifications.remove(i),
            None => loop {
                let message = self.next().await;
                if matches(&message) {
                    break message;
                }
                self.notifications.push(message);
            },
        };
        found["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The checker's diagnostics for `uri` at `version`: the first publication of a version.
    pub async fn checked(&mut self, uri: &str, version: i64) -> Vec<Value> {
        self.publication(uri, version).await
    }

    /// The diagnostics for `uri` at `version` once complete: when nothing the checker found
    /// stops a run and the server simulates, the publication after the checker's, which adds
    /// the simulation's (a mock file's are published once).
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let checked = self.publication(uri, version).await;
        let is_mock_file = uri.ends_with(".mocks.json") || uri.ends_with("MockConfigFile.json");
        if is_mock_file || !self.simulates || stops_run(&checked) {
            return checked;
        }
        self.publication(uri, version).await
    }

    pub async fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        let language = if uri.ends_with(".yaml") {
            "asl-yaml"
        } else {
            "asl"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )
        .await;
        self.diagnostics(uri, 1).await
    }

    pub async fn at(
        &mut self,
        method: &str,
        uri: &str,
        text: &str,
        marker: &str,
        extra: Value,
    ) -> Value {
        let position = position_of(text, marker);
        let mut params = json!({"textDocument": {"uri": uri}, "position": position});
        if let (Value::Object(p), Value::Object(e)) = (&mut params, extra) {
            p.extend(e);
        }
        self.request(method, params).await["result"].clone()
    }
}

/// Whether published diagnostics hold one that stops a run (then no simulation follows).
pub fn stops_run(published: &[Value]) -> bool {
    published.iter().any(|d| {
        d["code"]
            .as_str()
            .and_then(asl_sim::analysis::code_rule)
            .is_some_and(|rule| rule.stops_run)
    })
}

/// The position just inside the first occurrence of `marker` (after its first character).
pub fn position_of(text: &str, marker: &str) -> Value {
    let offset = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in the text"))
        + 1;
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column})
}

//! Every language feature, in process: the real server (`asl_lsp::Backend` under
//! tower-lsp-server) on an in-memory pipe, driven by framed JSON-RPC as an editor drives it, with
//! insta snapshots of what the editor would show.
#![allow(clippy::needless_pass_by_value)] // `json!` arguments read better by value

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tower_lsp_server::{LspService, Server};

struct Editor {
    to_server: WriteHalf<DuplexStream>,
    from_server: BufReader<ReadHalf<DuplexStream>>,
    next_id: u64,
    /// Notifications read while waiting for something else.
    notifications: Vec<Value>,
}

impl Editor {
    /// A server started and initialized with these initialization options.
    async fn start(initialization_options: Value) -> Editor {
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
        };
        let init = editor
            .request(
                "initialize",
                json!({"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
                       "rootUri": "file:///work", "initializationOptions": initialization_options}),
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
            return message;
        }
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
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

    /// The diagnostics published for `uri` at `version`.
    async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        };
        if let Some(i) = self.notifications.iter().position(matches) {
            let found = self.notifications.remove(i);
            return found["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let message = self.next().await;
            if matches(&message) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.notifications.push(message);
        }
    }

    async fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
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

    async fn at(
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

/// The position just inside the first occurrence of `marker` (after its first character).
fn position_of(text: &str, marker: &str) -> Value {
    let offset = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in the text"))
        + 1;
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column})
}

/// Diagnostics as the editor lists them: `line:col severity code: message`.
fn listed(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let severity = match d["severity"].as_i64() {
                Some(1) => "error",
                Some(2) => "warning",
                Some(3) => "info",
                _ => "hint",
            };
            format!(
                "{}:{} {severity} {}: {}",
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["code"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn example(name: &str) -> (String, String) {
    let path = format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example");
    let uri = format!(
        "file://{}",
        std::fs::canonicalize(&path).expect("path").display()
    );
    (uri, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_carry_each_test_cases_simulation() {
    let mut editor = Editor::start(Value::Null).await;
    let (uri, text) = example("sqs-callback.asl.json");
    let found = editor.open(&uri, &text).await;
    insta::assert_json_snapshot!("diagnostics_sqs_callback", listed(&found));
    let (uri, text) = example("heartbeat.asl.json");
    let found = editor.open(&uri, &text).await;
    insta::assert_json_snapshot!("diagnostics_heartbeat", listed(&found));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_choose_the_mock_file_and_the_test_case() {
    let dir = std::env::temp_dir().join(format!("asl-lsp-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (_, mocks) = example("sqs-callback.mocks.json");
    // Named for another definition: only the setting can point at it.
    let mock_file = dir.join("elsewhere.json");
    std::fs::write(&mock_file, mocks.replace("\"sqs-callback\"", "\"queue\"")).expect("write");
    let settings = json!({"asl": {"mockConfig": mock_file.to_str(), "testCase": "NobodyAnswers"}});
    let mut editor = Editor::start(settings).await;
    let (_, text) = example("sqs-callback.asl.json");
    let uri = format!("file://{}/queue.asl.json", dir.display());
    let found = listed(&editor.open(&uri, &text).await);
    assert!(
        found.iter().any(|d| d.contains("States.Timeout")),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|d| d.contains("[Approved]")),
        "{found:#?}"
    );
    // Another test case, by configuration change: the document is simulated again.
    editor
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"asl": {"mockConfig": mock_file.to_str(), "testCase": "Nope"}}}),
        )
        .await;
    let found = listed(&editor.diagnostics(&uri, 1).await);
    assert!(
        found
            .iter()
            .any(|d| d.contains("unknown-test-case") && d.contains("Approved, NobodyAnswers")),
        "{found:#?}"
    );
    // The mock file changes on disk: the watcher's notice re-runs the simulation.
    editor
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"asl": {"mockConfig": mock_file.to_str()}}}),
        )
        .await;
    let _ = editor.diagnostics(&uri, 1).await;
    std::fs::write(
        &mock_file,
        mocks
            .replace("\"sqs-callback\"", "\"queue\"")
            .replace("3600 }", "7200 }"),
    )
    .expect("write");
    let file_uri = format!("file://{}", mock_file.display());
    editor
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri, "type": 2}]}),
        )
        .await;
    let found = listed(&editor.diagnostics(&uri, 1).await);
    assert!(
        found
            .iter()
            .any(|d| d.contains("[Approved]") && d.contains("2 h")),
        "{found:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_hover_and_navigation() {
    let mut editor = Editor::start(Value::Null).await;
    let uri = "file:///work/jsonata.asl.json";
    let text = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Arguments": {"QueueUrl": "q", "MessageBody": {"token": "{% $states.context.Task.Token %}", "who": "{% $requester %}"}},
      "Assign": {"requester": "{% $states.input.user %}"},
      "HeartbeatSeconds": 60,
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#;
    editor.open(uri, text).await;
    let labels = |result: &Value| -> Vec<String> {
        result
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| i["label"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let next = editor
        .at("textDocument/completion", uri, text, "\"Done\"", json!({}))
        .await;
    insta::assert_json_snapshot!("completion_next", labels(&next));
    let in_jsonata = editor
        .at(
            "textDocument/completion",
            uri,
            text,
            "$requester",
            json!({}),
        )
        .await;
    let in_jsonata = labels(&in_jsonata);
    assert!(
        in_jsonata.contains(&"$requester".to_string())
            && in_jsonata.contains(&"$states.context.Task.Token".to_string()),
        "{in_jsonata:?}"
    );
    let hover = editor
        .at(
            "textDocument/hover",
            uri,
            text,
            "HeartbeatSeconds",
            json!({}),
        )
        .await;
    insta::assert_snapshot!(
        "hover_heartbeat",
        hover["contents"]["value"].as_str().unwrap_or("")
    );
    let on_state = editor
        .at("textDocument/hover", uri, text, "\"Ask\": {", json!({}))
        .await;
    insta::assert_snapshot!(
        "hover_state",
        on_state["contents"]["value"].as_str().unwrap_or("")
    );
    let references = editor
        .at(
            "textDocument/references",
            uri,
            text,
            "\"Done\":",
            json!({"context": {"includeDeclaration": true}}),
        )
        .await;
    assert_eq!(references.as_array().map(Vec::len), Some(2), "{references}");
    let rename = editor
        .at(
            "textDocument/rename",
            uri,
            text,
            "\"Done\":",
            json!({"newName": "Finished"}),
        )
        .await;
    assert_eq!(
        rename["changes"][uri].as_array().map(Vec::len),
        Some(2),
        "{rename}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_code_lens_simulate_and_formatting() {
    let mut editor = Editor::start(Value::Null).await;
    let uri = "file:///work/unbounded.asl.json";
    let text = r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q"}, "Next": "Done"}, "Done": {"Type": "Succeed"}}}"#;
    let found = editor.open(uri, text).await;
    insta::assert_json_snapshot!("diagnostics_unbounded", listed(&found));
    let end = position_of(text, "\"Next\"");
    let actions = editor
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": end},
                   "context": {"diagnostics": []}}),
        )
        .await;
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str())
        .collect();
    insta::assert_json_snapshot!("code_actions_unbounded", titles);

    // A sound definition: one lens per run on StartAt, and `asl.simulate` returns the run.
    let uri = "file:///work/sound.asl.json";
    let text = r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 31536000, "Next": "Done"}, "Done": {"Type": "Succeed"}}}"#;
    editor.open(uri, text).await;
    let lenses = editor
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    insta::assert_json_snapshot!("code_lens", lenses["result"]);
    let command = &lenses["result"][0]["command"];
    let simulated = editor
        .request(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
        .await;
    let result = &simulated["result"];
    assert_eq!(result["runs"][0]["status"], "SUCCEEDED", "{simulated}");
    assert_eq!(result["runs"][0]["elapsedSeconds"], 31_536_000.0);
    let kinds: Vec<&str> = result["runs"][0]["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["type"].as_str())
        .collect();
    insta::assert_json_snapshot!("simulate_history_types", kinds);
    // Bad arguments get a clear error, and the server keeps serving.
    let bad = editor.request("workspace/executeCommand", json!({"command": "asl.simulate", "arguments": [{"uri": "file:///work/closed.asl.json"}]})).await;
    assert!(
        bad["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("is not open")),
        "{bad}"
    );
    let unknown = editor
        .request(
            "workspace/executeCommand",
            json!({"command": "asl.nothing", "arguments": []}),
        )
        .await;
    assert!(
        unknown["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("asl.simulate")),
        "{unknown}"
    );

    let formatted = editor
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .await;
    insta::assert_snapshot!(
        "formatted",
        formatted["result"][0]["newText"].as_str().unwrap_or("")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_files_complete_response_names() {
    let mut editor = Editor::start(Value::Null).await;
    let (uri, text) = example("sqs-callback.asl.json");
    editor.open(&uri, &text).await;
    let mock_uri = uri.replace(".asl.json", ".mocks.json");
    let mocks = r#"{"StateMachines": {"sqs-callback": {"TestCases": {"T": {"Send message to SQS": ""}}}},
  "MockedResponses": {"Ok": {"0": {"Return": {}}}, "Lost": {"0": {"NoResponse": true}}}}"#;
    editor.open(&mock_uri, mocks).await;
    let names = editor
        .at(
            "textDocument/completion",
            &mock_uri,
            mocks,
            "\"\"}",
            json!({}),
        )
        .await;
    let labels: Vec<&str> = names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["Ok", "Lost"]);
    let states = editor
        .at(
            "textDocument/completion",
            &mock_uri,
            mocks,
            "\"Send",
            json!({}),
        )
        .await;
    let labels: Vec<&str> = states
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["Send message to SQS", "Approved"]);
}

//! Every language feature, in process (`editor::Editor`), with insta snapshots of what the
//! editor would show.
#![allow(clippy::needless_pass_by_value)] // `json!` arguments read better by value

mod editor;

use editor::{position_of, Editor};
use serde_json::{json, Value};

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

/// The labels of a completion answer, in order.
fn labels_of(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str().map(str::to_string))
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
    let next = editor
        .at("textDocument/completion", uri, text, "\"Done\"", json!({}))
        .await;
    insta::assert_json_snapshot!("completion_next", labels_of(&next));
    let in_jsonata = editor
        .at(
            "textDocument/completion",
            uri,
            text,
            "$requester",
            json!({}),
        )
        .await;
    let in_jsonata = labels_of(&in_jsonata);
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
    let labels = labels_of(&names);
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
    let labels = labels_of(&states);
    assert_eq!(labels, ["Send message to SQS", "Approved"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_states_complete_nearest_first_and_incomplete() {
    let mut editor = Editor::start(Value::Null).await;
    let uri = "file:///work/many.asl.json";
    let states: Vec<String> = (0..500)
        .map(|i| {
            format!(
                "\"S{i:03}\": {{\"Type\": \"Pass\", \"Next\": \"S{:03}\"}}",
                (i + 1) % 500
            )
        })
        .collect();
    let text = format!(
        "{{\"StartAt\": \"S000\", \"States\": {{{}}}}}",
        states.join(",\n")
    );
    editor.open(uri, &text).await;
    let list = editor
        .at(
            "textDocument/completion",
            uri,
            &text,
            "\"S251\"}",
            json!({}),
        )
        .await;
    let labels = labels_of(&list);
    assert_eq!(list["isIncomplete"], true);
    assert_eq!(labels.len(), 200);
    // The cursor is in S250's Next: S251 and S250 are nearest.
    assert_eq!(&labels[..2], ["S251", "S250"], "{labels:?}");
    // Typing narrows the list on the server (the editor asks again, as the list is incomplete).
    let typed = text.replace("\"Next\": \"S251\"", "\"Next\": \"S49\"");
    editor.open("file:///work/many2.asl.json", &typed).await;
    let list = editor
        .at(
            "textDocument/completion",
            "file:///work/many2.asl.json",
            &typed,
            "\"S49\"}",
            json!({"position": position_after(&typed, "\"S49")}),
        )
        .await;
    let labels = labels_of(&list);
    assert_eq!(list["isIncomplete"], true);
    assert!(
        labels.len() == 10 && labels.iter().all(|l| l.starts_with("S49")),
        "{labels:?}"
    );
}

/// The position right after `marker`.
fn position_after(text: &str, marker: &str) -> Value {
    let offset = text.find(marker).expect("marker") + marker.len();
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_simulate_on_change_off_edits_only_check_and_saves_simulate() {
    let mut editor = Editor::start(json!({"asl": {"simulateOnChange": false}})).await;
    let (uri, text) = example("sqs-callback.asl.json");
    let simulated = |found: &[Value]| {
        found.iter().any(|d| {
            d["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("simulation"))
        })
    };
    assert!(simulated(&editor.open(&uri, &text).await));
    editor
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text.replace("Hello", "Hi")}]}),
        )
        .await;
    assert!(!simulated(&editor.checked(&uri, 2).await));
    let lenses = editor
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(
        lenses["result"][0]["command"]["title"], "▶ Simulate",
        "{lenses}"
    );
    // The command simulates the current text even so, with a readable timeline.
    let result = editor
        .request(
            "workspace/executeCommand",
            json!({"command": "asl.simulate", "arguments": [uri]}),
        )
        .await;
    let timeline = result["result"]["runs"][0]["timeline"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        timeline
            .iter()
            .any(|l| l.as_str().is_some_and(|l| l.contains("TaskStateEntered"))),
        "{result}"
    );
    editor
        .notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert!(simulated(&editor.diagnostics(&uri, 2).await));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_load_the_latest_version_of_each_document_wins() {
    let mut editor = Editor::start(Value::Null).await;
    let (_, text) = example("heartbeat.asl.json");
    let uris: Vec<String> = (0..50)
        .map(|i| format!("file:///load/doc{i}.asl.json"))
        .collect();
    for uri in &uris {
        editor
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "asl", "version": 1, "text": text}}),
            )
            .await;
    }
    // Edits to every document, faster than analysis: none waits for its diagnostics.
    let last = 20;
    for version in 2..=last {
        for uri in &uris {
            let comment = format!("\"Comment\": \"edit {version}\",");
            editor
                .notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"text": text.replacen('{', &format!("{{{comment}"), 1)}]}),
                )
                .await;
        }
    }
    // Each document ends with the diagnostics of its last version, the simulation's included.
    for uri in &uris {
        let found = editor.diagnostics(uri, last).await;
        assert!(
            found.iter().any(|d| d["code"] == "simulation"),
            "{uri}: {found:?}"
        );
    }
    // And nothing older was published after something newer.
    let mut newest: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for (uri, version) in &editor.published {
        let seen = newest.entry(uri.clone()).or_insert(0);
        assert!(
            version >= seen,
            "{uri}: version {version} published after {seen}"
        );
        *seen = *version;
    }
    assert_eq!(newest.len(), 50);
}

/// A small deterministic generator, so a failing soak replays exactly.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_soak_keeps_the_text_and_answers_every_request() {
    use asl_sim::syntax::PositionEncoding;
    use tower_lsp_server::ls_types::{Position, Range};
    let mut editor = Editor::start(Value::Null).await;
    let uri = "file:///soak/machine.asl.json";
    let (_, mut text) = example("heartbeat.asl.json");
    editor.open(uri, &text).await;
    let pieces = [
        "a",
        "\"",
        "{",
        "}",
        ",",
        ":",
        " ",
        "\n",
        "\r\n",
        "\r",
        "é",
        "😀",
        "\u{2028}",
        "\"Next\": \"",
        "States.",
        "$$.",
        "{% $states.input %}",
        "",
    ];
    let mut random = Xorshift(0x5eed_1234_abcd_0001);
    let mut version = 1;
    for round in 0..2_000 {
        version += 1;
        let lines = text.lines().count() as u64 + 3;
        // Positions past the text's lines and lines' ends: a buggy client's, clamped.
        let mut position = || Position::new(random.next(lines) as u32, random.next(90) as u32);
        let range = Range::new(position(), position());
        let new: String = (0..random.next(3))
            .map(|_| pieces[random.next(pieces.len() as u64) as usize])
            .collect();
        editor::lsp_text::apply(&mut text, range, &new, PositionEncoding::Utf16);
        editor
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": range, "text": new}]}),
            )
            .await;
        if round % 4 == 0 {
            let at = json!({"textDocument": {"uri": uri}, "position": Position::new(random.next(lines) as u32, random.next(90) as u32)});
            let method = [
                "textDocument/completion",
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/documentSymbol",
            ][random.next(4) as usize];
            let params = if method == "textDocument/documentSymbol" {
                json!({"textDocument": {"uri": uri}})
            } else {
                at
            };
            let answer = editor.request(method, params).await;
            assert!(
                answer.get("error").is_none(),
                "round {round}, {method}: {answer}"
            );
        }
    }
    // The server's text is the protocol's: its last diagnostics are those of the final text
    // opened afresh.
    let soaked = editor.diagnostics(uri, version).await;
    let fresh = editor.open("file:///soak/fresh.asl.json", &text).await;
    let strip = |d: &[Value]| -> Vec<Value> {
        d.iter()
            .map(|d| json!({"range": d["range"], "code": d["code"], "message": d["message"]}))
            .collect()
    };
    assert_eq!(strip(&soaked), strip(&fresh), "final text:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asl_graph_draws_the_machine_with_its_simulation() {
    let mut editor = Editor::start(Value::Null).await;
    let (uri, text) = example("sqs-callback.asl.json");
    editor.open(&uri, &text).await;
    let svg = editor
        .request("workspace/executeCommand", json!({"command": "asl.graph", "arguments": [{"uri": uri, "testCase": "NobodyAnswers"}]}))
        .await;
    let result = &svg["result"];
    assert!(
        result["graph"]
            .as_str()
            .is_some_and(|g| g.starts_with("<svg") && g.contains("Send message to SQS")),
        "{svg}"
    );
    assert_eq!(result["testCase"], "NobodyAnswers");
    // Only that test case's story is on the picture.
    let graph = result["graph"].as_str().unwrap_or("");
    assert!(
        graph.contains("TimeoutSeconds") && !graph.contains("[Approved]"),
        "{graph}"
    );
    assert!(
        result["timeline"]
            .as_str()
            .is_some_and(|t| t.contains("States.Timeout")),
        "{svg}"
    );
    // Other formats; a wrong one is a clear error.
    for (format, pointer, expected) in [
        ("dot", "/result/graph", "digraph"),
        ("mermaid", "/result/graph", "flowchart TD"),
        ("png", "/error/message", "svg, dot or mermaid"),
    ] {
        let answer = editor
            .request(
                "workspace/executeCommand",
                json!({"command": "asl.graph", "arguments": [{"uri": uri, "format": format}]}),
            )
            .await;
        let text = answer
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(text.contains(expected), "{format}: {answer}");
    }
}

/// `asl-sim test` on an example, as `(test case, "PASS"|"FAIL", status and error, elapsed)`.
fn asl_sim_test(example_name: &str) -> Vec<(String, String, String, String)> {
    let lsp = std::path::Path::new(env!("CARGO_BIN_EXE_asl-lsp"));
    let asl_sim = lsp.with_file_name(format!("asl-sim{}", std::env::consts::EXE_SUFFIX));
    if !asl_sim.exists() {
        // `cargo test -p asl-lsp` alone builds only this package's binary.
        let built = std::process::Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "asl-sim", "--bin", "asl-sim"])
            .status()
            .expect("cargo runs");
        assert!(built.success(), "asl-sim builds");
    }
    let path = format!("{}/../examples/{example_name}", env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(&asl_sim)
        .args(["test", &path])
        .output()
        .expect("asl-sim test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|line| {
            let (verdict, rest) = line.split_once(' ')?;
            if verdict != "PASS" && verdict != "FAIL" {
                return None;
            }
            let (case, rest) = rest.trim().split_once(": ")?;
            let (_machine, case) = case.split_once(" / ")?;
            let (ending, at) = rest.rsplit_once(" at ")?;
            Some((case.into(), verdict.into(), ending.into(), at.into()))
        })
        .collect()
}

/// The editor's runs of an open example, in `asl_sim_test`'s terms.
async fn editor_runs(
    editor: &mut Editor,
    uri: &str,
) -> (Vec<(String, String, String, String)>, Value) {
    let simulated = editor
        .request(
            "workspace/executeCommand",
            json!({"command": "asl.simulate", "arguments": [{"uri": uri}]}),
        )
        .await;
    let runs = simulated["result"]["runs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|run| {
            let verdict = match run["problems"].as_array() {
                Some(p) if p.is_empty() => "PASS",
                _ => "FAIL",
            };
            let ending = match run["error"].as_str() {
                Some(error) => format!("{} {error}", run["status"].as_str().unwrap_or("")),
                None => run["status"].as_str().unwrap_or("").to_string(),
            };
            let elapsed = run["elapsedSeconds"].as_f64().unwrap_or(-1.0);
            (
                run["testCase"].as_str().unwrap_or("").to_string(),
                verdict.to_string(),
                ending,
                asl_sim::simulation::offset((elapsed * 1000.0) as i64),
            )
        })
        .collect();
    (runs, simulated)
}

/// The editor runs what `asl-sim test` runs: on order-fulfilment (whose test cases give
/// inputs) each case passes, ends and takes as long in both, and the lenses say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_runs_each_test_case_as_asl_sim_test_does() {
    let expected = asl_sim_test("order-fulfilment.asl.json");
    assert_eq!(expected.len(), 3, "{expected:?}");
    assert!(
        expected.iter().all(|(_, v, _, _)| v == "PASS"),
        "{expected:?}"
    );
    let mut editor = Editor::start(Value::Null).await;
    let (uri, text) = example("order-fulfilment.asl.json");
    let found = listed(&editor.open(&uri, &text).await);
    let (runs, simulated) = editor_runs(&mut editor, &uri).await;
    assert_eq!(runs, expected, "{simulated}");
    assert!(
        !found.iter().any(|d| d.contains("warning simulation")),
        "{found:#?}"
    );
    let lenses = editor
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let titles: Vec<&str> = lenses["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["command"]["title"].as_str())
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(
        titles.iter().all(|t| t.contains("✓ as expected")),
        "{titles:?}"
    );
}

/// Every shipped example opens without an error, a warning of the simulation or a test case
/// that fails: what the editor shows on opening is what the example's own tests expect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_opens_as_its_test_cases_expect() {
    let dir = format!("{}/../examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".asl."))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "{names:?}");
    let mut editor = Editor::start(Value::Null).await;
    for name in names {
        let (uri, text) = example(&name);
        let found = listed(&editor.open(&uri, &text).await);
        assert!(
            !found
                .iter()
                .any(|d| d.contains(" error ") || d.contains("warning simulation")),
            "{name}: {found:#?}"
        );
        let (runs, simulated) = editor_runs(&mut editor, &uri).await;
        assert!(!runs.is_empty(), "{name}: {simulated}");
        assert!(
            runs.iter()
                .all(|(case, verdict, _, _)| !case.is_empty() && verdict == "PASS"),
            "{name}: {simulated}"
        );
        assert_eq!(runs, asl_sim_test(&name), "{name}");
    }
}

/// The checker's diagnostics are published first, the simulation's after them in a second
/// publication of the same version that replaces the first; each says what produced it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checkers_diagnostics_come_before_the_simulations() {
    let mut editor = Editor::start(Value::Null).await;
    let (uri, text) = example("heartbeat.asl.json");
    editor
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "asl", "version": 1, "text": text}}),
        )
        .await;
    let checked = editor.checked(&uri, 1).await;
    assert!(checked.iter().all(|d| d["source"] == "asl"), "{checked:#?}");
    let complete = editor.checked(&uri, 1).await;
    assert!(
        complete.iter().any(|d| d["source"] == "asl simulation"),
        "{complete:#?}"
    );
    assert!(complete
        .iter()
        .all(|d| d["source"] == "asl" || d["source"] == "asl simulation"));
    // A typo: the error is published once, with no simulation after it.
    let broken = text.replacen("\"End\": true", "\"Next\": \"Nowhere\"", 1);
    editor
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
        )
        .await;
    let found = editor.checked(&uri, 2).await;
    assert!(
        found
            .iter()
            .any(|d| d["severity"] == 1 && d["source"] == "asl"),
        "{found:#?}"
    );
}

/// The line at the `|` of `marked` once the completion labelled `label` is accepted: as LSP
/// says (the edit's range replaced) and as Neovim 0.11 does (from the range's start to the
/// cursor, keeping what follows; a snippet's placeholders are left as written).
async fn accepted(editor: &mut Editor, uri: &str, marked: &str, label: &str) -> (String, String) {
    let cursor = marked.find('|').expect("a cursor");
    let text = marked.replacen('|', "", 1);
    let language = if uri.ends_with(".yaml") {
        "asl-yaml"
    } else {
        "asl"
    };
    editor
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )
        .await;
    let line = text[..cursor].matches('\n').count();
    let line_start = text[..cursor].rfind('\n').map_or(0, |i| i + 1);
    let answer = editor
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": cursor - line_start}}),
        )
        .await;
    let items = answer["result"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let item = items
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("{label} offered at {marked}: {items:#?}"));
    let edit = &item["textEdit"];
    let column = |end: &str| {
        line_start + edit["range"][end]["character"].as_u64().expect("a column") as usize
    };
    let new_text = edit["newText"].as_str().expect("a new text");
    let line_end = text[cursor..].find('\n').map_or(text.len(), |i| cursor + i);
    let (start, end) = (column("start"), column("end"));
    assert!(start <= cursor && end <= line_end, "{marked}: {edit}");
    let as_lsp = format!(
        "{}{new_text}{}",
        &text[line_start..start],
        &text[end..line_end]
    );
    let as_neovim = format!(
        "{}{new_text}{}",
        &text[line_start..start],
        &text[cursor..line_end]
    );
    (as_lsp, as_neovim)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_inside_a_string_never_closes_it() {
    let wrap = |state: &str| {
        format!("{{\n  \"StartAt\": \"A\",\n  \"States\": {{\n{state}\n    \"B\": {{\"Type\": \"Succeed\"}}\n  }}\n}}")
    };
    // A client without insertReplaceSupport (Neovim 0.11 declares none).
    let mut editor = Editor::start(Value::Null).await;
    let cases = [
        (
            "    \"A\": {\"Type\": \"Pass\", \"Next\": \"|\"},",
            "B",
            "    \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},",
        ),
        (
            "    \"A\": {\"Type\": \"Pass\", \"Next\": \"|},",
            "A",
            "    \"A\": {\"Type\": \"Pass\", \"Next\": \"A},",
        ),
        (
            "    \"A\": {\"Type\": \"Pass\", \"Ne|\"},",
            "Next",
            "    \"A\": {\"Type\": \"Pass\", \"Next\": \"$1\"},",
        ),
        (
            "    \"A\": {\"Type\": \"Pass\", \"Re|\"},",
            "ResultPath",
            "    \"A\": {\"Type\": \"Pass\", \"ResultPath\": \"$1\"},",
        ),
        (
            "    \"A\": {\"Type\": \"Task\", \"Resource\": \"r\", \"Retr|\"},",
            "Retry",
            "    \"A\": {\"Type\": \"Task\", \"Resource\": \"r\", \"Retry\"},",
        ),
    ];
    for (i, (state, label, wanted)) in cases.into_iter().enumerate() {
        let uri = format!("file:///work/string{i}.asl.json");
        let (as_lsp, as_neovim) = accepted(&mut editor, &uri, &wrap(state), label).await;
        assert_eq!(
            (as_lsp.as_str(), as_neovim.as_str()),
            (wanted, wanted),
            "{state}"
        );
    }
    let yaml =
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: '|'\n  B:\n    Type: Succeed\n";
    let (as_lsp, as_neovim) =
        accepted(&mut editor, "file:///work/quoted.asl.yaml", yaml, "B").await;
    assert_eq!(
        (as_lsp.as_str(), as_neovim.as_str()),
        ("    Next: 'B'", "    Next: 'B'")
    );

    // A client that applies edit ranges as given (VS Code) keeps the whole-member snippets.
    let capabilities = json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true, "insertReplaceSupport": true}}}});
    let mut editor = Editor::start_with(capabilities, Value::Null).await;
    let state = "    \"A\": {\"Type\": \"Task\", \"Resource\": \"r\", \"Retr|\"},";
    let (as_lsp, _) = accepted(
        &mut editor,
        "file:///work/vscode.asl.json",
        &wrap(state),
        "Retry",
    )
    .await;
    assert!(
        as_lsp.starts_with(
            "    \"A\": {\"Type\": \"Task\", \"Resource\": \"r\", \"Retry\": [{\"ErrorEquals\""
        ),
        "{as_lsp}"
    );
    assert!(as_lsp.ends_with("}]},"), "{as_lsp}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_distributed_maps_reader_completes_hovers_and_is_checked() {
    let mut editor = Editor::start(Value::Null).await;
    let uri = "file:///work/rows.asl.json";
    let text = r#"{
  "StartAt": "Rows",
  "States": {
    "Rows": {
      "Type": "Map",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaders": ["id"]},
        "Parameters": {"Bucket": "b", "Key": "rows.csv"}
      },
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}
      },
      "End": true
    }
  }
}"#;
    let published = editor.open(uri, text).await;
    let reader = listed(&published)
        .into_iter()
        .filter(|d| d.contains("reader-config"))
        .collect::<Vec<_>>();
    assert_eq!(
        reader,
        ["7:25 warning reader-config: A CSV reader says where the column names come from: add `CSVHeaderLocation`, FIRST_ROW (the file's first row) or GIVEN (with `CSVHeaders`)."],
        "{published:#?}"
    );
    let types = editor
        .at("textDocument/completion", uri, text, "\"CSV\"", json!({}))
        .await;
    assert_eq!(
        labels_of(&types),
        ["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]
    );
    let resources = editor
        .at(
            "textDocument/completion",
            uri,
            text,
            "\"arn:aws:states:::s3:getObject\"",
            json!({}),
        )
        .await;
    assert_eq!(
        labels_of(&resources),
        [
            "arn:aws:states:::s3:getObject",
            "arn:aws:states:::s3:listObjectsV2"
        ]
    );
    let hover = editor
        .at("textDocument/hover", uri, text, "CSVHeaders", json!({}))
        .await;
    let hover = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(
        hover.starts_with("**CSVHeaders**\n\nFor InputType CSV with CSVHeaderLocation GIVEN"),
        "{hover}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_s3_root_setting_is_the_simulations_s3() {
    let dir = std::env::temp_dir().join(format!("asl-lsp-s3root-{}", std::process::id()));
    let bucket = dir.join("s3").join("rows-bucket");
    std::fs::create_dir_all(&bucket).expect("temp dir");
    std::fs::write(bucket.join("rows.csv"), "id,name\n1,ann\n2,bob\n3,cy\n").expect("write");
    let text = r#"{
  "StartAt": "Rows",
  "States": {
    "Rows": {
      "Type": "Map",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        "Parameters": {"Bucket": "rows-bucket", "Key": "rows.csv"}
      },
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}
      },
      "End": true
    }
  }
}"#;
    let uri = format!("file://{}/rows.asl.json", dir.display());
    let settings = json!({"asl": {"s3Root": dir.join("s3").to_str()}});
    let mut editor = Editor::start(settings).await;
    let _ = editor.open(&uri, text).await;
    let output = |hover: Value| {
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let on_map = editor
        .at("textDocument/hover", &uri, text, "\"Rows\": {", json!({}))
        .await;
    assert!(
        output(on_map).contains(r#"with output `[{"id":"1","name":"ann"},{"id":"2","name":"bob"},{"id":"3","name":"cy"}]`"#),
        "the Map's items are the folder's CSV rows"
    );
    // Without the setting the reader's call is mocked like a Task's: no rows.
    editor
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"asl": {}}}),
        )
        .await;
    let _ = editor.diagnostics(&uri, 1).await;
    let on_map = editor
        .at("textDocument/hover", &uri, text, "\"Rows\": {", json!({}))
        .await;
    let unmocked = output(on_map);
    assert!(
        !unmocked.contains("ann") && unmocked.contains("Entered at +0 s"),
        "{unmocked}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

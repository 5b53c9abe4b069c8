//! The real `asl-lsp` binary over stdio, driven as an editor drives it.
#![allow(clippy::needless_pass_by_value)] // `json!` arguments read better by value

mod editor;

use std::io::Read;

use editor::stdio::Client;
use serde_json::{json, Value};

fn messages(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn diagnostics_carry_the_simulation_and_follow_edits() {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/heartbeat.asl.json"
    ))
    .canonicalize()
    .expect("example");
    let uri = format!("file://{}", path.display());
    let text = std::fs::read_to_string(&path).expect("example");
    let mut client = opened_with_the_simulation(&uri, &text);
    let (line, column) = heartbeat_lowered(&mut client, &uri, &text);
    hover_on_the_state_and_a_field(&mut client, &uri, line, column);
    broken_by_an_edit_outside(&mut client, &uri);
    shut_down(client);
}

/// A session started and the example opened: the simulation's diagnostics on its states.
fn opened_with_the_simulation(uri: &str, text: &str) -> Client {
    let mut client = Client::start();
    let init = client.request("initialize", json!({"capabilities": {}, "processId": null}));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"]["change"],
        2
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
    );
    let first = client.diagnostics(1);
    let first_messages = messages(&first);
    assert!(
        first_messages.iter().any(|m| m
            == "[WorkerSilent] No heartbeat for 600 s (HeartbeatSeconds): States.Timeout after 10 min. Nothing catches it."),
        "{first_messages:#?}"
    );
    let on_state = first
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("[WorkerSilent] No heartbeat")
        })
        .expect("the heartbeat diagnostic");
    assert_eq!(
        on_state["range"]["start"],
        json!({"line": 3, "character": 4})
    );
    assert_eq!(on_state["source"], "asl simulation");

    client
}

/// The heartbeat lowered to 60 s: the simulation follows the edit. Where the edit was.
fn heartbeat_lowered(client: &mut Client, uri: &str, text: &str) -> (u32, u32) {
    let line = text
        .lines()
        .position(|l| l.contains("\"HeartbeatSeconds\": 600"))
        .expect("line") as u32;
    let column = text
        .lines()
        .nth(line as usize)
        .expect("line")
        .find("600")
        .expect("600") as u32;
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 3}}, "text": "60"}]}),
    );
    let second = messages(&client.diagnostics(2));
    assert!(
        second
            .iter()
            .any(|m| m.starts_with("[WorkerSilent] No heartbeat for 60 s")),
        "{second:#?}"
    );

    (line, column)
}

/// Hover: on the state's name, its runs (the simulation's findings are its diagnostics, not
/// repeated); on a field, its documentation; nowhere, no error.
fn hover_on_the_state_and_a_field(client: &mut Client, uri: &str, line: u32, column: u32) {
    let on_state = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 8}}),
    );
    let markdown = on_state["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        markdown.starts_with("**Push to SQS**: a `Task` state"),
        "{on_state}"
    );
    assert!(
        markdown.contains("[HeartbeatsStop] Entered at +0 s")
            && !markdown.contains("No heartbeat for 60 s"),
        "{on_state}"
    );
    let on_field = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": column - 5}}),
    );
    assert!(
        on_field["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .starts_with("**HeartbeatSeconds**"),
        "{on_field}"
    );
    let nowhere = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9999, "character": 9999}}),
    );
    assert!(nowhere.get("error").is_none(), "{nowhere}");
}

/// A change at a position outside the document is clamped; the server keeps serving, and a
/// broken document gets the checker's errors instead of a simulation.
fn broken_by_an_edit_outside(client: &mut Client, uri: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 999, "character": 5}, "end": {"line": 1000, "character": 0}}, "text": "}"}]}),
    );
    let third = client.diagnostics(3);
    assert!(third.iter().any(|d| d["severity"] == 1), "{third:#?}");
    assert!(
        !messages(&third).iter().any(|m| m.contains("heartbeat")),
        "{third:#?}"
    );
}

fn shut_down(mut client: Client) {
    let shutdown = client.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("exits");
    assert!(status.success(), "{status:?}");
}

#[test]
fn typing_a_state_machine_character_by_character_never_breaks_the_server() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/sqs-callback.asl.json"
    ))
    .expect("example");
    let uri = "file:///tmp/typed.asl.json";
    let mut client = Client::with_document(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        uri,
        "",
    );
    let (mut line, mut character) = (0u32, 0u32);
    let mut version = 1;
    for c in text.chars() {
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                {"range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "text": c.to_string()}]}),
        );
        if c == '\n' {
            line += 1;
            character = 0;
        } else {
            character += c.len_utf8() as u32;
        }
        // Every so often, a request at the cursor: always an answer, never an error.
        if version % 25 == 0 {
            let method = if version % 50 == 0 {
                "textDocument/completion"
            } else {
                "textDocument/hover"
            };
            let answer = client.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
            );
            assert!(answer.get("error").is_none(), "{answer}");
        }
    }
    // The last version is published (earlier ones may be dropped as stale), clean of errors.
    let last = client.diagnostics(version);
    assert!(last.iter().all(|d| d["severity"] != 1), "{last:#?}");
    assert!(
        messages(&last)
            .iter()
            .any(|m| m.contains("the execution timed out after 24 h")
                || m.contains("States.Timeout")),
        "{last:#?}"
    );
    let shutdown = client.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}

#[test]
fn completion_offers_state_names_in_a_half_typed_next() {
    let uri = "file:///tmp/half.asl.json";
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": ""#;
    let mut client = Client::with_document(json!({}), uri, text);
    let answer = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": text.len()}}),
    );
    let items = answer["result"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["A"], "{answer}");
    assert_eq!(
        items[0]["textEdit"]["range"],
        json!({"start": {"line": 0, "character": text.len()}, "end": {"line": 0, "character": text.len()}})
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}

#[test]
fn state_names_navigate_rename_and_outline() {
    let uri = "file:///tmp/nav.asl.json";
    let text = "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n  \"B\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.x\", \"IsPresent\": true, \"Next\": \"A\"}], \"Default\": \"A\"}}}";
    let mut client = Client::with_document(json!({}), uri, text);
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    // On `"Next": "B"` (line 1): B is defined on line 2.
    let definition = client.request("textDocument/definition", at(1, 33));
    assert_eq!(
        definition["result"]["range"],
        json!({"start": {"line": 2, "character": 3}, "end": {"line": 2, "character": 4}}),
        "{definition}"
    );
    let mut references = at(1, 3);
    references["context"] = json!({"includeDeclaration": true});
    let found = client.request("textDocument/references", references);
    assert_eq!(found["result"].as_array().map(Vec::len), Some(4), "{found}");
    let mut rename = at(1, 3);
    rename["newName"] = json!("Start \"here\"");
    let edit = client.request("textDocument/rename", rename);
    let edits = edit["result"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edits.len(), 4, "{edit}");
    assert!(
        edits.iter().all(|e| e["newText"] == "Start \\\"here\\\""),
        "{edit}"
    );
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["A", "B"], "{symbols}");
    // Nothing named at the cursor: an empty answer, not an error.
    let nothing = client.request("textDocument/definition", at(0, 1));
    assert!(
        nothing.get("error").is_none() && nothing["result"].is_null(),
        "{nothing}"
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}

#[test]
fn a_misspelt_next_has_quick_fixes() {
    let uri = "file:///tmp/typo.asl.json";
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Aproved"}, "Approved": {"Type": "Succeed"}}}"#;
    let mut client = Client::with_document(json!({}), uri, text);
    let column = text.find("\"Aproved\"").expect("typo") as u32;
    let answer = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": column + 2}, "end": {"line": 0, "character": column + 2}},
               "context": {"diagnostics": []}}),
    );
    let actions = answer["result"].as_array().cloned().unwrap_or_default();
    // The closest name, preferred; or create the state it names.
    assert_eq!(actions.len(), 2, "{answer}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[1]["title"], "Create state `Aproved`", "{answer}");
    let edit = &actions[0]["edit"]["changes"][uri][0];
    assert_eq!(edit["newText"], "\"Approved\"", "{answer}");
    assert_eq!(edit["range"]["start"]["character"], column, "{answer}");
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}

#[test]
fn mock_file_edits_reach_the_simulation_and_mock_mistakes_are_located() {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples"))
        .canonicalize()
        .expect("examples");
    let definition = format!("file://{}/heartbeat.asl.json", root.display());
    let mocks = format!("file://{}/heartbeat.mocks.json", root.display());
    let text = std::fs::read_to_string(root.join("heartbeat.asl.json")).expect("example");
    let mut client = Client::with_document(json!({}), &definition, &text);
    client.diagnostics(1);
    // In the editor, unsaved: one test case whose worker answers after 100 s.
    let edited = r#"{"StateMachines": {"heartbeat": {"TestCases": {"Quick": {"Push to SQS": "Fast"}}}},
 "MockedResponses": {"Fast": {"0": {"Return": {"ok": true}, "DelaySeconds": 100}}}}"#;
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": mocks, "languageId": "json", "version": 1, "text": edited}}),
    );
    let republished = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == definition
            && m["params"]["diagnostics"].as_array().is_some_and(|d| {
                d.iter().any(|d| {
                    d["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("the callback came after 100 s"))
                })
            })
    });
    assert_eq!(republished["params"]["version"], 1);
    // A mistake in the mock file is published on it, at its place.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": mocks, "version": 2}, "contentChanges": [{"text":
            r#"{"StateMachines": {"heartbeat": {"TestCases": {"Quick": {"Push to SQS": "Slow"}}}}, "MockedResponses": {}}"#}]}),
    );
    let on_mocks = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == mocks
            && m["params"]["version"] == 2
    });
    let problems = on_mocks["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(problems.len(), 1, "{on_mocks}");
    assert_eq!(
        problems[0]["message"],
        "No mocked response `Slow` under `MockedResponses`."
    );
    assert_eq!(problems[0]["range"]["start"]["character"], 57, "{on_mocks}");
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}

#[test]
fn the_server_logs_no_document_content_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("asl-lsp-private-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut client = Client::start_with(|command| {
        command.current_dir(&dir).env("ASL_LSP_LOG", "info");
    });
    client.request("initialize", json!({"capabilities": {}}));
    client.notify("initialized", json!({}));
    let secret = "SECRET-7f3a";
    let definition = format!(
        r#"{{"Comment": "{secret}", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "Result": "{secret}", "Next": "{secret}"}}}}}}"#
    );
    let uri = format!("file://{}/private.asl.json", dir.display());
    let mocks = format!(
        r#"{{"StateMachines": {{"private": {{"TestCases": {{"{secret}": {{"A": "{secret}"}}}}}}}}, "#
    );
    let mock_uri = format!("file://{}/private.mocks.json", dir.display());
    for (uri, text) in [(&uri, &definition), (&mock_uri, &mocks)] {
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "asl", "version": 1, "text": text}}),
        );
    }
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 20}});
    for method in [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
    ] {
        let answer = client.request(method, at.clone());
        assert!(answer.get("error").is_none(), "{answer}");
    }
    client.request(
        "workspace/executeCommand",
        json!({"command": "asl.simulate", "arguments": [uri]}),
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("exits");
    assert!(status.success(), "{status}");
    let mut log = String::new();
    client
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    assert!(log.contains("ready"), "info-level log: {log}");
    assert!(!log.contains(secret), "document content in the log: {log}");
    // It wrote nothing where it ran.
    let written: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert!(written.is_empty(), "{written:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

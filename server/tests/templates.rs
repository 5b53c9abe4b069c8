//! The language server on templates, over the protocol (in process): diagnostics at their
//! places in a SAM template and in a CloudFormation `DefinitionString`, completion, hover and
//! definition inside the string's escaped JSON, nothing published for a plain YAML file, and a
//! definition saved as plain `.json` checked as one.

mod editor;

use editor::Editor;
use serde_json::{json, Value};

fn fixture(name: &str) -> (String, String) {
    let path = format!(
        "{}/../simulator/tests/templates/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture");
    let uri = format!(
        "file://{}",
        std::fs::canonicalize(&path).expect("path").display()
    );
    (uri, text)
}

async fn open(editor: &mut Editor, uri: &str, language: &str, text: &str) {
    editor
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )
        .await;
}

fn places(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sam_template_gets_its_diagnostics_and_a_plain_yaml_file_nothing() {
    let mut editor = Editor::start(Value::Null).await;
    let plain = "file:///work/config.yaml";
    open(&mut editor, plain, "yaml", "name: service\nreplicas: 3\n").await;
    let (uri, text) = fixture("sam-inline.yaml");
    open(&mut editor, &uri, "yaml", &text).await;
    let found = editor.checked(&uri, 1).await;
    // `Audit:` on line 42 (0-based 41), column 11 (0-based 10).
    assert_eq!(places(&found), ["41:10 unreachable-state"]);
    assert!(
        !editor.published.iter().any(|(u, _)| u == plain),
        "nothing is published for a file without state machines: {:?}",
        editor.published
    );
    let hover = editor
        .at(
            "textDocument/hover",
            &uri,
            &text,
            "Resource: arn:aws:states:::lambda",
            json!({}),
        )
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|h| !h.is_empty()),
        "{hover}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_definition_saved_as_plain_json_is_checked_as_a_definition() {
    let mut editor = Editor::start(Value::Null).await;
    let uri = "file:///work/machine.json";
    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nope\"}\n  }\n}\n";
    open(&mut editor, uri, "json", text).await;
    let found = editor.checked(uri, 1).await;
    assert!(
        places(&found).iter().any(|p| p.starts_with("3:")),
        "the missing transition target is reported on its line: {found:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_definition_string_completion_hover_and_definition_work() {
    let mut editor = Editor::start(Value::Null).await;
    let (uri, text) = fixture("cfn-sub.json");
    open(&mut editor, &uri, "json", &text).await;
    let found = editor.checked(&uri, 1).await;
    assert_eq!(places(&found), ["11:286 unknown-field"]);
    // The `Next` value `\"Finish\"`: state names are offered, replacing the name in place.
    let completion = editor
        .at(
            "textDocument/completion",
            &uri,
            &text,
            "Finish\\\"\\n",
            json!({}),
        )
        .await;
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"Finish") && labels.contains(&"Work"),
        "{completion}"
    );
    let hover = editor
        .at("textDocument/hover", &uri, &text, "Resource\\\"", json!({}))
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|h| !h.is_empty()),
        "{hover}"
    );
    let definition = editor
        .at(
            "textDocument/definition",
            &uri,
            &text,
            "Finish\\\"\\n",
            json!({}),
        )
        .await;
    let target = if definition.is_array() {
        &definition[0]
    } else {
        &definition
    };
    let line = text
        .lines()
        .position(|l| l.contains("Fn::Sub"))
        .expect("line");
    assert_eq!(
        target["range"]["start"]["line"],
        json!(line),
        "{definition}"
    );
    let column = text
        .lines()
        .nth(line)
        .expect("line")
        .find("\\\"Finish\\\": {")
        .expect("key");
    let start = target["range"]["start"]["character"]
        .as_u64()
        .expect("character") as usize;
    assert!((column..column + 12).contains(&start), "{definition}");
}

/// The real binary over stdio: a SAM template opened as `yaml` gets its diagnostic at its
/// place, and hover answers inside it.
#[test]
fn the_real_binary_publishes_on_a_sam_template() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("asl-lsp starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut send = |message: Value| {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    };
    let mut receive = || -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                stdout.read_line(&mut line).expect("read") > 0,
                "the server ended"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        stdout.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("JSON")
    };
    let (uri, text) = fixture("sam-inline.yaml");
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    while receive()["id"] != json!(1) {}
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": text}}}),
    );
    let published = loop {
        let message = receive();
        if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
        {
            break message;
        }
    };
    let found = published["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(places(&found), ["41:10 unreachable-state"]);
    let position = editor::position_of(&text, "Resource: arn:aws:states:::dynamodb");
    send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": position}}),
    );
    let hover = loop {
        let message = receive();
        if message["id"] == json!(2) {
            break message;
        }
    };
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|h| h.contains("**Resource**")),
        "{hover}"
    );
    // Over `Resource` on line 35 (0-based 34), from column 13 (0-based 12).
    assert_eq!(
        hover["result"]["range"]["start"],
        json!({"line": 34, "character": 12})
    );
    send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
}

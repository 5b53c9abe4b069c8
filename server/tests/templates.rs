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

/// A SAM `DefinitionUri`: the template says where it names the file what the file has (a
/// related location at each problem); the file, open, is checked as the template makes it
/// (`${ResizeArn}` substituted, `${StoreArn}` no key of DefinitionSubstitutions); an edit to
/// the file checks the template again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_definition_uri_file_is_checked_with_its_template_and_each_edit_rechecks_the_other() {
    let mut editor = Editor::start(Value::Null).await;
    let (template_uri, template_text) = fixture("sam-uri.yaml");
    let (file_uri, file_text) = fixture("statemachine/images.asl.json");
    open(&mut editor, &template_uri, "yaml", &template_text).await;
    let found = editor.checked(&template_uri, 1).await;
    assert_eq!(
        places(&found),
        ["14:6 definition-not-local", "8:21 definition-file"]
    );
    let named = &found[1];
    let message = named["message"].as_str().expect("message");
    assert!(
        message.contains("statemachine/images.asl.json has 1 error")
            && message.contains("at 11:20: `${StoreArn}` is not a key"),
        "{message}"
    );
    let related = &named["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], json!(file_uri), "{named}");
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 10, "character": 19})
    );
    assert_eq!(named["severity"], json!(1));

    open(&mut editor, &file_uri, "json", &file_text).await;
    let in_file = editor.checked(&file_uri, 1).await;
    assert_eq!(
        places(&in_file),
        ["10:19 missing-substitution"],
        "{in_file:?}"
    );
    // Opening the file checked the template again (its publication of the same version).
    let again = editor.checked(&template_uri, 1).await;
    assert_eq!(places(&again), places(&found));

    let fixed = file_text.replace("${StoreArn}", "${ResizeArn}");
    editor
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": file_uri, "version": 2},
                   "contentChanges": [{"text": fixed}]}),
        )
        .await;
    assert_eq!(
        places(&editor.checked(&file_uri, 2).await),
        Vec::<String>::new()
    );
    let after = editor.checked(&template_uri, 1).await;
    assert_eq!(places(&after), ["14:6 definition-not-local"], "{after:?}");
}

/// A `templatefile()` file opened while its Terraform template is closed: the template is
/// found on disk beside it, its variables put in (a number where a `${timeout}` stands, which
/// on its own is no JSON; `$${` a literal `${`), and what is wrong reported at the file's own
/// positions; hover answers on the text the template makes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_templatefile_file_is_checked_with_the_variables_of_the_template_on_disk() {
    let dir = std::env::temp_dir().join(format!("asl-lsp-templatefile-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("definitions")).expect("a temporary folder");
    let tf = "resource \"aws_lambda_function\" \"worker\" {\n  function_name = \"worker\"\n}\n\n\
              resource \"aws_sfn_state_machine\" \"flow\" {\n  definition = templatefile(\"${path.module}/definitions/flow.json.tpl\", {\n    timeout = 30\n    worker  = aws_lambda_function.worker.arn\n  })\n}\n";
    std::fs::write(dir.join("main.tf"), tf).expect("written");
    let file_text = "{\n  \"StartAt\": \"Work\",\n  \"States\": {\n    \"Work\": {\n      \"Type\": \"Task\",\n      \"Resource\": \"${worker}\",\n      \"TimeoutSeconds\": ${timeout},\n      \"Comment\": \"$${not_a_variable}\",\n      \"Nxt\": \"Done\",\n      \"End\": true\n    }\n  }\n}\n";
    let file = dir.join("definitions/flow.json.tpl");
    std::fs::write(&file, file_text).expect("written");
    let file_uri = format!("file://{}", file.display());
    let mut editor = Editor::start(Value::Null).await;
    open(&mut editor, &file_uri, "json", file_text).await;
    let found = editor.checked(&file_uri, 1).await;
    // `"Nxt"` on line 9 (0-based 8), column 7 (0-based 6): the only problem.
    assert_eq!(places(&found), ["8:6 unknown-field"], "{found:?}");
    let hover = editor
        .at(
            "textDocument/hover",
            &file_uri,
            file_text,
            "TimeoutSeconds",
            json!({}),
        )
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|h| !h.is_empty()),
        "{hover}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `Fn::If`: the second branch of each is checked too, its findings named by condition.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fn_if_branch_of_a_template_gets_its_diagnostics() {
    let mut editor = Editor::start(Value::Null).await;
    let (uri, text) = fixture("cfn-if.yaml");
    open(&mut editor, &uri, "yaml", &text).await;
    let found = editor.checked(&uri, 1).await;
    assert_eq!(
        places(&found),
        [
            "19:46 out-of-range",
            "20:38 unknown-state",
            "21:10 unreachable-state",
            "30:35 unknown-field",
        ]
    );
    assert!(
        found[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("With condition `IsProd` false")),
        "{found:?}"
    );
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

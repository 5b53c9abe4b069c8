//! Mock files in the language server (in process, `editor::Editor`): what `asl-sim test`
//! reports on a mock file is published on it — with the definition beside it on disk
//! (`NAME.asl.json` beside `NAME.mocks.json`, the CLI's convention), a test case's state the
//! definition lacks and a `Return` its API could not answer.
#![allow(clippy::needless_pass_by_value)] // `json!` arguments read better by value

mod editor;

use editor::Editor;
use serde_json::{json, Value};

/// Diagnostics as the editor lists them: `line:col severity code: message`.
fn listed(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}: {}",
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                if d["severity"] == 1 {
                    "error"
                } else {
                    "warning"
                },
                d["code"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mock_file_is_checked_against_the_definition_beside_it() {
    let dir = std::env::temp_dir().join(format!("asl-lsp-mock-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("flow.asl.json"),
        r#"{"StartAt": "Describe", "States": {
  "Describe": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
               "Parameters": {"ExecutionArn": "a"}, "End": true}}}"#,
    )
    .expect("write");
    let mocks = r#"{
  "StateMachines": {
    "flow": {"TestCases": {"Runs": {"Describe": "Running", "Descrbe": "Running"}}}
  },
  "MockedResponses": {
    "Running": {"0": {"Return": {"Status": "RUNNING", "StartDate": 7}}}
  }
}"#;
    let mut editor = Editor::start(json!({})).await;
    let uri = format!("file://{}/flow.mocks.json", dir.display());
    let found = listed(&editor.open(&uri, mocks).await);
    insta::assert_json_snapshot!("mock_file_against_its_definition", found);
    // Fixed: nothing left.
    let fixed = mocks.replace(r#", "Descrbe": "Running""#, "").replace(
        r#""StartDate": 7"#,
        r#""StartDate": "2026-01-01T00:00:00Z", "ExecutionArn": "a", "StateMachineArn": "m""#,
    );
    editor
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
        )
        .await;
    let found = listed(&editor.diagnostics(&uri, 2).await);
    assert_eq!(found, Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

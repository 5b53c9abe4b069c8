//! Snapshots of what `asl-sim` says: every subcommand's `--help`, and one case of each class of
//! problem (usage, a file that cannot be read, JSON that does not parse, a name that is not
//! there, a mock file's mistakes, a definition with errors, a refused TestState request), so
//! that a change of wording is seen in review and the same problem reads the same everywhere.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A scratch directory for test `name` with the files the cases name, by relative paths (stable
/// snapshots).
fn fixtures(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-messages-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("folder.asl.json")).expect("scratch directory");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for file in [
        "heartbeat.asl.json",
        "heartbeat.mocks.json",
        "broken/typos.asl.json",
    ] {
        let name = Path::new(file).file_name().expect("a file name");
        std::fs::copy(examples.join(file), dir.join(name)).expect("scratch file");
    }
    let write = |name: &str, text: &[u8]| std::fs::write(dir.join(name), text).expect("scratch");
    write("binary.asl.json", &[0xff, 0xfe, 0x7b]);
    write("input.json", b"{\"a\": \n");
    write(
        "broken.mocks.json",
        b"{\"StateMachines\": {\"heartbeat\": \n",
    );
    write(
        "mistakes.mocks.json",
        b"{\"StateMachines\": {\"heartbeat\": {\n  \"TestCases\": {\"A\": {\"Push to SQS\": \"Nope\"},\n    \"B\": {\"Push to SQS\": \"R\", \"Done\": \"R\"}},\n  \"Expectations\": {\"A\": {\"Staus\": \"FAILED\"}, \"C\": {}}}},\n \"MockedResponses\": {\"R\": {\"0\": {\"Return\": {}, \"Throw\": {\"Error\": \"E\"}}}}}",
    );
    write(
        "refused.request.json",
        br#"{"definition": "{\"Type\": \"Pass\", \"End\": true}", "inspectionLevel": "LOUD"}"#,
    );
    dir
}

/// `asl-sim ARGS` in `dir`: its exit code, stdout and stderr, as one text.
fn said(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim"))
        .args(args)
        .current_dir(dir)
        // Help is wrapped at the terminal's width, at most 100; no terminal here.
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .output()
        .expect("asl-sim runs");
    let mut text = format!(
        "$ asl-sim {}\nexit {}\n",
        args.join(" "),
        out.status.code().unwrap_or(-1)
    );
    for (name, stream) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if !stream.is_empty() {
            let _ = write!(text, "--- {name}\n{}", String::from_utf8_lossy(stream));
        }
    }
    text
}

/// Every case's text, one after the other.
fn all_said(dir: &Path, cases: &[&[&str]]) -> String {
    cases
        .iter()
        .map(|args| said(dir, args))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_subcommand_has_its_help() {
    let dir = fixtures("every_subcommand_has_its_help");
    for subcommand in [
        "check",
        "run",
        "test",
        "graph",
        "test-state",
        "serve",
        "completions",
        "man",
    ] {
        let text = said(&dir, &[subcommand, "--help"]);
        assert!(
            text.starts_with(&format!("$ asl-sim {subcommand} --help\nexit 0\n")),
            "{text}"
        );
        insta::assert_snapshot!(format!("help_{subcommand}"), text);
    }
    insta::assert_snapshot!("help", said(&dir, &["--help"]));
    // Short help too, and no arguments at all: the overview, exit 2.
    let short = said(&dir, &["run", "-h"]);
    assert!(
        short.contains("Usage: asl-sim run [OPTIONS] <DEFINITION>"),
        "{short}"
    );
    let bare = said(&dir, &[]);
    assert!(
        bare.starts_with("$ asl-sim \nexit 2\n--- stderr\n"),
        "{bare}"
    );
}

#[test]
fn usage_problems() {
    let dir = fixtures("usage_problems");
    insta::assert_snapshot!(all_said(
        &dir,
        &[
            &["frobnicate"],
            &["check"],
            &["check", "--formt", "json", "heartbeat.asl.json"],
            &["check", "--format", "xml", "heartbeat.asl.json"],
            &["run", "heartbeat.asl.json", "--seed", "soon"],
            &["run", "heartbeat.asl.json", "--start-time", "tomorrow"],
            &["run", "heartbeat.asl.json", "--mock-error", "Boom"],
            &[
                "run",
                "heartbeat.asl.json",
                "--mocks",
                "heartbeat.mocks.json"
            ],
            &["graph", "heartbeat.asl.json", "--format", "png"],
            &["completions", "tcsh"],
        ]
    ));
}

#[test]
fn files_that_cannot_be_read() {
    let dir = fixtures("files_that_cannot_be_read");
    let mut cases: Vec<Vec<&str>> = Vec::new();
    for file in ["missing.asl.json", "folder.asl.json", "binary.asl.json"] {
        for command in ["check", "run", "test", "graph"] {
            cases.push(vec![command, file]);
        }
    }
    cases.push(vec!["check", "--format", "json", "missing.asl.json"]);
    cases.push(vec!["test-state", "missing.request.json"]);
    let cases: Vec<&[&str]> = cases.iter().map(Vec::as_slice).collect();
    insta::assert_snapshot!(all_said(&dir, &cases));
}

#[test]
fn json_that_does_not_parse() {
    let dir = fixtures("json_that_does_not_parse");
    insta::assert_snapshot!(all_said(
        &dir,
        &[
            &["run", "heartbeat.asl.json", "--input", "{not json"],
            &["run", "heartbeat.asl.json", "--input-file", "input.json"],
            &[
                "graph",
                "heartbeat.asl.json",
                "--simulate",
                "--input",
                "[1,"
            ],
            &[
                "run",
                "heartbeat.asl.json",
                "--mocks",
                "broken.mocks.json",
                "--test-case",
                "A",
            ],
            &["test", "heartbeat.asl.json", "--mocks", "broken.mocks.json"],
            &[
                "run",
                "heartbeat.asl.json",
                "--state",
                "Push to SQS",
                "--context",
                "{oops"
            ],
            &["test-state", "input.json"],
        ]
    ));
}

#[test]
fn names_that_are_not_there() {
    let dir = fixtures("names_that_are_not_there");
    insta::assert_snapshot!(all_said(
        &dir,
        &[
            &["run", "heartbeat.asl.json", "--state", "Push to SQSS"],
            &["run", "heartbeat.asl.json", "--state", "Nope"],
            &[
                "run",
                "heartbeat.asl.json",
                "--mocks",
                "heartbeat.mocks.json",
                "--test-case",
                "WorkerSilnt",
            ],
            &[
                "test",
                "heartbeat.asl.json",
                "--mocks",
                "heartbeat.mocks.json",
                "--state-machine",
                "hearbeat",
            ],
            &["man", "chek"],
        ]
    ));
}

#[test]
fn a_mock_files_mistakes_all_at_once() {
    let dir = fixtures("a_mock_files_mistakes_all_at_once");
    insta::assert_snapshot!(all_said(
        &dir,
        &[
            &[
                "test",
                "heartbeat.asl.json",
                "--mocks",
                "mistakes.mocks.json"
            ],
            &[
                "run",
                "heartbeat.asl.json",
                "--mocks",
                "mistakes.mocks.json",
                "--test-case",
                "B",
            ],
        ]
    ));
}

#[test]
fn definitions_with_errors_and_refused_requests() {
    let dir = fixtures("definitions_with_errors_and_refused_requests");
    insta::assert_snapshot!(all_said(
        &dir,
        &[
            &["run", "typos.asl.json"],
            &["graph", "typos.asl.json", "--format", "mermaid"],
            &["test-state", "refused.request.json"],
        ]
    ));
}

//! cfn-lint side by side with `asl-sim check` on the same templates: every problem cfn-lint
//! reports in a state machine definition (its E3601: the definition against a schema) is
//! reported by us at the same line and column; and what cfn-lint cannot see (transitions, and
//! any definition built with `Fn::Sub` / `Fn::Join`) is listed. cfn-lint comes from PyPI into
//! `target/cfn-lint` (`.ci/run` installs it: `pip install --target target/cfn-lint cfn-lint`).

#![allow(clippy::print_stdout, clippy::print_stderr)] // the comparison prints what each tool found

use std::path::Path;
use std::process::Command;

const TEMPLATES: &[&str] = &[
    "cfn-lint-inline.yaml",
    "sam-inline.yaml",
    "cfn-sub.yaml",
    "cfn-sub.json",
    "cdk.template.json",
];

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// `LINE:COLUMN CODE` of each finding, 1-based: cfn-lint's parseable format.
fn cfn_lint(template: &str) -> Vec<(String, String)> {
    let out = Command::new("python3")
        .env("PYTHONPATH", root().join("target/cfn-lint"))
        .args([
            "-c",
            "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; main()",
        ])
        .args(["--format", "parseable", "--", template])
        .current_dir(root())
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(template)?.strip_prefix(':')?;
            let mut parts = rest.splitn(6, ':');
            let (l, c, _, _, code) = (
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
            );
            Some((format!("{l}:{c}"), code.to_string()))
        })
        .collect()
}

/// Ours, from `asl-sim check --format json`: `LINE:COLUMN code`, 1-based.
fn ours(template: &str) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim"))
        .args(["check", "--format", "json", template])
        .current_dir(root())
        .output()
        .expect("asl-sim runs");
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    found
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let start = &d["range"]["start"];
            let at = format!(
                "{}:{}",
                start["line"].as_u64().unwrap_or(0) + 1,
                start["character"].as_u64().unwrap_or(0) + 1
            );
            (at, d["code"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn every_definition_problem_cfn_lint_reports_we_report_at_the_same_place() {
    if !root().join("target/cfn-lint/cfnlint").is_dir() {
        eprintln!(
            "cfn-lint is not installed in target/cfn-lint (.ci/run installs it): not compared"
        );
        return;
    }
    let mut theirs_in_definitions = 0;
    let mut only_ours = Vec::new();
    for name in TEMPLATES {
        let template = format!("simulator/tests/templates/{name}");
        let theirs = cfn_lint(&template);
        let ours = ours(&template);
        for (at, code) in theirs.iter().filter(|(_, code)| code == "E3601") {
            theirs_in_definitions += 1;
            assert!(
                ours.iter().any(|(ours_at, _)| ours_at == at),
                "cfn-lint's {code} at {template}:{at} is not among ours: {ours:?}"
            );
        }
        for (at, code) in &ours {
            if !theirs.iter().any(|(their_at, _)| their_at == at) {
                only_ours.push(format!("{name}:{at} {code}"));
            }
        }
    }
    println!("cfn-lint: {theirs_in_definitions} finding(s) in definitions, every one ours too");
    println!(
        "only ours ({}):\n  {}",
        only_ours.len(),
        only_ours.join("\n  ")
    );
    assert!(
        theirs_in_definitions >= 1,
        "the inline definition's schema error is cfn-lint's too"
    );
    // Transitions, and definitions built with Fn::Sub / Fn::Join, which cfn-lint skips.
    for expected in [
        "cfn-lint-inline.yaml:21:22 unknown-state",
        "cfn-lint-inline.yaml:35:51 unknown-state",
        "sam-inline.yaml:42:11 unreachable-state",
        "cfn-sub.yaml:26:25 unknown-state",
        "cfn-sub.json:12:287 unknown-field",
        "cdk.template.json:18:94 unknown-field",
    ] {
        assert!(
            only_ours.iter().any(|o| o == expected),
            "{expected} in {only_ours:#?}"
        );
    }
}

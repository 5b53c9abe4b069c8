//! The README as a newcomer follows it, from the repository root:
//!
//! - every line of a `sh` block that starts with `asl-sim` or `cargo run -p asl-sim --` runs as
//!   written (with this build's asl-sim) and exits 0, or as its `# exit N` comment says;
//! - every transcript (`$ asl-sim ...` followed by what it prints) prints exactly that, and exits
//!   as its `status:` line says (0, or 1 for an execution that did not succeed);
//! - every excerpt of a report (a plain block `error[code]: ...` with its `--> FILE:LINE:COLUMN`)
//!   is what `asl-sim check FILE` or `asl-sim run FILE --explain` (with each test case of its
//!   mock file) prints, line for line;
//! - every synopsis (a plain block `asl-sim SUBCOMMAND [...]`) names each flag that
//!   `asl-sim SUBCOMMAND --help` lists, and no other;
//! - the conformance figures are those of `tests/conformance/counts.txt`, which the conformance
//!   tests write (`tests/src/counts.rs`); `UPDATE_COUNTS=1 cargo test -p asl-sim --test readme`
//!   rewrites the README's list from that file.
//!
//! Files the commands write in the repository root (`-o order.svg`) are removed after each.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .canonicalize()
        .expect("the repository")
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// A fenced code block: its info string (`sh`, empty), its first line's number, its lines.
struct Block {
    info: String,
    line: usize,
    lines: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match (&mut open, trimmed.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    line: number + 2,
                    lines: Vec::new(),
                });
            }
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some(block), None) => block.lines.push(line.to_string()),
            (None, None) => {}
        }
    }
    blocks
}

/// The block's lines with `\` continuations joined, each with its line number.
fn joined(block: &Block) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut continued = false;
    for (k, line) in block.lines.iter().enumerate() {
        let text = line.trim_end();
        let (body, goes_on) = match text.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (text, false),
        };
        match out.last_mut() {
            Some(last) if continued => {
                last.1.push(' ');
                last.1.push_str(body.trim());
            }
            _ => out.push((block.line + k, body.trim().to_string())),
        }
        continued = goes_on;
    }
    out
}

/// The command as this build runs it, and the exit status its `# exit N` comment expects.
fn as_run(command: &str) -> (String, Option<i32>) {
    let (command, comment) = match command.split_once(" #") {
        Some((command, comment)) => (command.trim(), comment.trim()),
        None => (command.trim(), ""),
    };
    let expected = comment
        .strip_prefix("exit ")
        .and_then(|c| c.split(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|c| c.parse().ok());
    let command = match command.strip_prefix("cargo run -p asl-sim --") {
        Some(rest) => format!("asl-sim{rest}"),
        None => command.to_string(),
    };
    (command, expected)
}

/// Runs `command` in bash from the repository root with this build's asl-sim first on PATH;
/// removes what it wrote there.
fn run(command: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_asl-sim"))
        .parent()
        .expect("the binary's folder");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let listing = || -> BTreeSet<PathBuf> {
        std::fs::read_dir(root())
            .expect("the root")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect()
    };
    let before = listing();
    let out = Command::new("bash")
        .args(["-c", command])
        .current_dir(root())
        .env("PATH", path)
        .env("COLUMNS", "100")
        .output()
        .expect("bash runs");
    for new in listing().difference(&before) {
        let _ = std::fs::remove_file(new);
    }
    out
}

fn is_command(line: &str) -> bool {
    line.starts_with("asl-sim ") || line.starts_with("cargo run")
}

#[test]
fn every_command_runs_as_written() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for block in blocks(&readme()) {
        if !matches!(block.info.as_str(), "sh" | "bash" | "console") {
            continue;
        }
        for (line, command) in joined(&block) {
            if !is_command(&command) {
                continue;
            }
            assert!(
                !command.starts_with("cargo run") || command.starts_with("cargo run -p asl-sim --"),
                "README.md:{line}: only `cargo run -p asl-sim --` is run by this test: {command}"
            );
            let (command, expected) = as_run(&command);
            let out = run(&command);
            ran += 1;
            if out.status.code() != Some(expected.unwrap_or(0)) {
                failures.push(format!(
                    "README.md:{line}: `{command}` exited {:?}, expected {}\n{}{}",
                    out.status.code(),
                    expected.unwrap_or(0),
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(ran >= 5, "only {ran} commands found in the README");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `$ asl-sim ...` and the lines it prints, up to the next `$ ` or the block's end.
fn transcripts(block: &Block) -> Vec<(usize, String, Vec<String>)> {
    let mut out: Vec<(usize, String, Vec<String>)> = Vec::new();
    let mut continued = false;
    for (k, line) in block.lines.iter().enumerate() {
        let text = line.trim_end();
        if continued {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(text.trim_end_matches('\\').trim());
            }
        } else if let Some(command) = text.strip_prefix("$ ") {
            out.push((
                block.line + k,
                command.trim_end_matches('\\').trim().into(),
                Vec::new(),
            ));
        } else if let Some(last) = out.last_mut() {
            last.2.push(text.to_string());
        }
        continued = text.ends_with('\\');
    }
    out
}

#[test]
fn every_transcript_prints_what_it_shows() {
    let mut compared = 0;
    for block in blocks(&readme()) {
        for (line, command, shown) in transcripts(&block) {
            if !is_command(&command) {
                continue;
            }
            let (command, expected) = as_run(&command);
            let failed = shown.iter().any(|l| {
                l.starts_with("status:")
                    && ["FAILED", "TIMED_OUT", "ABORTED", "RETRIABLE"]
                        .iter()
                        .any(|s| l.contains(s))
            });
            let expected = expected.unwrap_or(i32::from(failed));
            let out = run(&command);
            let printed = String::from_utf8_lossy(&out.stdout);
            let printed: Vec<&str> = printed.lines().map(str::trim_end).collect();
            let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
            assert_eq!(
                printed.join("\n").trim_end(),
                shown.join("\n").trim_end(),
                "README.md:{line}: `{command}` prints something else"
            );
            assert_eq!(
                out.status.code(),
                Some(expected),
                "README.md:{line}: `{command}`: {out:?}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 3, "only {compared} transcripts found");
}

/// What asl-sim reports on `file`: `check`, and `run --explain` unmocked and with each test case
/// of the mock file beside it.
fn reports_on(file: &str) -> Vec<String> {
    let mut commands = vec![
        format!("asl-sim check {file}"),
        format!("asl-sim run {file} --explain"),
    ];
    let mocks = file
        .split_once(".asl.")
        .map(|(stem, _)| format!("{stem}.mocks.json"))
        .filter(|m| root().join(m).exists());
    if let Some(mocks) = mocks {
        let text = std::fs::read_to_string(root().join(&mocks)).expect("the mock file");
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for machine in value["StateMachines"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            for case in machine["TestCases"]
                .as_object()
                .into_iter()
                .flat_map(|c| c.keys())
            {
                commands.push(format!(
                    "asl-sim run {file} --mocks {mocks} --test-case '{case}' --explain"
                ));
            }
        }
    }
    commands
        .iter()
        .map(|c| String::from_utf8_lossy(&run(c).stdout).into_owned())
        .collect()
}

#[test]
fn every_report_excerpt_is_what_asl_sim_reports() {
    let mut compared = 0;
    for block in blocks(&readme()) {
        let Some(first) = block.lines.first() else {
            continue;
        };
        let is_report = ["error[", "warning[", "information[", "hint["]
            .iter()
            .any(|s| first.starts_with(s));
        if !block.info.is_empty() || !is_report {
            continue;
        }
        let file = block
            .lines
            .iter()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .and_then(|place| place.split(':').next())
            .unwrap_or_else(|| {
                panic!("README.md:{}: an excerpt without its --> place", block.line)
            });
        let excerpt = block.lines.join("\n");
        let reports = reports_on(file);
        assert!(
            reports.iter().any(|r| {
                let lines: Vec<&str> = r.lines().map(str::trim_end).collect();
                lines.join("\n").contains(&excerpt)
            }),
            "README.md:{}: asl-sim does not report this on {file}:\n{excerpt}",
            block.line
        );
        compared += 1;
    }
    assert!(compared >= 2, "only {compared} excerpts found");
}

/// The flags of a `--help` text: each option line's names (`-o`, `--output`).
fn help_flags(help: &str) -> Vec<Vec<String>> {
    help.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .map(|l| {
            l.split([' ', ','])
                .take_while(|w| w.is_empty() || w.starts_with('-'))
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        })
        .filter(|names: &Vec<String>| !names.iter().any(|n| n == "--help" || n == "--version"))
        .collect()
}

#[test]
fn every_synopsis_names_the_flags_of_its_help() {
    let mut checked = 0;
    for block in blocks(&readme()) {
        let Some(first) = block.lines.first() else {
            continue;
        };
        if !block.info.is_empty() || !first.starts_with("asl-sim ") || first.starts_with("$ ") {
            continue;
        }
        let subcommand = first.split_whitespace().nth(1).expect("a subcommand");
        let text = block.lines.join(" ");
        let shown: BTreeSet<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with('-') && w.len() > 1)
            .collect();
        let help = run(&format!("asl-sim {subcommand} --help"));
        assert!(
            help.status.success(),
            "asl-sim {subcommand} --help: {help:?}"
        );
        let options = help_flags(&String::from_utf8_lossy(&help.stdout));
        let missing: Vec<String> = options
            .iter()
            .filter(|names| !names.iter().any(|n| shown.contains(n.as_str())))
            .map(|names| names.join(", "))
            .collect();
        let unknown: Vec<&&str> = shown
            .iter()
            .filter(|s| !options.iter().flatten().any(|n| n == **s))
            .collect();
        assert!(
            missing.is_empty() && unknown.is_empty(),
            "README.md:{}: the synopsis of `asl-sim {subcommand}` lacks {missing:?} and names \
             {unknown:?}, which `--help` does not list",
            block.line
        );
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} synopses found");
}

const COUNTS_START: &str = "<!-- conformance figures: tests/conformance/counts.txt -->";
const COUNTS_END: &str = "<!-- end of the conformance figures -->";

/// The README's list of conformance figures, as the committed counts make it.
fn figures_list() -> String {
    let counts = std::fs::read_to_string(root().join("tests/conformance/counts.txt"))
        .expect("tests/conformance/counts.txt");
    let mut list = String::from("| corpus | result |\n| --- | --- |\n");
    for (name, figure) in counts
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(": "))
    {
        let _ = writeln!(list, "| {name} | {figure} |");
    }
    list
}

#[test]
fn the_conformance_figures_are_the_tests_own() {
    let text = readme();
    let (Some(start), Some(end)) = (text.find(COUNTS_START), text.find(COUNTS_END)) else {
        panic!("README.md has no `{COUNTS_START}` ... `{COUNTS_END}` section");
    };
    let from = start + COUNTS_START.len() + 1;
    let now = figures_list();
    if text[from..end] == now {
        return;
    }
    if std::env::var_os("UPDATE_COUNTS").is_some() {
        let updated = format!("{}{now}{}", &text[..from], &text[end..]);
        std::fs::write(root().join("README.md"), updated).expect("README.md is writable");
        return;
    }
    panic!(
        "the README's conformance figures are not tests/conformance/counts.txt's: \
         UPDATE_COUNTS=1 cargo test -p asl-sim --test readme rewrites them\nREADME:\n{}\ncounts:\n{now}",
        &text[from..end]
    );
}

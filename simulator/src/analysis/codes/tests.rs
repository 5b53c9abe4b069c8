use super::{code_rule, stops_run, CODES};
use crate::diagnostic::Severity;
use crate::syntax::Format;

#[test]
fn every_code_has_a_severity_and_a_reason_and_no_warning_stops_a_run() {
    for pair in CODES.windows(2) {
        assert!(
            pair[0].code < pair[1].code,
            "the table is sorted and has one row per code: {} before {}",
            pair[0].code,
            pair[1].code
        );
    }
    for rule in CODES {
        assert!(rule.why.len() > 10, "`{}` needs a reason", rule.code);
        assert!(
            !rule.stops_run || rule.severity == Severity::Error,
            "`{}` is a {} and stops a run: only errors AWS raises at creation may",
            rule.code,
            rule.severity.as_str()
        );
    }
}

/// Every code literal given to a diagnostic constructor in the library's source, with the
/// severity the constructor gives it.
fn constructed_codes() -> (Vec<(String, Severity, String)>, String) {
    let mut found = Vec::new();
    let mut all_source = String::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let file = path.display().to_string();
            if !path.ends_with("codes.rs") {
                all_source.push_str(&text);
            }
            let constructors = [
                ("error(", Severity::Error),
                ("warning(", Severity::Warning),
                ("Severity::Hint,", Severity::Hint),
                ("Severity::Information,", Severity::Information),
            ];
            for (needle, severity) in constructors {
                for (at, _) in text.match_indices(needle) {
                    let rest = text[at + needle.len()..].trim_start();
                    if let Some(code) = leading_code(rest) {
                        found.push((code, severity, file.clone()));
                    }
                }
            }
            // Struct literals: `code: "x", severity: Severity::Y`.
            for (at, _) in text.match_indices("code: \"") {
                let rest = &text[at + 6..];
                let (Some(code), Some(sev)) =
                    (leading_code(rest), rest.find("severity: Severity::"))
                else {
                    continue;
                };
                let name = &rest[sev + 20..];
                let severity = [
                    ("Error", Severity::Error),
                    ("Warning", Severity::Warning),
                    ("Information", Severity::Information),
                    ("Hint", Severity::Hint),
                ]
                .into_iter()
                .find(|(n, _)| name.starts_with(n))
                .map(|(_, s)| s);
                if let (Some(severity), true) = (severity, sev < 80) {
                    found.push((code, severity, file.clone()));
                }
            }
        }
    }
    (found, all_source)
}

/// `"kebab-code"` at the start of `rest`.
fn leading_code(rest: &str) -> Option<String> {
    let inner = rest.strip_prefix('"')?;
    let code = &inner[..inner.find('"')?];
    let kebab = code.contains('-') || code == "simulation";
    (kebab
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    .then(|| code.to_string())
}

#[test]
fn every_constructed_diagnostic_follows_the_table() {
    let (found, all_source) = constructed_codes();
    assert!(
        found.len() > 60,
        "the scan found {} constructors",
        found.len()
    );
    for (code, severity, file) in &found {
        let rule = code_rule(code)
            .unwrap_or_else(|| panic!("`{code}` ({file}) is not in analysis/codes.rs"));
        assert_eq!(
            rule.severity,
            *severity,
            "`{code}` ({file}) is made a {} but the table says {}",
            severity.as_str(),
            rule.severity.as_str()
        );
    }
    for rule in CODES {
        assert!(
            all_source.contains(&format!("\"{}\"", rule.code)),
            "`{}` is in the table but nothing makes it: remove the row",
            rule.code
        );
    }
}

fn check(text: &str) -> Vec<crate::Diagnostic> {
    crate::check(text, Format::Json, crate::CheckOptions::default()).diagnostics
}

#[test]
fn a_callback_task_that_never_passes_its_token_warns_and_still_runs() {
    let diagnostics = check(
        r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": "no token"},
            "TimeoutSeconds": 5, "End": true}}}"#,
    );
    let token = diagnostics
        .iter()
        .find(|d| d.code == "task-token-not-passed")
        .expect("the lint is reported");
    assert_eq!(token.severity, Severity::Warning);
    assert!(!stops_run(&diagnostics), "{diagnostics:?}");
}

#[test]
fn deny_warnings_makes_warnings_errors_but_a_run_still_goes() {
    let mut diagnostics = check(
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"bad-name": 1}, "End": true}}}"#,
    );
    assert!(diagnostics.iter().any(|d| d.severity == Severity::Warning));
    super::deny_warnings(&mut diagnostics);
    assert!(diagnostics.iter().all(|d| d.severity == Severity::Error));
    assert!(!stops_run(&diagnostics));
}

#[test]
fn an_error_aws_refuses_at_creation_stops_a_run() {
    let diagnostics =
        check(r#"{"StartAt": "Nowhere", "States": {"P": {"Type": "Pass", "End": true}}}"#);
    assert!(stops_run(&diagnostics), "{diagnostics:?}");
}

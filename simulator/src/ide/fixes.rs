//! Code actions as plain text edits: the checker's suggestion (a misspelt name → the closest),
//! and the fixes a callback wait needs (pass the task token, bound the wait), and a missing
//! state created where its transition points.

use crate::syntax::{Node, TextRange, Tree};
use crate::Diagnostic;

/// One fix: a title, and the edits that make it (byte ranges of the text, replaced in order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The checker's finding this fixes (its range), if any.
    pub fixes: TextRange,
    pub edits: Vec<(TextRange, String)>,
    /// The fix to apply when the user asks for "the" fix.
    pub preferred: bool,
}

/// The fixes for the `found` diagnostics that overlap `wanted`.
pub fn fixes(tree: &Tree, text: &str, found: &[Diagnostic], wanted: TextRange) -> Vec<Fix> {
    let mut out = Vec::new();
    for d in found
        .iter()
        .filter(|d| d.range.start <= wanted.end && wanted.start <= d.range.end)
    {
        let fix = |title: String, edits: Vec<(TextRange, String)>, preferred: bool| Fix {
            title,
            fixes: d.range,
            edits,
            preferred,
        };
        if let Some(replacement) = &d.suggestion {
            out.push(fix(
                format!("Change to {replacement}"),
                vec![(d.range, replacement.clone())],
                true,
            ));
        }
        let state = state_around(tree, d.range.start as usize);
        match (d.code, state) {
            ("unknown-state", _) => {
                if let Some((name, edit)) = create_state(tree, text, d.range) {
                    out.push(fix(
                        format!("Create state `{name}`"),
                        vec![edit],
                        d.suggestion.is_none(),
                    ));
                }
            }
            ("task-token-not-passed", Some(state)) => {
                out.push(fix(
                    "Pass the task token to the worker".into(),
                    vec![pass_token(tree, text, state)],
                    true,
                ));
            }
            ("unbounded-callback-wait", Some(state)) => {
                out.push(fix(
                    "Add HeartbeatSeconds (the worker must send a heartbeat within it)".into(),
                    vec![insert_member(text, state, "HeartbeatSeconds", "60")],
                    true,
                ));
                out.push(fix(
                    "Add TimeoutSeconds (the longest the callback may take)".into(),
                    vec![insert_member(text, state, "TimeoutSeconds", "3600")],
                    false,
                ));
            }
            _ => {}
        }
    }
    out
}

/// The innermost state (a member of a `States` object) around `offset`.
fn state_around(tree: &Tree, offset: usize) -> Option<Node<'_>> {
    let path = tree.root().path_to(offset);
    (1..path.len()).rev().find_map(|i| {
        let in_states = i >= 2
            && path[i - 2]
                .members()
                .any(|m| m.key.name == "States" && m.value.range() == path[i - 1].range());
        in_states.then_some(path[i])
    })
}

/// `"TaskToken.$": "$$.Task.Token"` into Parameters (or the JSONata form into Arguments),
/// adding the payload when the state has none.
fn pass_token(tree: &Tree, text: &str, state: Node<'_>) -> (TextRange, String) {
    let jsonata = state.get("Arguments").is_some()
        || [state, tree.root()]
            .iter()
            .find_map(|n| n.get("QueryLanguage").and_then(Node::as_str))
            == Some("JSONata");
    let (payload, key, value) = if jsonata {
        (
            "Arguments",
            "TaskToken",
            "\"{% $states.context.Task.Token %}\"",
        )
    } else {
        ("Parameters", "TaskToken.$", "\"$$.Task.Token\"")
    };
    let token = format!("{{\"{key}\": {value}}}");
    // The token travels in the member the worker reads (SQS's MessageBody, Lambda's Payload):
    // a member the API does not have would be refused.
    let carrier = token_carrier(state);
    let existing = state.get(payload).filter(|p| p.is_object());
    match (existing, carrier) {
        (Some(existing), Some(member)) => match existing.get(member) {
            Some(inner) if inner.is_object() => insert_member(text, inner, key, value),
            Some(_) => insert_member(text, existing, key, value),
            None => insert_member(text, existing, member, &token),
        },
        (Some(existing), None) => insert_member(text, existing, key, value),
        (None, Some(member)) => {
            insert_member(text, state, payload, &format!("{{\"{member}\": {token}}}"))
        }
        (None, None) => insert_member(text, state, payload, &token),
    }
}

/// The integration's member that takes any JSON (`MessageBody`, `Payload`, ...), if it has one.
fn token_carrier(state: Node<'_>) -> Option<&'static str> {
    let resource = state.get("Resource")?.as_str()?;
    let target = crate::model::integrations::resolve(resource).ok()?;
    let rules = crate::model::integration_models::target(&target)?.rules?;
    rules
        .any_json_input
        .iter()
        .copied()
        .find(|m| !m.contains('.'))
}

/// A Pass state named as the unknown target, at the end of the `States` the transition is in.
fn create_state(
    tree: &Tree,
    text: &str,
    target: TextRange,
) -> Option<(String, (TextRange, String))> {
    let path = tree.root().path_to(target.start as usize);
    let name = path.last()?.as_str()?.to_string();
    // StartAt names a state of the `States` beside it; Next / Default, of the `States` around.
    let states = path
        .iter()
        .rev()
        .find_map(|n| n.get("States").filter(|s| s.is_object()))?;
    let body = "{\"Type\": \"Pass\", \"End\": true}";
    Some((name.clone(), insert_member(text, states, &name, body)))
}

/// An edit adding `"key": value` to `object`, after its last member, in the object's own style:
/// JSON on a line of its own with the last member's indentation (or inline), YAML as a new
/// line of the block mapping, spelt as YAML (`MessageBody: {TaskToken.$: $$.Task.Token}`).
fn insert_member(text: &str, object: Node<'_>, key: &str, value: &str) -> (TextRange, String) {
    let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
    let start = object.range().start as usize;
    let is_json = text.get(start..).is_some_and(|t| t.starts_with('{'));
    let Some(last) = object.members().last() else {
        // An empty JSON object: right after its `{`.
        let at = start + 1;
        return (TextRange::new(at, at), format!("{quoted}: {value}"));
    };
    let after = last.value.range().end as usize;
    let key_start = last.key.range.start as usize;
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..key_start];
    let on_own_line = indent.chars().all(char::is_whitespace);
    let insertion = if is_json {
        if on_own_line {
            format!(",\n{indent}{quoted}: {value}")
        } else {
            format!(", {quoted}: {value}")
        }
    } else {
        let indent: String = indent
            .chars()
            .map(|c| if c == '-' { ' ' } else { c })
            .collect();
        let member = crate::syntax::spelling::snippet_for_yaml(&format!("{quoted}: {value}"));
        format!("\n{indent}{member}")
    };
    (TextRange::new(after, after), insertion)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, Format};
    use crate::{check, CheckOptions};

    /// The text after applying every fix titled `title` for the checker's findings.
    fn fixed(text: &str, format: Format, title: &str) -> String {
        let found = check(text, format, CheckOptions::default()).diagnostics;
        let parsed = parse(text, format);
        let all = fixes(&parsed.tree, text, &found, TextRange::new(0, text.len()));
        let fix = all
            .iter()
            .find(|f| f.title.starts_with(title))
            .unwrap_or_else(|| panic!("no fix {title:?} in {all:?}"));
        let mut out = text.to_string();
        for (range, new) in fix.edits.iter().rev() {
            out.replace_range(range.start as usize..range.end as usize, new);
        }
        out
    }

    fn codes(text: &str, format: Format) -> Vec<&'static str> {
        check(text, format, CheckOptions::default())
            .diagnostics
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    const CALLBACK: &str = r#"{
  "StartAt": "Wait",
  "States": {
    "Wait": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "q"},
      "End": true
    }
  }
}"#;

    #[test]
    fn a_callback_wait_gets_its_token_and_its_heartbeat() {
        assert!(codes(CALLBACK, Format::Json).contains(&"task-token-not-passed"));
        let with_token = fixed(CALLBACK, Format::Json, "Pass the task token");
        assert!(
            with_token
                .contains(r#""Parameters": {"QueueUrl": "q", "MessageBody": {"TaskToken.$": "$$.Task.Token"}}"#),
            "{with_token}"
        );
        let bounded = fixed(&with_token, Format::Json, "Add HeartbeatSeconds");
        assert!(
            bounded.contains("  \"End\": true,\n      \"HeartbeatSeconds\": 60\n"),
            "{bounded}"
        );
        assert_eq!(codes(&bounded, Format::Json), Vec::<&str>::new());
    }

    #[test]
    fn a_missing_payload_is_added_and_yaml_keeps_its_style() {
        let json = CALLBACK.replace(r#""Parameters": {"QueueUrl": "q"},"#, "");
        let fixed_json = fixed(&json, Format::Json, "Pass the task token");
        assert!(
            !codes(&fixed_json, Format::Json).contains(&"task-token-not-passed"),
            "{fixed_json}"
        );
        let yaml = "StartAt: Wait\nStates:\n  Wait:\n    Type: Task\n    Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken\n    Parameters:\n      QueueUrl: q\n    End: true\n";
        let fixed_yaml = fixed(yaml, Format::Yaml, "Pass the task token");
        assert!(
            fixed_yaml
                .contains("      QueueUrl: q\n      MessageBody: {TaskToken.$: $$.Task.Token}\n"),
            "{fixed_yaml}"
        );
        assert!(
            !codes(&fixed_yaml, Format::Yaml).contains(&"task-token-not-passed"),
            "{fixed_yaml}"
        );
    }

    #[test]
    fn a_missing_state_is_created_where_its_transition_points() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Notify"}}}"#;
        let created = fixed(text, Format::Json, "Create state `Notify`");
        assert_eq!(
            created,
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Notify"}, "Notify": {"Type": "Pass", "End": true}}}"#
        );
        assert!(codes(&created, Format::Json).is_empty(), "{created}");
    }
}

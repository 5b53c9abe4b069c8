//! Completion from the tree around the cursor, so it works in half-typed documents.

use crate::model::integrations::{resolve, Pattern};
use crate::syntax::{Node, NodeKind, TextRange, Tree};

/// What a completion proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    StateName,
    Field,
    Resource,
    ErrorName,
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
    /// The range the item replaces: the string's content under the cursor.
    pub replace: TextRange,
}

/// Completions at byte `offset`, from the tree around it (works in half-typed documents):
/// state names after Next / Default / StartAt, the fields of the object (by its state type),
/// Resource ARNs with their patterns, error names in ErrorEquals, state types after Type.
pub fn complete(tree: &Tree, text: &str, offset: usize) -> Vec<CompletionItem> {
    let path = tree.root().path_to(offset);
    let Some(&innermost) = path.last() else {
        return Vec::new();
    };
    // Inside a key being typed: the fields this object may have.
    if let Some(member) = innermost
        .members()
        .find(|m| m.key.range.contains_inclusive(offset))
    {
        return fields_for(&path, member.key.range, text);
    }
    let NodeKind::String(_) = innermost.kind() else {
        return Vec::new();
    };
    let inside = string_content(innermost.range(), text);
    let Some(parent) = path.len().checked_sub(2).map(|i| path[i]) else {
        return Vec::new();
    };
    // The key this string is the value of, or the array's key for ErrorEquals.
    let key = parent
        .members()
        .find(|m| m.value.range() == innermost.range())
        .map(|m| m.key.name);
    let array_key = (parent.is_array() && path.len() >= 3)
        .then(|| {
            path[path.len() - 3]
                .members()
                .find(|m| m.value.range() == parent.range())
                .map(|m| m.key.name)
        })
        .flatten();
    match (key, array_key) {
        (Some(k), _) if k.ends_with(".$") => paths_and_intrinsics(&path, inside),
        (Some("Next" | "Default"), _) => state_names(&path, false, inside),
        (Some("StartAt"), _) => state_names(&path, true, inside),
        (Some("Resource"), _) => resources(inside),
        (Some("Type"), _) => crate::model::schema::STATE_TYPES
            .iter()
            .map(|t| CompletionItem {
                label: (*t).to_string(),
                kind: CompletionKind::Value,
                detail: "state type".into(),
                replace: inside,
            })
            .collect(),
        (_, Some("ErrorEquals")) => crate::model::schema::ERROR_NAMES
            .iter()
            .map(|(name, doc)| CompletionItem {
                label: (*name).to_string(),
                kind: CompletionKind::ErrorName,
                detail: (*doc).to_string(),
                replace: inside,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The content of a string literal's range: without its quotes (an unclosed string has none at
/// the end).
pub(super) fn string_content(range: TextRange, text: &str) -> TextRange {
    let (start, end) = (range.start as usize, range.end as usize);
    let body = text.get(start..end).unwrap_or("");
    let open = usize::from(body.starts_with('"'));
    let close = usize::from(body.len() > open && body.ends_with('"'));
    TextRange::new(start + open, end - close)
}

/// The names of the states a transition here can reach: those of the innermost `States`
/// object around the cursor (for StartAt, the `States` beside it).
fn state_names(path: &[Node<'_>], beside: bool, replace: TextRange) -> Vec<CompletionItem> {
    let states = if beside {
        path.iter().rev().nth(1).and_then(|o| o.get("States"))
    } else {
        // The object holding this state's `States` member: two levels above the state.
        path.iter().rev().find_map(|n| {
            n.get("States")
                .filter(|s| s.range().start <= replace.start && replace.end <= s.range().end)
        })
    };
    states
        .into_iter()
        .flat_map(Node::members)
        .map(|m| CompletionItem {
            label: m.key.name.to_string(),
            kind: CompletionKind::StateName,
            detail: m
                .value
                .get("Type")
                .and_then(Node::as_str)
                .map_or("state".to_string(), |t| format!("{t} state")),
            replace,
        })
        .collect()
}

/// In a `.$` value: the intrinsic functions, and the context paths that exist here
/// (`$$.Task.Token` in a Task waiting for a callback, `$$.Map.Item` in an ItemSelector).
fn paths_and_intrinsics(path: &[Node<'_>], replace: TextRange) -> Vec<CompletionItem> {
    let key_of = |i: usize| {
        path.get(i.wrapping_sub(1)).and_then(|parent| {
            parent
                .members()
                .find(|m| m.value.range() == path[i].range())
                .map(|m| m.key.name)
        })
    };
    // The state around the cursor: the node that is a member of a `States` object.
    let state = (1..path.len())
        .rev()
        .find(|&i| key_of(i - 1) == Some("States"))
        .map(|i| path[i]);
    let waits_for_token = state
        .and_then(|s| s.get("Resource"))
        .and_then(Node::as_str)
        .and_then(|r| resolve(r).ok())
        .is_some_and(|r| r.pattern() == Pattern::WaitForTaskToken);
    let in_item_selector = (1..path.len()).any(|i| key_of(i) == Some("ItemSelector"));
    let contexts = crate::model::schema::CONTEXT_PATHS
        .iter()
        .filter(|(p, _)| {
            (waits_for_token || !p.starts_with("$$.Task."))
                && (in_item_selector || !p.starts_with("$$.Map."))
        })
        .map(|(p, doc)| CompletionItem {
            label: (*p).to_string(),
            kind: CompletionKind::Value,
            detail: (*doc).to_string(),
            replace,
        });
    let intrinsics = crate::model::intrinsic::INTRINSICS
        .iter()
        .map(|f| CompletionItem {
            label: f.name.to_string(),
            kind: CompletionKind::Value,
            detail: format!("{}: {}", f.signature, f.doc),
            replace,
        });
    contexts.chain(intrinsics).collect()
}

fn resources(replace: TextRange) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for integration in crate::model::integrations::INTEGRATIONS {
        for api in integration.apis {
            for pattern in api.patterns {
                out.push(CompletionItem {
                    label: format!(
                        "arn:aws:states:::{}:{}{}",
                        integration.service,
                        api.name,
                        pattern.suffix()
                    ),
                    kind: CompletionKind::Resource,
                    detail: format!("{}: {}", integration.title, pattern.describe()),
                    replace,
                });
            }
        }
    }
    out
}

/// The fields the object around the cursor may have, by its kind (a state's by its Type).
fn fields_for(path: &[Node<'_>], key: TextRange, text: &str) -> Vec<CompletionItem> {
    use crate::model::schema::{fields_of, ObjectKind};
    use crate::model::QueryLanguage;
    let Some(&object) = path.last() else {
        return Vec::new();
    };
    let holder_key = path.len().checked_sub(2).and_then(|i| {
        path[i]
            .members()
            .find(|m| m.value.range() == object.range())
            .map(|m| m.key.name)
    });
    let grand_key = path.len().checked_sub(3).and_then(|i| {
        path[i]
            .members()
            .find(|m| m.value.range() == path[i + 1].range())
            .map(|m| m.key.name)
    });
    let kind = if path.len() == 1 {
        Some(ObjectKind::Root)
    } else if grand_key == Some("States") || holder_key == Some("States") {
        object
            .get("Type")
            .and_then(Node::as_str)
            .and_then(ObjectKind::state_type)
    } else {
        None
    };
    let Some(kind) = kind else {
        return Vec::new();
    };
    let language = match object.get("QueryLanguage").and_then(Node::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        _ => QueryLanguage::JsonPath,
    };
    let present: Vec<&str> = object.members().map(|m| m.key.name).collect();
    let replace = string_content(key, text);
    fields_of(kind, language)
        .filter(|f| {
            !present.contains(&f.name)
                || text.get(replace.start as usize..replace.end as usize) == Some(f.name)
        })
        .map(|f| CompletionItem {
            label: f.name.to_string(),
            kind: CompletionKind::Field,
            detail: f.doc.to_string(),
            replace,
        })
        .collect()
}

#[cfg(test)]
mod completion_tests {
    use super::*;
    use crate::syntax::{parse, Format};

    /// Labels offered at the `|` in `text` (which is removed).
    fn labels(text: &str) -> Vec<String> {
        let offset = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        let parsed = parse(&text, Format::Json);
        complete(&parsed.tree, &text, offset)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn state_names_after_next_even_in_an_unclosed_string() {
        let names = labels(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "|"#);
        assert_eq!(names, ["A"]);
        let names = labels(
            r#"{"StartAt": "|", "States": {"A": {"Type": "Pass", "End": true}, "B": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(names, ["A", "B"]);
        // Inside a Parallel branch: the branch's states only.
        let names = labels(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "In", "States": {"In": {"Type": "Pass", "Next": "|"}, "In2": {"Type": "Succeed"}}}]}}}"#,
        );
        assert_eq!(names, ["In", "In2"]);
    }

    #[test]
    fn fields_of_the_state_type_not_yet_present() {
        let fields =
            labels(r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "x", "|"}}}"#);
        assert!(
            fields.contains(&"HeartbeatSeconds".to_string()),
            "{fields:?}"
        );
        assert!(fields.contains(&"Retry".to_string()), "{fields:?}");
        assert!(!fields.contains(&"Resource".to_string()), "{fields:?}");
        assert!(!fields.contains(&"Choices".to_string()), "{fields:?}");
        let top = labels(r#"{"|"}"#);
        assert!(top.contains(&"StartAt".to_string()), "{top:?}");
    }

    #[test]
    fn resources_errors_and_types() {
        let resources = labels(r#"{"States": {"A": {"Type": "Task", "Resource": "arn|"}}}"#);
        assert!(
            resources.contains(&"arn:aws:states:::sqs:sendMessage.waitForTaskToken".to_string()),
            "{}",
            resources.len()
        );
        let errors = labels(
            r#"{"States": {"A": {"Type": "Task", "Retry": [{"ErrorEquals": ["States.|"]}]}}}"#,
        );
        assert!(
            errors.contains(&"States.HeartbeatTimeout".to_string()),
            "{errors:?}"
        );
        let in_callback = labels(
            r#"{"States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"t.$": "|"}}}}"#,
        );
        assert!(
            in_callback.contains(&"$$.Task.Token".to_string()),
            "{in_callback:?}"
        );
        assert!(
            in_callback.contains(&"States.Format".to_string()),
            "{in_callback:?}"
        );
        assert!(
            !in_callback.contains(&"$$.Map.Item.Value".to_string()),
            "{in_callback:?}"
        );
        let request_response = labels(
            r#"{"States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"t.$": "|"}}}}"#,
        );
        assert!(!request_response.contains(&"$$.Task.Token".to_string()));
        let item = labels(r#"{"States": {"M": {"Type": "Map", "ItemSelector": {"v.$": "|"}}}}"#);
        assert!(item.contains(&"$$.Map.Item.Value".to_string()), "{item:?}");
        let types = labels(r#"{"States": {"A": {"Type": "|"}}}"#);
        assert_eq!(types.len(), 8);
        assert!(labels(r#"{"Comment": "|"}"#).is_empty());
    }
}

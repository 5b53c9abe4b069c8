//! Editor features as plain data (rust-analyzer's IDE layer): the language server turns these
//! into LSP types; nothing here knows LSP.

use std::fmt::Write as _;

use crate::model::integrations::{resolve, Pattern, Resource};
use crate::model::schema::FIELDS;
use crate::model::StateMachine;
use crate::syntax::{Node, NodeKind, TextRange, Tree};
use crate::Diagnostic;

/// What to show when hovering at a place: Markdown, and the range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub range: TextRange,
    pub markdown: String,
}

/// Hover at byte `offset`: a field's documentation; a Resource's service, API and pattern; on a
/// state's name, its type and what the simulation (`facts`, from `simulation::simulate`) says.
pub fn hover(
    tree: &Tree,
    machine: &StateMachine,
    facts: &[Diagnostic],
    offset: usize,
) -> Option<HoverInfo> {
    let path = tree.root().path_to(offset);
    let innermost = *path.last()?;
    // On a key: the object holding it is the innermost node.
    if let Some(member) = innermost
        .members()
        .find(|m| m.key.range.contains_inclusive(offset))
    {
        return key_hover(machine, facts, &path, member.key.name, member.key.range);
    }
    // On the value of a Resource: what it calls and how.
    let parent = path.len().checked_sub(2).map(|i| path[i])?;
    let is_resource = parent
        .members()
        .any(|m| m.key.name == "Resource" && m.value.range() == innermost.range());
    if let (true, NodeKind::String(resource)) = (is_resource, innermost.kind()) {
        return Some(HoverInfo {
            range: innermost.range(),
            markdown: resource_doc(resource),
        });
    }
    None
}

fn key_hover(
    machine: &StateMachine,
    facts: &[Diagnostic],
    path: &[Node<'_>],
    key: &str,
    range: TextRange,
) -> Option<HoverInfo> {
    // A state's name: the key of a member of a `States` object.
    let in_states = path.len() >= 2 && {
        let holder = path[path.len() - 2];
        holder
            .members()
            .any(|m| m.key.name == "States" && m.value.range() == path[path.len() - 1].range())
    };
    if in_states {
        let state = machine
            .all_states()
            .into_iter()
            .find(|s| &*s.name.value == key && s.name.range == range)?;
        let mut markdown = format!("**{key}**: a `{}` state", state.kind.type_name());
        let about: Vec<&str> = facts
            .iter()
            .filter(|d| d.range == range)
            .map(|d| d.message.as_str())
            .collect();
        if !about.is_empty() {
            markdown.push_str("\n\nIn the simulation:\n");
            for fact in about {
                let _ = write!(markdown, "\n- {fact}");
            }
        }
        return Some(HoverInfo { range, markdown });
    }
    let spec = FIELDS.iter().find(|f| f.name == key)?;
    Some(HoverInfo {
        range,
        markdown: format!("**{}**\n\n{}", spec.name, spec.doc),
    })
}

/// The service, API and pattern a Resource names, in the words of the integration patterns page.
pub fn resource_doc(resource: &str) -> String {
    match resolve(resource) {
        Ok(Resource::Optimized {
            title,
            api,
            pattern,
            ..
        }) => format!(
            "**{title}**: `{api}`\n\nPattern: {}{}",
            pattern.describe(),
            token_note(pattern)
        ),
        Ok(Resource::AwsSdk {
            service,
            action,
            pattern,
        }) => format!(
            "AWS SDK integration: **{service}** `{action}`\n\nPattern: {}{}",
            pattern.describe(),
            token_note(pattern)
        ),
        Ok(Resource::LambdaFunction { name }) => format!(
            "Lambda function `{name}`, invoked directly\n\nPattern: {}",
            Pattern::RequestResponse.describe()
        ),
        Ok(Resource::Activity { name }) => format!(
            "Activity `{name}`: a worker polls for the task and returns its token\n\nPattern: {}",
            Pattern::WaitForTaskToken.describe()
        ),
        Ok(Resource::Placeholder) => {
            "A deployment-time substitution: known once deployed.".to_string()
        }
        Ok(Resource::ItemIo { api }) => format!("Distributed Map item reader / writer `{api}`"),
        Err(e) => e.message,
    }
}

fn token_note(pattern: Pattern) -> &'static str {
    match pattern {
        Pattern::WaitForTaskToken => {
            ". Pass `$$.Task.Token` in the request; bound the wait with HeartbeatSeconds / TimeoutSeconds."
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RunOptions;
    use crate::syntax::Format;
    use crate::{check, CheckOptions};

    fn hover_at(text: &str, marker: &str, nudge: usize) -> Option<String> {
        let checked = check(text, Format::Json, CheckOptions::default());
        let facts =
            crate::simulation::simulate(&checked.tree, &checked.machine, &RunOptions::default());
        let offset = text.find(marker).expect("marker") + nudge;
        hover(&checked.tree, &checked.machine, &facts, offset).map(|h| h.markdown)
    }

    const CALLBACK: &str = r#"{"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
        "HeartbeatSeconds": 60, "End": true}}}"#;

    #[test]
    fn hover_explains_fields_resources_and_states() {
        let field = hover_at(CALLBACK, "HeartbeatSeconds", 3).expect("a field");
        assert!(field.starts_with("**HeartbeatSeconds**\n\n"), "{field}");
        let resource = hover_at(CALLBACK, "arn:aws", 4).expect("a resource");
        assert!(resource.contains("`sendMessage`"), "{resource}");
        assert!(resource.contains("wait for a callback"), "{resource}");
        assert!(resource.contains("$$.Task.Token"), "{resource}");
        let state = hover_at(CALLBACK, "\"Ask\": {", 2).expect("a state");
        assert!(state.starts_with("**Ask**: a `Task` state"), "{state}");
        assert!(
            state.contains("No heartbeat for 60 s (HeartbeatSeconds)"),
            "{state}"
        );
        assert_eq!(hover_at(CALLBACK, "\"q\"", 1), None);
    }
}

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
fn string_content(range: TextRange, text: &str) -> TextRange {
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

/// A state in the document outline, with the states of its branches or processor inside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// The state type.
    pub detail: String,
    /// The whole state.
    pub range: TextRange,
    /// Its name.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// The outline: every state, nested as Parallel branches and Map processors nest them.
pub fn symbols(machine: &StateMachine) -> Vec<Symbol> {
    machine
        .states
        .iter()
        .map(|state| {
            let children = match &state.kind {
                crate::model::StateKind::Parallel(p) => {
                    p.branches.iter().flat_map(symbols).collect()
                }
                crate::model::StateKind::Map(m) => m.processor.iter().flat_map(symbols).collect(),
                _ => Vec::new(),
            };
            Symbol {
                name: state.name.value.to_string(),
                detail: state.kind.type_name().to_string(),
                range: state.range,
                selection: state.name.range,
                children,
            }
        })
        .collect()
}

/// The state named at `offset`: on a state's own name (its key in `States`), or on a
/// transition to it (StartAt, Next, Default). Its name and where the cursor's name is.
pub fn state_at(tree: &Tree, offset: usize) -> Option<String> {
    let path = tree.root().path_to(offset);
    let innermost = *path.last()?;
    if let Some(member) = innermost
        .members()
        .find(|m| m.key.range.contains_inclusive(offset))
    {
        let holder = path.len().checked_sub(2).map(|i| path[i])?;
        let in_states = holder
            .members()
            .any(|m| m.key.name == "States" && m.value.range() == innermost.range());
        return in_states.then(|| member.key.name.to_string());
    }
    let parent = path.len().checked_sub(2).map(|i| path[i])?;
    let is_transition = parent
        .members()
        .any(|m| TRANSITIONS.contains(&m.key.name) && m.value.range() == innermost.range());
    is_transition
        .then(|| innermost.as_str().map(str::to_string))
        .flatten()
}

const TRANSITIONS: &[&str] = &["StartAt", "Next", "Default"];

/// Where `name` is defined (its key in a `States` object) and every transition to it: the
/// contents of the strings (what a rename replaces), in document order.
pub fn state_places(tree: &Tree, text: &str, name: &str) -> (Option<TextRange>, Vec<TextRange>) {
    let mut definition = None;
    let mut references = Vec::new();
    let mut stack = vec![tree.root()];
    while let Some(node) = stack.pop() {
        for member in node.members() {
            if member.key.name == "States" {
                if let Some(state) = member.value.member(name) {
                    definition.get_or_insert(string_content(state.key.range, text));
                }
            }
            if TRANSITIONS.contains(&member.key.name) && member.value.as_str() == Some(name) {
                references.push(string_content(member.value.range(), text));
            }
            stack.push(member.value);
        }
        stack.extend(node.elements());
    }
    references.sort_by_key(|r| r.start);
    (definition, references)
}

#[cfg(test)]
mod navigation_tests {
    use super::*;
    use crate::syntax::{parse, Format};

    const TEXT: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Parallel", "Next": "B", "Branches": [
    {"StartAt": "In", "States": {"In": {"Type": "Pass", "End": true}}}]},
  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "A"}], "Default": "A"}}}"#;

    #[test]
    fn definition_references_and_outline() {
        let parsed = parse(TEXT, Format::Json);
        let on_next = TEXT.find("\"Next\": \"B\"").expect("next") + 10;
        assert_eq!(state_at(&parsed.tree, on_next).as_deref(), Some("B"));
        let on_key = TEXT.find("\"A\": {").expect("key") + 1;
        assert_eq!(state_at(&parsed.tree, on_key).as_deref(), Some("A"));
        let (definition, references) = state_places(&parsed.tree, TEXT, "A");
        let definition = definition.expect("defined");
        assert_eq!(
            &TEXT[definition.start as usize..definition.end as usize],
            "A"
        );
        let texts: Vec<&str> = references
            .iter()
            .map(|r| &TEXT[r.start as usize..r.end as usize])
            .collect();
        assert_eq!(texts, ["A", "A", "A"]);
        let machine = crate::model::StateMachine::from_tree(parsed.tree.root());
        let outline = symbols(&machine);
        assert_eq!(outline.len(), 2);
        assert_eq!(outline[0].children[0].name, "In");
        assert_eq!(outline[1].detail, "Choice");
    }
}

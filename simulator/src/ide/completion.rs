//! Completion from the tree around the cursor, so it works in half-typed documents.

use crate::model::integrations::{resolve, Pattern};
use crate::syntax::{Member, Node, NodeKind, TextRange, Tree};

/// What a completion proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    StateName,
    Field,
    Resource,
    ErrorName,
    Value,
    Function,
    Variable,
    /// A whole new state, Retrier or Catcher.
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
    /// The range the item replaces: the string's content under the cursor (for a snippet, the
    /// whole key being typed, quotes included).
    pub replace: TextRange,
    /// Text to insert instead of the label, in LSP snippet syntax (`$1`, `${1:name}`).
    pub snippet: Option<String>,
}

impl CompletionItem {
    pub(super) fn new(
        label: impl Into<String>,
        kind: CompletionKind,
        detail: impl Into<String>,
        replace: TextRange,
    ) -> Self {
        CompletionItem {
            label: label.into(),
            kind,
            detail: detail.into(),
            replace,
            snippet: None,
        }
    }
}

/// Completions at byte `offset`, from the tree around it (works in half-typed documents):
/// state names after Next / Default / StartAt, the fields of the object (by its state type, with
/// snippets where the key has no value yet), enum values, Resource ARNs with their patterns,
/// error names in ErrorEquals, context paths, intrinsics and `$variables` in `.$` values, and in
/// JSONata `$states`, functions and `$variables`.
pub fn complete(tree: &Tree, text: &str, offset: usize) -> Vec<CompletionItem> {
    let mut path = tree.root().path_to(offset);
    // A key typed without its value yet (`"Ti` on a line of its own) has a missing value at
    // the cursor: what is being typed is the key, in the object around it.
    if path.len() > 1 && path.last().is_some_and(|n| n.is_missing()) {
        path.pop();
    }
    let Some(&innermost) = path.last() else {
        return Vec::new();
    };
    // Inside a key being typed: the fields this object may have.
    if let Some(member) = innermost
        .members()
        .find(|m| m.key.range.contains_inclusive(offset))
    {
        if let Some(members) = super::api_members::complete_key(&path, member, text) {
            return members;
        }
        return fields_for(&path, member, text);
    }
    let NodeKind::String(value) = innermost.kind() else {
        return Vec::new();
    };
    let inside = string_content(innermost.range(), text);
    if is_jsonata(value) {
        return jsonata(&path, text, offset);
    }
    if let Some(values) = super::api_members::complete_value(&path, inside) {
        return values;
    }
    let keys = keys_along(&path);
    let key = keys.last().copied().flatten();
    // For a string in an array (ErrorEquals), the array's key.
    let array_key = (keys.len() >= 2 && path[path.len() - 2].is_array())
        .then(|| keys[keys.len() - 2])
        .flatten();
    match (key, array_key) {
        (Some(k), _) if k.ends_with(".$") => paths_and_intrinsics(&path, inside),
        (Some("Type"), _) => crate::model::schema::STATE_TYPES
            .iter()
            .map(|t| CompletionItem::new(*t, CompletionKind::Value, "state type", inside))
            .collect(),
        (Some("Next" | "Default"), _) => state_names(&path, false, inside),
        (Some("StartAt"), _) => state_names(&path, true, inside),
        (Some("Resource"), _) => resources(&path[..path.len() - 1], inside),
        (_, Some("ErrorEquals")) => crate::model::schema::ERROR_NAMES
            .iter()
            .map(|(name, doc)| CompletionItem::new(*name, CompletionKind::ErrorName, *doc, inside))
            .collect(),
        (Some(k), _) => enum_values(&path, k, inside),
        _ => Vec::new(),
    }
}

/// The key under which each node of `path` sits in its parent (`None` for the root and for
/// array elements): `keys[i]` is `path[i]`'s.
pub(super) fn keys_along<'t>(path: &[Node<'t>]) -> Vec<Option<&'t str>> {
    let mut keys = vec![None];
    for pair in path.windows(2) {
        keys.push(
            pair[0]
                .members()
                .find(|m| m.value.range() == pair[1].range())
                .map(|m| m.key.name),
        );
    }
    keys
}

/// The kind of object `path` ends in, read down from the root through the schema: a state by
/// its Type, an object field by the kind the field holds (ItemReader, ReaderConfig,
/// ProcessorConfig, ...), an array's element by the field's element kind (a Retrier, a branch).
pub(super) fn object_kind(path: &[Node<'_>]) -> Option<crate::model::schema::ObjectKind> {
    use crate::model::schema::{field_spec, ObjectKind, ValueKind};
    let keys = keys_along(path);
    let mut kinds: Vec<Option<ObjectKind>> = Vec::with_capacity(path.len());
    for (i, node) in path.iter().enumerate() {
        let parent = i.checked_sub(1).and_then(|j| kinds[j]);
        let holder = i.checked_sub(2).and_then(|j| kinds[j]);
        let field = |owner: Option<ObjectKind>, key: Option<&str>| {
            owner
                .zip(key)
                .and_then(|(o, k)| field_spec(o, k))
                .map(|f| f.kind)
        };
        let kind = match (i, keys[i]) {
            (0, _) => Some(ObjectKind::Root),
            // A member of a machine's `States`: a state, by its Type.
            (_, Some(_)) if field(holder, keys[i - 1]) == Some(ValueKind::States) => node
                .get("Type")
                .and_then(Node::as_str)
                .and_then(ObjectKind::state_type),
            (_, Some(key)) => match field(parent, Some(key)) {
                Some(ValueKind::Object(kind)) => Some(kind),
                _ => None,
            },
            (_, None) => match field(holder, keys[i - 1]) {
                Some(ValueKind::ArrayOf(kind)) => Some(kind),
                Some(ValueKind::Branches) => Some(ObjectKind::Branch),
                _ => None,
            },
        };
        kinds.push(kind);
    }
    kinds.last().copied().flatten()
}

/// The query language of the innermost state (or the machine) on the path.
fn language_at(path: &[Node<'_>]) -> crate::model::QueryLanguage {
    use crate::model::QueryLanguage;
    match path
        .iter()
        .rev()
        .find_map(|n| n.get("QueryLanguage").and_then(Node::as_str))
    {
        Some("JSONata") => QueryLanguage::Jsonata,
        _ => QueryLanguage::JsonPath,
    }
}

/// The values a field with an enumerated type may take (`Type`, `QueryLanguage`, `JitterStrategy`, ...).
fn enum_values(path: &[Node<'_>], key: &str, replace: TextRange) -> Vec<CompletionItem> {
    use crate::model::schema::{field_spec, ValueKind};
    let Some(kind) = object_kind(&path[..path.len() - 1]) else {
        return Vec::new();
    };
    let Some(ValueKind::Enum(values)) = field_spec(kind, key).map(|f| f.kind) else {
        return Vec::new();
    };
    values
        .iter()
        .map(|v| {
            let detail = crate::model::schema::value_doc(key, v).unwrap_or(key);
            CompletionItem::new(*v, CompletionKind::Value, detail, replace)
        })
        .collect()
}

fn is_jsonata(value: &str) -> bool {
    value.trim_start().starts_with("{%")
}

/// The members of one invocation in a mock file: Step Functions Local's and ours.
const INVOCATION_FIELDS: &[(&str, &str)] = &[
    ("Return", "The call's result (for a callback: the output SendTaskSuccess returns)."),
    ("Throw", "The call's failure: `{\"Error\": ..., \"Cause\": ...}`."),
    ("DelaySeconds", "asl-workbench: when the callback arrives, how long the job runs, or the call's latency, in seconds."),
    ("Heartbeats", "asl-workbench: the seconds after the task started at which the worker sends a heartbeat."),
    ("NoResponse", "asl-workbench: `true`: the token never comes back, the job never ends."),
];

/// Completions in a mock file (`MockConfigFile.json`): the mocked-response names for a state of
/// a test case, the definition's `states` as the keys of a test case, and an invocation's
/// members.
pub fn complete_mock_file(
    tree: &Tree,
    text: &str,
    offset: usize,
    states: &[String],
) -> Vec<CompletionItem> {
    let path = tree.root().path_to(offset);
    let Some(&innermost) = path.last() else {
        return Vec::new();
    };
    let keys = keys_along(&path);
    let in_test_case = |depth_from_end: usize| {
        keys.len() > depth_from_end + 1
            && keys[keys.len() - depth_from_end - 2] == Some("TestCases")
            && keys.get(keys.len().wrapping_sub(depth_from_end + 4)) == Some(&Some("StateMachines"))
    };
    if let Some(member) = innermost
        .members()
        .find(|m| m.key.range.contains_inclusive(offset))
    {
        let replace = string_content(member.key.range, text);
        if in_test_case(0) {
            return states
                .iter()
                .map(|s| {
                    CompletionItem::new(
                        s.as_str(),
                        CompletionKind::StateName,
                        "state of the definition",
                        replace,
                    )
                })
                .collect();
        }
        if keys.len() >= 3 && keys[keys.len() - 3] == Some("MockedResponses") {
            return INVOCATION_FIELDS
                .iter()
                .map(|(name, doc)| CompletionItem::new(*name, CompletionKind::Field, *doc, replace))
                .collect();
        }
        return Vec::new();
    }
    if !matches!(innermost.kind(), NodeKind::String(_)) || !in_test_case(1) {
        return Vec::new();
    }
    let replace = string_content(innermost.range(), text);
    tree.root()
        .get("MockedResponses")
        .into_iter()
        .flat_map(Node::members)
        .map(|m| {
            let invocations = m.value.members().count();
            let detail = format!("mocked response ({invocations} invocation entries)");
            CompletionItem::new(m.key.name, CompletionKind::Value, detail, replace)
        })
        .collect()
}

/// The content of a string literal's range: without its quotes (an unclosed string has none at
/// the end).
pub(super) fn string_content(range: TextRange, text: &str) -> TextRange {
    let (start, end) = (range.start as usize, range.end as usize);
    let body = text.get(start..end).unwrap_or("");
    // JSON's and YAML's double quotes, and YAML's single quotes.
    let quote = body.chars().next().filter(|c| matches!(c, '"' | '\''));
    let open = usize::from(quote.is_some());
    let close = usize::from(quote.is_some_and(|q| body.len() > open && body.ends_with(q)));
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
    // Nearest first: the state a transition goes to is most often one written close by, and a
    // client that shows only the first items of thousands shows those.
    let mut members: Vec<_> = states.into_iter().flat_map(Node::members).collect();
    members.sort_by_key(|m| m.key.range.start.abs_diff(replace.start));
    members
        .into_iter()
        .map(|m| {
            let detail = m
                .value
                .get("Type")
                .and_then(Node::as_str)
                .map_or("state".to_string(), |t| format!("{t} state"));
            CompletionItem::new(m.key.name, CompletionKind::StateName, detail, replace)
        })
        .collect()
}

/// What the place around the cursor offers: whether its state waits for a task token, and
/// whether it is inside a Map's ItemSelector (where `Map.Item` exists).
struct Place {
    waits_for_token: bool,
    in_item_selector: bool,
}

impl Place {
    fn of(path: &[Node<'_>]) -> Place {
        let keys = keys_along(path);
        // The state around the cursor: the innermost node that is a member of a `States` object.
        let state = (1..path.len())
            .rev()
            .find(|&i| keys[i - 1] == Some("States"))
            .map(|i| path[i]);
        Place {
            waits_for_token: state
                .and_then(|s| s.get("Resource"))
                .and_then(Node::as_str)
                .and_then(|r| resolve(r).ok())
                .is_some_and(|r| r.pattern() == Pattern::WaitForTaskToken),
            in_item_selector: keys.contains(&Some("ItemSelector")),
        }
    }

    /// Whether a context path (`$$.Task.Token`, `$states.context.Map.Item.Value`) exists here.
    fn has(&self, context_path: &str) -> bool {
        (self.waits_for_token || !context_path.contains(".Task."))
            && (self.in_item_selector || !context_path.contains(".Map."))
    }
}

/// In a `.$` value: the context paths that exist here, the intrinsic functions, and the
/// `$variables` in scope.
fn paths_and_intrinsics(path: &[Node<'_>], replace: TextRange) -> Vec<CompletionItem> {
    let place = Place::of(path);
    let contexts = crate::model::schema::CONTEXT_PATHS
        .iter()
        .filter(|(p, _)| place.has(p))
        .map(|(p, doc)| CompletionItem::new(*p, CompletionKind::Value, *doc, replace));
    let intrinsics = crate::model::intrinsic::INTRINSICS.iter().map(|f| {
        let detail = format!("{}: {}", f.signature, f.doc);
        CompletionItem::new(f.name, CompletionKind::Function, detail, replace)
    });
    let variables = variable_items(path, replace);
    contexts.chain(intrinsics).chain(variables).collect()
}

/// In a JSONata expression: `$states` and its fields, the function library (a snippet that
/// opens the call) and the `$variables` in scope, replacing the `$word` before the cursor.
fn jsonata(path: &[Node<'_>], text: &str, offset: usize) -> Vec<CompletionItem> {
    let before = text.get(..offset).unwrap_or("");
    let word = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$'))
        .last()
        .map_or(offset, |(i, _)| i);
    if word < offset && !before[word..].starts_with('$') {
        // A field of the input (`order.id`): nothing to propose.
        return Vec::new();
    }
    let replace = TextRange::new(word, offset);
    let place = Place::of(path);
    let states = crate::model::jsonata_functions::STATES_FIELDS
        .iter()
        .filter(|(p, _)| place.has(p))
        .map(|(p, doc)| CompletionItem::new(*p, CompletionKind::Value, *doc, replace));
    let functions = crate::model::jsonata_functions::JSONATA_FUNCTIONS
        .iter()
        .map(|f| {
            let detail = format!("{}: {}", f.signature, f.doc);
            CompletionItem {
                snippet: Some(format!("${}($1)", f.name).replacen('$', "\\$", 1)),
                ..CompletionItem::new(
                    format!("${}", f.name),
                    CompletionKind::Function,
                    detail,
                    replace,
                )
            }
        });
    let variables = variable_items(path, replace);
    states.chain(functions).chain(variables).collect()
}

/// `$name` for each variable in scope.
fn variable_items(path: &[Node<'_>], replace: TextRange) -> impl Iterator<Item = CompletionItem> {
    variables_in_scope(path).into_iter().map(move |v| {
        CompletionItem::new(
            format!("${v}"),
            CompletionKind::Variable,
            "variable",
            replace,
        )
    })
}

/// The variables a state on `path` can read: those assigned (by a state, a Catcher or a Choice
/// rule) in its `States` and in each enclosing one, as the checker scopes them.
fn variables_in_scope(path: &[Node<'_>]) -> Vec<String> {
    let keys = keys_along(path);
    let mut names: Vec<String> = Vec::new();
    let mut add = |assign: Option<Node<'_>>| {
        for m in assign.into_iter().flat_map(Node::members) {
            if !names.iter().any(|n| n == m.key.name) {
                names.push(m.key.name.to_string());
            }
        }
    };
    for (node, key) in path.iter().zip(&keys) {
        if *key != Some("States") {
            continue;
        }
        for state in node.members().map(|m| m.value) {
            add(state.get("Assign"));
            for handler in ["Catch", "Choices"] {
                for element in state.get(handler).into_iter().flat_map(Node::elements) {
                    add(element.get("Assign"));
                }
            }
        }
    }
    names
}

/// The Resources the object on `owner` may call: an ItemReader's and a ResultWriter's S3 APIs,
/// else every integration with its patterns.
fn resources(owner: &[Node<'_>], replace: TextRange) -> Vec<CompletionItem> {
    use crate::model::integrations::{ITEM_READER_APIS, RESULT_WRITER_APIS};
    use crate::model::schema::ObjectKind;
    let item_io = match object_kind(owner) {
        Some(ObjectKind::ItemReader) => Some((ITEM_READER_APIS, "reads a Distributed Map's items")),
        Some(ObjectKind::ResultWriter) => {
            Some((RESULT_WRITER_APIS, "writes a Distributed Map's results"))
        }
        _ => None,
    };
    if let Some((apis, what)) = item_io {
        return apis
            .iter()
            .map(|api| {
                let label = format!("arn:aws:states:::{api}");
                CompletionItem::new(
                    label,
                    CompletionKind::Resource,
                    format!("Amazon S3 `{api}`: {what}"),
                    replace,
                )
            })
            .collect();
    }
    let mut out = Vec::new();
    for integration in crate::model::integrations::INTEGRATIONS {
        for api in integration.apis {
            for pattern in api.patterns {
                out.push(CompletionItem::new(
                    format!(
                        "arn:aws:states:::{}:{}{}",
                        integration.service,
                        api.name,
                        pattern.suffix()
                    ),
                    CompletionKind::Resource,
                    format!("{}: {}", integration.title, pattern.describe()),
                    replace,
                ));
            }
        }
    }
    out
}

/// The fields the object around the cursor may have, by its kind (a state's by its Type). When
/// the key is typed in JSON with no value yet, each item is a snippet that writes the member;
/// a new key in a `States` object gets a snippet per state type.
fn fields_for(path: &[Node<'_>], member: Member<'_>, text: &str) -> Vec<CompletionItem> {
    use crate::model::schema::fields_of;
    let Some(&object) = path.last() else {
        return Vec::new();
    };
    let key = member.key.range;
    let typed = text.get(key.start as usize..key.end as usize).unwrap_or("");
    let whole_member = member.value.is_missing() && typed.starts_with('"');
    if keys_along(path).last() == Some(&Some("States")) {
        return if whole_member {
            state_snippets(key)
        } else {
            Vec::new()
        };
    }
    let Some(kind) = object_kind(path) else {
        return Vec::new();
    };
    let present: Vec<&str> = object.members().map(|m| m.key.name).collect();
    let replace = string_content(key, text);
    fields_of(kind, language_at(path))
        .filter(|f| !present.contains(&f.name) || member.key.name == f.name)
        .map(|f| {
            let item = CompletionItem::new(f.name, CompletionKind::Field, f.doc, replace);
            if whole_member {
                CompletionItem {
                    replace: key,
                    snippet: Some(field_snippet(f)),
                    ..item
                }
            } else {
                item
            }
        })
        .collect()
}

/// `"Name": value` with a placeholder shaped by the field's type.
fn field_snippet(field: &crate::model::schema::FieldSpec) -> String {
    use crate::model::schema::ValueKind as V;
    let name = field.name;
    let value = match field.kind {
        _ if name == "Retry" => {
            r#"[{"ErrorEquals": ["${1:States.ALL}"], "IntervalSeconds": ${2:1}, "MaxAttempts": ${3:3}, "BackoffRate": ${4:2}}]"#.to_string()
        }
        _ if name == "Catch" => {
            r#"[{"ErrorEquals": ["${1:States.ALL}"], "Next": "$2"}]"#.to_string()
        }
        V::Integer { .. } | V::Number { .. } => "${1:0}".to_string(),
        V::True => "true".to_string(),
        V::Enum(values) => format!("\"${{1|{}|}}\"", values.join(",")),
        V::Object(_) | V::PayloadTemplate | V::JsonataTemplate | V::Assign | V::States => {
            "{$1}".to_string()
        }
        V::ArrayOf(_) | V::Branches | V::ErrorNames | V::StringArray => "[$1]".to_string(),
        V::Any => "$1".to_string(),
        _ => "\"$1\"".to_string(),
    };
    format!("\"{name}\": {value}")
}

/// A whole new state of each type, in the shape a user starts from.
fn state_snippets(replace: TextRange) -> Vec<CompletionItem> {
    const SNIPPETS: &[(&str, &str)] = &[
        (
            "Task",
            r#""Type": "Task", "Resource": "${2:arn:aws:states:::lambda:invoke}", "Next": "$3""#,
        ),
        (
            "Task (wait for callback)",
            r#""Type": "Task", "Resource": "arn:aws:states:::${2:sqs:sendMessage}.waitForTaskToken", "Parameters": {"TaskToken.$": "$$.Task.Token"}, "HeartbeatSeconds": ${3:60}, "TimeoutSeconds": ${4:3600}, "Next": "$5""#,
        ),
        ("Pass", r#""Type": "Pass", "Next": "$2""#),
        (
            "Choice",
            r#""Type": "Choice", "Choices": [{"Variable": "${2:$.value}", "StringEquals": "$3", "Next": "$4"}], "Default": "$5""#,
        ),
        (
            "Wait",
            r#""Type": "Wait", "Seconds": ${2:10}, "Next": "$3""#,
        ),
        ("Succeed", r#""Type": "Succeed""#),
        (
            "Fail",
            r#""Type": "Fail", "Error": "${2:Error}", "Cause": "$3""#,
        ),
        (
            "Parallel",
            r#""Type": "Parallel", "Branches": [{"StartAt": "${2:First}", "States": {"${2:First}": {"Type": "Pass", "End": true}}}], "Next": "$3""#,
        ),
        (
            "Map",
            r#""Type": "Map", "ItemsPath": "${2:$.items}", "ItemProcessor": {"StartAt": "${3:Each}", "States": {"${3:Each}": {"Type": "Pass", "End": true}}}, "Next": "$4""#,
        ),
    ];
    SNIPPETS
        .iter()
        .map(|(label, body)| CompletionItem {
            // `$$` is a literal `$$` in the text, escaped for the snippet syntax.
            snippet: Some(format!(
                "\"${{1:{label}}}\": {{{}}}",
                body.replace("$$.", "\\$\\$.")
            )),
            ..CompletionItem::new(
                format!("{label} state"),
                CompletionKind::Snippet,
                format!("A new {label} state"),
                replace,
            )
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
        // Inside a Parallel branch: the branch's states only, nearest first.
        let names = labels(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "In", "States": {"In": {"Type": "Pass", "Next": "|"}, "In2": {"Type": "Succeed"}}}]}}}"#,
        );
        assert_eq!(names, ["In2", "In"]);
    }

    #[test]
    fn fields_for_a_key_typed_on_a_line_of_its_own() {
        // An unclosed key ends at its line; its missing value sits at the cursor.
        let fields = labels(
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\",\n  \"Ti|\n  \"Next\": \"B\"}, \"B\": {\"Type\": \"Succeed\"}}}",
        );
        assert!(fields.contains(&"TimestampPath".to_string()), "{fields:?}");
        assert!(!fields.contains(&"Next".to_string()), "{fields:?}");
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

    #[test]
    fn enum_values_and_retrier_fields() {
        assert_eq!(labels(r#"{"QueryLanguage": "|"}"#), ["JSONPath", "JSONata"]);
        let jitter =
            labels(r#"{"States": {"A": {"Type": "Task", "Retry": [{"JitterStrategy": "|"}]}}}"#);
        assert_eq!(jitter, ["FULL", "NONE"]);
        let retrier = labels(r#"{"States": {"A": {"Type": "Task", "Retry": [{"|"}]}}}"#);
        assert!(retrier.contains(&"MaxAttempts".to_string()), "{retrier:?}");
    }

    #[test]
    fn jsonata_offers_states_functions_and_variables_in_scope() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"orderId": 1}, "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"failed": true}, "Next": "A"}],
                  "Arguments": {"T": "{% $st| %}"}, "End": true},
            "P": {"Type": "Parallel", "Branches": [{"StartAt": "In", "States": {"In": {"Type": "Pass", "Assign": {"inner": 1}, "End": true}}}], "End": true}}}"#;
        let found = labels(text);
        for wanted in [
            "$states.input",
            "$states.context.Task.Token",
            "$string",
            "$partition",
            "$orderId",
            "$failed",
        ] {
            assert!(found.contains(&wanted.to_string()), "{wanted} in {found:?}");
        }
        // Variables of a branch are not visible outside it; no Map item outside ItemSelector.
        assert!(!found.contains(&"$inner".to_string()), "{found:?}");
        assert!(!found.contains(&"$states.context.Map.Item.Value".to_string()));
        // The replaced range is the `$word` before the cursor; functions open their call.
        let offset = text.find('|').expect("cursor");
        let clean = text.replacen('|', "", 1);
        let parsed = parse(&clean, Format::Json);
        let items = complete(&parsed.tree, &clean, offset);
        let string = items
            .iter()
            .find(|i| i.label == "$string")
            .expect("$string");
        assert_eq!(
            &clean[string.replace.start as usize..string.replace.end as usize],
            "$st"
        );
        assert_eq!(string.snippet.as_deref(), Some("\\$string($1)"));
        // Not after a field name of the input.
        assert!(labels(r#"{"States": {"A": {"Output": "{% order.i| %}"}}}"#).is_empty());
        // `$variables` in a JSONPath `.$` value too.
        let jsonpath = labels(
            r#"{"States": {"A": {"Type": "Pass", "Assign": {"x": 1}, "Parameters": {"v.$": "|"}}}}"#,
        );
        assert!(jsonpath.contains(&"$x".to_string()), "{jsonpath:?}");
    }

    #[test]
    fn snippets_write_whole_members_and_states() {
        let text = r#"{"States": {"A": {"Type": "Task", "Resource": "x", "Ret|"}}}"#;
        let offset = text.find('|').expect("cursor");
        let clean = text.replacen('|', "", 1);
        let parsed = parse(&clean, Format::Json);
        let items = complete(&parsed.tree, &clean, offset);
        let retry = items.iter().find(|i| i.label == "Retry").expect("Retry");
        assert_eq!(
            &clean[retry.replace.start as usize..retry.replace.end as usize],
            "\"Ret\""
        );
        assert!(retry
            .snippet
            .as_deref()
            .is_some_and(|s| s.starts_with("\"Retry\": [{\"ErrorEquals\"")));
        // An existing member's key is renamed, not rewritten.
        let text = r#"{"States": {"A": {"Type": "Task", "Ret|": []}}}"#;
        let offset = text.find('|').expect("cursor");
        let clean = text.replacen('|', "", 1);
        let parsed = parse(&clean, Format::Json);
        assert!(complete(&parsed.tree, &clean, offset)
            .iter()
            .all(|i| i.snippet.is_none()));
        // A new key in States: a snippet per state type.
        let states =
            labels(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "|"}}"#);
        assert!(
            states.contains(&"Task (wait for callback) state".to_string()),
            "{states:?}"
        );
        assert!(states.contains(&"Choice state".to_string()), "{states:?}");
    }

    #[test]
    fn mock_files_offer_response_names_states_and_invocation_members() {
        let mock = |text: &str| {
            let offset = text.find('|').expect("a cursor");
            let text = text.replacen('|', "", 1);
            let parsed = parse(&text, Format::Json);
            complete_mock_file(&parsed.tree, &text, offset, &["Notify".to_string()])
                .into_iter()
                .map(|c| c.label)
                .collect::<Vec<_>>()
        };
        let responses = r#"{"StateMachines": {"m": {"TestCases": {"Happy": {"Notify": "|"}}}},
            "MockedResponses": {"NotifyOk": {"0": {"Return": {}}}, "NotifyLost": {"0": {"NoResponse": true}}}}"#;
        assert_eq!(mock(responses), ["NotifyOk", "NotifyLost"]);
        assert_eq!(
            mock(r#"{"StateMachines": {"m": {"TestCases": {"Happy": {"|"}}}}}"#),
            ["Notify"]
        );
        let members = mock(r#"{"MockedResponses": {"R": {"0": {"|"}}}}"#);
        assert!(members.contains(&"Heartbeats".to_string()), "{members:?}");
        assert!(mock(r#"{"Other": {"|"}}"#).is_empty());
    }
}

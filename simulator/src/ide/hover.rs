//! Hover: documentation of fields, resources, errors, context paths and intrinsics, and the
//! simulation's facts on a state.

use std::fmt::Write as _;

use crate::engine::Execution;
use crate::model::integrations::{resolve, Pattern, Resource};
use crate::model::jsonata_functions::{JSONATA_FUNCTIONS, STATES_FIELDS};
use crate::model::schema::{
    field_spec, value_doc, CONTEXT_PATHS, ERROR_NAMES, FIELDS, STATE_TYPE_DOCS,
};
use crate::model::StateMachine;
use crate::simulation::duration;
use crate::syntax::{Node, NodeKind, TextRange, Tree};

/// What to show when hovering at a place: Markdown, and the range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub range: TextRange,
    pub markdown: String,
}

/// A simulated run to report on in hover: its test case (if any) and its execution.
pub struct RunView<'a> {
    pub test_case: Option<&'a str>,
    pub execution: &'a Execution,
}

/// Hover at byte `offset`: a field's documentation; a Resource's service, API and pattern; a
/// state type, error name, context path, intrinsic, JSONata function or `$states` field under
/// the cursor; on a state's name, its type and, per run, when it was entered and left, with
/// what. What the simulation found there is not repeated: its diagnostics are on the same name,
/// and editors show them beside (VS Code above) the hover.
pub fn hover(
    tree: &Tree,
    machine: &StateMachine,
    runs: &[RunView<'_>],
    offset: usize,
) -> Option<HoverInfo> {
    let path = tree.root().path_to(offset);
    let innermost = *path.last()?;
    // On a key: the object holding it is the innermost node.
    if let Some(member) = innermost
        .members()
        .find(|m| m.key.range.contains_inclusive(offset))
    {
        if let Some(markdown) = super::api_members::key_hover(&path, member.key.name) {
            let range = member.key.range;
            return Some(HoverInfo { range, markdown });
        }
        return key_hover(machine, runs, &path, member.key.name, member.key.range);
    }
    let NodeKind::String(value) = innermost.kind() else {
        return None;
    };
    let parent = path.len().checked_sub(2).map(|i| path[i])?;
    let key = parent
        .members()
        .find(|m| m.value.range() == innermost.range())
        .map(|m| m.key.name);
    let whole = |markdown: String| {
        Some(HoverInfo {
            range: innermost.range(),
            markdown,
        })
    };
    match key {
        // What a Resource calls and how.
        Some("Resource") => return whole(resource_doc(value)),
        Some("Type") => {
            if let Some((name, doc)) = STATE_TYPE_DOCS.iter().find(|(t, _)| *t == value) {
                return whole(format!("**{name}** state\n\n{doc}"));
            }
        }
        // An enumerated field's value (`"InputType": "CSV"`).
        Some(field) => {
            if let Some(doc) = value_doc(field, value) {
                return whole(format!("**{value}** (`{field}`)\n\n{doc}"));
            }
        }
        None => {}
    }
    if let Some((name, doc)) = ERROR_NAMES.iter().find(|(e, _)| *e == value) {
        return whole(format!("**{name}**\n\n{doc}"));
    }
    word_hover(value, innermost.range(), offset)
}

/// The documented word under the cursor inside a string: a context path (`$$.Task.Token`,
/// `$states.context.Task.Token`), an intrinsic (`States.Format`), a JSONata function (`$sum`).
fn word_hover(value: &str, string: TextRange, offset: usize) -> Option<HoverInfo> {
    // The content starts after the quote, if the string has quotes (a YAML plain scalar has
    // none). Escapes shift the mapping, but are rare in these words; stay on char boundaries.
    let quoted = string.len() >= value.len() + 2;
    let content_start = string.start as usize + usize::from(quoted);
    let mut at = offset.checked_sub(content_start)?.min(value.len());
    while !value.is_char_boundary(at) {
        at -= 1;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$');
    let start = value[..at]
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1);
    let end = value[at..]
        .find(|c: char| !is_word(c))
        .map_or(value.len(), |i| at + i);
    let word = value.get(start..end)?.trim_end_matches('.');
    let range = TextRange::new(content_start + start, content_start + start + word.len());
    let doc = |markdown: String| Some(HoverInfo { range, markdown });
    // The longest documented path the word starts with.
    let path_doc = |table: &[(&'static str, &'static str)]| {
        table
            .iter()
            .filter(|(p, _)| word == *p || word.starts_with(&format!("{p}.")))
            .max_by_key(|(p, _)| p.len())
            .map(|(p, d)| format!("**{p}**\n\n{d}"))
    };
    if word.starts_with("$$.") {
        return path_doc(CONTEXT_PATHS).and_then(doc);
    }
    if word.starts_with("$states") {
        return path_doc(STATES_FIELDS).and_then(doc);
    }
    if let Some(function) = word.strip_prefix('$') {
        let f = JSONATA_FUNCTIONS.iter().find(|f| f.name == function)?;
        return doc(format!("`{}`\n\n{}", f.signature, f.doc));
    }
    if let Some(spec) = crate::model::intrinsic::spec(word) {
        return doc(format!("`{}`\n\n{}", spec.signature, spec.doc));
    }
    None
}

fn key_hover(
    machine: &StateMachine,
    runs: &[RunView<'_>],
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
        for run in runs {
            let _ = write!(markdown, "\n\n{}", visits_summary(run, key));
        }
        return Some(HoverInfo { range, markdown });
    }
    // The field of this kind of object (an ItemReader's Resource is not a Task's), else the
    // first field of that name where the kind is not known.
    let spec = super::completion::object_kind(path)
        .and_then(|kind| field_spec(kind, key))
        .or_else(|| FIELDS.iter().find(|f| f.name == key))?;
    Some(HoverInfo {
        range,
        markdown: format!("**{}**\n\n{}", spec.name, spec.doc),
    })
}

/// How a run went through the state: how often, when, with what input and output.
fn visits_summary(run: &RunView<'_>, name: &str) -> String {
    let visits = crate::simulation::visits(run.execution, name);
    let case = run.test_case.map_or(String::new(), |c| format!("[{c}] "));
    let Some(first) = visits.first() else {
        return format!("{case}Not entered.");
    };
    let mut out = match visits.len() {
        1 => format!("{case}Entered at +{}", duration(first.entered_ms)),
        n => format!(
            "{case}Entered {n} times, first at +{}",
            duration(first.entered_ms)
        ),
    };
    let _ = write!(out, " with input `{}`", brief(&first.input));
    match &first.left {
        Some((at, output)) => {
            let _ = write!(
                out,
                "; left at +{} with output `{}`.",
                duration(*at),
                brief(output)
            );
        }
        None => out.push_str("; never left (failed, timed out or aborted)."),
    }
    out
}

/// A JSON value on one line, cut to a readable length.
fn brief(value: &serde_json::Value) -> String {
    const MAX: usize = 120;
    let text = value.to_string();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The service, API and pattern a Resource names, in the words of the integration patterns page.
pub fn resource_doc(resource: &str) -> String {
    let described = super::api_members::operation_doc(resource);
    let doc = resource_pattern_doc(resource);
    match described {
        Some(operation) => format!("{doc}\n\n{operation}"),
        None => doc,
    }
}

fn resource_pattern_doc(resource: &str) -> String {
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
        Ok(Resource::ItemIo { api }) => {
            let what = match api.as_str() {
                "s3:getObject" => "an ItemReader reads one object's items, as `ReaderConfig.InputType` says (CSV, JSON, JSONL, MANIFEST, PARQUET)",
                "s3:listObjectsV2" => "an ItemReader lists the objects under `Prefix`: one item per object",
                _ => "a ResultWriter writes the Map Run's result files (`manifest.json`, `SUCCEEDED_0.json`, ...) under `Prefix`",
            };
            format!("Amazon S3 `{api}` for a Distributed Map: {what}")
        }
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
        let options = RunOptions::default();
        let execution = crate::engine::run(&checked.tree, &checked.machine, &options);
        let runs = [RunView {
            test_case: None,
            execution: &execution,
        }];
        let offset = text.find(marker).expect("marker") + nudge;
        hover(&checked.tree, &checked.machine, &runs, offset).map(|h| h.markdown)
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
        // What the simulation found there is its diagnostic's, not repeated in the hover.
        assert!(!state.contains("No heartbeat for 60 s"), "{state}");
        assert!(
            state.contains("Entered at +0 s with input `{}`; never left"),
            "{state}"
        );
        assert_eq!(hover_at(CALLBACK, "\"q\"", 1), None);
    }

    #[test]
    fn hover_explains_values_under_the_cursor() {
        let token = hover_at(CALLBACK, "$$.Task.Token", 5).expect("a context path");
        assert!(token.starts_with("**$$.Task.Token**"), "{token}");
        let task = hover_at(CALLBACK, "\"Task\"", 2).expect("a state type");
        assert!(task.starts_with("**Task** state"), "{task}");
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass",
            "Output": "{% $sum($states.input.values) %}", "Retry": [], "End": true}}}"#;
        let sum = hover_at(text, "$sum", 2).expect("a JSONata function");
        assert!(sum.starts_with("`$sum(array)`"), "{sum}");
        let input = hover_at(text, "$states.input", 9).expect("$states");
        assert!(input.starts_with("**$states.input**"), "{input}");
        let errors = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"x.$": "States.Format('{}', $.a)"},
            "Retry": [{"ErrorEquals": ["States.Timeout"]}], "End": true}}}"#;
        let timeout = hover_at(errors, "States.Timeout", 3).expect("an error name");
        assert!(timeout.starts_with("**States.Timeout**"), "{timeout}");
        let format = hover_at(errors, "States.Format", 3).expect("an intrinsic");
        assert!(format.starts_with("`States.Format("), "{format}");
    }

    #[test]
    fn hover_anywhere_in_escaped_and_multibyte_strings_never_panics() {
        // Found by the lsp_edits fuzz target: a YAML plain scalar with a multi-byte character.
        let yaml = "StartAt: I\nStates:\n  I:\n    Type: Pass\n    Comment: t\u{e9}\u{1f600}x $$.Task \u{fffd}\n    End: true\n";
        let json = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "\u00e9\"$$.Map \ud83d\ude00 é😀", "End": true}}}"#;
        for (text, format) in [(yaml, Format::Yaml), (json, Format::Json)] {
            let checked = check(text, format, CheckOptions::default());
            for offset in 0..=text.len() {
                let _ = hover(&checked.tree, &checked.machine, &[], offset);
            }
        }
    }
}

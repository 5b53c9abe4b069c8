//! Hover: documentation of fields, resources, errors, context paths and intrinsics, and the
//! simulation's facts on a state.

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

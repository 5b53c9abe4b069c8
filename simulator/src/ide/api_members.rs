//! Completion and hover inside a Task's `Parameters` / `Arguments`, from the API model of what
//! its Resource calls (`model::api`): the members of the input shape at the cursor (required
//! first, each with its type; a snippet that writes every required member into an empty
//! object), an enum member's values, and on a member's key its type, whether it is required and
//! its documentation. The members an integration takes as any JSON (Lambda's `Payload`) offer
//! nothing.

use std::fmt::Write as _;

use super::completion::{keys_along, string_content, CompletionItem, CompletionKind};
use crate::model::api::{Member, Service, Shape, ShapeId};
use crate::model::integration_models::target;
use crate::model::integrations::resolve;
use crate::syntax::{Member as TreeMember, Node, TextRange};

/// The API shape of the node `path` ends at, when it is in a Task's `Parameters` or
/// `Arguments` (the innermost Task's), and the node is not in a member that takes any JSON.
fn shape_at(path: &[Node<'_>]) -> Option<(&'static Service, ShapeId, bool)> {
    let keys = keys_along(path);
    let payload = (1..path.len()).rev().find(|&j| {
        matches!(keys[j], Some("Parameters" | "Arguments"))
            && path[j - 1].get("Type").and_then(Node::as_str) == Some("Task")
    })?;
    let resource = path[payload - 1].get("Resource").and_then(Node::as_str)?;
    let target = target(&resolve(resource).ok()?)?;
    let service = target.service;
    let mut shape = target.operation.input?;
    let mut names: Vec<&str> = Vec::new();
    let nested = keys.len() > payload + 1;
    for key in &keys[payload + 1..] {
        shape = match (key, service.shape(shape)) {
            (Some(key), shape_now) => {
                let name = key.strip_suffix(".$").unwrap_or(key);
                names.push(name);
                if target.any_json_input(&names) {
                    return None;
                }
                match shape_now {
                    Shape::Structure(members) => members.iter().find(|m| spelt(m, name))?.shape,
                    Shape::Map { value, .. } => *value,
                    _ => return None,
                }
            }
            (None, Shape::List { member, .. }) => *member,
            (None, _) => return None,
        };
    }
    Some((service, shape, nested))
}

/// Whether `name` is the member's: Step Functions' spelling, or the model's own.
fn spelt(member: &Member, name: &str) -> bool {
    member.name == name || member.model_name.as_deref() == Some(name)
}

/// The name to offer: Step Functions' spelling, but below the top level the wire's upper-case
/// one where the model has it (DynamoDB's `SS`, `BOOL`, `NULL`), as deployed definitions write
/// them.
fn offered_name(member: &Member, nested: bool) -> &str {
    match member.model_name.as_deref() {
        Some(wire) if nested && wire.chars().all(|c| c.is_ascii_uppercase()) => wire,
        _ => &member.name,
    }
}

/// A member's type and whether it is required, as completion's detail and hover's first line.
fn describe(service: &Service, member: &Member) -> String {
    let kind = service.shape(member.shape).type_name(service);
    let required = if member.required { ", required" } else { "" };
    format!("{kind}{required}")
}

/// The members to offer for the key `member` being typed in the object `path` ends at.
pub(super) fn complete_key(
    path: &[Node<'_>],
    member: TreeMember<'_>,
    text: &str,
) -> Option<Vec<CompletionItem>> {
    let (service, shape, nested) = shape_at(path)?;
    let Shape::Structure(members) = service.shape(shape) else {
        return Some(Vec::new());
    };
    let object = path.last()?;
    let present: Vec<&str> = object
        .members()
        .map(|m| m.key.name.strip_suffix(".$").unwrap_or(m.key.name))
        .collect();
    let typing = member
        .key
        .name
        .strip_suffix(".$")
        .unwrap_or(member.key.name);
    let replace = string_content(member.key.range, text);
    let mut offered: Vec<&Member> = members
        .iter()
        .filter(|m| !present.iter().any(|p| spelt(m, p)) || spelt(m, typing))
        .collect();
    // Required members first, each group in the model's order.
    offered.sort_by_key(|m| !m.required);
    let mut items: Vec<CompletionItem> = offered
        .into_iter()
        .map(|m| {
            let detail = format!("{}: {}", describe(service, m), m.doc);
            let name = offered_name(m, nested);
            CompletionItem::new(name, CompletionKind::Field, detail, replace)
        })
        .collect();
    let required: Vec<&Member> = members.iter().filter(|m| m.required).collect();
    let whole_member = member.value.is_missing()
        && text
            .get(member.key.range.start as usize..member.key.range.end as usize)
            .is_some_and(|k| k.starts_with('"'));
    if whole_member && present.len() <= 1 && required.len() > 1 {
        items.insert(
            0,
            required_snippet(service, &required, nested, member.key.range),
        );
    }
    Some(items)
}

/// One item that writes every required member, each value a placeholder of its type.
fn required_snippet(
    service: &Service,
    required: &[&Member],
    nested: bool,
    key: TextRange,
) -> CompletionItem {
    let members: Vec<String> = required
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let n = i + 1;
            let value = match service.shape(m.shape) {
                Shape::Structure(_) | Shape::Map { .. } | Shape::Document => format!("{{${n}}}"),
                Shape::List { .. } => format!("[${n}]"),
                Shape::Integer { .. } | Shape::Float { .. } => format!("${{{n}:0}}"),
                Shape::Boolean => format!("${{{n}:false}}"),
                Shape::String { enums, .. } if !enums.is_empty() => {
                    format!("\"${{{n}|{}|}}\"", enums.join(","))
                }
                _ => format!("\"${n}\""),
            };
            format!("\"{}\": {value}", offered_name(m, nested))
        })
        .collect();
    let names: Vec<&str> = required.iter().map(|m| offered_name(m, nested)).collect();
    CompletionItem {
        snippet: Some(members.join(", ")),
        ..CompletionItem::new(
            "(all required members)",
            CompletionKind::Snippet,
            format!("writes {}", names.join(", ")),
            key,
        )
    }
}

/// An enum member's values, for the string value `path` ends at.
pub(super) fn complete_value(path: &[Node<'_>], replace: TextRange) -> Option<Vec<CompletionItem>> {
    let (service, shape, _) = shape_at(path)?;
    let Shape::String { enums, .. } = service.shape(shape) else {
        return None;
    };
    (!enums.is_empty()).then(|| {
        enums
            .iter()
            .map(|e| CompletionItem::new(e.as_str(), CompletionKind::Value, "enum value", replace))
            .collect()
    })
}

/// Hover on the key `key` of the object `path` ends at: the member's type, whether required,
/// and its documentation.
pub(super) fn key_hover(path: &[Node<'_>], key: &str) -> Option<String> {
    let (service, shape, _) = shape_at(path)?;
    let name = key.strip_suffix(".$").unwrap_or(key);
    let member = service.members(shape).iter().find(|m| spelt(m, name))?;
    let mut markdown = format!("**{name}**: {}", describe(service, member));
    if let Shape::String { enums, .. } = service.shape(member.shape) {
        if !enums.is_empty() {
            let _ = write!(markdown, " — one of `{}`", enums.join("`, `"));
        }
    }
    if !member.doc.is_empty() {
        markdown.push_str("\n\n");
        markdown.push_str(&member.doc);
    }
    Some(markdown)
}

/// The one-line description of the operation a Resource calls, when a model describes it.
pub(super) fn operation_doc(resource: &str) -> Option<&'static str> {
    let doc = &target(&resolve(resource).ok()?)?.operation.doc;
    (!doc.is_empty()).then_some(doc.as_str())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use crate::ide::{complete, hover};
    use crate::model::StateMachine;
    use crate::syntax::{parse, Format};

    /// A Task calling `resource` with `payload` (a `|` marks the cursor) as its `field`.
    fn task(resource: &str, field: &str, payload: &str) -> (String, usize) {
        let text = format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}", "{field}": {payload}, "End": true}}}}}}"#
        );
        let offset = text.find('|').expect("a cursor");
        (text.replacen('|', "", 1), offset)
    }

    /// Each item as `label  detail` (and its snippet), one a line.
    fn completions(resource: &str, field: &str, payload: &str) -> String {
        let (text, offset) = task(resource, field, payload);
        let parsed = parse(&text, Format::Json);
        let mut out = String::new();
        for item in complete(&parsed.tree, &text, offset) {
            let _ = write!(out, "{}  {}", item.label, item.detail);
            if let Some(snippet) = item.snippet {
                let _ = write!(out, "\n    snippet: {snippet}");
            }
            out.push('\n');
        }
        out
    }

    fn hover_at(resource: &str, field: &str, payload: &str) -> Option<String> {
        let (text, offset) = task(resource, field, payload);
        let parsed = parse(&text, Format::Json);
        let machine = StateMachine::from_tree(parsed.tree.root());
        hover(&parsed.tree, &machine, &[], offset).map(|h| h.markdown)
    }

    #[test]
    fn members_of_an_optimized_integrations_input_required_first() {
        let sqs = completions(
            "arn:aws:states:::sqs:sendMessage",
            "Parameters",
            r#"{"MessageBody": "m", "|"}"#,
        );
        insta::assert_snapshot!(sqs);
    }

    #[test]
    fn a_snippet_writes_every_required_member_of_an_aws_sdk_action() {
        let put = completions(
            "arn:aws:states:::aws-sdk:dynamodb:putItem",
            "Arguments",
            r#"{"|"}"#,
        );
        insta::assert_snapshot!(put);
    }

    #[test]
    fn nested_members_enum_values_and_any_json_members() {
        let key = completions(
            "arn:aws:states:::dynamodb:getItem",
            "Parameters",
            r#"{"TableName": "t", "Key": {"id": {"|"}}}"#,
        );
        insta::assert_snapshot!("nested_attribute_value", key);
        let storage = completions(
            "arn:aws:states:::aws-sdk:s3:putObject",
            "Parameters",
            r#"{"Bucket": "b", "Key": "k", "StorageClass": "|"}"#,
        );
        assert!(storage.starts_with("STANDARD  enum value\n"), "{storage}");
        assert!(storage.contains("GLACIER  enum value"), "{storage}");
        // Lambda's Payload is any JSON: nothing from the model inside it.
        let payload = completions(
            "arn:aws:states:::lambda:invoke",
            "Parameters",
            r#"{"FunctionName": "f", "Payload": {"|"}}"#,
        );
        assert_eq!(payload, "");
    }

    #[test]
    fn hover_gives_a_members_type_requiredness_and_doc() {
        let body = hover_at(
            "arn:aws:states:::sqs:sendMessage",
            "Parameters",
            r#"{"QueueUrl": "q", "Message|Body.$": "$.m"}"#,
        );
        let class = hover_at(
            "arn:aws:states:::aws-sdk:s3:putObject",
            "Arguments",
            r#"{"Bucket": "b", "Key": "k", "Storage|Class": "COLD"}"#,
        );
        let resource = {
            let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution", "End": true}}}"#;
            let parsed = parse(text, Format::Json);
            let machine = StateMachine::from_tree(parsed.tree.root());
            let offset = text.find("describeExecution").expect("the action");
            hover(&parsed.tree, &machine, &[], offset).map(|h| h.markdown)
        };
        insta::assert_snapshot!(format!(
            "{}\n---\n{}\n---\n{}",
            body.unwrap_or_default(),
            class.unwrap_or_default(),
            resource.unwrap_or_default()
        ));
    }
}

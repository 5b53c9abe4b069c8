//! The smallest answer a service could give: an operation's output shape with its required
//! members only, each the least value of its type that its constraints allow (an enum's first
//! value, a string of its minimum length, a number at its lower bound, a list of its minimum
//! count). Used to answer a Task no mock describes and to write a mock file's responses.

use serde_json::{json, Map, Value};

use super::api::{Service, Shape, ShapeId};
use super::integration_models::target;
use super::output_check::{check_result, FieldValidationMode};
use super::{Pattern, Resource};

/// Deeper than any real output shape; stops a recursive shape (a tree of nodes) from looping.
const MAX_DEPTH: usize = 12;

/// The minimal valid result of a call to `resource` (`None`: a Resource that did not resolve).
/// A bare Lambda function ARN is answered like a Lambda Invoke (`StatusCode`, `Payload`), as
/// Step Functions Local's mocks are; anything no model describes (`.sync` jobs, callbacks,
/// activities, `apigateway:invoke`) answers `{}`.
pub fn minimal_result(resource: Option<&Resource>) -> Value {
    let Some(resource) = resource else {
        return json!({});
    };
    if let Resource::LambdaFunction { .. } = resource {
        return json!({"StatusCode": 200, "Payload": {}});
    }
    if resource.pattern() != Pattern::RequestResponse {
        return json!({});
    }
    let Some(target) = target(resource) else {
        return json!({});
    };
    let Some(output) = target.operation.output else {
        return json!({});
    };
    let mut result = minimal(target.service, output, 0);
    // The members the integration answers with any JSON (Lambda's Payload) are present, so
    // that a ResultSelector reading them finds them.
    if let (Some(rules), Some(object)) = (target.rules, result.as_object_mut()) {
        for path in rules.any_json_output {
            if !path.contains('.') {
                object.entry(*path).or_insert_with(|| json!({}));
            }
        }
        if rules.resource == "lambda:invoke" {
            object.entry("StatusCode").or_insert(json!(200));
        }
    }
    result
}

/// One step of a path into a result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Member(String),
    Index(usize),
}

/// The kind of value a reader of a result wants at a place.
#[derive(Clone, Debug, PartialEq)]
pub enum Wanted {
    /// Anything (the model's type where it knows the member).
    Any,
    Text,
    Number,
    Boolean,
    Array,
    Timestamp,
    Exactly(Value),
}

/// A place in a result that must hold a value, and what kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Demand {
    pub path: Vec<Step>,
    pub wanted: Wanted,
}

/// The minimal result of `resource` with a value at each place of `demands`, of the type the
/// output shape gives where it knows the member, else of the kind wanted (the first demand of
/// a place wins). A result the demands would make invalid for the API (a Choice's value
/// outside the member's enum) is the minimal result instead, so the mock file stays valid.
pub fn result_with(resource: Option<&Resource>, demands: &[Demand]) -> Value {
    let minimal_answer = minimal_result(resource);
    if demands.is_empty() {
        return minimal_answer;
    }
    let model = resource
        .filter(|r| r.pattern() == Pattern::RequestResponse)
        .and_then(target)
        .and_then(|t| Some((t.service, t.operation.output?, t.rules)));
    // A bare Lambda ARN's result is the Payload of its answer.
    let lambda_function = matches!(resource, Some(Resource::LambdaFunction { .. }));
    let mut result = minimal_answer.clone();
    let mut placed: Vec<&[Step]> = Vec::new();
    for demand in demands {
        if placed.contains(&demand.path.as_slice()) {
            continue;
        }
        placed.push(&demand.path);
        if lambda_function {
            let payload = &mut result["Payload"];
            put(payload, None, &demand.path, &demand.wanted);
            continue;
        }
        let shape = match (demand.path.first(), model) {
            (Some(Step::Member(first)), Some((service, output, rules))) => {
                let any_json = rules.is_some_and(|r| r.any_json_output.contains(&first.as_str()));
                (!any_json).then_some((service, output))
            }
            (_, model) => model.map(|(service, output, _)| (service, output)),
        };
        put(&mut result, shape, &demand.path, &demand.wanted);
    }
    match resource {
        Some(r) if check_result(r, &result, FieldValidationMode::Strict).is_err() => minimal_answer,
        _ => result,
    }
}

/// Put a value `wanted` at `path` inside `value`, whose shape is `shape` when known.
fn put(value: &mut Value, shape: Option<(&Service, ShapeId)>, path: &[Step], wanted: &Wanted) {
    let Some((step, rest)) = path.split_first() else {
        if !fits(value, wanted) {
            *value = leaf(shape, wanted);
        }
        return;
    };
    let inner = |id: Option<ShapeId>| Some((shape?.0, id?));
    match step {
        Step::Member(name) => {
            let member_shape = shape.and_then(|(service, id)| match service.shape(id) {
                Shape::Structure(members) => {
                    members.iter().find(|m| m.name == *name).map(|m| m.shape)
                }
                Shape::Map { value, .. } => Some(*value),
                _ => None,
            });
            if !value.is_object() {
                *value = json!({});
            }
            if let Some(object) = value.as_object_mut() {
                let entry = object.entry(name.clone()).or_insert(Value::Null);
                put(entry, inner(member_shape), rest, wanted);
            }
        }
        Step::Index(index) => {
            let member_shape = shape.and_then(|(service, id)| match service.shape(id) {
                Shape::List { member, .. } => Some(*member),
                _ => None,
            });
            if !value.is_array() {
                *value = json!([]);
            }
            if let Some(items) = value.as_array_mut() {
                while items.len() <= *index {
                    items.push(leaf(inner(member_shape), &Wanted::Any));
                }
                put(&mut items[*index], inner(member_shape), rest, wanted);
            }
        }
    }
}

fn fits(value: &Value, wanted: &Wanted) -> bool {
    match wanted {
        Wanted::Any => !value.is_null(),
        Wanted::Text | Wanted::Timestamp => value.is_string(),
        Wanted::Number => value.is_number(),
        Wanted::Boolean => value.is_boolean(),
        Wanted::Array => value.is_array(),
        Wanted::Exactly(exactly) => value == exactly,
    }
}

/// A value of kind `wanted`: the least of the model's shape when it knows one of that kind.
fn leaf(shape: Option<(&Service, ShapeId)>, wanted: &Wanted) -> Value {
    let modelled = shape.map(|(service, id)| (service.shape(id), minimal(service, id, 0)));
    let of_kind = modelled.filter(|(kind, _)| match wanted {
        Wanted::Any => true,
        Wanted::Text => matches!(kind, Shape::String { .. }),
        Wanted::Number => matches!(kind, Shape::Integer { .. } | Shape::Float { .. }),
        Wanted::Array => matches!(kind, Shape::List { .. }),
        Wanted::Boolean | Wanted::Timestamp | Wanted::Exactly(_) => false,
    });
    if let Some((_, value)) = of_kind {
        return value;
    }
    match wanted {
        Wanted::Any | Wanted::Text => json!("x"),
        Wanted::Number => json!(0),
        Wanted::Boolean => json!(false),
        Wanted::Array => json!([]),
        Wanted::Timestamp => json!("2026-01-01T00:00:00Z"),
        Wanted::Exactly(value) => value.clone(),
    }
}

/// The least value of shape `id`.
fn minimal(service: &Service, id: ShapeId, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match service.shape(id) {
        Shape::Structure(members) => Value::Object(
            members
                .iter()
                .filter(|m| m.required)
                .map(|m| (m.name.clone(), minimal(service, m.shape, depth + 1)))
                .collect::<Map<_, _>>(),
        ),
        Shape::List { member, min, .. } => {
            let count = min.unwrap_or(0.0).max(0.0) as usize;
            Value::Array(
                (0..count)
                    .map(|_| minimal(service, *member, depth + 1))
                    .collect(),
            )
        }
        Shape::Map { .. } | Shape::Document => json!({}),
        Shape::String { enums, min, .. } => match enums.first() {
            Some(first) => json!(first),
            None => json!("x".repeat(min.unwrap_or(1.0).max(1.0) as usize)),
        },
        Shape::Blob { min, .. } => json!("A".repeat(min.unwrap_or(0.0).max(0.0) as usize)),
        Shape::Integer { min, max } => json!(least(*min, *max) as i64),
        Shape::Float { min, max } => json!(least(*min, *max)),
        Shape::Boolean => json!(false),
        Shape::Timestamp => json!("2026-01-01T00:00:00Z"),
    }
}

/// 0 when the bounds allow it, else the bound nearest to it.
fn least(min: Option<f64>, max: Option<f64>) -> f64 {
    match (min, max) {
        (Some(min), _) if min > 0.0 => min,
        (_, Some(max)) if max < 0.0 => max,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::output_check::{check_result, FieldValidationMode};

    fn resource(text: &str) -> Resource {
        crate::model::integrations::resolve(text).expect("a known resource")
    }

    /// Each minimal result passes the STRICT check of its own output shape.
    #[test]
    fn minimal_results_pass_the_strict_check() {
        for text in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::sqs:sendMessage",
            "arn:aws:states:::dynamodb:getItem",
            "arn:aws:states:::aws-sdk:s3:getObject",
            "arn:aws:states:::aws-sdk:sfn:describeExecution",
            "arn:aws:states:::aws-sdk:ec2:describeInstances",
        ] {
            let resource = resource(text);
            let result = minimal_result(Some(&resource));
            assert_eq!(
                check_result(&resource, &result, FieldValidationMode::Strict),
                Ok(()),
                "{text}: {result}"
            );
        }
    }

    #[test]
    fn required_members_get_typed_values() {
        let sqs = minimal_result(Some(&resource("arn:aws:states:::sqs:sendMessage")));
        assert_eq!(
            sqs,
            json!({}),
            "SendMessage's output has no required member"
        );
        let describe = minimal_result(Some(&resource(
            "arn:aws:states:::aws-sdk:sfn:describeExecution",
        )));
        assert_eq!(describe["Status"], json!("RUNNING"));
        assert!(describe["ExecutionArn"].is_string());
        assert!(describe["StartDate"].is_string());
        let lambda = minimal_result(Some(&resource("arn:aws:states:::lambda:invoke")));
        assert_eq!(lambda, json!({"StatusCode": 200, "Payload": {}}));
    }
}

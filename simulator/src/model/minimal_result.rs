//! The smallest answer a service could give: an operation's output shape with its required
//! members only, each the least value of its type that its constraints allow (an enum's first
//! value, a string of its minimum length, a number at its lower bound, a list of its minimum
//! count). Used to answer a Task no mock describes and to write a mock file's responses.

use serde_json::{json, Map, Value};

use super::api::{Service, Shape, ShapeId};
use super::integration_models::target;
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

//! A service's answer checked against its API's output shape, as AWS's TestState checks a
//! mocked result (`mock.fieldValidationMode`): the member types, enums, lengths and bounds of
//! the members present, and in STRICT mode the required members too. Members the model does
//! not know are allowed; the members an optimized integration answers with any JSON (Lambda's
//! `Payload`) are not checked, nor are `.sync` and callback answers (not the API's output) or
//! integrations no model describes (`apigateway:invoke`).
//!
//! The messages are AWS's, as `../shared/conformance/localstack/test_state` records them
//! (`Field 'X' must be a string`, `Required field 'X' is missing`, ...); the few kinds AWS has
//! not been recorded answering (a string above its maximum length, a non-object where an
//! object belongs) follow the same pattern.

use serde_json::Value;

use super::api::{Service, Shape, ShapeId};
use super::integration_models::{target, Target};
use super::{Pattern, Resource};

/// `mock.fieldValidationMode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidationMode {
    /// The default: types checked and required members present.
    #[default]
    Strict,
    /// Only the members present are checked.
    Present,
    None,
}

/// Check `result`, the answer of the API `resource` calls, against the API's output shape.
/// `Err` holds what AWS writes after "Mock result schema validation error: ".
pub fn check_result(
    resource: &Resource,
    result: &Value,
    mode: FieldValidationMode,
) -> Result<(), String> {
    if mode == FieldValidationMode::None || resource.pattern() != Pattern::RequestResponse {
        return Ok(());
    }
    let Some(target) = target(resource) else {
        return Ok(());
    };
    let Some(output) = target.operation.output else {
        return Ok(());
    };
    let checker = Checker {
        service: target.service,
        target,
        strict: mode == FieldValidationMode::Strict,
    };
    checker.check(output, result, "", &mut Vec::new())
}

struct Checker {
    service: &'static Service,
    target: Target,
    strict: bool,
}

impl Checker {
    /// `value`, the member `field` (at `path` from the top), against the shape `id`.
    fn check<'v>(
        &self,
        id: ShapeId,
        value: &'v Value,
        field: &str,
        path: &mut Vec<&'v str>,
    ) -> Result<(), String> {
        if value.is_null() {
            return Ok(());
        }
        let wrong = |what: &str| Err(format!("Field '{field}' must be {what}"));
        match self.service.shape(id) {
            Shape::Structure(_) => self.structure(id, value, field, path),
            Shape::List { member, .. } => match value.as_array() {
                Some(items) => items
                    .iter()
                    .try_for_each(|item| self.check(*member, item, field, path)),
                None => wrong("an array"),
            },
            Shape::Map { value: each, .. } => match value.as_object() {
                Some(entries) => entries
                    .values()
                    .try_for_each(|item| self.check(*each, item, field, path)),
                None => wrong("an object"),
            },
            Shape::String { enums, min, max } => {
                let Some(text) = value.as_str() else {
                    return wrong("a string");
                };
                if !enums.is_empty() && !enums.iter().any(|e| e == text) {
                    return Err(format!("Field '{field}' is not an expected value"));
                }
                length(field, text.chars().count(), *min, *max)
            }
            Shape::Blob { min, max } => match value.as_str() {
                Some(text) => length(field, text.len(), *min, *max),
                None => wrong("a string"),
            },
            Shape::Integer { min, max } | Shape::Float { min, max } => match value.as_f64() {
                Some(n) => bounds(field, n, *min, *max),
                None => wrong("a number"),
            },
            Shape::Boolean if !value.is_boolean() => wrong("a boolean"),
            // A timestamp travels as text (or as epoch seconds).
            Shape::Timestamp if !value.is_string() && !value.is_number() => wrong("a string"),
            Shape::Boolean | Shape::Timestamp | Shape::Document => Ok(()),
        }
    }

    /// A structure: its required members first (STRICT), then each member present.
    fn structure<'v>(
        &self,
        id: ShapeId,
        value: &'v Value,
        field: &str,
        path: &mut Vec<&'v str>,
    ) -> Result<(), String> {
        let Some(object) = value.as_object() else {
            return Err(if field.is_empty() {
                "The mocked result must be an object".to_string()
            } else {
                format!("Field '{field}' must be an object")
            });
        };
        let members = self.service.members(id);
        if self.strict {
            if let Some(missing) = members
                .iter()
                .find(|m| m.required && !object.contains_key(&m.name))
            {
                return Err(format!("Required field '{}' is missing", missing.name));
            }
        }
        for (name, member_value) in object {
            let Some(member) = members.iter().find(|m| m.name == *name) else {
                continue;
            };
            path.push(name);
            let checked = if self.target.any_json_output(path) {
                Ok(())
            } else {
                self.check(member.shape, member_value, name, path)
            };
            path.pop();
            checked?;
        }
        Ok(())
    }
}

fn length(field: &str, length: usize, min: Option<f64>, max: Option<f64>) -> Result<(), String> {
    #[allow(clippy::cast_precision_loss)] // lengths are far below 2^52
    let length = length as f64;
    if min.is_some_and(|min| length < min) {
        return Err(format!(
            "Field '{field}' is smaller than the minimum length"
        ));
    }
    if max.is_some_and(|max| length > max) {
        return Err(format!("Field '{field}' is larger than the maximum length"));
    }
    Ok(())
}

fn bounds(field: &str, n: f64, min: Option<f64>, max: Option<f64>) -> Result<(), String> {
    if min.is_some_and(|min| n < min) {
        return Err(format!("Field '{field}' is less than the minimum value"));
    }
    if max.is_some_and(|max| n > max) {
        return Err(format!("Field '{field}' exceeds the maximum value"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resource(arn: &str) -> Resource {
        crate::model::integrations::resolve(arn).expect("a known resource")
    }

    #[test]
    fn strict_wants_required_members_present_wants_types_only() {
        let start = resource("arn:aws:states:::states:startExecution");
        let strict = check_result(&start, &json!({}), FieldValidationMode::Strict);
        assert_eq!(
            strict,
            Err("Required field 'ExecutionArn' is missing".to_string())
        );
        assert_eq!(
            check_result(&start, &json!({}), FieldValidationMode::Present),
            Ok(())
        );
        let wrong = json!({"ExecutionArn": 1});
        assert_eq!(
            check_result(&start, &wrong, FieldValidationMode::Present),
            Err("Field 'ExecutionArn' must be a string".to_string())
        );
        assert_eq!(
            check_result(&start, &wrong, FieldValidationMode::None),
            Ok(())
        );
    }

    #[test]
    fn any_json_members_and_callbacks_are_not_checked() {
        let invoke = resource("arn:aws:states:::lambda:invoke");
        let answer = json!({"StatusCode": 200, "Payload": {"any": ["json"]}});
        assert_eq!(
            check_result(&invoke, &answer, FieldValidationMode::Strict),
            Ok(())
        );
        let callback = resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
        assert_eq!(
            check_result(&callback, &json!({"any": 1}), FieldValidationMode::Strict),
            Ok(())
        );
    }
}

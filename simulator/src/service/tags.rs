//! TagResource, UntagResource, ListTagsForResource: tags of state machines and activities.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::names::{self, Kind};
use super::{arn_member, required, ApiError, Service};

/// A request's `tags`: `[{"key", "value"}]`.
pub(super) fn tag_list(tags: Option<&Value>) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    let Some(tags) = tags.filter(|t| !t.is_null()) else {
        return Ok(out);
    };
    let list = tags
        .as_array()
        .ok_or_else(|| ApiError::serialization("The member 'tags' must be a list."))?;
    for tag in list {
        let key = required(tag, "key")?;
        let value = tag["value"].as_str().unwrap_or_default();
        if key.is_empty() || key.chars().count() > 128 || value.chars().count() > 256 {
            return Err(ApiError::validation(format!(
                "1 validation error detected: the tag '{key}' does not satisfy the constraints: a key of 1 to 128 characters, a value of at most 256"
            )));
        }
        out.insert(key.to_string(), value.to_string());
    }
    if out.len() > 50 {
        return Err(ApiError::new(
            "TooManyTags",
            "Too many tags: a resource has at most 50",
        ));
    }
    Ok(out)
}

/// The resource an ARN names, if it exists.
fn resource(service: &Service, request: &Value) -> Result<String, ApiError> {
    let arn = arn_member(request, "resourceArn")?;
    names::check_arn(&arn, &[Kind::StateMachine, Kind::Activity])?;
    if service.state_machines.contains_key(&arn) || service.activities.contains_key(&arn) {
        Ok(arn)
    } else {
        Err(ApiError::new(
            "ResourceNotFound",
            format!("Resource not found: '{arn}'"),
        ))
    }
}

pub(super) fn tag(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &resource(service, request)?;
    let tags = tag_list(request.get("tags"))?;
    let held = service.tags.entry(arn.clone()).or_default();
    held.extend(tags);
    if held.len() > 50 {
        return Err(ApiError::new(
            "TooManyTags",
            "Too many tags: a resource has at most 50",
        ));
    }
    Ok(json!({}))
}

pub(super) fn untag(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &resource(service, request)?;
    let keys = request["tagKeys"]
        .as_array()
        .ok_or_else(|| ApiError::validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"))?;
    if let Some(held) = service.tags.get_mut(arn) {
        for key in keys.iter().filter_map(Value::as_str) {
            held.remove(key);
        }
    }
    Ok(json!({}))
}

pub(super) fn list(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &resource(service, request)?;
    let tags: Vec<Value> = service
        .tags
        .get(arn)
        .into_iter()
        .flatten()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect();
    Ok(json!({"tags": tags}))
}

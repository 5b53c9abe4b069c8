//! The lists' pages: `maxResults` (AWS's bounds) and `nextToken`, an opaque token that holds
//! where the next page starts, so a page costs its own length.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::Value;

use super::ApiError;

/// `maxResults`: 0 or absent for the default of 100, at most 1000.
pub fn page_size(request: &Value) -> Result<usize, ApiError> {
    match request.get("maxResults") {
        None | Some(Value::Null) => Ok(100),
        Some(value) => match value.as_u64() {
            Some(0) => Ok(100),
            Some(n) if n <= 1000 => Ok(n as usize),
            _ => Err(ApiError::validation(format!(
                "1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
            ))),
        },
    }
}

/// The position a `nextToken` stands for, for the list `list` (a token from another list is
/// refused).
pub fn position(request: &Value, list: &str) -> Result<Option<String>, ApiError> {
    let Some(token) = super::optional(request, "nextToken")? else {
        return Ok(None);
    };
    let invalid = || ApiError::new("InvalidToken", format!("Invalid Token: '{token}'"));
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid)?;
    let (of, at) = text.rsplit_once('@').ok_or_else(invalid)?;
    if of != list {
        return Err(invalid());
    }
    Ok(Some(at.to_string()))
}

/// A numeric position (an index or a sequence number).
pub fn index(request: &Value, list: &str) -> Result<Option<u64>, ApiError> {
    match position(request, list)? {
        None => Ok(None),
        Some(at) => at.parse().map(Some).map_err(|_| {
            ApiError::new(
                "InvalidToken",
                "Invalid Token: the token does not name a place in this list",
            )
        }),
    }
}

/// A page's entries and the next page's token, if any.
pub type Page<'m, V> = (Vec<(&'m String, &'m V)>, Option<Value>);

/// A page of a list kept by key (ARNs in order), from where the request's `nextToken` says: its
/// entries, and the token of the next page when more follow.
pub fn keyed_page<'m, V>(
    map: &'m BTreeMap<String, V>,
    request: &Value,
    list: &str,
) -> Result<Page<'m, V>, ApiError> {
    let size = page_size(request)?;
    let from = position(request, list)?.unwrap_or_default();
    let mut page: Vec<_> = map.range(from..).take(size + 1).collect();
    let next = (page.len() > size)
        .then(|| page.pop())
        .flatten()
        .map(|(key, _)| next_token(list, key));
    Ok((page, next))
}

/// The token for the page that starts at `position` of `list`.
pub fn next_token(list: &str, position: impl std::fmt::Display) -> Value {
    Value::String(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{list}@{position}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_round_trip_and_belong_to_their_list() {
        let token = next_token("history:arn", 200);
        let request = json!({"nextToken": token});
        assert_eq!(index(&request, "history:arn"), Ok(Some(200)));
        assert_eq!(
            position(&request, "history:other").map_err(|e| e.type_name),
            Err("InvalidToken")
        );
        assert_eq!(
            position(&json!({"nextToken": "garbage!"}), "x").map_err(|e| e.type_name),
            Err("InvalidToken")
        );
        assert_eq!(
            page_size(&json!({"maxResults": 1001})).map_err(|e| e.type_name),
            Err("ValidationException")
        );
        assert_eq!(page_size(&json!({})), Ok(100));
    }
}

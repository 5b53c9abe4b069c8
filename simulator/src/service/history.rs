//! GetExecutionHistory: a page of the events the engine keeps (written once, as things
//! happen), turned into AWS's shape one event at a time: a page costs its own length.

use serde_json::{Map, Value};

use super::{arn_member, paging, timestamp, ApiError, Service};
use crate::engine::Event;

/// The members of an event's details that carry execution data.
const DATA_MEMBERS: [&str; 4] = ["input", "inputDetails", "output", "outputDetails"];

pub(super) fn get_execution_history(
    service: &mut Service,
    request: &Value,
) -> Result<Value, ApiError> {
    let arn = &arn_member(request, "executionArn")?;
    service.catch_up(arn);
    let record = super::executions::record(service, arn)?;
    let size = paging::page_size(request)?;
    let reverse = request["reverseOrder"].as_bool().unwrap_or(false);
    let with_data = request["includeExecutionData"].as_bool().unwrap_or(true);
    let events = &record.execution().events;
    let list = format!("history:{arn}:{reverse}");
    // The number of events already given, from the start or (reversed) from the end.
    let skip = paging::index(request, &list)?.unwrap_or(0) as usize;
    let skip = skip.min(events.len());
    let page: Vec<&Event> = if reverse {
        events[..events.len() - skip]
            .iter()
            .rev()
            .take(size)
            .collect()
    } else {
        events[skip..].iter().take(size).collect()
    };
    let given = skip + page.len();
    let mut out = Map::new();
    out.insert(
        "events".into(),
        page.into_iter().map(|e| event_json(e, with_data)).collect(),
    );
    if given < events.len() {
        out.insert("nextToken".into(), paging::next_token(&list, given));
    }
    Ok(Value::Object(out))
}

/// One event as the API sends it: the engine's shape, with the timestamp in epoch seconds.
fn event_json(event: &Event, with_data: bool) -> Value {
    let mut json = event.to_json();
    json["timestamp"] = timestamp(event.timestamp_ms);
    if !with_data {
        if let Some(members) = json.as_object_mut() {
            for details in members.values_mut().filter_map(Value::as_object_mut) {
                for member in DATA_MEMBERS {
                    details.remove(member);
                }
            }
        }
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_is_left_out_when_asked() {
        let event = Event {
            id: 1,
            previous_event_id: 0,
            lane: 0,
            timestamp_ms: 1500,
            kind: "ExecutionSucceeded",
            details: crate::engine::Details::Output(Box::new(json!({"a": 1}))),
        };
        let with = event_json(&event, true);
        assert_eq!(with["timestamp"], json!(1.5));
        assert_eq!(
            with["executionSucceededEventDetails"]["output"],
            json!("{\"a\":1}")
        );
        let without = event_json(&event, false);
        assert_eq!(without["executionSucceededEventDetails"], json!({}));
    }
}

//! CreateActivity, DescribeActivity, ListActivities, DeleteActivity, and GetActivityTask: an
//! activity task that no mock answers waits in its activity's queue for a worker.

use serde_json::{json, Map, Value};

use super::names::{self, Kind};
use super::{arn_member, optional, paging, required, timestamp, ApiError, Poll, Reply, Service};
use crate::engine::{TokenState, WorkerTask};

pub(super) struct ActivityRecord {
    pub name: String,
    pub created_ms: i64,
}

fn summary(arn: &str, record: &ActivityRecord) -> Value {
    json!({"activityArn": arn, "name": record.name, "creationDate": timestamp(record.created_ms)})
}

pub(super) fn create(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let name = required(request, "name")?;
    names::check_name(name, "activity")?;
    let arn = names::activity_arn(name);
    let tags = super::tags::tag_list(request.get("tags"))?;
    let now = service.clock.now_ms();
    let created_ms = service
        .activities
        .entry(arn.clone())
        .or_insert_with(|| ActivityRecord {
            name: name.to_string(),
            created_ms: now,
        })
        .created_ms;
    if !tags.is_empty() {
        service.tags.entry(arn.clone()).or_default().extend(tags);
    }
    Ok(json!({"activityArn": arn, "creationDate": timestamp(created_ms)}))
}

fn activity<'s>(service: &'s Service, arn: &str) -> Result<&'s ActivityRecord, ApiError> {
    names::check_arn(arn, &[Kind::Activity])?;
    service.activities.get(arn).ok_or_else(|| {
        ApiError::new(
            "ActivityDoesNotExist",
            format!("Activity Does Not Exist: '{arn}'"),
        )
    })
}

pub(super) fn describe(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &arn_member(request, "activityArn")?;
    Ok(summary(arn, activity(service, arn)?))
}

pub(super) fn list(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let (page, next) = paging::keyed_page(&service.activities, request, "activities")?;
    let mut out = Map::new();
    if let Some(next) = next {
        out.insert("nextToken".into(), next);
    }
    let page = page.into_iter().map(|(arn, r)| summary(arn, r)).collect();
    out.insert("activities".into(), Value::Array(page));
    Ok(Value::Object(out))
}

pub(super) fn delete(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &arn_member(request, "activityArn")?;
    names::check_arn(arn, &[Kind::Activity])?;
    service.activities.remove(arn);
    service.tags.remove(arn);
    Ok(json!({}))
}

/// GetActivityTask: the oldest task waiting for a worker, or (the front end waits up to 60 s)
/// later.
pub(super) fn get_activity_task(service: &mut Service, request: &Value) -> Result<Reply, ApiError> {
    let arn = &arn_member(request, "activityArn")?;
    optional(request, "workerName")?;
    activity(service, arn)?;
    let poll = Poll::ActivityTask {
        activity_arn: arn.clone(),
    };
    Ok(match service.poll(&poll) {
        Some(task) => Reply::Done(task),
        None => Reply::Later(poll),
    })
}

impl Service {
    /// The next activity task still waiting: `{taskToken, input}`.
    pub(super) fn next_activity_task(&mut self, activity_arn: &str) -> Option<Value> {
        loop {
            let token = self.activity_tasks.get_mut(activity_arn)?.pop_front()?;
            let Some((arn, index)) = self.tokens.get(&token).cloned() else {
                continue;
            };
            // A task whose timeout has passed is not handed out.
            self.catch_up(&arn);
            let Some(record) = self.executions.get(&arn) else {
                continue;
            };
            let issued = &record.execution().tokens[index];
            if !record.run.is_paused() || issued.state_now != TokenState::Waiting {
                continue;
            }
            if let Some(WorkerTask::Activity { input, .. }) = issued.worker.as_deref() {
                return Some(json!({"taskToken": token, "input": input.to_string()}));
            }
        }
    }
}

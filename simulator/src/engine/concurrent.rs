//! Parallel branches and Map iterations: run one after another by this interpreter, but side by
//! side on the virtual clock, as AWS runs them. Each child starts when a concurrency slot frees
//! (at once without a limit); the first failure in virtual time aborts the children still
//! running then; the history is merged into time order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde_json::Value;

use super::{Details, Engine, Event, Failure, PAUSED};

/// A Distributed Map's ToleratedFailureCount / ToleratedFailurePercentage: how many failed
/// children the Map Run bears before it fails with States.ExceedToleratedFailureThreshold.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Tolerated {
    pub count: Option<u64>,
    pub percentage: Option<f64>,
}

impl Tolerated {
    pub(super) fn exceeded(self, failed: usize, total: usize) -> bool {
        let over_count = self.count.is_some_and(|c| failed as u64 > c);
        #[allow(clippy::cast_precision_loss)] // counts of children are far below 2^52
        let over_percentage = self
            .percentage
            .is_some_and(|p| total > 0 && failed as f64 * 100.0 / total as f64 > p);
        over_count || over_percentage
    }
}

/// How one child ended.
struct Ended {
    /// Virtual time of the end.
    at_ms: i64,
    /// Its events, `first..last` in `Engine::events` before merging.
    events: std::ops::Range<usize>,
}

impl Engine<'_> {
    /// Run `children` side by side, at most `limit` at once (`0`: no limit). `run` runs one
    /// child from the current clock. The outputs in order, or the failure that came first.
    pub(super) fn side_by_side<C>(
        &mut self,
        children: Vec<C>,
        limit: usize,
        lockstep: bool,
        tolerated: Option<Tolerated>,
        mut run: impl FnMut(&mut Self, usize, C) -> Result<Value, Failure>,
        mut aborted: impl FnMut(&mut Self, usize),
    ) -> Result<Vec<Value>, Failure> {
        let start_ms = self.clock_ms;
        let first_event = self.events.len();
        // When each slot frees; a child takes the earliest (a heap: MaxConcurrency may be
        // thousands).
        let mut slots: BinaryHeap<Reverse<i64>> = BinaryHeap::new();
        let mut ended: Vec<Ended> = Vec::with_capacity(children.len());
        let total = children.len();
        let mut outputs = Vec::with_capacity(children.len());
        let mut failure: Option<(i64, Failure)> = None;
        // With a tolerance: each failed child, when it failed; its output is its error.
        let mut tolerated_failures: Vec<i64> = Vec::new();
        // A child that reached a driver's "now" holds its siblings back from nothing.
        let mut paused: Option<Failure> = None;
        for (index, child) in children.into_iter().enumerate() {
            let starts_at = if limit == 0 || slots.len() < limit {
                start_ms
            } else {
                slots.pop().map_or(start_ms, |Reverse(at)| at)
            };
            // A child that would start after the first failure never starts.
            if failure.as_ref().is_some_and(|(at, _)| *at <= starts_at) {
                break;
            }
            self.clock_ms = starts_at;
            let events_before = self.events.len();
            let outer_lane = self.lane;
            self.lanes += 1;
            self.lane = self.lanes;
            let result = run(self, index, child);
            self.lane = outer_lane;
            let end = self.clock_ms;
            if limit != 0 {
                slots.push(Reverse(end));
            }
            ended.push(Ended {
                at_ms: end,
                events: events_before..self.events.len(),
            });
            match result {
                Ok(output) => outputs.push(output),
                Err(f) if f.error == PAUSED => paused = Some(f),
                Err(f) if tolerated.is_some() && !f.halts() => {
                    tolerated_failures.push(end);
                    outputs.push(serde_json::json!({"Error": f.error, "Cause": f.cause}));
                }
                Err(f) => {
                    if failure.as_ref().is_none_or(|(at, _)| end < *at) {
                        failure = Some((end, f));
                    }
                }
            }
        }
        if let Some(tolerated) = tolerated {
            // The failure that crossed the threshold, in virtual time, fails the Map Run then.
            tolerated_failures.sort_unstable();
            let crossed = tolerated_failures
                .iter()
                .enumerate()
                .find(|(k, _)| tolerated.exceeded(k + 1, total))
                .map(|(_, at)| *at);
            if let Some(at) = crossed {
                if failure.as_ref().is_none_or(|(first, _)| at < *first) {
                    failure = Some((
                        at,
                        Failure::new(
                            "States.ExceedToleratedFailureThreshold",
                            "The specified tolerated failure threshold was exceeded",
                        ),
                    ));
                }
            }
        }
        match failure {
            None => {
                self.clock_ms = ended.iter().map(|e| e.at_ms).max().unwrap_or(start_ms);
                self.merge(first_event, &ended, None, lockstep);
                match paused {
                    Some(p) => Err(p),
                    None => Ok(outputs),
                }
            }
            Some((at_ms, f)) => {
                self.merge(first_event, &ended, Some(at_ms), lockstep);
                // Children still running when the failure came are aborted then.
                self.clock_ms = at_ms;
                let running: Vec<usize> = ended
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.at_ms > at_ms)
                    .map(|(i, _)| i)
                    .collect();
                for index in running {
                    aborted(self, index);
                }
                Err(f)
            }
        }
    }

    /// Put the children's events in time order (stable: at one instant, child order), dropping
    /// what would have happened after `cut_ms`, and number them again. A child cut short gets
    /// the `...StateAborted` of the state it was in.
    fn merge(&mut self, first_event: usize, ended: &[Ended], cut_ms: Option<i64>, lockstep: bool) {
        let cut = cut_ms.unwrap_or(i64::MAX);
        let in_order = self.events[first_event..]
            .windows(2)
            .all(|w| w[0].timestamp_ms <= w[1].timestamp_ms);
        let all_before_cut = self.events[first_event..]
            .iter()
            .all(|e| e.timestamp_ms <= cut);
        let several = lockstep && ended.iter().filter(|c| !c.events.is_empty()).count() > 1;
        if in_order && all_before_cut && !several {
            return;
        }
        let mut tail: Vec<Event> = self.events.drain(first_event..).collect();
        // (step within its child, child) for each kept event: children run in lockstep.
        let mut kept: Vec<(usize, usize, Event)> = Vec::with_capacity(tail.len());
        for (child_index, child) in ended.iter().enumerate() {
            let range = (child.events.start - first_event)..(child.events.end - first_event);
            let events = &mut tail[range];
            let before: Vec<&Event> = events.iter().filter(|e| e.timestamp_ms <= cut).collect();
            let cut_short = child.at_ms > cut;
            // Every state it was in, innermost first (a nested Parallel or Map and the task
            // inside it are all aborted).
            let aborts: Vec<Event> = if cut_short {
                in_progress(before.iter().copied())
                    .into_iter()
                    .rev()
                    .map(|(kind, name, lane)| Event {
                        id: 0,
                        previous_event_id: 0,
                        lane,
                        timestamp_ms: cut,
                        kind,
                        details: Details::StateAborted { name },
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let steps = before.len();
            kept.extend(
                before
                    .into_iter()
                    .enumerate()
                    .map(|(step, e)| (step, child_index, e.clone())),
            );
            kept.extend(
                aborts
                    .into_iter()
                    .enumerate()
                    .map(|(k, e)| (steps + k, child_index, e)),
            );
        }
        // Aborts last at their instant: the failure that caused them comes first.
        kept.sort_by_key(|(step, child, e)| {
            (
                e.timestamp_ms,
                matches!(e.details, Details::StateAborted { .. }),
                if lockstep { *step } else { 0 },
                *child,
            )
        });
        for (offset, (_, _, mut event)) in kept.into_iter().enumerate() {
            event.id = first_event + offset + 1;
            event.previous_event_id = event.id - 1;
            self.events.push(event);
        }
    }
}

/// The states entered and not yet left in `events`, outermost first, with the event that
/// records each one's abort and the lane it runs in.
pub(super) fn in_progress<'e>(
    events: impl Iterator<Item = &'e Event>,
) -> Vec<(&'static str, crate::syntax::Text, u32)> {
    let mut open: Vec<(&'static str, crate::syntax::Text, u32)> = Vec::new();
    for event in events {
        match &event.details {
            Details::StateEntered { name, .. } => {
                if let Some(aborted) = aborted_kind(event.kind) {
                    open.push((aborted, name.clone(), event.lane));
                }
            }
            Details::StateExited { name, .. } | Details::StateAborted { name } => {
                if let Some(i) = open
                    .iter()
                    .rposition(|(_, n, lane)| n == name && *lane == event.lane)
                {
                    open.remove(i);
                }
            }
            _ => {}
        }
    }
    open
}

/// The abort event of a state that can be in progress when a sibling fails.
pub(super) fn aborted_kind(entered: &str) -> Option<&'static str> {
    match entered {
        "TaskStateEntered" => Some("TaskStateAborted"),
        "WaitStateEntered" => Some("WaitStateAborted"),
        "MapStateEntered" => Some("MapStateAborted"),
        "ParallelStateEntered" => Some("ParallelStateAborted"),
        _ => None,
    }
}

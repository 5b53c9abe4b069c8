//! Parallel branches and Map iterations: run one after another by this interpreter, but side by
//! side on the virtual clock, as AWS runs them. Each child starts when a concurrency slot frees
//! (at once without a limit); the first failure in virtual time aborts the children still
//! running then; the history is merged into time order.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::resume::Frame;
use super::{Details, Engine, Event, Failure, StateKind, StateMachine, PAUSED};

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

/// How one child ended, for the merge of a first pass.
struct Ended {
    /// Virtual time of the end (of the pause, for a paused child).
    at_ms: i64,
    paused: bool,
    /// Its events, `first..last` in `Engine::events` before merging.
    events: std::ops::Range<usize>,
}

/// A Parallel's branches or a Map's iterations, as a frame: each child started, ended or
/// paused where it stands, and those still to start.
#[derive(Clone, Debug)]
pub(super) struct Siblings {
    pub(super) family: Family,
    limit: usize,
    lockstep: bool,
    tolerated: Option<Tolerated>,
    total: usize,
    /// The inputs of the children not yet started, in order (a branch's input is its
    /// Parallel's, in `Family::Branches`: its entry here is `null`).
    pending: VecDeque<Value>,
    /// Each child started, in order: `Some` while it is paused (boxed, so that a run that
    /// never pauses keeps one pointer per child).
    children: Vec<Option<Box<Paused>>>,
    /// When the concurrency slots of ended children freed (a child takes the earliest; a
    /// heap: MaxConcurrency may be thousands).
    free_at: BinaryHeap<Reverse<i64>>,
    /// Paused children, each holding its slot.
    held: usize,
    /// Each started child's output (`null` until it ends; only a finished pass reads them).
    outputs: Vec<Value>,
    failure: Option<(i64, Failure)>,
    /// With a tolerance: each failed child, when it failed; its output is its error.
    tolerated_failures: Vec<i64>,
    /// Paused children by wake-up (entries for children since resumed are skipped).
    wakes: BinaryHeap<Reverse<(i64, usize)>>,
}

/// How a Parallel or Map begins: its children, or (tested) its mocked result.
pub(super) enum Start {
    Children(Box<Siblings>),
    Mocked(Result<Value, Failure>),
}

#[derive(Clone, Debug)]
pub(super) enum Family {
    Branches { input: Arc<Value> },
    Iterations { distributed: bool },
}

/// A child paused where it stands: its frames, its variables and its lane.
#[derive(Clone, Debug)]
struct Paused {
    frames: Vec<Frame>,
    scope: Map<String, Value>,
    lane: u32,
    wake: Option<i64>,
}

impl Siblings {
    /// `inputs` run side by side, at most `limit` at once (`0`: no limit).
    pub(super) fn new(
        family: Family,
        inputs: Vec<Value>,
        limit: usize,
        lockstep: bool,
        tolerated: Option<Tolerated>,
    ) -> Box<Self> {
        let total = inputs.len();
        Box::new(Siblings {
            family,
            limit,
            lockstep,
            tolerated,
            total,
            pending: inputs.into(),
            children: Vec::with_capacity(total),
            free_at: BinaryHeap::new(),
            held: 0,
            outputs: Vec::with_capacity(total),
            failure: None,
            tolerated_failures: Vec::new(),
            wakes: BinaryHeap::new(),
        })
    }

    /// When the next child may start, if one may (`None`: every slot is held by a paused
    /// child, or none is left).
    fn next_start(&mut self, start_ms: i64) -> Option<i64> {
        if self.pending.is_empty() {
            return None;
        }
        let starts_at = if self.limit == 0 || self.free_at.len() + self.held < self.limit {
            start_ms
        } else {
            self.free_at.pop().map(|Reverse(at)| at)?
        };
        // A child that would start after the first failure never starts.
        match &self.failure {
            Some((at, _)) if *at <= starts_at => None,
            _ => Some(starts_at),
        }
    }

    /// The earliest wake-up of a paused child.
    fn wake(&mut self) -> Option<i64> {
        while let Some(Reverse((at, index))) = self.wakes.peek().copied() {
            match self.children[index].as_deref() {
                Some(Paused { wake: Some(w), .. }) if *w == at => return Some(at),
                _ => {
                    self.wakes.pop();
                }
            }
        }
        None
    }

    /// The paused children due at `at_ms`, in order.
    fn due(&mut self, at_ms: i64, target: Option<usize>) -> Vec<usize> {
        let mut due: Vec<usize> = target.into_iter().collect();
        while let Some(wake) = self.wake().filter(|w| *w <= at_ms) {
            let _ = wake;
            if let Some(Reverse((_, index))) = self.wakes.pop() {
                due.push(index);
            }
        }
        due.sort_unstable();
        due.dedup();
        due
    }

    fn is_done(&self) -> bool {
        self.held == 0 && self.pending.is_empty()
    }

    /// The failure that crossed a Map Run's tolerance first, if one did (in virtual time).
    fn crossing(&mut self) {
        let Some(tolerated) = self.tolerated else {
            return;
        };
        self.tolerated_failures.sort_unstable();
        let total = self.total;
        let crossed = self
            .tolerated_failures
            .iter()
            .enumerate()
            .find(|(k, _)| tolerated.exceeded(k + 1, total))
            .map(|(_, at)| *at);
        if let Some(at) = crossed {
            if self.failure.as_ref().is_none_or(|(first, _)| at < *first) {
                self.failure = Some((
                    at,
                    Failure::new(
                        "States.ExceedToleratedFailureThreshold",
                        "The specified tolerated failure threshold was exceeded",
                    ),
                ));
            }
        }
    }
}

impl<'t> Engine<'t> {
    /// Run the children of `siblings` side by side on the virtual clock: a first pass
    /// (`resumed` false) starts them from the current clock; resumed, only the children due
    /// now go on. `run` runs a child: its index and, started fresh, its input (`None`: resume
    /// it from the frames in `Engine::resume`); generic, so that the loop over thousands of
    /// iterations calls it directly. The outputs in order, or the failure that came first
    /// (each child still running then aborted, with `aborted`), or a pause, `siblings` left as
    /// a frame.
    pub(super) fn side_by_side<R>(
        &mut self,
        mut siblings: Box<Siblings>,
        resumed: bool,
        run: &mut R,
        aborted: &mut dyn FnMut(&mut Self, usize),
        machine_of: &dyn Fn(usize) -> &'t StateMachine,
    ) -> Result<Vec<Value>, Failure>
    where
        R: FnMut(&mut Self, usize, Option<Value>) -> Result<Value, Failure>,
    {
        let start_ms = self.clock_ms;
        let first_event = self.events.len();
        // A first pass starts every child it can (resumed, few or none start).
        let mut ended: Vec<Ended> =
            Vec::with_capacity(if resumed { 0 } else { siblings.pending.len() });
        if resumed {
            self.resume_due(&mut siblings, run);
        }
        while let Some(starts_at) = siblings.next_start(start_ms) {
            self.clock_ms = starts_at;
            let events_before = self.events.len();
            let input = siblings.pending.pop_front();
            let index = siblings.children.len();
            siblings.children.push(None);
            siblings.outputs.push(Value::Null);
            self.lanes += 1;
            let lane = self.lanes;
            let (result, scope, wake) = self.run_child(index, lane, Map::new(), input, run);
            ended.push(Ended {
                at_ms: self.clock_ms,
                paused: matches!(&result, Err(f) if f.error == PAUSED),
                events: events_before..self.events.len(),
            });
            self.child_ended(&mut siblings, index, result, scope, lane, wake);
        }
        siblings.crossing();
        // Children that ran past the failure are cut short there.
        let mut past_cut = Vec::new();
        if !resumed {
            let cut = siblings.failure.as_ref().map(|(at, _)| *at);
            match cut {
                None => {
                    self.clock_ms = ended.iter().map(|e| e.at_ms).max().unwrap_or(start_ms);
                }
                Some(cut) => {
                    past_cut = (ended.iter().enumerate())
                        .filter(|(_, e)| e.at_ms > cut && !e.paused)
                        .map(|(i, _)| i)
                        .collect();
                }
            }
            self.merge(first_event, &ended, cut, siblings.lockstep);
        }
        self.siblings_end(siblings, &past_cut, resumed, aborted, machine_of)
    }

    /// Resuming: run the paused children due now (the clock reached their wake-up, or the
    /// token answered is theirs).
    fn resume_due<R>(&mut self, siblings: &mut Siblings, run: &mut R)
    where
        R: FnMut(&mut Self, usize, Option<Value>) -> Result<Value, Failure>,
    {
        let at_ms = self.clock_ms;
        let target = self.target.pop().map(|i| i as usize);
        let beyond = std::mem::take(&mut self.target);
        for index in siblings.due(at_ms, target) {
            let Some(paused) = siblings.children[index].take() else {
                continue;
            };
            let Paused {
                frames,
                scope,
                lane,
                ..
            } = *paused;
            siblings.held -= 1;
            self.clock_ms = at_ms;
            self.resume = frames;
            if Some(index) == target {
                self.target.clone_from(&beyond);
            }
            let (result, scope, wake) = self.run_child(index, lane, scope, None, run);
            self.target.clear();
            self.resume.clear();
            self.child_ended(siblings, index, result, scope, lane, wake);
        }
        self.clock_ms = at_ms;
    }

    /// One child run in its lane and its own variable scope; its result, its scope after,
    /// and its wake-up if it paused.
    #[inline]
    fn run_child<R>(
        &mut self,
        index: usize,
        lane: u32,
        scope: Map<String, Value>,
        input: Option<Value>,
        run: &mut R,
    ) -> (Result<Value, Failure>, Map<String, Value>, Option<i64>)
    where
        R: FnMut(&mut Self, usize, Option<Value>) -> Result<Value, Failure>,
    {
        let outer_lane = std::mem::replace(&mut self.lane, lane);
        let outer_wake = self.wakes_at_ms.take();
        self.scopes.push(scope);
        self.fiber.push(index as u32);
        let result = run(self, index, input);
        self.fiber.pop();
        let scope = self.scopes.pop().unwrap_or_default();
        let wake = std::mem::replace(&mut self.wakes_at_ms, outer_wake);
        self.lane = outer_lane;
        (result, scope, wake)
    }

    /// Record how child `index` came out of a run.
    #[inline]
    fn child_ended(
        &mut self,
        siblings: &mut Siblings,
        index: usize,
        result: Result<Value, Failure>,
        scope: Map<String, Value>,
        lane: u32,
        wake: Option<i64>,
    ) {
        let end = self.clock_ms;
        let paused = matches!(&result, Err(f) if f.error == PAUSED);
        if paused {
            let frames = std::mem::take(&mut self.unwound);
            siblings.children[index] = Some(Box::new(Paused {
                frames,
                scope,
                lane,
                wake,
            }));
            siblings.held += 1;
            if let Some(wake) = wake {
                siblings.wakes.push(Reverse((wake, index)));
            }
            return;
        }
        if siblings.limit != 0 {
            siblings.free_at.push(Reverse(end));
        }
        match result {
            Ok(output) => siblings.outputs[index] = output,
            Err(f) if siblings.tolerated.is_some() && !f.halts() => {
                siblings.tolerated_failures.push(end);
                siblings.outputs[index] = serde_json::json!({"Error": f.error, "Cause": f.cause});
            }
            Err(f) => {
                if siblings.failure.as_ref().is_none_or(|(at, _)| end < *at) {
                    siblings.failure = Some((end, f));
                }
            }
        }
    }

    /// After a pass: the failure (children still running aborted), a pause, or the outputs.
    fn siblings_end(
        &mut self,
        mut siblings: Box<Siblings>,
        past_cut: &[usize],
        resumed: bool,
        aborted: &mut dyn FnMut(&mut Self, usize),
        machine_of: &dyn Fn(usize) -> &'t StateMachine,
    ) -> Result<Vec<Value>, Failure> {
        if let Some((at_ms, failure)) = siblings.failure.take() {
            // Children still running when the failure came are aborted then (a first pass
            // merged the aborts of their states in; a resumed one has them from the frames).
            self.clock_ms = at_ms;
            for index in 0..siblings.children.len() {
                match siblings.children[index].take() {
                    Some(paused) => {
                        if resumed {
                            self.abort_paused(&paused.frames, machine_of(index), paused.lane);
                        }
                        aborted(self, index);
                    }
                    None if past_cut.binary_search(&index).is_ok() => aborted(self, index),
                    None => {}
                }
            }
            return Err(failure);
        }
        if !siblings.is_done() {
            if let Some(wake) = siblings.wake() {
                self.wakes_at_ms = Some(self.wakes_at_ms.map_or(wake, |w| w.min(wake)));
            }
            self.unwind(Frame::Siblings(siblings));
            return Err(Failure::new(PAUSED, ""));
        }
        // Done without a failure: every child ended with an output (or its tolerated error).
        Ok(siblings.outputs)
    }

    /// The abort events of the states a paused child is in, innermost first.
    fn abort_paused(&mut self, frames: &[Frame], machine: &'t StateMachine, lane: u32) {
        let mut open = Vec::new();
        in_progress_frames(frames, machine, lane, &mut open);
        let outer_lane = self.lane;
        for (kind, name, lane) in open.into_iter().rev() {
            self.lane = lane;
            self.event(kind, Details::StateAborted { name });
        }
        self.lane = outer_lane;
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
            let cut_short = (cut_ms.is_some() && child.paused) || child.at_ms > cut;
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

/// The states a paused child's `frames` are in, outermost first (as [`in_progress`]).
fn in_progress_frames(
    frames: &[Frame],
    machine: &StateMachine,
    lane: u32,
    open: &mut Vec<(&'static str, crate::syntax::Text, u32)>,
) {
    let mut state = None;
    for frame in frames.iter().rev() {
        match frame {
            Frame::Machine { index, .. } => state = machine.states.get(*index),
            Frame::State { .. } => {
                if let Some(state) = state {
                    let entered = super::history::state_event(state.kind.type_name(), false);
                    if let Some(kind) = aborted_kind(entered) {
                        open.push((kind, state.name.value.clone(), lane));
                    }
                }
            }
            Frame::Siblings(siblings) => {
                for (index, child) in siblings.children.iter().enumerate() {
                    let Some(Paused { frames, lane, .. }) = child.as_deref() else {
                        continue;
                    };
                    let inner = match state.map(|s| &s.kind) {
                        Some(StateKind::Parallel(parallel)) => parallel.branches.get(index),
                        Some(StateKind::Map(map)) => map.processor.as_ref(),
                        _ => None,
                    };
                    if let Some(inner) = inner {
                        in_progress_frames(frames, inner, *lane, open);
                    }
                }
            }
            _ => {}
        }
    }
}

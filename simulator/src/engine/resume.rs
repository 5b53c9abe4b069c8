//! Pausing and resuming: an execution that waits (a task token, a `.sync` job, a Wait, a retry's
//! backoff, a timeout or a heartbeat) stops where it stands and is kept as plain data, a
//! [`Resumable`]. Each function on the way out of the engine leaves a [`Frame`] saying where it
//! was (the machine's state, the state entered, the Retry counts, the task's wait, the
//! siblings of a Parallel or Map with each child's own frames); resuming walks back in through
//! them and goes on from the innermost one. A resume at an instant runs only the children due
//! then (a timer reached, or the one whose token was answered): its cost is the work that
//! event unblocks, never the history so far.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::concurrent::Siblings;
use super::context::StateNow;
use super::{
    jsonata, max_duration_ms, run_to_pause, Callback, CallbackKind, Callbacks, Engine, Execution,
    Rng, RunOptions, StateMachine, Status, TaskToken, TokenError, TokenState,
};
use crate::analysis::Checked;
use crate::fxhash::FxHashMap;
use crate::mocks::Outcome;

/// One level of a paused execution's call stack. A paused fiber (the machine, a branch, an
/// iteration) keeps its frames innermost first, so that popping them gives the outermost.
#[derive(Clone, Debug)]
pub(super) enum Frame {
    /// A machine's loop, in its state number `index`, which got `input`.
    Machine { index: usize, input: Arc<Value> },
    /// A state entered and not yet left: its entered event and `$$.State`.
    State {
        entered_event: usize,
        state_now: Option<StateNow>,
    },
    /// A state's Retry loop: the retries each Retrier has made; between two attempts, the
    /// end of the backoff.
    Retry {
        retries: Vec<u64>,
        backoff_until: Option<i64>,
    },
    /// A task attempt waiting for its answer, heartbeat expiry or timeout.
    Task(Box<TaskWait>),
    /// A Wait state's wait; `carried` is what the rest of the state reads (its effective
    /// input, or JSONata's `$states`).
    Wait { until_ms: i64, carried: Value },
    /// A Parallel's branches or a Map's iterations.
    Siblings(Box<Siblings>),
}

/// What a waiting task attempt needs to finish.
#[derive(Clone, Debug)]
pub(super) struct TaskWait {
    pub started_ms: i64,
    pub token_index: Option<usize>,
    pub token: Option<String>,
    pub timeout: u64,
    pub heartbeat: Option<u64>,
    /// A mocked answer: the outcome, its delay and the heartbeats, in ms after the start.
    pub mocked: (Outcome, i64, Vec<i64>),
}

/// What an engine owns between two resumes (the rest it rebuilds: caches, the tree borrowed).
#[derive(Clone, Debug)]
pub(super) struct Core {
    pub clock_ms: i64,
    pub rng: Rng,
    pub context: Value,
    pub execution_input: Arc<Value>,
    pub root_scope: Map<String, Value>,
    pub deadline_ms: i64,
    pub longest_wait_ms: i64,
    pub lanes: u32,
    pub max_events: usize,
    pub cancelled: Option<Arc<std::sync::atomic::AtomicBool>>,
    pub mocks: Option<crate::mocks::TestCase>,
    pub invocations: FxHashMap<String, u64>,
    pub callbacks: Option<Callbacks>,
    /// Each token's place in the execution's tokens, and where its task runs: its child index
    /// at each Parallel / Map on the way.
    pub token_fibers: FxHashMap<String, (usize, Vec<u32>)>,
    pub distributed: super::distributed::Distributed,
}

impl Core {
    /// What a fresh run owns: its clock at the start, its seed, its limits, its mocks.
    pub(super) fn new(
        machine: &StateMachine,
        options: &RunOptions,
        context: Value,
        execution_input: Arc<Value>,
    ) -> Self {
        let limit = max_duration_ms(options.workflow_type);
        let timeout = machine
            .timeout_seconds
            .map_or(limit, |s| (s as i64 * 1000).min(limit));
        Core {
            clock_ms: options.start_time_ms,
            rng: Rng::new(options.seed),
            context,
            execution_input,
            root_scope: Map::new(),
            deadline_ms: options.start_time_ms + timeout,
            longest_wait_ms: limit,
            lanes: 0,
            max_events: options.max_history_events,
            cancelled: options.cancelled.clone(),
            mocks: options.mocks.clone(),
            invocations: FxHashMap::default(),
            callbacks: options.callbacks.clone(),
            token_fibers: FxHashMap::default(),
            distributed: super::distributed::Distributed::new(options),
        }
    }
}

impl Execution {
    /// Running, nothing written yet, with room for `events` history events.
    pub(super) fn written(events: usize) -> Self {
        Execution {
            status: Status::Running,
            output: None,
            error: None,
            cause: None,
            elapsed_seconds: 0.0,
            events: Vec::with_capacity(events),
            warnings: Vec::new(),
            tokens: Vec::new(),
            handlings: Vec::new(),
            wakes_at_ms: None,
            map_runs: Vec::new(),
        }
    }
}

impl<'t> Engine<'t> {
    /// The engine paused at `frames`, as its owned state.
    pub(super) fn into_core(self) -> (Core, Execution) {
        let mut distributed = self.distributed;
        let map_runs = std::mem::take(&mut distributed.runs);
        let core = Core {
            clock_ms: self.clock_ms,
            rng: self.rng.borrow().clone(),
            context: self.context,
            execution_input: self.execution_input,
            root_scope: self.scopes.into_iter().next().unwrap_or_default(),
            deadline_ms: self.deadline_ms,
            longest_wait_ms: self.longest_wait_ms,
            lanes: self.lanes,
            max_events: self.max_events,
            cancelled: self.cancelled,
            mocks: self.mocks,
            invocations: self.invocations,
            callbacks: self.callbacks,
            token_fibers: self.token_fibers,
            distributed,
        };
        let execution = Execution {
            events: self.events,
            warnings: self.warnings,
            tokens: self.tokens,
            handlings: self.handlings,
            wakes_at_ms: self.wakes_at_ms,
            map_runs,
            ..Execution::written(0)
        };
        (core, execution)
    }

    /// An engine to resume, from what it owned and the history so far (or, from
    /// [`Engine::new`], to start). The fields that live only while it runs start here, once.
    pub(super) fn from_core(tree: &'t Tree, core: Core, execution: &mut Execution) -> Self {
        Engine {
            tree,
            clock_ms: core.clock_ms,
            events: std::mem::take(&mut execution.events),
            rng: Rc::new(RefCell::new(core.rng)),
            jsonata: jsonata::Jsonata::default(),
            context: core.context,
            execution_input: core.execution_input,
            scopes: vec![core.root_scope],
            deadline_ms: core.deadline_ms,
            longest_wait_ms: core.longest_wait_ms,
            quiet: 0,
            lane: 0,
            lanes: core.lanes,
            max_events: core.max_events,
            cancelled: core.cancelled,
            mocks: core.mocks,
            invocations: core.invocations,
            warnings: std::mem::take(&mut execution.warnings),
            tokens: std::mem::take(&mut execution.tokens),
            handlings: std::mem::take(&mut execution.handlings),
            callbacks: core.callbacks,
            pause_at_ms: None,
            wakes_at_ms: None,
            tested: None,
            state_now: None,
            paths: RefCell::default(),
            calls: RefCell::default(),
            unwound: Vec::new(),
            resume: Vec::new(),
            target: Vec::new(),
            fiber: Vec::new(),
            token_fibers: core.token_fibers,
            distributed: {
                let mut distributed = core.distributed;
                distributed.runs = std::mem::take(&mut execution.map_runs);
                distributed
            },
        }
    }

    /// Leave a frame on the way out of a pause.
    pub(super) fn unwind(&mut self, frame: Frame) {
        self.unwound.push(frame);
    }

    /// The next frame to walk back into, if it is of the kind `is` accepts.
    pub(super) fn resuming(&mut self, is: fn(&Frame) -> bool) -> Option<Frame> {
        if self.resume.last().is_some_and(is) {
            self.resume.pop()
        } else {
            None
        }
    }
}

use crate::syntax::Tree;

/// A paused execution, as plain data: it owns its checked definition (shared), is `Send` and
/// `'static`, and a clone is a fork from where it stands ("what if this callback never
/// comes?" goes on from the pause instead of running the prefix again).
#[derive(Clone, Debug)]
pub struct Resumable {
    definition: Arc<Checked>,
    held: Held,
}

/// A paused execution apart from its definition, which each step is given: its options, the
/// engine's own state and frames, the history so far and "now".
#[derive(Clone, Debug)]
struct Held {
    options: RunOptions,
    /// `None` once the execution has ended.
    paused: Option<(Core, Vec<Frame>)>,
    execution: Execution,
    now_ms: i64,
}

impl Resumable {
    /// Start an execution at `options.start_time_ms` and run it until it waits or ends; token
    /// waits are answered by [`Resumable::send`], not by the mocks.
    pub fn start(definition: Arc<Checked>, options: RunOptions) -> Self {
        let first = RunOptions {
            callbacks: Some(options.callbacks.clone().unwrap_or_default()),
            ..options.clone()
        };
        let mut held = Held::start(&definition.tree, &definition.machine, options, &first);
        // A run reserves room for AWS's 25,000 events; thousands held paused keep only theirs.
        held.execution.events.shrink_to_fit();
        Resumable { definition, held }
    }

    /// The execution as far as "now": `Status::Running` while it has not ended.
    pub fn execution(&self) -> &Execution {
        &self.held.execution
    }

    /// The definition it runs.
    pub fn definition(&self) -> &Arc<Checked> {
        &self.definition
    }

    pub fn now_ms(&self) -> i64 {
        self.held.now_ms
    }

    /// Whether it is paused (it has not ended).
    pub fn is_paused(&self) -> bool {
        self.held.paused.is_some()
    }

    /// The tasks waiting for their tokens now.
    pub fn waiting(&self) -> impl Iterator<Item = &TaskToken> {
        let paused = self.held.paused.is_some();
        (self.held.execution.tokens)
            .iter()
            .filter(move |t| paused && t.state_now == TokenState::Waiting)
    }

    /// Send a worker's callback for `token` at "now"; the task it answers goes on at once.
    pub fn send(&mut self, token: &str, kind: CallbackKind) -> Result<(), TokenError> {
        let held = &mut self.held;
        let issued = match held.paused.as_ref() {
            Some((core, _)) => core
                .token_fibers
                .get(token)
                .and_then(|(index, _)| held.execution.tokens.get(*index)),
            None => held.execution.tokens.iter().find(|t| t.token == token),
        };
        match issued.map(|t| t.state_now) {
            None => return Err(TokenError::InvalidToken),
            Some(TokenState::TimedOut) => return Err(TokenError::TaskTimedOut),
            Some(TokenState::Answered) => return Err(TokenError::TaskTimedOut),
            Some(TokenState::Waiting) if held.paused.is_none() => {
                return Err(TokenError::TaskDoesNotExist)
            }
            Some(TokenState::Waiting) => {}
        }
        let Some((core, _)) = held.paused.as_mut() else {
            return Err(TokenError::TaskDoesNotExist);
        };
        let callback = Callback {
            at_ms: held.now_ms,
            kind,
        };
        core.callbacks
            .get_or_insert_with(Callbacks::default)
            .send(token, callback);
        let target = core
            .token_fibers
            .get(token)
            .map(|(_, path)| path.clone())
            .unwrap_or_default();
        let definition = &self.definition;
        held.resume_at(&definition.tree, &definition.machine, held.now_ms, target);
        Ok(())
    }

    /// Move the clock on to `now_ms`: each wait, timeout or heartbeat expiry due by then
    /// happens at its instant, in order.
    pub fn advance_to(&mut self, now_ms: i64) {
        let definition = &self.definition;
        (self.held).advance_to(&definition.tree, &definition.machine, now_ms);
    }

    /// StopExecution: it ends ABORTED now, each state in progress recording its abort.
    pub fn stop(&mut self, error: &str, cause: &str) {
        let held = &mut self.held;
        if held.paused.take().is_some() {
            super::driver::abort(&mut held.execution, held.now_ms, error, cause);
        }
    }
}

/// An execution whose tasks answer as its mocks say (no driver: nothing waits for a worker),
/// paused at an instant and borrowing its definition; a clone is a fork from there. What
/// `simulation`'s "if the callback never came" report goes on from, with other mocks.
#[derive(Clone, Debug)]
pub struct MockedRun<'t> {
    tree: &'t Tree,
    machine: &'t StateMachine,
    held: Held,
}

impl<'t> MockedRun<'t> {
    /// Run `options`' execution (its `callbacks` and `pause_at_ms` left out) up to `until_ms`.
    pub fn start(
        tree: &'t Tree,
        machine: &'t StateMachine,
        options: &RunOptions,
        until_ms: i64,
    ) -> Self {
        let options = RunOptions {
            callbacks: None,
            pause_at_ms: None,
            ..options.clone()
        };
        let mut run = MockedRun {
            tree,
            machine,
            held: Held::start(tree, machine, options.clone(), &options),
        };
        run.advance_to(until_ms);
        run
    }

    /// Run on to `now_ms`: everything due by then happens, in order.
    pub fn advance_to(&mut self, now_ms: i64) {
        self.held.advance_to(self.tree, self.machine, now_ms);
    }

    /// From now on tasks answer as `mocks` say (a task already waiting keeps the answer it was
    /// given when it started).
    pub fn set_mocks(&mut self, mocks: Option<crate::mocks::TestCase>) {
        if let Some((core, _)) = self.held.paused.as_mut() {
            core.mocks.clone_from(&mocks);
        }
        self.held.options.mocks = mocks;
    }

    /// The execution run to its end, wake-up by wake-up (a cancelled run stays where it
    /// stopped, `Status::Running`).
    pub fn finish(mut self) -> Execution {
        while let Some(wake) = self.held.execution.wakes_at_ms {
            if self.held.paused.is_none() {
                break;
            }
            self.advance_to(wake);
            if self.held.execution.wakes_at_ms == Some(wake) {
                break;
            }
        }
        self.held.execution
    }
}

impl Held {
    /// `options`' execution started and run as `first` says (which may add callbacks), paused
    /// at its start or ended.
    fn start(tree: &Tree, machine: &StateMachine, options: RunOptions, first: &RunOptions) -> Self {
        let now_ms = options.start_time_ms;
        let first = RunOptions {
            pause_at_ms: Some(now_ms),
            ..first.clone()
        };
        let (execution, paused) = run_to_pause(tree, machine, &first, true);
        Held {
            options,
            paused,
            execution,
            now_ms,
        }
    }

    /// Move the clock on to `now_ms`: each wait, timeout or heartbeat expiry due by then
    /// happens at its instant, in order.
    fn advance_to(&mut self, tree: &Tree, machine: &StateMachine, now_ms: i64) {
        while let Some(wake) = self.execution.wakes_at_ms.filter(|w| *w <= now_ms) {
            if self.paused.is_none() {
                break;
            }
            self.now_ms = wake.max(self.now_ms);
            self.resume_at(tree, machine, self.now_ms, Vec::new());
            if self.execution.wakes_at_ms == Some(wake) {
                // Every wake-up moves on or ends what waits; one that did not would loop.
                debug_assert!(false, "a resume at {wake} left the execution waking at it");
                break;
            }
        }
        self.now_ms = now_ms.max(self.now_ms);
        if self.paused.is_some() {
            self.execution.elapsed_seconds =
                (self.now_ms - self.options.start_time_ms) as f64 / 1000.0;
        }
    }

    /// Resume at `at_ms`: the children due then run, and the one on `target` (the path of a
    /// token's task) whatever its wake-up.
    fn resume_at(&mut self, tree: &Tree, machine: &StateMachine, at_ms: i64, target: Vec<u32>) {
        let Some((mut core, frames)) = self.paused.take() else {
            return;
        };
        core.clock_ms = at_ms;
        let mut engine = Engine::from_core(tree, core, &mut self.execution);
        engine.pause_at_ms = Some(at_ms);
        engine.resume = frames;
        engine.target = target.into_iter().rev().collect();
        let result = engine.machine(machine, None);
        let (execution, paused) = engine.ended(result, &self.options);
        self.execution = execution;
        self.paused = paused;
    }
}

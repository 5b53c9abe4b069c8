//! The typed ASL model, read from the syntax tree. Reading is lenient: a field of the wrong
//! type is left out here (the checker reports it), so a half-typed document still has a model.

pub mod api;
pub mod integration_models;
pub mod integrations;
pub mod intrinsic;
pub mod jsonata_functions;
pub mod minimal_result;
pub mod output_check;
pub mod path;
pub mod schema;

pub use integrations::{Pattern, Resource};
pub use schema::QueryLanguage;

use crate::fxhash::FxHashMap;
use crate::syntax::{Node, NodeKind, NodePtr, Text, TextRange};

/// A value with the range of the text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StateMachine {
    pub range: TextRange,
    pub query_language: QueryLanguage,
    pub start_at: Option<Spanned<Text>>,
    pub states: Vec<State>,
    /// `Comment`, in the tree (read it with `NodePtr::resolve`; not copied for every state).
    pub comment: Option<NodePtr>,
    pub version: Option<String>,
    /// Top-level `TimeoutSeconds` (whole execution); `None` inside branches and processors.
    pub timeout_seconds: Option<u64>,
    /// `ProcessorConfig` of a Map's ItemProcessor.
    pub processor_mode: Option<String>,
    pub execution_type: Option<String>,
    /// Each state's place in `states`, by name: the engine looks one up at every transition.
    by_name: FxHashMap<Text, usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Transition {
    Next(Spanned<Text>),
    End,
    /// Neither (Choice, Succeed, Fail, or a state still being written).
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub name: Spanned<Text>,
    /// The whole state object.
    pub range: TextRange,
    pub query_language: QueryLanguage,
    /// `Comment`, in the tree (read it with `NodePtr::resolve`; not copied for every state).
    pub comment: Option<NodePtr>,
    pub transition: Transition,
    pub io: Io,
    pub kind: StateKind,
}

/// Input/output processing fields, by language. Paths are kept as written; templates point into
/// the tree (evaluate them over the `Node`, which keeps ranges for error messages).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Io {
    pub input_path: Option<Option<Text>>,
    pub output_path: Option<Option<Text>>,
    pub parameters: Option<NodePtr>,
    pub result_selector: Option<NodePtr>,
    pub result_path: Option<Option<Text>>,
    pub arguments: Option<NodePtr>,
    pub output: Option<NodePtr>,
    pub assign: Option<NodePtr>,
}

impl State {
    /// Retry and Catch, for the states that have them.
    pub fn handlers(&self) -> Option<&Handlers> {
        match &self.kind {
            StateKind::Task(t) => Some(&t.handlers),
            StateKind::Parallel(p) => Some(&p.handlers),
            StateKind::Map(m) => Some(&m.handlers),
            _ => None,
        }
    }

    /// Every state name this state can go to, where it is written: `Next`, Choice rules and
    /// `Default`, Catchers.
    pub fn targets(&self) -> impl Iterator<Item = &Spanned<Text>> {
        let next = match &self.transition {
            Transition::Next(next) => Some(next),
            _ => None,
        };
        let (rules, default) = match &self.kind {
            StateKind::Choice(c) => (c.rules.as_slice(), c.default.as_ref()),
            _ => (&[][..], None),
        };
        let catchers = self.handlers().map_or(&[][..], |h| h.catch.as_slice());
        next.into_iter()
            .chain(rules.iter().filter_map(|r| r.next.as_ref()))
            .chain(default)
            .chain(catchers.iter().filter_map(|c| c.next.as_ref()))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StateKind {
    Task(Task),
    Pass {
        result: Option<NodePtr>,
    },
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
    Map(Box<MapState>),
    /// A missing or unknown `Type`.
    Unknown,
}

impl StateKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Task(_) => "Task",
            StateKind::Pass { .. } => "Pass",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
            StateKind::Unknown => "Unknown",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Seconds {
    Fixed(u64),
    Path(String),
    Jsonata(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub resource: Spanned<Text>,
    /// The `Resource` string in the tree (for ranges inside it).
    pub resource_node: NodePtr,
    /// The resolved resource, when it resolves.
    pub target: Option<Resource>,
    pub timeout: Option<Spanned<Seconds>>,
    pub heartbeat: Option<Spanned<Seconds>>,
    pub credentials: Option<NodePtr>,
    pub handlers: Handlers,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Handlers {
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Retrier {
    pub range: TextRange,
    pub error_equals: Vec<Spanned<Text>>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter_full: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Catcher {
    pub range: TextRange,
    pub error_equals: Vec<Spanned<Text>>,
    pub next: Option<Spanned<Text>>,
    pub result_path: Option<Option<Text>>,
    pub output: Option<NodePtr>,
    pub assign: Option<NodePtr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub rules: Vec<ChoiceRule>,
    pub default: Option<Spanned<Text>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceRule {
    pub range: TextRange,
    pub next: Option<Spanned<Text>>,
    /// The rule as written (operators, `And`/`Or`/`Not`, or `Condition`), for the engine.
    pub condition: NodePtr,
    pub output: Option<NodePtr>,
    pub assign: Option<NodePtr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Wait {
    Seconds(u64),
    Timestamp(String),
    SecondsPath(String),
    TimestampPath(String),
    /// A JSONata `{% %}` in `Seconds` or `Timestamp`.
    SecondsJsonata(String),
    TimestampJsonata(String),
    Missing,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fail {
    pub error: Option<String>,
    pub cause: Option<String>,
    pub error_path: Option<String>,
    pub cause_path: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parallel {
    pub branches: Vec<StateMachine>,
    pub handlers: Handlers,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapState {
    pub processor: Option<StateMachine>,
    pub items_path: Option<String>,
    pub items: Option<NodePtr>,
    pub item_selector: Option<NodePtr>,
    pub max_concurrency: Option<NodePtr>,
    pub item_reader: Option<NodePtr>,
    pub item_batcher: Option<NodePtr>,
    pub result_writer: Option<NodePtr>,
    pub tolerated_failure_count: Option<NodePtr>,
    pub tolerated_failure_percentage: Option<NodePtr>,
    pub label: Option<String>,
    pub handlers: Handlers,
}

impl MapState {
    pub fn is_distributed(&self) -> bool {
        self.processor
            .as_ref()
            .and_then(|p| p.processor_mode.as_deref())
            == Some("DISTRIBUTED")
    }
}

impl StateMachine {
    /// Read the model from a document's root node.
    pub fn from_tree(root: Node<'_>) -> StateMachine {
        let language = match root.get("QueryLanguage").and_then(Node::as_str) {
            Some("JSONata") => QueryLanguage::Jsonata,
            _ => QueryLanguage::JsonPath,
        };
        let mut machine = read_machine(root, language);
        machine.timeout_seconds = root.get("TimeoutSeconds").and_then(as_u64);
        machine.version = root
            .get("Version")
            .and_then(Node::as_str)
            .map(str::to_string);
        machine
    }

    /// A document that is one state (what AWS's TestState API accepts): a machine of that
    /// state alone, named `name`.
    pub fn single_state(root: Node<'_>, name: &str) -> StateMachine {
        let language = match root.get("QueryLanguage").and_then(Node::as_str) {
            Some("JSONata") => QueryLanguage::Jsonata,
            _ => QueryLanguage::JsonPath,
        };
        let state = read_state(
            name,
            TextRange::empty(root.range().start as usize),
            root,
            language,
        );
        StateMachine {
            range: root.range(),
            query_language: language,
            start_at: Some(Spanned {
                value: state.name.value.clone(),
                range: state.name.range,
            }),
            states: vec![state],
            comment: None,
            version: None,
            timeout_seconds: None,
            processor_mode: None,
            execution_type: None,
            by_name: FxHashMap::default(),
        }
        .indexed()
    }

    pub fn state(&self, name: &str) -> Option<&State> {
        self.by_name.get(name).map(|&i| &self.states[i])
    }

    /// The name index, once `states` is read (the first of duplicate names wins, as the
    /// checker reports the others).
    fn indexed(mut self) -> Self {
        self.by_name = FxHashMap::default();
        for (i, state) in self.states.iter().enumerate() {
            self.by_name.entry(state.name.value.clone()).or_insert(i);
        }
        self
    }

    /// Every state in this machine and, depth-first, in its branches and processors.
    pub fn all_states(&self) -> Vec<&State> {
        let mut out = Vec::new();
        let mut stack: Vec<&StateMachine> = vec![self];
        while let Some(machine) = stack.pop() {
            for state in &machine.states {
                out.push(state);
                match &state.kind {
                    StateKind::Parallel(p) => stack.extend(p.branches.iter().rev()),
                    StateKind::Map(m) => stack.extend(m.processor.as_ref()),
                    _ => {}
                }
            }
        }
        out
    }
}

/// Declares the fields the model reads: an enum to name them in code (an array index, no
/// hashing) and the lookup from a member's name, run once per member.
macro_rules! vocabulary {
    ($($field:ident = $name:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum F { $($field),* }

        const FIELD_NAMES: &[&str] = &[$($name),*];

        fn slot(name: &str) -> Option<usize> {
            static SLOTS: std::sync::OnceLock<FxHashMap<&'static str, usize>> =
                std::sync::OnceLock::new();
            SLOTS
                .get_or_init(|| FIELD_NAMES.iter().enumerate().map(|(i, n)| (*n, i)).collect())
                .get(name)
                .copied()
        }
    };
}

vocabulary! {
    Cause = "Cause",
    CausePath = "CausePath",
    Error = "Error",
    ErrorPath = "ErrorPath",
    SecondsPath = "SecondsPath",
    Timestamp = "Timestamp",
    TimestampPath = "TimestampPath",
    Arguments = "Arguments",
    Assign = "Assign",
    Branches = "Branches",
    Catch = "Catch",
    Choices = "Choices",
    Comment = "Comment",
    Credentials = "Credentials",
    Default = "Default",
    End = "End",
    HeartbeatSeconds = "HeartbeatSeconds",
    HeartbeatSecondsPath = "HeartbeatSecondsPath",
    InputPath = "InputPath",
    ItemBatcher = "ItemBatcher",
    ItemProcessor = "ItemProcessor",
    ItemReader = "ItemReader",
    ItemSelector = "ItemSelector",
    Items = "Items",
    ItemsPath = "ItemsPath",
    Iterator = "Iterator",
    Label = "Label",
    MaxConcurrency = "MaxConcurrency",
    MaxConcurrencyPath = "MaxConcurrencyPath",
    Next = "Next",
    Output = "Output",
    OutputPath = "OutputPath",
    Parameters = "Parameters",
    QueryLanguage = "QueryLanguage",
    Resource = "Resource",
    Result = "Result",
    ResultPath = "ResultPath",
    ResultSelector = "ResultSelector",
    ResultWriter = "ResultWriter",
    Retry = "Retry",
    Seconds = "Seconds",
    TimeoutSeconds = "TimeoutSeconds",
    TimeoutSecondsPath = "TimeoutSecondsPath",
    ToleratedFailureCount = "ToleratedFailureCount",
    ToleratedFailureCountPath = "ToleratedFailureCountPath",
    ToleratedFailurePercentage = "ToleratedFailurePercentage",
    ToleratedFailurePercentagePath = "ToleratedFailurePercentagePath",
    Type = "Type",
}

/// An object's members by name, read in one pass: the model asks a state for some thirty
/// fields, and a scan per question would cost that many passes over its members.
struct Fields<'t> {
    slots: [Option<Node<'t>>; FIELD_NAMES.len()],
}

impl<'t> Fields<'t> {
    fn of(node: Node<'t>) -> Self {
        let mut slots = [None; FIELD_NAMES.len()];
        for m in node.members() {
            if let Some(i) = slot(m.key.name) {
                // The first of duplicate keys wins, as everywhere else.
                slots[i].get_or_insert(m.value);
            }
        }
        Fields { slots }
    }

    fn get(&self, field: F) -> Option<Node<'t>> {
        self.slots[field as usize]
    }
}

fn spanned_str(node: Node<'_>) -> Option<Spanned<Text>> {
    node.as_str().map(|s| Spanned {
        value: Text::from(s),
        range: node.range(),
    })
}

fn as_u64(node: Node<'_>) -> Option<u64> {
    node.as_number().and_then(serde_json::Number::as_u64)
}

fn nullable_string(node: Node<'_>) -> Option<Option<Text>> {
    match node.kind() {
        NodeKind::Null => Some(None),
        NodeKind::String(s) => Some(Some(Text::from(s))),
        _ => None,
    }
}

fn ptr(node: Option<Node<'_>>) -> Option<NodePtr> {
    node.filter(|n| !n.is_missing()).map(NodePtr::new)
}

fn read_machine(node: Node<'_>, inherited: QueryLanguage) -> StateMachine {
    let config = node.get("ProcessorConfig");
    StateMachine {
        range: node.range(),
        query_language: inherited,
        start_at: node.get("StartAt").and_then(spanned_str),
        states: node
            .get("States")
            .map(|states| {
                states
                    .members()
                    .map(|m| read_state(m.key.name, m.key.range, m.value, inherited))
                    .collect()
            })
            .unwrap_or_default(),
        comment: node.get("Comment").map(NodePtr::new),
        version: None,
        timeout_seconds: None,
        processor_mode: config
            .and_then(|c| c.get("Mode"))
            .and_then(Node::as_str)
            .map(str::to_string),
        execution_type: config
            .and_then(|c| c.get("ExecutionType"))
            .and_then(Node::as_str)
            .map(str::to_string),
        by_name: FxHashMap::default(),
    }
    .indexed()
}

/// A `{% ... %}` string's expression, if the value is one.
pub fn jsonata_expression(s: &str) -> Option<&str> {
    s.strip_prefix("{%")?.strip_suffix("%}")
}

fn seconds(node: Option<Node<'_>>, path: Option<Node<'_>>) -> Option<Spanned<Seconds>> {
    if let Some(n) = node {
        let value = match n.kind() {
            NodeKind::Number(num) => Seconds::Fixed(num.as_u64()?),
            NodeKind::String(s) => Seconds::Jsonata(jsonata_expression(s)?.trim().to_string()),
            _ => return None,
        };
        return Some(Spanned {
            value,
            range: n.range(),
        });
    }
    let n = path?;
    Some(Spanned {
        value: Seconds::Path(n.as_str()?.to_string()),
        range: n.range(),
    })
}

fn read_handlers(state: &Fields<'_>) -> Handlers {
    let names = |n: Node<'_>| -> Vec<Spanned<Text>> {
        n.get("ErrorEquals")
            .map(|e| e.elements().filter_map(spanned_str).collect())
            .unwrap_or_default()
    };
    let retry = state
        .get(F::Retry)
        .map(|r| {
            r.elements()
                .filter(|n| n.is_object())
                .map(|n| Retrier {
                    range: n.range(),
                    error_equals: names(n),
                    interval_seconds: n.get("IntervalSeconds").and_then(as_u64).unwrap_or(1),
                    max_attempts: n.get("MaxAttempts").and_then(as_u64).unwrap_or(3),
                    backoff_rate: n
                        .get("BackoffRate")
                        .and_then(Node::as_number)
                        .and_then(serde_json::Number::as_f64)
                        .unwrap_or(2.0),
                    max_delay_seconds: n.get("MaxDelaySeconds").and_then(as_u64),
                    jitter_full: n.get("JitterStrategy").and_then(Node::as_str) == Some("FULL"),
                })
                .collect()
        })
        .unwrap_or_default();
    let catch = state
        .get(F::Catch)
        .map(|c| {
            c.elements()
                .filter(|n| n.is_object())
                .map(|n| Catcher {
                    range: n.range(),
                    error_equals: names(n),
                    next: n.get("Next").and_then(spanned_str),
                    result_path: n.get("ResultPath").and_then(nullable_string),
                    output: ptr(n.get("Output")),
                    assign: ptr(n.get("Assign")),
                })
                .collect()
        })
        .unwrap_or_default();
    Handlers { retry, catch }
}

/// A Map state's fields (ItemProcessor or the older Iterator, Parameters as ItemSelector).
fn read_map(fields: &Fields<'_>, language: QueryLanguage) -> MapState {
    let get = |field: F| fields.get(field);
    MapState {
        processor: get(F::ItemProcessor)
            .or_else(|| get(F::Iterator))
            .filter(|n| n.is_object())
            .map(|n| read_machine(n, language)),
        items_path: get(F::ItemsPath).and_then(Node::as_str).map(str::to_string),
        items: ptr(get(F::Items)),
        item_selector: ptr(get(F::ItemSelector).or_else(|| get(F::Parameters))),
        max_concurrency: ptr(get(F::MaxConcurrency).or_else(|| get(F::MaxConcurrencyPath))),
        item_reader: ptr(get(F::ItemReader)),
        item_batcher: ptr(get(F::ItemBatcher)),
        result_writer: ptr(get(F::ResultWriter)),
        tolerated_failure_count: ptr(
            get(F::ToleratedFailureCount).or_else(|| get(F::ToleratedFailureCountPath))
        ),
        tolerated_failure_percentage: ptr(
            get(F::ToleratedFailurePercentage).or_else(|| get(F::ToleratedFailurePercentagePath))
        ),
        label: get(F::Label).and_then(Node::as_str).map(str::to_string),
        handlers: read_handlers(fields),
    }
}

fn read_state(
    name: &str,
    name_range: TextRange,
    node: Node<'_>,
    inherited: QueryLanguage,
) -> State {
    let fields = Fields::of(node);
    let get = |field: F| fields.get(field);
    let language = match get(F::QueryLanguage).and_then(Node::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        Some("JSONPath") => QueryLanguage::JsonPath,
        _ => inherited,
    };
    let transition = if let Some(next) = get(F::Next).and_then(spanned_str) {
        Transition::Next(next)
    } else if get(F::End).and_then(Node::as_bool) == Some(true) {
        Transition::End
    } else {
        Transition::None
    };
    let io = Io {
        input_path: get(F::InputPath).and_then(nullable_string),
        output_path: get(F::OutputPath).and_then(nullable_string),
        parameters: ptr(get(F::Parameters)),
        result_selector: ptr(get(F::ResultSelector)),
        result_path: get(F::ResultPath).and_then(nullable_string),
        arguments: ptr(get(F::Arguments)),
        output: ptr(get(F::Output)),
        assign: ptr(get(F::Assign)),
    };
    let kind = match get(F::Type).and_then(Node::as_str) {
        Some("Task") => match get(F::Resource).and_then(|n| Some((n, spanned_str(n)?))) {
            Some((resource_node, resource)) => StateKind::Task(Task {
                target: integrations::resolve(&resource.value).ok(),
                resource,
                resource_node: NodePtr::new(resource_node),
                timeout: seconds(get(F::TimeoutSeconds), get(F::TimeoutSecondsPath)),
                heartbeat: seconds(get(F::HeartbeatSeconds), get(F::HeartbeatSecondsPath)),
                credentials: ptr(get(F::Credentials)),
                handlers: read_handlers(&fields),
            }),
            None => StateKind::Unknown,
        },
        Some("Pass") => StateKind::Pass {
            result: ptr(get(F::Result)),
        },
        Some("Choice") => StateKind::Choice(Choice {
            rules: get(F::Choices)
                .map(|c| {
                    c.elements()
                        .filter(|n| n.is_object())
                        .map(|n| ChoiceRule {
                            range: n.range(),
                            next: n.get("Next").and_then(spanned_str),
                            condition: NodePtr::new(n),
                            output: ptr(n.get("Output")),
                            assign: ptr(n.get("Assign")),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            default: get(F::Default).and_then(spanned_str),
        }),
        Some("Wait") => StateKind::Wait(read_wait(&fields)),
        Some("Succeed") => StateKind::Succeed,
        Some("Fail") => {
            let s = |f: F| get(f).and_then(Node::as_str).map(str::to_string);
            StateKind::Fail(Fail {
                error: s(F::Error),
                cause: s(F::Cause),
                error_path: s(F::ErrorPath),
                cause_path: s(F::CausePath),
            })
        }
        Some("Parallel") => StateKind::Parallel(Parallel {
            branches: get(F::Branches)
                .map(|b| {
                    b.elements()
                        .filter(|n| n.is_object())
                        .map(|n| read_machine(n, language))
                        .collect()
                })
                .unwrap_or_default(),
            handlers: read_handlers(&fields),
        }),
        Some("Map") => StateKind::Map(Box::new(read_map(&fields, language))),
        _ => StateKind::Unknown,
    };
    State {
        name: Spanned {
            value: Text::from(name),
            range: name_range,
        },
        range: node.range(),
        query_language: language,
        comment: get(F::Comment).map(NodePtr::new),
        transition,
        io,
        kind,
    }
}

fn read_wait(state: &Fields<'_>) -> Wait {
    let text = |f: F| state.get(f).and_then(Node::as_str);
    if let Some(n) = state.get(F::Seconds) {
        if let Some(s) = as_u64(n) {
            return Wait::Seconds(s);
        }
        if let Some(e) = n.as_str().and_then(jsonata_expression) {
            return Wait::SecondsJsonata(e.trim().to_string());
        }
    }
    if let Some(t) = text(F::Timestamp) {
        return match jsonata_expression(t) {
            Some(e) => Wait::TimestampJsonata(e.trim().to_string()),
            None => Wait::Timestamp(t.to_string()),
        };
    }
    if let Some(p) = text(F::SecondsPath) {
        return Wait::SecondsPath(p.to_string());
    }
    if let Some(p) = text(F::TimestampPath) {
        return Wait::TimestampPath(p.to_string());
    }
    Wait::Missing
}

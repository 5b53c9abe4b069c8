//! The schema walker: every object is checked against `model::schema` for its kind and query
//! language (allowed fields, required fields, groups, value types), and every value that holds a
//! language of its own (paths, intrinsic functions, JSONata, resources) is parsed and checked.

use super::jsonata;
use super::text::{head, inner_range};
use super::variables::{ScopeId, Scopes, StateId};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::fxhash::FxHashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::schema::{
    self, comparison, field_bit, field_spec, fields_of, FieldSet, Lang, ObjectKind, Operand,
    QueryLanguage, ValueKind,
};
use crate::model::{integrations, intrinsic, path};
use crate::syntax::{Member, Members, Node, NodeKind, Text, TextRange};

pub fn check(text: &str, root: Node<'_>, diagnostics: &mut Vec<Diagnostic>) {
    walk(text, root, None, diagnostics).finish(diagnostics);
}

/// The machine's own states (`States` at the top), handed out a few at a time to the walks
/// that share them: each thread takes more while it has time, so the shares even out however
/// fast each thread runs.
pub struct StateQueue<'t> {
    states: Vec<Member<'t>>,
    language: QueryLanguage,
    next: AtomicUsize,
}

impl<'t> StateQueue<'t> {
    /// States taken at a time: enough to make taking them cheap, few enough to share the end.
    const BATCH: usize = 16;

    /// The states of `root` when it has one `States` object with states to share.
    pub fn of(root: Node<'t>) -> Option<Self> {
        let mut found = root.members().filter(|m| m.key.name == "States");
        let states = found.next()?.value;
        if found.next().is_some() || states.members().len() < 2 * Self::BATCH {
            return None;
        }
        Some(StateQueue {
            states: states.members().collect(),
            language: query_language(root),
            next: AtomicUsize::new(0),
        })
    }

    fn take(&self) -> &[Member<'t>] {
        let start = self.next.fetch_add(Self::BATCH, Ordering::Relaxed);
        let len = self.states.len();
        &self.states[start.min(len)..(start + Self::BATCH).min(len)]
    }
}

/// What a walk leaves to be done once every part of the document is walked: resolving the
/// variables read against those assigned (its diagnostics it writes as it goes).
pub struct Walked {
    scopes: Scopes,
}

impl Walked {
    /// Take in the walk of another part of the same document.
    pub fn join(&mut self, other: Walked) {
        self.scopes.append(other.scopes);
    }

    pub fn finish(self, diagnostics: &mut Vec<Diagnostic>) {
        self.scopes.finish(diagnostics);
    }
}

/// Walk the document, the machine's own states taken from `queue` when it is shared.
pub fn walk(
    text: &str,
    root: Node<'_>,
    queue: Option<&StateQueue<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Walked {
    let language = query_language(root);
    let mut walker = Walker::new(text, language, queue, 0, diagnostics);
    walker.object(
        root,
        ObjectKind::Root,
        language,
        Anchor::HeadOf(root.range()),
    );
    Walked {
        scopes: walker.scopes,
    }
}

/// Walk states from `queue` until none are left.
pub fn walk_queue(text: &str, queue: &StateQueue<'_>, diagnostics: &mut Vec<Diagnostic>) -> Walked {
    // Numbered from far on: state numbers only tell states apart.
    let mut walker = Walker::new(
        text,
        queue.language,
        Some(queue),
        StateId::MAX / 2,
        diagnostics,
    );
    walker.take_states(queue);
    Walked {
        scopes: walker.scopes,
    }
}

fn query_language(root: Node<'_>) -> QueryLanguage {
    match root.get("QueryLanguage").and_then(Node::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        _ => QueryLanguage::JsonPath,
    }
}

struct Walker<'a> {
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
    machine_language: QueryLanguage,
    /// Variables assigned and read, per scope; the scope being walked.
    scopes: Scopes,
    scope: ScopeId,
    /// The state being walked (numbered as met), and the next number.
    state: StateId,
    states_seen: StateId,
    /// Where the machine's own states come from when walks share them.
    queue: Option<&'a StateQueue<'a>>,
    /// JSONata expressions already parsed without error: machines repeat a few expressions
    /// (`{% $states.input %}`) in many states, and parsing one is the costly part of its check.
    valid_jsonata: FxHashSet<Box<str>>,
}

/// What the walk of a Choice rule's members found: how many tests (comparisons, And / Or /
/// Not), whether one is a comparison, and where `Variable` is.
#[derive(Clone, Copy)]
struct RuleTests {
    count: usize,
    operator: bool,
    variable: Option<TextRange>,
}

/// Where messages about an object are anchored: a range (a state's name), or the first
/// character of the object's range, found only when a message needs it (reading the text at
/// every object costs a cache miss each).
#[derive(Clone, Copy)]
enum Anchor {
    Range(TextRange),
    HeadOf(TextRange),
}

/// Where a JSONata expression stands decides which `$states` fields it may read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExprPlace {
    /// Before the task runs: Arguments, Items, ItemSelector, Condition, timeouts, waits.
    BeforeResult,
    /// Output / Assign of a state: `$states.result` is there.
    AfterResult,
    /// Output / Assign of a Catcher: `$states.errorOutput` is there.
    Catcher,
}

fn is_placeholder(s: &str) -> bool {
    s.starts_with("${") && s.ends_with('}')
}

/// The closest name by edit distance, for "did you mean" hints.
pub fn closest<'n>(name: &str, candidates: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl<'a> Walker<'a> {
    fn new(
        text: &'a str,
        language: QueryLanguage,
        queue: Option<&'a StateQueue<'a>>,
        first_state: StateId,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Walker {
            text,
            diagnostics,
            machine_language: language,
            scopes: Scopes::new(),
            scope: Scopes::ROOT,
            state: 0,
            states_seen: first_state,
            queue,
            valid_jsonata: FxHashSet::default(),
        }
    }

    /// Walk states from `queue` until it is empty.
    fn take_states(&mut self, queue: &StateQueue<'_>) {
        loop {
            let states = queue.take();
            if states.is_empty() {
                return;
            }
            for &m in states {
                self.state_member(m, queue.language);
            }
        }
    }

    fn error(&mut self, code: &'static str, range: TextRange, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(code, range, message));
    }

    /// The query language of a state's fields: its own `QueryLanguage`, else `inherited`.
    fn state_language(
        &mut self,
        node: Node<'_>,
        inherited: QueryLanguage,
        anchor: Anchor,
    ) -> QueryLanguage {
        let Some(ql) = node.get("QueryLanguage").and_then(Node::as_str) else {
            return inherited;
        };
        if ql == "JSONPath" && self.machine_language == QueryLanguage::Jsonata {
            let range = node
                .get("QueryLanguage")
                .map_or_else(|| self.at(anchor), Node::range);
            self.error(
                "query-language-downgrade",
                range,
                "A state cannot use JSONPath when the state machine's QueryLanguage is JSONata: remove this, or set JSONPath at the top and JSONata here.",
            );
        }
        match ql {
            "JSONata" => QueryLanguage::Jsonata,
            "JSONPath" => QueryLanguage::JsonPath,
            _ => inherited,
        }
    }

    /// A field of the other query language than its state's: what to write instead.
    fn wrong_language_field(&mut self, key: TextRange, name: &str, lang: Lang) {
        let hint = match (lang, name) {
            (Lang::JsonPathOnly, "Parameters") => "use `Arguments`",
            (
                Lang::JsonPathOnly,
                "InputPath" | "OutputPath" | "ResultPath" | "ResultSelector" | "Result",
            ) => "use `Output` (and `Assign`)",
            (Lang::JsonPathOnly, "ItemsPath") => "use `Items`",
            (Lang::JsonPathOnly, "Variable" | "And" | "Or" | "Not") => "use `Condition`",
            (Lang::JsonPathOnly, _) => {
                "give the value as a `{% %}` expression in the field without `Path`"
            }
            (Lang::JsonataOnly, "Arguments") => "use `Parameters`",
            (Lang::JsonataOnly, "Output") => "use `OutputPath`, `ResultPath` or `ResultSelector`",
            (Lang::JsonataOnly, "Items") => "use `ItemsPath`",
            (Lang::JsonataOnly, "Condition") => "use `Variable` with a comparison operator",
            _ => "set `QueryLanguage` to match",
        };
        let (is, other) = match lang {
            Lang::JsonPathOnly => ("JSONPath", "JSONata"),
            _ => ("JSONata", "JSONPath"),
        };
        self.error(
            "wrong-query-language",
            key,
            format!("`{name}` is a {is} field and this state uses {other}: {hint}."),
        );
    }

    fn object(
        &mut self,
        node: Node<'_>,
        kind: ObjectKind,
        inherited: QueryLanguage,
        anchor: Anchor,
    ) {
        let NodeKind::Object(members) = node.kind() else {
            return;
        };
        let language = if kind.is_state() {
            self.state_language(node, inherited, anchor)
        } else {
            inherited
        };

        let mut present: FieldSet = 0;
        // A Choice rule's tests (comparisons, And / Or / Not) and Variable, counted on the way.
        let mut tests = 0usize;
        let mut operator = false;
        let mut variable = None;
        for member in members {
            let name = member.key.name;
            let value = member.value;
            if matches!(kind, ObjectKind::ChoiceRule | ObjectKind::NestedRule) {
                match name {
                    "And" | "Or" | "Not" => tests += 1,
                    "Variable" => variable = Some(member.key.range),
                    _ => {}
                }
                if let Some(operand) = comparison(name) {
                    tests += 1;
                    operator = true;
                    if language == QueryLanguage::Jsonata {
                        self.error("wrong-query-language", member.key.range, format!(
                            "`{name}` is a JSONPath comparison; in JSONata write the test in `Condition`, e.g. \"{{% $states.input.x = 1 %}}\"."
                        ));
                    } else {
                        self.value(value, ValueKind::Comparison(operand), language, kind, name);
                    }
                    continue;
                }
            }
            let Some(spec) = field_spec(kind, name) else {
                self.unknown_field(member.key.range, name, kind, language);
                continue;
            };
            present |= field_bit(spec);
            if !spec.lang.allows(language) {
                self.wrong_language_field(member.key.range, name, spec.lang);
                continue;
            }
            // In JSONata the JSONPath payload template becomes a JSONata template.
            let kind_of_value = match spec.kind {
                ValueKind::PayloadTemplate if language == QueryLanguage::Jsonata => {
                    ValueKind::JsonataTemplate
                }
                k => k,
            };
            self.value(value, kind_of_value, language, kind, name);
        }

        self.requirements(node, kind, language, anchor, present);
        if kind.is_state() {
            self.state_rules(node, kind, anchor, present);
        }
        if kind == ObjectKind::Map {
            super::distributed::check_map(node, self.diagnostics);
        }
        if kind == ObjectKind::ChoiceRule || kind == ObjectKind::NestedRule {
            let seen = RuleTests {
                count: tests,
                operator,
                variable,
            };
            self.rule_rules(node, kind, language, anchor, seen);
        }
    }

    fn unknown_field(
        &mut self,
        range: TextRange,
        name: &str,
        kind: ObjectKind,
        language: QueryLanguage,
    ) {
        let suggestion = closest(name, fields_of(kind, language).map(|f| f.name));
        let message = match suggestion {
            Some(s) => format!(
                "`{name}` is not a field of {}: did you mean `{s}`?",
                kind.describe()
            ),
            None => format!("`{name}` is not a field of {}.", kind.describe()),
        };
        self.error("unknown-field", range, message);
    }

    /// Required fields and field groups, from the set of fields the object has (its members
    /// are looked at again only to word an error).
    fn requirements(
        &mut self,
        node: Node<'_>,
        kind: ObjectKind,
        language: QueryLanguage,
        anchor: Anchor,
        present: FieldSet,
    ) {
        for spec in schema::required_fields(kind) {
            if spec.lang.allows(language) && present & field_bit(spec) == 0 {
                // A state with no `Type` gets one message, not one per missing field.
                if kind.is_state() && spec.name != "Type" && node.get("Type").is_none() {
                    continue;
                }
                self.error(
                    "missing-field",
                    self.at(anchor),
                    format!(
                        "{} needs `{}`: {}",
                        capitalise(kind.describe()),
                        spec.name,
                        lowercase_first(spec.doc)
                    ),
                );
            }
        }
        for (group, set) in schema::groups_of(kind) {
            let count = (present & set).count_ones();
            if count == 1 || (count == 0 && !group.exactly_one) {
                continue;
            }
            let present: Vec<_> = group.fields.iter().filter_map(|f| node.member(f)).collect();
            if present.len() > 1 {
                let names: Vec<String> = present
                    .iter()
                    .map(|m| format!("`{}`", m.key.name))
                    .collect();
                self.diagnostics.push(
                    Diagnostic::error(
                        "exclusive-fields",
                        present[1].key.range,
                        format!("Use only one of {}.", names.join(", ")),
                    )
                    .with_related(present[0].key.range, "the other one"),
                );
            } else if present.is_empty() && group.exactly_one {
                let usable: Vec<String> = group
                    .fields
                    .iter()
                    .filter(|f| field_spec(kind, f).is_some_and(|s| s.lang.allows(language)))
                    .map(|f| format!("`{f}`"))
                    .collect();
                let what = match usable.as_slice() {
                    [only] => only.clone(),
                    _ => format!("one of {}", usable.join(", ")),
                };
                self.error(
                    "missing-field",
                    self.at(anchor),
                    format!("{} needs {what}.", capitalise(kind.describe())),
                );
            }
        }
    }

    fn state_rules(&mut self, node: Node<'_>, kind: ObjectKind, anchor: Anchor, present: FieldSet) {
        // Which fields the state has, from the walk of its members (no second look).
        let has = |name: &str| field_spec(kind, name).is_some_and(|s| present & field_bit(s) != 0);
        let flowing = matches!(
            kind,
            ObjectKind::Task
                | ObjectKind::Pass
                | ObjectKind::Wait
                | ObjectKind::Parallel
                | ObjectKind::Map
        );
        if flowing {
            match (has("Next"), has("End")) {
                (true, true) => {
                    let end = node
                        .member("End")
                        .map_or_else(|| self.at(anchor), |end| end.key.range);
                    self.error(
                        "next-and-end",
                        end,
                        "A state has either `Next` or `\"End\": true`, not both.",
                    );
                }
                (false, false) => self.error(
                    "missing-transition",
                    self.at(anchor),
                    format!(
                        "{} needs `Next` (the state to run after it) or `\"End\": true`.",
                        capitalise(kind.describe())
                    ),
                ),
                _ => {}
            }
        }
        if kind == ObjectKind::Choice && has("Choices") {
            if let Some(choices) = node.get("Choices") {
                if matches!(choices.kind(), NodeKind::Array(items) if items.is_empty()) {
                    self.error(
                        "empty-array",
                        choices.range(),
                        "`Choices` needs at least one rule.",
                    );
                }
            }
        }
        if kind == ObjectKind::Task && has("HeartbeatSeconds") && has("TimeoutSeconds") {
            let fixed = |f: &str| {
                node.get(f)
                    .and_then(Node::as_number)
                    .and_then(serde_json::Number::as_u64)
            };
            if let (Some(hb), Some(to)) = (fixed("HeartbeatSeconds"), fixed("TimeoutSeconds")) {
                if hb >= to {
                    let range = node
                        .get("HeartbeatSeconds")
                        .map_or_else(|| self.at(anchor), Node::range);
                    let to_range = node
                        .get("TimeoutSeconds")
                        .map_or_else(|| self.at(anchor), Node::range);
                    self.diagnostics.push(
                        Diagnostic::error("heartbeat-not-below-timeout", range, format!(
                            "HeartbeatSeconds ({hb}) must be less than TimeoutSeconds ({to}): the heartbeat could never expire first."
                        ))
                        .with_related(to_range, "TimeoutSeconds"),
                    );
                }
            }
        }
    }

    fn rule_rules(
        &mut self,
        node: Node<'_>,
        kind: ObjectKind,
        language: QueryLanguage,
        anchor: Anchor,
        seen: RuleTests,
    ) {
        if language == QueryLanguage::Jsonata {
            if kind == ObjectKind::ChoiceRule && node.get("Condition").is_none() {
                self.error(
                    "missing-field",
                    self.at(anchor),
                    "A JSONata Choice rule needs `Condition`, e.g. \"{% $states.input.ok %}\".",
                );
            }
            return;
        }
        match seen.count {
            0 => self.error("missing-field", self.at(anchor), format!(
                "{} needs one comparison (e.g. `StringEquals`) with `Variable`, or `And` / `Or` / `Not`.",
                capitalise(kind.describe())
            )),
            1 => {}
            _ => {
                // Worded from the members again: only when it is wrong.
                let tests: Vec<Member<'_>> = node
                    .members()
                    .filter(|m| {
                        comparison(m.key.name).is_some() || matches!(m.key.name, "And" | "Or" | "Not")
                    })
                    .collect();
                let names: Vec<&str> = tests.iter().map(|m| m.key.name).collect();
                let second = tests.get(1).map_or_else(|| self.at(anchor), |m| m.key.range);
                self.error("exclusive-fields", second, format!(
                    "A Choice rule has exactly one comparison or `And`/`Or`/`Not`; this one has {}.", names.join(", ")
                ));
            }
        }
        if seen.operator && seen.variable.is_none() {
            self.error(
                "missing-field",
                self.at(anchor),
                "A comparison needs `Variable`: the path of the value to compare.",
            );
        }
        if !seen.operator {
            if let Some(range) = seen.variable {
                self.error(
                    "unused-field",
                    range,
                    "`Variable` is used only with a comparison operator.",
                );
            }
        }
    }

    fn value(
        &mut self,
        node: Node<'_>,
        kind: ValueKind,
        language: QueryLanguage,
        owner: ObjectKind,
        field: &str,
    ) {
        if node.is_missing() || is_cloudformation_intrinsic(node) {
            return; // The parser reported it / a value only known at deployment.
        }
        if self.substitution_stands_in(node, kind) {
            return;
        }
        if self.jsonata_in_place(node, kind, language) {
            return;
        }
        match kind {
            ValueKind::Any => {}
            ValueKind::String => self.expect(node, node.as_str().is_some(), field, "a string"),
            ValueKind::NonEmptyString => {
                self.expect(
                    node,
                    node.as_str().is_some_and(|s| !s.is_empty()),
                    field,
                    "a non-empty string",
                );
            }
            ValueKind::StateName => {
                self.expect(node, node.as_str().is_some(), field, "a state name")
            }
            ValueKind::True => {
                if node.as_bool() != Some(true) {
                    self.error(
                        "invalid-value",
                        node.range(),
                        format!("`{field}` must be `true`; to continue, use `Next` instead."),
                    );
                }
            }
            ValueKind::Integer { min, max } => self.integer(node, field, min, max),
            ValueKind::Number { min, max } => self.number(node, field, min, max),
            ValueKind::Enum(options) => self.enum_value(node, field, options),
            ValueKind::JsonPath { nullable } => self.path(node, field, nullable, false, false),
            ValueKind::ReferencePath { nullable } => self.path(node, field, nullable, true, false),
            ValueKind::ResultPath => self.path(node, field, true, true, true),
            ValueKind::PathOrIntrinsic => match node.as_str() {
                Some(s) if intrinsic::looks_like_call(s) => self.intrinsic(node, s),
                _ => self.path(node, field, false, true, false),
            },
            ValueKind::PayloadTemplate => self.payload_template(node, 0),
            ValueKind::JsonataTemplate => {
                let place = match (owner, field) {
                    (ObjectKind::Catcher, _) => ExprPlace::Catcher,
                    (_, "Output" | "Assign") => ExprPlace::AfterResult,
                    _ => ExprPlace::BeforeResult,
                };
                self.jsonata_template(node, place, 0);
            }
            ValueKind::Assign => self.assign(node, language, owner),
            ValueKind::Timestamp => match node.as_str() {
                Some(s) if is_timestamp(s) => {}
                _ => self.error(
                    "invalid-value",
                    node.range(),
                    format!(
                        "`{field}` must be an RFC 3339 timestamp such as `2026-01-01T00:00:00Z`."
                    ),
                ),
            },
            ValueKind::JsonataExpression => {
                if node.as_bool().is_none() {
                    self.error(
                        "invalid-value",
                        node.range(),
                        format!("`{field}` must be a JSONata expression `{{% ... %}}`."),
                    );
                }
            }
            ValueKind::Resource => self.resource(node, None),
            ValueKind::ItemReaderResource => self.resource(node, Some(owner)),
            ValueKind::Label => self.label(node),
            ValueKind::Object(kind) => self.nested_object(node, kind, language, field),
            ValueKind::ArrayOf(kind) => self.array_of(node, kind, language, field),
            ValueKind::States => self.states(node, language),
            ValueKind::Branches => self.branches(node, language, field),
            ValueKind::ErrorNames => self.error_names(node),
            ValueKind::Comparison(operand) => self.operand(node, operand, field),
            ValueKind::StringArray => {
                let ok = node.is_array() && node.elements().all(|i| i.as_str().is_some());
                self.expect(node, ok, field, "an array of strings");
            }
            ValueKind::Items => {
                if !node.is_array() {
                    self.expect(node, false, field, "an array or a JSONata expression");
                }
            }
        }
    }

    /// In JSONata, a field of a plain value may hold a `{% %}` expression instead: true when
    /// `node` is one (checked as JSONata).
    fn jsonata_in_place(
        &mut self,
        node: Node<'_>,
        kind: ValueKind,
        language: QueryLanguage,
    ) -> bool {
        let accepts_jsonata = language == QueryLanguage::Jsonata
            && matches!(
                kind,
                ValueKind::Integer { .. }
                    | ValueKind::Number { .. }
                    | ValueKind::Timestamp
                    | ValueKind::String
                    | ValueKind::Items
                    | ValueKind::JsonataExpression
            );
        if accepts_jsonata
            && node
                .as_str()
                .is_some_and(|s| s.starts_with("{%") || s.ends_with("%}"))
        {
            self.jsonata_string(node, ExprPlace::BeforeResult);
            return true;
        }
        false
    }

    /// A `${Name}` definition substitution stands for any value until deployment: true when
    /// `node` is one (or a malformed one, reported), so that nothing else is checked.
    fn substitution_stands_in(&mut self, node: Node<'_>, kind: ValueKind) -> bool {
        let Some(s) = node.as_str() else {
            return false;
        };
        if matches!(
            kind,
            ValueKind::Any
                | ValueKind::JsonataTemplate
                | ValueKind::PayloadTemplate
                | ValueKind::String
        ) || !s.as_bytes().windows(2).any(|pair| pair == b"${")
        {
            return false;
        }
        if let Some(at) = malformed_substitution(s) {
            let range = inner_range(self.text, node, at, s.len());
            self.error(
                "malformed-substitution",
                range,
                "This `${` substitution is not closed: write `${Name}`.",
            );
            return true;
        }
        is_placeholder(s)
    }

    fn enum_value(&mut self, node: Node<'_>, field: &str, options: &[&str]) {
        if node.as_str().is_some_and(|s| options.contains(&s)) {
            return;
        }
        let list = options
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let best = node
            .as_str()
            .and_then(|s| closest(s, options.iter().copied()));
        let hint = best
            .map(|c| format!(" Did you mean `{c}`?"))
            .unwrap_or_default();
        self.diagnostics.push(
            Diagnostic::error(
                "invalid-value",
                node.range(),
                format!("`{field}` must be one of {list}.{hint}"),
            )
            .with_suggested_string(best),
        );
    }

    /// An object-valued field; a Distributed Map's processor is a machine of its own (JSONPath
    /// unless it says otherwise, and none of the parent's variables).
    fn nested_object(
        &mut self,
        node: Node<'_>,
        kind: ObjectKind,
        language: QueryLanguage,
        field: &str,
    ) {
        if !node.is_object() {
            self.expect(node, false, field, "an object");
            return;
        }
        let anchor = Anchor::HeadOf(node.range());
        let distributed = kind == ObjectKind::Processor
            && node
                .get("ProcessorConfig")
                .and_then(|c| c.get("Mode"))
                .and_then(Node::as_str)
                == Some("DISTRIBUTED");
        let outer = (self.machine_language, self.scope);
        if distributed {
            self.machine_language = QueryLanguage::JsonPath;
        }
        if kind == ObjectKind::Processor {
            // Child executions of a Distributed Map see none of the parent's variables.
            self.scope = self.scopes.open((!distributed).then_some(outer.1));
        }
        self.object(node, kind, language, anchor);
        (self.machine_language, self.scope) = outer;
    }

    /// A Parallel's branches, each with a variable scope of its own inside the state's.
    fn branches(&mut self, node: Node<'_>, language: QueryLanguage, field: &str) {
        match node.kind() {
            NodeKind::Array(items) if !items.is_empty() => {
                for branch in items {
                    if branch.is_object() {
                        let anchor = Anchor::HeadOf(branch.range());
                        let outer = self.scope;
                        self.scope = self.scopes.open(Some(outer));
                        self.object(branch, ObjectKind::Branch, language, anchor);
                        self.scope = outer;
                    } else {
                        self.expect(
                            branch,
                            false,
                            "a branch",
                            "an object with StartAt and States",
                        );
                    }
                }
            }
            NodeKind::Array(_) => self.error(
                "empty-array",
                node.range(),
                "`Branches` needs at least one branch.",
            ),
            _ => self.expect(node, false, field, "an array of branches"),
        }
    }

    fn at(&self, anchor: Anchor) -> TextRange {
        match anchor {
            Anchor::Range(range) => range,
            Anchor::HeadOf(range) => head(self.text, range),
        }
    }

    fn expect(&mut self, node: Node<'_>, ok: bool, field: &str, what: &str) {
        if !ok {
            self.error(
                "invalid-type",
                node.range(),
                format!("`{field}` must be {what}, not {}.", node.type_name()),
            );
        }
    }

    fn integer(&mut self, node: Node<'_>, field: &str, min: i64, max: Option<i64>) {
        let Some(n) = node.as_number() else {
            return self.expect(node, false, field, "an integer");
        };
        let Some(i) = n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
        }) else {
            return self.error(
                "invalid-value",
                node.range(),
                format!("`{field}` must be a whole number."),
            );
        };
        if i < min || max.is_some_and(|m| i > m) {
            self.out_of_range(node, field, min, max, i);
        }
    }

    fn number(&mut self, node: Node<'_>, field: &str, min: f64, max: Option<f64>) {
        let Some(f) = node.as_number().and_then(serde_json::Number::as_f64) else {
            return self.expect(node, false, field, "a number");
        };
        if f < min || max.is_some_and(|m| f > m) {
            self.out_of_range(node, field, min, max, f);
        }
    }

    fn out_of_range<T: std::fmt::Display>(
        &mut self,
        node: Node<'_>,
        field: &str,
        min: T,
        max: Option<T>,
        value: T,
    ) {
        let range = match max {
            Some(m) => format!("from {min} to {m}"),
            None => format!("at least {min}"),
        };
        self.error(
            "out-of-range",
            node.range(),
            format!("`{field}` must be {range}, not {value}."),
        );
    }

    fn path(
        &mut self,
        node: Node<'_>,
        field: &str,
        nullable: bool,
        reference: bool,
        result_path: bool,
    ) {
        let s = match node.kind() {
            NodeKind::Null if nullable => return,
            NodeKind::String(s) => s,
            _ => {
                return self.expect(
                    node,
                    false,
                    field,
                    if nullable { "a path or null" } else { "a path" },
                )
            }
        };
        match path::check(s) {
            Err(e) => {
                let range = inner_range(self.text, node, e.offset, e.offset + 1);
                self.error(
                    "invalid-path",
                    range,
                    format!("Invalid path in `{field}`: {}", e.message),
                );
            }
            Ok(p) if reference && !p.is_reference => {
                self.error("invalid-path", node.range(), format!(
                    "`{field}` takes a Reference Path: only `.name`, `['name']` and `[index]` steps, no `*`, `..`, slices or filters."
                ));
            }
            Ok(p) if result_path && p.root != path::PathRoot::Input => {
                self.error("invalid-path", inner_range(self.text, node, 0, 2), format!(
                    "`{field}` must point into the state input (`$...`): it cannot write to the context object or a variable (use `Assign` for variables)."
                ));
            }
            Ok(p) => self.read_path_variable(node, &p.root, 0),
        }
    }

    /// Record a read of `$name` when a path (at `offset` in the string) starts at a variable.
    fn read_path_variable(&mut self, node: Node<'_>, root: &path::PathRoot, offset: usize) {
        if let path::PathRoot::Variable(name) = root {
            let range = inner_range(self.text, node, offset, offset + 1 + name.len());
            self.scopes.read(self.scope, name, range, self.state);
        }
    }

    fn intrinsic(&mut self, node: Node<'_>, s: &str) {
        match intrinsic::parse(s) {
            Err(e) => {
                let range = inner_range(self.text, node, e.start, e.end);
                self.error("invalid-intrinsic", range, e.message);
            }
            Ok(call) => self.intrinsic_call(node, &call),
        }
    }

    /// `States.Format`: as many values as its template has `{}` placeholders.
    fn format_placeholders(&mut self, call: &intrinsic::Call, name_range: TextRange) {
        let Some((intrinsic::Arg::String(template), _)) = call.args.first() else {
            return;
        };
        let placeholders = count_placeholders(template);
        let values = call.args.len() - 1;
        if placeholders != values {
            self.error(
                "intrinsic-argument",
                name_range,
                format!(
                    "The template has {} but {} {} it.",
                    crate::diagnostic::count(placeholders, "`{}` placeholder"),
                    crate::diagnostic::count(values, "value"),
                    if values == 1 { "follows" } else { "follow" }
                ),
            );
        }
    }

    fn intrinsic_call(&mut self, node: Node<'_>, call: &intrinsic::Call) {
        let name_range = inner_range(self.text, node, call.name_span.0, call.name_span.1);
        let Some(spec) = intrinsic::spec(call.name) else {
            let suggestion = closest(call.name, intrinsic::INTRINSICS.iter().map(|s| s.name))
                .map(|s| format!(" Did you mean `{s}`?"))
                .unwrap_or_default();
            return self.error(
                "unknown-intrinsic",
                name_range,
                format!("`{}` is not an intrinsic function.{suggestion}", call.name),
            );
        };
        let given = call.args.len();
        let min = spec.params.len() - spec.optional;
        let max = if spec.variadic {
            usize::MAX
        } else {
            spec.params.len()
        };
        if given < min || given > max {
            let expected = if spec.variadic {
                format!("at least {min}")
            } else if spec.optional > 0 {
                format!("{min} or {}", spec.params.len())
            } else {
                min.to_string()
            };
            return self.error(
                "intrinsic-arity",
                name_range,
                format!(
                    "`{}` takes {expected} argument(s), not {given}: {}",
                    spec.name, spec.signature
                ),
            );
        }
        for (i, (arg, (start, end))) in call.args.iter().enumerate() {
            let expected = spec
                .params
                .get(i)
                .copied()
                .unwrap_or(intrinsic::ParamType::Any);
            let fits = match arg {
                intrinsic::Arg::String(_) => matches!(
                    expected,
                    intrinsic::ParamType::Any | intrinsic::ParamType::String
                ),
                intrinsic::Arg::Number(n) => match expected {
                    intrinsic::ParamType::Any | intrinsic::ParamType::Number => true,
                    intrinsic::ParamType::Integer => n.is_i64() || n.is_u64(),
                    _ => false,
                },
                intrinsic::Arg::Boolean(_) => matches!(
                    expected,
                    intrinsic::ParamType::Any | intrinsic::ParamType::Boolean
                ),
                intrinsic::Arg::Null => expected == intrinsic::ParamType::Any,
                intrinsic::Arg::Path(p) => {
                    self.read_path_variable(node, &p.root, *start);
                    true
                }
                intrinsic::Arg::Call(inner) => {
                    self.intrinsic_call(node, inner);
                    true
                }
            };
            if !fits {
                let range = inner_range(self.text, node, *start, *end);
                self.error(
                    "intrinsic-argument",
                    range,
                    format!(
                        "Argument {} of `{}` must be {} (or a path): {}",
                        i + 1,
                        spec.name,
                        expected.describe(),
                        spec.signature
                    ),
                );
            }
        }
        if spec.name == "States.Format" {
            self.format_placeholders(call, name_range);
        }
        if spec.name == "States.JsonMerge" {
            if let Some((intrinsic::Arg::Boolean(true), (s, e))) = call.args.get(2) {
                let range = inner_range(self.text, node, *s, *e);
                self.error("intrinsic-argument", range, "States.JsonMerge supports only shallow merges: the third argument must be `false`.");
            }
        }
    }

    /// A JSONPath payload template: `"key.$"` values are paths or intrinsic functions.
    fn payload_template(&mut self, node: Node<'_>, depth: usize) {
        if depth > 256 {
            return;
        }
        match node.kind() {
            NodeKind::Object(members) => {
                self.duplicate_stems(members.clone());
                for m in members {
                    if m.key.name.ends_with(".$") {
                        match m.value.as_str() {
                            Some(s) if intrinsic::looks_like_call(s) => self.intrinsic(m.value, s),
                            Some(s) if is_placeholder(s) => {}
                            Some(_) => self.path(m.value, m.key.name, false, false, false),
                            None => self.error("invalid-type", m.value.range(), format!(
                                "`{}` ends in `.$`, so its value must be a path or an intrinsic function string.", m.key.name
                            )),
                        }
                    } else {
                        self.payload_template(m.value, depth + 1);
                    }
                }
            }
            NodeKind::Array(items) => {
                for item in items {
                    self.payload_template(item, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// `"a"` and `"a.$"` in one object both produce the field `a`.
    fn duplicate_stems(&mut self, members: Members<'_>) {
        const SMALL: usize = 16;
        if !members.clone().any(|m| m.key.name.ends_with(".$")) {
            return;
        }
        // Small objects (nearly all) are compared pairwise on the stack; large ones through a map.
        let mut small = [("", TextRange::empty(0)); SMALL];
        let mut large: crate::fxhash::FxHashMap<&str, TextRange> =
            crate::fxhash::FxHashMap::default();
        let is_small = members.len() <= SMALL;
        for (i, m) in members.enumerate() {
            let stem = m.key.name.strip_suffix(".$").unwrap_or(m.key.name);
            let earlier = if is_small {
                let found = small[..i].iter().find(|(s, _)| *s == stem).map(|(_, r)| *r);
                small[i] = (stem, m.key.range);
                found
            } else {
                large.insert(stem, m.key.range)
            };
            if let Some(first) = earlier {
                self.diagnostics.push(
                    Diagnostic::error(
                        "duplicate-key",
                        m.key.range,
                        format!(
                            "`{}` and `{}` both produce the field `{stem}`: keep one of them.",
                            &self.text[first.start as usize..first.end as usize],
                            m.key.name
                        ),
                    )
                    .with_related(first, "the other one"),
                );
            }
        }
    }

    /// Any JSON whose `{% %}` strings are JSONata.
    fn jsonata_template(&mut self, node: Node<'_>, place: ExprPlace, depth: usize) {
        if depth > 256 {
            return;
        }
        match node.kind() {
            NodeKind::Object(members) => {
                for m in members {
                    self.jsonata_template(m.value, place, depth + 1);
                }
            }
            NodeKind::Array(items) => {
                for item in items {
                    self.jsonata_template(item, place, depth + 1);
                }
            }
            NodeKind::String(s) if s.starts_with("{%") || s.ends_with("%}") => {
                self.jsonata_string(node, place)
            }
            _ => {}
        }
    }

    fn jsonata_string(&mut self, node: Node<'_>, place: ExprPlace) {
        let Some(s) = node.as_str() else { return };
        if !s.starts_with("{%") {
            return self.error(
                "jsonata-delimiters",
                node.range(),
                "A JSONata expression must start with `{%` as well as end with `%}`.",
            );
        }
        if !s.ends_with("%}") || s.len() < 4 {
            return self.error(
                "jsonata-delimiters",
                node.range(),
                "A JSONata expression must end with `%}`: write \"{% expression %}\".",
            );
        }
        let inner = &s[2..s.len() - 2];
        if !inner.starts_with(char::is_whitespace) || !inner.ends_with(char::is_whitespace) {
            // Legal (deployed projects write `{%expr%}`): a style hint, and the check goes on.
            self.diagnostics.push(Diagnostic::new(
                Severity::Hint,
                "jsonata-spacing",
                node.range(),
                "The usual spelling has a space after `{%` and before `%}`: \"{% expression %}\".",
            ));
        }
        if inner.trim().is_empty() {
            return self.error(
                "jsonata-syntax",
                node.range(),
                "The JSONata expression is empty.",
            );
        }
        if !self.valid_jsonata.contains(inner) {
            if let Some((at, message)) = jsonata::syntax_error(inner) {
                let range = inner_range(self.text, node, 2 + at, 3 + at);
                return self.error(
                    "jsonata-syntax",
                    range,
                    format!("JSONata syntax error: {message}"),
                );
            }
            self.valid_jsonata.insert(inner.into());
        }
        for (name, at) in jsonata::free_variables(inner) {
            let range = inner_range(self.text, node, 2 + at, 3 + at + name.len());
            self.scopes.read(self.scope, &name, range, self.state);
        }
        let checks: &[(&str, &str)] = match place {
            ExprPlace::BeforeResult => &[
                ("$states.result", "`$states.result` does not exist here: the state has not produced a result yet (use it in `Output` or `Assign`)."),
                ("$states.errorOutput", "`$states.errorOutput` exists only in a Catcher's `Output` and `Assign`."),
            ],
            ExprPlace::AfterResult => &[("$states.errorOutput", "`$states.errorOutput` exists only in a Catcher's `Output` and `Assign`.")],
            ExprPlace::Catcher => &[],
        };
        for (needle, message) in checks {
            if let Some(at) = inner.find(needle) {
                let range = inner_range(self.text, node, 2 + at, 2 + at + needle.len());
                self.error("jsonata-scope", range, *message);
            }
        }
    }

    fn assign(&mut self, node: Node<'_>, language: QueryLanguage, owner: ObjectKind) {
        let NodeKind::Object(members) = node.kind() else {
            return self.expect(
                node,
                false,
                "Assign",
                "an object of variable names to values",
            );
        };
        for m in members {
            let name = m.key.name.strip_suffix(".$").unwrap_or(m.key.name);
            self.scopes
                .assign(self.scope, &Text::from(name), self.state);
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                && name.len() <= 80;
            if !valid {
                self.diagnostics.push(Diagnostic::warning("invalid-variable-name", m.key.range, format!(
                    "`{name}` cannot be read back as `${name}`: a variable name starts with a letter or `_`, then letters, digits or `_` (at most 80)."
                )));
            }
            if name == "states" {
                self.error(
                    "reserved-variable-name",
                    m.key.range,
                    "`states` is reserved for `$states`.",
                );
            }
        }
        if language == QueryLanguage::Jsonata {
            let place = if owner == ObjectKind::Catcher {
                ExprPlace::Catcher
            } else {
                ExprPlace::AfterResult
            };
            self.jsonata_template(node, place, 0);
        } else {
            self.payload_template(node, 0);
        }
    }

    /// A Task's Resource (`item_io` None), or an ItemReader's / ResultWriter's (the owner).
    fn resource(&mut self, node: Node<'_>, item_io: Option<ObjectKind>) {
        let Some(s) = node.as_str() else {
            return self.expect(node, false, "Resource", "an ARN string");
        };
        let allowed = match item_io {
            Some(ObjectKind::ResultWriter) => integrations::RESULT_WRITER_APIS,
            Some(_) => integrations::ITEM_READER_APIS,
            None => &[],
        };
        let fits = |api: &str| allowed.contains(&api);
        match integrations::resolve(s) {
            Ok(integrations::Resource::ItemIo { .. }) if item_io.is_none() => self.error("unknown-resource", node.range(),
                "This S3 API is for a Distributed Map's ItemReader / ResultWriter; a Task uses `arn:aws:states:::aws-sdk:s3:ACTION`."),
            Ok(integrations::Resource::ItemIo { api }) if item_io.is_some() && !fits(&api) => {
                self.item_io_resource(node, item_io, allowed);
            }
            Ok(r) if item_io.is_some() && !matches!(r, integrations::Resource::ItemIo { .. } | integrations::Resource::Placeholder) => {
                self.item_io_resource(node, item_io, allowed);
            }
            Ok(_) => {}
            Err(e) => {
                let range = inner_range(self.text, node, e.start, e.end);
                self.error("unknown-resource", range, e.message);
            }
        }
    }

    fn item_io_resource(&mut self, node: Node<'_>, owner: Option<ObjectKind>, allowed: &[&str]) {
        let what = owner.map_or("", ObjectKind::describe);
        let list: Vec<String> = allowed
            .iter()
            .map(|r| format!("`arn:aws:states:::{r}`"))
            .collect();
        let one_of = if list.len() == 1 { "" } else { "one of " };
        self.error(
            "unknown-resource",
            node.range(),
            format!("{what} uses {one_of}{}.", list.join(", ")),
        );
    }

    fn label(&mut self, node: Node<'_>) {
        let Some(s) = node.as_str() else {
            return self.expect(node, false, "Label", "a string");
        };
        if s.is_empty() {
            return self.error("invalid-label", node.range(), "`Label` cannot be empty.");
        }
        if s.chars().count() > 40 {
            return self.error(
                "invalid-label",
                node.range(),
                "`Label` can have at most 40 characters.",
            );
        }
        let bad = |c: char| {
            c.is_whitespace()
                || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
                || ('\u{0}'..='\u{1f}').contains(&c)
                || ('\u{7f}'..='\u{9f}').contains(&c)
        };
        if let Some((i, c)) = s.char_indices().find(|(_, c)| bad(*c)) {
            let range = inner_range(self.text, node, i, i + c.len_utf8());
            self.error("invalid-label", range, format!(
                "`Label` cannot contain {:?}: no whitespace, brackets, wildcards, control characters or any of \" # % \\ ^ | ~ ` $ & , ; : /.", c
            ));
        }
    }

    fn array_of(&mut self, node: Node<'_>, kind: ObjectKind, language: QueryLanguage, field: &str) {
        let NodeKind::Array(items) = node.kind() else {
            return self.expect(node, false, field, "an array");
        };
        if items.is_empty() && matches!(kind, ObjectKind::NestedRule) {
            self.error(
                "empty-array",
                node.range(),
                format!("`{field}` needs at least one rule."),
            );
        }
        for item in items.clone() {
            if item.is_object() {
                let anchor = Anchor::HeadOf(item.range());
                self.object(item, kind, language, anchor);
            } else {
                self.expect(
                    item,
                    false,
                    &format!("Each element of `{field}`"),
                    "an object",
                );
            }
        }
        if matches!(kind, ObjectKind::Retrier | ObjectKind::Catcher) {
            // `States.ALL` only in the last retrier / catcher.
            let last = items.len().saturating_sub(1);
            for (i, item) in items.enumerate() {
                let all = item
                    .get("ErrorEquals")
                    .map(|e| {
                        e.elements()
                            .filter(|n| n.as_str() == Some("States.ALL"))
                            .count()
                    })
                    .unwrap_or(0);
                if all > 0 && i != last {
                    let range = item.get("ErrorEquals").map_or(item.range(), Node::range);
                    self.error("states-all-not-last", range, format!(
                        "The {} with `States.ALL` must be the last one: those after it can never match.",
                        if kind == ObjectKind::Retrier { "retrier" } else { "catcher" }
                    ));
                }
            }
        }
    }

    fn states(&mut self, node: Node<'_>, language: QueryLanguage) {
        let NodeKind::Object(members) = node.kind() else {
            return self.expect(node, false, "States", "an object of state names to states");
        };
        if members.is_empty() {
            self.error(
                "empty-states",
                node.range(),
                "`States` needs at least one state.",
            );
        }
        // The machine's own states (the walker is in no state) may be shared with other walks.
        if let Some(queue) = self.queue.filter(|_| self.state == 0) {
            return self.take_states(queue);
        }
        for m in members {
            self.state_member(m, language);
        }
    }

    /// One member of `States`: a state's name and its definition.
    fn state_member(&mut self, m: Member<'_>, language: QueryLanguage) {
        let name = &m.key.name;
        if name.is_empty() || name.chars().count() > 80 {
            self.error(
                "invalid-state-name",
                m.key.range,
                "A state name has 1 to 80 characters.",
            );
        }
        let state = m.value;
        if !state.is_object() {
            if !state.is_missing() {
                self.expect(state, false, &format!("State `{name}`"), "an object");
            }
            return;
        }
        let Some(type_node) = state.get("Type") else {
            self.error("missing-field", m.key.range, format!("State `{name}` needs `Type`: one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map."));
            return;
        };
        let kind = type_node.as_str().and_then(ObjectKind::state_type);
        match kind {
            Some(kind) => {
                // Reads and assignments are attributed to this state (nested states
                // number their own).
                let outer = self.state;
                self.states_seen += 1;
                self.state = self.states_seen;
                self.object(state, kind, language, Anchor::Range(m.key.range));
                self.state = outer;
            }
            None => {
                let hint = type_node
                    .as_str()
                    .and_then(|t| closest(t, schema::STATE_TYPES.iter().copied()))
                    .map(|c| format!(" Did you mean `{c}`?"))
                    .unwrap_or_default();
                self.error("invalid-value", type_node.range(), format!(
                    "`Type` must be one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map.{hint}"
                ));
            }
        }
    }

    fn error_names(&mut self, node: Node<'_>) {
        let NodeKind::Array(items) = node.kind() else {
            return self.expect(node, false, "ErrorEquals", "an array of error names");
        };
        if items.is_empty() {
            return self.error(
                "empty-array",
                node.range(),
                "`ErrorEquals` needs at least one error name.",
            );
        }
        for item in items.clone() {
            let Some(name) = item.as_str() else {
                self.expect(item, false, "Each error name", "a string");
                continue;
            };
            if name.is_empty() {
                self.error(
                    "invalid-value",
                    item.range(),
                    "An error name cannot be empty.",
                );
            } else if name == "States.ALL" && items.len() > 1 {
                self.error(
                    "states-all-not-alone",
                    item.range(),
                    "`States.ALL` must be the only name in its `ErrorEquals`.",
                );
            }
        }
    }

    fn operand(&mut self, node: Node<'_>, operand: Operand, field: &str) {
        match operand {
            Operand::String => self.expect(node, node.as_str().is_some(), field, "a string"),
            Operand::Number => self.expect(node, node.as_number().is_some(), field, "a number"),
            Operand::Boolean | Operand::Test => self.expect(node, node.as_bool().is_some(), field, "`true` or `false`"),
            Operand::Timestamp => match node.as_str() {
                Some(s) if is_timestamp(s) => {}
                _ => self.error("invalid-value", node.range(), format!("`{field}` compares with an RFC 3339 timestamp such as `2026-01-01T00:00:00Z`.")),
            },
            Operand::Path => self.path(node, field, false, false, false),
        }
    }
}

/// `{"Ref": ...}`, `{"Fn::GetAtt": ...}`, `{"Fn::Sub": ...}`: a CloudFormation template computes
/// the value on deployment, so it may stand wherever a value can.
fn is_cloudformation_intrinsic(node: Node<'_>) -> bool {
    let mut members = node.members();
    members.len() == 1
        && members
            .next()
            .is_some_and(|only| only.key.name == "Ref" || only.key.name.starts_with("Fn::"))
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_lowercase().collect::<String>() + chars.as_str()
    })
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// Where an unclosed `${` starts, if any.
fn malformed_substitution(s: &str) -> Option<usize> {
    let mut rest = 0;
    while let Some(i) = s[rest..].find("${") {
        let start = rest + i;
        match s[start..].find('}') {
            Some(j) if j > 2 => rest = start + j + 1,
            _ => return Some(start),
        }
    }
    None
}

/// `{}` placeholders in a States.Format template (`\{` escapes).
fn count_placeholders(template: &str) -> usize {
    // The parser already turned `\{` into `{`; count the raw `{}` pairs.
    template.matches("{}").count()
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            b.len() == i + 6 && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

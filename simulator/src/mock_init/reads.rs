//! Where a Task's result goes and what the states after it read of it, from the definition's
//! JSON: the paths of the result that must hold a value for the happy path to run (a
//! ResultSelector's `.$` paths, `$states.result.x`, and, followed through ResultPath,
//! OutputPath, InputPath and Parameters, the later states' `.$` paths, Choice variables,
//! ItemsPath, Wait and Fail paths, `$states.input.x`), each with the kind of value its reader
//! wants (a Choice's variable the value that takes a branch that does not fail).

use crate::fxhash::{FxHashMap, FxHashSet};
use serde_json::{json, Value};

use super::choice::choice_reads;
use crate::model::minimal_result::{Demand, Step, Wanted};

pub(super) type Path = Vec<Step>;

/// Where parts of the task's result sit in a state's input.
type Flow = Vec<Part>;

/// A part of the result in a state's input: its path there, its path in the result, and the
/// places inside it (relative paths) a ResultPath has since overwritten.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Part {
    at: Path,
    from: Path,
    hidden: Vec<Path>,
}

impl Part {
    fn whole(at: Path, from: Path) -> Part {
        Part {
            at,
            from,
            hidden: Vec::new(),
        }
    }

    /// The part further in at `rest` (relative), unless it was overwritten.
    fn inside(&self, rest: &[Step]) -> Option<(Path, Vec<Path>)> {
        if self.hidden.iter().any(|h| rest.starts_with(h)) {
            return None;
        }
        let hidden = self
            .hidden
            .iter()
            .filter_map(|h| h.strip_prefix(rest).map(<[Step]>::to_vec))
            .collect();
        Some(([self.from.as_slice(), rest].concat(), hidden))
    }
}

fn root() -> Flow {
    vec![Part::whole(Vec::new(), Vec::new())]
}

/// Enough for any real definition's fan-out; bounds the walk on a cyclic one.
const MAX_VISITS: usize = 4096;

/// Every state of a definition by name (names are unique across branches and processors), with
/// whether it is written in JSONata.
pub(super) struct States<'d>(FxHashMap<&'d str, (&'d Value, bool)>);

impl<'d> States<'d> {
    pub(super) fn of(definition: &'d Value) -> Self {
        let mut states = States(FxHashMap::default());
        states.index(definition, false);
        states
    }

    fn index(&mut self, machine: &'d Value, jsonata: bool) {
        let jsonata = language(machine, jsonata);
        let Some(states) = machine.get("States").and_then(Value::as_object) else {
            return;
        };
        for (name, state) in states {
            let own = language(state, jsonata);
            self.0.insert(name, (state, own));
            for branch in state["Branches"].as_array().into_iter().flatten() {
                self.index(branch, own);
            }
            for processor in ["ItemProcessor", "Iterator"] {
                if let Some(p) = state.get(processor) {
                    self.index(p, own);
                }
            }
        }
    }

    pub(super) fn get(&self, name: &str) -> Option<(&'d Value, bool)> {
        self.0.get(name).copied()
    }

    pub(super) fn is_fail(&self, name: Option<&str>) -> bool {
        name.and_then(|n| self.get(n))
            .is_some_and(|(s, _)| s["Type"] == "Fail")
    }
}

fn language(node: &Value, inherited: bool) -> bool {
    match node.get("QueryLanguage").and_then(Value::as_str) {
        Some(language) => language == "JSONata",
        None => inherited,
    }
}

/// What must be in the result of task `task` of `states`, the choices' values first.
pub(super) fn demands(states: &States<'_>, task: &str) -> Vec<Demand> {
    let Some((state, jsonata)) = states.get(task) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let flow = result_flow(state, jsonata, &mut found);
    let queue: Vec<(String, Flow)> = successors(state, states)
        .into_iter()
        .map(|next| (next, flow.clone()))
        .collect();
    walk(states, queue, &mut found);
    found
}

/// What must be in the execution's input, the choices' values first.
pub(super) fn input_demands(states: &States<'_>, definition: &Value) -> Vec<Demand> {
    let mut found = Vec::new();
    let mut variables = FxHashMap::default();
    variable_wants(definition, &mut variables);
    for root in ["$$.Execution.Input", "$states.context.Execution.Input"] {
        context_paths(definition, root, &variables, &mut found);
    }
    if let Some(start) = definition["StartAt"].as_str() {
        let queue = vec![(start.to_string(), root())];
        walk(states, queue, &mut found);
    }
    found
}

/// Follow the flows of `queue` through the states they reach, gathering what each state reads
/// of them.
fn walk(states: &States<'_>, mut queue: Vec<(String, Flow)>, found: &mut Vec<Demand>) {
    let mut seen = FxHashSet::default();
    while let Some((name, flow)) = queue.pop() {
        if flow.is_empty() || seen.len() > MAX_VISITS {
            continue;
        }
        let Some((state, jsonata)) = states.get(&name) else {
            continue;
        };
        if !seen.insert((name, format!("{flow:?}"))) {
            continue;
        }
        for (read, wanted) in reads(state, jsonata, states) {
            for part in &flow {
                let inside = read.strip_prefix(part.at.as_slice());
                if let Some((path, _)) = inside.and_then(|rest| part.inside(rest)) {
                    found.push(Demand {
                        path,
                        wanted: wanted.clone(),
                    });
                }
            }
        }
        let (output, branches) = pass_through(state, jsonata, &flow);
        for branch in state["Branches"].as_array().into_iter().flatten() {
            if let Some(start) = branch["StartAt"].as_str() {
                queue.push((start.to_string(), branches.clone()));
            }
        }
        if let Some(start) = item_flow(state, jsonata, &flow) {
            queue.push(start);
        }
        for next in successors(state, states) {
            queue.push((next, output.clone()));
        }
    }
    // A Choice's value before a typed wish for the same place, a typed one before any value.
    found.sort_by_key(|d| match d.wanted {
        Wanted::Exactly(_) => 0,
        Wanted::Any => 2,
        _ => 1,
    });
}

/// The states the happy path can go to next: `Next`, and a Choice's targets that do not fail.
fn successors(state: &Value, states: &States<'_>) -> Vec<String> {
    let mut next: Vec<String> = state["Next"]
        .as_str()
        .map(str::to_string)
        .into_iter()
        .collect();
    for rule in state["Choices"].as_array().into_iter().flatten() {
        next.extend(rule["Next"].as_str().map(str::to_string));
    }
    next.extend(state["Default"].as_str().map(str::to_string));
    next.retain(|n| !states.is_fail(Some(n)));
    next
}

/// The task's own reads of its result, and where the result goes in the task's output.
fn result_flow(state: &Value, jsonata: bool, found: &mut Vec<Demand>) -> Flow {
    if jsonata {
        for field in ["Output", "Assign"] {
            for path in jsonata_paths(&state[field], "$states.result") {
                found.push(Demand {
                    path: path.0,
                    wanted: path.1,
                });
            }
        }
        return match state.get("Output") {
            None => root(),
            Some(output) => as_parts(template_entries(output, true, "$states.result")),
        };
    }
    let result = match state.get("ResultSelector") {
        None => root(),
        Some(selector) => {
            for (path, wanted) in template_reads(selector) {
                found.push(Demand { path, wanted });
            }
            as_parts(template_entries(selector, false, "$"))
        }
    };
    let placed = place(&[], result, state.get("ResultPath"));
    narrow(&placed, state.get("OutputPath"))
}

/// Where the result sits in this state's output (and in its branches' input, for a Parallel).
fn pass_through(state: &Value, jsonata: bool, flow: &Flow) -> (Flow, Flow) {
    let kind = state["Type"].as_str().unwrap_or_default();
    if jsonata {
        let input = vec![(Vec::new(), Vec::new())];
        let output = match (state.get("Output"), kind) {
            (Some(output), _) => compose(&template_entries(output, true, "$states.input"), flow),
            (None, "Choice" | "Wait" | "Pass" | "Succeed") => flow.clone(),
            (None, _) => Vec::new(),
        };
        let arguments = state
            .get("Arguments")
            .map_or(input, |a| template_entries(a, true, "$states.input"));
        return (output, compose(&arguments, flow));
    }
    if state.get("InputPath") == Some(&Value::Null) {
        return (Vec::new(), Vec::new());
    }
    let effective = narrow(flow, state.get("InputPath"));
    let parameters = match state.get("Parameters") {
        Some(p) => compose(&template_entries(p, false, "$"), &effective),
        None => effective.clone(),
    };
    let output = match kind {
        "Choice" | "Wait" | "Succeed" => effective,
        "Pass" => {
            let result = if state.get("Result").is_some() {
                Vec::new()
            } else {
                parameters.clone()
            };
            place(flow, result, state.get("ResultPath"))
        }
        _ => place(flow, Vec::new(), state.get("ResultPath")),
    };
    (narrow(&output, state.get("OutputPath")), parameters)
}

/// A Map's first item, when it comes from the result: where its processor starts and the
/// flow there (the item, or what the ItemSelector copies of it). Its path ends with `[0]`, so
/// that the list holds one item whose members the processor reads.
fn item_flow(state: &Value, jsonata: bool, flow: &Flow) -> Option<(String, Flow)> {
    let processor = state
        .get("ItemProcessor")
        .or_else(|| state.get("Iterator"))?;
    let start = processor["StartAt"].as_str()?.to_string();
    let items = if jsonata {
        let expression = state["Items"]
            .as_str()?
            .strip_prefix("{%")?
            .strip_suffix("%}")?;
        simple_root_path(expression.trim(), "$states.input")?
    } else {
        let input = match state.get("InputPath") {
            None => Vec::new(),
            Some(path) => parse(path.as_str()?).filter(|p| p.1)?.0,
        };
        let items = match state.get("ItemsPath") {
            None => Vec::new(),
            Some(path) => parse(path.as_str()?).filter(|p| p.1)?.0,
        };
        [input, items].concat()
    };
    let mut item: Flow = flow
        .iter()
        .filter_map(|part| part.inside(items.strip_prefix(part.at.as_slice())?))
        .map(|(mut from, hidden)| {
            from.push(Step::Index(0));
            Part {
                at: Vec::new(),
                from,
                hidden,
            }
        })
        .collect();
    let (selector, root) = if jsonata {
        ("ItemSelector", "$states.context.Map.Item.Value")
    } else {
        ("ItemSelector", "$$.Map.Item.Value")
    };
    let template = state.get(selector).or_else(|| state.get("Parameters"));
    if let Some(template) = template {
        item = compose(&template_entries(template, jsonata, root), &item);
    }
    (!item.is_empty()).then_some((start, item))
}

/// The output of a state whose input held `input` and whose result holds `result`, by its
/// `ResultPath` (absent: the result replaces the input; null: the input passes).
fn place(input: &[Part], result: Flow, result_path: Option<&Value>) -> Flow {
    let at = match result_path {
        None => Vec::new(),
        Some(Value::Null) => return input.to_vec(),
        Some(Value::String(p)) => match parse(p) {
            Some((at, true)) => at,
            _ => return Vec::new(),
        },
        Some(_) => return Vec::new(),
    };
    let mut placed: Flow = Vec::new();
    for part in input {
        if let Some(rest) = at
            .strip_prefix(part.at.as_slice())
            .filter(|r| !r.is_empty())
        {
            let mut kept = part.clone();
            kept.hidden.push(rest.to_vec());
            placed.push(kept);
        } else if !part.at.starts_with(&at) {
            placed.push(part.clone());
        }
    }
    placed.extend(result.into_iter().map(|mut part| {
        part.at = [at.as_slice(), &part.at].concat();
        part
    }));
    placed
}

/// The flow inside the part `path` (an InputPath or OutputPath) picks.
fn narrow(flow: &[Part], path: Option<&Value>) -> Flow {
    let at = match path {
        None => return flow.to_vec(),
        Some(Value::String(p)) => match parse(p) {
            Some((at, true)) => at,
            _ => return Vec::new(),
        },
        Some(_) => return Vec::new(),
    };
    flow.iter()
        .filter_map(|part| {
            if let Some(rest) = part.at.strip_prefix(at.as_slice()) {
                Some(Part {
                    at: rest.to_vec(),
                    ..part.clone()
                })
            } else {
                let (from, hidden) = part.inside(at.strip_prefix(part.at.as_slice())?)?;
                Some(Part {
                    at: Vec::new(),
                    from,
                    hidden,
                })
            }
        })
        .collect()
}

/// A template's copies (`entries`: place in the template's value, path read) applied to the
/// flow of the value it reads.
fn compose(entries: &[(Path, Path)], flow: &[Part]) -> Flow {
    let mut composed = Vec::new();
    for (out, read) in entries {
        for part in flow {
            if let Some(rest) = read.strip_prefix(part.at.as_slice()) {
                if let Some((from, hidden)) = part.inside(rest) {
                    composed.push(Part {
                        at: out.clone(),
                        from,
                        hidden,
                    });
                }
            } else if let Some(rest) = part.at.strip_prefix(read.as_slice()) {
                composed.push(Part {
                    at: [out.as_slice(), rest].concat(),
                    ..part.clone()
                });
            }
        }
    }
    composed
}

/// A template's copies of the result itself.
fn as_parts(entries: Vec<(Path, Path)>) -> Flow {
    entries
        .into_iter()
        .map(|(at, from)| Part::whole(at, from))
        .collect()
}

/// A payload template's plain copies: (place in its value, path it copies). JSONPath: the
/// `"key.$": "$.path"` members; JSONata: values that are only `{% ROOT.path %}`.
fn template_entries(template: &Value, jsonata: bool, root: &str) -> Vec<(Path, Path)> {
    let mut entries = Vec::new();
    collect_entries(template, jsonata, root, &mut Vec::new(), &mut entries);
    entries
}

fn collect_entries(
    value: &Value,
    jsonata: bool,
    root: &str,
    at: &mut Path,
    entries: &mut Vec<(Path, Path)>,
) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let (name, is_path) = match key.strip_suffix(".$") {
                    Some(name) if !jsonata => (name, true),
                    _ => (key.as_str(), false),
                };
                at.push(Step::Member(name.to_string()));
                match (is_path, member.as_str()) {
                    (true, Some(path)) => {
                        let from_root = path.strip_prefix(root).map(|rest| format!("${rest}"));
                        if let Some((read, true)) = from_root.as_deref().and_then(parse) {
                            entries.push((at.clone(), read));
                        }
                    }
                    (true, None) => {}
                    (false, _) => collect_entries(member, jsonata, root, at, entries),
                }
                at.pop();
            }
        }
        Value::String(text) if jsonata => {
            let inner = text
                .strip_prefix("{%")
                .and_then(|t| t.strip_suffix("%}"))
                .map(str::trim);
            if let Some(read) = inner.and_then(|e| simple_root_path(e, root)) {
                entries.push((at.clone(), read));
            }
        }
        _ => {}
    }
}

/// `ROOT.a.b` alone (JSONata), as the path `a.b`.
fn simple_root_path(expression: &str, root: &str) -> Option<Path> {
    let rest = expression.strip_prefix(root)?;
    let (path, len) = dotted(rest);
    (len == rest.len()).then_some(path)
}

/// The `.$` paths a JSONPath template reads (`$.a`, and those inside intrinsic functions).
fn template_reads(template: &Value) -> Vec<(Path, Wanted)> {
    let mut reads = Vec::new();
    walk_template(template, &mut reads);
    reads
}

fn walk_template(value: &Value, reads: &mut Vec<(Path, Wanted)>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                match (key.ends_with(".$"), member.as_str()) {
                    (true, Some(text)) => reads.extend(expression_reads(text)),
                    (false, _) => walk_template(member, reads),
                    _ => {}
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk_template(i, reads)),
        _ => {}
    }
}

/// The paths a JSONPath field's value reads: itself, or the `$.x` arguments of an intrinsic
/// function (an array function's first argument wants a list, a math one a number).
pub(super) fn expression_reads(text: &str) -> Vec<(Path, Wanted)> {
    if !text.starts_with("States.") {
        return path_read(text, Wanted::Any).into_iter().collect();
    }
    intrinsic_arguments(text)
        .into_iter()
        .filter_map(|(argument, wanted)| path_read(argument, wanted))
        .collect()
}

/// The `$...` arguments (paths and variables) of an intrinsic function call, with what the
/// function wants of each.
fn intrinsic_arguments(text: &str) -> Vec<(&str, Wanted)> {
    let bytes = text.as_bytes();
    let mut arguments = Vec::new();
    for (i, _) in text.match_indices('$') {
        let after = bytes.get(i + 1).copied();
        let before = i.checked_sub(1).map(|b| bytes[b]);
        if before == Some(b'$') || after == Some(b'$') {
            continue;
        }
        let end = text[i..]
            .find([',', ')', ' '])
            .map_or(text.len(), |e| i + e);
        let function = text[..i].rfind("States.").map(|f| {
            let name_end = text[f..].find('(').map_or(f, |p| f + p);
            (
                &text[f + 7..name_end],
                text[name_end + 1..i].trim().is_empty(),
            )
        });
        let wanted = match function {
            Some((name, true)) if name.starts_with("Array") => Wanted::Array,
            Some(("MathAdd", _)) => Wanted::Number,
            Some(("StringToJson", true)) => Wanted::Exactly(json!("{}")),
            Some(("Base64Decode", true)) => Wanted::Exactly(json!("")),
            Some(("StringSplit" | "Hash" | "Base64Encode", true)) => Wanted::Text,
            _ => Wanted::Any,
        };
        arguments.push((&text[i..end], wanted));
    }
    arguments
}

/// What the intrinsic functions anywhere in `value` want of each variable they take (`$round`
/// in `States.MathAdd($round, 1)`: a number).
fn variable_wants(value: &Value, wants: &mut FxHashMap<String, Wanted>) {
    match value {
        Value::String(text) if text.starts_with("States.") => {
            for (argument, wanted) in intrinsic_arguments(text) {
                let name = &argument[1..];
                let plain =
                    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                if plain && !matches!(wanted, Wanted::Any) {
                    wants.entry(name.to_string()).or_insert(wanted);
                }
            }
        }
        Value::Object(members) => members.values().for_each(|v| variable_wants(v, wants)),
        Value::Array(items) => items.iter().for_each(|v| variable_wants(v, wants)),
        _ => {}
    }
}

/// A JSONPath's read, with what its reader wants; a path that goes on through `[*]` or a
/// filter wants the list or value before it.
pub(super) fn path_read(path: &str, wanted: Wanted) -> Option<(Path, Wanted)> {
    let (at, complete) = parse(path)?;
    if complete {
        return Some((at, wanted));
    }
    (!at.is_empty()).then_some((at, Wanted::Any))
}

/// `$`, `$.a.b`, `$['a'].b`, `$.a[0]` as steps, and whether the whole path was read (`false`:
/// it goes on with a wildcard, a filter or a slice). Not a path of the input (`$$.`, `$var`): None.
pub(super) fn parse(path: &str) -> Option<(Path, bool)> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name == "*" {
                return Some((steps, false));
            }
            steps.push(Step::Member(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = after[..end].trim();
            if let Ok(index) = inside.parse::<usize>() {
                steps.push(Step::Index(index));
            } else if let Some(name) = quoted(inside) {
                steps.push(Step::Member(name.to_string()));
            } else {
                return Some((steps, false));
            }
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some((steps, true))
}

fn quoted(text: &str) -> Option<&str> {
    ['\'', '"']
        .iter()
        .find_map(|q| text.strip_prefix(*q)?.strip_suffix(*q))
}

/// The JSONPath fields a state reads of its input, with what each wants.
fn reads(state: &Value, jsonata: bool, states: &States<'_>) -> Vec<(Path, Wanted)> {
    if jsonata {
        let mut found = Vec::new();
        for (field, value) in state.as_object().into_iter().flatten() {
            if !matches!(
                field.as_str(),
                "Branches" | "ItemProcessor" | "Iterator" | "Choices"
            ) {
                found.extend(jsonata_paths(value, "$states.input"));
            }
        }
        found.extend(choice_reads(state, true, states));
        return found;
    }
    let input = match state.get("InputPath") {
        Some(Value::Null) => return Vec::new(),
        Some(Value::String(p)) => match parse(p) {
            Some((at, true)) => at,
            _ => return Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut found: Vec<(Path, Wanted)> = vec![(input.clone(), Wanted::Any)];
    for field in ["Parameters", "ItemSelector"] {
        if let Some(template) = state.get(field) {
            found.extend(template_reads(template));
        }
    }
    let path_fields = [
        ("ItemsPath", Wanted::Array),
        ("SecondsPath", Wanted::Number),
        ("TimestampPath", Wanted::Timestamp),
        ("ErrorPath", Wanted::Text),
        ("CausePath", Wanted::Text),
    ];
    for (field, wanted) in path_fields {
        if let Some(path) = state[field].as_str() {
            found.extend(expression_reads(path).into_iter().map(|(p, w)| {
                let w = if matches!(w, Wanted::Any) {
                    wanted.clone()
                } else {
                    w
                };
                (p, w)
            }));
        }
    }
    found.extend(choice_reads(state, false, states));
    if matches!(state["Type"].as_str(), Some("Choice" | "Wait" | "Succeed")) {
        if let Some(path) = state["OutputPath"].as_str() {
            found.extend(path_read(path, Wanted::Any));
        }
    }
    found
        .into_iter()
        .map(|(p, w)| ([input.as_slice(), &p].concat(), w))
        .collect()
}

/// Every `ROOT.a.b` (JSONata) in the strings of `value`; a number where arithmetic or an
/// order comparison follows it.
pub(super) fn jsonata_paths(value: &Value, root: &str) -> Vec<(Path, Wanted)> {
    let mut found = Vec::new();
    match value {
        Value::String(text) => {
            for (i, _) in text.match_indices(root) {
                let rest = &text[i + root.len()..];
                let (path, len) = dotted(rest);
                if path.is_empty() {
                    continue;
                }
                let follows = rest[len..].trim_start();
                let wanted = match follows.chars().next() {
                    _ if follows.starts_with("%}") => Wanted::Any,
                    Some('+' | '-' | '*' | '/' | '%' | '<' | '>') => Wanted::Number,
                    _ => Wanted::Any,
                };
                found.push((path, wanted));
            }
        }
        Value::Object(members) => {
            for member in members.values() {
                found.extend(jsonata_paths(member, root));
            }
        }
        Value::Array(items) => {
            for item in items {
                found.extend(jsonata_paths(item, root));
            }
        }
        _ => {}
    }
    found
}

/// `.a.b` at the start of `text` (JSONata member steps), and how many bytes it takes.
pub(super) fn dotted(text: &str) -> (Path, usize) {
    let mut steps = Vec::new();
    let mut taken = 0;
    while let Some(after) = text[taken..].strip_prefix('.') {
        let len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        // `.$fn()` or `.(...)`: a function, not a member.
        if len == 0 {
            break;
        }
        steps.push(Step::Member(after[..len].to_string()));
        taken += 1 + len;
    }
    (steps, taken)
}

/// The paths read through the context object's copy of the input (`$$.Execution.Input.x`,
/// `$states.context.Execution.Input.x`) anywhere in the definition, with what the variable an
/// Assign sets from one wants.
fn context_paths(
    value: &Value,
    root: &str,
    variables: &FxHashMap<String, Wanted>,
    found: &mut Vec<Demand>,
) {
    match value {
        Value::String(text) => {
            for (i, _) in text.match_indices(root) {
                let (path, _) = dotted(&text[i + root.len()..]);
                if !path.is_empty() {
                    found.push(Demand {
                        path,
                        wanted: Wanted::Any,
                    });
                }
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                let assigned = key.strip_suffix(".$").and_then(|v| variables.get(v));
                let path = member
                    .as_str()
                    .and_then(|m| m.strip_prefix(root))
                    .map(dotted);
                match (assigned, path) {
                    (Some(wanted), Some((path, len))) if len > 0 => found.push(Demand {
                        path,
                        wanted: wanted.clone(),
                    }),
                    _ => context_paths(member, root, variables, found),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                context_paths(item, root, variables, found);
            }
        }
        _ => {}
    }
}

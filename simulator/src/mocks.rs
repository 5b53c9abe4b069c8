//! Mocked service responses in Step Functions Local's `MockConfigFile.json` format, extended
//! additively: an entry may carry `DelaySeconds` (when the callback arrives, how long the job
//! runs, the call's latency), `Heartbeats` (seconds after the task started at which the worker
//! sends a heartbeat) and `NoResponse: true` (the token never comes back, the job never ends).
//! A test case may also say what stands for S3 for its Distributed Maps: `S3Root` (a folder,
//! relative to the mock file, where `FOLDER/BUCKET/KEY` is an object) and `S3Objects`
//! (`"bucket/key": "text"` or `{"File": "relative/path"}`); a Map state with an ItemReader
//! may be mocked like a Task (its response is the object's content, or the listing).

use serde_json::{Map, Value};

use crate::fxhash::FxHashMap;

/// What one invocation of a mocked task does.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Return(Value),
    Throw {
        error: String,
        cause: Option<String>,
    },
    NoResponse,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub outcome: Outcome,
    pub delay_seconds: u64,
    pub heartbeats: Vec<u64>,
}

/// A mocked response: which invocation numbers (inclusive ranges) answer how.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MockedResponse {
    pub invocations: Vec<(u64, u64, Response)>,
}

impl MockedResponse {
    /// The response of invocation `n` (0-based: each attempt, retries included, is one).
    pub fn invocation(&self, n: u64) -> Option<&Response> {
        self.invocations
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&n))
            .map(|(_, _, r)| r)
    }
}

/// The mocks of one test case: state name → its mocked response.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TestCase {
    pub states: FxHashMap<String, MockedResponse>,
    /// `S3Root` and `S3Objects`, paths as written (relative to the mock file's folder:
    /// see [`crate::engine::S3Source::resolved`]).
    pub s3: crate::engine::S3Source,
}

/// The keys of a test case that are not state names.
const S3_ROOT: &str = "S3Root";
const S3_OBJECTS: &str = "S3Objects";

/// A problem in a mock file, with the JSON pointer of the place at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockError {
    pub pointer: String,
    pub message: String,
}

fn error(pointer: impl Into<String>, message: impl Into<String>) -> MockError {
    MockError {
        pointer: pointer.into(),
        message: message.into(),
    }
}

/// The state machines of a mock file: their names, and their test cases' names.
pub fn state_machines(config: &Value) -> Vec<(String, Vec<String>)> {
    config
        .get("StateMachines")
        .and_then(Value::as_object)
        .map(|machines| {
            machines
                .iter()
                .map(|(name, m)| {
                    let cases = m
                        .get("TestCases")
                        .and_then(Value::as_object)
                        .map(|c| c.keys().cloned().collect())
                        .unwrap_or_default();
                    (name.clone(), cases)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `examples/heartbeat.asl.json` → `heartbeat`: how Step Functions Local names a machine. A
/// state machine in a template, `template.yaml#OrderFlow`, is named by its logical id.
pub fn definition_name(path: &str) -> String {
    if let Some((_, logical_id)) = path.rsplit_once('#') {
        return logical_id.to_string();
    }
    std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| {
            n.trim_end_matches(".json")
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .trim_end_matches(".asl")
        })
        .unwrap_or("StateMachine")
        .to_string()
}

/// The mock files a definition named `name` reads when none is named, in order of preference:
/// `NAME.mocks.json`, then Step Functions Local's `MockConfigFile.json`, beside it.
pub fn sibling_file_names(name: &str) -> [String; 2] {
    [
        format!("{name}.mocks.json"),
        "MockConfigFile.json".to_string(),
    ]
}

/// The state machine a definition stands for in a mock file: the one named, else the file's
/// only one, else the one named like the definition file.
pub fn machine_name(config: &Value, requested: Option<&str>, definition_name: &str) -> String {
    let machines = state_machines(config);
    match requested {
        Some(m) => m.to_string(),
        None if machines.len() == 1 => machines[0].0.clone(),
        None => definition_name.to_string(),
    }
}

/// Read one test case of one state machine from a mock file (its first problem, if any).
pub fn test_case(config: &Value, machine: &str, case: &str) -> Result<TestCase, MockError> {
    read_test_case(config, machine, case).map_err(|mut problems| problems.swap_remove(0))
}

/// Read one test case of one state machine from a mock file, or every problem found on the
/// way (never empty): each state's mock is read even when another's is wrong.
pub fn read_test_case(
    config: &Value,
    machine: &str,
    case: &str,
) -> Result<TestCase, Vec<MockError>> {
    let states = case_states(config, machine, case).map_err(|e| vec![e])?;
    let responses = config.get("MockedResponses").and_then(Value::as_object);
    let mut out = TestCase::default();
    let mut problems = Vec::new();
    let case_pointer = format!("/StateMachines/{machine}/TestCases/{case}");
    match s3_source(states, &case_pointer) {
        Ok(s3) => out.s3 = s3,
        Err(found) => problems.extend(found),
    }
    for (state, response_name) in states {
        if state == S3_ROOT || state == S3_OBJECTS {
            continue;
        }
        let pointer = format!("{case_pointer}/{state}");
        let Some(name) = response_name.as_str() else {
            problems.push(error(
                &pointer,
                "A test case maps a state name to a mocked response's name.",
            ));
            continue;
        };
        let Some(response) = responses
            .and_then(|r| r.get(name))
            .and_then(Value::as_object)
        else {
            problems.push(error(
                &pointer,
                format!("No mocked response `{name}` under `MockedResponses`."),
            ));
            continue;
        };
        match mocked_response(response, &format!("/MockedResponses/{name}")) {
            Ok(mocked) => {
                out.states.insert(state.clone(), mocked);
            }
            // A response two states share is wrong once.
            Err(e) if problems.contains(&e) => {}
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A test case's `S3Root` and `S3Objects`, or what is wrong with them.
fn s3_source(
    case: &Map<String, Value>,
    pointer: &str,
) -> Result<crate::engine::S3Source, Vec<MockError>> {
    use crate::engine::S3Object;
    let mut source = crate::engine::S3Source::default();
    let mut problems = Vec::new();
    match case.get(S3_ROOT) {
        None => {}
        Some(Value::String(folder)) if !folder.is_empty() => source.root = Some(folder.into()),
        Some(_) => problems.push(error(
            format!("{pointer}/{S3_ROOT}"),
            "`S3Root` is the folder standing for S3 (a path, relative to the mock file), where FOLDER/BUCKET/KEY is an object.",
        )),
    }
    match case.get(S3_OBJECTS) {
        None => {}
        Some(Value::Object(objects)) => {
            for (name, object) in objects {
                let at = format!("{pointer}/{S3_OBJECTS}/{}", name.replace('~', "~0").replace('/', "~1"));
                if !name.split_once('/').is_some_and(|(b, k)| !b.is_empty() && !k.is_empty()) {
                    problems.push(error(&at, format!("`{name}` is not `bucket/key`.")));
                    continue;
                }
                let object = match object {
                    Value::String(text) => S3Object::Text(text.clone()),
                    Value::Object(file) if file.len() == 1 => match file.get("File") {
                        Some(Value::String(path)) => S3Object::File(path.into()),
                        _ => {
                            problems.push(error(&at, "An object is its text, or `{\"File\": \"relative/path\"}`."));
                            continue;
                        }
                    },
                    _ => {
                        problems.push(error(&at, "An object is its text, or `{\"File\": \"relative/path\"}`."));
                        continue;
                    }
                };
                source.objects.insert(name.clone(), object);
            }
        }
        Some(_) => problems.push(error(
            format!("{pointer}/{S3_OBJECTS}"),
            "`S3Objects` maps `bucket/key` to the object's text or `{\"File\": \"relative/path\"}`.",
        )),
    }
    if problems.is_empty() {
        Ok(source)
    } else {
        Err(problems)
    }
}

/// A test case's object of state names and mocked responses' names.
fn case_states<'c>(
    config: &'c Value,
    machine: &str,
    case: &str,
) -> Result<&'c Map<String, Value>, MockError> {
    let machines = config
        .get("StateMachines")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            error(
                "/StateMachines",
                "A mock file has a `StateMachines` object.",
            )
        })?;
    let cases = machines
        .get(machine)
        .ok_or_else(|| {
            let known: Vec<&str> = machines.keys().map(String::as_str).collect();
            error(
                format!("/StateMachines/{machine}"),
                format!(
                    "No state machine `{machine}` in the mock file (it has: {}).",
                    known.join(", ")
                ),
            )
        })?
        .get("TestCases")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            error(
                format!("/StateMachines/{machine}/TestCases"),
                "Expected a `TestCases` object.",
            )
        })?;
    cases.get(case).and_then(Value::as_object).ok_or_else(|| {
        let known: Vec<&str> = cases.keys().map(String::as_str).collect();
        let near = crate::analysis::closest(case, known.iter().copied())
            .map_or_else(String::new, |near| format!(" Did you mean `{near}`?"));
        error(
            format!("/StateMachines/{machine}/TestCases/{case}"),
            format!(
                "No test case `{case}` (there are: {}).{near}",
                known.join(", ")
            ),
        )
    })
}

fn mocked_response(
    entries: &Map<String, Value>,
    pointer: &str,
) -> Result<MockedResponse, MockError> {
    let mut invocations: Vec<(u64, u64, Response)> = Vec::new();
    for (key, entry) in entries {
        let at = format!("{pointer}/{key}");
        let bad_key = || {
            error(
                &at,
                format!("`{key}` is not an invocation number (`0`) or range (`1-2`)."),
            )
        };
        let (first, last) = match key.split_once('-') {
            Some((a, b)) => (
                a.trim().parse().map_err(|_| bad_key())?,
                b.trim().parse().map_err(|_| bad_key())?,
            ),
            None => {
                let n = key.trim().parse().map_err(|_| bad_key())?;
                (n, n)
            }
        };
        if last < first {
            return Err(bad_key());
        }
        if let Some((a, b, _)) = invocations
            .iter()
            .find(|(a, b, _)| first <= *b && *a <= last)
        {
            return Err(error(
                &at,
                format!("Invocations {first}-{last} overlap {a}-{b}."),
            ));
        }
        invocations.push((first, last, response(entry, &at)?));
    }
    invocations.sort_by_key(|(first, _, _)| *first);
    Ok(MockedResponse { invocations })
}

fn response(entry: &Value, at: &str) -> Result<Response, MockError> {
    let object = entry
        .as_object()
        .ok_or_else(|| error(at, "An invocation is an object with `Return` or `Throw`."))?;
    let given = ["Return", "Throw", "NoResponse"]
        .iter()
        .filter(|k| object.contains_key(**k))
        .count();
    if given != 1 {
        return Err(error(
            at,
            "An invocation has exactly one of `Return`, `Throw` or `NoResponse`.",
        ));
    }
    let outcome = if let Some(value) = object.get("Return") {
        Outcome::Return(value.clone())
    } else if let Some(thrown) = object.get("Throw") {
        let error_name = thrown
            .get("Error")
            .and_then(Value::as_str)
            .ok_or_else(|| error(format!("{at}/Throw"), "`Throw` needs an `Error` name."))?;
        Outcome::Throw {
            error: error_name.to_string(),
            cause: thrown.get("Cause").map(|c| match c {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        }
    } else {
        Outcome::NoResponse
    };
    let delay_seconds = match object.get("DelaySeconds") {
        None => 0,
        Some(v) => v.as_u64().ok_or_else(|| {
            error(
                format!("{at}/DelaySeconds"),
                "`DelaySeconds` is a whole number of seconds.",
            )
        })?,
    };
    let heartbeats = match object.get("Heartbeats") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_u64().ok_or_else(|| {
                    error(
                        format!("{at}/Heartbeats"),
                        "`Heartbeats` lists whole seconds.",
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(error(
                format!("{at}/Heartbeats"),
                "`Heartbeats` is an array of seconds.",
            ))
        }
    };
    Ok(Response {
        outcome,
        delay_seconds,
        heartbeats,
    })
}

/// Where a problem at `pointer` is in a mock file's tree: the member's key when the pointer
/// names a member, else the deepest node on its way.
pub fn locate(tree: &crate::syntax::Tree, pointer: &str) -> crate::syntax::TextRange {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    match tree
        .root()
        .pointer(parent)
        .member(&last.replace("~1", "/").replace("~0", "~"))
    {
        Some(member) => member.key.range,
        None => tree.root().pointer(pointer).range(),
    }
}

/// Every problem of a mock file, located, for an editor: its JSON syntax, then each test case
/// of each state machine.
pub fn check_file(text: &str) -> Vec<crate::Diagnostic> {
    let parsed = crate::syntax::parse(text, crate::syntax::Format::Json);
    if !parsed.diagnostics.is_empty() {
        return parsed.diagnostics;
    }
    let config = parsed.tree.root().to_json();
    if config
        .get("StateMachines")
        .and_then(Value::as_object)
        .is_none()
    {
        return vec![crate::Diagnostic::error(
            "mock-file",
            parsed.tree.root().range(),
            "A mock file has a `StateMachines` object.",
        )];
    }
    let mut out = Vec::new();
    for (machine, cases) in state_machines(&config) {
        for case in cases {
            for e in read_test_case(&config, &machine, &case)
                .err()
                .unwrap_or_default()
            {
                let range = locate(&parsed.tree, &e.pointer);
                // A response two cases share is wrong once.
                if !out
                    .iter()
                    .any(|d: &crate::Diagnostic| d.range == range && d.message == e.message)
                {
                    out.push(crate::Diagnostic::error("mock-file", range, e.message));
                }
            }
        }
    }
    out
}

/// The test case's mocks of states the definition lacks, or of states that are not Tasks: a
/// typo that would otherwise leave the real task unmocked without a word.
pub fn misplaced_states(
    case: &TestCase,
    definition: &crate::model::StateMachine,
    machine: &str,
    case_name: &str,
) -> Vec<MockError> {
    let states = definition.all_states();
    let mut named: Vec<&String> = case.states.keys().collect();
    named.sort();
    let tasks = || -> Vec<&str> {
        states
            .iter()
            .filter(|s| s.kind.type_name() == "Task")
            .map(|s| &*s.name.value)
            .collect()
    };
    named
        .into_iter()
        .filter_map(|name| {
            let pointer = format!("/StateMachines/{machine}/TestCases/{case_name}/{name}");
            match states.iter().find(|s| &*s.name.value == name.as_str()) {
                None => {
                    let tasks = tasks();
                    let near = crate::analysis::closest(name, tasks.iter().copied())
                        .map_or_else(String::new, |near| format!(" Did you mean `{near}`?"));
                    Some(error(
                        pointer,
                        format!(
                            "The definition has no state `{name}` (its Task states: {}).{near}",
                            tasks.join(", ")
                        ),
                    ))
                }
                Some(state) if !takes_mocks(state) => Some(error(
                    pointer,
                    format!(
                        "`{name}` is a {} state; only Task states (and Maps' ItemReaders) call services and take mocks.",
                        state.kind.type_name()
                    ),
                )),
                Some(_) => None,
            }
        })
        .collect()
}

/// Task states call services; so does a Distributed Map's ItemReader.
fn takes_mocks(state: &crate::model::State) -> bool {
    match &state.kind {
        crate::model::StateKind::Task(_) => true,
        crate::model::StateKind::Map(map) => map.item_reader.is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_step_functions_local_files_and_the_extensions() {
        let config = json!({"StateMachines": {"SM": {"TestCases": {"Retry": {"Call": "Flaky"}}}},
            "MockedResponses": {"Flaky": {
                "0": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
                "1-2": {"Throw": {"Error": "States.Timeout"}},
                "3": {"Return": {"StatusCode": 200}, "DelaySeconds": 30, "Heartbeats": [10, 20]}}}});
        let case = test_case(&config, "SM", "Retry").expect("valid");
        let call = &case.states["Call"];
        assert!(matches!(
            call.invocation(0).map(|r| &r.outcome),
            Some(Outcome::Throw { cause: Some(_), .. })
        ));
        assert!(matches!(
            call.invocation(2).map(|r| &r.outcome),
            Some(Outcome::Throw { cause: None, .. })
        ));
        assert_eq!(call.invocation(3).map(|r| r.delay_seconds), Some(30));
        assert!(call.invocation(4).is_none());
    }

    #[test]
    fn errors_name_the_place() {
        let overlap = json!({"StateMachines": {"SM": {"TestCases": {"C": {"S": "R"}}}},
            "MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}});
        let e = test_case(&overlap, "SM", "C").expect_err("overlap");
        assert_eq!(e.pointer, "/MockedResponses/R/2");
        let both = json!({"StateMachines": {"SM": {"TestCases": {"C": {"S": "R"}}}},
            "MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}});
        assert!(test_case(&both, "SM", "C")
            .expect_err("both")
            .message
            .contains("exactly one"));
        let missing = json!({"StateMachines": {"SM": {"TestCases": {"C": {"S": "Nope"}}}}, "MockedResponses": {}});
        assert!(test_case(&missing, "SM", "C")
            .expect_err("missing")
            .message
            .contains("Nope"));
        assert!(test_case(&missing, "SM", "D")
            .expect_err("case")
            .message
            .contains("`D`"));
    }

    #[test]
    fn every_broken_mock_of_a_case_is_reported() {
        let config = json!({"StateMachines": {"SM": {"TestCases": {"C": {"A": "Nope", "B": 3, "C": "R"}}}},
            "MockedResponses": {"R": {"x": {"Return": 1}}}});
        let problems = read_test_case(&config, "SM", "C").expect_err("three mistakes");
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/StateMachines/SM/TestCases/C/A",
                "/StateMachines/SM/TestCases/C/B",
                "/MockedResponses/R/x"
            ]
        );
    }

    #[test]
    fn check_file_locates_problems_for_editors() {
        // Broken JSON: the syntax errors, located.
        let broken = check_file("{\"StateMachines\": {");
        assert!(!broken.is_empty() && broken.iter().all(|d| d.severity == crate::Severity::Error));
        let text = r#"{"StateMachines": {"SM": {"TestCases": {"C": {"S": "Nope"}}}}, "MockedResponses": {}}"#;
        let found = check_file(text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &text[found[0].range.start as usize..found[0].range.end as usize],
            "\"S\""
        );
        assert!(check_file(r#"{"MockedResponses": {}}"#)[0]
            .message
            .contains("StateMachines"));
        assert!(check_file(r#"{"StateMachines": {}}"#).is_empty());
    }
}

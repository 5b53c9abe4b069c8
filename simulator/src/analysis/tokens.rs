//! The patterns' own rules: a `.waitForTaskToken` task must hand its token to someone and should
//! not wait a year unguarded; Express workflows (and Express child executions of a Distributed
//! Map) support request-response only.

use super::text::inner_range;
use super::{CheckOptions, WorkflowType};
use crate::diagnostic::Diagnostic;
use crate::model::path::{self, PathRoot};
use crate::model::{intrinsic, Pattern, Resource, State, StateKind, StateMachine};
use crate::syntax::{Node, NodeKind, Tree};

pub fn check(
    text: &str,
    tree: &Tree,
    machine: &StateMachine,
    options: CheckOptions,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let express = options.workflow_type == WorkflowType::Express;
    walk(text, tree, machine, express, diagnostics);
}

fn walk(
    text: &str,
    tree: &Tree,
    machine: &StateMachine,
    express: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for state in &machine.states {
        match &state.kind {
            StateKind::Task(task) => task_rules(text, tree, state, task, express, diagnostics),
            StateKind::Parallel(p) => {
                for branch in &p.branches {
                    walk(text, tree, branch, express, diagnostics);
                }
            }
            StateKind::Map(m) => {
                if let Some(processor) = &m.processor {
                    let child_express = if m.is_distributed() {
                        processor.execution_type.as_deref() == Some("EXPRESS")
                    } else {
                        express
                    };
                    walk(text, tree, processor, child_express, diagnostics);
                }
            }
            _ => {}
        }
    }
}

fn task_rules(
    text: &str,
    tree: &Tree,
    state: &State,
    task: &crate::model::Task,
    express: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(target) = &task.target else { return };
    let pattern = target.pattern();
    let suffix_range = || {
        let len = task.resource.value.len();
        match task.resource_node.resolve(tree) {
            Some(node) => inner_range(text, node, len - pattern.suffix().len(), len),
            None => task.resource.range,
        }
    };
    if express
        && pattern != Pattern::RequestResponse
        && !matches!(target, Resource::Activity { .. })
    {
        diagnostics.push(Diagnostic::error(
            "express-pattern",
            suffix_range(),
            format!(
                "Express workflows support request-response only, not `{}`: use a Standard workflow, or call the API without the suffix.",
                pattern.suffix()
            ),
        ));
    }
    if pattern != Pattern::WaitForTaskToken || matches!(target, Resource::Activity { .. }) {
        return;
    }
    let payload = state.io.parameters.or(state.io.arguments);
    let passes = payload
        .and_then(|p| p.resolve(tree))
        .is_some_and(|p| passes_token(p, 0));
    if !passes {
        let field = if state.io.arguments.is_some()
            || state.query_language == crate::model::QueryLanguage::Jsonata
        {
            "Arguments never pass `$states.context.Task.Token`: add e.g. `\"TaskToken\": \"{% $states.context.Task.Token %}\"`"
        } else {
            "Parameters never pass `$$.Task.Token`: add e.g. `\"TaskToken.$\": \"$$.Task.Token\"`"
        };
        diagnostics.push(Diagnostic::warning(
            "task-token-not-passed",
            suffix_range(),
            format!(
                "`{}` waits for its task token, but its {field}. Without it nobody can return the token and the task waits until it times out.",
                state.name.value
            ),
        ));
    }
    if task.heartbeat.is_none() && task.timeout.is_none() {
        diagnostics.push(Diagnostic::warning(
            "unbounded-callback-wait",
            suffix_range(),
            format!(
                "`{}` waits for a callback with neither HeartbeatSeconds nor TimeoutSeconds: if the callback never comes it waits up to the execution limit (one year). Add `\"HeartbeatSeconds\"` or `\"TimeoutSeconds\"`.",
                state.name.value
            ),
        ));
    }
}

/// Whether a Parameters / Arguments payload hands out the task token (or the whole `Task` /
/// context object that holds it).
fn passes_token(node: Node<'_>, depth: usize) -> bool {
    if depth > 256 {
        return false;
    }
    match node.kind() {
        NodeKind::Object(mut members) => members.any(|m| {
            if m.key.name.ends_with(".$") {
                m.value.as_str().is_some_and(path_string_has_token)
            } else {
                passes_token(m.value, depth + 1)
            }
        }),
        NodeKind::Array(mut items) => items.any(|v| passes_token(v, depth + 1)),
        // A `${...}` substitution may be anything: give it the benefit of the doubt.
        NodeKind::String(s) => jsonata_has_token(s) || (s.starts_with("${") && s.ends_with('}')),
        _ => false,
    }
}

fn path_string_has_token(s: &str) -> bool {
    if intrinsic::looks_like_call(s) {
        return intrinsic::parse(s).is_ok_and(|call| call_has_token(&call));
    }
    path::parse(s).is_ok_and(|p| path_has_token(&p))
}

fn path_has_token(p: &path::Path) -> bool {
    if p.root != PathRoot::Context {
        return false;
    }
    let steps: Vec<&str> = p.field_prefix().take(2).collect();
    matches!(steps.as_slice(), [] | ["Task"] | ["Task", "Token"])
}

fn call_has_token(call: &intrinsic::Call) -> bool {
    call.args.iter().any(|(arg, _)| match arg {
        intrinsic::Arg::Path(p) => path_has_token(p),
        intrinsic::Arg::Call(inner) => call_has_token(inner),
        _ => false,
    })
}

fn jsonata_has_token(s: &str) -> bool {
    if !s.starts_with("{%") {
        return false;
    }
    let mut rest = s;
    while let Some(i) = rest.find("$states.context") {
        let after = &rest[i + "$states.context".len()..];
        let is_ident = |c: char| c.is_alphanumeric() || c == '_';
        let after_task = after.strip_prefix(".Task");
        let whole_context = !after.starts_with('.') && !after.starts_with(is_ident);
        let whole_task =
            after_task.is_some_and(|t| !t.starts_with('.') && !t.starts_with(is_ident));
        let token =
            after_task.is_some_and(|t| t.starts_with(".Token") && !t[6..].starts_with(is_ident));
        if whole_context || whole_task || token {
            return true;
        }
        rest = after;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(value: &serde_json::Value) -> Tree {
        crate::syntax::parse(&value.to_string(), crate::syntax::Format::Json).tree
    }

    #[test]
    fn finds_the_token_in_paths_intrinsics_and_jsonata() {
        let yes = [
            serde_json::json!({"MessageBody": {"TaskToken.$": "$$.Task.Token"}}),
            serde_json::json!({"Body.$": "States.Format('{}', $$.Task.Token)"}),
            serde_json::json!({"Ctx.$": "$$"}),
            serde_json::json!({"T": "{% $states.context.Task.Token %}"}),
        ];
        for v in &yes {
            assert!(passes_token(tree(v).root(), 0), "{v}");
        }
        let no = [
            serde_json::json!({"TaskToken": "$$.Task.Token"}),
            serde_json::json!({"Name.$": "$$.Execution.Name"}),
            serde_json::json!({"T": "{% $states.context.Execution %}"}),
        ];
        for v in &no {
            assert!(!passes_token(tree(v).root(), 0), "{v}");
        }
    }
}

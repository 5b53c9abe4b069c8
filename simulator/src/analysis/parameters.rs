//! A Task's `Parameters` / `Arguments` against the API model of what it calls
//! (`model::api`): unknown and missing members, literals of the wrong type, values outside an
//! enum or a bound, at any depth; and `aws-sdk` actions the service does not have.
//!
//! Severities follow the project's rule. Errors: an `aws-sdk` action the service does not have
//! (CreateStateMachine rejects the Resource), a member the API does not have (Step Functions
//! refuses the Parameters: "The field ... is not supported by Step Functions"), a required member
//! left out (the call fails on every input). Warnings: a member spelt with other capitals than
//! both Step Functions' and the model's (our spelling is derived, not recorded), a literal of another type (the Java
//! SDK coerces many scalars), values outside an enum or a bound (the service decides), an
//! `aws-sdk` service the models do not name. `.$` keys and JSONata values are known only at run
//! time: their names are checked, their values are not.

use super::fields::closest;
use crate::diagnostic::Diagnostic;
use crate::model::api::{Member, Service, Shape, ShapeId};
use crate::model::integration_models::{self, Target};
use crate::model::{api, Resource, State, StateKind, StateMachine};
use crate::syntax::{Node, NodeKind, Tree};

pub fn check(text: &str, tree: &Tree, machine: &StateMachine, found: &mut Vec<Diagnostic>) {
    for state in &machine.states {
        match &state.kind {
            StateKind::Task(task) => {
                if let Some(target) = &task.target {
                    check_task(text, tree, state, task, target, found);
                }
            }
            StateKind::Parallel(p) => {
                for branch in &p.branches {
                    check(text, tree, branch, found);
                }
            }
            StateKind::Map(m) => {
                if let Some(processor) = &m.processor {
                    check(text, tree, processor, found);
                }
            }
            _ => {}
        }
    }
}

fn check_task(
    text: &str,
    tree: &Tree,
    state: &State,
    task: &crate::model::Task,
    resource: &Resource,
    found: &mut Vec<Diagnostic>,
) {
    if let Resource::AwsSdk {
        service, action, ..
    } = resource
    {
        if let Some(node) = task.resource_node.resolve(tree) {
            if !sdk_resource(text, node, service, action, found) {
                return;
            }
        }
    }
    let Some(target) = integration_models::target(resource) else {
        return;
    };
    let Some(input) = target.operation.input else {
        return;
    };
    let payload = state.io.parameters.or(state.io.arguments);
    let Some(node) = payload.and_then(|p| p.resolve(tree)) else {
        return;
    };
    let mut checker = Checker {
        text,
        target,
        service: target.service,
        found,
        path: Vec::new(),
    };
    checker.value(input, node, 0);
}

/// Whether the `aws-sdk` service and action exist; reports them when they do not.
fn sdk_resource(
    text: &str,
    node: Node<'_>,
    service: &str,
    action: &str,
    found: &mut Vec<Diagnostic>,
) -> bool {
    let Some(resource) = node.as_str() else {
        return false;
    };
    if resource.contains("${") {
        return false;
    }
    let service_at = resource.find(":aws-sdk:").map_or(0, |i| i + 9);
    let action_at = service_at + service.len() + 1;
    let Some(model) = api::service(service) else {
        let range = super::text::inner_range(text, node, service_at, service_at + service.len());
        let (message, fix) = if let Some(name) = api::name_for_model_name(service) {
            (
                format!("Step Functions names this service `{name}` in `aws-sdk:{name}:ACTION` (`{service}` is the SDK model's file name)."),
                Some(name),
            )
        } else {
            let near = closest(service, api::service_names());
            (
                format!(
                    "`{service}` is not a service in the AWS SDK's models{}",
                    near.map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_else(|| ".".into())
                ),
                near,
            )
        };
        let replaced =
            fix.map(|f| resource.replacen(&format!(":{service}:"), &format!(":{f}:"), 1));
        found.push(
            Diagnostic::warning("unknown-sdk-service", range, message)
                .with_suggested_string(replaced.as_deref()),
        );
        return false;
    };
    if model.operation(action).is_some() {
        return true;
    }
    let names = || model.operations.iter().map(|o| o.action.as_str());
    let mut ranked: Vec<(usize, &str)> = names()
        .map(|n| {
            (
                super::fields::edit_distance(&action.to_ascii_lowercase(), &n.to_ascii_lowercase()),
                n,
            )
        })
        .collect();
    ranked.sort_unstable();
    let listed: Vec<String> = ranked
        .iter()
        .take(3)
        .map(|(_, n)| format!("`{n}`"))
        .collect();
    let best = closest(action, names());
    let range = super::text::inner_range(text, node, action_at, action_at + action.len());
    found.push(
        Diagnostic::error(
            "unknown-sdk-action",
            range,
            format!(
                "`{service}` has no action `{action}` (AWS rejects the Resource); the closest: {}.",
                listed.join(", ")
            ),
        )
        .with_suggested_string(
            best.map(|b| resource.replacen(&format!(":{action}"), &format!(":{b}"), 1))
                .as_deref(),
        ),
    );
    false
}

struct Checker<'c> {
    text: &'c str,
    target: Target,
    service: &'static Service,
    found: &'c mut Vec<Diagnostic>,
    /// Member names from the payload's top, for the integration's any-JSON members.
    path: Vec<&'static str>,
}

/// A value known only at run time: a JSONata expression or a `${...}` substitution.
fn is_dynamic(s: &str) -> bool {
    let t = s.trim();
    (t.starts_with("{%") && t.ends_with("%}")) || s.contains("${")
}

impl Checker<'_> {
    fn value(&mut self, shape: ShapeId, node: Node<'_>, depth: usize) {
        if depth > 64 || self.target.any_json_input(&self.path) {
            return;
        }
        if node.as_str().is_some_and(is_dynamic)
            || matches!(node.kind(), NodeKind::Null)
            || node.is_missing()
        {
            return;
        }
        let service = self.service;
        match service.shape(shape) {
            Shape::Structure(members) => match node.kind() {
                NodeKind::Object(_) => self.structure(members, node, depth),
                _ => self.wrong_type(node, "an object"),
            },
            Shape::List { member, min, max } => match node.kind() {
                NodeKind::Array(items) => {
                    let count = node.elements().count();
                    self.bound(node, count as f64, *min, *max, "items");
                    for item in items {
                        self.value(*member, item, depth + 1);
                    }
                }
                _ => self.wrong_type(node, "an array"),
            },
            Shape::Map { value, .. } => match node.kind() {
                NodeKind::Object(members) => {
                    for m in members.filter(|m| !m.key.name.ends_with(".$")) {
                        self.value(*value, m.value, depth + 1);
                    }
                }
                _ => self.wrong_type(node, "an object"),
            },
            Shape::String { enums, min, max } => match node.as_str() {
                Some(s) => self.string(node, s, enums, *min, *max),
                None => self.wrong_type(node, "a string"),
            },
            Shape::Integer { min, max } => {
                match node.as_number().and_then(serde_json::Number::as_f64) {
                    Some(n) if n.fract() == 0.0 => self.bound(node, n, *min, *max, ""),
                    _ => self.wrong_type(node, "an integer"),
                }
            }
            Shape::Float { min, max } => {
                match node.as_number().and_then(serde_json::Number::as_f64) {
                    Some(n) => self.bound(node, n, *min, *max, ""),
                    None => self.wrong_type(node, "a number"),
                }
            }
            Shape::Boolean => {
                if node.as_bool().is_none() {
                    self.wrong_type(node, "a boolean");
                }
            }
            Shape::Timestamp => {
                if node.as_str().is_none() && node.as_number().is_none() {
                    self.wrong_type(node, "a timestamp (a string or a number)");
                }
            }
            Shape::Blob { min, max } => match node.as_str() {
                Some(s) => self.bound(node, s.len() as f64, *min, *max, "bytes"),
                None => self.wrong_type(node, "a string"),
            },
            Shape::Document => {}
        }
    }

    fn string(
        &mut self,
        node: Node<'_>,
        s: &str,
        enums: &[String],
        min: Option<f64>,
        max: Option<f64>,
    ) {
        if enums.is_empty() || enums.iter().any(|e| e == s) {
            self.bound(node, s.chars().count() as f64, min, max, "characters");
            return;
        }
        let near = closest(s, enums.iter().map(String::as_str));
        let listed: Vec<String> = enums.iter().take(12).map(|e| format!("`{e}`")).collect();
        let more = if enums.len() > 12 { ", ..." } else { "" };
        self.found.push(
            Diagnostic::warning(
                "parameter-value",
                node.range(),
                format!(
                    "`{s}` is not one of the values the API knows{}: {}{more}",
                    near.map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default(),
                    listed.join(", ")
                ),
            )
            .with_suggested_string(near),
        );
    }

    fn structure(&mut self, members: &'static [Member], node: Node<'_>, depth: usize) {
        let mut present = vec![false; members.len()];
        for m in node.members() {
            let (name, dynamic) = match m.key.name.strip_suffix(".$") {
                Some(name) => (name, true),
                None => (m.key.name, false),
            };
            // Step Functions' spelling, or the model's own: nested members such as DynamoDB's
            // `BOOL` / `NULL` are written as the wire spells them in deployed definitions.
            let at = members
                .iter()
                .position(|x| x.name == name || x.model_name.as_deref() == Some(name));
            let at = at.or_else(|| {
                let i = members
                    .iter()
                    .position(|x| x.name.eq_ignore_ascii_case(name))?;
                let key = m.key.name.replacen(name, &members[i].name, 1);
                self.found.push(
                    Diagnostic::warning(
                        "parameter-spelling",
                        m.key.range,
                        format!(
                            "Step Functions spells this member `{}` (the Java SDK's PascalCase).",
                            members[i].name
                        ),
                    )
                    .with_suggested_string(Some(&key)),
                );
                Some(i)
            });
            let Some(at) = at else {
                let near = closest(name, members.iter().map(|x| x.name.as_str()));
                let fix = near.map(|n| {
                    if dynamic {
                        format!("{n}.$")
                    } else {
                        n.to_string()
                    }
                });
                self.found.push(
                    Diagnostic::error(
                        "unknown-parameter",
                        m.key.range,
                        format!(
                            "`{name}` is not a member of {} (Step Functions refuses it); {}",
                            self.describe(),
                            near.map(|n| format!("did you mean `{n}`?"))
                                .unwrap_or_else(|| format!("it takes {}.", list_members(members)))
                        ),
                    )
                    .with_suggested_string(fix.as_deref()),
                );
                continue;
            };
            present[at] = true;
            if !dynamic {
                self.path.push(&members[at].name);
                self.value(members[at].shape, m.value, depth + 1);
                self.path.pop();
            }
        }
        let missing: Vec<&str> = members
            .iter()
            .zip(&present)
            .filter(|(m, p)| m.required && !**p)
            .map(|(m, _)| m.name.as_str())
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|n| format!("`{n}`")).collect();
            self.found.push(Diagnostic::error(
                "missing-parameter",
                super::text::head(self.text, node.range()),
                format!(
                    "{} requires {} (the call fails without {}).",
                    self.describe(),
                    names.join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                ),
            ));
        }
    }

    /// `lambda:invoke`'s input, or `Entries` of `events:putEvents`' input.
    fn describe(&self) -> String {
        let op = &self.target.operation.action;
        let what = match &self.target.rules {
            Some(rules) => rules.resource.to_string(),
            None => format!("{}:{op}", self.service.name),
        };
        match self.path.last() {
            Some(member) => format!("`{member}` of `{what}`"),
            None => format!("`{what}`'s input"),
        }
    }

    fn wrong_type(&mut self, node: Node<'_>, expected: &str) {
        let member = self.path.last().copied().unwrap_or("the input");
        self.found.push(Diagnostic::warning(
            "parameter-type",
            node.range(),
            format!("`{member}` takes {expected}, not {}.", node.type_name()),
        ));
    }

    fn bound(
        &mut self,
        node: Node<'_>,
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
        unit: &str,
    ) {
        let member = self.path.last().copied().unwrap_or("the input");
        let unit = match unit {
            "" => String::new(),
            // "1 character", "2 characters"
            _ if (min == Some(1.0) && value < 1.0) || max == Some(1.0) => {
                format!(" {}", unit.trim_end_matches('s'))
            }
            _ => format!(" {unit}"),
        };
        let message = match (min, max) {
            (Some(min), _) if value < min => {
                format!("`{member}` takes at least {min}{unit}; this has {value}.")
            }
            (_, Some(max)) if value > max => {
                format!("`{member}` takes at most {max}{unit}; this has {value}.")
            }
            _ => return,
        };
        self.found.push(Diagnostic::warning(
            "parameter-bound",
            node.range(),
            message,
        ));
    }
}

fn list_members(members: &[Member]) -> String {
    let mut names: Vec<&Member> = members.iter().collect();
    names.sort_by_key(|m| !m.required);
    let shown: Vec<String> = names
        .iter()
        .take(8)
        .map(|m| format!("`{}`", m.name))
        .collect();
    let more = if members.len() > 8 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
}

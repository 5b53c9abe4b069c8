//! Static checks. `check` is the one entry point: parse, walk the tree against the schema, then
//! run the whole-machine checks on the typed model. Every pass is linear in the document.
//!
//! The rule for severities, which every code follows ([`codes::CODES`] records the decision
//! and its reason for each, and the tests hold the constructors to it):
//! - **error**: AWS rejects the definition (CreateStateMachine / ValidateStateMachineDefinition
//!   says INVALID), or it fails at run time on every input.
//! - **warning**: legal for AWS but almost surely a mistake (an error name nothing raises, a
//!   callback wait with no bound, a task token never passed). Our own lints are warnings unless
//!   AWS also refuses the definition; [`deny_warnings`] (`check --deny-warnings`, the language
//!   server's `asl.denyWarnings`) makes them errors for CI.
//! - hints and information: style, and what a simulation saw.
//!
//! A run (`run`, `test`, `graph --simulate`, the language server's simulation) refuses only a
//! definition AWS itself would refuse at creation ([`stops_run`]): an error that fails at run
//! time is what the run then shows, as AWS would.

pub mod codes;
mod distributed;
mod errors;
mod fields;
mod graph;
pub mod jsonata;
mod parameters;
mod text;
mod tokens;
mod variables;

use crate::diagnostic::Diagnostic;
use crate::model::StateMachine;
use crate::syntax::{self, Format, Tree};
pub use codes::{code_rule, deny_warnings, stops_run, CodeRule, CODES};
// "Did you mean" for the front ends too (`--state Nope`).
pub use fields::closest;
use fields::StateQueue;

/// Standard workflows support every pattern; Express ones request-response only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkflowType {
    #[default]
    Standard,
    Express,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    pub workflow_type: WorkflowType,
}

/// Everything known about a document after checking it.
#[derive(Clone, Debug)]
pub struct Checked {
    pub tree: Tree,
    pub machine: StateMachine,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse and check a document.
pub fn check(text: &str, format: Format, options: CheckOptions) -> Checked {
    let check = || check_parsed(text, syntax::parse(text, format), options);
    // On the pool as a whole: its threads hand the parse's and the check's work over between
    // them without waking this one in between.
    if crate::threads::worth_two(text.len()) {
        crate::threads::install(check)
    } else {
        check()
    }
}

/// Check a document already parsed (`parse` of `text`): for callers that parse once and both
/// check and answer requests on the tree.
pub fn check_parsed(text: &str, parse: syntax::Parse, options: CheckOptions) -> Checked {
    check_on_threads(text, parse, options, crate::threads::worth_two(text.len()))
}

/// `check_parsed`, on two threads if `share` and the document has states to share.
fn check_on_threads(
    text: &str,
    parse: syntax::Parse,
    options: CheckOptions,
    share: bool,
) -> Checked {
    let mut diagnostics = parse.diagnostics;
    let root = parse.tree.root();
    let machine = if root.is_object() {
        // The field walk and the model's checks only read the tree: on a large document they
        // run side by side, on two cores.
        let model_checks = |found: &mut Vec<Diagnostic>| {
            let machine = StateMachine::from_tree(root);
            graph::check(&machine, found);
            errors::check(&machine, found);
            tokens::check(text, &parse.tree, &machine, options, found);
            parameters::check(text, &parse.tree, &machine, found);
            machine
        };
        let queue = share.then(|| StateQueue::of(root)).flatten();
        if let Some(queue) = &queue {
            // The machine's states are walked on both threads: on this one beside the rest of
            // the document, on the other after the model's checks.
            let (mut walked, (machine, mut found, other)) = crate::threads::join(
                || fields::walk(text, root, Some(queue), &mut diagnostics),
                || {
                    let mut found = Vec::new();
                    let machine = model_checks(&mut found);
                    let walked = fields::walk_queue(text, queue, &mut found);
                    (machine, found, walked)
                },
            );
            walked.join(other);
            walked.finish(&mut diagnostics);
            diagnostics.append(&mut found);
            machine
        } else {
            fields::check(text, root, &mut diagnostics);
            model_checks(&mut diagnostics)
        }
    } else {
        StateMachine::from_tree(root)
    };
    if !root.is_object() && !root.is_missing() {
        diagnostics.push(Diagnostic::error(
            "not-an-object",
            root.range(),
            format!(
                "A state machine definition is an object with `StartAt` and `States`, not {}.",
                root.type_name()
            ),
        ));
    }
    if syntax::spelling::is_block_yaml(text) {
        spell_for_yaml(&mut diagnostics);
    }
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    diagnostics.dedup();
    Checked {
        tree: parse.tree,
        machine,
        diagnostics,
    }
}

/// The ASL snippets the messages quote, as a YAML document spells them (`End: true`, not
/// `"End": true`).
fn spell_for_yaml(diagnostics: &mut [Diagnostic]) {
    let respell = |message: &mut String| {
        if message.contains('"') {
            *message = syntax::spelling::message_for_yaml(message);
        }
    };
    for d in diagnostics {
        respell(&mut d.message);
        for related in &mut d.related {
            respell(&mut related.message);
        }
    }
}

#[cfg(test)]
mod tests;

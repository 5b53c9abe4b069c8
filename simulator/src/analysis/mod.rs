//! Static checks. `check` is the one entry point: parse, walk the tree against the schema, then
//! run the whole-machine checks on the typed model. Every pass is linear in the document.

mod fields;
mod graph;
pub mod jsonata;
mod text;
mod tokens;
mod variables;

use crate::diagnostic::Diagnostic;
use crate::model::StateMachine;
use crate::syntax::{self, Format, Tree};

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
    let parse = syntax::parse(text, format);
    let mut diagnostics = parse.diagnostics;
    let root = parse.tree.root();
    let machine = StateMachine::from_tree(root);
    if root.is_object() {
        fields::check(text, root, &mut diagnostics);
        graph::check(&machine, &mut diagnostics);
        tokens::check(text, &parse.tree, &machine, options, &mut diagnostics);
    } else if !root.is_missing() {
        diagnostics.push(Diagnostic::error(
            "not-an-object",
            root.range(),
            format!(
                "A state machine definition is an object with `StartAt` and `States`, not {}.",
                root.type_name()
            ),
        ));
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

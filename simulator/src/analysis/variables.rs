//! `$variables` read but never assigned in scope. The field walker records, as it goes, what
//! each scope assigns and reads; `finish` then resolves every read against its scope and the
//! scopes around it. A scope is the state machine, a Parallel branch or an inline Map processor
//! (which see their parents' variables); a Distributed Map's child executions start with none.

use crate::diagnostic::Diagnostic;
use crate::fxhash::FxHashSet;
use crate::syntax::{Text, TextRange};

pub type ScopeId = usize;

struct Scope {
    parent: Option<ScopeId>,
    assigned: FxHashSet<Text>,
    reads: Vec<(String, TextRange)>,
}

pub struct Scopes {
    scopes: Vec<Scope>,
}

impl Scopes {
    /// The scopes of a document, with the state machine's own as scope 0.
    pub fn new() -> Self {
        let mut scopes = Scopes { scopes: Vec::new() };
        scopes.open(None);
        scopes
    }

    pub const ROOT: ScopeId = 0;

    /// A new scope inside `parent` (`None`: one that sees no outer variables).
    pub fn open(&mut self, parent: Option<ScopeId>) -> ScopeId {
        self.scopes.push(Scope {
            parent,
            assigned: FxHashSet::default(),
            reads: Vec::new(),
        });
        self.scopes.len() - 1
    }

    pub fn assign(&mut self, scope: ScopeId, name: &Text) {
        self.scopes[scope].assigned.insert(name.clone());
    }

    pub fn read(&mut self, scope: ScopeId, name: &str, range: TextRange) {
        self.scopes[scope].reads.push((name.to_string(), range));
    }

    /// Report every read of a variable that neither its scope nor an enclosing one assigns.
    pub fn finish(self, diagnostics: &mut Vec<Diagnostic>) {
        for scope in &self.scopes {
            for (name, range) in &scope.reads {
                let mut at = Some(scope);
                let mut found = false;
                while let Some(s) = at {
                    if s.assigned.contains(name.as_str()) {
                        found = true;
                        break;
                    }
                    at = s.parent.map(|p| &self.scopes[p]);
                }
                if !found {
                    // AWS accepts such a definition and fails at run time, hence a warning.
                    diagnostics.push(Diagnostic::warning(
                        "undefined-variable",
                        *range,
                        format!("`${name}` is never assigned in this scope, so reading it fails at run time: set it with `Assign` in a state that runs before (a branch or inline Map also sees its parent's variables)."),
                    ));
                }
            }
        }
    }
}

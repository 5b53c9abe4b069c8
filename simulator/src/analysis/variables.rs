//! `$variables` read but never assigned in scope, or assigned only by the state that reads
//! them (its Assign takes effect after the state, so the read finds no value the first time).
//! The field walker records, as it goes, what each scope assigns and reads and in which state;
//! `finish` then resolves every read against its scope and the scopes around it. A scope is the
//! state machine, a Parallel branch or an inline Map processor (which see their parents'
//! variables); a Distributed Map's child executions start with none.

use crate::diagnostic::Diagnostic;
use crate::fxhash::FxHashMap;
use crate::syntax::{Text, TextRange};

pub type ScopeId = usize;

/// The walker's number for a state (unique in the document).
pub type StateId = usize;

/// Which states assign a variable: one (which), or several.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AssignedBy {
    Only(StateId),
    Several,
}

struct Scope {
    parent: Option<ScopeId>,
    assigned: FxHashMap<Text, AssignedBy>,
    reads: Vec<(String, TextRange, StateId)>,
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
            assigned: FxHashMap::default(),
            reads: Vec::new(),
        });
        self.scopes.len() - 1
    }

    pub fn assign(&mut self, scope: ScopeId, name: &Text, state: StateId) {
        self.scopes[scope]
            .assigned
            .entry(name.clone())
            .and_modify(|by| {
                if *by != AssignedBy::Only(state) {
                    *by = AssignedBy::Several;
                }
            })
            .or_insert(AssignedBy::Only(state));
    }

    pub fn read(&mut self, scope: ScopeId, name: &str, range: TextRange, state: StateId) {
        self.scopes[scope]
            .reads
            .push((name.to_string(), range, state));
    }

    /// Take in the scopes of another part of the same document, walked apart: its root scope
    /// is this one's, its others are new.
    pub fn append(&mut self, other: Scopes) {
        let base = self.scopes.len() - 1;
        let mut others = other.scopes.into_iter();
        if let Some(root) = others.next() {
            let own = &mut self.scopes[Self::ROOT];
            for (name, by) in root.assigned {
                own.assigned
                    .entry(name)
                    .and_modify(|mine| {
                        if *mine != by {
                            *mine = AssignedBy::Several;
                        }
                    })
                    .or_insert(by);
            }
            own.reads.extend(root.reads);
        }
        self.scopes.extend(others.map(|scope| {
            Scope {
                parent: scope
                    .parent
                    .map(|p| if p == Self::ROOT { p } else { p + base }),
                ..scope
            }
        }));
    }

    /// Report every read of a variable that neither its scope nor an enclosing one assigns, or
    /// that only the reading state assigns.
    pub fn finish(self, diagnostics: &mut Vec<Diagnostic>) {
        for scope in &self.scopes {
            for (name, range, reader) in &scope.reads {
                // Who assigns it, in this scope and those around it.
                let mut by: Option<AssignedBy> = None;
                let mut at = Some(scope);
                while let Some(s) = at {
                    if let Some(found) = s.assigned.get(name.as_str()) {
                        by = Some(match by {
                            None => *found,
                            Some(_) => AssignedBy::Several,
                        });
                    }
                    at = s.parent.map(|p| &self.scopes[p]);
                }
                match by {
                    // AWS accepts such a definition and fails at run time, hence a warning.
                    None => diagnostics.push(Diagnostic::warning(
                        "undefined-variable",
                        *range,
                        format!("`${name}` is never assigned in this scope, so reading it fails at run time: set it with `Assign` in a state that runs before (a branch or inline Map also sees its parent's variables)."),
                    )),
                    Some(AssignedBy::Only(state)) if state == *reader => diagnostics.push(Diagnostic::warning(
                        "variable-assigned-after-read",
                        *range,
                        format!("`${name}` is assigned only by this state's `Assign`, which takes effect when the state ends: here it has no value yet (on a loop's later rounds, the previous round's). Assign it in a state that runs before."),
                    )),
                    Some(_) => {}
                }
            }
        }
    }
}

//! Navigation: the outline, and where a state is named (definition, references, rename).

use crate::model::StateMachine;
use crate::syntax::{TextRange, Tree};

use super::completion::string_content;

/// A state in the document outline, with the states of its branches or processor inside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// The state type.
    pub detail: String,
    /// The whole state.
    pub range: TextRange,
    /// Its name.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// The outline: every state, nested as Parallel branches and Map processors nest them.
pub fn symbols(machine: &StateMachine) -> Vec<Symbol> {
    machine
        .states
        .iter()
        .map(|state| {
            let children = match &state.kind {
                crate::model::StateKind::Parallel(p) => {
                    p.branches.iter().flat_map(symbols).collect()
                }
                crate::model::StateKind::Map(m) => m.processor.iter().flat_map(symbols).collect(),
                _ => Vec::new(),
            };
            Symbol {
                name: state.name.value.to_string(),
                detail: state.kind.type_name().to_string(),
                // The whole member, name included: editors require the name inside it.
                range: state.name.range.cover(state.range),
                selection: state.name.range,
                children,
            }
        })
        .collect()
}

/// The state named at `offset`: on a state's own name (its key in `States`), or on a
/// transition to it (StartAt, Next, Default). Its name and where the cursor's name is.
pub fn state_at(tree: &Tree, offset: usize) -> Option<String> {
    let path = tree.root().path_to(offset);
    let innermost = *path.last()?;
    if let Some(member) = innermost
        .members()
        .find(|m| m.key.range.contains_inclusive(offset))
    {
        let holder = path.len().checked_sub(2).map(|i| path[i])?;
        let in_states = holder
            .members()
            .any(|m| m.key.name == "States" && m.value.range() == innermost.range());
        return in_states.then(|| member.key.name.to_string());
    }
    let parent = path.len().checked_sub(2).map(|i| path[i])?;
    let is_transition = parent
        .members()
        .any(|m| TRANSITIONS.contains(&m.key.name) && m.value.range() == innermost.range());
    is_transition
        .then(|| innermost.as_str().map(str::to_string))
        .flatten()
}

const TRANSITIONS: &[&str] = &["StartAt", "Next", "Default"];

/// Where `name` is defined (its key in a `States` object) and every transition to it: the
/// contents of the strings (what a rename replaces), in document order.
pub fn state_places(tree: &Tree, text: &str, name: &str) -> (Option<TextRange>, Vec<TextRange>) {
    let mut definition = None;
    let mut references = Vec::new();
    let mut stack = vec![tree.root()];
    while let Some(node) = stack.pop() {
        for member in node.members() {
            if member.key.name == "States" {
                if let Some(state) = member.value.member(name) {
                    definition.get_or_insert(string_content(state.key.range, text));
                }
            }
            if TRANSITIONS.contains(&member.key.name) && member.value.as_str() == Some(name) {
                references.push(string_content(member.value.range(), text));
            }
            stack.push(member.value);
        }
        stack.extend(node.elements());
    }
    references.sort_by_key(|r| r.start);
    (definition, references)
}

#[cfg(test)]
mod navigation_tests {
    use super::*;
    use crate::syntax::{parse, Format};

    const TEXT: &str = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Parallel", "Next": "B", "Branches": [
    {"StartAt": "In", "States": {"In": {"Type": "Pass", "End": true}}}]},
  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "A"}], "Default": "A"}}}"#;

    #[test]
    fn definition_references_and_outline() {
        let parsed = parse(TEXT, Format::Json);
        let on_next = TEXT.find("\"Next\": \"B\"").expect("next") + 10;
        assert_eq!(state_at(&parsed.tree, on_next).as_deref(), Some("B"));
        let on_key = TEXT.find("\"A\": {").expect("key") + 1;
        assert_eq!(state_at(&parsed.tree, on_key).as_deref(), Some("A"));
        let (definition, references) = state_places(&parsed.tree, TEXT, "A");
        let definition = definition.expect("defined");
        assert_eq!(
            &TEXT[definition.start as usize..definition.end as usize],
            "A"
        );
        let texts: Vec<&str> = references
            .iter()
            .map(|r| &TEXT[r.start as usize..r.end as usize])
            .collect();
        assert_eq!(texts, ["A", "A", "A"]);
        let machine = crate::model::StateMachine::from_tree(parsed.tree.root());
        let outline = symbols(&machine);
        assert_eq!(outline.len(), 2);
        assert_eq!(outline[0].children[0].name, "In");
        assert_eq!(outline[1].detail, "Choice");
        // Editors reject a symbol whose name lies outside its range.
        let mut all: Vec<&Symbol> = outline.iter().collect();
        while let Some(symbol) = all.pop() {
            assert!(
                symbol.range.start <= symbol.selection.start
                    && symbol.selection.end <= symbol.range.end,
                "{symbol:?}"
            );
            all.extend(&symbol.children);
        }
    }
}

//! State names across the document: textDocument/definition, /references, /rename and
//! /documentSymbol (`asl_sim::ide`).

use std::collections::HashMap;

use asl_sim::ide::Symbol;
use asl_sim::model::StateMachine;
use tower_lsp_server::ls_types::{
    DocumentSymbol, Location, Position, Range, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use crate::document::Snapshot;

/// Where the state named at `position` is defined, and (with `references`) every transition to
/// it: as ranges of the names' text.
fn places(doc: &Snapshot, position: Position, references: bool) -> Vec<Range> {
    let tree = &doc.parse().tree;
    let Some(name) = asl_sim::ide::state_at(tree, doc.offset(position)) else {
        return Vec::new();
    };
    let (definition, uses) = asl_sim::ide::state_places(tree, &doc.text, &name);
    definition
        .into_iter()
        .chain(uses.into_iter().filter(|_| references))
        .map(|r| doc.range(r))
        .collect()
}

/// The definition of the state named at `position` and, with `references`, every transition
/// to it.
pub fn locations(uri: &Uri, doc: &Snapshot, position: Position, references: bool) -> Vec<Location> {
    places(doc, position, references)
        .into_iter()
        .map(|range| Location::new(uri.clone(), range))
        .collect()
}

/// Rename the state at `position` everywhere it is named. `None` when no state is there.
pub fn rename(
    uri: &Uri,
    doc: &Snapshot,
    position: Position,
    new_name: &str,
) -> Option<WorkspaceEdit> {
    let ranges = places(doc, position, true);
    if ranges.is_empty() {
        return None;
    }
    // The new name goes inside JSON strings: escape it as JSON does.
    let escaped = serde_json::to_string(new_name).ok()?;
    let escaped = escaped[1..escaped.len() - 1].to_string();
    let edits = ranges
        .into_iter()
        .map(|range| TextEdit::new(range, escaped.clone()))
        .collect();
    Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    })
}

pub fn symbols(doc: &Snapshot) -> Vec<DocumentSymbol> {
    let machine = StateMachine::from_tree(doc.parse().tree.root());
    asl_sim::ide::symbols(&machine)
        .into_iter()
        .map(|s| to_lsp(doc, s))
        .collect()
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be spelled out
fn to_lsp(doc: &Snapshot, symbol: Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name,
        detail: Some(symbol.detail),
        kind: SymbolKind::OBJECT,
        tags: None,
        deprecated: None,
        range: doc.range(symbol.range),
        selection_range: doc.range(symbol.selection),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .into_iter()
                .map(|c| to_lsp(doc, c))
                .collect()
        }),
    }
}

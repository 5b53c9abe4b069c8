//! State names across the document: textDocument/definition, /references, /rename and
//! /documentSymbol (`asl_sim::ide`).

use std::collections::HashMap;

use asl_sim::ide::Symbol;
use asl_sim::model::StateMachine;
use asl_sim::syntax::{parse, Format, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{
    DocumentSymbol, Location, Position, Range, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use crate::positions;

/// A document read for navigation, with the state named at a position.
struct Named {
    text: String,
    index: LineIndex,
    name: Option<String>,
    tree: asl_sim::syntax::Tree,
}

fn named(text: &str, format: Format, position: Position, encoding: PositionEncoding) -> Named {
    let index = LineIndex::new(text);
    let offset = positions::offset(&index, text, position, encoding);
    let tree = parse(text, format).tree;
    let name = asl_sim::ide::state_at(&tree, offset);
    Named {
        text: text.to_string(),
        index,
        name,
        tree,
    }
}

/// Where the state named at `position` is defined, and (with `references`) every transition to
/// it: as ranges of the names' text.
fn places(
    text: &str,
    format: Format,
    position: Position,
    encoding: PositionEncoding,
    references: bool,
) -> Vec<Range> {
    let doc = named(text, format, position, encoding);
    let Some(name) = doc.name else {
        return Vec::new();
    };
    let (definition, uses) = asl_sim::ide::state_places(&doc.tree, &doc.text, &name);
    definition
        .into_iter()
        .chain(uses.into_iter().filter(|_| references))
        .map(|r| positions::range(&doc.index, &doc.text, r, encoding))
        .collect()
}

/// The definition of the state named at `position` and, with `references`, every transition
/// to it.
pub fn locations(
    uri: &Uri,
    text: &str,
    format: Format,
    position: Position,
    encoding: PositionEncoding,
    references: bool,
) -> Vec<Location> {
    places(text, format, position, encoding, references)
        .into_iter()
        .map(|range| Location::new(uri.clone(), range))
        .collect()
}

/// Rename the state at `position` everywhere it is named. `None` when no state is there.
pub fn rename(
    uri: &Uri,
    text: &str,
    format: Format,
    position: Position,
    encoding: PositionEncoding,
    new_name: &str,
) -> Option<WorkspaceEdit> {
    let ranges = places(text, format, position, encoding, true);
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

pub fn symbols(text: &str, format: Format, encoding: PositionEncoding) -> Vec<DocumentSymbol> {
    let index = LineIndex::new(text);
    let tree = parse(text, format).tree;
    let machine = StateMachine::from_tree(tree.root());
    asl_sim::ide::symbols(&machine)
        .into_iter()
        .map(|s| to_lsp(&index, text, s, encoding))
        .collect()
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be spelled out
fn to_lsp(
    index: &LineIndex,
    text: &str,
    symbol: Symbol,
    encoding: PositionEncoding,
) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name,
        detail: Some(symbol.detail),
        kind: SymbolKind::OBJECT,
        tags: None,
        deprecated: None,
        range: positions::range(index, text, symbol.range, encoding),
        selection_range: positions::range(index, text, symbol.selection, encoding),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .into_iter()
                .map(|c| to_lsp(index, text, c, encoding))
                .collect()
        }),
    }
}

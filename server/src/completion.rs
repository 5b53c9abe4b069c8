//! textDocument/completion: from the tree at the cursor (`asl_sim::ide::complete`), so it works
//! in half-typed documents. Each item replaces the string's content under the cursor, or, for a
//! snippet, the key being typed.

use asl_sim::ide::CompletionKind;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, InsertTextFormat, Position, TextEdit,
};

use crate::document::Snapshot;

/// Completion in a definition.
pub fn complete(doc: &Snapshot, position: Position) -> Vec<CompletionItem> {
    let offset = doc.offset(position);
    let items = asl_sim::ide::complete(&doc.parse().tree, &doc.text, offset);
    convert(doc, items)
}

/// Completion in a mock file; `states` are the names of the definition's states.
pub fn complete_mock_file(
    doc: &Snapshot,
    states: &[String],
    position: Position,
) -> Vec<CompletionItem> {
    let offset = doc.offset(position);
    let items = asl_sim::ide::complete_mock_file(&doc.parse().tree, &doc.text, offset, states);
    convert(doc, items)
}

fn convert(doc: &Snapshot, items: Vec<asl_sim::ide::CompletionItem>) -> Vec<CompletionItem> {
    let text = &*doc.text;
    items
        .into_iter()
        .enumerate()
        .map(|(rank, item)| {
            let range = doc.range(item.replace);
            let (new_text, format) = match item.snippet.clone() {
                Some(snippet) => (snippet, InsertTextFormat::SNIPPET),
                None => (item.label.clone(), InsertTextFormat::PLAIN_TEXT),
            };
            let filter = filter_text(text, &item, &new_text);
            CompletionItem {
                kind: Some(match item.kind {
                    CompletionKind::StateName => CompletionItemKind::REFERENCE,
                    CompletionKind::Field => CompletionItemKind::PROPERTY,
                    CompletionKind::Resource => CompletionItemKind::MODULE,
                    CompletionKind::ErrorName => CompletionItemKind::CONSTANT,
                    CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
                    CompletionKind::Function => CompletionItemKind::FUNCTION,
                    CompletionKind::Variable => CompletionItemKind::VARIABLE,
                    CompletionKind::Snippet => CompletionItemKind::SNIPPET,
                }),
                detail: Some(item.detail),
                // The editor filters by what is typed; it keeps our order among equals.
                sort_text: Some(format!("{rank:05}")),
                filter_text: Some(filter),
                insert_text_format: Some(format),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text))),
                label: item.label,
                ..CompletionItem::default()
            }
        })
        .collect()
}

/// What the editor matches against the replaced text: a snippet that rewrites a whole key
/// starts with its quote, so it filters on `"Label`; a new state's name is the user's own, so
/// its snippets always match.
fn filter_text(text: &str, item: &asl_sim::ide::CompletionItem, new_text: &str) -> String {
    let replaced = text
        .get(item.replace.start as usize..item.replace.end as usize)
        .unwrap_or("");
    match item.kind {
        CompletionKind::Snippet => replaced.to_string(),
        _ if new_text.starts_with('"') => format!("\"{}", item.label),
        _ => item.label.clone(),
    }
}

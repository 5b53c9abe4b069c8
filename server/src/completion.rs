//! textDocument/completion: from the tree at the cursor (`asl_sim::ide::complete`), so it works
//! in half-typed documents. Each item replaces the string's content under the cursor, or, for a
//! snippet, the key being typed.

use asl_sim::ide::CompletionKind;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, InsertTextFormat,
    Position, TextEdit,
};

use crate::document::Snapshot;

/// At most this many items per answer; with more, the list is marked incomplete and the editor
/// asks again as the user types (a 2,000-state document would otherwise send 2,000 names on
/// every keystroke).
const LIMIT: usize = 200;

/// Completion in a definition.
pub fn complete(doc: &Snapshot, position: Position) -> CompletionList {
    let offset = doc.offset(position);
    let items = asl_sim::ide::complete(&doc.parse().tree, &doc.text, offset);
    convert(doc, offset, items)
}

/// Completion in a mock file; `states` are the names of the definition's states.
pub fn complete_mock_file(doc: &Snapshot, states: &[String], position: Position) -> CompletionList {
    let offset = doc.offset(position);
    let items = asl_sim::ide::complete_mock_file(&doc.parse().tree, &doc.text, offset, states);
    convert(doc, offset, items)
}

fn convert(
    doc: &Snapshot,
    offset: usize,
    mut items: Vec<asl_sim::ide::CompletionItem>,
) -> CompletionList {
    let text = &*doc.text;
    let is_incomplete = items.len() > LIMIT;
    if is_incomplete {
        // What is typed so far narrows the list (as the editor's own filter would), then the
        // first LIMIT in our order.
        let typed = |item: &asl_sim::ide::CompletionItem| {
            let start = item.replace.start as usize;
            text.get(start..offset.max(start))
                .map(|t| t.trim_start_matches('"').to_lowercase())
                .unwrap_or_default()
        };
        items.retain(|item| item.label.to_lowercase().contains(&typed(item)));
        items.truncate(LIMIT);
    }
    let items = items
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
                sort_text: Some(format!("{rank:03}")),
                filter_text: (filter != item.label).then_some(filter),
                insert_text_format: (format == InsertTextFormat::SNIPPET).then_some(format),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text))),
                label: item.label,
                ..CompletionItem::default()
            }
        })
        .collect();
    CompletionList {
        is_incomplete,
        items,
    }
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

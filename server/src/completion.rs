//! textDocument/completion: from the tree at the cursor (`asl_sim::ide::complete`), so it works
//! in half-typed documents. Each item replaces the string's content under the cursor, or, for a
//! snippet, the key being typed.

use asl_sim::ide::CompletionKind;
use asl_sim::syntax::{parse, Format, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, InsertTextFormat, Position, TextEdit,
};

use crate::positions;

/// Completion in a definition.
pub fn complete(
    text: &str,
    format: Format,
    position: Position,
    encoding: PositionEncoding,
) -> Vec<CompletionItem> {
    let index = LineIndex::new(text);
    let offset = positions::offset(&index, text, position, encoding);
    let parsed = parse(text, format);
    let items = asl_sim::ide::complete(&parsed.tree, text, offset);
    convert(&index, text, items, encoding)
}

/// Completion in a mock file; `states` are the names of the definition's states.
pub fn complete_mock_file(
    text: &str,
    states: &[String],
    position: Position,
    encoding: PositionEncoding,
) -> Vec<CompletionItem> {
    let index = LineIndex::new(text);
    let offset = positions::offset(&index, text, position, encoding);
    let parsed = parse(text, Format::Json);
    let items = asl_sim::ide::complete_mock_file(&parsed.tree, text, offset, states);
    convert(&index, text, items, encoding)
}

fn convert(
    index: &LineIndex,
    text: &str,
    items: Vec<asl_sim::ide::CompletionItem>,
    encoding: PositionEncoding,
) -> Vec<CompletionItem> {
    items
        .into_iter()
        .enumerate()
        .map(|(rank, item)| {
            let range = positions::range(index, text, item.replace, encoding);
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

//! textDocument/completion: from the tree at the cursor (`asl_sim::ide::complete`), so it works
//! in half-typed documents. Each item replaces the string's content under the cursor, or, for a
//! snippet, the key being typed. No edit covers a string's closing quote in a client that does
//! not apply edit ranges as they are (Neovim expands a snippet at the cursor and keeps what
//! follows it), nor runs past the cursor out of a string that is not closed.

use asl_sim::ide::CompletionKind;
use asl_sim::syntax::TextRange;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, InsertTextFormat,
    Position, TextEdit,
};

use crate::document::Snapshot;

/// At most this many items per answer; with more, the list is marked incomplete and the editor
/// asks again as the user types (a 2,000-state document would otherwise send 2,000 names on
/// every keystroke).
const LIMIT: usize = 200;

/// What the client does with an item's text edit.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientEdits {
    /// It declared `insertReplaceSupport`: it applies an edit's range as given (VS Code). Others
    /// (Neovim 0.11) insert from the range's start to the cursor and keep the text after it.
    pub applies_ranges: bool,
}

/// Completion in a definition.
pub fn complete(doc: &Snapshot, position: Position, client: ClientEdits) -> CompletionList {
    let offset = doc.offset(position);
    let items = asl_sim::ide::complete(&doc.parse().tree, &doc.text, offset);
    convert(doc, offset, items, client)
}

/// Completion in a mock file; `states` are the names of the definition's states.
pub fn complete_mock_file(
    doc: &Snapshot,
    states: &[String],
    position: Position,
    client: ClientEdits,
) -> CompletionList {
    let offset = doc.offset(position);
    let items = asl_sim::ide::complete_mock_file(&doc.parse().tree, &doc.text, offset, states);
    convert(doc, offset, items, client)
}

fn convert(
    doc: &Snapshot,
    offset: usize,
    mut items: Vec<asl_sim::ide::CompletionItem>,
    client: ClientEdits,
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
        .filter_map(|item| edit_of(text, offset, item, client))
        .enumerate()
        .map(|(rank, (item, replace, new_text, format))| {
            let range = doc.range(replace);
            let filter = filter_text(text, &item, replace, &new_text);
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

/// An item's edit: the range it replaces, its text and format; `None` for an item this client
/// cannot apply here.
fn edit_of(
    text: &str,
    offset: usize,
    item: asl_sim::ide::CompletionItem,
    client: ClientEdits,
) -> Option<(
    asl_sim::ide::CompletionItem,
    TextRange,
    String,
    InsertTextFormat,
)> {
    let (start, end) = (item.replace.start as usize, item.replace.end as usize);
    let Some(snippet) = item.snippet.clone() else {
        // The content of a string that is not closed runs to the end of its line: replace only
        // up to the cursor, never the `},` after it.
        let quote = start
            .checked_sub(1)
            .and_then(|i| text.get(i..start))
            .filter(|q| *q == "\"" || *q == "'");
        let unclosed = quote.is_some_and(|q| text.get(end..end + 1) != Some(q));
        let replace = if unclosed && (start..end).contains(&offset) {
            TextRange::new(start, offset)
        } else {
            item.replace
        };
        let label = item.label.clone();
        return Some((item, replace, label, InsertTextFormat::PLAIN_TEXT));
    };
    let literal = text.get(start..end).unwrap_or("");
    let closed_after_cursor =
        literal.len() > 1 && literal.starts_with('"') && literal.ends_with('"') && end > offset;
    if client.applies_ranges || !closed_after_cursor {
        let replace = item.replace;
        return Some((item, replace, snippet, InsertTextFormat::SNIPPET));
    }
    // The key's closing quote stays after the cursor: a snippet ending in a string leaves out
    // both its quotes and uses the key's own; another becomes the bare name.
    let content = TextRange::new(start + 1, end - 1);
    if snippet.len() > 1 && snippet.starts_with('"') && snippet.ends_with('"') {
        let inner = snippet[1..snippet.len() - 1].to_string();
        return Some((item, content, inner, InsertTextFormat::SNIPPET));
    }
    if item.kind == CompletionKind::Snippet {
        return None; // a whole new state, `"Name": {...}`: nothing to keep of it
    }
    let label = item.label.clone();
    Some((item, content, label, InsertTextFormat::PLAIN_TEXT))
}

/// What the editor matches against the replaced text: a snippet that rewrites a whole key
/// starts with its quote, so it filters on `"Label`; a new state's name is the user's own, so
/// its snippets always match.
fn filter_text(
    text: &str,
    item: &asl_sim::ide::CompletionItem,
    replace: TextRange,
    new_text: &str,
) -> String {
    let replaced = text
        .get(replace.start as usize..replace.end as usize)
        .unwrap_or("");
    match item.kind {
        CompletionKind::Snippet => replaced.to_string(),
        _ if new_text.starts_with('"') => format!("\"{}", item.label),
        _ => item.label.clone(),
    }
}

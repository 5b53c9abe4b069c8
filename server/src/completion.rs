//! textDocument/completion: from the tree at the cursor (`asl_sim::ide::complete`), so it works
//! in half-typed documents. Each item replaces the string's content under the cursor.

use asl_sim::ide::CompletionKind;
use asl_sim::syntax::{parse, Format, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Position, TextEdit,
};

use crate::positions;

pub fn complete(
    text: &str,
    format: Format,
    position: Position,
    encoding: PositionEncoding,
) -> Vec<CompletionItem> {
    let index = LineIndex::new(text);
    let offset = positions::offset(&index, text, position, encoding);
    let parsed = parse(text, format);
    asl_sim::ide::complete(&parsed.tree, text, offset)
        .into_iter()
        .map(|item| {
            let range = positions::range(&index, text, item.replace, encoding);
            CompletionItem {
                kind: Some(match item.kind {
                    CompletionKind::StateName => CompletionItemKind::REFERENCE,
                    CompletionKind::Field => CompletionItemKind::PROPERTY,
                    CompletionKind::Resource => CompletionItemKind::MODULE,
                    CompletionKind::ErrorName => CompletionItemKind::CONSTANT,
                    CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
                }),
                detail: Some(item.detail),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    range,
                    item.label.clone(),
                ))),
                label: item.label,
                ..CompletionItem::default()
            }
        })
        .collect()
}

//! textDocument/codeAction: quick fixes for the checker's diagnostics that carry a suggestion
//! (a misspelt state name, enum value or error name → its closest match).

use std::collections::HashMap;

use asl_sim::syntax::{LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::positions;

pub fn quick_fixes(
    uri: &Uri,
    text: &str,
    found: &[asl_sim::Diagnostic],
    wanted: Range,
    encoding: PositionEncoding,
) -> Vec<CodeActionOrCommand> {
    let index = LineIndex::new(text);
    let start = positions::offset(&index, text, wanted.start, encoding);
    let end = positions::offset(&index, text, wanted.end, encoding);
    found
        .iter()
        .filter(|d| d.range.start as usize <= end && start <= d.range.end as usize)
        .filter_map(|d| {
            let replacement = d.suggestion.clone()?;
            let range = positions::range(&index, text, d.range, encoding);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Change to {replacement}"),
                kind: Some(CodeActionKind::QUICKFIX),
                is_preferred: Some(true),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(
                        uri.clone(),
                        vec![TextEdit::new(range, replacement)],
                    )])),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            }))
        })
        .collect()
}

//! textDocument/codeAction: `asl_sim::ide::fixes` for the checker's findings in the range (a
//! misspelt name → the closest, pass the task token, add HeartbeatSeconds / TimeoutSeconds,
//! create a missing state), as quick fixes.

use std::collections::HashMap;

use asl_sim::syntax::{parse, Format, LineIndex, PositionEncoding, TextRange};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::positions;

pub fn quick_fixes(
    uri: &Uri,
    text: &str,
    format: Format,
    found: &[asl_sim::Diagnostic],
    wanted: Range,
    encoding: PositionEncoding,
) -> Vec<CodeActionOrCommand> {
    let index = LineIndex::new(text);
    let start = positions::offset(&index, text, wanted.start, encoding);
    let end = positions::offset(&index, text, wanted.end, encoding);
    let parsed = parse(text, format);
    asl_sim::ide::fixes(
        &parsed.tree,
        text,
        found,
        TextRange::new(start, end.max(start)),
    )
    .into_iter()
    .map(|fix| {
        let edits = fix
            .edits
            .into_iter()
            .map(|(range, new)| TextEdit::new(positions::range(&index, text, range, encoding), new))
            .collect();
        CodeActionOrCommand::CodeAction(CodeAction {
            title: fix.title,
            kind: Some(CodeActionKind::QUICKFIX),
            is_preferred: Some(fix.preferred),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        })
    })
    .collect()
}

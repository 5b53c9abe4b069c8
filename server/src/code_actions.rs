//! textDocument/codeAction: `asl_sim::ide::fixes` for the checker's findings in the range (a
//! misspelt name → the closest, pass the task token, add HeartbeatSeconds / TimeoutSeconds,
//! create a missing state), as quick fixes.

use std::collections::HashMap;

use asl_sim::syntax::TextRange;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::document::Snapshot;

pub fn quick_fixes(
    uri: &Uri,
    doc: &Snapshot,
    found: &[asl_sim::Diagnostic],
    wanted: Range,
) -> Vec<CodeActionOrCommand> {
    let start = doc.offset(wanted.start);
    let end = doc.offset(wanted.end);
    let wanted = TextRange::new(start, end.max(start));
    asl_sim::ide::fixes(&doc.parse().tree, &doc.text, found, wanted)
        .into_iter()
        .map(|fix| {
            let edits = fix
                .edits
                .into_iter()
                .map(|(range, new)| TextEdit::new(doc.range(range), new))
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

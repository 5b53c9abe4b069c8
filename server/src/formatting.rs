//! textDocument/formatting: JSON definitions re-indented with the editor's tab settings, keys in
//! their order and scalars as written (`asl_sim::syntax::format_json`). A document with syntax
//! errors is left as it is; YAML is not reformatted (its comments and style are the author's).

use asl_sim::syntax::{Format, TextRange};
use tower_lsp_server::ls_types::{FormattingOptions, TextEdit};

use crate::document::Snapshot;

pub fn format(doc: &Snapshot, options: &FormattingOptions) -> Option<Vec<TextEdit>> {
    let text = &*doc.text;
    if doc.format != Format::Json {
        return None;
    }
    let indent = if options.insert_spaces {
        " ".repeat(options.tab_size.clamp(1, 16) as usize)
    } else {
        "\t".to_string()
    };
    let formatted = asl_sim::syntax::format_json(text, &indent)?;
    if formatted == text {
        return Some(Vec::new());
    }
    let whole = doc.range(TextRange::new(0, text.len()));
    Some(vec![TextEdit::new(whole, formatted)])
}

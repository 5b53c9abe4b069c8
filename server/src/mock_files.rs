//! Diagnostics on a mock file (`MockConfigFile.json`, `*.mocks.json`): what `asl-sim test`
//! reports on it (`asl_sim::ide::mock_file_diagnostics`), with the definition it serves when
//! one is found — open in the editor, else `NAME.asl.json|yaml|yml` beside `NAME.mocks.json` on
//! disk, as the CLI looks — so that a test case's unknown state and a `Return` its API could
//! not answer (STRICT, as `asl-sim test` checks by default) are marked where they are written.

use asl_sim::model::output_check::FieldValidationMode;
use asl_sim::syntax::Format;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use crate::diagnostics::{convert, CHECKER};
use crate::document::Snapshot;

/// The definition a mock file serves: its text and format (from the editor when it is open
/// there), and its name as `asl-sim test` looks it up.
pub fn definition_of(
    uri: &Uri,
    open: Option<(String, Format)>,
) -> Option<(String, Format, String)> {
    let path = uri.to_file_path()?;
    let path = path.to_str()?;
    let stem = path.strip_suffix(".mocks.json");
    let name = stem.map(asl_sim::mocks::definition_name);
    if let Some((text, format)) = open {
        return Some((text, format, name.unwrap_or_default()));
    }
    let stem = stem?;
    [".asl.json", ".asl.yaml", ".asl.yml"]
        .iter()
        .find_map(|ext| {
            let file = format!("{stem}{ext}");
            let text = std::fs::read_to_string(&file).ok()?;
            Some((
                text,
                Format::from_path(&file),
                asl_sim::mocks::definition_name(&file),
            ))
        })
}

/// The mock file's problems, to publish on it.
pub fn diagnostics(
    uri: &Uri,
    doc: &Snapshot,
    definition: Option<(String, Format, String)>,
) -> Vec<Diagnostic> {
    let parsed =
        definition.map(|(text, format, name)| (asl_sim::syntax::parse(&text, format), name));
    let machine = parsed.as_ref().map(|(p, name)| {
        (
            asl_sim::model::StateMachine::from_tree(p.tree.root()),
            name.as_str(),
        )
    });
    let found = asl_sim::ide::mock_file_diagnostics(
        &doc.text,
        machine.as_ref().map(|(m, name)| (m, *name)),
        FieldValidationMode::Strict,
    );
    convert(uri, doc, found.into_iter(), CHECKER)
}

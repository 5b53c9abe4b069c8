//! State machines inside templates (SAM / CloudFormation / CDK in `yaml` and `json`
//! documents, Terraform in `terraform` ones): each definition becomes a snapshot of its own
//! ([`Snapshot::of_definition`]) whose positions are the template's, so every request runs on it
//! as on a `.asl.json` file. A document that holds no state machine costs a substring search
//! and gets nothing published.

use std::path::PathBuf;
use std::sync::Arc;

use asl_sim::syntax::templates::{may_hold_state_machines, read_template, Origin, TemplateKind};
use asl_sim::syntax::Format;
use tower_lsp_server::ls_types::{Diagnostic, Position, Uri};

use crate::diagnostics::{self, MockSource};
use crate::document::Snapshot;

/// A template's state machines whose definitions are in the template itself.
pub struct Views {
    pub machines: Vec<(String, Arc<Snapshot>)>,
    /// What reading the template found (its syntax, missing substitutions), in its positions.
    pub found: Vec<asl_sim::Diagnostic>,
}

/// Whether an opened document may be a template rather than a state machine file: a `yaml`,
/// `json` or `terraform` document not named `*.asl.*`, unless it holds no state machine
/// resource but reads as a definition itself (`StartAt` and `States`): a state machine saved
/// as `machine.json` is checked as `asl-sim check machine.json` checks it.
pub fn kind_of(uri: &Uri, language_id: &str, text: &str) -> Option<TemplateKind> {
    let path = uri.as_str().to_ascii_lowercase();
    if path.contains(".asl.") || language_id.starts_with("asl") {
        return None;
    }
    let kind = match language_id {
        "terraform" | "hcl" => TemplateKind::Terraform,
        "yaml" | "cloudformation" => TemplateKind::CloudFormation(Format::Yaml),
        "json" | "jsonc" => TemplateKind::CloudFormation(Format::Json),
        _ if path.ends_with(".tf") => TemplateKind::Terraform,
        _ => return None,
    };
    let definition = matches!(kind, TemplateKind::CloudFormation(_))
        && !may_hold_state_machines(text, kind)
        && text.contains("StartAt")
        && text.contains("States");
    (!definition).then_some(kind)
}

fn path_of(uri: &Uri) -> PathBuf {
    let s = uri.as_str();
    PathBuf::from(s.strip_prefix("file://").unwrap_or(s))
}

/// The state machines of a template document (read once per version); `None` for a document
/// that is no template or holds none.
pub fn views(uri: &Uri, doc: &Snapshot) -> Option<Arc<Views>> {
    let kind = doc.template?;
    doc.views
        .get_or_init(|| {
            let template = read_template(&path_of(uri), &doc.text, kind, &mut |p| {
                std::fs::read_to_string(p)
            })?;
            let mut found = template.diagnostics;
            let mut machines = Vec::new();
            for machine in template.machines {
                let Some(definition) = machine.definition else {
                    found.extend(machine.diagnostics);
                    continue;
                };
                if definition.origin != Origin::Template {
                    // Its positions are another file's: that file is checked on its own.
                    continue;
                }
                found.extend(machine.diagnostics);
                let view = Snapshot::of_definition(doc, Arc::new(definition.mapped));
                machines.push((machine.name, Arc::new(view)));
            }
            Some(Arc::new(Views { machines, found }))
        })
        .clone()
}

/// The state machine whose definition holds `position`.
pub fn view_at(uri: &Uri, doc: &Snapshot, position: Position) -> Option<Arc<Snapshot>> {
    let views = views(uri, doc)?;
    let at = asl_sim::syntax::Position {
        line: position.line,
        character: position.character,
    };
    let offset = doc.index().offset(&doc.text, at, doc.encoding);
    views
        .machines
        .iter()
        .find(|(_, view)| view.span_in_template().contains_inclusive(offset))
        .map(|(_, view)| Arc::clone(view))
}

/// Everything to publish on a template: each state machine checked (and simulated, with the
/// mocks keyed by its logical id), at its places in the template; `None` for a document that
/// holds no state machine.
pub fn publish(
    uri: &Uri,
    doc: &Snapshot,
    mocks: &MockSource,
    simulate: bool,
) -> Option<Vec<Diagnostic>> {
    let views = views(uri, doc)?;
    let mut published =
        diagnostics::convert(uri, doc, views.found.iter().cloned(), diagnostics::CHECKER);
    for (name, view) in &views.machines {
        let mocks = MockSource {
            definition: name.clone(),
            files: mocks.files.clone(),
            open_text: mocks.open_text.clone(),
            test_case: mocks.test_case.clone(),
        };
        let analysis = diagnostics::analyse(view, &mocks, simulate, None);
        published.extend(diagnostics::to_lsp(uri, view, &analysis));
    }
    Some(published)
}

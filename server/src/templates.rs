//! State machines inside templates (SAM / CloudFormation / CDK in `yaml` and `json`
//! documents, Terraform in `terraform` ones): each definition becomes a snapshot of its own
//! ([`Snapshot::of_definition`]) whose positions are the template's, so every request runs on it
//! as on a `.asl.json` file. A document that holds no state machine costs a substring search
//! and gets nothing published.
//!
//! A definition in a file of its own (SAM `DefinitionUri`, Terraform `file()` /
//! `templatefile()`) is checked with its template. The template gets one diagnostic where it
//! names the file, saying what the file has (each problem a related location in the file): a
//! template's problems show where the template is open, even with the file closed. The file,
//! open, is checked as its template makes it: the substitutions and `templatefile()`'s
//! variables put in (a `${var}` is no error, a key the template lacks is), its requests
//! answered on that text, at the file's own positions. Such a file is matched to the open
//! templates that name it, else to the templates on disk in its folder and the one above (where
//! SAM's `template.yaml` and a Terraform module's `.tf` files sit); only a file with a `${` is
//! (without one, a template makes nothing else of it). An edit to either re-checks the other.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use asl_sim::syntax::templates::{
    may_hold_state_machines, read_template, Origin, StateMachineSource, TemplateKind,
};
use asl_sim::syntax::{Format, LineIndex, PositionEncoding, TextRange};
use asl_sim::{CheckOptions, Severity};
use dashmap::DashMap;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::diagnostics::{self, MockSource};
use crate::document::{Document, Snapshot};

/// The state machines whose definitions a document holds: a template's, or a definition
/// file's as the templates naming it make it.
pub struct Views {
    pub machines: Vec<InDocument>,
    /// A template's definitions in other files.
    elsewhere: Vec<StateMachineSource>,
    /// What reading the template found (its syntax, missing substitutions), in the
    /// document's positions.
    pub found: Vec<asl_sim::Diagnostic>,
    /// The other files these were built from and the text each had (`None`: unreadable): the
    /// views are stale when one has changed.
    read: Vec<(PathBuf, Option<Arc<str>>)>,
}

/// One state machine whose definition is in the document.
pub struct InDocument {
    pub name: String,
    source: StateMachineSource,
    /// Its definition (each `Fn::If` on its first branch) at the document's positions.
    pub view: Arc<Snapshot>,
}

impl InDocument {
    fn new(source: StateMachineSource, view: Snapshot) -> Self {
        InDocument {
            name: source.name.clone(),
            source,
            view: Arc::new(view),
        }
    }
}

/// A snapshot's views, made on first request: stale ones are made again (a file they were
/// built from has changed).
#[derive(Default)]
pub struct ViewCache(Mutex<Option<Cached>>);

struct Cached {
    views: Option<Arc<Views>>,
    /// [`TEMPLATES_READ`] when a definition file's views were made: a template read since may
    /// name the file.
    generation: u64,
}

/// Bumped each time a template's views are made: a definition file's context may have changed.
static TEMPLATES_READ: AtomicU64 = AtomicU64::new(0);

/// The open documents' texts, read before the disk (unsaved edits count), and which of them
/// are templates.
pub struct OpenFiles {
    open: Vec<(Uri, PathBuf, Arc<Snapshot>)>,
}

impl OpenFiles {
    /// What `doc`'s views need, or `None` when it can have none: a document that is no
    /// template and has no `${` reads alike on its own and in a template.
    pub fn for_document(
        doc: &Snapshot,
        documents: &DashMap<Uri, Document>,
        encoding: PositionEncoding,
    ) -> Option<OpenFiles> {
        if doc.template.is_none() && !doc.text.contains("${") {
            return None;
        }
        Some(Self::of(documents, encoding))
    }

    pub fn of(documents: &DashMap<Uri, Document>, encoding: PositionEncoding) -> OpenFiles {
        let open = documents
            .iter()
            .filter_map(|d| {
                let path = d.key().to_file_path()?.into_owned();
                Some((d.key().clone(), path, d.snapshot(encoding)))
            })
            .collect();
        OpenFiles { open }
    }

    fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.open.iter().find(|(_, p, _)| p == path) {
            Some((_, _, doc)) => Ok(doc.text.to_string()),
            None => std::fs::read_to_string(path),
        }
    }

    /// The current text of each file `views` were built from is the one they read.
    fn unchanged(&self, views: &Views) -> bool {
        views
            .read
            .iter()
            .all(|(path, text)| self.read(path).ok().as_deref() == text.as_deref())
    }
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
    match uri.to_file_path() {
        Some(path) => path.into_owned(),
        None => PathBuf::from(uri.as_str()),
    }
}

/// The views of a document (made once per version, again when a file they read changed);
/// `None` for a document that holds no state machine and is no template's definition.
pub fn views(uri: &Uri, doc: &Snapshot, files: &OpenFiles) -> Option<Arc<Views>> {
    let mut cache = doc
        .views
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let fresh = cache.as_ref().is_some_and(|cached| {
        cached.views.as_ref().is_none_or(|v| files.unchanged(v))
            && (doc.template.is_some()
                || cached.generation == TEMPLATES_READ.load(Ordering::Relaxed))
    });
    if !fresh {
        let views = match doc.template {
            Some(kind) => template_views(uri, doc, kind, files),
            None => definition_views(uri, doc, files),
        };
        // Read after the views: reading an open template's may have bumped it.
        let generation = TEMPLATES_READ.load(Ordering::Relaxed);
        *cache = Some(Cached { views, generation });
    }
    cache.as_ref().and_then(|c| c.views.clone())
}

/// The views of a template document.
fn template_views(
    uri: &Uri,
    doc: &Snapshot,
    kind: TemplateKind,
    files: &OpenFiles,
) -> Option<Arc<Views>> {
    let mut read = Vec::new();
    let template = read_template(&path_of(uri), &doc.text, kind, &mut |p| {
        let text = files.read(p);
        read.push((
            p.to_path_buf(),
            text.as_ref().ok().map(|t| t.as_str().into()),
        ));
        text
    })?;
    TEMPLATES_READ.fetch_add(1, Ordering::Relaxed);
    let mut found = template.diagnostics;
    let mut machines = Vec::new();
    let mut elsewhere = Vec::new();
    for machine in template.machines {
        found.extend(machine.template_diagnostics.iter().cloned());
        let Some(definition) = &machine.definition else {
            found.extend(machine.diagnostics);
            continue;
        };
        if definition.origin != Origin::Template {
            elsewhere.push(machine);
            continue;
        }
        found.extend(machine.diagnostics.iter().cloned());
        let view = Snapshot::of_definition(doc, Arc::new(definition.mapped.clone()));
        machines.push(InDocument::new(machine, view));
    }
    Some(Arc::new(Views {
        machines,
        elsewhere,
        found,
        read,
    }))
}

/// The views of a definition file: its definition as each template naming it makes it.
fn definition_views(uri: &Uri, doc: &Snapshot, files: &OpenFiles) -> Option<Arc<Views>> {
    let path = path_of(uri);
    let mut read = Vec::new();
    let mut found = Vec::new();
    let mut machines = Vec::new();
    for (template_path, template_text, kind) in templates_naming(&path, files) {
        let template = read_template(&template_path, &template_text, kind, &mut |p| {
            if p == path {
                return Ok(doc.text.to_string());
            }
            let text = files.read(p);
            read.push((
                p.to_path_buf(),
                text.as_ref().ok().map(|t| t.as_str().into()),
            ));
            text
        });
        read.push((template_path, Some(template_text.into())));
        for machine in template.into_iter().flat_map(|t| t.machines) {
            let Some(definition) = &machine.definition else {
                continue;
            };
            if !matches!(&definition.origin, Origin::File { path: p, .. } if *p == path) {
                continue;
            }
            found.extend(machine.diagnostics.iter().cloned());
            let view = Snapshot::of_definition(doc, Arc::new(definition.mapped.clone()));
            machines.push(InDocument::new(machine, view));
        }
    }
    (!machines.is_empty()).then(|| {
        Arc::new(Views {
            machines,
            elsewhere: Vec::new(),
            found,
            read,
        })
    })
}

/// The templates that name the file at `path` (their path, text and kind): the open ones,
/// else those on disk in its folder and the one above it.
fn templates_naming(path: &Path, files: &OpenFiles) -> Vec<(PathBuf, String, TemplateKind)> {
    let open: Vec<_> = files
        .open
        .iter()
        .filter(|(uri, _, doc)| {
            doc.template.is_some()
                && views(uri, doc, files)
                    .is_some_and(|v| v.elsewhere.iter().any(|m| names(m, path)))
        })
        .filter_map(|(_, p, doc)| Some((p.clone(), doc.text.to_string(), doc.template?)))
        .collect();
    if !open.is_empty() {
        return open;
    }
    on_disk_naming(path)
        .into_iter()
        .filter_map(|template| {
            let text = std::fs::read_to_string(&template).ok()?;
            let kind = TemplateKind::from_path(&template.to_string_lossy());
            Some((template, text, kind))
        })
        .collect()
}

/// The folders looked in for templates naming a file, when each last changed, and the
/// templates found there: kept while no file is added to or removed from them, so editing a
/// definition file reads its folders once.
type Found = (Vec<Option<std::time::SystemTime>>, Vec<PathBuf>);
static ON_DISK: LazyLock<Mutex<HashMap<PathBuf, Found>>> = LazyLock::new(Mutex::default);

/// The templates on disk in the folder of `path` and the one above that mention its name and
/// may hold state machines.
fn on_disk_naming(path: &Path) -> Vec<PathBuf> {
    let dirs: Vec<&Path> = path.ancestors().skip(1).take(2).collect();
    let changed = dirs
        .iter()
        .map(|d| std::fs::metadata(d).and_then(|m| m.modified()).ok())
        .collect::<Vec<_>>();
    let mut cache = ON_DISK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((when, found)) = cache.get(path) {
        if *when == changed {
            return found.clone();
        }
    }
    let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .flatten()
    {
        let candidate = entry.path();
        let name = candidate.to_string_lossy().to_ascii_lowercase();
        let may_be_template = [".tf", ".yaml", ".yml", ".json", ".template"]
            .iter()
            .any(|ext| name.ends_with(ext))
            && !name.contains(".asl.")
            && candidate != path;
        let small = entry
            .metadata()
            .is_ok_and(|m| m.is_file() && m.len() < 1 << 20);
        if !may_be_template || !small {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&candidate) else {
            continue;
        };
        if text.contains(file_name)
            && may_hold_state_machines(&text, TemplateKind::from_path(&name))
        {
            found.push(candidate);
        }
    }
    cache.insert(path.to_path_buf(), (changed, found.clone()));
    found
}

/// Whether `machine`'s definition is the file at `path`.
fn names(machine: &StateMachineSource, path: &Path) -> bool {
    machine
        .definition
        .as_ref()
        .is_some_and(|d| matches!(&d.origin, Origin::File { path: p, .. } if p == path))
}

/// The state machine whose definition holds `position`.
pub fn view_at(
    uri: &Uri,
    doc: &Snapshot,
    position: Position,
    files: &OpenFiles,
) -> Option<Arc<Snapshot>> {
    let views = views(uri, doc, files)?;
    let at = asl_sim::syntax::Position {
        line: position.line,
        character: position.character,
    };
    let offset = doc.index().offset(&doc.text, at, doc.encoding);
    views
        .machines
        .iter()
        .find(|m| m.view.span_in_template().contains_inclusive(offset))
        .map(|m| Arc::clone(&m.view))
}

/// Whether a change to `uri` may concern another open document: it is a template, or a
/// template is open (a look at the open documents, nothing read).
pub fn may_have_dependents(uri: &Uri, documents: &DashMap<Uri, Document>) -> bool {
    documents.get(uri).is_some_and(|d| d.template.is_some())
        || documents.iter().any(|d| d.template.is_some())
}

/// The open documents to check again after `uri` changed: the definition files a template
/// names (or named, in the views they have), or the templates naming a definition file.
pub fn dependents(uri: &Uri, files: &OpenFiles) -> Vec<Uri> {
    let Some((_, path, changed)) = files.open.iter().find(|(u, _, _)| u == uri) else {
        return Vec::new();
    };
    let named_by_changed: Vec<PathBuf> = match changed.template {
        Some(_) => views(uri, changed, files)
            .map(|v| {
                v.elsewhere
                    .iter()
                    .filter_map(|m| match &m.definition.as_ref()?.origin {
                        Origin::File { path, .. } => Some(path.clone()),
                        Origin::Template => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    files
        .open
        .iter()
        .filter(|(other, other_path, doc)| {
            if other == uri {
                return false;
            }
            match (changed.template, doc.template) {
                // A template changed: the open definition files it names, or had a context
                // from.
                (Some(_), None) => {
                    named_by_changed.contains(other_path) || had_context_from(doc, path)
                }
                // A definition file changed: the open templates naming it.
                (None, Some(_)) => views(other, doc, files)
                    .is_some_and(|v| v.elsewhere.iter().any(|m| names(m, path))),
                _ => false,
            }
        })
        .map(|(other, _, _)| other.clone())
        .collect()
}

/// Whether a definition file's views (as they are, not made again) came from the template at
/// `template`.
fn had_context_from(doc: &Snapshot, template: &Path) -> bool {
    let cache = doc
        .views
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    cache
        .as_ref()
        .and_then(|c| c.views.as_ref())
        .is_some_and(|views| views.read.iter().any(|(p, _)| p == template))
}

/// Everything to publish on a template, or on a definition file its templates make: each
/// state machine checked (and simulated, with the mocks keyed by its logical id), each
/// `Fn::If`'s second branch checked, at their places in the document; for a template, a
/// diagnostic where it names each definition file that has problems. `None` for a document
/// that holds no state machine and is no template's definition.
pub fn publish(
    uri: &Uri,
    doc: &Snapshot,
    mocks: &MockSource,
    simulate: bool,
    files: &OpenFiles,
) -> Option<Vec<Diagnostic>> {
    let views = views(uri, doc, files)?;
    let this_path = path_of(uri);
    let same_file = |origin: &Origin| match origin {
        Origin::Template => doc.template.is_some(),
        Origin::File { path, .. } => doc.template.is_none() && *path == this_path,
    };
    let mut published =
        diagnostics::convert(uri, doc, views.found.iter().cloned(), diagnostics::CHECKER);
    for (i, machine) in views.machines.iter().enumerate() {
        let mocks = MockSource {
            definition: machine.name.clone(),
            files: mocks.files.clone(),
            open_text: mocks.open_text.clone(),
            test_case: mocks.test_case.clone(),
            s3_root: mocks.s3_root.clone(),
        };
        // A file several templates use is simulated as the first makes it.
        let analysis = diagnostics::analyse(&machine.view, &mocks, simulate && i == 0, None);
        published.extend(diagnostics::to_lsp(uri, &machine.view, &analysis));
        let Some(definition) = &machine.source.definition else {
            continue;
        };
        let mut first = analysis.checked.diagnostics.clone();
        definition.map_diagnostics(&mut first);
        let others = machine
            .source
            .other_branch_diagnostics(&first, check_text)
            .into_iter()
            .filter(|(origin, _)| same_file(origin))
            .map(|(_, d)| d);
        published.extend(diagnostics::convert(uri, doc, others, diagnostics::CHECKER));
    }
    for machine in &views.elsewhere {
        published.extend(in_other_file(machine, doc));
    }
    dedup(&mut published);
    Some(published)
}

fn check_text(text: &str) -> Vec<asl_sim::Diagnostic> {
    asl_sim::check(text, Format::Json, CheckOptions::default()).diagnostics
}

/// The same finding reached by several templates (or branches) is published once.
fn dedup(published: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    published.retain(|d| {
        seen.insert((
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message.clone(),
        ))
    });
}

/// The most related locations a template's diagnostic on a definition file lists.
const RELATED: usize = 20;

/// The template's diagnostic on a definition in another file, where the template names it:
/// how many errors and warnings the file has as the template makes it, the first one's
/// message, and each a related location in the file. `None` when it has none.
fn in_other_file(machine: &StateMachineSource, template: &Snapshot) -> Option<Diagnostic> {
    let definition = machine.definition.as_ref()?;
    let Origin::File {
        path,
        text,
        named_at,
    } = &definition.origin
    else {
        return None;
    };
    let mut found = machine.diagnostics.clone();
    let mut checked = check_text(definition.text());
    definition.map_diagnostics(&mut checked);
    found.extend(checked);
    let others = machine.other_branch_diagnostics(&found, check_text);
    let others: Vec<_> = others
        .into_iter()
        .filter(|(origin, _)| matches!(origin, Origin::File { path: p, .. } if p == path))
        .map(|(_, d)| d)
        .collect();
    found.extend(others);
    found.retain(|d| matches!(d.severity, Severity::Error | Severity::Warning));
    found.sort_by_key(|d| (d.severity != Severity::Error, d.range.start));
    let first = found.first()?;
    let errors = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = found.len() - errors;
    let count = |n: usize, what: &str| match n {
        0 => None,
        1 => Some(format!("1 {what}")),
        n => Some(format!("{n} {what}s")),
    };
    let counts: Vec<String> = [count(errors, "error"), count(warnings, "warning")]
        .into_iter()
        .flatten()
        .collect();
    let index = LineIndex::new(text);
    let lsp_range = |r: TextRange| {
        let (start, end) = index.range(text, r, template.encoding);
        Range::new(
            Position::new(start.line, start.character),
            Position::new(end.line, end.character),
        )
    };
    let file_uri = Uri::from_file_path(path)?;
    let first_at = lsp_range(first.range).start;
    let message = format!(
        "The definition in {} has {} as this template makes it; the first, at {}:{}: {}",
        path.display(),
        counts.join(" and "),
        first_at.line + 1,
        first_at.character + 1,
        first.message
    );
    let related = found
        .iter()
        .take(RELATED)
        .map(|d| DiagnosticRelatedInformation {
            location: Location::new(file_uri.clone(), lsp_range(d.range)),
            message: d.message.clone(),
        })
        .collect();
    Some(Diagnostic {
        range: template.range(*named_at),
        severity: Some(if errors > 0 {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String("definition-file".into())),
        source: Some(diagnostics::CHECKER.into()),
        message,
        related_information: Some(related),
        ..Diagnostic::default()
    })
}

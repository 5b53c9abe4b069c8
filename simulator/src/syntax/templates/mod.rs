//! State machines where people keep them: inside CloudFormation / SAM templates (JSON or YAML,
//! CDK's synthesized output included) and Terraform files.
//!
//! For each state machine of a template this layer builds its definition as JSON text, with
//! a map from every piece of that text back to where it came from ([`Mapped`]): the characters
//! of a YAML or JSON `Definition`, of a `DefinitionString` (escapes mapped to their two
//! characters), of a `Fn::Join` part, of an HCL expression, or of the file a `DefinitionUri` /
//! `file()` / `templatefile()` names. Everything above (checker, simulator, completion, hover,
//! rename) runs on that text unchanged; a front end moves each range it reports through
//! [`Mapped::source_range`] and each cursor through [`Mapped::built_offset`].
//!
//! A condition (`Fn::If`) cannot be known from the template alone, so both of its branches
//! are checked: the definition is built with every `Fn::If` on its first branch (what `run`,
//! `test`, `graph` and the editor's requests work on), then once more for each `Fn::If` on its
//! second branch, the others on their first ([`StateMachineSource::branches`], at most
//! [`MAX_BRANCHES`]); what only a second branch has is reported with a note
//! naming its condition ([`StateMachineSource::other_branch_diagnostics`]). One branch turned
//! at a time keeps the work linear in the number of conditions, where every combination
//! would double it with each.
//!
//! YAML templates go through the project's own saphyr-based parser, which keeps ranges; with
//! [`crate::syntax::parse_template`] it keeps the short-form tags (`!Sub`, `!GetAtt`, ...) as
//! their long forms, so one walk reads JSON and YAML templates alike. Terraform goes through
//! hcl-edit, which keeps the span of every expression.

mod cloudformation;
mod plausible;
mod scalars;
mod source_map;
mod terraform;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use source_map::Mapped;

use crate::diagnostic::Diagnostic;
use crate::syntax::{Format, TextRange};

/// Reads a file a template names (a `DefinitionUri`, a Terraform `file()`): the front end
/// decides where from (the disk, an editor's unsaved buffer).
pub type FileReader<'a> = dyn FnMut(&Path) -> std::io::Result<String> + 'a;

/// The file `relative` names from a template in `dir`, without `.` components (Terraform's
/// `${path.module}/x` reads as `./x`), so it compares equal to the same file named otherwise.
fn local_path(dir: &Path, relative: &str) -> PathBuf {
    dir.join(relative)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Where a definition's text came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The template itself.
    Template,
    /// Another file, read through the [`FileReader`]; `named_at`: where the template names
    /// it.
    File {
        path: PathBuf,
        text: Arc<str>,
        named_at: TextRange,
    },
}

/// A state machine's definition as JSON text, each piece mapped to its origin's text.
#[derive(Clone, Debug)]
pub struct Definition {
    pub mapped: Mapped,
    pub origin: Origin,
}

impl Definition {
    /// The definition's JSON text, as the checker and the simulator read it.
    pub fn text(&self) -> &str {
        &self.mapped.text
    }

    /// Move diagnostics found in the definition's text onto its origin.
    pub fn map_diagnostics(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            self.mapped.map_diagnostic(d);
        }
    }
}

/// One state machine of a template.
#[derive(Clone, Debug)]
pub struct StateMachineSource {
    /// The logical id (Terraform: `aws_sfn_state_machine.NAME`).
    pub name: String,
    /// The resource's name in the template.
    pub name_range: TextRange,
    /// `None` when the definition is not local (S3) or its file cannot be read: a diagnostic
    /// says so.
    pub definition: Option<Definition>,
    /// What building the definition found (a missing substitution key, an unknown reference),
    /// at places in the definition's origin (the template, or the file of a `DefinitionUri`).
    pub diagnostics: Vec<Diagnostic>,
    /// For a definition in another file: what reading its template found (an unknown
    /// reference in a `DefinitionSubstitutions` value), at places in the template.
    pub template_diagnostics: Vec<Diagnostic>,
    /// The definition as each `Fn::If` on its second branch makes it (the others on their
    /// first), when that reads otherwise than `definition`.
    pub branches: Vec<Branch>,
}

/// How many of a definition's `Fn::If` get their second branch checked (one at a time, the
/// others on their first): each is a build and a check of the whole definition again.
pub const MAX_BRANCHES: usize = 16;

/// The definition with one `Fn::If` on its second branch.
#[derive(Clone, Debug)]
pub struct Branch {
    /// The name of the `Fn::If`'s condition.
    pub condition: String,
    pub definition: Definition,
    /// What building it found, as [`StateMachineSource::diagnostics`].
    pub diagnostics: Vec<Diagnostic>,
}

impl StateMachineSource {
    /// What `check` finds in the other branches ([`Self::branches`]) and `first` (the first
    /// branches' diagnostics, at their places in the origin) lacks: at their places in their
    /// origin, each message noting its branch.
    pub fn other_branch_diagnostics(
        &self,
        first: &[Diagnostic],
        mut check: impl FnMut(&str) -> Vec<Diagnostic>,
    ) -> Vec<(&Origin, Diagnostic)> {
        let key = |d: &Diagnostic| (d.range, d.code, d.message.clone());
        let mut seen: std::collections::HashSet<_> = first.iter().map(key).collect();
        let mut found = Vec::new();
        for branch in &self.branches {
            let mut checked = check(branch.definition.text());
            branch.definition.map_diagnostics(&mut checked);
            for mut d in branch.diagnostics.iter().cloned().chain(checked) {
                if seen.insert(key(&d)) {
                    d.message = format!(
                        "{} (With condition `{}` false: the second branch of its Fn::If.)",
                        d.message, branch.condition
                    );
                    found.push((&branch.definition.origin, d));
                }
            }
        }
        found
    }
}

/// What a template holds.
#[derive(Clone, Debug, Default)]
pub struct Template {
    pub machines: Vec<StateMachineSource>,
    /// Problems of the template itself (YAML syntax), at places in the template.
    pub diagnostics: Vec<Diagnostic>,
}

/// The kinds of template, told apart by the file's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateKind {
    CloudFormation(Format),
    Terraform,
}

impl TemplateKind {
    /// `.tf` is Terraform; `.yaml` / `.yml` a YAML template; anything else JSON.
    pub fn from_path(path: &str) -> Self {
        if path.to_ascii_lowercase().ends_with(".tf") {
            TemplateKind::Terraform
        } else {
            TemplateKind::CloudFormation(Format::from_path(path))
        }
    }
}

/// Whether `text` may hold a state machine resource: a look for the resource types' names,
/// so a file that holds none costs next to nothing.
pub fn may_hold_state_machines(text: &str, kind: TemplateKind) -> bool {
    match kind {
        TemplateKind::Terraform => text.contains("aws_sfn_state_machine"),
        TemplateKind::CloudFormation(_) => cloudformation::MACHINE_TYPES
            .iter()
            .any(|t| text.contains(t)),
    }
}

/// The state machines of the template at `path` (its text `text`); `None` when it holds none
/// and has no problem of its own.
pub fn read_template(
    path: &Path,
    text: &str,
    kind: TemplateKind,
    files: &mut FileReader<'_>,
) -> Option<Template> {
    if !may_hold_state_machines(text, kind) {
        return None;
    }
    let template = match kind {
        TemplateKind::CloudFormation(format) => {
            let parse = match format {
                Format::Json => crate::syntax::parse(text, Format::Json),
                Format::Yaml => crate::syntax::parse_template(text),
            };
            let machines = cloudformation::state_machines(path, text, &parse.tree, files);
            Template {
                machines,
                diagnostics: parse.diagnostics,
            }
        }
        TemplateKind::Terraform => terraform::state_machines(path, text, files),
    };
    (!template.machines.is_empty() || !template.diagnostics.is_empty()).then_some(template)
}

impl Template {
    /// The state machine called `name`, or the only one when `name` is `None`.
    pub fn machine(&self, name: Option<&str>) -> Result<&StateMachineSource, String> {
        let names = || {
            self.machines
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match name {
            Some(name) => self
                .machines
                .iter()
                .find(|m| m.name == name)
                .ok_or_else(|| {
                    format!(
                        "no state machine `{name}` in the template (it has: {})",
                        names()
                    )
                }),
            None if self.machines.len() == 1 => Ok(&self.machines[0]),
            None => Err(format!(
                "the template holds {} state machines: name one as FILE#NAME ({})",
                self.machines.len(),
                names()
            )),
        }
    }
}

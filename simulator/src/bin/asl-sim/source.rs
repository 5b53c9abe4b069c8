//! A definition named on the command line: a state machine file, or a state machine inside a
//! SAM / CloudFormation / CDK template or a Terraform file, named `FILE#LogicalId`
//! (`FILE#aws_sfn_state_machine.NAME`), or just `FILE` when it holds only one. Each
//! subcommand reads its definition here and reports diagnostics through [`Source::located`],
//! which puts them at their places in the template (or the file a `DefinitionUri` names).

use std::path::Path;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::syntax::templates::{read_template, Definition, Origin, Template, TemplateKind};
use asl_sim::syntax::Format;
use asl_sim::Diagnostic;

/// One file's report: its name, its text and the diagnostics at places in that text.
pub type Report = (String, String, Vec<Diagnostic>);

pub struct Source {
    /// The definition's text, as the checker and the engine read it.
    pub text: String,
    pub format: Format,
    /// Where the definition came from, for reports; `None` for a state machine file.
    template: Option<InTemplate>,
}

struct InTemplate {
    file: String,
    file_text: String,
    definition: Definition,
    /// What reading the template found (its syntax, substitutions).
    found: Vec<Diagnostic>,
}

/// Read the definition `argument` names.
pub fn read(argument: &str) -> Result<Source, String> {
    let (file, name) = match argument.rsplit_once('#') {
        Some((file, name)) if Path::new(file).is_file() => (file, Some(name)),
        _ => (argument, None),
    };
    let text = crate::messages::read_text(file)?;
    let Some(template) = template(file, &text) else {
        if let Some(name) = name {
            return Err(format!(
                "{file}: no state machine `{name}`: the file is no template"
            ));
        }
        return Ok(Source {
            format: Format::from_path(file),
            text,
            template: None,
        });
    };
    let machine = template.machine(name).map_err(|e| format!("{file}: {e}"))?;
    let Some(definition) = machine.definition.clone() else {
        let why = machine
            .diagnostics
            .first()
            .map_or("", |d| d.message.as_str());
        return Err(format!(
            "{file}#{}: no local definition. {why}",
            machine.name
        ));
    };
    let mut found = template.diagnostics.clone();
    found.extend(machine.diagnostics.iter().cloned());
    Ok(Source {
        text: definition.text().to_string(),
        format: Format::Json,
        template: Some(InTemplate {
            file: file.to_string(),
            file_text: text,
            definition,
            found,
        }),
    })
}

/// The template in `file`, if it is one with state machines.
pub fn template(file: &str, text: &str) -> Option<Template> {
    let kind = TemplateKind::from_path(file);
    read_template(Path::new(file), text, kind, &mut |p| {
        std::fs::read_to_string(p)
    })
}

impl Source {
    /// `diagnostics` of the definition's text, with the file they point into and its text.
    pub fn located(&self, argument: &str, diagnostics: &[Diagnostic]) -> Report {
        match &self.template {
            None => (
                argument.to_string(),
                self.text.clone(),
                diagnostics.to_vec(),
            ),
            Some(t) => {
                let mut all = t.found.clone();
                let mut mapped = diagnostics.to_vec();
                t.definition.map_diagnostics(&mut mapped);
                all.extend(mapped);
                let (file, text) = origin(&t.file, &t.file_text, &t.definition.origin);
                (file, text, all)
            }
        }
    }
}

/// The file a definition's text came from, and that file's text.
fn origin(file: &str, text: &str, origin: &Origin) -> (String, String) {
    match origin {
        Origin::Template => (file.to_string(), text.to_string()),
        Origin::File { path, text, .. } => (path.display().to_string(), text.to_string()),
    }
}

/// `check` on a template: each state machine checked (each `Fn::If` on either branch), its
/// report at its places in the file, or in the file its definition is in.
pub fn check_template(
    file: &str,
    text: &str,
    template: &Template,
    options: CheckOptions,
) -> Vec<Report> {
    let mut reports = vec![(
        file.to_string(),
        text.to_string(),
        template.diagnostics.clone(),
    )];
    let mut add =
        |(name, text, diagnostics): Report| match reports.iter_mut().find(|(f, _, _)| *f == name) {
            Some(report) => report.2.extend(diagnostics),
            None => reports.push((name, text, diagnostics)),
        };
    for machine in &template.machines {
        add((
            file.to_string(),
            text.to_string(),
            machine.template_diagnostics.clone(),
        ));
        let mut diagnostics = machine.diagnostics.clone();
        let Some(definition) = &machine.definition else {
            add((file.to_string(), text.to_string(), diagnostics));
            continue;
        };
        let check_text = |text: &str| check(text, Format::Json, options).diagnostics;
        let mut checked = check_text(definition.text());
        definition.map_diagnostics(&mut checked);
        diagnostics.extend(checked);
        let others = machine.other_branch_diagnostics(&diagnostics, check_text);
        let (name, origin_text) = origin(file, text, &definition.origin);
        add((name, origin_text, diagnostics));
        for (other, d) in others {
            let (name, origin_text) = origin(file, text, other);
            add((name, origin_text, vec![d]));
        }
    }
    reports
}

//! Terraform: `aws_sfn_state_machine` resources, their `definition` as `jsonencode({...})` of
//! an HCL object, a heredoc or quoted string (with `${...}` interpolations), or `file()` /
//! `templatefile()` of a local path. Variables with defaults, locals and references to other
//! resources of the file become values ([`super::plausible`]); anything else a placeholder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template as HclTemplate};
use hcl_edit::Span;

use super::plausible;
use super::scalars::mapped_literal;
use super::source_map::{Escapes, Mapped};
use super::{Definition, FileReader, Origin, StateMachineSource, Template};
use crate::diagnostic::Diagnostic;
use crate::syntax::TextRange;

const MACHINE: &str = "aws_sfn_state_machine";

/// The state machines of a Terraform file.
pub fn state_machines(path: &Path, text: &str, files: &mut FileReader<'_>) -> Template {
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(e) => {
            let at = e.location().offset().min(text.len());
            return Template {
                machines: Vec::new(),
                diagnostics: vec![Diagnostic::error(
                    "terraform-syntax",
                    TextRange::new(at, at),
                    format!("HCL syntax error: {}.", e.message()),
                )],
            };
        }
    };
    let module = Module::new(text, &body, path.parent().unwrap_or(Path::new("")));
    let mut machines = Vec::new();
    for block in body.blocks().filter(|b| b.ident.as_str() == "resource") {
        let [kind, name] = block.labels.as_slice() else {
            continue;
        };
        if kind.as_str() != MACHINE {
            continue;
        }
        let mut diagnostics = Vec::new();
        let definition = block
            .body
            .get_attribute("definition")
            .and_then(|a| module.definition(&a.value, files, &mut diagnostics));
        machines.push(StateMachineSource {
            name: format!("{MACHINE}.{}", name.as_str()),
            name_range: range(name.span()),
            definition,
            diagnostics,
            template_diagnostics: Vec::new(),
            branches: Vec::new(),
        });
    }
    Template {
        machines,
        diagnostics: Vec::new(),
    }
}

fn range(span: Option<std::ops::Range<usize>>) -> TextRange {
    span.map_or(TextRange::empty(0), |s| TextRange::new(s.start, s.end))
}

/// A file's variables (with defaults), locals and resources.
struct Module<'b> {
    text: &'b str,
    dir: PathBuf,
    variables: HashMap<&'b str, &'b Expression>,
    locals: HashMap<&'b str, &'b Expression>,
}

impl<'b> Module<'b> {
    fn new(text: &'b str, body: &'b Body, dir: &Path) -> Self {
        let mut variables = HashMap::new();
        let mut locals = HashMap::new();
        for structure in body {
            let Structure::Block(block) = structure else {
                continue;
            };
            match (block.ident.as_str(), block.labels.as_slice()) {
                ("variable", [name]) => {
                    if let Some(default) = block.body.get_attribute("default") {
                        variables.insert(name.as_str(), &default.value);
                    }
                }
                ("locals", []) => {
                    for attribute in block.body.attributes() {
                        locals.insert(attribute.key.as_str(), &attribute.value);
                    }
                }
                _ => {}
            }
        }
        Module {
            text,
            dir: dir.to_path_buf(),
            variables,
            locals,
        }
    }

    /// The `definition` attribute's value.
    fn definition(
        &self,
        value: &Expression,
        files: &mut FileReader<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Definition> {
        if let Expression::FuncCall(call) = value {
            let function = call.name.name.as_str();
            if matches!(function, "file" | "templatefile") {
                let path_arg = call.args.iter().next()?;
                let relative = self.text_of(path_arg).text;
                let path = super::local_path(&self.dir, &relative);
                let text = match files(&path) {
                    Ok(text) => text,
                    Err(e) => {
                        diagnostics.push(Diagnostic::error(
                            "definition-file",
                            range(path_arg.span()),
                            format!(
                                "The definition file {} cannot be read: {e}.",
                                path.display()
                            ),
                        ));
                        return None;
                    }
                };
                let mut mapped = Mapped::exact(&text, 0);
                if let Some(variables) = call.args.iter().nth(1) {
                    mapped = self.template_file(&mapped, variables, diagnostics);
                }
                let origin = Origin::File {
                    path,
                    text: text.as_str().into(),
                    named_at: range(path_arg.span()),
                };
                return Some(Definition { mapped, origin });
            }
        }
        Some(Definition {
            mapped: self.text_of(value),
            origin: Origin::Template,
        })
    }

    /// `templatefile(path, {variables})`: each `${name}` of the file replaced; a name the map
    /// lacks is an error, as Terraform's.
    fn template_file(
        &self,
        file: &Mapped,
        variables: &Expression,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Mapped {
        let mut values = Vec::new();
        if let Expression::Object(object) = variables {
            for (key, value) in object {
                let name = match key {
                    ObjectKey::Ident(ident) => ident.as_str().to_string(),
                    ObjectKey::Expression(e) => self.text_of(e).text,
                };
                values.push((name, self.text_of(value.expr()).text));
            }
        }
        file.substitute(Escapes::DoubledDollar, |name, at| {
            let name = name.trim();
            match values.iter().find(|(n, _)| n == name) {
                Some((_, value)) => Some(value.clone()),
                None => {
                    diagnostics.push(Diagnostic::error(
                        "missing-substitution",
                        at,
                        format!("`{name}` is not a variable given to templatefile()."),
                    ));
                    None
                }
            }
        })
    }

    /// The string an expression stands for.
    fn text_of(&self, expr: &Expression) -> Mapped {
        let at = range(expr.span());
        match expr {
            Expression::String(s) => self.literal(at, s.value()),
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Number(_) | Expression::Bool(_) => {
                Mapped::exact(self.raw(at), at.start as usize)
            }
            Expression::Parenthesis(p) => self.text_of(p.inner()),
            Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
                let mut out = Mapped::new();
                if let Some(argument) = call.args.iter().next() {
                    self.render(argument, &mut out);
                }
                out
            }
            Expression::Traversal(_) | Expression::Variable(_) => match self.reference(expr) {
                Some(value) => Mapped::opaque(&value, at),
                None => self.placeholder(at),
            },
            _ => self.placeholder(at),
        }
    }

    /// A quoted string without interpolations: its characters between the quotes.
    fn literal(&self, at: TextRange, value: &str) -> Mapped {
        let raw = self.raw(at);
        let inner = if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
            TextRange::new(at.start as usize + 1, at.end as usize - 1)
        } else {
            at
        };
        mapped_literal(self.text, inner, value)
    }

    fn raw(&self, at: TextRange) -> &'b str {
        self.text
            .get(at.start as usize..at.end as usize)
            .unwrap_or("")
    }

    fn placeholder(&self, at: TextRange) -> Mapped {
        let raw = self.raw(at).trim_start_matches("${").trim_end_matches('}');
        Mapped::opaque(&format!("${{{raw}}}"), at)
    }

    /// A string template or heredoc: literal pieces copied, interpolations worked out.
    fn template(&self, template: &HclTemplate) -> Mapped {
        let mut out = Mapped::new();
        for element in template {
            let at = range(element.span());
            match element {
                Element::Literal(literal) => {
                    out.append(&mapped_literal(self.text, at, literal.value()))
                }
                Element::Interpolation(interpolation) => {
                    let value = self.text_of(&interpolation.expr);
                    out.push_opaque(&value.text, at);
                }
                Element::Directive(_) => out.append(&self.placeholder(at)),
            }
        }
        out
    }

    /// The expression `var.NAME` or `local.NAME` stands for.
    fn named_value(&self, expr: &Expression) -> Option<&'b Expression> {
        let (root, names) = traversal_names(expr)?;
        match (root, names.as_slice()) {
            ("var", [name]) => self.variables.get(name).copied(),
            ("local", [name]) => self.locals.get(name).copied(),
            _ => None,
        }
    }

    /// `var.NAME`, `local.NAME`, `TYPE.NAME.ATTRIBUTE`, `path.module`: their value, if known.
    fn reference(&self, expr: &Expression) -> Option<String> {
        let (root, names) = traversal_names(expr)?;
        match (root, names.as_slice()) {
            ("var", [name, ..]) => self.variables.get(name).map(|e| self.text_of(e).text),
            ("local", [name, ..]) => self.locals.get(name).map(|e| self.text_of(e).text),
            ("path", ["module" | "root" | "cwd"]) => Some(".".into()),
            (kind, [name, attribute]) => plausible::value(kind, name, Some(attribute)),
            (kind, [name]) => plausible::value(kind, name, Some("id")),
            _ => None,
        }
    }

    /// Write an HCL value out as JSON (what `jsonencode` gives).
    fn render(&self, expr: &Expression, out: &mut Mapped) {
        let at = range(expr.span());
        match expr {
            Expression::Object(object) => {
                out.push_opaque("{", TextRange::empty(at.start as usize));
                for (i, (key, value)) in object.iter().enumerate() {
                    let (key_text, key_at) = match key {
                        ObjectKey::Ident(ident) => {
                            let key_at = range(ident.span());
                            (Mapped::exact(ident.as_str(), key_at.start as usize), key_at)
                        }
                        ObjectKey::Expression(e) => (self.text_of(e), range(e.span())),
                    };
                    if i > 0 {
                        out.push_opaque(",", TextRange::empty(key_at.start as usize));
                    }
                    out.push_json_string(&key_text, key_at);
                    out.push_opaque(":", TextRange::empty(key_at.end as usize));
                    self.render(value.expr(), out);
                }
                out.push_opaque("}", TextRange::empty(at.end as usize));
            }
            Expression::Array(array) => {
                out.push_opaque("[", TextRange::empty(at.start as usize));
                for (i, item) in array.iter().enumerate() {
                    if i > 0 {
                        let item_at = range(item.span());
                        out.push_opaque(",", TextRange::empty(item_at.start as usize));
                    }
                    self.render(item, out);
                }
                out.push_opaque("]", TextRange::empty(at.end as usize));
            }
            Expression::Number(_) | Expression::Bool(_) | Expression::Null(_) => {
                out.push_exact(self.raw(at), at.start as usize);
            }
            Expression::Parenthesis(p) => self.render(p.inner(), out),
            Expression::Traversal(_) => match self.named_value(expr) {
                // A variable's or local's value, written out where it is used.
                Some(value) => {
                    let mut written = Mapped::new();
                    self.render(value, &mut written);
                    out.push_opaque(&written.text, at);
                }
                None => out.push_json_string(&self.text_of(expr), at),
            },
            _ => out.push_json_string(&self.text_of(expr), at),
        }
    }
}

/// `a.b.c` as `("a", ["b", "c"])`.
fn traversal_names(expr: &Expression) -> Option<(&str, Vec<&str>)> {
    let Expression::Traversal(traversal) = expr else {
        return None;
    };
    let Expression::Variable(root) = &traversal.expr else {
        return None;
    };
    let names = traversal
        .operators
        .iter()
        .map_while(|op| match op.value() {
            TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
            _ => None,
        })
        .collect();
    Some((root.as_str(), names))
}

//! CloudFormation and SAM templates (JSON or YAML, CDK's synthesized ones included): the
//! `AWS::StepFunctions::StateMachine` and `AWS::Serverless::StateMachine` resources, each
//! definition built as JSON text with CloudFormation's intrinsic functions worked out.

use std::path::Path;

use super::scalars::mapped_scalar;
use super::source_map::{Escapes, Mapped};
use super::{Branch, Definition, FileReader, Origin, StateMachineSource};
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::{Node, NodeKind, TextRange, Tree};

pub const MACHINE_TYPES: [&str; 2] = [
    "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::StateMachine",
];

/// A value an intrinsic function or a template node stands for.
enum Value<'t> {
    Text(Mapped),
    /// A template value taken as it is (its strings and intrinsics are worked out as it is
    /// written out).
    Node(Node<'t>),
    List(Vec<Value<'t>>),
    /// `AWS::NoValue`: the member is left out.
    Absent,
}

/// One template's text and sections, and the diagnostics of the definition being built.
pub struct Template<'t> {
    text: &'t str,
    resources: Option<Node<'t>>,
    parameters: Option<Node<'t>>,
    mappings: Option<Node<'t>>,
    diagnostics: Vec<Diagnostic>,
    /// Intrinsic functions are worked out (not in a `DefinitionUri` file).
    intrinsics: bool,
    /// Each `Fn::If` met building a definition with every first branch (at its node's start):
    /// its place and its condition's name.
    ifs: Vec<(u32, String)>,
    /// The `Fn::If` (by its node's start) that takes its second branch in this build.
    second_branch_of: Option<u32>,
    /// What was found in the template itself while building a definition in another file.
    found_outside_file: Vec<Diagnostic>,
}

/// Every state machine of a template parsed into `tree`.
pub fn state_machines(
    template_path: &Path,
    text: &str,
    tree: &Tree,
    files: &mut FileReader<'_>,
) -> Vec<StateMachineSource> {
    let root = tree.root();
    let mut template = Template {
        text,
        resources: root.get("Resources"),
        parameters: root.get("Parameters"),
        mappings: root.get("Mappings"),
        diagnostics: Vec::new(),
        intrinsics: true,
        ifs: Vec::new(),
        second_branch_of: None,
        found_outside_file: Vec::new(),
    };
    let Some(resources) = template.resources else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for member in resources.members() {
        let kind = member.value.get("Type").and_then(Node::as_str);
        if !kind.is_some_and(|k| MACHINE_TYPES.contains(&k)) {
            continue;
        }
        let properties = member.value.get("Properties");
        let definition = properties.and_then(|p| template.definition(p, template_path, files));
        let diagnostics = std::mem::take(&mut template.diagnostics);
        let template_diagnostics = std::mem::take(&mut template.found_outside_file);
        let branches = match (properties, &definition) {
            (Some(properties), Some(first)) => {
                template.other_branches(properties, first, template_path, files)
            }
            _ => Vec::new(),
        };
        found.push(StateMachineSource {
            name: member.key.name.to_string(),
            name_range: member.key.range,
            definition,
            diagnostics,
            template_diagnostics,
            branches,
        });
    }
    found
}

impl<'t> Template<'t> {
    /// The definition built again for each `Fn::If` the first build met, that one on its
    /// second branch; those that read as the first are left out.
    fn other_branches(
        &mut self,
        properties: Node<'t>,
        first: &Definition,
        template_path: &Path,
        files: &mut FileReader<'_>,
    ) -> Vec<Branch> {
        let mut ifs = std::mem::take(&mut self.ifs);
        ifs.sort_by_key(|(at, _)| *at);
        ifs.dedup_by_key(|(at, _)| *at);
        let mut branches = Vec::new();
        for (at, condition) in ifs.into_iter().take(super::MAX_BRANCHES) {
            self.second_branch_of = Some(at);
            let definition = self.definition(properties, template_path, files);
            self.second_branch_of = None;
            self.ifs.clear();
            self.found_outside_file.clear();
            let diagnostics = std::mem::take(&mut self.diagnostics);
            match definition {
                Some(definition) if definition.text() != first.text() => branches.push(Branch {
                    condition,
                    definition,
                    diagnostics,
                }),
                _ => {}
            }
        }
        branches
    }

    /// The definition of a state machine resource with these `Properties`.
    fn definition(
        &mut self,
        properties: Node<'t>,
        template_path: &Path,
        files: &mut FileReader<'_>,
    ) -> Option<Definition> {
        let substitutions = properties
            .get("DefinitionSubstitutions")
            .map(|subs| self.substitutions(subs));
        let (mapped, origin) = if let Some(inline) = properties.get("Definition") {
            let mut out = Mapped::new();
            self.render(inline, &mut out);
            (out, Origin::Template)
        } else if let Some(string) = properties.get("DefinitionString") {
            let value = self.eval(string);
            (self.text_of(value, string.range()), Origin::Template)
        } else if let Some(uri) = properties.member("DefinitionUri") {
            // A path (an `Fn::If` may choose it), or an S3 location `{Bucket, Key}`.
            match self.eval(uri.value) {
                Value::Text(path) if !path.text.contains("${") => {
                    // What was found so far is in the template; what follows in the file.
                    let in_template = std::mem::take(&mut self.diagnostics);
                    self.found_outside_file.extend(in_template);
                    let dir = template_path.parent().unwrap_or(Path::new(""));
                    let path = super::local_path(dir, &path.text);
                    self.definition_file(&path, uri.value.range(), files)?
                }
                _ => return self.not_local(uri.key.range, "DefinitionUri"),
            }
        } else if let Some(s3) = properties.member("DefinitionS3Location") {
            return self.not_local(s3.key.range, "DefinitionS3Location");
        } else {
            return None;
        };
        let mapped = match substitutions {
            Some(subs) => self.apply_substitutions(&mapped, &subs),
            None => mapped,
        };
        Some(Definition { mapped, origin })
    }

    fn not_local(&mut self, at: TextRange, field: &str) -> Option<Definition> {
        self.diagnostics.push(Diagnostic::new(
            Severity::Information,
            "definition-not-local",
            at,
            format!("The definition is in S3 (`{field}`), not in a local file: it is not checked."),
        ));
        None
    }

    /// A `DefinitionUri` file: JSON or YAML, written out as JSON with its own positions.
    fn definition_file(
        &mut self,
        path: &Path,
        at: TextRange,
        files: &mut FileReader<'_>,
    ) -> Option<(Mapped, Origin)> {
        let text = match files(path) {
            Ok(text) => text,
            Err(e) => {
                self.diagnostics.push(Diagnostic::error(
                    "definition-file",
                    at,
                    format!(
                        "The definition file {} cannot be read: {e}.",
                        path.display()
                    ),
                ));
                return None;
            }
        };
        let format = crate::syntax::Format::from_path(&path.to_string_lossy());
        let parse = crate::syntax::parse(&text, format);
        self.diagnostics.extend(parse.diagnostics.iter().cloned());
        let mut file = Template {
            text: &text,
            resources: None,
            parameters: None,
            mappings: None,
            diagnostics: Vec::new(),
            intrinsics: false,
            ifs: Vec::new(),
            second_branch_of: None,
            found_outside_file: Vec::new(),
        };
        let mut out = Mapped::new();
        file.render(parse.tree.root(), &mut out);
        let origin = Origin::File {
            path: path.to_path_buf(),
            text: text.as_str().into(),
            named_at: at,
        };
        Some((out, origin))
    }

    /// `DefinitionSubstitutions`: each key and its value (`None` when it cannot be known).
    fn substitutions(&mut self, subs: Node<'t>) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for member in subs.members() {
            let value = self.eval(member.value);
            let text = match value {
                Value::Text(m) if !m.text.contains("${") => Some(m.text),
                Value::Node(n) if !n.is_object() && !n.is_array() => Some(n.to_json().to_string()),
                _ => None,
            };
            out.push((member.key.name.to_string(), text));
        }
        out
    }

    fn apply_substitutions(
        &mut self,
        mapped: &Mapped,
        subs: &[(String, Option<String>)],
    ) -> Mapped {
        let diagnostics = &mut self.diagnostics;
        mapped.substitute(Escapes::None, |name, at| {
            match subs.iter().find(|(key, _)| key == name) {
                Some((_, value)) => value.clone(),
                None => {
                    diagnostics.push(Diagnostic::error(
                        "missing-substitution",
                        at,
                        format!("`${{{name}}}` is not a key of DefinitionSubstitutions."),
                    ));
                    None
                }
            }
        })
    }

    /// Write `node` out as JSON, intrinsic functions worked out.
    fn render(&mut self, node: Node<'t>, out: &mut Mapped) {
        let value = self.eval(node);
        let at = value_range(&value, node);
        self.render_value(value, at, out);
    }

    fn render_value(&mut self, value: Value<'t>, range: TextRange, out: &mut Mapped) {
        match value {
            Value::Text(m) => out.push_json_string(&m, range),
            Value::Node(node) => self.render_node(node, out),
            Value::List(items) => {
                out.push_opaque("[", TextRange::empty(range.start as usize));
                let mut first = true;
                for item in items {
                    if matches!(item, Value::Absent) {
                        continue;
                    }
                    if !first {
                        out.push_opaque(",", TextRange::empty(range.start as usize));
                    }
                    first = false;
                    self.render_value(item, range, out);
                }
                out.push_opaque("]", TextRange::empty(range.end as usize));
            }
            Value::Absent => out.push_opaque("null", range),
        }
    }

    /// An object, array or scalar of the template, written out as JSON.
    fn render_node(&mut self, node: Node<'t>, out: &mut Mapped) {
        let range = node.range();
        match node.kind() {
            NodeKind::Object(members) => {
                out.push_opaque("{", TextRange::empty(range.start as usize));
                let mut first = true;
                for member in members {
                    let value = self.eval(member.value);
                    if matches!(value, Value::Absent) {
                        continue;
                    }
                    let key_end = member.key.range.end as usize;
                    if !first {
                        out.push_opaque(",", TextRange::empty(member.key.range.start as usize));
                    }
                    first = false;
                    let key = mapped_scalar(self.text, member.key.range, member.key.name);
                    out.push_json_string(&key, member.key.range);
                    out.push_opaque(":", TextRange::empty(key_end));
                    let at = value_range(&value, member.value);
                    self.render_value(value, at, out);
                }
                out.push_opaque("}", TextRange::empty(range.end as usize));
            }
            NodeKind::Array(elements) => {
                let items = elements.map(|e| self.eval(e)).collect();
                self.render_value(Value::List(items), range, out);
            }
            NodeKind::String(s) => {
                let m = mapped_scalar(self.text, range, s);
                out.push_json_string(&m, range);
            }
            NodeKind::Missing => out.push_opaque("null", range),
            _ => {
                let json = node.to_json().to_string();
                let raw = &self.text[range.start as usize..range.end as usize];
                if raw == json {
                    out.push_exact(&json, range.start as usize);
                } else {
                    out.push_opaque(&json, range);
                }
            }
        }
    }

    /// The value `node` stands for: its intrinsic function worked out, a string with its
    /// characters' places, anything else as it is.
    fn eval(&mut self, node: Node<'t>) -> Value<'t> {
        if let NodeKind::String(s) = node.kind() {
            return Value::Text(mapped_scalar(self.text, node.range(), s));
        }
        let mut members = node.members();
        match (members.next(), members.next()) {
            (Some(only), None)
                if self.intrinsics
                    && (only.key.name == "Ref" || only.key.name.starts_with("Fn::")) =>
            {
                self.intrinsic(only.key.name, only.value, node.range())
            }
            _ => Value::Node(node),
        }
    }

    /// The text a value stands for (a list: its items joined with commas, as `Fn::Sub` does).
    fn text_of(&mut self, value: Value<'t>, range: TextRange) -> Mapped {
        match value {
            Value::Text(m) => m,
            Value::Node(node) => match node.kind() {
                NodeKind::Object(_) | NodeKind::Array(_) => {
                    let mut out = Mapped::new();
                    self.render_node(node, &mut out);
                    out
                }
                _ => Mapped::opaque(&node.to_json().to_string(), node.range()),
            },
            Value::List(items) => {
                let mut out = Mapped::new();
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        out.push_opaque(",", TextRange::empty(range.start as usize));
                    }
                    let piece = self.text_of(item, range);
                    out.append(&piece);
                }
                out
            }
            Value::Absent => Mapped::new(),
        }
    }
}

/// Where the value `node` stands for is written: the node, or for a string an intrinsic
/// function gave (an `Fn::If`'s branch, an `Fn::Sub`), the characters that string came from,
/// so a diagnostic on the whole string points at them and not at the whole function.
fn value_range(value: &Value<'_>, node: Node<'_>) -> TextRange {
    let whole = node.range();
    match value {
        Value::Text(m) if !m.is_empty() && !matches!(node.kind(), NodeKind::String(_)) => {
            let from = m.source_range(TextRange::new(0, m.len()));
            let inside = whole.start <= from.start && from.end <= whole.end;
            if inside {
                from
            } else {
                whole
            }
        }
        _ => whole,
    }
}

#[path = "intrinsics.rs"]
mod intrinsics;

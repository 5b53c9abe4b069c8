//! CloudFormation's intrinsic functions, worked out as far as a template alone allows:
//! references to its own resources become plausible values ([`super::plausible`]), parameters
//! their defaults, pseudo parameters the simulator's account and region; anything else stays a
//! `${...}` placeholder, which the checker accepts wherever a value can stand.

use super::super::plausible;
use super::super::source_map::{Escapes, Mapped};
use super::{Template, Value};
use crate::diagnostic::Diagnostic;
use crate::syntax::{Node, NodeKind, TextRange};

/// What a name in `Ref` or `${...}` resolves to.
enum Resolved {
    Value(String),
    /// Known to the template but not to us (a parameter without a default, a resource kind we
    /// do not model).
    Unknown,
    Absent,
    /// Not a parameter, resource or pseudo parameter: CloudFormation refuses the template.
    Missing,
}

impl<'t> Template<'t> {
    /// `name: argument`, a whole intrinsic function at `range`.
    pub(super) fn intrinsic(
        &mut self,
        name: &str,
        argument: Node<'t>,
        range: TextRange,
    ) -> Value<'t> {
        match name {
            "Ref" => {
                let target = argument.as_str().unwrap_or_default();
                self.resolved(self.reference(target, None), target, range)
            }
            "Fn::GetAtt" => {
                let (target, attribute) = get_att_parts(argument);
                let written = format!("{target}.{attribute}");
                self.resolved(self.reference(&target, Some(&attribute)), &written, range)
            }
            "Fn::Sub" => Value::Text(self.sub(argument)),
            "Fn::Join" => self.join(argument, range),
            "Fn::Select" => {
                let index = argument.elements().next().map(|i| self.scalar_text(i));
                let list = argument.elements().nth(1).map(|l| self.eval(l));
                let index = index.and_then(|i| i.parse::<usize>().ok());
                match (index, list) {
                    (Some(i), Some(Value::List(items))) => {
                        items.into_iter().nth(i).unwrap_or(Value::Absent)
                    }
                    (Some(i), Some(Value::Node(n))) => {
                        n.elements().nth(i).map_or(Value::Absent, |e| self.eval(e))
                    }
                    _ => placeholder(name, range),
                }
            }
            // The condition cannot be known: the first branch is built, and each `Fn::If` met
            // is built again on its second (`other_branches`).
            "Fn::If" => {
                let second = self.second_branch_of == Some(range.start);
                if self.second_branch_of.is_none() {
                    let condition = argument.elements().next().and_then(Node::as_str);
                    self.ifs
                        .push((range.start, condition.unwrap_or_default().to_string()));
                }
                match argument.elements().nth(if second { 2 } else { 1 }) {
                    Some(branch) => self.eval(branch),
                    None => placeholder(name, range),
                }
            }
            "Fn::FindInMap" => self.find_in_map(argument, range),
            "Fn::Split" => {
                let separator = argument.elements().next().map(|s| self.scalar_text(s));
                let source = argument.elements().nth(1).map(|s| self.eval(s));
                match (separator, source) {
                    (Some(sep), Some(value)) if !sep.is_empty() => {
                        let text = self.text_of(value, range).text;
                        let parts = text.split(sep.as_str());
                        Value::List(
                            parts
                                .map(|p| Value::Text(Mapped::opaque(p, range)))
                                .collect(),
                        )
                    }
                    _ => placeholder(name, range),
                }
            }
            "Fn::ToJsonString" => {
                let mut out = Mapped::new();
                self.render(argument, &mut out);
                Value::Text(out)
            }
            _ => placeholder(name, range),
        }
    }

    /// A `Ref` / `Fn::GetAtt` / `${...}` result: a missing name is an error at `range`.
    fn resolved(&mut self, resolved: Resolved, written: &str, range: TextRange) -> Value<'t> {
        match resolved {
            Resolved::Value(v) => Value::Text(Mapped::opaque(&v, range)),
            Resolved::Absent => Value::Absent,
            Resolved::Unknown => Value::Text(Mapped::opaque(&format!("${{{written}}}"), range)),
            Resolved::Missing => {
                self.diagnostics.push(unknown_reference(written, range));
                Value::Text(Mapped::opaque(&format!("${{{written}}}"), range))
            }
        }
    }

    /// `target` (a parameter, resource or pseudo parameter), or its `attribute`.
    fn reference(&self, target: &str, attribute: Option<&str>) -> Resolved {
        if target == "AWS::NoValue" {
            return Resolved::Absent;
        }
        if let Some(v) = plausible::pseudo(target) {
            return Resolved::Value(v);
        }
        if let Some(parameter) = self.parameters.and_then(|p| p.get(target)) {
            return match parameter.get("Default") {
                Some(d) if !d.is_object() && !d.is_array() => Resolved::Value(match d.kind() {
                    NodeKind::String(s) => s.to_string(),
                    _ => d.to_json().to_string(),
                }),
                _ => Resolved::Unknown,
            };
        }
        let Some(resource) = self.resources.and_then(|r| r.get(target)) else {
            return if target.starts_with("AWS::") {
                Resolved::Unknown
            } else {
                Resolved::Missing
            };
        };
        let kind = resource.get("Type").and_then(Node::as_str).unwrap_or("");
        match plausible::value(kind, target, attribute) {
            Some(v) => Resolved::Value(v),
            None => Resolved::Unknown,
        }
    }

    /// `Fn::Sub`: a string, or `[string, {variables}]`.
    fn sub(&mut self, argument: Node<'t>) -> Mapped {
        let (string, variables) = match argument.kind() {
            NodeKind::Array(mut items) => (items.next(), items.next()),
            _ => (Some(argument), None),
        };
        let Some(string) = string else {
            return Mapped::new();
        };
        let template = match self.eval(string) {
            Value::Text(m) => m,
            other => self.text_of(other, string.range()),
        };
        let mut values = Vec::new();
        for member in variables.map(Node::members).into_iter().flatten() {
            let value = self.eval(member.value);
            let text = self.text_of(value, member.value.range()).text;
            values.push((member.key.name, text));
        }
        let mut found = Vec::new();
        let substituted = template.substitute(Escapes::Bang, |name, at| {
            if let Some((_, v)) = values.iter().find(|(n, _)| *n == name) {
                return Some(v.clone());
            }
            let resolved = match name.split_once('.') {
                Some((target, attribute)) if !name.starts_with("AWS::") => {
                    self.reference(target, Some(attribute))
                }
                _ => self.reference(name, None),
            };
            match resolved {
                Resolved::Value(v) => Some(v),
                Resolved::Absent => Some(String::new()),
                // Kept as a placeholder, not substituted again later.
                Resolved::Unknown => Some(format!("${{{name}}}")),
                Resolved::Missing => {
                    found.push(unknown_reference(name, at));
                    Some(format!("${{{name}}}"))
                }
            }
        });
        self.diagnostics.extend(found);
        substituted
    }

    /// `Fn::Join: [separator, [parts]]`: each separator maps to the end of the part before it.
    fn join(&mut self, argument: Node<'t>, range: TextRange) -> Value<'t> {
        let mut items = argument.elements();
        let (Some(separator), Some(parts)) = (items.next(), items.next()) else {
            return placeholder("Fn::Join", range);
        };
        let separator = self.scalar_text(separator);
        let parts = match self.eval(parts) {
            Value::List(values) => values,
            Value::Node(node) if node.is_array() => node.elements().map(|e| self.eval(e)).collect(),
            other => vec![other],
        };
        let mut out = Mapped::new();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 && !separator.is_empty() {
                let at =
                    TextRange::empty(out.source_range(TextRange::empty(out.len())).end as usize);
                out.push_opaque(&separator, at);
            }
            let piece = self.text_of(part, range);
            out.append(&piece);
        }
        Value::Text(out)
    }

    /// `Fn::FindInMap: [map, top key, second key]` from the template's `Mappings`.
    fn find_in_map(&mut self, argument: Node<'t>, range: TextRange) -> Value<'t> {
        let keys: Vec<String> = argument
            .elements()
            .take(3)
            .map(|k| self.scalar_text(k))
            .collect();
        let found = self.mappings.and_then(|m| {
            let [map, top, second] = keys.as_slice() else {
                return None;
            };
            m.get(map)?.get(top)?.get(second)
        });
        match found {
            Some(value) => self.eval(value),
            None => placeholder("Fn::FindInMap", range),
        }
    }

    /// A scalar argument's text (an index, a separator, a key), intrinsics worked out.
    fn scalar_text(&mut self, node: Node<'t>) -> String {
        let value = self.eval(node);
        self.text_of(value, node.range()).text
    }
}

/// The two parts of `Fn::GetAtt`: `"A.Arn"` or `[A, Arn]`.
fn get_att_parts(argument: Node<'_>) -> (String, String) {
    if let Some(s) = argument.as_str() {
        let (target, attribute) = s.split_once('.').unwrap_or((s, ""));
        return (target.to_string(), attribute.to_string());
    }
    let mut items = argument.elements();
    let text = |n: Option<Node<'_>>| n.and_then(Node::as_str).unwrap_or("").to_string();
    (text(items.next()), text(items.next()))
}

fn placeholder<'t>(name: &str, range: TextRange) -> Value<'t> {
    Value::Text(Mapped::opaque(&format!("${{{name}}}"), range))
}

fn unknown_reference(name: &str, at: TextRange) -> Diagnostic {
    Diagnostic::error(
        "unknown-reference",
        at,
        format!("`{name}` is no parameter, resource or pseudo parameter of this template: CloudFormation refuses it."),
    )
}

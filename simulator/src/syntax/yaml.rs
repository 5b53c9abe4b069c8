//! YAML documents through saphyr's marked nodes, into the same tree as JSON. saphyr stops at
//! the first error, so a broken YAML document yields an empty tree and that error.

use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};

use super::tree::{Key, Member, Node, NodeKind, TextRange};
use super::Parse;
use crate::diagnostic::Diagnostic;

pub fn parse(text: &str) -> Parse {
    // saphyr counts characters; we count bytes.
    let mut char_to_byte: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
    char_to_byte.push(text.len() as u32);
    let to_byte = |m: &Marker| char_to_byte[m.index().min(char_to_byte.len() - 1)] as usize;

    let mut diagnostics = Vec::new();
    let root = match MarkedYaml::load_from_str(text) {
        Ok(docs) => {
            if docs.len() > 1 {
                let start = to_byte(&docs[1].span.start);
                diagnostics.push(Diagnostic::error(
                    "multiple-documents",
                    TextRange::new(start, start),
                    "A state machine file holds one YAML document; the ones after the first are ignored.",
                ));
            }
            match docs.first() {
                Some(doc) => convert(doc, &to_byte, &mut diagnostics, 0),
                None => {
                    diagnostics.push(Diagnostic::error(
                        "empty-document",
                        TextRange::empty(0),
                        "The document is empty: a state machine has `StartAt` and `States`.",
                    ));
                    Node::missing(0)
                }
            }
        }
        Err(error) => {
            let at = to_byte(error.marker());
            let end = text[at..]
                .char_indices()
                .nth(1)
                .map_or(text.len(), |(i, _)| at + i);
            diagnostics.push(Diagnostic::error(
                "yaml-syntax",
                TextRange::new(at, end),
                format!("YAML syntax error: {}.", error.info()),
            ));
            Node::missing(0)
        }
    };
    Parse { root, diagnostics }
}

const MAX_DEPTH: usize = 512;

fn convert(
    node: &MarkedYaml<'_>,
    to_byte: &impl Fn(&Marker) -> usize,
    diagnostics: &mut Vec<Diagnostic>,
    depth: usize,
) -> Node {
    let start = to_byte(&node.span.start);
    let end = to_byte(&node.span.end).max(start);
    let leaf = |kind| Node {
        range: TextRange::new(start, end),
        kind,
    };
    if depth > MAX_DEPTH {
        diagnostics.push(Diagnostic::error(
            "nesting-too-deep",
            TextRange::new(start, start),
            format!(
                "Nesting deeper than {MAX_DEPTH} levels is not supported; this value is skipped."
            ),
        ));
        return leaf(NodeKind::Missing);
    }
    match &node.data {
        YamlData::Value(scalar) => leaf(scalar_kind(scalar)),
        YamlData::Representation(raw, _, _) => leaf(NodeKind::String(raw.as_ref().into())),
        YamlData::Sequence(items) => {
            let items: Vec<Node> = items
                .iter()
                .map(|n| convert(n, to_byte, diagnostics, depth + 1))
                .collect();
            let end = items
                .last()
                .map_or(end, |n| n.range.end as usize)
                .max(start);
            Node {
                range: TextRange::new(start, end),
                kind: NodeKind::Array(items),
            }
        }
        YamlData::Mapping(map) => {
            let mut members = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key_start = to_byte(&k.span.start);
                let key_end = to_byte(&k.span.end).max(key_start);
                let name = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(other) => scalar_text(other),
                    _ => {
                        diagnostics.push(Diagnostic::error(
                            "unsupported-key",
                            TextRange::new(key_start, key_end),
                            "Property names must be plain strings.",
                        ));
                        continue;
                    }
                };
                members.push(Member {
                    key: Key {
                        name: name.into(),
                        range: TextRange::new(key_start, key_end),
                    },
                    value: convert(v, to_byte, diagnostics, depth + 1),
                });
            }
            let end = members
                .last()
                .map_or(end, |m| m.value.range.end.max(m.key.range.end) as usize)
                .max(start);
            Node {
                range: TextRange::new(start, end),
                kind: NodeKind::Object(members),
            }
        }
        // CloudFormation short forms (`!Sub`, `!GetAtt`) stand for a value we cannot know.
        YamlData::Tagged(_, inner) => convert(inner, to_byte, diagnostics, depth + 1),
        YamlData::Alias(_) | YamlData::BadValue => leaf(NodeKind::Missing),
    }
}

fn scalar_kind(scalar: &Scalar<'_>) -> NodeKind {
    match scalar {
        Scalar::Null => NodeKind::Null,
        Scalar::Boolean(b) => NodeKind::Bool(*b),
        Scalar::Integer(i) => NodeKind::Number((*i).into()),
        Scalar::FloatingPoint(f) => {
            serde_json::Number::from_f64(f.into_inner()).map_or(NodeKind::Missing, NodeKind::Number)
        }
        Scalar::String(s) => NodeKind::String(s.as_ref().into()),
    }
}

fn scalar_text(scalar: &Scalar<'_>) -> String {
    match scalar {
        Scalar::Null => "null".into(),
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.to_string(),
        Scalar::String(s) => s.to_string(),
    }
}

//! YAML documents through saphyr's marked nodes, into the same tree as JSON. saphyr stops at
//! the first error, so a broken YAML document yields an empty tree and that error.

use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};

use super::tree::{TextRange, TreeBuilder};
use super::Parse;
use crate::diagnostic::Diagnostic;

pub fn parse(text: &str) -> Parse {
    // saphyr counts characters; we count bytes.
    let mut char_to_byte: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
    char_to_byte.push(text.len() as u32);
    let to_byte = |m: &Marker| char_to_byte[m.index().min(char_to_byte.len() - 1)] as usize;

    let mut diagnostics = Vec::new();
    let mut out = TreeBuilder::with_capacity(text.len());
    match MarkedYaml::load_from_str(text) {
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
                Some(doc) => {
                    convert(doc, &to_byte, &mut out, &mut diagnostics, 0);
                }
                None => {
                    diagnostics.push(Diagnostic::error(
                        "empty-document",
                        TextRange::empty(0),
                        "The document is empty: a state machine has `StartAt` and `States`.",
                    ));
                    out.missing(TextRange::empty(0));
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
            out.missing(TextRange::empty(0));
        }
    }
    Parse {
        tree: out.build(),
        diagnostics,
    }
}

const MAX_DEPTH: usize = 512;

/// Add a node to the tree; returns the end of its text (a block collection's own end marker
/// can lie past trailing blank lines, so collections end where their last child does).
fn convert(
    node: &MarkedYaml<'_>,
    to_byte: &impl Fn(&Marker) -> usize,
    out: &mut TreeBuilder,
    diagnostics: &mut Vec<Diagnostic>,
    depth: usize,
) -> usize {
    let start = to_byte(&node.span.start);
    let end = to_byte(&node.span.end).max(start);
    let range = TextRange::new(start, end);
    if depth > MAX_DEPTH {
        diagnostics.push(Diagnostic::error(
            "nesting-too-deep",
            TextRange::new(start, start),
            format!(
                "Nesting deeper than {MAX_DEPTH} levels is not supported; this value is skipped."
            ),
        ));
        out.missing(range);
        return end;
    }
    match &node.data {
        YamlData::Value(value) => add_scalar(out, range, scalar_value(value)),
        YamlData::Representation(raw, _, _) => out.string(range, raw),
        YamlData::Sequence(items) => {
            let mut array = out.open_array(start);
            let mut last = end;
            for item in items {
                out.element(&mut array);
                last = convert(item, to_byte, out, diagnostics, depth + 1);
            }
            let end = if items.is_empty() {
                end
            } else {
                last.max(start)
            };
            out.finish(array, end);
            return end;
        }
        YamlData::Mapping(map) => {
            let mut object = out.open_object(start);
            let mut last = end;
            let mut any = false;
            for (k, v) in map {
                let key_start = to_byte(&k.span.start);
                let key_end = to_byte(&k.span.end).max(key_start);
                let key_range = TextRange::new(key_start, key_end);
                let name = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(other) => scalar_text(other),
                    _ => {
                        diagnostics.push(Diagnostic::error(
                            "unsupported-key",
                            key_range,
                            "Property names must be plain strings.",
                        ));
                        continue;
                    }
                };
                out.key(&mut object, &name, key_range);
                last = convert(v, to_byte, out, diagnostics, depth + 1).max(key_end);
                any = true;
            }
            let end = if any { last.max(start) } else { end };
            out.finish(object, end);
            return end;
        }
        // CloudFormation short forms (`!Sub`, `!GetAtt`) stand for a value we cannot know.
        YamlData::Tagged(_, inner) => return convert(inner, to_byte, out, diagnostics, depth + 1),
        YamlData::Alias(_) | YamlData::BadValue => out.missing(range),
    }
    end
}

enum ScalarValue<'s> {
    Null,
    Bool(bool),
    Number(Option<serde_json::Number>),
    String(&'s str),
}

fn scalar_value<'s>(scalar: &'s Scalar<'_>) -> ScalarValue<'s> {
    match scalar {
        Scalar::Null => ScalarValue::Null,
        Scalar::Boolean(b) => ScalarValue::Bool(*b),
        Scalar::Integer(i) => ScalarValue::Number(Some((*i).into())),
        Scalar::FloatingPoint(f) => {
            ScalarValue::Number(serde_json::Number::from_f64(f.into_inner()))
        }
        Scalar::String(s) => ScalarValue::String(s),
    }
}

fn add_scalar(out: &mut TreeBuilder, range: TextRange, value: ScalarValue<'_>) {
    match value {
        ScalarValue::Null => out.null(range),
        ScalarValue::Bool(b) => out.bool(range, b),
        ScalarValue::Number(Some(n)) => out.number(range, n),
        ScalarValue::Number(None) => out.missing(range),
        ScalarValue::String(s) => out.string(range, s),
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

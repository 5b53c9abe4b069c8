//! YAML documents through saphyr's marked nodes, into the same tree as JSON. saphyr stops at
//! the first error, so a broken YAML document yields an empty tree and that error.
//!
//! A state machine file drops tags (`!Sub` on a value stands for a value we cannot know); a
//! CloudFormation template keeps them ([`parse_keeping_tags`]): `!GetAtt A.Arn` becomes the
//! long form `{"Fn::GetAtt": "A.Arn"}`, its key's range the tag's. saphyr gives a scalar under
//! a tag no span of its own (0..0), so its range is the tagged node's less the tag.

use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};

use super::tree::{TextRange, TreeBuilder};
use super::Parse;
use crate::diagnostic::Diagnostic;

pub fn parse(text: &str) -> Parse {
    parse_with(text, false)
}

/// A CloudFormation template: short-form tags kept as their long forms (see the module doc).
pub fn parse_keeping_tags(text: &str) -> Parse {
    parse_with(text, true)
}

fn parse_with(text: &str, keep_tags: bool) -> Parse {
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
                    let mut converter = Converter {
                        text,
                        to_byte: &to_byte,
                        out: &mut out,
                        diagnostics: &mut diagnostics,
                        keep_tags,
                    };
                    converter.convert(doc, None, 0);
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

struct Converter<'a, F: Fn(&Marker) -> usize> {
    text: &'a str,
    to_byte: &'a F,
    out: &'a mut TreeBuilder,
    diagnostics: &'a mut Vec<Diagnostic>,
    keep_tags: bool,
}

impl<F: Fn(&Marker) -> usize> Converter<'_, F> {
    /// Add a node to the tree; returns the end of its text (a block collection's own end marker
    /// can lie past trailing blank lines, so collections end where their last child does).
    /// `under_tag`: the range of the tagged node this one is the value of.
    fn convert(
        &mut self,
        node: &MarkedYaml<'_>,
        under_tag: Option<TextRange>,
        depth: usize,
    ) -> usize {
        let range = self.range_of(node, under_tag);
        let (start, end) = (range.start as usize, range.end as usize);
        if depth > MAX_DEPTH {
            self.diagnostics.push(Diagnostic::error(
                "nesting-too-deep",
                TextRange::new(start, start),
                format!(
                    "Nesting deeper than {MAX_DEPTH} levels is not supported; this value is skipped."
                ),
            ));
            self.out.missing(range);
            return end;
        }
        match &node.data {
            YamlData::Value(value) => add_scalar(self.out, range, scalar_value(value)),
            YamlData::Representation(raw, _, _) => self.out.string(range, raw),
            YamlData::Sequence(items) => {
                let mut array = self.out.open_array(start);
                let mut last = end;
                for item in items {
                    self.out.element(&mut array);
                    last = self.convert(item, None, depth + 1);
                }
                let end = if items.is_empty() {
                    end
                } else {
                    last.max(start)
                };
                self.out.finish(array, end);
                return end;
            }
            YamlData::Mapping(map) => return self.mapping(map, range, depth),
            YamlData::Tagged(tag, inner) if self.keep_tags && tag.handle == "!" => {
                let mut object = self.out.open_object(start);
                let name = long_form(&tag.suffix);
                let tag_end = (start + tag.handle.len() + tag.suffix.len()).min(end);
                self.out
                    .key(&mut object, &name, TextRange::new(start, tag_end));
                let last = self.convert(inner, Some(range), depth + 1).max(tag_end);
                self.out.finish(object, last);
                return last;
            }
            // CloudFormation short forms (`!Sub`, `!GetAtt`) stand for a value we cannot know.
            YamlData::Tagged(_, inner) => return self.convert(inner, under_tag, depth + 1),
            YamlData::Alias(_) | YamlData::BadValue => self.out.missing(range),
        }
        end
    }

    /// The node's byte range; a scalar under a tag has none, so it is the tag's text less the
    /// tag itself and the blanks after it.
    fn range_of(&self, node: &MarkedYaml<'_>, under_tag: Option<TextRange>) -> TextRange {
        let start = (self.to_byte)(&node.span.start);
        let end = (self.to_byte)(&node.span.end).max(start);
        match under_tag {
            Some(tagged) if end <= tagged.start as usize => {
                let raw = &self.text[tagged.start as usize..tagged.end as usize];
                let after_tag = raw.find(char::is_whitespace).unwrap_or(raw.len());
                let value = raw[after_tag..].trim_start();
                let value_start = tagged.end as usize - value.len();
                let value_end = value_start + value.trim_end().len();
                TextRange::new(value_start, value_end)
            }
            _ => TextRange::new(start, end),
        }
    }

    fn mapping(
        &mut self,
        map: &saphyr::AnnotatedMapping<'_, MarkedYaml<'_>>,
        range: TextRange,
        depth: usize,
    ) -> usize {
        let (start, end) = (range.start as usize, range.end as usize);
        let mut object = self.out.open_object(start);
        let mut last = end;
        let mut any = false;
        for (k, v) in map {
            let key_start = (self.to_byte)(&k.span.start);
            let key_end = (self.to_byte)(&k.span.end).max(key_start);
            let key_range = TextRange::new(key_start, key_end);
            let name = match &k.data {
                YamlData::Value(Scalar::String(s)) => s.to_string(),
                YamlData::Value(other) => scalar_text(other),
                _ => {
                    self.diagnostics.push(Diagnostic::error(
                        "unsupported-key",
                        key_range,
                        "Property names must be plain strings.",
                    ));
                    continue;
                }
            };
            self.out.key(&mut object, &name, key_range);
            last = self.convert(v, None, depth + 1).max(key_end);
            any = true;
        }
        let end = if any { last.max(start) } else { end };
        self.out.finish(object, end);
        end
    }
}

/// The long form of a CloudFormation short-form tag: `!Ref` → `Ref`, `!Sub` → `Fn::Sub`.
fn long_form(suffix: &str) -> String {
    match suffix {
        "Ref" | "Condition" => suffix.to_string(),
        _ => format!("Fn::{suffix}"),
    }
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

//! Text → tree with exact byte ranges. Parsing never fails: any input yields a tree (with
//! `Missing` nodes where a value should be) and a list of syntax diagnostics.

mod format;
mod json;
mod line_index;
pub mod spelling;
pub mod templates;
mod tree;
mod yaml;

pub use format::format_json;
pub use line_index::{LineIndex, Position, PositionEncoding};
pub use tree::{
    Elements, Key, Member, Members, Node, NodeKind, NodePtr, Open, Text, TextRange, Tree,
    TreeBuilder,
};

use crate::diagnostic::Diagnostic;

/// The surface syntax of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// `*.asl.yaml`, `*.asl.yml`, `*.yaml`, `*.yml` are YAML; everything else is JSON.
    pub fn from_path(path: &str) -> Self {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Format::Yaml
        } else {
            Format::Json
        }
    }
}

/// The result of parsing: always a tree, plus whatever was wrong with the text.
#[derive(Clone, Debug)]
pub struct Parse {
    pub tree: Tree,
    pub diagnostics: Vec<Diagnostic>,
}

/// A YAML CloudFormation template: short-form tags (`!Sub`, `!GetAtt`) kept as their long
/// forms (`{"Fn::Sub": ...}`), the key's range the tag's.
pub fn parse_template(text: &str) -> Parse {
    yaml::parse_keeping_tags(text)
}

pub fn parse(text: &str, format: Format) -> Parse {
    match format {
        Format::Json => json::parse(text),
        Format::Yaml => yaml::parse(text),
    }
}

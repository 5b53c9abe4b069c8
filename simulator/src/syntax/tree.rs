//! One tree type for JSON and YAML documents.

use std::sync::Arc;

use serde_json::{Map, Number, Value};

use crate::fxhash::FxHashSet;

/// Text of keys and string values. A document repeats the same few words thousands of times
/// (`"Type"`, `"Next"`, state names), so each parse shares one copy of each.
pub type Text = Arc<str>;

/// Hands out one shared `Text` per distinct string of a document.
#[derive(Default)]
pub struct Interner {
    seen: FxHashSet<Text>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Text {
        if let Some(t) = self.seen.get(s) {
            return t.clone();
        }
        let t: Text = Arc::from(s);
        self.seen.insert(t.clone());
        t
    }
}

/// A half-open byte range `[start, end)` into the document text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn empty(at: usize) -> Self {
        Self::new(at, at)
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range or touches its end (a cursor after the last char).
    pub fn contains_inclusive(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= self.end as usize
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A sub-range given relative to `self.start` (e.g. a position inside a string's contents).
    #[must_use]
    pub fn sub(self, start: usize, end: usize) -> TextRange {
        let s = (self.start as usize + start).min(self.end as usize);
        let e = (self.start as usize + end).clamp(s, self.end as usize);
        TextRange::new(s, e)
    }
}

/// A pointer to a node of a tree by its range (as rust-analyzer's `AstPtr`): the model keeps
/// these instead of copies of JSON values, and resolves them against the tree when needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodePtr {
    pub range: TextRange,
}

impl NodePtr {
    pub fn new(node: &Node) -> Self {
        NodePtr { range: node.range }
    }

    /// The node in `root` with exactly this range. Siblings are in text order and do not
    /// overlap, so each level is a binary search.
    pub fn resolve(self, root: &Node) -> Option<&Node> {
        let target = self.range;
        let mut current = root;
        loop {
            if current.range == target {
                // A container and its first child can share a start but not a whole range,
                // except a zero-width missing value: prefer the outermost match.
                return Some(current);
            }
            let next = match &current.kind {
                NodeKind::Object(members) => {
                    let i = members.partition_point(|m| m.value.range.end < target.end);
                    members.get(i).map(|m| &m.value)
                }
                NodeKind::Array(items) => {
                    let i = items.partition_point(|n| n.range.end < target.end);
                    items.get(i)
                }
                _ => None,
            }?;
            if !(next.range.start <= target.start && target.end <= next.range.end) {
                return None;
            }
            current = next;
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub range: TextRange,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    String(Text),
    Number(Number),
    Bool(bool),
    Null,
    /// A value the text lacks (`"Next": ,`) or could not be read; the error is already reported.
    Missing,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: Key,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub name: Text,
    pub range: TextRange,
}

impl Node {
    pub fn missing(at: usize) -> Self {
        Node {
            range: TextRange::empty(at),
            kind: NodeKind::Missing,
        }
    }

    pub fn members(&self) -> &[Member] {
        match &self.kind {
            NodeKind::Object(members) => members,
            _ => &[],
        }
    }

    pub fn elements(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Array(items) => items,
            _ => &[],
        }
    }

    /// The first member named `name` (duplicates are reported by the parser).
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.member(name).map(|m| &m.value)
    }

    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members().iter().find(|m| &*m.key.name == name)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The shared text of a string value (cheap to keep: no copy).
    pub fn as_text(&self) -> Option<&Text> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            NodeKind::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, NodeKind::Object(_))
    }

    pub fn is_missing(&self) -> bool {
        matches!(self.kind, NodeKind::Missing)
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Object(_) => "an object",
            NodeKind::Array(_) => "an array",
            NodeKind::String(_) => "a string",
            NodeKind::Number(_) => "a number",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Null => "null",
            NodeKind::Missing => "nothing",
        }
    }

    /// The value as plain JSON (missing values become `null`). Key order is kept.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for m in members {
                    // The first of duplicate keys wins, as everywhere else in the tree.
                    map.entry(m.key.name.to_string())
                        .or_insert_with(|| m.value.to_json());
                }
                Value::Object(map)
            }
            NodeKind::Array(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::String(s) => Value::String(s.to_string()),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Null | NodeKind::Missing => Value::Null,
        }
    }

    /// The innermost node whose range contains `offset`, with the path of nodes leading to it.
    pub fn path_to(&self, offset: usize) -> Vec<&Node> {
        let mut path = vec![self];
        let mut current = self;
        'descend: loop {
            match &current.kind {
                NodeKind::Object(members) => {
                    for m in members {
                        if m.value.range.contains_inclusive(offset) {
                            path.push(&m.value);
                            current = &m.value;
                            continue 'descend;
                        }
                    }
                }
                NodeKind::Array(items) => {
                    for item in items {
                        if item.range.contains_inclusive(offset) {
                            path.push(item);
                            current = item;
                            continue 'descend;
                        }
                    }
                }
                _ => {}
            }
            return path;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NodePtr;
    use crate::syntax::{parse, Format};

    #[test]
    fn node_pointers_resolve_to_the_same_node() {
        let text = r#"{"a": [1, {"b": {"c": "d"}}, []], "e": {}}"#;
        let root = parse(text, Format::Json).root;
        let mut all = vec![&root];
        let mut i = 0;
        while i < all.len() {
            let node = all[i];
            all.extend(node.members().iter().map(|m| &m.value));
            all.extend(node.elements());
            i += 1;
        }
        for node in all {
            assert_eq!(
                NodePtr::new(node).resolve(&root),
                Some(node),
                "{:?}",
                node.range
            );
        }
        let elsewhere = NodePtr {
            range: crate::syntax::TextRange::new(2, 5),
        };
        assert_eq!(elsewhere.resolve(&root), None);
    }
}

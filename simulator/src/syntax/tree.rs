//! One tree type for JSON and YAML documents, stored flat: every node is an entry of one
//! preorder `Vec`, and the text of keys and strings lives in one shared buffer. Building it
//! allocates a handful of buffers, not one block per node; dropping it frees those few; and
//! walks run over contiguous memory. `Node` is a cheap `Copy` handle into the tree.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Number, Value};

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
}

/// Shared, immutable text (the model keeps names as these).
pub type Text = Arc<str>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    /// `a`: number of members; `b`: index after the last entry of the subtree.
    Object,
    /// `a`: number of elements; `b`: index after the last entry of the subtree.
    Array,
    /// A member's key, followed by the member's value. `a`, `b`: start and length in `strings`.
    Key,
    /// `a`, `b`: start and length in `strings`.
    String,
    /// `a`: index in `numbers`.
    Number,
    /// `a`: 0 or 1.
    Bool,
    Null,
    Missing,
}

impl Tag {
    const COUNT: usize = Tag::Missing as usize + 1;
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    tag: Tag,
    range: TextRange,
    a: u32,
    b: u32,
}

/// A parsed document.
#[derive(Clone, Default, PartialEq)]
pub struct Tree {
    entries: Vec<Entry>,
    strings: String,
    numbers: Vec<Number>,
}

impl fmt::Debug for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tree({:?})", self.root())
    }
}

impl Tree {
    /// The root value (a `Missing` node for an empty document).
    pub fn root(&self) -> Node<'_> {
        Node {
            tree: self,
            index: 0,
        }
    }

    /// How many nodes and keys the tree holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn entry(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }

    fn str_at(&self, e: &Entry) -> &str {
        &self.strings[e.a as usize..(e.a + e.b) as usize]
    }

    /// The index after the whole subtree rooted at `index`.
    fn subtree_end(&self, index: u32) -> u32 {
        let e = self.entry(index);
        match e.tag {
            Tag::Object | Tag::Array => e.b,
            _ => index + 1,
        }
    }
}

/// Builds a `Tree` in preorder: open a container, add its children, close it.
#[derive(Default)]
pub struct TreeBuilder {
    tree: Tree,
}

/// A container opened on a `TreeBuilder`, to be closed with `finish`.
#[derive(Clone, Copy, Debug)]
pub struct Open {
    index: u32,
    count: u32,
}

impl Open {
    /// Members or elements added so far.
    pub fn count(&self) -> u32 {
        self.count
    }
}

impl TreeBuilder {
    pub fn with_capacity(text_len: usize) -> Self {
        TreeBuilder {
            tree: Tree {
                // Roughly one entry per 10 bytes of pretty-printed JSON.
                entries: Vec::with_capacity(text_len / 10 + 4),
                strings: String::with_capacity(text_len / 2),
                numbers: Vec::new(),
            },
        }
    }

    fn push(&mut self, tag: Tag, range: TextRange, a: u32, b: u32) {
        self.tree.entries.push(Entry { tag, range, a, b });
    }

    fn push_str(&mut self, tag: Tag, range: TextRange, s: &str) {
        let start = self.tree.strings.len() as u32;
        self.tree.strings.push_str(s);
        self.push(tag, range, start, s.len() as u32);
    }

    pub fn open_object(&mut self, start: usize) -> Open {
        self.open(Tag::Object, start)
    }

    pub fn open_array(&mut self, start: usize) -> Open {
        self.open(Tag::Array, start)
    }

    fn open(&mut self, tag: Tag, start: usize) -> Open {
        let index = self.tree.entries.len() as u32;
        self.push(tag, TextRange::empty(start), 0, 0);
        Open { index, count: 0 }
    }

    /// A member's key; the member's value must follow.
    pub fn key(&mut self, open: &mut Open, name: &str, range: TextRange) {
        open.count += 1;
        self.push_str(Tag::Key, range, name);
    }

    /// Count one more element of an array (call before adding the element).
    pub fn element(&mut self, open: &mut Open) {
        open.count += 1;
    }

    /// Close a container whose text ends at `end`.
    pub fn finish(&mut self, open: Open, end: usize) {
        let after = self.tree.entries.len() as u32;
        let e = &mut self.tree.entries[open.index as usize];
        e.range.end = (end as u32).max(e.range.start);
        e.a = open.count;
        e.b = after;
    }

    pub fn string(&mut self, range: TextRange, s: &str) {
        self.push_str(Tag::String, range, s);
    }

    pub fn number(&mut self, range: TextRange, n: Number) {
        let index = self.tree.numbers.len() as u32;
        self.tree.numbers.push(n);
        self.push(Tag::Number, range, index, 0);
    }

    pub fn bool(&mut self, range: TextRange, b: bool) {
        self.push(Tag::Bool, range, u32::from(b), 0);
    }

    pub fn null(&mut self, range: TextRange) {
        self.push(Tag::Null, range, 0, 0);
    }

    pub fn missing(&mut self, range: TextRange) {
        self.push(Tag::Missing, range, 0, 0);
    }

    /// Append to the open object `object` the members that `part` holds in its own first
    /// object, opened at its index 0 and not closed (a document's members parsed on their own:
    /// see the JSON parser's split). Indices into the entries, strings and numbers are shifted
    /// to this tree's.
    pub fn append_members(&mut self, object: &mut Open, part: TreeBuilder, count: u32) {
        let part = part.tree;
        // Part index `i` (from 1) lands at `base + i`.
        let base = self.tree.entries.len() as u32 - 1;
        let strings = self.tree.strings.len() as u32;
        let numbers = self.tree.numbers.len() as u32;
        // Shifts by tag, looked up rather than matched: tags come in no predictable order.
        let mut shift_a = [0; Tag::COUNT];
        let mut shift_b = [0; Tag::COUNT];
        shift_b[Tag::Object as usize] = base;
        shift_b[Tag::Array as usize] = base;
        shift_a[Tag::Key as usize] = strings;
        shift_a[Tag::String as usize] = strings;
        shift_a[Tag::Number as usize] = numbers;
        self.tree
            .entries
            .extend(part.entries[1..].iter().map(|&e| Entry {
                a: e.a + shift_a[e.tag as usize],
                b: e.b + shift_b[e.tag as usize],
                ..e
            }));
        self.tree.strings.push_str(&part.strings);
        self.tree.numbers.extend(part.numbers);
        object.count += count;
    }

    /// The members of an object closed with `finish`.
    pub fn members_of(&self, open: Open) -> Members<'_> {
        Members {
            tree: &self.tree,
            next: open.index + 1,
            remaining: open.count,
        }
    }

    pub fn build(mut self) -> Tree {
        if self.tree.entries.is_empty() {
            self.missing(TextRange::empty(0));
        }
        self.tree
    }
}

/// A node of a `Tree`: a cheap handle.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tree: &'t Tree,
    index: u32,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree) && self.index == other.index
    }
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            NodeKind::Object(members) => f
                .debug_map()
                .entries(members.map(|m| (m.key.name, m.value)))
                .finish(),
            NodeKind::Array(items) => f.debug_list().entries(items).finish(),
            NodeKind::String(s) => write!(f, "{s:?}"),
            NodeKind::Number(n) => write!(f, "{n}"),
            NodeKind::Bool(b) => write!(f, "{b}"),
            NodeKind::Null => write!(f, "null"),
            NodeKind::Missing => write!(f, "<missing>"),
        }
    }
}

/// What a node is, with its contents.
#[derive(Clone, Debug)]
pub enum NodeKind<'t> {
    Object(Members<'t>),
    Array(Elements<'t>),
    String(&'t str),
    Number(&'t Number),
    Bool(bool),
    Null,
    /// A value the text lacks (`"Next": ,`) or could not be read; the error is already reported.
    Missing,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Member<'t> {
    pub key: Key<'t>,
    pub value: Node<'t>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key<'t> {
    pub name: &'t str,
    pub range: TextRange,
}

/// The members of an object, in text order.
#[derive(Clone)]
pub struct Members<'t> {
    tree: &'t Tree,
    next: u32,
    remaining: u32,
}

impl fmt::Debug for Members<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Members({})", self.remaining)
    }
}

impl<'t> Iterator for Members<'t> {
    type Item = Member<'t>;

    fn next(&mut self) -> Option<Member<'t>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let key = self.tree.entry(self.next);
        let value = self.next + 1;
        self.next = self.tree.subtree_end(value);
        Some(Member {
            key: Key {
                name: self.tree.str_at(key),
                range: key.range,
            },
            value: Node {
                tree: self.tree,
                index: value,
            },
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining as usize, Some(self.remaining as usize))
    }
}

impl ExactSizeIterator for Members<'_> {}

impl Members<'_> {
    pub fn is_empty(&self) -> bool {
        self.remaining == 0
    }
}

/// The elements of an array, in order.
#[derive(Clone)]
pub struct Elements<'t> {
    tree: &'t Tree,
    next: u32,
    remaining: u32,
}

impl fmt::Debug for Elements<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Elements({})", self.remaining)
    }
}

impl<'t> Iterator for Elements<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let node = Node {
            tree: self.tree,
            index: self.next,
        };
        self.next = self.tree.subtree_end(self.next);
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining as usize, Some(self.remaining as usize))
    }
}

impl ExactSizeIterator for Elements<'_> {}

impl Elements<'_> {
    pub fn is_empty(&self) -> bool {
        self.remaining == 0
    }
}

impl<'t> Node<'t> {
    fn entry(self) -> &'t Entry {
        self.tree.entry(self.index)
    }

    pub fn range(self) -> TextRange {
        self.entry().range
    }

    pub fn kind(self) -> NodeKind<'t> {
        let tree = self.tree;
        let e = self.entry();
        match e.tag {
            Tag::Object => NodeKind::Object(Members {
                tree,
                next: self.index + 1,
                remaining: e.a,
            }),
            Tag::Array => NodeKind::Array(Elements {
                tree,
                next: self.index + 1,
                remaining: e.a,
            }),
            Tag::String | Tag::Key => NodeKind::String(tree.str_at(e)),
            Tag::Number => NodeKind::Number(&tree.numbers[e.a as usize]),
            Tag::Bool => NodeKind::Bool(e.a != 0),
            Tag::Null => NodeKind::Null,
            Tag::Missing => NodeKind::Missing,
        }
    }

    /// The members of an object (none for any other node).
    pub fn members(self) -> Members<'t> {
        let e = self.entry();
        Members {
            tree: self.tree,
            next: self.index + 1,
            remaining: if e.tag == Tag::Object { e.a } else { 0 },
        }
    }

    /// The elements of an array (none for any other node).
    pub fn elements(self) -> Elements<'t> {
        let e = self.entry();
        Elements {
            tree: self.tree,
            next: self.index + 1,
            remaining: if e.tag == Tag::Array { e.a } else { 0 },
        }
    }

    /// The node a JSON Pointer (RFC 6901) names, or the deepest one on its way when the rest
    /// is missing: where to point a message about that place.
    pub fn pointer(self, pointer: &str) -> Node<'t> {
        let mut node = self;
        for segment in pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            let next = if node.is_array() {
                segment.parse().ok().and_then(|i| node.elements().nth(i))
            } else {
                node.get(&segment)
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// The value of the first member named `name` (duplicates are reported by the parser).
    pub fn get(self, name: &str) -> Option<Node<'t>> {
        self.member(name).map(|m| m.value)
    }

    pub fn member(self, name: &str) -> Option<Member<'t>> {
        let tree = self.tree;
        let e = self.entry();
        if e.tag != Tag::Object {
            return None;
        }
        // Walk the keys directly, comparing lengths before text: `get` runs for every field
        // of every object.
        let mut i = self.index + 1;
        for _ in 0..e.a {
            let key = tree.entry(i);
            if key.b as usize == name.len() && tree.str_at(key) == name {
                return Some(Member {
                    key: Key {
                        name: tree.str_at(key),
                        range: key.range,
                    },
                    value: Node { tree, index: i + 1 },
                });
            }
            i = tree.subtree_end(i + 1);
        }
        None
    }

    pub fn as_str(self) -> Option<&'t str> {
        // Not through `kind`: this runs for most values of a document.
        let e = self.entry();
        matches!(e.tag, Tag::String | Tag::Key).then(|| self.tree.str_at(e))
    }

    pub fn as_number(self) -> Option<&'t Number> {
        match self.kind() {
            NodeKind::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.kind() {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_object(self) -> bool {
        self.entry().tag == Tag::Object
    }

    pub fn is_array(self) -> bool {
        self.entry().tag == Tag::Array
    }

    pub fn is_missing(self) -> bool {
        self.entry().tag == Tag::Missing
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(self) -> &'static str {
        match self.entry().tag {
            Tag::Object => "an object",
            Tag::Array => "an array",
            Tag::String | Tag::Key => "a string",
            Tag::Number => "a number",
            Tag::Bool => "a boolean",
            Tag::Null => "null",
            Tag::Missing => "nothing",
        }
    }

    /// The value as plain JSON (missing values become `null`). Key order is kept.
    pub fn to_json(self) -> Value {
        match self.kind() {
            NodeKind::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for m in members {
                    // The first of duplicate keys wins, as everywhere else in the tree.
                    map.entry(m.key.name.to_string())
                        .or_insert_with(|| m.value.to_json());
                }
                Value::Object(map)
            }
            NodeKind::Array(items) => Value::Array(items.map(Node::to_json).collect()),
            NodeKind::String(s) => Value::String(s.to_string()),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::Bool(b) => Value::Bool(b),
            NodeKind::Null | NodeKind::Missing => Value::Null,
        }
    }

    /// The chain of nodes from this one down to the innermost whose range contains `offset`.
    pub fn path_to(self, offset: usize) -> Vec<Node<'t>> {
        let mut path = vec![self];
        let mut current = self;
        'descend: loop {
            for child in current.members().map(|m| m.value).chain(current.elements()) {
                if child.range().contains_inclusive(offset) {
                    path.push(child);
                    current = child;
                    continue 'descend;
                }
            }
            return path;
        }
    }
}

/// A pointer to a node of a tree that outlives borrows of it (as rust-analyzer's `AstPtr`):
/// the model keeps these instead of copies of JSON values, and resolves them against the tree
/// it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodePtr {
    index: u32,
    pub range: TextRange,
}

impl NodePtr {
    pub fn new(node: Node<'_>) -> Self {
        NodePtr {
            index: node.index,
            range: node.range(),
        }
    }

    /// The node in `tree`, when it is the tree this pointer was made from.
    pub fn resolve(self, tree: &Tree) -> Option<Node<'_>> {
        let e = tree.entries.get(self.index as usize)?;
        (e.range == self.range && e.tag != Tag::Key).then_some(Node {
            tree,
            index: self.index,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::NodePtr;
    use crate::syntax::{parse, Format, TextRange};

    #[test]
    fn json_pointers_find_the_node_or_the_deepest_on_the_way() {
        let text = r#"{"a": [1, {"b/c": {"~d": 2}}]}"#;
        let parsed = parse(text, Format::Json);
        let root = parsed.tree.root();
        let at = |p: &str| {
            &text[root.pointer(p).range().start as usize..root.pointer(p).range().end as usize]
        };
        assert_eq!(at("/a/1/b~1c/~0d"), "2");
        assert_eq!(at("/a/0"), "1");
        assert_eq!(at("/a/1/nope/deeper"), r#"{"b/c": {"~d": 2}}"#);
        assert_eq!(at(""), text);
    }

    #[test]
    fn node_pointers_resolve_to_the_same_node() {
        let text = r#"{"a": [1, {"b": {"c": "d"}}, []], "e": {}}"#;
        let parsed = parse(text, Format::Json);
        let root = parsed.tree.root();
        let mut all = vec![root];
        let mut i = 0;
        while i < all.len() {
            let node = all[i];
            all.extend(node.members().map(|m| m.value));
            all.extend(node.elements());
            i += 1;
        }
        assert_eq!(all.len(), 8);
        for node in all {
            assert_eq!(NodePtr::new(node).resolve(&parsed.tree), Some(node));
        }
        let stale = NodePtr {
            index: 1,
            range: TextRange::new(0, 1),
        };
        assert_eq!(stale.resolve(&parsed.tree), None);
    }

    #[test]
    fn navigation_skips_whole_subtrees() {
        let text = r#"{"x": {"deep": [[1], {"y": 2}]}, "z": true}"#;
        let parsed = parse(text, Format::Json);
        let root = parsed.tree.root();
        assert_eq!(root.members().len(), 2);
        assert_eq!(root.get("z").and_then(super::Node::as_bool), Some(true));
        let deep = root.get("x").and_then(|x| x.get("deep")).expect("deep");
        assert_eq!(deep.elements().len(), 2);
        assert_eq!(
            deep.elements()
                .nth(1)
                .and_then(|o| o.get("y"))
                .map(super::Node::to_json),
            Some(serde_json::json!(2))
        );
    }
}

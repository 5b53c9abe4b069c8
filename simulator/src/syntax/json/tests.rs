use super::parse;
use crate::syntax::{Node, NodeKind};

fn text_of(text: &str, range: crate::syntax::TextRange) -> &str {
    &text[range.start as usize..range.end as usize]
}

fn codes(text: &str) -> Vec<&'static str> {
    parse(text).diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn valid_json_round_trips() {
    let text = r#"{"a": [1, -2.5e3, true, null, "x\u00e9\n"], "b": {"c": {}}}"#;
    let parsed = parse(text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let expected: serde_json::Value = serde_json::from_str(text).expect("valid");
    assert_eq!(parsed.tree.root().to_json(), expected);
}

#[test]
fn keys_and_values_keep_exact_ranges() {
    let text = "{\n  \"Next\": \"Done\"\n}";
    let parsed = parse(text);
    let member = parsed.tree.root().members().next().expect("a member");
    assert_eq!(text_of(text, member.key.range), "\"Next\"");
    assert_eq!(text_of(text, member.value.range()), "\"Done\"");
}

#[test]
fn missing_comma_keeps_both_members() {
    let parsed = parse(r#"{"a": 1 "b": 2}"#);
    assert_eq!(codes(r#"{"a": 1 "b": 2}"#), vec!["missing-comma"]);
    assert_eq!(parsed.tree.root().members().len(), 2);
}

#[test]
fn trailing_commas_are_reported() {
    assert_eq!(
        codes(r#"{"a": [1, 2,],}"#),
        vec!["trailing-comma", "trailing-comma"]
    );
}

#[test]
fn unclosed_string_ends_at_the_line_break() {
    let text = "{\"a\": \"open\n, \"b\": 2}";
    let parsed = parse(text);
    assert_eq!(codes(text), vec!["unclosed-string"]);
    assert_eq!(
        parsed.tree.root().get("a").and_then(Node::as_str),
        Some("open")
    );
    assert!(parsed.tree.root().get("b").is_some());
}

#[test]
fn unclosed_objects_still_give_a_tree() {
    let text = r#"{"States": {"A": {"Type": "Pass""#;
    let parsed = parse(text);
    assert_eq!(
        codes(text),
        vec!["unclosed-object", "unclosed-object", "unclosed-object"]
    );
    let a = parsed
        .tree
        .root()
        .get("States")
        .and_then(|s| s.get("A"))
        .expect("A is in the tree");
    assert_eq!(a.get("Type").and_then(Node::as_str), Some("Pass"));
}

#[test]
fn duplicate_keys_point_at_the_first() {
    let text = r#"{"a": 1, "a": 2}"#;
    let parsed = parse(text);
    let d = &parsed.diagnostics[0];
    assert_eq!(d.code, "duplicate-key");
    assert_eq!(d.range.start, 9);
    assert_eq!(d.related[0].range.start, 1);
}

#[test]
fn a_hole_before_the_next_key_is_a_missing_value() {
    // The user is typing a value for "Next": the following key must stay a key.
    let text = "{\n  \"Next\": \n  \"Type\": \"Pass\"\n}";
    let parsed = parse(text);
    assert_eq!(parsed.tree.root().members().len(), 2);
    let root = parsed.tree.root();
    assert!(matches!(
        root.get("Next").map(Node::kind),
        Some(NodeKind::Missing)
    ));
    assert_eq!(root.get("Type").and_then(Node::as_str), Some("Pass"));
}

#[test]
fn unquoted_words_and_single_quotes_are_explained() {
    assert_eq!(
        codes("{Type: 'Pass'}"),
        vec!["unquoted-key", "expected-value"]
    );
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 10_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let parsed = parse(&text);
    assert_eq!(codes(&text), vec!["nesting-too-deep"]);
    assert!(parsed.tree.root().is_array());
}

#[test]
fn empty_and_garbage_documents() {
    assert_eq!(codes(""), vec!["empty-document"]);
    assert_eq!(codes("   \n"), vec!["empty-document"]);
    assert_eq!(
        codes("not a definition"),
        vec!["expected-value", "trailing-content"]
    );
    assert_eq!(codes("{} {}"), vec!["trailing-content"]);
}

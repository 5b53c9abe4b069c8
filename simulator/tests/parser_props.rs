//! Properties of the parser on arbitrary input: it never panics, every range lies inside the
//! text on character boundaries, and valid JSON reads back to the same value.

use asl_sim::syntax::{parse, Format, Node, NodeKind, TextRange};
use proptest::prelude::*;

fn assert_range(text: &str, r: TextRange) {
    assert!(
        r.start <= r.end && (r.end as usize) <= text.len(),
        "{r:?} outside {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
        "{r:?} splits a character"
    );
}

fn assert_tree(text: &str, node: Node<'_>) {
    assert_range(text, node.range());
    match node.kind() {
        NodeKind::Object(members) => {
            for m in members {
                assert_range(text, m.key.range);
                assert_tree(text, m.value);
            }
        }
        NodeKind::Array(items) => items.for_each(|i| assert_tree(text, i)),
        _ => {}
    }
}

fn check_all(text: &str) {
    for format in [Format::Json, Format::Yaml] {
        let parsed = parse(text, format);
        assert_tree(text, parsed.tree.root());
        for d in &parsed.diagnostics {
            assert_range(text, d.range);
        }
        // The checker runs on whatever came out.
        let checked = asl_sim::check(text, format, asl_sim::CheckOptions::default());
        for d in &checked.diagnostics {
            assert_range(text, d.range);
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        "[a-zA-Z0-9 é😀\"\\\\/$.{}%]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[A-Za-z.$]{1,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

const SEED_MACHINE: &str = include_str!("../../examples/order-fulfilment.asl.json");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_all(&text);
    }

    #[test]
    fn json_punctuation_soup_never_panics(text in "[{}\\[\\]:,\" a-z0-9\\\\\n-]{0,120}") {
        check_all(&text);
    }

    #[test]
    fn valid_json_reads_back_exactly(value in json_value()) {
        let text = serde_json::to_string_pretty(&value).expect("serialisable");
        let parsed = parse(&text, Format::Json);
        prop_assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        prop_assert_eq!(parsed.tree.root().to_json(), value);
    }

    /// Any edit of a real state machine (a cut, or a paste of punctuation) still parses safely.
    #[test]
    fn edits_of_a_real_machine_never_panic(
        at in 0usize..SEED_MACHINE.len(),
        len in 0usize..40,
        insert in "[{}\\[\\]:,\"a-z é]{0,6}",
    ) {
        let mut start = at;
        while !SEED_MACHINE.is_char_boundary(start) { start -= 1; }
        let mut end = (start + len).min(SEED_MACHINE.len());
        while !SEED_MACHINE.is_char_boundary(end) { end -= 1; }
        let edited = format!("{}{}{}", &SEED_MACHINE[..start], insert, &SEED_MACHINE[end..]);
        check_all(&edited);
    }
}

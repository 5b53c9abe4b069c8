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

/// A pretty-printed machine of `states` chained states, large enough to be parsed in two
/// parts (`threads::worth_two`).
fn large_machine(states: usize) -> String {
    let mut machine = serde_json::Map::new();
    for i in 0..states {
        machine.insert(
            format!("S{i:05}"),
            serde_json::json!({
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {
                    "FunctionName": format!("worker-{i}"),
                    "Payload": { "step": i, "input.$": "$", "msg": "caf\u{e9} \"quoted\"" }
                },
                "Retry": [{ "ErrorEquals": ["States.ALL"], "BackoffRate": 1.5 }],
                "Next": format!("S{:05}", i + 1)
            }),
        );
    }
    let machine = serde_json::json!({ "StartAt": "S00000", "States": machine, "Comment": "end" });
    serde_json::to_string_pretty(&machine).expect("serialisable")
}

/// `text` with `removed` bytes at the fraction `at` of it replaced by `inserted` (widened to
/// whole characters).
fn edit(text: &str, at: f64, removed: usize, inserted: &str) -> String {
    let mut start = (text.len() as f64 * at) as usize;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + removed).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{inserted}{}", &text[..start], &text[end..])
}

/// Parsing in two parts gives exactly what parsing in one does: the same tree, the same
/// diagnostics.
fn assert_split_matches_sequential(text: &str) {
    let split = parse(text);
    let sequential = super::parse_document(text, None);
    assert!(split.tree == sequential.tree, "the trees differ");
    assert_eq!(split.diagnostics, sequential.diagnostics);
}

#[test]
fn a_large_document_is_parsed_in_two_parts_as_in_one() {
    let text = large_machine(1200);
    assert!(crate::threads::worth_two(text.len()));
    // The split lands on a state's key (the shallowest member line), and the part parses.
    let at = super::split::split_point(&text).expect("a split point");
    assert!(text[at..].starts_with("\"S0"), "{}", &text[at..at + 20]);
    let part = super::split::parse_part(&text, at).expect("the part parses cleanly");
    assert!(part.members > 500);
    assert_split_matches_sequential(&text);
    let expected: serde_json::Value = serde_json::from_str(&text).expect("valid");
    assert_eq!(parse(&text).tree.root().to_json(), expected);
}

#[test]
fn on_a_single_thread_the_first_part_parses_on_through_the_second() {
    let text = large_machine(1200);
    let pool = rayon_core::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    // The second part cannot start before the first reaches it: no waiting for it.
    pool.install(|| assert_split_matches_sequential(&text));
}

#[test]
fn a_part_with_problems_is_parsed_again_in_place() {
    let text = large_machine(1200);
    let at = super::split::split_point(&text).expect("a split point");
    let after = at + text[at..].find("\"Next\"").expect("a Next");
    // The start of a state's line well after the split.
    let late_state = text.len() * 3 / 4;
    let late_state = late_state + text[late_state..].find("\n    \"S0").expect("a state") + 1;
    let broken = [
        // A missing comma and a trailing one, after the split.
        format!("{}{}", &text[..after - 8], &text[after - 7..]),
        text.replacen("\"States.ALL\"\n", "\"States.ALL\",\n", 1000),
        // Nesting past the bound only with the enclosing levels (the root, `States`) counted.
        format!(
            "{}    \"Deep\": {}1{},\n{}",
            &text[..late_state],
            "[".repeat(super::MAX_DEPTH - 1),
            "]".repeat(super::MAX_DEPTH - 1),
            &text[late_state..]
        ),
        // The first part ends inside an array: the split's key is no member there.
        format!("{}[\n{}", &text[..at], &text[at..]),
        // An unclosed string before the split.
        format!("{}\"open,\n{}", &text[..at - 200], &text[at - 200..]),
    ];
    for (i, text) in broken.iter().enumerate() {
        assert!(!parse(text).diagnostics.is_empty(), "case {i}");
        assert_split_matches_sequential(text);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever an edit does to a large document, splitting changes nothing.
    #[test]
    fn any_edit_parses_in_two_parts_as_in_one(
        at in 0.0f64..1.0,
        removed in 0usize..40,
        inserted in "[{}\\[\\]:,\" a-z0-9\\\\\n-]{0,12}",
    ) {
        assert_split_matches_sequential(&edit(&large_machine(700), at, removed, &inserted));
    }
}

#[test]
fn a_split_near_a_wide_character_lands_on_a_line() {
    // The middle of the text falls inside a two-byte character (with the right padding).
    let text = ["", " "]
        .iter()
        .map(|pad| {
            format!(
                "{{{pad}\"a\": \"{}\",\n\"b\": 1,\n\"c\": 2}}",
                "é".repeat(200_000)
            )
        })
        .find(|text| !text.is_char_boundary(text.len() / 2))
        .expect("one padding or the other");
    let at = super::split::split_point(&text).expect("a split point");
    assert_eq!(&text[at..at + 3], "\"b\"");
    assert_split_matches_sequential(&text);
}

#[test]
fn long_runs_of_spaces_are_counted_whole() {
    for n in [0, 7, 8, 9, 16, 23, 40] {
        let text = format!("{}x ", " ".repeat(n));
        assert_eq!(super::leading_spaces(text.as_bytes()), n);
        assert_eq!(super::leading_spaces(&text.as_bytes()[..n]), n);
    }
}

proptest::proptest! {
    /// The word-at-a-time scans find what a byte-at-a-time scan finds.
    #[test]
    fn word_scans_agree_with_byte_scans(
        bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::prelude::Just(b' '),
                proptest::prelude::Just(b'"'),
                proptest::prelude::Just(b'\\'),
                0u8..0x20,
                0x20u8..=0xff,
            ],
            0..40,
        )
    ) {
        let expected = bytes.iter().position(|&b| super::ENDS_PLAIN_STRING[b as usize]);
        proptest::prop_assert_eq!(super::plain_string_len(&bytes), expected);
        let spaces = bytes.iter().take_while(|&&b| b == b' ').count();
        proptest::prop_assert_eq!(super::leading_spaces(&bytes), spaces);
    }
}

/// The plain runs read exactly what the token loop alone reads: the same tree, the same
/// diagnostics.
fn assert_plain_runs_match_tokens(text: &str) {
    let plain = super::parse_document(text, None);
    let tokens = super::parse_with_tokens_only(text);
    assert!(plain.tree == tokens.tree, "the trees differ on {text:?}");
    assert_eq!(plain.diagnostics, tokens.diagnostics, "on {text:?}");
}

#[test]
fn plain_runs_read_what_the_token_loop_reads() {
    for text in [
        r#"{"a": 1, "b": -2, "c": 0, "d": -0, "e": 007, "f": 1.5, "g": 1e3, "h": 12abc}"#,
        r#"{"n": 123456789012345678, "m": 1234567890123456789, "o": 99999999999999999999}"#,
        r#"{"t": true, "f": false, "z": null, "x": truex, "y": null$, "w": nullé}"#,
        r#"{"s": "plain", "e": "esc\"aped", "u": "caf\u00e9", "c": "tab	in"}"#,
        "{\"a\": 1,\n  \"b\":\n  \"c\": 2}",
        "{\"a\": 1,\n  \"b\":\n  2}",
        r#"{"a": 1,}"#,
        r#"{"a": 1 "b": 2}"#,
        r#"{"a": 1,, "b": 2}"#,
        r#"{"a": [1, 2, 3,], "b": [true false], "c": [null, "x", -0, 1.0]}"#,
        r#"{"a": {"a": 1, "a": 2}, "b": [[], {}, [1]]}"#,
        "{\"a\": 1, \u{feff}\"b\": 2}",
        r#"{"a": 1, "b": 2"#,
        r#"["x", "y"]"#,
        r#"{"a": 1, "b": 2]"#,
    ] {
        assert_plain_runs_match_tokens(text);
    }
    let machine = large_machine(20);
    assert_plain_runs_match_tokens(&machine);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    #[test]
    fn plain_runs_match_the_token_loop_on_any_text(
        text in "[{}\\[\\]:,\" a-z0-9.\\\\\n\t-]{0,80}"
    ) {
        assert_plain_runs_match_tokens(&text);
    }

    #[test]
    fn plain_runs_match_the_token_loop_on_any_edit(
        at in 0.0f64..1.0,
        removed in 0usize..12,
        inserted in "[{}\\[\\]:,\" a-z0-9.\\\\\n-]{0,8}",
    ) {
        assert_plain_runs_match_tokens(&edit(&large_machine(6), at, removed, &inserted));
    }
}

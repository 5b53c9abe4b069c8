//! ASL snippets spelt as the document is written. Messages and fixes write their snippets as
//! JSON (`"End": true`); in a YAML document they read as its author writes them (`End: true`):
//! keys unquoted, and string values too where YAML takes them plain. A YAML document written in
//! JSON's style (`{` first) keeps the JSON spelling.

/// Whether `text` is YAML written as YAML (block style), not JSON-style flow.
pub fn is_block_yaml(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    first.is_some_and(|l| !l.starts_with('{') && !l.starts_with('['))
}

/// `message` with each snippet between backticks spelt for YAML (JSONata, `{% ... %}`, is
/// left as it is).
pub fn message_for_yaml(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let parts: Vec<&str> = message.split('`').collect();
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            out.push('`');
        }
        // Odd parts are inside backticks (an unclosed one is left as it is).
        let inside = k % 2 == 1 && k + 1 < parts.len();
        if inside && !part.trim_start().starts_with("{%") {
            out.push_str(&snippet_for_yaml(part));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A JSON snippet (`"Key": "value"`, `{"Type": "Pass", "End": true}`, `"Key"`) in YAML's
/// spelling: a quoted key, a quoted value after a key, or a snippet that is one quoted name,
/// unquoted where YAML reads it as the same string.
pub fn snippet_for_yaml(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut rest = snippet;
    // The last thing written was a key's colon: a string now is its value.
    let mut after_key = false;
    let whole = snippet.trim();
    while let Some(open) = rest.find('"') {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        after_key = after_key && before.trim().is_empty();
        let Some(len) = string_len(from) else {
            out.push_str(from);
            return out;
        };
        let (quoted, after) = from.split_at(len);
        let is_key = after.trim_start().starts_with(':');
        let content: Option<String> = serde_json::from_str(quoted).ok();
        match content {
            Some(s) if (is_key || after_key || quoted == whole) && plain(&s) => out.push_str(&s),
            _ => out.push_str(quoted),
        }
        after_key = false;
        rest = after;
        if is_key {
            let colon = rest.find(':').map_or(0, |c| c + 1);
            out.push_str(&rest[..colon]);
            rest = &rest[colon..];
            after_key = true;
        }
    }
    out.push_str(rest);
    out
}

/// The length of the JSON string at the start of `s` (quotes included), if it closes.
fn string_len(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Whether YAML reads `s` unquoted as the same string, in a block or a flow collection.
fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let special_start = "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace();
    let special_inside = s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.ends_with(char::is_whitespace)
        || s.contains(|c: char| ",[]{}\n\t".contains(c));
    // Words and numbers YAML would read as something else.
    let other_type = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o");
    !special_start && !special_inside && !other_type
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_read_as_yaml() {
        let cases = [
            (r#""End": true"#, "End: true"),
            (
                r#""TaskToken.$": "$$.Task.Token""#,
                "TaskToken.$: $$.Task.Token",
            ),
            (
                r#""TaskToken": "{% $states.context.Task.Token %}""#,
                r#"TaskToken: "{% $states.context.Task.Token %}""#,
            ),
            (r#""HeartbeatSeconds""#, "HeartbeatSeconds"),
            (
                r#"{"Type": "Pass", "End": true}"#,
                "{Type: Pass, End: true}",
            ),
            (
                r#"{"MessageBody": {"TaskToken.$": "$$.Task.Token"}}"#,
                "{MessageBody: {TaskToken.$: $$.Task.Token}}",
            ),
            // Strings YAML would read otherwise stay quoted; so do strings that are neither a
            // key nor its value.
            (r#""Version": "1.0""#, r#"Version: "1.0""#),
            (r#""Flag": "true""#, r#"Flag: "true""#),
            (r#""Note": "a: b""#, r#"Note: "a: b""#),
            (r#""a" beside "a.$""#, r#""a" beside "a.$""#),
            (
                r#"{"Error": ..., "Cause": ...}"#,
                "{Error: ..., Cause: ...}",
            ),
            (r#""Ok"#, r#""Ok"#),
        ];
        for (json, yaml) in cases {
            assert_eq!(snippet_for_yaml(json), yaml, "{json}");
        }
    }

    #[test]
    fn messages_respell_only_their_snippets() {
        assert_eq!(
            message_for_yaml(r#"A state has either `Next` or `"End": true`, not both."#),
            "A state has either `Next` or `End: true`, not both."
        );
        // JSONata stays JSONata; an unclosed backtick is left alone.
        let jsonata = r#"Use `{% $x = "a" %}` or `"Key": "v"` and `"dangling"#;
        assert_eq!(
            message_for_yaml(jsonata),
            r#"Use `{% $x = "a" %}` or `Key: v` and `"dangling"#
        );
    }

    #[test]
    fn yaml_written_as_json_keeps_json_spelling() {
        assert!(is_block_yaml("# a comment\nStartAt: A\n"));
        assert!(!is_block_yaml("\n{\"StartAt\": \"A\"}"));
        assert!(!is_block_yaml("  # c\n  {StartAt: A}"));
    }
}

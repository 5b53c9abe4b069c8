//! Pretty-printing a JSON document from its tree: keys keep their order, scalars keep their
//! exact source text (numbers as written, strings with their escapes), comments cannot exist.
//! Only for text that parsed without errors: a half-typed document is left alone.

use super::{parse, Format, Node, NodeKind};

/// What is left to write, innermost last.
enum Step<'t> {
    Value(Node<'t>, usize),
    Text(&'t str),
    /// A line break, then the indentation of this depth.
    Line(usize),
}

/// The document re-indented with `indent` per level, `JSON.stringify(value, null, indent)`
/// style (empty objects and arrays stay `{}` / `[]`), ending with a newline; `None` when the
/// text has syntax errors.
pub fn format_json(text: &str, indent: &str) -> Option<String> {
    let parsed = parse(text, Format::Json);
    if !parsed.diagnostics.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    // An explicit stack instead of recursion: deep documents are legal input.
    let source = |range: super::TextRange| &text[range.start as usize..range.end as usize];
    let mut stack = vec![Step::Value(parsed.tree.root(), 0)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Text(s) => out.push_str(s),
            Step::Line(depth) => {
                out.push('\n');
                for _ in 0..depth {
                    out.push_str(indent);
                }
            }
            // Pushed in reverse: each member reads `,` (after the first), line, key, `: `, value.
            Step::Value(node, depth) => match node.kind() {
                NodeKind::Object(members) if !members.is_empty() => {
                    out.push('{');
                    stack.extend([Step::Text("}"), Step::Line(depth)]);
                    let members: Vec<_> = node.members().collect();
                    for (i, m) in members.iter().enumerate().rev() {
                        stack.extend([
                            Step::Value(m.value, depth + 1),
                            Step::Text(": "),
                            Step::Text(source(m.key.range)),
                            Step::Line(depth + 1),
                        ]);
                        if i > 0 {
                            stack.push(Step::Text(","));
                        }
                    }
                }
                NodeKind::Array(elements) if !elements.is_empty() => {
                    out.push('[');
                    stack.extend([Step::Text("]"), Step::Line(depth)]);
                    let elements: Vec<_> = node.elements().collect();
                    for (i, e) in elements.iter().enumerate().rev() {
                        stack.extend([Step::Value(*e, depth + 1), Step::Line(depth + 1)]);
                        if i > 0 {
                            stack.push(Step::Text(","));
                        }
                    }
                }
                NodeKind::Object(_) => out.push_str("{}"),
                NodeKind::Array(_) => out.push_str("[]"),
                _ => out.push_str(source(node.range())),
            },
        }
    }
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_scalar_text() {
        let text = r#"{"StartAt":"B","States":{"B":{"Type":"Pass","Result":{"n":1.50,"s":"\u00e9"},"Next":"A"},"A":{"Type":"Succeed"}},"Empty":{},"List":[1,[],{"z":null}]}"#;
        let formatted = format_json(text, "  ").expect("valid JSON");
        let expected = r#"{
  "StartAt": "B",
  "States": {
    "B": {
      "Type": "Pass",
      "Result": {
        "n": 1.50,
        "s": "\u00e9"
      },
      "Next": "A"
    },
    "A": {
      "Type": "Succeed"
    }
  },
  "Empty": {},
  "List": [
    1,
    [],
    {
      "z": null
    }
  ]
}
"#;
        assert_eq!(formatted, expected);
        // Idempotent; a document with errors is left alone.
        assert_eq!(format_json(&formatted, "  ").as_deref(), Some(expected));
        assert_eq!(format_json(r#"{"a": }"#, "  "), None);
        // As deep as the parser reads (past that it reports an error, and formatting declines).
        let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert!(format_json(&deep, " ").is_some_and(|f| f.lines().count() == 999));
        let deeper = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(format_json(&deeper, " "), None);
    }
}

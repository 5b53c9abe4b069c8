//! The server's request path on arbitrary edits and positions: the data is a document, then
//! a script of edits and requests (`asl_lsp::fuzzing::session`).
#![no_main]
use asl_lsp::fuzzing::{session, Op};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // The document, then after a 0x01 byte the script: `e L C L C text;` edits, `a L C` asks.
    let (initial, script) = text.split_once('\u{1}').unwrap_or((&text, ""));
    let mut ops = Vec::new();
    for command in script.split(';').take(64) {
        let mut words = command.splitn(6, ' ');
        let kind = words.next().unwrap_or("");
        let mut number = || words.next().and_then(|w| w.parse::<u32>().ok()).unwrap_or(0);
        match kind {
            "e" => {
                let range = (number(), number(), number(), number());
                let new = words.next().unwrap_or("").to_string();
                ops.push(Op::Edit(Some(range), new));
            }
            "f" => ops.push(Op::Edit(None, words.collect::<Vec<_>>().join(" "))),
            "a" => ops.push(Op::Ask(number(), number())),
            _ => {}
        }
    }
    ops.push(Op::Ask(0, 0));
    session(initial, flags & 1 == 1, flags & 2 == 2, &ops);
});

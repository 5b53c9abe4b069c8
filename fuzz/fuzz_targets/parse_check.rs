//! The parser and the checker on arbitrary bytes, as JSON and as YAML.
#![no_main]
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in [Format::Json, Format::Yaml] {
        let checked = check(&text, format, CheckOptions::default());
        // Every range lies in the text, on character boundaries (the server slices by them).
        for d in &checked.diagnostics {
            let (start, end) = (d.range.start as usize, d.range.end as usize);
            assert!(start <= end && end <= text.len(), "{d:?}");
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{d:?}");
        }
    }
});

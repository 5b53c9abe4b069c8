//! `check` of the 1,000-state generated definition in one of the forms a template holds it
//! (`benches/template_forms.rs`), N times, for an instruction count of what a template adds:
//! `cargo build --profile bench -p asl-sim --example profile_template`, then
//! `valgrind --tool=callgrind target/release/examples/profile_template FORM N` for two values
//! of N (the difference is N's checks without the setup). Reads
//! `target/bench-inputs/large-1000.asl.json`, which `cargo bench --bench check` makes.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::Path;

use asl_sim::syntax::templates::read_template;
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};

#[path = "../benches/template_forms.rs"]
mod template_forms;

fn main() {
    let mut args = std::env::args().skip(1);
    let form = args.next().unwrap_or_else(|| "bare-json".into());
    let times: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let json = std::fs::read_to_string("target/bench-inputs/large-1000.asl.json")
        .expect("target/bench-inputs/large-1000.asl.json (made by the check bench)");
    let (text, kind) = template_forms::template_form(json, &form);
    let mut found = 0;
    for _ in 0..times {
        found += match kind {
            Some(kind) => {
                let template = read_template(Path::new("template"), &text, kind, &mut |_| {
                    unreachable!("inline")
                })
                .expect("a template");
                let definition = template.machines[0].definition.as_ref().expect("inline");
                let mut diagnostics =
                    check(definition.text(), Format::Json, CheckOptions::default()).diagnostics;
                definition.map_diagnostics(&mut diagnostics);
                diagnostics.len()
            }
            None => {
                let format = if form.ends_with("yaml") {
                    Format::Yaml
                } else {
                    Format::Json
                };
                check(&text, format, CheckOptions::default())
                    .diagnostics
                    .len()
            }
        };
    }
    let _ = writeln!(
        std::io::stdout().lock(),
        "{form}: {times} checks, {found} diagnostics"
    );
}

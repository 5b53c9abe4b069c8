//! `asl-lsp`: the language server (completion, hover, diagnostics with the simulation's results).
//!
//! The server itself lands with its own issue; until then this binary only answers `--version`
//! and says, on stderr (stdout is reserved for the protocol), what to use meanwhile.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let wants_version = std::env::args()
        .skip(1)
        .any(|a| a == "--version" || a == "-V");
    if wants_version {
        let _ = writeln!(
            std::io::stdout().lock(),
            "asl-lsp {}",
            env!("CARGO_PKG_VERSION")
        );
        return ExitCode::SUCCESS;
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "asl-lsp: the language server is not built yet; use `asl-sim check FILE` for diagnostics meanwhile."
    );
    ExitCode::from(2)
}

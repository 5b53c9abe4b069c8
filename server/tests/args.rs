//! `asl-lsp`'s command line: help and version on stdout (exit 0), anything else a usage error
//! (exit 2) with a suggestion; the server itself only ever speaks LSP on stdio.

use std::process::Command;

fn asl_lsp(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("asl-lsp runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_version_and_mistakes() {
    let (code, help, _) = asl_lsp(&["--help"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("help", help);
    let (code, short, _) = asl_lsp(&["-h"]);
    assert_eq!(code, 0);
    assert!(short.contains("Usage: asl-lsp [OPTIONS]"), "{short}");
    let (code, version, _) = asl_lsp(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(version, format!("asl-lsp {}\n", env!("CARGO_PKG_VERSION")));
    let (code, _, stderr) = asl_lsp(&["--sdtio"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unexpected argument '--sdtio'")
            && stderr.contains("a similar argument exists: '--stdio'"),
        "{stderr}"
    );
}

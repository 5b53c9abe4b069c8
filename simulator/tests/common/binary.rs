//! The `asl-sim` binary run as a user runs it, from the repository root: exit code, stdout and
//! stderr. Included with `#[path]` by the tests that drive the binary (not through
//! `common/mod.rs`, whose helpers those tests do not use).

use std::process::Command;

pub fn asl_sim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("asl-sim runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

//! Helpers shared by the simulator's integration tests.

use asl_sim::analysis::Checked;
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions, Severity};

/// A JSON definition checked, which must have no errors (a test runs only sound definitions).
pub fn checked(definition: &str) -> Checked {
    let checked = check(definition, Format::Json, CheckOptions::default());
    assert!(
        checked
            .diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{:?}",
        checked.diagnostics
    );
    checked
}

//! Option values that more than one command takes, read once.

use asl_sim::engine::parse_timestamp;

/// `--seed N`.
pub fn seed(value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("--seed takes a whole number, not {value:?}"))
}

/// `--start-time RFC3339`, in milliseconds since the Unix epoch.
pub fn start_time(value: &str) -> Result<i64, String> {
    parse_timestamp(value).ok_or_else(|| {
        format!("--start-time takes an RFC 3339 time such as 2026-01-01T00:00:00Z, not {value:?}")
    })
}

/// `--type standard|express`.
pub fn workflow_type(value: &str) -> Result<asl_sim::WorkflowType, String> {
    match value.to_ascii_lowercase().as_str() {
        "standard" => Ok(asl_sim::WorkflowType::Standard),
        "express" => Ok(asl_sim::WorkflowType::Express),
        other => Err(format!(
            "--type takes `standard` or `express`, not {other:?}"
        )),
    }
}

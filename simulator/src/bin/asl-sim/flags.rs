//! Option values that more than one command takes, parsed once; and usage errors in clap's
//! own form, for the rules clap's declarations cannot say.

use asl_sim::engine::parse_timestamp;
use clap::CommandFactory;

use crate::Outcome;

/// `--seed N`.
pub fn seed(value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| "takes a whole number, such as 42".to_string())
}

/// `--start-time RFC3339`, in milliseconds since the Unix epoch.
pub fn start_time(value: &str) -> Result<i64, String> {
    parse_timestamp(value)
        .ok_or_else(|| "takes an RFC 3339 time such as 2026-01-01T00:00:00Z".to_string())
}

/// `--mock-validation strict|present|none`.
pub fn mock_validation(
    value: &str,
) -> Result<asl_sim::model::output_check::FieldValidationMode, String> {
    asl_sim::mock_validation::parse_mode(value)
        .ok_or_else(|| "takes strict, present or none".to_string())
}

/// `--history-limit N`.
pub fn positive(value: &str) -> Result<usize, String> {
    value
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "takes a positive whole number".to_string())
}

/// `--type standard|express`.
#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum WorkflowType {
    #[default]
    Standard,
    Express,
}

impl From<WorkflowType> for asl_sim::WorkflowType {
    fn from(t: WorkflowType) -> Self {
        match t {
            WorkflowType::Standard => asl_sim::WorkflowType::Standard,
            WorkflowType::Express => asl_sim::WorkflowType::Express,
        }
    }
}

/// A usage problem clap's declarations cannot express (a flag that needs another, say), printed
/// as clap prints its own, with the subcommand's usage line; exit 2.
pub fn usage_error(subcommand: &str, message: impl std::fmt::Display) -> Outcome {
    let mut command = crate::Cli::command();
    command.build();
    let error = match command.find_subcommand_mut(subcommand) {
        Some(sub) => sub.error(clap::error::ErrorKind::ArgumentConflict, message),
        None => command.error(clap::error::ErrorKind::ArgumentConflict, message),
    };
    let _ = error.print();
    Outcome::Usage
}

//! asl-sim: the Amazon States Language engine.
//!
//! Layers, lowest first, each knowing nothing of the ones above:
//! - [`syntax`]: text → tree with byte ranges; never fails.
//! - [`model`]: the typed ASL model read from the tree, with the schema of every field.
//! - [`analysis`]: static checks producing [`Diagnostic`]s.
//!
//! Front ends (the `asl-sim` CLI, the `asl-lsp` server) speak to this crate in plain data.

pub mod analysis;
pub mod diagnostic;
pub mod engine;
pub mod expectations;
mod fxhash;
pub mod ide;
pub mod mock_init;
pub mod mock_validation;
pub mod mocks;
pub mod model;
pub mod picture;
pub mod service;
pub mod simulation;
pub mod syntax;
pub mod test_cases;
mod threads;

pub use analysis::{check, CheckOptions, WorkflowType};
pub use diagnostic::{Diagnostic, Related, Severity};

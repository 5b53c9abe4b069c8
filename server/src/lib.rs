//! `asl-lsp`: the language server for the Amazon States Language. One module per LSP method
//! family; `server` holds the document store and the ordering of analysis and publication.
//! Everything the editor sees comes from `asl_sim` as plain data and is turned into LSP here.

mod code_actions;
mod code_lens;
mod commands;
mod completion;
mod diagnostics;
mod document;
mod formatting;
#[doc(hidden)]
pub mod fuzzing;
mod hover;
mod mock_files;
mod navigation;
mod server;
mod settings;
mod templates;

pub use server::{serve_stdio, Backend};

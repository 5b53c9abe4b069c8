//! Editor features as plain data (rust-analyzer's IDE layer): the language server turns these
//! into LSP types; nothing here knows LSP. One file per feature.

mod api_members;
mod completion;
mod fixes;
mod hover;
mod mock_file;
mod navigation;

pub use completion::{complete, complete_mock_file, CompletionItem, CompletionKind};
pub use fixes::{fixes, Fix};
pub use hover::{hover, resource_doc, HoverInfo, RunView};
pub use mock_file::{is_mock_file_text, mock_file_diagnostics};
pub use navigation::{state_at, state_places, symbols, Symbol};

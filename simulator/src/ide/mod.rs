//! Editor features as plain data (rust-analyzer's IDE layer): the language server turns these
//! into LSP types; nothing here knows LSP. One file per feature.

mod api_members;
mod completion;
mod fixes;
mod hover;
mod navigation;

pub use completion::{complete, complete_mock_file, CompletionItem, CompletionKind};
pub use fixes::{fixes, Fix};
pub use hover::{hover, resource_doc, HoverInfo, RunView};
pub use navigation::{state_at, state_places, symbols, Symbol};

//! Plain-data diagnostics shared by every layer. Front ends (CLI, LSP) render them.

use crate::syntax::TextRange;

/// `n` and a regular noun, singular or plural as `n` asks: `1 error`, `2 errors`, `0 files`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// A secondary location that explains a diagnostic (e.g. where a duplicate first appeared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable, kebab-case identifier (`unknown-field`, `missing-comma`, ...).
    pub code: &'static str,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
    /// The text that should stand at `range` when the fix is clear (a misspelt name's closest
    /// match): editors offer it as a quick fix.
    pub suggestion: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, range, message)
    }

    pub fn warning(code: &'static str, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, range, message)
    }

    pub fn new(
        severity: Severity,
        code: &'static str,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            severity,
            range,
            message: message.into(),
            related: Vec::new(),
            suggestion: None,
        }
    }

    /// The range holds a JSON string: suggest `name` in its place, quoted.
    #[must_use]
    pub fn with_suggested_string(mut self, name: Option<&str>) -> Self {
        self.suggestion = name.and_then(|n| serde_json::to_string(n).ok());
        self
    }

    #[must_use]
    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }
}

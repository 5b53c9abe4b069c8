//! A mock file as the commands read it: its values, and where each place is in its text, so
//! every problem is reported as `file:line:column`.

use asl_sim::mocks::MockError;
use asl_sim::syntax::{parse, Format, LineIndex, PositionEncoding};
use serde_json::Value;

pub struct MockFile {
    pub path: String,
    text: String,
    pub config: Value,
}

impl MockFile {
    pub fn read(path: &str) -> Result<Self, String> {
        let text = crate::messages::read_text(path)?;
        let config = crate::messages::parse_json_file(path, "the mock file", &text)?;
        Ok(MockFile {
            path: path.to_string(),
            text,
            config,
        })
    }

    /// The state machine the definition stands for (see `asl_sim::mocks::machine_name`).
    /// The input a test case's Expectations give it (`Input`), if any: `run` and `graph` use
    /// it when no `--input` is given, as `test` does.
    pub fn case_input(
        path: &str,
        requested: Option<&str>,
        definition_name: &str,
        case: &str,
    ) -> Option<serde_json::Value> {
        let file = MockFile::read(path).ok()?;
        let machine = file.machine(requested, definition_name);
        asl_sim::expectations::expectation(&file.config, &machine, case)
            .ok()?
            .input
    }

    pub fn machine(&self, requested: Option<&str>, definition_name: &str) -> String {
        asl_sim::mocks::machine_name(&self.config, requested, definition_name)
    }

    /// Each problem as `file:line:column: message`, at the place its JSON Pointer names (a
    /// member's key when it names a member: `"Staus": ...` points at `"Staus"`).
    pub fn locate(&self, errors: &[MockError]) -> Vec<String> {
        let parsed = parse(&self.text, Format::Json);
        let lines = LineIndex::new(&self.text);
        errors
            .iter()
            .map(|error| {
                let range = asl_sim::mocks::locate(&parsed.tree, &error.pointer);
                let position =
                    lines.position(&self.text, range.start as usize, PositionEncoding::Utf16);
                format!(
                    "{}:{}:{}: {}",
                    self.path,
                    position.line + 1,
                    position.character + 1,
                    error.message
                )
            })
            .collect()
    }
}

pub use asl_sim::mocks::definition_name;

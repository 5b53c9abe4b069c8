//! The client's settings (`asl.mockConfig`, `asl.testCase`, `asl.simulateOnChange`,
//! `asl.denyWarnings`, `asl.s3Root`), from `initializationOptions` or
//! `workspace/didChangeConfiguration`, and which mock file each definition reads.

use std::path::PathBuf;

use serde_json::Value;
use tower_lsp_server::ls_types::Uri;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `asl.mockConfig`: the mock file every definition reads, as a `file:` URI (a relative
    /// path is resolved against the workspace root).
    pub mock_config: Option<String>,
    /// `asl.testCase`: the one test case to simulate (default: each, results merged by state).
    pub test_case: Option<String>,
    /// `asl.simulateOnChange` (default on): off, edits only check, and opening, saving or
    /// `asl.simulate` simulate.
    pub simulate_on_change: bool,
    /// `asl.denyWarnings` (default off): the checker's warnings are published as errors, as
    /// `asl-sim check --deny-warnings` reports them for CI. Simulation is unchanged: it stops
    /// only for what AWS refuses.
    pub deny_warnings: bool,
    /// `asl.s3Root`: the folder standing for S3 in the simulation (`BUCKET/KEY` under it is an
    /// object), as `--s3-root` is for `asl-sim run` / `test`; a relative path is resolved
    /// against the workspace root. A test case's own `S3Root` / `S3Objects` come first.
    pub s3_root: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mock_config: None,
            test_case: None,
            simulate_on_change: true,
            deny_warnings: false,
            s3_root: None,
        }
    }
}

impl Settings {
    /// Read `{"asl": {"mockConfig": ..., "testCase": ...}}` or the inner object itself; other
    /// shapes leave the defaults (and are logged).
    pub fn from_json(value: &Value, root: Option<&str>) -> Settings {
        let asl = value.get("asl").unwrap_or(value);
        let text = |key: &str| {
            asl.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if !asl.is_object() && !asl.is_null() {
            tracing::warn!("settings are not an object; using the defaults");
        }
        Settings {
            mock_config: text("mockConfig").map(|path| to_uri(&path, root)),
            test_case: text("testCase"),
            simulate_on_change: asl
                .get("simulateOnChange")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            deny_warnings: asl
                .get("denyWarnings")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            s3_root: text("s3Root").and_then(|path| to_path(&path, root)),
        }
    }

    /// The mock files a definition reads, in order of preference: the configured one, else
    /// `NAME.mocks.json` and `MockConfigFile.json` beside it.
    pub fn mock_files_of(&self, uri: &Uri) -> Vec<String> {
        if let Some(configured) = &self.mock_config {
            return vec![configured.clone()];
        }
        let path = uri.as_str();
        let Some((dir, _)) = path.rsplit_once('/') else {
            return Vec::new();
        };
        let name = asl_sim::mocks::definition_name(path);
        asl_sim::mocks::sibling_file_names(&name)
            .iter()
            .map(|file| format!("{dir}/{file}"))
            .collect()
    }

    /// Is this document a mock file rather than a definition?
    pub fn is_mock_file(&self, uri: &Uri) -> bool {
        let path = uri.as_str();
        path.ends_with(".mocks.json")
            || path.ends_with("/MockConfigFile.json")
            || self.mock_config.as_deref() == Some(path)
    }
}

/// A path as a file path: absolute as it is, relative to the workspace root; `None` (logged)
/// when the root is no `file:` URI.
fn to_path(path: &str, root: Option<&str>) -> Option<PathBuf> {
    let uri = to_uri(path, root);
    let path = uri
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.to_file_path().map(std::borrow::Cow::into_owned));
    if path.is_none() {
        tracing::warn!(%uri, "asl.s3Root is no file path; the simulation has no S3 folder");
    }
    path
}

/// A path as a `file:` URI: absolute as it is, relative to the workspace root (a `file:` URI).
fn to_uri(path: &str, root: Option<&str>) -> String {
    if path.starts_with("file:") {
        return path.to_string();
    }
    if path.starts_with('/') {
        return format!("file://{path}");
    }
    match root {
        Some(root) => format!(
            "{}/{}",
            root.trim_end_matches('/'),
            path.trim_start_matches("./")
        ),
        None => format!(
            "file://{}",
            std::env::current_dir()
                .unwrap_or_default()
                .join(path)
                .display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_resolve_paths_and_pick_the_mock_file() {
        let root = Some("file:///work/project");
        let nested = Settings::from_json(
            &json!({"asl": {"mockConfig": "mocks/all.json", "testCase": "Happy"}}),
            root,
        );
        assert_eq!(
            nested.mock_config.as_deref(),
            Some("file:///work/project/mocks/all.json")
        );
        assert_eq!(nested.test_case.as_deref(), Some("Happy"));
        let flat = Settings::from_json(&json!({"mockConfig": "/abs/m.json", "testCase": ""}), root);
        assert_eq!(flat.mock_config.as_deref(), Some("file:///abs/m.json"));
        assert_eq!(flat.test_case, None);
        assert!(flat.simulate_on_change);
        let off = Settings::from_json(&json!({"asl": {"simulateOnChange": false}}), root);
        assert!(!off.simulate_on_change);
        assert!(!off.deny_warnings);
        let deny = Settings::from_json(&json!({"asl": {"denyWarnings": true}}), root);
        assert!(deny.deny_warnings);
        assert_eq!(deny.s3_root, None);
        let s3 = Settings::from_json(&json!({"asl": {"s3Root": "data/s3"}}), root);
        assert_eq!(s3.s3_root, Some(PathBuf::from("/work/project/data/s3")));
        let absolute = Settings::from_json(&json!({"s3Root": "/srv/s3"}), root);
        assert_eq!(absolute.s3_root, Some(PathBuf::from("/srv/s3")));
        assert_eq!(Settings::from_json(&json!(42), root), Settings::default());

        let definition: Uri = "file:///work/project/order.asl.json".parse().expect("uri");
        assert_eq!(
            Settings::default().mock_files_of(&definition),
            [
                "file:///work/project/order.mocks.json",
                "file:///work/project/MockConfigFile.json"
            ]
        );
        assert_eq!(
            nested.mock_files_of(&definition),
            ["file:///work/project/mocks/all.json"]
        );
        let configured: Uri = "file:///work/project/mocks/all.json".parse().expect("uri");
        assert!(nested.is_mock_file(&configured));
        assert!(!Settings::default().is_mock_file(&configured));
    }
}

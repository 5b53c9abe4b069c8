//! ItemReader: a Distributed Map's items read from S3 as AWS reads them. `s3:getObject` reads
//! one object by `ReaderConfig.InputType`: JSON (an array), JSONL (one value a line), CSV (a
//! header row, FIRST_ROW or GIVEN in `CSVHeaders`; each row an object of strings), MANIFEST
//! (an S3 Inventory `manifest.json`: the rows of its CSV data files, gzipped or not, named by
//! its `fileSchema`); `s3:listObjectsV2` gives each object's description (Key, Etag,
//! LastModified, Size, StorageClass). `MaxItems` (or `MaxItemsPath`) stops the reading early.
//!
//! CSV is read with the `csv` crate (csv + csv-core, no other dependency the tree lacks):
//! quoting, escaped quotes and line breaks inside fields are where hand-written splitting goes
//! wrong. PARQUET is not simulated: the one maintained reader (`parquet`) pulls arrow and its
//! compression codecs into the tree, minutes of CI for one input type; a run that meets it
//! fails with a cause that says so, and a mocked reader may still answer the items as JSON.

use serde_json::{json, Map, Value};

use super::super::{At, Engine, Failure, MapState, QueryLanguage, State, MAX_PAYLOAD_BYTES};
use crate::mocks::Outcome;
use crate::syntax::Node;

/// AWS reads at most this many items.
const MAX_ITEMS: u64 = 100_000_000;
/// AWS reads a CSV header row of up to 10 KiB.
const MAX_CSV_HEADER_BYTES: usize = 10 * 1024;
const READER_FAILED: &str = "States.ItemReaderFailed";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputType {
    Json,
    Jsonl,
    Csv,
    Manifest,
    Parquet,
}

/// How the object is read: its ReaderConfig, evaluated.
#[derive(Clone, Debug)]
pub(crate) struct ReaderConfig {
    pub input_type: InputType,
    /// GIVEN: the headers; FIRST_ROW: `None`.
    pub headers: Option<Vec<String>>,
    pub delimiter: u8,
    /// 0: every item.
    pub max_items: u64,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        ReaderConfig {
            input_type: InputType::Json,
            headers: None,
            delimiter: b',',
            max_items: 0,
        }
    }
}

/// Which S3 call the reader makes.
enum Api {
    GetObject,
    ListObjectsV2,
}

impl ReaderConfig {
    /// The configuration an evaluated `ReaderConfig` object gives (MaxItems aside).
    pub(crate) fn from_json(config: &Value) -> Result<Self, String> {
        let text = |field: &str| config.get(field).and_then(Value::as_str);
        let input_type = match text("InputType") {
            None | Some("JSON") => InputType::Json,
            Some("JSONL") => InputType::Jsonl,
            Some("CSV") => InputType::Csv,
            Some("MANIFEST") => InputType::Manifest,
            Some("PARQUET") => InputType::Parquet,
            Some(other) => return Err(format!("ReaderConfig.InputType `{other}` is not one of CSV, JSON, JSONL, MANIFEST, PARQUET.")),
        };
        let delimiter = match text("CSVDelimiter") {
            None | Some("COMMA") => b',',
            Some("PIPE") => b'|',
            Some("SEMICOLON") => b';',
            Some("SPACE") => b' ',
            Some("TAB") => b'\t',
            Some(other) => return Err(format!("ReaderConfig.CSVDelimiter `{other}` is not one of COMMA, PIPE, SEMICOLON, SPACE, TAB.")),
        };
        let headers = match text("CSVHeaderLocation") {
            Some("GIVEN") => {
                let given = config.get("CSVHeaders").and_then(Value::as_array);
                let headers: Option<Vec<String>> = given.map(|h| {
                    h.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                });
                match headers {
                    Some(h) if !h.is_empty() => Some(h),
                    _ => return Err("CSVHeaderLocation GIVEN takes its headers from CSVHeaders, an array of strings.".into()),
                }
            }
            _ => None,
        };
        Ok(ReaderConfig {
            input_type,
            headers,
            delimiter,
            max_items: 0,
        })
    }
}

/// The items of an object's content read as `config` says; the error is the cause of a
/// States.ItemReaderFailed. Reads no further than MaxItems.
pub(crate) fn parse_items(bytes: &[u8], config: &ReaderConfig) -> Result<Vec<Value>, String> {
    let limit = match config.max_items {
        0 => usize::MAX,
        n => usize::try_from(n).unwrap_or(usize::MAX),
    };
    let items = match config.input_type {
        InputType::Json => {
            let value: Value = serde_json::from_slice(bytes)
                .map_err(|e| format!("The object is not valid JSON: {e}."))?;
            let Value::Array(mut items) = value else {
                return Err("Attempting to map over non-iterable node.".into());
            };
            items.truncate(limit);
            items
        }
        InputType::Jsonl => json_lines(bytes, limit)?,
        InputType::Csv => csv_rows(bytes, config.headers.as_deref(), config.delimiter, limit)?,
        InputType::Manifest => {
            return Err("A MANIFEST object names data files: read with `manifest_files`.".into())
        }
        InputType::Parquet => return Err(parquet_not_simulated()),
    };
    for (index, item) in items.iter().enumerate() {
        if super::super::payload_size(item) > MAX_PAYLOAD_BYTES {
            return Err(format!(
                "The item at index {index} is larger than the maximum item size of {MAX_PAYLOAD_BYTES} bytes."
            ));
        }
    }
    Ok(items)
}

pub(crate) fn parquet_not_simulated() -> String {
    "asl-sim does not read Parquet objects (not simulated): mock the ItemReader's call with the items as a JSON array, or use CSV, JSON or JSONL.".into()
}

fn json_lines(bytes: &[u8], limit: usize) -> Result<Vec<Value>, String> {
    let mut items = Vec::new();
    for (number, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if items.len() == limit {
            break;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let item = serde_json::from_slice(line).map_err(|e| {
            format!(
                "The JSON Lines object has a line that is not valid JSON: line {}: {e}.",
                number + 1
            )
        })?;
        items.push(item);
    }
    Ok(items)
}

/// A CSV's rows as objects of strings, keyed by the header row or the given headers. A row
/// shorter than the headers has `""` for the fields it lacks; a longer one is malformed.
fn csv_rows(
    bytes: &[u8],
    given: Option<&[String]>,
    delimiter: u8,
    limit: usize,
) -> Result<Vec<Value>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut records = reader.records();
    let headers: Vec<String> = match given {
        Some(h) => h.to_vec(),
        None => match records.next() {
            None => return Ok(Vec::new()),
            Some(first) => {
                let first =
                    first.map_err(|e| format!("The CSV header row cannot be read: {e}."))?;
                if first.as_slice().len() > MAX_CSV_HEADER_BYTES {
                    return Err(format!(
                        "The CSV header row is larger than {MAX_CSV_HEADER_BYTES} bytes."
                    ));
                }
                first.iter().map(str::to_string).collect()
            }
        },
    };
    let mut seen = std::collections::HashSet::with_capacity(headers.len());
    if !headers.iter().all(|h| seen.insert(h.as_str())) {
        return Err("CSV headers cannot contain duplicates.".into());
    }
    let mut items = Vec::new();
    for record in records {
        if items.len() == limit {
            break;
        }
        let record = record.map_err(|e| format!("A CSV row cannot be read: {e}."))?;
        if record.len() > headers.len() {
            let line = record.position().map_or(0, csv::Position::line);
            return Err(format!(
                "The CSV row at line {line} has {} fields, more than the {} headers.",
                record.len(),
                headers.len()
            ));
        }
        let mut row = Map::with_capacity(headers.len());
        for (index, header) in headers.iter().enumerate() {
            let field = record.get(index).unwrap_or_default();
            row.insert(header.clone(), Value::String(field.to_string()));
        }
        items.push(Value::Object(row));
    }
    Ok(items)
}

/// An S3 Inventory manifest: where its data files are, and how their columns are named.
pub(crate) struct Manifest {
    pub bucket: Option<String>,
    pub keys: Vec<String>,
    pub columns: Vec<String>,
}

pub(crate) fn manifest_files(bytes: &[u8]) -> Result<Manifest, String> {
    let manifest: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("The manifest is not valid JSON: {e}."))?;
    match manifest.get("fileFormat").and_then(Value::as_str) {
        Some(format) if format.eq_ignore_ascii_case("CSV") => {}
        Some(other) => {
            return Err(format!(
                "asl-sim reads S3 Inventory data files in CSV, not {other} (not simulated)."
            ))
        }
        None => return Err("The manifest has no `fileFormat`.".into()),
    }
    let columns = manifest
        .get("fileSchema")
        .and_then(Value::as_str)
        .ok_or("The manifest has no `fileSchema`.")?
        .split(',')
        .map(|c| c.trim().to_string())
        .collect();
    let keys = manifest
        .get("files")
        .and_then(Value::as_array)
        .ok_or("The manifest has no `files`.")?
        .iter()
        .filter_map(|f| f.get("key").and_then(Value::as_str).map(str::to_string))
        .collect();
    // `destinationBucket` is an ARN: `arn:aws:s3:::bucket`.
    let bucket = manifest
        .get("destinationBucket")
        .and_then(Value::as_str)
        .map(|b| b.rsplit(":::").next().unwrap_or(b).to_string());
    Ok(Manifest {
        bucket,
        keys,
        columns,
    })
}

/// A data file's bytes, inflated when gzipped (S3 Inventory writes `.csv.gz`).
pub(crate) fn gunzipped(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if bytes.len() < 18 || bytes[..2] != [0x1f, 0x8b] {
        return Ok(bytes);
    }
    let flags = bytes[3];
    let mut at = 10;
    if flags & 0x04 != 0 {
        let extra = usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
        at += 2 + extra;
    }
    for bit in [0x08, 0x10] {
        if flags & bit != 0 {
            at += bytes[at.min(bytes.len())..]
                .iter()
                .position(|b| *b == 0)
                .map_or(bytes.len(), |p| p + 1);
        }
    }
    if flags & 0x02 != 0 {
        at += 2;
    }
    let body = bytes
        .get(at..bytes.len() - 8)
        .ok_or("A gzipped data file is truncated.")?;
    miniz_oxide::inflate::decompress_to_vec(body)
        .map_err(|e| format!("A gzipped data file cannot be inflated: {e:?}."))
}

impl<'t> Engine<'t> {
    /// The items a Distributed Map's ItemReader reads: from the S3 folder or objects, or from
    /// the reader's mock.
    pub(in super::super) fn read_items(
        &mut self,
        state: &'t State,
        map: &'t MapState,
        input: &Value,
        at: &At,
    ) -> Result<Vec<Value>, Failure> {
        let Some(reader) = map.item_reader.and_then(|p| self.node(p)) else {
            return Ok(Vec::new());
        };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let resource = reader.get("Resource").and_then(Node::as_str).unwrap_or("");
        let api = match resource.rsplit(':').next() {
            Some("getObject") => Api::GetObject,
            Some("listObjectsV2") => Api::ListObjectsV2,
            _ => {
                return Err(at.runtime(format!(
                    "The ItemReader's Resource `{resource}` is not one asl-sim reads (s3:getObject, s3:listObjectsV2)."
                )))
            }
        };
        let (arguments, mut config) = self.reader_fields(reader, jsonata, input, at)?;
        if let Api::ListObjectsV2 = api {
            config.input_type = InputType::Json;
        }
        let failed = |cause: String| Failure::new(READER_FAILED, cause);
        let bucket = arguments
            .get("Bucket")
            .and_then(Value::as_str)
            .unwrap_or("");
        if self.distributed.s3.is_empty() {
            let name = at.state.clone();
            return self.mocked_items(&name, &api, &config, at);
        }
        match api {
            Api::ListObjectsV2 => {
                let prefix = arguments
                    .get("Prefix")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                self.listed_items(bucket, prefix, config.max_items)
                    .map_err(failed)
            }
            Api::GetObject => {
                let key = arguments.get("Key").and_then(Value::as_str).unwrap_or("");
                let bytes = self.object(bucket, key).map_err(failed)?;
                if config.input_type == InputType::Manifest {
                    return self.manifest_items(bucket, &bytes, &config).map_err(failed);
                }
                if config.input_type == InputType::Parquet {
                    self.warnings
                        .push(format!("`{}`: {}", at.state, parquet_not_simulated()));
                }
                parse_items(&bytes, &config).map_err(failed)
            }
        }
    }

    /// The reader's Parameters (Arguments) and its ReaderConfig, evaluated.
    fn reader_fields(
        &mut self,
        reader: Node<'t>,
        jsonata: bool,
        input: &Value,
        at: &At,
    ) -> Result<(Value, ReaderConfig), Failure> {
        let (arguments, config) = if jsonata {
            let states = self.states_value(input, None, None);
            let arguments = match reader.get("Arguments") {
                Some(node) => self.jsonata_template(node, &states, "ItemReader/Arguments", at)?,
                None => json!({}),
            };
            let config = match reader.get("ReaderConfig") {
                Some(node) => {
                    self.jsonata_template(node, &states, "ItemReader/ReaderConfig", at)?
                }
                None => json!({}),
            };
            (arguments, config)
        } else {
            let arguments = match reader.get("Parameters") {
                Some(node) => self.template(node, input, &self.context, at)?,
                None => json!({}),
            };
            let mut config = reader.get("ReaderConfig").map_or(json!({}), Node::to_json);
            if let Some(path) = reader
                .get("ReaderConfig")
                .and_then(|c| c.get("MaxItemsPath"))
                .and_then(Node::as_str)
            {
                let found = self
                    .select(path, input, &self.context)
                    .map_err(|e| at.runtime(e))?
                    .ok_or_else(|| at.runtime(super::super::missing_path(path, input)))?;
                config["MaxItems"] = found;
            }
            (arguments, config)
        };
        let mut parsed = ReaderConfig::from_json(&config).map_err(|e| at.runtime(e))?;
        parsed.max_items = match config.get("MaxItems") {
            None | Some(Value::Null) => 0,
            Some(value) => {
                let number = match value {
                    Value::String(s) => s.trim().parse::<u64>().ok(),
                    other => other.as_u64(),
                };
                match number {
                    Some(n) if n <= MAX_ITEMS => n,
                    _ => {
                        return Err(at.runtime(format!(
                            "MaxItems must be an integer from 0 to {MAX_ITEMS}, but was {value}."
                        )))
                    }
                }
            }
        };
        Ok((arguments, parsed))
    }

    /// An object's content, or AWS's error for an object or bucket that is not there.
    fn object(&self, bucket: &str, key: &str) -> Result<Vec<u8>, String> {
        match self.distributed.s3.get(bucket, key)? {
            Some(bytes) => Ok(bytes),
            None if !self.distributed.s3.has_bucket(bucket) => Err(format!(
                "The specified bucket does not exist (Service: S3, Status Code: 404, Bucket: {bucket})."
            )),
            None => Err(format!(
                "The specified key does not exist. (Service: S3, Status Code: 404, Bucket: {bucket}, Key: {key})"
            )),
        }
    }

    fn listed_items(&self, bucket: &str, prefix: &str, max: u64) -> Result<Vec<Value>, String> {
        if !self.distributed.s3.has_bucket(bucket) {
            return Err(format!(
                "The specified bucket does not exist (Service: S3, Status Code: 404, Bucket: {bucket})."
            ));
        }
        let now_s = self.clock_ms / 1000;
        let listed = self.distributed.s3.list(bucket, prefix, now_s);
        let limit = if max == 0 { usize::MAX } else { max as usize };
        Ok(listed
            .into_iter()
            .take(limit)
            .map(|o| {
                json!({"Etag": o.etag, "Key": o.key, "LastModified": o.last_modified,
                       "Size": o.size, "StorageClass": "STANDARD"})
            })
            .collect())
    }

    /// The rows of an S3 Inventory's data files, each an object of its columns.
    fn manifest_items(
        &self,
        bucket: &str,
        bytes: &[u8],
        config: &ReaderConfig,
    ) -> Result<Vec<Value>, String> {
        let manifest = manifest_files(bytes)?;
        let data_bucket = manifest.bucket.as_deref().unwrap_or(bucket);
        let mut items = Vec::new();
        for key in &manifest.keys {
            let remaining = match config.max_items {
                0 => 0,
                n => n.saturating_sub(items.len() as u64),
            };
            if config.max_items != 0 && remaining == 0 {
                break;
            }
            let data = gunzipped(self.object(data_bucket, key)?)?;
            let file_config = ReaderConfig {
                input_type: InputType::Csv,
                headers: Some(manifest.columns.clone()),
                delimiter: b',',
                max_items: remaining,
            };
            items.extend(parse_items(&data, &file_config)?);
        }
        Ok(items)
    }

    /// Without S3, the reader's call answers as its mock says: the object's content (a string
    /// read by InputType, or the items themselves as an array) or the listing (an array, or
    /// ListObjectsV2's `{"Contents": [...]}`).
    fn mocked_items(
        &mut self,
        name: &str,
        api: &Api,
        config: &ReaderConfig,
        at: &At,
    ) -> Result<Vec<Value>, Failure> {
        let attempt = {
            let count = self.invocations.entry(name.to_string()).or_insert(0);
            *count += 1;
            *count - 1
        };
        let response = self
            .mocks
            .as_ref()
            .and_then(|m| m.states.get(name))
            .and_then(|m| m.invocation(attempt))
            .map(|r| r.outcome.clone());
        let value = match response {
            Some(Outcome::Return(value)) => value,
            Some(Outcome::Throw { error, cause }) => {
                return Err(Failure::from_service(&error, cause.unwrap_or_default()))
            }
            Some(Outcome::NoResponse) | None => {
                if attempt == 0 {
                    self.warnings.push(format!(
                        "`{name}` reads its items from S3, and neither an S3 folder (--s3-root, S3Root), S3Objects nor a mock gives them: it read no items."
                    ));
                }
                return Ok(Vec::new());
            }
        };
        let failed = |cause: String| Failure::new(READER_FAILED, cause);
        let value = match (api, value) {
            (Api::ListObjectsV2, Value::Object(mut response)) => response
                .remove("Contents")
                .unwrap_or(Value::Array(Vec::new())),
            (_, value) => value,
        };
        let mut items = match value {
            Value::String(_) if config.input_type == InputType::Manifest => {
                return Err(at.runtime(
                    "A mocked MANIFEST reader answers the inventory's rows as a JSON array (the data files are not mocked).",
                ));
            }
            Value::String(text) => parse_items(text.as_bytes(), config).map_err(failed)?,
            Value::Array(items) => items,
            other => {
                return Err(failed(format!(
                    "The mocked object is neither text nor an array of items: {other}"
                )))
            }
        };
        if config.max_items > 0 {
            items.truncate(usize::try_from(config.max_items).unwrap_or(usize::MAX));
        }
        Ok(items)
    }
}

//! The AWS services' API models (botocore's, turned by `tools/aws_models.py` into
//! `simulator/data/aws-models.bin`): operations with their input and output shapes, named as
//! Step Functions spells them (services and actions as in `aws-sdk:SERVICE:ACTION`, members in
//! the Java SDK v2's PascalCase).
//!
//! The file holds one zlib block per service (26.7 MB of JSON in 4.8 MB); a service is inflated
//! and decoded on first use and kept for the life of the process, so a check that calls two
//! services decodes two blocks and a check that calls none decodes nothing.

use std::sync::OnceLock;

use serde_json::Value;

use crate::fxhash::FxHashMap;

static MODELS: &[u8] = include_bytes!("../../data/aws-models.bin");
/// The generator's record: botocore version, service count, checksum of the blocks' JSON.
pub const LOCK: &str = include_str!("../../data/aws-models.lock");
const MAGIC: &[u8] = b"ASLMODELS1\n";

/// One of a shape's kinds, with the constraints the model gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Structure(Vec<Member>),
    List {
        member: ShapeId,
        min: Option<f64>,
        max: Option<f64>,
    },
    Map {
        key: ShapeId,
        value: ShapeId,
    },
    String {
        enums: Vec<String>,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// `integer` and `long`.
    Integer {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// `float` and `double`.
    Float {
        min: Option<f64>,
        max: Option<f64>,
    },
    Boolean,
    Timestamp,
    Blob {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A `document`: any JSON.
    Document,
}

pub type ShapeId = u32;

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Step Functions' spelling (`DbInstanceIdentifier`).
    pub name: String,
    pub shape: ShapeId,
    pub required: bool,
    /// The first sentence of the member's documentation.
    pub doc: String,
    /// The model's spelling when it differs (`DBInstanceIdentifier`).
    pub model_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// As the `aws-sdk` action spells it (`getObject`).
    pub action: String,
    pub doc: String,
    pub input: Option<ShapeId>,
    pub output: Option<ShapeId>,
}

#[derive(Debug)]
pub struct Service {
    pub name: &'static str,
    /// botocore's name for it (`stepfunctions` for `sfn`).
    pub model_name: &'static str,
    pub operations: Vec<Operation>,
    shapes: Vec<Shape>,
}

impl Service {
    pub fn shape(&self, id: ShapeId) -> &Shape {
        &self.shapes[id as usize]
    }

    /// The operation an `aws-sdk` action names: exactly, else ignoring case (the Java SDK's
    /// method names lower a leading acronym differently from the first letter alone).
    pub fn operation(&self, action: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|o| o.action == action)
            .or_else(|| {
                self.operations
                    .iter()
                    .find(|o| o.action.eq_ignore_ascii_case(action))
            })
    }

    /// The members of a structure shape (none for any other).
    pub fn members(&self, id: ShapeId) -> &[Member] {
        match self.shape(id) {
            Shape::Structure(members) => members,
            _ => &[],
        }
    }
}

struct Entry {
    name: &'static str,
    model_name: &'static str,
    block: &'static [u8],
    decoded: OnceLock<Option<Service>>,
}

fn index() -> &'static [Entry] {
    static INDEX: OnceLock<Vec<Entry>> = OnceLock::new();
    INDEX.get_or_init(|| read_index(MODELS).unwrap_or_default())
}

fn read_index(bytes: &'static [u8]) -> Option<Vec<Entry>> {
    let mut at = MAGIC.len();
    if bytes.get(..at)? != MAGIC {
        return None;
    }
    let u32_at = |at: &mut usize| -> Option<usize> {
        let v = u32::from_le_bytes(bytes.get(*at..*at + 4)?.try_into().ok()?);
        *at += 4;
        Some(v as usize)
    };
    let str_at = |at: &mut usize| -> Option<&'static str> {
        let len = u32_at(at)?;
        let s = std::str::from_utf8(bytes.get(*at..*at + len)?).ok()?;
        *at += len;
        Some(s)
    };
    let count = u32_at(&mut at)?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let name = str_at(&mut at)?;
        let model_name = str_at(&mut at)?;
        let offset = u32_at(&mut at)?;
        let len = u32_at(&mut at)?;
        entries.push(Entry {
            name,
            model_name,
            block: bytes.get(offset..offset + len)?,
            decoded: OnceLock::new(),
        });
    }
    Some(entries)
}

/// Every service's Step Functions name, sorted.
pub fn service_names() -> impl Iterator<Item = &'static str> {
    index().iter().map(|e| e.name)
}

/// The service `aws-sdk:NAME` calls.
pub fn service(name: &str) -> Option<&'static Service> {
    let entries = index();
    let at = entries.binary_search_by(|e| e.name.cmp(name)).ok()?;
    decoded(&entries[at])
}

/// A service by botocore's name (`stepfunctions`, `logs`): the optimized integrations' table
/// names models that way, and a user who writes it is told Step Functions' name.
pub fn service_by_model_name(model_name: &str) -> Option<&'static Service> {
    static BY_MODEL_NAME: OnceLock<FxHashMap<&'static str, usize>> = OnceLock::new();
    let by_name = BY_MODEL_NAME.get_or_init(|| {
        index()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.model_name, i))
            .collect()
    });
    decoded(&index()[*by_name.get(model_name)?])
}

/// A Step Functions service name for botocore's (`logs` → `cloudwatchlogs`).
pub fn name_for_model_name(model_name: &str) -> Option<&'static str> {
    index()
        .iter()
        .find(|e| e.model_name == model_name && e.name != model_name)
        .map(|e| e.name)
}

fn decoded(entry: &'static Entry) -> Option<&'static Service> {
    entry.decoded.get_or_init(|| decode(entry)).as_ref()
}

/// The JSON text of a service's block (the checksum covers it).
pub fn block_text(name: &str) -> Option<String> {
    let entry = index().iter().find(|e| e.name == name)?;
    inflate(entry.block)
}

/// The blocks in file order with both names, for the checksum test.
pub fn blocks() -> impl Iterator<Item = (&'static str, &'static str, Option<String>)> {
    index()
        .iter()
        .map(|e| (e.name, e.model_name, inflate(e.block)))
}

fn inflate(block: &[u8]) -> Option<String> {
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(block).ok()?;
    String::from_utf8(bytes).ok()
}

fn decode(entry: &Entry) -> Option<Service> {
    let text = inflate(entry.block)?;
    let json: Value = serde_json::from_str(&text).ok()?;
    let operations = json
        .get("o")?
        .as_array()?
        .iter()
        .map(decode_operation)
        .collect::<Option<Vec<_>>>()?;
    let shapes = json
        .get("s")?
        .as_array()?
        .iter()
        .map(decode_shape)
        .collect::<Option<Vec<_>>>()?;
    Some(Service {
        name: entry.name,
        model_name: entry.model_name,
        operations,
        shapes,
    })
}

fn shape_ref(v: &Value) -> Option<Option<ShapeId>> {
    let n = v.as_i64()?;
    Some(u32::try_from(n).ok())
}

fn decode_operation(v: &Value) -> Option<Operation> {
    let a = v.as_array()?;
    Some(Operation {
        action: a.first()?.as_str()?.to_string(),
        doc: a.get(1)?.as_str()?.to_string(),
        input: shape_ref(a.get(2)?)?,
        output: shape_ref(a.get(3)?)?,
    })
}

fn decode_shape(v: &Value) -> Option<Shape> {
    let a = v.as_array()?;
    let bound = |i: usize| a.get(i).and_then(Value::as_f64);
    let id = |i: usize| a.get(i).and_then(Value::as_u64).map(|n| n as ShapeId);
    Some(match a.first()?.as_str()? {
        "S" => Shape::Structure(
            a.get(1)?
                .as_array()?
                .iter()
                .map(decode_member)
                .collect::<Option<Vec<_>>>()?,
        ),
        "L" => Shape::List {
            member: id(1)?,
            min: bound(2),
            max: bound(3),
        },
        "M" => Shape::Map {
            key: id(1)?,
            value: id(2)?,
        },
        "s" => Shape::String {
            enums: a
                .get(1)?
                .as_array()?
                .iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect(),
            min: bound(2),
            max: bound(3),
        },
        "i" => Shape::Integer {
            min: bound(1),
            max: bound(2),
        },
        "f" => Shape::Float {
            min: bound(1),
            max: bound(2),
        },
        "b" => Shape::Boolean,
        "t" => Shape::Timestamp,
        "B" => Shape::Blob {
            min: bound(1),
            max: bound(2),
        },
        "d" => Shape::Document,
        _ => return None,
    })
}

fn decode_member(v: &Value) -> Option<Member> {
    let a = v.as_array()?;
    let model_name = a.get(4)?.as_str()?;
    Some(Member {
        name: a.first()?.as_str()?.to_string(),
        shape: a.get(1)?.as_u64()? as ShapeId,
        required: a.get(2)?.as_u64()? == 1,
        doc: a.get(3)?.as_str()?.to_string(),
        model_name: (!model_name.is_empty()).then(|| model_name.to_string()),
    })
}

impl Shape {
    /// How the shape reads in a hover or a message: `string`, `list of structure`, ...
    pub fn type_name(&self, service: &Service) -> String {
        match self {
            Shape::Structure(_) => "object".into(),
            Shape::List { member, .. } => {
                format!("list of {}", service.shape(*member).type_name(service))
            }
            Shape::Map { value, .. } => {
                format!("map of {}", service.shape(*value).type_name(service))
            }
            Shape::String { enums, .. } if !enums.is_empty() => "string (enum)".into(),
            Shape::String { .. } => "string".into(),
            Shape::Integer { .. } => "integer".into(),
            Shape::Float { .. } => "number".into(),
            Shape::Boolean => "boolean".into(),
            Shape::Timestamp => "timestamp".into(),
            Shape::Blob { .. } => "blob (string)".into(),
            Shape::Document => "any JSON".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_decode_lazily_by_step_functions_name() {
        let sfn = service("sfn").expect("sfn");
        assert_eq!(sfn.model_name, "stepfunctions");
        let op = sfn.operation("startExecution").expect("startExecution");
        let input = sfn.members(op.input.expect("input"));
        let arn = input
            .iter()
            .find(|m| m.name == "StateMachineArn")
            .expect("member");
        assert!(arn.required);
        assert_eq!(arn.model_name.as_deref(), Some("stateMachineArn"));
        assert!(service("stepfunctions").is_none());
        assert!(service_by_model_name("stepfunctions").is_some());
        let rds = service("rds").expect("rds");
        let op = rds.operation("describeDBInstances").expect("op");
        let input = rds.members(op.input.expect("input"));
        assert!(input.iter().any(|m| m.name == "DbInstanceIdentifier"));
    }
}

#[cfg(test)]
mod checksum {
    use sha2::{Digest, Sha256};

    /// The committed file is what `tools/aws_models.py` made from the pinned botocore: its
    /// blocks hash to the checksum the generator recorded (CI reruns the generator and compares
    /// the record: `.ci/run`).
    #[test]
    fn committed_models_match_the_generators_record() {
        let mut hash = Sha256::new();
        let mut count = 0;
        for (name, model_name, text) in super::blocks() {
            let text = text.expect("every block inflates");
            hash.update(format!("{name} {model_name}").as_bytes());
            hash.update(b"\0");
            hash.update(text.as_bytes());
            hash.update(b"\0");
            count += 1;
        }
        let digest = hash.finalize().iter().fold(String::new(), |mut out, b| {
            use std::fmt::Write;
            let _ = write!(out, "{b:02x}");
            out
        });
        let field = |key: &str| {
            super::LOCK
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::trim)
                .expect("lock field")
        };
        assert_eq!(field("sha256 "), digest);
        assert_eq!(field("services ").parse::<usize>().expect("count"), count);
        assert!(field("botocore ").starts_with("1."));
    }
}

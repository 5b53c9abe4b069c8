//! The 18 intrinsic functions, evaluated. Arguments arrive evaluated (paths resolved, nested
//! calls done); failures are `States.IntrinsicFailure` with a cause that says what was wrong.

use base64::Engine as _;
use serde_json::{json, Value};

use super::{hex, Rng};

pub fn call(name: &str, args: Vec<Value>, rng: &mut Rng) -> Result<Value, String> {
    let args = Args { name, values: args };
    if name.starts_with("States.Array") && name != "States.Array" {
        return array_call(name, &args);
    }
    match name {
        "States.Format" => {
            let template = args.string(0)?;
            let mut out = String::new();
            let mut values = args.values[1..].iter();
            let mut rest = template.as_str();
            while let Some(i) = rest.find("{}") {
                out.push_str(&rest[..i]);
                let value = values
                    .next()
                    .ok_or("States.Format has more placeholders than values.")?;
                java_text(value, &mut out);
                rest = &rest[i + 2..];
            }
            out.push_str(rest);
            Ok(Value::String(out))
        }
        "States.StringToJson" => {
            let s = args.string(0)?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_str(&s)
                .map_err(|e| format!("States.StringToJson could not parse {s:?}: {e}."))
        }
        "States.JsonToString" => Ok(Value::String(args.arg(0).to_string())),
        "States.Array" => Ok(Value::Array(args.values)),
        "States.Base64Encode" => {
            let s = args.string(0)?;
            if s.len() > 10_000 {
                return Err("States.Base64Encode takes at most 10,000 characters.".into());
            }
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(s),
            ))
        }
        "States.Base64Decode" => {
            let s = args.string(0)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|e| format!("States.Base64Decode: {e}."))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| "States.Base64Decode: the decoded bytes are not UTF-8 text.".into())
        }
        "States.Hash" => {
            let data = match args.arg(0) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let algorithm = args.string(1)?;
            Ok(Value::String(hash(&algorithm, data.as_bytes())?))
        }
        "States.JsonMerge" => {
            if args.arg(2) != Value::Bool(false) {
                return Err("States.JsonMerge supports only shallow merges: its third argument must be false.".into());
            }
            match (args.arg(0), args.arg(1)) {
                (Value::Object(mut left), Value::Object(right)) => {
                    left.extend(right);
                    Ok(Value::Object(left))
                }
                _ => Err("States.JsonMerge merges two objects.".into()),
            }
        }
        "States.MathRandom" => {
            let (start, end) = (args.rounded(0)?, args.rounded(1)?);
            if end <= start {
                return Err("The end of States.MathRandom must be greater than its start.".into());
            }
            let mut local;
            let source = if args.values.len() > 2 {
                local = Rng::new(args.int(2)? as u64);
                &mut local
            } else {
                rng
            };
            Ok(json!(
                start + (source.next_u64() % (end - start) as u64) as i64
            ))
        }
        "States.MathAdd" => Ok(json!(args.rounded(0)? + args.rounded(1)?)),
        "States.StringSplit" => {
            let s = args.string(0)?;
            let separators = args.string(1)?;
            Ok(Value::Array(
                s.split(|c| separators.contains(c))
                    .filter(|part| !part.is_empty())
                    .map(|part| Value::String(part.to_string()))
                    .collect(),
            ))
        }
        "States.UUID" => Ok(Value::String(rng.uuid())),
        other => Err(format!("{other} is not an intrinsic function.")),
    }
}

/// The array functions: ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength,
/// ArrayUnique.
fn array_call(name: &str, args: &Args<'_>) -> Result<Value, String> {
    match name {
        "States.ArrayPartition" => {
            let items = args.array(0)?;
            let size = args.int(1)?;
            if size <= 0 {
                return Err("The chunk size of States.ArrayPartition must be positive.".into());
            }
            Ok(Value::Array(
                items
                    .chunks(size as usize)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            ))
        }
        "States.ArrayContains" => Ok(Value::Bool(args.array(0)?.contains(&args.arg(1)))),
        "States.ArrayRange" => {
            let (first, last, step) = (args.int(0)?, args.int(1)?, args.int(2)?);
            if step == 0 {
                return Err("The step of States.ArrayRange cannot be 0.".into());
            }
            let mut out = Vec::new();
            let mut i = first;
            while (step > 0 && i <= last) || (step < 0 && i >= last) {
                if out.len() == 1000 {
                    return Err("States.ArrayRange can make at most 1000 items.".into());
                }
                out.push(json!(i));
                i += step;
            }
            Ok(Value::Array(out))
        }
        "States.ArrayGetItem" => {
            let items = args.array(0)?;
            let i = args.int(1)?;
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .ok_or_else(|| {
                    format!(
                        "Index {i} is out of bounds of an array of {} items.",
                        items.len()
                    )
                })
        }
        "States.ArrayLength" => Ok(json!(args.array(0)?.len())),
        "States.ArrayUnique" => {
            let mut out: Vec<Value> = Vec::new();
            for item in args.array(0)? {
                if !out.contains(&item) {
                    out.push(item);
                }
            }
            Ok(Value::Array(out))
        }
        other => Err(format!("{other} is not an intrinsic function.")),
    }
}

/// A call's arguments, read as the types its function takes.
struct Args<'a> {
    name: &'a str,
    values: Vec<Value>,
}

impl Args<'_> {
    fn arg(&self, i: usize) -> Value {
        self.values.get(i).cloned().unwrap_or(Value::Null)
    }

    fn int(&self, i: usize) -> Result<i64, String> {
        let v = self.arg(i);
        v.as_i64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .ok_or_else(|| {
                format!(
                    "The value of argument {} of {} must be an integer, not {v}.",
                    i + 1,
                    self.name
                )
            })
    }

    /// Where AWS takes a number and works in integers it rounds as Java does: half up.
    fn rounded(&self, i: usize) -> Result<i64, String> {
        let v = self.arg(i);
        v.as_i64()
            .or_else(|| v.as_f64().map(|f| (f + 0.5).floor() as i64))
            .ok_or_else(|| {
                format!(
                    "The value of argument {} of {} must be a number, not {v}.",
                    i + 1,
                    self.name
                )
            })
    }

    fn array(&self, i: usize) -> Result<Vec<Value>, String> {
        match self.arg(i) {
            Value::Array(items) => Ok(items),
            other => Err(format!(
                "The value of argument {} of {} must be an array, not {other}.",
                i + 1,
                self.name
            )),
        }
    }

    fn string(&self, i: usize) -> Result<String, String> {
        match self.arg(i) {
            Value::String(s) => Ok(s),
            other => Err(format!(
                "The value of argument {} of {} must be a string, not {other}.",
                i + 1,
                self.name
            )),
        }
    }
}

/// A value as Step Functions' Java runtime prints it in `States.Format`: strings bare, objects
/// as `{key=value, ...}`, arrays as `[a, b]`.
fn java_text(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_text(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_text(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn hash(algorithm: &str, data: &[u8]) -> Result<String, String> {
    use sha2::Digest as _;
    Ok(match algorithm {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" => hex(&sha1::Sha1::digest(data)),
        "SHA-256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        other => {
            return Err(format!(
                "{other} is not a hash algorithm: use MD5, SHA-1, SHA-256, SHA-384 or SHA-512."
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(name: &str, args: Value) -> Result<Value, String> {
        let Value::Array(args) = args else {
            unreachable!()
        };
        call(name, args, &mut Rng::new(7))
    }

    #[test]
    fn the_common_functions() {
        assert_eq!(
            eval("States.Format", json!(["a {} b {}", "x", 3])),
            Ok(json!("a x b 3"))
        );
        assert_eq!(
            eval("States.ArrayPartition", json!([[1, 2, 3, 4, 5], 2])),
            Ok(json!([[1, 2], [3, 4], [5]]))
        );
        assert_eq!(
            eval("States.ArrayRange", json!([1, 9, 3])),
            Ok(json!([1, 4, 7]))
        );
        assert_eq!(eval("States.MathAdd", json!([111, -1])), Ok(json!(110)));
        assert_eq!(eval("States.MathAdd", json!([1.49, 1.5])), Ok(json!(3)));
        assert_eq!(eval("States.MathAdd", json!([-0.5, 0.5])), Ok(json!(1)));
        assert_eq!(eval("States.StringToJson", json!([" "])), Ok(Value::Null));
        assert_eq!(
            eval("States.StringSplit", json!(["a,b;c", ",;"])),
            Ok(json!(["a", "b", "c"]))
        );
        assert_eq!(
            eval("States.Hash", json!(["abc", "SHA-1"])),
            Ok(json!("a9993e364706816aba3e25717850c26c9cd0d89d"))
        );
        assert_eq!(
            eval("States.Base64Decode", json!(["aGVsbG8="])),
            Ok(json!("hello"))
        );
        assert_eq!(
            eval(
                "States.JsonMerge",
                json!([{"a": 1, "b": 1}, {"b": 2}, false])
            ),
            Ok(json!({"a": 1, "b": 2}))
        );
        assert!(eval("States.ArrayGetItem", json!([[1], 5])).is_err());
    }
}

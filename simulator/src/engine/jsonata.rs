//! JSONata inside `{% %}`, evaluated with `$states` and the variables in scope bound, and with
//! the functions Step Functions adds (`$partition`, `$range`, `$hash`, `$random` with a seed,
//! `$uuid`, `$parse`). Parsed expressions are cached for the run: a Map evaluates the same few
//! expressions for every item.

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError};
use jsonata_core::value::JValue;
use serde_json::{Map, Value};

use super::{intrinsics, Rng};
use crate::fxhash::FxHashMap;

/// What an expression failed with.
pub enum JsonataError {
    /// A syntax or evaluation error, with JSONata's message.
    Failed(String),
    /// An error JSONata throws with its code (`T1006`), and jsonata-js's message for it.
    Thrown { code: String, message: String },
    /// The expression evaluated to nothing.
    Undefined,
}

#[derive(Default)]
pub struct Jsonata {
    parsed: FxHashMap<String, Rc<AstNode>>,
}

impl Jsonata {
    fn ast(&mut self, expression: &str) -> Result<Rc<AstNode>, JsonataError> {
        if let Some(ast) = self.parsed.get(expression) {
            return Ok(ast.clone());
        }
        let ast = Rc::new(
            jsonata_core::parser::parse(expression)
                .map_err(|e| JsonataError::Failed(e.to_string()))?,
        );
        self.parsed.insert(expression.to_string(), ast.clone());
        Ok(ast)
    }

    /// Evaluate `expression` with `$states` = `states` and the given variables bound.
    pub fn evaluate(
        &mut self,
        expression: &str,
        states: &Value,
        variables: &[Map<String, Value>],
        rng: &Rc<RefCell<Rng>>,
    ) -> Result<Value, JsonataError> {
        let ast = self.ast(expression.trim())?;
        let mut context = Context::new();
        for scope in variables {
            for (name, value) in scope {
                context.bind(name.clone(), JValue::from(value.clone()));
            }
        }
        context.bind("states".into(), JValue::from(states.clone()));
        let mut evaluator = Evaluator::with_context(context);
        register_step_functions(&mut evaluator, rng);
        let data = JValue::from(states.get("input").cloned().unwrap_or(Value::Null));
        match evaluator.evaluate(&ast, &data) {
            Ok(value) if value.is_undefined() => Err(JsonataError::Undefined),
            Ok(value) => Ok(whole_numbers(Value::from(&value))),
            Err(e) => Err(thrown(&e)),
        }
    }
}

/// JSONata computes in doubles; AWS writes a whole number without a fraction (`1`, not `1.0`).
fn whole_numbers(value: Value) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: beyond it doubles skip integers
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            #[allow(clippy::cast_possible_truncation)] // whole and within ±2^53: exact
            Some(f) if f.fract() == 0.0 && f.abs() < EXACT => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// AWS reports an evaluation error by JSONata's code and jsonata-js's message, which names no
/// token (`T1006: Attempted to invoke a non-function`, not `...: $randomSeeded`).
fn thrown(error: &EvaluatorError) -> JsonataError {
    // Displayed as "Type error: T2001: ...", "Reference error: T1006: ...".
    let shown = error.to_string();
    let text = shown
        .split_once(" error: ")
        .map_or(shown.as_str(), |(_, t)| t);
    let coded = text.split_once(": ").filter(|(code, _)| {
        code.len() == 5
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code[1..].bytes().all(|b| b.is_ascii_digit())
    });
    match coded {
        Some((code, message)) => {
            let message = match code {
                "T1006" => message.split(": $").next().unwrap_or(message),
                _ => message,
            };
            JsonataError::Thrown {
                code: code.to_string(),
                message: message.to_string(),
            }
        }
        None => JsonataError::Failed(shown),
    }
}

fn to_json(value: &JValue) -> Value {
    Value::from(value)
}

/// The functions Step Functions adds to JSONata, sharing the run's seeded random source.
fn register_step_functions(evaluator: &mut Evaluator, rng: &Rc<RefCell<Rng>>) {
    let call = |name: &'static str| {
        move |args: &[JValue]| -> Result<JValue, EvaluatorError> {
            let args: Vec<Value> = args.iter().map(to_json).collect();
            let mut unused = Rng::new(0);
            intrinsics::call(name, args, &mut unused)
                .map(JValue::from)
                .map_err(EvaluatorError::EvaluationError)
        }
    };
    let _ = evaluator.register_fn("partition", call("States.ArrayPartition"));
    let _ = evaluator.register_fn("hash", call("States.Hash"));
    let _ = evaluator.register_fn(
        "range",
        |args: &[JValue]| -> Result<JValue, EvaluatorError> {
            let args: Vec<Value> = args.iter().map(to_json).collect();
            let mut unused = Rng::new(0);
            match intrinsics::call("States.ArrayRange", args, &mut unused) {
                // A one-item range is that item (JSONata sequences collapse).
                Ok(Value::Array(items)) if items.len() == 1 => Ok(JValue::from(items[0].clone())),
                Ok(v) => Ok(JValue::from(v)),
                Err(e) => Err(EvaluatorError::EvaluationError(e)),
            }
        },
    );
    let _ = evaluator.register_fn(
        "parse",
        |args: &[JValue]| -> Result<JValue, EvaluatorError> {
            let text = args
                .first()
                .and_then(JValue::as_str)
                .unwrap_or_default()
                .to_string();
            serde_json::from_str::<Value>(&text)
                .map(JValue::from)
                .map_err(|e| EvaluatorError::EvaluationError(format!("$parse: {e}")))
        },
    );
    let uuid_rng = rng.clone();
    let _ = evaluator.register_fn(
        "uuid",
        move |_: &[JValue]| -> Result<JValue, EvaluatorError> {
            Ok(JValue::from(uuid_rng.borrow_mut().uuid()))
        },
    );
    let random_rng = rng.clone();
    let _ = evaluator.register_fn_override(
        "random",
        move |args: &[JValue]| -> Result<JValue, EvaluatorError> {
            let fraction = match args.first().map(to_json).and_then(|v| v.as_u64()) {
                Some(seed) => Rng::new(seed).fraction(),
                None => random_rng.borrow_mut().fraction(),
            };
            Ok(JValue::from(serde_json::json!(fraction)))
        },
    );
}

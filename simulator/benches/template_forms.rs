//! The forms a definition takes in a template, for the `template_1000` bench and the
//! `profile_template` example (which counts its instructions).

use asl_sim::syntax::templates::TemplateKind;
use asl_sim::syntax::Format;

/// A definition (`json`, JSON text) as a template holds it: `bare-json` / `bare-yaml` the definition
/// file alone, `cfn-json` a CloudFormation template with it inline as `Definition`,
/// `cfn-string` the same as a `DefinitionString` under `Fn::Sub` (every quote escaped),
/// `sam-yaml` a SAM template with it inline in block YAML.
pub fn template_form(json: String, form: &str) -> (String, Option<TemplateKind>) {
    let resource = |properties: &str| {
        format!(
            "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"Flow\": {{\"Type\": \"AWS::StepFunctions::StateMachine\", \"Properties\": {{{properties}}}}}}}}}"
        )
    };
    let yaml = |indent| {
        let mut out = String::new();
        block_yaml(
            &serde_json::from_str(&json).expect("JSON"),
            indent,
            &mut out,
        );
        out
    };
    match form {
        "bare-json" => (json, None),
        "bare-yaml" => (yaml(0), None),
        "cfn-json" => {
            let definition = &json;
            let text = resource(&format!("\"Definition\": {definition}"));
            (text, Some(TemplateKind::CloudFormation(Format::Json)))
        }
        "cfn-string" => {
            let definition = serde_json::to_string(&json).expect("a string");
            let text = resource(&format!(
                "\"DefinitionString\": {{\"Fn::Sub\": {definition}}}"
            ));
            (text, Some(TemplateKind::CloudFormation(Format::Json)))
        }
        _ => {
            let mut text = String::from(
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n",
            );
            text.push_str(&yaml(8));
            (text, Some(TemplateKind::CloudFormation(Format::Yaml)))
        }
    }
}

/// `value` as block YAML (the generator's YAML needs a node package), each line indented by
/// `indent`; strings double-quoted as JSON writes them, which YAML reads alike.
fn block_yaml(value: &serde_json::Value, indent: usize, out: &mut String) {
    use serde_json::Value;
    use std::fmt::Write;
    let pad = " ".repeat(indent);
    match value {
        Value::Object(members) if !members.is_empty() => {
            for (key, member) in members {
                let _ = write!(out, "{pad}{}:", Value::from(key.as_str()));
                nested(member, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                let _ = write!(out, "{pad}-");
                nested(item, indent, out);
            }
        }
        scalar => {
            let _ = writeln!(out, "{pad}{scalar}");
        }
    }
}

/// A member's or item's value after its key or dash: a scalar on the same line, a collection
/// on the lines below.
fn nested(value: &serde_json::Value, indent: usize, out: &mut String) {
    let collection = match value {
        serde_json::Value::Object(m) => !m.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        _ => false,
    };
    if collection {
        out.push('\n');
        block_yaml(value, indent + 2, out);
    } else {
        use std::fmt::Write;
        let _ = writeln!(out, " {value}");
    }
}

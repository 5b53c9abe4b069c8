//! State machines inside SAM / CloudFormation / CDK templates and Terraform files: every
//! form a definition takes there, each checked (a diagnostic at its exact line and column in
//! the template), simulated and drawn.

use std::path::{Path, PathBuf};

use asl_sim::engine::{RunOptions, Status};
use asl_sim::syntax::templates::{read_template, Origin, Template, TemplateKind};
use asl_sim::syntax::{Format, LineIndex, PositionEncoding};
use asl_sim::{check, CheckOptions, Diagnostic};

fn fixture(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/templates")).join(name)
}

fn read(name: &str) -> (String, Template) {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let kind = TemplateKind::from_path(name);
    let template = read_template(&path, &text, kind, &mut |p| std::fs::read_to_string(p))
        .expect("a template with state machines");
    (text, template)
}

/// Every diagnostic of every state machine, as `NAME FILE:LINE:COLUMN code` (1-based, the
/// line and column of the file the definition came from), plus the template's own.
fn report(name: &str) -> Vec<String> {
    let (text, template) = read(name);
    let mut lines = Vec::new();
    let mut push = |machine: &str, file: &str, text: &str, d: &Diagnostic| {
        let index = LineIndex::new(text);
        let p = index.position(text, d.range.start as usize, PositionEncoding::Utf16);
        let end = index.position(text, d.range.end as usize, PositionEncoding::Utf16);
        lines.push(format!(
            "{machine} {file}:{}:{}-{}:{} {}",
            p.line + 1,
            p.character + 1,
            end.line + 1,
            end.character + 1,
            d.code
        ));
    };
    for d in &template.diagnostics {
        push("-", name, &text, d);
    }
    for machine in &template.machines {
        let (file, origin_text) = match machine.definition.as_ref().map(|d| &d.origin) {
            Some(Origin::File { path, text, .. }) => (
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .to_string(),
                text.to_string(),
            ),
            _ => (name.to_string(), text.clone()),
        };
        for d in &machine.diagnostics {
            push(&machine.name, &file, &origin_text, d);
        }
        if let Some(definition) = &machine.definition {
            let check_text = |text: &str| check(text, Format::Json, CheckOptions::default());
            let mut checked = check_text(definition.text()).diagnostics;
            definition.map_diagnostics(&mut checked);
            for d in &checked {
                push(&machine.name, &file, &origin_text, d);
            }
            for (_, d) in machine.other_branch_diagnostics(&checked, |t| check_text(t).diagnostics)
            {
                let condition = d.message.split('`').rev().nth(1).unwrap_or("");
                push(
                    &format!("{} (not {condition})", machine.name),
                    &file,
                    &origin_text,
                    &d,
                );
            }
        }
    }
    lines
}

/// The definition of `machine`, checked, run without mocks and drawn: its run's status and
/// the graph's DOT text.
fn simulate_and_draw(name: &str, machine: &str) -> (Status, Vec<String>, String) {
    let (_, template) = read(name);
    let source = template.machine(Some(machine)).expect("machine");
    let definition = source.definition.as_ref().expect("a local definition");
    let checked = check(definition.text(), Format::Json, CheckOptions::default());
    let options = RunOptions {
        input: std::sync::Arc::new(serde_json::json!({"id": "order-1"})),
        ..RunOptions::default()
    };
    let execution = asl_sim::engine::run(&checked.tree, &checked.machine, &options);
    let entered = execution
        .events
        .iter()
        .filter_map(|e| {
            let json = e.to_json();
            let details = json.get("stateEnteredEventDetails")?;
            Some(details.get("name")?.as_str()?.to_string())
        })
        .collect();
    let graph = asl_sim::picture::graph(&checked.tree, &checked.machine, None);
    (
        execution.status,
        entered,
        asl_sim::picture::dot::to_dot(&graph),
    )
}

fn assert_draws(dot: &str, states: &[&str]) {
    for state in states {
        assert!(dot.contains(state), "the graph draws {state}:\n{dot}");
    }
    assert!(dot.contains("->"), "the graph has transitions:\n{dot}");
}

#[test]
fn sam_inline_definition_with_short_tags_and_substitutions() {
    assert_eq!(
        report("sam-inline.yaml"),
        ["OrderFlow sam-inline.yaml:42:11-42:16 unreachable-state"]
    );
    let (_, template) = read("sam-inline.yaml");
    let text = template.machines[0]
        .definition
        .as_ref()
        .expect("inline")
        .text()
        .to_string();
    // `${ChargeArn}` ← `!GetAtt ChargeFunction.Arn`, `${TableName}` ← `!Ref OrdersTable`.
    assert!(
        text.contains(
            r#""FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:ChargeFunction""#
        ),
        "{text}"
    );
    assert!(text.contains(r#""TableName":"OrdersTable""#), "{text}");
    let (status, entered, dot) = simulate_and_draw("sam-inline.yaml", "OrderFlow");
    assert_eq!(status, Status::Succeeded);
    assert_eq!(entered, ["Charge", "Record", "Done"]);
    assert_draws(&dot, &["Charge", "Record", "Done", "Audit"]);
}

#[test]
fn definition_string_with_fn_sub_in_json_escapes_mapped_back() {
    // `"Cause"` on a Succeed state: at its escaped characters `\"Cause\"` in the template.
    assert_eq!(
        report("cfn-sub.json"),
        ["Flow cfn-sub.json:12:287-12:296 unknown-field"]
    );
    let (_, template) = read("cfn-sub.json");
    let text = template.machines[0]
        .definition
        .as_ref()
        .expect("inline")
        .text()
        .to_string();
    assert!(
        text.contains("\"stage prod in us-east-1\""),
        "parameter default and pseudo parameter: {text}"
    );
    let (status, entered, dot) = simulate_and_draw("cfn-sub.json", "Flow");
    assert_eq!(status, Status::Succeeded);
    assert_eq!(entered, ["Work", "Finish"]);
    assert_draws(&dot, &["Work", "Finish"]);
}

#[test]
fn definition_string_as_a_yaml_block_under_sub_with_variables() {
    assert_eq!(
        report("cfn-sub.yaml"),
        [
            "Flow cfn-sub.yaml:14:24-14:33 no-terminal-state",
            "Flow cfn-sub.yaml:26:25-26:34 unknown-state",
        ]
    );
    let (_, template) = read("cfn-sub.yaml");
    let text = template.machines[0]
        .definition
        .as_ref()
        .expect("inline")
        .text()
        .to_string();
    assert!(
        text.contains("https://sqs.us-east-1.amazonaws.com/123456789012/Jobs"),
        "{text}"
    );
    assert!(
        text.contains("arn:aws:sns:us-east-1:123456789012:Notify"),
        "{text}"
    );
    let (status, entered, dot) = simulate_and_draw("cfn-sub.yaml", "Flow");
    assert_eq!(status, Status::Failed);
    assert_eq!(entered, ["Enqueue", "Tell"]);
    assert_draws(&dot, &["Enqueue", "Tell"]);
}

#[test]
fn cdk_synth_output_with_fn_join_parts() {
    // `TimeoutSeconds` on a Wait state, inside the third part of the Fn::Join.
    assert_eq!(
        report("cdk.template.json"),
        ["HelloMachine5E0F1B3A cdk.template.json:18:94-18:112 unknown-field"]
    );
    let (_, template) = read("cdk.template.json");
    let text = template.machines[0]
        .definition
        .as_ref()
        .expect("joined")
        .text()
        .to_string();
    assert!(
        text.contains(r#""Resource":"arn:aws:states:::lambda:invoke""#),
        "{text}"
    );
    let (status, entered, dot) = simulate_and_draw("cdk.template.json", "HelloMachine5E0F1B3A");
    assert_eq!(status, Status::Succeeded);
    assert_eq!(entered, ["Invoke", "Wait", "Done"]);
    assert_draws(&dot, &["Invoke", "Wait", "Done"]);
}

#[test]
fn definition_uri_with_substitutions_and_an_s3_location() {
    // A key DefinitionSubstitutions lacks: an error at its `${...}` in the definition's file.
    assert_eq!(
        report("sam-uri.yaml"),
        [
            "ImageFlow images.asl.json:11:20-11:31 missing-substitution",
            "Archived sam-uri.yaml:15:7-15:27 definition-not-local",
        ]
    );
    let (status, entered, dot) = simulate_and_draw("sam-uri.yaml", "ImageFlow");
    assert_eq!(status, Status::Succeeded);
    assert_eq!(entered, ["Resize", "Store"]);
    assert_draws(&dot, &["Resize", "Store"]);
}

#[test]
fn terraform_jsonencode_heredoc_quoted_string_and_templatefile() {
    assert_eq!(
        report("main.tf"),
        [
            "aws_sfn_state_machine.encoded main.tf:37:9-37:12 unknown-field",
            "aws_sfn_state_machine.heredoc main.tf:49:14-49:20 no-terminal-state",
            "aws_sfn_state_machine.heredoc main.tf:54:15-54:24 unknown-state",
            "aws_sfn_state_machine.quoted main.tf:64:132-64:145 unknown-field",
            "aws_sfn_state_machine.templated templated.asl.json:12:66-12:80 missing-substitution",
        ]
    );
    let (_, template) = read("main.tf");
    let encoded = template
        .machine(Some("aws_sfn_state_machine.encoded"))
        .expect("there");
    let text = encoded
        .definition
        .as_ref()
        .expect("jsonencode")
        .text()
        .to_string();
    assert!(
        text.contains(r#""TimeoutSeconds":30"#),
        "a local's number stays a number: {text}"
    );
    assert!(text.contains("function:worker"), "{text}");
    for (machine, status, states) in [
        ("encoded", Status::Succeeded, &["Work", "Report"][..]),
        ("heredoc", Status::Failed, &["Work"][..]),
        ("quoted", Status::Succeeded, &["Hello"][..]),
        ("templated", Status::Succeeded, &["Work", "Enqueue"][..]),
    ] {
        let name = format!("aws_sfn_state_machine.{machine}");
        let (got, entered, dot) = simulate_and_draw("main.tf", &name);
        assert_eq!(got, status, "{machine}");
        assert_eq!(entered, states, "{machine}");
        for state in states {
            assert!(dot.contains(state), "{machine}: {dot}");
        }
    }
}

#[test]
fn a_template_without_state_machines_is_none_and_costs_a_substring_search() {
    let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q: {Type: AWS::SQS::Queue}\n";
    let kind = TemplateKind::from_path("x.yaml");
    assert!(read_template(Path::new("x.yaml"), text, kind, &mut |_| unreachable!()).is_none());
    let tf = "resource \"aws_sqs_queue\" \"q\" {}\n";
    assert!(read_template(
        Path::new("x.tf"),
        tf,
        TemplateKind::Terraform,
        &mut |_| unreachable!()
    )
    .is_none());
}

#[test]
fn the_only_machine_or_one_named_and_a_clear_message_otherwise() {
    let (_, template) = read("main.tf");
    let error = template.machine(None).expect_err("four machines");
    assert!(error.contains("aws_sfn_state_machine.encoded"), "{error}");
    let error = template.machine(Some("nope")).expect_err("no such machine");
    assert!(error.contains("no state machine `nope`"), "{error}");
    let (_, single) = read("cfn-sub.json");
    assert_eq!(single.machine(None).expect("one").name, "Flow");
}

#[test]
fn yaml_forms_real_templates_use_flow_mappings_across_lines_comments_folded_and_quoted_tags() {
    // saphyr reads all of these; a scalar under a tag has no span of its own in saphyr, so its
    // range is the tagged node's less the tag (syntax/yaml.rs): the escaped `\"Nxt\"` below is
    // found at its own column.
    assert_eq!(
        report("yaml-forms.yaml"),
        ["O yaml-forms.yaml:27:93-27:100 unknown-field"]
    );
    let (_, template) = read("yaml-forms.yaml");
    let m = template.machine(Some("M")).expect("M");
    let text = m.definition.as_ref().expect("inline").text().to_string();
    assert!(
        text.contains("function:Fn") && text.contains("\"a:us-east-1\""),
        "{text}"
    );
    let n = template.machine(Some("N")).expect("N");
    assert!(n
        .definition
        .as_ref()
        .expect("folded")
        .text()
        .starts_with("{\"StartAt\""));
}

/// Terraform's `$${` is a literal `${`: in a heredoc and in a `templatefile()` file it is kept
/// (one `$` dropped), not substituted, and every character after it keeps its place.
#[test]
fn terraform_doubled_dollar_is_a_literal_placeholder_with_positions_kept() {
    let definition = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": \"$${kept}\", \"Nxt\": \"${next}\", \"End\": true}}}";
    let tf = format!(
        "resource \"aws_sfn_state_machine\" \"inline\" {{\n  definition = <<EOF\n{definition}\nEOF\n}}\n\
         resource \"aws_sfn_state_machine\" \"file\" {{\n  definition = templatefile(\"machine.json\", {{ next = \"B\" }})\n}}\n"
    );
    let template = read_template(
        Path::new("dir/main.tf"),
        &tf,
        TemplateKind::Terraform,
        &mut |path| {
            assert_eq!(path, Path::new("dir/machine.json"));
            Ok(definition.to_string())
        },
    )
    .expect("two machines");
    for (machine, source) in [("inline", tf.as_str()), ("file", definition)] {
        let source_machine = template
            .machine(Some(&format!("aws_sfn_state_machine.{machine}")))
            .expect("there");
        let built = source_machine.definition.as_ref().expect("local");
        assert!(
            built.text().contains(r#""Result": "${kept}""#),
            "{machine}: {}",
            built.text()
        );
        assert!(
            source_machine.diagnostics.is_empty(),
            "{machine}: {:?}",
            source_machine.diagnostics
        );
        let mut checked = check(built.text(), Format::Json, CheckOptions::default()).diagnostics;
        built.map_diagnostics(&mut checked);
        let unknown = checked
            .iter()
            .find(|d| d.code == "unknown-field")
            .unwrap_or_else(|| panic!("{machine}: {checked:?}"));
        let at = source.find("\"Nxt\"").expect("there");
        assert_eq!(
            unknown.range.start as usize..unknown.range.end as usize,
            at..at + 5,
            "{machine}"
        );
    }
    // The file's `${next}` is templatefile's variable; the heredoc's is an unknown Terraform
    // reference, kept as a placeholder.
    let file = template
        .machine(Some("aws_sfn_state_machine.file"))
        .expect("there");
    assert!(file
        .definition
        .as_ref()
        .expect("local")
        .text()
        .contains(r#""Nxt": "B""#));
}

/// `Fn::If`: the condition is unknown, so each one's second branch is checked too (the others
/// on their first), what only it has reported with its condition named; `run` and `graph`
/// take the first branches.
#[test]
fn each_fn_if_checked_on_both_branches_with_the_condition_named() {
    assert_eq!(
        report("cfn-if.yaml"),
        [
            "Flow (not IsProd) cfn-if.yaml:20:47-20:48 out-of-range",
            "Flow (not Verbose) cfn-if.yaml:21:39-21:42 unknown-state",
            "Flow (not Verbose) cfn-if.yaml:22:11-22:15 unreachable-state",
            "Staged (not IsProd) cfn-if.yaml:31:36-31:39 unknown-field",
        ]
    );
    let (_, template) = read("cfn-if.yaml");
    let flow = template.machine(Some("Flow")).expect("there");
    // Three conditions met, each a branch of its own.
    assert_eq!(flow.branches.len(), 3);
    let d = &flow.other_branch_diagnostics(&[], |t| {
        check(t, Format::Json, CheckOptions::default()).diagnostics
    })[0]
        .1;
    assert!(
        d.message
            .ends_with("(With condition `IsProd` false: the second branch of its Fn::If.)"),
        "{}",
        d.message
    );
    let (status, entered, dot) = simulate_and_draw("cfn-if.yaml", "Flow");
    assert_eq!(status, Status::Succeeded);
    assert_eq!(entered, ["Work", "Done"]);
    assert_draws(&dot, &["Work", "Done"]);
}

//! `asl-sim` on templates: `check` reports at the template's own lines and columns, `run`,
//! `test` and `graph` take `FILE#LogicalId` (or the only state machine), and a
//! `MockConfigFile.json` beside the template keys its machines by logical id.

#[path = "common/binary.rs"]
mod binary;
use binary::asl_sim;

#[test]
fn check_reports_each_machine_at_its_place_in_the_template() {
    let (code, out, _) = asl_sim(&["check", "simulator/tests/templates/main.tf"]);
    assert_eq!(code, 1, "{out}");
    for place in [
        "--> simulator/tests/templates/main.tf:37:9",
        "--> simulator/tests/templates/main.tf:54:15",
        "--> simulator/tests/templates/main.tf:64:132",
        "statemachine/templated.asl.json:12:66",
    ] {
        assert!(out.contains(place), "{place} in:\n{out}");
    }
    let (code, out, _) = asl_sim(&[
        "check",
        "--format",
        "json",
        "simulator/tests/templates/sam-inline.yaml",
    ]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json[0]["code"], "unreachable-state");
    assert_eq!(
        json[0]["range"]["start"],
        serde_json::json!({"line": 41, "character": 10})
    );
    let (code, out, _) = asl_sim(&["check", "examples/templates/template.yaml"]);
    assert_eq!((code, out.trim()), (0, "1 file checked: no problems found"));
}

#[test]
fn run_test_and_graph_take_file_hash_logical_id() {
    let (code, out, err) = asl_sim(&[
        "run",
        "examples/templates/template.yaml#OrderFlow",
        "--input",
        r#"{"id": "order-1"}"#,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("SUCCEEDED"), "{out}");
    let (code, out, err) = asl_sim(&["test", "examples/templates/template.yaml#OrderFlow"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("PASS  OrderFlow / Declined: FAILED ChargeFailed"),
        "{out}"
    );
    let (code, out, err) = asl_sim(&[
        "graph",
        "simulator/tests/templates/cdk.template.json",
        "--format",
        "mermaid",
    ]);
    // Its Wait has an error: said on stderr at its place, the picture drawn all the same, exit 1.
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cdk.template.json:18:94"), "{err}");
    assert!(out.contains("n0 --> n1") && out.contains("Wait"), "{out}");
}

#[test]
fn a_name_the_template_lacks_or_a_choice_to_make_is_a_clear_usage_error() {
    let (code, _, err) = asl_sim(&["run", "simulator/tests/templates/main.tf"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("holds 4 state machines: name one as FILE#NAME"),
        "{err}"
    );
    let (code, _, err) = asl_sim(&["graph", "simulator/tests/templates/cfn-sub.json#Nope"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no state machine `Nope`") && err.contains("Flow"),
        "{err}"
    );
    let (code, _, err) = asl_sim(&["run", "simulator/tests/templates/sam-uri.yaml#Archived"]);
    assert_eq!(code, 2);
    assert!(err.contains("DefinitionS3Location"), "{err}");
    // A definition with an error AWS refuses is not run: the error at its place.
    let (code, _, err) = asl_sim(&["run", "simulator/tests/templates/cdk.template.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("cdk.template.json:18:94"), "{err}");
}

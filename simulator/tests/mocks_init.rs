//! `asl-sim mocks init` on every example writes a mock file `asl-sim test` passes as written.

#[path = "common/binary.rs"]
mod binary;
use binary::asl_sim;

fn examples() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("examples/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.contains(".asl."))
        .map(|name| format!("examples/{name}"))
        .collect();
    found.sort();
    found
}

#[test]
#[allow(clippy::print_stdout)] // says how many cases it checked
fn every_examples_generated_mock_file_passes_asl_sim_test() {
    let dir = std::env::temp_dir().join(format!("asl-sim-mocks-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let examples = examples();
    assert!(examples.len() >= 5, "examples found: {examples:?}");
    let mut cases = 0;
    for example in &examples {
        let file = dir.join("mocks.json");
        let file = file.to_str().expect("a UTF-8 path");
        let (code, _, err) = asl_sim(&["mocks", "init", example, "-o", file]);
        assert_eq!(code, 0, "mocks init {example}: {err}");
        let (code, out, err) = asl_sim(&["test", example, "--mocks", file]);
        assert_eq!(
            code, 0,
            "test {example} with its generated mocks:\n{out}{err}"
        );
        cases += out.lines().filter(|l| l.starts_with("PASS")).count();
    }
    println!(
        "mocks init: {} examples, {cases} generated test cases pass",
        examples.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The happy path with the example's own input, and a case per Catch of a Task.
#[test]
fn generated_mock_file_of_order_fulfilment() {
    let input = r#"{"orderId": "o-1", "total": 1500, "items": [{"sku": "a"}, {"sku": "b"}]}"#;
    let (code, out, err) = asl_sim(&[
        "mocks",
        "init",
        "examples/order-fulfilment.asl.json",
        "--input",
        input,
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_definition_that_cannot_be_read_is_reported() {
    let (code, _, err) = asl_sim(&["mocks", "init", "examples/nope.asl.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("examples/nope.asl.json"), "{err}");
}

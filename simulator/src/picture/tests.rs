use super::*;
use crate::engine::{run, RunOptions};
use crate::syntax::Format;
use crate::{check, CheckOptions};

const MACHINE: &str = r#"{
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
      "HeartbeatSeconds": 60,
      "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Remind"}],
      "Next": "Decide"
    },
    "Remind": {"Type": "Wait", "Seconds": 3600, "Next": "Ask"},
    "Decide": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.approved", "BooleanEquals": true, "Next": "Ship"}],
      "Default": "Refused"
    },
    "Ship": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Label", "States": {"Label": {"Type": "Pass", "End": true}}},
        {"StartAt": "Notify", "States": {"Notify": {"Type": "Pass", "End": true}}}
      ],
      "End": true
    },
    "Refused": {"Type": "Fail", "Error": "Refused"}
  }
}"#;

fn simulated_graph() -> Cluster {
    let checked = check(MACHINE, Format::Json, CheckOptions::default());
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let options = RunOptions {
        max_history_events: 60,
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    let facts = crate::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
    graph(&checked.tree, &checked.machine, Some((&execution, &facts)))
}

#[test]
fn dot_and_mermaid_golden() {
    let checked = check(MACHINE, Format::Json, CheckOptions::default());
    let plain = graph(&checked.tree, &checked.machine, None);
    insta::assert_snapshot!("graph_dot", dot::to_dot(&plain));
    insta::assert_snapshot!("graph_mermaid", dot::to_mermaid(&plain));
    // Simulated without mocks: the callback never comes, the heartbeat times out, the Catch
    // waits and asks again, until the history limit.
    let simulated = simulated_graph();
    insta::assert_snapshot!("graph_dot_simulated", dot::to_dot(&simulated));
}

#[test]
fn the_overlay_marks_the_path_visits_and_notes() {
    let root = simulated_graph();
    let ask = &root.nodes[0];
    assert!(ask.visits.is_some_and(|v| v > 1), "{ask:?}");
    assert!(
        ask.notes.iter().any(|n| n.contains("HeartbeatSeconds")),
        "{:?}",
        ask.notes
    );
    let taken: Vec<(&str, &str)> = root
        .edges
        .iter()
        .filter(|e| e.taken)
        .map(|e| {
            (
                root.nodes[e.from].name.as_str(),
                root.nodes[e.to].name.as_str(),
            )
        })
        .collect();
    assert_eq!(taken, [("Ask", "Remind"), ("Remind", "Ask")]);
    assert_eq!(root.nodes[2].visits, Some(0), "Decide is never reached");
}

#[test]
fn svg_nests_branches_and_scales() {
    let svg = svg::to_svg(&simulated_graph());
    assert!(svg.starts_with("<svg"));
    assert!(
        svg.contains(">Branch 2<"),
        "the Parallel's branches are drawn inside it"
    );
    assert!(
        svg.contains("stroke-dasharray=\"5,3\""),
        "the Catch edge is dashed"
    );
    // 2,000 states in a chain with a loop: drawn, tall, linear.
    let states: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                "\"S{i}\": {{\"Type\": \"Pass\", \"Next\": \"S{}\"}}",
                (i + 1) % 2000
            )
        })
        .collect();
    let text = format!(
        "{{\"StartAt\": \"S0\", \"States\": {{{}, \"End\": {{\"Type\": \"Succeed\"}}}}}}",
        states.join(",")
    );
    let checked = check(&text, Format::Json, CheckOptions::default());
    let started = std::time::Instant::now();
    let svg = svg::to_svg(&graph(&checked.tree, &checked.machine, None));
    assert!(started.elapsed().as_secs_f64() < 5.0);
    assert_eq!(svg.matches("<rect x=").count(), 2001);
}

#[test]
fn a_transition_to_a_missing_state_is_drawn_broken() {
    let text = r#"{"StartAt": "Pick", "States": {
        "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Shipp"}], "Default": "Done"},
        "Done": {"Type": "Pass", "Next": "Gone"}}}"#;
    let checked = check(text, Format::Json, CheckOptions::default());
    assert!(!checked.diagnostics.is_empty());
    let root = graph(&checked.tree, &checked.machine, None);
    assert_eq!(
        root.nodes[0].broken,
        ["Choice rule → \"Shipp\": no such state"]
    );
    assert_eq!(root.nodes[1].broken, ["Next → \"Gone\": no such state"]);
    // The edge that exists is still drawn.
    assert_eq!(root.edges.len(), 1);
    let svg = svg::to_svg(&root);
    assert!(
        svg.contains(
            r##"fill="#c0392b" text-anchor="middle">Next → &quot;Gone&quot;: no such state<"##
        ),
        "{svg}"
    );
}

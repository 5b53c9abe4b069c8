//! The pictures as a reader sees them: every example's graph (`asl-sim graph`, simulated with
//! its mock file's first test case) and timeline (`asl-sim run --timeline`), and the timeline of
//! concurrent Map iterations, laid out by headless Chromium (Debian's `/usr/bin/chromium`,
//! driven by playwright-core from `tests/pictures/check.mjs`), which must find no text
//! overlapping another, covered by a box, sticking out of its state's box or cut off by the
//! edge. Each picture is also written as PNG.
//!
//! `.ci/run` installs Chromium and playwright-core (into `target/picture-check`); elsewhere,
//! without them, the test says so in one line and checks only that every picture is drawn
//! (`ASL_PICTURE_TESTS=1` makes their absence a failure, as in CI).
//!
//! `UPDATE_PICTURES=1 cargo test -p asl-sim --test pictures` regenerates the committed
//! pictures in `docs/pictures` (SVG and PNG) instead of `target/pictures`.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn root() -> PathBuf {
    Path::new(ROOT).canonicalize().expect("the repository")
}

fn asl_sim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_asl-sim"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("asl-sim runs")
}

/// Runs asl-sim, which must exit with one of `codes`.
fn draw(args: &[&str], codes: &[i32]) {
    let out = asl_sim(args);
    assert!(
        out.status.code().is_some_and(|c| codes.contains(&c)),
        "asl-sim {}: {out:?}",
        args.join(" ")
    );
}

/// The first test case of a mock file (the one the pictures show).
fn first_test_case(mocks: &Path) -> String {
    let text = std::fs::read_to_string(mocks).expect("readable mock file");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON mock file");
    let machines = value["StateMachines"].as_object().expect("StateMachines");
    let (_, machine) = machines.iter().next().expect("a state machine");
    let cases = machine["TestCases"].as_object().expect("TestCases");
    cases.keys().next().expect("a test case").clone()
}

/// Draws every example's graph and timeline into `out`; returns the SVG files.
fn draw_examples(out: &Path) -> Vec<PathBuf> {
    let mut definitions: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".asl."))
        .collect();
    definitions.sort();
    let mut svgs = Vec::new();
    for definition in &definitions {
        let file = definition.file_name().expect("a name").to_string_lossy();
        let name = &file[..file.find(".asl.").expect(".asl.")];
        let graph = out.join(format!("{name}.svg"));
        let timeline = out.join(format!("{name}.timeline.svg"));
        let (definition, graph_s, timeline_s) = (
            definition.to_string_lossy(),
            graph.to_string_lossy(),
            timeline.to_string_lossy(),
        );
        let mocks = root().join(format!("examples/{name}.mocks.json"));
        if mocks.exists() {
            let case = first_test_case(&mocks);
            let mocks = mocks.to_string_lossy();
            let with_case = ["--mocks", &*mocks, "--test-case", &case];
            draw(
                &[&["graph", &*definition], &with_case[..], &["-o", &*graph_s]].concat(),
                &[0],
            );
            // A run that does not succeed (a timeout shown on purpose) exits 1.
            let run = [
                &["run", &*definition],
                &with_case[..],
                &["--timeline", &*timeline_s],
            ];
            draw(&run.concat(), &[0, 1]);
        } else {
            draw(&["graph", &definition, "--simulate", "-o", &graph_s], &[0]);
            draw(&["run", &definition, "--timeline", &timeline_s], &[0, 1]);
        }
        svgs.extend([graph, timeline]);
    }
    svgs
}

/// The timeline of a Map running three five-second items two at a time.
fn draw_concurrent_map(out: &Path) -> Vec<PathBuf> {
    let definition = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/pictures/map-concurrency.asl.json"
    );
    let timeline = out.join("map-concurrency.timeline.svg");
    let input = r#"{"items": [1, 2, 3]}"#;
    draw(
        &[
            "run",
            definition,
            "--input",
            input,
            "--timeline",
            &timeline.to_string_lossy(),
        ],
        &[0],
    );
    let svg = std::fs::read_to_string(&timeline).expect("the timeline");
    assert!(svg.contains("SUCCEEDED · 10 s"), "{svg}");
    vec![timeline]
}

/// Where Chromium's driver is installed, or why the layout cannot be checked here.
fn layout_checker() -> Result<PathBuf, String> {
    let dir = root().join("target/picture-check");
    if !Path::new("/usr/bin/chromium").exists() && std::env::var_os("CHROMIUM").is_none() {
        return Err("no Chromium (apt-get install chromium)".into());
    }
    if !dir.join("node_modules/playwright-core").exists() {
        return Err(format!(
            "no playwright-core in {} (npm ci there, from simulator/tests/pictures)",
            dir.display()
        ));
    }
    let script = dir.join("check.mjs");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pictures/check.mjs"),
        &script,
    )
    .expect("copy check.mjs");
    Ok(script)
}

/// The layout checker's report on `svgs` (writing PNGs into `png`), and whether it found no
/// problem; `None` when it cannot run here (and need not).
#[allow(clippy::print_stdout)] // says why the layout is not checked
fn check_layout(svgs: &[PathBuf], png: &Path, must_run: bool) -> Option<(bool, String)> {
    let script = match layout_checker() {
        Ok(script) => script,
        Err(why) if !must_run && std::env::var_os("ASL_PICTURE_TESTS").is_none() => {
            println!("picture layout not checked: {why}");
            return None;
        }
        Err(why) => panic!("cannot check the pictures' layout: {why}"),
    };
    let report = Command::new("node")
        .arg(&script)
        .arg("--png")
        .arg(png)
        .args(svgs)
        .output()
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&report.stdout),
        String::from_utf8_lossy(&report.stderr)
    );
    Some((report.status.success(), text))
}

/// The checker finds each kind of problem it looks for (a picture made to have them all).
#[test]
fn the_layout_checker_sees_hidden_and_overlapping_text() {
    let out = root().join("target/pictures-bad");
    std::fs::create_dir_all(&out).expect("a folder");
    let bad = out.join("bad.svg");
    std::fs::write(
        &bad,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120" viewBox="0 0 200 120" font-family="Helvetica, Arial, sans-serif">
<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9"><path d="M0,0L10,5L0,10z"/></marker></defs>
<text x="10" y="20" font-size="12">first label</text>
<text x="30" y="24" font-size="12">second label</text>
<text x="10" y="50" font-size="12">under a box</text>
<rect x="40" y="38" width="30" height="20" fill="#eeeeee"/>
<text x="10" y="80" font-size="12">crossed</text>
<path d="M20,60L20,100" fill="none" stroke="#000" marker-end="url(#a)"/>
<text x="150" y="110" font-size="12">cut off here</text>
<g><rect x="100" y="10" width="30" height="30" fill="#ffffff" stroke="#000"/><text x="105" y="30" font-size="12">too wide</text></g>
</svg>
"##,
    )
    .expect("writable");
    let Some((clean, report)) = check_layout(&[bad], &out, false) else {
        return;
    };
    assert!(!clean, "{report}");
    for problem in [
        r#""first label" and "second label" overlap"#,
        r#""under a box" is covered by a rect drawn above it"#,
        r#""crossed" is crossed by an arrow"#,
        r#""cut off here" is cut off by the picture's edge"#,
        r#""too wide" sticks out of its box"#,
    ] {
        assert!(report.contains(problem), "{problem}: {report}");
    }
    assert!(report.contains("5 problems"), "{report}");
    assert!(out.join("bad.png").exists());
}

#[test]
#[allow(clippy::print_stdout)] // says what it checked
fn no_text_in_any_picture_overlaps_or_is_hidden() {
    let update = std::env::var_os("UPDATE_PICTURES").is_some();
    let out = root().join(if update {
        "docs/pictures"
    } else {
        "target/pictures"
    });
    std::fs::create_dir_all(&out).expect("the pictures' folder");
    let mut svgs = draw_examples(&out);
    svgs.extend(draw_concurrent_map(&out));
    assert!(svgs.iter().all(|s| s.exists()), "{svgs:?}");
    let Some((clean, report)) = check_layout(&svgs, &out, update) else {
        println!("{} pictures drawn", svgs.len());
        return;
    };
    println!("{report}");
    assert!(
        clean,
        "text hidden or overlapping in the pictures:\n{report}"
    );
    assert_eq!(
        report.matches(" 0 problems").count(),
        svgs.len(),
        "{report}"
    );
}

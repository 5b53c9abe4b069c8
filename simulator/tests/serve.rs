//! `asl-sim serve` as a client sees it: the binary started on port 0, spoken to in raw HTTP/1.1
//! over a TcpStream (the real SDKs' tests are in tests/tests/serve_clients.rs). Errors' shapes,
//! bad requests the server survives, paging, the manual clock, histories, callbacks, activities.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

/// A server for one test, stopped when dropped.
struct Server {
    child: Child,
    client: Client,
}

/// Calls to a server on `port`.
#[derive(Clone)]
struct Client {
    port: u16,
}

impl std::ops::Deref for Server {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Server {
    fn launch(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl-sim"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .env_remove("SFN_MOCK_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("asl-sim serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the first line");
        let port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Server {
            child,
            client: Client { port },
        }
    }
}

impl Client {
    /// One request: the HTTP status and the body as JSON.
    fn raw(&self, target: &str, host: &str, body: &[u8]) -> (u16, Value) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        let head = format!(
            "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: {target}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("writes");
        // A body the server refuses may be cut short: what it answers is what counts.
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {text:?}"));
        let (_, body) = text.split_once("\r\n\r\n").expect("a body");
        (status, serde_json::from_str(body).expect("a JSON body"))
    }

    /// `AWSStepFunctions.OPERATION`: the answer, or the error's `__type`.
    fn call(&self, operation: &str, request: &Value) -> Result<Value, (String, String)> {
        let target = format!("AWSStepFunctions.{operation}");
        match self.raw(&target, "localhost", request.to_string().as_bytes()) {
            (200, body) => Ok(body),
            (400, body) => Err((
                body["__type"].as_str().unwrap_or_default().to_string(),
                body["message"].as_str().unwrap_or_default().to_string(),
            )),
            (status, body) => panic!("HTTP {status}: {body}"),
        }
    }

    fn ok(&self, operation: &str, request: &Value) -> Value {
        self.call(operation, request)
            .unwrap_or_else(|e| panic!("{operation}: {e:?}"))
    }

    fn error(&self, operation: &str, request: &Value) -> String {
        match self.call(operation, request) {
            Ok(answer) => panic!("{operation} answered {answer}"),
            Err((kind, message)) => {
                assert!(!message.is_empty(), "{kind} without a message");
                kind
            }
        }
    }

    fn create(&self, name: &str, definition: &Value, kind: &str) -> String {
        let answer = self.ok(
            "CreateStateMachine",
            &json!({"name": name, "definition": definition.to_string(), "type": kind,
                    "roleArn": "arn:aws:iam::123456789012:role/test"}),
        );
        answer["stateMachineArn"]
            .as_str()
            .expect("an ARN")
            .to_string()
    }

    fn start(&self, machine: &str, name: &str, input: &Value) -> String {
        let answer = self.ok(
            "StartExecution",
            &json!({"stateMachineArn": machine, "name": name, "input": input.to_string()}),
        );
        answer["executionArn"].as_str().expect("an ARN").to_string()
    }

    fn status(&self, execution: &str) -> String {
        let described = self.ok("DescribeExecution", &json!({"executionArn": execution}));
        described["status"].as_str().unwrap_or_default().to_string()
    }

    fn history(&self, execution: &str) -> Vec<Value> {
        let answer = self.ok(
            "GetExecutionHistory",
            &json!({"executionArn": execution, "maxResults": 1000}),
        );
        answer["events"].as_array().expect("events").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn callback_machine() -> Value {
    json!({"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "https://sqs/q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "HeartbeatSeconds": 60, "Next": "Done"},
        "Done": {"Type": "Pass", "End": true}}})
}

/// The token a callback task sent out, read from its TaskScheduled event.
fn token_in(history: &[Value]) -> String {
    let scheduled = history
        .iter()
        .find(|e| e["type"] == "TaskScheduled")
        .expect("a TaskScheduled event");
    let parameters: Value = serde_json::from_str(
        scheduled["taskScheduledEventDetails"]["parameters"]
            .as_str()
            .expect("parameters"),
    )
    .expect("JSON parameters");
    parameters["MessageBody"]["token"]
        .as_str()
        .expect("a token")
        .to_string()
}

#[test]
fn errors_have_aws_shape_and_the_server_keeps_serving() {
    let server = Server::launch(&[]);
    let (status, body) = server.raw("AWSStepFunctions.Frobnicate", "localhost", b"{}");
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "UnknownOperationException");
    assert!(body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("Frobnicate"));
    let (_, body) = server.raw("SomethingElse.ListStateMachines", "localhost", b"{}");
    assert_eq!(body["__type"], "UnknownOperationException");
    let (status, body) = server.raw(
        "AWSStepFunctions.ListStateMachines",
        "localhost",
        b"{\"maxResults\": ",
    );
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (_, body) = server.raw("AWSStepFunctions.ListStateMachines", "localhost", b"[1]");
    assert_eq!(body["__type"], "SerializationException");
    let huge = vec![b' '; 3 * 1024 * 1024];
    let (status, body) = server.raw("AWSStepFunctions.ListStateMachines", "localhost", &huge);
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("ValidationException"))
    );

    assert_eq!(
        server.error("DescribeStateMachine", &json!({})),
        "ValidationException"
    );
    assert_eq!(
        server.error(
            "DescribeStateMachine",
            &json!({"stateMachineArn": "not-an-arn"})
        ),
        "InvalidArn"
    );
    let missing = "arn:aws:states:us-east-1:111111111111:stateMachine:Missing";
    assert_eq!(
        server.error("DescribeStateMachine", &json!({"stateMachineArn": missing})),
        "StateMachineDoesNotExist"
    );
    assert_eq!(
        server.error("StartExecution", &json!({"stateMachineArn": missing})),
        "StateMachineDoesNotExist"
    );
    let bad = json!({"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": true}}});
    assert_eq!(
        server.error(
            "CreateStateMachine",
            &json!({"name": "bad", "definition": bad.to_string(), "roleArn": "arn:aws:iam::1:role/r"})
        ),
        "InvalidDefinition"
    );
    let pass = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    assert_eq!(
        server.error(
            "CreateStateMachine",
            &json!({"name": "has space", "definition": pass.to_string(), "roleArn": "arn:aws:iam::1:role/r"})
        ),
        "InvalidName"
    );
    let machine = server.create("Pass", &pass, "STANDARD");
    assert_eq!(
        server.error(
            "StartExecution",
            &json!({"stateMachineArn": machine, "input": "{oops"})
        ),
        "InvalidExecutionInput"
    );
    let big = format!("\"{}\"", "x".repeat(256 * 1024));
    assert_eq!(
        server.error(
            "StartExecution",
            &json!({"stateMachineArn": machine, "input": big})
        ),
        "ValidationException"
    );
    let execution = server.start(&machine, "once", &json!({}));
    assert_eq!(
        server.error(
            "StartExecution",
            &json!({"stateMachineArn": machine, "name": "once", "input": "{\"other\": 1}"})
        ),
        "ExecutionAlreadyExists"
    );
    // Still serving, and the execution ran.
    assert_eq!(server.status(&execution), "SUCCEEDED");
    assert_eq!(
        server.error("StartSyncExecution", &json!({"stateMachineArn": machine})),
        "StateMachineTypeNotSupported"
    );
}

#[test]
fn a_worker_answers_a_callback_by_its_token() {
    let server = Server::launch(&[]);
    let machine = server.create("Callback", &callback_machine(), "STANDARD");
    let execution = server.start(&machine, "order-1", &json!({"order": 1}));
    assert_eq!(server.status(&execution), "RUNNING");
    // ARNs as Step Functions Local's suites write them: its account, any region.
    let written = execution
        .replace("111111111111", "123456789012")
        .replace("us-east-1", "eu-west-1");
    assert_eq!(server.status(&written), "RUNNING");
    let token = token_in(&server.history(&execution));
    assert_eq!(
        server.error(
            "SendTaskSuccess",
            &json!({"taskToken": "nope", "output": "{}"})
        ),
        "InvalidToken"
    );
    assert_eq!(
        server.error(
            "SendTaskSuccess",
            &json!({"taskToken": token, "output": "{not json"})
        ),
        "InvalidOutput"
    );
    server.ok("SendTaskHeartbeat", &json!({"taskToken": token}));
    server.ok(
        "SendTaskSuccess",
        &json!({"taskToken": token, "output": "{\"approved\": true}"}),
    );
    let described = server.ok("DescribeExecution", &json!({"executionArn": execution}));
    assert_eq!(described["status"], "SUCCEEDED");
    assert_eq!(described["output"], "{\"approved\":true}");
    assert!(described["stopDate"].as_f64() >= described["startDate"].as_f64());
    // Answered once, the task is closed.
    assert_eq!(
        server.error(
            "SendTaskSuccess",
            &json!({"taskToken": token, "output": "{}"})
        ),
        "TaskTimedOut"
    );

    // A failure sent fails the task, and the execution with it.
    let execution = server.start(&machine, "order-2", &json!({}));
    let token = token_in(&server.history(&execution));
    server.ok(
        "SendTaskFailure",
        &json!({"taskToken": token, "error": "Declined", "cause": "no stock"}),
    );
    let described = server.ok("DescribeExecution", &json!({"executionArn": execution}));
    assert_eq!(
        (described["status"].as_str(), described["error"].as_str()),
        (Some("FAILED"), Some("Declined"))
    );

    // Stopped while it waits: ABORTED, and its token is spent.
    let execution = server.start(&machine, "order-3", &json!({}));
    let token = token_in(&server.history(&execution));
    server.ok(
        "StopExecution",
        &json!({"executionArn": execution, "error": "Cancelled"}),
    );
    assert_eq!(server.status(&execution), "ABORTED");
    assert_eq!(
        server.error(
            "SendTaskSuccess",
            &json!({"taskToken": token, "output": "{}"})
        ),
        "TaskDoesNotExist"
    );
}

#[test]
fn a_year_long_wait_is_stepped_with_the_manual_clock() {
    let server = Server::launch(&["--clock", "manual"]);
    let year = 364 * 24 * 3600;
    let machine = server.create(
        "Renewal",
        &json!({"StartAt": "Wait", "States": {
            "Wait": {"Type": "Wait", "Seconds": year, "Next": "Remind"},
            "Remind": {"Type": "Pass", "Result": "reminded", "End": true}}}),
        "STANDARD",
    );
    let execution = server.start(&machine, "yearly", &json!({}));
    let advance = |seconds: u64| {
        let (status, body) = server.raw(
            "AslWorkbench.AdvanceClock",
            "localhost",
            json!({"seconds": seconds}).to_string().as_bytes(),
        );
        assert_eq!(status, 200, "{body}");
        body["now"].as_f64().expect("now")
    };
    let before = advance(year - 1);
    assert_eq!(server.status(&execution), "RUNNING");
    let after = advance(1);
    assert!((after - before - 1.0).abs() < 1e-3, "{before} -> {after}");
    let described = server.ok("DescribeExecution", &json!({"executionArn": execution}));
    assert_eq!(described["status"], "SUCCEEDED");
    assert_eq!(described["output"], "\"reminded\"");
    let seconds = described["stopDate"].as_f64().unwrap_or_default()
        - described["startDate"].as_f64().unwrap_or_default();
    assert!((seconds - year as f64).abs() < 0.01, "{seconds}");
    // The real clock is not moved by hand.
    let real = Server::launch(&[]);
    let (status, body) = real.raw(
        "AslWorkbench.AdvanceClock",
        "localhost",
        b"{\"seconds\": 1}",
    );
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("ValidationException"))
    );
}

#[test]
fn lists_and_histories_come_in_pages() {
    let server = Server::launch(&[]);
    let pass = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}});
    let machine = server.create("Paged", &pass, "STANDARD");
    let waiting = server.create("Waiting", &callback_machine(), "STANDARD");
    for i in 0..5 {
        server.start(&machine, &format!("run-{i}"), &json!({"i": i}));
    }
    server.start(&waiting, "waits", &json!({}));
    let mut names = Vec::new();
    let mut request = json!({"stateMachineArn": machine, "maxResults": 2});
    loop {
        let page = server.ok("ListExecutions", &request);
        let executions = page["executions"].as_array().expect("executions");
        assert!(executions.len() <= 2);
        names.extend(
            executions
                .iter()
                .map(|e| e["name"].as_str().unwrap_or_default().to_string()),
        );
        match page.get("nextToken") {
            Some(token) => request["nextToken"] = token.clone(),
            None => break,
        }
    }
    assert_eq!(names, ["run-4", "run-3", "run-2", "run-1", "run-0"]);
    let running = server.ok(
        "ListExecutions",
        &json!({"stateMachineArn": waiting, "statusFilter": "RUNNING"}),
    );
    assert_eq!(running["executions"].as_array().map(Vec::len), Some(1));
    let succeeded = server.ok(
        "ListExecutions",
        &json!({"stateMachineArn": waiting, "statusFilter": "SUCCEEDED"}),
    );
    assert_eq!(succeeded["executions"], json!([]));
    assert_eq!(
        server.error(
            "ListExecutions",
            &json!({"stateMachineArn": machine, "nextToken": "bogus"})
        ),
        "InvalidToken"
    );

    let execution = format!("{}:run-0", machine.replace(":stateMachine:", ":execution:"));
    let whole = server.history(&execution);
    assert_eq!(whole.len(), 6);
    let mut ids = Vec::new();
    let mut request = json!({"executionArn": execution, "maxResults": 4, "reverseOrder": true});
    loop {
        let page = server.ok("GetExecutionHistory", &request);
        ids.extend(
            page["events"]
                .as_array()
                .expect("events")
                .iter()
                .map(|e| e["id"].as_u64().unwrap_or(0)),
        );
        match page.get("nextToken") {
            Some(token) => request["nextToken"] = token.clone(),
            None => break,
        }
    }
    assert_eq!(ids, [6, 5, 4, 3, 2, 1]);
    let without = server.ok(
        "GetExecutionHistory",
        &json!({"executionArn": execution, "includeExecutionData": false}),
    );
    assert!(without.to_string().find("\"input\"").is_none(), "{without}");

    let listed = server.ok("ListStateMachines", &json!({"maxResults": 1}));
    assert_eq!(listed["stateMachines"].as_array().map(Vec::len), Some(1));
    let rest = server.ok(
        "ListStateMachines",
        &json!({"nextToken": listed["nextToken"]}),
    );
    assert_eq!(rest["stateMachines"][0]["name"], "Waiting");
}

#[test]
fn a_test_case_is_chosen_with_its_arn_suffix() {
    let mocks = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/order-fulfilment.mocks.json"
    );
    let definition = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/order-fulfilment.asl.json"
    ))
    .expect("the example");
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(mocks).expect("mocks")).expect("JSON");
    let (machine_name, cases) = config["StateMachines"]
        .as_object()
        .and_then(|m| m.iter().next())
        .map(|(name, m)| {
            (
                name.clone(),
                m["TestCases"].as_object().expect("cases").clone(),
            )
        })
        .expect("a state machine");
    let server = Server::launch(&["--mocks", mocks, "--clock", "manual"]);
    let machine = server.create(
        &machine_name,
        &serde_json::from_str(&definition).expect("JSON"),
        "STANDARD",
    );
    assert_eq!(
        server.error(
            "StartExecution",
            &json!({"stateMachineArn": format!("{machine}#NoSuchCase")})
        ),
        "ValidationException"
    );
    let case = cases.keys().next().expect("a test case");
    let input =
        config["StateMachines"][&machine_name]["TestCases"][case]["Expectations"]["Input"].clone();
    let answer = server.ok(
        "StartExecution",
        &json!({"stateMachineArn": format!("{machine}#{case}"), "name": "mocked",
                "input": if input.is_null() { json!({}) } else { input }.to_string()}),
    );
    let execution = answer["executionArn"].as_str().expect("an ARN");
    server.raw(
        "AslWorkbench.AdvanceClock",
        "localhost",
        b"{\"seconds\": 100000}",
    );
    let history = server.history(execution);
    assert!(
        history
            .iter()
            .any(|e| e["type"] == "TaskSucceeded" || e["type"] == "LambdaFunctionSucceeded"),
        "{history:?}"
    );
}

/// The history's shape, snapshotted: timestamps as seconds since the start.
#[test]
fn histories_take_aws_shape() {
    let server = Server::launch(&["--clock", "manual"]);
    let machine = server.create(
        "Shapes",
        &json!({"StartAt": "Pick", "States": {
            "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Both"}], "Default": "Fail"},
            "Both": {"Type": "Parallel", "Branches": [
                {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 5, "End": true}}},
                {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "Parameters": {"d.$": "States.MathAdd($.n, $.n)"}, "End": true}}}],
             "Next": "Each"},
            "Each": {"Type": "Map", "ItemsPath": "$[0].items", "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}, "End": true},
            "Fail": {"Type": "Fail", "Error": "Small"}}}),
        "STANDARD",
    );
    let execution = server.start(&machine, "shapes", &json!({"n": 2, "items": ["a", "b"]}));
    server.raw(
        "AslWorkbench.AdvanceClock",
        "localhost",
        b"{\"seconds\": 5}",
    );
    let history = server.history(&execution);
    let start = history[0]["timestamp"].as_f64().expect("a timestamp");
    let relative: Vec<Value> = history
        .into_iter()
        .map(|mut e| {
            let seconds = e["timestamp"].as_f64().unwrap_or_default() - start;
            e["timestamp"] = json!((seconds * 1000.0).round() / 1000.0);
            e
        })
        .collect();
    insta::assert_json_snapshot!(relative);
}

#[test]
fn an_activity_waits_for_its_worker() {
    let server = Server::launch(&[]);
    let activity = server.ok("CreateActivity", &json!({"name": "approve"}))["activityArn"]
        .as_str()
        .expect("an ARN")
        .to_string();
    assert_eq!(
        server.ok("DescribeActivity", &json!({"activityArn": activity}))["name"],
        "approve"
    );
    let machine = server.create(
        "Approval",
        &json!({"StartAt": "Approve", "States": {"Approve": {"Type": "Task", "Resource": activity, "End": true}}}),
        "STANDARD",
    );
    let execution = server.start(&machine, "a1", &json!({"amount": 5}));
    let task = server.ok(
        "GetActivityTask",
        &json!({"activityArn": activity, "workerName": "w"}),
    );
    assert_eq!(task["input"], "{\"amount\":5}");
    let token = task["taskToken"].as_str().expect("a token");
    server.ok(
        "SendTaskSuccess",
        &json!({"taskToken": token, "output": "{\"ok\": 1}"}),
    );
    assert_eq!(server.status(&execution), "SUCCEEDED");
    // A task other than those fails, naming its state.
    let unserved = server.create(
        "Unserved",
        &json!({"StartAt": "Put", "States": {"Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "t", "Item": {}}, "End": true}}}),
        "STANDARD",
    );
    let execution = server.start(&unserved, "u1", &json!({}));
    let described = server.ok("DescribeExecution", &json!({"executionArn": execution}));
    assert_eq!(described["status"], "FAILED");
    assert!(
        described["cause"]
            .as_str()
            .unwrap_or_default()
            .contains("'Put'"),
        "{described}"
    );
}

#[test]
fn sync_calls_are_answered_whatever_the_host() {
    let server = Server::launch(&[]);
    let machine = server.create(
        "Quick",
        &json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"x": 1}, "End": true}}}),
        "EXPRESS",
    );
    let request = json!({"stateMachineArn": machine, "input": "{}"});
    let (status, body) = server.raw(
        "AWSStepFunctions.StartSyncExecution",
        &format!("sync-localhost:{}", server.port),
        request.to_string().as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["output"].as_str()),
        (Some("SUCCEEDED"), Some("{\"x\":1}"))
    );
    assert!(body["executionArn"]
        .as_str()
        .unwrap_or_default()
        .contains(":express:Quick:"));
}

/// A stand-in for a local Lambda emulator: answers Lambda's Invoke API with the payload it got
/// (or the function error a payload with `"fail"` asks for), and reports each path called.
fn fake_lambda() -> (u16, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("an address").port();
    let (paths, called) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = n.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let path = head.split(' ').nth(1).unwrap_or_default().to_string();
            let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let (extra, answer) = if payload.get("fail").is_some() {
                (
                    "X-Amz-Function-Error: Unhandled\r\n",
                    json!({"errorType": "Boom", "errorMessage": "it broke"}),
                )
            } else {
                ("", json!({"echo": payload}))
            };
            let answer = answer.to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = reader.get_mut().write_all(response.as_bytes());
            let _ = paths.send(path);
        }
    });
    (port, called)
}

/// Wait (a little) for an execution to leave RUNNING.
fn ended(server: &Server, execution: &str) -> Value {
    for _ in 0..1000 {
        let described = server.ok("DescribeExecution", &json!({"executionArn": execution}));
        if described["status"] != "RUNNING" {
            return described;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{execution} still runs");
}

#[test]
fn unmocked_lambda_calls_go_to_the_lambda_endpoint() {
    let (port, called) = fake_lambda();
    let server = Server::launch(&["--lambda-endpoint", &format!("http://127.0.0.1:{port}")]);
    let machine = server.create(
        "Lambdas",
        &json!({"StartAt": "Invoke", "States": {
            "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:greet:live", "Payload.$": "$"},
                       "ResultSelector": {"got.$": "$.Payload.echo"}, "Next": "Bare"},
            "Bare": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:plain", "End": true}}}),
        "STANDARD",
    );
    let execution = server.start(&machine, "l1", &json!({"who": "me"}));
    let described = ended(&server, &execution);
    assert_eq!(described["status"], "SUCCEEDED", "{described}");
    assert_eq!(described["output"], "{\"echo\":{\"got\":{\"who\":\"me\"}}}");
    let paths: Vec<String> = called.try_iter().collect();
    assert_eq!(
        paths,
        [
            "/2015-03-31/functions/greet/invocations",
            "/2015-03-31/functions/plain/invocations"
        ]
    );
    let execution = server.start(&machine, "l2", &json!({"fail": true}));
    let described = ended(&server, &execution);
    assert_eq!(
        (described["status"].as_str(), described["error"].as_str()),
        (Some("FAILED"), Some("Boom"))
    );
}

#[test]
fn time_runs_faster_with_a_time_scale() {
    let server = Server::launch(&["--time-scale", "1000"]);
    let machine = server.create(
        "Minute",
        &json!({"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 60, "End": true}}}),
        "STANDARD",
    );
    let started = std::time::Instant::now();
    let execution = server.start(&machine, "m", &json!({}));
    assert_eq!(ended(&server, &execution)["status"], "SUCCEEDED");
    // A minute at 1000 times: 60 ms, well inside 10 s on a busy machine.
    assert!(
        started.elapsed().as_secs_f64() < 10.0,
        "{:?}",
        started.elapsed()
    );
    // A heartbeat that never comes times the task out, on the same clock.
    let machine = server.create("Beats", &callback_machine(), "STANDARD");
    let execution = server.start(&machine, "b", &json!({}));
    let described = ended(&server, &execution);
    assert_eq!(
        (described["status"].as_str(), described["error"].as_str()),
        (Some("FAILED"), Some("States.Timeout"))
    );
}

#[test]
fn finished_executions_are_kept_up_to_the_limit() {
    let server = Server::launch(&["--max-executions", "2"]);
    let pass = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    let machine = server.create("Few", &pass, "STANDARD");
    let waiting = server.create("Waits", &callback_machine(), "STANDARD");
    let running = server.start(&waiting, "w", &json!({}));
    let executions: Vec<String> = (0..4)
        .map(|i| server.start(&machine, &format!("e{i}"), &json!({})))
        .collect();
    assert_eq!(
        server.error("DescribeExecution", &json!({"executionArn": executions[0]})),
        "ExecutionDoesNotExist"
    );
    assert_eq!(server.status(&executions[3]), "SUCCEEDED");
    // A running execution is never dropped.
    assert_eq!(server.status(&running), "RUNNING");
    let listed = server.ok("ListExecutions", &json!({"stateMachineArn": machine}));
    assert_eq!(listed["executions"].as_array().map(Vec::len), Some(2));
}

#[test]
fn get_activity_task_waits_for_a_task() {
    let server = Server::launch(&[]);
    let activity = server.ok("CreateActivity", &json!({"name": "later"}))["activityArn"]
        .as_str()
        .expect("an ARN")
        .to_string();
    let machine = server.create(
        "Later",
        &json!({"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": true}}}),
        "STANDARD",
    );
    let poller = server.client.clone();
    let worker =
        std::thread::spawn(move || poller.ok("GetActivityTask", &json!({"activityArn": activity})));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let execution = server.start(&machine, "late", &json!({"n": 1}));
    let task = worker.join().expect("the worker");
    assert_eq!(task["input"], "{\"n\":1}");
    server.ok(
        "SendTaskSuccess",
        &json!({"taskToken": task["taskToken"], "output": "{}"}),
    );
    assert_eq!(server.status(&execution), "SUCCEEDED");
    let listed = server.ok("ListActivities", &json!({}));
    assert_eq!(listed["activities"][0]["name"], "later");
    server.ok(
        "DeleteActivity",
        &json!({"activityArn": listed["activities"][0]["activityArn"]}),
    );
    assert_eq!(
        server.error(
            "DescribeActivity",
            &json!({"activityArn": listed["activities"][0]["activityArn"]})
        ),
        "ActivityDoesNotExist"
    );
}

#[test]
fn state_machines_are_updated_validated_tagged_and_tested() {
    let server = Server::launch(&[]);
    let first =
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": true}}});
    let machine = server.create("Versions", &first, "STANDARD");
    let old = server.start(&machine, "old", &json!({}));
    let second =
        json!({"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "End": true}}});
    server.ok(
        "UpdateStateMachine",
        &json!({"stateMachineArn": machine, "definition": second.to_string()}),
    );
    let described = server.ok("DescribeStateMachine", &json!({"stateMachineArn": machine}));
    assert_eq!(described["definition"], second.to_string());
    let for_old = server.ok(
        "DescribeStateMachineForExecution",
        &json!({"executionArn": old}),
    );
    assert_eq!(for_old["definition"], first.to_string());

    let valid = server.ok(
        "ValidateStateMachineDefinition",
        &json!({"definition": second.to_string()}),
    );
    assert_eq!(
        valid,
        json!({"result": "OK", "diagnostics": [], "truncated": false})
    );
    let broken = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Gone"}}});
    let invalid = server.ok(
        "ValidateStateMachineDefinition",
        &json!({"definition": broken.to_string()}),
    );
    assert_eq!(invalid["result"], "FAIL");
    let diagnostics = invalid["diagnostics"].as_array().expect("diagnostics");
    let missing = diagnostics
        .iter()
        .find(|d| d["location"] == "/States/A/Next")
        .unwrap_or_else(|| panic!("{invalid}"));
    assert_eq!(missing["severity"], "ERROR");
    assert_eq!(missing["code"], "MISSING_TRANSITION_TARGET");

    server.ok("TagResource", &json!({"resourceArn": machine, "tags": [{"key": "team", "value": "a"}, {"key": "env", "value": "dev"}]}));
    server.ok(
        "UntagResource",
        &json!({"resourceArn": machine, "tagKeys": ["env"]}),
    );
    let tags = server.ok("ListTagsForResource", &json!({"resourceArn": machine}));
    assert_eq!(tags, json!({"tags": [{"key": "team", "value": "a"}]}));

    let tested = server.ok(
        "TestState",
        &json!({"definition": json!({"Type": "Pass", "Parameters": {"x.$": "$.a"}, "End": true}).to_string(), "input": "{\"a\": 3}"}),
    );
    assert_eq!(
        (tested["status"].as_str(), tested["output"].as_str()),
        (Some("SUCCEEDED"), Some("{\"x\":3}"))
    );

    server.ok("DeleteStateMachine", &json!({"stateMachineArn": machine}));
    assert_eq!(
        server.error("DescribeStateMachine", &json!({"stateMachineArn": machine})),
        "StateMachineDoesNotExist"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = Server::launch(&[]);
    let pid = server.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = server.child.wait().expect("the server ends");
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_history_stops_at_aws_limit_and_pages_through() {
    let server = Server::launch(&[]);
    let machine = server.create(
        "Forever",
        &json!({"StartAt": "Loop", "States": {
            "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "End"}], "Default": "Loop"},
            "End": {"Type": "Succeed"}}}),
        "STANDARD",
    );
    let execution = server.start(&machine, "loops", &json!({}));
    let described = server.ok("DescribeExecution", &json!({"executionArn": execution}));
    assert_eq!(
        (described["status"].as_str(), described["error"].as_str()),
        (Some("FAILED"), Some("States.Runtime"))
    );
    let mut request =
        json!({"executionArn": execution, "maxResults": 1000, "includeExecutionData": false});
    let mut next_id = 1;
    loop {
        let page = server.ok("GetExecutionHistory", &request);
        for event in page["events"].as_array().expect("events") {
            assert_eq!(event["id"], next_id);
            next_id += 1;
        }
        match page.get("nextToken") {
            Some(token) => request["nextToken"] = token.clone(),
            None => break,
        }
    }
    let count = next_id - 1;
    // The engine stops at the first state boundary past 25,000 and records the failure.
    assert!((25_000..=25_002).contains(&count), "{count} events");
}

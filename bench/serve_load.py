#!/usr/bin/env python3
"""Load on `asl-sim serve` beside moto's server, one workload on both, in one run.

1,000 executions of a callback machine (sqs:sendMessage.waitForTaskToken, as the seed page's
example) are started at once; 8 client threads (boto3) then answer them: each takes a waiting
execution's token from its history (the TaskScheduled event's parameters) and calls
SendTaskSuccess. Checked: every execution SUCCEEDED with the worker's output, and every
history holds each event exactly once (ids 1..n, the same event types as every other
execution's, none twice). Reported: executions per second (first StartExecution to the last
execution's end), p50 / p99 of SendTaskSuccess -> execution end (the execution's stopDate
against the wall clock just before the call: both servers stamp stopDate from the same clock),
and the server's resident memory after the run (VmRSS) and at its peak (VmHWM).

moto runs executions only when its config says so (POST /moto-api/config with
{"stepfunctions": {"execute_state_machine": true}}); its interpreter sends the SQS message to
moto's own SQS at MOTO_PORT, so the queue is created there first.

Run with the clients' Python (tests/clients/install.sh puts boto3 and moto under target/clients):
    target/clients/python/bin/python bench/serve_load.py [--executions 1000] [--threads 8]
        [--only serve|moto]
asl-sim is built with `cargo build --release -p asl-sim` first (unless --serve-binary is given).
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLE = "arn:aws:iam::123456789012:role/serve-load"
QUEUE = "serve-load"
# Real-time bounds: past them the run fails rather than hangs.
START_BOUND, ANSWER_BOUND, END_BOUND = 600, 900, 300


def definition(queue_url):
    return json.dumps({
        "StartAt": "Wait for the worker",
        "States": {
            "Wait for the worker": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": queue_url,
                    "MessageBody": {"order.$": "$.order", "TaskToken.$": "$$.Task.Token"},
                },
                "TimeoutSeconds": 3600,
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    })


def sfn_client(endpoint):
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        # Signed as every SDK call is (moto routes a request by its signature's service; neither
        # server checks it), unvalidated: the same client for both servers.
        config=Config(inject_host_prefix=False, retries={"total_max_attempts": 1}, max_pool_connections=4,
                      parameter_validation=False),
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory(pid):
    """VmRSS and VmHWM of the process (MiB)."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def wait_until_up(port, bound=60):
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"serve_load: nothing listens on port {port} after {bound} s")


def start_serve(binary):
    process = subprocess.Popen([binary, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        sys.exit(f"serve_load: asl-sim serve printed {line!r}")
    return process, line.removeprefix("listening on "), "https://sqs.us-east-1.amazonaws.com/123456789012/serve-load"


def start_moto(moto_server):
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    # MOTO_PORT: where moto's interpreter sends the SQS call (its own server).
    process = subprocess.Popen([moto_server, "-H", "127.0.0.1", "-p", str(port)], env={**os.environ, "MOTO_PORT": str(port)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_up(port)
    request = urllib.request.Request(f"{endpoint}/moto-api/config", method="POST",
                                     data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    return process, endpoint, queue_url


def in_threads(threads, items, work):
    """Runs work(client_index, item) over items split across `threads` threads; the errors."""
    errors = []
    def run(index):
        try:
            for item in items[index::threads]:
                work(index, item)
        except Exception as error:  # reported, and the run fails
            errors.append(repr(error))
    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors


def token_of(client, execution_arn):
    deadline = time.monotonic() + ANSWER_BOUND
    while time.monotonic() < deadline:
        events = client.get_execution_history(executionArn=execution_arn, reverseOrder=True, maxResults=20)["events"]
        for event in events:
            if event["type"] == "TaskScheduled":
                return json.loads(event["taskScheduledEventDetails"]["parameters"])["MessageBody"]["TaskToken"]
        time.sleep(0.01)
    raise TimeoutError(f"no TaskScheduled in {execution_arn}")


def full_history(client, execution_arn):
    events, token = [], None
    while True:
        page = client.get_execution_history(executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token else {}))
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


def run_workload(name, endpoint, queue_url, executions, threads):
    clients = [sfn_client(endpoint) for _ in range(threads)]
    arn = clients[0].create_state_machine(name="serve-load", definition=definition(queue_url), roleArn=ROLE)["stateMachineArn"]
    runs = list(range(executions))
    arns, sent = {}, {}
    began = time.time()

    def start(index, order):
        arns[order] = clients[index].start_execution(stateMachineArn=arn, name=f"order-{order}", input=json.dumps({"order": order}))["executionArn"]
    errors = in_threads(threads, runs, start)
    started = time.time()

    def answer(index, order):
        token = token_of(clients[index], arns[order])
        sent[order] = time.time()
        clients[index].send_task_success(taskToken=token, output=json.dumps({"order": order, "answered": True}))
    errors += in_threads(threads, runs, answer)
    answered = time.time()

    ends, outcomes, shapes = {}, {}, {}
    def verify(index, order):
        deadline = time.monotonic() + END_BOUND
        while True:
            described = clients[index].describe_execution(executionArn=arns[order])
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        outcomes[order] = (described["status"], described.get("output"))
        ends[order] = described.get("stopDate")
        shapes[order] = [(event["id"], event["type"]) for event in full_history(clients[index], arns[order])]
    errors += in_threads(threads, runs, verify)
    if errors:
        sys.exit(f"serve_load: {name}: {len(errors)} client errors, first: {errors[0]}")

    problems = []
    for order in runs:
        status, output = outcomes[order]
        if status != "SUCCEEDED" or json.loads(output or "null") != {"order": order, "answered": True}:
            problems.append(f"order-{order}: {status} {output}")
    reference = [kind for _, kind in shapes[0]]
    for order in runs:
        ids = [event_id for event_id, _ in shapes[order]]
        kinds = [kind for _, kind in shapes[order]]
        if ids != list(range(1, len(ids) + 1)) or kinds != reference or len(set(kinds)) != len(kinds):
            problems.append(f"order-{order}: history {shapes[order]} (the first's: {reference})")
    if problems:
        sys.exit(f"serve_load: {name}: {len(problems)} executions wrong, first: {problems[0]}")
    last_end = max(end.timestamp() for end in ends.values())
    latencies = sorted(ends[order].timestamp() - sent[order] for order in runs)
    return {
        "executions_per_second": executions / (last_end - began),
        "start_seconds": started - began,
        "answer_seconds": answered - started,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "events": len(reference),
        "event_types": reference,
    }


def measure(name, server, executions, threads):
    process, endpoint, queue_url = server
    try:
        figures = run_workload(name, endpoint, queue_url, executions, threads)
        figures["rss_mib"], figures["peak_rss_mib"] = memory(process.pid)
        return figures
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executions", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--only", choices=["serve", "moto"])
    parser.add_argument("--serve-binary", help="an asl-sim binary (default: build target/release/asl-sim)")
    parser.add_argument("--moto-server", default=os.path.join(ROOT, "target/clients/moto/bin/moto_server"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = {}
    if args.only != "moto":
        binary = args.serve_binary
        if not binary:
            subprocess.run(["cargo", "build", "--release", "-q", "-p", "asl-sim", "--bin", "asl-sim"], cwd=ROOT, check=True)
            binary = os.path.join(ROOT, "target/release/asl-sim")
        results["asl-sim serve"] = measure("serve", start_serve(binary), args.executions, args.threads)
    if args.only != "serve":
        results["moto_server"] = measure("moto", start_moto(args.moto_server), args.executions, args.threads)
    print(f"{args.executions} executions waiting for a token, answered from {args.threads} boto3 threads; "
          f"load average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"{'server':<15}{'exec/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'RSS MiB':>9}{'peak MiB':>10}{'start s':>9}{'answer s':>10}{'events':>8}")
    for name, row in results.items():
        print(f"{name:<15}{row['executions_per_second']:>9.1f}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['rss_mib']:>9.1f}"
              f"{row['peak_rss_mib']:>10.1f}{row['start_seconds']:>9.2f}{row['answer_seconds']:>10.2f}{row['events']:>8}")
    for name, row in results.items():
        print(f"{name} history: {' '.join(row['event_types'])}")
    if len(results) == 2:
        serve, moto = results["asl-sim serve"], results["moto_server"]
        ratio = serve["executions_per_second"] / moto["executions_per_second"]
        print(f"serve / moto: {ratio:.1f}x the executions per second; p99 {serve['p99_ms']:.1f} ms against {moto['p99_ms']:.1f} ms")


if __name__ == "__main__":
    main()

"""A worker process for `asl-sim serve`, written as users write theirs: boto3 only.

    boto3_worker.py ENDPOINT callback EXECUTION_ARN OUTPUT_JSON
    boto3_worker.py ENDPOINT fail EXECUTION_ARN ERROR CAUSE
    boto3_worker.py ENDPOINT heartbeat EXECUTION_ARN BEATS SECONDS OUTPUT_JSON
    boto3_worker.py ENDPOINT stop EXECUTION_ARN BEATS SECONDS
    boto3_worker.py ENDPOINT activity ACTIVITY_ARN COUNT WORKER_NAME

A callback worker takes the task token from the execution's history (the TaskScheduled event's
parameters: the message the state sent), as a worker without the real queue would. `heartbeat`
sends BEATS heartbeats with SECONDS of (manual) clock between them, then answers; `stop` sends
its heartbeats and exits without answering, as a crashed worker does. `activity` polls
GetActivityTask and answers COUNT tasks with {"doubled": 2 * input.n, "worker": WORKER_NAME}.
Exit 0 when the worker did its part; anything else is a failure the driver reports.
"""

import json
import sys
import time
import urllib.request

import boto3
from botocore.config import Config


def client(endpoint):
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(inject_host_prefix=False, retries={"total_max_attempts": 1}),
    )


def advance_clock(endpoint, seconds):
    """The server's manual clock moved on: the control call, not part of AWS's API."""
    request = urllib.request.Request(
        endpoint,
        data=json.dumps({"seconds": seconds}).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AslWorkbench.AdvanceClock",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def find_token(value):
    """The task token in a state's parameters: the string under a key naming it, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if "tasktoken" in key.lower() and isinstance(item, str):
                return item
            found = find_token(item)
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = find_token(item)
            if found:
                return found
    return None


def token_from_history(sfn, execution_arn, deadline_seconds=30):
    """Polls the history until the waiting task's TaskScheduled event is there."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        events = sfn.get_execution_history(executionArn=execution_arn, reverseOrder=True)["events"]
        for event in events:
            if event["type"] == "TaskScheduled":
                parameters = json.loads(event["taskScheduledEventDetails"]["parameters"])
                token = find_token(parameters)
                if token:
                    return token
                sys.exit(f"worker: TaskScheduled without a token: {parameters}")
        time.sleep(0.05)
    sys.exit(f"worker: no TaskScheduled event in {deadline_seconds} s for {execution_arn}")


def beat(endpoint, sfn, token, beats, seconds):
    for _ in range(beats):
        sfn.send_task_heartbeat(taskToken=token)
        advance_clock(endpoint, seconds)


def activity(sfn, activity_arn, count, worker_name):
    answered = 0
    deadline = time.monotonic() + 60
    while answered < count and time.monotonic() < deadline:
        task = sfn.get_activity_task(activityArn=activity_arn, workerName=worker_name)
        if not task.get("taskToken"):
            continue  # the long poll ended with no task: poll again, as workers do
        task_input = json.loads(task["input"])
        output = {"doubled": 2 * task_input["n"], "worker": worker_name}
        sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps(output))
        answered += 1
    if answered < count:
        sys.exit(f"worker: answered {answered} of {count} activity tasks in 60 s")


def main(argv):
    endpoint, mode, target, *rest = argv
    sfn = client(endpoint)
    if mode == "activity":
        activity(sfn, target, int(rest[0]), rest[1])
        return
    token = token_from_history(sfn, target)
    if mode == "callback":
        sfn.send_task_success(taskToken=token, output=rest[0])
    elif mode == "fail":
        sfn.send_task_failure(taskToken=token, error=rest[0], cause=rest[1])
    elif mode == "heartbeat":
        beat(endpoint, sfn, token, int(rest[0]), int(rest[1]))
        sfn.send_task_success(taskToken=token, output=rest[2])
    elif mode == "stop":
        beat(endpoint, sfn, token, int(rest[0]), int(rest[1]))
    else:
        sys.exit(f"worker: unknown mode {mode}")
    # The driver reads the token back to try it again once the task is closed.
    print(token)


if __name__ == "__main__":
    main(sys.argv[1:])

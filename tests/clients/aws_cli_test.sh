#!/usr/bin/env bash
# The AWS CLI (PyPI awscli) against `asl-sim serve`, as a shell user's suite drives it. Run by
# tests/tests/serve_clients.rs, which starts `asl-sim serve --clock manual --mocks M` (the
# examples' mock files merged) and passes ASL_SERVE_ENDPOINT and ASL_EXAMPLES. Each check moves
# the manual clock itself and leaves nothing running; the workers are aws_cli_worker.sh.
# `aws_cli_test.sh paging exceptions` runs only those checks.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
worker="$here/aws_cli_worker.sh"
role=arn:aws:iam::123456789012:role/asl-sim-clients
# StartSyncExecution and TestState would go to sync-127.0.0.1, which does not resolve: the
# CLI's setting that turns the prefix off (also `disable_host_prefix_injection = true` in
# ~/.aws/config).
export AWS_DISABLE_HOST_PREFIX_INJECTION=true
export AWS_MAX_ATTEMPTS=1

command -v curl >/dev/null || { echo "aws-cli: curl is needed for the server's clock calls" >&2; exit 2; }
sfn() { aws --endpoint-url "$ASL_SERVE_ENDPOINT" stepfunctions "$@"; }
advance_clock() {
  curl -sf -X POST "$ASL_SERVE_ENDPOINT" -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: AslWorkbench.AdvanceClock' -d "{\"seconds\": $1}" >/dev/null
}

passed=0 failed=0
only=("$@") # check names to run (default: all)
fail() { echo "  $*" >&2; return 1; }
# check NAME FUNCTION: runs one check and tallies it.
# (set -e holds in the subshell only because it is not an if's condition.)
check() {
  if [ "${#only[@]}" -gt 0 ] && [[ " ${only[*]} " != *" $2 "* ]]; then return; fi
  ( set -e; "$2" )
  if [ $? -eq 0 ]; then
    passed=$((passed + 1)); echo "ok - $1"
  else
    failed=$((failed + 1)); echo "not ok - $1"
  fi
}
expect() { [ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"; }
words() { xargs; }

machine() { # NAME FILE [TYPE]: the state machine's ARN, created on first use
  local arn
  arn=$(sfn list-state-machines --query "stateMachines[?name=='$1'].stateMachineArn | [0]" --output text)
  if [ "$arn" = "None" ]; then
    arn=$(sfn create-state-machine --name "$1" --definition "file://$2" --role-arn "$role" \
      --type "${3:-STANDARD}" --query stateMachineArn --output text)
  fi
  echo "$arn"
}
example() { machine "$1" "$ASL_EXAMPLES/$1.asl.json"; }
start() { sfn start-execution --state-machine-arn "$1" "${@:2}" --query executionArn --output text; }
status() { sfn describe-execution --execution-arn "$1" --query status --output text; }
wait_for_end() {
  for _ in $(seq 1 200); do
    [ "$(status "$1")" != RUNNING ] && return 0
    sleep 0.1
  done
  fail "$1 still RUNNING"
}
wait_for_event() {
  for _ in $(seq 1 200); do
    sfn get-execution-history --execution-arn "$1" --query "events[].type" --output text | grep -qw "$2" && return 0
    sleep 0.1
  done
  fail "no $2 in $1"
}
# aws_error CODE COMMAND...: the call fails with AWS's exception CODE, as the CLI reports it.
aws_error() {
  local out
  if out=$(sfn "${@:2}" 2>&1); then fail "expected $1, the call succeeded: $out"; fi
  grep -q "An error occurred ($1)" <<<"$out" || fail "expected $1, got: $out"
}

request_response() {
  local arn run
  arn=$(example sns-publish)
  run=$(start "$arn#Published")
  wait_for_end "$run"
  expect status "$(status "$run")" SUCCEEDED
  expect output "$(sfn describe-execution --execution-arn "$run" --query output --output text)" \
    '{"MessageId":"9d2f4d4c-0b1c-4a59-9f35-2b9a0c5e7a11"}'
}

sync_job() {
  local arn run
  arn=$(example batch-job)
  run=$(start "$arn#JobSucceeds")
  wait_for_event "$run" TaskScheduled
  advance_clock 1000
  expect "after 1000 s" "$(status "$run")" RUNNING
  advance_clock 200
  wait_for_end "$run"
  expect status "$(status "$run")" SUCCEEDED
}

callback_worker() {
  local arn run
  arn=$(example sqs-callback)
  run=$(start "$arn" --input '{"order": 9}')
  bash "$worker" callback "$run" '{"approvedBy": "cli-worker"}' >/dev/null
  wait_for_end "$run"
  expect status "$(status "$run")" SUCCEEDED
  expect output "$(sfn describe-execution --execution-arn "$run" --query output --output text)" \
    '{"approvedBy":"cli-worker"}'
}

callback_test_cases() {
  local arn approved silent
  arn=$(example sqs-callback)
  approved=$(start "$arn#Approved")
  silent=$(start "$arn#NobodyAnswers")
  wait_for_event "$approved" TaskScheduled
  wait_for_event "$silent" TaskScheduled
  advance_clock 86400
  wait_for_end "$approved"
  wait_for_end "$silent"
  expect approved "$(status "$approved")" SUCCEEDED
  expect silent "$(sfn describe-execution --execution-arn "$silent" --query '[status, error]' --output text)" \
    "FAILED	States.Timeout"
}

heartbeat_keeps_alive() {
  local arn run
  arn=$(example heartbeat)
  run=$(start "$arn")
  bash "$worker" heartbeat "$run" 3 500 '{"approved": true}' >/dev/null
  wait_for_end "$run"
  expect status "$(status "$run")" SUCCEEDED
}

heartbeat_stops() {
  local arn run token
  arn=$(example heartbeat)
  run=$(start "$arn")
  token=$(bash "$worker" stop "$run" 2 500)
  expect "within HeartbeatSeconds" "$(status "$run")" RUNNING
  advance_clock 150
  wait_for_end "$run"
  expect failed "$(sfn describe-execution --execution-arn "$run" --query '[status, error]' --output text)" \
    "FAILED	States.Timeout"
  sfn get-execution-history --execution-arn "$run" --query "events[].type" --output text | grep -qw TaskTimedOut \
    || fail "no TaskTimedOut event"
  aws_error TaskTimedOut send-task-heartbeat --task-token "$token"
}

activity_worker() {
  local activity arn run definition
  activity=$(sfn create-activity --name cli-double-it --query activityArn --output text)
  definition="$PWD/cli-activity.asl.json"
  printf '{"StartAt": "Double", "States": {"Double": {"Type": "Task", "Resource": "%s", "End": true}}}' \
    "$activity" > "$definition"
  arn=$(machine cli-activity-double "$definition")
  run=$(start "$arn" --input '{"n": 21}')
  bash "$worker" activity "$activity" cli-worker >/dev/null
  wait_for_end "$run"
  expect output "$(sfn describe-execution --execution-arn "$run" --query output --output text)" '{"doubled":42}'
  sfn delete-activity --activity-arn "$activity"
  aws_error ActivityDoesNotExist describe-activity --activity-arn "$activity"
}

paging() {
  local arn name token first second all
  arn=$(example sns-publish)
  for name in page-a page-b page-c page-d page-e; do start "$arn#Published" --name "$name" >/dev/null; done
  wait_for_end "${arn/:stateMachine:/:execution:}:page-e"
  # The CLI walks nextToken itself: five executions fetched two at a time.
  all=$(sfn list-executions --state-machine-arn "$arn" --page-size 2 --query 'length(executions)')
  [ "$all" -ge 5 ] || fail "list-executions --page-size 2 gave $all"
  # One service page: two executions and the server's nextToken.
  expect "one page" "$(sfn list-executions --state-machine-arn "$arn" --no-paginate --max-results 2 \
    --query '[length(executions), nextToken != null]' --output text)" "2	True"
  # The CLI's own paging on top: --max-items and --starting-token.
  token=$(sfn list-executions --state-machine-arn "$arn" --max-items 2 --output json |
    sed -n 's/.*"NextToken": "\(.*\)".*/\1/p')
  # (Text output adds the NextToken line after the names: only the first line is kept.)
  first=$(sfn list-executions --state-machine-arn "$arn" --max-items 2 --query 'executions[].name' --output text)
  second=$(sfn list-executions --state-machine-arn "$arn" --max-items 2 --starting-token "$token" \
    --query 'executions[].name' --output text)
  first=${first%%$'\n'*} second=${second%%$'\n'*}
  [ "$(wc -w <<<"$first $second")" -eq 4 ] || fail "two pages of two: $first / $second"
  for name in $second; do
    if grep -qw -- "$name" <<<"$first"; then fail "$name on both pages"; fi
  done
  local run="${arn/:stateMachine:/:execution:}:page-e" whole paged
  # (Text output puts each page's ids on a line of their own: compared as words.)
  whole=$(sfn get-execution-history --execution-arn "$run" --no-paginate --max-results 1000 --query 'events[].id' --output text | words)
  paged=$(sfn get-execution-history --execution-arn "$run" --page-size 2 --query 'events[].id' --output text | words)
  expect "history paged by 2" "$paged" "$whole"
  expect "history reversed" "$(sfn get-execution-history --execution-arn "$run" --page-size 3 --reverse-order \
    --query 'events[].id' --output text | words | tr ' ' '\n' | tac | xargs)" "$whole"
}

exceptions() {
  local arn machine execution
  arn=$(example sqs-callback)
  machine=${arn/:sqs-callback/:no-such-machine}
  execution=${arn/:stateMachine:/:execution:}:no-such-execution
  printf '%s' '{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Nowhere"}], "Default": "Done"}, "Done": {"Type": "Succeed"}}}' > "$PWD/broken.asl.json"
  aws_error StateMachineDoesNotExist describe-state-machine --state-machine-arn "$machine"
  aws_error ValidationException start-execution --state-machine-arn "$arn#NoSuchTestCase"
  aws_error ExecutionDoesNotExist describe-execution --execution-arn "$execution"
  aws_error InvalidArn describe-state-machine --state-machine-arn not-an-arn
  aws_error InvalidDefinition create-state-machine --name broken --definition "file://$PWD/broken.asl.json" --role-arn "$role"
  aws_error InvalidName create-state-machine --name "has spaces" --definition "file://$ASL_EXAMPLES/sns-publish.asl.json" --role-arn "$role"
  aws_error InvalidToken send-task-success --task-token NoSuchTaskToken --task-output '{}'
  aws_error InvalidExecutionInput start-execution --state-machine-arn "$arn" --input '{not json'
  local once token
  once=$(start "$arn" --name once --input '{"a": 1}')
  aws_error ExecutionAlreadyExists start-execution --state-machine-arn "$arn" --name once --input '{"a": 2}'
  token=$(bash "$worker" stop "$once" 0 0)
  sfn stop-execution --execution-arn "$once" >/dev/null
  wait_for_end "$once"
  aws_error TaskDoesNotExist send-task-success --task-token "$token" --task-output '{}'
  aws_error StateMachineAlreadyExists create-state-machine --name sqs-callback \
    --definition "file://$ASL_EXAMPLES/sns-publish.asl.json" --role-arn "$role"
  aws_error ActivityDoesNotExist describe-activity --activity-arn "${arn/:stateMachine:sqs-callback/:activity:no-such-activity}"
  aws_error ValidationException list-executions --state-machine-arn "$arn" --no-paginate --max-results 1001
  # An operation the server does not know, as a newer CLI would send it.
  local out
  out=$(curl -s -X POST "$ASL_SERVE_ENDPOINT" -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: AWSStepFunctions.NoSuchOperation' -d '{}')
  grep -q 'UnknownOperationException' <<<"$out" || fail "unknown operation answered: $out"
}

host_prefix() {
  local definition arn
  definition="$PWD/express-echo.asl.json"
  printf '{"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Parameters": {"echo.$": "$.say"}, "End": true}}}' > "$definition"
  arn=$(machine cli-express-echo "$definition" EXPRESS)
  expect "start-sync-execution" "$(sfn start-sync-execution --state-machine-arn "$arn" --input '{"say": "hi"}' \
    --query '[status, output]' --output text)" 'SUCCEEDED	{"echo":"hi"}'
  expect "test-state" "$(sfn test-state --definition '{"Type": "Pass", "Result": 42, "End": true}' --role-arn "$role" \
    --query '[status, output]' --output text)" 'SUCCEEDED	42'
}

check "request-response (sns-publish#Published)" request_response
check ".sync (batch-job#JobSucceeds)" sync_job
check "callback worker takes the token from the history" callback_worker
check "callback test cases (#Approved, #NobodyAnswers)" callback_test_cases
check "heartbeats keep a task alive" heartbeat_keeps_alive
check "a worker that stops heartbeating times out" heartbeat_stops
check "activity worker" activity_worker
check "paging" paging
check "exceptions" exceptions
check "start-sync-execution and test-state without the host prefix" host_prefix
echo "aws-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# A worker for `asl-sim serve` written with the AWS CLI, as a shell user writes one:
#   aws_cli_worker.sh callback EXECUTION_ARN OUTPUT_JSON
#   aws_cli_worker.sh heartbeat EXECUTION_ARN BEATS SECONDS OUTPUT_JSON
#   aws_cli_worker.sh stop EXECUTION_ARN BEATS SECONDS
#   aws_cli_worker.sh activity ACTIVITY_ARN WORKER_NAME
# The token comes from the history: the TaskScheduled event's parameters (the message the state
# sent). `heartbeat` sends BEATS heartbeats SECONDS of manual clock apart, then answers; `stop`
# heartbeats and exits without answering. `activity` answers one task with {"doubled": 2n}.
# Prints the token it used.
set -euo pipefail
sfn() { aws --endpoint-url "$ASL_SERVE_ENDPOINT" stepfunctions "$@"; }
advance_clock() {
  curl -sf -X POST "$ASL_SERVE_ENDPOINT" -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: AslWorkbench.AdvanceClock' -d "{\"seconds\": $1}" >/dev/null
}

token_from_history() {
  local parameters
  for _ in $(seq 1 300); do
    parameters=$(sfn get-execution-history --execution-arn "$1" --reverse-order \
      --query "events[?type=='TaskScheduled'].taskScheduledEventDetails.parameters | [0]" --output text)
    if [ "$parameters" != "None" ]; then
      # The value of the first key that names a task token.
      sed -n 's/.*"[A-Za-z]*[Tt]ask[Tt]oken" *: *"\([^"]*\)".*/\1/p' <<<"$parameters"
      return
    fi
    sleep 0.1
  done
  echo "worker: no TaskScheduled event for $1" >&2
  exit 1
}

beat() {
  for _ in $(seq 1 "$2"); do
    sfn send-task-heartbeat --task-token "$1"
    advance_clock "$3"
  done
}

mode=$1 target=$2
shift 2
case $mode in
  activity)
    for _ in $(seq 1 10); do
      task=$(sfn get-activity-task --activity-arn "$target" --worker-name "$1" \
        --query '[taskToken, input]' --output text)
      token=${task%%$'\t'*}
      [ "$token" = "None" ] && continue
      n=$(sed -n 's/.*"n" *: *\([0-9]*\).*/\1/p' <<<"${task#*$'\t'}")
      sfn send-task-success --task-token "$token" --task-output "{\"doubled\": $((2 * n))}"
      echo "$token"
      exit 0
    done
    echo "worker: no activity task" >&2
    exit 1
    ;;
  callback)
    token=$(token_from_history "$target")
    sfn send-task-success --task-token "$token" --task-output "$1"
    ;;
  heartbeat)
    token=$(token_from_history "$target")
    beat "$token" "$1" "$2"
    sfn send-task-success --task-token "$token" --task-output "$3"
    ;;
  stop)
    token=$(token_from_history "$target")
    beat "$token" "$1" "$2"
    ;;
  *)
    echo "worker: unknown mode $mode" >&2
    exit 2
    ;;
esac
echo "$token"

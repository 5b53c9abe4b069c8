// A worker process for `asl-sim serve` on AWS's JavaScript SDK, as users write theirs:
//   node js_sdk_worker.mjs callback EXECUTION_ARN OUTPUT_JSON
//   node js_sdk_worker.mjs heartbeat EXECUTION_ARN BEATS SECONDS OUTPUT_JSON
//   node js_sdk_worker.mjs stop EXECUTION_ARN BEATS SECONDS
//   node js_sdk_worker.mjs activity ACTIVITY_ARN COUNT WORKER_NAME
// The token comes from the history (the TaskScheduled event's parameters). `heartbeat` sends BEATS
// heartbeats SECONDS of manual clock apart, then answers; `stop` heartbeats and exits silently.
// It prints the token it used; exit 0 when it did its part.
import { advanceClock, client, tokenFromHistory } from './js_sdk_common.mjs';

const [mode, target, ...rest] = process.argv.slice(2);
const sfn = client();

async function beat(token, beats, seconds) {
  for (let i = 0; i < beats; i += 1) {
    await sfn.sendTaskHeartbeat({ taskToken: token });
    await advanceClock(seconds);
  }
}

async function activity(activityArn, count, workerName) {
  const deadline = Date.now() + 60_000;
  let answered = 0;
  while (answered < count && Date.now() < deadline) {
    const task = await sfn.getActivityTask({ activityArn, workerName });
    if (!task.taskToken) continue; // the long poll ended with no task: poll again
    const input = JSON.parse(task.input);
    const output = JSON.stringify({ doubled: 2 * input.n, worker: workerName });
    await sfn.sendTaskSuccess({ taskToken: task.taskToken, output });
    answered += 1;
  }
  if (answered < count) throw new Error(`answered ${answered} of ${count} activity tasks in 60 s`);
}

if (mode === 'activity') {
  await activity(target, Number(rest[0]), rest[1]);
} else {
  const token = await tokenFromHistory(sfn, target);
  if (mode === 'callback') {
    await sfn.sendTaskSuccess({ taskToken: token, output: rest[0] });
  } else if (mode === 'heartbeat') {
    await beat(token, Number(rest[0]), Number(rest[1]));
    await sfn.sendTaskSuccess({ taskToken: token, output: rest[2] });
  } else if (mode === 'stop') {
    await beat(token, Number(rest[0]), Number(rest[1]));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  console.log(token);
}

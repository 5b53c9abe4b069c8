// AWS's JavaScript SDK (@aws-sdk/client-sfn) against `asl-sim serve`, on Node's test runner.
// Run by tests/tests/serve_clients.rs, which starts `asl-sim serve --clock manual --mocks M` (the
// examples' mock files merged) and passes ASL_SERVE_ENDPOINT, ASL_EXAMPLES and ASL_CLIENTS. Each
// test moves the manual clock itself and leaves nothing running; workers are child processes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { advanceClock, client, control, sdk, sleep, tokenFromHistory } from './js_sdk_common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sfn = client();
const role = 'arn:aws:iam::123456789012:role/asl-sim-clients';
const settleMs = 20_000;

const example = (name) =>
  readFileSync(path.join(process.env.ASL_EXAMPLES, `${name}.asl.json`), 'utf8');

const machines = new Map();
async function stateMachine(name, definition, type = 'STANDARD') {
  if (!machines.has(name)) {
    const { stateMachineArn } = await sfn.createStateMachine({ name, definition, roleArn: role, type });
    machines.set(name, stateMachineArn);
  }
  return machines.get(name);
}

async function waitForEnd(executionArn) {
  const deadline = Date.now() + settleMs;
  while (Date.now() < deadline) {
    const described = await sfn.describeExecution({ executionArn });
    if (described.status !== 'RUNNING') return described;
    await sleep(20);
  }
  throw new Error(`${executionArn} still RUNNING after ${settleMs} ms`);
}

async function history(executionArn, options = {}) {
  const events = [];
  for await (const page of sdk.paginateGetExecutionHistory({ client: sfn }, { executionArn, ...options })) {
    events.push(...page.events);
  }
  return events;
}

const types = async (executionArn) => (await history(executionArn)).map((event) => event.type);

async function waitForEvent(executionArn, type) {
  const deadline = Date.now() + settleMs;
  while (Date.now() < deadline) {
    if ((await types(executionArn)).includes(type)) return;
    await sleep(20);
  }
  throw new Error(`no ${type} in ${executionArn} after ${settleMs} ms`);
}

// A worker child process run to its end; the token it used.
async function worker(...args) {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(here, 'js_sdk_worker.mjs'), ...args], {
    timeout: 120_000,
  });
  return stdout.trim().split('\n').pop();
}

// The call fails with AWS's exception `code`, HTTP 400 and a message; the message.
async function awsError(code, call) {
  try {
    await call();
  } catch (error) {
    assert.equal(error.name, code, `${error.name}: ${error.message}`);
    assert.equal(error.$metadata?.httpStatusCode, 400);
    assert.ok(error.message, 'an empty message');
    return error.message;
  }
  assert.fail(`expected ${code}, the call succeeded`);
}

const seconds = (done) => (done.stopDate - done.startDate) / 1000;

test('request-response: the test case answers SNS', async () => {
  const arn = await stateMachine('sns-publish', example('sns-publish'));
  const { executionArn } = await sfn.startExecution({ stateMachineArn: `${arn}#Published`, input: '{}' });
  const done = await waitForEnd(executionArn);
  assert.equal(done.status, 'SUCCEEDED');
  assert.deepEqual(JSON.parse(done.output), { MessageId: '9d2f4d4c-0b1c-4a59-9f35-2b9a0c5e7a11' });
  assert.ok((await types(executionArn)).includes('TaskSucceeded'));
});

test('.sync: the mocked job ends after its twenty minutes', async () => {
  const arn = await stateMachine('batch-job', example('batch-job'));
  const { executionArn } = await sfn.startExecution({ stateMachineArn: `${arn}#JobSucceeds` });
  await waitForEvent(executionArn, 'TaskScheduled');
  await advanceClock(1000);
  await sleep(200);
  assert.equal((await sfn.describeExecution({ executionArn })).status, 'RUNNING');
  await advanceClock(200);
  const done = await waitForEnd(executionArn);
  assert.deepEqual(JSON.parse(done.output), { JobName: 'testJob', Status: 'SUCCEEDED' });
  assert.equal(seconds(done), 1200);
});

test('callback: a worker takes the token from the history and answers', async () => {
  const arn = await stateMachine('sqs-callback', example('sqs-callback'));
  const { executionArn } = await sfn.startExecution({ stateMachineArn: arn, input: '{"order": 7}' });
  const token = await worker('callback', executionArn, '{"approvedBy": "js-worker"}');
  const done = await waitForEnd(executionArn);
  assert.equal(done.status, 'SUCCEEDED');
  assert.deepEqual(JSON.parse(done.output), { approvedBy: 'js-worker' });
  const scheduled = (await history(executionArn)).find((event) => event.type === 'TaskScheduled');
  assert.equal(JSON.parse(scheduled.taskScheduledEventDetails.parameters).MessageBody.TaskToken, token);
});

test('callback: the test cases answer, or stay silent until the timeout', async () => {
  const arn = await stateMachine('sqs-callback', example('sqs-callback'));
  const approved = (await sfn.startExecution({ stateMachineArn: `${arn}#Approved` })).executionArn;
  const silent = (await sfn.startExecution({ stateMachineArn: `${arn}#NobodyAnswers` })).executionArn;
  await waitForEvent(approved, 'TaskScheduled');
  await waitForEvent(silent, 'TaskScheduled');
  await advanceClock(86400);
  assert.deepEqual(JSON.parse((await waitForEnd(approved)).output), { approvedBy: 'ada' });
  const done = await waitForEnd(silent);
  assert.deepEqual([done.status, done.error], ['FAILED', 'States.Timeout']);
});

test('heartbeats keep a long task alive', async () => {
  const arn = await stateMachine('heartbeat', example('heartbeat'));
  const { executionArn } = await sfn.startExecution({ stateMachineArn: arn, input: '{"job": 2}' });
  await worker('heartbeat', executionArn, '3', '500', '{"approved": true}');
  const done = await waitForEnd(executionArn);
  assert.deepEqual(JSON.parse(done.output), { job: 2, SQS: { approved: true } });
  assert.equal(seconds(done), 1500);
});

test('a worker that stops heartbeating times the task out', async () => {
  const arn = await stateMachine('heartbeat', example('heartbeat'));
  const { executionArn } = await sfn.startExecution({ stateMachineArn: arn });
  const token = await worker('stop', executionArn, '2', '500');
  assert.equal((await sfn.describeExecution({ executionArn })).status, 'RUNNING');
  await advanceClock(150);
  const done = await waitForEnd(executionArn);
  assert.deepEqual([done.status, done.error], ['FAILED', 'States.Timeout']);
  const timedOut = (await history(executionArn)).filter((event) => event.type === 'TaskTimedOut');
  assert.equal(timedOut.length, 1);
  await awsError('TaskTimedOut', () => sfn.sendTaskHeartbeat({ taskToken: token }));
});

test('an activity worker answers each execution', async () => {
  const { activityArn } = await sfn.createActivity({ name: 'js-double-it' });
  const definition = JSON.stringify({ StartAt: 'Double', States: { Double: { Type: 'Task', Resource: activityArn, End: true } } });
  const arn = await stateMachine('js-activity-double', definition);
  const runs = [];
  for (const n of [4, 5]) {
    runs.push((await sfn.startExecution({ stateMachineArn: arn, input: JSON.stringify({ n }) })).executionArn);
  }
  await worker('activity', activityArn, '2', 'js-worker');
  for (const [i, n] of [4, 5].entries()) {
    const done = await waitForEnd(runs[i]);
    assert.deepEqual(JSON.parse(done.output), { doubled: 2 * n, worker: 'js-worker' });
    const kinds = (await history(runs[i])).map((event) => event.type);
    for (const kind of ['ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded']) {
      assert.equal(kinds.filter((k) => k === kind).length, 1, kinds.join(' '));
    }
  }
  await sfn.deleteActivity({ activityArn });
  await awsError('ActivityDoesNotExist', () => sfn.describeActivity({ activityArn }));
});

test('paging: ListExecutions and GetExecutionHistory with maxResults and nextToken', async () => {
  const chain = { StartAt: 'S0', States: { S3: { Type: 'Succeed' } } };
  for (const i of [0, 1, 2]) chain.States[`S${i}`] = { Type: 'Pass', Next: `S${i + 1}` };
  const arn = await stateMachine('js-paging', JSON.stringify(chain));
  const names = ['p0', 'p1', 'p2', 'p3', 'p4'];
  for (const name of names) await sfn.startExecution({ stateMachineArn: arn, name });
  const last = arn.replace(':stateMachine:', ':execution:') + ':p4';
  await waitForEnd(last);
  const listed = [];
  let nextToken;
  do {
    const page = await sfn.listExecutions({ stateMachineArn: arn, maxResults: 2, nextToken });
    assert.ok(page.executions.length <= 2);
    listed.push(...page.executions.map((execution) => execution.name));
    nextToken = page.nextToken;
  } while (nextToken);
  assert.deepEqual(listed.sort(), names);
  const whole = (await sfn.getExecutionHistory({ executionArn: last, maxResults: 1000 })).events.map((e) => e.id);
  assert.deepEqual(whole, whole.map((_, i) => i + 1));
  assert.deepEqual((await history(last, { maxResults: 3 })).map((e) => e.id), whole);
  assert.deepEqual((await history(last, { maxResults: 2, reverseOrder: true })).map((e) => e.id), [...whole].reverse());
  await awsError('InvalidToken', () => sfn.listExecutions({ stateMachineArn: arn, nextToken: 'made-up' }));
});

test("every exception, as the SDK reads AWS's", async () => {
  const arn = await stateMachine('js-errors', example('sqs-callback'));
  const machine = arn.replace(':js-errors', ':no-such-machine');
  const execution = arn.replace(':stateMachine:', ':execution:') + ':no-such-execution';
  await awsError('StateMachineDoesNotExist', () => sfn.describeStateMachine({ stateMachineArn: machine }));
  const callback = await stateMachine('sqs-callback', example('sqs-callback'));
  const noCase = await awsError('ValidationException', () => sfn.startExecution({ stateMachineArn: `${callback}#NoSuchTestCase` }));
  assert.match(noCase, /NoSuchTestCase/);
  await awsError('ExecutionDoesNotExist', () => sfn.describeExecution({ executionArn: execution }));
  await awsError('InvalidArn', () => sfn.describeStateMachine({ stateMachineArn: 'not-an-arn' }));
  const broken = '{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Nowhere"}], "Default": "Done"}, "Done": {"Type": "Succeed"}}}';
  const why = await awsError('InvalidDefinition', () => sfn.createStateMachine({ name: 'broken', definition: broken, roleArn: role }));
  assert.match(why, /Nowhere/);
  await awsError('InvalidName', () => sfn.createStateMachine({ name: 'has spaces', definition: example('sns-publish'), roleArn: role }));
  await awsError('InvalidToken', () => sfn.sendTaskSuccess({ taskToken: 'NoSuchTaskToken', output: '{}' }));
  await awsError('InvalidExecutionInput', () => sfn.startExecution({ stateMachineArn: arn, input: '{not json' }));
  const first = await sfn.startExecution({ stateMachineArn: arn, name: 'once', input: '{"a": 1}' });
  await awsError('ExecutionAlreadyExists', () => sfn.startExecution({ stateMachineArn: arn, name: 'once', input: '{"a": 2}' }));
  const token = await tokenFromHistory(sfn, first.executionArn);
  await sfn.stopExecution({ executionArn: first.executionArn });
  await waitForEnd(first.executionArn);
  await awsError('TaskDoesNotExist', () => sfn.sendTaskSuccess({ taskToken: token, output: '{}' }));
  await awsError('StateMachineAlreadyExists', () =>
    sfn.createStateMachine({ name: 'js-errors', definition: example('sns-publish'), roleArn: role }));
  const activity = arn.replace(':stateMachine:js-errors', ':activity:no-such-activity');
  await awsError('ActivityDoesNotExist', () => sfn.describeActivity({ activityArn: activity }));
  await awsError('ValidationException', () => sfn.listExecutions({ stateMachineArn: arn, maxResults: 1001 }));
  const renamed = client();
  renamed.middlewareStack.add(
    (next) => async (args) => {
      args.request.headers['x-amz-target'] = 'AWSStepFunctions.NoSuchOperation';
      return next(args);
    },
    { step: 'build' },
  );
  const unknown = await awsError('UnknownOperationException', () => renamed.listActivities({}));
  assert.match(unknown, /NoSuchOperation/);
});

test('StartSyncExecution and TestState with disableHostPrefix', async () => {
  const definition = JSON.stringify({ StartAt: 'Echo', States: { Echo: { Type: 'Pass', Parameters: { 'echo.$': '$.say' }, End: true } } });
  const arn = await stateMachine('js-express-echo', definition, 'EXPRESS');
  const done = await sfn.startSyncExecution({ stateMachineArn: arn, input: '{"say": "hi"}' });
  assert.equal(done.status, 'SUCCEEDED');
  assert.deepEqual(JSON.parse(done.output), { echo: 'hi' });
  const state = JSON.stringify({ Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.n, 1)' }, End: true });
  const tested = await sfn.testState({ definition: state, roleArn: role, input: '{"n": 41}' });
  assert.equal(tested.status, 'SUCCEEDED');
  assert.deepEqual(JSON.parse(tested.output), { sum: 42 });
  // What a client with the prefix left on sends where sync-HOST resolves: answered all the same.
  const port = new URL(process.env.ASL_SERVE_ENDPOINT).port;
  const raw = await control('AWSStepFunctions.StartSyncExecution', { stateMachineArn: arn, input: '{"say": "raw"}' }, { Host: `sync-localhost:${port}` });
  assert.equal(raw.status, 200);
  assert.equal(raw.body.status, 'SUCCEEDED');
});

// What the JavaScript SDK's test and worker share: the client as a user points it at
// `asl-sim serve`, the server's manual clock, and finding a task token in the history.
import { createRequire } from 'node:module';
import path from 'node:path';

// The SDK is installed under target/clients/node (tests/clients/install.sh), not beside this file.
const require = createRequire(path.join(process.env.ASL_CLIENTS, 'node', 'package.json'));
export const sdk = require('@aws-sdk/client-sfn');

export const endpoint = process.env.ASL_SERVE_ENDPOINT;

export function client() {
  return new sdk.SFN({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // StartSyncExecution and TestState would go to sync-127.0.0.1, which does not resolve.
    disableHostPrefix: true,
    // One attempt: a retry would hide an error.
    maxAttempts: 1,
  });
}

// A raw JSON 1.0 call: the server's own control target, or a request no SDK sends.
export async function control(target, body, headers = {}) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

export async function advanceClock(seconds) {
  const { status, body } = await control('AslWorkbench.AdvanceClock', { seconds });
  if (status !== 200) throw new Error(`AdvanceClock answered ${status}: ${JSON.stringify(body)}`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The task token in a state's parameters: the string under a key naming it, at any depth.
export function findToken(value) {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findToken(item);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.toLowerCase().includes('tasktoken') && typeof item === 'string') return item;
      const found = findToken(item);
      if (found) return found;
    }
  }
  return undefined;
}

// Polls the history until the waiting task's TaskScheduled event is there; its token.
export async function tokenFromHistory(sfn, executionArn, boundMs = 30_000) {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    const { events } = await sfn.getExecutionHistory({ executionArn, reverseOrder: true });
    const scheduled = events.find((event) => event.type === 'TaskScheduled');
    if (scheduled) {
      const parameters = JSON.parse(scheduled.taskScheduledEventDetails.parameters);
      const token = findToken(parameters);
      if (!token) throw new Error(`TaskScheduled without a token: ${JSON.stringify(parameters)}`);
      return token;
    }
    await sleep(50);
  }
  throw new Error(`no TaskScheduled event in ${boundMs} ms for ${executionArn}`);
}

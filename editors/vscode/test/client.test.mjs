// The real asl-lsp driven through vscode-languageclient's protocol library (the same
// vscode-languageserver-protocol / vscode-jsonrpc the extension's client speaks): open,
// diagnostics, completion, hover, asl.simulate. ASL_LSP names the binary.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const server = process.env.ASL_LSP ?? path.resolve(here, '../../../target/debug/asl-lsp');
const uri = 'file:///tmp/approval.asl.json';
// A callback wait whose Next is misspelt: an error until it is fixed (the Neovim test's too).
const text = readFileSync(path.resolve(here, '../../fixtures/approval.asl.json'), 'utf8');

let child;
let connection;
const published = []; // every publishDiagnostics, in order
const waiters = [];

// A version's diagnostics once complete: the checker's come first; when they hold no error,
// the simulation's follow in a second publication that replaces them.
function complete(version) {
  const of = published.filter((p) => p.version === version);
  if (of.length === 0) return undefined;
  if (of[0].diagnostics.some((d) => d.severity === 1)) return of[0].diagnostics;
  return of[1]?.diagnostics;
}

function diagnostics(version) {
  return new Promise((resolve, reject) => {
    const found = complete(version);
    if (found) return resolve(found);
    const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version}`)), 15000);
    waiters.push({ version, resolve: (d) => (clearTimeout(timer), resolve(d)) });
  });
}

before(async () => {
  child = spawn(server, ['--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.push(params);
    const found = complete(params.version);
    if (found) for (const w of waiters.filter((w) => w.version === params.version)) w.resolve(found);
  });
  connection.listen();
  const init = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } } },
  });
  assert.equal(init.serverInfo.name, 'asl-lsp');
  assert.ok(init.capabilities.executeCommandProvider.commands.includes('asl.simulate'));
  await connection.sendNotification(InitializedNotification.type, {});
  await connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'asl', version: 1, text },
  });
});

after(() => {
  connection?.dispose();
  child?.kill();
});

test('a misspelt Next is an error', async () => {
  const found = await diagnostics(1);
  const error = found.find((d) => d.code === 'unknown-state');
  assert.ok(error, JSON.stringify(found));
  assert.equal(error.severity, 1);
  assert.equal(error.range.start.line, 8);
});

test('completion in "Next" lists the state names', async () => {
  const list = await connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri },
    position: { line: 8, character: 16 },
  });
  const labels = (list.items ?? list).map((i) => i.label);
  assert.deepEqual([...labels].sort(), ['Ask', 'Done']);
});

test('hover documents HeartbeatSeconds', async () => {
  const hover = await connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line: 7, character: 9 },
  });
  assert.match(hover.contents.value, /\*\*HeartbeatSeconds\*\*/);
});

test('fixed, the simulation reports on the callback task, and asl.simulate returns the run', async () => {
  await connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 8, character: 15 }, end: { line: 8, character: 19 } }, text: 'Done' }],
  });
  const found = await diagnostics(2);
  assert.ok(!found.some((d) => d.code === 'unknown-state'), JSON.stringify(found));
  const onTask = found.filter((d) => d.code === 'simulation' && d.range.start.line === 3);
  assert.ok(onTask.some((d) => /HeartbeatSeconds/.test(d.message)), JSON.stringify(found));
  const result = await connection.sendRequest(ExecuteCommandRequest.type, {
    command: 'asl.simulate',
    arguments: [{ uri }],
  });
  assert.equal(result.runs.length, 1);
  assert.equal(result.runs[0].status, 'FAILED');
  assert.equal(result.runs[0].error, 'States.Timeout');
  assert.ok(result.runs[0].timeline.some((l) => l.includes('TaskTimedOut')), result.runs[0].timeline.join('\n'));
});

test('a SAM template (a yaml document) gets its diagnostic at its place, hover inside it', async () => {
  const samUri = 'file:///tmp/template.yaml';
  const samText = readFileSync(path.resolve(here, '../../../simulator/tests/templates/sam-inline.yaml'), 'utf8');
  const arrived = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no diagnostics for the template')), 15000);
    const poll = setInterval(() => {
      const found = published.find((p) => p.uri === samUri);
      if (found) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(found.diagnostics);
      }
    }, 20);
  });
  await connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: samUri, languageId: 'yaml', version: 1, text: samText },
  });
  const found = await arrived;
  const unreachable = found.find((d) => d.code === 'unreachable-state');
  assert.ok(unreachable, JSON.stringify(found));
  // `Audit:` on line 42, column 11 (0-based 41, 10).
  assert.deepEqual(unreachable.range.start, { line: 41, character: 10 });
  const hover = await connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: samUri },
    position: { line: 34, character: 14 },
  });
  assert.match(hover.contents.value, /\*\*Resource\*\*/);
});

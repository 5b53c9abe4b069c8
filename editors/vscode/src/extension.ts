// ASL Workbench for VS Code: starts asl-lsp and adds the commands that show the simulation.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

// State machine files, and the templates that may hold state machines (SAM / CloudFormation /
// CDK, Terraform): the server reads those once and publishes nothing where there is none.
const SELECTOR = [
  { language: 'asl' },
  { language: 'asl-yaml' },
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'json' },
  { scheme: 'file', language: 'terraform' },
];

/** One run of the simulation, as `asl.simulate` returns it. */
interface Run {
  testCase: string | null;
  status: string;
  summary: string;
  timeline: string[];
  error: string | null;
  cause: string | null;
}
interface Simulation {
  uri: string;
  runs: Run[];
  errors: { code: string; message: string }[];
}

/** `asl.server.path`, else `asl-lsp` on PATH, else the binary bundled in the extension. */
export function serverPath(configured: string, extensionDir: string, pathEnv: string | undefined): string {
  if (configured.trim() !== '') {
    return configured;
  }
  const exe = process.platform === 'win32' ? 'asl-lsp.exe' : 'asl-lsp';
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, exe))) {
      return path.join(dir, exe);
    }
  }
  return path.join(extensionDir, 'server', exe);
}

/** The `asl.*` settings the server reads. */
function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('asl');
  const text = (key: string) => {
    const value = config.get<string>(key, '').trim();
    return value === '' ? undefined : value;
  };
  return {
    mockConfig: text('mockConfig'),
    testCase: text('testCase'),
    simulateOnChange: config.get<boolean>('simulateOnChange', true),
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const command = serverPath(
    vscode.workspace.getConfiguration('asl').get<string>('server.path', ''),
    context.extensionPath,
    process.env.PATH,
  );
  output.appendLine(`Starting ${command}`);
  const serverOptions: ServerOptions = { command, args: ['--stdio'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: output,
    initializationOptions: { asl: serverSettings() },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.mocks.json,MockConfigFile.json}'),
    },
    middleware: {
      // The code lens on StartAt runs the simulation: show its timeline rather than discard it.
      provideCodeLenses: async (document, token, next) => {
        const lenses = (await next(document, token)) ?? [];
        for (const lens of lenses) {
          if (lens.command?.command === 'asl.simulate') {
            lens.command = { ...lens.command, command: 'asl.showHistory', arguments: [document.uri] };
          }
        }
        return lenses;
      },
      workspace: {
        // Pushed on change below; answer pulls with the same shape.
        configuration: (params, token, next) =>
          params.items.map((item) => (item.section === 'asl' ? serverSettings() : null)),
      },
    },
  };
  client = new LanguageClient('asl', 'ASL Workbench', serverOptions, clientOptions);
  await client.start();
}

async function simulate(uri?: vscode.Uri): Promise<Simulation | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!client || !target) {
    vscode.window.showWarningMessage('ASL: open a state machine (*.asl.json, *.asl.yaml) first.');
    return undefined;
  }
  return client.sendRequest(ExecuteCommandRequest.type, {
    command: 'asl.simulate',
    arguments: [{ uri: target.toString() }],
  }) as Promise<Simulation>;
}

/** The graph view beside the editor: one panel, following the document it shows. */
let graphPanel: vscode.WebviewPanel | undefined;
let graphUri: vscode.Uri | undefined;

async function showGraph(uri: vscode.Uri): Promise<void> {
  if (!client) {
    return;
  }
  const answer = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: 'asl.graph',
    arguments: [{ uri: uri.toString() }],
  })) as { graph: string; timeline: string | null; testCase: string | null };
  if (!graphPanel) {
    graphPanel = vscode.window.createWebviewPanel('aslGraph', 'ASL graph', vscode.ViewColumn.Beside, {
      enableScripts: false,
    });
    graphPanel.onDidDispose(() => {
      graphPanel = undefined;
      graphUri = undefined;
    });
  }
  graphUri = uri;
  graphPanel.title = `Graph: ${path.basename(uri.path)}`;
  const caption = answer.testCase ? `<p>Simulated: test case <b>${escapeHtml(answer.testCase)}</b></p>` : '';
  graphPanel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body{background:#fff;color:#202124;font-family:sans-serif} svg{max-width:none}</style></head>
<body>${caption}${answer.graph}${answer.timeline ? '<h3>Timeline</h3>' + answer.timeline : ''}</body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The simulation as readable text: each run's summary, then its timeline. */
export function timelineText(simulation: Simulation): string {
  const lines: string[] = [];
  for (const error of simulation.errors) {
    lines.push(`error ${error.code}: ${error.message}`);
  }
  for (const run of simulation.runs) {
    lines.push(`${run.testCase ? `[${run.testCase}] ` : ''}${run.summary}`, '');
    lines.push(...run.timeline, '');
  }
  return lines.join('\n');
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('ASL Workbench');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('asl.simulateCurrent', async (uri?: vscode.Uri) => {
      const simulation = await simulate(uri);
      if (!simulation) {
        return;
      }
      const summary =
        simulation.runs.map((r) => (r.testCase ? `[${r.testCase}] ` : '') + r.summary).join(' | ') ||
        simulation.errors.map((e) => e.message).join(' | ');
      vscode.window.showInformationMessage(`ASL: ${summary}`);
    }),
    vscode.commands.registerCommand('asl.showHistory', async (uri?: vscode.Uri) => {
      const simulation = await simulate(uri);
      if (simulation) {
        const document = await vscode.workspace.openTextDocument({ content: timelineText(simulation), language: 'log' });
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      }
    }),
    vscode.commands.registerCommand('asl.showGraph', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (target) {
        await showGraph(target);
      }
    }),
    // The graph follows its document: new diagnostics mean a new analysis (and simulation).
    vscode.languages.onDidChangeDiagnostics(async (event) => {
      if (graphPanel && graphUri && event.uris.some((u) => u.toString() === graphUri?.toString())) {
        await showGraph(graphUri);
      }
    }),
    vscode.commands.registerCommand('asl.restartServer', async () => {
      await client?.stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('asl.server.path')) {
        await vscode.commands.executeCommand('asl.restartServer');
      } else if (event.affectsConfiguration('asl') && client) {
        await client.sendNotification('workspace/didChangeConfiguration', { settings: { asl: serverSettings() } });
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

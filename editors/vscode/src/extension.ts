// ASL Workbench for VS Code: starts asl-lsp and adds the commands that show the simulation.
import { spawn } from 'child_process';
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
    s3Root: text('s3Root'),
    denyWarnings: config.get<boolean>('denyWarnings', false),
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const command = serverPath(
    vscode.workspace.getConfiguration('asl').get<string>('server.path', ''),
    context.extensionPath,
    process.env.PATH,
  );
  output.appendLine(`Starting ${command}`);
  // Started here rather than by the client, which logs any exit of the process as an error,
  // even the clean one of a restart (vscode-languageclient 9; fixed in 10 by PR #1404).
  const serverOptions: ServerOptions = async () => {
    const server = spawn(command, ['--stdio'], { stdio: 'pipe' });
    server.stderr.on('data', (data: Buffer) => output.append(data.toString()));
    server.on('error', (e) => output.appendLine(`[Error] ${command} did not start: ${e.message}`));
    server.on('exit', (code, signal) => {
      if (code === 0) {
        output.appendLine('asl-lsp stopped');
      } else {
        output.appendLine(`[Error] asl-lsp exited with ${signal ? `signal ${signal}` : `code ${code}`}`);
      }
    });
    return { reader: server.stdout, writer: server.stdin };
  };
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
  const starting = new LanguageClient('asl', 'ASL Workbench', serverOptions, clientOptions);
  await starting.start();
  client = starting;
}

async function simulate(uri?: vscode.Uri): Promise<Simulation | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!client?.isRunning() || !target) {
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
  if (!client?.isRunning()) {
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
  // The graph scales down to the panel; the timeline keeps its size (its labels stay readable)
  // and scrolls sideways.
  graphPanel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body{background:#fff;color:#202124;font-family:sans-serif}
.graph svg{max-width:100%;height:auto} .timeline{overflow-x:auto} .timeline svg{max-width:none}</style></head>
<body>${caption}<div class="graph">${answer.graph}</div>${
    answer.timeline ? `<h3>Timeline</h3><div class="timeline">${answer.timeline}</div>` : ''
  }</body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The timeline as a read-only virtual document (`asl-timeline:`): it names the definition it
 * shows in its query and is simulated afresh when opened and when that definition's
 * diagnostics change.
 */
const TIMELINE_SCHEME = 'asl-timeline';

class TimelineDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, vscode.Uri>();

  static uriOf(source: vscode.Uri): vscode.Uri {
    const name = path.basename(source.path).replace(/\.asl\.(json|ya?ml)$/, '');
    return vscode.Uri.from({ scheme: TIMELINE_SCHEME, path: `/${name} timeline`, query: source.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = vscode.Uri.parse(uri.query);
    this.open.set(source.toString(), uri);
    const simulation = await simulate(source);
    return simulation ? timelineText(simulation) : 'No simulation: the definition is not open.';
  }

  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  /**
   * The definitions whose diagnostics changed: their timelines are simulated again, once the
   * publications of an edit (the checker's, then the simulation's) have settled.
   */
  refresh(sources: readonly vscode.Uri[]): void {
    for (const source of sources) {
      const shown = this.open.get(source.toString());
      if (!shown || !vscode.workspace.textDocuments.some((d) => d.uri.toString() === shown.toString())) {
        continue;
      }
      clearTimeout(this.pending.get(shown.toString()));
      this.pending.set(
        shown.toString(),
        setTimeout(() => this.changed.fire(shown), 300),
      );
    }
  }

  dispose(): void {
    this.pending.forEach((timer) => clearTimeout(timer));
    this.changed.dispose();
  }
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
  const timelines = new TimelineDocuments();
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
    timelines,
    vscode.workspace.registerTextDocumentContentProvider(TIMELINE_SCHEME, timelines),
    vscode.commands.registerCommand('asl.showHistory', async (uri?: vscode.Uri) => {
      const source = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!client || !source) {
        vscode.window.showWarningMessage('ASL: open a state machine (*.asl.json, *.asl.yaml) first.');
        return;
      }
      const document = await vscode.workspace.openTextDocument(TimelineDocuments.uriOf(source));
      await vscode.languages.setTextDocumentLanguage(document, 'log');
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }),
    vscode.commands.registerCommand('asl.showGraph', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (target) {
        await showGraph(target);
      }
    }),
    // The graph and timelines follow their document: new diagnostics mean a new analysis.
    vscode.languages.onDidChangeDiagnostics(async (event) => {
      timelines.refresh(event.uris);
      if (graphPanel && graphUri && event.uris.some((u) => u.toString() === graphUri?.toString())) {
        // A publication during a restart finds no client: the next one redraws.
        await showGraph(graphUri).catch((e) => output.appendLine(`graph not redrawn: ${e}`));
      }
    }),
    vscode.commands.registerCommand('asl.restartServer', async () => {
      // No request goes to the stopping client: until the new one runs, there is none.
      const stopping = client;
      client = undefined;
      if (stopping?.isRunning()) {
        await stopping.stop();
      }
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
  if (client?.isRunning()) {
    await client.stop();
  }
}

#!/usr/bin/env node
// Edit-to-diagnostics latency over stdio, asl-lsp and amazon-states-language-service (ASLS) side
// by side in one run, on the same file and the same edits: each server is started as an editor
// starts it, the file opened, and each edit timed from its didChange to the first
// publishDiagnostics of its version (for asl-lsp the checker's; its simulation's follow in a
// second publication). The first edit is sent as soon as the opened text's first diagnostics
// arrive (asl-lsp's simulation of it still running), as a user starts typing.
//
// Usage (from the repository root, after `cargo build --release -p asl-lsp`):
//   node bench/lsp_latency.mjs [--states 2000] [--edits 20] [--rounds 3]
// Installs the peers pinned in ../shared/bench/package.json into target/peers.
import { spawn, execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`)
  return i < 0 ? fallback : Number(argv[i + 1])
}
const STATES = option('states', 2000)
const EDITS = option('edits', 20)
const ROUNDS = option('rounds', 3)
// `--only asl-lsp`: skip the peer (while iterating); `--log FILE`: asl-lsp's stderr into FILE.
const text_option = (name) => {
  const i = argv.indexOf(`--${name}`)
  return i < 0 ? undefined : argv[i + 1]
}
const ONLY = text_option('only')
const LOG = text_option('log')

const peers = path.join(root, 'target/peers')
if (!fs.existsSync(path.join(peers, 'node_modules/amazon-states-language-service'))) {
  fs.mkdirSync(peers, { recursive: true })
  fs.cpSync(path.join(root, '../shared/bench'), peers, { recursive: true })
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peers, stdio: 'inherit' })
}
const file = path.join(peers, `large-${STATES}.asl.json`)
if (!fs.existsSync(file)) {
  execFileSync('node', [path.join(root, '../shared/bench/gen_large.js'), '--states', String(STATES), '--out', file])
}
const text = fs.readFileSync(file, 'utf8')
const aslLsp = process.env.ASL_LSP ?? path.join(root, 'target/release/asl-lsp')
if (!fs.existsSync(aslLsp)) {
  console.error('lsp_latency: build the server first: cargo build --release -p asl-lsp')
  process.exit(2)
}

/** A language server over stdio: send messages, wait for a publication of a version. */
function start(command, args, env, log) {
  const stderr = log ? fs.openSync(log, 'w') : 'ignore'
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', stderr], env: { ...process.env, ...env } })
  let buffer = Buffer.alloc(0)
  const waiting = []
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk])
    for (;;) {
      const header = buffer.indexOf('\r\n\r\n')
      if (header < 0) return
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, header).toString())[1])
      if (buffer.length < header + 4 + length) return
      const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString())
      buffer = buffer.subarray(header + 4 + length)
      const at = performance.now()
      if (message.method && message.id !== undefined) send({ jsonrpc: '2.0', id: message.id, result: null })
      for (const w of waiting.splice(0)) {
        if (w.matches(message)) w.resolve(at)
        else waiting.push(w)
      }
    }
  })
  const send = (message) => {
    const body = Buffer.from(JSON.stringify(message))
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`)
    child.stdin.write(body)
  }
  const next = (matches) => new Promise((resolve) => waiting.push({ matches, resolve }))
  const published = (uri, version) =>
    next((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === version)
  return { child, send, next, published }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** One round on one server: open, then EDITS edits; the milliseconds of each edit. */
async function round(server, n) {
  const uri = `file:///bench/round-${n}.asl.json`
  const opened = server.published(uri, 1)
  server.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'asl', version: 1, text } } })
  await opened
  const times = []
  for (let version = 2; version < 2 + EDITS; version++) {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: version % 2 ? 1 : 0 } }
    const change = { range, text: version % 2 ? '' : ' ' }
    const published = server.published(uri, version)
    const sent = performance.now()
    server.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [change] } })
    times.push((await published) - sent)
  }
  server.send({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri } } })
  return times
}

async function measure(name, command, args, env, log) {
  const server = start(command, args, env, log)
  const ready = server.next((m) => m.id === 1)
  server.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } })
  await ready
  server.send({ jsonrpc: '2.0', method: 'initialized', params: {} })
  const firsts = []
  const rest = []
  for (let n = 0; n < ROUNDS; n++) {
    const [first, ...others] = await round(server, n)
    firsts.push(first)
    rest.push(...others)
  }
  server.send({ jsonrpc: '2.0', id: 2, method: 'shutdown' })
  await server.next((m) => m.id === 2)
  server.send({ jsonrpc: '2.0', method: 'exit' })
  const all = [...firsts, ...rest]
  const line = {
    server: name,
    firstEditMs: firsts.map((t) => +t.toFixed(1)),
    medianMs: +median(rest).toFixed(1),
    maxMs: +Math.max(...all).toFixed(1),
    within20: `${all.filter((t) => t <= 20).length}/${all.length}`,
  }
  console.log(JSON.stringify(line))
  return line
}

console.log(`${path.basename(file)}: ${(text.length / 1e6).toFixed(2)} MB; ${ROUNDS} rounds of open + ${EDITS} edits over stdio; ${new Date().toISOString()}`)
const ours = await measure('asl-lsp', aslLsp, ['--stdio'], {}, LOG)
if (ONLY === 'asl-lsp') process.exit(0)
const theirs = await measure('amazon-states-language-service', 'node', [path.join(root, 'bench/asls_stdio_server.cjs'), '--stdio'], {
  NODE_PATH: path.join(peers, 'node_modules'),
})
console.log(`median edit to diagnostics: asl-lsp ${ours.medianMs} ms, ASLS ${theirs.medianMs} ms (${(theirs.medianMs / ours.medianMs).toFixed(0)}x)`)

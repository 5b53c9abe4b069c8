// Package the extension as a .vsix with asl-lsp inside it (server/asl-lsp), offline.
// ASL_LSP names the binary to bundle (default: the workspace's release build, else debug).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const target = path.resolve(here, '../../target');
const candidates = [process.env.ASL_LSP, path.join(target, 'release/asl-lsp'), path.join(target, 'debug/asl-lsp')];
const binary = candidates.find((p) => p && fs.existsSync(p));
if (!binary) {
  console.error('package: no asl-lsp binary; run `cargo build --release -p asl-lsp` or set ASL_LSP');
  process.exit(2);
}
fs.mkdirSync(path.join(here, 'server'), { recursive: true });
fs.copyFileSync(binary, path.join(here, 'server/asl-lsp'));
fs.chmodSync(path.join(here, 'server/asl-lsp'), 0o755);
// Debug info is for profiling here, not for users: strip it when the tool is at hand.
try {
  execFileSync('strip', [path.join(here, 'server/asl-lsp')]);
} catch {
  console.warn('package: strip not found; bundling the binary as built');
}
execFileSync('npm', ['run', '-s', 'build'], { cwd: here, stdio: 'inherit' });
const vsce = path.join(here, 'node_modules/.bin/vsce');
execFileSync(vsce, ['package', '--no-dependencies', '--skip-license', '-o', 'asl-workbench.vsix'], {
  cwd: here,
  stdio: 'inherit',
});
console.log(`packaged asl-workbench.vsix with ${binary}`);

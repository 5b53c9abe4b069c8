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
(cd "$work" && node bench.js --runs 5 --warmup 1 --ops validate "${files[@]}")
cargo build --release -q -p asl-sim --example profile_check --manifest-path "$root/Cargo.toml"
for f in "${files[@]}"; do
  # Median of in-process `check` over 30 runs, the same measure as the divan bench.
  ASL_TIMES=30 "$root/target/release/examples/profile_check" "$f" --median
done

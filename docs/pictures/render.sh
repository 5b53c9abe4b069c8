#!/usr/bin/env bash
# Redraws the pictures here: every example's graph and timeline, and the concurrent Map's
# timeline, as SVG and as PNG from headless Chromium, after checking that no text in them
# overlaps or is hidden (simulator/tests/pictures.rs does it all).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/simulator/tests/pictures/install.sh"
cd "$root" && UPDATE_PICTURES=1 cargo test --quiet -p asl-sim --test pictures -- --nocapture

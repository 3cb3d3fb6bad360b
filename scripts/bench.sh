#!/usr/bin/env bash
# The performance table of README "Performance": b2kit against b2sdk, the b2 CLI and rclone on one local
# server (benchmarks/run_all.py; arguments are passed on, e.g. --groups sync-up --rounds 3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/ensure-venv.sh"
if [ ! -x "$root/.venv/bin/rclone" ]; then
    "$root/.venv/bin/python" -m pip install --quiet -e "$root[test,bench]" >&2
fi
exec "$root/.venv/bin/python" "$root/benchmarks/run_all.py" "$@"

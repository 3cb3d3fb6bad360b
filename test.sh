#!/usr/bin/env bash
# The whole test suite: lint, types, then every test against real local servers.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
"$root/scripts/ensure-venv.sh"
if [ "${CI:-}" = "true" ]; then
    "$root/scripts/ensure-chromium.sh"   # the web console tests run in a real headless chromium
fi
bin="$root/.venv/bin"
"$bin/ruff" check src tests benchmarks
"$bin/ruff" format --check src tests benchmarks
"$bin/mypy"
exec "$bin/pytest" -n 2 --dist loadgroup "$@"

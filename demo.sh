#!/usr/bin/env bash
# The main job: start the embedded B2 server, push a sample folder up, list it, pull it back, verify, show speed.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/scripts/ensure-venv.sh"
exec "$root/.venv/bin/b2kit" demo "$@"

#!/usr/bin/env bash
# Run a test command against a local B2 server started in the background: the CI recipe of docs/testing.md.
#
#   docs/ci-recipe.sh pytest -q                  # any command; it sees B2KIT_TEST_REALM/_KEY_ID/_KEY
#
# Starts `b2kit server --ephemeral` (B2KIT, default `b2kit` on PATH), waits until GET /_b2kit/health answers,
# exports where it is (the b2kit pytest plugin reads these variables, so `b2_api`/`b2_bucket` use it), runs
# the command, then stops the server (SIGTERM; it stops within 2 s and removes its data dir) and exits with
# the command's status. The server's request log goes to $B2KIT_SERVER_LOG (default: a temp file, printed
# when the command fails).
set -euo pipefail

b2kit="${B2KIT:-b2kit}"
python="${PYTHON:-python3}"
log="${B2KIT_SERVER_LOG:-$(mktemp -t b2kit-server.XXXXXX)}"
key_id="ci-$RANDOM$RANDOM"
key="$("$python" -c 'import secrets; print(secrets.token_hex(16))')"

: >"$log"  # exists before the background server opens it, so the banner wait below can read it at once
"$b2kit" server --ephemeral --port 0 --key-id "$key_id" --key "$key" \
    --absolute-minimum-part-size 100000 --recommended-part-size 1000000 --log-requests >"$log" 2>&1 &
server_pid=$!
stop_server() {
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

# 1. the banner names the realm (port 0 picked a free port)
realm=""
for _ in $(seq 300); do
    realm="$(sed -n 's/^realm: //p' "$log")"
    [ -n "$realm" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "b2kit server did not start:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done
[ -n "$realm" ] || { echo "b2kit server printed no realm in 30 s" >&2; exit 1; }

# 2. wait on /_b2kit/health
"$python" - "$realm" <<'PY'
import sys, time, urllib.request
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(sys.argv[1] + "/_b2kit/health", timeout=2) as answer:
            if answer.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("b2kit server: /_b2kit/health did not answer in 30 s")
    time.sleep(0.1)
PY

# 3. point the tests at it
export B2KIT_TEST_REALM="$realm" B2KIT_TEST_KEY_ID="$key_id" B2KIT_TEST_KEY="$key"
status=0
"$@" || status=$?
if [ "$status" -ne 0 ] && [ -z "${B2KIT_SERVER_LOG:-}" ]; then
    echo "--- b2kit server request log ---" >&2
    cat "$log" >&2
fi
exit "$status"

#!/usr/bin/env bash
# Installs Debian's headless-capable chromium and its WebDriver when missing (the web console tests drive
# them). Needs root and apt-get (CI runs as root on Debian); elsewhere it says what to install and exits 0,
# and the console tests skip outside CI.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "chromium/chromedriver missing: install Debian's 'chromium' and 'chromium-driver' for the console tests" >&2
    exit 0
fi
echo "installing chromium and chromium-driver ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2

#!/usr/bin/env bash
# Installs what Unroll needs on a fresh machine: Node 22 (if missing) and the npm packages.
# With --browser also Debian's Chromium (for the end-to-end tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node22.sh"
cd "$UNROLL_ROOT"
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "unroll: installing Debian's chromium for the end-to-end tests" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y chromium fonts-wqy-microhei >&2
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

#!/usr/bin/env bash
# Sets up and starts the Unroll desktop app (Electron). Where Electron cannot run, use
# `bash scripts/web.sh`, which serves the same app to a browser.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/node22.sh"
cd "$UNROLL_ROOT"
exec npm start

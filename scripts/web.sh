#!/usr/bin/env bash
# Sets up and starts Unroll's web host on 127.0.0.1; open the printed URL in a browser.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/node22.sh"
cd "$UNROLL_ROOT"
exec npm run web -- "$@"

#!/usr/bin/env bash
# Sets up and runs the whole test suite: type-check, lint, unit tests, end-to-end tests.
# Ends with one line `tests: N passed, N failed, N skipped`; exits non-zero when any stage fails.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh" --browser
source "$(dirname "${BASH_SOURCE[0]}")/node22.sh"
cd "$UNROLL_ROOT"
echo "unroll: node $(node --version), npm $(npm --version)"
rm -rf reports test-results
rc=0
npm test || rc=$?
npm run --silent test:summary || true
[ "$rc" -eq 0 ] && echo "unroll: all stages passed" || echo "unroll: a stage failed (exit $rc)"
exit "$rc"

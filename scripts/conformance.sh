#!/usr/bin/env bash
# Runs `unroll conformance` on the reference cases for the reference backend and every float32
# backend; a backend that cannot run on this machine is reported as skipped with its reason.
# Exits non-zero when a case fails on any backend. Reports go to reports/conformance-<backend>.json.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p reports
rc=0
for backend in reference f32 gpujs:webasm gpujs:cpu gpujs:webgpu gpujs:headlessgl; do
  out=$(node main/cli/bin.mjs conformance --backend "$backend" --json "reports/conformance-${backend/:/-}.json" 2>&1)
  code=$?
  if [ "$code" -eq 2 ] && grep -q "is unavailable" <<<"$out"; then
    echo "conformance on $backend: skipped — $(head -n 1 <<<"$out")"
  else
    echo "$out"
    [ "$code" -eq 0 ] || { echo "conformance on $backend: FAILED (exit $code)"; rc=1; }
  fi
  echo
done
exit "$rc"

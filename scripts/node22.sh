#!/usr/bin/env bash
# Sourced by the other scripts: puts a Node >= 22.13 first on PATH. Uses the machine's node when it
# is new enough, otherwise installs Node 22 from the npm registry into .tools/node22 (no system change).
set -euo pipefail
UNROLL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=13)?0:1)'
}
if ! node_ok; then
  local_node="$UNROLL_ROOT/.tools/node22/node_modules/node/bin"
  if [ ! -x "$local_node/node" ]; then
    echo "unroll: Node >= 22.13 not found; installing Node 22 from the npm registry into .tools/node22" >&2
    npm install --prefix "$UNROLL_ROOT/.tools/node22" --no-save --no-package-lock --no-audit --no-fund node@22 >&2
  fi
  export PATH="$local_node:$PATH"
  node_ok || { echo "unroll: could not get Node >= 22.13 (have $(node --version 2>/dev/null || echo none))" >&2; exit 1; }
fi

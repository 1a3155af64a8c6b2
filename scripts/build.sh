#!/usr/bin/env bash
# Builds dist/: the JavaScript (and, for the library, declaration files) that the packed package runs on Node and
# Deno. Run by `npm pack` (prepack); `npm run build` alone leaves dist/ for inspection. bin/tyger uses dist/ only when
# the package is installed under node_modules, so a stale dist/ never shadows the sources in this tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=node_modules/.bin
rm -rf dist
"$BIN/node" "$BIN/tsc" -p tsconfig.build.json
"$BIN/node" "$BIN/tsc" -p tsconfig.build-cli.json

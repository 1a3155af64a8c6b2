#!/usr/bin/env bash
# Builds what the package runs instead of its TypeScript sources.
#
#   scripts/build.sh [bundle [DIR]]
#                             the CLI as one ES-module bundle for Node in DIR, default build/cli/ (`npm run build`).
#                             bin/tyger in this tree uses build/cli/ when it is there: rebuild after editing, or
#                             remove it (start-up: bench/README.md, "Start-up and the built CLI")
#   scripts/build.sh pack     dist/: the library's JavaScript and declaration files, and the same bundle in
#                             dist/cli-bundle/ for the packed bin/tyger (`npm pack` runs this: prepack)
#
# The bundle is built beside the sources (not in a temporary directory) because its optional peers stay external
# (@azure/storage-blob, @pulumi/*) and Node resolves them from node_modules above the importing file. It is written to
# a temporary name and swapped in, so that a `tyger` starting meanwhile sees the old bundle or the new one, never half.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=node_modules/.bin

bundle() { # $1: the output directory
  local out=$1 tmp=$1.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$(dirname "$out")"
  # Each command's program stays a chunk of its own, loaded only when that command runs (scripts/bundle.ts).
  "$BIN/bun" scripts/bundle.ts "$tmp"
  # Worker threads are loaded by URL, beside the module that starts them (engine/buffers/internal/*.ts).
  cp engine/buffers/internal/*Thread.mjs cli/earlyVersion.mjs "$tmp/"
  cp cli/bundleEntry.mjs "$tmp/bin.mjs"
  "$BIN/node" -e '
    const { version } = JSON.parse(require("node:fs").readFileSync("package.json", "utf8"))
    const pkg = { name: "tyger-ts-cli", version, private: true, type: "module" }
    require("node:fs").writeFileSync(process.argv[1] + "/package.json", JSON.stringify(pkg, null, 2) + "\n")
  ' "$tmp"
  rm -rf "$out.old"
  if [ -e "$out" ]; then mv "$out" "$out.old"; fi
  mv "$tmp" "$out"
  rm -rf "$out.old"
}

pack() {
  rm -rf dist
  "$BIN/node" "$BIN/tsc" -p tsconfig.build.json
  "$BIN/node" "$BIN/tsc" -p tsconfig.build-cli.json
  bundle dist/cli-bundle
}

case ${1:-bundle} in
  bundle) bundle "${2:-build/cli}" ;;
  pack) pack ;;
  *) echo "build.sh: unknown target '$1' (bundle [DIR], pack)" >&2; exit 2 ;;
esac

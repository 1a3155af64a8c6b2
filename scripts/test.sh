#!/usr/bin/env bash
# Type-checks the project, then runs the same node:test files under Node 22, Bun and Deno.
#
#   scripts/test.sh                    all test/**/*.test.ts
#   scripts/test.sh test/dsl foo.test.ts   only these files / directories
#
# Environment:
#   TYGER_TEST_RUNTIMES   runtimes to run, default "node bun deno built"; `built` is not a runtime but the built
#                         CLI: it builds the bundle (scripts/build.sh bundle) and runs the end-to-end suites among
#                         the files (those that start `tyger` as a process) on Node against it
#   TYGER_TEST_SKIP_TSC=1 skip the `tsc --noEmit -p .` step
#   TYGER_TEST_TIMEOUT_MS per-test timeout for node and bun (bun's own default is 5s), default 600000
#   TYGER_TEST_JOBS       test files run in parallel per runtime, default 2
#
# Each runtime gets a fresh TYGER_TS_DATA_DIR (removed afterwards). Node's output is TAP, so its
# summary block ("# tests N", "# pass N", "# fail N", ...) is printed exactly once, by node itself.
# Exit status: 0 only if the type check and every runtime pass.
# shellcheck disable=SC2317 # run_* / summarize_* are called indirectly ("run_$rt")
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BIN=$ROOT/node_modules/.bin
NODE=$BIN/node
BUN=$BIN/bun
DENO=$BIN/deno

RUNTIMES=${TYGER_TEST_RUNTIMES:-node bun deno built}
TIMEOUT_MS=${TYGER_TEST_TIMEOUT_MS:-600000}
JOBS=${TYGER_TEST_JOBS:-2}

for rt in $RUNTIMES; do
  case $rt in node | bun | deno) tools=$rt ;; built) tools="node bun" ;; *) echo "test.sh: unknown runtime '$rt' in TYGER_TEST_RUNTIMES" >&2; exit 2 ;; esac
  for tool in $tools; do
    if ! [ -x "$BIN/$tool" ] || ! "$BIN/$tool" --version >/dev/null 2>&1; then
      echo "test.sh: $BIN/$tool is missing or broken; run 'npm ci' first" >&2
      exit 2
    fi
  done
done

# A bundle from `npm run build` is what bin/tyger runs (and so the tests that start bin/tyger): make it this tree's.
if [ -f build/cli/bin.mjs ]; then
  echo "== build/cli is there: rebuilding it (scripts/build.sh bundle) so that bin/tyger runs these sources"
  bash scripts/build.sh bundle || exit 1
fi

# Children (tests spawning `node`, the tyger launcher, ...) see the pinned toolchain first.
export PATH="$BIN:$PATH"
# Deno colours piped output; keep logs greppable when not on a terminal.
[ -t 1 ] || export NO_COLOR=1
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tyger-ts-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- test files: only *.test.ts (bun would also pick up *.spec.ts / *_test.ts, deno *_test.ts / test.ts)
FILES=()
collect() { # $1: file or directory
  if [ -d "$1" ]; then
    while IFS= read -r f; do FILES+=("$f"); done < <(find "$1" -name node_modules -prune -o -type f -name '*.test.ts' -print | LC_ALL=C sort)
  elif [ -f "$1" ]; then
    FILES+=("$1")
  else
    echo "test.sh: no such test file or directory: $1" >&2
    exit 2
  fi
}
if [ $# -eq 0 ]; then collect test; else for a in "$@"; do collect "$a"; done; fi
if [ ${#FILES[@]} -eq 0 ]; then
  echo "test.sh: no *.test.ts files found" >&2
  exit 2
fi
# bun treats bare arguments as name filters; a ./ prefix makes them paths.
REL=()
for f in "${FILES[@]}"; do case $f in /* | ./*) REL+=("$f") ;; *) REL+=("./$f") ;; esac; done

now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1fs", ms / 1000 }'; }
strip_ansi() { sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1"; }
num() { [ -n "$1" ] && echo "$1" || echo "?"; }

# --- 1. type check (fail fast)
if [ "${TYGER_TEST_SKIP_TSC:-}" != 1 ]; then
  echo "== tsc --noEmit -p ."
  t0=$(now_ms)
  if ! "$NODE" "$BIN/tsc" --noEmit -p .; then
    echo "typecheck: FAILED ($(secs $(($(now_ms) - t0))))"
    exit 1
  fi
  echo "typecheck: ok ($(secs $(($(now_ms) - t0))))"
fi

SUMMARIES=()
FAILED=0

run_node() {
  "$NODE" --test --test-reporter=tap --test-concurrency="$JOBS" --test-timeout="$TIMEOUT_MS" \
    --disable-warning=ExperimentalWarning "${REL[@]}"
}
summarize_node() {
  local log=$1 pass fail skip todo cancelled
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
  cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$log" | tail -1)
  skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log" | tail -1)
  todo=$(sed -n 's/^# todo \([0-9]*\)$/\1/p' "$log" | tail -1)
  echo "$(num "$pass") passed, $(num "$fail") failed, $(num "$cancelled") cancelled, $(num "$skip") skipped, $(num "$todo") todo"
}

run_built() {
  # The suites that start the CLI as a process (through test/support/Cli.ts's tygerArgv, directly or through the
  # workflow Workspace); test/package packs and installs the package itself.
  local files=() f
  for f in "${REL[@]}"; do
    case $f in */test/package/*) continue ;; esac
    if grep -qE 'tygerArgv|fixtures/Workspace' "$f"; then files+=("$f"); fi
  done
  if [ ${#files[@]} -eq 0 ]; then echo "built: no end-to-end suites among these files"; return 0; fi
  # Not build/cli, which bin/tyger would then use after the next edit of the sources.
  bash scripts/build.sh bundle build/test-cli || return 1
  echo "built: ${#files[@]} end-to-end suite(s) on build/test-cli"
  TYGER_TEST_CLI=$ROOT/build/test-cli "$NODE" --test --test-reporter=tap --test-concurrency="$JOBS" \
    --test-timeout="$TIMEOUT_MS" --disable-warning=ExperimentalWarning "${files[@]}"
}
summarize_built() { summarize_node "$1"; }

run_bun() {
  # --parallel runs files in separate worker processes (implies --isolate: a fresh global per file, like node).
  "$BUN" test --parallel="$JOBS" --timeout="$TIMEOUT_MS" "${REL[@]}"
}
summarize_bun() {
  local log pass fail skip
  log=$(strip_ansi "$1")
  pass=$(sed -n 's/^ *\([0-9][0-9]*\) pass$/\1/p' <<<"$log" | tail -1)
  fail=$(sed -n 's/^ *\([0-9][0-9]*\) fail$/\1/p' <<<"$log" | tail -1)
  skip=$(sed -n 's/^ *\([0-9][0-9]*\) skip$/\1/p' <<<"$log" | tail -1)
  echo "$(num "$pass") passed, $(num "$fail") failed, ${skip:-0} skipped"
}

run_deno() {
  # node_modules is used as-is (npm installed it); sources were type-checked by tsc already.
  DENO_JOBS=$JOBS "$DENO" test --allow-all --no-check --no-lock --node-modules-dir=manual --parallel "${REL[@]}"
}
summarize_deno() {
  # deno's own line: "ok | 9 passed (10 steps) | 0 failed | 2 ignored (1 step) (431ms)"
  local line out="" what re
  line=$(strip_ansi "$1" | grep -E '^(ok|FAILED) \| ' | tail -1)
  for what in passed failed ignored; do
    re="\| ([0-9]+) $what( \(([0-9]+) steps?\))?"
    if [[ $line =~ $re ]]; then
      out+="${BASH_REMATCH[1]} $what${BASH_REMATCH[3]:+ (+${BASH_REMATCH[3]} steps)}, "
    elif [ -n "$line" ]; then
      out+="0 $what, "
    else
      out+="? $what, "
    fi
  done
  echo "${out%, }"
}

for rt in $RUNTIMES; do
  echo
  echo "== $rt: ${#REL[@]} test file(s)"
  data=$(mktemp -d "$WORK/data-$rt.XXXXXX")
  log=$WORK/$rt.log
  t0=$(now_ms)
  TYGER_TS_DATA_DIR=$data "run_$rt" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  elapsed=$(secs $(($(now_ms) - t0)))
  rm -rf "$data"
  status=ok
  if [ "$rc" -ne 0 ]; then status="FAILED (exit $rc)"; FAILED=1; fi
  line="$rt: $("summarize_$rt" "$log") in $elapsed - $status"
  SUMMARIES+=("$line")
  echo "$line"
done

echo
echo "== summary"
for s in "${SUMMARIES[@]}"; do echo "$s"; done
exit "$FAILED"

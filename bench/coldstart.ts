/**
 * Cold start of the CLI against the bare runtime, in one run: median wall time of `node -e 0`, `bin/tyger --version`
 * and `bin/tyger codespec list` (which loads Effect and opens the store). Usage: node bench/coldstart.ts [runs=30]
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const runs = Number(process.argv[2] ?? 30)
const root = new URL("..", import.meta.url).pathname
const node = join(root, "node_modules/.bin/node")
const tyger = join(root, "bin/tyger")
const dataDir = mkdtempSync(join(tmpdir(), "tyger-bench-"))

const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const time = (command: string, args: ReadonlyArray<string>): number => {
  const samples: Array<number> = []
  for (let i = 0; i < runs + 3; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, TYGER_TS_DATA_DIR: dataDir } })
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}`)
    if (i >= 3) samples.push(ms)
  }
  return median(samples)
}

// Interleaving would be fairer under load; measuring in blocks keeps each block's caches warm the same way.
const bare = time(node, ["-e", "0"])
const version = time(tyger, ["--version"])
const list = time(tyger, ["codespec", "list"])
rmSync(dataDir, { recursive: true, force: true })
console.log(JSON.stringify({
  runs,
  medianMs: { nodeBare: +bare.toFixed(1), tygerVersion: +version.toFixed(1), tygerCodespecList: +list.toFixed(1) },
  ratios: { versionToBareNode: +(version / bare).toFixed(2), codespecListToBareNode: +(list / bare).toFixed(2) },
  target: { tygerVersionMs: 150, versionToBareNode: 2 }
}, null, 2))

/**
 * Start-up of the `tyger` users run (issue 17): bin/tyger with the bundle of `npm run build` (build/cli) against
 * bin/tyger on the sources (build/cli moved aside) and bare Node, each a fresh process, interleaved so that the
 * machine's load falls on all of them alike. Every command runs 3 times first, so V8's compile cache is filled, as it
 * is from a user's second command on.
 *
 *   node_modules/.bin/node bench/startup.ts [runs=20]
 *
 * Builds build/cli first (scripts/build.sh bundle), and leaves it there.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"

const runs = Number(process.argv[2] ?? 20)
const root = new URL("..", import.meta.url).pathname
const node = join(root, "node_modules/.bin/node")
const tyger = join(root, "bin/tyger")
const bundle = join(root, "build/cli")
const aside = join(root, "build/cli.bench-aside")
const work = mkdtempSync(join(tmpdir(), "tyger-startup-"))

const built = spawnSync("bash", [join(root, "scripts/build.sh"), "bundle"], { stdio: "inherit" })
if (built.status !== 0) throw new Error(`scripts/build.sh bundle exited ${built.status}`)

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const once = (argv: ReadonlyArray<string>): number => {
  const start = process.hrtime.bigint()
  const result = spawnSync(argv[0]!, argv.slice(1), {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, TYGER_TS_DATA_DIR: join(work, "data"), XDG_CACHE_HOME: join(work, "cache") }
  })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${argv.join(" ")} exited ${result.status}`)
  return ms
}

/** bin/tyger on the sources: the bundle renamed away for the one call (a rename is atomic; restored in `finally`). */
const onSources = (args: ReadonlyArray<string>): number => {
  renameSync(bundle, aside)
  try {
    return once([tyger, ...args])
  } finally {
    renameSync(aside, bundle)
  }
}

const rows: Array<string> = []
try {
  for (const args of [["--version"], ["codespec", "list"]]) {
    const bare: Array<number> = []
    const fromBundle: Array<number> = []
    const fromSources: Array<number> = []
    for (let i = 0; i < runs + 3; i++) {
      const b = once([node, "-e", "0"])
      const u = once([tyger, ...args])
      const s = onSources(args)
      if (i < 3) continue
      bare.push(b)
      fromBundle.push(u)
      fromSources.push(s)
    }
    const n = median(bare)
    const cell = (xs: ReadonlyArray<number>) => `${median(xs).toFixed(1)} ms, ${(median(xs) / n).toFixed(2)}×`
    rows.push(`| \`tyger ${args.join(" ")}\` | ${n.toFixed(1)} ms | ${cell(fromBundle)} | ${cell(fromSources)} |`)
  }
} finally {
  if (existsSync(aside) && !existsSync(bundle)) renameSync(aside, bundle)
  rmSync(work, { recursive: true, force: true })
}
console.log(`medians of ${runs} after 3 warm-ups; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`)
console.log("| command | `node -e 0` | bin/tyger, bundle (build/cli) | bin/tyger, sources |")
console.log("| --- | --- | --- | --- |")
for (const row of rows) console.log(row)

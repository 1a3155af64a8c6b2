/**
 * Issue 17's first question, measured before anything is built: which way of shipping the CLI starts fastest. Each
 * candidate is built into a temporary directory, then every command is timed on every candidate in alternation,
 * sample by sample (the machine's load falls on all alike), and reported as the median and its ratio to `node -e 0`.
 *
 *   node bench/startup-candidates.ts [runs=20]
 *
 * Candidates:
 * - `sources`: bin/tyger as shipped today (Node, type stripping, V8 compile cache, cached stripped text);
 * - `bun-sources`: Bun running cli/main.ts (Bun is a devDependency);
 * - `node-bundle`: Node on one ES-module bundle with lazily loaded chunks (`bun build --target=node --splitting`),
 *   compile cache on, so nothing is type-stripped at run time;
 * - `bun-compile`: a standalone executable from `bun build --compile` (the Bun runtime and the bundle in one file).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const runs = Number(process.argv[2] ?? 20)
const root = new URL("..", import.meta.url).pathname
const node = join(root, "node_modules/.bin/node")
const bun = join(root, "node_modules/.bin/bun")
const work = mkdtempSync(join(tmpdir(), "tyger-startup-"))

const build = (args: ReadonlyArray<string>) => {
  const result = spawnSync(bun, ["build", ...args], { cwd: root, stdio: ["ignore", "ignore", "inherit"] })
  if (result.status !== 0) throw new Error(`bun build ${args.join(" ")} exited ${result.status}`)
}
build(["--target=node", "--format=esm", "--splitting", "cli/main.ts", "--outdir", join(work, "bundle")])
build(["--compile", "cli/main.ts", "--outfile", join(work, "tyger")])

interface Candidate {
  readonly name: string
  readonly argv: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
}

const candidates: ReadonlyArray<Candidate> = [
  { name: "sources", argv: [join(root, "bin/tyger")] },
  { name: "bun-sources", argv: [bun, join(root, "cli/main.ts")] },
  {
    name: "node-bundle",
    argv: [node, "--disable-warning=ExperimentalWarning", join(work, "bundle/main.js")],
    env: { NODE_COMPILE_CACHE: join(work, "compile-cache") }
  },
  { name: "bun-compile", argv: [join(work, "tyger")] }
]

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const once = (argv: ReadonlyArray<string>, env: Readonly<Record<string, string>>): number => {
  const start = process.hrtime.bigint()
  const result = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env } })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${argv.join(" ")} exited ${result.status}`)
  return ms
}

/** Medians of `node -e 0` and of `args` on each candidate, interleaved, after 3 warm-ups (caches filled). */
const time = (args: ReadonlyArray<string>) => {
  const dataDir = join(work, "data")
  const bare: Array<number> = []
  const samples = candidates.map((): Array<number> => [])
  for (let i = 0; i < runs + 3; i++) {
    const b = once([node, "-e", "0"], {})
    if (i >= 3) bare.push(b)
    candidates.forEach((c, k) => {
      const ms = once([...c.argv, ...args], { TYGER_TS_DATA_DIR: dataDir, ...c.env })
      if (i >= 3) samples[k]!.push(ms)
    })
  }
  return { bare: median(bare), medians: samples.map(median) }
}

const ms = (x: number) => +x.toFixed(1)
try {
  for (const args of [["--version"], ["codespec", "list"]]) {
    const { bare, medians } = time(args)
    console.log(`tyger ${args.join(" ")} (median of ${runs}; node -e 0: ${ms(bare)} ms)`)
    candidates.forEach((c, k) => console.log(`  ${c.name.padEnd(12)} ${String(ms(medians[k]!)).padStart(7)} ms  ${(medians[k]! / bare).toFixed(2)}× node -e 0`))
  }
  console.log(`bun-compile executable: ${(statSync(join(work, "tyger")).size / 2 ** 20).toFixed(0)} MiB`)
} finally {
  rmSync(work, { recursive: true, force: true })
}

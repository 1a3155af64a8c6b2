/**
 * Cold start of the CLI against the bare runtime, in one run: median wall time of `node -e 0`, `bin/tyger --version`
 * and `bin/tyger codespec list` (which loads Effect and opens the store).
 *
 *   node bench/coldstart.ts [runs=30] [baseline checkout]
 *
 * With a baseline (another checkout of tyger-ts, e.g. a `git worktree` of an older commit, with node_modules), each
 * command is timed on both trees in alternation, sample by sample, so that the machine's load falls on both alike,
 * and the ratio this tree / baseline is printed per command.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const runs = Number(process.argv[2] ?? 30)
const baselineRoot = process.argv[3] === undefined ? undefined : resolve(process.argv[3])
const root = new URL("..", import.meta.url).pathname
const node = join(root, "node_modules/.bin/node")

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const once = (command: string, args: ReadonlyArray<string>, dataDir: string): number => {
  const start = process.hrtime.bigint()
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, TYGER_TS_DATA_DIR: dataDir } })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}`)
  return ms
}

/** Median per tree of `args` run by each tree's bin/tyger (or `node` itself), interleaved, after 3 warm-ups each. */
const time = (trees: ReadonlyArray<string>, args: ReadonlyArray<string>, bare = false): Array<number> => {
  const dataDirs = trees.map(() => mkdtempSync(join(tmpdir(), "tyger-bench-")))
  const samples = trees.map((): Array<number> => [])
  for (let i = 0; i < runs + 3; i++) {
    trees.forEach((tree, t) => {
      const ms = once(bare ? node : join(tree, "bin/tyger"), args, dataDirs[t]!)
      if (i >= 3) samples[t]!.push(ms)
    })
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
  return samples.map(median)
}

const trees = baselineRoot === undefined ? [root] : [root, baselineRoot]
const [bare] = time([root], ["-e", "0"], true)
const version = time(trees, ["--version"])
const list = time(trees, ["codespec", "list"])
const ms = (x: number) => +x.toFixed(1)
const ratio = (x: number, y: number) => +(x / y).toFixed(2)
console.log(JSON.stringify({
  runs,
  medianMs: { nodeBare: ms(bare!), tygerVersion: ms(version[0]!), tygerCodespecList: ms(list[0]!) },
  ratios: { versionToBareNode: ratio(version[0]!, bare!), codespecListToBareNode: ratio(list[0]!, bare!) },
  ...(baselineRoot === undefined ? {} : {
    baseline: { root: baselineRoot, medianMs: { tygerVersion: ms(version[1]!), tygerCodespecList: ms(list[1]!) } },
    ratiosToBaseline: { tygerVersion: ratio(version[0]!, version[1]!), tygerCodespecList: ratio(list[0]!, list[1]!) }
  }),
  target: { tygerVersionMs: 150, versionToBareNode: 2 }
}, null, 2))

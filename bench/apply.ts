// `tyger apply` of a fan-out against the same jobs run one after another with `tyger run exec` (figures: bench/README.md).
//
//   node_modules/.bin/node bench/apply.ts [runs=20] [repeats=1]
//
// A generated workflow module of N independent jobs (`job-<i>`: `sh -c "echo job <i>"` on the test image, each its own
// inline codespec, no buffers) is applied with one `bin/tyger apply wf.ts --output json`, which creates the N runs and
// waits for them (exit 0 required, and every run must be reported Succeeded). Against it: N `bin/tyger run exec -f
// job-<i>.yml` one after another, each a run file with the same inline codespec (`job: { codespec: { image, command } }`).
// Each side gets its own fresh data directory (TYGER_TS_DATA_DIR); the files are written before the clock starts. With
// repeats > 1 the sides alternate and medians are printed. One warm-up of each side (one job) fills Node's compile
// cache and the CLI's stripped-module cache first. The engine must be up and the test image built
// (scripts/docker-test-image.sh). Afterwards no container (or network) of either data directory may remain: the engine
// removes a run's containers when it ends; the script waits up to 10 s for that and fails otherwise.
//
// Apply's phases are read from its stderr, each line stamped as it arrives: the summary line (`workflow wf: N to
// create`) is printed once every run is created, then one line per status change (polled every 250 ms).
import { spawn, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { instanceOf } from "../providers/docker/internal/Naming.ts"

const IMAGE = "tyger-test/busybox:latest"
const tyger = fileURLToPath(new URL("../bin/tyger", import.meta.url))
const dsl = (module: string) => pathToFileURL(fileURLToPath(new URL(`../dsl/${module}`, import.meta.url))).href

const runs = Number(process.argv[2] ?? 20)
const repeats = Number(process.argv[3] ?? 1)
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(repeats) || repeats < 1) {
  throw new Error("usage: bench/apply.ts [runs=20] [repeats=1]")
}

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const load = () => Os.loadavg().map((l) => +l.toFixed(2))

const commandOf = (i: number) => ["sh", "-c", `echo job ${i}`]

const workflowModule = (n: number) =>
  [
    `import * as Codespec from ${JSON.stringify(dsl("Codespec.ts"))}`,
    `import * as Run from ${JSON.stringify(dsl("Run.ts"))}`,
    "",
    `export const jobs = Array.from({ length: ${n} }, (_, i) =>`,
    `  Run.job(Codespec.job({ image: ${JSON.stringify(IMAGE)}, command: ["sh", "-c", \`echo job \${i}\`] }), { name: \`job-\${i}\` }))`,
    ""
  ].join("\n")

const runFile = (i: number) => `job:\n  codespec:\n    image: ${IMAGE}\n    command: ${JSON.stringify(commandOf(i))}\n`

interface Result {
  readonly ms: number
  readonly code: number | null
  readonly stdout: string
  /** stderr's lines, each with the ms since the spawn at which it arrived. */
  readonly lines: ReadonlyArray<{ readonly ms: number; readonly line: string }>
}

const exec = (args: ReadonlyArray<string>, cwd: string, dataDir: string): Promise<Result> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(tyger, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TYGER_TS_DATA_DIR: dataDir } })
    let stdout = ""
    let pending = ""
    const lines: Array<{ ms: number; line: string }> = []
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      const ms = performance.now() - started
      const parts = (pending + chunk).split("\n")
      pending = parts.pop()!
      for (const line of parts) lines.push({ ms, line })
    })
    child.on("error", reject)
    child.on("close", (code) => {
      if (pending !== "") lines.push({ ms: performance.now() - started, line: pending })
      resolve({ ms: performance.now() - started, code, stdout, lines })
    })
  })

const fail = (what: string, result: Result): never => {
  throw new Error(`${what} exited ${result.code}\n${result.stdout}\n${result.lines.map((l) => l.line).join("\n")}`)
}

/** Containers and networks of the data directory, after waiting up to 10 s for the engine to remove them. */
const leftovers = async (dataDir: string): Promise<Array<string>> => {
  const filter = `label=tyger-ts-instance=${instanceOf(dataDir)}`
  const list = () => [
    ...spawnSync("docker", ["ps", "-a", "-q", "--filter", filter], { encoding: "utf8" }).stdout.split("\n"),
    ...spawnSync("docker", ["network", "ls", "-q", "--filter", filter], { encoding: "utf8" }).stdout.split("\n")
  ].filter((id) => id !== "")
  for (let i = 0; i < 50; i++) {
    const found = list()
    if (found.length === 0) return []
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return list()
}

const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tyger-bench-apply-"))
let sides = 0

/** A fresh directory holding the workflow module and the run files, and a fresh data directory inside it. */
const prepare = (n: number) => {
  const dir = Path.join(tmp, `side-${sides++}`)
  const dataDir = Path.join(dir, "data")
  Fs.mkdirSync(dataDir, { recursive: true })
  Fs.writeFileSync(Path.join(dir, "wf.ts"), workflowModule(n))
  for (let i = 0; i < n; i++) Fs.writeFileSync(Path.join(dir, `job-${i}.yml`), runFile(i))
  return { dir, dataDir }
}

const check = async (dataDir: string) => {
  const found = await leftovers(dataDir)
  if (found.length > 0) throw new Error(`containers or networks of ${dataDir} remain: ${found.join(" ")}`)
}

const applySide = async (n: number) => {
  const { dir, dataDir } = prepare(n)
  const result = await exec(["apply", "wf.ts", "--output", "json"], dir, dataDir)
  if (result.code !== 0) fail("tyger apply", result)
  const reported = (JSON.parse(result.stdout) as { runs: Record<string, { status: string }> }).runs
  const succeeded = Object.entries(reported).filter(([, run]) => run.status === "Succeeded").map(([name]) => name)
  if (Object.keys(reported).length !== n || succeeded.length !== n) {
    throw new Error(`tyger apply: ${succeeded.length} of ${n} runs Succeeded: ${result.stdout}`)
  }
  await check(dataDir)
  const at = (test: (line: string) => boolean) => result.lines.filter((l) => test(l.line)).map((l) => l.ms)
  const created = at((line) => /^workflow wf: /.test(line))[0]
  const succeededAt = at((line) => / Succeeded$/.test(line))
  return {
    ms: result.ms,
    phases: {
      allCreatedMs: created,
      firstSucceededMs: Math.min(...succeededAt),
      lastSucceededMs: Math.max(...succeededAt),
      exitMs: result.ms
    }
  }
}

const sequentialSide = async (n: number) => {
  const { dir, dataDir } = prepare(n)
  const each: Array<number> = []
  const started = performance.now()
  for (let i = 0; i < n; i++) {
    const result = await exec(["run", "exec", "-f", `job-${i}.yml`], dir, dataDir)
    if (result.code !== 0) fail(`tyger run exec -f job-${i}.yml`, result)
    each.push(result.ms)
  }
  const ms = performance.now() - started
  await check(dataDir)
  return { ms, each }
}

try {
  await applySide(1)
  await sequentialSide(1)
  const loadBefore = load()
  const applied: Array<Awaited<ReturnType<typeof applySide>>> = []
  const sequential: Array<Awaited<ReturnType<typeof sequentialSide>>> = []
  for (let r = 0; r < repeats; r++) {
    applied.push(await applySide(runs))
    sequential.push(await sequentialSide(runs))
  }
  const applyMs = median(applied.map((a) => a.ms))
  const sequentialMs = median(sequential.map((s) => s.ms))
  const phase = (key: keyof (typeof applied)[number]["phases"]) => +(median(applied.map((a) => a.phases[key] ?? NaN)) / 1000).toFixed(2)
  const s = (ms: number) => +(ms / 1000).toFixed(2)
  console.log(JSON.stringify({
    runs,
    applySeconds: s(applyMs),
    sequentialExecSeconds: s(sequentialMs),
    ratio: +(applyMs / sequentialMs).toFixed(2),
    target: 0.3,
    repeats,
    applyPhasesSeconds: {
      allCreated: phase("allCreatedMs"),
      firstSucceeded: phase("firstSucceededMs"),
      lastSucceeded: phase("lastSucceededMs"),
      exit: phase("exitMs")
    },
    execSecondsEach: { median: s(median(sequential.flatMap((q) => q.each))), min: s(Math.min(...sequential.flatMap((q) => q.each))), max: s(Math.max(...sequential.flatMap((q) => q.each))) },
    all: { applySeconds: applied.map((a) => s(a.ms)), sequentialExecSeconds: sequential.map((q) => s(q.ms)) },
    load: { before: loadBefore, after: load() }
  }, null, 2))
} finally {
  Fs.rmSync(tmp, { recursive: true, force: true })
}

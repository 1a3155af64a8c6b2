// `run exec` against its baselines, all measured in one run of this script (figures: bench/README.md).
//
//   node_modules/.bin/node bench/run-exec.ts [sizeMiB=1024] [repeats=3] [helloRepeats=10]
//
// Throughput: `head -c SIZE /dev/zero | X | wc -c` where X is `cat` (a plain host pipe), `docker run -i --rm IMAGE cat`
// (Docker's attach API), the real CLI (`bin/tyger run exec -c cat`, through its launcher, with persisted buffers and
// with ephemeral `_` buffers, nothing stored or hashed), or a bare process that runs
// Runs.exec of the same codespec with stdin → the input buffer and the output buffer → stdout (what the CLI does
// through the same API, without clipanion, logging or the CLI's layers). Latency: a hello-world run against
// `docker run --rm IMAGE echo hello`, as a fresh CLI process, a fresh Runs.exec process, and warm inside one process.
// The CLI is the built one (bin/tyger on build/cli, made here by scripts/build.sh bundle, as `npm run build` does).
// The engine must be up and the test image built (scripts/docker-test-image.sh). Each exec uses a fresh data directory;
// for the CLI it is a copy of one where `tyger codespec create` has stored the two codespecs, made before the clock starts.
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { MONITOR_PROCESS_ENV } from "../engine/runs/MonitorLauncher.ts"

// The global `process`, not `import process from "node:process"`: on Node that import evaluates every getter of the
// module, process.stdin's included, which switches the stdin pipe to non-blocking mode and makes its reading thread
// poll (measured: a third of the throughput).

const IMAGE = "tyger-test/busybox:latest"
const self = fileURLToPath(import.meta.url)
const tyger = fileURLToPath(new URL("../bin/tyger", import.meta.url))
const CAT_COMMAND = 'exec cat "$INPUT_PIPE" > "$OUTPUT_PIPE"'
const HELLO_COMMAND = 'echo hello > "$OUTPUT_PIPE"'
const node = process.execPath
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

const sh = (script: string, env: NodeJS.ProcessEnv = process.env): Promise<{ ms: number; stdout: string }> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn("sh", ["-c", script], { stdio: ["ignore", "pipe", "inherit"], env })
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.on("close", (code) =>
      code === 0 ? resolve({ ms: performance.now() - started, stdout }) : reject(new Error(`${script}: exit ${code}`)))
  })

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

// Processes that host run monitors keep one libuv thread per pipe waiting on a slow program (see fifo.ts): the bare
// Runs.exec process gets MonitorLauncher's MONITOR_PROCESS_ENV here, the CLI sees the environment a user has.
const childEnv = (dataDir: string, cli = false): NodeJS.ProcessEnv => ({
  ...process.env,
  ...(cli ? {} : MONITOR_PROCESS_ENV),
  TYGER_TS_DATA_DIR: dataDir
})

const child = async (mode: "exec" | "hello" | "warm-hello", repeats = 1) => {
  const { Effect } = await import("effect")
  const Codespec = await import("../dsl/Codespec.ts")
  const Run = await import("../dsl/Run.ts")
  const BufferReader = await import("../engine/buffers/BufferReader.ts")
  const BufferWriter = await import("../engine/buffers/BufferWriter.ts")
  const { Runs } = await import("../engine/runs/Runs.ts")
  const { localEngine } = await import("./LocalEngine.ts")
  const runtime = localEngine(process.env["TYGER_TS_DATA_DIR"]!)
  const cat = Codespec.job({
    image: IMAGE,
    buffers: { inputs: ["input"], outputs: ["output"] },
    command: ["sh", "-c", CAT_COMMAND]
  })
  const hello = Codespec.job({ image: IMAGE, buffers: { outputs: ["output"] }, command: ["sh", "-c", HELLO_COMMAND] })
  const timings: Array<number> = []
  await runtime.runPromise(Effect.gen(function*() {
    const runs = yield* Runs
    // As the CLI will: stdout's sink is the caller's to close (it may run a writer thread).
    const stdout = BufferReader.toFd(1)
    if (mode === "exec") {
      yield* runs.exec(Run.job(cat), {
        input: BufferWriter.fromFd(0),
        output: stdout
      })
    } else {
      for (let i = 0; i < repeats; i++) {
        const started = performance.now()
        yield* runs.exec(Run.job(hello), { output: stdout })
        timings.push(performance.now() - started)
      }
    }
    yield* Effect.promise(() => stdout.close())
  }))
  await runtime.dispose()
  if (mode === "warm-hello") process.stderr.write(`${JSON.stringify(timings)}\n`)
}

const main = async () => {
  await sh(`bash ${quote(fileURLToPath(new URL("../scripts/build.sh", import.meta.url)))} bundle`)
  const sizeMiB = Number(process.argv[2] ?? 1024)
  const repeats = Number(process.argv[3] ?? 3)
  const helloRepeats = Number(process.argv[4] ?? 10)
  const bytes = sizeMiB * 1024 * 1024
  const source = `head -c ${bytes} /dev/zero`
  const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tyger-bench-exec-"))
  const fresh = () => Fs.mkdtempSync(Path.join(tmp, "data-"))
  const template = fresh()
  const create = (name: string, buffers: string, command: string) =>
    sh(`${tyger} codespec create ${name} --image ${IMAGE} ${buffers} --command -- sh -c ${quote(command)} >/dev/null`, childEnv(template, true))
  await create("cat", "-i input -o output", CAT_COMMAND)
  await create("hello", "-o output", HELLO_COMMAND)
  const run = async (label: string, script: (dataDir: string) => string, times: number, cli = false) => {
    const ms: Array<number> = []
    for (let i = 0; i < times; i++) {
      const dataDir = fresh()
      if (cli) Fs.cpSync(template, dataDir, { recursive: true })
      const { ms: elapsed, stdout } = await sh(script(dataDir), childEnv(dataDir, cli))
      if (label.startsWith("throughput") && stdout.trim() !== String(bytes)) throw new Error(`${label}: wc -c said ${stdout.trim()}`)
      Fs.rmSync(dataDir, { recursive: true, force: true })
      ms.push(elapsed)
    }
    return { label, ms: median(ms), all: ms }
  }
  try {
    const execChild = `${node} --disable-warning=ExperimentalWarning ${self} --child`
    const pipe = await run("throughput: host pipe", () => `${source} | cat | wc -c`, repeats)
    const cli = await run("throughput: tyger run exec (CLI)", () => `${source} | ${tyger} run exec -c cat 2>/dev/null | wc -c`, repeats, true)
    const ephemeral = await run(
      "throughput: run exec, `_` buffers (CLI)",
      () => `${source} | ${tyger} run exec -c cat -b input=_ -b output=_ 2>/dev/null | wc -c`,
      repeats,
      true
    )
    const exec = await run("throughput: Runs.exec process", () => `${source} | ${execChild} exec | wc -c`, repeats)
    const dockerI = await run("throughput: docker run -i", () => `${source} | docker run -i --rm ${IMAGE} cat | wc -c`, 1)
    const dockerHello = await run("latency: docker run --rm", () => `docker run --rm ${IMAGE} echo hello`, helloRepeats)
    const cliHello = await run("latency: tyger run exec (CLI)", () => `${tyger} run exec -c hello 2>/dev/null`, helloRepeats, true)
    const execHello = await run("latency: Runs.exec process", () => `${execChild} hello`, helloRepeats)
    const warmDir = fresh()
    const warm = await new Promise<Array<number>>((resolve, reject) => {
      const p = spawn(node, ["--disable-warning=ExperimentalWarning", self, "--child", "warm-hello", String(helloRepeats + 1)], {
        stdio: ["ignore", "ignore", "pipe"],
        env: childEnv(warmDir)
      })
      let err = ""
      p.stderr.setEncoding("utf8").on("data", (c: string) => (err += c))
      p.on("close", (code) => code === 0 ? resolve(JSON.parse(err.trim().split("\n").pop()!) as Array<number>) : reject(new Error(err)))
    })
    const warmMs = median(warm.slice(1))
    const mbps = (ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0)
    const rows = [
      [pipe.label, `${pipe.ms.toFixed(0)} ms`, `${mbps(pipe.ms)} MB/s`, "1.00"],
      [cli.label, `${cli.ms.toFixed(0)} ms`, `${mbps(cli.ms)} MB/s`, (pipe.ms / cli.ms).toFixed(2)],
      [ephemeral.label, `${ephemeral.ms.toFixed(0)} ms`, `${mbps(ephemeral.ms)} MB/s`, (pipe.ms / ephemeral.ms).toFixed(2)],
      [exec.label, `${exec.ms.toFixed(0)} ms`, `${mbps(exec.ms)} MB/s`, (pipe.ms / exec.ms).toFixed(2)],
      [dockerI.label, `${dockerI.ms.toFixed(0)} ms`, `${mbps(dockerI.ms)} MB/s`, (pipe.ms / dockerI.ms).toFixed(3)],
      ["CLI vs docker run -i", "", "", `${(dockerI.ms / cli.ms).toFixed(1)}×`],
      ["CLI, `_` buffers, vs docker run -i", "", "", `${(dockerI.ms / ephemeral.ms).toFixed(1)}×`],
      [dockerHello.label, `${dockerHello.ms.toFixed(0)} ms`, "", "1.00"],
      [cliHello.label, `${cliHello.ms.toFixed(0)} ms`, "", (cliHello.ms / dockerHello.ms).toFixed(2)],
      [execHello.label, `${execHello.ms.toFixed(0)} ms`, "", (execHello.ms / dockerHello.ms).toFixed(2)],
      ["latency: run exec (warm, in-process)", `${warmMs.toFixed(0)} ms`, "", (warmMs / dockerHello.ms).toFixed(2)]
    ]
    console.log(`size ${sizeMiB} MiB, medians of ${repeats} (throughput) and ${helloRepeats} (latency); load ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
    for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(40) : c.padStart(12))).join(""))
    console.log(JSON.stringify({ pipe: pipe.all, cli: cli.all, ephemeral: ephemeral.all, exec: exec.all, dockerI: dockerI.all, dockerHello: dockerHello.all, cliHello: cliHello.all, execHello: execHello.all, warm }))
  } finally {
    Fs.rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[2] === "--child") await child(process.argv[3] as "exec" | "hello" | "warm-hello", Number(process.argv[4] ?? 1))
else await main()

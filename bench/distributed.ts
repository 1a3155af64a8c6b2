// Time from `run create` to the job's first log line for distributed runs of 1, 4 and 16 workers, against the same
// job without workers, all measured in one run of this script (figures: bench/README.md).
//
//   node_modules/.bin/node bench/distributed.ts [repeats=5] [workerCounts=1,4,16]
//
// Through the engine, in one process: Runs.create with an in-process monitor, as `tyger run exec` does (the CLI's
// `run create` adds a detached monitor process, ≈ 0.5 s of Node and Effect start-up, to every case alike). The clock
// starts before Runs.create and stops at the Docker timestamp of the job's first line (`echo` at once), so how soon
// the log stream delivers the line does not count. Workers are busybox httpd on endpoint web=8080. The phases come
// from the engine's own records of the run's containers: when the first worker was created, when the last one started
// and when the job's container was created. Cases are interleaved (one of each per round) so that load from other work spreads over all of them.
// The engine must be up and the test image built (scripts/docker-test-image.sh).
import { Effect, Stream } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Codespec from "../dsl/Codespec.ts"
import * as Run from "../dsl/Run.ts"
import { Runs } from "../engine/runs/Runs.ts"
import { DockerClient } from "../providers/docker/DockerClient.ts"
import { epochMillis } from "../providers/docker/DockerRunReader.ts"
import * as Naming from "../providers/docker/internal/Naming.ts"
import { localEngine } from "./LocalEngine.ts"

const IMAGE = "tyger-test/busybox:latest"
const repeats = Number(process.argv[2] ?? 5)
const workerCounts = (process.argv[3] ?? "1,4,16").split(",").map(Number)

const job = Codespec.job({ image: IMAGE, command: ["sh", "-c", "echo first; exec sleep 600"] })
const worker = Codespec.worker({
  image: IMAGE,
  endpoints: { web: 8080 },
  command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
})

interface Sample {
  /** create → the job's first log line. */
  readonly total: number
  /** create → the first worker created (Docker's Created): recording the run, its monitor, the run's network. */
  readonly firstWorker: number | undefined
  /** the first worker created → the last one started (Docker's StartedAt). */
  readonly workersStarted: number | undefined
  /** the last worker started → the job's container created: the wait for every endpoint to accept TCP. */
  readonly ready: number | undefined
  /** the job's container created → its first line. */
  readonly job: number
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const settled = (id: number) =>
  Effect.gen(function*() {
    const runs = yield* Runs
    for (;;) {
      if ((yield* runs.get(id)).final) return
      yield* Effect.sleep("100 millis")
    }
  })

const measure = (workers: number, instance: string) =>
  Effect.gen(function*() {
    const runs = yield* Runs
    const docker = yield* DockerClient
    const run = workers === 0 ? Run.job(job) : Run.distributed({ job, worker, replicas: workers })
    // Tyger's prefixes: none when the run is one container.
    const prefix = workers === 0 ? "" : "[job]"
    const started = Date.now()
    const created = yield* runs.create(run)
    const first = yield* Stream.runHead(Stream.filter(runs.logs(created.id, { follow: true }), (l) => l.prefix === prefix))
    if (first._tag === "None") return yield* Effect.die(new Error(`run ${created.id} ended without a job line`))
    const firstLine = Number(BigInt(first.value.timestamp) / 1_000_000n)
    const containers = yield* docker.listContainers({ all: true, filters: Naming.runFilter(instance, created.id) })
    const inspected = yield* Effect.forEach(containers, (c) => docker.inspectContainer(c.Id), { concurrency: "unbounded" })
    const role = (c: (typeof inspected)[number]) => c.Config?.Labels?.[Naming.CONTAINER_NAME_LABEL] ?? ""
    const jobContainer = inspected.find((c) => !role(c).startsWith("worker"))!
    const jobCreated = epochMillis(jobContainer.Created ?? "")!
    const workerContainers = inspected.filter((c) => role(c).startsWith("worker"))
    const workerStarts = workerContainers.map((c) => epochMillis(c.State.StartedAt)!)
    const workerCreates = workerContainers.map((c) => epochMillis(c.Created ?? "")!)
    yield* runs.cancel(created.id)
    yield* settled(created.id)
    const firstWorker = workerCreates.length === 0 ? undefined : Math.min(...workerCreates)
    const lastWorker = workerStarts.length === 0 ? undefined : Math.max(...workerStarts)
    return {
      total: firstLine - started,
      firstWorker: firstWorker === undefined ? undefined : firstWorker - started,
      workersStarted: firstWorker === undefined || lastWorker === undefined ? undefined : lastWorker - firstWorker,
      ready: lastWorker === undefined ? undefined : jobCreated - lastWorker,
      job: firstLine - jobCreated
    } satisfies Sample
  })

const main = async () => {
  const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tyger-bench-distributed-"))
  const dataDir = Path.join(tmp, "data")
  const runtime = localEngine(dataDir)
  const instance = Naming.instanceOf(dataDir)
  const cases = [0, ...workerCounts]
  const samples = new Map<number, Array<Sample>>(cases.map((n) => [n, []]))
  const load = Os.loadavg()
  try {
    // Warm-up, not counted: the first run pays for module loading, the store's schema and the image's first use.
    await runtime.runPromise(measure(0, instance))
    await runtime.runPromise(measure(1, instance))
    for (let round = 0; round < repeats; round++) {
      for (const n of cases) samples.get(n)!.push(await runtime.runPromise(measure(n, instance)))
    }
  } finally {
    await runtime.dispose()
    Fs.rmSync(tmp, { recursive: true, force: true })
  }
  const baseline = median(samples.get(0)!.map((s) => s.total))
  const ms = (v: number | undefined) => (v === undefined ? "—" : `${v.toFixed(0)} ms`)
  const medianOf = (n: number, pick: (s: Sample) => number | undefined) => {
    const values = samples.get(n)!.map(pick).filter((v): v is number => v !== undefined)
    return values.length === 0 ? undefined : median(values)
  }
  console.log(`medians of ${repeats}; load average ${load.map((l) => l.toFixed(2)).join(" ")} at start, ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")} at end`)
  console.log(
    ["workers", "create → first job line", "ratio", "→ first worker created", "→ last worker started", "→ job created (wait)", "→ first line"]
      .join(" | ")
  )
  for (const n of cases) {
    const total = medianOf(n, (s) => s.total)!
    console.log([
      n === 0 ? "none" : String(n),
      ms(total),
      (total / baseline).toFixed(2),
      ms(medianOf(n, (s) => s.firstWorker)),
      ms(medianOf(n, (s) => s.workersStarted)),
      ms(medianOf(n, (s) => s.ready)),
      ms(medianOf(n, (s) => s.job))
    ].join(" | "))
  }
  console.log(JSON.stringify(Object.fromEntries([...samples].map(([n, s]) => [n, s.map((x) => x.total)]))))
}

await main()

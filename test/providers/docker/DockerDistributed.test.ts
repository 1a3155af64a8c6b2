// Distributed runs and job replicas on the real Docker engine, through the engine's Runs service with in-process
// monitors: workers found through Tyger's variables and DAPHNE's derived list, the wait for worker endpoints, cancel
// and timeout, a killed monitor, merged log prefixes, replicas that each read every input, and that nothing of a run
// (containers, network, run directory) outlives its finalisation. Skipped (reason printed) without an engine.
import assert from "node:assert/strict"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import { after, describe, test } from "node:test"
import { Effect, Exit, Stream } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Derived from "../../../dsl/Derived.ts"
import * as Run from "../../../dsl/Run.ts"
import { Buffers } from "../../../engine/buffers/Buffers.ts"
import type { LogLine } from "../../../engine/runs/Provider.ts"
import { CANCELED_BY_USER, Runs } from "../../../engine/runs/Runs.ts"
import { monitorDiedReason, TIMEOUT_REASON } from "../../../engine/runs/RunMonitor.ts"
import * as Naming from "../../../providers/docker/internal/Naming.ts"
import { dockerOrSkip, exec, testImage, testSession } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { buffersOf, createSettled, detachedRuntime, readText, runtime, settled, writeText } from "./Harness.ts"

const skip = await dockerOrSkip()
const session = testSession()

// Runs that must get past the wait for their workers get a wait no loaded machine exceeds; runs whose workers never
// become ready get a short one, so that the wait, not the run's timeout, is what ends them.
const patientDir = tempDir("tyger-docker-distributed-")
const patient = runtime(patientDir, session.labels, undefined, { workerReadyTimeout: "5 minutes" })
const SHORT_WAIT_SECONDS = 3
const impatientDir = tempDir("tyger-docker-distributed-short-")
const impatient = runtime(impatientDir, session.labels, undefined, { workerReadyTimeout: `${SHORT_WAIT_SECONDS} seconds` })

// Monitors as processes of their own, so that one can be killed.
const orphanDir = tempDir("tyger-docker-distributed-monitor-")
const { runtime: orphaned, monitors, dispose: disposeOrphaned } = detachedRuntime(orphanDir, session.labels)

after(async () => {
  await disposeOrphaned()
  await patient.dispose()
  await impatient.dispose()
  if (skip === false) await session.cleanup()
})

/** A worker serving its own host name over HTTP on `port`, optionally saying so on stdout first. */
const httpd = (port: number, announce = false) => [
  "sh",
  "-c",
  `${announce ? 'echo "worker $(hostname) serving"; ' : ""}mkdir -p /www && hostname > /www/index.html && exec httpd -f -p ${port} -h /www`
]

const webWorker = (announce = false) => Codespec.worker({ image: testImage, endpoints: { web: 8080 }, command: httpd(8080, announce) })

/**
 * Fetches every address of a JSON array of `host:port` (Tyger's variable) and prints each answer. (No `wget -T`: the
 * test image's static busybox 1.35 segfaults with it.)
 */
const FETCH_EVERY_WEB_WORKER = [
  'echo "nodes $TYGER_WORKER_NODES"',
  'echo "addresses $TYGER_WEB_WORKER_ENDPOINT_ADDRESSES"',
  `for a in $(echo "$TYGER_WEB_WORKER_ENDPOINT_ADDRESSES" | tr -d '[]"' | tr , ' '); do wget -q -O - "http://$a/" || exit 1; done`
].join("; ")

/** A job that says so when it runs (tests check it never did), and a worker that never opens its port. */
const jobSayingItRan = Codespec.job({ image: testImage, command: ["sh", "-c", "echo the job ran"] })
const neverListening = Codespec.worker({ image: testImage, endpoints: { web: 8080 }, command: ["sleep", "3600"] })

const hostsOf = (runId: number, replicas: number) => Array.from({ length: replicas }, (_, i) => Naming.workerHost(runId, i))

const lines = (runId: number) =>
  Effect.gen(function*() {
    const runs = yield* Runs
    return Array.from(yield* Stream.runCollect(runs.logs(runId, { follow: false })))
  })

const texts = (all: ReadonlyArray<LogLine>, prefix: string) => all.filter((l) => l.prefix === prefix).map((l) => l.text)

/** Live logs, polled until `done` holds of them (a run's containers log on their own schedule). */
const logsUntil = (runId: number, done: (all: ReadonlyArray<LogLine>) => boolean) =>
  Effect.gen(function*() {
    for (;;) {
      const all = yield* lines(runId)
      if (done(all)) return all
      yield* Effect.sleep("200 millis")
    }
  })

const waitRunning = (id: number) =>
  Effect.gen(function*() {
    const runs = yield* Runs
    const first = yield* Stream.runHead(Stream.filter(runs.watch(id), (r) => r.status !== "Pending"))
    return first._tag === "Some" ? first.value : yield* runs.get(id)
  })

const listed = async (args: ReadonlyArray<string>) => {
  const result = await exec("docker", args)
  assert.equal(result.code, 0, result.stderr)
  return result.stdout.split("\n").filter((line) => line !== "")
}

const runFilters = (dataDir: string, runId: number) => [
  "--filter", `label=${Naming.RUN_LABEL}=${runId}`, "--filter", `label=${Naming.INSTANCE_LABEL}=${Naming.instanceOf(dataDir)}`
]

/** What the engine and the data directory still hold of a run: asked of the docker CLI, not the provider's client. */
const leftovers = (dataDir: string, runId: number) =>
  Effect.promise(async () => ({
    containers: await listed(["ps", "-aq", ...runFilters(dataDir, runId)]),
    networks: await listed(["network", "ls", "-q", ...runFilters(dataDir, runId)]),
    runDir: Fs.existsSync(Naming.runDir(dataDir, runId))
  }))

const NOTHING_LEFT = { containers: [], networks: [], runDir: false }

/** Workers of a run that the engine has (any state), by name. */
const workerNames = (dataDir: string, runId: number) =>
  Effect.promise(() =>
    listed(["ps", "-a", "--format", "{{.Names}}", "--filter", `label=${Naming.WORKER_LABEL}=${runId}`, ...runFilters(dataDir, runId)])
  ).pipe(Effect.map((names) => names.sort()))

describe("distributed runs on Docker", () => {
  test("3 httpd workers on endpoint web=8080: the job fetches every address, gets 3 distinct host names, nothing is left", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const { created, done } = yield* createSettled(Run.distributed({
        job: Codespec.job({ image: testImage, command: ["sh", "-c", FETCH_EVERY_WEB_WORKER] }),
        worker: webWorker(),
        replicas: 3
      }))
      const all = yield* lines(created.id)
      assert.equal(done.status, "Succeeded", `${done.statusReason}\n${JSON.stringify(all)}`)
      assert.ok(done.logsArchived)
      const hosts = hostsOf(created.id, 3)
      const job = texts(all, "[job]")
      assert.deepEqual(job.slice(0, 2), [
        `nodes ${JSON.stringify(hosts)}`,
        `addresses ${JSON.stringify(hosts.map((h) => `${h}:8080`))}`
      ])
      // Each worker answered with its own host name: three distinct answers, in worker order.
      assert.deepEqual(job.slice(2), hosts)
      assert.equal(new Set(job.slice(2)).size, 3)
      assert.deepEqual(yield* leftovers(patientDir, created.id), NOTHING_LEFT)
    })))

  test("DAPHNE-shaped: DISTRIBUTED_WORKERS derived as host:port joined with ',' reaches every worker", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const buffers = yield* Buffers
      // Modelled on dsl/library/daphne.ts: named codespecs, a script in and a result out, a gRPC-like port.
      const worker = Codespec.worker({
        name: "daphne-worker-test",
        image: testImage,
        command: httpd(50051),
        endpoints: { grpc: 50051 }
      })
      const coordinator = Codespec.job({
        name: "daphne-coordinator-test",
        image: testImage,
        buffers: { inputs: ["script"], outputs: ["result"] },
        command: [
          "sh",
          "-c",
          [
            'script=$(cat "$SCRIPT_PIPE")',
            'echo "DISTRIBUTED_WORKERS=$DISTRIBUTED_WORKERS"',
            'IFS=,; for w in $DISTRIBUTED_WORKERS; do echo "$script $(wget -q -O - "http://$w/")" || exit 1; done > "$RESULT_PIPE"'
          ].join("; ")
        ]
      })
      const script = yield* buffers.create({})
      yield* writeText(script.id, "ran on")
      const created = yield* runs.create(Run.distributed({
        job: { codespec: coordinator, buffers: { script: script.id } },
        worker,
        replicas: 3,
        env: { DISTRIBUTED_WORKERS: Derived.addresses(worker.endpoints.grpc, { separator: "," }) }
      }))
      const done = yield* settled(created.id)
      const all = yield* lines(created.id)
      assert.equal(done.status, "Succeeded", `${done.statusReason}\n${JSON.stringify(all)}`)
      const hosts = hostsOf(created.id, 3)
      assert.deepEqual(texts(all, "[job]"), [`DISTRIBUTED_WORKERS=${hosts.map((h) => `${h}:50051`).join(",")}`])
      assert.equal(yield* readText(buffersOf(done)["result"]!), hosts.map((h) => `ran on ${h}\n`).join(""))
      assert.deepEqual(yield* leftovers(patientDir, created.id), NOTHING_LEFT)
    })))

  test("workers that never open their port fail the run after the configured wait, naming worker and endpoint", { skip }, () =>
    impatient.runPromise(Effect.gen(function*() {
      const { created, done } = yield* createSettled(Run.distributed({
        job: jobSayingItRan,
        worker: neverListening,
        replicas: 2
      }))
      assert.equal(done.status, "Failed")
      const [first] = hostsOf(created.id, 2)
      assert.match(
        done.statusReason ?? "",
        new RegExp(`^Timed out after ${SHORT_WAIT_SECONDS}s waiting for worker ${first} on endpoint 'web' \\(port 8080\\): .+ \\(and 1 more worker\\)$`)
      )
      // The job never started.
      assert.ok(!(yield* lines(created.id)).some((l) => l.text === "the job ran"))
      assert.deepEqual(yield* leftovers(impatientDir, created.id), NOTHING_LEFT)
    })))

  test("a worker that exits at once: the reason says it exited and was restarted", { skip }, () =>
    impatient.runPromise(Effect.gen(function*() {
      const { created, done } = yield* createSettled(Run.distributed({
        job: jobSayingItRan,
        worker: Codespec.worker({ image: testImage, endpoints: { web: 8080 }, command: ["sh", "-c", "echo giving up; exit 7"] })
      }))
      assert.equal(done.status, "Failed")
      assert.match(
        done.statusReason ?? "",
        new RegExp(
          `^Timed out after ${SHORT_WAIT_SECONDS}s waiting for worker ${Naming.workerHost(created.id, 0)} on endpoint 'web' \\(port 8080\\): ` +
            `.+; it exited with code 7 and was restarted \\d+ times?$`
        )
      )
      // Restarted as Tyger's workers are: the worker's output appears more than once (logs of every start).
      const all = yield* lines(created.id)
      assert.ok(all.filter((l) => l.text === "giving up").length >= 2, JSON.stringify(all))
      assert.ok(!all.some((l) => l.text === "the job ran"))
      assert.deepEqual(yield* leftovers(impatientDir, created.id), NOTHING_LEFT)
    })))

  test("a worker that exited once and then runs without listening: the reason gives the code it exited with", { skip }, () =>
    impatient.runPromise(Effect.gen(function*() {
      // The container's filesystem outlives a restart: the first start exits 7, every later one sleeps.
      const { done } = yield* createSettled(Run.distributed({
        job: Codespec.job({ image: testImage, command: ["true"] }),
        worker: Codespec.worker({
          image: testImage,
          endpoints: { web: 8080 },
          command: ["sh", "-c", "if [ -e /tmp/once ]; then exec sleep 3600; fi; touch /tmp/once; exit 7"]
        })
      }))
      assert.equal(done.status, "Failed")
      assert.match(done.statusReason ?? "", /exited with code 7 and was restarted 1 time$/)
    })))

  test("cancel while the job runs → Canceled, workers stopped, nothing left", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.distributed({
        job: Codespec.job({ image: testImage, command: ["sh", "-c", "echo job started; exec sleep 600"] }),
        worker: webWorker(),
        replicas: 2
      }))
      assert.equal((yield* waitRunning(created.id)).status, "Running")
      yield* logsUntil(created.id, (all) => all.some((l) => l.text === "job started"))
      const instance = Naming.instanceOf(patientDir)
      assert.deepEqual(yield* workerNames(patientDir, created.id), [
        Naming.workerContainerName(instance, created.id, 0),
        Naming.workerContainerName(instance, created.id, 1)
      ])
      // What `leftovers` must later find gone, seen by the same query while the run is alive.
      const alive = yield* leftovers(patientDir, created.id)
      assert.deepEqual([alive.containers.length, alive.networks.length, alive.runDir], [3, 1, true])
      const canceled = yield* runs.cancel(created.id)
      assert.equal(canceled.status, "Canceled")
      const done = yield* settled(created.id)
      assert.equal(done.status, "Canceled")
      assert.equal(done.statusReason, CANCELED_BY_USER)
      assert.deepEqual(yield* leftovers(patientDir, created.id), NOTHING_LEFT)
    })))

  test("cancel while the job waits for its workers → Canceled, the job never ran, nothing left", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.distributed({
        job: jobSayingItRan,
        worker: neverListening,
        replicas: 2
      }))
      // Both workers exist: the monitor is inside the wait for their endpoints (5 minutes in this runtime).
      for (;;) {
        if ((yield* workerNames(patientDir, created.id)).length === 2) break
        yield* Effect.sleep("200 millis")
      }
      yield* runs.cancel(created.id)
      const done = yield* settled(created.id)
      assert.equal(done.status, "Canceled")
      assert.equal(done.statusReason, CANCELED_BY_USER)
      assert.ok(!(yield* lines(created.id)).some((l) => l.text === "the job ran"))
      assert.deepEqual(yield* leftovers(patientDir, created.id), NOTHING_LEFT)
    })))

  test("timeoutSeconds 3 → Canceled with the timeout reason, nothing left", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const { created, done } = yield* createSettled(Run.distributed({
        job: Codespec.job({ image: testImage, command: ["sleep", "600"] }),
        worker: webWorker(),
        replicas: 2,
        timeoutSeconds: 3
      }))
      assert.equal(done.status, "Canceled")
      assert.equal(done.statusReason, TIMEOUT_REASON)
      assert.deepEqual(yield* leftovers(patientDir, created.id), NOTHING_LEFT)
    })))

  test("timeoutSeconds 3 while the job waits for workers that never listen → Canceled with the timeout reason", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const { created, done } = yield* createSettled(Run.distributed({
        job: jobSayingItRan,
        worker: neverListening,
        timeoutSeconds: 3
      }))
      assert.equal(done.status, "Canceled")
      assert.equal(done.statusReason, TIMEOUT_REASON)
      assert.ok(!(yield* lines(created.id)).some((l) => l.text === "the job ran"))
      assert.deepEqual(yield* leftovers(patientDir, created.id), NOTHING_LEFT)
    })))

  test("the monitor killed while the job runs: the next read fails the run and removes workers, job and network", { skip }, () =>
    orphaned.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.distributed({
        job: Codespec.job({ image: testImage, command: ["sh", "-c", "echo job started; exec sleep 600"] }),
        worker: webWorker(),
        replicas: 2
      }))
      const monitor = monitors[monitors.length - 1]!
      yield* Effect.promise(() => monitor.claimed)
      assert.equal((yield* waitRunning(created.id)).status, "Running")
      yield* logsUntil(created.id, (all) => all.some((l) => l.text === "job started"))
      assert.equal((yield* workerNames(orphanDir, created.id)).length, 2)
      const exited = new Promise((resolve) => monitor.child.once("exit", resolve))
      monitor.child.kill("SIGKILL")
      yield* Effect.promise(() => exited)
      const reconciled = yield* runs.get(created.id)
      assert.equal(reconciled.status, "Failed")
      assert.equal(reconciled.statusReason, monitorDiedReason(monitor.child.pid!))
      yield* settled(created.id)
      assert.deepEqual(yield* leftovers(orphanDir, created.id), NOTHING_LEFT)
    })))

  test("merged logs: worker lines carry [worker-<i>], job lines [job], live and after archiving", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.distributed({
        job: Codespec.job({ image: testImage, command: ["sh", "-c", "echo job says hi; echo job complains >&2; exec sleep 600"] }),
        worker: webWorker(true),
        replicas: 2
      }))
      const hosts = hostsOf(created.id, 2)
      const expected = (all: ReadonlyArray<LogLine>) => ({
        // stdout and stderr are separate streams: their lines have no order between them.
        job: texts(all, "[job]").sort(),
        worker0: texts(all, "[worker-0]"),
        worker1: texts(all, "[worker-1]"),
        others: all.filter((l) => !["[job]", "[worker-0]", "[worker-1]"].includes(l.prefix))
      })
      const want = {
        job: ["job complains", "job says hi"],
        worker0: [`worker ${hosts[0]} serving`],
        worker1: [`worker ${hosts[1]} serving`],
        others: []
      }
      const live = yield* logsUntil(created.id, (all) => all.length >= 4)
      assert.equal((yield* runs.get(created.id)).logsArchived, false)
      assert.deepEqual(expected(live), want)
      // Workers were ready before the job started.
      const [firstJob] = live.filter((l) => l.prefix === "[job]")
      assert.ok(live.filter((l) => l.prefix !== "[job]").every((l) => BigInt(l.timestamp) <= BigInt(firstJob!.timestamp)))
      yield* runs.cancel(created.id)
      const done = yield* settled(created.id)
      assert.ok(done.logsArchived)
      assert.deepEqual(expected(yield* lines(created.id)), want)
    })))

  test("job.replicas 2 with an input buffer: each replica reads the whole input; [job-0] and [job-1]", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const buffers = yield* Buffers
      // ASCII: its length is its size in bytes.
      const text = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join("\n")
      const input = yield* buffers.create({})
      yield* writeText(input.id, text)
      const md5 = createHash("md5").update(text).digest("hex")
      const counter = Codespec.job({
        image: testImage,
        buffers: { inputs: ["input"] },
        command: ["sh", "-c", 'cat "$INPUT_PIPE" > /tmp/in; echo "$(wc -c < /tmp/in) $(md5sum < /tmp/in | cut -d " " -f 1)"']
      })
      const created = yield* runs.create(Run.job(counter, { buffers: { input: input.id }, replicas: 2 }))
      const done = yield* settled(created.id)
      const all = yield* lines(created.id)
      assert.equal(done.status, "Succeeded", `${done.statusReason}\n${JSON.stringify(all)}`)
      const want = `${text.length} ${md5}`
      assert.deepEqual(texts(all, "[job-0]"), [want])
      assert.deepEqual(texts(all, "[job-1]"), [want])
      assert.equal(all.length, 2)
      assert.deepEqual(yield* leftovers(patientDir, created.id), NOTHING_LEFT)
    })))

  test("job.replicas 2 with an output buffer is refused before anything is created", { skip }, () =>
    patient.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const before = (yield* runs.list({ limit: 1000 })).length
      const exit = yield* Effect.exit(runs.create(Run.job(
        Codespec.job({ image: testImage, buffers: { outputs: ["output"] }, command: ["true"] }),
        { replicas: 2 }
      )))
      assert.ok(Exit.isFailure(exit))
      const error = exit.cause.reasons[0] as { readonly error?: { readonly _tag: string; readonly message: string } }
      assert.equal(error.error?._tag, "PlanCompileError")
      assert.match(error.error?.message ?? "", /a job with 2 replicas cannot have output buffers \(output\)/)
      assert.equal((yield* runs.list({ limit: 1000 })).length, before)
    })))
})

// Runs on the real Docker engine through the engine's Runs service with in-process monitors: statuses and reasons,
// buffers through pipes, faults, cancellation, timeouts, logs, resources and finalisation. Skipped (reason printed)
// without an engine. Everything created carries this file's session label and is removed afterwards.
import assert from "node:assert/strict"
import { after, describe, test } from "node:test"
import { Effect, Exit, Fiber, Stream } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import { Buffers } from "../../../engine/buffers/Buffers.ts"
import { Provider } from "../../../engine/runs/Provider.ts"
import { Runs } from "../../../engine/runs/Runs.ts"
import { TIMEOUT_REASON } from "../../../engine/runs/RunMonitor.ts"
import { Store } from "../../../engine/store/Store.ts"
import { imageMissing, NO_NVIDIA_RUNTIME } from "../../../providers/docker/DockerRunCreator.ts"
import * as Naming from "../../../providers/docker/internal/Naming.ts"
import { dockerOrSkip, exec, testImage, testSession } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { buffersOf, createSettled, logText, readText, runtime, settled, writeText } from "./Harness.ts"

const skip = await dockerOrSkip()
const session = testSession()
const dataDir = tempDir("tyger-docker-provider-")
const rt = runtime(dataDir, session.labels)
after(async () => {
  await rt.dispose()
  if (skip === false) await session.cleanup()
})

const run = <A, E>(effect: Effect.Effect<A, E, Runs | Store | Buffers | Provider>) => rt.runPromise(effect)

const job = (command: ReadonlyArray<string>, extra: Partial<Codespec.JobOptions<"input", "output">> = {}) =>
  Codespec.job({ image: testImage, buffers: { inputs: ["input"], outputs: ["output"] }, command, ...extra })

/** The output buffer's text, or the reader's error message. */
const outputOf = (id: string) =>
  Effect.match(readText(id), { onSuccess: (text) => ({ text }), onFailure: (error) => ({ error: error.message }) })

const containersOf = async (runId: number) => {
  const listed = await exec("docker", [
    "ps", "-aq", "--filter", `label=tyger-run=${runId}`, "--filter", `label=${Naming.INSTANCE_LABEL}=${Naming.instanceOf(dataDir)}`
  ])
  return listed.stdout.split("\n").filter((line) => line !== "")
}

const ceilMillis = (nanos: string) => Number((BigInt(nanos) + 999_999n) / 1_000_000n)

const waitRunning = (id: number) =>
  Effect.gen(function*() {
    const runs = yield* Runs
    const first = yield* Stream.runHead(Stream.filter(runs.watch(id), (r) => r.status !== "Pending"))
    return first._tag === "Some" ? first.value : yield* runs.get(id)
  })

describe("Docker provider", () => {
  test("hello: an input buffer 'Paul' becomes 'Hello Paul'; Pending → Running → Succeeded; containers removed", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const buffers = yield* Buffers
      const input = yield* buffers.create({})
      yield* writeText(input.id, "Paul")
      const created = yield* runs.create(Run.job(job(["sh", "-c", 'inp=$(cat "$INPUT_PIPE"); echo "Hello $inp" > "$OUTPUT_PIPE"']), {
        buffers: { input: input.id }
      }))
      assert.equal(created.status, "Pending")
      // The watch polls, so a short Running may fall between two looks; startedAt below shows it was there.
      const statuses = Array.from(yield* Stream.runCollect(runs.watch(created.id))).map((r) => r.status)
      assert.ok(["Pending", "Running"].includes(statuses[0]!))
      assert.equal(statuses[statuses.length - 1], "Succeeded")
      const done = yield* settled(created.id)
      assert.equal(done.status, "Succeeded")
      assert.equal(done.statusReason, undefined)
      assert.ok(done.startedAt !== undefined && done.finishedAt !== undefined && done.startedAt <= done.finishedAt)
      assert.ok(done.startedAt >= created.createdAt - 1000)
      assert.equal(buffersOf(done)["input"], input.id)
      assert.deepEqual(yield* outputOf(buffersOf(done)["output"]!), { text: "Hello Paul\n" })
      assert.deepEqual(yield* Effect.promise(() => containersOf(created.id)), [])
    })))

  test("pipes not touched: `true` succeeds, its output buffer is empty and complete", { skip }, () =>
    run(Effect.gen(function*() {
      const { done } = yield* createSettled(Run.job(job(["true"])))
      assert.equal(done.status, "Succeeded")
      assert.deepEqual(yield* outputOf(buffersOf(done)["output"]!), { text: "" })
    })))

  test("a program that reads part of its input and exits 0 succeeds", { skip }, () =>
    run(Effect.gen(function*() {
      const buffers = yield* Buffers
      const input = yield* buffers.create({})
      yield* writeText(input.id, "x".repeat(1 << 20))
      const { done } = yield* createSettled(Run.job(job(["sh", "-c", 'head -c 3 "$INPUT_PIPE" > "$OUTPUT_PIPE"']), {
        buffers: { input: input.id }
      }))
      assert.equal(done.status, "Succeeded")
      assert.deepEqual(yield* outputOf(buffersOf(done)["output"]!), { text: "xxx" })
    })))

  test("exit 3 → Failed `Main exited with code 3`, output buffer failed", { skip }, () =>
    run(Effect.gen(function*() {
      const { done } = yield* createSettled(Run.job(job(["sh", "-c", 'echo partial > "$OUTPUT_PIPE"; exit 3'])))
      assert.equal(done.status, "Failed")
      assert.equal(done.statusReason, "Main exited with code 3")
      assert.deepEqual(yield* outputOf(buffersOf(done)["output"]!), { error: "the buffer is in a permanently failed state" })
    })))

  test("over its memory limit → Failed `OOMKilled`", { skip }, () =>
    run(Effect.gen(function*() {
      const { done } = yield* createSettled(Run.job(job(["sh", "-c", 'x=0123456789abcdef; while true; do x="$x$x"; done'], {
        resources: { limits: { memory: "8Mi" } }
      })))
      assert.equal(done.status, "Failed")
      assert.equal(done.statusReason, "OOMKilled")
    })))

  test("an executable that does not exist → Failed with the engine's message", { skip }, () =>
    run(Effect.gen(function*() {
      const { done } = yield* createSettled(Run.job(job(["/no/such/program"])))
      assert.equal(done.status, "Failed")
      assert.match(done.statusReason ?? "", /no\/such\/program/)
    })))

  test("cancel → Canceled `Canceled by user`, the program stopped, output buffer failed", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.job(job(["sleep", "60"])))
      assert.equal((yield* waitRunning(created.id)).status, "Running")
      const started = Date.now()
      const canceled = yield* runs.cancel(created.id)
      assert.equal(canceled.status, "Canceled")
      assert.equal(canceled.statusReason, "Canceled by user")
      const done = yield* settled(created.id)
      assert.ok(Date.now() - started < 15_000)
      assert.equal(done.status, "Canceled")
      assert.deepEqual(yield* outputOf(buffersOf(done)["output"]!), { error: "the buffer is in a permanently failed state" })
      // Canceling again returns the run unchanged.
      assert.equal((yield* runs.cancel(created.id)).statusReason, "Canceled by user")
    })))

  test("timeoutSeconds 2 → Canceled with the timeout reason, counted from creation", { skip }, () =>
    run(Effect.gen(function*() {
      const { created, done } = yield* createSettled(Run.job(job(["sleep", "60"]), { timeoutSeconds: 2 }))
      assert.equal(done.status, "Canceled")
      assert.equal(done.statusReason, TIMEOUT_REASON)
      assert.match(TIMEOUT_REASON, /timeout/)
      assert.ok(done.finishedAt! - created.createdAt >= 2000 && done.finishedAt! - created.createdAt < 10_000)
      assert.deepEqual(yield* outputOf(buffersOf(done)["output"]!), { error: "the buffer is in a permanently failed state" })
    })))

  test("a missing image fails with Tyger's message and records no run", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const store = yield* Store
      const before = yield* store.listRuns({ limit: 1000 })
      const exit = yield* Effect.exit(runs.create(Run.job(Codespec.job({ image: "tyger-test/not-there:1" }))))
      assert.ok(Exit.isFailure(exit))
      const error = exit.cause.reasons[0] as { readonly error?: { readonly _tag: string; readonly reason: string; readonly message: string } }
      assert.equal(error.error?._tag, "ProviderError")
      assert.equal(error.error?.reason, "ImageMissing")
      assert.equal(error.error?.message, imageMissing("tyger-test/not-there:1"))
      assert.equal((yield* store.listRuns({ limit: 1000 })).length, before.length)
    })))

  test("--pull: a missing image is pulled first; a pull that fails records no run and says why", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const store = yield* Store
      const before = (yield* store.listRuns({ limit: 1000 })).length
      const progress: Array<string> = []
      // Nothing listens on port 1: the engine's pull fails at once, as it would for any unreachable registry.
      const exit = yield* Effect.exit(runs.create(Run.job(Codespec.job({ image: "localhost:1/tyger-test/nope:1" })), {
        pull: true,
        onProgress: (line) => Effect.sync(() => progress.push(line))
      }))
      assert.ok(Exit.isFailure(exit))
      const error = exit.cause.reasons[0] as { readonly error?: { readonly reason: string; readonly message: string } }
      assert.equal(error.error?.reason, "ImagePullFailed")
      assert.match(error.error?.message ?? "", /localhost:1\/tyger-test\/nope:1/)
      assert.equal((yield* store.listRuns({ limit: 1000 })).length, before)
      // A present image needs no pull.
      const created = yield* runs.create(Run.job(job(["true"])), { pull: true, onProgress: (line) => Effect.sync(() => progress.push(line)) })
      assert.equal((yield* settled(created.id)).status, "Succeeded")
      assert.ok(!progress.some((line) => line.startsWith("Pulled image")))
    })))

  test("GPUs without the NVIDIA runtime are refused with Tyger's message before anything is recorded", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const store = yield* Store
      const runtimes = yield* Effect.promise(() => exec("docker", ["info", "--format", "{{json .Runtimes}}"]))
      if (runtimes.stdout.includes('"nvidia"')) return
      const before = (yield* store.listRuns({ limit: 1000 })).length
      const exit = yield* Effect.exit(runs.create(Run.job(job(["true"], { resources: { gpu: 1 } }))))
      assert.ok(Exit.isFailure(exit))
      const error = exit.cause.reasons[0] as { readonly error?: { readonly reason: string; readonly message: string } }
      assert.equal(error.error?.reason, "Unsupported")
      assert.equal(error.error?.message, NO_NVIDIA_RUNTIME)
      assert.equal((yield* store.listRuns({ limit: 1000 })).length, before)
    })))

  test("env and args: $(VAR) expanded with Kubernetes rules, $$(X) literal, pipes at Tyger's paths", { skip }, () =>
    run(Effect.gen(function*() {
      const { created, done } = yield* createSettled(Run.job(job(
        ["sh", "-c", 'echo "$GREETING|$COPY|$LIT|$1|$2" > "$OUTPUT_PIPE"', "sh"],
        { env: { GREETING: "hi", COPY: "$(GREETING)-x", LIT: "$$(GREETING)" }, args: ["$(INPUT_PIPE)", "$$(INPUT_PIPE)"] }
      )))
      assert.equal(done.status, "Succeeded")
      assert.deepEqual(yield* outputOf(buffersOf(done)["output"]!), {
        text: `hi|hi-x|$(GREETING)|/run/secrets/${created.id}/pipes/input.pipe|$(INPUT_PIPE)\n`
      })
    })))

  test("cpu, memory and shm reach the container", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.job(job(["sh", "-c", 'df -k /dev/shm | tail -1 > "$OUTPUT_PIPE"; sleep 60'], {
        resources: { limits: { cpu: "500m", memory: "64Mi" }, shm: "16Mi" }
      })))
      yield* waitRunning(created.id)
      const [id] = yield* Effect.promise(() => containersOf(created.id))
      const inspected = yield* Effect.promise(() =>
        exec("docker", ["inspect", "--format", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.ShmSize}}", id!]))
      assert.equal(inspected.stdout.trim(), `500000000 ${64 * 1024 * 1024} ${16 * 1024 * 1024}`)
      yield* runs.cancel(created.id)
      yield* settled(created.id)
    })))

  test("logs: merged stdout/stderr in order, since (strictly after), tail, archived after finalisation", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.job(job(["sh", "-c", "for i in 1 2 3 4 5; do echo $i; sleep 0.05; done; echo err >&2"])))
      const followed = yield* Effect.forkChild(Stream.runCollect(runs.logs(created.id, { follow: true })))
      const done = yield* settled(created.id)
      assert.ok(done.logsArchived)
      assert.deepEqual(Array.from(yield* Fiber.join(followed)).map((l) => l.text), ["1", "2", "3", "4", "5", "err"])
      assert.deepEqual(yield* logText(created.id), ["1", "2", "3", "4", "5", "err"])
      assert.deepEqual(yield* logText(created.id, { tail: 3 }), ["4", "5", "err"])
      assert.deepEqual(yield* logText(created.id, { tail: 0 }), [])
      const lines = Array.from(yield* Stream.runCollect(runs.logs(created.id, { follow: false })))
      assert.ok(lines.every((l, i) => i === 0 || BigInt(l.timestamp) >= BigInt(lines[i - 1]!.timestamp)))
      // A run with buffers: Tyger's `[main]` prefix, live and archived alike.
      assert.ok(lines.every((l) => l.prefix === "[main]"))
      assert.ok(Array.from(yield* Fiber.join(followed)).every((l) => l.prefix === "[main]"))
      // `since` is in milliseconds: the first millisecond after line 2 still precedes line 3 (50 ms later).
      assert.deepEqual(yield* logText(created.id, { since: ceilMillis(lines[1]!.timestamp) }), ["3", "4", "5", "err"])
      assert.deepEqual(yield* Effect.promise(() => containersOf(created.id)), [])
    })))

  test("logs of a running run come from the engine, with since and tail", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.job(job(["sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.05; done; sleep 60"])))
      yield* waitRunning(created.id)
      let lines = yield* logText(created.id)
      for (let i = 0; i < 50 && lines.length < 3; i++) {
        yield* Effect.sleep("100 millis")
        lines = yield* logText(created.id)
      }
      assert.equal((yield* runs.get(created.id)).logsArchived, false)
      assert.deepEqual(lines, ["1", "2", "3"])
      assert.deepEqual(yield* logText(created.id, { tail: 1 }), ["3"])
      const all = Array.from(yield* Stream.runCollect(runs.logs(created.id, { follow: false })))
      assert.deepEqual(yield* logText(created.id, { since: ceilMillis(all[0]!.timestamp) }), ["2", "3"])
      yield* runs.cancel(created.id)
      const done = yield* settled(created.id)
      assert.deepEqual(yield* logText(done.id), ["1", "2", "3"])
    })))
})

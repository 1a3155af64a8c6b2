// The engine's Runs API as TypeScript users see it: exec, create, watch, logs and cancel as Effects with typed errors,
// on the real Docker engine (skipped, reason printed, without one). Pipelines are ordinary Effect programs.
import assert from "node:assert/strict"
import { createHash } from "node:crypto"
import { after, describe, test } from "node:test"
import { Effect, Exit, Fiber, Stream } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Gadgetron from "../../../dsl/library/gadgetron.ts"
import * as Run from "../../../dsl/Run.ts"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import { Buffers } from "../../../engine/buffers/Buffers.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import { fromGenerator } from "../../../engine/buffers/internal/ByteSource.ts"
import type { LogLine } from "../../../engine/runs/Provider.ts"
import type { RunRecord } from "../../../engine/store/RunRecord.ts"
import { RunFailedError, Runs } from "../../../engine/runs/Runs.ts"
import { Store } from "../../../engine/store/Store.ts"
import { dockerOrSkip, testImage, testSession } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { buffersOf, readText, runtime, settled } from "../../providers/docker/Harness.ts"

const skip = await dockerOrSkip()
const session = testSession()
const rt = runtime(tempDir("tyger-runs-"), session.labels)
after(async () => {
  await rt.dispose()
  if (skip === false) await session.cleanup()
})

const run = <A, E>(effect: Effect.Effect<A, E, Runs | Store | Buffers>) => rt.runPromise(effect)

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const text = (value: string) => BufferWriter.fromIterable([encoder.encode(value)])

const hello = Codespec.job({
  image: testImage,
  buffers: { inputs: ["input"], outputs: ["output"] },
  command: ["sh", "-c", 'inp=$(cat "$INPUT_PIPE"); echo "Hello $inp" > "$OUTPUT_PIPE"; echo "said hello" >&2']
})

const failureOf = (exit: Exit.Exit<unknown, unknown>) => {
  assert.ok(Exit.isFailure(exit), "expected a failure")
  return (exit.cause.reasons[0] as { readonly error?: { readonly _tag: string; readonly message: string } }).error
}

/** Stands in for the Gadgetron binary: parses Gadgetron's arguments and writes what it read where they point. */
const FAKE_GADGETRON = `
noise=""; ncin=""; ncout=""
while [ $# -gt 0 ]; do
  case "$1" in
    -i) in=$2; shift ;;
    -o) out=$2; shift ;;
    --parameter) case "$2" in noisecovarianceout=*) ncout=\${2#*=} ;; noisecovariancein=*) ncin=\${2#*=} ;; esac; shift ;;
  esac
  shift
done
[ -n "$ncin" ] && noise=$(cat "$ncin")
data=$(cat "$in")
[ -n "$ncout" ] && echo "covariance of $(printf %s "$data" | wc -c) bytes" > "$ncout"
[ "$out" != /dev/null ] && echo "snr of [$data] with [$noise]" > "$out"
exit 0
`
const fake = <C extends Codespec.Job>(codespec: C): C =>
  Codespec.with(codespec, { image: testImage, command: ["sh", "-c", FAKE_GADGETRON, "gadgetron"] })

describe("Runs (engine API) on Docker", () => {
  test("exec: stdin-like input → the program → output; statuses reported; both buffers written", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const output = BufferReader.collect()
      const statuses: Array<string> = []
      let created: RunRecord | undefined
      const done = yield* runs.exec(Run.job(hello), {
        input: text("Paul"),
        output,
        onCreated: (r) => Effect.sync(() => (created = r)),
        onStatus: (r) => Effect.sync(() => statuses.push(r.status))
      })
      assert.equal(done.status, "Succeeded")
      assert.equal(created?.status, "Pending")
      assert.deepEqual(statuses, ["Running", "Succeeded"])
      assert.equal(decoder.decode(output.bytes()), "Hello Paul\n")
      assert.equal(yield* readText(buffersOf(done)["input"]!), "Paul")
      assert.equal(yield* readText(buffersOf(done)["output"]!), "Hello Paul\n")
      const final = yield* settled(done.id)
      assert.ok(final.final)
    })))

  test("exec: 24 MiB through `cat` arrives intact, and both buffers hold it", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const size = 24 * 1024 * 1024 + 12345
      const source = fromGenerator(size, (buffer, offset, length, position) => {
        for (let i = 0; i < length; i++) buffer[offset + i] = ((position + i) * 2654435761) >>> 24
      })
      const expected = new Uint8Array(size)
      for (let i = 0; i < size; i++) expected[i] = (i * 2654435761) >>> 24
      const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
      const output = BufferReader.collect()
      const done = yield* runs.exec(Run.job(Codespec.job({
        image: testImage,
        buffers: { inputs: ["input"], outputs: ["output"] },
        command: ["sh", "-c", 'cat "$INPUT_PIPE" > "$OUTPUT_PIPE"']
      })), { input: source, output, blockSize: 1024 * 1024 })
      assert.equal(digest(output.bytes()), digest(expected))
      const buffers = yield* Buffers
      for (const parameter of ["input", "output"]) {
        const sink = BufferReader.collect()
        yield* buffers.read(yield* buffers.open({ _tag: "BufferId", id: buffersOf(done)[parameter]! }, "read"), sink)
        assert.equal(digest(sink.bytes()), digest(expected), parameter)
      }
    })))

  test("exec: a program that never opens its pipes succeeds; all of the input is stored anyway", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const output = BufferReader.collect()
      const done = yield* runs.exec(Run.job(Codespec.job({
        image: testImage,
        buffers: { inputs: ["input"], outputs: ["output"] },
        command: ["true"]
      })), { input: text("x".repeat(300_000)), output })
      assert.equal(done.status, "Succeeded")
      assert.equal(output.bytes().length, 0)
      assert.equal((yield* readText(buffersOf(done)["input"]!)).length, 300_000)
      assert.equal(yield* readText(buffersOf(done)["output"]!), "")
    })))

  test("exec: a failing run fails with Tyger's `run failed with status Failed (Main exited with code 3)`", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const exit = yield* Effect.exit(runs.exec(Run.job(Codespec.job({
        image: testImage,
        buffers: { outputs: ["output"] },
        command: ["sh", "-c", "exit 3"]
      }))))
      const error = failureOf(exit)
      assert.equal(error?._tag, "RunFailedError")
      assert.equal(error?.message, "run failed with status Failed (Main exited with code 3)")
      assert.deepEqual((error as RunFailedError | undefined)?.logTail, [])
    })))

  test("exec: a failing run's RunFailedError carries the last 20 lines of its logs, in its message too", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const error = yield* Effect.flip(runs.exec(Run.job(Codespec.job({
        image: testImage,
        buffers: { outputs: ["output"] },
        command: ["sh", "-c", 'i=1; while [ $i -le 25 ]; do echo "line $i"; i=$((i+1)); done; exit 1']
      }))))
      assert.ok(error instanceof RunFailedError)
      // The run has a buffer: its main container's lines carry Tyger's `[main]` prefix.
      const expected = Array.from({ length: 20 }, (_, i) => `[main] line ${i + 6}`)
      assert.deepEqual(error.logTail, expected)
      assert.equal(error.message, `run failed with status Failed (Main exited with code 1)\nlast log lines:\n${expected.map((l) => `  ${l}`).join("\n")}`)
    })))

  test("exec: when the input's writer fails (a full disk, a broken stdin), that failure is reported, not the starved run's", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const copy = Codespec.job({
        image: testImage,
        buffers: { inputs: ["input"], outputs: ["output"] },
        command: ["sh", "-c", 'cat "$INPUT_PIPE" > "$OUTPUT_PIPE"']
      })
      const failing = BufferWriter.fromIterable((async function*() {
        yield encoder.encode("some data\n")
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
      })())
      const error = yield* Effect.flip(runs.exec(Run.job(copy), { input: failing }))
      assert.equal(error.message, "error reading from input: ENOSPC: no space left on device, write")
    })))

  test("exec refuses more than one unmapped input or output buffer, before creating anything", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const store = yield* Store
      const before = (yield* store.listRuns({ limit: 1000 })).length
      const twoIn = Codespec.job({ image: testImage, buffers: { inputs: ["a", "b"], outputs: ["c"] } })
      const twoOut = Codespec.job({ image: testImage, buffers: { inputs: ["a"], outputs: ["b", "c"] } })
      assert.equal(failureOf(yield* Effect.exit(runs.exec(Run.job(twoIn))))?.message,
        "exec cannot be called if the job has multiple unmapped input buffers")
      assert.equal(failureOf(yield* Effect.exit(runs.exec(Run.job(twoOut))))?.message,
        "exec cannot be called if the job has multiple unmapped output buffers")
      assert.equal((yield* store.listRuns({ limit: 1000 })).length, before)
      // Mapping one of them makes it acceptable.
      const buffers = yield* Buffers
      const b = yield* buffers.create({})
      yield* BufferWriter.write(yield* buffers.open({ _tag: "BufferId", id: b.id }, "write"), text(""))
      const done = yield* runs.exec(Run.job(Codespec.with(twoIn, { command: ["true"] }), { buffers: { b: b.id } }))
      assert.equal(done.status, "Succeeded")
    })))

  test("interrupting exec (Ctrl-C) cancels the run: Canceled by user", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      let id: number | undefined
      let running!: () => void
      const isRunning = new Promise<void>((resolve) => (running = resolve))
      const fiber = yield* Effect.forkChild(runs.exec(Run.job(Codespec.job({
        image: testImage,
        buffers: { outputs: ["output"] },
        command: ["sleep", "60"]
      })), {
        onCreated: (r) => Effect.sync(() => (id = r.id)),
        onStatus: (r) => Effect.sync(() => r.status === "Running" && running())
      }))
      yield* Effect.promise(() => isRunning)
      yield* Fiber.interrupt(fiber)
      const done = yield* settled(id!)
      assert.equal(done.status, "Canceled")
      assert.equal(done.statusReason, "Canceled by user")
      assert.equal(failureOf(yield* Effect.exit(readText(buffersOf(done)["output"]!)))?.message,
        "the buffer is in a permanently failed state")
    })))

  test("exec streams the run's logs while it runs", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const lines: Array<LogLine> = []
      yield* runs.exec(Run.job(hello), { input: text("Paul"), onLog: (line) => Effect.sync(() => lines.push(line)) })
      assert.deepEqual(lines.map((l) => l.text), ["said hello"])
    })))

  test("exec streams every log line once even when the run is finalised before the rest are read", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const lines: Array<string> = []
      let id: number | undefined
      yield* runs.exec(Run.job(Codespec.job({ image: testImage, command: ["sh", "-c", "echo first; sleep 2; echo second; echo last"] })), {
        onCreated: (r) => Effect.sync(() => (id = r.id)),
        // A slow reader (a stderr drained late): the run ends and is finalised, its logs archived and its container
        // removed, before the lines after the first are asked for; they must come from the archive.
        onLog: (line) =>
          Effect.suspend(() => {
            lines.push(line.text)
            return lines.length === 1 ? Effect.orDie(Effect.asVoid(Effect.provideService(settled(id!), Runs, runs))) : Effect.void
          })
      })
      assert.deepEqual(lines, ["first", "second", "last"])
    })))

  test("create + watch + cancel: the watch ends at the terminal state", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.job(Codespec.job({ image: testImage, command: ["sleep", "60"] })))
      const watched = yield* Effect.forkChild(Stream.runCollect(runs.watch(created.id)))
      yield* Stream.runHead(Stream.filter(runs.watch(created.id), (r) => r.status === "Running"))
      // Longer than the watch's poll, so the first watcher has seen Running too.
      yield* Effect.sleep("600 millis")
      yield* runs.cancel(created.id)
      const statuses = Array.from(yield* Fiber.join(watched)).map((r) => r.status)
      assert.equal(statuses[statuses.length - 1], "Canceled")
      assert.ok(statuses.includes("Running"))
      yield* settled(created.id)
    })))

  test("a gadgetron-style pipeline as an Effect program: the noise run's output buffer feeds the SNR run", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const noise = yield* runs.exec(Run.job(fake(Gadgetron.noise)), { input: text("noise scan") })
      const covariance = buffersOf(noise)["noisecovariance"]!
      assert.equal(yield* readText(covariance), "covariance of 10 bytes\n")
      const output = BufferReader.collect()
      const snr = yield* runs.exec(Run.job(fake(Gadgetron.snr), { buffers: { noisecovariance: covariance } }), {
        input: text("measurement"),
        output
      })
      assert.equal(buffersOf(snr)["noisecovariance"], covariance)
      assert.equal(decoder.decode(output.bytes()), "snr of [measurement] with [covariance of 10 bytes]\n")
      assert.equal((yield* runs.get(snr.id)).status, "Succeeded")
    })))
})

// `Runs.run`: a run created and waited for until it is final, as an Effect program's step, on the real Docker engine
// (skipped, reason printed, without one). Success gives the run with its typed buffers; failure the log tail.
import assert from "node:assert/strict"
import { after, describe, test } from "node:test"
import { Effect, Fiber, Schedule } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import { Buffers } from "../../../engine/buffers/Buffers.ts"
import { RunFailedError, Runs } from "../../../engine/runs/Runs.ts"
import { Store } from "../../../engine/store/Store.ts"
import { dockerOrSkip, testImage, testSession } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { readText, runtime, writeText } from "../../providers/docker/Harness.ts"

const skip = await dockerOrSkip()
const session = testSession()
const rt = runtime(tempDir("tyger-runs-run-"), session.labels)
after(async () => {
  await rt.dispose()
  if (skip === false) await session.cleanup()
})

const run = <A, E>(effect: Effect.Effect<A, E, Runs | Store | Buffers>) => rt.runPromise(effect)

const shout = Codespec.job({
  image: testImage,
  buffers: { inputs: ["input"], outputs: ["output"] },
  command: ["sh", "-c", 'tr a-z A-Z < "$INPUT_PIPE" > "$OUTPUT_PIPE"; echo shouted >&2']
})

describe("Runs.run on Docker", () => {
  test("succeeds with the final run, its output buffer typed by the codespec's outputs", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const buffers = yield* Buffers
      const input = yield* buffers.create({})
      yield* writeText(input.id, "hello")
      const done = yield* runs.run(Run.job(shout, { buffers: { input: input.id } }))
      assert.equal(done.status, "Succeeded")
      assert.ok(done.final)
      assert.ok(done.logsArchived)
      // `output` is a key of the record's buffers as typed: no cast, no lookup by string.
      assert.equal(yield* readText(done.buffers.output), "HELLO")
    })))

  test("fails with RunFailedError carrying the log tail once the run is final", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const store = yield* Store
      const error = yield* Effect.flip(runs.run(Run.job(Codespec.job({
        image: testImage,
        // One stream: Docker orders stdout and stderr lines written in the same instant either way.
        command: ["sh", "-c", "echo starting >&2; echo 'no such file: /data/in' >&2; exit 2"]
      }))))
      assert.ok(error instanceof RunFailedError)
      assert.equal(error.status, "Failed")
      assert.equal(error.statusReason, "Main exited with code 2")
      assert.deepEqual(error.logTail, ["starting", "no such file: /data/in"])
      assert.equal(
        error.message,
        "run failed with status Failed (Main exited with code 2)\nlast log lines:\n  starting\n  no such file: /data/in"
      )
      assert.ok((yield* store.getRun(error.runId)).final)
    })))

  test("interrupting it cancels the run, and waits until the run is final", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const store = yield* Store
      const fiber = yield* Effect.forkChild(runs.run(Run.job(Codespec.job({ image: testImage, command: ["sleep", "60"] }), {
        tags: { case: "interrupted" }
      })))
      const running = yield* Effect.repeat(store.listRuns({ limit: 1, tags: { case: "interrupted" } }), {
        schedule: Schedule.spaced("100 millis"),
        until: (found) => found[0]?.status === "Running"
      })
      yield* Fiber.interrupt(fiber)
      const after = yield* store.getRun(running[0]!.id)
      assert.equal(after.status, "Canceled")
      assert.equal(after.statusReason, "Canceled by user")
      assert.ok(after.final)
    })))

  test("a missing run's NotFound names it", { skip }, () =>
    run(Effect.gen(function*() {
      const runs = yield* Runs
      const error = yield* Effect.flip(runs.get(987654))
      assert.equal(error._tag, "StoreError")
      assert.equal(error.message, "run 987654 was not found")
    })))
})

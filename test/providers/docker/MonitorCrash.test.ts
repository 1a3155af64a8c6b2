// A run whose monitor process is killed (`kill -9`): the next read of the run settles it from the Store and the
// engine — Failed with a clear reason, the program stopped, its output buffer failed so no reader waits forever.
import assert from "node:assert/strict"
import { after, describe, test } from "node:test"
import { Effect, Fiber, Stream } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import { monitorDiedReason } from "../../../engine/runs/RunMonitor.ts"
import { Runs } from "../../../engine/runs/Runs.ts"
import { dockerOrSkip, exec, testImage, testSession } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { buffersOf, detachedRuntime, readText, settled } from "./Harness.ts"

const skip = await dockerOrSkip()
const session = testSession()
const dataDir = tempDir("tyger-monitor-crash-")

/** Each monitor is a process of its own, as the CLI's detached launcher makes it. */
const { runtime: rt, monitors, dispose } = detachedRuntime(dataDir, session.labels)
after(async () => {
  await dispose()
  if (skip === false) await session.cleanup()
})

describe("a monitor process killed with SIGKILL", () => {
  test("the next get() fails the run with a clear reason, stops it, and fails its output buffer", { skip }, () =>
    rt.runPromise(Effect.gen(function*() {
      const runs = yield* Runs
      const created = yield* runs.create(Run.job(Codespec.job({
        image: testImage,
        buffers: { outputs: ["output"] },
        command: ["sh", "-c", 'echo started > "$OUTPUT_PIPE"; sleep 60']
      })))
      yield* Effect.promise(() => monitors[0]!.claimed)
      const running = yield* Stream.runHead(Stream.filter(runs.watch(created.id), (r) => r.status !== "Pending"))
      assert.equal(running._tag === "Some" ? running.value.status : undefined, "Running")
      const monitorPid = (yield* runs.get(created.id)).monitor!.pid
      assert.equal(monitorPid, monitors[0]!.child.pid)
      // A reader of the output buffer, started while the run is alive: it must end, not hang.
      const reader = yield* Effect.forkChild(Effect.result(readText(buffersOf(created)["output"]!)))

      const child = monitors[0]!.child
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGKILL")
      yield* Effect.promise(() => exited)

      const reconciled = yield* runs.get(created.id)
      assert.equal(reconciled.status, "Failed")
      assert.equal(reconciled.statusReason, monitorDiedReason(monitorPid))
      assert.match(reconciled.statusReason ?? "", /monitor process \(pid \d+\) exited/)
      const read = yield* Fiber.join(reader).pipe(Effect.timeout("20 seconds"))
      assert.equal(read._tag, "Failure")
      // Whichever comes first: the reader sees the dead writer's lease (the monitor wrote the buffer), or the buffer
      // failed by the reconciliation above.
      assert.match(read._tag === "Failure" ? read.failure.message : "",
        /^(the buffer is in a permanently failed state|the buffer's writer \(process \d+ on .+\) exited before finishing the buffer)$/)
      const done = yield* settled(created.id)
      assert.equal(done.status, "Failed")
      const left = yield* Effect.promise(() => exec("docker", ["ps", "-aq", "--filter", `label=tyger-test-session=${session.labels["tyger-test-session"]}`]))
      assert.equal(left.stdout.trim(), "")
    })))
})

// A run whose monitor process is killed (`kill -9`): the next read of the run settles it from the Store and the
// engine — Failed with a clear reason, the program stopped, its output buffer failed so no reader waits forever.
import assert from "node:assert/strict"
import { type ChildProcess, spawn } from "node:child_process"
import process from "node:process"
import { fileURLToPath } from "node:url"
import { after, describe, test } from "node:test"
import { Effect, Fiber, Layer, Stream } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import { MonitorLauncher } from "../../../engine/runs/MonitorLauncher.ts"
import { monitorDiedReason } from "../../../engine/runs/RunMonitor.ts"
import { Runs } from "../../../engine/runs/Runs.ts"
import { dockerOrSkip, exec, testImage, testSession } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { buffersOf, readText, runtime, settled } from "./Harness.ts"

const here = (import.meta as { readonly url: string }).url
const fixture = fileURLToPath(new URL("./fixtures/monitor.ts", here))
const repoRoot = fileURLToPath(new URL("../../../", here))

const skip = await dockerOrSkip()
const session = testSession()
const dataDir = tempDir("tyger-monitor-crash-")

// Children run under the same runtime as this test file.
const command = (args: ReadonlyArray<string>): ReadonlyArray<string> =>
  "Deno" in globalThis
    ? ["run", "-A", fixture, ...args]
    : "Bun" in globalThis
    ? ["run", fixture, ...args]
    : ["--disable-warning=ExperimentalWarning", fixture, ...args]

const children: Array<ChildProcess> = []
const started: Array<Promise<void>> = []

/** Launches each monitor as its own process, as the CLI's detached launcher will. */
const detached = Layer.succeed(MonitorLauncher, MonitorLauncher.of({
  launch: (runId) =>
    Effect.sync(() => {
      const child = spawn(process.execPath, [...command([dataDir, String(runId), JSON.stringify(session.labels)])], {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "inherit"]
      })
      children.push(child)
      started.push(new Promise((resolve, reject) => {
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => chunk.includes("monitoring") && resolve())
        child.once("exit", (code, signal) => reject(new Error(`monitor exited early: ${code ?? signal}`)))
      }))
    })
}))

const rt = runtime(dataDir, session.labels, detached)
after(async () => {
  for (const child of children) child.kill("SIGKILL")
  await rt.dispose()
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
      yield* Effect.promise(() => started[0]!)
      const running = yield* Stream.runHead(Stream.filter(runs.watch(created.id), (r) => r.status !== "Pending"))
      assert.equal(running._tag === "Some" ? running.value.status : undefined, "Running")
      const monitorPid = (yield* runs.get(created.id)).monitor!.pid
      assert.equal(monitorPid, children[0]!.pid)
      // A reader of the output buffer, started while the run is alive: it must end, not hang.
      const reader = yield* Effect.forkChild(Effect.result(readText(buffersOf(created)["output"]!)))

      const child = children[0]!
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGKILL")
      yield* Effect.promise(() => exited)

      const reconciled = yield* runs.get(created.id)
      assert.equal(reconciled.status, "Failed")
      assert.equal(reconciled.statusReason, monitorDiedReason(monitorPid))
      assert.match(reconciled.statusReason ?? "", /monitor process \(pid \d+\) exited/)
      const read = yield* Fiber.join(reader).pipe(Effect.timeout("20 seconds"))
      assert.equal(read._tag, "Failure")
      assert.equal(read._tag === "Failure" ? read.failure.message : "", "the buffer is in a permanently failed state")
      const done = yield* settled(created.id)
      assert.equal(done.status, "Failed")
      const left = yield* Effect.promise(() => exec("docker", ["ps", "-aq", "--filter", `label=tyger-test-session=${session.labels["tyger-test-session"]}`]))
      assert.equal(left.stdout.trim(), "")
    })))
})

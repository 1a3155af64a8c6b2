// The CLI says what Tyger says, whatever the engine's errors tell a TypeScript caller: a NotFound that names the run
// or buffer prints Tyger's nameless server text, a RunFailedError with a log tail prints Tyger's one line.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { engineLines, errorLines, logText, runFailedText } from "../../cli/Errors.ts"
import { RunFailedError } from "../../engine/runs/RunFailedError.ts"
import { notFound } from "../../engine/store/StoreError.ts"

describe("the CLI's text for the engine's errors", () => {
  test("a Store NotFound naming its run or buffer prints Tyger's `The resource was not found`", () => {
    const run = notFound("run 42")
    assert.equal(run.message, "run 42 was not found")
    assert.deepEqual(engineLines(run), ["NotFound: The resource was not found"])
    const buffer = notFound("buffer 'abc'")
    assert.equal(buffer.message, "buffer 'abc' was not found")
    assert.deepEqual(errorLines(buffer), ["The resource was not found"])
    assert.equal(logText(buffer), "The resource was not found")
  })

  test("a RunFailedError prints Tyger's text without the log tail its message carries", () => {
    const failed = new RunFailedError({ runId: 7, status: "Failed", statusReason: "Main exited with code 1", logTail: ["oops"] })
    assert.equal(failed.message, "run failed with status Failed (Main exited with code 1)\nlast log lines:\n  oops")
    assert.equal(runFailedText(failed), "run failed with status Failed (Main exited with code 1)")
    const canceled = new RunFailedError({ runId: 8, status: "Canceled" })
    assert.equal(canceled.message, "run failed with status Canceled")
    assert.equal(runFailedText(canceled), "run failed with status Canceled")
  })
})

// Tyger's zerolog lines on Effect's logger (cli/Logging.ts): fields zerolog writes as numbers (`.Int64("runId", …)`,
// `.Int("runningCount", …)`) are numbers in `--log-format json`, and plain in the console format.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect } from "effect"
import * as Logging from "../../cli/Logging.ts"

const linesOf = (format: Logging.Format, effect: Effect.Effect<void>): Array<string> => {
  const lines: Array<string> = []
  Effect.runSync(Effect.provide(effect, Logging.layer({ level: "info", format, write: (line) => lines.push(line) })))
  return lines
}

const statusChanged = Effect.logInfo("Run status changed").pipe(
  Effect.annotateLogs({ runId: 12, status: "Running", runningCount: 1 })
)

describe("Logging", () => {
  test("json: numeric fields are JSON numbers, the rest strings; time and message last", () => {
    const [line] = linesOf("json", statusChanged)
    const parsed = JSON.parse(line!) as Record<string, unknown>
    assert.equal(parsed["runId"], 12)
    assert.equal(parsed["runningCount"], 1)
    assert.equal(parsed["status"], "Running")
    assert.deepEqual(Object.keys(parsed).slice(-2), ["time", "message"])
    assert.match(line!, /"runId":12,/)
  })

  test("console: the same fields sorted, numbers unquoted", () => {
    const [line] = linesOf("plain", statusChanged)
    assert.match(line!, /^\S+ INF Run status changed runId=12 runningCount=1 status=Running\n$/)
  })

  test("a warning is zerolog's WRN / \"warn\"", () => {
    assert.match(linesOf("plain", Effect.logWarning("careful"))[0]!, /^\S+ WRN careful\n$/)
    assert.equal((JSON.parse(linesOf("json", Effect.logWarning("careful"))[0]!) as { level: string }).level, "warn")
  })
})

// `Run.each` applied on the real Docker engine: ten runs named `<export>-<key>`, at most `limit` running at once (the
// others wait, Pending, for one of the runs before them to end), each doing its own item's work.
import assert from "node:assert/strict"
import { after, describe, test } from "node:test"
import { dataDirLabel, dockerOrSkip, removeLabelled } from "../../support/Docker.ts"
import { type AppliedJson, dslModule, showRun, workspace } from "./fixtures/Workspace.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []
after(async () => {
  if (skip !== false) return
  for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

const LIMIT = 3
const ITEMS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]

/** The most runs that were running at one instant, from their start and finish times. */
const mostAtOnce = (spans: ReadonlyArray<{ readonly start: number; readonly end: number }>): number => {
  // A finish at the instant of a start counts first: the start came after the end was recorded.
  const events = spans.flatMap(({ start, end }) => [[start, 1], [end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let now = 0
  let most = 0
  for (const [, delta] of events) most = Math.max(most, (now += delta))
  return most
}

describe("Run.each applied on Docker", { skip }, () => {
  test(`10 items: 10 named runs, each with its item, never more than ${LIMIT} at once`, async () => {
    const ws = workspace(dataDirs)
    ws.write("fan.ts", dslModule([
      `const items = ${JSON.stringify(ITEMS)}`,
      `const shout = (item) => Codespec.job({ image, buffers: { outputs: ["output"] }, env: { ITEM: item },`,
      `  command: ["sh", "-c", 'sleep 2; echo "$ITEM" > "$OUTPUT_PIPE"'] })`,
      `export const shouts = Run.each(items, (item) => Run.job(shout(item)), { key: (item) => item, limit: ${LIMIT} })`
    ]))
    const applied = await ws.tyger("apply", "fan.ts", "--output", "json")
    assert.equal(applied.code, 0, applied.stderr)
    const json = JSON.parse(applied.stdout) as AppliedJson
    assert.deepEqual(Object.keys(json.runs), ITEMS.map((item) => `shouts-${item}`))
    const spans: Array<{ start: number; end: number }> = []
    for (const [name, run] of Object.entries(json.runs)) {
      assert.equal(run.status, "Succeeded", name)
      const read = await ws.tyger("buffer", "read", run.buffers["output"]!)
      assert.equal(read.stdout, `${name.slice("shouts-".length)}\n`)
      const shown = await showRun(ws, run.id)
      spans.push({ start: Date.parse(String(shown["startedAt"])), end: Date.parse(String(shown["finishedAt"])) })
    }
    const most = mostAtOnce(spans)
    assert.ok(most <= LIMIT, `${most} ran at once`)
    // The limit is a limit, not a queue of one: with 2-second runs, several ran side by side.
    assert.ok(most >= 2, `${most} ran at once`)
    // A second apply of the same list changes nothing.
    const again = await ws.tyger("apply", "fan.ts", "--output", "json")
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(JSON.parse(again.stdout), json)
  })
})

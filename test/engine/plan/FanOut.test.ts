// Run.each → plan: one named run per item, the group's limit on each, a second compile of the same list identical,
// and the diff of an apply unchanged by a new limit.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import * as WorkflowDiff from "../../../engine/workflows/WorkflowDiff.ts"

const sum = Codespec.job({ name: "sum", image: "busybox", buffers: { inputs: ["numbers"], outputs: ["total"] } })
const inputs = Array.from({ length: 10 }, (_, i) => `buffer${i}`)

const compile = (module: { readonly [name: string]: unknown }) => Effect.runPromise(Compile.compile(Workflow.fromModule(module)))

describe("Run.each", () => {
  test("10 items compile to 10 runs named <export>-<index>, each with its item and the group's limit", async () => {
    const plan = await compile({ sums: Run.each(inputs, (id) => Run.job(sum, { buffers: { numbers: id } }), { limit: 3 }) })
    assert.deepEqual(plan.runs.map((r) => r.name), inputs.map((_, i) => `sums-${i}`))
    assert.deepEqual(plan.runs.map((r) => r.job.buffers["numbers"]), inputs.map((id) => ({ kind: "buffer", id })))
    for (const run of plan.runs) assert.deepEqual(run.concurrency, { group: "sums", limit: 3 })
    assert.equal(plan.codespecs.length, 1)
  })

  test("names come from `name` and `key`; without a limit the runs carry none", async () => {
    const plan = await compile({
      ignored: Run.each(["Alpha One", "bravo"], (item) => Run.job(sum, { buffers: { numbers: item.replace(" ", "") } }), {
        name: "totals",
        key: (item) => item
      })
    })
    assert.deepEqual(plan.runs.map((r) => r.name), ["totals-alpha-one", "totals-bravo"])
    assert.ok(plan.runs.every((r) => r.concurrency === undefined))
  })

  test("the same list compiles to the same plan; a new limit changes no run's identity", async () => {
    const make = (limit: number) => ({ sums: Run.each(inputs, (id) => Run.job(sum, { buffers: { numbers: id } }), { limit }) })
    const [a, b, c] = await Promise.all([compile(make(3)), compile(make(3)), compile(make(5))])
    assert.deepEqual(a, b)
    assert.deepEqual(a.runs.map((r) => WorkflowDiff.hashOf(a, r)), c.runs.map((r) => WorkflowDiff.hashOf(c, r)))
  })

  test("a limit that is not a whole number of at least 1 is one problem, at the Run.each call", async () => {
    const error = await Effect.runPromise(Effect.flip(Compile.compile(Workflow.fromModule({
      sums: Run.each(inputs, (id) => Run.job(sum, { buffers: { numbers: id } }), { limit: 0 })
    }))))
    assert.deepEqual(error.problems.map((p) => [p.path, p.message, p.subject]), [
      ["runs.sums.limit", "the limit must be a whole number of at least 1, not 0", "runs sums-*"]
    ])
    assert.match(error.problems[0]!.location ?? "", /FanOut\.test\.ts:\d+:\d+$/)
  })
})

// What compile says about a mistake: where (the builder call's file:line:column, the run or codespec, the path inside
// it), once, and what would be right. test/cli/plan/mistakes.test.ts has the 13 mistakes end to end.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Derived from "../../../dsl/Derived.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import { render } from "../../../engine/plan/PlanCompileError.ts"

const problemsOf = async (module: { readonly [name: string]: unknown }) => {
  const error = await Effect.runPromise(Effect.flip(Compile.compile(Workflow.fromModule(module))))
  return error.problems
}

/** The line of this file a builder call below is on (stack lines are 1-based). */
const lineOf = (location: string | undefined) => Number(/:(\d+):\d+$/.exec(location ?? "")?.[1])

const job = Codespec.job({ name: "job", image: "busybox", buffers: { inputs: ["input"], outputs: ["output"] } })
const worker = Codespec.worker({ name: "worker", image: "busybox", endpoints: { grpc: 5000 } })

describe("where a problem is", () => {
  test("a run's problem is at the Run.job call; its codespec's at the Codespec call", async () => {
    const here = new Error().stack ?? ""
    const line = Number(/Problems\.test\.ts:(\d+):/.exec(here)?.[1])
    const bad = Codespec.job({ name: "bad", image: "" })
    const run = Run.job(bad, { timeoutSeconds: -1 })
    const problems = await problemsOf({ run })
    assert.deepEqual(problems.map((p) => [p.subject, p.detail, lineOf(p.location) - line]), [
      ["codespec bad", "image", 2],
      ["run run", "timeoutSeconds", 3]
    ])
    assert.match(render(problems[1]!), /^test\/engine\/plan\/Problems\.test\.ts:\d+:\d+ run run → timeoutSeconds: timeoutSeconds must/)
    assert.ok(problems.every((p) => p.location?.includes("Problems.test.ts")))
  })

  test("a workflow built without the builders' call sites renders plan paths", () => {
    assert.equal(render({ reason: "InvalidRun", path: "runs.x.timeoutSeconds", message: "m" }), "runs.x.timeoutSeconds: m")
    assert.equal(render({ reason: "InvalidRun", path: "runs.x", message: "m", hint: "h" }), "runs.x: m; h")
  })
})

describe("every problem once", () => {
  test("a codespec with a bad quantity and a bad name gets both, in one pass", async () => {
    // @ts-expect-error both fail to compile; compile must report both for plain JavaScript
    const both = Codespec.job({ name: "Bad", image: "busybox", resources: { limits: { memory: "1Gb" } } })
    const problems = await problemsOf({ both })
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [
      ["codespecs.Bad.resources.limits.memory", "'1Gb' is not a quantity: use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"],
      ["codespecs.Bad.name", "codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)"]
    ])
  })

  test("a codespec exported and used by two runs is one problem", async () => {
    const shared = Codespec.job({ name: "shared", image: "" })
    const problems = await problemsOf({ shared, a: Run.job(shared), b: Run.job(shared) })
    assert.deepEqual(problems.map((p) => p.path), ["codespecs.shared.image"])
  })

  test("an unknown codespec field names the one meant", async () => {
    const typo = Codespec.job({ name: "typo", image: "busybox", comand: ["true"] } as never)
    const problems = await problemsOf({ typo })
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [["codespecs.typo.comand", "unknown field 'comand' (did you mean 'command'?)"]])
  })
})

describe("unknown options are problems, never dropped", () => {
  test("on a run, a distributed run's job and worker, a schedule, a derived value and Run.each", async () => {
    const problems = await problemsOf({
      a: Run.job(job, { timeout: 5 } as never),
      b: Run.distributed({
        job: { codespec: job, nodepool: "x" } as never,
        worker: { codespec: worker, buffers: {} } as never,
        env: { W: Derived.addresses(worker.endpoints.grpc, { separater: "," } as never) }
      }),
      c: Run.job(job, { schedule: { cron: "@daily", timezone: "UTC" } as never }),
      d: Run.each([1], () => Run.job(job), { concurrency: 2 } as never)
    })
    assert.deepEqual(problems.map((p) => [p.path, p.message, p.hint]), [
      ["runs.a.timeout", "unknown option 'timeout'",
        "a run takes 'name', 'timeoutSeconds', 'tags', 'cluster', 'bufferAccessTtl', 'schedule', 'buffers', 'bufferTags', 'bufferTtl', 'nodePool' and 'replicas' (did you mean 'timeoutSeconds'?)"],
      ["runs.b.job.nodepool", "unknown option 'nodepool'",
        "a distributed run's job takes 'codespec', 'buffers', 'bufferTags', 'bufferTtl', 'nodePool', 'replicas' and 'env' (did you mean 'nodePool'?)"],
      ["runs.b.worker.buffers", "unknown option 'buffers'", "workers take no buffers; a worker takes 'codespec', 'nodePool' and 'replicas'"],
      ["runs.b.job.env.W.separater", "unknown option 'separater'", "a derived value takes 'separator' (did you mean 'separator'?)"],
      ["runs.c.schedule.timezone", "unknown option 'timezone'",
        "a schedule takes 'cron', 'timeZone', 'concurrencyPolicy', 'startingDeadlineSeconds' and 'suspend' (did you mean 'timeZone'?)"],
      ["runs.d.concurrency", "unknown option 'concurrency'", "Run.each takes 'name', 'key' and 'limit'"]
    ])
  })
})

describe("nothing crashes the module's loading", () => {
  test("an endpoint the worker does not declare, or none at all, reaches compile", async () => {
    const missing = (worker.endpoints as unknown as { readonly missing: Codespec.EndpointRef<"grpc", "worker"> }).missing
    const problems = await problemsOf({
      a: Run.distributed({ job, worker, env: { A: Derived.addresses(missing) } }),
      b: Run.distributed({ job, worker, env: { B: Derived.addresses(undefined as never) as never } })
    })
    assert.deepEqual(problems.map((p) => [p.path, p.message, p.hint]), [
      ["runs.a.job.env.A", "the worker codespec has no endpoint 'missing'", "its endpoints are 'grpc'"],
      ["runs.b.job.env.B", "Derived.addresses was given no endpoint", "pass one of the worker's, e.g. worker.endpoints.grpc"]
    ])
    // The endpoints object is still a plain object to everything else.
    assert.deepEqual(Object.keys(worker.endpoints), ["grpc"])
    assert.equal((worker.endpoints as { then?: unknown }).then, undefined)
    assert.equal(JSON.stringify(worker.endpoints), '{"grpc":{"_tag":"EndpointRef","codespec":"worker","endpoint":"grpc","port":5000}}')
  })
})

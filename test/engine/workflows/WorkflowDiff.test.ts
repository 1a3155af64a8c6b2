import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as Plan from "../../../engine/plan/Plan.ts"
import type { Status } from "../../../engine/store/RunRecord.ts"
import type { WorkflowRecord } from "../../../engine/store/WorkflowRecord.ts"
import * as WorkflowDiff from "../../../engine/workflows/WorkflowDiff.ts"
import type { Action } from "../../../engine/workflows/WorkflowDiff.ts"

// A three-run workflow: `producer` writes `output`, `consumer` reads it, `solo` is independent of both.
const codespecs: ReadonlyArray<Plan.Codespec> = [
  { id: "cs-a", kind: "job", spec: { kind: "job", image: "alpine:3", buffers: { outputs: ["output"] } } },
  { id: "cs-b", kind: "job", spec: { kind: "job", image: "busybox:1", buffers: { inputs: ["input"] } } }
]

const run = (
  name: string,
  codespec: string,
  buffers: Plan.JobTarget["buffers"],
  dependsOn: ReadonlyArray<string> = [],
  tags: Record<string, string> = {}
): Plan.Run => ({
  name,
  job: { codespec, buffers, bufferTags: {}, replicas: 1, env: {} },
  timeoutSeconds: 3600,
  tags,
  bufferAccessTtl: "12:00:00",
  dependsOn,
  requires: []
})

const producer = run("producer", "cs-a", { output: { kind: "create" } })
const consumer = run("consumer", "cs-b", { input: { kind: "runOutput", run: "producer", parameter: "output" } }, ["producer"])
const solo = run("solo", "cs-a", { output: { kind: "create" } })

const planOf = (runs: ReadonlyArray<Plan.Run>, specs: ReadonlyArray<Plan.Codespec> = codespecs): Plan.Plan => ({
  apiVersion: Plan.API_VERSION,
  codespecs: specs,
  runs
})

const plan = planOf([producer, consumer, solo])

// The state an apply of `applied` leaves: run ids 11, 12, 13... in the plan's order, each hashed against that plan.
const appliedFrom = (applied: Plan.Plan, extra: WorkflowRecord["runs"] = []): WorkflowRecord => ({
  name: "wf",
  source: "wf.ts",
  appliedAt: 0,
  runs: [...applied.runs.map((r, i) => ({ name: r.name, hash: WorkflowDiff.hashOf(applied, r), runId: 11 + i })), ...extra]
})

const statuses = (byId: Record<number, Status>) => (runId: number): Status | undefined => byId[runId]
const allSucceeded = statuses({ 11: "Succeeded", 12: "Succeeded", 13: "Succeeded" })

describe("WorkflowDiff.diff", () => {
  test("with no previous state every run is created, in the plan's order", () => {
    assert.deepEqual(WorkflowDiff.diff(plan, undefined, () => undefined), [
      { _tag: "create", name: "producer", why: "new" },
      { _tag: "create", name: "consumer", why: "new" },
      { _tag: "create", name: "solo", why: "new" }
    ])
  })

  test("an unchanged run whose last run succeeded, runs or waits is kept, with that run and status", () => {
    const actions = WorkflowDiff.diff(plan, appliedFrom(plan), statuses({ 11: "Succeeded", 12: "Running", 13: "Pending" }))
    assert.deepEqual(actions, [
      { _tag: "keep", name: "producer", runId: 11, status: "Succeeded" },
      { _tag: "keep", name: "consumer", runId: 12, status: "Running" },
      { _tag: "keep", name: "solo", runId: 13, status: "Pending" }
    ])
  })

  test("a new run in an applied workflow is created, and the runs already there are kept", () => {
    // Applied without `consumer`: producer is run 11, solo run 12.
    assert.deepEqual(WorkflowDiff.diff(plan, appliedFrom(planOf([producer, solo])), allSucceeded), [
      { _tag: "keep", name: "producer", runId: 11, status: "Succeeded" },
      { _tag: "create", name: "consumer", why: "new" },
      { _tag: "keep", name: "solo", runId: 12, status: "Succeeded" }
    ])
  })

  test("a changed producer is re-created and so is its consumer; an independent run is kept", () => {
    const changed = planOf([{ ...producer, tags: { stage: "two" } }, consumer, solo])
    assert.deepEqual(WorkflowDiff.diff(changed, appliedFrom(plan), allSucceeded), [
      { _tag: "recreate", name: "producer", why: "changed", previous: 11 },
      { _tag: "recreate", name: "consumer", why: "its input from 'producer' is re-created", previous: 12 },
      { _tag: "keep", name: "solo", runId: 13, status: "Succeeded" }
    ])
  })

  test("a change to a consumer alone leaves its producer kept", () => {
    const changed = planOf([producer, { ...consumer, timeoutSeconds: 60 }, solo])
    assert.deepEqual(WorkflowDiff.diff(changed, appliedFrom(plan), allSucceeded), [
      { _tag: "keep", name: "producer", runId: 11, status: "Succeeded" },
      { _tag: "recreate", name: "consumer", why: "changed", previous: 12 },
      { _tag: "keep", name: "solo", runId: 13, status: "Succeeded" }
    ])
  })

  test("a failed or canceled last run is re-created, and its consumers follow", () => {
    for (const status of ["Failed", "Canceled"] as const) {
      const actions = WorkflowDiff.diff(plan, appliedFrom(plan), statuses({ 11: status, 12: "Succeeded", 13: "Succeeded" }))
      assert.deepEqual(actions, [
        { _tag: "recreate", name: "producer", why: `run 11 ${status.toLowerCase()}`, previous: 11 },
        { _tag: "recreate", name: "consumer", why: "its input from 'producer' is re-created", previous: 12 },
        { _tag: "keep", name: "solo", runId: 13, status: "Succeeded" }
      ])
    }
  })

  test("a failed consumer is re-created on its own: its producer's output is still good", () => {
    const actions = WorkflowDiff.diff(plan, appliedFrom(plan), statuses({ 11: "Succeeded", 12: "Failed", 13: "Succeeded" }))
    assert.deepEqual(actions, [
      { _tag: "keep", name: "producer", runId: 11, status: "Succeeded" },
      { _tag: "recreate", name: "consumer", why: "run 12 failed", previous: 12 },
      { _tag: "keep", name: "solo", runId: 13, status: "Succeeded" }
    ])
  })

  test("a last run that no longer exists is re-created", () => {
    const actions = WorkflowDiff.diff(plan, appliedFrom(plan), statuses({ 11: "Succeeded", 12: "Succeeded" }))
    assert.deepEqual(actions.at(2), { _tag: "recreate", name: "solo", why: "run 13 no longer exists", previous: 13 })
    assert.deepEqual(actions.slice(0, 2).map((a) => a._tag), ["keep", "keep"])
  })

  test("--rerun re-creates an unchanged, succeeded run and its consumers", () => {
    assert.deepEqual(WorkflowDiff.diff(plan, appliedFrom(plan), allSucceeded, new Set(["producer"])), [
      { _tag: "recreate", name: "producer", why: "--rerun", previous: 11 },
      { _tag: "recreate", name: "consumer", why: "its input from 'producer' is re-created", previous: 12 },
      { _tag: "keep", name: "solo", runId: 13, status: "Succeeded" }
    ])
  })

  test("the first reason wins: a change over --rerun, --rerun over a failure, a failure over a re-created input", () => {
    const changed = planOf([{ ...producer, tags: { stage: "two" } }, consumer, solo])
    const failing = statuses({ 11: "Failed", 12: "Canceled", 13: "Succeeded" })
    assert.deepEqual(WorkflowDiff.diff(changed, appliedFrom(plan), failing, new Set(["producer", "solo"])), [
      { _tag: "recreate", name: "producer", why: "changed", previous: 11 },
      { _tag: "recreate", name: "consumer", why: "run 12 canceled", previous: 12 },
      { _tag: "recreate", name: "solo", why: "--rerun", previous: 13 }
    ])
  })

  test("a run no longer in the plan is removed, after the plan's runs, with its last status", () => {
    const state = appliedFrom(plan, [{ name: "gone", hash: "0".repeat(64), runId: 9 }, { name: "vanished", hash: "1".repeat(64), runId: 8 }])
    const actions = WorkflowDiff.diff(planOf([solo, producer]), state, statuses({ 9: "Running", 11: "Succeeded", 13: "Succeeded" }))
    assert.deepEqual(actions, [
      { _tag: "keep", name: "solo", runId: 13, status: "Succeeded" },
      { _tag: "keep", name: "producer", runId: 11, status: "Succeeded" },
      { _tag: "remove", name: "consumer", runId: 12, status: undefined },
      { _tag: "remove", name: "gone", runId: 9, status: "Running" },
      { _tag: "remove", name: "vanished", runId: 8, status: undefined }
    ])
  })

  test("an empty plan over an applied workflow removes every run", () => {
    const actions = WorkflowDiff.diff(planOf([]), appliedFrom(plan), allSucceeded)
    assert.deepEqual(actions.map((a) => [a._tag, a.name]), [["remove", "producer"], ["remove", "consumer"], ["remove", "solo"]])
  })
})

describe("WorkflowDiff.hashOf", () => {
  // The same run with its keys (and its bindings' keys) written in another order, as another compile might emit it.
  const reordered: Plan.Run = {
    requires: [],
    dependsOn: ["producer"],
    bufferAccessTtl: "12:00:00",
    tags: {},
    timeoutSeconds: 3600,
    job: { env: {}, replicas: 1, bufferTags: {}, buffers: { input: { parameter: "output", run: "producer", kind: "runOutput" } }, codespec: "cs-b" },
    name: "consumer"
  }

  test("does not depend on the order of keys, in the run or in its codespec", () => {
    const specReordered: Plan.Codespec = { spec: { buffers: { inputs: ["input"] }, image: "busybox:1", kind: "job" }, kind: "job", id: "cs-b" }
    const hash = WorkflowDiff.hashOf(plan, consumer)
    assert.match(hash, /^[0-9a-f]{64}$/)
    assert.equal(WorkflowDiff.hashOf(plan, reordered), hash)
    assert.equal(WorkflowDiff.hashOf(planOf(plan.runs, [codespecs[0]!, specReordered]), consumer), hash)
  })

  test("changes with the run's content, and with the spec of a codespec it uses", () => {
    const hash = WorkflowDiff.hashOf(plan, consumer)
    assert.notEqual(WorkflowDiff.hashOf(plan, { ...consumer, tags: { stage: "two" } }), hash)
    assert.notEqual(WorkflowDiff.hashOf(plan, { ...consumer, job: { ...consumer.job, bufferTags: { a: "b" } } }), hash)
    const respecified = planOf(plan.runs, [codespecs[0]!, { ...codespecs[1]!, spec: { ...codespecs[1]!.spec, image: "busybox:2" } }])
    assert.notEqual(WorkflowDiff.hashOf(respecified, consumer), hash)
  })

  test("ignores codespecs the run does not use", () => {
    // `solo` uses cs-a only: re-specifying cs-b must not re-create it.
    const respecified = planOf(plan.runs, [codespecs[0]!, { ...codespecs[1]!, spec: { ...codespecs[1]!.spec, image: "busybox:2" } }])
    assert.equal(WorkflowDiff.hashOf(respecified, solo), WorkflowDiff.hashOf(plan, solo))
    // ...whereas the worker codespec of a run with a worker counts.
    const withWorker: Plan.Run = { ...solo, worker: { codespec: "cs-b", replicas: 1 } }
    assert.notEqual(WorkflowDiff.hashOf(respecified, withWorker), WorkflowDiff.hashOf(plan, withWorker))
  })
})

describe("WorkflowDiff.hashOf and the plan's codespec order", () => {
  test("a run with a job and a worker codespec hashes the same whichever the plan lists first", () => {
    const withWorker: Plan.Run = { ...solo, worker: { codespec: "cs-b", replicas: 1 } }
    const swapped = planOf(plan.runs, [codespecs[1]!, codespecs[0]!])
    assert.equal(WorkflowDiff.hashOf(swapped, withWorker), WorkflowDiff.hashOf(plan, withWorker))
  })
})

describe("WorkflowDiff.summary", () => {
  const create: Action = { _tag: "create", name: "a", why: "new" }
  const recreate: Action = { _tag: "recreate", name: "b", why: "changed", previous: 1 }
  const keep: Action = { _tag: "keep", name: "c", runId: 2, status: "Succeeded" }
  const remove: Action = { _tag: "remove", name: "d", runId: 3, status: undefined }

  test("counts each kind of action, leaving out the kinds with none", () => {
    assert.equal(WorkflowDiff.summary([create, keep, keep]), "1 to create, 2 unchanged")
    assert.equal(WorkflowDiff.summary([remove, keep, recreate, create, recreate]), "1 to create, 2 to re-create, 1 unchanged, 1 removed")
    assert.equal(WorkflowDiff.summary([remove]), "1 removed")
  })

  test("says there is nothing to do for no actions", () => {
    assert.equal(WorkflowDiff.summary([]), "nothing to do")
  })
})

describe("WorkflowDiff.isGoing", () => {
  test("a kept run is going until it reaches a terminal status", () => {
    assert.deepEqual(
      (["Pending", "Running", "Canceling", "Succeeded", "Failed", "Canceled"] as const).map(WorkflowDiff.isGoing),
      [true, true, true, false, false, false]
    )
  })
})

import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import { Store } from "../../../engine/store/Store.ts"
import { StoreError } from "../../../engine/store/StoreError.ts"
import type { AppliedRun, WorkflowHolder } from "../../../engine/store/WorkflowRecord.ts"
import * as TestStore from "./TestStore.ts"

const withStore = TestStore.withStore("tyger-workflows-")

const first: WorkflowHolder = { pid: 100, token: "token-a" }
const second: WorkflowHolder = { pid: 200, token: "token-b" }

const alive = () => false
const gone = () => true

const runs: ReadonlyArray<AppliedRun> = [
  { name: "producer", hash: "a".repeat(64), runId: 1 },
  { name: "consumer", hash: "b".repeat(64), runId: 2 }
]

/** The StoreError an effect failed with, failing the test if it succeeded or failed otherwise. */
const storeErrorOf = <A, E>(effect: Effect.Effect<A, E, Store>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect)
    assert.ok(Exit.isFailure(exit), "expected a failure")
    const error = yield* Effect.flip(exit)
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`)
    return error
  })

/** An `isGone` that answers "alive" and records whom it was asked about. */
const alwaysAlive = () => {
  const asked: Array<WorkflowHolder> = []
  return { asked, isGone: (holder: WorkflowHolder) => (asked.push(holder), false) }
}

describe("workflows in the Store", () => {
  test("an unknown workflow is undefined, and none are listed", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      assert.equal(yield* store.getWorkflow("nope"), undefined)
      assert.deepEqual(yield* store.listWorkflows(), [])
    })))

  test("claim, save, then get and list give back what was saved, stamped with the apply's time", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      assert.equal(yield* store.claimWorkflow("wf-b", first, alive), undefined)
      const saved = yield* store.saveWorkflow({ name: "wf-b", source: "b.ts", runs }, first)
      assert.deepEqual(saved, { name: "wf-b", source: "b.ts", appliedAt: TestStore.T0, runs })
      assert.deepEqual(yield* store.getWorkflow("wf-b"), saved)

      // A second workflow, saved later under another name, is listed before it: by name, not by time.
      yield* TestClock.adjust("1 second")
      assert.equal(yield* store.claimWorkflow("wf-a", first, alive), undefined)
      const other = yield* store.saveWorkflow({ name: "wf-a", source: "a.ts", runs: [] }, first)
      assert.equal(other.appliedAt, TestStore.T0 + 1000)
      assert.deepEqual(yield* store.listWorkflows(), [other, saved])
    })))

  test("a live holder keeps the workflow: another claim gets that holder back", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const { asked, isGone } = alwaysAlive()
      assert.equal(yield* store.claimWorkflow("wf", first, isGone), undefined)
      assert.deepEqual(yield* store.claimWorkflow("wf", second, isGone), first)
      assert.deepEqual(asked, [first])
      // The loser cannot record anything, and the holder is unchanged by its attempt.
      const error = yield* storeErrorOf(store.saveWorkflow({ name: "wf", source: "wf.ts", runs }, second))
      assert.equal(error.reason, "Conflict")
      assert.equal(yield* store.getWorkflow("wf"), undefined)
      yield* store.saveWorkflow({ name: "wf", source: "wf.ts", runs }, first)
    })))

  test("the holder claiming again keeps it without asking whether it is gone", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const { asked, isGone } = alwaysAlive()
      assert.equal(yield* store.claimWorkflow("wf", first, isGone), undefined)
      assert.equal(yield* store.claimWorkflow("wf", first, isGone), undefined)
      assert.deepEqual(asked, [])
    })))

  test("a gone holder is taken over; its late save then fails with a Conflict and leaves the state alone", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      assert.equal(yield* store.claimWorkflow("wf", first, alive), undefined)
      assert.equal(yield* store.claimWorkflow("wf", second, gone), undefined)
      const error = yield* storeErrorOf(store.saveWorkflow({ name: "wf", source: "old.ts", runs }, first))
      assert.equal(error.reason, "Conflict")
      assert.match(error.message, /'wf' was taken over/)
      assert.equal(yield* store.getWorkflow("wf"), undefined)
      // The new holder is the one that may record, and the one a third claim meets.
      const saved = yield* store.saveWorkflow({ name: "wf", source: "new.ts", runs }, second)
      assert.equal(saved.source, "new.ts")
      assert.deepEqual(yield* store.claimWorkflow("wf", { pid: 300, token: "token-c" }, alive), second)
    })))

  test("a save with no claim at all is a Conflict", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const error = yield* storeErrorOf(store.saveWorkflow({ name: "wf", source: "wf.ts", runs }, first))
      assert.equal(error.reason, "Conflict")
    })))

  test("release lets another apply claim, and ends the releaser's right to save", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      yield* store.claimWorkflow("wf", first, alive)
      yield* store.releaseWorkflow("wf", first)
      const released = yield* storeErrorOf(store.saveWorkflow({ name: "wf", source: "wf.ts", runs }, first))
      assert.equal(released.reason, "Conflict")
      assert.equal(yield* store.claimWorkflow("wf", second, alive), undefined)
    })))

  test("a release by a holder that was taken over leaves the new holder's claim in place", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      yield* store.claimWorkflow("wf", first, alive)
      yield* store.claimWorkflow("wf", second, gone)
      yield* store.releaseWorkflow("wf", first)
      assert.deepEqual(yield* store.claimWorkflow("wf", first, alive), second)
    })))

  test("claims are per workflow", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      assert.equal(yield* store.claimWorkflow("wf-1", first, alive), undefined)
      assert.equal(yield* store.claimWorkflow("wf-2", second, alive), undefined)
    })))

  test("saving again replaces the runs, the source and the time", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      yield* store.claimWorkflow("wf", first, alive)
      yield* store.saveWorkflow({ name: "wf", source: "wf.ts", runs }, first)
      yield* store.releaseWorkflow("wf", first)

      yield* TestClock.adjust("1 minute")
      yield* store.claimWorkflow("wf", second, alive)
      const next: ReadonlyArray<AppliedRun> = [{ name: "consumer", hash: "c".repeat(64), runId: 3 }]
      yield* store.saveWorkflow({ name: "wf", source: "wf2.ts", runs: next }, second)
      assert.deepEqual(yield* store.getWorkflow("wf"), { name: "wf", source: "wf2.ts", appliedAt: TestStore.T0 + 60_000, runs: next })
      assert.equal((yield* store.listWorkflows()).length, 1)
    })))
})

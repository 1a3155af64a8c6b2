import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect, Exit } from "effect"
import { Store } from "../../../engine/store/Store.ts"
import { TestClock } from "effect/testing"
import * as TestStore from "./TestStore.ts"


const withStore = TestStore.withStore("tyger-runs-")

const create = (tags: Record<string, string> = {}) =>
  Effect.flatMap(Store, (store) => store.createRun({ tags, document: { job: { codespec: "x" } }, plan: { apiVersion: "p" } }))

describe("runs in the Store", () => {
  test("ids count up; a new run is Pending with its document and plan", () =>
    withStore(Effect.gen(function*() {
      const a = yield* create()
      const b = yield* create()
      assert.equal(b.id, a.id + 1)
      assert.equal(a.status, "Pending")
      assert.equal(a.createdAt, TestStore.T0)
      assert.deepEqual(a.document, { job: { codespec: "x" } })
    })))

  test("a terminal status is never overwritten, and the ETag follows status and tags", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const run = yield* create()
      const running = yield* store.transitionRun(run.id, { status: "Running", startedAt: TestStore.T0 + 5 })
      assert.equal(running?.status, "Running")
      assert.notEqual(running?.eTag, run.eTag)
      const canceled = yield* store.transitionRun(run.id, { status: "Canceled", statusReason: "Canceled by user", finishedAt: TestStore.T0 + 9 })
      const late = yield* store.transitionRun(run.id, { status: "Succeeded", finishedAt: TestStore.T0 + 10 })
      assert.equal(late?.status, "Canceled")
      assert.equal(late?.statusReason, "Canceled by user")
      assert.equal(late?.startedAt, TestStore.T0 + 5)
      assert.equal(late?.finishedAt, TestStore.T0 + 9)
      const tagged = yield* store.setRunTags(run.id, { a: "b" }, canceled?.eTag)
      assert.notEqual(tagged.eTag, canceled?.eTag)
      const stale = yield* Effect.exit(store.setRunTags(run.id, { a: "c" }, canceled?.eTag))
      assert.ok(Exit.isFailure(stale))
    })))

  test("list newest first with since (strictly after), tags and statuses; counts by status", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const a = yield* create({ team: "x" })
      yield* TestClock.adjust("1 second")
      const b = yield* create({ team: "x" })
      yield* TestClock.adjust("1 second")
      const c = yield* create({ team: "y" })
      yield* store.transitionRun(b.id, { status: "Failed", statusReason: "Main exited with code 3" })
      const ids = (runs: ReadonlyArray<{ id: number }>) => runs.map((r) => r.id)
      assert.deepEqual(ids(yield* store.listRuns({ limit: 10 })), [c.id, b.id, a.id])
      assert.deepEqual(ids(yield* store.listRuns({ limit: 10, since: a.createdAt })), [c.id, b.id])
      assert.deepEqual(ids(yield* store.listRuns({ limit: 10, tags: { team: "x" } })), [b.id, a.id])
      assert.deepEqual(ids(yield* store.listRuns({ limit: 10, statuses: ["Failed", "Succeeded"] })), [b.id])
      assert.deepEqual(ids(yield* store.listRuns({ limit: 1, after: { createdAt: c.createdAt, id: c.id } })), [b.id])
      assert.deepEqual(yield* store.countRuns({}), { Pending: 2, Failed: 1 })
      assert.deepEqual(yield* store.countRuns({ tags: { team: "y" } }), { Pending: 1 })
    })))

  test("one monitor claims a run", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const run = yield* create()
      assert.equal(yield* store.claimRun(run.id, 100, "token-a"), true)
      assert.equal(yield* store.claimRun(run.id, 101, "token-b"), false)
      assert.equal(yield* store.claimRun(run.id, 100, "token-a"), true)
      yield* store.finishRun(run.id, { logsArchived: true })
      const after = yield* store.getRun(run.id)
      assert.equal(after.logsArchived, true)
      assert.equal(after.final, false)
      assert.deepEqual((yield* store.unfinishedRuns(10)).map((r) => r.id), [run.id])
    })))

  test("a missing run's NotFound names it (the CLI prints Tyger's text, by the reason)", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const missing = (yield* create()).id + 41
      for (const attempt of [store.getRun(missing), store.setRunTags(missing, { a: "b" })]) {
        const error = yield* Effect.flip(attempt)
        assert.equal(error.reason, "NotFound")
        assert.equal(error.resource, `run ${missing}`)
        assert.equal(error.message, `run ${missing} was not found`)
      }
    })))
})

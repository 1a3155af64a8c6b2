import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect, Exit } from "effect"
import { makeId } from "../../../engine/store/BufferRecord.ts"
import { Store } from "../../../engine/store/Store.ts"
import { TestClock } from "effect/testing"
import * as TestStore from "./TestStore.ts"

const DAY = 24 * 60 * 60 * 1000

const withStore = TestStore.withStore("tyger-buffers-")

const create = (tags: Record<string, string> = {}, expiresAt?: number) =>
  Effect.flatMap(Store, (store) =>
    store.createBuffer({ id: makeId(), location: "local", tags, ...(expiresAt === undefined ? {} : { expiresAt }) }))

const failure = <A, E>(effect: Effect.Effect<A, E, Store>) =>
  Effect.map(Effect.exit(effect), (exit) => (Exit.isFailure(exit) ? String((exit.cause.reasons[0] as { error?: { message?: string } })?.error?.message) : "succeeded"))

describe("buffer ids", () => {
  test("26 lowercase base32 characters, as Tyger's", () => {
    assert.match(makeId(), /^[a-z2-7]{26}$/)
    assert.equal(makeId(new Uint8Array(16)), "a".repeat(26))
    assert.equal(makeId(new Uint8Array(16).fill(255)), "7".repeat(25) + "4")
  })
})

describe("buffer metadata in the Store", () => {
  test("create, get and the ETag changing with tags, expiry and soft deletion", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const buffer = yield* create({ a: "b" })
      assert.deepEqual(yield* store.getBuffer(buffer.id, { softDeleted: false }), buffer)
      const tagged = yield* store.updateBuffer(buffer.id, false, { tags: { a: "c" } })
      assert.notEqual(tagged.eTag, buffer.eTag)
      const expiring = yield* store.updateBuffer(buffer.id, false, { expiresAt: TestStore.T0 + DAY })
      assert.notEqual(expiring.eTag, tagged.eTag)
      assert.deepEqual(expiring.tags, { a: "c" })
      const deleted = yield* store.softDeleteBuffer(buffer.id)
      assert.notEqual(deleted.eTag, expiring.eTag)
      assert.equal(deleted.expiresAt, TestStore.T0 + DAY)
      assert.equal(yield* failure(store.getBuffer(buffer.id, { softDeleted: false })), `buffer '${buffer.id}' was not found`)
      assert.equal((yield* store.getBuffer(buffer.id, { softDeleted: true })).id, buffer.id)
    })))

  test("Tyger's state messages and the ETag precondition", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const buffer = yield* create()
      assert.equal(yield* failure(store.restoreBuffer(buffer.id)), "Buffer is not soft-deleted")
      assert.equal(yield* failure(store.purgeBuffer(buffer.id)), "Buffer is not soft-deleted")
      assert.equal(yield* failure(store.updateBuffer(buffer.id, false, { tags: {}, ifMatch: "1" })), "ETag does not match")
      yield* store.softDeleteBuffer(buffer.id)
      assert.equal(yield* failure(store.softDeleteBuffer(buffer.id)), "Buffer is already soft-deleted")
      const restored = yield* store.restoreBuffer(buffer.id)
      assert.equal(restored.softDeleted, false)
      assert.equal(restored.expiresAt, undefined)
      assert.equal(yield* failure(store.getBuffer("nosuchbuffer", { softDeleted: false })), "buffer 'nosuchbuffer' was not found")
      const missing = yield* Effect.flip(store.updateBuffer("nosuchbuffer", false, { tags: {} }))
      assert.deepEqual([missing.reason, missing.resource], ["NotFound", "buffer 'nosuchbuffer'"])
    })))

  test("an expired buffer is soft-deleted before any sweep, and gone after its soft-deleted lifetime", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const buffer = yield* create({}, TestStore.T0 + 60_000)
      yield* TestClock.adjust("61 seconds")
      assert.equal(yield* failure(store.getBuffer(buffer.id, { softDeleted: false })), `buffer '${buffer.id}' was not found`)
      const soft = yield* store.getBuffer(buffer.id, { softDeleted: true })
      assert.equal(soft.expiresAt, TestStore.T0 + 60_000 + DAY)
      assert.deepEqual(yield* store.sweepBuffers(100), [])
      assert.equal((yield* store.getBuffer(buffer.id, { softDeleted: true })).eTag, soft.eTag)
      yield* TestClock.adjust("1 day")
      assert.equal(yield* failure(store.getBuffer(buffer.id, { softDeleted: true })), `soft-deleted buffer '${buffer.id}' was not found`)
      assert.deepEqual(yield* store.sweepBuffers(100), [buffer.id])
      yield* store.forgetBuffers([buffer.id])
      assert.deepEqual(yield* store.sweepBuffers(100), [])
    })))

  test("purge makes a soft-deleted buffer gone at once", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const buffer = yield* create()
      yield* store.softDeleteBuffer(buffer.id)
      const purged = yield* store.purgeBuffer(buffer.id)
      assert.equal(purged.expiresAt, TestStore.T0)
      yield* TestClock.adjust("1 millis")
      assert.deepEqual(yield* store.sweepBuffers(10), [buffer.id])
    })))

  test("list: newest first, tag filters (all must match), excluded tags (any excludes), state, limit and cursor", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      const a = yield* create({ team: "x", kind: "in" })
      yield* TestClock.adjust("1 second")
      const b = yield* create({ team: "x", kind: "out" })
      yield* TestClock.adjust("1 second")
      const c = yield* create({ team: "y" })
      yield* TestClock.adjust("1 second")
      const d = yield* create({ team: "x" })
      yield* store.softDeleteBuffer(d.id)
      const ids = (list: ReadonlyArray<{ id: string }>) => list.map((x) => x.id)
      assert.deepEqual(ids(yield* store.listBuffers({ softDeleted: false, limit: 10 })), [c.id, b.id, a.id])
      assert.deepEqual(ids(yield* store.listBuffers({ softDeleted: false, limit: 10, tags: { team: "x" } })), [b.id, a.id])
      assert.deepEqual(ids(yield* store.listBuffers({ softDeleted: false, limit: 10, tags: { team: "x", kind: "in" } })), [a.id])
      assert.deepEqual(ids(yield* store.listBuffers({ softDeleted: false, limit: 10, excludeTags: { kind: "in", team: "y" } })), [b.id])
      assert.deepEqual(ids(yield* store.listBuffers({ softDeleted: true, limit: 10 })), [d.id])
      assert.deepEqual(ids(yield* store.listBuffers({ softDeleted: false, limit: 10, tags: { nokey: "v" } })), [])
      const first = yield* store.listBuffers({ softDeleted: false, limit: 2 })
      const last = first[first.length - 1]!
      assert.deepEqual(ids(yield* store.listBuffers({ softDeleted: false, limit: 2, after: last })), [a.id])
      assert.equal(yield* store.countBuffers({ softDeleted: false, tags: { team: "x" } }), 2)
    })))

  test("bulk delete, restore and purge count what they change", () =>
    withStore(Effect.gen(function*() {
      const store = yield* Store
      yield* create({ batch: "1" })
      yield* create({ batch: "1" })
      yield* create({ batch: "2" })
      assert.equal(yield* store.bulkBuffers("delete", { tags: { batch: "1" } }), 2)
      assert.equal(yield* store.bulkBuffers("delete", { tags: { batch: "1" } }), 0)
      assert.equal(yield* store.countBuffers({ softDeleted: true }), 2)
      assert.equal(yield* store.bulkBuffers("restore", {}), 2)
      assert.equal(yield* store.bulkBuffers("delete", {}), 3)
      assert.equal(yield* store.bulkBuffers("purge", { excludeTags: { batch: "2" } }), 2)
      yield* TestClock.adjust("1 millis")
      assert.equal((yield* store.sweepBuffers(10)).length, 2)
    })))
})

import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { Duration, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import { Buffers } from "../../../engine/buffers/Buffers.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import * as LocalBlobStore from "../../../engine/buffers/LocalBlobStore.ts"
import { Store } from "../../../engine/store/Store.ts"
import { tempDir } from "../../support/Run.ts"

const DAY = 24 * 60 * 60 * 1000
const T0 = Date.UTC(2026, 0, 1)

const layerAt = (dataDir: string) =>
  Buffers.layer.pipe(
    Layer.provideMerge(LocalBlobStore.layer({ dataDir })),
    Layer.provideMerge(Store.layer({ dataDir }))
  )

/** The facade over a real Store and LocalBlobStore in a fresh directory, on the real clock. */
const live = <A, E>(program: (dataDir: string) => Effect.Effect<A, E, Buffers | Store>) => {
  const dataDir = tempDir("tyger-buffers-facade-")
  return Effect.runPromise(program(dataDir).pipe(Effect.provide(layerAt(dataDir))) as Effect.Effect<A, E>)
}

/** The same under a TestClock set to T0 (no data transfers: the reader and writer sleep). */
const frozen = <A, E>(program: (dataDir: string) => Effect.Effect<A, E, Buffers | Store>) => {
  const dataDir = tempDir("tyger-buffers-facade-")
  return Effect.runPromise(
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      return yield* program(dataDir)
    }).pipe(Effect.provide(Layer.provideMerge(layerAt(dataDir), TestClock.layer()))) as Effect.Effect<A, E>
  )
}

/** `[reason, message]` of the failure, or "succeeded". */
const failure = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (exit._tag === "Success") return "succeeded"
    const error = (exit.cause.reasons[0] as { readonly error?: { readonly reason?: string; readonly message: string } })
      ?.error
    return `${error?.reason}: ${error?.message}`
  })

const containerDir = (dataDir: string, id: string) => Path.join(LocalBlobStore.buffersDir(dataDir), id)

const bytes = (text: string) => new TextEncoder().encode(text)

const writeText = (buffers: Buffers["Service"], id: string, text: string) =>
  Effect.gen(function*() {
    const container = yield* buffers.open({ _tag: "BufferId", id }, "write")
    yield* buffers.write(container, BufferWriter.fromIterable([bytes(text)]))
  })

const readText = (buffers: Buffers["Service"], argument: string, cwd?: string) =>
  Effect.gen(function*() {
    const target = yield* buffers.resolve(argument, cwd === undefined ? {} : { cwd })
    const container = yield* buffers.open(target, "read")
    const sink = BufferReader.collect()
    yield* buffers.read(container, sink)
    return new TextDecoder().decode(sink.bytes())
  })

describe("Buffers.create", () => {
  test("tags, a TTL and the location; a container for the data", () =>
    frozen((dataDir) =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const buffer = yield* buffers.create({ tags: { a: "b", "x.y-z_1": "" }, ttl: Duration.hours(26) })
        assert.match(buffer.id, /^[a-z2-7]{26}$/)
        assert.deepEqual(buffer.tags, { a: "b", "x.y-z_1": "" })
        assert.equal(buffer.createdAt, T0)
        assert.equal(buffer.expiresAt, T0 + 26 * 3600_000)
        assert.equal(buffer.location, "local")
        assert.equal(buffer.softDeleted, false)
        assert.ok(Fs.statSync(containerDir(dataDir, buffer.id)).isDirectory())
        assert.deepEqual(yield* buffers.get(buffer.id), buffer)
        assert.equal((yield* buffers.create({ location: "LOCAL" })).location, "local")
      })))

  test("Tyger's messages for invalid tags and locations; nothing is stored", () =>
    frozen((dataDir) =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, "v"]))
        assert.equal(yield* failure(buffers.create({ tags: many })), "InvalidInput: No more than 100 tags can be set on a buffer")
        assert.equal(
          yield* failure(buffers.create({ tags: { "a b": "c" } })),
          "InvalidInput: Tag keys must contain up to 128 letters (a-z, A-Z), numbers (0-9) and underscores (_)"
        )
        assert.equal(
          yield* failure(buffers.create({ tags: { a: "c/d" } })),
          "InvalidInput: Tag values can contain up to 256 letters (a-z, A-Z), numbers (0-9) and underscores (_)"
        )
        assert.match(yield* failure(buffers.create({ tags: { ["k".repeat(129)]: "v" } })), /^InvalidInput: Tag keys/)
        assert.equal(yield* failure(buffers.create({ location: "eastus" })), "InvalidInput: Buffer location can only be 'local.")
        assert.equal(yield* buffers.count({ softDeleted: false }), 0)
        const root = LocalBlobStore.buffersDir(dataDir)
        assert.deepEqual(Fs.existsSync(root) ? Fs.readdirSync(root).filter((f) => !f.startsWith(".")) : [], [])
      })))
})

describe("Buffers.set", () => {
  test("merges tags, replaces them with clearTags, moves the expiry", () =>
    frozen(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const { id } = yield* buffers.create({ tags: { a: "1", b: "2" } })
        const merged = yield* buffers.set(id, { tags: { b: "3", c: "4" } })
        assert.deepEqual(merged.tags, { a: "1", b: "3", c: "4" })
        const cleared = yield* buffers.set(id, { clearTags: true, tags: { z: "9" } })
        assert.deepEqual(cleared.tags, { z: "9" })
        const emptied = yield* buffers.set(id, { clearTags: true })
        assert.deepEqual(emptied.tags, {})
        const expiring = yield* buffers.set(id, { ttl: Duration.hours(1) })
        assert.equal(expiring.expiresAt, T0 + 3600_000)
        assert.notEqual(expiring.eTag, emptied.eTag)
      })))

  test("--etag: Tyger's client-side message, and the server's 412 with --clear-tags", () =>
    frozen(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const buffer = yield* buffers.create({ tags: { a: "1" } })
        assert.equal(
          yield* failure(buffers.set(buffer.id, { eTag: "123", tags: { a: "2" } })),
          "ETagMismatch: the server's ETag does not match the provided ETag"
        )
        assert.equal(
          yield* failure(buffers.set(buffer.id, { eTag: "123", clearTags: true })),
          "PreconditionFailed: ETag does not match"
        )
        const updated = yield* buffers.set(buffer.id, { eTag: buffer.eTag, tags: { a: "2" } })
        assert.deepEqual(updated.tags, { a: "2" })
        assert.equal(yield* failure(buffers.set("nosuchbuffer", { tags: {} })), "NotFound: The resource was not found")
      })))

  test("softDeleted selects soft-deleted buffers only", () =>
    frozen(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const { id } = yield* buffers.create({})
        assert.equal(yield* failure(buffers.set(id, { softDeleted: true, tags: { a: "b" } })), "NotFound: The resource was not found")
        yield* buffers.delete(id)
        assert.deepEqual((yield* buffers.set(id, { softDeleted: true, tags: { a: "b" } })).tags, { a: "b" })
        assert.equal(yield* failure(buffers.set(id, { tags: {} })), "NotFound: The resource was not found")
      })))
})

describe("Buffers delete, restore, purge and sweep", () => {
  test("by id, with Tyger's state errors", () =>
    frozen(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const { id } = yield* buffers.create({})
        assert.equal(yield* failure(buffers.restore(id)), "PreconditionFailed: Buffer is not soft-deleted")
        assert.equal(yield* failure(buffers.purge(id)), "PreconditionFailed: Buffer is not soft-deleted")
        const deleted = yield* buffers.delete(id)
        assert.equal(deleted.expiresAt, T0 + DAY)
        assert.equal(yield* failure(buffers.delete(id)), "PreconditionFailed: Buffer is already soft-deleted")
        assert.equal(yield* failure(buffers.get(id)), "NotFound: The resource was not found")
        assert.equal((yield* buffers.get(id, { softDeleted: true })).id, id)
        const restored = yield* buffers.restore(id)
        assert.equal(restored.expiresAt, undefined)
        assert.equal(yield* failure(buffers.delete("nosuchbuffer")), "NotFound: The resource was not found")
      })))

  test("by filter: counts what each operation would change", () =>
    frozen(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        yield* buffers.create({ tags: { batch: "1" } })
        yield* buffers.create({ tags: { batch: "1", keep: "yes" } })
        yield* buffers.create({ tags: { batch: "2" } })
        const filter = { tags: { batch: "1" }, excludeTags: { keep: "yes" } }
        assert.equal(yield* buffers.countFor("delete", filter), 1)
        assert.equal(yield* buffers.countFor("restore", filter), 0)
        assert.equal(yield* buffers.bulk("delete", filter), 1)
        assert.equal(yield* buffers.countFor("restore", {}), 1)
        assert.equal(yield* buffers.bulk("delete", {}), 2)
        assert.equal(yield* buffers.bulk("restore", { tags: { batch: "2" } }), 1)
        assert.equal(yield* buffers.bulk("purge", {}), 2)
        assert.equal(yield* buffers.count({ softDeleted: false }), 1)
      })))

  test("a sweep step deletes purged buffers' data and rows", () =>
    live((dataDir) =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const doomed = yield* buffers.create({})
        const kept = yield* buffers.create({})
        yield* writeText(buffers, doomed.id, "bye")
        yield* buffers.delete(doomed.id)
        yield* buffers.delete(kept.id)
        assert.equal(yield* buffers.sweep(), 0)
        assert.ok(Fs.existsSync(Path.join(containerDir(dataDir, doomed.id), "00", "000")))
        yield* buffers.purge(doomed.id)
        yield* Effect.sleep("5 millis")
        assert.equal(yield* buffers.sweep(), 1)
        assert.equal(Fs.existsSync(containerDir(dataDir, doomed.id)), false)
        assert.equal(yield* failure(buffers.get(doomed.id, { softDeleted: true })), "NotFound: The resource was not found")
        assert.equal(yield* buffers.sweep(), 0)
        assert.ok(Fs.existsSync(containerDir(dataDir, kept.id)))
        // A container already gone does not keep its row forever.
        yield* buffers.purge(kept.id)
        Fs.rmSync(containerDir(dataDir, kept.id), { recursive: true })
        yield* Effect.sleep("5 millis")
        assert.equal(yield* buffers.sweep(), 1)
      })))

  test("expired buffers: soft-deleted at their expiry, swept a day later", () =>
    frozen((dataDir) =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const { id } = yield* buffers.create({ ttl: Duration.seconds(10) })
        yield* TestClock.adjust("11 seconds")
        assert.equal(yield* buffers.sweep(), 0)
        assert.equal((yield* buffers.get(id, { softDeleted: true })).expiresAt, T0 + 10_000 + DAY)
        yield* TestClock.adjust("1 day")
        assert.equal(yield* buffers.sweep(), 1)
        assert.equal(Fs.existsSync(containerDir(dataDir, id)), false)
      })))
})

describe("Buffers access and argument resolution", () => {
  test("an access URL round trip: write through a write URL, read through the id", () =>
    live(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const { id } = yield* buffers.create({})
        const url = yield* buffers.access(id, true)
        const target = yield* buffers.resolve(url)
        assert.deepEqual(target, { _tag: "Url", url })
        yield* buffers.write(yield* buffers.open(target, "write"), BufferWriter.fromIterable([bytes("Hello\n")]))
        assert.equal(yield* readText(buffers, id), "Hello\n")
        assert.equal(yield* readText(buffers, yield* buffers.access(id, false, 30)), "Hello\n")
        // A read URL cannot write.
        const { id: other } = yield* buffers.create({})
        const readOnly = yield* buffers.open({ _tag: "Url", url: yield* buffers.access(other, false) }, "write")
        assert.equal(
          yield* failure(buffers.write(readOnly, BufferWriter.fromIterable([bytes("x")]))),
          "PermissionDenied: the access url does not allow write access"
        )
      })))

  test("access: Tyger's TTL bounds, and 404 for missing or soft-deleted buffers", () =>
    live(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const { id } = yield* buffers.create({})
        assert.equal(yield* failure(buffers.access(id, false, 29)), "InvalidInput: Access TTL must be at least 30 seconds.")
        assert.equal(
          yield* failure(buffers.access(id, false, 3601)),
          "InvalidInput: Access TTL must be less than or equal to 01:00:00."
        )
        assert.equal(yield* failure(buffers.access("nosuchbuffer", false)), "NotFound: The resource was not found")
        yield* buffers.delete(id)
        assert.equal(yield* failure(buffers.access(id, true)), "NotFound: The resource was not found")
      })))

  test("an id, a URL, or a small file holding a URL", () =>
    live(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const dir = tempDir("tyger-buffers-args-")
        const { id } = yield* buffers.create({})
        yield* writeText(buffers, id, "data")
        const url = yield* buffers.access(id, false)
        Fs.writeFileSync(Path.join(dir, "url.txt"), `${url} \r\n\n`)
        Fs.writeFileSync(Path.join(dir, "not-a-url.txt"), "just text")
        Fs.writeFileSync(Path.join(dir, "big.txt"), `${url}${" ".repeat(2048)}`)
        assert.deepEqual(yield* buffers.resolve(id), { _tag: "BufferId", id })
        assert.deepEqual(yield* buffers.resolve("url.txt", { cwd: dir }), { _tag: "Url", url })
        assert.deepEqual(yield* buffers.resolve(Path.join(dir, "url.txt")), { _tag: "Url", url })
        assert.deepEqual(yield* buffers.resolve("not-a-url.txt", { cwd: dir }), { _tag: "BufferId", id: "not-a-url.txt" })
        assert.deepEqual(yield* buffers.resolve("big.txt", { cwd: dir }), { _tag: "BufferId", id: "big.txt" })
        assert.deepEqual(yield* buffers.resolve(dir), { _tag: "BufferId", id: dir })
        assert.equal(yield* readText(buffers, "url.txt", dir), "data")
        assert.equal(
          yield* failure(buffers.open({ _tag: "BufferId", id: "nosuchbuffer" }, "read")),
          "BufferNotFound: the buffer does not exist"
        )
        yield* buffers.delete(id)
        assert.equal(
          yield* failure(buffers.open({ _tag: "BufferId", id }, "read")),
          "BufferNotFound: the buffer does not exist"
        )
        // A read URL edited into a write URL no longer matches its signature.
        const forged = url.replace("sp=r&", "sp=cr&")
        assert.notEqual(forged, url)
        assert.match(yield* failure(buffers.open({ _tag: "Url", url: forged }, "write")), /^InvalidAccessUrl: invalid access URL/)
      })))

  test("a second write fails: buffers are written once", () =>
    live(() =>
      Effect.gen(function*() {
        const buffers = yield* Buffers
        const { id } = yield* buffers.create({})
        yield* writeText(buffers, id, "first")
        assert.equal(yield* failure(writeText(buffers, id, "second")), "BufferExists: buffer cannot be overwritten")
        assert.equal(yield* readText(buffers, id), "first")
      })))
})

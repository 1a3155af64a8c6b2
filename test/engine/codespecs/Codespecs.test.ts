// The Codespecs service (engine/codespecs/Codespecs.ts) over a real Store: Tyger's versioning by canonical key, system
// fields ignored on publish, typed specs in and out, Tyger's not-found messages, and the CodespecCatalog it provides.
import assert from "node:assert/strict"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { Effect, Exit, Layer } from "effect"
import { CodespecCatalog } from "../../../engine/codespecs/CodespecCatalog.ts"
import { Codespecs } from "../../../engine/codespecs/Codespecs.ts"
import * as FileDocuments from "../../../engine/files/FileDocuments.ts"
import { Store } from "../../../engine/store/Store.ts"
import type * as CodespecDocument from "../../../model/CodespecDocument.ts"
import { tempDir } from "../../support/Run.ts"

const run = <A, E>(effect: Effect.Effect<A, E, Codespecs | CodespecCatalog | Store>): Promise<A> => {
  const dataDir = Path.join(tempDir("tyger-codespecs-"), "data")
  return Effect.runPromise(effect.pipe(Effect.provide(Codespecs.layer.pipe(Layer.provideMerge(Store.layer({ dataDir }))))))
}

/** A spec as a codespec file would give it. */
const spec = (document: unknown): CodespecDocument.Spec => {
  const decoded = FileDocuments.decodeCodespec(document)
  assert.deepEqual(decoded.problems, [])
  assert.ok(decoded.value !== undefined)
  return decoded.value
}

const job = (image: string, extra: Record<string, unknown> = {}) => spec({ kind: "job", image, ...extra })

describe("Codespecs.publish", () => {
  test("an identical spec keeps the latest version, anything else is latest + 1", () =>
    run(Effect.gen(function*() {
      const codespecs = yield* Codespecs
      const first = yield* codespecs.publish("alpha", job("a:1", { env: { A: "1", B: "2" }, buffers: { inputs: ["x", "y"] } }))
      assert.deepEqual([first.name, first.version], ["alpha", 1])
      // Env, endpoints and buffer lists compare regardless of order, quantities by value.
      const reordered = yield* codespecs.publish("alpha", job("a:1", { env: { B: "2", A: "1" }, buffers: { inputs: ["y", "x"] } }))
      assert.deepEqual(reordered, first)
      const changed = yield* codespecs.publish("alpha", job("a:2"))
      assert.equal(changed.version, 2)
      const reverted = yield* codespecs.publish("alpha", job("a:1", { env: { A: "1", B: "2" }, buffers: { inputs: ["x", "y"] } }))
      assert.equal(reverted.version, 3)
      const memory = yield* codespecs.publish("sized", job("s", { resources: { requests: { memory: "1Gi" } } }))
      const sameMemory = yield* codespecs.publish("sized", job("s", { resources: { requests: { memory: "1073741824" } } }))
      assert.deepEqual([memory.version, sameMemory.version], [1, 1])
    })))

  test("system fields are ignored: not stored, not part of the identity", () =>
    run(Effect.gen(function*() {
      const codespecs = yield* Codespecs
      const system = { name: "ignored", version: 7, createdAt: "2000-01-01T00:00:00Z" }
      const published = yield* codespecs.publish("plain", job("x", { ...system, env: { A: "1" } }))
      assert.deepEqual([published.name, published.version], ["plain", 1])
      assert.deepEqual(published.spec, job("x", { env: { A: "1" } }))
      const read = yield* codespecs.get("plain")
      assert.deepEqual(read.spec, job("x", { env: { A: "1" } }))
      // A spec read back (or given with other system fields) publishes as the same version.
      assert.equal((yield* codespecs.publish("plain", read.spec)).version, 1)
      assert.equal((yield* codespecs.publish("plain", { ...read.spec, name: "other", version: 3 })).version, 1)
    })))

  test("specs come back typed, as Tyger's JSON normalises them", () =>
    run(Effect.gen(function*() {
      const codespecs = yield* Codespecs
      const published = yield* codespecs.publish("typed", spec({
        image: "busybox",
        resources: { requests: { cpu: "500m", memory: "1Gi" }, gpu: "1" },
        env: { Z: "z", A: "a" },
        maxReplicas: 2
      }))
      const { spec: stored } = yield* codespecs.get("typed", published.version)
      assert.equal(stored.kind, "job")
      assert.equal(stored.resources?.requests?.cpu?.toString(), "500m")
      assert.equal(stored.resources?.requests?.memory?.toString(), "1Gi")
      assert.equal(stored.resources?.gpu?.toNumber(), 1)
      assert.deepEqual(Object.keys(stored.env ?? {}), ["A", "Z"])
      assert.equal(stored.maxReplicas, 2)
      assert.deepEqual(stored, published.spec)
    })))
})

describe("Codespecs.get and list", () => {
  test("latest or a given version; Tyger's messages for a missing name or version", () =>
    run(Effect.gen(function*() {
      const codespecs = yield* Codespecs
      yield* codespecs.publish("reader", job("r:1"))
      yield* codespecs.publish("reader", job("r:2"))
      const latest = yield* codespecs.get("reader")
      assert.deepEqual([latest.name, latest.version, latest.spec], ["reader", 2, job("r:2")])
      const v1 = yield* codespecs.get("reader", 1)
      assert.deepEqual([v1.version, v1.spec], [1, job("r:1")])

      const missingName = yield* Effect.flip(codespecs.get("nope"))
      assert.equal(missingName._tag, "CodespecNotFound")
      assert.equal(missingName.message, "The codespec 'nope' was not found")
      const missingNameVersion = yield* Effect.flip(codespecs.get("nope", 1))
      assert.equal(missingNameVersion._tag, "CodespecNotFound")
      assert.equal(missingNameVersion.message, "The codespec 'nope' was not found")
      const missingVersion = yield* Effect.flip(codespecs.get("reader", 3))
      assert.equal(missingVersion._tag, "CodespecNotFound")
      assert.equal(missingVersion.message, "The version '3' of codespec 'reader' was not found. The latest version is '2'.")
    })))

  test("list: the latest version of each name, by name, with prefix, limit and continuation", () =>
    run(Effect.gen(function*() {
      const codespecs = yield* Codespecs
      for (const name of ["b", "a", "ab", "c"]) yield* codespecs.publish(name, job(name))
      yield* codespecs.publish("ab", job("ab:2"))
      const all = yield* codespecs.list({ limit: 100 })
      assert.deepEqual(all.map((c) => [c.name, c.version]), [["a", 1], ["ab", 2], ["b", 1], ["c", 1]])
      assert.deepEqual(all[1]?.spec, job("ab:2"))
      assert.deepEqual((yield* codespecs.list({ prefix: "a", limit: 100 })).map((c) => c.name), ["a", "ab"])
      assert.deepEqual((yield* codespecs.list({ limit: 2, after: "ab" })).map((c) => c.name), ["b", "c"])
    })))
})

describe("the CodespecCatalog of Codespecs.layer", () => {
  test("resolves what was published, fails as get does for a missing one", () =>
    run(Effect.gen(function*() {
      const codespecs = yield* Codespecs
      const catalog = yield* CodespecCatalog
      const published = yield* codespecs.publish("named", job("n"))
      assert.deepEqual(yield* catalog.resolve("named", undefined), published)
      assert.deepEqual(yield* catalog.resolve("named", 1), published)
      const missing = yield* Effect.exit(catalog.resolve("named", 2))
      assert.ok(Exit.isFailure(missing))
      const error = yield* Effect.flip(catalog.resolve("named", 2))
      assert.equal(error.message, "The version '2' of codespec 'named' was not found. The latest version is '1'.")
    })))
})

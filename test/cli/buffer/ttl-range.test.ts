// Issue 14, item 1: a TTL no stored time can hold is refused before anything is written, so one typo cannot leave a
// row that fails every later `buffer list`; and the store itself refuses such a time (its last line of defence).
import assert from "node:assert/strict"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { Effect } from "effect"
import { MAX_EXPIRES_AT } from "../../../engine/store/BufferRecord.ts"
import { Store } from "../../../engine/store/Store.ts"
import { tempDir } from "../../support/Run.ts"
import { tyger } from "../Harness.ts"

describe("a TTL past what can be stored", () => {
  test("`buffer create --ttl 99999999999.00:00` exits 1, creates nothing, and `buffer list` still works", async () => {
    const dataDir = Path.join(tempDir("tyger-ttl-"), "data")
    const created = await tyger({ dataDir }, "buffer", "create", "--ttl", "99999999999.00:00")
    assert.deepEqual(created, {
      code: 1,
      stdout: "",
      stderr: "Error: InvalidInput: The TTL is too long: the buffer would expire after the year 9999.\n"
    })
    const id = (await tyger({ dataDir }, "buffer", "create")).stdout.trim()
    const set = await tyger({ dataDir }, "buffer", "set", id, "--ttl", "99999999999.00:00")
    assert.equal(set.code, 1)
    const list = await tyger({ dataDir }, "buffer", "list")
    assert.equal(list.code, 0, list.stderr)
    assert.equal((JSON.parse(list.stdout) as ReadonlyArray<unknown>).length, 1)
  })

  test("the store refuses an expiry past the year 9999 and writes no row", async () => {
    const dataDir = tempDir("tyger-ttl-store-")
    const { error, rows } = await Effect.runPromise(Effect.gen(function*() {
      const store = yield* Store
      const error = yield* Effect.flip(store.createBuffer({ id: "a".repeat(26), location: "local", tags: {}, expiresAt: MAX_EXPIRES_AT + 1 }))
      const rows = yield* store.listBuffers({ limit: 10, softDeleted: false })
      return { error, rows }
    }).pipe(Effect.provide(Store.layer({ dataDir }))))
    assert.equal(error.reason, "InvalidInput")
    assert.deepEqual(rows, [])
  })
})

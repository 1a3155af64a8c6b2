import assert from "node:assert/strict"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as DataDir from "../../../engine/store/DataDir.ts"
import * as Migrations from "../../../engine/store/internal/Migrations.ts"
import * as Sqlite from "../../../engine/store/internal/Sqlite.ts"
import { Store } from "../../../engine/store/Store.ts"
import type { StoreError } from "../../../engine/store/StoreError.ts"
import { race, type RaceResult } from "../../support/Children.ts"

// Deno's type checker, driven by this tsconfig, does not see @types/node's ImportMeta; every runtime sets `url`.
const here = (import.meta as { readonly url: string }).url
const workerPath = fileURLToPath(new URL("./fixtures/store-worker.ts", here))

const withDataDir = async <A>(body: (dataDir: string) => Promise<A>): Promise<A> => {
  const root = await Fs.mkdtemp(Path.join(Os.tmpdir(), "tyger-store-"))
  try {
    return await body(Path.join(root, "data"))
  } finally {
    await Fs.rm(root, { recursive: true, force: true })
  }
}

const runStore = <A, E>(dataDir: string, effect: Effect.Effect<A, E, Store>): Promise<A> =>
  Effect.runPromise(effect.pipe(Effect.provide(Store.layer({ dataDir }))))

/** Runs `body` with the Store of a fresh data directory. */
const onFreshStore = <A, E>(body: (store: Store["Service"]) => Effect.Effect<A, E, Store>): Promise<A> =>
  withDataDir((dataDir) => runStore(dataDir, Store.use(body)))

const openFailure = (dataDir: string): Promise<StoreError> =>
  Effect.runPromise(Effect.flip(Effect.provide(Effect.void, Store.layer({ dataDir }))))

const rawPragma = async (dataDir: string, pragma: string): Promise<unknown> => {
  const connection = await Sqlite.open(DataDir.databasePath(dataDir), { busyTimeoutMillis: 1000 })
  try {
    return connection.prepare(`PRAGMA ${pragma}`).get()?.[pragma]
  } finally {
    connection.close()
  }
}

const job = (image: string, extra: Record<string, unknown> = {}) => ({ kind: "job", image, ...extra })

/** `getCodespec` of a version that must exist. */
const getExisting = (store: Store["Service"], name: string, version?: number) =>
  Effect.map(store.getCodespec(name, version), (found) => {
    assert.ok(found !== undefined, `codespec '${name}' version ${version ?? "latest"} is missing`)
    return found
  })

describe("resolveDataDir", () => {
  test("prefers TYGER_TS_DATA_DIR, then XDG_DATA_HOME, then HOME", () => {
    const all = { TYGER_TS_DATA_DIR: "/srv/tyger", XDG_DATA_HOME: "/xdg", HOME: "/home/u" }
    assert.equal(DataDir.resolveDataDir(all), "/srv/tyger")
    assert.equal(DataDir.resolveDataDir({ ...all, TYGER_TS_DATA_DIR: "" }), "/xdg/tyger-ts")
    assert.equal(DataDir.resolveDataDir({ HOME: "/home/u" }), "/home/u/.local/share/tyger-ts")
    const relativeXdg = { XDG_DATA_HOME: "relative", HOME: "/home/u" }
    assert.equal(DataDir.resolveDataDir(relativeXdg), "/home/u/.local/share/tyger-ts")
    assert.equal(DataDir.resolveDataDir({}), undefined)
    assert.equal(DataDir.databasePath("/srv/tyger"), Path.join("/srv/tyger", "tyger.db"))
  })
})

describe("Store codespec versions", () => {
  test("same key keeps the version, a new key adds one, reverting adds another", () =>
    onFreshStore((store) =>
      Effect.gen(function*() {
        const first = yield* store.putCodespec("alpha", job("a:1"), "k1")
        assert.equal(first.created, true)
        assert.equal(first.codespec.version, 1)
        assert.deepEqual(first.codespec.spec, job("a:1"))

        const again = yield* store.putCodespec("alpha", job("a:1"), "k1")
        assert.equal(again.created, false)
        assert.deepEqual(again.codespec, first.codespec)

        const second = yield* store.putCodespec("alpha", job("a:2"), "k2")
        assert.deepEqual([second.created, second.codespec.version], [true, 2])
        const reverted = yield* store.putCodespec("alpha", job("a:1"), "k1")
        assert.deepEqual([reverted.created, reverted.codespec.version], [true, 3])

        const other = yield* store.putCodespec("beta", job("a:1"), "k1")
        assert.deepEqual([other.created, other.codespec.version], [true, 1])
        assert.equal(yield* store.latestCodespecVersion("alpha"), 3)
        assert.equal(yield* store.latestCodespecVersion("beta"), 1)
        assert.equal(yield* store.latestCodespecVersion("gamma"), undefined)
      })
    ))

  test("createdAt comes from the Clock, is trimmed like RFC3339Nano and stays stable for an unchanged spec", () =>
    withDataDir((dataDir) =>
      runStore(
        dataDir,
        Effect.gen(function*() {
          const store = yield* Store
          yield* TestClock.setTime(Date.UTC(2025, 2, 14, 6, 43, 18, 958))
          const first = yield* store.putCodespec("clocked", job("x"), "k1")
          assert.equal(first.codespec.createdAt, "2025-03-14T06:43:18.958Z")

          yield* TestClock.adjust("1 hour")
          const same = yield* store.putCodespec("clocked", job("x"), "k1")
          assert.equal(same.codespec.createdAt, "2025-03-14T06:43:18.958Z")

          yield* TestClock.setTime(Date.UTC(2025, 2, 14, 7, 0, 0, 950))
          const trimmed = yield* store.putCodespec("clocked", job("y"), "k2")
          assert.equal(trimmed.codespec.createdAt, "2025-03-14T07:00:00.95Z")

          yield* TestClock.setTime(Date.UTC(2025, 2, 14, 7, 0, 1, 0))
          const whole = yield* store.putCodespec("clocked", job("z"), "k3")
          assert.equal(whole.codespec.createdAt, "2025-03-14T07:00:01Z")
          assert.equal((yield* getExisting(store, "clocked", 1)).createdAt, "2025-03-14T06:43:18.958Z")
        }).pipe(Effect.provide(TestClock.layer()))
      )
    ))
})

describe("Store codespec reads", () => {
  // Tyger's not-found messages are the Codespecs service's (test/engine/codespecs/Codespecs.test.ts).
  test("get latest, get a version, nothing for a missing name or version", () =>
    onFreshStore((store) =>
      Effect.gen(function*() {
        yield* store.putCodespec("reader", job("r:1"), "k1")
        yield* store.putCodespec("reader", job("r:2"), "k2")
        const latest = yield* getExisting(store, "reader")
        assert.deepEqual([latest.name, latest.version, latest.spec], ["reader", 2, job("r:2")])
        const v1 = yield* getExisting(store, "reader", 1)
        assert.deepEqual([v1.version, v1.spec], [1, job("r:1")])
        assert.equal(yield* store.getCodespec("nope"), undefined)
        assert.equal(yield* store.getCodespec("nope", 1), undefined)
        assert.equal(yield* store.getCodespec("reader", 3), undefined)
      })
    ))

  test("list: latest of each name, byte-order sorted, literal case-sensitive prefix, limit and continuation", () =>
    onFreshStore((store) =>
      Effect.gen(function*() {
        for (const name of ["axb", "a_b", "b", "a%c", "A_b", "a.b", "a-b", "ab"]) {
          yield* store.putCodespec(name, job(name), "k1")
        }
        yield* store.putCodespec("a_b", job("a_b:2"), "k2")

        const names = (list: ReadonlyArray<{ readonly name: string }>) => list.map((codespec) => codespec.name)
        const all = yield* store.listCodespecs({ limit: 100 })
        assert.deepEqual(names(all), ["A_b", "a%c", "a-b", "a.b", "a_b", "ab", "axb", "b"])
        const aUnderscoreB = all.find((codespec) => codespec.name === "a_b")
        assert.deepEqual([aUnderscoreB?.version, aUnderscoreB?.spec], [2, job("a_b:2")])

        assert.deepEqual(names(yield* store.listCodespecs({ prefix: "a_", limit: 100 })), ["a_b"])
        assert.deepEqual(names(yield* store.listCodespecs({ prefix: "a%", limit: 100 })), ["a%c"])
        assert.deepEqual(names(yield* store.listCodespecs({ prefix: "A", limit: 100 })), ["A_b"])
        assert.deepEqual(names(yield* store.listCodespecs({ prefix: "zz", limit: 100 })), [])
        assert.deepEqual(names(yield* store.listCodespecs({ prefix: "", limit: 100 })), names(all))
        assert.deepEqual(names(yield* store.listCodespecs({ limit: 3 })), ["A_b", "a%c", "a-b"])
        assert.deepEqual(yield* store.listCodespecs({ limit: 0 }), [])

        const paged: Array<string> = []
        let after: string | undefined
        for (;;) {
          const page = yield* store.listCodespecs(after === undefined ? { limit: 3 } : { limit: 3, after })
          paged.push(...names(page))
          if (page.length < 3) break
          after = page[page.length - 1]?.name
        }
        assert.deepEqual(paged, names(all))
        assert.deepEqual(names(yield* store.listCodespecs({ prefix: "a", after: "a.b", limit: 2 })), ["a_b", "ab"])
      })
    ))
})

describe("Store codespec rows", () => {
  test("the spec is stored as Tyger's JSON; a row whose spec is not a codespec reads as Corrupt", () =>
    withDataDir(async (dataDir) => {
      await runStore(dataDir, Store.use((store) => store.putCodespec("stored", job("s", { env: { B: "2", A: "1" } }), "k")))
      const connection = await Sqlite.open(DataDir.databasePath(dataDir), { busyTimeoutMillis: 1000 })
      try {
        assert.equal(
          connection.prepare("SELECT spec FROM codespecs WHERE name = ?").get("stored")?.["spec"],
          JSON.stringify({ kind: "job", image: "s", env: { A: "1", B: "2" } })
        )
        const insert = connection.prepare(
          "INSERT INTO codespecs (name, version, created_at, canonical_key, spec) VALUES (?, 1, '2025-01-01T00:00:00Z', 'k', ?)"
        )
        insert.run("unknown-field", JSON.stringify({ kind: "job", image: "x", surprise: true }))
        insert.run("wrong-type", JSON.stringify({ kind: "job", image: 3 }))
      } finally {
        connection.close()
      }
      for (const name of ["unknown-field", "wrong-type"]) {
        const error = await runStore(dataDir, Effect.flip(Store.use((store) => store.getCodespec(name))))
        assert.equal(error.reason, "Corrupt")
        assert.match(error.message, new RegExp(`^Failed reading codespec '${name}' in .*: unreadable codespec row`))
      }
    }))
})

describe("Store database file", () => {
  test("creates the data directory 0700, uses WAL, migrations are idempotent across re-opens", () =>
    withDataDir(async (dataDir) => {
      await runStore(dataDir, Store.use((store) => store.putCodespec("persisted", job("p"), "k")))
      const mode = (await Fs.stat(dataDir)).mode & 0o777
      assert.equal(mode, 0o700)
      assert.equal(await rawPragma(dataDir, "user_version"), Migrations.latestVersion)
      assert.equal(await rawPragma(dataDir, "journal_mode"), "wal")

      const reopened = await runStore(dataDir, Store.use((store) => getExisting(store, "persisted")))
      assert.equal(reopened.version, 1)
      await runStore(dataDir, Effect.void)
      assert.equal(await rawPragma(dataDir, "user_version"), Migrations.latestVersion)
      assert.equal(Migrations.latestVersion, Migrations.migrations.length)
    }))

  test("a database from a newer tyger-ts is refused as Incompatible", () =>
    withDataDir(async (dataDir) => {
      await runStore(dataDir, Effect.void)
      await rawPragma(dataDir, `user_version = ${Migrations.latestVersion + 1}`)
      const error = await openFailure(dataDir)
      assert.equal(error.reason, "Incompatible")
    }))

  test("a file that is not a database is reported as Corrupt", () =>
    withDataDir(async (dataDir) => {
      await Fs.mkdir(dataDir, { recursive: true })
      await Fs.writeFile(DataDir.databasePath(dataDir), "not a sqlite database, ".repeat(100))
      const error = await openFailure(dataDir)
      assert.equal(error.reason, "Corrupt")
    }))
})

const runWorkers = (count: number, dataDir: string, mode: string): Promise<ReadonlyArray<RaceResult>> =>
  race(workerPath, Array.from({ length: count }, (_, index) => [dataDir, mode, String(index)]))

const parseResults = <A>(results: ReadonlyArray<RaceResult>): ReadonlyArray<A> =>
  results.map((result, index) => {
    assert.equal(result.code, 0, `worker ${index} failed:\n${result.stderr}`)
    assert.doesNotMatch(result.stderr, /SQLITE_BUSY|database is locked/)
    return JSON.parse(result.stdout) as A
  })

const workers = 8

describe("Store shared by several processes", () => {
  const slow = { timeout: 120_000 }

  test(`${workers} processes putting the same codespec on a fresh database agree on version 1`, slow, () =>
    withDataDir(async (dataDir) => {
      const results = parseResults<{ versions: Array<number>; distinct: number }>(
        await runWorkers(workers, dataDir, "shared")
      )
      for (const result of results) {
        assert.deepEqual(result.versions, Array.from({ length: 20 }, () => 1))
        assert.equal(result.distinct, 1)
      }
      await runStore(
        dataDir,
        Effect.gen(function*() {
          const store = yield* Store
          assert.equal(yield* store.latestCodespecVersion("shared"), 1)
          for (let index = 0; index < workers; index++) {
            const distinct = yield* getExisting(store, `distinct-${index}`)
            assert.deepEqual([distinct.version, distinct.spec], [1, job(String(index))])
          }
          assert.equal((yield* store.listCodespecs({ limit: 100 })).length, workers + 1)
        })
      )
    }))

  test(`${workers} processes putting different specs under one name get versions 1..${workers}`, slow, () =>
    withDataDir(async (dataDir) => {
      type Contender = { version: number; created: boolean }
      const results = parseResults<Contender>(await runWorkers(workers, dataDir, "contend"))
      assert.ok(results.every((result) => result.created))
      assert.deepEqual(
        results.map((result) => result.version).sort((a, b) => a - b),
        Array.from({ length: workers }, (_, index) => index + 1)
      )
      await runStore(
        dataDir,
        Effect.gen(function*() {
          const store = yield* Store
          assert.equal(yield* store.latestCodespecVersion("contended"), workers)
          const images = new Set<unknown>()
          for (let version = 1; version <= workers; version++) {
            const spec = (yield* getExisting(store, "contended", version)).spec
            images.add((spec as { image?: unknown }).image)
          }
          assert.equal(images.size, workers)
        })
      )
    }))
})

import { Context, DateTime, Effect, Layer, Schedule, Schema } from "effect"
import * as DataDir from "./DataDir.ts"
import * as Migrations from "./internal/Migrations.ts"
import * as Sqlite from "./internal/Sqlite.ts"
import { type BufferMethods, makeBufferMethods } from "./internal/BufferRows.ts"
import { makeRunMethods, type RunMethods } from "./internal/RunRows.ts"
import { DEFAULT_SOFT_DELETED_LIFETIME_MS } from "./BufferRecord.ts"
import { fromDriver, StoreError } from "./StoreError.ts"

export interface StoredCodespec {
  readonly name: string
  readonly version: number
  /** RFC 3339 UTC, millisecond precision, trailing fractional zeros trimmed as Go's RFC3339Nano does. */
  readonly createdAt: string
  /** The codespec document as given, without the system fields `name`, `version` and `createdAt`. */
  readonly spec: unknown
}

export interface PutCodespecResult {
  readonly codespec: StoredCodespec
  readonly created: boolean
}

export interface ListCodespecsOptions {
  /** Case-sensitive literal prefix: `_` and `%` have no special meaning. */
  readonly prefix?: string
  readonly limit: number
  /** Continuation: only names strictly greater (byte order) than this one. */
  readonly after?: string
}

export interface StoreOptions {
  readonly dataDir: string
  readonly busyTimeoutMillis?: number
  /** How long a soft-deleted buffer stays restorable (Tyger's `buffers.softDeletedLifetime`). @default one day */
  readonly softDeletedLifetimeMs?: number
}

export const defaultBusyTimeoutMillis = 10_000

export class Store extends Context.Service<Store, {
  /**
   * Tyger's PUT semantics: if `canonicalKey` equals the latest version's key, that version is returned unchanged;
   * otherwise version max+1 (first 1) is inserted. Compare-and-insert is one IMMEDIATE transaction, so concurrent
   * processes never duplicate or skip a version.
   */
  readonly putCodespec: (
    name: string,
    spec: unknown,
    canonicalKey: string
  ) => Effect.Effect<PutCodespecResult, StoreError>
  /** The latest version when `version` is omitted; fails with reason "NotFound". */
  readonly getCodespec: (name: string, version?: number) => Effect.Effect<StoredCodespec, StoreError>
  readonly latestCodespecVersion: (name: string) => Effect.Effect<number | undefined, StoreError>
  /** The latest version of each codespec, sorted by name. */
  readonly listCodespecs: (options: ListCodespecsOptions) => Effect.Effect<ReadonlyArray<StoredCodespec>, StoreError>
} & BufferMethods & RunMethods>()("tyger-ts/engine/Store") {
  /** Opens `<dataDir>/tyger.db` (creating and migrating it as needed) for the lifetime of the layer. */
  static readonly layer = (options: StoreOptions): Layer.Layer<Store, StoreError> => Layer.effect(Store, make(options))
}

const CodespecRow = Schema.Struct({
  name: Schema.String,
  version: Schema.Int,
  created_at: Schema.String,
  spec: Schema.fromJsonString(Schema.Unknown)
})

const decodeCodespecRow = Schema.decodeUnknownEffect(CodespecRow)

const systemFields: ReadonlySet<string> = new Set(["name", "version", "createdAt"])

// Stored specs never carry system fields, so a spec echoed back from `getCodespec` can be put again unchanged.
const withoutSystemFields = (spec: unknown): unknown =>
  typeof spec === "object" && spec !== null && !Array.isArray(spec)
    ? Object.fromEntries(Object.entries(spec).filter(([key]) => !systemFields.has(key)))
    : spec

export const formatTimestamp = (iso: string): string =>
  iso.replace(/\.(\d*?)0*Z$/, (_match, digits: string) => (digits === "" ? "Z" : `.${digits}Z`))

const selectColumns = "SELECT name, version, created_at, spec FROM codespecs"

const make = Effect.fnUntraced(function*(options: StoreOptions) {
  const file = DataDir.databasePath(options.dataDir)
  const busyTimeoutMillis = options.busyTimeoutMillis ?? defaultBusyTimeoutMillis

  const connection = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => Sqlite.open(file, { busyTimeoutMillis }),
      catch: fromDriver("opening the database", file)
    }).pipe(
      // Switching a fresh file to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY for it at once instead
      // of calling the busy handler, so processes that create the database together must retry here.
      Effect.retry({
        while: (error) => error.reason === "Busy",
        schedule: Schedule.spaced("10 millis").pipe(Schedule.jittered, Schedule.upTo({ duration: busyTimeoutMillis }))
      })
    ),
    (connection) => Effect.sync(() => connection.close())
  )

  const migration = yield* Effect.try({
    try: () => Migrations.migrate(connection),
    catch: fromDriver("migrating the database schema", file)
  })
  if (migration._tag === "TooNew") {
    return yield* new StoreError({
      reason: "Incompatible",
      message: `The database ${file} has schema version ${migration.found}, but this tyger-ts knows only up to ` +
        `${migration.known}; upgrade tyger-ts or use another data directory.`
    })
  }

  const use = <A>(action: string, body: () => A): Effect.Effect<A, StoreError> =>
    Effect.try({ try: body, catch: fromDriver(action, file) })

  const toStored = (action: string) => (row: Sqlite.SqlRow): Effect.Effect<StoredCodespec, StoreError> =>
    decodeCodespecRow(row).pipe(
      Effect.map((decoded): StoredCodespec => ({
        name: decoded.name,
        version: decoded.version,
        createdAt: formatTimestamp(decoded.created_at),
        spec: decoded.spec
      })),
      Effect.mapError((issue) =>
        new StoreError({
          reason: "Corrupt",
          message: `Failed ${action} in ${file}: unreadable codespec row (${issue.message})`,
          cause: issue
        })
      )
    )

  const statements = yield* use("preparing statements", () => ({
    latest: connection.prepare(`${selectColumns} WHERE name = ? ORDER BY version DESC LIMIT 1`),
    latestWithKey: connection.prepare(
      "SELECT name, version, created_at, spec, canonical_key FROM codespecs" +
        " WHERE name = ? ORDER BY version DESC LIMIT 1"
    ),
    byVersion: connection.prepare(`${selectColumns} WHERE name = ? AND version = ?`),
    latestVersion: connection.prepare("SELECT max(version) AS version FROM codespecs WHERE name = ?"),
    insert: connection.prepare(
      "INSERT INTO codespecs (name, version, created_at, canonical_key, spec) VALUES (?, ?, ?, ?, ?)"
    ),
    // SQLite documents that bare columns in a max() aggregate come from the row holding the maximum.
    // substr() instead of LIKE/GLOB: the prefix is a literal, and BINARY comparison keeps it case-sensitive.
    list: connection.prepare(
      "SELECT name, max(version) AS version, created_at, spec FROM codespecs" +
        " WHERE (?1 IS NULL OR substr(name, 1, length(?1)) = ?1) AND (?2 IS NULL OR name > ?2)" +
        " GROUP BY name ORDER BY name LIMIT ?3"
    )
  }))

  const putCodespec = Effect.fn("Store.putCodespec")(function*(name: string, spec: unknown, canonicalKey: string) {
    const action = `saving codespec '${name}'`
    const specJson = JSON.stringify(withoutSystemFields(spec)) ?? "null"
    const createdAt = DateTime.formatIso(yield* DateTime.now)
    const outcome = yield* use(action, () =>
      connection.immediate(() => {
        const latest = statements.latestWithKey.get(name)
        if (latest !== undefined && latest["canonical_key"] === canonicalKey) {
          return { created: false, row: latest }
        }
        const version = latest === undefined ? 1 : Number(latest["version"]) + 1
        const row = { name, version, created_at: createdAt, spec: specJson }
        statements.insert.run(name, version, createdAt, canonicalKey, specJson)
        return { created: true, row }
      }))
    return { created: outcome.created, codespec: yield* toStored(action)(outcome.row) } satisfies PutCodespecResult
  })

  const latestCodespecVersion = Effect.fn("Store.latestCodespecVersion")(function*(name: string) {
    const row = yield* use(`reading codespec '${name}'`, () => statements.latestVersion.get(name))
    const version = row?.["version"]
    return version === null || version === undefined ? undefined : Number(version)
  })

  const getCodespec = Effect.fn("Store.getCodespec")(function*(name: string, version?: number) {
    const action = `reading codespec '${name}'`
    const row = yield* use(
      action,
      () => version === undefined ? statements.latest.get(name) : statements.byVersion.get(name, version)
    )
    if (row !== undefined) return yield* toStored(action)(row)
    if (version === undefined) {
      return yield* new StoreError({ reason: "NotFound", message: `The codespec '${name}' was not found` })
    }
    const latest = yield* latestCodespecVersion(name)
    return yield* new StoreError({
      reason: "NotFound",
      message: latest === undefined
        ? `The codespec '${name}' was not found`
        : `The version '${version}' of codespec '${name}' was not found. The latest version is '${latest}'.`
    })
  })

  const listCodespecs = Effect.fn("Store.listCodespecs")(function*(options: ListCodespecsOptions) {
    // SQLite reads a negative LIMIT as "no limit", so only Infinity may become one.
    const limit = Number.isFinite(options.limit) ? Math.max(0, Math.trunc(options.limit)) : options.limit > 0 ? -1 : 0
    if (limit === 0) return []
    const action = "listing codespecs"
    const rows = yield* use(action, () => statements.list.all(options.prefix ?? null, options.after ?? null, limit))
    return yield* Effect.forEach(rows, toStored(action))
  })

  const buffers = makeBufferMethods(connection, use, options.softDeletedLifetimeMs ?? DEFAULT_SOFT_DELETED_LIFETIME_MS)
  return Store.of({ putCodespec, getCodespec, latestCodespecVersion, listCodespecs, ...buffers, ...makeRunMethods(connection, use) })
})

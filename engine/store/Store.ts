import { Context, Effect, Layer, Schedule } from "effect"
import * as DataDir from "./DataDir.ts"
import * as Migrations from "./internal/Migrations.ts"
import * as Sqlite from "./internal/Sqlite.ts"
import { type BufferMethods, makeBufferMethods } from "./internal/BufferRows.ts"
import { type CodespecMethods, makeCodespecMethods } from "./internal/CodespecRows.ts"
import { makeRunMethods, type RunMethods } from "./internal/RunRows.ts"
import { makeWorkflowMethods, type WorkflowMethods } from "./internal/WorkflowRows.ts"
import { DEFAULT_SOFT_DELETED_LIFETIME_MS } from "./BufferRecord.ts"
import { fromDriver, StoreError } from "./StoreError.ts"

export interface StoreOptions {
  readonly dataDir: string
  readonly busyTimeoutMillis?: number
  /** How long a soft-deleted buffer stays restorable (Tyger's `buffers.softDeletedLifetime`). @default one day */
  readonly softDeletedLifetimeMs?: number
}

export const defaultBusyTimeoutMillis = 10_000

/** Where the store lives: files that belong with it (buffer access keys, ephemeral buffers' relays) go there too. */
interface Location {
  readonly dataDir: string
}

export class Store extends Context.Service<Store, Location & CodespecMethods & BufferMethods & RunMethods & WorkflowMethods>()("tyger-ts/engine/Store") {
  /** Opens `<dataDir>/tyger.db` (creating and migrating it as needed) for the lifetime of the layer. */
  static readonly layer = (options: StoreOptions): Layer.Layer<Store, StoreError> => Layer.effect(Store, make(options))
}

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

  const codespecs = yield* makeCodespecMethods(connection, use, file)
  const buffers = makeBufferMethods(connection, use, options.softDeletedLifetimeMs ?? DEFAULT_SOFT_DELETED_LIFETIME_MS)
  return Store.of({ dataDir: options.dataDir, ...codespecs, ...buffers, ...makeRunMethods(connection, use), ...makeWorkflowMethods(connection, use) })
})

import { DateTime, Effect } from "effect"
import { type BufferFilter, type BufferRecord, type BufferUpdate, eTagOf, type ListBuffersOptions, MAX_EXPIRES_AT } from "../BufferRecord.ts"
import { notFound as storeNotFound, StoreError } from "../StoreError.ts"
import type { SqlConnection, SqlRow, SqlValue } from "./Sqlite.ts"

/**
 * Buffer metadata in SQL. A buffer's state is derived from the clock, not only from its row: an active buffer past
 * `expires_at` is soft-deleted (until `expires_at` + the soft-deleted lifetime) and a soft-deleted one past its
 * `expires_at` is gone, so expiry holds before any sweep ran. The sweep only makes those transitions permanent.
 */
const ACTIVE = 0
const SOFT_DELETED = 1
const GONE = 2

// ?1 = now (ms), ?2 = soft-deleted lifetime (ms)
const EFFECTIVE = `
  SELECT id, created_at, location, tags,
    CASE
      WHEN soft_deleted = 0 AND (expires_at IS NULL OR expires_at > ?1) THEN ${ACTIVE}
      WHEN (soft_deleted = 0 AND expires_at + ?2 > ?1) OR (soft_deleted = 1 AND expires_at > ?1) THEN ${SOFT_DELETED}
      ELSE ${GONE}
    END AS state,
    CASE WHEN soft_deleted = 0 AND expires_at <= ?1 THEN expires_at + ?2 ELSE expires_at END AS effective_expires_at
  FROM buffers`

const toRecord = (row: SqlRow): BufferRecord => {
  const tags = JSON.parse(String(row["tags"])) as Record<string, string>
  const softDeleted = Number(row["state"]) === SOFT_DELETED
  const raw = row["effective_expires_at"]
  const expiresAt = raw === null || raw === undefined ? undefined : Number(raw)
  const id = String(row["id"])
  return {
    id,
    createdAt: Number(row["created_at"]),
    location: String(row["location"]),
    tags,
    expiresAt,
    softDeleted,
    eTag: eTagOf(id, softDeleted, expiresAt, tags)
  }
}

const filterSql = (filter: BufferFilter, params: Array<SqlValue>): string => {
  let sql = ` WHERE state = ${filter.softDeleted ? SOFT_DELETED : ACTIVE}`
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    sql += " AND EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.key = ? AND json_each.value = ?)"
    params.push(key, value)
  }
  for (const [key, value] of Object.entries(filter.excludeTags ?? {})) {
    sql += " AND NOT EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.key = ? AND json_each.value = ?)"
    params.push(key, value)
  }
  return sql
}

const timeProblem = (at: number): StoreError | undefined =>
  Number.isSafeInteger(at) && at >= 0 && at <= MAX_EXPIRES_AT
    ? undefined
    : new StoreError({ reason: "InvalidInput", message: "the expiry time must be between 1970 and the end of the year 9999" })

export const makeBufferMethods = (
  connection: SqlConnection,
  use: <A>(action: string, body: () => A) => Effect.Effect<A, StoreError>,
  softDeletedLifetimeMs: number
) => {
  const now = Effect.map(DateTime.now, DateTime.toEpochMillis)
  const byId = connection.prepare(`SELECT * FROM (${EFFECTIVE}) WHERE id = ?3`)
  const notFound = (id: string, softDeleted = false) => storeNotFound(`${softDeleted ? "soft-deleted " : ""}buffer '${id}'`)
  const precondition = (message: string) => new StoreError({ reason: "PreconditionFailed", message })

  const current = (id: string, at: number): BufferRecord | undefined => {
    const row = byId.get(at, softDeletedLifetimeMs, id)
    return row === undefined || Number(row["state"]) === GONE ? undefined : toRecord(row)
  }

  const checkTime = (at: number) => {
    const problem = timeProblem(at)
    return problem === undefined ? Effect.void : Effect.fail(problem)
  }

  /** Runs `change` on the buffer inside one write transaction; it returns the new row values or an error. */
  const mutate = (
    action: string,
    id: string,
    change: (record: BufferRecord, at: number) => { softDeleted: boolean; expiresAt: number | undefined; tags: BufferRecord["tags"] } | StoreError
  ) =>
    Effect.gen(function*() {
      const at = yield* now
      const outcome = yield* use(action, () =>
        connection.immediate(() => {
          const record = current(id, at)
          if (record === undefined) return notFound(id)
          const next = change(record, at)
          if (next instanceof StoreError) return next
          if (next.expiresAt !== undefined && timeProblem(next.expiresAt) !== undefined) return timeProblem(next.expiresAt)!
          connection.prepare("UPDATE buffers SET soft_deleted = ?, expires_at = ?, tags = ? WHERE id = ?")
            .run(next.softDeleted ? 1 : 0, next.expiresAt ?? null, JSON.stringify(next.tags), id)
          return current(id, at) ?? notFound(id)
        }))
      return outcome instanceof StoreError ? yield* outcome : outcome
    })

  const createBuffer = Effect.fn("Store.createBuffer")(function*(buffer: {
    readonly id: string
    readonly location: string
    readonly tags: { readonly [key: string]: string }
    readonly expiresAt?: number
  }) {
    const at = yield* now
    if (buffer.expiresAt !== undefined) yield* checkTime(buffer.expiresAt)
    // Read back inside the transaction: a row no read could decode is rolled back, never left to fail every `list`.
    const created = yield* use(`creating buffer '${buffer.id}'`, () =>
      connection.immediate(() => {
        connection.prepare("INSERT INTO buffers (id, created_at, location, tags, expires_at) VALUES (?, ?, ?, ?, ?)")
          .run(buffer.id, at, buffer.location, JSON.stringify(buffer.tags), buffer.expiresAt ?? null)
        return current(buffer.id, at)
      }))
    return created ?? (yield* notFound(buffer.id))
  })

  /** The buffer in the requested state (Tyger: soft-deleted buffers are visible only with `--soft-deleted`). */
  const getBuffer = Effect.fn("Store.getBuffer")(function*(id: string, options: { readonly softDeleted: boolean }) {
    const at = yield* now
    const record = yield* use(`reading buffer '${id}'`, () => current(id, at))
    if (record === undefined || record.softDeleted !== options.softDeleted) return yield* notFound(id, options.softDeleted)
    return record
  })

  const listBuffers = Effect.fn("Store.listBuffers")(function*(options: ListBuffersOptions) {
    const at = yield* now
    const params: Array<SqlValue> = [at, softDeletedLifetimeMs]
    let sql = `SELECT * FROM (${EFFECTIVE})${filterSql(options, params)}`
    if (options.after !== undefined) {
      sql += " AND (created_at < ? OR (created_at = ? AND id < ?))"
      params.push(options.after.createdAt, options.after.createdAt, options.after.id)
    }
    sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
    params.push(Math.max(0, Math.trunc(options.limit)))
    const rows = yield* use("listing buffers", () => connection.prepare(sql).all(...params))
    return rows.map(toRecord)
  })

  const countBuffers = Effect.fn("Store.countBuffers")(function*(filter: BufferFilter) {
    const at = yield* now
    const params: Array<SqlValue> = [at, softDeletedLifetimeMs]
    const sql = `SELECT count(*) AS n FROM (${EFFECTIVE})${filterSql(filter, params)}`
    const row = yield* use("counting buffers", () => connection.prepare(sql).get(...params))
    return Number(row?.["n"] ?? 0)
  })

  const updateBuffer = Effect.fn("Store.updateBuffer")(function*(id: string, softDeleted: boolean, update: BufferUpdate) {
    return yield* mutate(`updating buffer '${id}'`, id, (record) => {
      if (record.softDeleted !== softDeleted) return notFound(id, softDeleted)
      if (update.ifMatch !== undefined && update.ifMatch !== record.eTag) return precondition("ETag does not match")
      return {
        softDeleted: record.softDeleted,
        expiresAt: update.expiresAt === undefined ? record.expiresAt : update.expiresAt ?? undefined,
        tags: update.tags ?? record.tags
      }
    })
  })

  const softDeleteBuffer = Effect.fn("Store.softDeleteBuffer")(function*(id: string) {
    return yield* mutate(`deleting buffer '${id}'`, id, (record, at) =>
      record.softDeleted
        ? precondition("Buffer is already soft-deleted")
        : { softDeleted: true, expiresAt: at + softDeletedLifetimeMs, tags: record.tags })
  })

  const restoreBuffer = Effect.fn("Store.restoreBuffer")(function*(id: string) {
    return yield* mutate(`restoring buffer '${id}'`, id, (record) =>
      record.softDeleted
        ? { softDeleted: false, expiresAt: undefined, tags: record.tags }
        : precondition("Buffer is not soft-deleted"))
  })

  /** Tyger's purge: the soft-deleted buffer expires now; its data goes with the next sweep. */
  const purgeBuffer = Effect.fn("Store.purgeBuffer")(function*(id: string) {
    const at = yield* now
    const before = yield* use(`purging buffer '${id}'`, () => current(id, at))
    if (before === undefined) return yield* notFound(id)
    if (!before.softDeleted) return yield* precondition("Buffer is not soft-deleted")
    yield* use(`purging buffer '${id}'`, () =>
      connection.prepare("UPDATE buffers SET soft_deleted = 1, expires_at = ? WHERE id = ?").run(at, id))
    return { ...before, expiresAt: at, eTag: eTagOf(id, true, at, before.tags) }
  })

  /** Bulk delete, restore or purge over a filter; returns how many buffers changed. */
  const bulkBuffers = Effect.fn("Store.bulkBuffers")(function*(
    operation: "delete" | "restore" | "purge",
    filter: Omit<BufferFilter, "softDeleted">
  ) {
    const at = yield* now
    const params: Array<SqlValue> = [at, softDeletedLifetimeMs]
    const selection = `SELECT id FROM (${EFFECTIVE})${filterSql({ ...filter, softDeleted: operation !== "delete" }, params)}`
    const set = operation === "delete"
      ? "soft_deleted = 1, expires_at = ?"
      : operation === "restore" ? "soft_deleted = 0, expires_at = NULL" : "soft_deleted = 1, expires_at = ?"
    const setParams: Array<SqlValue> = operation === "delete" ? [at + softDeletedLifetimeMs] : operation === "purge" ? [at] : []
    return yield* use(`${operation} buffers`, () =>
      connection.immediate(() => {
        const ids = connection.prepare(selection).all(...params).map((r) => r["id"] as SqlValue)
        const update = connection.prepare(`UPDATE buffers SET ${set} WHERE id = ?`)
        for (const id of ids) update.run(...setParams, id)
        return ids.length
      }))
  })

  /**
   * One bounded step of the background work Tyger's server does every 30 s: makes expiries permanent and returns
   * up to `limit` buffers whose data can go. Call {@link forgetBuffers} once their data is deleted.
   */
  const sweepBuffers = Effect.fn("Store.sweepBuffers")(function*(limit: number) {
    const at = yield* now
    return yield* use("sweeping buffers", () =>
      connection.immediate(() => {
        connection.prepare(
          "UPDATE buffers SET soft_deleted = 1, expires_at = expires_at + ?2" +
            " WHERE soft_deleted = 0 AND expires_at <= ?1 AND expires_at + ?2 > ?1"
        ).run(at, softDeletedLifetimeMs)
        return connection.prepare(`SELECT id FROM (${EFFECTIVE}) WHERE state = ${GONE} LIMIT ?3`)
          .all(at, softDeletedLifetimeMs, limit)
          .map((r) => String(r["id"]))
      }))
  })

  const forgetBuffers = Effect.fn("Store.forgetBuffers")(function*(ids: ReadonlyArray<string>) {
    yield* use("removing purged buffers", () =>
      connection.immediate(() => {
        const remove = connection.prepare("DELETE FROM buffers WHERE id = ?")
        for (const id of ids) remove.run(id)
      }))
  })

  return {
    createBuffer,
    getBuffer,
    listBuffers,
    countBuffers,
    updateBuffer,
    softDeleteBuffer,
    restoreBuffer,
    purgeBuffer,
    bulkBuffers,
    sweepBuffers,
    forgetBuffers
  }
}

export type BufferMethods = ReturnType<typeof makeBufferMethods>

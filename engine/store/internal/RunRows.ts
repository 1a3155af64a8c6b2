import { DateTime, Effect } from "effect"
import { eTagOf, isTerminal, type RunFilter, type RunRecord, type RunTransition, type Status } from "../RunRecord.ts"
import { notFound as storeNotFound, StoreError } from "../StoreError.ts"
import type { SqlConnection, SqlRow, SqlValue } from "./Sqlite.ts"

const optionalNumber = (value: SqlValue | undefined): number | undefined =>
  value === null || value === undefined ? undefined : Number(value)

const toRecord = (row: SqlRow): RunRecord => {
  const document = JSON.parse(String(row["document"])) as RunRecord["document"]
  const record: Omit<RunRecord, "eTag"> = {
    id: Number(row["id"]),
    createdAt: Number(row["created_at"]),
    status: String(row["status"]) as Status,
    statusReason: row["status_reason"] === null ? undefined : String(row["status_reason"]),
    runningCount: optionalNumber(row["running_count"]),
    startedAt: optionalNumber(row["started_at"]),
    finishedAt: optionalNumber(row["finished_at"]),
    tags: JSON.parse(String(row["tags"])),
    document,
    buffers: (document["job"] as { readonly buffers?: RunRecord["buffers"] } | undefined)?.buffers ?? {},
    plan: JSON.parse(String(row["plan"])),
    monitor: row["monitor_pid"] === null
      ? undefined
      : { pid: Number(row["monitor_pid"]), token: String(row["monitor_token"]), heartbeatAt: optionalNumber(row["heartbeat_at"]) },
    logsArchived: Number(row["logs_archived"]) === 1,
    final: Number(row["final"]) === 1
  }
  return { ...record, eTag: eTagOf(record) }
}

const filterSql = (filter: RunFilter, params: Array<SqlValue>): string => {
  const clauses: Array<string> = []
  if (filter.since !== undefined) {
    clauses.push("created_at > ?")
    params.push(filter.since)
  }
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    clauses.push("EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.key = ? AND json_each.value = ?)")
    params.push(key, value)
  }
  if (filter.statuses !== undefined && filter.statuses.length > 0) {
    clauses.push(`status IN (${filter.statuses.map(() => "?").join(", ")})`)
    params.push(...filter.statuses)
  }
  return clauses.length === 0 ? "" : ` WHERE ${clauses.join(" AND ")}`
}

export const makeRunMethods = (
  connection: SqlConnection,
  use: <A>(action: string, body: () => A) => Effect.Effect<A, StoreError>
) => {
  const now = Effect.map(DateTime.now, DateTime.toEpochMillis)
  const byId = connection.prepare("SELECT * FROM runs WHERE id = ?")
  const notFound = (id: number) => storeNotFound(`run ${id}`)
  const read = (id: number) => {
    const row = byId.get(id)
    return row === undefined ? undefined : toRecord(row)
  }

  const createRun = Effect.fn("Store.createRun")(function*(run: {
    readonly tags: { readonly [key: string]: string }
    readonly document: unknown
    readonly plan: unknown
    /** The document once the run's id is known (Tyger renames ephemeral `temp-` buffer ids after the insert). */
    readonly documentFor?: (id: number) => unknown
  }) {
    const at = yield* now
    const id = yield* use("creating a run", () =>
      connection.immediate(() => {
        connection.prepare("INSERT INTO runs (created_at, status, tags, document, plan) VALUES (?, 'Pending', ?, ?, ?)")
          .run(at, JSON.stringify(run.tags), JSON.stringify(run.document), JSON.stringify(run.plan))
        const inserted = Number(connection.prepare("SELECT last_insert_rowid() AS id").get()?.["id"])
        if (run.documentFor !== undefined) {
          connection.prepare("UPDATE runs SET document = ? WHERE id = ?").run(JSON.stringify(run.documentFor(inserted)), inserted)
        }
        return inserted
      }))
    return read(id) ?? (yield* notFound(id))
  })

  const getRun = Effect.fn("Store.getRun")(function*(id: number) {
    const record = yield* use(`reading run ${id}`, () => read(id))
    return record ?? (yield* notFound(id))
  })

  const listRuns = Effect.fn("Store.listRuns")(function*(
    options: RunFilter & { readonly limit: number; readonly after?: { readonly createdAt: number; readonly id: number } }
  ) {
    const params: Array<SqlValue> = []
    let sql = `SELECT * FROM runs${filterSql(options, params)}`
    if (options.after !== undefined) {
      sql += `${params.length === 0 && !sql.includes(" WHERE ") ? " WHERE" : " AND"} (created_at < ? OR (created_at = ? AND id < ?))`
      params.push(options.after.createdAt, options.after.createdAt, options.after.id)
    }
    sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
    params.push(Math.max(0, Math.trunc(options.limit)))
    return (yield* use("listing runs", () => connection.prepare(sql).all(...params))).map(toRecord)
  })

  /** Counts by status, only the statuses that occur. */
  const countRuns = Effect.fn("Store.countRuns")(function*(filter: Omit<RunFilter, "statuses">) {
    const params: Array<SqlValue> = []
    const rows = yield* use("counting runs", () =>
      connection.prepare(`SELECT status, count(*) AS n FROM runs${filterSql(filter, params)} GROUP BY status`).all(...params))
    return Object.fromEntries(rows.map((r) => [String(r["status"]), Number(r["n"])])) as Partial<Record<Status, number>>
  })

  /** Replaces the tags; with `ifMatch` only if the run's ETag still matches. */
  const setRunTags = Effect.fn("Store.setRunTags")(function*(id: number, tags: { readonly [key: string]: string }, ifMatch?: string) {
    const outcome = yield* use(`updating run ${id}`, () =>
      connection.immediate(() => {
        const record = read(id)
        if (record === undefined) return notFound(id)
        if (ifMatch !== undefined && ifMatch !== record.eTag) {
          return new StoreError({ reason: "PreconditionFailed", message: "ETag does not match" })
        }
        connection.prepare("UPDATE runs SET tags = ? WHERE id = ?").run(JSON.stringify(tags), id)
        return read(id) ?? notFound(id)
      }))
    return outcome instanceof StoreError ? yield* outcome : outcome
  })

  /**
   * Records an observed state. A terminal status is never overwritten (Tyger: once terminal, observations no longer
   * change the run), so racing observers — the monitor, `cancel`, a reconciling `show` — agree on one outcome.
   */
  const transitionRun = Effect.fn("Store.transitionRun")(function*(id: number, change: RunTransition) {
    return yield* use(`updating run ${id}`, () =>
      connection.immediate(() => {
        const record = read(id)
        if (record === undefined || isTerminal(record.status)) return record
        connection.prepare(
          "UPDATE runs SET status = ?, status_reason = coalesce(?, status_reason), running_count = ?," +
            " started_at = coalesce(?, started_at), finished_at = coalesce(?, finished_at) WHERE id = ?"
        ).run(change.status, change.statusReason ?? null, change.runningCount ?? null, change.startedAt ?? null,
          change.finishedAt ?? null, id)
        return read(id)
      }))
  })

  /** Claims the run for a monitor process; only one monitor may hold it. Returns false if another holds it. */
  const claimRun = Effect.fn("Store.claimRun")(function*(id: number, pid: number, token: string) {
    const at = yield* now
    return yield* use(`claiming run ${id}`, () =>
      connection.immediate(() => {
        const record = read(id)
        if (record === undefined || (record.monitor !== undefined && record.monitor.token !== token)) return false
        connection.prepare("UPDATE runs SET monitor_pid = ?, monitor_token = ?, heartbeat_at = ? WHERE id = ?")
          .run(pid, token, at, id)
        return true
      }))
  })

  const heartbeatRun = Effect.fn("Store.heartbeatRun")(function*(id: number, token: string) {
    const at = yield* now
    yield* use(`heartbeat of run ${id}`, () =>
      connection.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND monitor_token = ?").run(at, id, token))
  })

  const finishRun = Effect.fn("Store.finishRun")(function*(id: number, fields: { readonly logsArchived?: boolean; readonly final?: boolean }) {
    yield* use(`finishing run ${id}`, () =>
      connection.prepare("UPDATE runs SET logs_archived = max(logs_archived, ?), final = max(final, ?) WHERE id = ?")
        .run(fields.logsArchived === true ? 1 : 0, fields.final === true ? 1 : 0, id))
  })

  /** Runs not yet finalised, oldest first (for reconciliation sweeps). */
  const unfinishedRuns = Effect.fn("Store.unfinishedRuns")(function*(limit: number) {
    return (yield* use("listing unfinished runs", () =>
      connection.prepare("SELECT * FROM runs WHERE final = 0 ORDER BY id LIMIT ?").all(limit))).map(toRecord)
  })

  return { createRun, getRun, listRuns, countRuns, setRunTags, transitionRun, claimRun, heartbeatRun, finishRun, unfinishedRuns }
}

export type RunMethods = ReturnType<typeof makeRunMethods>

import { DateTime, Effect } from "effect"
import type { AppliedRun, WorkflowHolder, WorkflowRecord } from "../WorkflowRecord.ts"
import { StoreError } from "../StoreError.ts"
import type { SqlConnection, SqlRow } from "./Sqlite.ts"

const toRecord = (row: SqlRow): WorkflowRecord => ({
  name: String(row["name"]),
  source: String(row["source"]),
  appliedAt: Number(row["applied_at"]),
  runs: JSON.parse(String(row["runs"])) as ReadonlyArray<AppliedRun>
})

export interface WorkflowMethods {
  readonly getWorkflow: (name: string) => Effect.Effect<WorkflowRecord | undefined, StoreError>
  /** Applied workflows by name. */
  readonly listWorkflows: () => Effect.Effect<ReadonlyArray<WorkflowRecord>, StoreError>
  /** Records what an apply left (replacing the previous state), if `holder` still holds the workflow. */
  readonly saveWorkflow: (
    record: Omit<WorkflowRecord, "appliedAt">,
    holder: WorkflowHolder
  ) => Effect.Effect<WorkflowRecord, StoreError>
  /**
   * Takes the workflow for one apply. Returns the holder in the way, if any: a holder `isGone` says has exited (its
   * process is gone) is replaced.
   */
  readonly claimWorkflow: (
    name: string,
    holder: WorkflowHolder,
    isGone: (holder: WorkflowHolder) => boolean
  ) => Effect.Effect<WorkflowHolder | undefined, StoreError>
  readonly releaseWorkflow: (name: string, holder: WorkflowHolder) => Effect.Effect<void, StoreError>
}

export const makeWorkflowMethods = (
  connection: SqlConnection,
  use: <A>(action: string, body: () => A) => Effect.Effect<A, StoreError>
): WorkflowMethods => {
  const now = Effect.map(DateTime.now, DateTime.toEpochMillis)
  const byName = connection.prepare("SELECT * FROM workflows WHERE name = ?")
  const lockOf = connection.prepare("SELECT holder_pid, holder_token FROM workflow_locks WHERE name = ?")

  const getWorkflow = Effect.fn("Store.getWorkflow")(function*(name: string) {
    return yield* use(`reading workflow '${name}'`, () => {
      const row = byName.get(name)
      return row === undefined ? undefined : toRecord(row)
    })
  })

  const listWorkflows = Effect.fn("Store.listWorkflows")(function*() {
    return yield* use("listing workflows", () => connection.prepare("SELECT * FROM workflows ORDER BY name").all().map(toRecord))
  })

  const saveWorkflow = Effect.fn("Store.saveWorkflow")(function*(record: Omit<WorkflowRecord, "appliedAt">, holder: WorkflowHolder) {
    const appliedAt = yield* now
    const held = yield* use(`recording workflow '${record.name}'`, () =>
      connection.immediate(() => {
        if (lockOf.get(record.name)?.["holder_token"] !== holder.token) return false
        connection.prepare(
          "INSERT INTO workflows (name, source, applied_at, runs) VALUES (?, ?, ?, ?) " +
            "ON CONFLICT (name) DO UPDATE SET source = excluded.source, applied_at = excluded.applied_at, runs = excluded.runs"
        ).run(record.name, record.source, appliedAt, JSON.stringify(record.runs))
        return true
      }))
    if (!held) {
      return yield* new StoreError({
        reason: "Conflict",
        message: `workflow '${record.name}' was taken over by another apply while this one ran`
      })
    }
    return { ...record, appliedAt }
  })

  const claimWorkflow = Effect.fn("Store.claimWorkflow")(function*(
    name: string,
    holder: WorkflowHolder,
    isGone: (holder: WorkflowHolder) => boolean
  ) {
    return yield* use(`claiming workflow '${name}'`, () =>
      connection.immediate((): WorkflowHolder | undefined => {
        const row = lockOf.get(name)
        if (row !== undefined) {
          const current = { pid: Number(row["holder_pid"]), token: String(row["holder_token"]) }
          if (current.token !== holder.token && !isGone(current)) return current
        }
        connection.prepare(
          "INSERT INTO workflow_locks (name, holder_pid, holder_token) VALUES (?, ?, ?) " +
            "ON CONFLICT (name) DO UPDATE SET holder_pid = excluded.holder_pid, holder_token = excluded.holder_token"
        ).run(name, holder.pid, holder.token)
        return undefined
      }))
  })

  const releaseWorkflow = Effect.fn("Store.releaseWorkflow")(function*(name: string, holder: WorkflowHolder) {
    yield* use(`releasing workflow '${name}'`, () =>
      connection.prepare("DELETE FROM workflow_locks WHERE name = ? AND holder_token = ?").run(name, holder.token))
  })

  return { getWorkflow, listWorkflows, saveWorkflow, claimWorkflow, releaseWorkflow }
}

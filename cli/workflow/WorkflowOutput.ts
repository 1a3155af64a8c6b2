import type { Action } from "../../engine/workflows/WorkflowDiff.ts"
import type { AppliedRunState } from "../../engine/workflows/Workflows.ts"

/** Columns padded to their widest cell, two spaces apart, as `tyger`'s tables are for people, not for scripts. */
export const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]!.length))) ?? []
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n") + "\n"
}

const SIGNS = { create: "+", recreate: "~", keep: "=", remove: "-" } as const

/** One line per action: sign, run, what happens and why (`~ consumer  re-create: its input from 'producer' is re-created`). */
export const actionRows = (actions: ReadonlyArray<Action>): ReadonlyArray<ReadonlyArray<string>> =>
  actions.map((action) => {
    switch (action._tag) {
      case "create":
        return [SIGNS.create, action.name, `create: ${action.why}`]
      case "recreate":
        return [SIGNS.recreate, action.name, `re-create (was run ${action.previous}): ${action.why}`]
      case "keep":
        return [SIGNS.keep, action.name, `keep: run ${action.runId} ${action.status}`]
      case "remove":
        return [SIGNS.remove, action.name, `removed: run ${action.runId} ${action.status ?? "gone"}`]
    }
  })

export const runRows = (runs: ReadonlyArray<AppliedRunState>): ReadonlyArray<ReadonlyArray<string>> => [
  ["RUN", "ID", "STATUS"],
  ...runs.map((run) => [run.name, String(run.runId), run.status])
]

/** `--output json`: run name → its id, status and buffers. */
export const runsJson = (runs: ReadonlyArray<AppliedRunState>) =>
  Object.fromEntries(runs.map((run) => [run.name, { id: run.runId, status: run.status, buffers: run.buffers }]))

export const FORMATS = ["text", "json"] as const

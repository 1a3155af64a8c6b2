import { createHash } from "node:crypto"
import type * as Plan from "../plan/Plan.ts"
import { isTerminal, type Status } from "../store/RunRecord.ts"
import type { WorkflowRecord } from "../store/WorkflowRecord.ts"

/**
 * What applying a plan over the last applied state does to each run, and why (`pulumi up`'s preview, for runs):
 * - `create`: the run is new to the workflow;
 * - `recreate`: it changed, its last run failed or was canceled, it was asked for (`--rerun`), or a run it reads from
 *   is re-created (its input changes);
 * - `keep`: unchanged, and its last run succeeded or is still going;
 * - `remove`: the run is no longer in the workflow (its last run is left alone unless pruned).
 */
export type Action =
  | { readonly _tag: "create"; readonly name: string; readonly why: string }
  | { readonly _tag: "recreate"; readonly name: string; readonly why: string; readonly previous: number }
  | { readonly _tag: "keep"; readonly name: string; readonly runId: number; readonly status: Status }
  | { readonly _tag: "remove"; readonly name: string; readonly runId: number; readonly status: Status | undefined }

/** Keys sorted at every level, so that the hash depends on the content only. */
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : typeof value === "object" && value !== null
    ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
    : value

/** The run's resolved plan entry and the codespecs it uses (their ids are content-derived, their specs included). */
export const hashOf = (plan: Plan.Plan, run: Plan.Run): string => {
  // By role, not in the plan's order: that order follows the workflow's declarations, which may move freely.
  const byId = (id: string | undefined) => plan.codespecs.find((c) => c.id === id)
  const codespecs = { job: byId(run.job.codespec), worker: byId(run.worker?.codespec) }
  // How many of a fan-out run at once is how they are scheduled, not what they are: a new limit re-creates nothing.
  const { concurrency: _, ...what } = run
  return createHash("sha256").update(JSON.stringify(canonical({ run: what, codespecs }))).digest("hex")
}

/** Producers a run reads from (its `runOutput` bindings). */
export const producersOf = (run: Plan.Run): ReadonlyArray<string> => run.dependsOn

/**
 * The actions, in the plan's order (producers before their consumers), then the removed runs. `statusOf` gives the
 * status of a previous run (undefined when the run no longer exists).
 */
export const diff = (
  plan: Plan.Plan,
  previous: WorkflowRecord | undefined,
  statusOf: (runId: number) => Status | undefined,
  rerun: ReadonlySet<string> = new Set()
): ReadonlyArray<Action> => {
  const before = new Map((previous?.runs ?? []).map((r) => [r.name, r]))
  const renewed = new Set<string>()
  const actions: Array<Action> = []
  for (const run of plan.runs) {
    const last = before.get(run.name)
    if (last === undefined) {
      renewed.add(run.name)
      actions.push({ _tag: "create", name: run.name, why: "new" })
      continue
    }
    const status = statusOf(last.runId)
    const producer = producersOf(run).find((p) => renewed.has(p))
    const why = last.hash !== hashOf(plan, run)
      ? "changed"
      : rerun.has(run.name)
      ? "--rerun"
      : status === undefined
      ? `run ${last.runId} no longer exists`
      : status === "Failed" || status === "Canceled"
      ? `run ${last.runId} ${status.toLowerCase()}`
      : producer !== undefined
      ? `its input from '${producer}' is re-created`
      : undefined
    if (why === undefined) {
      actions.push({ _tag: "keep", name: run.name, runId: last.runId, status: status! })
    } else {
      renewed.add(run.name)
      actions.push({ _tag: "recreate", name: run.name, why, previous: last.runId })
    }
  }
  const names = new Set(plan.runs.map((r) => r.name))
  for (const last of previous?.runs ?? []) {
    if (!names.has(last.name)) actions.push({ _tag: "remove", name: last.name, runId: last.runId, status: statusOf(last.runId) })
  }
  return actions
}

/** `create 1, re-create 1, keep 3, remove 0`-style counts, for the summary line. */
export const summary = (actions: ReadonlyArray<Action>): string => {
  const count = (tag: Action["_tag"]) => actions.filter((a) => a._tag === tag).length
  const parts = [
    [count("create"), "to create"],
    [count("recreate"), "to re-create"],
    [count("keep"), "unchanged"],
    [count("remove"), "removed"]
  ] as const
  return parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(", ") || "nothing to do"
}

/** Whether a kept run still counts as going (not yet terminal). */
export const isGoing = (status: Status): boolean => !isTerminal(status)

import { createHash } from "node:crypto"

/** Tyger's run statuses (PascalCase in JSON). `Canceling` is accepted but, as in Tyger, never set. */
export const STATUSES = ["Pending", "Running", "Failed", "Succeeded", "Canceling", "Canceled"] as const
export type Status = typeof STATUSES[number]

export const isTerminal = (status: Status): boolean =>
  status === "Succeeded" || status === "Failed" || status === "Canceled"

/**
 * What `tyger run show` prints of a run, plus the bookkeeping the engine needs. `O` is the job's output parameters
 * when the run came from a typed DSL run (`Runs.create(Run.job(codespec))`), so that `buffers.<output>` is typed.
 */
export interface RunRecord<O extends string = string> {
  readonly id: number
  readonly createdAt: number
  readonly status: Status
  readonly statusReason: string | undefined
  readonly runningCount: number | undefined
  readonly startedAt: number | undefined
  readonly finishedAt: number | undefined
  readonly tags: { readonly [key: string]: string }
  /** The run as Tyger shows it: `job`, `worker`, `cluster`, `timeoutSeconds`, `bufferAccessTtl`. */
  readonly document: { readonly [key: string]: unknown }
  /** The buffer id bound to each of the job's buffer parameters (the document's `job.buffers`). */
  readonly buffers: { readonly [P in O]: string }
  /** The single-run plan (engine/plan/Plan.ts, encoded) the provider realises. */
  readonly plan: unknown
  readonly monitor: { readonly pid: number; readonly token: string; readonly heartbeatAt: number | undefined } | undefined
  readonly logsArchived: boolean
  readonly final: boolean
  readonly eTag: string
}

/** Changes with the status fields and tags, as Tyger's run ETag does. */
export const eTagOf = (run: Omit<RunRecord, "eTag" | "buffers">): string => {
  const tags = Object.keys(run.tags).sort().map((k) => [k, run.tags[k]])
  const digest = createHash("sha256")
    .update(JSON.stringify([run.id, run.status, run.statusReason ?? null, run.runningCount ?? null,
      run.startedAt ?? null, run.finishedAt ?? null, tags]))
    .digest()
  return digest.readBigUInt64BE(0).toString()
}

export interface RunFilter {
  /** Created strictly after (epoch ms). */
  readonly since?: number
  readonly tags?: { readonly [key: string]: string }
  readonly statuses?: ReadonlyArray<Status>
}

/** A change of observed state; `undefined` fields stay as they are. */
export interface RunTransition {
  readonly status: Status
  readonly statusReason?: string
  readonly runningCount?: number
  readonly startedAt?: number
  readonly finishedAt?: number
}

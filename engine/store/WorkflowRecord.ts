/** One run of an applied workflow: what was applied (the hash of its resolved plan entry) and the run it created. */
export interface AppliedRun {
  readonly name: string
  /** sha256 of the run's resolved plan entry and the codespecs it uses (engine/workflows/WorkflowDiff.ts). */
  readonly hash: string
  readonly runId: number
}

/** A workflow as `tyger apply` last left it: the state the next apply is diffed against. */
export interface WorkflowRecord {
  readonly name: string
  /** The file it was applied from, as given. */
  readonly source: string
  /** Epoch milliseconds of the last apply. */
  readonly appliedAt: number
  readonly runs: ReadonlyArray<AppliedRun>
}

/** Who holds a workflow while applying it: one apply at a time. */
export interface WorkflowHolder {
  readonly pid: number
  readonly token: string
}

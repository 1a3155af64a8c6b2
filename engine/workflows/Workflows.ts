import { Context, Effect, Layer, Schema } from "effect"
import { randomUUID } from "node:crypto"
import type * as Workflow from "../../dsl/Workflow.ts"
import { Codespecs } from "../codespecs/Codespecs.ts"
import * as Compile from "../plan/Compile.ts"
import type * as Plan from "../plan/Plan.ts"
import { PlanCompileError } from "../plan/PlanCompileError.ts"
import { Provider } from "../runs/Provider.ts"
import { buffersOf, processAlive } from "../runs/RunMonitor.ts"
import { Runs, type RunsFailure } from "../runs/Runs.ts"
import type { RunRecord, Status } from "../store/RunRecord.ts"
import { Store } from "../store/Store.ts"
import type { StoreError } from "../store/StoreError.ts"
import type { AppliedRun, WorkflowRecord } from "../store/WorkflowRecord.ts"
import * as WorkflowDiff from "./WorkflowDiff.ts"

/** Why a workflow could not be applied: another apply holds it, or the name is not one. */
export class WorkflowsError extends Schema.TaggedError<WorkflowsError>()("WorkflowsError", {
  reason: Schema.Literals(["Busy", "NotFound", "InvalidInput"]),
  message: Schema.String
}) {}

export type WorkflowsFailure = WorkflowsError | RunsFailure | PlanCompileError | StoreError

export interface ApplyOptions {
  /** The workflow's name in the store: what the next apply is diffed against. */
  readonly name: string
  /** The file it comes from, recorded for `tyger workflow show`. */
  readonly source: string
  /** Compute and return the diff; create, cancel and record nothing. */
  readonly dryRun?: boolean
  /** Runs to create again even if unchanged. */
  readonly rerun?: ReadonlyArray<string>
  /** Cancel the last run of each removed run that is still going. */
  readonly prune?: boolean
  /** Run each scheduled run one time now (a provider without schedules refuses them otherwise). */
  readonly once?: boolean
}

/** One run of the workflow after an apply: the run it now stands for, and its buffers. */
export interface AppliedRunState {
  readonly name: string
  readonly runId: number
  readonly status: Status
  readonly buffers: { readonly [parameter: string]: string }
}

export interface ApplyResult {
  readonly name: string
  readonly actions: ReadonlyArray<WorkflowDiff.Action>
  /** The runs this apply created, in creation order (producers first). Empty on a dry run. */
  readonly created: ReadonlyArray<RunRecord>
  /** Every run of the workflow as it stands (empty on a dry run). */
  readonly runs: ReadonlyArray<AppliedRunState>
}

const scheduleProblem = (name: string, provider: string) => ({
  path: `runs.${name}`,
  message: `the ${provider} provider does not run schedules: apply this workflow to Kubernetes ` +
    "(tyger plan --provider kubernetes, pulumi up), or pass --once to run it one time now",
  reason: "Unsupported" as const
})

export class Workflows extends Context.Service<Workflows, {
  /**
   * Applies a workflow as one declarative unit (see WorkflowDiff): compiles it for the provider (every problem listed,
   * nothing created), publishes its codespecs with its runs, creates what is new or changed in dependency order with
   * each consumer bound to its producer's output buffer, so that both run at once, and records the result.
   */
  readonly apply: (workflow: Workflow.Workflow, options: ApplyOptions) => Effect.Effect<ApplyResult, WorkflowsFailure>
  /** What {@link apply} would do, changing nothing (`tyger apply --dry-run`). */
  readonly diff: (
    workflow: Workflow.Workflow,
    options: Omit<ApplyOptions, "dryRun" | "prune">
  ) => Effect.Effect<ReadonlyArray<WorkflowDiff.Action>, WorkflowsFailure>
  readonly list: () => Effect.Effect<ReadonlyArray<WorkflowRecord>, WorkflowsFailure>
  /** The workflow's runs as they stand now. */
  readonly show: (name: string) => Effect.Effect<{ readonly record: WorkflowRecord; readonly runs: ReadonlyArray<AppliedRunState> }, WorkflowsFailure>
}>()("tyger-ts/engine/Workflows") {
  static readonly layer = Layer.effect(Workflows, Effect.gen(function*() {
    const store = yield* Store
    const codespecs = yield* Codespecs
    const runs = yield* Runs
    const provider = yield* Provider

    const stateOf = (record: RunRecord, name: string): AppliedRunState => ({
      name,
      runId: record.id,
      status: record.status,
      buffers: buffersOf(record)
    })

    const compileFor = Effect.fnUntraced(function*(workflow: Workflow.Workflow, once: boolean) {
      const capabilities = new Set([...provider.capabilities, "Schedules" as const])
      const plan = yield* Compile.compile(workflow, {
        capabilities,
        ...(provider.ignores === undefined ? {} : { ignores: provider.ignores }),
        provider: provider.name
      })
      const scheduled = plan.runs.filter((r) => r.schedule !== undefined)
      if (scheduled.length === 0 || provider.capabilities.has("Schedules")) return plan
      if (!once) {
        return yield* new PlanCompileError({ reason: "Unsupported", problems: scheduled.map((r) => scheduleProblem(r.name, provider.name)) })
      }
      return { ...plan, runs: plan.runs.map(({ schedule: _, ...run }) => run) } satisfies Plan.Plan
    })

    const recordsOf = Effect.fnUntraced(function*(record: WorkflowRecord | undefined) {
      const found = new Map<number, RunRecord>()
      for (const run of record?.runs ?? []) {
        const got = yield* runs.get(run.runId).pipe(
          Effect.map((r): RunRecord | undefined => r),
          Effect.catchIf((e) => e._tag === "StoreError" && e.reason === "NotFound", () => Effect.succeed(undefined))
        )
        if (got !== undefined) found.set(run.runId, got)
      }
      return found
    })

    /**
     * The run's `runOutput` bindings replaced by the producers' buffer ids, and a fan-out's run told which of its
     * group's runs came before it (see Plan.Run's `concurrency`).
     */
    const bound = (
      run: Plan.Run,
      outputs: ReadonlyMap<string, { readonly [parameter: string]: string }>,
      groupRuns: ReadonlyMap<string, ReadonlyArray<number>>
    ): Plan.Run => ({
      ...run,
      ...(run.concurrency === undefined
        ? {}
        : { concurrency: { ...run.concurrency, after: groupRuns.get(run.concurrency.group) ?? [] } }),
      job: {
        ...run.job,
        buffers: Object.fromEntries(Object.entries(run.job.buffers).map(([parameter, binding]) =>
          binding.kind === "runOutput"
            ? [parameter, { kind: "buffer" as const, id: outputs.get(binding.run)![binding.parameter]! }]
            : [parameter, binding]
        ))
      }
    })

    const applyClaimed = Effect.fnUntraced(function*(
      plan: Plan.Plan,
      diffed: { readonly last: WorkflowRecord | undefined; readonly previous: ReadonlyMap<number, RunRecord>; readonly actions: ReadonlyArray<WorkflowDiff.Action> },
      options: ApplyOptions,
      holder: { readonly pid: number; readonly token: string }
    ) {
      const { last, previous, actions } = diffed
      const byName = new Map(actions.map((a) => [a.name, a]))
      // What the provider must have for the runs to create (images present) is checked for all of them first: a
      // missing image fails the apply before anything is created.
      for (const run of plan.runs) {
        if (byName.get(run.name)?._tag !== "keep") yield* provider.prepare({ plan, run, pull: false }, () => Effect.void)
      }
      // Every named codespec of the workflow is published, whether or not a run is created from it now (a stored
      // version that compile resolved is left as it is).
      for (const codespec of plan.codespecs) {
        if (codespec.name !== undefined && codespec.version === undefined) yield* codespecs.publish(codespec.name, codespec.spec)
      }
      const outputs = new Map<string, { readonly [parameter: string]: string }>()
      const groupRuns = new Map<string, Array<number>>()
      const inGroup = (run: Plan.Run, id: number) => {
        if (run.concurrency !== undefined) groupRuns.set(run.concurrency.group, [...(groupRuns.get(run.concurrency.group) ?? []), id])
      }
      const states = new Map<string, AppliedRunState>()
      const created: Array<RunRecord> = []
      const applied: Array<AppliedRun> = []
      // Should a creation fail half-way, what was created is recorded all the same (with the last state of the runs
      // not reached), so that the next apply does not create it twice.
      const savePartial = Effect.suspend(() => {
        const reached = new Set(applied.map((a) => a.name))
        const rest = (last?.runs ?? []).filter((r) => !reached.has(r.name))
        return store.saveWorkflow({ name: options.name, source: options.source, runs: [...applied, ...rest] }, holder)
      })
      yield* Effect.gen(function*() {
        for (const run of plan.runs) {
          const action = byName.get(run.name)!
          if (action._tag === "keep") {
            const record = previous.get(action.runId)!
            inGroup(run, record.id)
            outputs.set(run.name, buffersOf(record))
            states.set(run.name, stateOf(record, run.name))
            applied.push({ name: run.name, hash: WorkflowDiff.hashOf(plan, run), runId: record.id })
            continue
          }
          const record = yield* runs.createPlanned({ plan, run: bound(run, outputs, groupRuns) })
          inGroup(run, record.id)
          created.push(record)
          outputs.set(run.name, buffersOf(record))
          states.set(run.name, stateOf(record, run.name))
          applied.push({ name: run.name, hash: WorkflowDiff.hashOf(plan, run), runId: record.id })
        }
      }).pipe(Effect.onError(() => Effect.ignore(savePartial)))
      // A removed run that is still going stays recorded (and reported as removed) until it ends or is pruned: a
      // later apply must still be able to cancel it.
      const before = new Map((last?.runs ?? []).map((r) => [r.name, r]))
      for (const action of actions) {
        if (action._tag !== "remove" || action.status === undefined || !WorkflowDiff.isGoing(action.status)) continue
        if (options.prune === true) yield* runs.cancel(action.runId)
        else applied.push(before.get(action.name)!)
      }
      yield* store.saveWorkflow({ name: options.name, source: options.source, runs: applied }, holder)
      return { name: options.name, actions, created, runs: plan.runs.map((r) => states.get(r.name)!) }
    })

    const apply = Effect.fn("Workflows.apply")(function*(workflow: Workflow.Workflow, options: ApplyOptions) {
      const plan = yield* compileFor(workflow, options.once ?? false)
      const unknown = (options.rerun ?? []).filter((name) => !plan.runs.some((r) => r.name === name))
      if (unknown.length > 0) {
        return yield* new WorkflowsError({ reason: "InvalidInput", message: `--rerun names no run of the workflow: ${unknown.join(", ")}` })
      }
      const diffNow = Effect.gen(function*() {
        const last = yield* store.getWorkflow(options.name)
        const previous = yield* recordsOf(last)
        const actions = WorkflowDiff.diff(plan, last, (id) => previous.get(id)?.status, new Set(options.rerun ?? []))
        return { last, previous, actions }
      })
      if (options.dryRun === true) {
        const { actions } = yield* diffNow
        return { name: options.name, actions, created: [], runs: [] } satisfies ApplyResult
      }
      const holder = { pid: process.pid, token: randomUUID() }
      const blocking = yield* store.claimWorkflow(options.name, holder, (h) => !processAlive(h.pid))
      if (blocking !== undefined) {
        return yield* new WorkflowsError({
          reason: "Busy",
          message: `workflow '${options.name}' is being applied by another tyger process (pid ${blocking.pid}); try again when it is done`
        })
      }
      return yield* Effect.gen(function*() {
        return yield* applyClaimed(plan, yield* diffNow, options, holder)
      }).pipe(Effect.ensuring(Effect.ignore(store.releaseWorkflow(options.name, holder))))
    })

    const list = Effect.fn("Workflows.list")(function*() {
      return yield* store.listWorkflows()
    })

    const show = Effect.fn("Workflows.show")(function*(name: string) {
      const record = yield* store.getWorkflow(name)
      if (record === undefined) return yield* new WorkflowsError({ reason: "NotFound", message: `workflow '${name}' has not been applied` })
      const found = yield* recordsOf(record)
      const states = record.runs.flatMap((r) => {
        const got = found.get(r.runId)
        return got === undefined ? [] : [stateOf(got, r.name)]
      })
      return { record, runs: states }
    })

    const diff = Effect.fn("Workflows.diff")(function*(workflow: Workflow.Workflow, options: Omit<ApplyOptions, "dryRun" | "prune">) {
      return (yield* apply(workflow, { ...options, dryRun: true })).actions
    })

    return Workflows.of({ apply, diff, list, show })
  })).pipe(Layer.provide(Codespecs.layer))
}

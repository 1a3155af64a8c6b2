import { Context, Duration, Effect, Layer, Schedule, Stream } from "effect"
import { randomUUID } from "node:crypto"
import type * as Run from "../../dsl/Run.ts"
import type { BlobStoreError } from "../buffers/BlobStore.ts"
import type { BufferDataError } from "../buffers/BufferDataError.ts"
import { Buffers, type BuffersError } from "../buffers/Buffers.ts"
import { type CreateOptions, createRecord, plan, RunsError } from "./internal/RunCreate.ts"
import { MonitorLauncher } from "./MonitorLauncher.ts"
import type * as Plan from "../plan/Plan.ts"
import type { PlanCompileError } from "../plan/PlanCompileError.ts"
import { type LogLine, type LogOptions, Provider, type ProviderError } from "./Provider.ts"
import * as RunExec from "./RunExec.ts"
import { failedError, type RunFailedError } from "./RunFailedError.ts"
import { RunLogArchive, type RunLogArchiveError } from "./RunLogArchive.ts"
import * as RunMonitor from "./RunMonitor.ts"
import { isTerminal, type RunFilter, type RunRecord } from "../store/RunRecord.ts"
import { Store } from "../store/Store.ts"
import type { StoreError } from "../store/StoreError.ts"

export { type CreateOptions, RunsError }
export { CANCELED_BY_USER, type ExecOptions, ExecOutputError, LOGS_GRACE } from "./RunExec.ts"
export { LOG_TAIL_LINES, RunFailedError } from "./RunFailedError.ts"

/** Everything that can go wrong creating, reading or running a run. */
export type RunsFailure =
  | RunsError
  | PlanCompileError
  | ProviderError
  | StoreError
  | BuffersError
  | BufferDataError
  | BlobStoreError
  | RunLogArchiveError

const WATCH_POLL = Duration.millis(250)
/** How long an interrupted {@link Runs.run} waits for its canceled run to be finalised by its monitor. */
const CANCEL_SETTLE = Duration.seconds(30)

const sameObservation = (a: RunRecord, b: RunRecord) =>
  a.status === b.status && a.statusReason === b.statusReason && a.runningCount === b.runningCount &&
  a.startedAt === b.startedAt && a.finishedAt === b.finishedAt

export type ListOptions = RunFilter & { readonly limit: number; readonly after?: { readonly createdAt: number; readonly id: number } }

export class Runs extends Context.Service<Runs, {
  /**
   * Creates a run and starts its monitor; returns the run as recorded (Pending), its `buffers` typed by the run's
   * output parameters (`record.buffers.output`, as `Run.output` names them).
   */
  readonly create: <O extends string>(run: Run.Run<O>, options?: CreateOptions) => Effect.Effect<RunRecord<O>, RunsFailure>
  /**
   * {@link create} for a run already compiled as part of a whole plan (as `Workflows.apply` compiles a workflow): its
   * buffers must be bound to buffer ids or created, not to another run's output.
   */
  readonly createPlanned: (
    planned: { readonly plan: Plan.Plan; readonly run: Plan.Run },
    options?: CreateOptions
  ) => Effect.Effect<RunRecord, RunsFailure>
  /**
   * {@link create}, then waits until the run is final (ended, its containers removed, its logs archived): succeeds
   * with the Succeeded run, its `buffers` typed as `create`'s, or fails with RunFailedError carrying the last lines of
   * its logs. Interrupting it cancels the run and waits (up to 30 s) for it to be final.
   */
  readonly run: <O extends string>(
    run: Run.Run<O>,
    options?: CreateOptions
  ) => Effect.Effect<RunRecord<O>, RunsFailure | RunFailedError>
  /**
   * Tyger's `run exec`: creates the run, supervises it in this process and streams its single unmapped input and
   * output; succeeds with the Succeeded run, fails with RunFailedError otherwise. Interrupting it cancels the run.
   */
  readonly exec: (
    run: Run.Any,
    options?: RunExec.ExecOptions
  ) => Effect.Effect<RunRecord, RunsFailure | RunExec.RunFailedError | RunExec.ExecOutputError>
  /** The run, settled first if its monitor is gone. */
  readonly get: (id: number) => Effect.Effect<RunRecord, RunsFailure>
  readonly list: (options: ListOptions) => Effect.Effect<ReadonlyArray<RunRecord>, RunsFailure>
  readonly counts: (filter: Omit<RunFilter, "statuses">) => Effect.Effect<{ readonly [status: string]: number }, RunsFailure>
  readonly setTags: (id: number, tags: { readonly [key: string]: string }, ifMatch?: string) => Effect.Effect<RunRecord, RunsFailure>
  /** Tyger's cancel: the run becomes Canceled at once (`Canceled by user`) and its code is stopped. */
  readonly cancel: (id: number) => Effect.Effect<RunRecord, RunsFailure>
  /** The run now and after every change, ending at a terminal state. */
  readonly watch: (id: number) => Stream.Stream<RunRecord, RunsFailure>
  /** Merged logs: live while the run's containers exist, from the archive afterwards. */
  readonly logs: (id: number, options: LogOptions) => Stream.Stream<LogLine, RunsFailure>
  /** Runs the monitor of one run in this process (the detached monitor process calls this). */
  readonly monitor: (id: number) => Effect.Effect<void, RunsFailure>
}>()("tyger-ts/engine/Runs") {
  static readonly layer = Layer.effect(Runs, Effect.gen(function*() {
    const context = yield* Effect.context<Store | Buffers | Provider | MonitorLauncher | RunLogArchive>()
    const provide = <A, E>(effect: Effect.Effect<A, E, Store | Buffers | Provider | RunLogArchive>) => Effect.provide(effect, context)
    const store = yield* Store
    const provider = yield* Provider
    const launcher = yield* MonitorLauncher
    const archive = yield* RunLogArchive

    const monitor = (id: number) => provide(RunMonitor.monitor(id, randomUUID(), process.pid))

    const createPlanned = Effect.fn("Runs.createPlanned")(function*(
      planned: { readonly plan: Plan.Plan; readonly run: Plan.Run },
      options: CreateOptions = {}
    ) {
      const record = yield* provide(createRecord(planned, options))
      yield* launcher.launch(record.id, Effect.ignore(monitor(record.id)))
      return record
    })

    const create = Effect.fn("Runs.create")(function*(run: Run.Any, options: CreateOptions = {}) {
      return yield* createPlanned(yield* provide(plan(run)), options)
    })

    const get = Effect.fn("Runs.get")(function*(id: number) {
      return yield* provide(RunMonitor.reconcile(yield* store.getRun(id)))
    })

    const list = Effect.fn("Runs.list")(function*(options: ListOptions) {
      const runs = yield* store.listRuns(options)
      return yield* Effect.forEach(runs, (r) => provide(RunMonitor.reconcile(r)))
    })

    const counts = Effect.fn("Runs.counts")(function*(filter: Omit<RunFilter, "statuses">) {
      for (const r of yield* store.unfinishedRuns(100)) yield* provide(RunMonitor.reconcile(r))
      const byStatus = yield* store.countRuns(filter)
      return Object.fromEntries(Object.entries(byStatus).map(([s, n]) => [s.charAt(0).toLowerCase() + s.slice(1), n]))
    })

    const setTags = Effect.fn("Runs.setTags")(function*(id: number, tags: { readonly [key: string]: string }, ifMatch?: string) {
      return yield* store.setRunTags(id, tags, ifMatch)
    })

    const cancel = Effect.fn("Runs.cancel")(function*(id: number) {
      const before = yield* get(id)
      if (isTerminal(before.status)) return before
      const after = yield* store.transitionRun(id, {
        status: "Canceled",
        statusReason: RunExec.CANCELED_BY_USER,
        finishedAt: Math.floor(Date.now() / 1000) * 1000
      })
      // The monitor notices within its poll and finalises; stopping here makes the cancel take effect at once.
      yield* provider.stop(id).pipe(Effect.ignore)
      return after ?? before
    })

    const poll = (id: number) => Stream.fromEffectSchedule(get(id), Schedule.spaced(WATCH_POLL))

    const watch = (id: number): Stream.Stream<RunRecord, RunsFailure> =>
      Stream.unwrap(Effect.map(get(id), (first) =>
        Stream.concat(
          Stream.make(first),
          isTerminal(first.status)
            ? Stream.empty
            : poll(id).pipe(
              Stream.changesWith(sameObservation),
              Stream.filter((r) => !sameObservation(r, first)),
              Stream.takeUntil((r) => isTerminal(r.status))
            )
        )))

    // Following a run that has not started waits for its containers (or its end).
    const started = (id: number) =>
      Effect.flatMap(get(id), (first) =>
        first.status !== "Pending"
          ? Effect.succeed(first)
          : poll(id).pipe(Stream.filter((r) => r.status !== "Pending"), Stream.runHead, Effect.map((r) => r._tag === "Some" ? r.value : first)))

    /**
     * The provider's lines, then those it missed. The run's monitor may finalise it (archive its logs, then remove its
     * containers) between the record read that chose the provider and the provider reaching the containers, or while
     * it follows them: the provider then finds no containers, fails (Docker: "can not get logs from container which
     * is dead or marked for removal") or stops short, and a quick run's logs would be lost whole (`exec --logs`). The
     * archive, written before the containers go, has every line: what was not delivered is read from it, once.
     */
    const live = (id: number, options: LogOptions): Stream.Stream<LogLine, RunsFailure> =>
      Stream.suspend(() => {
        // The provider delivers each container's (prefix's) lines in order: what it missed of them follows the last.
        const delivered = new Map<string, bigint>()
        let first: bigint | undefined
        let failure: ProviderError | undefined
        const provided = provider.logs(id, options).pipe(
          Stream.tap((line) =>
            Effect.sync(() => {
              const at = BigInt(line.timestamp)
              first ??= at
              delivered.set(line.prefix, at)
            })
          ),
          Stream.catch((error) => {
            failure = error
            return Stream.empty
          })
        )
        const missed = (lines: ReadonlyArray<LogLine>): ReadonlyArray<LogLine> => {
          if (first === undefined) return select(lines, options)
          const start = first
          // `tail` was applied to what was delivered: a container not heard from has only its lines from then on left.
          return select(lines, { follow: options.follow, ...(options.since === undefined ? {} : { since: options.since }) })
            .filter((line) => {
              const last = delivered.get(line.prefix)
              const at = BigInt(line.timestamp)
              return last === undefined ? options.tail === undefined || at >= start : at > last
            })
        }
        const rest = Stream.unwrap(Effect.map(store.getRun(id), (record): Stream.Stream<LogLine, RunsFailure> =>
          record.logsArchived
            ? Stream.fromIterableEffect(Effect.map(archive.load(id), missed))
            // Not finalised: the provider's end (or failure) was its own.
            : failure === undefined
            ? Stream.empty
            : Stream.fail(failure)))
        return Stream.concat(provided, rest)
      })

    const logs = (id: number, options: LogOptions): Stream.Stream<LogLine, RunsFailure> =>
      Stream.unwrap(Effect.map(options.follow ? started(id) : get(id), (record): Stream.Stream<LogLine, RunsFailure> =>
        record.logsArchived
          ? Stream.fromIterableEffect(Effect.map(archive.load(id), (lines) => select(lines, options)))
          : live(id, options)))

    const final = (id: number) => Effect.repeat(get(id), { schedule: Schedule.spaced(WATCH_POLL), until: (r) => r.final })

    const runToEnd = Effect.fn("Runs.run")(function*(run: Run.Any, options: CreateOptions = {}) {
      // Created and its cancel armed in one step: an interruption in between would leave the run going unwatched.
      const ended = yield* Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(create(run, options)), (created) =>
          restore(final(created.id)).pipe(
            Effect.onInterrupt(() =>
              cancel(created.id).pipe(Effect.andThen(final(created.id)), Effect.timeout(CANCEL_SETTLE), Effect.ignore)
            )
          ))
      )
      if (ended.status !== "Succeeded") return yield* Effect.flatMap(failedError(ended, logs), Effect.fail)
      return ended
    })

    const exec = (run: Run.Any, options: RunExec.ExecOptions = {}) => provide(RunExec.exec(run, options, logs))

    return Runs.of({ create, createPlanned, run: runToEnd, exec, get, list, counts, setTags, cancel, watch, logs, monitor })
  }))
}

/** `since` (strictly after) and `tail` over archived lines, as Tyger applies them to its archive. */
export const select = (lines: ReadonlyArray<LogLine>, options: LogOptions): ReadonlyArray<LogLine> => {
  const since = options.since
  const after = since === undefined ? lines : lines.filter((l) => BigInt(l.timestamp) > BigInt(since) * 1_000_000n)
  return options.tail === undefined || options.tail < 0 ? after : options.tail === 0 ? [] : after.slice(-options.tail)
}

import { Context, Duration, Effect, Layer, Result, Schedule, Schema, Stream } from "effect"
import { randomUUID } from "node:crypto"
import * as CodespecSpec from "../dsl/CodespecSpec.ts"
import * as TimeSpan from "../dsl/TimeSpan.ts"
import type * as Run from "../dsl/Run.ts"
import * as Workflow from "../dsl/Workflow.ts"
import { Buffers } from "./Buffers.ts"
import * as Compiler from "./Compiler.ts"
import { MonitorLauncher } from "./MonitorLauncher.ts"
import type * as Plan from "./Plan.ts"
import * as PlanSchema from "./Plan.ts"
import { type LogLine, type LogOptions, Provider } from "./Provider.ts"
import * as RunDocument from "./RunDocument.ts"
import { RunLogArchive } from "./RunLogArchive.ts"
import * as RunMonitor from "./RunMonitor.ts"
import { isTerminal, type RunFilter, type RunRecord } from "./RunRecord.ts"
import { Store } from "./Store.ts"

/** Why a run could not be created or found, with Tyger's messages where Tyger has them. */
export class RunsError extends Schema.TaggedError<RunsError>()("RunsError", {
  reason: Schema.Literals(["NotFound", "BufferNotFound", "Unsupported", "InvalidInput"]),
  message: Schema.String
}) {}

export const CANCELED_BY_USER = "Canceled by user"
const WATCH_POLL = Duration.millis(250)

export interface CreateOptions {
  /** Pull missing images first (Tyger's `--pull`); progress lines go to `onProgress`. */
  readonly pull?: boolean
  readonly onProgress?: (line: string) => Effect.Effect<void>
}

const DEFAULT_RUN_NAME = "run"

/** Named DSL codespecs are published to the store as `codespec create` would; stored ones keep their version. */
const publishCodespecs = Effect.fnUntraced(function*(plan: Plan.Plan) {
  const store = yield* Store
  const origins = new Map<string, RunDocument.CodespecOrigin>()
  for (const codespec of plan.codespecs) {
    if (codespec.name === undefined) continue
    const stored = codespec.version === undefined
      ? (yield* store.putCodespec(codespec.name, CodespecSpec.toJson(codespec.spec), CodespecSpec.canonicalKey(codespec.spec))).codespec
      : yield* store.getCodespec(codespec.name, codespec.version)
    origins.set(codespec.id, { name: stored.name, version: stored.version, createdAt: stored.createdAt })
  }
  return origins
})

/** Every parameter bound to a buffer id: given ids must exist, missing ones are created (tagged `bufferName`). */
const bindBuffers = Effect.fnUntraced(function*(plan: Plan.Plan, run: Plan.Run) {
  const buffers = yield* Buffers
  const bound: Record<string, string> = {}
  for (const { name } of RunDocument.parameters(plan, run)) {
    const binding = run.job.buffers[name] ?? { kind: "create" as const }
    switch (binding.kind) {
      case "create": {
        const created = yield* buffers.create({
          tags: { ...run.job.bufferTags, bufferName: name },
          ...(run.job.bufferTtl === undefined ? {} : { ttl: TimeSpan.toDuration(Result.getOrThrow(TimeSpan.parseDotNet(run.job.bufferTtl))) })
        })
        bound[name] = created.id
        break
      }
      case "buffer": {
        yield* buffers.get(binding.id).pipe(
          Effect.mapError(() => new RunsError({ reason: "BufferNotFound", message: `The buffer '${binding.id}' was not found` }))
        )
        bound[name] = binding.id
        break
      }
      case "ephemeral":
        return yield* new RunsError({ reason: "Unsupported", message: "Ephemeral buffers ('_') are not supported yet" })
      case "runOutput":
        return yield* new RunsError({
          reason: "InvalidInput",
          message: `The buffer for '${name}' comes from run '${binding.run}': create that run first and pass its buffer id`
        })
    }
  }
  return bound
})

const sameObservation = (a: RunRecord, b: RunRecord) =>
  a.status === b.status && a.statusReason === b.statusReason && a.runningCount === b.runningCount &&
  a.startedAt === b.startedAt && a.finishedAt === b.finishedAt

export class Runs extends Context.Service<Runs, {
  /** Creates a run and starts its monitor; returns the run as recorded (Pending). */
  readonly create: (run: Run.Any, options?: CreateOptions) => Effect.Effect<RunRecord, unknown>
  /** The run, settled first if its monitor is gone. */
  readonly get: (id: number) => Effect.Effect<RunRecord, unknown>
  readonly list: (options: RunFilter & { readonly limit: number; readonly after?: { readonly createdAt: number; readonly id: number } }) => Effect.Effect<ReadonlyArray<RunRecord>, unknown>
  readonly counts: (filter: Omit<RunFilter, "statuses">) => Effect.Effect<{ readonly [status: string]: number }, unknown>
  readonly setTags: (id: number, tags: { readonly [key: string]: string }, ifMatch?: string) => Effect.Effect<RunRecord, unknown>
  /** Tyger's cancel: the run becomes Canceled at once (`Canceled by user`) and its code is stopped. */
  readonly cancel: (id: number) => Effect.Effect<RunRecord, unknown>
  /** The run now and after every change, ending at a terminal state. */
  readonly watch: (id: number) => Stream.Stream<RunRecord, unknown>
  /** Merged logs: live while the run's containers exist, from the archive afterwards. */
  readonly logs: (id: number, options: LogOptions) => Stream.Stream<LogLine, unknown>
  /** Runs the monitor of one run in this process (the detached monitor process calls this). */
  readonly monitor: (id: number) => Effect.Effect<void, unknown>
}>()("tyger-ts/engine/Runs") {
  static readonly layer = Layer.effect(Runs, Effect.gen(function*() {
    const context = yield* Effect.context<Store | Buffers | Provider | MonitorLauncher | RunLogArchive>()
    const provide = <A, E>(effect: Effect.Effect<A, E, Store | Buffers | Provider | RunLogArchive>) => Effect.provide(effect, context)
    const store = yield* Store
    const provider = yield* Provider
    const launcher = yield* MonitorLauncher
    const archive = yield* RunLogArchive

    const monitor = (id: number) => provide(RunMonitor.monitor(id, randomUUID(), process.pid))

    const create = Effect.fn("Runs.create")(function*(run: Run.Any, options: CreateOptions = {}) {
      const workflow = Workflow.make({ runs: { [run.name ?? DEFAULT_RUN_NAME]: run } })
      const plan = yield* Compiler.compile(workflow, { capabilities: provider.capabilities, provider: provider.name })
      const planned = plan.runs[0]!
      yield* provider.prepare({ plan, run: planned, pull: options.pull ?? false }, options.onProgress ?? (() => Effect.void))
      const origins = yield* provide(publishCodespecs(plan))
      const buffers = yield* provide(bindBuffers(plan, planned))
      const record = yield* store.createRun({
        tags: planned.tags,
        document: RunDocument.make(plan, planned, buffers, origins),
        plan: PlanSchema.encode({ ...plan, runs: [planned] })
      })
      yield* launcher.launch(record.id, Effect.ignore(monitor(record.id)))
      return record
    })

    const get = Effect.fn("Runs.get")(function*(id: number) {
      return yield* provide(RunMonitor.reconcile(yield* store.getRun(id)))
    })

    const list = Effect.fn("Runs.list")(function*(options: Parameters<typeof store.listRuns>[0]) {
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
      const after = yield* store.transitionRun(id, { status: "Canceled", statusReason: CANCELED_BY_USER, finishedAt: Math.floor(Date.now() / 1000) * 1000 })
      yield* provider.stop(id).pipe(Effect.ignore)
      return after ?? before
    })

    const watch = (id: number): Stream.Stream<RunRecord, unknown> =>
      Stream.unwrap(Effect.map(get(id), (first) =>
        Stream.concat(
          Stream.make(first),
          isTerminal(first.status)
            ? Stream.empty
            : Stream.fromEffectSchedule(get(id), Schedule_spaced).pipe(
              Stream.changesWith(sameObservation),
              Stream.filter((r) => !sameObservation(r, first)),
              Stream.takeUntil((r) => isTerminal(r.status))
            )
        )))

    const logs = (id: number, options: LogOptions): Stream.Stream<LogLine, unknown> =>
      Stream.unwrap(Effect.map(get(id), (record): Stream.Stream<LogLine, unknown> =>
        record.logsArchived
          ? Stream.fromIterableEffect(Effect.map(archive.load(id), (lines) => select(lines, options)))
          : provider.logs(id, options)))

    return Runs.of({ create, get, list, counts, setTags, cancel, watch, logs, monitor })
  }))
}

const Schedule_spaced = Schedule.spaced(WATCH_POLL)

/** `since` (strictly after) and `tail` over archived lines, as Tyger applies them to its archive. */
const select = (lines: ReadonlyArray<LogLine>, options: LogOptions): ReadonlyArray<LogLine> => {
  const since = options.since
  const after = since === undefined ? lines : lines.filter((l) => BigInt(l.timestamp) > BigInt(since) * 1_000_000n)
  return options.tail === undefined || options.tail < 0 ? after : options.tail === 0 ? [] : after.slice(-options.tail)
}

import { Duration, Effect, Schedule, Stream } from "effect"
import * as BufferFormat from "../buffers/BufferFormat.ts"
import { Buffers } from "../buffers/Buffers.ts"
import * as EphemeralAccess from "../buffers/EphemeralAccess.ts"
import * as EphemeralBuffers from "../buffers/EphemeralBuffers.ts"
import * as Plan from "../plan/Plan.ts"
import { type LocalStreams, type Observation, Provider, type RunRequest } from "./Provider.ts"
import * as RunDocument from "./RunDocumentFromPlan.ts"
import { RunLogArchive } from "./RunLogArchive.ts"
import { isTerminal, type RunRecord } from "../store/RunRecord.ts"
import { processAlive } from "../host/ProcessAlive.ts"
import { Store } from "../store/Store.ts"
import type { RunTransition } from "../store/RunRecord.ts"

/** How often a monitor proves it is alive, and how stale a heartbeat may get before the monitor counts as dead. */
export const HEARTBEAT = Duration.seconds(2)
export const HEARTBEAT_STALE_MS = 30_000
/** A run whose monitor never claimed it within this time is failed by whoever looks at it next. */
export const MONITOR_START_GRACE_MS = 60_000
/** How soon a monitor notices a cancel made by another process, or its turn in a fan-out. */
const CANCEL_POLL = Duration.millis(500)

export const TIMEOUT_REASON = "Run exceeded its timeout"
export const monitorDiedReason = (pid: number) =>
  `The run's monitor process (pid ${pid}) exited before the run ended; the run was stopped`
export const MONITOR_NEVER_STARTED = "The run's monitor process never started"
export const MONITOR_STOPPED = "The run's monitor was stopped before the run ended"

export const buffersOf = (record: RunRecord): { readonly [parameter: string]: string } => record.buffers

export const requestOf = (record: RunRecord, local?: LocalStreams): RunRequest => {
  const plan = Plan.decodeUnknownSync(record.plan)
  return {
    runId: record.id,
    plan,
    run: plan.runs[0]!,
    buffers: buffersOf(record),
    pull: false,
    ...(local === undefined ? {} : { local })
  }
}

/** Marks each output buffer failed unless its writer already ended it (Tyger writes `.bufferend` only if absent). */
export const failOutputs = Effect.fn("RunMonitor.failOutputs")(function*(record: RunRecord) {
  const buffers = yield* Buffers
  const request = requestOf(record)
  const body = BufferFormat.endBody("failed")
  for (const { name, direction } of RunDocument.parameters(request.plan, request.run)) {
    const id = request.buffers[name]
    if (direction !== "output" || id === undefined || EphemeralBuffers.isEphemeral(id)) continue
    yield* buffers.open({ _tag: "BufferId", id }, "write").pipe(
      Effect.flatMap((container) => container.putBlob(BufferFormat.END_BLOB, body, { contentMd5: BufferFormat.md5Base64(body) })),
      Effect.ignore
    )
  }
})

/**
 * Archives the logs, removes what the provider created and marks the run final; safe to repeat and to run in two
 * processes at once. Logs that cannot be archived keep the run's containers (and the run unfinalised) for a retry.
 */
export const finalize = Effect.fn("RunMonitor.finalize")(function*(runId: number) {
  const store = yield* Store
  const provider = yield* Provider
  const archive = yield* RunLogArchive
  const record = yield* store.getRun(runId)
  if (record.final) return
  if (record.status !== "Succeeded") yield* failOutputs(record)
  // Relays a dead monitor left behind: clients are then told the buffer's relay no longer exists.
  yield* Effect.promise(() => Promise.all(Object.values(record.buffers).map((id) => EphemeralAccess.release(store.dataDir, id))))
  if (!record.logsArchived) {
    const lines = yield* Stream.runCollect(provider.logs(runId, { follow: false })).pipe(Effect.orElseSucceed(() => []))
    const saved = yield* archive.save(runId, Array.from(lines)).pipe(Effect.as(true), Effect.orElseSucceed(() => false))
    if (!saved) return
    yield* store.finishRun(runId, { logsArchived: true })
  }
  yield* provider.remove(runId).pipe(Effect.ignore)
  yield* store.finishRun(runId, { final: true })
})

export interface MonitorOptions {
  /** Streams of the process hosting this monitor (`run exec`); see Provider.LocalStreams. */
  readonly local?: LocalStreams
  /** Called with the run after each change this monitor records. */
  readonly onChange?: (record: RunRecord) => Effect.Effect<void>
}

/** Whether the run with this id has ended (a run that no longer exists has). */
const ended = (id: number) =>
  Effect.gen(function*() {
    const store = yield* Store
    return yield* store.getRun(id)
  }).pipe(
    Effect.flatMap(reconcile),
    Effect.map((r) => isTerminal(r.status)),
    Effect.catchIf((e) => e._tag === "StoreError" && e.reason === "NotFound", () => Effect.succeed(true))
  )

/**
 * A fan-out's run waits, Pending, until fewer than its limit of the runs created before it are still going. Each run
 * counts only those before it, so the first `limit` start at once and the group never waits on itself.
 */
const waitTurn = (run: Plan.Run) => {
  const gate = run.concurrency
  if (gate?.after === undefined || gate.after.length < gate.limit) return Effect.void
  const going = Effect.map(Effect.forEach(gate.after, ended), (done) => done.filter((d) => !d).length)
  return Effect.repeat(going, { schedule: Schedule.spaced(CANCEL_POLL), until: (n) => n < gate.limit }).pipe(Effect.asVoid)
}

/**
 * Supervises one run to its end in this process: claims it, realises it through the provider, enforces the timeout
 * (counted from creation, as Tyger documents), notices cancellation by another process, then finalises. Interrupted
 * (its process is stopping, or exec was interrupted), it stops the run — Failed unless already ended — and
 * finalises before giving up: a run is never left running without a monitor.
 */
export const monitor = Effect.fn("RunMonitor.monitor")(function*(
  runId: number,
  token: string,
  pid: number,
  options: MonitorOptions = {}
) {
  const store = yield* Store
  const provider = yield* Provider
  if (!(yield* store.claimRun(runId, pid, token))) return
  const record = yield* store.getRun(runId)

  const transition = (change: RunTransition) =>
    store.transitionRun(runId, change).pipe(
      Effect.tap((after) =>
        after !== undefined && options.onChange !== undefined && after.status === change.status
          ? options.onChange(after)
          : Effect.void
      ),
      Effect.ignore
    )

  const run = Effect.gen(function*() {
    if (isTerminal(record.status)) return
    const request = requestOf(record, options.local)
    const deadline = record.createdAt + request.run.timeoutSeconds * 1000
    const supervised = Effect.andThen(
      waitTurn(request.run),
      provider.supervise(request, (observation) => transition(observation))
    ).pipe(
      Effect.catch((error) =>
        Effect.succeed<Observation>({ status: "Failed", statusReason: error.message, finishedAt: Date.now() }))
    )
    const canceled = Effect.repeat(store.getRun(runId), {
      schedule: Schedule.spaced(CANCEL_POLL),
      until: (r) => isTerminal(r.status)
    }).pipe(Effect.ignore)
    const timedOut = Effect.sleep(Duration.millis(Math.max(0, deadline - Date.now()))).pipe(
      // A timer may fire a millisecond before the wall clock reaches the deadline; the run timed out at the deadline.
      Effect.andThen(Effect.suspend(() =>
        transition({ status: "Canceled", statusReason: TIMEOUT_REASON, finishedAt: Math.max(Date.now(), deadline) })))
    )
    const outcome = yield* Effect.raceFirst(
      Effect.map(supervised, (observation) => ({ _tag: "Ended" as const, observation })),
      Effect.as(Effect.raceFirst(canceled, timedOut), { _tag: "Stopped" as const })
    )
    // Stopped: the supervision was interrupted, which stopped the run's code and pumps.
    if (outcome._tag === "Ended") yield* transition(outcome.observation)
    else yield* provider.stop(runId).pipe(Effect.ignore)
  })

  const stopped = Effect.gen(function*() {
    yield* transition({ status: "Failed", statusReason: MONITOR_STOPPED, finishedAt: Date.now() })
    yield* provider.stop(runId).pipe(Effect.ignore)
    yield* finalize(runId).pipe(Effect.ignore)
  })

  yield* Effect.gen(function*() {
    yield* Effect.forkChild(Effect.repeat(store.heartbeatRun(runId, token).pipe(Effect.ignore), Schedule.spaced(HEARTBEAT)))
    yield* run
    yield* finalize(runId)
  }).pipe(Effect.onInterrupt(() => stopped))
})

export { processAlive } from "../host/ProcessAlive.ts"

/**
 * Settles a run whose monitor is gone: a run never stays Running forever. Called by anything that reads runs; a
 * no-op for runs that are final or whose monitor is alive.
 */
export const reconcile = Effect.fn("RunMonitor.reconcile")(function*(record: RunRecord) {
  if (record.final) return record
  const store = yield* Store
  const provider = yield* Provider
  const now = Date.now()
  const monitorGone = record.monitor === undefined
    ? now - record.createdAt > MONITOR_START_GRACE_MS
    : !processAlive(record.monitor.pid) || now - (record.monitor.heartbeatAt ?? 0) > HEARTBEAT_STALE_MS
  if (!monitorGone) return record
  if (!isTerminal(record.status)) {
    const reason = record.monitor === undefined ? MONITOR_NEVER_STARTED : monitorDiedReason(record.monitor.pid)
    yield* store.transitionRun(record.id, { status: "Failed", statusReason: reason, finishedAt: now })
    yield* provider.stop(record.id).pipe(Effect.ignore)
  }
  yield* finalize(record.id).pipe(Effect.ignore)
  return yield* store.getRun(record.id)
})

import { Duration, Effect, Fiber, Schedule, Stream } from "effect"
import * as BufferFormat from "./BufferFormat.ts"
import { Buffers } from "./Buffers.ts"
import * as Plan from "./Plan.ts"
import { Provider, type RunRequest } from "./Provider.ts"
import * as RunDocument from "./RunDocument.ts"
import { RunLogArchive } from "./RunLogArchive.ts"
import { isTerminal, type RunRecord } from "./RunRecord.ts"
import { Store } from "./Store.ts"

/** How often a monitor proves it is alive, and how stale a heartbeat may get before the monitor counts as dead. */
export const HEARTBEAT = Duration.seconds(2)
export const HEARTBEAT_STALE_MS = 30_000
/** A run whose monitor never claimed it within this time is failed by whoever looks at it next. */
export const MONITOR_START_GRACE_MS = 60_000
const CANCEL_POLL = Duration.millis(500)

export const TIMEOUT_REASON = "Run exceeded its timeout"

const buffersOf = (record: RunRecord): { readonly [parameter: string]: string } =>
  ((record.document["job"] as { buffers?: Record<string, string> } | undefined)?.buffers) ?? {}

const requestOf = (record: RunRecord): RunRequest => {
  const plan = Plan.decodeUnknownSync(record.plan)
  return { runId: record.id, plan, run: plan.runs[0]!, buffers: buffersOf(record), pull: false }
}

/** Marks each output buffer failed unless its writer already ended it (Tyger writes `.bufferend` only if absent). */
const failOutputs = Effect.fnUntraced(function*(record: RunRecord) {
  const buffers = yield* Buffers
  const request = requestOf(record)
  for (const { name, direction } of RunDocument.parameters(request.plan, request.run)) {
    const id = request.buffers[name]
    if (direction !== "output" || id === undefined) continue
    yield* buffers.open({ _tag: "BufferId", id }, "write").pipe(
      Effect.flatMap((container) =>
        container.putBlob(BufferFormat.END_BLOB, BufferFormat.endBody("failed"), { contentMd5: BufferFormat.md5Base64(BufferFormat.endBody("failed")) })
      ),
      Effect.ignore
    )
  }
})

/** Archives logs, removes what the provider created and marks the run final; safe to repeat. */
export const finalize = Effect.fn("RunMonitor.finalize")(function*(runId: number) {
  const store = yield* Store
  const provider = yield* Provider
  const archive = yield* RunLogArchive
  const record = yield* store.getRun(runId)
  if (record.final) return
  if (record.status !== "Succeeded") yield* failOutputs(record)
  if (!record.logsArchived) {
    const lines = yield* Stream.runCollect(provider.logs(runId, { follow: false })).pipe(Effect.orElseSucceed(() => []))
    yield* archive.save(runId, Array.from(lines)).pipe(Effect.ignore)
    yield* store.finishRun(runId, { logsArchived: true })
  }
  yield* provider.remove(runId).pipe(Effect.ignore)
  yield* store.finishRun(runId, { final: true })
})

/**
 * Supervises one run to its end in this process: claims it, realises it through the provider, enforces the timeout
 * (counted from creation, as Tyger documents), notices cancellation by another process, then finalises.
 */
export const monitor = Effect.fn("RunMonitor.monitor")(function*(runId: number, token: string, pid: number) {
  const store = yield* Store
  const provider = yield* Provider
  if (!(yield* store.claimRun(runId, pid, token))) return
  const heartbeat = yield* Effect.forkChild(
    Effect.repeat(store.heartbeatRun(runId, token).pipe(Effect.ignore), Schedule.spaced(HEARTBEAT))
  )
  const record = yield* store.getRun(runId)
  if (!isTerminal(record.status)) {
    const deadline = record.createdAt + (requestOf(record).run.timeoutSeconds * 1000)
    const now = Date.now()
    const supervise = provider.supervise(requestOf(record), (observation) =>
      Effect.asVoid(store.transitionRun(runId, observation).pipe(Effect.ignore)))
    const canceled = Effect.repeat(store.getRun(runId), {
      schedule: Schedule.spaced(CANCEL_POLL),
      until: (r) => isTerminal(r.status)
    }).pipe(Effect.ignore)
    const timeout = Effect.sleep(Duration.millis(Math.max(0, deadline - now))).pipe(
      Effect.andThen(store.transitionRun(runId, { status: "Canceled", statusReason: TIMEOUT_REASON, finishedAt: Date.now() })),
      Effect.ignore
    )
    const outcome = yield* Effect.raceFirst(
      Effect.map(Effect.result(supervise), (r) => ({ _tag: "Ended" as const, result: r })),
      Effect.map(Effect.raceFirst(canceled, timeout), () => ({ _tag: "Stopped" as const }))
    )
    if (outcome._tag === "Ended") {
      const observation = outcome.result._tag === "Success"
        ? outcome.result.success
        : { status: "Failed" as const, statusReason: outcome.result.failure.message, finishedAt: Date.now() }
      yield* store.transitionRun(runId, observation)
    } else {
      yield* provider.stop(runId).pipe(Effect.ignore)
    }
  }
  yield* finalize(runId)
  yield* Fiber.interrupt(heartbeat)
})

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"
  }
}

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
    const reason = record.monitor === undefined
      ? "The run's monitor process never started"
      : `The run's monitor process (pid ${record.monitor.pid}) exited unexpectedly`
    yield* store.transitionRun(record.id, { status: "Failed", statusReason: reason, finishedAt: now })
    yield* provider.stop(record.id).pipe(Effect.ignore)
  }
  yield* finalize(record.id).pipe(Effect.ignore)
  return yield* store.getRun(record.id)
})

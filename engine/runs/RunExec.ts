import { Cause, Duration, Effect, Exit, Fiber, Option, Schema, Stream } from "effect"
import { randomUUID } from "node:crypto"
import type * as Run from "../../dsl/Run.ts"
import type { ByteSink } from "../buffers/BufferReader.ts"
import { Buffers } from "../buffers/Buffers.ts"
import type { ByteSource } from "../buffers/BufferWriter.ts"
import { type CreateOptions, createRecord, plan, RunsError } from "./internal/RunCreate.ts"
import { directFeed, teeInput } from "./RunTee.ts"
import type * as Plan from "../plan/Plan.ts"
import type { LogLine, LogOptions, LocalStreams } from "./Provider.ts"
import { failedError } from "./RunFailedError.ts"
import * as RunMonitor from "./RunMonitor.ts"
import type { RunRecord } from "../store/RunRecord.ts"
import { Store } from "../store/Store.ts"

export { RunFailedError } from "./RunFailedError.ts"

/** The output sink failed (e.g. stdout closed); the run itself went on and its output buffer was written. */
export class ExecOutputError extends Schema.TaggedError<ExecOutputError>()("ExecOutputError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

export const CANCELED_BY_USER = "Canceled by user"
/** Tyger's exec waits this long for the logs to finish streaming once the run has ended (the CLI's too). */
export const LOGS_GRACE = Duration.seconds(20)

export interface ExecOptions extends CreateOptions {
  /** The bytes of the single unmapped input buffer (Tyger: stdin). @default no bytes */
  readonly input?: ByteSource
  /** Receives the single unmapped output buffer (Tyger: stdout); not closed by exec. @default discarded */
  readonly output?: ByteSink
  /** The run as created (Pending); Tyger logs `Run created runId=<id>`. */
  readonly onCreated?: (run: RunRecord) => Effect.Effect<void>
  /** Each status change; Tyger logs `Run status changed status=<S>`. */
  readonly onStatus?: (run: RunRecord) => Effect.Effect<void>
  /** The run's logs while it runs (Tyger's `--logs`). */
  readonly onLog?: (line: LogLine) => Effect.Effect<void>
  /** Bytes per input blob (Tyger's `--block-size`). */
  readonly blockSize?: number
  /** Input blobs uploaded at once (Tyger's `--write-dop`). */
  readonly writeDop?: number
}

/** Parameters bound to no buffer (or to `_`): exec feeds and drains these. Inputs first, then outputs. */
export const unmappedOf = (planned: { readonly plan: Plan.Plan; readonly run: Plan.Run }) => {
  const job = planned.plan.codespecs.find((c) => c.id === planned.run.job.codespec)!
  const unmapped = (parameter: string) => {
    const kind = planned.run.job.buffers[parameter]?.kind ?? "create"
    return kind === "create" || kind === "ephemeral"
  }
  return {
    inputs: (job.spec.buffers?.inputs ?? []).filter(unmapped),
    outputs: (job.spec.buffers?.outputs ?? []).filter(unmapped)
  }
}

const emptySource: ByteSource = {
  read: () => Promise.resolve(0),
  isRegularFile: () => Promise.resolve(false),
  close: () => Promise.resolve()
}

const outputError = (failure: unknown) =>
  new ExecOutputError({ message: `error writing to output: ${failure instanceof Error ? failure.message : String(failure)}`, cause: failure })

const discardSink: ByteSink = { write: () => Promise.resolve(), close: () => Promise.resolve() }

/**
 * Tyger's `run exec` as an Effect: creates the run, hosts its monitor in this fiber, streams `input` into the single
 * unmapped input buffer and the single unmapped output buffer into `output` (each byte once per buffer: the monitor
 * takes the same blocks), and succeeds with the Succeeded run once all of it is done. A run that ends otherwise fails
 * with RunFailedError at once. Interrupting exec (Ctrl-C) cancels the run (microsoft/tyger#340): `Canceled by user`.
 */
export const exec = Effect.fn("Runs.exec")(function*(
  run: Run.Any,
  options: ExecOptions,
  logs: (id: number, options: LogOptions) => Stream.Stream<LogLine, unknown>
) {
  const store = yield* Store
  const buffers = yield* Buffers
  const planned = yield* plan(run)
  const unmapped = unmappedOf(planned)
  if (unmapped.inputs.length > 1) {
    return yield* new RunsError({ reason: "InvalidInput", message: "exec cannot be called if the job has multiple unmapped input buffers" })
  }
  if (unmapped.outputs.length > 1) {
    return yield* new RunsError({ reason: "InvalidInput", message: "exec cannot be called if the job has multiple unmapped output buffers" })
  }
  const record = yield* createRecord(planned, options)
  if (options.onCreated !== undefined) yield* options.onCreated(record)
  const bufferIds = RunMonitor.buffersOf(record)

  const inputParameter = unmapped.inputs[0]
  const outputParameter = unmapped.outputs[0]
  // An ephemeral input (`_`) has no buffer to write: stdin goes straight to the program's pipe.
  const ephemeralInput = inputParameter !== undefined && planned.run.job.buffers[inputParameter]?.kind === "ephemeral"
  const tee = inputParameter === undefined || ephemeralInput ? undefined : teeInput(options.input ?? emptySource)
  let outputFailure: unknown
  const output = options.output ?? discardSink
  const outputSink: ByteSink = {
    write: (chunk) =>
      output.write(chunk).catch((error: unknown) => {
        outputFailure ??= error
        throw error
      }),
    close: () => Promise.resolve()
  }
  const local: LocalStreams = {
    inputs: inputParameter === undefined
      ? {}
      : { [inputParameter]: tee === undefined ? directFeed(options.input ?? emptySource) : tee.feed },
    outputs: outputParameter === undefined ? {} : { [outputParameter]: outputSink }
  }

  const body = Effect.gen(function*() {
    const monitor = yield* Effect.forkScoped(RunMonitor.monitor(record.id, randomUUID(), process.pid, {
      local,
      ...(options.onStatus === undefined ? {} : { onChange: options.onStatus })
    }))
    const writer = yield* Effect.forkScoped(
      inputParameter === undefined || tee === undefined
        ? Effect.void
        : buffers.open({ _tag: "BufferId", id: bufferIds[inputParameter]! }, "write").pipe(
          Effect.flatMap((container) =>
            buffers.write(container, tee.source, {
              ...(options.blockSize === undefined ? {} : { blockSize: options.blockSize }),
              ...(options.writeDop === undefined ? {} : { dop: options.writeDop })
            })
          )
        )
    )
    const onLog = options.onLog
    const logFiber = onLog === undefined
      ? undefined
      : yield* Effect.forkScoped(Stream.runForEach(logs(record.id, { follow: true }), onLog).pipe(Effect.ignore))

    yield* Fiber.join(monitor)
    const ended = yield* store.getRun(record.id)
    // An ephemeral output has nowhere else to go: its sink failing (stdout closed) fails the run, for that reason.
    if (ended.status !== "Succeeded" && outputFailure !== undefined) return yield* outputError(outputFailure)
    if (ended.status !== "Succeeded") {
      // The input's writer failing (a full disk, a broken stdin) starves the run, which then fails for want of data
      // ("the input buffer's data ended early"): the writer's own failure is the cause to report.
      // By the time the monitor has finalised the run, such a writer has long ended: it is looked at, not waited for.
      const written = writer.pollUnsafe()
      if (written !== undefined && Exit.isFailure(written)) {
        const cause = Cause.findErrorOption(written.cause)
        if (Option.isSome(cause)) return yield* Effect.fail(cause.value)
      }
      // The monitor has finalised the run: its logs are archived, and their tail goes with the failure.
      return yield* Effect.flatMap(failedError(ended, logs), Effect.fail)
    }
    // Tyger waits for its transfers: all of the input is stored even when the program read only part of it.
    yield* Fiber.join(writer)
    if (logFiber !== undefined) yield* Fiber.join(logFiber).pipe(Effect.timeout(LOGS_GRACE), Effect.ignore)
    if (outputFailure !== undefined) return yield* outputError(outputFailure)
    return ended
  })

  return yield* body.pipe(
    Effect.onInterrupt(() =>
      store.transitionRun(record.id, { status: "Canceled", statusReason: CANCELED_BY_USER, finishedAt: Math.floor(Date.now() / 1000) * 1000 })
        .pipe(Effect.ignore)
    ),
    // The monitor is interrupted when the scope closes: it stops the run's code and finalises.
    Effect.scoped
  )
})

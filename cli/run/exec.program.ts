import { Cause, Effect, Exit, Fiber, Option, Result, Stream } from "effect"
import type { Readable, Writable } from "node:stream"
import { BlobStoreError } from "../../engine/buffers/BlobStore.ts"
import { BufferDataError } from "../../engine/buffers/BufferDataError.ts"
import * as BufferReader from "../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../engine/buffers/BufferWriter.ts"
import type { LogLine } from "../../engine/runs/Provider.ts"
import type { RunRecord } from "../../engine/store/RunRecord.ts"
import { ExecOutputError, LOGS_GRACE, RunFailedError, Runs } from "../../engine/runs/Runs.ts"
import { invalidArguments } from "../CliError.ts"
import { messageOf, runFailedText } from "../Errors.ts"
import { fatal, LoggedFatal } from "../output/Fatal.ts"
import { descriptorSink, descriptorSource, isBrokenPipe, sinkOf } from "../buffer/Streams.ts"
import { interrupted } from "../buffer/Signals.ts"
import { intFlag, tygerErrors } from "./RunArgs.ts"
import { noArgs, pullProgress } from "./create.program.ts"
import { format, writeText } from "./LogLines.ts"
import { runOf } from "./RunFromFlags.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunExecCommand } from "./exec.ts"

/** What `run exec` streams: the process's own standard streams. */
export interface ExecStreams {
  readonly stdin: Readable
  readonly stdout: Writable
  readonly stderr: Writable
}

/**
 * Tyger's `--block-size` (checked before anything else, in cobra's PreRunE): a `B` is appended, base-2 units. The
 * parser's module is loaded only then: it builds `buffer gen`'s 1 MiB pattern when loaded, which every exec would pay.
 */
const blockSizeOf = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(undefined)
  return Effect.flatMap(Effect.promise(() => import("../../engine/buffers/BufferGen.ts")), (BufferGen) => {
    const parsed = BufferGen.parseSize(value)
    return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(invalidArguments(parsed.failure))
  })
}

/**
 * `tyger run exec`: creates the run and supervises it in this process; stdin goes to the job's single unmapped input
 * buffer and its single unmapped output buffer to stdout. Status changes are logged as Tyger logs them, `--logs`
 * streams the run's logs to stderr. A run that does not succeed ends with Tyger's `FTL Run failed`; Ctrl-C (or
 * SIGTERM) cancels the run (microsoft/tyger#340), then fails the same way.
 */
export const exec = Effect.fn("run.exec")(function*(flags: Flags<RunExecCommand>, streams: ExecStreams) {
  const blockSize = yield* blockSizeOf(flags.blockSize)
  const writeDop = yield* intFlag("write-dop", undefined, flags.writeDop, BufferWriter.DEFAULT_DOP)
  // The output reaches stdout straight from the program's pipe (see Provider.LocalStreams): no reads to parallelise.
  yield* intFlag("read-dop", undefined, flags.readDop, BufferReader.DEFAULT_DOP)
  yield* noArgs("exec", flags.positionals)
  const run = yield* runOf(flags)
  const runs = yield* Runs

  let created: RunRecord | undefined
  let lastStatus: string | undefined
  // Tyger adds `runId` to every log line once the run exists, as a number (zerolog's `.Int64`), as is `runningCount`.
  const withRunId = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    created === undefined ? effect : Effect.annotateLogs(effect, "runId", created.id)
  const onStatus = (record: RunRecord) => {
    if (record.status === lastStatus) return Effect.void
    lastStatus = record.status
    return withRunId(Effect.logInfo("Run status changed")).pipe(
      Effect.annotateLogs({
        status: record.status,
        ...(record.runningCount === undefined ? {} : { runningCount: record.runningCount })
      })
    )
  }
  const onCreated = (record: RunRecord) =>
    Effect.suspend(() => {
      created = record
      return withRunId(Effect.logInfo("Run created")).pipe(Effect.andThen(onStatus(record)))
    })

  const writeLog = writeText(sinkOf(streams.stderr))
  let lastLog: bigint | undefined
  const onLog = (line: LogLine) =>
    Effect.suspend(() => {
      lastLog = BigInt(line.timestamp)
      // stderr going away must not fail the run's supervision.
      return Effect.ignore(writeLog(format(line, flags.timestamps)))
    })
  /**
   * The engine's exec fails as soon as the run has failed, ending the log stream with it; Tyger still waits for the
   * logs, which usually explain the failure. The lines not yet printed are read from the finished run.
   */
  const remainingLogs = (runId: number) =>
    Stream.runForEach(
      runs.logs(runId, { follow: false, ...(lastLog === undefined ? {} : { since: Number(lastLog / 1_000_000n) }) }).pipe(
        Stream.filter((line) => lastLog === undefined || BigInt(line.timestamp) > lastLog)
      ),
      onLog
    ).pipe(Effect.timeout(LOGS_GRACE), Effect.ignore)

  const source = yield* descriptorSource(streams.stdin)
  // Closed (flushed) before the outcome is reported, whatever it is.
  const output = descriptorSink(streams.stdout)
  const execution = runs.exec(run, {
    input: source,
    output,
    onCreated,
    onStatus,
    ...(flags.logs ? { onLog } : {}),
    ...(blockSize === undefined ? {} : { blockSize }),
    writeDop,
    pull: flags.pull,
    onProgress: pullProgress
  })
  const fiber = yield* Effect.forkChild(execution)
  const signals = yield* Effect.forkChild(interrupted.pipe(
    Effect.andThen(Effect.suspend(() => withRunId(Effect.logWarning("Canceling...")))),
    // Interrupting exec cancels the run, stops its code and finalises it before the fiber ends.
    Effect.andThen(Fiber.interrupt(fiber))
  ))
  const exit = yield* Fiber.await(fiber)
  yield* Fiber.interrupt(signals)
  yield* Effect.promise(() => source.close())
  const flushed = yield* Effect.promise(() => output.close().then(() => undefined, (error: unknown) => ({ error })))
  if (Exit.isSuccess(exit)) {
    if (flushed === undefined) return
    if (isBrokenPipe(flushed.error)) return yield* new LoggedFatal({ message: "broken pipe" })
    return yield* withRunId(fatal("Failed to read output", messageOf(flushed.error)))
  }

  if (Cause.hasInterruptsOnly(exit.cause)) {
    if (created === undefined) return yield* fatal("Run failed", "context canceled")
    const ended = yield* tygerErrors(runs.get(created.id))
    return yield* withRunId(fatal("Run failed", runFailedText(ended)))
  }
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isNone(failure)) return yield* Effect.failCause(exit.cause)
  const error = failure.value
  if (error instanceof RunFailedError) {
    if (flags.logs && created !== undefined) yield* remainingLogs(created.id)
    return yield* withRunId(fatal("Run failed", runFailedText(error)))
  }
  if (error instanceof ExecOutputError) {
    // Like Tyger's Go binary killed by SIGPIPE when the reader of its stdout goes away: no message.
    if (isBrokenPipe(error.cause) || isBrokenPipe(error)) return yield* new LoggedFatal({ message: "broken pipe" })
    return yield* withRunId(fatal("Failed to read output", error.message))
  }
  // What fails after the run was created is the input transfer.
  if ((error instanceof BufferDataError || error instanceof BlobStoreError) && created !== undefined) {
    return yield* withRunId(fatal("Failed to write input", error.message))
  }
  return yield* tygerErrors(Effect.fail(error))
})

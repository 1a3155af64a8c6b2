import { Effect } from "effect"
import { Buffer } from "node:buffer"
import type { ByteSink } from "../../engine/buffers/BufferReader.ts"
import type { ByteSource } from "../../engine/buffers/ByteStream.ts"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import type { Latch } from "../../engine/pipes/Latch.ts"
import { tapOutput } from "../../engine/runs/RunTee.ts"
import type { LocalFeed, ProviderError } from "../../engine/runs/Provider.ts"
import { providerError } from "./DockerRunCreator.ts"
import * as Fifo from "./internal/Fifo.ts"

/**
 * The monitor's side of a run's buffers (what Tyger's buffer sidecars do, without containers): each input buffer is
 * streamed into its pipe and each output pipe into its buffer, all at once. A pump that fails fails the run; a pipe
 * the program never opens, or closes early, is not a failure.
 */

/** Input blobs fetched ahead of the pipe: enough to hide the store's latency without holding 128 MiB per input. */
const INPUT_READ_DOP = 8

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

const failed = (what: string, parameter: string, error: unknown): ProviderError =>
  providerError("Unknown", `Failed to ${what} buffer '${parameter}': ${describe(error)}`, error)

/** Where an input goes other than a pipe: a socket (see DockerSockets), ended only if the data ended well. */
export interface InputTarget {
  readonly write: (chunk: Uint8Array) => Promise<void>
  /** The data ended well: the program may read its end. */
  readonly end: () => Promise<void>
  /** The data failed (or the run stops): the program must never read a clean end. */
  readonly abort: (cause: unknown) => void
}

export interface InputPump {
  readonly parameter: string
  readonly bufferId: string
  readonly path: string
  readonly gone: Latch
  /** exec's bytes for this input, instead of reading the buffer back. */
  readonly feed: LocalFeed | undefined
  /** Instead of the pipe at `path`: a socket's input. Its failures are failures, never a program that went away. */
  readonly target?: InputTarget | undefined
}

const targetPipe = (target: InputTarget) => ({
  write: target.write,
  close: target.end,
  abandon: () => target.abort(new Error("the input was not written to its end")),
  ended: () => undefined
})

export const input = Effect.fn("DockerPumps.input")(function*(pump: InputPump) {
  const pipe = pump.target === undefined ? Fifo.writer(pump.path, pump.gone) : targetPipe(pump.target)
  // The pipe is closed here, not by the buffer reader: only data that ended well may give the program end-of-file.
  const sink: ByteSink = { write: pipe.write, close: () => Promise.resolve() }
  const stopped = (error: unknown) => {
    if (pipe.ended() !== undefined) return Effect.void
    pipe.abandon()
    return Effect.fail(failed("read input", pump.parameter, error))
  }
  const feed = pump.feed
  const transfer = feed !== undefined
    ? Effect.tryPromise({ try: () => feed.drainTo(sink), catch: (error) => error }).pipe(
      // The program is gone or the run stops: exec's writer must not wait for a pipe nobody reads.
      Effect.ensuring(Effect.sync(() => feed.discard()))
    )
    : Effect.gen(function*() {
      const buffers = yield* Buffers
      const container = yield* buffers.open({ _tag: "BufferId", id: pump.bufferId }, "read")
      yield* buffers.read(container, sink, { dop: INPUT_READ_DOP })
    })
  yield* transfer.pipe(
    Effect.andThen(Effect.promise(() => pipe.close())),
    Effect.catch((error: unknown) => stopped(error)),
    Effect.onInterrupt(() => Effect.sync(() => pipe.abandon()))
  )
})

export interface OutputPump {
  readonly parameter: string
  readonly bufferId: string
  /** The pipe, opened before the program starts so that its open never waits. */
  readonly reader: Fifo.PipeReader
  /** exec's sink for this output. */
  readonly tap: ByteSink | undefined
}

/** Opens the host end of an output pipe now (see Fifo.reader). */
export const openOutput = (path: string, gone: Latch, succeeded: Promise<boolean>) =>
  Effect.try({
    try: () => Fifo.reader(path, gone, succeeded),
    catch: (cause) => providerError("Unknown", `opening the pipe ${path}: ${describe(cause)}`, cause)
  })

export const output = Effect.fn("DockerPumps.output")(function*(pump: OutputPump) {
  const buffers = yield* Buffers
  const source = pump.tap === undefined ? pump.reader : tapOutput(pump.reader, pump.tap)
  yield* buffers.open({ _tag: "BufferId", id: pump.bufferId }, "write").pipe(
    Effect.flatMap((container) => buffers.write(container, source)),
    // The program did not succeed: the writer has recorded the buffer as failed, which is the intended outcome.
    Effect.catchIf(
      (error) => error._tag === "BufferDataError" && error.cause instanceof Fifo.ProgramFailed,
      () => Effect.void
    ),
    Effect.mapError((error) => failed("write output", pump.parameter, error))
  )
})

/** Bytes per read of an ephemeral output's pipe. */
const EPHEMERAL_READ = 1024 * 1024

export interface EphemeralOutputPump {
  readonly parameter: string
  readonly reader: Fifo.PipeReader
  /** Where the bytes go: exec's sink, or the relay's one reader. */
  readonly deliver: (source: ByteSource) => Promise<void>
}

/**
 * An ephemeral output (`_`): the pipe straight to its one reader, nothing stored. A program that did not succeed ends
 * the stream with ProgramFailed, which the reader is told of (the relay's TransferFailed); the run fails on its own.
 */
export const ephemeralOutput = Effect.fn("DockerPumps.ephemeralOutput")(function*(pump: EphemeralOutputPump) {
  yield* Effect.tryPromise({ try: () => pump.deliver(pump.reader), catch: (error) => error }).pipe(
    Effect.catchIf((error) => error instanceof Fifo.ProgramFailed, () => Effect.void),
    Effect.mapError((error) => failed("write output", pump.parameter, error)),
    Effect.ensuring(Effect.promise(() => pump.reader.close()))
  )
})

/** Copies `source` into `sink`, each chunk in memory of its own (a sink may keep what it is given). */
export const copy = async (source: ByteSource, sink: ByteSink): Promise<void> => {
  const scratch = Buffer.allocUnsafe(EPHEMERAL_READ)
  for (let n = await source.read(scratch, 0, scratch.length); n > 0; n = await source.read(scratch, 0, scratch.length)) {
    // allocUnsafe of more than 4 KiB owns its memory, which a descriptor sink then moves to its thread without a copy.
    const chunk = Buffer.allocUnsafe(n)
    chunk.set(scratch.subarray(0, n))
    await sink.write(chunk)
  }
}

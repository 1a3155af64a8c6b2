import { Effect } from "effect"
import * as FsCallbacks from "node:fs"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import process from "node:process"
import type { Readable, Writable } from "node:stream"
import type * as BufferReader from "../../../engine/BufferReader.ts"
import * as BufferWriter from "../../../engine/BufferWriter.ts"
import { errnoOf, pathError } from "../../output/goErrors.ts"

/**
 * Where buffer bytes come from and go to on the command line.
 *
 * stdin is read through its descriptor only when it is a regular file. A pipe or terminal is read as a stream: on
 * Node that was faster (`gen 1G | write`: 6.7 s through fd 0, 4.1 s as a stream), and closing a stream source (an
 * interrupted write) never waits for input. Streams are read with `read()` on `readable` events for that reason: the
 * engine's `fromReadable` closes its async iterator, which waits for the pending read, i.e. for more input.
 * stdout is written as a stream too (`gen 1G | cat`: 3.2 s through fd 1, where descriptor writes to a full pipe back
 * off and sleep; 1.1 s as a stream).
 */

const EMPTY = new Uint8Array(0)
const encoder = new TextEncoder()

/** A source over a stream that can be closed while a read waits (the engine's `fromReadable` waits for the read). */
export const streamSource = (stream: Readable): BufferWriter.ByteSource => {
  let pending: Uint8Array = EMPTY
  let failure: unknown
  let closed = false
  let waiter: (() => void) | undefined
  const wake = () => {
    const resume = waiter
    waiter = undefined
    resume?.()
  }
  const onError = (error: unknown) => {
    failure ??= error
    wake()
  }
  stream.on("readable", wake)
  stream.on("end", wake)
  stream.on("close", wake)
  stream.on("error", onError)
  return {
    read: async (buffer, offset, length) => {
      for (;;) {
        if (pending.length > 0) {
          const n = Math.min(length, pending.length)
          buffer.set(pending.subarray(0, n), offset)
          pending = pending.subarray(n)
          return n
        }
        if (failure !== undefined) throw failure
        if (closed) return 0
        const chunk = stream.read() as Uint8Array | string | null
        if (chunk !== null) {
          pending = typeof chunk === "string" ? encoder.encode(chunk) : chunk
          continue
        }
        if (stream.readableEnded || stream.destroyed) return 0
        await new Promise<void>((resolve) => (waiter = resolve))
      }
    },
    isRegularFile: () => Promise.resolve(false),
    close: () => {
      closed = true
      stream.off("readable", wake)
      stream.off("end", wake)
      stream.off("close", wake)
      // Keeps `onError`: an error emitted later must not become an uncaught exception. A read the runtime still has
      // pending on the descriptor does not hold the command up: cli/main.ts exits explicitly.
      stream.destroy()
      wake()
      return Promise.resolve()
    }
  }
}

/**
 * A sink over a stream: resolves when the stream accepted the chunk or drained. Its errors (EPIPE when the reader of
 * stdout went away) reject the write instead of surfacing as uncaught exceptions.
 */
export const streamSink = (stream: Writable): BufferReader.ByteSink => {
  let failure: unknown
  stream.on("error", (error: unknown) => (failure ??= error))
  return {
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        if (failure !== undefined) return reject(failure)
        const ready = stream.write(chunk, (error) => {
          if (error !== null && error !== undefined) failure ??= error
        })
        if (ready) return resolve()
        const done = () => {
          stream.off("drain", done)
          stream.off("error", done)
          stream.off("close", done)
          if (failure !== undefined) reject(failure)
          else resolve()
        }
        stream.on("drain", done)
        stream.on("error", done)
        stream.on("close", done)
      }),
    close: () => Promise.resolve()
  }
}

const isRegularFd = (fd: number) =>
  Effect.promise(() =>
    new Promise<boolean>((resolve) => FsCallbacks.fstat(fd, (error, stats) => resolve(error === null && stats.isFile())))
  )

export const sourceOf = (stream: Readable): Effect.Effect<BufferWriter.ByteSource> =>
  stream === process.stdin
    ? Effect.map(isRegularFd(0), (regular) => (regular ? BufferWriter.fromFd(0) : streamSource(stream)))
    : Effect.succeed(streamSource(stream))

export const sinkOf = (stream: Writable): BufferReader.ByteSink => streamSink(stream)

/** The reader of our output went away: Tyger (Go) dies of SIGPIPE there, silently. */
export const isBrokenPipe = (error: unknown): boolean =>
  errnoOf(error) === "EPIPE" ||
  (typeof error === "object" && error !== null && "cause" in error && errnoOf(error.cause) === "EPIPE")

/**
 * Opens `file` (relative to `cwd`) for the length of the scope; the failure is Go's `open <file>: <reason>`, which
 * Tyger logs before any data moves.
 */
export const openFile = (cwd: string, file: string, mode: "read" | "write") =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => Fs.open(Path.resolve(cwd, file), mode === "read" ? "r" : "w", 0o644),
      catch: (cause) => pathError("open", file, cause)
    }),
    (handle) => Effect.promise(() => handle.close().catch(() => undefined))
  )

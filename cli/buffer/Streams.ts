import { Effect } from "effect"
import * as FsCallbacks from "node:fs"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import type { Readable, Writable } from "node:stream"
import * as BufferReader from "../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../engine/buffers/BufferWriter.ts"
import { fatal } from "../output/Fatal.ts"
import { errnoOf, pathError } from "../output/GoErrors.ts"

/**
 * Where buffer bytes come from and go to on the command line.
 *
 * A file is read and written through its descriptor, by a thread of its own. So are the process's stdin and stdout
 * when they are pipes or files, after putting them back in blocking mode (see {@link descriptorSource}); a thread's
 * blocking reads and writes wait in the kernel, where the event loop's would take turns with everything else.
 * Measured (2 GiB, bench/README.md "Buffers from the command line"): `buffer write` from a pipe 5.6 s against 8.5 s
 * through a stream, `buffer read` into a pipe 6.6–7.3 s against 8.8 s. `buffer gen`, whose bytes are made on the
 * event loop, writes stdout as a stream (1.1–1.7 s against 2.1 s through a thread for 2 GiB): see {@link outputSink}.
 *
 * A terminal, and the streams the tests pass instead of the process's, are streams: read with `read()` on
 * `readable` events, because the engine's `fromReadable` closes its async iterator, which waits for the pending
 * read, i.e. for more input.
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

/** What a descriptor is: a regular file, a pipe (a shell's `|`, a FIFO), or anything else (a socket, a device). */
const kindOf = (fd: number) =>
  Effect.promise(() =>
    new Promise<"file" | "pipe" | "other">((resolve) =>
      FsCallbacks.fstat(fd, (error, stats) =>
        resolve(error !== null ? "other" : stats.isFile() ? "file" : stats.isFIFO() ? "pipe" : "other")
      )
    )
  )

export const sinkOf = (stream: Writable): BufferReader.ByteSink => streamSink(stream)

interface StdioHandle {
  readonly _handle?: { readonly setBlocking?: (blocking: boolean) => number }
  readonly isTTY?: boolean
}

/**
 * Puts a standard stream's descriptor back in blocking mode, so that a thread's reads and writes wait in the kernel
 * instead of sleeping on EAGAIN (measured: a third of `run exec`'s throughput). Node made it non-blocking when it
 * created the stream (libuv's pipes are); the stream itself is never read or written from then on. Bun and Deno
 * expose no handle and leave the descriptor alone.
 */
const blocking = (stream: StdioHandle): void => void stream._handle?.setBlocking?.(true)

/**
 * stdin through its descriptor, read by a thread of its own (BufferWriter.fromFd), when it is a file or a pipe.
 * Anything else is read as a stream ({@link streamSource}): a terminal, the streams the tests pass, and a socket
 * (what a Node parent's `spawn` gives as stdin), because a thread blocked reading an idle socket cannot be woken when
 * the command stops, and the process could then never exit (a pipe's can: see FdBlocks' wakeBlockedRead).
 */
export const descriptorSource = (stream: Readable): Effect.Effect<BufferWriter.ByteSource> => {
  if (stream !== process.stdin || (stream as StdioHandle).isTTY === true) return Effect.succeed(streamSource(stream))
  return Effect.map(kindOf(0), (kind) => {
    if (kind === "other") return streamSource(stream)
    if (kind === "pipe") blocking(stream as StdioHandle)
    return BufferWriter.fromFd(0)
  })
}

/**
 * stdout through its descriptor, written by a thread of its own (BufferReader.toFd), unless it is a terminal or not
 * the process's stdout: then {@link sinkOf}. Only a successful `close` means everything was written.
 */
export const descriptorSink = (stream: Writable): BufferReader.ByteSink => {
  if (stream !== process.stdout || (stream as StdioHandle).isTTY === true) return sinkOf(stream)
  blocking(stream as StdioHandle)
  return BufferReader.toFd(1)
}

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

const given = (file: string | undefined): file is string => file !== undefined && file !== ""

/**
 * `-o, --output` of `buffer read|gen`: the file (opened for the length of the scope), else `stdout`, through its
 * descriptor (`buffer read`) or as a stream (`buffer gen`, see the figures above).
 */
export const outputSink = (cwd: string, file: string | undefined, stdout: Writable, via: "descriptor" | "stream") =>
  given(file)
    ? openFile(cwd, file, "write").pipe(
      Effect.catch((error) => fatal("Unable to open output file for writing", error)),
      Effect.map((handle): BufferReader.ByteSink => BufferReader.toFd(handle.fd))
    )
    : Effect.succeed(via === "descriptor" ? descriptorSink(stdout) : sinkOf(stdout))

/** `-i, --input` of `buffer write`: the file (opened for the length of the scope), else `stdin`. */
export const inputSource = (cwd: string, file: string | undefined, stdin: Readable) =>
  given(file)
    ? openFile(cwd, file, "read").pipe(
      Effect.catch((error) => fatal("Unable to open input file for reading", error)),
      Effect.map((handle): BufferWriter.ByteSource => BufferWriter.fromFd(handle.fd))
    )
    : descriptorSource(stdin)

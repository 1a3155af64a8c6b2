// A sink writing to a file descriptor (stdout, a FIFO, a file) from a dedicated thread, the mirror of
// FdBlocks.ts: writes through the libuv pool queue behind the reader's prefetching blob reads (measured: a
// third less throughput with 32 blobs in flight), and a pool write blocked on a full pipe keeps Node's
// `process.exit` from returning. Chunks that own their ArrayBuffer are transferred, others copied; up to
// AHEAD chunks may be in flight, which is the sink's backpressure.
import { Worker } from "node:worker_threads"
import type { ByteSink } from "../ByteStream.ts"

const AHEAD = 4

/** What the thread writes to: a descriptor, or a path it opens and closes on the `close` request. */
export type SinkThreadData = { readonly fd: number; readonly path?: undefined } | {
  readonly fd?: undefined
  readonly path: string
}

/** A chunk to write (its `buffer` transferred), or the end. */
type SinkCommand = { readonly buffer: ArrayBuffer; readonly offset: number; readonly length: number } | {
  readonly close: true
}

export type SinkRequest = SinkCommand & { readonly id: number }

/** Each request's answer: done, or the failure that ended the thread's writing. */
export interface SinkReply {
  readonly id: number
  readonly error?: string
  readonly code?: string
}

/**
 * Whether a worker thread can use the descriptor: under Deno, descriptors are per-thread resource ids, so only the
 * standard streams (0–2) mean the same thing everywhere.
 */
export const threadCanUse = (fd: number): boolean => !("Deno" in globalThis) || fd <= 2

export class WriteError extends Error {
  readonly code: string | undefined
  constructor(message: string, code: string | undefined) {
    super(message)
    this.code = code
  }
}

/** `{ path }` is opened O_WRONLY|O_CREAT|O_TRUNC 0644 (Tyger's `-o FILE`) and closed by `close`. */
export const make = (output: { readonly fd: number } | { readonly path: string }): ByteSink => {
  const workerData: SinkThreadData = output
  const pending = new Map<number, () => void>()
  let nextId = 0
  let failure: Error | undefined
  let room: (() => void) | undefined

  const start = (): Worker => {
    // A URL beside this module, so the thread file is found from the sources and from a compiled build alike.
    const started = new Worker(new URL("./FdSinkThread.mjs", (import.meta as { readonly url: string }).url), { workerData })
    started.on("message", (reply: SinkReply) => {
      if (reply.error !== undefined) failure ??= new WriteError(reply.error, reply.code)
      pending.get(reply.id)?.()
      pending.delete(reply.id)
      const resume = room
      room = undefined
      resume?.()
    })
    started.on("error", (error) => {
      failure ??= error
      for (const done of pending.values()) done()
      pending.clear()
      room?.()
    })
    return started
  }
  // Started by the first request: a sink that is never written (`run exec` of a run without an output, which every
  // exec prepares) costs no thread, whose start is ~90 ms of CPU (measured with --cpu-prof) and, at `close`, a wait.
  let worker: Worker | undefined

  const send = (command: SinkCommand, transfer: Array<ArrayBuffer>): Promise<void> => {
    const id = nextId++
    const done = new Promise<void>((resolve) => pending.set(id, resolve))
    const request: SinkRequest = { id, ...command }
    worker ??= start()
    worker.postMessage(request, transfer)
    return done
  }

  const write = async (chunk: Uint8Array): Promise<void> => {
    while (failure === undefined && pending.size >= AHEAD) await new Promise<void>((resolve) => (room = resolve))
    if (failure !== undefined) throw failure
    if (chunk.length === 0) return
    const owned = chunk.buffer instanceof ArrayBuffer && chunk.byteOffset === 0 &&
      chunk.byteLength === chunk.buffer.byteLength
    // A copy through the Uint8Array constructor: a Node Buffer's slice() is a view of the same (maybe pooled or
    // shared) memory, which cannot be transferred.
    const buffer = owned ? chunk.buffer as ArrayBuffer : new Uint8Array(chunk).buffer
    void send({ buffer, offset: 0, length: chunk.byteLength }, [buffer])
  }

  const close = async (): Promise<void> => {
    // Nothing written to a descriptor: nothing to flush. A path is still created (Tyger's `-o FILE` of nothing).
    if (worker === undefined && "fd" in output) return
    try {
      if (failure === undefined) await send({ close: true }, [])
      if (failure !== undefined) throw failure
    } finally {
      void worker?.terminate().catch(() => undefined)
    }
  }

  return { write, close }
}

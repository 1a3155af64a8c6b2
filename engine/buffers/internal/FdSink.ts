// A sink writing to a file descriptor (stdout, a FIFO, a file) from a dedicated thread, the mirror of
// FdBlocks.ts: writes through the libuv pool queue behind the reader's prefetching blob reads (measured: a
// third less throughput with 32 blobs in flight), and a pool write blocked on a full pipe keeps Node's
// `process.exit` from returning. Chunks that own their ArrayBuffer are transferred, others copied; up to
// AHEAD chunks may be in flight, which is the sink's backpressure.
import { Worker } from "node:worker_threads"
import type { ByteSink } from "../ByteStream.ts"

const AHEAD = 4

const workerSource = `
const { parentPort, workerData } = require("node:worker_threads")
const fs = require("node:fs")
const { fd, path } = workerData
const sleep = new Int32Array(new SharedArrayBuffer(4))
let descriptor = fd
let failed
parentPort.on("message", ({ id, buffer, offset, length, close }) => {
  if (failed !== undefined) {
    parentPort.postMessage({ id, ...failed })
    return
  }
  try {
    if (descriptor === undefined) descriptor = fs.openSync(path, "w", 0o644)
    if (close) {
      if (fd === undefined) fs.closeSync(descriptor)
      parentPort.postMessage({ id })
      return
    }
    const view = new Uint8Array(buffer, offset, length)
    let done = 0
    let wait = 1
    while (done < length) {
      try {
        done += fs.writeSync(descriptor, view, done, length - done)
        wait = 1
      } catch (error) {
        // A descriptor in non-blocking mode (shared with a parent that set it) reports a full pipe as EAGAIN.
        if (error.code !== "EAGAIN") throw error
        Atomics.wait(sleep, 0, 0, wait)
        wait = Math.min(wait * 2, 50)
      }
    }
    parentPort.postMessage({ id })
  } catch (error) {
    failed = { error: String(error && error.message), code: error && error.code }
    parentPort.postMessage({ id, ...failed })
  }
})
`

interface Reply {
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
  const worker = new Worker(workerSource, { eval: true, workerData: output })
  const pending = new Map<number, () => void>()
  let nextId = 0
  let failure: Error | undefined
  let room: (() => void) | undefined

  worker.on("message", (reply: Reply) => {
    if (reply.error !== undefined) failure ??= new WriteError(reply.error, reply.code)
    pending.get(reply.id)?.()
    pending.delete(reply.id)
    const resume = room
    room = undefined
    resume?.()
  })
  worker.on("error", (error) => {
    failure ??= error
    for (const done of pending.values()) done()
    pending.clear()
    room?.()
  })

  const send = (message: object, transfer: Array<ArrayBuffer>): Promise<void> => {
    const id = nextId++
    const done = new Promise<void>((resolve) => pending.set(id, resolve))
    worker.postMessage({ id, ...message }, transfer)
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
    try {
      if (failure === undefined) await send({ close: true }, [])
      if (failure !== undefined) throw failure
    } finally {
      void worker.terminate().catch(() => undefined)
    }
  }

  return { write, close }
}

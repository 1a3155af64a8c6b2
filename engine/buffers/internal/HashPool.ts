// MD5 of large blocks on worker threads. On the event loop, hashing a 4 MiB block (≈ 6 ms) stalls everything else:
// the uploads, the reads, the sink. In a worker it overlaps with them, and with more than one core to spare, several
// blocks hash at once. A block that owns its whole ArrayBuffer travels to the worker and back without a copy
// (transferred); a view of shared memory (the descriptor reader's arenas) is hashed in place; any other view is
// copied first.
// Small blocks are hashed inline, where a round trip would cost more than the hash. Workers start on first use and
// end with `close`; where worker_threads are missing or fail, hashing falls back to the event loop.
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { Effect } from "effect"
import * as BufferFormat from "../BufferFormat.ts"

export const INLINE_LIMIT = 256 * 1024

export interface Hashed {
  readonly md5: string
  /** The same bytes: `bytes` itself, or a new view if its buffer made the round trip to a worker. */
  readonly bytes: Uint8Array
}

export interface HashPool {
  readonly md5: (bytes: Uint8Array) => Promise<Hashed>
  readonly close: () => Promise<void>
}

/** A block to hash: a range of shared memory, or a buffer transferred to the thread. */
export interface HashRequest {
  readonly id: number
  readonly buffer: ArrayBuffer | SharedArrayBuffer
  readonly offset: number
  readonly length: number
}

export interface HashReply {
  readonly id: number
  readonly md5: string
  /** The transferred buffer, returned; absent for shared memory. */
  readonly buffer?: ArrayBuffer
}

interface Slot {
  readonly worker: Worker
  pending: number
}

/** Spare cores for hashing: one less than the machine has (the event loop keeps one busy), 1 to 4. */
export const defaultWorkers = (): number => Math.min(4, Math.max(1, availableParallelism() - 1))

const inline = (bytes: Uint8Array): Promise<Hashed> => Promise.resolve({ md5: BufferFormat.md5Base64(bytes), bytes })

export const make = (workers: number = defaultWorkers()): HashPool => {
  let slots: Array<Slot> | undefined
  let broken = false
  let nextId = 0
  const waiting = new Map<number, { resolve: (reply: HashReply) => void; reject: (error: unknown) => void }>()

  const fail = (error: unknown) => {
    broken = true
    for (const { reject } of waiting.values()) reject(error)
    waiting.clear()
  }

  const start = (): Array<Slot> => {
    const started = Array.from({ length: workers }, () => {
      // A URL beside this module, so the thread file is found from the sources and from a compiled build alike.
      const slot: Slot = { worker: new Worker(new URL("./HashPoolThread.mjs", (import.meta as { readonly url: string }).url)), pending: 0 }
      slot.worker.on("message", (reply: HashReply) => {
        slot.pending--
        // Idle workers must not keep the process alive.
        if (slot.pending === 0) slot.worker.unref()
        const entry = waiting.get(reply.id)
        waiting.delete(reply.id)
        entry?.resolve(reply)
      })
      slot.worker.on("error", fail)
      slot.worker.unref()
      return slot
    })
    return started
  }

  const md5 = (bytes: Uint8Array): Promise<Hashed> => {
    if (bytes.length < INLINE_LIMIT || broken) return inline(bytes)
    try {
      slots ??= start()
    } catch {
      broken = true
      return inline(bytes)
    }
    const slot = slots.reduce((best, candidate) => (candidate.pending < best.pending ? candidate : best))
    const shared = bytes.buffer instanceof SharedArrayBuffer
    const owned = !shared && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    const request = shared
      ? { buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.byteLength }
      : { buffer: owned ? bytes.buffer as ArrayBuffer : bytes.slice().buffer, offset: 0, length: bytes.byteLength }
    const id = nextId++
    const reply = new Promise<HashReply>((resolve, reject) => waiting.set(id, { resolve, reject }))
    if (slot.pending++ === 0) slot.worker.ref()
    const message: HashRequest = { id, ...request }
    slot.worker.postMessage(message, shared ? [] : [request.buffer as ArrayBuffer])
    return reply.then(
      (answer) => ({ md5: answer.md5, bytes: owned ? new Uint8Array(answer.buffer!) : bytes }),
      // A worker that died took a transferred block with it; the caller's bytes are gone too.
      (error: unknown) => (owned ? Promise.reject(error) : inline(bytes))
    )
  }

  const close = async (): Promise<void> => {
    const running = slots ?? []
    slots = undefined
    broken = true
    fail(new Error("the hash pool was closed"))
    await Promise.all(running.map((slot) => slot.worker.terminate()))
  }

  return { md5, close }
}

/** A pool for the lifetime of the current scope. */
export const scoped = (workers?: number) =>
  Effect.acquireRelease(Effect.sync(() => make(workers)), (pool) => Effect.promise(() => pool.close()))

export const hash = (pool: HashPool, bytes: Uint8Array): Effect.Effect<Hashed> => Effect.promise(() => pool.md5(bytes))

// Blocks from a file descriptor (stdin, a FIFO, a file) read by a dedicated thread. Why:
// - A pipe yields 64 KiB per read. Through the libuv pool every read is a round trip to the event loop, and it queues
//   behind the uploads' file writes: measured, the writer then reads a pipe at a third of its speed.
// - A pool read blocked on an idle pipe cannot be cancelled, and on Node it keeps even `process.exit` from
//   returning; a worker blocked in readSync does not (measured on Node, Bun and Deno). It still delays a natural
//   exit on Node and Bun until the read returns, so a CLI giving up on an open input should end with process.exit.
// The thread fills SharedArrayBuffer arenas of `blockSize` with blocking reads and reports each full arena. Arenas
// are reused once every block cut from them has been released (uploaded), so a long write allocates no memory per
// block and gives the garbage collector nothing to do. Flushing (Tyger's --flush-interval) happens here, on the
// event loop, while the thread may be blocked in a read: the thread publishes how far the arena is filled, and
// either side claims the unclaimed range [taken, filled) with one compare-and-swap on a word holding the arena
// generation and `taken`, so no byte is delivered twice or skipped.
import * as Fs from "node:fs"
import { Worker } from "node:worker_threads"
import type { Block, Blocks, BlocksOptions } from "../ByteStream.ts"

// Control words: BigInt64 [0] = generation << 32 | taken; Int32 [2] filled, [3] a sleep slot, [4 + i] arena i busy.
const FILLED = 2
const SLEEP = 3
const BUSY = 4

/** What the thread is started with: its input (a descriptor, or a path it opens and closes), and the control words. */
export interface ThreadData {
  readonly fd?: number
  readonly path?: string
  readonly blockSize: number
  readonly arenas: number
  readonly control: SharedArrayBuffer
  readonly words: { readonly filled: number; readonly sleep: number; readonly busy: number }
}

/** What the thread reports, in order: an arena it allocated, an arena it starts filling, a block, the end. */
export type ThreadMessage =
  | { readonly type: "arena"; readonly index: number; readonly arena: SharedArrayBuffer }
  | { readonly type: "start"; readonly generation: number; readonly index: number }
  | {
    readonly type: "block"
    readonly generation: number
    readonly start: number
    readonly end: number
  }
  | { readonly type: "end" }
  | { readonly type: "error"; readonly message: string; readonly code?: string }

export class ReadError extends Error {
  readonly code: string | undefined
  constructor(message: string, code: string | undefined) {
    super(message)
    this.code = code
  }
}

/**
 * Makes a read blocked on an idle pipe or FIFO return, by writing one byte into it through a write end of its own
 * (Linux's /proc/self/fd/N opens the same pipe; a FIFO opens by its path). The thread is being terminated and never
 * delivers that byte. Nothing is written to anything but a pipe, and where there is no /proc this does nothing.
 */
const wakeBlockedRead = (input: { readonly fd: number } | { readonly path: string }): void => {
  try {
    const path = "fd" in input ? `/proc/self/fd/${input.fd}` : input.path
    if (!Fs.statSync(path).isFIFO()) return
    const end = Fs.openSync(path, Fs.constants.O_WRONLY | Fs.constants.O_NONBLOCK)
    try {
      Fs.writeSync(end, new Uint8Array(1))
    } finally {
      Fs.closeSync(end)
    }
  } catch {
    // No reader left (ENXIO), a full pipe (EAGAIN: the read is not blocked), or no /proc: nothing to wake.
  }
}

/** `blockSize` must be below 2^32 (the claim word keeps offsets in 32 bits). */
export const make = (input: { readonly fd: number } | { readonly path: string }, options: BlocksOptions): Blocks => {
  const { blockSize, flushMillis, arenas } = options
  const control = new SharedArrayBuffer(8 + 4 * (BUSY - 2 + arenas))
  const state = new BigInt64Array(control, 0, 1)
  const ints = new Int32Array(control)
  const words = { filled: FILLED, sleep: SLEEP, busy: BUSY }
  const workerData: ThreadData = { ...input, blockSize, arenas, control, words }
  // A URL beside this module, so the thread file is found from the sources and from a compiled build alike.
  const worker = new Worker(new URL("./FdBlocksThread.mjs", (import.meta as { readonly url: string }).url), { workerData })

  const views: Array<Uint8Array> = []
  /** Per arena: blocks handed out and not released, and whether the thread has moved past it. */
  const outstanding: Array<number> = Array(arenas).fill(0)
  const finished: Array<boolean> = Array(arenas).fill(true)
  const arenaOf = new WeakMap<Uint8Array, number>()
  const ready: Array<Block> = []
  let current: { readonly generation: number; readonly index: number } | undefined
  let ended = false
  let failure: Error | undefined
  let wake: (() => void) | undefined
  let lastBlockAt = performance.now()

  const notify = () => {
    const resume = wake
    wake = undefined
    resume?.()
  }

  const freeIfDone = (index: number) => {
    if (finished[index] === true && outstanding[index] === 0) {
      Atomics.store(ints, BUSY + index, 0)
      Atomics.notify(ints, BUSY + index)
    }
  }

  const deliver = (index: number, start: number, end: number) => {
    const bytes = views[index]!.subarray(start, end)
    arenaOf.set(bytes, index)
    outstanding[index]!++
    ready.push({ bytes })
    lastBlockAt = performance.now()
  }

  worker.on("message", (message: ThreadMessage) => {
    switch (message.type) {
      case "arena":
        views[message.index] = new Uint8Array(message.arena)
        break
      case "start":
        current = { generation: message.generation, index: message.index }
        finished[message.index] = false
        break
      case "block": {
        const index = message.generation % arenas
        if (message.end > message.start) deliver(index, message.start, message.end)
        finished[index] = true
        freeIfDone(index)
        break
      }
      case "end":
        ended = true
        break
      default:
        failure = new ReadError(message.message, message.code)
    }
    notify()
  })
  worker.on("error", (error) => {
    failure = error
    notify()
  })

  /** Takes what the thread has read into the current arena but not delivered yet. */
  const flush = (): void => {
    if (current === undefined) return
    const word = Atomics.load(state, 0)
    if (Number(word >> 32n) !== current.generation) return
    const taken = Number(word & 0xffffffffn)
    const filled = Atomics.load(ints, FILLED)
    if (filled <= taken) return
    if (Atomics.compareExchange(state, 0, word, (BigInt(current.generation) << 32n) | BigInt(filled)) !== word) return
    deliver(current.index, taken, filled)
  }

  const next = async (): Promise<Block | undefined> => {
    for (;;) {
      const block = ready.shift()
      if (block !== undefined) return block
      if (failure !== undefined) throw failure
      if (ended) return undefined
      await new Promise<void>((resolve) => {
        wake = resolve
        if (flushMillis > 0) {
          const timer = setTimeout(() => {
            flush()
            notify()
          }, Math.max(0, lastBlockAt + flushMillis - performance.now()))
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        }
      })
      // Tyger's timer restarts every interval, whether or not it found data to flush.
      if (ready.length === 0 && performance.now() - lastBlockAt >= flushMillis) lastBlockAt = performance.now()
    }
  }

  const release = (bytes: Uint8Array) => {
    const index = arenaOf.get(bytes)
    if (index === undefined) return
    arenaOf.delete(bytes)
    outstanding[index]!--
    freeIfDone(index)
  }

  const close = () => {
    // Not awaited: a thread blocked reading an idle pipe ends only when the read returns, and must not hold the
    // writer until then. Node's exit waits for it too, though (measured on Node 22: `process.exit` never returned
    // after a Ctrl-C of `buffer write` or `run exec` whose stdin was an idle pipe), hence the wake-up.
    void worker.terminate().catch(() => undefined)
    worker.unref()
    if (!ended && failure === undefined) wakeBlockedRead(input)
  }

  return { next, release, close }
}

// The host end of an output pipe (see Fifo.ts).
import { Buffer } from "node:buffer"
import * as Fs from "node:fs"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import type { Block, Blocks, BlocksOptions } from "../../../engine/buffers/ByteStream.ts"
import {
  closeQuietly,
  errno,
  O_NONBLOCK,
  O_RDONLY,
  O_WRONLY,
  openAsync,
  pollDelay,
  settle,
  sleep,
  unblockable
} from "../../../engine/pipes/Fifo.ts"
import { Latch } from "../../../engine/pipes/Latch.ts"
import { ProgramFailed } from "./FifoShared.ts"

export interface PipeReader {
  /** Reads into `buffer`; 0 at the end, which comes only once the program succeeded (else ProgramFailed). */
  readonly read: (buffer: Uint8Array, offset: number, length: number) => Promise<number>
  readonly isRegularFile: () => Promise<boolean>
  readonly close: () => Promise<void>
  /** The same bytes in blocks read by a thread of its own; the buffer writer prefers this to `read`. */
  readonly blocks?: (options: BlocksOptions) => Blocks
}

// Deno's threads cannot use this thread's descriptors (BufferWriter.fromFd offers no reading thread there).
const threadsReadDescriptors = BufferWriter.fromFd(3).blocks !== undefined

/** What connecting yields: bytes read while connecting, the end (never opened, or gone empty), or the descriptor. */
type Step = { readonly _tag: "Data"; readonly n: number } | { readonly _tag: "End" } | { readonly _tag: "Open"; readonly fd: number }

/**
 * The host end of an output pipe, opened at once. End-of-file is held back until `succeeded` settles: a program that
 * exits non-zero (or is stopped) must leave a failed buffer, never a complete one with truncated data.
 */
export const reader = (path: string, gone: Latch, succeeded: Promise<boolean>): PipeReader => {
  let probe: number | undefined = Fs.openSync(path, O_RDONLY | O_NONBLOCK)
  let fd: number | undefined
  let opening: Promise<number> | undefined
  // The program closed its end between the probe's EAGAIN and our blocking open, which then waits for a writer that
  // will not come: it is woken like an open still waiting when the program is gone.
  const writerLeft = new Latch()
  let connected = false
  let inFlight: Promise<unknown> = Promise.resolve()
  /** The blocking descriptor belongs to a reading thread: only that side may close it. */
  let handedToThread = false

  const end = async (): Promise<number> => {
    if (await succeeded) return 0
    throw new ProgramFailed(`${path}: the program did not succeed`)
  }

  /** A non-blocking read of the probe: bytes, 0 when no writer is there (and the pipe is empty), or "busy". */
  const probeRead = (buffer: Uint8Array, offset: number, length: number): number | "busy" => {
    try {
      return Fs.readSync(probe!, buffer, offset, length, null)
    } catch (error) {
      if (errno(error) !== "EAGAIN") throw error
      return "busy"
    }
  }

  /**
   * One step towards a blocking descriptor. Before the program opens its end, the probe is polled (EAGAIN = opened,
   * 0 = not yet); once it has, a blocking open starts, which returns at once while the program holds its end. Until
   * it has returned the probe still reads, so data is never stuck behind it.
   */
  const connect = async (buffer: Uint8Array, offset: number, length: number): Promise<Step> => {
    for (let attempt = 0;; attempt++) {
      if (opening === undefined) {
        const n = probeRead(buffer, offset, length)
        if (n === "busy") {
          connected = true
          opening = unblockable(path, O_WRONLY, [gone, writerLeft], openAsync(path, O_RDONLY))
          continue
        }
        if (n > 0) {
          connected = true
          return { _tag: "Data", n }
        }
        // 0 with no writer: not opened yet, or opened and closed again after all data was read.
        if (connected || gone.done) return { _tag: "End" }
        await Promise.race([sleep(pollDelay(attempt)), gone.promise])
        continue
      }
      const opened = opening.then((descriptor) => ({ _tag: "Open", fd: descriptor }) as const)
      const ready = await Promise.race([opened, sleep(pollDelay(attempt)).then(() => undefined)])
      if (ready !== undefined) {
        fd = ready.fd
        return ready
      }
      const n = probeRead(buffer, offset, length)
      if (n === 0) writerLeft.open()
      else if (n !== "busy") return { _tag: "Data", n }
    }
  }

  const read = async (buffer: Uint8Array, offset: number, length: number): Promise<number> => {
    if (fd === undefined) {
      const step = await connect(buffer, offset, length)
      if (step._tag === "End") return end()
      if (step._tag === "Data") return step.n
    } else {
      // The probe stays open: data already in the pipe is read at once on the event loop, and only an empty pipe
      // costs a blocking read on the pool (a round trip per 64 KiB pipe-full would bound the throughput).
      const n = probeRead(buffer, offset, length)
      if (n === 0) return end()
      if (n !== "busy") return n
    }
    const step = settle<number>((cb) => Fs.read(fd!, buffer, offset, length, null, cb))
    inFlight = step.catch(() => undefined)
    const n = await step
    return n === 0 ? end() : n
  }

  // The buffer writer's block reader: once connected, the blocking descriptor goes to BufferWriter.fromFd's reading
  // thread, so reads (and their wake-ups) stay off the event loop. The thread never opens the pipe itself: an open
  // blocked in a thread cannot be abandoned, and would hold the process forever if the run's directory were removed
  // under it. Hashing stays off that thread: while it hashed a block the pipe (64 KiB) would fill and stop the
  // program, and with it whatever feeds the program.
  const threadBlocks = (options: BlocksOptions): Blocks => {
    let inner: Blocks | undefined
    let finished = false
    const ours = new WeakSet<Uint8Array>()
    const scratch = new Uint8Array(64 * 1024)

    const finish = () => {
      finished = true
      const descriptor = fd
      fd = undefined
      if (descriptor !== undefined) closeQuietly(descriptor)
    }

    const next = async (): Promise<Block | undefined> => {
      try {
        if (inner === undefined) {
          const step = await connect(scratch, 0, scratch.length)
          if (step._tag === "Data") {
            const bytes = Buffer.from(scratch.subarray(0, step.n))
            ours.add(bytes)
            return { bytes }
          }
          if (step._tag === "Open") {
            handedToThread = true
            inner = BufferWriter.fromFd(step.fd).blocks!(options)
          }
        }
        const block = inner === undefined ? undefined : await inner.next()
        if (block !== undefined) return block
        finish()
        if (await succeeded) return undefined
        throw new ProgramFailed(`${path}: the program did not succeed`)
      } catch (error) {
        if (!(error instanceof ProgramFailed)) finish()
        throw error
      }
    }

    return {
      next,
      release: (bytes) => {
        if (!ours.has(bytes)) inner?.release?.(bytes)
      },
      close: () => {
        inner?.close?.()
        if (finished) return
        // Closed before the end (the run stopped): the thread's read returns once the program is gone; only then
        // may its descriptor be closed. The timer must not hold the process (Deno's setTimeout returns a number).
        void gone.promise.then(() =>
          new Promise<void>((resolve) => {
            const timer: unknown = setTimeout(resolve, 1000)
            ;(timer as { unref?: () => void }).unref?.()
          })
        ).then(finish)
      }
    }
  }

  const close = (): Promise<void> => {
    const descriptor = handedToThread ? undefined : fd
    const pending = opening
    if (!handedToThread) fd = undefined
    const probed = probe
    probe = undefined
    // An open still pending is woken (`gone` is open by now, or soon) and its descriptor closed when it returns.
    if (descriptor === undefined && pending !== undefined && !handedToThread) {
      void pending.then(closeQuietly, () => undefined).finally(() => probed !== undefined && closeQuietly(probed))
    } else if (probed !== undefined) closeQuietly(probed)
    if (descriptor !== undefined) void inFlight.then(() => closeQuietly(descriptor))
    return Promise.resolve()
  }

  return {
    read,
    isRegularFile: () => Promise.resolve(false),
    close,
    ...(threadsReadDescriptors ? { blocks: threadBlocks } : {})
  }
}

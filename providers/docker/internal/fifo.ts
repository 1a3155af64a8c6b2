// The host ends of a run's named pipes. The monitor writes each input buffer into its FIFO and reads each output
// FIFO into its buffer, while the program inside the container opens the other ends whenever it likes — or never.
//
// Waiting for the program without holding threads: a blocking open(2) of a FIFO waits for the other end, and on
// Node and Bun every pending fs call holds one of the four libuv threadpool threads (Deno uses a large blocking
// pool). Four pumps blocked in open would starve every other file operation of the process, blob writes included.
// So the waiting is done with O_NONBLOCK: an input end polls `open(O_WRONLY|O_NONBLOCK)` (ENXIO until the program
// has opened its read end); an output end opens `O_RDONLY|O_NONBLOCK` at once (so the program's open never waits)
// and polls reads (EAGAIN = the program has opened it, 0 before that). Only then is a blocking descriptor opened for
// the transfer, whose reads and writes block off the event loop as pipes should (a non-blocking transfer would have
// to sleep on EAGAIN, which caps a 64 KiB pipe at tens of MB/s); the non-blocking descriptor stays open next to it,
// so data that is ready moves at once without a round trip to the pool. A pump holds at most one pool thread, and
// only while the program is slower than the pump; processes hosting many runs' pumps should still raise
// UV_THREADPOOL_SIZE. When the buffer writer can use a reading thread of its own (BufferWriter.fromFile's `blocks`),
// an output pipe is read by that thread instead: blocking open and reads, hashing left to the writer's pool.
//
// Programs that never open a pipe ("pipes not touched" in Tyger's tests) and programs that exit while a blocking
// open waits are handled through `gone`: once the program cannot open its ends any more, polling stops, and a
// blocking open still waiting (the other end left between the poll and the open) is woken by opening and closing
// the other end ourselves, repeatedly until it has returned.
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as BufferWriter from "../../../engine/BufferWriter.ts"
import type { Blocks } from "../../../engine/internal/bufferBlocks.ts"
import type { Options as BlocksOptions } from "../../../engine/internal/bufferFdBlocks.ts"

const { O_RDONLY, O_WRONLY, O_NONBLOCK } = Fs.constants

/** A one-shot signal: `open()` once, observed by promise or flag. */
export class Latch {
  done = false
  readonly promise: Promise<void>
  private release!: () => void
  constructor() {
    this.promise = new Promise<void>((resolve) => (this.release = resolve))
  }
  open(): void {
    this.done = true
    this.release()
  }
}

/** Why a pipe end stopped without an error of its own. */
export type Ended =
  /** The program exited (or the run stopped) without ever opening its end. */
  | "NeverOpened"
  /** The program closed its read end while data was still being written (EPIPE). */
  | "PeerClosed"
  /** The run stopped while the pipe was in use. */
  | "Stopped"

export class PipeEnded extends Error {
  readonly ended: Ended
  constructor(ended: Ended, path: string) {
    super(ended === "PeerClosed" ? `${path}: the program closed the pipe` : `${path}: ${ended}`)
    this.ended = ended
  }
}

/** The program exited non-zero or was stopped: its output must not be recorded as complete. */
export class ProgramFailed extends Error {}

const errno = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined

const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

// 1 ms doubling to 10 ms keeps the latency of a program that opens its pipe at once low; a program that waits long
// before opening costs 10 polls a second, then 4 after the first minute.
const pollDelay = (attempt: number) => (attempt < 4 ? 2 ** attempt : attempt < 6_000 ? 10 : 250)

const settle = <A>(register: (callback: (error: NodeJS.ErrnoException | null, value: A) => void) => void) =>
  new Promise<A>((resolve, reject) => register((error, value) => (error === null ? resolve(value) : reject(error))))

const openAsync = (path: string, flags: number) => settle<number>((cb) => Fs.open(path, flags, cb))
const closeQuietly = (fd: number) => Fs.close(fd, () => undefined)

/**
 * Runs `blocking` (an open(2) that may wait for the other end); once any of `triggers` is open and for as long as it
 * has not returned, the other end is opened and closed every 20 ms, which makes it return.
 */
const unblockable = async <A>(path: string, otherEnd: number, triggers: ReadonlyArray<Latch>, blocking: Promise<A>): Promise<A> => {
  let settled = false
  void Promise.race(triggers.map((t) => t.promise)).then(async () => {
    while (!settled) {
      try {
        Fs.closeSync(Fs.openSync(path, otherEnd | O_NONBLOCK))
      } catch {
        // ENXIO: nobody waits on our side any more, or the FIFO is gone with the run's directory.
      }
      await sleep(20)
    }
  })
  try {
    return await blocking
  } finally {
    settled = true
  }
}

/** The transfer descriptor of an input pipe: blocking writes off the event loop. */
interface BlockingWriter {
  readonly write: (chunk: Uint8Array, offset: number, length: number) => Promise<number>
  readonly close: () => void
}

interface DenoFile {
  readonly write: (bytes: Uint8Array) => Promise<number>
  readonly close: () => void
}
type DenoOpen = (path: string, options: { readonly write: boolean }) => Promise<DenoFile>

// Deno's node:fs `write` runs on the event loop: a write to a full pipe would stop everything (the output pumps that
// the program waits on included). Deno's own file API writes on its blocking pool, so on Deno the input's transfer
// descriptor is a Deno file; Node and Bun write through node:fs on their threadpools.
const denoOpen = (globalThis as { readonly Deno?: { readonly open: DenoOpen } }).Deno?.open

const openWriter = async (path: string): Promise<BlockingWriter> => {
  if (denoOpen !== undefined) {
    const file = await denoOpen(path, { write: true })
    return {
      write: (chunk, offset, length) => file.write(chunk.subarray(offset, offset + length)),
      close: () => {
        try {
          file.close()
        } catch {
          // already closed
        }
      }
    }
  }
  const fd = await openAsync(path, O_WRONLY)
  return {
    write: (chunk, offset, length) => settle<number>((cb) => Fs.write(fd, chunk, offset, length, null, cb)),
    close: () => closeQuietly(fd)
  }
}

// Deno's writeSync keeps writing after a partial write and then throws EAGAIN, losing the count of what it wrote;
// there the fast path is off and every write goes through the Deno file.
const partialWrites = denoOpen === undefined

const brokenPipe = (error: unknown): boolean =>
  errno(error) === "EPIPE" || (error instanceof Error && error.name === "BrokenPipe")

/** Creates the FIFOs (mode 0666 whatever the umask: the program may run as any user). */
export const make = (paths: ReadonlyArray<string>): Promise<void> =>
  paths.length === 0 ? Promise.resolve() : new Promise((resolve, reject) =>
    execFile("mkfifo", ["-m", "0666", "--", ...paths], (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`mkfifo failed: ${stderr.trim() || error.message}`))))

export interface PipeWriter {
  readonly write: (chunk: Uint8Array) => Promise<void>
  /** Gives the program end-of-file: opens the pipe first if it never was (the program may be waiting in open). */
  readonly close: () => Promise<void>
  /**
   * The data failed: the descriptor is closed only once `gone` is open (the program stopped), so that the program
   * never takes the truncated data for a clean end-of-file.
   */
  readonly abandon: () => void
  /** Set when the writer stopped without an error of its own. */
  readonly ended: () => Ended | undefined
}

/** The host end of an input pipe: writes block while the program is slower, fail with PipeEnded when it is gone. */
export const writer = (path: string, gone: Latch): PipeWriter => {
  // The non-blocking probe stays open next to the blocking descriptor: whatever fits in the pipe is written at once on
  // the event loop, and only a full pipe costs a blocking write on the pool.
  let opened: Promise<{ readonly probe: number; readonly blocking: BlockingWriter }> | undefined
  let ended: Ended | undefined
  let inFlight: Promise<unknown> = Promise.resolve()

  const connect = async () => {
    let probe: number | undefined
    for (let attempt = 0; probe === undefined; attempt++) {
      try {
        probe = Fs.openSync(path, O_WRONLY | O_NONBLOCK)
      } catch (error) {
        if (errno(error) !== "ENXIO") throw error
        if (gone.done) throw new PipeEnded((ended ??= "NeverOpened"), path)
        await Promise.race([sleep(pollDelay(attempt)), gone.promise])
      }
    }
    try {
      return { probe, blocking: await unblockable(path, O_RDONLY, [gone], openWriter(path)) }
    } catch (error) {
      closeQuietly(probe)
      throw error
    }
  }

  const peerClosed = (error: unknown) => {
    if (brokenPipe(error)) return new PipeEnded((ended ??= "PeerClosed"), path)
    return error
  }

  const write = async (chunk: Uint8Array): Promise<void> => {
    const { probe, blocking } = await (opened ??= connect())
    let done = 0
    while (done < chunk.length) {
      if (partialWrites) {
        try {
          done += Fs.writeSync(probe, chunk, done, chunk.length - done)
          continue
        } catch (error) {
          if (errno(error) !== "EAGAIN") throw peerClosed(error)
        }
      }
      const step = blocking.write(chunk, done, chunk.length - done)
      inFlight = step.catch(() => undefined)
      try {
        done += await step
      } catch (error) {
        throw peerClosed(error)
      }
    }
  }

  const release = (descriptors: { readonly probe: number; readonly blocking: BlockingWriter }) => {
    closeQuietly(descriptors.probe)
    // A write blocked on a full pipe when the run stopped returns once the program is gone; closing under it could
    // hand its number to another open first.
    void inFlight.then(() => descriptors.blocking.close())
  }

  const close = async (): Promise<void> => {
    try {
      release(await (opened ??= connect()))
    } catch {
      // never opened: nothing to close
    }
  }

  const abandon = (): void => {
    const pending = opened
    if (pending === undefined) return
    void gone.promise.then(() => pending).then(release, () => undefined)
  }

  return { write, close, abandon, ended: () => ended }
}

export interface PipeReader {
  /** Reads into `buffer`; 0 at the end, which comes only once the program succeeded (else ProgramFailed). */
  readonly read: (buffer: Uint8Array, offset: number, length: number) => Promise<number>
  readonly isRegularFile: () => Promise<boolean>
  readonly close: () => Promise<void>
  /** The same bytes in blocks read (and hashed) by a thread of their own; the writer prefers this to `read`. */
  readonly blocks?: (options: BlocksOptions) => Blocks
}

/** Opens and closes the other end every 20 ms from when `trigger` opens until `until` does. */
const unblockUntil = (path: string, otherEnd: number, trigger: Latch, until: Latch): void => {
  void trigger.promise.then(async () => {
    while (!until.done) {
      try {
        Fs.closeSync(Fs.openSync(path, otherEnd | O_NONBLOCK))
      } catch {
        // ENXIO: the thread is not waiting in open.
      }
      await sleep(20)
    }
  })
}

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

  /** Until the program has opened its end: bytes, or 0 (gone without writing), or "connected". */
  const poll = async (buffer: Uint8Array, offset: number, length: number): Promise<number | "connected"> => {
    for (let attempt = 0;; attempt++) {
      const n = probeRead(buffer, offset, length)
      if (n === "busy") return "connected"
      if (n > 0) {
        connected = true
        return n
      }
      // 0 with no writer: not opened yet, or opened and closed again after all data was read.
      if (connected || gone.done) return 0
      await Promise.race([sleep(pollDelay(attempt)), gone.promise])
    }
  }

  /** While the blocking open is pending, the probe still reads: bytes, or the descriptor once open. */
  const awaitOpen = async (buffer: Uint8Array, offset: number, length: number): Promise<number | { fd: number }> => {
    const opened = opening!.then((descriptor) => ({ fd: descriptor }))
    for (let attempt = 0;; attempt++) {
      const ready = await Promise.race([opened, sleep(pollDelay(attempt)).then(() => undefined)])
      if (ready !== undefined) return ready
      const n = probeRead(buffer, offset, length)
      if (n === 0) {
        writerLeft.open()
        return opened
      }
      if (n !== "busy") return n
    }
  }

  const read = async (buffer: Uint8Array, offset: number, length: number): Promise<number> => {
    if (fd === undefined) {
      if (opening === undefined) {
        const polled = await poll(buffer, offset, length)
        if (polled === 0) return end()
        if (polled !== "connected") return polled
        // The program has the pipe open: a blocking descriptor for the transfer (see the top of this file).
        connected = true
        opening = unblockable(path, O_WRONLY, [gone, writerLeft], openAsync(path, O_RDONLY))
      }
      const opened = await awaitOpen(buffer, offset, length)
      if (typeof opened === "number") return opened
      fd = opened.fd
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

  const close = (): Promise<void> => {
    const descriptor = fd
    const pending = opening
    fd = undefined
    const probed = probe
    probe = undefined
    // An open still pending is woken (`gone` is open by now, or soon) and its descriptor closed when it returns.
    if (descriptor === undefined && pending !== undefined) {
      void pending.then(closeQuietly, () => undefined).finally(() => probed !== undefined && closeQuietly(probed))
    } else if (probed !== undefined) closeQuietly(probed)
    if (descriptor !== undefined) void inFlight.then(() => closeQuietly(descriptor))
    return Promise.resolve()
  }

  // The writer's block reader for this pipe (BufferWriter.fromFile's reading thread): a blocking open, then blocking
  // reads until the program's end is closed, all off the event loop. Only the probe stays here, for the program's open
  // not to wait; the thread's open, if the program never opens its end, is woken once the program is gone.
  const threadBlocks = (options: BlocksOptions): Blocks => {
    // Hashing stays off this thread: while it hashed a block the pipe (64 KiB) would fill and stop the program, and
    // with it whatever feeds the program.
    const inner = BufferWriter.fromFile(path).blocks?.({ ...options, hashInReader: false })
    if (inner === undefined) throw new Error("no reading thread for pipes here")
    const finished = new Latch()
    unblockUntil(path, O_WRONLY, gone, finished)
    return {
      next: async () => {
        try {
          const block = await inner.next()
          if (block !== undefined) return block
          finished.open()
          if (await succeeded) return undefined
          throw new ProgramFailed(`${path}: the program did not succeed`)
        } catch (error) {
          finished.open()
          throw error
        }
      },
      ...(inner.release === undefined ? {} : { release: inner.release }),
      close: () => {
        inner.close?.()
        // A thread still in its open or read returns once the program is gone.
        void gone.promise.then(() => sleep(1000)).then(() => finished.open())
      }
    }
  }

  return { read, isRegularFile: () => Promise.resolve(false), close, blocks: threadBlocks }
}

// The host end of an input pipe (see Fifo.ts).
import * as Fs from "node:fs"
import { closeQuietly, errno, O_RDONLY, O_WRONLY, openAsync, openWhenRead, settle, unblockable } from "../../../engine/pipes/Fifo.ts"
import type { Latch } from "../../../engine/pipes/Latch.ts"
import { type Ended, PipeEnded } from "./FifoShared.ts"

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
    const probe = await openWhenRead(path, gone)
    if (probe === undefined) throw new PipeEnded((ended ??= "NeverOpened"), path)
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


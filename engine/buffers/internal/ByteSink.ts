// Byte sinks for the buffer reader (what a sink promises: ByteStream.ts).
import type { Writable } from "node:stream"
import type { ByteSink } from "../ByteStream.ts"
import * as BlobFs from "./BlobFs.ts"
import * as FdSink from "./FdSink.ts"

const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

/** Writes on the event loop through the libuv pool: the fallback where a thread cannot use the descriptor. */
const writeFd = async (fd: number, chunk: Uint8Array): Promise<void> => {
  let done = 0
  let wait = 1
  while (done < chunk.length) {
    try {
      done += await BlobFs.write(fd, chunk, done, chunk.length - done, null)
      wait = 1
    } catch (error) {
      // A non-blocking descriptor (one a parent shares) reports a full pipe as EAGAIN.
      if (BlobFs.errno(error) !== "EAGAIN") throw error
      await sleep(wait)
      wait = Math.min(wait * 2, 50)
    }
  }
}

/** An open descriptor (1 for stdout, a FIFO, a file), written by a thread of its own where possible; left open. */
export const toFd = (fd: number): ByteSink =>
  FdSink.threadCanUse(fd)
    ? FdSink.make({ fd })
    : { write: (chunk) => writeFd(fd, chunk), close: () => Promise.resolve() }

/** Tyger's `-o FILE`: opened O_WRONLY|O_CREAT|O_TRUNC 0644, written by a thread of its own, closed by `close`. */
export const toFile = (path: string): ByteSink => FdSink.make({ path })

export const toWritable = (stream: Writable): ByteSink => ({
  write: (chunk) =>
    new Promise<void>((resolve, reject) => {
      const ready = stream.write(chunk, (error) => {
        if (error !== null && error !== undefined) reject(error)
      })
      if (ready) resolve()
      else stream.once("drain", resolve)
    }),
  close: () => Promise.resolve()
})

/** Collects everything in memory (tests, small buffers). */
export const collect = (): ByteSink & { readonly bytes: () => Uint8Array } => {
  const chunks: Array<Uint8Array> = []
  return {
    write: (chunk) => {
      chunks.push(chunk)
      return Promise.resolve()
    },
    close: () => Promise.resolve(),
    bytes: () => {
      const all = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0))
      let offset = 0
      for (const chunk of chunks) {
        all.set(chunk, offset)
        offset += chunk.length
      }
      return all
    }
  }
}

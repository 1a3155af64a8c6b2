// Byte sources for the buffer writer. The writer pulls: `read` fills the writer's own block buffer, with no
// intermediate chunk objects. Descriptors and paths (stdin, files, FIFOs) also offer `blocks`: a reading thread that
// fills whole blocks with blocking reads (see FdBlocks.ts), which the writer uses instead of `read`.
import type { Readable } from "node:stream"
import type { ByteSource } from "../ByteStream.ts"
import * as BlobFs from "./BlobFs.ts"
import * as FdBlocks from "./FdBlocks.ts"
import * as FdSink from "./FdSink.ts"

const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

const regularFile = (fd: number) => BlobFs.fstat(fd).then((stats) => stats.isFile(), () => false)

// A descriptor someone put in non-blocking mode (a terminal, or a pipe shared with a Node parent) answers EAGAIN
// when empty; Node has no poll(2), so wait briefly and try again.
const readFd = async (fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number> => {
  for (let wait = 1;; wait = Math.min(wait * 2, 50)) {
    try {
      return await BlobFs.read(fd, buffer, offset, length, null)
    } catch (error) {
      if (BlobFs.errno(error) !== "EAGAIN") throw error
      await sleep(wait)
    }
  }
}

/** An open descriptor (0 for stdin, a FIFO, a file), read from its current position and left open. */
export const fromFd = (fd: number): ByteSource => ({
  read: (buffer, offset, length) => readFd(fd, buffer, offset, length),
  isRegularFile: () => regularFile(fd),
  close: () => Promise.resolve(),
  ...(FdSink.threadCanUse(fd) ? { blocks: (options) => FdBlocks.make({ fd }, options) } : {})
})

/** A path (a file or a named pipe), opened on first use and closed by `close`. */
export const fromFile = (path: string): ByteSource => {
  let opened: Promise<number> | undefined
  let reading: Promise<unknown> = Promise.resolve()
  const fd = () => (opened ??= BlobFs.open(path, "r"))
  return {
    read: (buffer, offset, length) => {
      const result = fd().then((descriptor) => readFd(descriptor, buffer, offset, length))
      reading = result.catch(() => undefined)
      return result
    },
    isRegularFile: () => BlobFs.stat(path).then((stats) => stats.isFile(), () => false),
    blocks: (options) => FdBlocks.make({ path }, options),
    // A read may still be blocked on an idle FIFO when the writer gives up. Closing under it could let the number be
    // reused by another open before the queued read starts, so the close waits for it without holding the caller.
    close: () => {
      if (opened !== undefined) {
        const descriptor = opened
        void reading.then(() => descriptor).then(BlobFs.close).catch(() => undefined)
      }
      return Promise.resolve()
    }
  }
}

/** Any sequence of chunks: a Node Readable, an async generator, an array. Chunks are copied into the block. */
export const fromIterable = (chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): ByteSource => {
  const iterator = Symbol.asyncIterator in chunks
    ? chunks[Symbol.asyncIterator]()
    : (async function*() {
      yield* chunks
    })()
  let current: Uint8Array = new Uint8Array(0)
  let done = false
  return {
    read: async (buffer, offset, length) => {
      while (current.length === 0 && !done) {
        const next = await iterator.next()
        if (next.done === true) done = true
        else {
          // A Readable with an encoding set yields strings.
          const value: unknown = next.value
          current = typeof value === "string" ? new TextEncoder().encode(value) : next.value
        }
      }
      const n = Math.min(length, current.length)
      buffer.set(current.subarray(0, n), offset)
      current = current.subarray(n)
      return n
    },
    isRegularFile: () => Promise.resolve(false),
    // Not awaited: a generator suspended in an await would hold the writer until it resumes.
    close: () => {
      done = true
      void Promise.resolve(iterator.return?.()).catch(() => undefined)
      return Promise.resolve()
    }
  }
}

export const fromReadable = (stream: Readable | NodeJS.ReadableStream): ByteSource =>
  fromIterable(stream as AsyncIterable<Uint8Array>)

/** For tests and `buffer gen`: a source over a function filling `length` bytes at absolute `position`. */
export const fromGenerator = (
  size: number,
  fill: (buffer: Uint8Array, offset: number, length: number, position: number) => void
): ByteSource => {
  let position = 0
  return {
    read: (buffer, offset, length) => {
      const n = Math.min(length, size - position)
      fill(buffer, offset, n, position)
      position += n
      return Promise.resolve(n)
    },
    isRegularFile: () => Promise.resolve(false),
    close: () => Promise.resolve()
  }
}

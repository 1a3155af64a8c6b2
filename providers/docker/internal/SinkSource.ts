// A socket's output as a buffer writer's input: the socket adapter pushes what the program sends into a ByteSink,
// while a buffer writer (or exec's sink, or an ephemeral relay) pulls from a ByteSource. This is the small queue
// between the two.
//
// Choices, and why:
// - Backpressure: `write` resolves once fewer than `highWater` bytes are queued, so a slow buffer store pauses the
//   socket (the adapter pauses it while a write is pending) instead of holding the whole output in memory.
// - Chunks are kept, not copied: the adapter hands over each socket chunk, which nothing else reuses.
// - `close` (the connection's clean end) resolves once everything queued was read: the adapter's `done` then means
//   the bytes reached the reader. A reader that closes before the end makes it reject, as it does pending writes.
// - `fail` (the adapter failed) makes the reader's next read reject after the bytes queued: a buffer writer then
//   records a failed buffer, never a complete one with a truncated output. After `close` it changes nothing.
import type { ByteSink, ByteSource } from "../../../engine/buffers/ByteStream.ts"

/** Bytes queued before `write` waits. */
export const HIGH_WATER = 4 * 1024 * 1024

export class SourceClosed extends Error {
  constructor() {
    super("the output's reader closed before the output ended")
    this.name = "SourceClosed"
  }
}

export interface SinkSource {
  readonly sink: ByteSink
  readonly source: ByteSource
  /** The data failed: the reader gets `error` once it has read what was queued. */
  readonly fail: (error: unknown) => void
}

export const make = (highWater = HIGH_WATER): SinkSource => {
  const queue: Array<Uint8Array> = []
  let head = 0 // bytes of queue[0] already read
  let queued = 0
  let ended = false
  let failure: { readonly error: unknown } | undefined
  let readerClosed = false
  // Woken when bytes, the end or a failure arrive (the reader), or when bytes were read (writers, close).
  let wakeReader: (() => void) | undefined
  let wakeWriters: Array<() => void> = []

  const notifyReader = () => {
    const waiting = wakeReader
    wakeReader = undefined
    waiting?.()
  }
  const notifyWriters = () => {
    const waiting = wakeWriters
    wakeWriters = []
    for (const wake of waiting) wake()
  }
  const waitForReader = () => new Promise<void>((resolve) => wakeWriters.push(resolve))

  const write = async (chunk: Uint8Array): Promise<void> => {
    if (readerClosed) throw new SourceClosed()
    if (ended) throw new Error("SinkSource: write after close")
    if (chunk.length === 0) return
    queue.push(chunk)
    queued += chunk.length
    notifyReader()
    while (queued >= highWater && !readerClosed && failure === undefined) await waitForReader()
    if (readerClosed) throw new SourceClosed()
  }

  const close = async (): Promise<void> => {
    ended = true
    notifyReader()
    while (queued > 0 && !readerClosed && failure === undefined) await waitForReader()
    if (queued > 0 && readerClosed) throw new SourceClosed()
  }

  const read = async (buffer: Uint8Array, offset: number, length: number): Promise<number> => {
    while (queued === 0 && !ended && failure === undefined && !readerClosed) {
      await new Promise<void>((resolve) => (wakeReader = resolve))
    }
    if (queued === 0) {
      if (!ended && failure !== undefined) throw failure.error
      return 0
    }
    let n = 0
    while (n < length && queue.length > 0) {
      const chunk = queue[0]!
      const take = Math.min(length - n, chunk.length - head)
      buffer.set(chunk.subarray(head, head + take), offset + n)
      n += take
      head += take
      if (head === chunk.length) {
        queue.shift()
        head = 0
      }
    }
    queued -= n
    notifyWriters()
    return n
  }

  const source: ByteSource = {
    read,
    isRegularFile: () => Promise.resolve(false),
    close: () => {
      readerClosed = true
      notifyReader()
      notifyWriters()
      return Promise.resolve()
    }
  }

  return {
    sink: { write, close },
    source,
    fail: (error) => {
      // The connection's clean end came first: the data is whole, whatever fails afterwards.
      if (ended) return
      failure ??= { error }
      notifyReader()
      notifyWriters()
    }
  }
}

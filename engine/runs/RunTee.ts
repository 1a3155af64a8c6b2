// Tees between a buffer transfer and a run's pipe, for a monitor hosted by `run exec` (see LocalStreams).
//
// Both wrap the ByteSource a BufferWriter pulls from, so every byte is read once and hashed once per buffer. A source
// with its own block reader (`blocks`: a reading thread filling shared arenas) keeps it: each block goes to the
// other side as it is handed to the writer, and the writer's `release` of the block (after its upload) is passed on
// only once the other side is done with it, so the arena is never reused under a pipe write and nothing is copied.
// A source read by `read` hands each chunk over as a view of the writer's block memory: the writer never changes
// bytes a read returned, and hands a block on (to be hashed on another thread, which may move a whole-arena block
// there, detaching it here) only after the read that fills the block to its end, or the end of the data; those
// reads wait until their chunk is in the pipe. Otherwise one chunk is in flight while the next is read.
import { Buffer } from "node:buffer"
import type { Block, Blocks, ByteSink, ByteSource } from "../buffers/ByteStream.ts"
import { forEachChunk } from "../buffers/SourceChunks.ts"
import type { LocalFeed } from "./Provider.ts"

interface Pending {
  readonly chunk: Uint8Array
  readonly taken: () => void
}

/** `source` for the input buffer's writer, and the same bytes as a feed for the input's pipe. */
export const teeInput = (input: ByteSource): { readonly source: ByteSource; readonly feed: LocalFeed } => {
  const queue: Array<Pending> = []
  let wake: (() => void) | undefined
  let ended = false
  let discarding = false
  let failure: { readonly error: unknown } | undefined
  let inFlight: Promise<void> = Promise.resolve()

  const notify = () => {
    const waiting = wake
    wake = undefined
    waiting?.()
  }

  const discard = () => {
    discarding = true
    for (const pending of queue.splice(0)) pending.taken()
    notify()
  }

  const offer = (chunk: Uint8Array): Promise<void> =>
    discarding ? Promise.resolve() : new Promise<void>((taken) => {
      queue.push({ chunk, taken })
      notify()
    })

  const fail = (error: unknown) => {
    failure ??= { error }
    notify()
  }

  const drainTo = async (sink: ByteSink): Promise<void> => {
    for (;;) {
      while (queue.length === 0 && !ended && !discarding && failure === undefined) {
        await new Promise<void>((resolve) => (wake = resolve))
      }
      if (failure !== undefined) throw failure.error
      const next = queue.shift()
      if (next === undefined) return
      try {
        await sink.write(next.chunk)
      } catch (error) {
        next.taken()
        discard()
        throw error
      }
      next.taken()
    }
  }

  const blocks = input.blocks
  const source: ByteSource = {
    ...(blocks === undefined ? {} : {
      blocks: (options) => {
        const inner = blocks(options)
        const handedOver = new WeakMap<Uint8Array, Promise<void>>()
        return {
          next: async (): Promise<Block | undefined> => {
            let block: Block | undefined
            try {
              block = await inner.next()
            } catch (error) {
              fail(error)
              throw error
            }
            if (block === undefined) {
              ended = true
              notify()
              return undefined
            }
            const taken = offer(block.bytes)
            handedOver.set(block.bytes, taken)
            // Memory that can be moved to another thread (an ArrayBuffer, unlike the reading thread's shared arenas)
            // could be detached under the pipe write once the writer hashes it: such a block waits for the pipe.
            if (!(block.bytes.buffer instanceof SharedArrayBuffer)) await taken
            return block
          },
          release: (bytes) => {
            const taken = handedOver.get(bytes) ?? Promise.resolve()
            void taken.then(() => inner.release?.(bytes))
          },
          ...(inner.close === undefined ? {} : { close: inner.close })
        } satisfies Blocks
      }
    }),
    read: async (buffer, offset, length) => {
      let n: number
      try {
        n = await input.read(buffer, offset, length)
      } catch (error) {
        fail(error)
        throw error
      }
      await inFlight
      if (n === 0) {
        ended = true
        notify()
        return 0
      }
      inFlight = offer(buffer.subarray(offset, offset + n))
      if (offset + n === buffer.length) await inFlight
      return n
    },
    isRegularFile: () => input.isRegularFile(),
    close: () => {
      // The writer gave up before the end (its buffer is failed): the pipe must not see a clean end-of-file.
      if (!ended) fail(new Error("the input buffer's data ended early"))
      return input.close()
    }
  }

  return { source, feed: { drainTo, discard } }
}

/**
 * `source` for an output buffer's writer that also hands every chunk to `sink`. A failing sink is not the buffer's
 * problem: tapping stops and the buffer is still written (the sink's owner sees its own failure).
 */
export const tapOutput = (output: ByteSource, sink: ByteSink): ByteSource => {
  let inFlight: Promise<void> = Promise.resolve()
  let broken = false
  // A copy for the sink: unlike the pipe, a sink may keep the chunks it was given (as BufferReader's sinks may), and
  // the block's memory is reused or moved once the writer is done with it.
  // One chunk at a time is in flight to the sink, which is the tap's backpressure.
  const hand = (bytes: Uint8Array) => {
    if (broken) return
    // allocUnsafe: no zero-filling of memory that is overwritten at once (a third of the copy's cost).
    const copy = Buffer.allocUnsafe(bytes.length)
    copy.set(bytes)
    inFlight = sink.write(copy).catch(() => {
      broken = true
    })
  }
  const blocks = output.blocks
  return {
    ...(blocks === undefined ? {} : {
      blocks: (options) => {
        const inner = blocks(options)
        return {
          next: async () => {
            const block = await inner.next()
            await inFlight
            if (block !== undefined) hand(block.bytes)
            return block
          },
          ...(inner.release === undefined ? {} : { release: inner.release }),
          ...(inner.close === undefined ? {} : { close: inner.close })
        } satisfies Blocks
      }
    }),
    read: async (buffer, offset, length) => {
      const n = await output.read(buffer, offset, length)
      await inFlight
      if (n === 0 || broken) return n
      hand(buffer.subarray(offset, offset + n))
      return n
    },
    isRegularFile: () => output.isRegularFile(),
    close: () => output.close()
  }
}

/** Bytes per block read from a direct feed's source (a pipe yields 64 KiB per read; a block gathers several). */
const DIRECT_BLOCK = 1024 * 1024
/** How long a direct feed holds a partial block: interactive input reaches the program at once. */
const DIRECT_FLUSH_MILLIS = 2

/**
 * A feed of `input` itself, for an ephemeral input (`_`) of a monitor hosted by `run exec`: no buffer, no hashing, the
 * bytes go from the source to the program's pipe. A source with a reading thread hands its blocks over without a copy.
 */
export const directFeed = (input: ByteSource): LocalFeed => {
  let discarding = false
  const drainTo = (sink: ByteSink): Promise<void> =>
    forEachChunk(input, { blockSize: DIRECT_BLOCK, flushMillis: DIRECT_FLUSH_MILLIS }, (chunk) =>
      discarding ? Promise.resolve() : sink.write(chunk))
  return { drainTo, discard: () => void (discarding = true) }
}

// Splits a byte source into blocks of at most `blockSize` bytes, flushing a partial block when `flushMillis` has
// passed since the previous block with data pending (Tyger's --flush-interval), so a trickle reaches readers.
//
// Reads land directly in an arena of `blockSize` bytes and blocks are views of it: a full arena is one block with no
// copy. A flush can happen while a read is still in flight (fs.read on a pipe cannot be cancelled); the flushed
// block is the part before the in-flight read's target range, and the next block continues in the same arena, so
// a block following a flush may be shorter than `blockSize`. Blocks are never written after they are returned.
import type { Block, Blocks, ByteSource } from "../ByteStream.ts"

const FLUSH = Symbol("flush")

export const make = (source: ByteSource, blockSize: number, flushMillis: number): Blocks => {
  let arena = new Uint8Array(blockSize)
  let start = 0
  let end = 0
  let ended = false
  let inFlight: Promise<number> | undefined
  let lastBlockAt = performance.now()
  let flushDue: Promise<typeof FLUSH> | undefined
  let flushTimer: ReturnType<typeof setTimeout> | undefined

  const take = (): Block | undefined => {
    if (flushTimer !== undefined) clearTimeout(flushTimer)
    flushTimer = undefined
    flushDue = undefined
    if (end === start) return undefined
    const block = arena.subarray(start, end)
    start = end
    lastBlockAt = performance.now()
    if (end === arena.length) {
      arena = new Uint8Array(blockSize)
      start = end = 0
    }
    return { bytes: block }
  }

  // One timer per pending block rather than one per read: a pipe delivers 64 KiB per read.
  const flushSignal = (): Promise<typeof FLUSH> =>
    flushDue ??= new Promise((resolve) => {
      flushTimer = setTimeout(() => resolve(FLUSH), Math.max(0, lastBlockAt + flushMillis - performance.now()))
    })

  const next = async (): Promise<Block | undefined> => {
    for (;;) {
      if (ended || end === arena.length) return take()
      inFlight ??= source.read(arena, end, arena.length - end)
      const result = flushMillis > 0 && end > start ? await Promise.race([inFlight, flushSignal()]) : await inFlight
      if (result === FLUSH) return take()
      inFlight = undefined
      if (result === 0) ended = true
      else end += result
    }
  }

  return { next }
}

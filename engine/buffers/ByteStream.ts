// The contract between buffer transfers and the bytes they move: a BufferWriter pulls from a ByteSource (by `read`,
// or in Blocks a source reads itself), a BufferReader pushes into a ByteSink. Only types live here, so the
// implementations (internal/) and the code that offers its own sources and sinks (run tees, provider pipes) depend on
// this module and never on each other.

export interface ByteSource {
  /** Reads up to `length` bytes into `buffer` at `offset`; resolves 0 at the end of the input. */
  readonly read: (buffer: Uint8Array, offset: number, length: number) => Promise<number>
  /** Whether the input is a regular file, for which Tyger disables the flush interval. */
  readonly isRegularFile: () => Promise<boolean>
  /** Releases what the source opened itself (never a descriptor it was given). */
  readonly close: () => Promise<void>
  /**
   * A faster way to the same bytes in blocks, when the source has one; used instead of `read`. At most `arenas`
   * blocks' worth of memory is held by blocks not yet released.
   */
  readonly blocks?: (options: BlocksOptions) => Blocks
}

/** How a source that reads in blocks of its own (a reading thread) cuts them. */
export interface BlocksOptions {
  readonly blockSize: number
  readonly flushMillis: number
  /** Bounds memory: blocks in uploads, blocks queued, and the one being read. */
  readonly arenas: number
}

/**
 * A block as read. The writer hashes it in its pool, not the reading thread: reading and hashing then do not take
 * turns, which is faster even on two cores (measured, `tyger buffer write` of 2 GiB from a pipe: 5.6 s against 6.7 s
 * hashing in the reader).
 */
export interface Block {
  readonly bytes: Uint8Array
}

export interface Blocks {
  /** The next block, or `undefined` once the source is exhausted and everything was returned. */
  readonly next: () => Promise<Block | undefined>
  /** The block's upload is over: a source that recycles memory may reuse its bytes. */
  readonly release?: (bytes: Uint8Array) => void
  /** Stops reading ahead (without waiting for a read in progress). */
  readonly close?: () => void
}

/**
 * Where a BufferReader writes. `write` resolving is the reader's backpressure; a sink may buffer a few chunks, so only
 * a successful `close` means everything was written.
 */
export interface ByteSink {
  /** The sink may take over the chunk's memory: callers must not use the chunk afterwards. */
  readonly write: (chunk: Uint8Array) => Promise<void>
  /** Waits until everything is written, then releases what the sink opened (never a descriptor it was given). */
  readonly close: () => Promise<void>
}

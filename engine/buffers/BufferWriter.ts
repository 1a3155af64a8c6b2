import { Cause, Deferred, Duration, Effect, FiberSet, Queue, Semaphore } from "effect"
import type { BlobStoreError, Container } from "./BlobStore.ts"
import { BufferDataError, fromBlobStoreError, messages } from "./BufferDataError.ts"
import * as BufferFormat from "./BufferFormat.ts"
import type { Blocks, ByteSource } from "./ByteStream.ts"
import * as BlobDigest from "./internal/BlobDigest.ts"
import * as BlockSplitter from "./internal/BlockSplitter.ts"
import * as HashPool from "./internal/HashPool.ts"
import * as WriterLease from "./internal/WriterLease.ts"
import { retryTransient } from "./internal/Retry.ts"

export type { ByteSource } from "./ByteStream.ts"
export { fromFd, fromFile, fromIterable, fromReadable } from "./internal/ByteSource.ts"

export const DEFAULT_DOP = 16
export const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024
export const DEFAULT_FLUSH_INTERVAL: Duration.Duration = Duration.seconds(1)
/** How long a failed or interrupted write may spend recording `.bufferend` `failed` (Tyger: a fresh 3 s context). */
export const END_TIMEOUT: Duration.Duration = Duration.seconds(3)

export interface WriteOptions {
  /** Blob uploads in flight (Tyger's `--dop`, default 16). */
  readonly dop?: number
  /** Bytes per blob at most (default 4 MiB). */
  readonly blockSize?: number
  /**
   * Longest wait before pending data is uploaded as a short blob (default 1 s; 0 disables). Ignored, as in Tyger,
   * when the source is a regular file.
   */
  readonly flushInterval?: Duration.Input
  /** Called with the total bytes stored so far, after each blob. */
  readonly onProgress?: (bytes: number) => void
  /** How often the writer's lease is renewed (see internal/WriterLease.ts). @default 10 s */
  readonly heartbeatInterval?: Duration.Duration
}

/** Far above any useful blob (Azure's single-put limit is 5000 MiB); block offsets must fit in 32 bits. */
export const MAX_BLOCK_SIZE = 2 ** 31

const EMPTY = new Uint8Array(0)
/** How far reading may run ahead of hashing, in blocks. */
const HASH_QUEUE = 4

const invalid = (message: string) => new BufferDataError({ reason: "InvalidOptions", message })

/**
 * Writes `source` to an empty buffer with Tyger's protocol (format 0.3.0): `.bufferstart`, numbered blobs with
 * Content-MD5 and the hash chain, an empty blob, `.bufferend` `complete`. Once `.bufferstart` is written, any failure
 * or interruption records `.bufferend` `failed` (best effort, bounded by END_TIMEOUT), so readers never take a
 * truncated stream for a complete one. The source is closed when the write ends.
 */
export const write = Effect.fn("BufferWriter.write")(
  function*(container: Container, source: ByteSource, options: WriteOptions = {}) {
    const dop = options.dop ?? DEFAULT_DOP
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE
    if (!Number.isInteger(dop) || dop < 1) return yield* invalid("the degree of parallelism (dop) must be at least 1")
    if (!Number.isSafeInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      return yield* invalid("the block size must be between 1 byte and 2 GiB")
    }
    const flushMillis = yield* Effect.promise(() => source.isRegularFile()).pipe(
      Effect.map((regular) => regular ? 0 : Duration.toMillis(options.flushInterval ?? DEFAULT_FLUSH_INTERVAL))
    )

    yield* writeStart(container)
    // The lease's heartbeats go on while the data is written: readers can tell a slow writer from a dead one.
    yield* Effect.scoped(Effect.andThen(
      WriterLease.hold(container, options.heartbeatInterval),
      Effect.acquireUseRelease(
        Effect.sync(() => blocksOf(source, { blockSize, flushMillis, arenas: dop + HASH_QUEUE + 1 })),
        (blocks) => writeData(container, blocks, dop, options.onProgress),
        (blocks) => Effect.sync(() => blocks.close?.())
      )
    )).pipe(Effect.onError(() => writeEnd(container, "failed")))
    yield* writeEnd(container, "complete")
  },
  (effect, _container, source, _options?: WriteOptions) =>
    Effect.ensuring(effect, Effect.promise(() => source.close().catch(() => undefined)))
)

/** The source's own block reader (a reading thread) if it has one and it starts, else blocks pulled by `read`. */
const blocksOf = (source: ByteSource, options: { blockSize: number; flushMillis: number; arenas: number }) => {
  try {
    // Uploads in flight, blocks queued for hashing, and the one being read each hold an arena.
    const own = source.blocks?.(options)
    if (own !== undefined) return own
  } catch {
    // No worker threads here: fall back to reading on the event loop.
  }
  return BlockSplitter.make(source, options.blockSize, options.flushMillis)
}

const upload = (error: BlobStoreError) => fromBlobStoreError("upload")(error)

type PutOptions = Parameters<Container["putBlob"]>[2]

const putWithRetry = (container: Container, path: string, body: Uint8Array, options: PutOptions) =>
  container.putBlob(path, body, options).pipe(retryTransient(5))

const writeStart = Effect.fn("BufferWriter.writeStart")(function*(container: Container) {
  const exists = yield* container.headBlob(BufferFormat.START_BLOB).pipe(
    Effect.as(true),
    Effect.catchIf((error) => error.reason === "BlobNotFound", () => Effect.succeed(false)),
    Effect.mapError(upload)
  )
  if (exists) return yield* new BufferDataError({ reason: "BufferExists", message: messages.cannotOverwrite })
  // Unlike Tyger, which accepts an existing identical `.bufferstart` (for its HTTP retries), a start blob that appeared
  // since the HEAD means another writer won the race: exactly one writer may own the buffer.
  const body = BufferFormat.startBody
  yield* putWithRetry(container, BufferFormat.START_BLOB, body, { contentMd5: BufferFormat.md5Base64(body) }).pipe(
    Effect.mapError(upload)
  )
})

const writeEnd = (container: Container, status: BufferFormat.EndStatus) => {
  const body = BufferFormat.endBody(status)
  const put = putWithRetry(container, BufferFormat.END_BLOB, body, { contentMd5: BufferFormat.md5Base64(body) })
  // Tyger only warns when `.bufferend` cannot be written; the data is complete either way (readers stop at the empty
  // blob), and a failed write is already being reported.
  const warn = (cause: Cause.Cause<unknown>) =>
    Effect.logWarning("Failed to upload optional metadata at the end of the transfer", Cause.squash(cause))
  return status === "complete"
    ? put.pipe(Effect.catchCause(warn))
    : Effect.interruptible(put).pipe(
      Effect.timeout(END_TIMEOUT),
      Effect.catchCause(warn),
      Effect.withSpan("BufferWriter.writeEnd")
    )
}

/** A data blob; a blob that exists with our MD5 and chain is a retried upload that landed, as Tyger accepts it. */
const putDataBlob = (container: Container, blobNumber: number, body: Uint8Array, md5: string, chain: string) => {
  const path = BufferFormat.blobPath(blobNumber)
  return putWithRetry(container, path, body, { contentMd5: md5, metadata: { [BufferFormat.HASH_CHAIN_KEY]: chain } })
    .pipe(
      Effect.catchIf(
        (error) => error.reason === "BlobExists",
        (error) =>
          container.headBlob(path).pipe(
            Effect.flatMap((existing) =>
              existing.contentMd5 === md5 && existing.metadata[BufferFormat.HASH_CHAIN_KEY] === chain
                ? Effect.void
                : Effect.fail(error)
            )
          )
      ),
      Effect.mapError(upload)
    )
}

const readBlock = (blocks: Blocks) =>
  Effect.tryPromise({
    try: () => blocks.next(),
    catch: (cause) =>
      new BufferDataError({
        reason: "InputFailed",
        message: `error reading from input: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause
      })
  })

/**
 * Three stages: this fiber's reader pulls blocks and hands each to the hash pool (so reading goes on while blocks
 * hash); the chainer takes the digests in order, extends the hash chain and forks uploads, up to `dop` at once. The
 * first failing upload ends the write at once; closing the scope interrupts the rest.
 */
const writeData = Effect.fn("BufferWriter.writeData")(function*(
  container: Container,
  blocks: Blocks,
  dop: number,
  onProgress: ((bytes: number) => void) | undefined
) {
  const pool = yield* HashPool.scoped()
  const slots = yield* Semaphore.make(dop)
  const failed = yield* Deferred.make<never, BufferDataError>()
  const uploads = yield* FiberSet.make<void, never>()
  // Bounds how far reading runs ahead of hashing.
  const hashing = yield* Queue.bounded<{ readonly digest: Promise<HashPool.Hashed>; readonly last: boolean }>(
    HASH_QUEUE
  )
  let stored = 0

  const uploadBlob = (blobNumber: number, body: Uint8Array, md5: string, chain: string) =>
    putDataBlob(container, blobNumber, body, md5, chain).pipe(
      Effect.tap(() =>
        Effect.sync(() => {
          stored += body.length
          onProgress?.(stored)
        })
      ),
      Effect.catchCause((cause) => Cause.hasInterruptsOnly(cause) ? Effect.void : Deferred.failCause(failed, cause)),
      Effect.asVoid,
      Effect.ensuring(Effect.andThen(Effect.sync(() => blocks.release?.(body)), slots.release(1)))
    )

  const readAll = Effect.gen(function*() {
    for (;;) {
      // After the last block comes one empty blob: Tyger's end-of-data marker.
      const block = yield* readBlock(blocks)
      const last = block === undefined
      // The pool may transfer the block's memory to a worker: `block` is unusable from here on.
      const digest = pool.md5(block?.bytes ?? EMPTY)
      // Handled here so that a rejection waiting in the queue is not reported as unhandled; the chainer sees it.
      digest.catch(() => undefined)
      yield* Queue.offer(hashing, { digest, last })
      if (last) return
    }
  })

  const chainAndUpload = Effect.gen(function*() {
    let chain = BufferFormat.INITIAL_CHAIN
    for (let blobNumber = 0;; blobNumber++) {
      const { digest, last } = yield* Queue.take(hashing)
      const { md5, bytes } = yield* Effect.promise(() => digest)
      BlobDigest.remember(bytes, md5)
      chain = BufferFormat.nextChain(chain, md5)
      yield* slots.take(1)
      yield* FiberSet.run(uploads, uploadBlob(blobNumber, bytes, md5, chain))
      if (last) break
    }
    yield* slots.take(dop)
    // An upload that failed released its slot only after recording the failure.
    if (yield* Deferred.isDone(failed)) yield* Deferred.await(failed)
  })

  yield* Effect.raceFirst(
    Effect.all([readAll, chainAndUpload], { concurrency: 2, discard: true }),
    Deferred.await(failed)
  )
}, Effect.scoped)

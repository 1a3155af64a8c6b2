import { Deferred, Duration, Effect, FiberSet } from "effect"
import type { BlobStoreError, Container } from "./BlobStore.ts"
import { BufferDataError, fromBlobStoreError, messages } from "./BufferDataError.ts"
import * as BufferFormat from "./BufferFormat.ts"
import type { ByteSink } from "./ByteStream.ts"
import * as HashPool from "./internal/HashPool.ts"
import * as WriterLease from "./internal/WriterLease.ts"
import { retryTransient } from "./internal/Retry.ts"

export type { ByteSink } from "./ByteStream.ts"
export { collect, toFd, toFile, toWritable } from "./internal/ByteSink.ts"

export const DEFAULT_DOP = 32
/**
 * Longest pause between looks for `.bufferend` (Tyger: a fixed 5 s). Polling starts at 100 ms and doubles up to this,
 * so a failed buffer is noticed within about a second.
 */
export const DEFAULT_END_POLL_INTERVAL: Duration.Duration = Duration.seconds(1)

export interface ReadOptions {
  /** Blobs fetched ahead of the output (Tyger's `--dop`, default 32). */
  readonly dop?: number
  /** Called with the total bytes written to the sink so far, after each blob. */
  readonly onProgress?: (bytes: number) => void
  readonly endPollInterval?: Duration.Input
  /** How long without a new heartbeat of the writer's lease before the writer counts as gone. @default 45 s */
  readonly writerStaleAfterMs?: number
}

type Fetched =
  | { readonly _tag: "Blob"; readonly body: Uint8Array; readonly md5: string; readonly chain: string | undefined }
  /** Not there although `.bufferend` was: an error only if the stream has not ended before this blob. */
  | { readonly _tag: "Missing" }
  /** Not there, and its writer is gone: the read fails here, after every blob before it was written out. */
  | { readonly _tag: "WriterGone"; readonly message: string }

/** What the end poller has learnt, shared with the fetchers. */
interface ReadState {
  /** `.bufferend` says complete: from then on a missing blob is missing for good. */
  endSeen: boolean
  /** The writer went away without an end: a blob still missing will never come. */
  writerGone: string | undefined
}

const download = (error: BlobStoreError) => fromBlobStoreError("download")(error)

const notFound = (error: BlobStoreError) => error.reason === "BlobNotFound"

/** A blob's body, or `undefined` while it does not exist; transient failures are retried. */
const getIfExists = (container: Container, path: string) =>
  container.getBlob(path).pipe(
    retryTransient(0),
    Effect.catchIf(notFound, () => Effect.succeed(undefined)),
    Effect.mapError(download)
  )

/** Tyger's wait for a blob not written yet: 100 ms ×10, 500 ms up to 100 tries, 1 s up to 1000, then 5 s. */
const blobRetryDelay = (attempt: number): Duration.Duration =>
  Duration.millis(attempt < 10 ? 100 : attempt < 100 ? 500 : attempt < 1000 ? 1000 : 5000)

const backoff = (attempt: number, max: Duration.Duration): Duration.Duration =>
  Duration.min(Duration.millis(100 * 2 ** Math.min(attempt, 16)), max)

const failure = (reason: BufferDataError["reason"], message: string) => new BufferDataError({ reason, message })

/**
 * Reads a buffer to `sink` with Tyger's protocol (format 0.3.0): waits for `.bufferstart` as long as it takes, streams
 * blobs in order while they are being written, verifies each blob's MD5 and the hash chain, and ends successfully at
 * the first empty blob. A buffer whose writer recorded `failed` fails the read, also while it is waiting. The sink is
 * closed when the read ends; a read succeeds only when closing the sink does.
 */
export const read = Effect.fn("BufferReader.read")(
  function*(container: Container, sink: ByteSink, options: ReadOptions = {}) {
    const dop = options.dop ?? DEFAULT_DOP
    if (!Number.isInteger(dop) || dop < 1) {
      return yield* failure("InvalidOptions", "the degree of parallelism (dop) must be at least 1")
    }
    const endPollMax = Duration.fromInputUnsafe(options.endPollInterval ?? DEFAULT_END_POLL_INTERVAL)
    const state: ReadState = { endSeen: false, writerGone: undefined }
    const stream = Effect.andThen(readStart(container, state), readBlobs(container, sink, dop, state, options.onProgress))
    const lease = WriterLease.watch(container, options.writerStaleAfterMs)
    // The poller only ever ends the race by failing; once it has seen `complete` it waits with the rest.
    const polled = Effect.andThen(pollEnd(container, state, endPollMax, lease), Effect.never)
    yield* closingSink(sink, Effect.raceFirst(stream, polled))
  }
)

/**
 * `transfer` into `sink`, then the sink closed: quietly after a failure; after a success as part of the read, because
 * the sink may still hold the last chunks (a descriptor's sink writes on a thread of its own, which must have written
 * them before the process exits), so the read has succeeded only once they are written. Every read into a sink ends
 * here: a blob read and a relay's (EphemeralAccess.read).
 */
export const closingSink = <A, E, R>(sink: ByteSink, transfer: Effect.Effect<A, E, R>) =>
  transfer.pipe(
    Effect.onError(() => Effect.promise(() => sink.close().catch(() => undefined))),
    Effect.andThen(Effect.tryPromise({ try: () => sink.close(), catch: outputFailed }))
  )

/** The sink failed (stdout closed, a full disk): what the read could not deliver. */
const outputFailed = (cause: unknown) =>
  new BufferDataError({
    reason: "OutputFailed",
    message: `error writing to output: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause
  })

const pollEnd = Effect.fn("BufferReader.pollEnd")(
  function*(
    container: Container,
    state: ReadState,
    max: Duration.Duration,
    lease: { readonly check: Effect.Effect<WriterLease.Gone | undefined, never> }
  ) {
    for (let attempt = 0;; attempt++) {
      const end = (yield* getIfExists(container, BufferFormat.END_BLOB))?.body
      if (end === undefined) {
        const gone = yield* lease.check
        // Looked again: the writer may have recorded its end just before it went.
        if (gone !== undefined && (yield* getIfExists(container, BufferFormat.END_BLOB)) === undefined) {
          // Not a failure yet: the blobs the writer stored are still written out, in order, before the read fails
          // at the first one missing (a reader racing ahead would otherwise lose data that exists).
          state.writerGone = WriterLease.goneMessage(gone)
          return
        }
        yield* Effect.sleep(backoff(attempt, max))
        continue
      }
      const status = BufferFormat.parseEndStatus(end)
      if (status === "failed") return yield* failure("BufferFailed", messages.failedState)
      if (status !== "complete") {
        yield* Effect.logWarning(`Buffer end blob has unexpected status '${status ?? "<unreadable>"}'`)
      }
      state.endSeen = true
      return
    }
  }
)

const readStart = Effect.fn("BufferReader.readStart")(function*(container: Container, state: ReadState) {
  for (let attempt = 0;; attempt++) {
    const gone = state.writerGone
    const start = (yield* getIfExists(container, BufferFormat.START_BLOB))?.body
    if (start === undefined) {
      if (gone !== undefined) return yield* failure("WriterGone", gone)
      yield* Effect.sleep(backoff(attempt, Duration.seconds(1)))
      continue
    }
    const version = BufferFormat.parseStartVersion(start)
    if (version === undefined) {
      return yield* failure("UnsupportedFormat", "failed to unmarshal buffer start metadata")
    }
    if (version !== BufferFormat.FORMAT_VERSION) {
      return yield* failure("UnsupportedFormat", messages.unsupportedVersion(version, BufferFormat.FORMAT_VERSION))
    }
    return
  }
})

/** Shared by the fetchers: the number of the first empty blob, once one has been seen. */
interface Progress {
  finalBlob: number
}

const fetchBlob = (
  container: Container,
  pool: HashPool.HashPool,
  blobNumber: number,
  state: ReadState,
  progress: Progress
) =>
  Effect.gen(function*() {
    const path = BufferFormat.blobPath(blobNumber)
    let md5Failures = 0
    for (let attempt = 0;; attempt++) {
      // Read before the request: `.bufferend` may appear while it is in flight, and the blob may have landed just
      // before; one more look is then needed before calling the blob missing.
      const waiting = !state.endSeen
      const gone = state.writerGone
      if (blobNumber > progress.finalBlob) return undefined
      const blob = yield* getIfExists(container, path)
      if (blob === undefined) {
        if (waiting && gone !== undefined) return { _tag: "WriterGone", message: gone } satisfies Fetched
        if (waiting) {
          yield* Effect.sleep(blobRetryDelay(attempt))
          continue
        }
        if (blobNumber > progress.finalBlob) return undefined
        return { _tag: "Missing" } satisfies Fetched
      }
      const { md5, bytes: body } = yield* HashPool.hash(pool, blob.body)
      if (md5 !== blob.contentMd5) {
        // Tyger retries a mismatch (corruption in transit) 5 times.
        if (++md5Failures <= 5) continue
        return yield* failure("Md5Mismatch", messages.md5Mismatch)
      }
      if (body.length === 0) progress.finalBlob = Math.min(progress.finalBlob, blobNumber)
      return { _tag: "Blob", body, md5, chain: blob.metadata[BufferFormat.HASH_CHAIN_KEY] } satisfies Fetched
    }
  })

/**
 * Up to `dop` fetcher fibers run ahead of the output, each completing its blob's slot in `window`; this fiber takes
 * the slots in order, checks the chain and writes to the sink. A fetch error ends the read at once.
 */
const readBlobs = Effect.fn("BufferReader.readBlobs")(function*(
  container: Container,
  sink: ByteSink,
  dop: number,
  state: ReadState,
  onProgress: ((bytes: number) => void) | undefined
) {
  const pool = yield* HashPool.scoped()
  const fetchers = yield* FiberSet.make<void, never>()
  const failed = yield* Deferred.make<never, BufferDataError>()
  const progress: Progress = { finalBlob: Number.POSITIVE_INFINITY }
  const window: Array<Deferred.Deferred<Fetched | undefined>> = []
  let launched = 0

  const launch = Effect.gen(function*() {
    const slot = yield* Deferred.make<Fetched | undefined>()
    const blobNumber = launched++
    window.push(slot)
    yield* FiberSet.run(
      fetchers,
      fetchBlob(container, pool, blobNumber, state, progress).pipe(
        Effect.flatMap((fetched) => Deferred.succeed(slot, fetched)),
        Effect.catch((error) => Deferred.fail(failed, error)),
        Effect.asVoid
      )
    )
  })

  const consume = Effect.gen(function*() {
    let chain = BufferFormat.INITIAL_CHAIN
    let written = 0
    for (let blobNumber = 0;; blobNumber++) {
      while (window.length < dop && launched <= progress.finalBlob) yield* launch
      const fetched = yield* Deferred.await(window.shift()!)
      if (fetched?._tag === "WriterGone") return yield* failure("WriterGone", fetched.message)
      if (fetched === undefined || fetched._tag === "Missing") {
        return yield* failure("MissingBlob", messages.missingBlob(blobNumber))
      }
      if (fetched.chain === undefined) return yield* failure("HashChainMismatch", messages.missingHashChain)
      // Checked before the bytes reach the sink (Tyger writes first), and for the empty end blob too (Tyger stops
      // before checking it; every writer, Tyger's included, stores its correct chain value).
      chain = BufferFormat.nextChain(chain, fetched.md5)
      if (fetched.chain !== chain) return yield* failure("HashChainMismatch", messages.hashChainMismatch)
      if (fetched.body.length === 0) return
      const length = fetched.body.length
      yield* Effect.tryPromise({ try: () => sink.write(fetched.body), catch: outputFailed })
      written += length
      onProgress?.(written)
    }
  })

  yield* Effect.raceFirst(consume, Deferred.await(failed))
}, Effect.scoped)

import { Context, DateTime, Duration, Effect, Layer, Schema } from "effect"
import * as Tags from "../../model/Tags.ts"
import { type Access, BlobStore, type BlobStoreError, type Container } from "./BlobStore.ts"
import { BufferDataError, messages } from "./BufferDataError.ts"
import * as BufferFormat from "./BufferFormat.ts"
import * as BufferReader from "./BufferReader.ts"
import { type BufferFilter, type BufferRecord, makeId, MAX_EXPIRES_AT } from "../store/BufferRecord.ts"
import * as BufferWriter from "./BufferWriter.ts"
import * as EphemeralAccess from "./EphemeralAccess.ts"
import * as BufferTarget from "./BufferTarget.ts"
import type { Target } from "./BufferTarget.ts"
import { Store } from "../store/Store.ts"
import { StoreError } from "../store/StoreError.ts"
import type { ListBuffersOptions } from "../store/BufferRecord.ts"

/**
 * Tyger's buffer API without its server: metadata in the Store, data in a BlobStore. Each method does what the
 * control-plane endpoint does (validation, state rules, error texts), so the CLI only formats.
 */

export const Reason = Schema.Literals([
  /** Tyger's 400 `InvalidInput` (tags, location, access TTL). */
  "InvalidInput",
  /** Tyger's 404 `NotFound: The resource was not found`. */
  "NotFound",
  /** Tyger's 412 (`Buffer is already soft-deleted`, `ETag does not match`, …). */
  "PreconditionFailed",
  /** Tyger's client-side `the server's ETag does not match the provided ETag`: not a server answer. */
  "ETagMismatch"
])
export type Reason = typeof Reason.Type

/** A failure of a metadata operation, in Tyger's server terms; data transfers fail with BufferDataError. */
export class BuffersError extends Schema.TaggedError<BuffersError>()("BuffersError", {
  reason: Reason,
  message: Schema.String
}) {
  /** Tyger's error code, for failures its CLI would have received from the server (printed `<code>: <message>`). */
  get code(): string | undefined {
    return this.reason === "ETagMismatch" ? undefined : this.reason
  }
}

export const ETAG_MISMATCH = "the server's ETag does not match the provided ETag"
export const NOT_FOUND = "The resource was not found"

/** Tyger's access URL lifetimes: one hour by default, 30 s to 1 h. */
export const DEFAULT_ACCESS_TTL_SECONDS = 3600
const MIN_ACCESS_TTL_SECONDS = 30

/** How many purged buffers one sweep step removes at most. */
export const DEFAULT_SWEEP_LIMIT = 100

export type BufferTags = { readonly [key: string]: string }

export interface CreateOptions {
  readonly tags?: BufferTags
  /** The buffer expires (is soft-deleted) this long after creation. */
  readonly ttl?: Duration.Duration
  /** Tyger's `--location`; must name this backend's location. */
  readonly location?: string
}

export interface SetOptions {
  readonly tags?: BufferTags
  /** Replace the tags with `tags` instead of merging them into the existing ones. */
  readonly clearTags?: boolean
  /** Tyger's `--etag`: the update applies only to this version of the buffer. */
  readonly eTag?: string
  /** The buffer expires this long from now. */
  readonly ttl?: Duration.Duration
  /** Update a soft-deleted buffer instead of an active one. */
  readonly softDeleted?: boolean
}

export type BulkOperation = "delete" | "restore" | "purge"

export type TagFilter = Omit<BufferFilter, "softDeleted">

export type { Target } from "./BufferTarget.ts"

export class Buffers extends Context.Service<Buffers, {
  readonly location: string
  readonly create: (options: CreateOptions) => Effect.Effect<BufferRecord, BuffersError | StoreError | BlobStoreError>
  readonly get: (id: string, options?: { readonly softDeleted?: boolean }) => Effect.Effect<BufferRecord, BuffersError | StoreError>
  /** Newest first; `after` continues a previous page. */
  readonly list: (options: ListBuffersOptions) => Effect.Effect<ReadonlyArray<BufferRecord>, StoreError>
  readonly count: (filter: BufferFilter) => Effect.Effect<number, StoreError>
  /** Tyger's `SetFieldsOnEntity`: tags merged unless `clearTags`, the ETag checked, the expiry moved. */
  readonly set: (id: string, options: SetOptions) => Effect.Effect<BufferRecord, BuffersError | StoreError>
  readonly delete: (id: string) => Effect.Effect<BufferRecord, BuffersError | StoreError>
  readonly restore: (id: string) => Effect.Effect<BufferRecord, BuffersError | StoreError>
  readonly purge: (id: string) => Effect.Effect<BufferRecord, BuffersError | StoreError>
  /** The buffers a bulk `operation` would change (active ones for delete, soft-deleted ones otherwise). */
  readonly countFor: (operation: BulkOperation, filter: TagFilter) => Effect.Effect<number, StoreError>
  /** Applies `operation` to every matching buffer; returns how many changed. */
  readonly bulk: (operation: BulkOperation, filter: TagFilter) => Effect.Effect<number, StoreError>
  /** A URL granting read (or write) access to an active buffer for `ttlSeconds` (default one hour). */
  readonly access: (
    id: string,
    write: boolean,
    ttlSeconds?: number
  ) => Effect.Effect<string, BuffersError | StoreError | BlobStoreError>
  /** Tyger's argument rules: an absolute URL, a small file holding one, else a buffer id. */
  readonly resolve: (argument: string, options?: { readonly cwd?: string }) => Effect.Effect<Target, BufferDataError>
  /** The container a target names; a buffer id must be an active buffer (`the buffer does not exist`). */
  readonly open: (target: Target, access: Access) => Effect.Effect<Container, BufferDataError | StoreError>
  readonly write: (
    container: Container,
    source: BufferWriter.ByteSource,
    options?: BufferWriter.WriteOptions
  ) => Effect.Effect<void, BufferDataError>
  readonly read: (
    container: Container,
    sink: BufferReader.ByteSink,
    options?: BufferReader.ReadOptions
  ) => Effect.Effect<void, BufferDataError>
  /** The whole of buffer `id`, once its writer has ended it (as `tyger buffer read` waits): one call for a result. */
  readonly readAll: (id: string) => Effect.Effect<Uint8Array, BufferDataError | StoreError>
  /**
   * One bounded step of Tyger's background deleter: expiries made permanent, then up to `limit` purged buffers'
   * data and rows removed. Returns how many were removed; a container that cannot be deleted now stays for the next.
   */
  readonly sweep: (limit?: number) => Effect.Effect<number, StoreError>
}>()("tyger-ts/engine/Buffers") {
  static readonly layer: Layer.Layer<Buffers, never, Store | BlobStore> = Layer.effect(
    Buffers,
    Effect.gen(function*() {
      return make(yield* Store, yield* BlobStore)
    })
  )
}

const fail = (reason: Reason, message: string) => new BuffersError({ reason, message })

/** The Store's NotFound and PreconditionFailed are the server's 404 and 412; other Store failures stay as they are. */
const fromStore = (error: StoreError): BuffersError | StoreError =>
  error.reason === "NotFound"
    ? fail("NotFound", NOT_FOUND)
    : error.reason === "PreconditionFailed"
    ? fail("PreconditionFailed", error.message)
    : error

const mapStore = <A, R>(effect: Effect.Effect<A, StoreError, R>): Effect.Effect<A, BuffersError | StoreError, R> =>
  Effect.mapError(effect, fromStore)

const nowMillis = Effect.map(DateTime.now, DateTime.toEpochMillis)

const make = (store: Store["Service"], blobs: BlobStore["Service"]): Buffers["Service"] => {
  const validateTags = (tags: BufferTags | undefined) => {
    const [problem] = Tags.validate("tags", tags)
    return problem === undefined ? Effect.void : Effect.fail(fail("InvalidInput", problem.message))
  }

  const validateLocation = (location: string | undefined) => {
    if (location === undefined || location === "" || location.toLowerCase() === blobs.location.toLowerCase()) {
      return Effect.void
    }
    // Tyger's local data plane has one location; its cloud one has storage accounts per location.
    return Effect.fail(fail(
      "InvalidInput",
      blobs.location === "local"
        ? `Buffer location can only be '${blobs.location}.`
        : `No storage accounts configured for location '${location}'`
    ))
  }

  /** `now + ttl`, refused before anything is created when no stored time can hold it. */
  const expiryAfter = (now: number, ttl: Duration.Duration) => {
    const at = now + Duration.toMillis(ttl)
    return Number.isSafeInteger(at) && at <= MAX_EXPIRES_AT
      ? Effect.succeed(at)
      : fail("InvalidInput", "The TTL is too long: the buffer would expire after the year 9999.")
  }

  const create = Effect.fn("Buffers.create")(function*(options: CreateOptions) {
    const tags = options.tags ?? {}
    yield* validateTags(tags)
    yield* validateLocation(options.location)
    const now = yield* nowMillis
    const id = makeId()
    yield* blobs.createContainer(id)
    const expiresAt = options.ttl === undefined ? {} : { expiresAt: yield* expiryAfter(now, options.ttl) }
    // The row makes the buffer visible; without it the container would be an orphan no sweep ever finds.
    return yield* store.createBuffer({ id, location: blobs.location, tags, ...expiresAt }).pipe(
      Effect.onError(() => Effect.ignore(blobs.deleteContainer(id)))
    )
  })

  const get = Effect.fn("Buffers.get")(function*(id: string, options?: { readonly softDeleted?: boolean }) {
    return yield* mapStore(store.getBuffer(id, { softDeleted: options?.softDeleted ?? false }))
  })

  const set = Effect.fn("Buffers.set")(function*(id: string, options: SetOptions) {
    const softDeleted = options.softDeleted ?? false
    const given = options.eTag !== undefined && options.eTag !== "" ? options.eTag : undefined
    const expiry = options.ttl === undefined ? {} : { expiresAt: yield* expiryAfter(yield* nowMillis, options.ttl) }
    if (options.clearTags === true) {
      const ifMatch = given === undefined ? {} : { ifMatch: given }
      return yield* mapStore(store.updateBuffer(id, softDeleted, { tags: options.tags ?? {}, ...expiry, ...ifMatch }))
    }
    // Tyger merges client-side, then PUTs the whole tag set. Guarding the PUT with the ETag just read makes the merge
    // atomic: a concurrent update is retried (no --etag) or reported (--etag), as Tyger's loop does.
    for (;;) {
      const current = yield* get(id, { softDeleted })
      if (given !== undefined && given !== current.eTag) return yield* fail("ETagMismatch", ETAG_MISMATCH)
      const tags = { ...current.tags, ...options.tags }
      const updated = yield* store.updateBuffer(id, softDeleted, { tags, ...expiry, ifMatch: current.eTag }).pipe(
        Effect.map((record): BufferRecord | undefined => record),
        Effect.catchIf(
          (error) => error.reason === "PreconditionFailed" && given === undefined,
          () => Effect.succeed(undefined)
        ),
        mapStore
      )
      if (updated !== undefined) return updated
    }
  })

  const del = Effect.fn("Buffers.delete")(function*(id: string) {
    return yield* mapStore(store.softDeleteBuffer(id))
  })

  const restore = Effect.fn("Buffers.restore")(function*(id: string) {
    return yield* mapStore(store.restoreBuffer(id))
  })

  const purge = Effect.fn("Buffers.purge")(function*(id: string) {
    return yield* mapStore(store.purgeBuffer(id))
  })

  const countFor = (operation: BulkOperation, filter: TagFilter) =>
    store.countBuffers({ ...filter, softDeleted: operation !== "delete" })

  const access = Effect.fn("Buffers.access")(
    function*(id: string, write: boolean, ttlSeconds: number = DEFAULT_ACCESS_TTL_SECONDS) {
      if (ttlSeconds < MIN_ACCESS_TTL_SECONDS) return yield* fail("InvalidInput", "Access TTL must be at least 30 seconds.")
      if (ttlSeconds > DEFAULT_ACCESS_TTL_SECONDS) {
        return yield* fail("InvalidInput", "Access TTL must be less than or equal to 01:00:00.")
      }
      const ephemeral = yield* EphemeralAccess.accessUrl(store, id, write, ttlSeconds)
      if (ephemeral === "NotFound") return yield* fail("NotFound", NOT_FOUND)
      if (ephemeral !== undefined) return ephemeral
      yield* get(id)
      return yield* blobs.accessUrl(id, write ? "write" : "read", ttlSeconds)
    }
  )

  const open = Effect.fn("Buffers.open")(function*(target: Target, access: Access) {
    const toBufferDataError = (error: BlobStoreError) =>
      new BufferDataError(
        error.reason === "ContainerNotFound"
          ? { reason: "BufferNotFound", message: messages.doesNotExist, cause: error }
          : error.reason === "AuthenticationFailed"
          ? {
            reason: "InvalidAccessUrl",
            message: error.message === "" ? messages.invalidAccessUrl : `${messages.invalidAccessUrl}: ${error.message}`,
            cause: error
          }
          : { reason: "StorageFailed", message: error.message, cause: error }
      )
    if (target._tag === "Url") {
      return EphemeralAccess.container(target.url, access) ?? (yield* Effect.mapError(blobs.fromUrl(target.url), toBufferDataError))
    }
    const exists = yield* store.getBuffer(target.id, { softDeleted: false }).pipe(
      Effect.as(true),
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(false))
    )
    if (!exists) return yield* new BufferDataError({ reason: "BufferNotFound", message: messages.doesNotExist })
    return yield* Effect.mapError(blobs.container(target.id, access), toBufferDataError)
  })

  // A reader that found the writer dead fails the buffer for everyone (readers hold read access only, so it is done
  // here, for this store's buffers): later readers and runs then fail at once instead of each waiting out the lease.
  const markFailedIfWriterGone = <A, R>(container: Container, read: Effect.Effect<A, BufferDataError, R>) =>
    Effect.tapError(read, (error) =>
      error.reason !== "WriterGone" ? Effect.void : Effect.gen(function*() {
        yield* store.getBuffer(container.id, { softDeleted: false })
        const body = BufferFormat.endBody("failed")
        yield* (yield* blobs.container(container.id, "write")).putBlob(BufferFormat.END_BLOB, body, { contentMd5: BufferFormat.md5Base64(body) })
        if (blobs.discardTemporaries !== undefined) yield* blobs.discardTemporaries(container.id)
      }).pipe(Effect.ignore))

  const sweep = Effect.fn("Buffers.sweep")(function*(limit: number = DEFAULT_SWEEP_LIMIT) {
    const ids = yield* store.sweepBuffers(limit)
    if (ids.length === 0) return 0
    const removed = yield* Effect.forEach(ids, (id) =>
      blobs.deleteContainer(id).pipe(
        Effect.as(id),
        Effect.catchIf((error) => error.reason === "ContainerNotFound", () => Effect.succeed(id)),
        Effect.catch((error) =>
          Effect.as(Effect.logDebug(`buffer ${id}: its data could not be deleted yet: ${error.message}`), undefined)
        )
      ), { concurrency: 8 })
    const gone = removed.filter((id): id is string => id !== undefined)
    yield* store.forgetBuffers(gone)
    return gone.length
  })

  return Buffers.of({
    location: blobs.location,
    create,
    get,
    list: (options) => store.listBuffers(options),
    count: (filter) => store.countBuffers(filter),
    set,
    delete: del,
    restore,
    purge,
    countFor,
    bulk: (operation, filter) => store.bulkBuffers(operation, filter),
    access,
    resolve: BufferTarget.resolve,
    open,
    write: (container, source, options) =>
      container.relay !== undefined
        ? EphemeralAccess.write(container.relay, source, options?.onProgress)
        : BufferWriter.write(container, source, options),
    read: (container, sink, options) =>
      container.relay !== undefined
        ? EphemeralAccess.read(container.relay, sink, options?.onProgress)
        : markFailedIfWriterGone(container, BufferReader.read(container, sink, options)),
    readAll: (id) =>
      Effect.gen(function*() {
        const sink = BufferReader.collect()
        const container = yield* open({ _tag: "BufferId", id }, "read")
        yield* markFailedIfWriterGone(container, BufferReader.read(container, sink))
        return sink.bytes()
      }),
    sweep
  })
}

import { Context, Effect, Schema } from "effect"
import { errorFields } from "../../model/ErrorFields.ts"

/**
 * Where buffer data lives: one container per buffer, blobs addressed by path, write-once. The Tyger data format
 * (engine/buffers/BufferFormat.ts) is written through this contract, so a local directory and Azure Blob Storage behave the
 * same; the conformance suite (test/engine/buffers/) runs against every implementation.
 */
export const Reason = Schema.Literals([
  /** The buffer's container does not exist (Tyger: `the buffer does not exist`). */
  "ContainerNotFound",
  "BlobNotFound",
  /** A put found the blob already there: blobs are never overwritten. */
  "BlobExists",
  /** The body did not match its Content-MD5. */
  "Md5Mismatch",
  /** The access URL is invalid or expired. */
  "AuthenticationFailed",
  /** The access URL does not grant this operation (e.g. a write through a read-only URL). */
  "PermissionDenied",
  /** The backend could not be reached; callers may retry. */
  "Unavailable",
  /** The backend needs an optional package that is not installed (the message says which). */
  "MissingPackage",
  "Io"
])
export type Reason = typeof Reason.Type

export class BlobStoreError extends Schema.TaggedError<BlobStoreError>()("BlobStoreError", errorFields(Reason)) {}

export interface BlobProperties {
  /** base64 of the MD5 of the body, as in Content-MD5. */
  readonly contentMd5: string
  /** `x-ms-meta-*` metadata (Tyger keeps `cumulative_hash_chain` there). */
  readonly metadata: { readonly [key: string]: string }
  readonly size: number
}

export interface Blob extends BlobProperties {
  readonly body: Uint8Array
}

/** One buffer's blobs, reached directly or through an access URL; `write` is false for read-only access. */
export interface Container {
  readonly id: string
  readonly write: boolean
  /** An ephemeral buffer's relay URL: the data goes through the run's relay, and there are no blobs. */
  readonly relay?: string
  /**
   * Fails with `BlobExists` if the blob is there already (two racing writers: exactly one wins). `body` may be a view
   * of a SharedArrayBuffer, and its memory is reused once the put has completed: read it during the put only.
   */
  readonly putBlob: (
    path: string,
    body: Uint8Array,
    options: { readonly contentMd5: string; readonly metadata?: { readonly [key: string]: string } }
  ) => Effect.Effect<void, BlobStoreError>
  /** The body belongs to the caller, who may transfer its memory to another thread. */
  readonly getBlob: (path: string) => Effect.Effect<Blob, BlobStoreError>
  readonly headBlob: (path: string) => Effect.Effect<BlobProperties, BlobStoreError>
}

export type Access = "read" | "write"

export class BlobStore extends Context.Service<BlobStore, {
  /** `local` or the storage account's location; shown as a buffer's `location`. */
  readonly location: string
  readonly createContainer: (id: string) => Effect.Effect<void, BlobStoreError>
  readonly deleteContainer: (id: string) => Effect.Effect<void, BlobStoreError>
  readonly container: (id: string, access: Access) => Effect.Effect<Container, BlobStoreError>
  /** A URL granting `access` to one container until `ttlSeconds` from now (a SAS URL on Azure). */
  readonly accessUrl: (id: string, access: Access, ttlSeconds: number) => Effect.Effect<string, BlobStoreError>
  /** The container an access URL grants, if this backend issued the URL (else `AuthenticationFailed`). */
  readonly fromUrl: (url: string) => Effect.Effect<Container, BlobStoreError>
  /**
   * Removes what a writer killed mid-put left half-written in a container (the local store's `.~…` files; Azure
   * keeps uncommitted blocks out of sight and discards them itself). Only for containers whose writer is gone.
   */
  readonly discardTemporaries?: (id: string) => Effect.Effect<void>
}>()("tyger-ts/engine/BlobStore") {}

import { Schema } from "effect"
import type { BlobStoreError } from "./BlobStore.ts"
import { errorFields } from "../../model/ErrorFields.ts"

/** Why reading or writing buffer data failed; each message is Tyger's text for the same failure. */
export const Reason = Schema.Literals([
  /** `buffer cannot be overwritten`: the buffer was written (or is being written) already. */
  "BufferExists",
  /** `the buffer does not exist` */
  "BufferNotFound",
  /** `the buffer is in a permanently failed state`: its writer recorded `.bufferend` `failed`. */
  "BufferFailed",
  /** The writer died before recording `.bufferend` (its lease went silent, or its process is gone). */
  "WriterGone",
  /** `.bufferstart` names another format version, or is not Tyger's JSON. */
  "UnsupportedFormat",
  /** A blob's body does not match its Content-MD5. */
  "Md5Mismatch",
  /** `hash chain mismatch`, or a data blob without its chain value. */
  "HashChainMismatch",
  /** `blob number N was expected to exist but does not` */
  "MissingBlob",
  /** `the access url does not allow write access` */
  "PermissionDenied",
  /** `invalid access URL…`: forged, expired, or issued by another data directory or account. */
  "InvalidAccessUrl",
  /** The data source failed (`error reading from input: …`). */
  "InputFailed",
  /** The sink failed (`error writing to output: …`). */
  "OutputFailed",
  "InvalidOptions",
  /** The storage backend failed otherwise (unreachable, I/O error). */
  "StorageFailed"
])
export type Reason = typeof Reason.Type

/**
 * A failure on the data path: resolving or opening a buffer's blobs, writing or reading them. The buffer service's
 * metadata operations (create, show, set, delete…) fail with Buffers.ts's BuffersError instead.
 */
export class BufferDataError extends Schema.TaggedError<BufferDataError>()("BufferDataError", errorFields(Reason)) {}

export const messages = {
  cannotOverwrite: "buffer cannot be overwritten",
  doesNotExist: "the buffer does not exist",
  failedState: "the buffer is in a permanently failed state",
  hashChainMismatch: "hash chain mismatch",
  missingHashChain: "expected x-ms-meta-cumulative_hash_chain header missing",
  md5Mismatch: "MD5 mismatch",
  noWriteAccess: "the access url does not allow write access",
  invalidAccessUrl: "invalid access URL",
  // Tyger's literal text lacks the closing quote; kept so scripts matching Tyger's output keep working.
  unsupportedVersion: (found: string, expected: string) =>
    `unsupported format buffer version '${found}'. Expected '${expected}`,
  missingBlob: (blobNumber: number) => `blob number ${blobNumber} was expected to exist but does not`
} as const

/**
 * Tyger's client-side wording for a storage failure while `operation` runs (`upload` of a blob, `download`, or the
 * `access` of a URL). Reasons the format defines (missing container, permissions, URLs) get Tyger's fixed texts.
 */
export const fromBlobStoreError = (operation: "upload" | "download" | "access") =>
(error: BlobStoreError): BufferDataError => {
  const make = (reason: Reason, message: string) => new BufferDataError({ reason, message, cause: error })
  switch (error.reason) {
    case "ContainerNotFound":
      return make("BufferNotFound", messages.doesNotExist)
    case "PermissionDenied":
      return make("PermissionDenied", messages.noWriteAccess)
    case "AuthenticationFailed":
      return make(
        "InvalidAccessUrl",
        error.message === "" ? messages.invalidAccessUrl : `${messages.invalidAccessUrl}: ${error.message}`
      )
    case "BlobExists":
      return make("BufferExists", messages.cannotOverwrite)
    case "Md5Mismatch":
      return make(
        "Md5Mismatch",
        operation === "upload" ? `failed to upload blob: ${messages.md5Mismatch}` : messages.md5Mismatch
      )
    default:
      return make(
        "StorageFailed",
        operation === "upload"
          ? `failed to upload blob: ${error.message}`
          : operation === "download"
          ? `error downloading blob: ${error.message}`
          : error.message
      )
  }
}

// Azure SDK calls as Effects, and what their failures mean for a buffer (the BlobStore's reasons).
import { BlobStoreError, type Reason } from "../BlobStore.ts"
import { Effect } from "effect"

/** A body shorter or longer than its Content-Length: the connection broke, so a retry may succeed. */
export class TruncatedBody extends Error {
  override readonly name = "TruncatedBody"
}

/** Azure error codes (`x-ms-error-code`) by the reason they mean; Azurite's variants are listed with Azure's. */
const codesByReason: ReadonlyArray<readonly [Reason, ReadonlyArray<string>]> = [
  ["ContainerNotFound", ["ContainerNotFound", "ContainerBeingDeleted"]],
  ["BlobNotFound", ["BlobNotFound"]],
  // ifNoneMatch "*" on an existing blob: 409 (Azure, Azurite) or 412; a create-only SAS: 403 (Azure).
  ["BlobExists", ["BlobAlreadyExists", "ConditionNotMet", "UnauthorizedBlobOverwrite"]],
  ["Md5Mismatch", ["Md5Mismatch", "InvalidMd5"]],
  // Bad or expired SAS: Azure says AuthenticationFailed, Azurite AuthorizationFailure.
  ["AuthenticationFailed", ["AuthenticationFailed", "AuthorizationFailure", "InvalidAuthenticationInfo"]],
  ["AuthenticationFailed", ["NoAuthenticationInformation", "AuthorizationProtocolMismatch"]],
  ["AuthenticationFailed", ["AuthorizationSourceIPMismatch"]],
  ["PermissionDenied", ["AuthorizationPermissionMismatch", "AuthorizationResourceTypeMismatch"]],
  ["PermissionDenied", ["AuthorizationServiceMismatch", "InsufficientAccountPermissions"]],
  ["Unavailable", ["ServerBusy", "InternalError", "OperationTimedOut"]]
]
const reasonsByCode: ReadonlyMap<string, Reason> = new Map(
  codesByReason.flatMap(([reason, codes]) => codes.map((code) => [code, reason] as const))
)

/** The fields of the SDK's RestError (and Node's network errors) that classification reads. */
interface SdkError {
  readonly message?: unknown
  readonly code?: unknown
  readonly statusCode?: unknown
  readonly details?: unknown
  readonly response?: { readonly headers?: { readonly get?: (name: string) => string | undefined } }
}

const text = (value: unknown): string | undefined => typeof value === "string" && value !== "" ? value : undefined

/**
 * What an SDK failure means for a buffer. The error code comes from the `x-ms-error-code` header (HEAD responses
 * have no body, so the SDK's `code` is empty for them); failures without an HTTP status are network errors.
 */
export const classify = (cause: unknown): { readonly reason: Reason; readonly detail: string } => {
  if (cause instanceof TruncatedBody) return { reason: "Unavailable", detail: `body cut short (${cause.message})` }
  const error: SdkError = typeof cause === "object" && cause !== null ? cause : {}
  const status = typeof error.statusCode === "number" ? error.statusCode : undefined
  const details = typeof error.details === "object" && error.details !== null
    ? error.details as { readonly [key: string]: unknown }
    : {}
  const code = text(error.response?.headers?.get?.("x-ms-error-code")) ?? text(details["errorCode"]) ??
    text(error.code)
  const message = text(error.message)?.split("\n")[0] ?? String(cause)
  // The service explains authentication failures separately (e.g. "Signed expiry time … must be after …").
  const explanation = text(details["AuthenticationErrorDetail"]) ?? text(details["authenticationErrorDetail"])
  const detail = [status, code, message, explanation].filter((part) => part !== undefined).join(" ")
  const byCode = code === undefined ? undefined : reasonsByCode.get(code)
  if (byCode !== undefined) return { reason: byCode, detail }
  // Azurite reports a Content-MD5 mismatch as 400 InvalidOperation "Provided contentMD5 doesn't match."
  if (status === 400 && /md5/i.test(message)) return { reason: "Md5Mismatch", detail }
  if (status === undefined || status === 408 || status === 429 || status >= 500) {
    // An aborted call (interruption) also lands here; its error is never seen by the interrupted caller.
    return { reason: "Unavailable", detail }
  }
  if (status === 401) return { reason: "AuthenticationFailed", detail }
  if (status === 403) return { reason: "PermissionDenied", detail }
  if (status === 404) return { reason: "BlobNotFound", detail }
  if (status === 409 || status === 412) return { reason: "BlobExists", detail }
  return { reason: "Io", detail }
}

export const fail = (reason: Reason, message: string, cause?: unknown): BlobStoreError =>
  new BlobStoreError(cause === undefined ? { reason, message } : { reason, message, cause })

/** Runs one SDK call, interruptible through its abort signal, with failures classified into BlobStoreErrors. */
export const call = <A>(what: string, run: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, BlobStoreError> =>
  Effect.tryPromise({
    try: (signal) => run(signal),
    catch: (cause) => {
      const { reason, detail } = classify(cause)
      return fail(reason, `${what}: ${detail}`, cause)
    }
  })

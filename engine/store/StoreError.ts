import { Schema } from "effect"
import * as Sqlite from "./internal/Sqlite.ts"
import { errorFields } from "../../model/ErrorFields.ts"

export const StoreErrorReason = Schema.Literals([
  "NotFound",
  /** A value no row may hold (an expiry past the year 9999): refused before anything is written. */
  "InvalidInput",
  /** A state check failed: an ETag mismatch, or a buffer not in the state the operation needs. */
  "PreconditionFailed",
  "Busy",
  "Corrupt",
  "Io",
  "Conflict",
  "Incompatible",
  "Unknown"
])
export type StoreErrorReason = typeof StoreErrorReason.Type

export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  ...errorFields(StoreErrorReason),
  /** What was not found, for reason NotFound: `run 42`, `buffer 'abc'`. */
  resource: Schema.optional(Schema.String)
}) {}

/**
 * A missing run or buffer, named: `run 42 was not found`. The CLI prints Tyger's server text instead (`NotFound: The
 * resource was not found`), which names nothing; it tells this error by its reason, never by its message.
 */
export const notFound = (resource: string): StoreError =>
  new StoreError({ reason: "NotFound", resource, message: `${resource} was not found` })

const explanations: Record<Sqlite.SqlErrorKind, string> = {
  Busy: "the database stayed locked by another tyger process",
  Corrupt: "the database file is damaged or is not a tyger-ts database",
  Io: "the database file could not be read or written",
  Conflict: "a concurrent change conflicted with this one",
  Unknown: "the database reported an error"
}

/** Translates a driver failure while doing `action` (e.g. "reading codespec 'x'") into a StoreError. */
export const fromDriver = (action: string, databaseFile: string) => (cause: unknown): StoreError => {
  const reason = Sqlite.classifyError(cause)
  return new StoreError({
    reason,
    message: `Failed ${action} in ${databaseFile}: ${explanations[reason]} (${Sqlite.errorMessage(cause)})`,
    cause
  })
}

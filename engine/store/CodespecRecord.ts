import type * as CodespecDocument from "../../model/CodespecDocument.ts"

/** One stored version of a named codespec. */
export interface CodespecRecord {
  readonly name: string
  readonly version: number
  /** RFC 3339 UTC, millisecond precision, trailing fractional zeros trimmed as Go's RFC3339Nano does. */
  readonly createdAt: string
  /** The spec as it was stored: `Codespecs.publish` stores it without the system fields `name`, `version`, `createdAt`. */
  readonly spec: CodespecDocument.Spec
}

export interface PutCodespecResult {
  readonly codespec: CodespecRecord
  readonly created: boolean
}

export interface ListCodespecsOptions {
  /** Case-sensitive literal prefix: `_` and `%` have no special meaning. */
  readonly prefix?: string
  readonly limit: number
  /** Continuation: only names strictly greater (byte order) than this one. */
  readonly after?: string
}

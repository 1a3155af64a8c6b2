import { Schema } from "effect"

/**
 * What every tyger-ts error carries: a `reason` from its own closed list (what callers match on), the message the
 * CLI prints as `Error: <message>`, and the underlying failure kept for logs. Errors declare their fields with this
 * so the three stay the same everywhere the CLI's renderer reads them.
 */
export const errorFields = <Reason extends Schema.Top>(reason: Reason) => ({
  reason,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
})

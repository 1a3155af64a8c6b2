import { Schema } from "effect"

export const Reason = Schema.Literals([
  /** The engine cannot be reached (socket missing, refused, not permitted), or speaks an API we do not. */
  "Unavailable",
  /** A container, network or other object does not exist (HTTP 404). */
  "NotFound",
  /** The object is in a conflicting state or name is taken (HTTP 409). */
  "Conflict",
  /** The image is not on the engine, or pulling it failed. */
  "ImageMissing",
  /** The engine rejected the request (HTTP 400). */
  "BadRequest",
  /** The call did not finish within its time limit. */
  "Timeout",
  "Unknown"
])
export type Reason = typeof Reason.Type

export class DockerError extends Schema.TaggedError<DockerError>()("DockerError", {
  reason: Reason,
  /** The engine's own `{"message": …}` text where it gave one, else ours. */
  message: Schema.String,
  /** The HTTP status of the engine's answer, when there was one. */
  status: Schema.optional(Schema.Int),
  /** `METHOD /path` of the call that failed, without the API version prefix. */
  operation: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect())
}) {}

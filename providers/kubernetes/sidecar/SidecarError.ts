import { Effect, Schema } from "effect"
import { errorFields } from "../../../model/ErrorFields.ts"

/**
 * Why a buffer sidecar stopped, for the CLI to report as Tyger's buffer-sidecar does (both exit 1):
 * `InvalidArguments` as an `Error: <message>` line, `Fatal` as one `FTL <message> error=<cause>` log line.
 */
export class SidecarError extends Schema.TaggedError<SidecarError>()("SidecarError", errorFields(Schema.Literals(["InvalidArguments", "Fatal"]))) {}

export const invalidArguments = (message: string): SidecarError => new SidecarError({ reason: "InvalidArguments", message })

/** Tyger's `log.Fatal(message, err)`: `cause` is the error it names. */
export const fatal = (message: string, cause: unknown): Effect.Effect<never, SidecarError> =>
  Effect.fail(new SidecarError({ reason: "Fatal", message, cause }))

/** Go's `context.Canceled`, what Tyger's transfers fail with once the pod is stopping. */
export class Canceled extends Schema.TaggedError<Canceled>()("SidecarCanceled", {}) {
  override get message(): string {
    return "context canceled"
  }
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

import { Schema } from "effect"

/**
 * A failure the CLI reports itself. Each message becomes one `Error: <message>` line; messages that stand for what
 * Tyger's server would answer already carry its error code (`InvalidInput: ...`, `NotFound: ...`).
 */
export class CliError extends Schema.TaggedError<CliError>()("CliError", {
  reason: Schema.Literals(["InvalidArguments", "InvalidInput", "NotFound", "InvalidFile", "Configuration"]),
  messages: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return this.messages.join("\n")
  }
}

export const invalidArguments = (message: string): CliError =>
  new CliError({ reason: "InvalidArguments", messages: [message] })

/** Tyger's server message for a missing resource, and (with its code) as its CLI prints it. */
export const NOT_FOUND_TEXT = "The resource was not found"
export const NOT_FOUND = `NotFound: ${NOT_FOUND_TEXT}`

export const notFound = (): CliError => new CliError({ reason: "NotFound", messages: [NOT_FOUND] })

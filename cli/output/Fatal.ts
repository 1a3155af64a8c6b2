import { Effect, Schema } from "effect"

/**
 * Tyger's `log.Fatal()` paths (`buffer read|write`, bulk buffer operations): one `FTL <message> error=<err>` log line
 * on stderr and exit code 1, with no `Error:` line. The runtime prints nothing more for a LoggedFatal.
 */
export class LoggedFatal extends Schema.TaggedError<LoggedFatal>()("LoggedFatal", {
  message: Schema.String
}) {}

/** Logs `message` at FTL (with zerolog's `error` field when `error` is given) and fails with LoggedFatal. */
export const fatal = (message: string, error?: string): Effect.Effect<never, LoggedFatal> => {
  const log = Effect.logFatal(message)
  return (error === undefined ? log : Effect.annotateLogs(log, "error", error)).pipe(
    Effect.andThen(Effect.fail(new LoggedFatal({ message })))
  )
}

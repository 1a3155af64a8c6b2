import { Effect, Schema, Stream } from "effect"
import type { LogLine, LogOptions } from "./Provider.ts"

/** How many of a failed run's last log lines its RunFailedError carries. */
export const LOG_TAIL_LINES = 20
/** A longer line is cut here (`…` appended): a program may write megabytes on one line, an error's text should not. */
export const LOG_TAIL_LINE_CHARS = 1000

/**
 * A run ended other than Succeeded. Its `message` starts with Tyger's text (`run failed with status Failed (Main
 * exited with code 1)`) and goes on with the last lines of the run's logs, which usually say why: what a TypeScript
 * caller sees. The CLI prints Tyger's text alone, from `status` and `statusReason`.
 */
export class RunFailedError extends Schema.TaggedError<RunFailedError>()("RunFailedError", {
  runId: Schema.Int,
  status: Schema.String,
  statusReason: Schema.optional(Schema.String),
  /** The run's last log lines (at most {@link LOG_TAIL_LINES}) as `run logs` prints them; absent if unreadable. */
  logTail: Schema.optional(Schema.Array(Schema.String))
}) {
  override get message(): string {
    const reason = this.statusReason === undefined || this.statusReason === "" ? "" : ` (${this.statusReason})`
    const tail = this.logTail === undefined || this.logTail.length === 0
      ? ""
      : `\nlast log lines:\n${this.logTail.map((line) => `  ${line}`).join("\n")}`
    return `run failed with status ${this.status}${reason}${tail}`
  }
}

const lineText = (line: LogLine): string => {
  const text = `${line.prefix === "" ? "" : `${line.prefix} `}${line.text}`
  return text.length <= LOG_TAIL_LINE_CHARS ? text : `${text.slice(0, LOG_TAIL_LINE_CHARS)}…`
}

/**
 * The RunFailedError of an ended run, with its log tail. Read once the run has ended (its logs are archived when it
 * is final, and live before); logs that cannot be read leave the tail out rather than hide the run's failure.
 */
export const failedError = (
  run: { readonly id: number; readonly status: string; readonly statusReason: string | undefined },
  logs: (id: number, options: LogOptions) => Stream.Stream<LogLine, unknown>
): Effect.Effect<RunFailedError> =>
  Stream.runCollect(logs(run.id, { follow: false, tail: LOG_TAIL_LINES })).pipe(
    Effect.map((lines) => Array.from(lines, lineText).slice(-LOG_TAIL_LINES)),
    Effect.option,
    Effect.map((tail) =>
      new RunFailedError({
        runId: run.id,
        status: run.status,
        ...(run.statusReason === undefined ? {} : { statusReason: run.statusReason }),
        ...(tail._tag === "Some" ? { logTail: tail.value } : {})
      })
    )
  )

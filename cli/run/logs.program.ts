import { Effect, Stream } from "effect"
import type { Writable } from "node:stream"
import { Runs } from "../../engine/runs/Runs.ts"
import { CliError } from "../CliError.ts"
import { sinkOf } from "../buffer/Streams.ts"
import { intFlag, LOGS_NOT_FOUND, runIdArg, sinceFlag, tygerErrors } from "./RunArgs.ts"
import { format, writeText } from "./LogLines.ts"
import * as Since from "./Since.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunLogsCommand } from "./logs.ts"

const notFound = () => new CliError({ reason: "NotFound", messages: [LOGS_NOT_FOUND] })

/**
 * `tyger run logs ID`: the run's merged logs on stdout, live while its containers exist and from the archive once it
 * has ended; `--follow` streams until the run is terminal. `--since` is strictly after, to the nanosecond.
 */
export const logs = Effect.fn("run.logs")(function*(flags: Flags<RunLogsCommand>, stdout: Writable) {
  const tail = yield* intFlag("tail", undefined, flags.tail, -1)
  const since = yield* sinceFlag(flags.since)
  const id = yield* runIdArg("run ID", flags.positionals, notFound)
  const runs = yield* Runs
  const write = writeText(sinkOf(stdout))
  const lines = runs.logs(id, {
    follow: flags.follow,
    ...(since === undefined ? {} : { since: Since.toMillis(since) }),
    ...(tail < 0 ? {} : { tail })
  }).pipe(
    // The engine filters by the millisecond; a line's own nanosecond timestamp must exclude that line too.
    Stream.filter((line) => since === undefined || BigInt(line.timestamp) > since)
  )
  yield* tygerErrors(
    Stream.runForEachArray(lines, (chunk) => write(chunk.map((line) => format(line, flags.timestamps)).join("")))
  ).pipe(
    Effect.mapError((error) => (error instanceof CliError && error.messages[0]?.startsWith("NotFound:") ? notFound() : error))
  )
})

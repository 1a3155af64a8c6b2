import { Effect, Stream } from "effect"
import { DockerError } from "../DockerError.ts"
import * as LogFrames from "./LogFrames.ts"
import { flag, id, timeParam } from "./Query.ts"
import type * as Transport from "./Transport.ts"

export interface LogsOptions {
  /** Keep streaming until the container stops. @default false */
  readonly follow?: boolean
  /** Ask for and parse Docker's per-line timestamps. @default true */
  readonly timestamps?: boolean
  /** @default true */
  readonly stdout?: boolean
  /** @default true */
  readonly stderr?: boolean
  /** Lines at or after this instant: a Date, unix seconds, or an RFC 3339 timestamp (such as a line's). */
  readonly since?: Date | number | string
  /** The last N log messages (Docker counts each 16 KiB piece of a long line). @default "all" */
  readonly tail?: number | "all"
}

const readLogs = (http: Transport.Transport, path: string, query: Record<string, string | undefined>, timestamps: boolean) =>
  Stream.suspend(() => {
    const demuxer = LogFrames.makeDemuxer({ timestamps })
    return http.bytes("GET", path, { query }).pipe(
      Stream.map(demuxer.push),
      Stream.concat(Stream.sync(demuxer.end)),
      Stream.mapEffect((demuxed) =>
        demuxed.error === undefined
          ? Effect.succeed(demuxed.lines)
          : Effect.fail(
            new DockerError({ reason: "Unknown", message: demuxed.error, operation: `GET ${path}` })
          )
      ),
      Stream.flattenIterable
    )
  })

/** A container's log lines; with `follow`, until the container stops, none lost to dockerd's early end. */
export const read = (
  http: Transport.Transport,
  container: string,
  options: LogsOptions = {}
): Stream.Stream<LogFrames.LogLine, DockerError> => {
  const timestamps = options.timestamps ?? true
  const path = `/containers/${id(container)}/logs`
  const query = {
    stdout: flag(options.stdout ?? true),
    stderr: flag(options.stderr ?? true),
    timestamps: flag(timestamps),
    follow: flag(false),
    since: timeParam(options.since),
    tail: options.tail === undefined ? "all" : String(options.tail)
  }
  if (!(options.follow ?? false)) return readLogs(http, path, query, timestamps)
  // dockerd (20.10 at least) can end a follow as the container exits before it has sent the last lines, so once
  // the follow ends, what came after its last line is read once more. Timestamps (RFC 3339 with 9 fraction
  // digits, UTC: they sort as strings) are asked for to know where the follow stopped; `last` is per run of the stream.
  return Stream.suspend(() => {
    let last: string | undefined
    const followed = readLogs(http, path, { ...query, follow: flag(true), timestamps: flag(true) }, true).pipe(
      // A line cut short by the follow's end is read whole by the catch-up below.
      Stream.filter((line) => line.partial !== true),
      Stream.map((line) => {
        last = line.timestamp
        return line
      })
    )
    // Without a line seen, only a follow of everything can be caught up (a tail would bring back older lines).
    const rest = Stream.suspend(() =>
      last === undefined && query.tail !== "all"
        ? Stream.empty
        : readLogs(http, path, {
          ...query,
          timestamps: flag(true),
          tail: "all",
          since: last === undefined ? query.since : timeParam(last)
        }, true).pipe(
          Stream.filter((line) => last === undefined || line.timestamp! > last),
          // The container was removed meanwhile: it has nothing more to say.
          Stream.catchIf((error) => error.reason === "NotFound", () => Stream.empty)
        )
    )
    return Stream.concat(followed, rest).pipe(
      Stream.map((line) => (timestamps ? line : { stream: line.stream, line: line.line, ...(line.partial ? { partial: line.partial } : {}) }))
    )
  })
}

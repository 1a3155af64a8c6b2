import { Effect } from "effect"
import type { ByteSink } from "../../engine/buffers/BufferReader.ts"
import type { LogLine } from "../../engine/runs/Provider.ts"
import { LoggedFatal } from "../output/Fatal.ts"
import { isBrokenPipe } from "../buffer/Streams.ts"

/**
 * A run's log line as Tyger prints it: `[<prefix>] <text>`, and with timestamps `<time> [<prefix>] <text>`. Times
 * are RFC 3339 with nine fractional digits and `Z`, as Docker and Kubernetes write them and Tyger passes them on.
 */
const NANOS_PER_SECOND = 1_000_000_000n

export const timestampOf = (nanos: string): string => {
  const value = BigInt(nanos)
  let seconds = value / NANOS_PER_SECOND
  let fraction = value % NANOS_PER_SECOND
  if (fraction < 0n) {
    seconds -= 1n
    fraction += NANOS_PER_SECOND
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19)
  return `${whole}.${fraction.toString().padStart(9, "0")}Z`
}

export const format = (line: LogLine, timestamps: boolean): string =>
  `${timestamps ? `${timestampOf(line.timestamp)} ` : ""}${line.prefix === "" ? "" : `${line.prefix} `}${line.text}\n`

const encoder = new TextEncoder()

/**
 * Writes text through a sink that waits for the stream to take it: a 2 MB log line must not sit in a buffer when the
 * process exits. A reader that went away (EPIPE) ends the command silently, as Tyger dies of SIGPIPE.
 */
export const writeText = (sink: ByteSink) => (text: string): Effect.Effect<void, LoggedFatal | Error> =>
  Effect.tryPromise({
    try: () => sink.write(encoder.encode(text)),
    catch: (error) => (isBrokenPipe(error) ? new LoggedFatal({ message: "broken pipe" }) : new Error(String(error)))
  })

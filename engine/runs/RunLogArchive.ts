import { Context, Effect, Layer, Schema } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import type { LogLine } from "./Provider.ts"

/**
 * Where a finished run's merged log is kept once its containers are gone: one text file per run under the data
 * directory, a line per log line (`<epoch-ns> <prefix><text>`), so `run logs` answers the same after the run as
 * during it.
 */
export class RunLogArchiveError extends Schema.TaggedError<RunLogArchiveError>()("RunLogArchiveError", {
  reason: Schema.Literals(["NotFound", "Io"]),
  message: Schema.String
}) {}

const encode = (line: LogLine): string =>
  `${line.timestamp} ${JSON.stringify(line.prefix)} ${line.text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}\n`

const decode = (row: string): LogLine => {
  const first = row.indexOf(" ")
  const rest = row.slice(first + 1)
  const prefixEnd = rest.indexOf("\" ") + 1
  return {
    timestamp: row.slice(0, first),
    prefix: JSON.parse(rest.slice(0, prefixEnd)) as string,
    text: rest.slice(prefixEnd + 1).replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"))
  }
}

export class RunLogArchive extends Context.Service<RunLogArchive, {
  readonly save: (runId: number, lines: ReadonlyArray<LogLine>) => Effect.Effect<void, RunLogArchiveError>
  readonly load: (runId: number) => Effect.Effect<ReadonlyArray<LogLine>, RunLogArchiveError>
}>()("tyger-ts/engine/RunLogArchive") {
  static readonly layer = (options: { readonly dataDir: string }): Layer.Layer<RunLogArchive> =>
    Layer.succeed(RunLogArchive, RunLogArchive.of({
      save: (runId, lines) =>
        Effect.try({
          try: () => {
            const dir = Path.join(options.dataDir, "logs")
            Fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
            const file = Path.join(dir, `${runId}.log`)
            Fs.writeFileSync(`${file}.tmp`, lines.map(encode).join(""), { mode: 0o600 })
            Fs.renameSync(`${file}.tmp`, file)
          },
          catch: (cause) => new RunLogArchiveError({ reason: "Io", message: `archiving the logs of run ${runId}: ${String(cause)}` })
        }),
      load: (runId) =>
        Effect.try({
          try: () => {
            const text = Fs.readFileSync(Path.join(options.dataDir, "logs", `${runId}.log`), "utf8")
            return text === "" ? [] : text.slice(0, -1).split("\n").map(decode)
          },
          catch: (cause) =>
            new RunLogArchiveError({
              reason: (cause as { code?: string }).code === "ENOENT" ? "NotFound" : "Io",
              message: `reading the archived logs of run ${runId}: ${String(cause)}`
            })
        })
    }))
}

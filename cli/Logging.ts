import { Layer, Logger, References } from "effect"
import type * as LogLevel from "effect/LogLevel"
import { rfc3339Nano } from "./output/goTime.ts"

/** Tyger's `--log-level` / `--log-format` on Effect's logger: logs go to stderr in zerolog's shapes. */
export const LEVELS = ["trace", "debug", "info", "warn", "error"] as const
export type Level = (typeof LEVELS)[number]

/** `""` is Tyger's "unspecified": pretty on a terminal, plain otherwise. */
export const FORMATS = ["", "pretty", "plain", "json"] as const
export type Format = (typeof FORMATS)[number]

const EFFECT_LEVEL: { readonly [L in Level]: LogLevel.LogLevel } = {
  trace: "Trace",
  debug: "Debug",
  info: "Info",
  warn: "Warn",
  error: "Error"
}

const ABBREVIATION: { readonly [L in LogLevel.LogLevel]: string } = {
  All: "TRC",
  Trace: "TRC",
  Debug: "DBG",
  Info: "INF",
  Warn: "WRN",
  Error: "ERR",
  Fatal: "FTL",
  None: "???"
}

const text = (message: unknown): string =>
  (Array.isArray(message) ? message : [message]).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")

const render = (format: Format, options: Logger.Options<unknown>): string => {
  if (format === "json") {
    return JSON.stringify({
      level: options.logLevel.toLowerCase(),
      time: rfc3339Nano(options.date),
      message: text(options.message)
    }) + "\n"
  }
  return `${options.date.toISOString()} ${ABBREVIATION[options.logLevel]} ${text(options.message)}\n`
}

export const layer = (options: {
  readonly level: Level
  readonly format: Format
  readonly write: (line: string) => void
}): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.layer([Logger.make((entry) => options.write(render(options.format, entry)))]),
    Layer.succeed(References.MinimumLogLevel, EFFECT_LEVEL[options.level])
  )

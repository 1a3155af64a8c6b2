import { Layer, Logger, References } from "effect"
import type * as LogLevel from "effect/LogLevel"
import { rfc3339Nano } from "./output/GoTime.ts"
import { goQuote } from "./Pflag.ts"

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

/**
 * Log annotations are zerolog's fields (`Effect.annotateLogs("error", message)` is `.Err(err)`): in the console
 * format `error` comes first and the others sorted, values quoted as Go's strconv.Quote when zerolog would. A field
 * zerolog writes with `.Int64`/`.Int` (`runId`, `runningCount`) is annotated as a number, and stays one in JSON.
 */
const fieldsOf = (options: Logger.Options<unknown>): ReadonlyArray<readonly [string, unknown]> => {
  const annotations = options.fiber.getRef(References.CurrentLogAnnotations)
  return Object.keys(annotations)
    .sort((a, b) => (a === "error" ? -1 : b === "error" ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map((key) => [key, annotations[key]] as const)
}

/** A field's value in zerolog's JSON: numbers and booleans as they are, anything else as its text. */
const jsonValue = (value: unknown): unknown =>
  (typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" ? value : text(value)

// zerolog's needsQuote: control characters, non-ASCII, space, backslash and double quote.
const needsQuote = (value: string): boolean => /[^\x21-\x7e]|[\\"]/.test(value)

const render = (format: Format, options: Logger.Options<unknown>): string => {
  const fields = fieldsOf(options)
  if (format === "json") {
    // zerolog writes fields in the order given, its timestamp hook and the message last.
    return JSON.stringify({
      level: options.logLevel.toLowerCase(),
      ...Object.fromEntries(fields.map(([key, value]) => [key, jsonValue(value)])),
      time: rfc3339Nano(options.date),
      message: text(options.message)
    }) + "\n"
  }
  const suffix = fields.map(([key, value]) => {
    const shown = text(value)
    return ` ${key}=${needsQuote(shown) ? goQuote(shown) : shown}`
  }).join("")
  return `${options.date.toISOString()} ${ABBREVIATION[options.logLevel]} ${text(options.message)}${suffix}\n`
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

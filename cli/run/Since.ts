/**
 * `--since DATE/TIME` of `run list|counts|logs`. Tyger parses it with a strtotime-like parser (go-timeparser) in
 * local time; this covers the forms people type: RFC 3339 (`2024-01-25T10:00:00.5Z`, `...+02:00`), a local date or
 * date and time (`2024-01-25`, `2024/01/25 10:00`, `2024-01-25T10:00:30.25`), `now`, `today`, `midnight`,
 * `yesterday`, `tomorrow`, and relative offsets (`-1h`, `-90 minutes`, `2 days ago`, `+1 week`, `-1h30m`).
 *
 * The result is epoch nanoseconds: a log line's own timestamp, given back as `--since`, excludes exactly that line.
 */

const NANOS_PER_MS = 1_000_000n

const UNIT_SECONDS: { readonly [unit: string]: number } = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800, fortnight: 1209600, fortnights: 1209600
}
const CALENDAR_UNITS: { readonly [unit: string]: "month" | "year" } = {
  month: "month", months: "month", year: "year", years: "year", y: "year"
}

const fractionNanos = (fraction: string | undefined): bigint =>
  fraction === undefined || fraction === "" ? 0n : BigInt(fraction.slice(0, 9).padEnd(9, "0"))

const fromDate = (date: Date, extraNanos = 0n): bigint | undefined =>
  Number.isNaN(date.getTime()) ? undefined : BigInt(date.getTime()) * NANOS_PER_MS + extraNanos

const validDate = (year: number, month: number, day: number, hour: number, minute: number, second: number) =>
  month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60 &&
  new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day

const ABSOLUTE =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i

const absolute = (text: string): bigint | undefined => {
  const match = ABSOLUTE.exec(text)
  if (match === null) return undefined
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction, zone] = match
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const
  if (!validDate(...parts)) return undefined
  const [year, month, day, hour, minute, second] = parts
  // Whole milliseconds go through Date, the rest of the fraction is added in nanoseconds.
  const nanos = fractionNanos(fraction)
  const millis = Number(nanos / NANOS_PER_MS)
  const rest = nanos % NANOS_PER_MS
  if (zone === undefined) return fromDate(new Date(year, month - 1, day, hour, minute, second, millis), rest)
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  const offset = /^[+-]/.test(zone)
    ? (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.replace(":", "").slice(3, 5) || "0"))
    : 0
  return fromDate(new Date(utc - offset * 60_000), rest)
}

const startOfDay = (now: Date, days: number) => new Date(now.getFullYear(), now.getMonth(), now.getDate() + days)

const KEYWORDS: { readonly [word: string]: (now: Date) => Date } = {
  now: (now) => now,
  today: (now) => startOfDay(now, 0),
  midnight: (now) => startOfDay(now, 0),
  yesterday: (now) => startOfDay(now, -1),
  tomorrow: (now) => startOfDay(now, 1)
}

const OFFSET = /([+-]?)\s*(\d+)\s*([a-z]+)/gy

/** `-1h30m`, `-1 hour`, `2 days ago`, `+1 month`, after an optional keyword (`yesterday -2h`). */
const relative = (text: string, now: Date): bigint | undefined => {
  const words = /^([a-z]+)\b\s*(.*)$/i.exec(text)
  const keyword = words === null ? undefined : KEYWORDS[words[1]!.toLowerCase()]
  let base = keyword === undefined ? now : keyword(now)
  let rest = (keyword === undefined ? text : words![2]!).trim()
  const ago = /\s+ago$/i.test(rest) || /^ago$/i.test(rest)
  rest = rest.replace(/\s*\bago$/i, "").trim()
  if (rest === "") return keyword === undefined ? undefined : fromDate(base)
  let seconds = 0
  let months = 0
  let sign = 1
  OFFSET.lastIndex = 0
  let position = 0
  while (position < rest.length) {
    OFFSET.lastIndex = position
    const match = OFFSET.exec(rest)
    if (match === null) return undefined
    // A sign applies to the terms that follow it until the next sign, as in `-1h30m`.
    if (match[1] === "-") sign = -1
    else if (match[1] === "+") sign = 1
    const amount = sign * Number(match[2]) * (ago ? -1 : 1)
    const unit = match[3]!.toLowerCase()
    const calendar = CALENDAR_UNITS[unit]
    if (calendar !== undefined) months += calendar === "year" ? amount * 12 : amount
    else if (UNIT_SECONDS[unit] !== undefined) seconds += amount * UNIT_SECONDS[unit]
    else return undefined
    position = OFFSET.lastIndex
    while (rest[position] === " " || rest[position] === ",") position++
  }
  if (months !== 0) {
    base = new Date(base)
    base.setMonth(base.getMonth() + months)
  }
  return fromDate(new Date(base.getTime() + seconds * 1000))
}

/** Epoch nanoseconds, or undefined when the text is not a time this parser knows. */
export const parse = (text: string, now: Date = new Date()): bigint | undefined => {
  const trimmed = text.trim()
  if (trimmed === "") return undefined
  return absolute(trimmed) ?? relative(trimmed, now)
}

/** Tyger's message for a `--since` it cannot read. */
export const failedToParse = (text: string): string => `failed to parse time ${text}`

/** Epoch milliseconds for filters over millisecond timestamps: `created > since` holds the same for the floor. */
export const toMillis = (nanos: bigint): number => Number(nanos / NANOS_PER_MS - (nanos < 0n && nanos % NANOS_PER_MS !== 0n ? 1n : 0n))

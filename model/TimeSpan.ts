import { Duration, Effect, Equal, Hash, Predicate, Result, Schema, SchemaIssue, SchemaTransformation } from "effect"

const TypeId = "~tyger-ts/dsl/TimeSpan"

const TICKS_PER_SECOND = 10_000_000n
const TICKS_PER_MINUTE = 60n * TICKS_PER_SECOND
const TICKS_PER_HOUR = 60n * TICKS_PER_MINUTE
const TICKS_PER_DAY = 24n * TICKS_PER_HOUR
const MAX_TICKS = (1n << 63n) - 1n
const MIN_TICKS = -(1n << 63n)

/**
 * A .NET `TimeSpan` (100 ns ticks), the type Tyger uses for `bufferTtl` and `bufferAccessTtl`. Equal to any other
 * `TimeSpan` of the same length; `toString()` is the .NET "c" format the Tyger server emits (`01:00:00`).
 *
 * @example
 * TimeSpan.formatDotNet(TimeSpan.ONE_HOUR) // "01:00:00"
 */
export class TimeSpan implements Equal.Equal {
  readonly [TypeId] = TypeId
  readonly ticks: bigint

  /** @internal use `fromTicks`, `fromSeconds` or a parser. */
  constructor(ticks: bigint) {
    this.ticks = ticks
  }

  toString(): string {
    return formatDotNet(this)
  }

  toJSON(): string {
    return formatDotNet(this)
  }

  [Equal.symbol](that: Equal.Equal): boolean {
    return isTimeSpan(that) && this.ticks === that.ticks
  }

  [Hash.symbol](): number {
    return Hash.string(`TimeSpan:${this.ticks}`)
  }
}

/** Whether `u` is a `TimeSpan`. */
export const isTimeSpan = (u: unknown): u is TimeSpan => Predicate.hasProperty(u, TypeId)

/** A `TimeSpan` of `ticks` × 100 ns. */
export const fromTicks = (ticks: bigint): TimeSpan => new TimeSpan(ticks)

/** A `TimeSpan` of `seconds` (fractions kept to the nearest tick); throws a `RangeError` if not finite. */
export const fromSeconds = (seconds: number): TimeSpan => {
  if (!Number.isFinite(seconds)) throw new RangeError(`not a finite number of seconds: ${seconds}`)
  return new TimeSpan(
    Number.isSafeInteger(seconds) ? BigInt(seconds) * TICKS_PER_SECOND : BigInt(Math.round(seconds * 1e7))
  )
}

/** A `TimeSpan` of `millis` milliseconds; throws a `RangeError` if not finite. */
export const fromMillis = (millis: number): TimeSpan => fromSeconds(millis / 1000)

/** The length in seconds, with any sub-second part as a fraction. */
export const toSeconds = (t: TimeSpan): number => Number(t.ticks) / 1e7

/** The length in milliseconds, with any sub-millisecond part as a fraction. */
export const toMillis = (t: TimeSpan): number => Number(t.ticks) / 1e4

/** The same length as an Effect `Duration`. */
export const toDuration = (t: TimeSpan): Duration.Duration => Duration.nanos(t.ticks * 100n)

export const ZERO: TimeSpan = new TimeSpan(0n)
export const ONE_HOUR: TimeSpan = new TimeSpan(TICKS_PER_HOUR)
export const ONE_DAY: TimeSpan = new TimeSpan(TICKS_PER_DAY)

const pad2 = (n: bigint): string => n.toString().padStart(2, "0")

const fromParts = (days: bigint, hours: bigint, minutes: bigint, seconds: bigint): bigint =>
  days * TICKS_PER_DAY + hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE + seconds * TICKS_PER_SECOND

const split = (t: TimeSpan) => {
  const sign = t.ticks < 0n ? "-" : ""
  const ticks = t.ticks < 0n ? -t.ticks : t.ticks
  return {
    sign,
    days: ticks / TICKS_PER_DAY,
    hours: (ticks % TICKS_PER_DAY) / TICKS_PER_HOUR,
    minutes: (ticks % TICKS_PER_HOUR) / TICKS_PER_MINUTE,
    seconds: (ticks % TICKS_PER_MINUTE) / TICKS_PER_SECOND,
    fraction: ticks % TICKS_PER_SECOND
  }
}

// Go's strings.TrimSpace trims exactly the Unicode White_Space characters.
const trimSpace = (s: string): string => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, "")

const ttlPattern = /^(\d+)([.](\d\d)(:(\d\d)(:(\d\d))?)?)?$/
const maxGoInt = (1n << 63n) - 1n

/**
 * Tyger's `ParseTimeToLive` (`tyger buffer create --ttl`, `--buffer-access-ttl`): `D`, `D.HH`, `D.HH:MM` or
 * `D.HH:MM:SS` after trimming whitespace, failing with Tyger's exact messages.
 *
 * @example
 * TimeSpan.parseTimeToLive("1.02:03") // Result.succeed(1 day 2 h 3 min)
 */
export const parseTimeToLive = (input: string): Result.Result<TimeSpan, string> => {
  const ttl = trimSpace(input)
  const groups = ttlPattern.exec(ttl)
  if (groups === null) return Result.fail(`invalid TTL format: '${ttl}'`)
  const days = BigInt(groups[1] ?? "0")
  if (days > maxGoInt) return Result.fail(`invalid TTL format: '${ttl}'`)
  const hours = BigInt(groups[3] ?? "0")
  if (hours > 23n) return Result.fail(`invalid hours in TTL format: '${ttl}'`)
  const minutes = BigInt(groups[5] ?? "0")
  if (minutes > 59n) return Result.fail(`invalid minutes in TTL format: '${ttl}'`)
  const seconds = BigInt(groups[7] ?? "0")
  if (seconds > 59n) return Result.fail(`invalid seconds TTL format: '${ttl}'`)
  return Result.succeed(new TimeSpan(fromParts(days, hours, minutes, seconds)))
}

/** Tyger's TTL rendering, `%d.%02d:%02d:%02d` (`1.00:00:00`); sub-second parts are dropped. */
export const formatTimeToLive = (t: TimeSpan): string => {
  const { sign, days, hours, minutes, seconds } = split(t)
  return `${sign}${days}.${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`
}

const bufferTtlPattern = /^(\d+)[.](\d\d):(\d\d)(:(\d\d))?$/

/**
 * `tyger run --buffer-ttl`: `D.HH:MM` or `D.HH:MM:SS`, untrimmed. Tyger forwards the text to its server, which
 * rejects out-of-range fields; here those get the same message as a malformed value.
 */
export const parseBufferTtl = (input: string): Result.Result<TimeSpan, string> => {
  const groups = bufferTtlPattern.exec(input)
  const hours = BigInt(groups?.[2] ?? "0")
  const minutes = BigInt(groups?.[3] ?? "0")
  const seconds = BigInt(groups?.[5] ?? "0")
  if (groups === null || hours > 23n || minutes > 59n || seconds > 59n) {
    return Result.fail(`invalid buffer TTL format: ${input} (should be D.HH:MM)`)
  }
  return Result.succeed(new TimeSpan(fromParts(BigInt(groups[1] ?? "0"), hours, minutes, seconds)))
}

/** .NET's constant ("c") format, `[-][d.]hh:mm:ss[.fffffff]`, as Tyger's server writes TimeSpans in JSON. */
export const formatDotNet = (t: TimeSpan): string => {
  const { sign, days, hours, minutes, seconds, fraction } = split(t)
  const dayPart = days > 0n ? `${days}.` : ""
  const fractionPart = fraction > 0n ? `.${fraction.toString().padStart(7, "0")}` : ""
  return `${sign}${dayPart}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}${fractionPart}`
}

const dotNetPattern = /^(-)?(?:(\d+)|(?:(\d+)[.])?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.](\d{1,7}))?)?)$/

/**
 * Reads a .NET TimeSpan in the invariant "c" grammar: `d`, `[d.]hh:mm`, `[d.]hh:mm:ss` or
 * `[d.]hh:mm:ss.fffffff`, optionally negative; hours ≤ 23, minutes and seconds ≤ 59, within .NET's range.
 */
export const parseDotNet = (input: string): Result.Result<TimeSpan, string> => {
  const groups = dotNetPattern.exec(input)
  const fail = Result.fail(`invalid TimeSpan '${input}': expected [-][d.]hh:mm[:ss[.fffffff]]`)
  if (groups === null) return fail
  const [, negative, onlyDays, days = "0", hours = "0", minutes = "0", seconds = "0", fraction = ""] = groups
  const h = BigInt(hours)
  const m = BigInt(minutes)
  const s = BigInt(seconds)
  if (h > 23n || m > 59n || s > 59n) return fail
  const magnitude = fromParts(BigInt(onlyDays ?? days), h, m, s) + BigInt(fraction.padEnd(7, "0"))
  const ticks = negative === undefined ? magnitude : -magnitude
  return ticks > MAX_TICKS || ticks < MIN_TICKS ? fail : Result.succeed(new TimeSpan(ticks))
}

const TimeSpanFromSelf = Schema.declare(isTimeSpan, { expected: "TimeSpan" })

/** Decodes a .NET "c" format string (`01:00:00`, `2.12:30:00`) and encodes it back in the same format. */
export const schema = Schema.String.pipe(
  Schema.decodeTo(
    TimeSpanFromSelf,
    SchemaTransformation.transformEffect<TimeSpan, string>({
      decode: (input, options) => {
        const result = parseDotNet(input)
        return Result.isSuccess(result)
          ? Effect.succeed(result.success)
          : Effect.fail(new SchemaIssue.InvalidValue({ message: result.failure }, input, options))
      },
      encode: (t) => Effect.succeed(formatDotNet(t))
    })
  )
)

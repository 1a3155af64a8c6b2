import { Duration, Effect, Result, Schema, SchemaIssue, SchemaTransformation } from "effect"

const TWO_63 = 1n << 63n
const NANOS_PER_SECOND = 1_000_000_000n

const units: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n,
  "\u03bcs": 1_000n,
  ms: 1_000_000n,
  s: NANOS_PER_SECOND,
  m: 60n * NANOS_PER_SECOND,
  h: 3600n * NANOS_PER_SECOND
}

const hex = "0123456789abcdef"
const utf8 = new TextEncoder()

// Go's time.quote: printable ASCII as is (escaping " and \), every other rune as \x escapes of its UTF-8 bytes.
const quote = (s: string): string => {
  let out = '"'
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0
    if (code < 0x20 || code >= 0x80) {
      for (const b of utf8.encode(c)) out += `\\x${hex[b >> 4]}${hex[b & 0xf]}`
    } else {
      out += c === '"' || c === "\\" ? `\\${c}` : c
    }
  }
  return `${out}"`
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9"

/**
 * Go's `time.ParseDuration` (`tyger run --timeout 2h45m`, `tyger buffer write --flush-interval 1s`): a signed
 * sequence of decimal numbers with optional fractions and units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h` (or a bare
 * `0`). Succeeds with the length in nanoseconds (Go's int64 range) or fails with Go's exact message.
 *
 * @example
 * GoDuration.parseDuration("1.5h") // Result.succeed(5_400_000_000_000n)
 * GoDuration.parseDuration("10")   // Result.fail('time: missing unit in duration "10"')
 */
export const parseDuration = (input: string): Result.Result<bigint, string> => {
  const invalid = Result.fail(`time: invalid duration ${quote(input)}`)
  let s = input
  let negative = false
  if (s[0] === "-" || s[0] === "+") {
    negative = s[0] === "-"
    s = s.slice(1)
  }
  if (s === "0") return Result.succeed(0n)
  if (s === "") return invalid
  let total = 0n
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return invalid
    let i = 0
    let whole = 0n
    for (; isDigit(s[i]); i++) {
      if (whole > TWO_63 / 10n) return invalid
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48)
      if (whole > TWO_63) return invalid
    }
    const pre = i > 0
    s = s.slice(i)
    let fraction = 0n
    let scale = 1
    let post = false
    if (s[0] === ".") {
      let overflow = false
      for (i = 1; isDigit(s[i]); i++) {
        if (overflow) continue
        const next = fraction * 10n + BigInt(s.charCodeAt(i) - 48)
        if (fraction > (TWO_63 - 1n) / 10n || next > TWO_63) {
          overflow = true
          continue
        }
        fraction = next
        scale *= 10
      }
      post = i > 1
      s = s.slice(i)
    }
    if (!pre && !post) return invalid
    i = 0
    while (i < s.length && !(s[i] === "." || isDigit(s[i]))) i++
    if (i === 0) return Result.fail(`time: missing unit in duration ${quote(input)}`)
    const name = s.slice(0, i)
    s = s.slice(i)
    const unit = units[name]
    if (unit === undefined) return Result.fail(`time: unknown unit ${quote(name)} in duration ${quote(input)}`)
    if (whole > TWO_63 / unit) return invalid
    let v = whole * unit
    if (fraction > 0n) {
      // Go adds the fraction through float64 arithmetic; replaying it keeps results bit-identical.
      v += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)))
      if (v > TWO_63) return invalid
    }
    // Go sums in a uint64, so two maximal terms wrap around to zero.
    total = BigInt.asUintN(64, total + v)
    if (total > TWO_63) return invalid
  }
  if (negative) return Result.succeed(-total)
  return total > TWO_63 - 1n ? invalid : Result.succeed(total)
}

/** Like `parseDuration`, but throws an `Error` with Go's message. */
export const unsafeParseDuration = (input: string): bigint => {
  const result = parseDuration(input)
  if (Result.isFailure(result)) throw new Error(result.failure)
  return result.success
}

/** `int(d.Seconds())`, which Tyger sends as `timeoutSeconds`: whole seconds, truncated toward zero. */
export const toWholeSeconds = (nanos: bigint): number =>
  Math.trunc(Number(nanos / NANOS_PER_SECOND) + Number(nanos % NANOS_PER_SECOND) / 1e9)

/** The same length as an Effect `Duration`. */
export const toDuration = (nanos: bigint): Duration.Duration => Duration.nanos(nanos)

const fraction = (v: bigint, precision: number): readonly [string, bigint] => {
  let digits = ""
  let printing = false
  for (let i = 0; i < precision; i++) {
    const digit = v % 10n
    printing ||= digit !== 0n
    if (printing) digits = `${digit}${digits}`
    v /= 10n
  }
  return [printing ? `.${digits}` : "", v]
}

/** Go's `Duration.String()`: `0s`, `1.5µs`, `300ms`, `1m0s`, `2h45m0s`. */
export const formatDuration = (nanos: bigint): string => {
  const sign = nanos < 0n ? "-" : ""
  const u = nanos < 0n ? -nanos : nanos
  if (u === 0n) return "0s"
  if (u < NANOS_PER_SECOND) {
    const unit = u < 1_000n ? "ns" : u < 1_000_000n ? "\u00b5s" : "ms"
    const [frac, whole] = fraction(u, unit === "ns" ? 0 : unit === "ms" ? 6 : 3)
    return `${sign}${whole}${frac}${unit}`
  }
  const [frac, seconds] = fraction(u, 9)
  const minutes = seconds / 60n
  const hours = minutes / 60n
  const h = hours > 0n ? `${hours}h` : ""
  const m = minutes > 0n ? `${minutes % 60n}m` : ""
  return `${sign}${h}${m}${seconds % 60n}${frac}s`
}

/** Decodes a Go duration string to nanoseconds and encodes nanoseconds with `formatDuration`. */
export const schema = Schema.String.pipe(
  Schema.decodeTo(
    Schema.BigInt,
    SchemaTransformation.transformEffect<bigint, string>({
      decode: (input, options) => {
        const result = parseDuration(input)
        return Result.isSuccess(result)
          ? Effect.succeed(result.success)
          : Effect.fail(new SchemaIssue.InvalidValue({ message: result.failure }, input, options))
      },
      encode: (nanos) => Effect.succeed(formatDuration(nanos))
    })
  )
)

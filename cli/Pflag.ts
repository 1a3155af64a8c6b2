// The Result module alone, not the effect barrel: Argv.ts (loaded before any command runs) reads this module, and
// `--help` must not pay for loading Effect.
import * as Result from "effect/Result"

/**
 * The flag-value grammar of Go's pflag (v1.0.10) and strconv, which Tyger's flags go through: string slices are CSV
 * records, `KEY=VALUE` maps split on commas only sometimes, ints accept Go literals. Errors carry cobra's wording.
 */

/** A flag value, or cobra's message for why it is not one. */
export type Parsed<A> = Result.Result<A, string>

const ok = <A>(value: A): Parsed<A> => Result.succeed(value)
const fail = <A = never>(error: string): Parsed<A> => Result.fail(error)

const GO_ESCAPES: { readonly [c: string]: string } = {
  "\u0007": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u000b": "\\v", "\"": "\\\"", "\\": "\\\\"
}

/** Go's `%q` (`strconv.Quote`) for the strings users type. */
export const goQuote = (s: string): string => {
  let out = "\""
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0
    const short = GO_ESCAPES[ch]
    if (short !== undefined) out += short
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0")
    else out += ch
  }
  return out + "\""
}

/** `-e, --env` or `--endpoint`: how pflag names a flag in its errors. */
export const flagLabel = (long: string, short?: string): string =>
  short === undefined ? `--${long}` : `-${short}, --${long}`

/** cobra's message for a value a flag's `Set` rejected. */
export const invalidArgument = (value: string, flag: string, cause: string): string =>
  `invalid argument ${goQuote(value)} for ${goQuote(flag)} flag: ${cause}`

const syntaxError = (fn: string, s: string) => `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`
const rangeError = (fn: string, s: string) => `strconv.${fn}: parsing ${goQuote(s)}: value out of range`

const INT64_MAX = (1n << 63n) - 1n
const INT64_MIN = -(1n << 63n)

const toInt64 = (fn: string, s: string, value: bigint): Parsed<number> =>
  value > INT64_MAX || value < INT64_MIN ? fail(rangeError(fn, s)) : ok(Number(value))

/** `strconv.Atoi`: optional sign and decimal digits. */
export const atoi = (s: string): Parsed<number> => {
  const match = /^([+-]?)([0-9]+)$/.exec(s)
  if (match === null) return fail(syntaxError("Atoi", s))
  return toInt64("Atoi", s, BigInt(`${match[1] === "-" ? "-" : ""}${match[2]}`))
}

const BASE_PREFIXES: ReadonlyArray<readonly [RegExp, number, string]> = [
  [/^0[xX]/, 16, "0123456789abcdefABCDEF"],
  [/^0[bB]/, 2, "01"],
  [/^0[oO]/, 8, "01234567"]
]

/** `strconv.ParseInt(s, 0, 64)`, the parser behind pflag's int flags: `0x1f`, `0o17`, `017`, `1_000`. */
export const parseInt64 = (s: string): Parsed<number> => {
  let body = s
  let negative = false
  if (body.startsWith("+") || body.startsWith("-")) {
    negative = body.startsWith("-")
    body = body.slice(1)
  }
  let base = 10
  let digitSet = "0123456789"
  let prefixed = false
  for (const [prefix, b, set] of BASE_PREFIXES) {
    if (prefix.test(body)) {
      base = b
      digitSet = set
      body = body.slice(2)
      prefixed = true
    }
  }
  if (!prefixed && body.length > 1 && body.startsWith("0")) {
    base = 8
    digitSet = "01234567"
    body = body.slice(1)
    prefixed = true
  }
  // Underscores only between digits (or right after a base prefix), as in Go literals.
  const underscoresOk = !body.includes("_") ||
    (/^_?[^_]+(_[^_]+)*$/.test(body) && (prefixed || !body.startsWith("_")))
  const digits = body.replaceAll("_", "")
  if (digits === "" || !underscoresOk || [...digits].some((c) => !digitSet.includes(c))) {
    return fail(syntaxError("ParseInt", s))
  }
  let value = 0n
  for (const c of digits) value = value * BigInt(base) + BigInt(Number.parseInt(c, base))
  return toInt64("ParseInt", s, negative ? -value : value)
}

/** One record of Go's `encoding/csv` reader (default options), as pflag reads string-slice values. */
export const readCsvRecord = (line: string): Parsed<ReadonlyArray<string>> => {
  const fields: Array<string> = []
  let i = 0
  const error = (column: number, what: string) => fail(`parse error on line 1, column ${column}: ${what}`)
  for (;;) {
    if (line[i] !== "\"") {
      let end = i
      while (end < line.length && line[end] !== "," && line[end] !== "\n" && line[end] !== "\r") end++
      const field = line.slice(i, end)
      const quote = field.indexOf("\"")
      if (quote >= 0) return error(i + quote + 1, "bare \" in non-quoted-field")
      fields.push(field)
      if (line[end] !== ",") return ok(fields)
      i = end + 1
      continue
    }
    let field = ""
    let j = i + 1
    for (;;) {
      const close = line.indexOf("\"", j)
      if (close < 0) return error(line.length + 1, "extraneous or missing \" in quoted-field")
      field += line.slice(j, close)
      const next = line[close + 1]
      if (next === "\"") {
        field += "\""
        j = close + 2
      } else if (next === "," || next === undefined || next === "\n" || next === "\r") {
        fields.push(field)
        if (next !== ",") return ok(fields)
        i = close + 2
        break
      } else {
        return error(close + 1, "extraneous or missing \" in quoted-field")
      }
    }
  }
}

/** pflag `StringSlice`: every occurrence is a CSV record; an empty value is an empty list. */
export const stringSlice = (flag: string, occurrences: ReadonlyArray<string>): Parsed<ReadonlyArray<string>> => {
  const out: Array<string> = []
  for (const value of occurrences) {
    if (value === "") continue
    const record = readCsvRecord(value)
    if (Result.isFailure(record)) return fail(invalidArgument(value, flag, record.failure))
    out.push(...record.success)
  }
  return ok(out)
}

const keyValue = (pair: string): readonly [string, string] | undefined => {
  const at = pair.indexOf("=")
  return at < 0 ? undefined : [pair.slice(0, at), pair.slice(at + 1)]
}

/**
 * pflag's map flags: each occurrence split into `key=value` pairs by `split`, each value read by `read` (errors are
 * about the occurrence as given); later occurrences override earlier keys.
 */
const mapFlag = <A>(
  flag: string,
  occurrences: ReadonlyArray<string>,
  split: (occurrence: string) => Parsed<ReadonlyArray<string>>,
  read: (value: string) => Parsed<A>
): Parsed<Readonly<Record<string, A>>> => {
  const out: Record<string, A> = {}
  for (const occurrence of occurrences) {
    const pairs = split(occurrence)
    if (Result.isFailure(pairs)) return fail(invalidArgument(occurrence, flag, pairs.failure))
    for (const pair of pairs.success) {
      const kv = keyValue(pair)
      if (kv === undefined) return fail(invalidArgument(occurrence, flag, `${pair} must be formatted as key=value`))
      const value = read(kv[1])
      if (Result.isFailure(value)) return fail(invalidArgument(occurrence, flag, value.failure))
      out[kv[0]] = value.success
    }
  }
  return ok(out)
}

/**
 * pflag `StringToString`: a value with one `=` is a single pair (commas kept, surrounding quotes trimmed); with more,
 * it is a CSV record of pairs.
 */
export const stringToString = (flag: string, occurrences: ReadonlyArray<string>): Parsed<Readonly<Record<string, string>>> =>
  mapFlag(flag, occurrences, (value) => {
    const equals = value.split("=").length - 1
    if (equals === 0) return fail(`${value} must be formatted as key=value`)
    return equals === 1 ? ok([value.replace(/^"+|"+$/g, "")]) : readCsvRecord(value)
  }, ok)

/** pflag `StringToInt`: comma-separated `KEY=INT` pairs, ints parsed by `strconv.Atoi`. */
export const stringToInt = (flag: string, occurrences: ReadonlyArray<string>): Parsed<Readonly<Record<string, number>>> =>
  mapFlag(flag, occurrences, (value) => ok(value.split(",")), atoi)

/** pflag `Int`: `strconv.ParseInt(s, 0, 64)`. */
export const int = (flag: string, value: string): Parsed<number> => {
  const n = parseInt64(value)
  return Result.isSuccess(n) ? n : fail(invalidArgument(value, flag, n.failure))
}

/**
 * enumflag (case-insensitive): the accepted ids listed sorted, as `must be 'a', 'b'`.
 */
export const enumValue = <A extends string>(flag: string, value: string, ids: ReadonlyArray<A>): Parsed<A> => {
  const lower = value.toLowerCase()
  const found = ids.find((id) => id === lower)
  if (found !== undefined) return ok(found)
  const listed = ids.map((id) => `'${id}'`).sort().join(", ")
  return fail(invalidArgument(value, flag, `must be ${listed}`))
}

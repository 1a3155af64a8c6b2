import { Effect, Equal, Hash, Predicate, Result, Schema, SchemaIssue, SchemaTransformation } from "effect"

const TypeId = "~tyger-ts/dsl/Quantity"

/** The suffix family a quantity was written in; it decides how `toString` renders it, as in Kubernetes. */
export type Format = "DecimalExponent" | "BinarySI" | "DecimalSI"

/** Kubernetes' parse errors, word for word (`k8s.io/apimachinery/pkg/api/resource`). */
export const ErrFormatWrong =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
export const ErrSuffix = "unable to parse quantity's suffix"

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 }
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]))
const binarySuffixByPower = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
const suffixChars = "eEinumkKMGTP"
const maxInt64 = (1n << 63n) - 1n

const pow10 = (n: number): bigint => 10n ** BigInt(n)
const abs = (n: bigint): bigint => (n < 0n ? -n : n)
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9"

/**
 * An exact Kubernetes resource quantity (`500m`, `1.5`, `2Gi`, `1e3`), equal to any other quantity with the same
 * numeric value (`1` equals `1000m`, `1Gi` equals `1024Mi`). `toString()` is the canonical form Kubernetes emits.
 *
 * @example
 * Quantity.unsafeParse("1.5Gi").toString() // "1536Mi"
 */
export class Quantity implements Equal.Equal {
  readonly [TypeId] = TypeId
  /** Value = mantissa × 10^exponent, with no trailing zeros in the mantissa (zero is 0 × 10^0). */
  readonly mantissa: bigint
  readonly exponent: number
  readonly format: Format

  /** @internal use `parse`; the arguments must already be normalized. */
  constructor(mantissa: bigint, exponent: number, format: Format) {
    this.mantissa = mantissa
    this.exponent = exponent
    this.format = format
  }

  /** The canonical form, as `resource.Quantity.String()` renders it. */
  toString(): string {
    return canonicalize(this)
  }

  toJSON(): string {
    return canonicalize(this)
  }

  /** The nearest float; large or very precise quantities lose precision. */
  toNumber(): number {
    return Number.parseFloat(`${this.mantissa}e${this.exponent}`)
  }

  /** ceil(value × 1000), as Kubernetes' `MilliValue()` (CPU in millicores); `RangeError` past BigInt's limits. */
  toMilli(): bigint {
    return scaledCeil(this, 3)
  }

  /** ceil(value), as Kubernetes' `Value()` (e.g. memory in bytes); a `RangeError` past BigInt's limits. */
  toBytes(): bigint {
    return scaledCeil(this, 0)
  }

  [Equal.symbol](that: Equal.Equal): boolean {
    return isQuantity(that) && this.mantissa === that.mantissa && this.exponent === that.exponent
  }

  [Hash.symbol](): number {
    return Hash.string(`${this.mantissa}e${this.exponent}`)
  }
}

/** Whether `u` is a `Quantity`. */
export const isQuantity = (u: unknown): u is Quantity => Predicate.hasProperty(u, TypeId)

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (by value). */
export const compare = (a: Quantity, b: Quantity): -1 | 0 | 1 => {
  const sign = a.mantissa < 0n ? -1 : a.mantissa > 0n ? 1 : 0
  const other = b.mantissa < 0n ? -1 : b.mantissa > 0n ? 1 : 0
  if (sign !== other) return sign < other ? -1 : 1
  // Comparing orders of magnitude first keeps exponents like 1e2147483647 from being expanded.
  const magnitude = abs(a.mantissa).toString().length + a.exponent
  const otherMagnitude = abs(b.mantissa).toString().length + b.exponent
  if (sign !== 0 && magnitude !== otherMagnitude) return (magnitude < otherMagnitude ? -sign : sign) as -1 | 1
  const e = Math.min(a.exponent, b.exponent)
  const x = a.mantissa * pow10(a.exponent - e)
  const y = b.mantissa * pow10(b.exponent - e)
  return x < y ? -1 : x > y ? 1 : 0
}

const scaledCeil = (q: Quantity, scale: number): bigint => {
  const e = q.exponent + scale
  if (e >= 0) return q.mantissa * pow10(e)
  const d = pow10(-e)
  const quotient = q.mantissa / d
  return q.mantissa % d !== 0n && q.mantissa > 0n ? quotient + 1n : quotient
}

const normalize = (mantissa: bigint, exponent: number, format: Format): Quantity => {
  if (mantissa === 0n) return new Quantity(0n, 0, format)
  const digits = mantissa.toString()
  const trimmed = digits.replace(/0+$/, "")
  return new Quantity(BigInt(trimmed), exponent + digits.length - trimmed.length, format)
}

const canonicalize = (q: Quantity): string => {
  if (q.mantissa === 0n) return "0"
  if (q.format === "BinarySI" && q.exponent >= 0 && abs(q.mantissa) * pow10(q.exponent) >= 1024n) {
    let n = q.mantissa * pow10(q.exponent)
    let power = 0
    while (power < binarySuffixByPower.length - 1 && n % 1024n === 0n) {
      n /= 1024n
      power++
    }
    return `${n}${binarySuffixByPower[power]}`
  }
  const exponent = Math.floor(q.exponent / 3) * 3
  const mantissa = q.mantissa * pow10(q.exponent - exponent)
  if (q.format === "DecimalExponent") return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`
  const suffix = decimalSuffixByExponent.get(exponent)
  if (suffix !== undefined) return `${mantissa}${suffix}`
  // Beyond "E" Go drops the suffix (and the value); the C# server keeps "E" with a larger mantissa, which is exact.
  return exponent > 18 ? `${mantissa * pow10(exponent - 18)}E` : `${mantissa}e${exponent}`
}

interface Parts {
  readonly negative: boolean
  readonly num: string
  readonly denom: string
  readonly suffix: string
}

// A port of Kubernetes' parseQuantityString scanner, quirks included ("1.", ".5", a lone "-" is zero).
const scan = (str: string): Parts | undefined => {
  const end = str.length
  let pos = 0
  let negative = false
  if (str[0] === "-" || str[0] === "+") {
    negative = str[0] === "-"
    pos++
  }
  while (pos < end && str[pos] === "0") pos++
  if (pos >= end) return { negative, num: "0", denom: "", suffix: "" }
  const numStart = pos
  while (pos < end && isDigit(str[pos])) pos++
  const num = str.slice(numStart, pos) || "0"
  let denom = ""
  if (str[pos] === ".") {
    const denomStart = ++pos
    while (pos < end && isDigit(str[pos])) pos++
    denom = str.slice(denomStart, pos)
  }
  const suffixStart = pos
  while (pos < end && suffixChars.includes(str[pos] ?? "")) pos++
  if (str[pos] === "-" || str[pos] === "+") pos++
  while (pos < end && isDigit(str[pos])) pos++
  if (pos < end) return undefined
  return { negative, num, denom, suffix: str.slice(suffixStart) }
}

interface Unit {
  readonly base: 2 | 10
  readonly exponent: number
  readonly format: Format
}

const interpret = (suffix: string): Unit | undefined => {
  const decimal = decimalSuffixes[suffix]
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: "DecimalSI" }
  const binary = binarySuffixes[suffix]
  if (binary !== undefined) return { base: 2, exponent: binary, format: "BinarySI" }
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1))
    // Go parses an int64 and then truncates it to int32.
    if (parsed >= -maxInt64 - 1n && parsed <= maxInt64) {
      return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: "DecimalExponent" }
    }
  }
  return undefined
}

// Go rounds any non-zero value finer than a nano away from zero to the next nano.
const roundToNano = (mantissa: bigint, exponent: number): readonly [bigint, number] => {
  if (exponent >= -9 || mantissa === 0n) return [mantissa, exponent]
  const shift = -9 - exponent
  const sign = mantissa < 0n ? -1n : 1n
  if (shift > abs(mantissa).toString().length) return [sign, -9]
  const d = pow10(shift)
  return [mantissa / d + (mantissa % d === 0n ? 0n : sign), -9]
}

/** Kubernetes' `ParseQuantity`: the quantity, or its exact error message. */
export const parseQuantity = (str: string): Result.Result<Quantity, string> => {
  if (str === "") return Result.fail(ErrFormatWrong)
  const parts = scan(str)
  if (parts === undefined) return Result.fail(ErrFormatWrong)
  const unit = interpret(parts.suffix)
  if (unit === undefined) return Result.fail(ErrSuffix)
  const digits = parts.num + parts.denom
  const trimmed = digits.replace(/0+$/, "")
  let mantissa = BigInt(trimmed === "" ? "0" : trimmed) * (parts.negative ? -1n : 1n)
  let exponent = digits.length - trimmed.length - parts.denom.length
  let format = unit.format
  if (unit.base === 10) {
    exponent += unit.exponent
  } else {
    mantissa <<= BigInt(unit.exponent)
  }
  ;[mantissa, exponent] = roundToNano(mantissa, exponent)
  if (format === "BinarySI" && mantissa !== 0n) {
    const unit = exponent < 0 ? pow10(-exponent) : 1n
    const magnitude = exponent > 0 ? abs(mantissa) * pow10(exponent) : abs(mantissa)
    if (magnitude > maxInt64 * unit) {
      mantissa = mantissa < 0n ? -maxInt64 * unit : maxInt64 * unit
      exponent = Math.min(exponent, 0)
    }
    if (magnitude < unit) format = "DecimalSI"
  }
  return Result.succeed(normalize(mantissa, exponent, format))
}

// Tyger's server reads a JSON number as a .NET decimal and prints it in plain notation before parsing it.
const numberToString = (n: number): string => {
  const s = String(n)
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s)
  if (match === null) return s
  const [, sign = "", int = "", frac = "", exp = "0"] = match
  const digits = int + frac
  const point = int.length + Number(exp)
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

const fromInput = (input: string | number): Result.Result<Quantity, string> =>
  typeof input === "number"
    ? Number.isFinite(input) ? parseQuantity(numberToString(input)) : Result.fail(ErrFormatWrong)
    : parseQuantity(input)

/** Parses a quantity string (exact Kubernetes grammar, no surrounding whitespace) or a finite JSON number. */
export const parse = (input: string | number): Quantity | undefined => Result.getOrUndefined(fromInput(input))

/** Like `parse`, but throws an `Error` carrying Kubernetes' message. */
export const unsafeParse = (input: string | number): Quantity => {
  const result = fromInput(input)
  if (Result.isFailure(result)) throw new Error(`cannot parse '${input}': ${result.failure}`)
  return result.success
}

const QuantityFromSelf = Schema.declare(isQuantity, { expected: "Quantity" })

/**
 * Decodes a quantity string or JSON number (strings are trimmed, as Kubernetes' and Tyger's JSON readers do) and
 * encodes the canonical string.
 */
export const schema = Schema.Union([Schema.String, Schema.Finite]).pipe(
  Schema.decodeTo(
    QuantityFromSelf,
    SchemaTransformation.transformEffect<Quantity, string | number>({
      decode: (input, options) => {
        const result = fromInput(typeof input === "string" ? input.trim() : input)
        return Result.isSuccess(result)
          ? Effect.succeed(result.success)
          : Effect.fail(new SchemaIssue.InvalidValue({ message: result.failure }, input, options))
      },
      encode: (q) => Effect.succeed(q.toString())
    })
  )
)

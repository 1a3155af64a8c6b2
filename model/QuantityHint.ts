import * as Quantity from "./Quantity.ts"

/**
 * The fix for a resource value that is not a Kubernetes quantity, read from how it was written: units people write
 * out of habit (`1GB`, `2 cores`, `1.5 GiB`) are mapped to the suffixes Kubernetes takes.
 */

const GENERIC =
  "write a number with an optional suffix: m (1/1000), k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024)"

// The prefix letters in order of size: index + 1 is the power of 1000 (decimal) or of 1024 (binary).
const PREFIXES = "kmgtpe"
const WORDS = ["kilo", "mega", "giga", "tera", "peta", "exa"]
const BINARY_WORDS = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi"]
const SLANG: { readonly [word: string]: number } = { meg: 1, megs: 1, gig: 2, gigs: 2 }

const NUMBER = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(.*)$/s

// "k" is the only lower-case decimal suffix; "K" is not a suffix at all, which is why "1K" needs a hint.
const decimalSuffix = (power: number): string => (power === 0 ? "k" : (PREFIXES[power] ?? "").toUpperCase())
const binarySuffix = (power: number): string => `${(PREFIXES[power] ?? "").toUpperCase()}i`

// Both readings of a byte unit, since "GB" means 10^9 to some and 2^30 to others and only the writer knows which.
const bytes = (n: string, power: number): ReadonlyArray<readonly [string, string]> => [
  [`${n}${binarySuffix(power)}`, ` (${binarySuffix(power)}B, 2^${10 * (power + 1)} bytes)`],
  [`${n}${decimalSuffix(power)}`, ` (10^${3 * (power + 1)} bytes)`]
]

const cores = (n: string): ReadonlyArray<readonly [string, string]> => {
  const quantity = Quantity.parse(n)
  if (quantity === undefined) return []
  // Millicores only when exact: Kubernetes would round "0.0005" up to 1m, and a hint should not change the value.
  const milli = `${quantity.toMilli()}m`
  const back = Quantity.parse(milli)
  return back !== undefined && Quantity.compare(back, quantity) === 0 ? [[n, " (cores)"], [milli, " (millicores)"]] : [[n, " (cores)"]]
}

// The quantities to suggest for a number and the unit written after it, each with a note saying what it means.
const readingsOf = (n: string, unit: string): ReadonlyArray<readonly [string, string]> => {
  if (Quantity.parse(`${n}${unit}`) !== undefined) return [[`${n}${unit}`, ""]]
  const lower = unit.toLowerCase()
  const binary = /^([kmgtpe])i(?:b|bytes?)?$/.exec(lower) ?? /^(kibi|mebi|gibi|tebi|pebi|exbi)(?:bytes?)?$/.exec(lower)
  if (binary !== null) {
    const power = binary[1]?.length === 1 ? PREFIXES.indexOf(binary[1]) : BINARY_WORDS.indexOf(binary[1] ?? "")
    return [[`${n}${binarySuffix(power)}`, ""]]
  }
  const decimal = /^([kmgtpe])(?:b|bytes?)?$/.exec(lower) ?? /^(kilo|mega|giga|tera|peta|exa)(?:bytes?)?$/.exec(lower)
  if (decimal !== null) {
    return bytes(n, decimal[1]?.length === 1 ? PREFIXES.indexOf(decimal[1]) : WORDS.indexOf(decimal[1] ?? ""))
  }
  const slang = SLANG[lower]
  if (slang !== undefined) return bytes(n, slang)
  if (/^(?:b|bytes?)$/.test(lower)) return [[n, " (bytes)"]]
  if (/^(?:v?cpus?|v?cores?)$/.test(lower)) return cores(n)
  if (/^(?:millicores?|millicpus?|mcpus?|mcores?|milli)$/.test(lower)) return [[`${n}m`, ""]]
  if (/^gpus?$/.test(lower)) return [[n, ""]]
  return []
}

/**
 * What to write instead of `input`, a value that failed to parse as a Kubernetes quantity, as a clause to follow
 * "is not a quantity: ". Every quantity it suggests parses; when the unit is not recognised it describes the
 * suffixes instead.
 *
 * @example
 * hintFor("1Gb")     // "use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)"
 * hintFor("2 cores") // "use 2 (cores) or 2000m (millicores)"
 * hintFor("1.5 GiB") // "use 1.5Gi"
 */
export const hintFor = (input: string | number): string => {
  if (typeof input === "number") {
    return Number.isFinite(input) ? GENERIC : "write a finite number, or a string such as '500m' or '2Gi'"
  }
  const match = NUMBER.exec(input.trim())
  if (match === null) return GENERIC
  const [, written = "", unit = ""] = match
  // ".5" and "1." parse in Kubernetes, but "0.5" and "1" are what a reader expects to see.
  const n = written.replace(/^([+-]?)\./, "$10.").replace(/\.$/, "")
  const readings = readingsOf(n, unit.trim())
  if (readings.length === 0 || readings.some(([quantity]) => Quantity.parse(quantity) === undefined)) return GENERIC
  return `use ${readings.map(([quantity, note]) => `${quantity}${note}`).join(" or ")}`
}

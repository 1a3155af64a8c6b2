/**
 * Go's `encoding/json` output, byte for byte, for the JSON values the CLI prints. Tyger re-encodes every server
 * response through Go structs, so users (and their scripts) see Go's escaping and `MarshalIndent` layout.
 */

const HEX = "0123456789abcdef"

const SHORT_ESCAPES: { readonly [code: number]: string } = {
  0x22: "\\\"",
  0x5c: "\\\\",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t"
}

const unicodeEscape = (code: number): string =>
  "\\u" + HEX[(code >> 12) & 0xf] + HEX[(code >> 8) & 0xf] + HEX[(code >> 4) & 0xf] + HEX[code & 0xf]

// json.Marshal escapes HTML-significant characters and the JavaScript line separators; Go ≥ 1.22 uses \b and \f.
const needsEscape = (code: number): boolean =>
  code < 0x20 || code === 0x22 || code === 0x5c || code === 0x3c || code === 0x3e || code === 0x26 ||
  code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)

export const quote = (s: string): string => {
  let out = "\""
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (!needsEscape(code)) continue
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
    }
    out += s.slice(start, i)
    start = i + 1
    // A lone surrogate is not UTF-8; Go replaces invalid input with U+FFFD.
    if (code >= 0xd800 && code <= 0xdfff) out += "\\ufffd"
    else out += SHORT_ESCAPES[code] ?? unicodeEscape(code)
  }
  return out + s.slice(start) + "\""
}

/** Go's float64 encoding: shortest round-trip digits, exponent only below 1e-6 or from 1e21 (as JavaScript does). */
const formatNumber = (n: number): string => {
  if (!Number.isFinite(n)) throw new TypeError(`json: unsupported value: ${n}`)
  return Object.is(n, -0) ? "-0" : String(n)
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

interface Layout {
  readonly newline: (depth: number) => string
  readonly colon: string
}

const encode = (value: unknown, layout: Layout, depth: number): string => {
  if (value === null || value === undefined) return "null"
  switch (typeof value) {
    case "string":
      return quote(value)
    case "number":
      return formatNumber(value)
    case "bigint":
      return value.toString()
    case "boolean":
      return value ? "true" : "false"
  }
  if (isRecord(value) && typeof value["toJSON"] === "function") {
    return encode((value["toJSON"] as () => unknown)(), layout, depth)
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]"
    const items = value.map((item) => layout.newline(depth + 1) + encode(item, layout, depth + 1))
    return "[" + items.join(",") + layout.newline(depth) + "]"
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function")
    if (entries.length === 0) return "{}"
    const fields = entries.map(([k, v]) =>
      layout.newline(depth + 1) + quote(k) + layout.colon + encode(v, layout, depth + 1)
    )
    return "{" + fields.join(",") + layout.newline(depth) + "}"
  }
  throw new TypeError(`json: unsupported type: ${typeof value}`)
}

/**
 * `json.MarshalIndent(v, prefix, indent)`: object keys in insertion order (Go struct order; callers sort map keys),
 * every line after the first starts with `prefix`, no trailing newline.
 */
export const marshalIndent = (value: unknown, prefix: string, indent: string): string =>
  encode(value, { newline: (depth) => "\n" + prefix + indent.repeat(depth), colon: ": " }, 0)

/** `json.Marshal(v)`: compact. */
export const marshal = (value: unknown): string => encode(value, { newline: () => "", colon: ":" }, 0)

import { createHash } from "node:crypto"

/**
 * Tyger's buffer data format 0.3.0, byte for byte: a `.bufferstart` blob, numbered data blobs at `blobPath(n)` each
 * carrying Content-MD5 and a cumulative SHA-256 hash chain, one empty blob ending the data, then `.bufferend`.
 */
export const FORMAT_VERSION = "0.3.0"

export const START_BLOB = ".bufferstart"
export const END_BLOB = ".bufferend"

/** The metadata key (Azure header `x-ms-meta-cumulative_hash_chain`) holding a data blob's chain value. */
export const HASH_CHAIN_KEY = "cumulative_hash_chain"
export const HASH_CHAIN_HEADER = `x-ms-meta-${HASH_CHAIN_KEY}`

/** base64 of ASCII `0000000000000000`: the chain value before blob 0. */
export const INITIAL_CHAIN = "MDAwMDAwMDAwMDAwMDAwMA=="

export type EndStatus = "complete" | "failed"

const encoder = new TextEncoder()

/** Go's `json.Marshal` of Tyger's `BufferStartMetadata`: no spaces, so the MD5 matches Tyger's. */
export const startBody: Uint8Array = encoder.encode(`{"version":"${FORMAT_VERSION}"}`)

export const endBody = (status: EndStatus): Uint8Array => encoder.encode(`{"status":"${status}"}`)

export const md5Base64 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("base64")

/** `chainₙ = base64(sha256(ASCII(chainₙ₋₁ + md5ₙ)))`: the concatenation of the two base64 strings. */
export const nextChain = (previous: string, md5: string): string =>
  createHash("sha256").update(previous + md5, "latin1").digest("base64")

/**
 * Tyger's `MakeBlobPath`: the low 12 bits name the file; the bit length of the rest names the root folder; below the
 * root, the rest without its top bit is split into byte-sized folders, most significant first. Names sort in blob
 * order and no folder holds more than 4096 entries.
 */
export const blobPath = (blobNumber: number): string => {
  if (!Number.isSafeInteger(blobNumber) || blobNumber < 0) {
    throw new RangeError(`blob number must be a non-negative safe integer, got ${blobNumber}`)
  }
  const file = blobNumber % 0x1000
  let rest = Math.floor(blobNumber / 0x1000)
  const root = rest === 0 ? 0 : rest.toString(2).length
  const folders: Array<number> = []
  if (root > 1) {
    rest -= 2 ** (root - 1)
    const count = Math.floor((root - 2) / 8) + 1
    for (let i = 0; i < count; i++) {
      folders.unshift(rest % 0x100)
      rest = Math.floor(rest / 0x100)
    }
  }
  return [hex(root, 2), ...folders.map((folder) => hex(folder, 2)), hex(file, 3)].join("/")
}

const hex = (value: number, width: number): string => value.toString(16).toUpperCase().padStart(width, "0")

/**
 * The `version` of a `.bufferstart` body, `""` when absent (Go's zero value), `undefined` when Go's `json.Unmarshal`
 * would fail (not a JSON object, or a non-string version).
 */
export const parseStartVersion = (body: Uint8Array): string | undefined => stringField(body, "version")

/** The `status` of a `.bufferend` body, with the same conventions as `parseStartVersion`. */
export const parseEndStatus = (body: Uint8Array): string | undefined => stringField(body, "status")

const stringField = (body: Uint8Array, key: string): string | undefined => {
  const parsed = parseObject(body)
  if (parsed === undefined) return undefined
  const value = parsed[key]
  return value === undefined || value === null ? "" : typeof value === "string" ? value : undefined
}

const parseObject = (body: Uint8Array): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body))
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined
  } catch {
    return undefined
  }
}

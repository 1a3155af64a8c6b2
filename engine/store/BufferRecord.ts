import { createHash, randomBytes } from "node:crypto"

/** A buffer's metadata as Tyger's API shows it; `softDeleted` is internal (Tyger's CLI never prints it). */
export interface BufferRecord {
  readonly id: string
  readonly createdAt: number
  readonly location: string
  readonly tags: { readonly [key: string]: string }
  readonly expiresAt: number | undefined
  readonly softDeleted: boolean
  readonly eTag: string
}

/** Which buffers a list or bulk operation selects: all of `tags` match, none of `excludeTags` does. */
export interface BufferFilter {
  readonly tags?: { readonly [key: string]: string }
  readonly excludeTags?: { readonly [key: string]: string }
  readonly softDeleted: boolean
}

/** Tyger's default `buffers.softDeletedLifetime`: one day. */
export const DEFAULT_SOFT_DELETED_LIFETIME_MS = 24 * 60 * 60 * 1000

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567"

/** Tyger's ids: lowercase RFC 4648 base32 of 16 random bytes, unpadded (26 characters). */
export const makeId = (bytes: Uint8Array = randomBytes(16)): string => {
  let out = ""
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31]
  return out
}

/** Tyger's server-side id grammar (also admits its ephemeral `temp-` ids). */
export const ID_PATTERN = /^((run-\d+-)?temp-)?\w+$/

/** Changes whenever tags, expiry or soft-deletion change, like Tyger's (a decimal string, opaque to clients). */
export const eTagOf = (
  id: string,
  softDeleted: boolean,
  expiresAt: number | undefined,
  tags: { readonly [key: string]: string }
): string => {
  const sortedTags = Object.keys(tags).sort().map((k) => [k, tags[k]])
  const digest = createHash("sha256").update(JSON.stringify([id, softDeleted, expiresAt ?? null, sortedTags])).digest()
  return digest.readBigUInt64BE(0).toString()
}

export interface ListBuffersOptions extends BufferFilter {
  readonly limit: number
  /** Continuation: buffers created before this one (Tyger lists newest first). */
  readonly after?: { readonly createdAt: number; readonly id: string }
}

export interface BufferUpdate {
  readonly tags?: { readonly [key: string]: string }
  /** Epoch ms; `null` clears the expiry, absent leaves it. */
  readonly expiresAt?: number | null
  /** The ETag the caller last saw (Tyger's `If-Match`). */
  readonly ifMatch?: string
}

/**
 * The latest expiry a buffer may have: .NET's DateTimeOffset.MaxValue (Tyger's limit), within what a JavaScript Date
 * and a number read back from SQLite hold exactly. A later time would be stored and then fail every read of the table.
 */
export const MAX_EXPIRES_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

// MD5 is the most expensive step of a local write (≈ 700 MB/s per core), and both the writer (for the hash chain)
// and the local store (to verify Content-MD5) need it for the same bytes. The writer hashes each block through
// `md5`, which remembers the digest for that exact Uint8Array; the store's check then costs a lookup. A body hashed
// by anything else, or a different view of the same memory, is hashed again, so a wrong Content-MD5 is still refused.
// Blocks are never mutated after hashing (the writer hands each block to one upload and drops it); if a caller broke
// that rule, the stored MD5 would disagree with the stored bytes and every reader would report `MD5 mismatch`.
import * as BufferFormat from "../BufferFormat.ts"

const digests = new WeakMap<Uint8Array, string>()

export const md5 = (bytes: Uint8Array): string => remember(bytes, BufferFormat.md5Base64(bytes))

/** Records a digest computed elsewhere (a hashing worker) for exactly this view. */
export const remember = (bytes: Uint8Array, digest: string): string => {
  digests.set(bytes, digest)
  return digest
}

/** The digest remembered by `md5`, else a fresh one. */
export const knownMd5 = (bytes: Uint8Array): string => digests.get(bytes) ?? BufferFormat.md5Base64(bytes)

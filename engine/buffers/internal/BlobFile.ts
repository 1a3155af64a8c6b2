// One blob = one file holding a small header (Content-MD5 and metadata) followed by the body, so data and its
// metadata become visible together. A put writes a private temporary file next to the target and `link()`s it into
// place: link never replaces an existing name (EEXIST), which gives write-once blobs with exactly one winner across
// processes, and a reader sees either no file or the whole file. Rename would silently replace a racing winner.
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as BlobFs from "./BlobFs.ts"

const MAGIC = new TextEncoder().encode("TYGRBLB1")
const PREFIX = MAGIC.length + 4
/** Reading this much first usually covers the whole header, so `headBlob` costs one read. */
const HEAD_PROBE = 4096

export interface Header {
  readonly contentMd5: string
  readonly metadata: { readonly [key: string]: string }
}

export interface StoredBlob extends Header {
  readonly body: Uint8Array
}

/** The file is not a blob this store wrote (truncated by a crash, or edited by hand). */
export class DamagedBlob extends Error {}

export const encodeHeader = (header: Header): Uint8Array => {
  const json = new TextEncoder().encode(JSON.stringify({ md5: header.contentMd5, metadata: header.metadata }))
  const bytes = new Uint8Array(PREFIX + json.length)
  bytes.set(MAGIC, 0)
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.length)
  bytes.set(json, PREFIX)
  return bytes
}

/** The header's total length, read from the fixed prefix; `undefined` if the prefix is not ours. */
const headerLength = (prefix: Uint8Array): number | undefined => {
  if (prefix.length < PREFIX || MAGIC.some((byte, i) => prefix[i] !== byte)) return undefined
  return PREFIX + new DataView(prefix.buffer, prefix.byteOffset, PREFIX).getUint32(MAGIC.length)
}

const decodeHeader = (bytes: Uint8Array, path: string): Header => {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX))) as {
      md5?: unknown
      metadata?: unknown
    }
    const metadata = parsed.metadata
    if (
      typeof parsed.md5 === "string" && typeof metadata === "object" && metadata !== null &&
      Object.values(metadata).every((value) => typeof value === "string")
    ) {
      return { contentMd5: parsed.md5, metadata: metadata as Record<string, string> }
    }
  } catch {
    // reported below
  }
  throw new DamagedBlob(`the blob file ${path} has a damaged header`)
}

export interface PutOptions {
  readonly durable: boolean
  readonly signal?: AbortSignal
}

/** `false` when the target existed already (the blob is not replaced). */
export const put = async (target: string, header: Header, body: Uint8Array, options: PutOptions): Promise<boolean> => {
  const dir = Path.dirname(target)
  // `.~` plus hex never matches a blob name (see LocalBlobStore's path rule), so temporaries cannot be read as blobs.
  const temporary = Path.join(dir, `.~${randomBytes(8).toString("hex")}`)
  // Private to this user, as everything under the data directory (the link keeps the mode).
  const fd = await BlobFs.open(temporary, "wx", 0o600)
  try {
    try {
      const head = encodeHeader(header)
      await BlobFs.writeFully(fd, head, 0)
      await BlobFs.writeFully(fd, body, head.length)
      if (options.durable) await BlobFs.fdatasync(fd)
    } finally {
      await BlobFs.close(fd)
    }
    // An interrupted put must not land after its caller has moved on (e.g. after `.bufferend` failed was written).
    options.signal?.throwIfAborted()
    try {
      await BlobFs.link(temporary, target)
    } catch (error) {
      if (BlobFs.errno(error) === "EEXIST") return false
      throw error
    }
    if (options.durable) await syncDirectory(dir)
    return true
  } finally {
    await BlobFs.ignoreErrors(BlobFs.unlink(temporary))
  }
}

/** Unlinks the temporaries `put` leaves only when its process is killed, anywhere under `dir`. */
export const discardTemporaries = async (dir: string): Promise<void> => {
  for (const entry of await Fs.promises.readdir(dir, { withFileTypes: true })) {
    const path = Path.join(dir, entry.name)
    if (entry.isDirectory()) await discardTemporaries(path)
    else if (entry.name.startsWith(".~")) await BlobFs.ignoreErrors(BlobFs.unlink(path))
  }
}

const syncDirectory = async (dir: string): Promise<void> => {
  const fd = await BlobFs.open(dir, "r")
  try {
    await BlobFs.fsync(fd)
  } finally {
    await BlobFs.close(fd)
  }
}

/**
 * The header, then the body into a buffer of its own: a body that owns its ArrayBuffer can be handed to a hashing
 * worker without a copy. `undefined` if there is no such file.
 */
export const get = async (file: string): Promise<StoredBlob | undefined> => {
  const fd = await BlobFs.ifExists(BlobFs.open(file, "r"))
  if (fd === undefined) return undefined
  try {
    const { header, total, size, probe } = await readHeader(fd, file)
    const body = new Uint8Array(size - total)
    const inProbe = probe.subarray(total)
    body.set(inProbe)
    const rest = body.subarray(inProbe.length)
    if (await BlobFs.readFully(fd, rest, total + inProbe.length) !== rest.length) {
      throw new DamagedBlob(`the blob file ${file} is truncated or not a blob`)
    }
    return { ...header, body }
  } finally {
    await BlobFs.close(fd)
  }
}

export const head = async (file: string): Promise<(Header & { readonly size: number }) | undefined> => {
  const fd = await BlobFs.ifExists(BlobFs.open(file, "r"))
  if (fd === undefined) return undefined
  try {
    const { header, total, size } = await readHeader(fd, file)
    return { ...header, size: size - total }
  } finally {
    await BlobFs.close(fd)
  }
}

/** The header from the file's first bytes (one read unless the header is large), and those bytes. */
const readHeader = async (fd: number, file: string) => {
  const { size } = await BlobFs.fstat(fd)
  let probe = new Uint8Array(Math.min(size, HEAD_PROBE))
  probe = probe.subarray(0, await BlobFs.readFully(fd, probe, 0))
  const total = headerLength(probe)
  if (total === undefined || total > size) throw new DamagedBlob(`the blob file ${file} is truncated or not a blob`)
  if (total > probe.length) {
    probe = new Uint8Array(total)
    if (await BlobFs.readFully(fd, probe, 0) !== total) throw new DamagedBlob(`the blob file ${file} is truncated`)
  }
  return { header: decodeHeader(probe.subarray(0, total), file), total, size, probe }
}

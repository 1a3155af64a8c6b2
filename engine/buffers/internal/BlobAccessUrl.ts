// Local access URLs, shaped like Tyger's local data-plane SAS (`sv`, `sp`, `st`, `se`, `sig`) but signed with
// HMAC-SHA256 under a per-data-directory secret instead of an RSA key: the signer and the verifier are the same
// data directory, so a shared secret is enough, and a URL from another data directory fails verification.
import { Buffer } from "node:buffer"
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as BlobFs from "./BlobFs.ts"

export const SIGNATURE_VERSION = "0.1.0"

export type Access = "read" | "write"

/** Tyger's blob-level permissions: `r` to read, `cr` to read and create. */
const permissions: Record<Access, string> = { read: "r", write: "cr" }

export interface Grant {
  readonly containerId: string
  readonly access: Access
  /** Unix seconds. */
  readonly start: number
  readonly expiry: number
}

/** Tyger's `yyyy-MM-ddTHH:mm:ssZ`. */
const formatTime = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")

const parseTime = (text: string): number | undefined => {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(text)) return undefined
  const millis = Date.parse(text)
  return Number.isNaN(millis) ? undefined : millis / 1000
}

const stringToSign = (grant: Grant): string =>
  [SIGNATURE_VERSION, grant.containerId, permissions[grant.access], formatTime(grant.start), formatTime(grant.expiry)]
    .join("\n")

const sign = (key: Uint8Array, grant: Grant): string =>
  createHmac("sha256", key).update(stringToSign(grant)).digest("base64")

/** The SAS query of a grant (`sv`, `sp`, `st`, `se`, `sig`), without its `?`. */
export const query = (key: Uint8Array, grant: Grant): string =>
  new URLSearchParams({
    sv: SIGNATURE_VERSION,
    sp: permissions[grant.access],
    st: formatTime(grant.start),
    se: formatTime(grant.expiry),
    sig: sign(key, grant)
  }).toString()

export const format = (key: Uint8Array, containerDir: string, grant: Grant): string => {
  const url = pathToFileURL(containerDir)
  url.search = query(key, grant)
  return url.href
}

export type Verified =
  | { readonly _tag: "Granted"; readonly grant: Grant }
  | { readonly _tag: "Rejected"; readonly detail: string }

const rejected = (detail: string): Verified => ({ _tag: "Rejected", detail })

/** Checks the URL's shape and signature (not its validity period: that is checked at each use, as Azure does). */
export const verify = (key: Uint8Array, url: string): Verified => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return rejected("not a URL")
  }
  if (parsed.protocol !== "file:") return rejected("not a local buffer access URL")
  return verifyQuery(key, Path.basename(fileURLToPath(parsed)), parsed.searchParams)
}

/** Checks a SAS query signed for `containerId` (its shape and signature, not its validity period). */
export const verifyQuery = (key: Uint8Array, containerId: string, query: URLSearchParams): Verified => {
  const [sv, sp, st, se, sig] = ["sv", "sp", "st", "se", "sig"].map((name) => query.get(name) ?? undefined)
  if (sv !== SIGNATURE_VERSION) return rejected(`unsupported signature version '${sv ?? ""}'`)
  const access = sp === "r" ? "read" : sp === "cr" ? "write" : undefined
  const start = st === undefined ? undefined : parseTime(st)
  const expiry = se === undefined ? undefined : parseTime(se)
  if (access === undefined || start === undefined || expiry === undefined || sig === undefined) {
    return rejected("the URL lacks a valid permission, start, expiry or signature")
  }
  const grant: Grant = { containerId, access, start, expiry }
  const expected = Buffer.from(sign(key, grant), "base64")
  const given = Buffer.from(sig, "base64")
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return rejected("signature mismatch")
  }
  return { _tag: "Granted", grant }
}

/** `undefined` while `nowSeconds` lies within the grant's validity period, else why not. */
export const checkPeriod = (grant: Grant, nowSeconds: number): string | undefined =>
  nowSeconds < grant.start
    ? "the access URL is not valid yet"
    : nowSeconds > grant.expiry
    ? "the access URL has expired"
    : undefined

/**
 * The data directory's signing key: 32 random bytes, hex, in a 0600 file created on first use. Racing processes
 * each write a candidate and `link()` it into place; the losers read the winner's key.
 */
export const loadKey = async (file: string): Promise<Uint8Array> => {
  const existing = await BlobFs.ifExists(BlobFs.readFile(file))
  if (existing !== undefined) return decodeKey(existing, file)
  await BlobFs.mkdir(Path.dirname(file), { recursive: true, mode: 0o700 })
  const candidate = `${file}.~${randomBytes(8).toString("hex")}`
  const fd = await BlobFs.open(candidate, "wx", 0o600)
  try {
    await BlobFs.writeFully(fd, new TextEncoder().encode(`${randomBytes(32).toString("hex")}\n`), 0)
    await BlobFs.fsync(fd)
  } finally {
    await BlobFs.close(fd)
  }
  try {
    await BlobFs.link(candidate, file)
  } catch (error) {
    if (BlobFs.errno(error) !== "EEXIST") throw error
  } finally {
    await BlobFs.ignoreErrors(BlobFs.unlink(candidate))
  }
  return decodeKey(await BlobFs.readFile(file), file)
}

const decodeKey = (bytes: Uint8Array, file: string): Uint8Array => {
  const text = new TextDecoder().decode(bytes).trim()
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`the access key file ${file} is damaged; delete it to make a new key`)
  }
  return Buffer.from(text, "hex")
}

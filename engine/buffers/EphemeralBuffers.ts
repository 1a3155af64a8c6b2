// Tyger's ephemeral buffers (`_` as a buffer argument; Docker only): owned by one run, never stored, never listed,
// readable once and only while the run is active. The bytes go from the writer to the run's pipe and from the pipe to
// the reader, through the run's monitor: a relay (EphemeralRelay) listening on a unix socket whose path the buffer's
// id determines. Ids, socket paths and access URLs are Tyger's shapes: `temp-<uid>` until the run has an id, then
// `run-<runId>-temp-<uid>`; `http+unix://<socket>:?<SAS>&relay=true`, the SAS signed over the bare `<uid>` (here with
// the data directory's key, like the local buffers' URLs).
import { Buffer } from "node:buffer"
import { createHash } from "node:crypto"
import * as Os from "node:os"
import * as Path from "node:path"
import { makeId } from "../store/BufferRecord.ts"
import * as AccessUrl from "./internal/BlobAccessUrl.ts"
import { keyFile } from "./LocalBlobStore.ts"

const QUALIFIED = /^run-(\d+)-temp-(\w+)$/
const UNQUALIFIED = /^temp-(\w+)$/

/** A new ephemeral buffer's id before its run exists (Tyger's `temp-<uniqueId>`). */
export const temporaryId = (): string => `temp-${makeId()}`

/** `temp-<uid>` as the run `runId` owns it; other ids unchanged. */
export const qualify = (id: string, runId: number): string => (UNQUALIFIED.test(id) ? `run-${runId}-${id}` : id)

/** Whether `id` names an ephemeral buffer (qualified or not). */
export const isEphemeral = (id: string): boolean => QUALIFIED.test(id) || UNQUALIFIED.test(id)

/** The run and the unique id of a qualified ephemeral buffer id. */
export const parse = (id: string): { readonly runId: number; readonly uid: string } | undefined => {
  const match = QUALIFIED.exec(id)
  return match === null ? undefined : { runId: Number(match[1]), uid: match[2]! }
}

/** A unix socket's path must fit `sockaddr_un` (108 bytes on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 100

/**
 * Where the relay of ephemeral buffer `uid` listens: `<dataDir>/ephemeral/<uid>` (Tyger's `<install>/ephemeral/<uid>`),
 * or, when that path is too long for a socket, a directory under the temporary directory named after the data
 * directory (both created 0700 by the relay).
 */
export const socketPath = (dataDir: string, uid: string): string => {
  const preferred = Path.join(Path.resolve(dataDir), "ephemeral", uid)
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH) return preferred
  const tag = createHash("sha256").update(Path.resolve(dataDir)).digest("hex").slice(0, 16)
  return Path.join(Os.tmpdir(), `tyger-ts-${tag}`, uid)
}

/** The data directory's signing key (the local buffers' key). */
export const signingKey = (dataDir: string): Promise<Uint8Array> => AccessUrl.loadKey(keyFile(dataDir))

/** Tyger's relay access URL for ephemeral buffer `uid`, valid `ttlSeconds` from now. */
export const accessUrl = (key: Uint8Array, socket: string, uid: string, access: AccessUrl.Access, ttlSeconds: number): string => {
  const start = Math.floor(Date.now() / 1000)
  const query = AccessUrl.query(key, { containerId: uid, access, start, expiry: start + Math.max(0, Math.floor(ttlSeconds)) })
  return `http+unix://${encodeURI(socket)}:?${query}&relay=true`
}

/** The socket and SAS query of a relay access URL, or undefined for any other URL. */
export const parseUrl = (url: string): { readonly socket: string; readonly query: URLSearchParams } | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== "http+unix:" || parsed.searchParams.get("relay") !== "true") return undefined
  const path = decodeURI(parsed.pathname)
  if (!path.endsWith(":") || path.length < 2) return undefined
  return { socket: path.slice(0, -1), query: parsed.searchParams }
}

/** Why a relay request with `query` may not `access` ephemeral buffer `uid` now, or undefined if it may. */
export const refusal = (key: Uint8Array, uid: string, query: URLSearchParams, access: AccessUrl.Access): string | undefined => {
  const verified = AccessUrl.verifyQuery(key, uid, query)
  if (verified._tag === "Rejected") return verified.detail
  if (access === "write" && verified.grant.access !== "write") return "the access URL does not allow writing"
  return AccessUrl.checkPeriod(verified.grant, Math.floor(Date.now() / 1000))
}

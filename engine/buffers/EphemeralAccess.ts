// The client side of ephemeral buffers for Buffers: access URLs for a run's `run-<id>-temp-<uid>` buffers, and
// containers for relay URLs whose transfers go through the run's relay instead of blobs.
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import type { RunRecord } from "../store/RunRecord.ts"
import type { Store } from "../store/Store.ts"
import { type Access, BlobStoreError, type Container } from "./BlobStore.ts"
import { BufferDataError } from "./BufferDataError.ts"
import { closingSink } from "./BufferReader.ts"
import type { ByteSink, ByteSource } from "./ByteStream.ts"
import * as EphemeralBuffers from "./EphemeralBuffers.ts"
import * as EphemeralRelay from "./EphemeralRelay.ts"

const TERMINAL: ReadonlySet<RunRecord["status"]> = new Set(["Succeeded", "Failed", "Canceled"])

/**
 * A relay URL for ephemeral buffer `id` while its run is active; `NotFound` once the run has ended (or for an id no
 * run owns), as Tyger answers when the relay's container is gone; `undefined` when `id` is not ephemeral.
 */
export const accessUrl = (store: Store["Service"], id: string, write: boolean, ttlSeconds: number) =>
  Effect.gen(function*() {
    const owner = EphemeralBuffers.parse(id)
    if (owner === undefined) return EphemeralBuffers.isEphemeral(id) ? ("NotFound" as const) : undefined
    const run = yield* store.getRun(owner.runId).pipe(Effect.option)
    if (run._tag === "None" || run.value.final || TERMINAL.has(run.value.status)) return "NotFound" as const
    if (!Object.values(run.value.buffers).includes(id)) return "NotFound" as const
    const socket = EphemeralBuffers.socketPath(store.dataDir, owner.uid)
    const present = yield* Effect.promise(() => Fs.lstat(socket).then(() => true, () => false))
    if (!present) return "NotFound" as const
    const key = yield* Effect.tryPromise({
      try: () => EphemeralBuffers.signingKey(store.dataDir),
      catch: (cause) => new BlobStoreError({ reason: "Io", message: `loading the buffer access key: ${String(cause)}`, cause })
    })
    return EphemeralBuffers.accessUrl(key, socket, owner.uid, write ? "write" : "read", ttlSeconds)
  })

const noBlobs = Effect.fail(new BlobStoreError({ reason: "Io", message: "an ephemeral buffer has no blobs" }))

/** A container standing for a relay URL (`relay` set), or undefined for any other URL. */
export const container = (url: string, access: Access): Container | undefined => {
  const parsed = EphemeralBuffers.parseUrl(url)
  if (parsed === undefined) return undefined
  return { id: "", write: access === "write", relay: url, putBlob: () => noBlobs, getBlob: () => noBlobs, headBlob: () => noBlobs }
}

const failure = (cause: unknown) =>
  new BufferDataError({ reason: "StorageFailed", message: cause instanceof Error ? cause.message : String(cause), cause })

/** `source` into the ephemeral input behind `relay` (Tyger's relayWrite). */
export const write = (relay: string, source: ByteSource, onProgress?: (bytes: number) => void) =>
  Effect.tryPromise({ try: () => EphemeralRelay.write(relay, source, onProgress), catch: failure })

/** The ephemeral output behind `relay` into `sink` (Tyger's readRelay), then the sink closed as a blob read's is. */
export const read = (relay: string, sink: ByteSink, onProgress?: (bytes: number) => void) =>
  closingSink(sink, Effect.tryPromise({ try: () => EphemeralRelay.read(relay, sink, onProgress), catch: failure }))

/** Makes the relay's socket path exist before the run's monitor listens there (Tyger's placeholder file): clients
 *  that come early find it and wait for the relay instead of being told it does not exist. */
export const reserve = (dataDir: string, id: string): Promise<void> => {
  const owner = EphemeralBuffers.parse(id)
  if (owner === undefined) return Promise.resolve()
  const socket = EphemeralBuffers.socketPath(dataDir, owner.uid)
  return Fs.mkdir(Path.dirname(socket), { recursive: true, mode: 0o700 })
    .then(() => Fs.writeFile(socket, "", { mode: 0o600, flag: "wx" }))
    .catch(() => undefined)
}

/** Removes what a run's relays left (a monitor that died keeps its socket). */
export const release = (dataDir: string, id: string): Promise<void> => {
  const owner = EphemeralBuffers.parse(id)
  return owner === undefined ? Promise.resolve() : Fs.rm(EphemeralBuffers.socketPath(dataDir, owner.uid), { force: true })
}

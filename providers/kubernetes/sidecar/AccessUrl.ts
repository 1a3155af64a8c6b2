import { Clock, Duration, Effect, Semaphore } from "effect"
import * as FsP from "node:fs/promises"
import * as AzureBackend from "../../../engine/buffers/AzureBackend.ts"
import { type Access, BlobStore, BlobStoreError, type Container } from "../../../engine/buffers/BlobStore.ts"
import * as LocalBlobStore from "../../../engine/buffers/LocalBlobStore.ts"
import { UNBOUND_PREFIX } from "../Contract.ts"
import * as AmbientCredential from "./AmbientCredential.ts"
import type { Env } from "./MainWatch.ts"
import { messageOf } from "./SidecarError.ts"

/**
 * The buffer a sidecar moves bytes to or from, from the access URL in `--url-file` (a key of the run's Secret,
 * mounted in the pod): a placeholder until the run's buffers are bound, replaced by kubelet when it changes. A URL
 * with a SAS carries its own grant; a bare container URL (the ones `tyger buffer provision` writes) is reached with
 * the credentials in the environment (AmbientCredential.ts).
 */

/** While the file holds a placeholder, and while a refused URL is not replaced, it is re-read this often. */
const REREAD = Duration.seconds(2)
/** How long a refused (expired) URL may take to be replaced: kubelet refreshes Secret volumes within ~1-2 min. */
const REFRESH_WAIT_MILLIS = 180_000

const storeError = (reason: BlobStoreError["reason"], message: string) => new BlobStoreError({ reason, message })

const readUrlFile = (file: string) =>
  Effect.tryPromise({
    try: () => FsP.readFile(file, "utf8"),
    catch: (cause) => storeError("Io", `unable to read URL string from file ${file}: ${messageOf(cause)}`)
  }).pipe(Effect.map((text) => text.trim()))

export type Open = (url: string) => Effect.Effect<Container, BlobStoreError>

/**
 * A container URL without a SAS (`https://acct.blob.core.windows.net/<id>`, path-style `http://127.0.0.1:10000/acct/<id>`)
 * as the engine's Azure store for the account endpoint (the URL without its last segment) with the environment's
 * credentials (AmbientCredential.ts), and the container's id. No credentials fail at once: no new URL cures that.
 */
const ambientContainer = (url: string, env: Env, access: Access, stores: Map<string, BlobStore["Service"]>) =>
  Effect.gen(function*() {
    const parsed = yield* Effect.try({ try: () => new URL(url), catch: () => storeError("Io", "Invalid access URL: not a URL") })
    const segments = parsed.pathname.split("/").filter((segment) => segment !== "")
    const id = segments.length === 0 ? undefined : decodeURIComponent(segments[segments.length - 1]!)
    if (id === undefined) return yield* storeError("Io", "Invalid access URL: it names no container")
    const endpoint = new URL(`${parsed.origin}/${segments.slice(0, -1).join("/")}`)
    let store = stores.get(endpoint.href)
    if (store === undefined) {
      const found = AmbientCredential.fromEnv(env, endpoint)
      if ("problem" in found) return yield* storeError("Io", `Invalid access URL: it carries no SAS signature (sig), and ${found.problem}`)
      const { ambient } = found
      // Shown nowhere (the store's `location` names a buffer's location in `buffer show`).
      const location = "kubernetes"
      store = yield* Effect.provide(
        Effect.gen(function*() {
          return yield* BlobStore
        }),
        AzureBackend.layer(
          ambient._tag === "SharedKey"
            ? { connectionString: AmbientCredential.connectionString(endpoint, ambient.accountName, ambient.accountKey), location }
            : { accountUrl: endpoint.href.replace(/\/+$/, ""), credential: ambient.credential, location }
        )
      )
      stores.set(endpoint.href, store)
    }
    const container = yield* store.container(id, access)
    // A refusal of the environment's credentials is no expired SAS: no new URL in the file cures it, so it fails now
    // rather than after REFRESH_WAIT.
    const refused = <A>(operation: Effect.Effect<A, BlobStoreError>) =>
      Effect.mapError(operation, (error) =>
        error.reason !== "AuthenticationFailed" ? error : new BlobStoreError({
          reason: "Io",
          message: `the storage account refused the credentials from the environment: ${error.message}`,
          cause: error
        }))
    return {
      ...container,
      putBlob: (path, body, options) => refused(container.putBlob(path, body, options)),
      getBlob: (path) => refused(container.getBlob(path)),
      headBlob: (path) => refused(container.headBlob(path))
    } satisfies Container
  })

/**
 * file:// URLs are the local backend's (verified with the data directory's key); http(s) ones Azure SAS URLs, or
 * container URLs accessed with the credentials in `env` for `access` (a sidecar's output writes, its input reads).
 */
export const opener = (dataDir: string | undefined, env: Env, access: Access): Open => {
  let local: ReturnType<typeof LocalBlobStore.make> | undefined
  const stores = new Map<string, BlobStore["Service"]>()
  return (url) => {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase()
    if (scheme === "file") {
      if (dataDir === undefined) {
        return Effect.fail(storeError("Io", "a file:// access URL needs its data directory (--data-dir or TYGER_TS_DATA_DIR)"))
      }
      return (local ??= LocalBlobStore.make({ dataDir })).fromUrl(url)
    }
    // Refusals that no refreshed URL can cure fail at once (reason Io); AuthenticationFailed waits for a new URL.
    if (scheme !== "http" && scheme !== "https") return Effect.fail(storeError("Io", "Invalid access URL: not a file:// or http(s):// URL"))
    if (!/[?&]sig=/.test(url)) return ambientContainer(url, env, access, stores)
    return Effect.flatMap(AzureBackend.load, (Azure) => Azure.containerFromUrl(url))
  }
}

/** Whether `file` still holds a placeholder: the buffer's URL is not known yet. */
export const unbound = (file: string) => Effect.map(readUrlFile(file), (url) => url.startsWith(UNBOUND_PREFIX) ? url : undefined)

const refusedUrl = (file: string, refused: BlobStoreError) =>
  Effect.logWarning(`The access URL in ${file} was refused (${refused.message}); waiting for a new one`)

/**
 * The file's URL, opened: waits (without limit: the Job's deadline bounds it) while the file holds a placeholder, and
 * for up to REFRESH_WAIT while it still holds `stale` or a URL the backend refuses.
 */
const openFromFile = (file: string, open: Open, stale: string | undefined) =>
  Effect.gen(function*() {
    const giveUp = (yield* Clock.currentTimeMillis) + REFRESH_WAIT_MILLIS
    let avoid = stale
    let waitingFor: string | undefined
    let refused: BlobStoreError | undefined
    for (;;) {
      const url = yield* readUrlFile(file)
      const placeholder = url.startsWith(UNBOUND_PREFIX)
      if (placeholder || url === avoid) {
        if (placeholder && waitingFor !== url) {
          yield* Effect.logInfo(`Waiting for the access URL: ${file} holds '${(waitingFor = url)}'`)
        }
        if (!placeholder && (yield* Clock.currentTimeMillis) > giveUp) return yield* refused ?? storeError("AuthenticationFailed", "")
        yield* Effect.sleep(REREAD)
        continue
      }
      const opened = yield* Effect.result(open(url))
      if (opened._tag === "Success") return { url, container: opened.success }
      if (opened.failure.reason !== "AuthenticationFailed") return yield* opened.failure
      yield* refusedUrl(file, (refused = opened.failure))
      avoid = url
    }
  })

/**
 * A container that re-reads the URL file when the backend refuses the URL (an expired SAS: Kubernetes refreshes the
 * mounted Secret, as Tyger's server renews it at 70 % of its lifetime) and retries the operation with the new one.
 * Concurrent operations refused together share one refresh.
 */
export const refreshing = (file: string, open: Open) =>
  Effect.gen(function*() {
    let state = { ...(yield* openFromFile(file, open, undefined)), generation: 0 }
    const lock = yield* Semaphore.make(1)
    const refresh = (seen: number, refused: BlobStoreError) =>
      lock.withPermits(1)(Effect.suspend(() =>
        state.generation !== seen ? Effect.void : refusedUrl(file, refused).pipe(
          Effect.andThen(openFromFile(file, open, state.url)),
          Effect.map((next) => void (state = { ...next, generation: seen + 1 }))
        )
      ))
    const retried = <A>(use: (container: Container) => Effect.Effect<A, BlobStoreError>) =>
      Effect.gen(function*() {
        for (let attempt = 0;; attempt++) {
          const { container, generation } = state
          const result = yield* Effect.result(use(container))
          if (result._tag === "Success") return result.success
          if (result.failure.reason !== "AuthenticationFailed" || attempt >= 5) return yield* result.failure
          yield* refresh(generation, result.failure)
        }
      })
    return {
      id: state.container.id,
      write: state.container.write,
      putBlob: (path, body, options) => retried((c) => c.putBlob(path, body, options)),
      getBlob: (path) => retried((c) => c.getBlob(path)),
      headBlob: (path) => retried((c) => c.headBlob(path))
    } satisfies Container
  })

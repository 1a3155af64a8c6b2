import { Clock, Effect, Layer } from "effect"
import * as Path from "node:path"
import * as BlobStore from "./BlobStore.ts"
import * as AccessUrl from "./internal/BlobAccessUrl.ts"
import * as BlobDigest from "./internal/BlobDigest.ts"
import * as BlobFile from "./internal/BlobFile.ts"
import * as BlobFs from "./internal/BlobFs.ts"
import { settled } from "./internal/BlobPromise.ts"

/**
 * The embedded default backend: `<dataDir>/buffers/<id>/` per buffer, each blob a file at its blob path (`00/000`)
 * holding Content-MD5, metadata and body together (see internal/blobFile.ts for why puts are atomic and write-once).
 */
export interface Options {
  readonly dataDir: string
  /**
   * fsync every blob and its directory before a put returns. Off by default: visibility is atomic either way, and
   * after a machine crash a lost or torn blob is detected (missing, damaged, or failing its MD5) rather than read
   * as data, while fsync per 4 MiB blob halves write throughput on the disks measured (bench/README.md).
   */
  readonly durable?: boolean
}

export const LOCATION = "local"

export const buffersDir = (dataDir: string): string => Path.join(dataDir, "buffers")
export const keyFile = (dataDir: string): string => Path.join(buffersDir(dataDir), ".access-key")

// Azure's container-name rule: it keeps ids safe as single path segments and portable between backends.
const containerIdPattern = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/
// Segments like `00`, `FFF`, `.bufferstart`; never `..` or the store's `.~…` temporaries.
const blobSegmentPattern = /^\.?[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/

const fail = (reason: BlobStore.Reason, message: string, cause?: unknown) =>
  new BlobStore.BlobStoreError(cause === undefined ? { reason, message } : { reason, message, cause })

const ioError = (action: string) => (cause: unknown): BlobStore.BlobStoreError =>
  cause instanceof BlobStore.BlobStoreError
    ? cause
    : cause instanceof BlobFile.DamagedBlob
    ? fail("Io", cause.message, cause)
    : fail("Io", `${action}: ${BlobFs.describe(cause)}`, cause)

export const make = (options: Options): BlobStore.BlobStore["Service"] => {
  const root = buffersDir(options.dataDir)
  const durable = options.durable ?? false
  let key: Promise<Uint8Array> | undefined
  const signingKey = () =>
    settled(
      () => (key ??= AccessUrl.loadKey(keyFile(options.dataDir)).catch((error: unknown) => {
        key = undefined
        throw error
      })),
      ioError("loading the buffer access key")
    )

  const containerDir = (id: string): Effect.Effect<string, BlobStore.BlobStoreError> =>
    containerIdPattern.test(id)
      ? Effect.succeed(Path.join(root, id))
      : Effect.fail(fail("ContainerNotFound", `'${id}' is not a valid buffer container name`))

  const missing = async (dir: string, id: string, blob: string): Promise<BlobStore.BlobStoreError> =>
    (await BlobFs.ifExists(BlobFs.stat(dir))) === undefined
      ? fail("ContainerNotFound", `the container '${id}' does not exist`)
      : fail("BlobNotFound", `the blob '${blob}' does not exist in container '${id}'`)

  const makeContainer = (
    id: string,
    dir: string,
    write: boolean,
    /** Fails when a URL-derived container is used outside the URL's validity period. */
    checkAccess: Effect.Effect<void, BlobStore.BlobStoreError>
  ): BlobStore.Container => {
    // Directories this container has created or seen, so a put usually costs no mkdir.
    const knownDirs = new Set<string>()

    const blobFile = (blob: string): Effect.Effect<string, BlobStore.BlobStoreError> =>
      blob.split("/").every((segment) => blobSegmentPattern.test(segment))
        ? Effect.succeed(Path.join(dir, blob))
        : Effect.fail(fail("BlobNotFound", `'${blob}' is not a valid blob path`))

    const ensureParents = async (blob: string): Promise<void> => {
      const segments = blob.split("/").slice(0, -1)
      for (let i = 1; i <= segments.length; i++) {
        const relative = segments.slice(0, i).join("/")
        if (knownDirs.has(relative)) continue
        try {
          await BlobFs.mkdir(Path.join(dir, relative), { mode: 0o700 })
        } catch (error) {
          // ENOENT: the container itself is gone; a recursive mkdir would silently recreate it.
          if (BlobFs.errno(error) === "ENOENT") throw await missing(dir, id, blob)
          if (BlobFs.errno(error) !== "EEXIST") throw error
        }
        knownDirs.add(relative)
      }
    }

    const putBlob = Effect.fn("LocalBlobStore.putBlob")(
      function*(blob: string, body: Uint8Array, putOptions: Parameters<BlobStore.Container["putBlob"]>[2]) {
        yield* checkAccess
        if (!write) return yield* fail("PermissionDenied", "the access URL does not allow write access")
        const file = yield* blobFile(blob)
        if (BlobDigest.knownMd5(body) !== putOptions.contentMd5) {
          return yield* fail("Md5Mismatch", `the body of '${blob}' does not match its Content-MD5`)
        }
        const header = { contentMd5: putOptions.contentMd5, metadata: putOptions.metadata ?? {} }
        const created = yield* settled(async (signal) => {
          await ensureParents(blob)
          try {
            return await BlobFile.put(file, header, body, { durable, signal })
          } catch (error) {
            if (BlobFs.errno(error) === "ENOENT") throw await missing(dir, id, blob)
            throw error
          }
        }, ioError(`writing blob '${blob}' of container '${id}'`))
        if (!created) return yield* fail("BlobExists", `the blob '${blob}' already exists in container '${id}'`)
      }
    )

    const getBlob = Effect.fn("LocalBlobStore.getBlob")(function*(blob: string) {
        yield* checkAccess
        const file = yield* blobFile(blob)
        const stored = yield* settled(async () => {
          const found = await BlobFile.get(file)
          if (found === undefined) throw await missing(dir, id, blob)
          return found
        }, ioError(`reading blob '${blob}' of container '${id}'`))
        return { ...stored, size: stored.body.length } satisfies BlobStore.Blob
    })

    const headBlob = Effect.fn("LocalBlobStore.headBlob")(function*(blob: string) {
        yield* checkAccess
        const file = yield* blobFile(blob)
        return yield* settled(async () => {
          const found = await BlobFile.head(file)
          if (found === undefined) throw await missing(dir, id, blob)
          return found
        }, ioError(`reading blob '${blob}' of container '${id}'`))
    })

    return { id, write, putBlob, getBlob, headBlob }
  }

  // `buffers/` private to this user hides every buffer inside, whatever older versions created them with: checked
  // (and made so) once per process.
  let rootChecked = false
  const privateRoot = async () => {
    if (rootChecked) return
    rootChecked = true
    const stats = await BlobFs.stat(root)
    if ((stats.mode & 0o077) !== 0) await BlobFs.ignoreErrors(BlobFs.chmod(root, 0o700))
  }

  const createContainer = Effect.fn("LocalBlobStore.createContainer")(function*(id: string) {
    const dir = yield* containerDir(id)
    yield* settled(async () => {
      await BlobFs.mkdir(root, { recursive: true, mode: 0o700 })
      await privateRoot()
      try {
        await BlobFs.mkdir(dir, { mode: 0o700 })
      } catch (error) {
        if (BlobFs.errno(error) !== "EEXIST") throw error
      }
    }, ioError(`creating container '${id}'`))
  })

  const deleteContainer = Effect.fn("LocalBlobStore.deleteContainer")(function*(id: string) {
    const dir = yield* containerDir(id)
    yield* settled(async () => {
      try {
        await BlobFs.rm(dir)
      } catch (error) {
        if (BlobFs.errno(error) === "ENOENT") throw fail("ContainerNotFound", `the container '${id}' does not exist`)
        throw error
      }
    }, ioError(`deleting container '${id}'`))
  })

  const container = Effect.fn("LocalBlobStore.container")(function*(id: string, access: BlobStore.Access) {
    return makeContainer(id, yield* containerDir(id), access === "write", Effect.void)
  })

  const nowSeconds = Effect.map(Clock.currentTimeMillis, (millis) => Math.floor(millis / 1000))

  const accessUrl = Effect.fn("LocalBlobStore.accessUrl")(
    function*(id: string, access: BlobStore.Access, ttlSeconds: number) {
      const dir = yield* containerDir(id)
      const start = yield* nowSeconds
      return AccessUrl.format(yield* signingKey(), dir, {
        containerId: id,
        access,
        start,
        expiry: start + Math.max(0, Math.floor(ttlSeconds))
      })
    }
  )

  const fromUrl = Effect.fn("LocalBlobStore.fromUrl")(function*(url: string) {
    const verified = AccessUrl.verify(yield* signingKey(), url)
    if (verified._tag === "Rejected") return yield* fail("AuthenticationFailed", verified.detail)
    const { grant } = verified
    // The container is looked up in this data directory whatever path the URL names: the key identifies the data
    // directory, so a URL issued on the host still works where the directory is mounted at another path.
    const dir = yield* containerDir(grant.containerId).pipe(
      Effect.mapError(() => fail("AuthenticationFailed", "the access URL names no valid container"))
    )
    const checkAccess = Effect.flatMap(nowSeconds, (now) => {
      const problem = AccessUrl.checkPeriod(grant, now)
      return problem === undefined ? Effect.void : Effect.fail(fail("AuthenticationFailed", problem))
    })
    yield* checkAccess
    return makeContainer(grant.containerId, dir, grant.access === "write", checkAccess)
  })

  const discardTemporaries = (id: string) =>
    Effect.flatMap(containerDir(id), (dir) => settled(() => BlobFile.discardTemporaries(dir), ioError(`cleaning container '${id}'`)))
      .pipe(Effect.ignore)

  return { location: LOCATION, createContainer, deleteContainer, container, accessUrl, fromUrl, discardTemporaries }
}

export const layer = (options: Options): Layer.Layer<BlobStore.BlobStore> =>
  Layer.succeed(BlobStore.BlobStore, make(options))

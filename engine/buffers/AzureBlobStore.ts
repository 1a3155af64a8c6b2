import {
  AnonymousCredential,
  BlobServiceClient,
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  newPipeline,
  SASProtocol,
  StorageSharedKeyCredential
} from "@azure/storage-blob"
import type { BlockBlobUploadOptions, Pipeline, StoragePipelineOptions, UserDelegationKey } from "@azure/storage-blob"
import { Buffer } from "node:buffer"
import { Clock, Effect, Layer } from "effect"
import { BlobStore, type BlobStoreError } from "./BlobStore.ts"
import type { Access, Blob, BlobProperties, Container } from "./BlobStore.ts"
import { call, fail, TruncatedBody } from "./internal/AzureCalls.ts"

export { classify, TruncatedBody } from "./internal/AzureCalls.ts"

/**
 * Buffers in Azure Blob Storage, laid out as Tyger does: one container per buffer (named by the buffer id), access
 * through container SAS URLs with `r` (read) or `rc` (read + create) permissions. Works against real accounts and
 * Azurite alike; configuration is passed in by the composition root, never read from the environment here.
 */

/** An Entra ID (AAD) credential, as accepted by the SDK (`@azure/identity`'s classes satisfy it). */
export type TokenCredential = Exclude<
  Parameters<typeof newPipeline>[0],
  StorageSharedKeyCredential | AnonymousCredential | undefined
>

export type AzureBlobStoreConfig =
  & (
    /** `DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…` (Azurite, or an account key), or one with a SAS. */
    | { readonly connectionString: string }
    /** e.g. `https://acct.blob.core.windows.net`; a shared key or an Entra ID credential (user-delegation SAS). */
    | { readonly accountUrl: string; readonly credential: StorageSharedKeyCredential | TokenCredential }
  )
  & {
    /** Shown as each buffer's `location`, e.g. `eastus` (Azurite: whatever the caller calls it). */
    readonly location: string
    /** Overrides of the SDK pipeline defaults below (retries, proxy, keep-alive). */
    readonly pipeline?: StoragePipelineOptions
  }

/**
 * Few, quick SDK retries: the buffer reader and writer retry `Unavailable` themselves with Tyger's schedules, and a
 * refused connection should surface in seconds, not after the SDK's default ~30 s of backoff. The per-try timeout
 * bounds a hung connection; one request carries at most one block (≤ 4 MiB by default).
 */
const defaultPipeline: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 120_000 },
  keepAliveOptions: { enable: true }
}

const pipelineOptions = (overrides: StoragePipelineOptions | undefined): StoragePipelineOptions => ({
  ...defaultPipeline,
  ...overrides,
  retryOptions: { ...defaultPipeline.retryOptions, ...overrides?.retryOptions }
})

const toBase64 = (bytes: Uint8Array | undefined): string =>
  bytes === undefined ? "" : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")

/** Reads a whole (small) response body into one exactly-sized array. */
const readBody = async (stream: NodeJS.ReadableStream | undefined, length: number): Promise<Uint8Array> => {
  const body = new Uint8Array(length)
  let offset = 0
  if (stream !== undefined) {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk
      if (offset + bytes.byteLength > length) throw new TruncatedBody(`more than the announced ${length} bytes`)
      body.set(bytes, offset)
      offset += bytes.byteLength
    }
  }
  if (offset !== length) throw new TruncatedBody(`${offset} of the announced ${length} bytes`)
  return body
}

/** The part of an access URL that says what it grants: `sp` holds SAS permissions (`c`/`w` allow putting blobs). */
const grantsWrite = (url: URL): boolean => /[cw]/.test(url.searchParams.get("sp") ?? "")

/**
 * One container's blobs through `client`. `write` says what the caller was granted; with `enforceWrite` a put is
 * refused here (shared-key clients could write anything), otherwise the service decides (SAS URLs carry their own
 * permissions, so its answer is the authoritative one).
 */
const makeContainer = (client: ContainerClient, write: boolean, enforceWrite: boolean): Container => {
  const id = client.containerName
  const where = (path: string) => `blob '${path}' in container '${id}'`

  const headBlob = Effect.fn("AzureBlobStore.headBlob")(function*(path: string) {
    const props = yield* call(
      `Reading the properties of ${where(path)}`,
      (abortSignal) => client.getBlobClient(path).getProperties({ abortSignal })
    )
    return {
      contentMd5: toBase64(props.contentMD5),
      metadata: props.metadata ?? {},
      size: props.contentLength ?? 0
    } satisfies BlobProperties
  })

  const putBlob = Effect.fn("AzureBlobStore.putBlob")(function*(
    path: string,
    body: Uint8Array,
    options: Parameters<Container["putBlob"]>[2]
  ) {
    if (!write && enforceWrite) {
      return yield* fail("PermissionDenied", `Cannot write ${where(path)}: the container was opened for reading`)
    }
    const md5 = Buffer.from(options.contentMd5, "base64")
    const put = call(`Writing ${where(path)}`, (abortSignal) => {
      const upload: BlockBlobUploadOptions & { readonly transactionalContentMD5: Uint8Array } = {
        abortSignal,
        // Write-once: the service refuses the put if the blob exists, so of two racing writers exactly one wins.
        conditions: { ifNoneMatch: "*" },
        // Content-MD5 makes the service verify the body (400 Md5Mismatch); x-ms-blob-content-md5 stores the same
        // value as the blob's Content-MD5 property, which GET and HEAD return to the reader. The SDK sends
        // `transactionalContentMD5` only with the "Customized" checksum mode (its default), but omits it from the type.
        contentChecksumAlgorithm: "Customized",
        transactionalContentMD5: md5,
        blobHTTPHeaders: { blobContentMD5: md5 },
        metadata: { ...options.metadata }
      }
      return client.getBlockBlobClient(path).upload(body, body.byteLength, upload)
    })
    yield* put.pipe(
      Effect.catchIf(
        (error) => error.reason === "PermissionDenied" && write,
        // A create-only SAS (`rc`) may not overwrite: Azure answers 403 UnauthorizedBlobOverwrite, but Azurite answers
        // 403 AuthorizationPermissionMismatch. The grant includes create, so the refusal means the blob exists: check.
        (refused) =>
          headBlob(path).pipe(
            Effect.matchEffect({
              onSuccess: () => Effect.fail(fail("BlobExists", `Cannot write ${where(path)}: it already exists`)),
              onFailure: () => Effect.fail(refused)
            })
          )
      )
    )
  })

  const getBlob = Effect.fn("AzureBlobStore.getBlob")(function*(path: string) {
    // One GET for the whole blob (a block is ≤ 4 MiB); the body is read inside the same call so that a broken
    // connection fails (and is retried by the caller) like any other transient error.
    return yield* call(`Reading ${where(path)}`, async (abortSignal): Promise<Blob> => {
      const response = await client.getBlobClient(path).download(0, undefined, { abortSignal })
      const size = response.contentLength ?? 0
      return {
        body: await readBody(response.readableStreamBody, size),
        contentMd5: toBase64(response.contentMD5),
        metadata: response.metadata ?? {},
        size
      }
    })
  })

  return { id, write, putBlob, getBlob, headBlob }
}

/** A container client for a SAS URL; `AuthenticationFailed` for anything else (Tyger: `invalid access URL`). */
const parseAccessUrl = (url: string, pipeline: Pipeline): Effect.Effect<ContainerClient, BlobStoreError> =>
  Effect.suspend(() => {
    const invalid = (why: string) => Effect.fail(fail("AuthenticationFailed", `Invalid access URL: ${why}`))
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return invalid("not a URL")
    }
    if (!/^https?:$/.test(parsed.protocol)) return invalid(`unsupported scheme ${parsed.protocol}`)
    if (!parsed.searchParams.has("sig")) return invalid("it carries no SAS signature (sig)")
    const client = new ContainerClient(parsed.toString(), pipeline)
    // The SDK reads `/account/container` (IP hosts, Azurite) or `/container`, and yields "undefined" for neither; a
    // container URL ends with its container.
    const segments = parsed.pathname.split("/").filter((segment) => segment !== "")
    if (segments.length === 0 || decodeURIComponent(segments[segments.length - 1]!) !== client.containerName) {
      return invalid("it names no container")
    }
    return Effect.succeed(client)
  })

let anonymousPipeline: Pipeline | undefined

/**
 * The container a SAS URL grants, with no account configured (Tyger's `buffer read <SAS URL>` accepts any). `write`
 * is true when the SAS permissions (`sp`) include create or write.
 */
export const containerFromUrl = Effect.fn("AzureBlobStore.containerFromUrl")(function*(
  url: string,
  options?: { readonly pipeline?: StoragePipelineOptions }
) {
  // Clients for URLs share one pipeline (and so one keep-alive connection pool) unless options are given.
  const pipeline = options?.pipeline !== undefined
    ? newPipeline(new AnonymousCredential(), pipelineOptions(options.pipeline))
    : (anonymousPipeline ??= newPipeline(new AnonymousCredential(), pipelineOptions(undefined)))
  const client = yield* parseAccessUrl(url, pipeline)
  return makeContainer(client, grantsWrite(new URL(client.url)), false)
})

// Azure's container-name rule (3–63 lowercase letters, digits, single hyphens); Tyger's ids are 26 base32 chars.
const containerIdPattern = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/

/** User-delegation keys live up to 7 days; one is requested per day and reused for every SAS it can outlive. */
const delegationKeyLifetimeMillis = 24 * 3600_000

const make = Effect.fnUntraced(function*(config: AzureBlobStoreConfig) {
  const options = pipelineOptions(config.pipeline)
  const service = yield* Effect.try({
    try: () =>
      "connectionString" in config
        ? BlobServiceClient.fromConnectionString(config.connectionString, options)
        : new BlobServiceClient(config.accountUrl, newPipeline(config.credential, options)),
    catch: (cause) =>
      fail("Io", `Invalid Azure Blob Storage configuration: ${cause instanceof Error ? cause.message : cause}`, cause)
  })
  const serviceUrl = new URL(service.url)
  // Access URLs carry their own SAS: their requests must not also be signed with this account's credential.
  const urlPipeline = newPipeline(new AnonymousCredential(), options)
  const credential = service.credential
  // A container SAS is signed with the account key, or else with a user-delegation key obtained through Entra ID.
  const signing = credential instanceof StorageSharedKeyCredential
    ? "sharedKey" as const
    : credential instanceof AnonymousCredential
    ? "none" as const
    : "userDelegation" as const
  let delegationKey: { readonly key: UserDelegationKey; readonly expiresOn: number } | undefined

  const clients = new Map<string, ContainerClient>()
  const containerClient = (id: string): Effect.Effect<ContainerClient, BlobStoreError> => {
    // Checked here, as the local store does, so both backends answer a malformed id alike (not Azure's 400).
    if (!containerIdPattern.test(id)) {
      return Effect.fail(fail("ContainerNotFound", `'${id}' is not a valid buffer container name`))
    }
    let client = clients.get(id)
    if (client === undefined) {
      client = service.getContainerClient(id)
      // Bounded: a long-lived process touching many buffers must not keep every client forever.
      if (clients.size >= 1024) clients.clear()
      clients.set(id, client)
    }
    return Effect.succeed(client)
  }

  const createContainer = Effect.fn("AzureBlobStore.createContainer")(function*(id: string) {
    const client = yield* containerClient(id)
    // Idempotent, so a retried buffer creation does not fail on its own first attempt.
    yield* call(`Creating container '${id}'`, (abortSignal) => client.createIfNotExists({ abortSignal }))
  })

  const deleteContainer = Effect.fn("AzureBlobStore.deleteContainer")(function*(id: string) {
    const client = yield* containerClient(id)
    yield* call(`Deleting container '${id}'`, (abortSignal) => client.delete({ abortSignal }))
    clients.delete(id)
  })

  const container = Effect.fn("AzureBlobStore.container")(function*(id: string, access: Access) {
    return makeContainer(yield* containerClient(id), access === "write", true)
  })

  const userDelegationKey = (startsOn: Date, expiresOn: Date) =>
    Effect.gen(function*() {
      if (delegationKey !== undefined && delegationKey.expiresOn >= expiresOn.getTime()) return delegationKey.key
      const keyExpiresOn = new Date(Math.max(expiresOn.getTime(), startsOn.getTime() + delegationKeyLifetimeMillis))
      const response = yield* call(
        "Requesting a user delegation key",
        (abortSignal) => service.getUserDelegationKey(startsOn, keyExpiresOn, { abortSignal })
      )
      delegationKey = { key: response, expiresOn: keyExpiresOn.getTime() }
      return response
    })

  const accessUrl = Effect.fn("AzureBlobStore.accessUrl")(function*(id: string, access: Access, ttlSeconds: number) {
    const client = yield* containerClient(id)
    const now = yield* Clock.currentTimeMillis
    const values = {
      containerName: id,
      // Tyger's grants: read, or read + create (create-only: an existing blob can never be overwritten).
      permissions: ContainerSASPermissions.parse(access === "write" ? "rc" : "r"),
      startsOn: new Date(now),
      expiresOn: new Date(now + ttlSeconds * 1000),
      // Tyger's URLs are https-only; an http endpoint (Azurite) could not be reached with such a SAS at all.
      protocol: serviceUrl.protocol === "https:" ? SASProtocol.Https : SASProtocol.HttpsAndHttp
    }
    const sas = signing === "sharedKey"
      ? generateBlobSASQueryParameters(values, credential as StorageSharedKeyCredential)
      : signing === "userDelegation"
      ? generateBlobSASQueryParameters(
        values,
        yield* userDelegationKey(values.startsOn, values.expiresOn),
        service.accountName
      )
      : yield* fail(
        "PermissionDenied",
        "Cannot issue access URLs: the storage configuration has neither an account key nor an Entra ID credential"
      )
    return `${client.url}?${sas.toString()}`
  })

  const fromUrl = Effect.fn("AzureBlobStore.fromUrl")(function*(url: string) {
    const client = yield* parseAccessUrl(url, urlPipeline)
    const issued = new URL(client.url)
    if (issued.origin !== serviceUrl.origin || client.accountName !== service.accountName) {
      return yield* fail("AuthenticationFailed", `The access URL is not for storage account ${service.url}`)
    }
    return makeContainer(client, grantsWrite(issued), false)
  })

  return BlobStore.of({ location: config.location, createContainer, deleteContainer, container, accessUrl, fromUrl })
})

/** The Azure Blob Storage backend for buffers; fails only on an unusable configuration (e.g. a malformed string). */
export const layer = (config: AzureBlobStoreConfig): Layer.Layer<BlobStore, BlobStoreError> =>
  Layer.effect(BlobStore, make(config))

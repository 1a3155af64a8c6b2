import { Effect, Layer } from "effect"
import { type BlobStore, BlobStoreError } from "./BlobStore.ts"

type AzureModule = typeof import("./AzureBlobStore.ts")

/** What to install when the Azure SDK is missing: it is an optional peer of tyger-ts. */
export const MISSING_SDK =
  "The Azure buffer backend needs the optional package @azure/storage-blob: npm install @azure/storage-blob"

const isMissingSdk = (cause: unknown): boolean =>
  cause instanceof Error && /@azure\/storage-blob/.test(cause.message) &&
  /ERR_MODULE_NOT_FOUND|Cannot find (module|package)/i.test(`${(cause as { code?: unknown }).code} ${cause.message}`)

/**
 * The Azure Blob Storage backend, loaded on first use: its SDK costs more start-up time than the rest of the CLI, and
 * a user who keeps buffers on the local disk need not install it. A missing SDK fails with {@link MISSING_SDK}.
 */
export const load: Effect.Effect<AzureModule, BlobStoreError> = Effect.tryPromise({
  try: () => import("./AzureBlobStore.ts"),
  catch: (cause) => cause
}).pipe(
  Effect.catch((cause) =>
    isMissingSdk(cause)
      ? Effect.fail(new BlobStoreError({ reason: "MissingPackage", message: MISSING_SDK, cause }))
      : Effect.die(cause)
  )
)

/** The Azure backend as a layer (see AzureBlobStore.layer), its SDK loaded when the layer is built. */
export const layer = (config: Parameters<AzureModule["layer"]>[0]): Layer.Layer<BlobStore, BlobStoreError> =>
  Layer.unwrap(Effect.map(load, (Azure) => Azure.layer(config)))

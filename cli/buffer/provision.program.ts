import { Effect } from "effect"
import * as AzureBackend from "../../engine/buffers/AzureBackend.ts"
import * as Provision from "../../providers/kubernetes/sidecar/Provision.ts"
import type { Flags } from "../BaseCommand.ts"
import { CliIo } from "../CliIo.ts"
import type { BufferProvisionCommand } from "./provision.ts"

/**
 * Few, patient SDK retries: an init container that fails is restarted by kubelet anyway, but a throttled or briefly
 * unreachable account should not cost a restart; a hung connection is cut after a minute.
 */
const RETRIES = { maxTries: 5, retryDelayInMs: 500, maxRetryDelayInMs: 8_000, tryTimeoutInMs: 60_000 }

/**
 * Containers created with metadata through the Azure SDK, loaded only now (and, when it is missing, failing with the
 * engine's message naming it). It lives here because the provider may not load the SDK itself, and the engine's
 * BlobStore creates containers without metadata.
 */
const azure: Provision.Connect = (endpoint, ambient) =>
  Effect.gen(function*() {
    const storageError = (message: string, cause?: unknown) => new Provision.ProvisionError({ reason: "Storage", message, cause })
    const Azure = yield* AzureBackend.load.pipe(Effect.mapError((error) => storageError(error.message, error)))
    const Sdk = yield* Effect.tryPromise({ try: () => import("@azure/storage-blob"), catch: () => storageError(AzureBackend.MISSING_SDK) })
    const credential = ambient._tag === "SharedKey"
      ? new Sdk.StorageSharedKeyCredential(ambient.accountName, ambient.accountKey)
      : ambient.credential
    const pipeline = Sdk.newPipeline(credential, { retryOptions: RETRIES, keepAliveOptions: { enable: true } })
    return (id, metadata) =>
      Effect.tryPromise({
        try: (abortSignal) => new Sdk.ContainerClient(`${endpoint}/${id}`, pipeline).createIfNotExists({ metadata, abortSignal }),
        catch: (cause) => storageError(`Creating container '${id}' at ${endpoint}: ${Azure.classify(cause).detail}`, cause)
      }).pipe(Effect.map((response) => response.succeeded))
  })

/**
 * `tyger buffer provision`, the `create-buffers` init container of a Kubernetes job pod
 * (providers/kubernetes/sidecar/Provision.ts): one `PARAM ID` line per buffer on stdout; failures are `Error:` lines.
 */
export const provision = Effect.fn("buffer.provision")(function*(
  flags: Flags<BufferProvisionCommand>,
  where: Pick<Provision.ProvisionArgs, "env" | "cwd">
) {
  const provisioned = yield* Provision.run({ ...flags, ...where }, azure)
  const io = yield* CliIo
  yield* io.out(provisioned.map(({ parameter, id }) => `${parameter} ${id}\n`).join(""))
})

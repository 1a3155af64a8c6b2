import * as pulumi from "@pulumi/pulumi"
import type { BufferUrls } from "../providers/kubernetes/Options.ts"
import type { WorkflowArgs } from "../providers/kubernetes/WorkflowComponent.ts"

/** The stack's configuration (`pulumi config set tyger-ts:<key>`), read once at the program's root. */
export interface StackConfig {
  /** Which program of `programs.ts` this stack runs. @default the stack's name */
  readonly program: string
  /** @default "default" */
  readonly namespace: string
  /**
   * Required: this package's image for the helper containers (`providers/kubernetes/Contract.ts`), pullable by the
   * cluster, e.g. `registry.example/tyger-ts:0.1.0`. There is no default: no `tyger-ts` image is published anywhere.
   */
  readonly image: string
  /** Azure storage account holding the buffers: every buffer gets its container URL, created ones by the pods. */
  readonly storageAccount: string | undefined
  /** The account's blob endpoint. @default `https://<storageAccount>.blob.core.windows.net` */
  readonly blobEndpoint: string | undefined
  /** An existing Secret in the namespace whose key `accountKey` holds the account key (instead of `storageAccountKey`). */
  readonly storageKeySecret: string | undefined
  /**
   * A secret (`pulumi config set --secret tyger-ts:storageAccountKey …`): the account key, kept by the component in the
   * Secret `<program>-storage-key`. Without it or `storageKeySecret`, pods use workload identity (the codespec's
   * `identity` service account needs a federated credential with access to the account).
   */
  readonly storageAccountKey: pulumi.Output<string> | undefined
  /** How long a distributed run's job waits for its workers, in seconds. @default the run's timeout */
  readonly workerWaitSeconds: number | undefined
  /** The cluster's DNS domain, in the workers' host names. @default "cluster.local" */
  readonly clusterDomain: string | undefined
  /** `{ run: { parameter: url } }`, a secret: buffers' access URLs (see providers/kubernetes/BufferSecret.ts). */
  readonly bufferUrls: pulumi.Output<BufferUrls> | undefined
  /**
   * `{ run: token }`: change a one-off run's token to run it again (`pulumi config set --path 'tyger-ts:rerun.daphne'
   * 2`); any change, removal included, re-runs it. See `WorkflowArgs.rerun`.
   */
  readonly rerun: { readonly [run: string]: string } | undefined
  /** Let `pulumi up` wait for Jobs to finish. @default false */
  readonly awaitCompletion: boolean
}

const requireImage = (config: pulumi.Config): string => {
  const image = config.get("image")
  if (image === undefined || image === "") {
    throw new pulumi.RunError(
      "tyger-ts:image is required: this package's image for the helper containers (buffer sidecars, mkfifo, " +
        "wait-for-workers), pullable by the cluster; no default image is published. " +
        "Set it with `pulumi config set tyger-ts:image <registry>/tyger-ts:<version>`"
    )
  }
  return image
}

// `pulumi config set --path` stores `2` as a number: a token is compared as text.
const tokens = (rerun: { readonly [run: string]: unknown } | undefined) =>
  rerun === undefined ? undefined : Object.fromEntries(Object.entries(rerun).map(([run, token]) => [run, String(token)]))

export const read = (): StackConfig => {
  const config = new pulumi.Config()
  return {
    program: config.get("program") ?? pulumi.getStack(),
    namespace: config.get("namespace") ?? "default",
    image: requireImage(config),
    storageAccount: config.get("storageAccount"),
    blobEndpoint: config.get("blobEndpoint"),
    storageKeySecret: config.get("storageKeySecret"),
    storageAccountKey: config.getSecret("storageAccountKey"),
    workerWaitSeconds: config.getNumber("workerWaitSeconds"),
    clusterDomain: config.get("clusterDomain"),
    bufferUrls: config.getSecretObject<BufferUrls>("bufferUrls"),
    rerun: tokens(config.getObject<{ readonly [run: string]: unknown }>("rerun")),
    awaitCompletion: config.getBoolean("awaitCompletion") ?? false
  }
}

/** The component arguments the configuration decides (everything but the plan). */
export const componentArgs = (config: StackConfig): Omit<WorkflowArgs, "plan"> => ({
  namespace: config.namespace,
  image: config.image,
  awaitCompletion: config.awaitCompletion,
  ...(config.storageAccount === undefined ? {} : { storageAccount: config.storageAccount }),
  ...(config.blobEndpoint === undefined ? {} : { blobEndpoint: config.blobEndpoint }),
  ...(config.storageKeySecret === undefined ? {} : { storageKeySecret: config.storageKeySecret }),
  ...(config.storageAccountKey === undefined ? {} : { storageAccountKey: config.storageAccountKey }),
  ...(config.workerWaitSeconds === undefined ? {} : { workerWaitSeconds: config.workerWaitSeconds }),
  ...(config.clusterDomain === undefined ? {} : { clusterDomain: config.clusterDomain }),
  ...(config.bufferUrls === undefined ? {} : { bufferUrls: config.bufferUrls }),
  ...(config.rerun === undefined ? {} : { rerun: config.rerun })
})

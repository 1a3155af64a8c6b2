/** Access URLs of buffers by run name, then by buffer parameter. */
export interface BufferUrls {
  readonly [run: string]: { readonly [parameter: string]: string }
}

/** What the manifests need besides the plan; everything has a fixed value, so the output is deterministic. */
export interface Options {
  readonly namespace: string
  /** This package's image, run by the helper containers (see `Contract.ts`). */
  readonly image: string
  /**
   * Access URLs known when the manifests are made. A parameter without one gets a URL derived from `storageAccount`
   * when its buffer id is known, else a placeholder the sidecar waits on (see `BufferSecret.ts`).
   */
  readonly bufferSecrets?: BufferUrls
  /**
   * Azure storage account holding the buffers (one blob container per buffer id, as in Tyger). With it, every buffer
   * gets a container URL: known ids as they are, `create` bindings with ids from `BufferIds.ts`, created by the
   * pod's `create-buffers` init step. Without it, URLs come from `bufferSecrets` or are placeholders.
   */
  readonly storageAccount?: string
  /**
   * The account's blob endpoint, without a trailing slash. @default `https://<storageAccount>.blob.core.windows.net`
   * (Azurite in the cluster: `http://azurite.<ns>.svc.cluster.local:10000/devstoreaccount1`).
   */
  readonly blobEndpoint?: string
  /**
   * A Secret in the namespace whose key `accountKey` holds the storage account key: the helper containers get it as
   * `AZURE_STORAGE_KEY` and sign their requests with it. Without it they use the pod's workload identity.
   */
  readonly storageKeySecret?: string
  /** @default "cluster.local" */
  readonly clusterDomain?: string
  /** Upper bound of the wait for workers (also bounded by the run's timeout). @default the run's timeout */
  readonly workerWaitSeconds?: number
}

/** The Secret key holding the account key in {@link Options.storageKeySecret}. */
export const STORAGE_KEY_SECRET_KEY = "accountKey"

/** The blob endpoint of the options' storage account, if any. */
export const blobEndpointOf = (options: Pick<Options, "storageAccount" | "blobEndpoint">): string | undefined =>
  options.blobEndpoint?.replace(/\/+$/, "") ??
    (options.storageAccount === undefined ? undefined : `https://${options.storageAccount}.blob.core.windows.net`)

export const DEFAULT_CLUSTER_DOMAIN = "cluster.local"
